//! Candidates: log in with ticket and ID number, fetch the paper, save answers, read the
//! attempt's state and result, submit. Staff: audit an attempt's paper against its seed.

use crate::auth::candidate::{self, CandidateAuth};
use crate::auth::{Role, Staff};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::exam::attempt::{self, AttemptId, AttemptState, PaperView, SaveRequest};
use crate::exam::attempt_repo;
use crate::exam::delivery::TabletResponse;
use crate::exam::entity::attempt::AttemptStatus;
use crate::exam::results::{self, PaperAudit};
use crate::exam::session::{self as sessions, SessionId};
use crate::http::client_ip;
use crate::state::AppState;
use actix_web::{HttpRequest, web};
use actix_web::{get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A candidate's login.
#[derive(Deserialize, ToSchema)]
pub struct CandidateLoginRequest {
    /// Ticket number (准考证号).
    pub ticket: String,
    /// 18-digit ID number (身份证号).
    pub id_number: String,
}

/// Who logged in, as the tablet shows it.
#[derive(Serialize, ToSchema)]
pub struct CandidateDto {
    /// Name.
    pub name: String,
    /// Ticket number.
    pub ticket: String,
    /// Room.
    pub room: String,
    /// Seat.
    pub seat: i32,
}

/// A successful candidate login.
#[derive(Serialize, ToSchema)]
pub struct CandidateLoginResponse {
    /// Bearer token for the attempt endpoints.
    pub token: String,
    /// The attempt it opens.
    pub attempt_id: i32,
    /// When the token expires.
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The candidate.
    pub candidate: CandidateDto,
    /// The attempt's state (saved answers included, so a new tablet continues where the old one was).
    pub attempt: AttemptState,
}

/// Signs the candidate's token for a login or retake and shapes the answer.
fn login_dto(state: &AppState, l: attempt::CandidateLogin) -> AppResult<CandidateLoginResponse> {
    let token = candidate::sign(&state.keys, l.auth, l.issued_at, l.expires_at.timestamp())?;
    Ok(CandidateLoginResponse {
        token,
        attempt_id: l.attempt.id,
        expires_at: l.expires_at,
        candidate: CandidateDto {
            name: l.candidate.name,
            ticket: l.candidate.ticket,
            room: l.room,
            seat: l.candidate.seat,
        },
        attempt: l.attempt,
    })
}

/// Logs a candidate in: starts their attempt or resumes it (taking it over from another tablet).
#[utoipa::path(tag = "attempts",
    request_body = CandidateLoginRequest,
    responses((status = 200, body = CandidateLoginResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/candidate/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<CandidateLoginRequest>,
) -> AppResult<web::Json<CandidateLoginResponse>> {
    let l = attempt::login(
        &state.db,
        &state.exams,
        &body.ticket,
        &body.id_number,
        &client_ip(&req),
    )
    .await?;
    Ok(web::Json(login_dto(&state, l)?))
}

/// Starts the next sitting after a submitted one, if the exam allows retakes.
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    responses((status = 200, body = CandidateLoginResponse), (status = 409, body = ErrorBody)))]
#[post("/candidate/retake")]
pub async fn retake(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: CandidateAuth,
) -> AppResult<web::Json<CandidateLoginResponse>> {
    let l = attempt::retake(&state.db, &state.exams, &auth, &client_ip(&req)).await?;
    Ok(web::Json(login_dto(&state, l)?))
}

/// The candidate's paper: questions in their order, options under opaque ids, no key.
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = PaperView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/attempts/{id}/paper")]
pub async fn paper(
    state: web::Data<AppState>,
    auth: CandidateAuth,
    id: web::Path<i32>,
) -> AppResult<web::Json<PaperView>> {
    Ok(web::Json(
        attempt::paper(&state.db, &state.exams, &auth, AttemptId(id.into_inner())).await?,
    ))
}

/// One answer save.
#[derive(Deserialize, ToSchema)]
pub struct SaveAnswerRequest {
    /// The answer.
    pub response: TabletResponse,
    /// The tablet's sequence number for this attempt (from 1, growing with every change).
    pub seq: i64,
}

/// What a save stored.
#[derive(Serialize, ToSchema)]
pub struct SaveAnswerResponse {
    /// The sequence number now stored for this question.
    pub saved_seq: i64,
    /// False when an equal or newer save was already stored and nothing changed.
    pub applied: bool,
}

/// Saves one answer; idempotent by sequence number; answered only once committed.
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path), ("question_id" = i32, Path)),
    request_body = SaveAnswerRequest,
    responses((status = 200, body = SaveAnswerResponse), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/attempts/{id}/answers/{question_id}")]
pub async fn save(
    state: web::Data<AppState>,
    auth: CandidateAuth,
    path: web::Path<(i32, i32)>,
    body: web::Json<SaveAnswerRequest>,
) -> AppResult<web::Json<SaveAnswerResponse>> {
    let (id, question) = path.into_inner();
    let body = body.into_inner();
    let (saved_seq, applied) = attempt::save(
        &state.db,
        &state.exams,
        &auth,
        AttemptId(id),
        question,
        SaveRequest {
            response: body.response,
            seq: body.seq,
        },
    )
    .await?;
    Ok(web::Json(SaveAnswerResponse { saved_seq, applied }))
}

/// The attempt's state: status, server time, deadline, saved answers, and the result once released.
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = AttemptState), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/attempts/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: CandidateAuth,
    id: web::Path<i32>,
) -> AppResult<web::Json<AttemptState>> {
    Ok(web::Json(
        attempt::get(&state.db, &state.exams, &auth, AttemptId(id.into_inner())).await?,
    ))
}

/// Stores where the candidate is on the paper (flagged questions, the current one), so both
/// follow the candidate to a new tablet.
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path)),
    request_body = attempt::Position,
    responses((status = 200, body = attempt::Position), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[put("/attempts/{id}/position")]
pub async fn position(
    state: web::Data<AppState>,
    auth: CandidateAuth,
    id: web::Path<i32>,
    body: web::Json<attempt::Position>,
) -> AppResult<web::Json<attempt::Position>> {
    Ok(web::Json(
        attempt::set_position(
            &state.db,
            &state.exams,
            &auth,
            AttemptId(id.into_inner()),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Submits the attempt; repeating it changes nothing.
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = AttemptState), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/attempts/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    auth: CandidateAuth,
    id: web::Path<i32>,
) -> AppResult<web::Json<AttemptState>> {
    let done = attempt::submit(&state.db, &state.exams, &auth, AttemptId(id.into_inner())).await?;
    // Released at submit, final and passed: the certificate follows now, as it would on a
    // staff release or the last mark (after the submission committed; it never undoes it).
    if done
        .result
        .as_ref()
        .is_some_and(|r| r.is_final && r.passed == Some(true))
    {
        crate::certificate::issue::issue_after_submit(&state.db, &state.issuer, auth.candidate_id)
            .await;
    }
    Ok(web::Json(done))
}

/// Re-draws an attempt's paper from its seed and says whether it is the stored one (authors,
/// and proctors of the session).
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = PaperAudit), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/attempts/{id}/audit")]
pub async fn audit(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<PaperAudit>> {
    staff.require_any(&[Role::Author, Role::Proctor])?;
    let a = attempt_repo::attempt(&state.db, id.into_inner())
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::AttemptNotFound, "no such attempt"))?;
    let (_, rooms) = sessions::get(&state.db, SessionId(a.session_id)).await?;
    if !sessions::may_see(&staff.roles, staff.id, &rooms) {
        return Err(AppError::forbidden("you are not assigned to this session"));
    }
    Ok(web::Json(
        results::audit_paper(&state.db, &state.exams, &a).await?,
    ))
}

/// A staff change to an attempt's time.
#[derive(Deserialize, ToSchema, Default)]
pub struct ClockRequest {
    /// Minutes to add (extend only).
    #[serde(default)]
    pub minutes: u32,
    /// Why (kept in the audit log).
    #[serde(default)]
    pub reason: String,
}

/// An attempt's time after a staff change.
#[derive(Serialize, ToSchema)]
pub struct ClockDto {
    /// The attempt.
    pub id: i32,
    /// `in_progress` or `paused`.
    #[schema(value_type = String)]
    pub status: AttemptStatus,
    /// When time is up (while paused: if resumed now).
    pub deadline: chrono::DateTime<chrono::Utc>,
    /// Seconds left (standing still while paused).
    pub remaining_seconds: i64,
}

async fn clock(
    state: &AppState,
    staff: &Staff,
    id: i32,
    action: attempt::ClockAction,
    reason: &str,
) -> AppResult<web::Json<ClockDto>> {
    staff.require_any(&[Role::Author, Role::Proctor])?;
    let a = attempt_repo::attempt(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::AttemptNotFound, "no such attempt"))?;
    let (_, rooms) = sessions::get(&state.db, SessionId(a.session_id)).await?;
    if !sessions::may_see(&staff.roles, staff.id, &rooms) {
        return Err(AppError::forbidden("you are not assigned to this session"));
    }
    let a = attempt::change_clock(
        &state.db,
        &state.exams,
        &staff.actor(),
        AttemptId(id),
        action,
        reason.trim(),
    )
    .await?;
    let (deadline, remaining) = attempt::time_left(&a);
    Ok(web::Json(ClockDto {
        id: a.id,
        status: a.status,
        deadline,
        remaining_seconds: remaining,
    }))
}

/// Pauses one attempt: its clock stops and saves wait until it resumes (proctors of the session).
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path)),
    request_body = ClockRequest,
    responses((status = 200, body = ClockDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/attempts/{id}/pause")]
pub async fn pause(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: Option<web::Json<ClockRequest>>,
) -> AppResult<web::Json<ClockDto>> {
    let b = body.map(|b| b.into_inner()).unwrap_or_default();
    clock(&state, &staff, *id, attempt::ClockAction::Pause, &b.reason).await
}

/// Resumes a paused attempt; its deadline moves on by the pause.
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path)),
    request_body = ClockRequest,
    responses((status = 200, body = ClockDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/attempts/{id}/resume")]
pub async fn resume(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: Option<web::Json<ClockRequest>>,
) -> AppResult<web::Json<ClockDto>> {
    let b = body.map(|b| b.into_inner()).unwrap_or_default();
    clock(&state, &staff, *id, attempt::ClockAction::Resume, &b.reason).await
}

/// Gives one attempt extra minutes.
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path)),
    request_body = ClockRequest,
    responses((status = 200, body = ClockDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/attempts/{id}/extend")]
pub async fn extend(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<ClockRequest>,
) -> AppResult<web::Json<ClockDto>> {
    clock(
        &state,
        &staff,
        *id,
        attempt::ClockAction::Extend(body.minutes),
        &body.reason,
    )
    .await
}

/// What a tablet reports.
#[derive(Deserialize, ToSchema)]
pub struct EventsRequest {
    /// Up to 100 events.
    pub events: Vec<crate::exam::events::ClientEvent>,
    /// The tablet's clock when it sent them (Unix ms): the server measures the tablet's clock
    /// offset from it and stamps each event on its own clock.
    #[serde(default)]
    pub sent_at: Option<i64>,
}

/// How many events were stored.
#[derive(Serialize, ToSchema)]
pub struct EventsResponse {
    /// Events stored (heartbeats only move the last-seen time).
    pub stored: usize,
}

/// Reports heartbeats and page-hidden, window-blur and fullscreen-exit events of the candidate's tablet.
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path)),
    request_body = EventsRequest,
    responses((status = 200, body = EventsResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/attempts/{id}/events")]
pub async fn events(
    state: web::Data<AppState>,
    auth: CandidateAuth,
    id: web::Path<i32>,
    body: web::Json<EventsRequest>,
) -> AppResult<web::Json<EventsResponse>> {
    let body = body.into_inner();
    let stored = crate::exam::events::report(
        &state.db,
        &state.exams,
        &auth,
        AttemptId(*id),
        body.events,
        body.sent_at,
    )
    .await?;
    Ok(web::Json(EventsResponse { stored }))
}

/// Registers the attempts routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(retake)
        .service(get)
        .service(paper)
        .service(save)
        .service(position)
        .service(submit)
        .service(audit)
        .service(events)
        .service(pause)
        .service(resume)
        .service(extend);
}
