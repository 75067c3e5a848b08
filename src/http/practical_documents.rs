//! The practical part's printed documents: the 考核准备通知单 and the 场次安排表 of a session
//! (authors, admins, the session's proctors), and the 考核评分记录表 of a locked task.

use crate::error::{AppError, AppResult, ErrorBody};
use crate::exam::session::SessionId;
use crate::http::sessions::visible;
use crate::pdf::PdfError;
use crate::practical::documents::{self, load};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

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
    staff: crate::auth::Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let (s, _) = visible(&state, &staff, *id).await?;
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
    staff: crate::auth::Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let (s, _) = visible(&state, &staff, *id).await?;
    let d = load::schedule(&state.db, SessionId(s.id)).await?;
    pdf_response(format!("practical-schedule-{}", s.id), move || {
        documents::schedule_pdf(&d)
    })
    .await
}

/// Registers the practical documents' routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(notice).service(schedule);
}
