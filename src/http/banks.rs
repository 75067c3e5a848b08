//! Banks: list, create, change, category tree, import, export.

use super::dto::{BankDto, CategoryNode, CreateBankRequest, UpdateBankRequest};
use crate::auth::{Role, Staff};
use crate::bank::entity::category;
use crate::bank::format::{self, Format};
use crate::bank::import::{ImportReport, Landing, OnConflict};
use crate::bank::{repo, service};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use actix_web::{get, patch, post};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;

/// Every bank with its question count. Any staff member may list banks.
#[utoipa::path(tag = "banks", security(("bearer" = [])),
    responses((status = 200, body = [BankDto]), (status = 401, body = ErrorBody)))]
#[get("/banks")]
pub async fn list(state: web::Data<AppState>, _staff: Staff) -> AppResult<web::Json<Vec<BankDto>>> {
    let banks = repo::banks_with_counts(&state.db).await?;
    Ok(web::Json(
        banks.into_iter().map(|(b, n)| BankDto::new(b, n)).collect(),
    ))
}

/// Creates an empty bank.
#[utoipa::path(tag = "banks", security(("bearer" = [])),
    request_body = CreateBankRequest,
    responses((status = 201, body = BankDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/banks")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<CreateBankRequest>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let code = service::BankCode::parse(&body.code)?;
    let b = service::create_bank(
        &state.db,
        &staff.actor(),
        code,
        &body.name,
        &body.description,
    )
    .await?;
    Ok(HttpResponse::Created().json(BankDto::new(b, 0)))
}

/// One bank.
#[utoipa::path(tag = "banks", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = BankDto), (status = 404, body = ErrorBody)))]
#[get("/banks/{code}")]
pub async fn get(
    state: web::Data<AppState>,
    _staff: Staff,
    code: web::Path<String>,
) -> AppResult<web::Json<BankDto>> {
    let b = service::get_bank(&state.db, &code).await?;
    let n = repo::question_count(&state.db, b.id).await?;
    Ok(web::Json(BankDto::new(b, n)))
}

/// Renames or re-describes a bank.
#[utoipa::path(tag = "banks", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = UpdateBankRequest,
    responses((status = 200, body = BankDto), (status = 404, body = ErrorBody)))]
#[patch("/banks/{code}")]
pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    code: web::Path<String>,
    body: web::Json<UpdateBankRequest>,
) -> AppResult<web::Json<BankDto>> {
    staff.require(Role::Author)?;
    let body = body.into_inner();
    let b = service::update_bank(
        &state.db,
        &staff.actor(),
        &code,
        body.name,
        body.description,
    )
    .await?;
    let count = repo::question_count(&state.db, b.id).await?;
    Ok(web::Json(BankDto::new(b, count)))
}

fn tree(
    parent: Option<i32>,
    by_parent: &HashMap<Option<i32>, Vec<&category::Model>>,
    totals: &HashMap<i32, i64>,
) -> Vec<CategoryNode> {
    by_parent
        .get(&parent)
        .map(|children| {
            children
                .iter()
                .map(|c| CategoryNode {
                    id: c.id,
                    name: c.name.clone(),
                    path: c.path.clone(),
                    questions: totals.get(&c.id).copied().unwrap_or(0),
                    children: tree(Some(c.id), by_parent, totals),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A bank's categories as a tree, with question counts including sub-categories.
#[utoipa::path(tag = "banks", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = [CategoryNode]), (status = 404, body = ErrorBody)))]
#[get("/banks/{code}/categories")]
pub async fn categories(
    state: web::Data<AppState>,
    _staff: Staff,
    code: web::Path<String>,
) -> AppResult<web::Json<Vec<CategoryNode>>> {
    let b = service::get_bank(&state.db, &code).await?;
    let (cats, totals) = service::category_tree_counts(&state.db, b.id).await?;
    let mut by_parent: HashMap<Option<i32>, Vec<&category::Model>> = HashMap::new();
    for c in &cats {
        by_parent.entry(c.parent_id).or_default().push(c);
    }
    Ok(web::Json(tree(None, &by_parent, &totals)))
}

/// How to import.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// native, gift, moodle_xml, aiken, qti, csv or xlsx; guessed from `filename` and content if absent.
    pub format: Option<String>,
    /// The uploaded file's name (helps guess the format).
    pub filename: Option<String>,
    /// Check and report without writing anything.
    #[serde(default)]
    pub dry_run: bool,
    /// reject (default), skip or update, for identifiers the bank already has.
    #[serde(default)]
    pub on_conflict: OnConflict,
    /// Take every question in as a draft (导入为草稿).
    #[serde(default)]
    pub as_drafts: bool,
    /// Take every question in submitted for review (导入后待审核); `as_drafts` wins if both.
    #[serde(default)]
    pub in_review: bool,
}

fn pick_format(q: &ImportQuery, bytes: &[u8]) -> AppResult<Format> {
    match &q.format {
        Some(f) => Format::parse(f).ok_or_else(|| {
            AppError::bad_request(
                ErrorCode::UnknownFormat,
                format!(
                    "format {f:?} is not one of native, gift, moodle_xml, aiken, qti, csv, xlsx"
                ),
            )
        }),
        None => format::guess(q.filename.as_deref(), bytes).ok_or_else(|| {
            AppError::new(
                actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnknownFormat,
                "cannot tell the file's format; say format=…",
            )
        }),
    }
}

/// Imports a file (the raw request body) into a bank. Returns the per-item report. A dry run
/// writes nothing; a real import writes everything it reports or, on error, nothing.
#[utoipa::path(tag = "banks", security(("bearer" = [])),
    params(("code" = String, Path), ImportQuery),
    request_body(content = Vec<u8>, description = "the file", content_type = "application/octet-stream"),
    responses((status = 200, body = ImportReport),
              (status = 409, description = "identifiers exist with other content; details hold the report", body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/banks/{code}/import")]
pub async fn import(
    state: web::Data<AppState>,
    staff: Staff,
    code: web::Path<String>,
    q: web::Query<ImportQuery>,
    body: web::Bytes,
) -> AppResult<web::Json<ImportReport>> {
    staff.require(Role::Author)?;
    let b = service::get_bank(&state.db, &code).await?;
    if body.is_empty() {
        return Err(AppError::bad_request(
            ErrorCode::EmptyFile,
            "the request body holds no file",
        ));
    }
    let format = pick_format(&q, &body)?;
    let report = service::import(
        &state.db,
        &staff.actor(),
        &b,
        format,
        body,
        service::ImportOptions {
            on_conflict: q.on_conflict,
            dry_run: q.dry_run,
            landing: if q.as_drafts {
                Landing::Draft
            } else if q.in_review {
                Landing::InReview
            } else {
                Landing::AsWritten
            },
        },
        &|_, _| {},
    )
    .await?;
    Ok(web::Json(report))
}

/// Export format.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// native (default), gift, moodle_xml, aiken, qti, csv or xlsx.
    pub format: Option<String>,
}

/// Downloads a bank's current questions in a format.
#[utoipa::path(tag = "banks", security(("bearer" = [])),
    params(("code" = String, Path), ExportQuery),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
#[get("/banks/{code}/export")]
pub async fn export(
    state: web::Data<AppState>,
    staff: Staff,
    code: web::Path<String>,
    q: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let b = service::get_bank(&state.db, &code).await?;
    let format = match &q.format {
        None => Format::Native,
        Some(f) => Format::parse(f).ok_or_else(|| {
            AppError::bad_request(
                ErrorCode::UnknownFormat,
                format!("format {f:?} is not known"),
            )
        })?,
    };
    let bytes = service::export(&state.db, &b, format).await?;
    Ok(HttpResponse::Ok()
        .content_type(format.mime())
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}.{}\"", b.code, format.extension()),
        ))
        .body(bytes))
}

/// Registers the banks routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(categories)
        .service(import)
        .service(export);
}
