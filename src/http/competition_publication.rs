//! Published results of an event group: provisional results (成绩公示) with their appeal window,
//! re-publication after corrections, final results, and the history of versions (organisers;
//! supervisors may read).

use crate::auth::{Role, Staff};
use crate::competition::publication::{self, AppealWindow, Publication};
use crate::competition::{EventId, GroupId};
use crate::error::{AppResult, ErrorBody};
use crate::http::competition_results::GroupQuery;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Publishing provisional results.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProvisionalRequest {
    /// Minutes appeals stay open from now (0–10080; default 120, the two hours Chinese rules set).
    #[serde(default = "two_hours")]
    pub appeal_window_minutes: u32,
    /// Why (required when publishing again).
    #[serde(default)]
    pub reason: String,
}

fn two_hours() -> u32 {
    120
}

/// Making results final.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FinalRequest {
    /// Why, or what the final version settles (optional).
    #[serde(default)]
    pub reason: String,
}

/// Publishes the provisional results (公示) on the current ranking and opens the appeal window;
/// again after a correction, as a new version listing what changed (organisers). 409
/// `already_final`, `scores_not_locked`, `not_decrypted`; 422 `bad_appeal_window`,
/// `reason_required`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), GroupQuery), request_body = ProvisionalRequest,
    responses((status = 201, body = Publication), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/events/{eid}/results/provisional")]
pub async fn publish_provisional(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    q: web::Query<GroupQuery>,
    body: web::Json<ProvisionalRequest>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let window = AppealWindow::parse(body.appeal_window_minutes)?;
    let p = publication::publish_provisional(
        &state.db,
        &staff.actor(),
        EventId(*eid),
        GroupId(q.group),
        window,
        &body.reason,
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(p))
}

/// Makes the results final (最终成绩) once the appeal window has closed and every appeal is
/// decided; lists what changed since the provisional version and why (organisers). 409
/// `not_published`, `already_final`, `appeal_window_open`, `appeals_pending`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), GroupQuery), request_body = FinalRequest,
    responses((status = 201, body = Publication), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/events/{eid}/results/final")]
pub async fn publish_final(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    q: web::Query<GroupQuery>,
    body: web::Json<FinalRequest>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let p = publication::publish_final(
        &state.db,
        &staff.actor(),
        EventId(*eid),
        GroupId(q.group),
        &body.reason,
        chrono::Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(p))
}

/// Every published version of an event group's results, newest first (organisers and
/// supervisors).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), GroupQuery),
    responses((status = 200, body = Vec<Publication>), (status = 403, body = ErrorBody)))]
#[get("/competitions/events/{eid}/results")]
pub async fn history(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    q: web::Query<GroupQuery>,
) -> AppResult<web::Json<Vec<Publication>>> {
    staff.require_any(&[Role::Author, Role::Supervisor])?;
    Ok(web::Json(
        publication::history(&state.db, EventId(*eid), GroupId(q.group)).await?,
    ))
}

/// Registers the routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(publish_provisional)
        .service(publish_final)
        .service(history);
}
