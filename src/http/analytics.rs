//! Item analytics for staff (authors and admins; proctors and judges see nothing): a session's,
//! an exam's and a bank's statistics as JSON, XLSX or PDF, DIF between two groups of a session,
//! the settings, recomputing a session, and sending a question back to review.

use crate::analytics::export;
use crate::analytics::store::{self, Report, Settings};
use crate::auth::{Role, Staff};
use crate::bank::review::{self, FlagSource};
use crate::bank::service::QuestionId;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::exam::entity::session;
use crate::exam::item_feed::{self, DifBy, DifReport, Grouping};
use crate::exam::service::ExamId;
use crate::exam::session::SessionId;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// How to return a report.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `json` (default), `xlsx` or `pdf`.
    pub format: Option<String>,
}

/// Renders the report; XLSX and PDF are built off the async workers (a big bank's PDF takes
/// a second or more).
async fn respond(r: Report, format: Option<&str>, name: &str) -> AppResult<HttpResponse> {
    let attachment = |ext: &str| {
        (
            "Content-Disposition",
            format!("attachment; filename=\"{name}.{ext}\""),
        )
    };
    match format.unwrap_or("json") {
        "json" => Ok(HttpResponse::Ok().json(r)),
        "xlsx" => Ok(HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header(attachment("xlsx"))
            .body(
                web::block(move || export::to_xlsx(&r))
                    .await
                    .map_err(AppError::internal)??,
            )),
        "pdf" => Ok(HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header(attachment("pdf"))
            .body(
                web::block(move || export::to_pdf(&r))
                    .await
                    .map_err(AppError::internal)??,
            )),
        other => Err(AppError::bad_request(
            ErrorCode::UnknownFormat,
            format!("format {other:?} is not json, xlsx or pdf"),
        )),
    }
}

async fn session_of(state: &AppState, staff: &Staff, id: i32) -> AppResult<session::Model> {
    staff.require(Role::Author)?;
    Ok(crate::exam::session::get(&state.db, SessionId(id)).await?.0)
}

/// A session's item and test statistics: as recorded on release (or recompute), otherwise
/// computed now from its submitted attempts (`source` says which).
#[utoipa::path(tag = "analytics", security(("bearer" = [])),
    params(("id" = i32, Path), ReportQuery),
    responses((status = 200, body = Report), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/analytics")]
pub async fn session_report(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<ReportQuery>,
) -> AppResult<HttpResponse> {
    let s = session_of(&state, &staff, *id).await?;
    let r = item_feed::session_report(&state.db, &s).await?;
    respond(
        r,
        q.format.as_deref(),
        &format!("analytics-session-{}", s.id),
    )
    .await
}

/// Recomputes and records a session's statistics from its final results now (authors).
#[utoipa::path(tag = "analytics", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = Report), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/sessions/{id}/analytics/recompute")]
pub async fn recompute(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<Report>> {
    let s = session_of(&state, &staff, *id).await?;
    let txn = crate::db::begin_write(&state.db).await?;
    let recorded = item_feed::record(&txn, s.id).await?;
    crate::audit::record(
        &txn,
        &staff.actor(),
        "analytics.recompute",
        "session",
        &s.id.to_string(),
        json!({
            "persons": recorded.as_ref().map(|r| r.analysis.test.persons),
            "flagged": recorded.as_ref().map(|r| r.flagged.len()),
            "sent_to_review": recorded.as_ref().map(|r| r.sent_to_review),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(web::Json(item_feed::session_report(&state.db, &s).await?))
}

/// Which groups to compare.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DifQuery {
    /// `employer` (default) or `group` (a competition theory stage's 组别).
    pub by: Option<DifBy>,
    /// The reference group (with `focal`; without both, the two largest groups).
    pub reference: Option<String>,
    /// The focal group.
    pub focal: Option<String>,
}

/// Differential item functioning (Mantel–Haenszel, ETS A/B/C) between two groups of a
/// session's candidates: by employer, or by competition group (职工组 / 学生组).
#[utoipa::path(tag = "analytics", security(("bearer" = [])),
    params(("id" = i32, Path), DifQuery),
    responses((status = 200, body = DifReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/sessions/{id}/analytics/dif")]
pub async fn dif(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<DifQuery>,
) -> AppResult<web::Json<DifReport>> {
    let s = session_of(&state, &staff, *id).await?;
    let by = q.by.unwrap_or(DifBy::Employer);
    let grouping = match by {
        DifBy::Employer => Grouping::Employer,
        DifBy::Group => Grouping::ByCandidate(
            crate::competition::dif_groups::of_session(&state.db, s.id).await?,
        ),
    };
    Ok(web::Json(
        item_feed::dif(
            &state.db,
            &s,
            by,
            &grouping,
            q.reference.as_deref(),
            q.focal.as_deref(),
        )
        .await?,
    ))
}

/// An exam's statistics pooled over its sessions' recorded figures (attempt-weighted).
#[utoipa::path(tag = "analytics", security(("bearer" = [])),
    params(("id" = i32, Path), ReportQuery),
    responses((status = 200, body = Report), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/exams/{id}/analytics")]
pub async fn exam_report(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<ReportQuery>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let exam = crate::exam::service::get(&state.db, ExamId(*id)).await?;
    let scope = store::Scope {
        kind: "exam",
        id: exam.row.id,
        title: exam.row.name.clone(),
    };
    let r = store::pooled_report(&state.db, scope).await?;
    respond(
        r,
        q.format.as_deref(),
        &format!("analytics-exam-{}", exam.row.id),
    )
    .await
}

/// A bank's questions with statistics pooled over every recorded session that showed them,
/// with their newest Rasch calibration.
#[utoipa::path(tag = "analytics", security(("bearer" = [])),
    params(("code" = String, Path), ReportQuery),
    responses((status = 200, body = Report), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/banks/{code}/analytics")]
pub async fn bank_report(
    state: web::Data<AppState>,
    staff: Staff,
    code: web::Path<String>,
    q: web::Query<ReportQuery>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let bank = crate::bank::service::get_bank(&state.db, &code).await?;
    let scope = store::Scope {
        kind: "bank",
        id: bank.id,
        title: format!("{} {}", bank.code, bank.name),
    };
    let r = store::pooled_report(&state.db, scope).await?;
    respond(
        r,
        q.format.as_deref(),
        &format!("analytics-bank-{}", bank.code),
    )
    .await
}

/// The analytics settings: flag thresholds, minimum responses, auto-flag.
#[utoipa::path(tag = "analytics", security(("bearer" = [])),
    responses((status = 200, body = Settings), (status = 403, body = ErrorBody)))]
#[get("/analytics/settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    staff: Staff,
) -> AppResult<web::Json<Settings>> {
    staff.require(Role::Author)?;
    Ok(web::Json(store::settings(&state.db).await?))
}

/// Changes the analytics settings (admins). Bad thresholds are refused with
/// `bad_thresholds` and nothing is saved.
#[utoipa::path(tag = "analytics", security(("bearer" = [])),
    request_body = Settings,
    responses((status = 200, body = Settings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/analytics/settings")]
pub async fn put_settings(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<Settings>,
) -> AppResult<web::Json<Settings>> {
    staff.require(Role::Admin)?;
    let txn = crate::db::begin_write(&state.db).await?;
    let before = store::settings(&txn).await?;
    store::save_settings(&txn, &body, Some(staff.id)).await?;
    crate::audit::record(
        &txn,
        &staff.actor(),
        "analytics.settings",
        "analytics_settings",
        "1",
        json!({"before": before, "after": *body}),
    )
    .await?;
    txn.commit().await?;
    Ok(web::Json(store::settings(&state.db).await?))
}

/// Why a question goes back to review.
#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// The reason (e.g. the flags shown); at most 2,000 characters.
    #[serde(default)]
    pub reason: String,
}

/// Whether the question was sent.
#[derive(Serialize, ToSchema)]
pub struct ReviewOutcome {
    /// True when it was active and is now flagged for review; false when it was not active.
    pub flagged: bool,
}

/// Sends a question back to review from the analytics screen (authors): it becomes
/// `flagged` with the reason and is not drawn until reviewed.
#[utoipa::path(tag = "analytics", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = ReviewRequest,
    responses((status = 200, body = ReviewOutcome), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/analytics/questions/{id}/review")]
pub async fn send_to_review(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<ReviewRequest>,
) -> AppResult<web::Json<ReviewOutcome>> {
    staff.require(Role::Author)?;
    let reason = body.reason.trim();
    if reason.chars().count() > 2000 {
        return Err(AppError::unprocessable(
            ErrorCode::CommentTooLong,
            "a reason holds at most 2,000 characters",
        ));
    }
    let reason = if reason.is_empty() {
        "统计标记 / Statistics flag"
    } else {
        reason
    };
    let txn = crate::db::begin_write(&state.db).await?;
    let flagged = review::flag(&txn, QuestionId(*id), FlagSource::Statistics, reason).await?;
    crate::audit::record(
        &txn,
        &staff.actor(),
        "analytics.send_to_review",
        "question",
        &id.to_string(),
        json!({"reason": reason, "flagged": flagged}),
    )
    .await?;
    txn.commit().await?;
    Ok(web::Json(ReviewOutcome { flagged }))
}

/// Registers the analytics routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(session_report)
        .service(recompute)
        .service(dif)
        .service(exam_report)
        .service(bank_report)
        .service(get_settings)
        .service(put_settings)
        .service(send_to_review);
}
