//! Exam definitions: check a blueprint as it is edited, save, read, change.

use crate::auth::{Role, Staff};
use crate::error::{AppResult, ErrorBody};
use crate::exam::definition::ExamDefinition;
use crate::exam::service::{self, Exam, ExamId, Feasibility};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use actix_web::{delete, get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An exam as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct ExamDto {
    /// Id.
    pub id: i32,
    /// Version, one more on each saved change.
    pub version: i32,
    /// The definition.
    pub definition: ExamDefinition,
    /// Last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Whether the banks can fill it now (on create and update).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feasibility: Option<Feasibility>,
}

impl ExamDto {
    fn new(e: Exam, feasibility: Option<Feasibility>) -> ExamDto {
        ExamDto {
            id: e.row.id,
            version: e.row.version,
            definition: e.definition,
            updated_at: e.row.updated_at,
            feasibility,
        }
    }
}

/// A change to an exam.
#[derive(Deserialize, ToSchema)]
pub struct UpdateExamRequest {
    /// The version the editor started from; a mismatch is a 409.
    pub expected_version: Option<i32>,
    /// The new definition.
    pub definition: ExamDefinition,
}

/// Checks a definition against the banks without saving it: which cells are short, by how many.
#[utoipa::path(tag = "exams", security(("bearer" = [])),
    request_body = ExamDefinition,
    responses((status = 200, body = Feasibility), (status = 422, body = ErrorBody)))]
#[post("/exams/check")]
pub async fn check(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<ExamDefinition>,
) -> AppResult<web::Json<Feasibility>> {
    staff.require(Role::Author)?;
    let (_, f) = service::check(&state.db, body.into_inner()).await?;
    Ok(web::Json(f))
}

/// Saves a new exam; refused with 422 `blueprint_infeasible` (details list the short cells) if
/// the banks cannot fill it.
#[utoipa::path(tag = "exams", security(("bearer" = [])),
    request_body = ExamDefinition,
    responses((status = 201, body = ExamDto), (status = 422, body = ErrorBody)))]
#[post("/exams")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<ExamDefinition>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let (exam, f) = service::create(&state.db, &staff.actor(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(ExamDto::new(exam, Some(f))))
}

/// Every exam, newest first.
#[utoipa::path(tag = "exams", security(("bearer" = [])),
    responses((status = 200, body = [ExamDto])))]
#[get("/exams")]
pub async fn list(state: web::Data<AppState>, staff: Staff) -> AppResult<web::Json<Vec<ExamDto>>> {
    staff.require(Role::Author)?;
    let exams = service::list(&state.db).await?;
    Ok(web::Json(
        exams.into_iter().map(|e| ExamDto::new(e, None)).collect(),
    ))
}

/// One exam.
#[utoipa::path(tag = "exams", security(("bearer" = [])),
    params(("id" = i32, Path)), responses((status = 200, body = ExamDto), (status = 404, body = ErrorBody)))]
#[get("/exams/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<ExamDto>> {
    staff.require(Role::Author)?;
    let exam = service::get(&state.db, ExamId(*id)).await?;
    Ok(web::Json(ExamDto::new(exam, None)))
}

/// Replaces an exam's definition (checked like a new one).
#[utoipa::path(tag = "exams", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = UpdateExamRequest,
    responses((status = 200, body = ExamDto), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/exams/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<UpdateExamRequest>,
) -> AppResult<web::Json<ExamDto>> {
    staff.require(Role::Author)?;
    let body = body.into_inner();
    let (exam, f) = service::update(
        &state.db,
        &staff.actor(),
        ExamId(*id),
        body.definition,
        body.expected_version,
    )
    .await?;
    Ok(web::Json(ExamDto::new(exam, Some(f))))
}

/// Deletes an exam no session uses (409 `exam_in_use` otherwise).
#[utoipa::path(tag = "exams", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/exams/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    crate::exam::editing::delete_exam(&state.db, &staff.actor(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the exams routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // Before `/exams/{id}`, which would also match it.
    cfg.service(check)
        .service(list)
        .service(create)
        .service(get)
        .service(update)
        .service(remove);
}
