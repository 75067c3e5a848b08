//! Review (审核) of questions: draft → in review → active → flagged → retired, the two-person
//! rule, comments kept with the version, and flags from statistics and upheld appeals.
//!
//! The status lives on the question row only: a review decision writes a `question_reviews`
//! row and changes `questions.status`, never a new content version, so the statistics kept per
//! version stay with the content they measured. The rules are in `lifecycle.rs` (pure).

use super::entity::{bank, review};
use super::lifecycle::{self, Action, Actors, Refusal};
use super::model::QuestionStatus;
use super::repo;
use super::service::{self, QuestionDetail, QuestionId};
use crate::audit::{self, Actor};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode};
use actix_web::http::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// Longest comment or reason kept, in characters.
pub const MAX_COMMENT: usize = 2_000;

/// Where a flag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagSource {
    /// Item statistics crossed a threshold.
    Statistics,
    /// An upheld appeal named the question.
    Appeal,
}

impl FlagSource {
    /// The code stored with the flag.
    pub fn code(self) -> &'static str {
        match self {
            Self::Statistics => "statistics",
            Self::Appeal => "appeal",
        }
    }
}

/// One entry of a question's review record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewEntry {
    /// Id.
    pub id: i32,
    /// The version it concerns.
    pub version: i32,
    /// submit, approve, return, flag, clear, retire, reopen, publish, or edit (a new version
    /// changed the status).
    pub action: String,
    /// Status before.
    pub from_status: String,
    /// Status after.
    pub to_status: String,
    /// staff, statistics or appeal.
    pub source: String,
    /// The comment or reason.
    pub comment: String,
    /// Who (none: the system).
    pub user_id: Option<i32>,
    /// Their name, when known.
    pub user_name: Option<String>,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Turns a refusal of the rules into the error the client sees.
fn refused(r: Refusal, from: QuestionStatus, action: Action) -> AppError {
    match r {
        Refusal::NotAllowed => AppError::conflict(
            ErrorCode::TransitionNotAllowed,
            format!(
                "a question that is {} cannot be given the action {}",
                from.code(),
                action.code()
            ),
        )
        .with_zh(format!(
            "试题当前状态为 {}，不能执行“{}”",
            from.code(),
            action.code()
        )),
        Refusal::OwnWork => AppError::forbidden_code(
            ErrorCode::ReviewByAuthor,
            "two-person rule: the version under review was written or submitted by you; another \
             reviewer must decide",
        )
        .with_zh("二人审核：该版本由您编写或提交，须由另一位审核人决定"),
        Refusal::CommentRequired => AppError::unprocessable(
            ErrorCode::ReasonRequired,
            format!("{} needs a comment saying why", action.code()),
        )
        .with_zh("退回、标记和停用须写明理由"),
        Refusal::ReviewRequired => AppError::conflict(
            ErrorCode::ReviewRequired,
            "the bank requires two-person review: submit the question for review instead",
        )
        .with_zh("本题库要求二人审核：请提交审核，由另一位审核人批准"),
        Refusal::NoActor => AppError::forbidden("a decision needs a signed-in reviewer"),
    }
}

fn clean_comment(comment: &str) -> AppResult<String> {
    let c = comment.trim();
    if c.chars().count() > MAX_COMMENT {
        return Err(AppError::unprocessable(
            ErrorCode::ReasonTooLong,
            format!("a comment has at most {MAX_COMMENT} characters"),
        )
        .with_zh(format!("意见最多 {MAX_COMMENT} 字")));
    }
    if let Some(found) = crate::input::find_in_json(&json!(c)) {
        return Err(AppError::unprocessable(
            ErrorCode::ControlCharacter,
            format!(
                "the comment holds the control character {}",
                found.code_point()
            ),
        ));
    }
    Ok(c.to_string())
}

/// The bank a question belongs to.
async fn bank_of(db: &impl ConnectionTrait, d: &QuestionDetail) -> AppResult<bank::Model> {
    repo::bank(db, d.row.bank_id)
        .await?
        .ok_or_else(|| AppError::internal("question without bank"))
}

/// Who submitted the current version for review (the latest submit on it), if anyone.
async fn submitter(
    db: &impl ConnectionTrait,
    id: QuestionId,
    version: i32,
) -> AppResult<Option<i32>> {
    Ok(review::Entity::find()
        .filter(review::Column::QuestionId.eq(id.0))
        .filter(review::Column::Version.eq(version))
        .filter(review::Column::Action.eq(Action::Submit.code()))
        .order_by_desc(review::Column::Id)
        .one(db)
        .await?
        .and_then(|r| r.user_id))
}

/// Sets the row's status, guarded on the status read, so two reviewers acting at once cannot
/// both succeed; then records the entry.
#[allow(clippy::too_many_arguments)]
async fn apply(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: QuestionId,
    version: i32,
    action: &str,
    from: QuestionStatus,
    to: QuestionStatus,
    source: &str,
    comment: &str,
) -> AppResult<()> {
    let now = chrono::Utc::now();
    let changed = db
        .execute_raw(stmt(
            db,
            "UPDATE questions SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
            [
                to.code().into(),
                now.into(),
                id.0.into(),
                from.code().into(),
            ],
        ))
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(AppError::conflict(
            ErrorCode::TransitionNotAllowed,
            "the question's status changed meanwhile; reload it",
        )
        .with_zh("试题状态已被他人修改，请刷新后再试"));
    }
    record(db, actor, id, version, action, from, to, source, comment).await
}

#[allow(clippy::too_many_arguments)]
async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: QuestionId,
    version: i32,
    action: &str,
    from: QuestionStatus,
    to: QuestionStatus,
    source: &str,
    comment: &str,
) -> AppResult<()> {
    review::ActiveModel {
        question_id: Set(id.0),
        version: Set(version),
        action: Set(action.into()),
        from_status: Set(from.code().into()),
        to_status: Set(to.code().into()),
        source: Set(source.into()),
        comment: Set(comment.into()),
        user_id: Set(actor.id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        actor,
        &format!("question.{action}"),
        "question",
        &id.0.to_string(),
        json!({"version": version, "from": from.code(), "to": to.code(), "source": source,
               "comment": comment}),
    )
    .await?;
    Ok(())
}

/// Records that a new version changed the status (e.g. an edited active question went back to
/// review), in the caller's transaction.
pub async fn record_edit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: QuestionId,
    version: i32,
    from: QuestionStatus,
    to: QuestionStatus,
) -> AppResult<()> {
    review::ActiveModel {
        question_id: Set(id.0),
        version: Set(version),
        action: Set("edit".into()),
        from_status: Set(from.code().into()),
        to_status: Set(to.code().into()),
        source: Set("staff".into()),
        comment: Set(String::new()),
        user_id: Set(actor.id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Takes a review action on a question: one transaction, audited. `expected_version`, when
/// given, must be the current version (a reviewer approves what they read). Refused with 409
/// `transition_not_allowed`, 403 `review_by_author`, 409 `review_required` or 422
/// `reason_required`; a refused action changes nothing.
pub async fn act(
    db: &DatabaseConnection,
    actor: &Actor,
    id: QuestionId,
    action: Action,
    comment: &str,
    expected_version: Option<i32>,
) -> AppResult<QuestionDetail> {
    let comment = clean_comment(comment)?;
    let txn = crate::db::begin_write(db).await?;
    let d = service::question_detail(&txn, id).await?;
    if let Some(v) = expected_version
        && v != d.row.version
    {
        return Err(AppError::conflict(
            ErrorCode::VersionConflict,
            format!(
                "the question is at version {}, not {v}; reload it",
                d.row.version
            ),
        )
        .with_zh(format!(
            "试题已是第 {} 版（您看到的是第 {v} 版），请刷新后再审核",
            d.row.version
        )));
    }
    let bank = bank_of(&txn, &d).await?;
    let (v, _) = service::question_version(&txn, id, d.row.version).await?;
    let who = Actors {
        review_required: bank.review_required,
        actor: actor.id,
        author: v.created_by,
        submitter: submitter(&txn, id, d.row.version).await?,
    };
    let from = d.status();
    let to = lifecycle::transition(from, action, &who, &comment)
        .map_err(|r| refused(r, from, action))?;
    if to == QuestionStatus::Active {
        service::refuse_unmarkable(&d.question, to)?;
    }
    apply(
        &txn,
        actor,
        id,
        d.row.version,
        action.code(),
        from,
        to,
        "staff",
        &comment,
    )
    .await?;
    let out = service::question_detail(&txn, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// Puts an active question back in review (status `flagged`) with the reason, in the caller's
/// transaction. Returns false when it was not active (nothing changes), so flagging twice
/// records one flag.
pub async fn flag(
    db: &impl ConnectionTrait,
    question: QuestionId,
    source: FlagSource,
    reason: &str,
) -> AppResult<bool> {
    flag_as(db, &Actor::system(), question, source.code(), reason).await
}

/// [`flag`] by a named actor (an arbitrator deciding an appeal, staff): the same, audited as
/// theirs. `source` is statistics, appeal or staff.
pub async fn flag_as(
    db: &impl ConnectionTrait,
    actor: &Actor,
    question: QuestionId,
    source: &str,
    reason: &str,
) -> AppResult<bool> {
    let reason = clean_comment(reason)?;
    if reason.is_empty() {
        return Err(refused(
            Refusal::CommentRequired,
            QuestionStatus::Active,
            Action::Flag,
        ));
    }
    let d = service::question_detail(db, question).await?;
    if d.status() != QuestionStatus::Active {
        return Ok(false);
    }
    apply(
        db,
        actor,
        question,
        d.row.version,
        Action::Flag.code(),
        QuestionStatus::Active,
        QuestionStatus::Flagged,
        source,
        &reason,
    )
    .await?;
    Ok(true)
}

/// Flags a question named by bank code and identifier (an upheld appeal names it so), in the
/// caller's transaction. 422 `unknown_question` when the bank has no such question.
pub async fn flag_named(
    db: &impl ConnectionTrait,
    actor: &Actor,
    bank_code: &str,
    ident: &str,
    source: FlagSource,
    reason: &str,
) -> AppResult<bool> {
    let unknown = || {
        AppError::unprocessable(
            ErrorCode::UnknownQuestion,
            format!("bank {bank_code} has no question {ident}"),
        )
        .with_zh(format!("题库 {bank_code} 中没有编号为 {ident} 的试题"))
    };
    let b = service::get_bank(db, bank_code)
        .await
        .map_err(|_| unknown())?;
    let q = repo::question_by_ident(db, b.id, ident.trim())
        .await?
        .ok_or_else(unknown)?;
    flag_as(db, actor, QuestionId(q.id), source.code(), reason).await
}

/// Staff flag a question with a reason: one transaction, audited. 409 `transition_not_allowed`
/// unless it is active.
pub async fn flag_by_staff(
    db: &DatabaseConnection,
    actor: &Actor,
    id: QuestionId,
    reason: &str,
) -> AppResult<QuestionDetail> {
    let txn = crate::db::begin_write(db).await?;
    let d = service::question_detail(&txn, id).await?;
    if !flag_as(&txn, actor, id, "staff", reason).await? {
        return Err(refused(Refusal::NotAllowed, d.status(), Action::Flag));
    }
    let out = service::question_detail(&txn, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// A question's review record, oldest first, with the names of who acted.
pub async fn entries(db: &impl ConnectionTrait, id: QuestionId) -> AppResult<Vec<ReviewEntry>> {
    service::question_detail(db, id).await?;
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT r.id, r.version, r.action, r.from_status, r.to_status, r.source, r.comment, \
             r.user_id, u.display_name AS user_name, r.created_at FROM question_reviews r \
             LEFT JOIN users u ON u.id = r.user_id WHERE r.question_id = ? ORDER BY r.id",
            [id.0.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ReviewEntry {
                id: r.try_get("", "id")?,
                version: r.try_get("", "version")?,
                action: r.try_get("", "action")?,
                from_status: r.try_get("", "from_status")?,
                to_status: r.try_get("", "to_status")?,
                source: r.try_get("", "source")?,
                comment: r.try_get("", "comment")?,
                user_id: r.try_get("", "user_id")?,
                user_name: r.try_get("", "user_name")?,
                at: r.try_get("", "created_at")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(Into::into)
}

/// One question waiting for a reviewer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueItem {
    /// Question id.
    pub id: i32,
    /// Identifier.
    pub ident: String,
    /// in_review or flagged.
    pub status: String,
    /// Current version.
    pub version: i32,
    /// Stem (start of).
    pub stem: String,
    /// Who wrote the current version.
    pub author: Option<i32>,
    /// For a flagged question, the latest flag's reason and source.
    pub reason: Option<String>,
    /// statistics, appeal or staff.
    pub source: Option<String>,
    /// Since when it is in this status.
    pub since: chrono::DateTime<chrono::Utc>,
}

/// A bank's review queue (待审核): counts per status and the questions in review or flagged.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Queue {
    /// The bank.
    pub bank: String,
    /// Whether the bank has the two-person rule.
    pub review_required: bool,
    /// Questions per status code (every status, zero included).
    pub counts: std::collections::BTreeMap<String, i64>,
    /// In review first, then flagged; oldest first within each.
    pub items: Vec<QueueItem>,
}

/// Most queue items listed (the counts are complete).
const QUEUE_LIMIT: u64 = 500;

/// A bank's review queue.
pub async fn queue(db: &impl ConnectionTrait, bank: &bank::Model) -> AppResult<Queue> {
    let mut counts: std::collections::BTreeMap<String, i64> = QuestionStatus::ALL
        .iter()
        .map(|s| (s.code().to_string(), 0))
        .collect();
    for r in db
        .query_all_raw(stmt(
            db,
            "SELECT status, COUNT(*) AS n FROM questions WHERE bank_id = ? GROUP BY status",
            [bank.id.into()],
        ))
        .await?
    {
        let s: String = r.try_get("", "status")?;
        counts.insert(s, r.try_get("", "n")?);
    }
    let rows = db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT q.id, q.ident, q.status, q.version, q.stem, q.updated_at, v.created_by \
                 FROM questions q JOIN question_versions v ON v.question_id = q.id \
                 AND v.version = q.version WHERE q.bank_id = ? \
                 AND q.status IN ('in_review', 'flagged') \
                 ORDER BY CASE q.status WHEN 'in_review' THEN 0 ELSE 1 END, q.updated_at, q.id \
                 LIMIT {QUEUE_LIMIT}"
            ),
            [bank.id.into()],
        ))
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i32 = r.try_get("", "id")?;
        let status: String = r.try_get("", "status")?;
        let stem: String = r.try_get("", "stem")?;
        let (reason, source) = if status == QuestionStatus::Flagged.code() {
            let f = review::Entity::find()
                .filter(review::Column::QuestionId.eq(id))
                .filter(review::Column::Action.eq(Action::Flag.code()))
                .order_by_desc(review::Column::Id)
                .one(db)
                .await?;
            (f.as_ref().map(|f| f.comment.clone()), f.map(|f| f.source))
        } else {
            (None, None)
        };
        items.push(QueueItem {
            id,
            ident: r.try_get("", "ident")?,
            status,
            version: r.try_get("", "version")?,
            stem: stem.chars().take(200).collect(),
            author: r.try_get("", "created_by")?,
            reason,
            source,
            since: r.try_get("", "updated_at")?,
        });
    }
    Ok(Queue {
        bank: bank.code.clone(),
        review_required: bank.review_required,
        counts,
        items,
    })
}

/// Turns a bank's two-person rule on or off: one transaction, audited. Questions already
/// active stay active; from then on new and edited content waits for review.
pub async fn set_review_required(
    db: &DatabaseConnection,
    actor: &Actor,
    code: &str,
    on: bool,
) -> AppResult<bank::Model> {
    use sea_orm::IntoActiveModel;
    let txn = crate::db::begin_write(db).await?;
    let b = service::get_bank(&txn, code).await?;
    if b.review_required == on {
        return Ok(b);
    }
    let mut am = b.into_active_model();
    am.review_required = Set(on);
    let b = repo::update_bank(&txn, am).await?;
    audit::record(
        &txn,
        actor,
        "bank.review_setting",
        "bank",
        &b.code,
        json!({"review_required": on}),
    )
    .await?;
    txn.commit().await?;
    Ok(b)
}

/// The action that takes a question from `from` to `to` by the plain status route
/// (`POST /questions/{id}/status`), which older clients use.
pub fn action_for(from: QuestionStatus, to: QuestionStatus) -> Option<Action> {
    use QuestionStatus::*;
    Some(match (from, to) {
        (Draft, Active) => Action::Publish,
        (InReview, Active) => Action::Approve,
        (Flagged, Active) => Action::Clear,
        (Draft | Flagged, InReview) => Action::Submit,
        (InReview, Draft) => Action::Return,
        (Retired, Draft) => Action::Reopen,
        (Active, Flagged) => Action::Flag,
        (_, Retired) => Action::Retire,
        _ => return None,
    })
}

/// Moves a question to a status through the action that leads there (see [`action_for`]);
/// the same rules and record as [`act`]. Asking for the status it has changes nothing.
pub async fn set_status(
    db: &DatabaseConnection,
    actor: &Actor,
    id: QuestionId,
    to: QuestionStatus,
    comment: Option<&str>,
) -> AppResult<QuestionDetail> {
    let d = service::question_detail(db, id).await?;
    let from = d.status();
    if from == to {
        return Ok(d);
    }
    let action = action_for(from, to).ok_or_else(|| {
        AppError::new(
            StatusCode::CONFLICT,
            ErrorCode::TransitionNotAllowed,
            format!("a question cannot go from {} to {}", from.code(), to.code()),
        )
        .with_zh(format!("试题不能从 {} 直接改为 {}", from.code(), to.code()))
    })?;
    // Older clients send no reason; the record says the status was set directly.
    let comment = comment
        .map(str::to_string)
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| format!("状态改为 {0} / status set to {0}", to.code()));
    act(db, actor, id, action, &comment, None).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use QuestionStatus::*;

    #[test]
    fn every_plain_status_change_maps_to_the_action_the_table_allows() {
        let who = Actors {
            review_required: false,
            actor: Some(2),
            author: Some(1),
            submitter: None,
        };
        for from in QuestionStatus::ALL {
            for to in QuestionStatus::ALL.into_iter().filter(|&to| to != from) {
                if let Some(a) = action_for(from, to) {
                    assert_eq!(
                        lifecycle::transition(from, a, &who, "why"),
                        Ok(to),
                        "{from:?} → {to:?} by {a:?}"
                    );
                }
            }
        }
        assert_eq!(action_for(Retired, Active), None);
    }
}
