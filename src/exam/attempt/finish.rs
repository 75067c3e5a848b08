//! Submitting: by the candidate, at time-out or by staff; scored and stored in one audited
//! transaction.

use super::now_ms;
use super::runtime::{ExamRuntime, Frozen, Sitting};
use super::view::session_of;
use crate::error::{AppError, AppResult};
use crate::exam::attempt_repo::{self as repo};
use crate::exam::delivery::{self};
use crate::exam::entity::attempt::{AttemptStatus, SubmittedBy};
use crate::exam::entity::{attempt, mark};
use crate::exam::grading::{self, AttemptResult};
use crate::exam::scoring::Response;
use crate::live::ChangeKind;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use serde_json::json;
use std::collections::HashMap;

/// Submits an attempt (unless already submitted) and scores it, in one transaction: the
/// status change comes first, so no save can land after the answers are read.
pub async fn finish(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    a: &attempt::Model,
    by: SubmittedBy,
) -> AppResult<attempt::Model> {
    finish_audited(db, rt, a, by, None).await
}

/// [`finish`] with an audit entry written in the same transaction (a proctor's force-submit or
/// termination): who, the action, and the detail (with the reason).
pub async fn finish_audited(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    a: &attempt::Model,
    by: SubmittedBy,
    audit: Option<(&crate::audit::Actor, &str, serde_json::Value)>,
) -> AppResult<attempt::Model> {
    if a.status == AttemptStatus::Submitted {
        return Ok(a.clone());
    }
    let s = session_of(db, a).await?;
    let frozen = rt.frozen(db, &s).await?;
    let sitting = rt.sitting(db, a).await?;
    let now = now_ms();
    let txn = crate::db::begin_write(db).await?;
    if repo::claim_submit(&txn, a.id, now, by).await? {
        let answers = parse_answers(&repo::answers(&txn, a.id).await?)?;
        let result = grade(&frozen, &sitting, &answers, &HashMap::new());
        store(&txn, a.id, &result).await?;
        let queue: Vec<mark::ActiveModel> = grading::needs_marking(&result)
            .filter_map(|i| {
                let item = delivery::item_for(&sitting.paper, i.question_id)?;
                Some(mark::ActiveModel {
                    attempt_id: Set(a.id),
                    session_id: Set(a.session_id),
                    question_id: Set(i.question_id),
                    version_id: Set(item.version_id),
                    section: Set(item.section as i32),
                    max_points: Set(i.max),
                    points: Set(None),
                    comment: Set(String::new()),
                    marker_id: Set(None),
                    marked_at: Set(None),
                    ..Default::default()
                })
            })
            .collect();
        repo::insert_marks(&txn, queue).await?;
        repo::record_event(
            &txn,
            a.id,
            now,
            "submitted",
            json!({"by": by, "score": result.total, "pending_marks": result.pending}),
        )
        .await?;
        if let Some((actor, action, detail)) = audit {
            crate::audit::record(&txn, actor, action, "attempt", &a.id.to_string(), detail).await?;
        }
    }
    let fresh = repo::attempt(&txn, a.id)
        .await?
        .ok_or_else(|| AppError::internal("attempt vanished"))?;
    txn.commit().await?;
    rt.forget(a.id);
    rt.bus
        .publish(a.session_id, vec![a.id], ChangeKind::Submitted)
        .await;
    Ok(fresh)
}

/// Parses stored answers into the scorer's terms by question id.
pub fn parse_answers(rows: &[repo::StoredAnswer]) -> AppResult<HashMap<i32, Response>> {
    rows.iter()
        .map(|r| {
            serde_json::from_str(&r.response)
                .map(|resp| (r.question_id, resp))
                .map_err(AppError::internal)
        })
        .collect()
}

/// Grades a sitting with the frozen exam's rules.
pub fn grade(
    frozen: &Frozen,
    sitting: &Sitting,
    answers: &HashMap<i32, Response>,
    marks: &HashMap<i32, Option<f64>>,
) -> AttemptResult {
    let titles: Vec<String> = frozen
        .definition
        .blueprint
        .sections
        .iter()
        .map(|s| s.title.clone())
        .collect();
    grading::grade(
        &sitting.paper,
        &sitting.questions,
        answers,
        marks,
        frozen.definition.multiple_policy,
        sitting.paper.pass_line(frozen.definition.pass_line),
        &titles,
    )
}

/// Stores a graded result on its attempt.
pub async fn store(db: &impl ConnectionTrait, id: i32, r: &AttemptResult) -> AppResult<()> {
    let json = serde_json::to_string(r).map_err(AppError::internal)?;
    repo::store_result(db, id, r.total, r.max, r.passed, r.pending as i32, &json).await?;
    Ok(())
}
