//! Questions: search, create, read, edit (as new versions), retire, history.

use super::dto::{QuestionDto, QuestionPage, QuestionSummary, UpdateQuestionRequest, VersionDto};
use crate::auth::{Role, Staff};
use crate::bank::model::{QuestionBody, QuestionKind, QuestionStatus};
use crate::bank::repo::{self, Search};
use crate::bank::service::{self, QuestionId};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use actix_web::{get, post, put};
use serde::Deserialize;
use utoipa::IntoParams;

/// Search filters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Bank code.
    pub bank: Option<String>,
    /// Category path within the bank (includes sub-categories); needs `bank`.
    pub category: Option<String>,
    /// Text in the stem or identifier.
    pub q: Option<String>,
    /// Kind code.
    pub kind: Option<String>,
    /// Status code.
    pub status: Option<String>,
    /// Difficulty 1–5.
    pub difficulty: Option<u8>,
    /// Page from 1 (default 1).
    pub page: Option<u64>,
    /// Page size (default 50, max 500).
    pub per_page: Option<u64>,
}

/// Searches questions across banks or in one.
#[utoipa::path(tag = "questions", security(("bearer" = [])),
    params(SearchQuery), responses((status = 200, body = QuestionPage), (status = 400, body = ErrorBody)))]
#[get("/questions")]
pub async fn search(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<SearchQuery>,
) -> AppResult<web::Json<QuestionPage>> {
    staff.require(Role::Author)?;
    let mut s = Search::default();
    if let Some(code) = &q.bank {
        let b = service::get_bank(&state.db, code).await?;
        s.bank_id = Some(b.id);
        if let Some(path) = &q.category {
            s.category_ids = Some(service::category_subtree(&state.db, b.id, path).await?);
        }
    } else if q.category.is_some() {
        return Err(AppError::bad_request(
            ErrorCode::CategoryNeedsBank,
            "a category filter needs bank=… too",
        ));
    }
    s.text =
        q.q.as_ref()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
    if let Some(k) = &q.kind {
        s.kind = Some(QuestionKind::parse(k).ok_or_else(|| {
            AppError::bad_request(ErrorCode::UnknownKind, format!("kind {k:?} is not known"))
        })?);
    }
    if let Some(st) = &q.status {
        s.status = Some(QuestionStatus::parse(st).ok_or_else(|| {
            AppError::bad_request(
                ErrorCode::UnknownStatus,
                format!("status {st:?} is not draft, in_review, active, flagged or retired"),
            )
        })?);
    }
    s.difficulty = q.difficulty;
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let (total, rows) = repo::search(&state.db, &s, page, per_page).await?;
    let codes = repo::bank_codes(&state.db).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let code = codes.get(&r.bank_id).cloned().unwrap_or_default();
            QuestionSummary::new(r, code)
        })
        .collect();
    Ok(web::Json(QuestionPage {
        total,
        page,
        per_page,
        items,
    }))
}

/// Adds a question to a bank.
#[utoipa::path(tag = "questions", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = QuestionBody,
    responses((status = 201, body = QuestionDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/banks/{code}/questions")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    code: web::Path<String>,
    body: web::Json<QuestionBody>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let b = service::get_bank(&state.db, &code).await?;
    let row = service::create_question(&state.db, &staff.actor(), &b, body.into_inner()).await?;
    let d = service::question_detail(&state.db, QuestionId(row.id)).await?;
    let v = d.row.version;
    Ok(HttpResponse::Created().json(QuestionDto::new(&d.row, d.bank, v, d.question)))
}

/// One question with its current content and key.
#[utoipa::path(tag = "questions", security(("bearer" = [])),
    params(("id" = i32, Path)), responses((status = 200, body = QuestionDto), (status = 404, body = ErrorBody)))]
#[get("/questions/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<QuestionDto>> {
    staff.require(Role::Author)?;
    let d = service::question_detail(&state.db, QuestionId(*id)).await?;
    let v = d.row.version;
    Ok(web::Json(QuestionDto::new(&d.row, d.bank, v, d.question)))
}

/// Saves an edit as a new version.
#[utoipa::path(tag = "questions", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = UpdateQuestionRequest,
    responses((status = 200, body = QuestionDto), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/questions/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<UpdateQuestionRequest>,
) -> AppResult<web::Json<QuestionDto>> {
    staff.require(Role::Author)?;
    let body = body.into_inner();
    let d = service::update_question(
        &state.db,
        &staff.actor(),
        QuestionId(*id),
        body.body,
        body.expected_version,
    )
    .await?;
    let v = d.row.version;
    Ok(web::Json(QuestionDto::new(&d.row, d.bank, v, d.question)))
}

/// The new status.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct StatusRequest {
    /// draft, in_review, active, flagged or retired.
    pub status: QuestionStatus,
    /// Why (kept in the review record; a default text when absent).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Changes a question's status through the review action that leads there (see
/// `/questions/{id}/review/{action}`), under the same rules: 409 `transition_not_allowed`,
/// `review_required`; 403 `review_by_author`. Changes no content version. Retiring keeps it for
/// old attempts and never draws it again.
#[utoipa::path(tag = "questions", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = StatusRequest,
    responses((status = 200, body = QuestionDto), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/questions/{id}/status")]
pub async fn set_status(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<StatusRequest>,
) -> AppResult<web::Json<QuestionDto>> {
    staff.require(Role::Author)?;
    let d = crate::bank::review::set_status(
        &state.db,
        &staff.actor(),
        QuestionId(*id),
        body.status,
        body.reason.as_deref(),
    )
    .await?;
    let v = d.row.version;
    Ok(web::Json(QuestionDto::new(&d.row, d.bank, v, d.question)))
}

/// A question's version history.
#[utoipa::path(tag = "questions", security(("bearer" = [])),
    params(("id" = i32, Path)), responses((status = 200, body = [VersionDto]), (status = 404, body = ErrorBody)))]
#[get("/questions/{id}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<Vec<VersionDto>>> {
    staff.require(Role::Author)?;
    service::question_detail(&state.db, QuestionId(*id)).await?;
    let vs = repo::versions(&state.db, *id).await?;
    Ok(web::Json(
        vs.into_iter()
            .map(|v| VersionDto {
                version: v.version,
                created_at: v.created_at,
                created_by: v.created_by,
                fingerprint: v.fingerprint,
            })
            .collect(),
    ))
}

/// One past (or the current) version of a question.
#[utoipa::path(tag = "questions", security(("bearer" = [])),
    params(("id" = i32, Path), ("version" = i32, Path)),
    responses((status = 200, body = QuestionDto), (status = 404, body = ErrorBody)))]
#[get("/questions/{id}/versions/{version}")]
pub async fn version(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
) -> AppResult<web::Json<QuestionDto>> {
    staff.require(Role::Author)?;
    let (id, n) = path.into_inner();
    let d = service::question_detail(&state.db, QuestionId(id)).await?;
    let (_, q) = service::question_version(&state.db, QuestionId(id), n).await?;
    Ok(web::Json(QuestionDto::new(&d.row, d.bank, n, q)))
}

/// Registers the questions routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create)
        .service(search)
        .service(get)
        .service(update)
        .service(set_status)
        .service(versions)
        .service(version);
}
