//! Review of questions (审核): the lifecycle actions (submit, approve, return, flag, clear,
//! retire, reopen, publish), a question's review record, a bank's review queue and its
//! two-person setting. Authors and admins review; the two-person rule is checked by the domain.

use super::dto::{BankDto, QuestionDto};
use crate::auth::{Role, Staff};
use crate::bank::lifecycle::{self, Action};
use crate::bank::repo;
use crate::bank::review::{self, Queue, ReviewEntry};
use crate::bank::service::{self, QuestionDetail, QuestionId};
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use actix_web::{get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A question's review state: where it stands, what may be done next, and its record.
#[derive(Serialize, ToSchema)]
pub struct ReviewState {
    /// The question, current version.
    pub question: QuestionDto,
    /// Whether its bank has the two-person rule.
    pub review_required: bool,
    /// Actions its status allows (the two-person rule may still refuse a decision).
    pub allowed: Vec<Action>,
    /// Whether the caller wrote or submitted the version under review, so may not approve or
    /// clear it under the two-person rule.
    pub own_work: bool,
    /// Who wrote the current version (none: loaded by the system).
    pub author: Option<i32>,
    /// Every review action, oldest first, with the version it concerns.
    pub entries: Vec<ReviewEntry>,
}

async fn state_of(
    db: &impl sea_orm::ConnectionTrait,
    staff: &Staff,
    d: QuestionDetail,
) -> AppResult<ReviewState> {
    let id = QuestionId(d.row.id);
    let bank = service::get_bank(db, &d.bank).await?;
    let (v, _) = service::question_version(db, id, d.row.version).await?;
    let entries = review::entries(db, id).await?;
    let me = staff.actor().id;
    let submitted_by_me = entries.iter().any(|e| {
        e.version == d.row.version && e.action == Action::Submit.code() && e.user_id == me
    });
    let own_work = bank.review_required && me.is_some() && (v.created_by == me || submitted_by_me);
    let version = d.row.version;
    Ok(ReviewState {
        allowed: lifecycle::allowed(d.status(), bank.review_required),
        review_required: bank.review_required,
        own_work,
        author: v.created_by,
        question: QuestionDto::new(&d.row, d.bank, version, d.question),
        entries,
    })
}

/// A question's review state and record (comments per version, who, when, decision).
#[utoipa::path(tag = "review", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, body = ReviewState), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/questions/{id}/review")]
pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<ReviewState>> {
    staff.require(Role::Author)?;
    let d = service::question_detail(&state.db, QuestionId(*id)).await?;
    Ok(web::Json(state_of(&state.db, &staff, d).await?))
}

/// A review action's comment and the version it was taken on.
#[derive(Deserialize, ToSchema)]
pub struct ActionRequest {
    /// Comment (required to return, flag or retire).
    #[serde(default)]
    pub comment: String,
    /// The version the reviewer read; a mismatch is 409 `version_conflict`.
    pub expected_version: Option<i32>,
}

/// Takes a review action: submit (提交审核), approve (批准), return (退回, comment required), flag
/// (标记, reason required), clear (解除标记), retire (停用, reason required), reopen (重新编辑),
/// publish (直接启用, only without the two-person rule). 409 `transition_not_allowed`,
/// `review_required`, `version_conflict`; 403 `review_by_author` (the two-person rule);
/// 422 `reason_required`. A refused action changes nothing; none writes a content version.
#[utoipa::path(tag = "review", security(("bearer" = [])),
    params(("id" = i32, Path), ("action" = Action, Path)), request_body = ActionRequest,
    responses((status = 200, body = ReviewState), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/questions/{id}/review/{action}")]
pub async fn act(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, Action)>,
    body: web::Json<ActionRequest>,
) -> AppResult<web::Json<ReviewState>> {
    staff.require(Role::Author)?;
    let (id, action) = path.into_inner();
    let id = QuestionId(id);
    let d = if action == Action::Flag {
        review::flag_by_staff(&state.db, &staff.actor(), id, &body.comment).await?
    } else {
        review::act(
            &state.db,
            &staff.actor(),
            id,
            action,
            &body.comment,
            body.expected_version,
        )
        .await?
    };
    Ok(web::Json(state_of(&state.db, &staff, d).await?))
}

/// A bank's review queue (待审核): questions per status, and those in review or flagged (with
/// the flag's reason and source).
#[utoipa::path(tag = "review", security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 200, body = Queue), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/banks/{code}/review")]
pub async fn queue(
    state: web::Data<AppState>,
    staff: Staff,
    code: web::Path<String>,
) -> AppResult<web::Json<Queue>> {
    staff.require(Role::Author)?;
    let b = service::get_bank(&state.db, &code).await?;
    Ok(web::Json(review::queue(&state.db, &b).await?))
}

/// A bank's review setting.
#[derive(Deserialize, ToSchema)]
pub struct ReviewSetting {
    /// The two-person rule (二人审核) on or off.
    pub review_required: bool,
}

/// Turns a bank's two-person rule on or off (audited). Active questions stay active; new and
/// edited content waits for another person's approval from then on.
#[utoipa::path(tag = "review", security(("bearer" = [])), params(("code" = String, Path)),
    request_body = ReviewSetting,
    responses((status = 200, body = BankDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[put("/banks/{code}/review-setting")]
pub async fn setting(
    state: web::Data<AppState>,
    staff: Staff,
    code: web::Path<String>,
    body: web::Json<ReviewSetting>,
) -> AppResult<web::Json<BankDto>> {
    staff.require(Role::Author)?;
    let b =
        review::set_review_required(&state.db, &staff.actor(), &code, body.review_required).await?;
    let n = repo::question_count(&state.db, b.id).await?;
    Ok(web::Json(BankDto::new(b, n)))
}

/// Registers the review routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(show)
        .service(act)
        .service(queue)
        .service(setting);
}
