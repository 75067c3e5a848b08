//! Proctoring over HTTP: the room view (snapshot and live stream), room-wide and per-candidate
//! actions, check-in, incidents, the session report, and the tablet's own live stream.
//! Only admins, authors and the proctors assigned to the session get in.

use crate::auth::candidate::candidate_from_token;
use crate::auth::staff::staff_from_token;
use crate::auth::{Role, Staff};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::exam::attempt::{AttemptId, ClockAction};
use crate::exam::attempt_repo;
use crate::http::sessions::visible;
use crate::proctor::actions::{self, About, RoomReport};
use crate::proctor::live::{self, Frame};
use crate::proctor::repo::{self, Incident};
use crate::state::AppState;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use actix_web::{get, post};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// The token of an EventSource request: `Authorization: Bearer …` or `?access_token=…`
/// (EventSource cannot send headers).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// The token, when no header can be sent.
    pub access_token: Option<String>,
}

fn token_of(req: &HttpRequest, q: &StreamQuery) -> AppResult<String> {
    crate::http::extract::bearer(req)
        .map(str::to_string)
        .or_else(|| q.access_token.clone())
        .ok_or_else(|| {
            AppError::unauthorized(ErrorCode::MissingToken, "log in first: no token was sent")
        })
}

fn event_stream(
    body: impl futures_util::Stream<Item = Result<actix_web::web::Bytes, actix_web::Error>> + 'static,
) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/event-stream"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        // Identity keeps the compression middleware from buffering the stream.
        .insert_header((CONTENT_ENCODING, "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body)
}

/// The room view now: one tile per candidate and the totals.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path)), responses((status = 200, body = Frame), (status = 403, body = ErrorBody)))]
#[get("/sessions/{id}/room")]
pub async fn room(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<Frame>> {
    let (s, _) = visible(&state, &staff, *id).await?;
    let (tiles, totals) = live::full(&state.db, s.id).await?;
    Ok(web::Json(Frame {
        server_time_ms: chrono::Utc::now().timestamp_millis(),
        full: true,
        tiles,
        totals,
        published_at_ms: None,
    }))
}

/// The room view live, as Server-Sent Events: `snapshot` (every tile), then `tiles` with the
/// tiles that changed and the new totals.
#[utoipa::path(operation_id = "live", tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path), StreamQuery), responses((status = 200, content_type = "text/event-stream", body = Frame), (status = 403, body = ErrorBody)))]
#[get("/sessions/{id}/live")]
pub async fn room_stream(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i32>,
    q: web::Query<StreamQuery>,
) -> AppResult<HttpResponse> {
    let token = token_of(&req, &q)?;
    let staff = staff_from_token(&state.db, &state.keys, &token).await?;
    let (s, _) = visible(&state, &staff, *id).await?;
    let stream = state.live.watch(&state.db, s.id).await?;
    Ok(event_stream(state.live.streams.limit(&token, stream)))
}

/// The tablet's live stream of its own attempt: `state` (status and time) now and after each
/// proctor action; `taken_over` when another device took over.
#[utoipa::path(tag = "attempts", security(("bearer" = [])),
    params(("id" = i32, Path), StreamQuery), responses((status = 200, content_type = "text/event-stream"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/attempts/{id}/live")]
pub async fn attempt_live(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i32>,
    q: web::Query<StreamQuery>,
) -> AppResult<HttpResponse> {
    let token = token_of(&req, &q)?;
    let auth = candidate_from_token(&state.keys, &token)?;
    if auth.attempt_id != *id {
        return Err(AppError::forbidden("this token does not open that attempt"));
    }
    // Refuse at once (401 taken_over, 404) rather than open a stream that ends immediately.
    crate::exam::attempt::clock_state(&state.db, &state.exams, &auth, AttemptId(*id)).await?;
    Ok(event_stream(state.live.streams.limit(
        &token,
        live::attempt_stream(state.db.clone(), state.exams.clone(), auth),
    )))
}

/// A room-wide (or session-wide) change of time.
#[derive(Deserialize, ToSchema, Default)]
pub struct RoomClockRequest {
    /// The room; the whole session when absent.
    pub room_id: Option<i32>,
    /// Minutes to add (extend only).
    #[serde(default)]
    pub minutes: u32,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

async fn room_clock(
    state: &AppState,
    staff: &Staff,
    id: i32,
    body: RoomClockRequest,
    action: impl FnOnce(u32) -> ClockAction,
) -> AppResult<web::Json<RoomReport>> {
    let (s, rooms) = visible(state, staff, id).await?;
    if let Some(r) = body.room_id
        && !rooms.iter().any(|x| x.id == r)
    {
        return Err(AppError::not_found(
            ErrorCode::RoomNotFound,
            "no such room in this session",
        ));
    }
    Ok(web::Json(
        actions::clock_room(
            &state.db,
            &state.exams,
            &staff.actor(),
            s.id,
            body.room_id,
            action(body.minutes),
            &body.reason,
        )
        .await?,
    ))
}

/// Pauses every open attempt of a room (or the session).
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = RoomClockRequest, responses((status = 200, body = RoomReport)))]
#[post("/sessions/{id}/pause")]
pub async fn pause_room(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: Option<web::Json<RoomClockRequest>>,
) -> AppResult<web::Json<RoomReport>> {
    room_clock(
        &state,
        &staff,
        *id,
        body.map(|b| b.into_inner()).unwrap_or_default(),
        |_| ClockAction::Pause,
    )
    .await
}

/// Resumes every paused attempt of a room (or the session).
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = RoomClockRequest, responses((status = 200, body = RoomReport)))]
#[post("/sessions/{id}/resume")]
pub async fn resume_room(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: Option<web::Json<RoomClockRequest>>,
) -> AppResult<web::Json<RoomReport>> {
    room_clock(
        &state,
        &staff,
        *id,
        body.map(|b| b.into_inner()).unwrap_or_default(),
        |_| ClockAction::Resume,
    )
    .await
}

/// Gives every open attempt of a room (or the session) extra minutes.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = RoomClockRequest, responses((status = 200, body = RoomReport), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/extend")]
pub async fn extend_room(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<RoomClockRequest>,
) -> AppResult<web::Json<RoomReport>> {
    room_clock(&state, &staff, *id, body.into_inner(), ClockAction::Extend).await
}

/// Why a proctor acts.
#[derive(Deserialize, ToSchema, Default)]
#[schema(as = ProctorReasonRequest)]
pub struct ReasonRequest {
    /// Why (required to terminate).
    #[serde(default)]
    pub reason: String,
}

async fn assigned_attempt(
    state: &AppState,
    staff: &Staff,
    id: i32,
) -> AppResult<crate::exam::entity::attempt::Model> {
    let a = attempt_repo::attempt(&state.db, id)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::AttemptNotFound, "no such attempt"))?;
    visible(state, staff, a.session_id).await?;
    Ok(a)
}

/// Submits a candidate's attempt now.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = ReasonRequest, responses((status = 200), (status = 409, body = ErrorBody)))]
#[post("/attempts/{id}/force-submit")]
pub async fn force_submit(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: Option<web::Json<ReasonRequest>>,
) -> AppResult<HttpResponse> {
    let a = assigned_attempt(&state, &staff, *id).await?;
    let b = body.map(|b| b.into_inner()).unwrap_or_default();
    let done = actions::force_submit(
        &state.db,
        &state.exams,
        &staff.actor(),
        AttemptId(a.id),
        &b.reason,
    )
    .await?;
    // A passing result released at submit earns its certificate now, as on the tablet.
    crate::certificate::issue::issue_for_finished(
        &state.db,
        &state.issuer,
        std::slice::from_ref(&done),
    )
    .await;
    Ok(HttpResponse::Ok()
        .json(json!({"id": done.id, "status": done.status, "submitted_by": done.submitted_by})))
}

/// Ends an attempt for misconduct; a reason is required.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = ReasonRequest, responses((status = 200), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/attempts/{id}/terminate")]
pub async fn terminate(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<ReasonRequest>,
) -> AppResult<HttpResponse> {
    let a = assigned_attempt(&state, &staff, *id).await?;
    let done = actions::terminate(
        &state.db,
        &state.exams,
        &staff.actor(),
        AttemptId(a.id),
        &body.reason,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .json(json!({"id": done.id, "status": done.status, "submitted_by": done.submitted_by})))
}

/// Logs the attempt out of its tablet so the candidate continues on a new one.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = ReasonRequest, responses((status = 204), (status = 409, body = ErrorBody)))]
#[post("/attempts/{id}/release-device")]
pub async fn release_device(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: Option<web::Json<ReasonRequest>>,
) -> AppResult<HttpResponse> {
    let a = assigned_attempt(&state, &staff, *id).await?;
    let b = body.map(|b| b.into_inner()).unwrap_or_default();
    actions::release_device(
        &state.db,
        &state.exams,
        &staff.actor(),
        AttemptId(a.id),
        &b.reason,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Checks a candidate in.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path), ("candidate_id" = i32, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
#[post("/sessions/{id}/candidates/{candidate_id}/check-in")]
pub async fn check_in(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
) -> AppResult<HttpResponse> {
    let (id, candidate) = path.into_inner();
    let (s, _) = visible(&state, &staff, id).await?;
    actions::check_in(&state.db, &state.exams, &staff.actor(), s.id, candidate).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How an unlock went.
#[derive(serde::Serialize, ToSchema)]
pub struct UnlockReport {
    /// Addresses whose failed logins on the ticket were forgotten on this instance (0: nothing
    /// was waiting here; the other instances forget theirs too).
    pub cleared: usize,
}

/// Lets a candidate log in again after failed logins on their ticket made it wait (from any
/// address). For an admin or a proctor assigned to the session; audited.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path), ("candidate_id" = i32, Path)), request_body = ReasonRequest,
    responses((status = 200, body = UnlockReport), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/sessions/{id}/candidates/{candidate_id}/unlock")]
pub async fn unlock_login(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
    body: Option<web::Json<ReasonRequest>>,
) -> AppResult<web::Json<UnlockReport>> {
    let (id, candidate) = path.into_inner();
    staff.require(Role::Proctor)?;
    let (s, rooms) =
        crate::exam::session::get(&state.db, crate::exam::session::SessionId(id)).await?;
    if !staff.roles.allows(Role::Admin) && !crate::exam::session::proctors(staff.id, &rooms) {
        return Err(AppError::forbidden(
            "only an admin or a proctor of this session may unlock a login",
        ));
    }
    let b = body.map(|b| b.into_inner()).unwrap_or_default();
    let cleared = actions::unlock_login(
        &state.db,
        &state.exams,
        &staff.actor(),
        s.id,
        candidate,
        &b.reason,
    )
    .await?;
    Ok(web::Json(UnlockReport { cleared }))
}

/// An incident note on a candidate, a room or the session.
#[derive(Deserialize, ToSchema)]
pub struct IncidentRequest {
    /// The candidate it is about.
    pub candidate_id: Option<i32>,
    /// The room it is about (when not about a candidate).
    pub room_id: Option<i32>,
    /// What happened.
    pub text: String,
}

/// Writes an incident note.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = IncidentRequest, responses((status = 201), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/incidents")]
pub async fn add_incident(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<IncidentRequest>,
) -> AppResult<HttpResponse> {
    let (s, _) = visible(&state, &staff, *id).await?;
    let about = match (body.candidate_id, body.room_id) {
        (Some(c), _) => About::Candidate(c),
        (None, Some(r)) => About::Room(r),
        (None, None) => About::Session,
    };
    let incident = actions::note(
        &state.db,
        &state.exams,
        &staff.actor(),
        s.id,
        about,
        &body.text,
    )
    .await?;
    Ok(HttpResponse::Created().json(json!({"id": incident})))
}

/// A session's incidents.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path)), responses((status = 200, body = [Incident])))]
#[get("/sessions/{id}/incidents")]
pub async fn incidents(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<Vec<Incident>>> {
    let (s, _) = visible(&state, &staff, *id).await?;
    Ok(web::Json(repo::incidents(&state.db, s.id).await?))
}

/// Closes an incident.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path), ("incident_id" = i32, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
#[post("/sessions/{id}/incidents/{incident_id}/close")]
pub async fn close_incident(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
) -> AppResult<HttpResponse> {
    let (id, incident) = path.into_inner();
    let (s, _) = visible(&state, &staff, id).await?;
    actions::close(&state.db, &state.exams, &staff.actor(), s.id, incident).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How to return the session report.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `csv` (default) or `pdf`.
    pub format: Option<String>,
    /// `zh` (default) or `en`: the report's language.
    pub lang: Option<String>,
}

/// The session report (CSV or PDF): per candidate a summary, the timeline of events and
/// actions, and incidents.
#[utoipa::path(tag = "proctoring", security(("bearer" = [])),
    params(("id" = i32, Path), ReportQuery), responses((status = 200, content_type = "text/csv"), (status = 200, content_type = "application/pdf"), (status = 403, body = ErrorBody)))]
#[get("/sessions/{id}/report")]
pub async fn report(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<ReportQuery>,
) -> AppResult<HttpResponse> {
    let (s, _) = visible(&state, &staff, *id).await?;
    let lang_code = q.lang.as_deref().unwrap_or("zh");
    let lang = crate::proctor::report::Lang::parse(lang_code).ok_or_else(|| {
        AppError::bad_request(
            ErrorCode::UnknownFormat,
            format!("lang {lang_code:?} is not zh or en"),
        )
    })?;
    let (body, mime, ext) = match q.format.as_deref().unwrap_or("csv") {
        "csv" => (
            crate::proctor::report::csv(&state.db, &state.exams, s.id, lang).await?,
            "text/csv; charset=utf-8",
            "csv",
        ),
        "pdf" => (
            crate::proctor::report::pdf(&state.db, &state.exams, s.id, lang).await?,
            "application/pdf",
            "pdf",
        ),
        other => {
            return Err(AppError::bad_request(
                ErrorCode::UnknownFormat,
                format!("format {other:?} is not csv or pdf"),
            ));
        }
    };
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"report-session-{}.{ext}\"", s.id),
        ))
        .body(body))
}

/// Registers the proctor routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(attempt_live)
        .service(force_submit)
        .service(terminate)
        .service(release_device)
        .service(room)
        .service(room_stream)
        .service(pause_room)
        .service(resume_room)
        .service(extend_room)
        .service(check_in)
        .service(unlock_login)
        .service(incidents)
        .service(add_incident)
        .service(close_incident)
        .service(report);
}
