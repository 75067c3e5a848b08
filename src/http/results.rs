//! After the exam: a session's results (JSON, CSV, XLSX), releasing them to candidates, and
//! the short-answer marking queue.

use crate::auth::{Role, Staff};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::exam::results::{self, MarkId, MarkingItem, SessionResults};
use crate::exam::session::SessionId;
use crate::http::sessions::visible;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use actix_web::{get, post, put};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// How to return results.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<String>,
    /// Full ID numbers instead of masked ones (admins only; every such export is audited).
    #[serde(default)]
    pub full_ids: bool,
}

/// A session's results table: rank, score, pass, per section; with pass rate and mean.
#[utoipa::path(tag = "results", security(("bearer" = [])),
    params(("id" = i32, Path), ResultsQuery),
    responses((status = 200, body = SessionResults), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/results")]
pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<ResultsQuery>,
) -> AppResult<HttpResponse> {
    if q.full_ids {
        staff.require(Role::Admin)?;
    }
    let (s, _) = visible(&state, &staff, *id).await?;
    let format = q.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "xlsx") {
        return Err(AppError::bad_request(
            ErrorCode::UnknownFormat,
            format!("format {format:?} is not json, csv or xlsx"),
        ));
    }
    let mut r = results::session_results(&state.db, &state.exams, &s).await?;
    if q.full_ids {
        crate::exam::pii::unmask_results(&state.db, &staff.actor(), &s, &mut r, format).await?;
    }
    let name = format!("results-session-{}", s.id);
    match format {
        "json" => Ok(HttpResponse::Ok().json(r)),
        "csv" => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}.csv\""),
            ))
            .body(results::to_csv(&r)?)),
        "xlsx" => Ok(HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}.xlsx\""),
            ))
            .body(results::to_xlsx(&r)?)),
        other => Err(AppError::bad_request(
            ErrorCode::UnknownFormat,
            format!("format {other:?} is not json, csv or xlsx"),
        )),
    }
}

/// Releases a session's results to its candidates (authors).
#[utoipa::path(tag = "results", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = SessionResults), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/sessions/{id}/release")]
pub async fn release(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<SessionResults>> {
    staff.require(Role::Author)?;
    let (s, _) = visible(&state, &staff, *id).await?;
    results::release(&state.db, &staff.actor(), &s).await?;
    // Right after the release commits, in its own transaction: a certificate problem never
    // undoes a release, and releasing again retries (issuing is idempotent). Without a usable
    // public address it skips quietly; the console shows why.
    let (s, _) = visible(&state, &staff, *id).await?;
    if crate::certificate::issue::issues_automatically(&state.db, &state.issuer, &s).await? {
        crate::certificate::issue::issue_for_session(
            &state.db,
            &state.issuer,
            &staff.actor(),
            SessionId(s.id),
        )
        .await?;
    }
    Ok(web::Json(
        results::session_results(&state.db, &state.exams, &s).await?,
    ))
}

/// Which marks to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MarkingQuery {
    /// Only unmarked answers (default true).
    pub pending: Option<bool>,
}

/// Authors, and judges when the session has none assigned or they are one of its judges.
async fn may_mark(state: &AppState, staff: &Staff, session: Option<SessionId>) -> AppResult<()> {
    staff.require_any(&[Role::Author, Role::Judge])?;
    if let Some(s) = session
        && !crate::exam::editing::may_mark(&state.db, &staff.roles, staff.id, s).await?
    {
        return Err(AppError::forbidden(
            "other judges are assigned to mark this session",
        ));
    }
    Ok(())
}

/// The session's short-answer marking queue, with stem, reference answer, rubric and the
/// candidate's answer under an anonymous work code (authors and judges).
#[utoipa::path(tag = "results", security(("bearer" = [])),
    params(("id" = i32, Path), MarkingQuery),
    responses((status = 200, body = [MarkingItem]), (status = 403, body = ErrorBody)))]
#[get("/sessions/{id}/marking")]
pub async fn queue(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<MarkingQuery>,
) -> AppResult<web::Json<Vec<MarkingItem>>> {
    crate::exam::session::get(&state.db, SessionId(*id)).await?;
    may_mark(&state, &staff, Some(SessionId(*id))).await?;
    Ok(web::Json(
        results::marking_queue(
            &state.db,
            &state.exams,
            SessionId(*id),
            q.pending.unwrap_or(true),
        )
        .await?,
    ))
}

/// A marker's points for one answer.
#[derive(Deserialize, ToSchema)]
pub struct MarkRequest {
    /// Points, from 0 to the question's points on the paper.
    pub points: f64,
    /// Why (optional).
    #[serde(default)]
    pub comment: String,
}

/// Marks one answer and re-grades its attempt (final once its last answer is marked).
#[utoipa::path(tag = "results", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = MarkRequest,
    responses((status = 200, body = MarkingItem), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/marks/{id}")]
pub async fn mark(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<MarkRequest>,
) -> AppResult<web::Json<MarkingItem>> {
    let session = crate::exam::editing::session_of_mark(&state.db, *id).await?;
    may_mark(&state, &staff, session).await?;
    let plan = results::plan_mark(
        &state.db,
        &state.exams,
        MarkId(*id),
        body.points,
        &body.comment,
    )
    .await?;
    // The mark and the certificate a final, passed, released result earns: one transaction.
    crate::certificate::issue::mark_and_issue(&state.db, &state.issuer, &staff.actor(), &plan)
        .await?;
    Ok(web::Json(
        results::marking_item(
            &state.db,
            &state.exams,
            SessionId(plan.session().id),
            plan.mark_id(),
        )
        .await?,
    ))
}

/// Registers the results routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(release)
        .service(queue)
        .service(mark);
}
