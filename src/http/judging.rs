//! Judging practical tasks: a judge's tasks and sheets, saving marks from the tablet, submitting
//! sheets, the head judge's overview and sign-off, corrections after the lock and their second
//! approval, and a session's practical results.

use crate::auth::{Role, Staff};
use crate::error::{AppResult, ErrorBody};
use crate::exam::session::SessionId;
use crate::practical::TaskId;
use crate::practical::board::{self, JudgeTask, TaskBoard, TaskHead};
use crate::practical::correction::{self, Correction, CorrectionRequest};
use crate::practical::marking::{self, MarkView, Sheet};
use crate::practical::record::TaskRecord;
use crate::practical::score::{self, PracticalResults};
use crate::practical::signoff;
use crate::state::AppState;
use actix_web::{get, post, put, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Authors and admins may look at any task's board and overview.
fn staff_may_view(staff: &Staff) -> bool {
    staff.roles.allows(Role::Author)
}

/// The tasks whose panel holds me.
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    responses((status = 200, body = [JudgeTask]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/judging/tasks")]
pub async fn my_tasks(
    state: web::Data<AppState>,
    staff: Staff,
) -> AppResult<web::Json<Vec<JudgeTask>>> {
    staff.require(Role::Judge)?;
    Ok(web::Json(board::my_tasks(&state.db, staff.id).await?))
}

/// Which slot to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    /// Only this time slot.
    pub slot: Option<i32>,
}

/// A task with its scheme and candidates (codes only until the lock) for a panel judge, an
/// author or an admin.
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("task" = i32, Path), SlotQuery),
    responses((status = 200, body = TaskBoard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/judging/tasks/{task}")]
pub async fn task_board(
    state: web::Data<AppState>,
    staff: Staff,
    task: web::Path<i32>,
    q: web::Query<SlotQuery>,
) -> AppResult<web::Json<TaskBoard>> {
    staff.require_any(&[Role::Judge, Role::Author])?;
    Ok(web::Json(
        board::board(
            &state.db,
            staff.id,
            staff_may_view(&staff),
            TaskId(*task),
            q.slot,
        )
        .await?,
    ))
}

/// My sheet for one candidate: my entries, open flags, the others' entries once I submitted.
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("task" = i32, Path), ("code" = String, Path)),
    responses((status = 200, body = Sheet), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/judging/tasks/{task}/sheets/{code}")]
pub async fn sheet(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, String)>,
) -> AppResult<web::Json<Sheet>> {
    staff.require(Role::Judge)?;
    let (task, code) = path.into_inner();
    Ok(web::Json(
        marking::sheet(&state.db, staff.id, TaskId(task), &code).await?,
    ))
}

/// A save from the tablet.
#[derive(Deserialize, ToSchema)]
pub struct MarkSave {
    /// Judgement: level 0–3; plain measurement: 1 met / 0 not met; banded measurement: the
    /// measured deviation; deduction: occurrences.
    pub entry: f64,
    /// The tablet's increasing sequence number: a save not above the stored one changes
    /// nothing.
    pub seq: i64,
}

/// Saves my entry for one aspect (idempotent and order-proof by `seq`).
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("task" = i32, Path), ("code" = String, Path), ("aspect" = i32, Path)),
    request_body = MarkSave,
    responses((status = 200, body = MarkView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/judging/tasks/{task}/sheets/{code}/marks/{aspect}")]
pub async fn save_mark(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, String, i32)>,
    body: web::Json<MarkSave>,
) -> AppResult<web::Json<MarkView>> {
    staff.require(Role::Judge)?;
    let (task, code, aspect) = path.into_inner();
    Ok(web::Json(
        marking::save(
            &state.db,
            &staff.actor(),
            TaskId(task),
            &code,
            aspect,
            body.entry,
            body.seq,
        )
        .await?,
    ))
}

/// Submits my sheet for a candidate (signed by my login, time-stamped); runs the spread check.
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("task" = i32, Path), ("code" = String, Path)),
    responses((status = 200, body = Sheet), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/judging/tasks/{task}/sheets/{code}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, String)>,
) -> AppResult<web::Json<Sheet>> {
    staff.require(Role::Judge)?;
    let (task, code) = path.into_inner();
    Ok(web::Json(
        marking::submit(&state.db, &staff.actor(), TaskId(task), &code).await?,
    ))
}

/// Every candidate's sheets, entries, flags, aggregates, points and score (the head judge, an
/// author or an admin).
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("task" = i32, Path)),
    responses((status = 200, body = TaskRecord), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/judging/tasks/{task}/overview")]
pub async fn overview(
    state: web::Data<AppState>,
    staff: Staff,
    task: web::Path<i32>,
) -> AppResult<web::Json<TaskRecord>> {
    staff.require_any(&[Role::Judge, Role::Author])?;
    Ok(web::Json(
        signoff::overview(&state.db, staff.id, staff_may_view(&staff), TaskId(*task)).await?,
    ))
}

/// The head judge signs the task off and locks it; every candidate's result goes to the exam.
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("task" = i32, Path)),
    responses((status = 200, body = TaskHead), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
#[post("/judging/tasks/{task}/sign-off")]
pub async fn sign_off(
    state: web::Data<AppState>,
    staff: Staff,
    task: web::Path<i32>,
) -> AppResult<web::Json<TaskHead>> {
    staff.require(Role::Judge)?;
    let head = signoff::sign_off(&state.db, &staff.actor(), TaskId(*task)).await?;
    // A competition final's board shows the task's scores by code from now on.
    state
        .boards
        .changed_session(&state.db, head.session_id)
        .await;
    // The lock may make results final and passed: issue their certificates when the session
    // issues automatically (best effort, after the commit).
    crate::certificate::issue::issue_after_practical(
        &state.db,
        &state.issuer,
        &staff.actor(),
        SessionId(head.session_id),
    )
    .await;
    Ok(web::Json(head))
}

/// The head judge asks for a correction of a locked mark, entering their password again.
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("task" = i32, Path)), request_body = CorrectionRequest,
    responses((status = 200, body = Correction), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/judging/tasks/{task}/corrections")]
pub async fn request_correction(
    state: web::Data<AppState>,
    staff: Staff,
    task: web::Path<i32>,
    body: web::Json<CorrectionRequest>,
) -> AppResult<web::Json<Correction>> {
    staff.require(Role::Judge)?;
    Ok(web::Json(
        correction::request(&state.db, &staff.actor(), TaskId(*task), &body).await?,
    ))
}

/// Which corrections to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CorrectionQuery {
    /// `pending`, `approved` or `rejected`; all when absent.
    pub status: Option<String>,
}

/// Who decides corrections: admins and supervisors.
fn decides(staff: &Staff) -> bool {
    staff.roles.allows(Role::Supervisor)
}

/// Corrections: all for admins and supervisors; a head judge sees their own.
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(CorrectionQuery),
    responses((status = 200, body = [Correction]), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/practical/corrections")]
pub async fn corrections(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<CorrectionQuery>,
) -> AppResult<web::Json<Vec<Correction>>> {
    if let Some(s) = q.status.as_deref()
        && !matches!(s, "pending" | "approved" | "rejected")
    {
        return Err(crate::error::AppError::bad_request(
            crate::error::ErrorCode::UnknownStatus,
            format!("status {s:?} is not pending, approved or rejected"),
        )
        .with_zh("状态须为 pending、approved 或 rejected"));
    }
    let requested_by = if decides(&staff) {
        None
    } else if staff.roles.allows(Role::Judge)
        && correction::is_head_somewhere(&state.db, staff.id).await?
    {
        Some(staff.id)
    } else {
        return Err(crate::error::AppError::forbidden(
            "corrections are listed for admins, supervisors and head judges",
        )
        .with_zh("仅管理员、监督和考评组长可查看更正申请"));
    };
    let filter = correction::Filter {
        status: q.status.clone(),
        requested_by,
    };
    Ok(web::Json(correction::list(&state.db, &filter).await?))
}

/// A decision's note.
#[derive(Deserialize, ToSchema, Default)]
pub struct DecisionNote {
    /// Why (optional).
    #[serde(default)]
    pub note: String,
}

fn require_decider(staff: &Staff) -> AppResult<()> {
    if decides(staff) {
        Ok(())
    } else {
        Err(crate::error::AppError::forbidden(
            "corrections are decided by an admin or a supervisor",
        )
        .with_zh("更正须由管理员或监督批准"))
    }
}

/// Approves a correction (an admin or supervisor who did not ask for it): the entry becomes a
/// new version and the candidate's practical part is recomputed.
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body(content = DecisionNote, description = "optional"),
    responses((status = 200, body = Correction), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
#[post("/practical/corrections/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: Option<web::Json<DecisionNote>>,
) -> AppResult<web::Json<Correction>> {
    require_decider(&staff)?;
    let note = body.map(|b| b.into_inner().note).unwrap_or_default();
    let c = correction::decide(&state.db, &staff.actor(), *id, true, &note).await?;
    crate::certificate::issue::issue_after_practical(
        &state.db,
        &state.issuer,
        &staff.actor(),
        SessionId(c.session_id),
    )
    .await;
    Ok(web::Json(c))
}

/// Rejects a correction (an admin or supervisor who did not ask for it).
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = DecisionNote,
    responses((status = 200, body = Correction), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
#[post("/practical/corrections/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: Option<web::Json<DecisionNote>>,
) -> AppResult<web::Json<Correction>> {
    require_decider(&staff)?;
    let note = body.map(|b| b.into_inner().note).unwrap_or_default();
    Ok(web::Json(
        correction::decide(&state.db, &staff.actor(), *id, false, &note).await?,
    ))
}

/// A session's practical results per candidate: per task points, score and lock; the practical
/// score, whether it is final and passed (authors and admins).
#[utoipa::path(tag = "judging", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = PracticalResults), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/practical/results")]
pub async fn results(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<PracticalResults>> {
    staff.require(Role::Author)?;
    crate::exam::session::get(&state.db, SessionId(*id)).await?;
    crate::practical::part::get_part(&state.db, SessionId(*id)).await?;
    Ok(web::Json(score::session_results(&state.db, *id).await?))
}

/// Registers the judging routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(my_tasks)
        .service(task_board)
        .service(sheet)
        .service(save_mark)
        .service(submit)
        .service(overview)
        .service(sign_off)
        .service(request_correction)
        .service(corrections)
        .service(approve)
        .service(reject)
        .service(results);
}
