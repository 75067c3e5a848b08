//! The practical part's printed documents: the 考核准备通知单 and the 场次安排表 of a session
//! (authors, admins, the session's proctors), and the 考核评分记录表 of a locked task.

use crate::auth::{Role, Staff};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::exam::session::SessionId;
use crate::http::sessions::visible;
use crate::pdf::PdfError;
use crate::practical::TaskId;
use crate::practical::documents::{self, load};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// A PDF rendered off the async workers, as an inline download.
async fn pdf_response(
    name: String,
    render: impl FnOnce() -> Result<Vec<u8>, PdfError> + Send + 'static,
) -> AppResult<HttpResponse> {
    let bytes = tokio::task::spawn_blocking(render)
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{name}.pdf\""),
        ))
        .body(bytes))
}

/// 考核准备通知单: per task the time allowed and the equipment per station and in all, and the
/// slots with their start times (Beijing time).
#[utoipa::path(tag = "practical", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/practical/notice.pdf")]
pub async fn notice(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let (s, _) = visible(&state, &staff, *id).await?;
    crate::practical::part::refuse_anonymous(&state.db, SessionId(s.id)).await?;
    let n = load::notice(&state.db, SessionId(s.id)).await?;
    pdf_response(format!("practical-notice-{}", s.id), move || {
        documents::notice_pdf(&n)
    })
    .await
}

/// 场次安排表: per slot and station the candidate's work code (their ticket before check-in)
/// and name.
#[utoipa::path(tag = "practical", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/practical/schedule.pdf")]
pub async fn schedule(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let (s, _) = visible(&state, &staff, *id).await?;
    crate::practical::part::refuse_anonymous(&state.db, SessionId(s.id)).await?;
    let d = load::schedule(&state.db, SessionId(s.id)).await?;
    pdf_response(format!("practical-schedule-{}", s.id), move || {
        documents::schedule_pdf(&d)
    })
    .await
}

/// Which candidate's record.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordsQuery {
    /// One candidate's work code; every candidate of the task when absent.
    pub code: Option<String>,
}

/// 考核评分记录表 of a locked task: per candidate every judge's entries and marks, the
/// aggregate, deductions, points and score, the judges and head judge with signing times, and
/// signature lines (the head judge, authors, admins). 409 `task_not_locked` before the lock.
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("task" = i32, Path), RecordsQuery),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
#[get("/judging/tasks/{task}/records.pdf")]
pub async fn records(
    state: web::Data<AppState>,
    staff: Staff,
    task: web::Path<i32>,
    q: web::Query<RecordsQuery>,
) -> AppResult<HttpResponse> {
    staff.require_any(&[Role::Judge, Role::Author])?;
    let records = load::records(
        &state.db,
        staff.id,
        staff.roles.allows(Role::Author),
        TaskId(*task),
        q.code.as_deref(),
    )
    .await?;
    let name = match &q.code {
        Some(c) => format!("practical-records-{}-{}", *task, c.trim()),
        None => format!("practical-records-{}", *task),
    };
    pdf_response(name, move || documents::records_pdf(&records)).await
}

/// Registers the practical documents' routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(notice).service(schedule).service(records);
}
