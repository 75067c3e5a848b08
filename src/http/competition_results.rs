//! Competition results: the qualifying cut (preview, confirm, the 晋级名单 PDF), the recheck
//! (复核) of the final's locked marks by code, and the ranking per event and group (JSON, XLSX,
//! PDF). Organisers are authors or admins; the recheck team are supervisors.

use crate::auth::{Role, Staff};
use crate::competition::cut::{self, CutPreview};
use crate::competition::recheck::{self, RecheckView, SheetEntries};
use crate::competition::standings::{self, Ranking};
use crate::competition::{EventId, GroupId, StageId, documents};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// The cut of a stage as it stands (or as confirmed), per group (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)),
    responses((status = 200, body = CutPreview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/stages/{sid}/cut")]
pub async fn cut_preview(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<CutPreview>> {
    staff.require(Role::Author)?;
    Ok(web::Json(cut::preview(&state.db, StageId(*sid)).await?))
}

/// Confirms the cut: the qualifiers enter the next stage (organisers; once). 409
/// `cut_confirmed` after, `cut_not_ready` while the theory is not over.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)),
    responses((status = 200, body = CutPreview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/stages/{sid}/cut")]
pub async fn cut_confirm(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<CutPreview>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        cut::confirm(&state.db, &staff.actor(), StageId(*sid)).await?,
    ))
}

async fn pdf(name: String, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{name}.pdf\""),
        ))
        .body(bytes)
}

/// 晋级名单: the cut list per group with a signature line (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/stages/{sid}/cut.pdf")]
pub async fn cut_pdf(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let s = cut::stage(&state.db, StageId(*sid)).await?;
    let p = cut::preview(&state.db, StageId(s.id)).await?;
    let bytes = tokio::task::spawn_blocking(move || documents::cut_pdf(&s.name, &p))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(pdf(format!("cut-{}", *sid), bytes).await)
}

/// The final's recheck: selection by code, sheets, differences, outcome (organisers and
/// supervisors).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)),
    responses((status = 200, body = RecheckView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/stages/{sid}/recheck")]
pub async fn recheck_view(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<RecheckView>> {
    staff.require_any(&[Role::Author, Role::Supervisor])?;
    Ok(web::Json(recheck::view(&state.db, StageId(*sid)).await?))
}

/// Starts the recheck once every task is locked: top N per group plus a seeded sample
/// (organisers and supervisors). 409 `scores_not_locked`, `recheck_pending`, `recheck_done`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)),
    responses((status = 200, body = RecheckView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/stages/{sid}/recheck")]
pub async fn recheck_start(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<RecheckView>> {
    staff.require_any(&[Role::Author, Role::Supervisor])?;
    Ok(web::Json(
        recheck::start(&state.db, &staff.actor(), StageId(*sid)).await?,
    ))
}

/// Re-enters one sheet (code × task × judge), every aspect; again replaces it (supervisors not
/// on the task's panel).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)), request_body = SheetEntries,
    responses((status = 200, body = RecheckView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/competitions/stages/{sid}/recheck/entries")]
pub async fn recheck_enter(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
    body: web::Json<SheetEntries>,
) -> AppResult<web::Json<RecheckView>> {
    staff.require(Role::Supervisor)?;
    Ok(web::Json(
        recheck::enter(&state.db, &staff.actor(), StageId(*sid), &body).await?,
    ))
}

/// Finishes the recheck: error rate; above the limit every task is reopened for re-marking
/// (organisers and supervisors). 409 `recheck_pending` while sheets are missing.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)),
    responses((status = 200, body = RecheckView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/stages/{sid}/recheck/finish")]
pub async fn recheck_finish(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<RecheckView>> {
    staff.require_any(&[Role::Author, Role::Supervisor])?;
    Ok(web::Json(
        recheck::finish(&state.db, &staff.actor(), StageId(*sid)).await?,
    ))
}

/// Which group.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupQuery {
    /// The group (组别).
    pub group: i32,
}

async fn load(state: &AppState, staff: &Staff, eid: i32, group: i32) -> AppResult<Ranking> {
    staff.require(Role::Author)?;
    standings::ranking(&state.db, EventId(eid), GroupId(group)).await
}

/// The ranking of an event's group on locked, decrypted scores (organisers). 409
/// `scores_not_locked`, `not_decrypted`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), GroupQuery),
    responses((status = 200, body = Ranking), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[get("/competitions/events/{eid}/ranking")]
pub async fn ranking(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    q: web::Query<GroupQuery>,
) -> AppResult<web::Json<Ranking>> {
    Ok(web::Json(load(&state, &staff, *eid, q.group).await?))
}

/// The ranking as XLSX.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), GroupQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 409, body = ErrorBody)))]
#[get("/competitions/events/{eid}/ranking.xlsx")]
pub async fn ranking_xlsx(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    q: web::Query<GroupQuery>,
) -> AppResult<HttpResponse> {
    let r = load(&state, &staff, *eid, q.group).await?;
    let bytes = documents::ranking_xlsx(&r)?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"ranking-{}-{}.xlsx\"", *eid, q.group),
        ))
        .body(bytes))
}

/// 成绩排名表 as PDF.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), GroupQuery),
    responses((status = 200, content_type = "application/pdf"), (status = 409, body = ErrorBody)))]
#[get("/competitions/events/{eid}/ranking.pdf")]
pub async fn ranking_pdf(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    q: web::Query<GroupQuery>,
) -> AppResult<HttpResponse> {
    let r = load(&state, &staff, *eid, q.group).await?;
    let bytes = tokio::task::spawn_blocking(move || documents::ranking_pdf(&r))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(pdf(format!("ranking-{}-{}", *eid, q.group), bytes).await)
}

/// Registers the results routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(cut_preview)
        .service(cut_confirm)
        .service(cut_pdf)
        .service(recheck_view)
        .service(recheck_start)
        .service(recheck_enter)
        .service(recheck_finish)
        .service(ranking)
        .service(ranking_xlsx)
        .service(ranking_pdf);
}
