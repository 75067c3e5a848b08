//! A session's practical part: setting it up, drawing the schedule, checking candidates in
//! (work codes and lots), and the schedule. Marking is in `judging.rs`.

use crate::auth::{Role, Staff};
use crate::error::{AppResult, ErrorBody};
use crate::exam::session::SessionId;
use crate::http::sessions::visible;
use crate::practical::checkin::{self, CheckIn, Schedule};
use crate::practical::part::{self, PracticalPart, SetupInput};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// A session's practical part (authors, admins, the session's proctors).
#[utoipa::path(tag = "practical", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = PracticalPart), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/practical")]
pub async fn get_part(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<PracticalPart>> {
    let (s, _) = visible(&state, &staff, *id).await?;
    Ok(web::Json(part::view(&state.db, SessionId(s.id)).await?))
}

/// Sets (replaces) a session's practical part: tasks, stations, slots, panels, pass line
/// (authors). Refused once anyone has checked in or lots are drawn.
#[utoipa::path(tag = "practical", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = SetupInput,
    responses((status = 200, body = PracticalPart), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/sessions/{id}/practical")]
pub async fn set_part(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<SetupInput>,
) -> AppResult<web::Json<PracticalPart>> {
    staff.require(Role::Author)?;
    let (s, _) = visible(&state, &staff, *id).await?;
    Ok(web::Json(
        part::set(
            &state.db,
            &staff.actor(),
            SessionId(s.id),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Removes a session's practical part before anyone has checked in (authors).
#[utoipa::path(tag = "practical", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/sessions/{id}/practical")]
pub async fn remove_part(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let (s, _) = visible(&state, &staff, *id).await?;
    part::remove(&state.db, &staff.actor(), SessionId(s.id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Draws the whole schedule in advance, seeded and recorded (authors). Once only.
#[utoipa::path(tag = "practical", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = Schedule), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/practical/draw")]
pub async fn draw(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<Schedule>> {
    staff.require(Role::Author)?;
    let (s, _) = visible(&state, &staff, *id).await?;
    part::refuse_anonymous(&state.db, SessionId(s.id)).await?;
    Ok(web::Json(
        checkin::draw_schedule(&state.db, &staff.actor(), SessionId(s.id)).await?,
    ))
}

/// Who checks in.
#[derive(Deserialize, ToSchema)]
pub struct CheckInRequest {
    /// The candidate's ticket number (准考证号), after the desk has checked their identity.
    pub ticket: String,
}

/// Checks a candidate in: a work code and, with lots at check-in, their places (authors and
/// the session's proctors). Checking in again returns the first check-in.
#[utoipa::path(tag = "practical", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = CheckInRequest,
    responses((status = 200, body = CheckIn), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sessions/{id}/practical/check-in")]
pub async fn check_in(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<CheckInRequest>,
) -> AppResult<web::Json<CheckIn>> {
    let (s, _) = visible(&state, &staff, *id).await?;
    part::refuse_anonymous(&state.db, SessionId(s.id)).await?;
    Ok(web::Json(
        checkin::check_in(&state.db, &staff.actor(), SessionId(s.id), &body.ticket).await?,
    ))
}

/// The schedule: every candidate with work code and places (authors and the session's proctors).
#[utoipa::path(tag = "practical", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = Schedule), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/practical/schedule")]
pub async fn schedule(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<Schedule>> {
    let (s, _) = visible(&state, &staff, *id).await?;
    part::refuse_anonymous(&state.db, SessionId(s.id)).await?;
    Ok(web::Json(
        checkin::schedule(&state.db, SessionId(s.id)).await?,
    ))
}

/// Registers the practical setup routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_part)
        .service(set_part)
        .service(remove_part)
        .service(draw)
        .service(check_in)
        .service(schedule);
}
