//! Sessions: create with rooms and proctors, list, read, seat candidates (one or a roster file),
//! list tickets.

use crate::auth::{Role, Staff};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::exam::editing::{self, CandidateChange, SessionChange};
use crate::exam::entity::{candidate, room, session};
use crate::exam::identity::IdNumber;
use crate::exam::repo;
use crate::exam::roster::{self, RosterRow};
use crate::exam::session::{self as svc, NewSession, RosterLine, RosterReport, SessionId};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use actix_web::{delete, get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A room as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct RoomDto {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Seats.
    pub seats: i32,
    /// Proctor user ids.
    pub proctors: Vec<i32>,
}

/// A session as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct SessionDto {
    /// Id.
    pub id: i32,
    /// The exam sat.
    pub exam_id: i32,
    /// Name.
    pub name: String,
    /// Number (期).
    pub number: String,
    /// Venue (站).
    pub venue: String,
    /// Window opens.
    pub starts_at: chrono::DateTime<chrono::Utc>,
    /// Window closes.
    pub ends_at: chrono::DateTime<chrono::Utc>,
    /// Rooms.
    pub rooms: Vec<RoomDto>,
    /// Whether anyone has started (the paper is frozen); only in the single-session view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<bool>,
    /// User ids of the judges assigned (none: every judge may mark); only in the single-session
    /// view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judges: Option<Vec<i32>>,
    /// Whether the session has a practical part; only in the single-session view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practical: Option<bool>,
}

fn dto(s: session::Model, rooms: Vec<room::Model>) -> SessionDto {
    SessionDto {
        id: s.id,
        exam_id: s.exam_id,
        name: s.name,
        number: s.number,
        venue: s.venue,
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        rooms: rooms
            .into_iter()
            .map(|r| RoomDto {
                id: r.id,
                name: r.name,
                seats: r.seats,
                proctors: r
                    .proctors
                    .split(',')
                    .filter_map(|p| p.parse().ok())
                    .collect(),
            })
            .collect(),
        started: None,
        judges: None,
        practical: None,
    }
}

/// A candidate as the staff list shows it (ID number masked).
#[derive(Serialize, ToSchema)]
#[schema(as = SessionCandidateDto)]
pub struct CandidateDto {
    /// Id.
    pub id: i32,
    /// Ticket number (准考证号).
    pub ticket: String,
    /// Name.
    pub name: String,
    /// ID number, masked.
    pub id_number: String,
    /// Employer.
    pub employer: String,
    /// Phone.
    pub phone: String,
    /// Room name.
    pub room: String,
    /// Seat.
    pub seat: i32,
}

/// One candidate entered by hand.
#[derive(Deserialize, ToSchema)]
pub struct NewCandidateRequest {
    /// Name.
    pub name: String,
    /// 18-digit ID number.
    pub id_number: String,
    /// Employer.
    #[serde(default)]
    pub employer: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// Room name (next free seat anywhere when absent).
    pub room: Option<String>,
}

/// A session and its rooms if the caller may see it: authors always, proctors when assigned.
pub(crate) async fn visible(
    state: &AppState,
    staff: &Staff,
    id: i32,
) -> AppResult<(session::Model, Vec<room::Model>)> {
    staff.require_any(&[Role::Author, Role::Proctor])?;
    let (s, rooms) = svc::get(&state.db, SessionId(id)).await?;
    if !svc::may_see(&staff.roles, staff.id, &rooms) {
        return Err(AppError::forbidden("you are not assigned to this session"));
    }
    Ok((s, rooms))
}

/// Creates a session with its rooms.
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    request_body = NewSession,
    responses((status = 201, body = SessionDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sessions")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<NewSession>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let (s, rooms) = svc::create(&state.db, &staff.actor(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(dto(s, rooms)))
}

/// The sessions the caller may see: all for authors, assigned ones for proctors, and for judges
/// those they may mark (no judges assigned, or they are one).
#[utoipa::path(operation_id = "list", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, body = [SessionDto])))]
#[get("/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    staff: Staff,
) -> AppResult<web::Json<Vec<SessionDto>>> {
    staff.require_any(&[Role::Author, Role::Proctor, Role::Judge])?;
    // Judges mark every session's short answers, so they see the list (not the candidates).
    let judge = staff.roles.allows(Role::Judge);
    let mut out = Vec::new();
    for s in repo::sessions(&state.db).await? {
        let rooms = repo::rooms(&state.db, s.id).await?;
        let sees = svc::may_see(&staff.roles, staff.id, &rooms)
            || (judge
                && editing::may_mark(&state.db, &staff.roles, staff.id, SessionId(s.id)).await?);
        if sees {
            out.push(dto(s, rooms));
        }
    }
    Ok(web::Json(out))
}

/// One session.
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path)), responses((status = 200, body = SessionDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<SessionDto>> {
    let (s, rooms) = visible(&state, &staff, *id).await?;
    let started = editing::started(&state.db, SessionId(s.id)).await?;
    let judges = editing::judges(&state.db, SessionId(s.id)).await?;
    let practical = crate::exam::practical_part::has_part(&state.db, s.id).await?;
    Ok(web::Json(SessionDto {
        started: Some(started),
        judges: Some(judges),
        practical: Some(practical),
        ..dto(s, rooms)
    }))
}

/// Adds one candidate; a refused entry is a 422 `candidate_refused` whose details give the
/// reason code (bad ID number, duplicate, unknown room, no free seat).
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = NewCandidateRequest,
    responses((status = 201, body = RosterLine), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/candidates")]
pub async fn add_candidate(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<NewCandidateRequest>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let b = body.into_inner();
    let row = RosterRow {
        line: 0,
        ident: b.name.clone(),
        result: roster::check(
            &b.name,
            &b.id_number,
            &b.employer,
            &b.phone,
            b.room.as_deref(),
        ),
    };
    let mut report =
        svc::add_candidates(&state.db, &staff.actor(), SessionId(*id), vec![row], false).await?;
    let line = report.rows.remove(0);
    if line.outcome != "imported" {
        return Err(AppError::unprocessable(
            ErrorCode::CandidateRefused,
            line.reason.clone().unwrap_or_default(),
        )
        .with_zh(line.reason_zh.clone().unwrap_or_default())
        .with_details(serde_json::json!({ "reason": line.code, "row": line })));
    }
    Ok(HttpResponse::Created().json(line))
}

/// How to read a roster file.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RosterQuery {
    /// csv or xlsx; guessed from `filename` or the content when absent.
    pub format: Option<String>,
    /// The uploaded file's name.
    pub filename: Option<String>,
    /// Report without writing.
    #[serde(default)]
    pub dry_run: bool,
}

/// Imports a roster (CSV in UTF-8 or GBK, or XLSX) with columns 姓名, 身份证号, 工作单位, 手机
/// (and optionally 考场): each row is seated and given a ticket, or skipped with the reason.
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path), RosterQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = RosterReport), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/roster")]
pub async fn import_roster(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<RosterQuery>,
    body: web::Bytes,
) -> AppResult<web::Json<RosterReport>> {
    staff.require(Role::Author)?;
    if body.is_empty() {
        return Err(AppError::bad_request(
            ErrorCode::EmptyFile,
            "the request body holds no file",
        ));
    }
    let xlsx = match q.format.as_deref() {
        Some("xlsx") => true,
        Some("csv") => false,
        Some(other) => {
            return Err(AppError::bad_request(
                ErrorCode::UnknownFormat,
                format!("format {other:?} is not csv or xlsx"),
            ));
        }
        None => {
            body.starts_with(b"PK")
                || q.filename
                    .as_deref()
                    .is_some_and(|f| f.to_ascii_lowercase().ends_with(".xlsx"))
        }
    };
    // A roster can be a big workbook: read it off the async workers.
    let rows = tokio::task::spawn_blocking(move || roster::read(&body, xlsx))
        .await
        .map_err(AppError::internal)??;
    let report =
        svc::add_candidates(&state.db, &staff.actor(), SessionId(*id), rows, q.dry_run).await?;
    Ok(web::Json(report))
}

/// The session's candidates with tickets, rooms and seats (ID numbers masked).
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path)), responses((status = 200, body = [CandidateDto]), (status = 403, body = ErrorBody)))]
#[get("/sessions/{id}/candidates")]
pub async fn candidates(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<Vec<CandidateDto>>> {
    let (s, rooms) = visible(&state, &staff, *id).await?;
    let list = repo::candidates(&state.db, s.id).await?;
    Ok(web::Json(
        list.into_iter().map(|c| candidate_dto(c, &rooms)).collect(),
    ))
}

/// Changes a session: name, number and venue at any time; its exam and window only before
/// anyone starts (409 `session_started` after).
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = SessionChange,
    responses((status = 200, body = SessionDto), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/sessions/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<SessionChange>,
) -> AppResult<web::Json<SessionDto>> {
    staff.require(Role::Author)?;
    let (s, rooms) =
        editing::update_session(&state.db, &staff.actor(), SessionId(*id), body.into_inner())
            .await?;
    Ok(web::Json(dto(s, rooms)))
}

/// Deletes a session with its rooms and roster, only before anyone starts (409
/// `session_started` after).
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/sessions/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    editing::delete_session(&state.db, &staff.actor(), SessionId(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

fn candidate_dto(c: candidate::Model, rooms: &[room::Model]) -> CandidateDto {
    CandidateDto {
        id: c.id,
        ticket: c.ticket,
        name: c.name,
        id_number: IdNumber::parse(&c.id_number)
            .map(|i| i.masked())
            .unwrap_or_else(|_| "******".into()),
        employer: c.employer,
        phone: c.phone,
        room: rooms
            .iter()
            .find(|r| r.id == c.room_id)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        seat: c.seat,
    }
}

/// Corrects a candidate's entry (name, ID number, employer, phone) before they start (409
/// `candidate_started` after; 422 `candidate_refused` with the reason for a bad field).
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path), ("candidate_id" = i32, Path)), request_body = CandidateChange,
    responses((status = 200, body = CandidateDto), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/sessions/{id}/candidates/{candidate_id}")]
pub async fn update_candidate(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
    body: web::Json<CandidateChange>,
) -> AppResult<web::Json<CandidateDto>> {
    staff.require(Role::Author)?;
    let (sid, cid) = path.into_inner();
    let c = editing::update_candidate(
        &state.db,
        &staff.actor(),
        SessionId(sid),
        cid,
        body.into_inner(),
    )
    .await?;
    let rooms = repo::rooms(&state.db, sid).await?;
    Ok(web::Json(candidate_dto(c, &rooms)))
}

/// Takes a candidate off the roster before they start (409 `candidate_started` after).
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path), ("candidate_id" = i32, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/sessions/{id}/candidates/{candidate_id}")]
pub async fn delete_candidate(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let (sid, cid) = path.into_inner();
    editing::delete_candidate(&state.db, &staff.actor(), SessionId(sid), cid).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The proctors of a room.
#[derive(Deserialize, ToSchema)]
pub struct ProctorsRequest {
    /// User ids (each an active proctor or admin); empty removes every proctor.
    pub proctors: Vec<i32>,
}

/// Sets a room's proctors, at any time (also during the exam).
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path), ("room_id" = i32, Path)), request_body = ProctorsRequest,
    responses((status = 200, body = SessionDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/sessions/{id}/rooms/{room_id}/proctors")]
pub async fn set_proctors(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
    body: web::Json<ProctorsRequest>,
) -> AppResult<web::Json<SessionDto>> {
    staff.require(Role::Author)?;
    let (sid, rid) = path.into_inner();
    editing::set_proctors(
        &state.db,
        &staff.actor(),
        SessionId(sid),
        rid,
        body.into_inner().proctors,
    )
    .await?;
    let (s, rooms) = svc::get(&state.db, SessionId(sid)).await?;
    Ok(web::Json(dto(s, rooms)))
}

/// The judges of a session.
#[derive(Deserialize, ToSchema)]
pub struct JudgesRequest {
    /// User ids (each an active judge or admin); empty lets every judge mark the session.
    pub judges: Vec<i32>,
}

/// Sets who marks a session's short answers and practical tasks, at any time.
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = JudgesRequest,
    responses((status = 200, body = SessionDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/sessions/{id}/judges")]
pub async fn set_judges(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<JudgesRequest>,
) -> AppResult<web::Json<SessionDto>> {
    staff.require(Role::Author)?;
    let sid = SessionId(*id);
    let judges =
        editing::set_judges(&state.db, &staff.actor(), sid, body.into_inner().judges).await?;
    let (s, rooms) = svc::get(&state.db, sid).await?;
    let started = editing::started(&state.db, sid).await?;
    Ok(web::Json(SessionDto {
        started: Some(started),
        judges: Some(judges),
        ..dto(s, rooms)
    }))
}

/// The text of a QR code.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QrQuery {
    /// The text (e.g. the login address printed on admission tickets), at most 300 characters.
    pub text: String,
}

/// A QR code of a short text as SVG, for staff (printed tickets carry the login address).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), params(QrQuery),
    responses((status = 200, description = "the QR code", content_type = "image/svg+xml"),
              (status = 422, body = ErrorBody)))]
#[get("/qr.svg")]
pub async fn qr_svg(staff: Staff, q: web::Query<QrQuery>) -> AppResult<HttpResponse> {
    staff.require_any(&[Role::Author, Role::Proctor])?;
    let text = q.text.trim();
    let too_long = || {
        AppError::unprocessable(
            ErrorCode::QrTextTooLong,
            "a QR code holds at most 300 characters here",
        )
    };
    if text.is_empty() || text.chars().count() > 300 {
        return Err(too_long());
    }
    let m = crate::certificate::qr::matrix(text).map_err(|_| too_long())?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "private, max-age=3600"))
        .body(m.svg(160)))
}

/// How many papers the draw report draws each way.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DrawReportQuery {
    /// Papers per way, 1–2000 (200 when left out).
    pub papers: Option<u32>,
    /// A parallel-paper target (1–5) to try instead of the blueprint's: what both ways would
    /// accept had the blueprint asked for it.
    pub target: Option<f64>,
    /// Its tolerance in difficulty levels (the blueprint default 0.3 when left out).
    pub tolerance: Option<f64>,
}

/// Exposure per question on the session's papers and the overlap rate between two candidates'
/// papers (authors, and proctors of the session).
#[utoipa::path(tag = "sessions", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, body = crate::exam::exposure::SessionExposure),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/exposure")]
pub async fn exposure(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<crate::exam::exposure::SessionExposure>> {
    let (s, _) = visible(&state, &staff, *id).await?;
    Ok(web::Json(
        crate::exam::exposure::session_exposure(&state.db, &s).await?,
    ))
}

/// The spread of expected scores over papers drawn from the session's pool by the author's
/// difficulty alone and with measured facility (authors).
#[utoipa::path(tag = "sessions", security(("bearer" = [])),
    params(("id" = i32, Path), DrawReportQuery),
    responses((status = 200, body = crate::exam::exposure::SessionDrawReport),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/draw-report")]
pub async fn draw_report(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<DrawReportQuery>,
) -> AppResult<web::Json<crate::exam::exposure::SessionDrawReport>> {
    staff.require(Role::Author)?;
    let (s, _) = visible(&state, &staff, *id).await?;
    let papers = q.papers.unwrap_or(200).clamp(1, 2000);
    let what_if = q
        .target
        .map(|t| crate::exam::exposure::WhatIfTarget::parse(t, q.tolerance))
        .transpose()
        .map_err(|e| AppError::text(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.text()))?;
    Ok(web::Json(
        crate::exam::exposure::draw_report(&state.db, &state.exams, &s, papers, what_if).await?,
    ))
}

/// Registers the sessions routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_sessions)
        .service(create)
        .service(get)
        .service(candidates)
        .service(add_candidate)
        .service(import_roster)
        .service(update)
        .service(remove)
        .service(update_candidate)
        .service(delete_candidate)
        .service(set_proctors)
        .service(set_judges)
        .service(qr_svg)
        .service(exposure)
        .service(draw_report);
}
