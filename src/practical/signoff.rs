//! The head judge's sign-off: when every expected sheet of the task is in and no spread flag is
//! open, the task is locked, every candidate's result is computed and the practical part handed
//! to the exam; audited.

use super::TaskId;
use super::board::TaskHead;
use super::judging;
use super::record::{self, TaskRecord};
use super::score;
use crate::audit::{self, Actor};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode, Text};
use actix_web::http::StatusCode;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;

/// 403 `not_head_judge`.
pub fn not_head_judge() -> AppError {
    AppError::text(
        StatusCode::FORBIDDEN,
        ErrorCode::NotHeadJudge,
        Text::new(
            "只有本项目的考评组长可以这样做",
            "only the head judge of this task may do this",
        ),
    )
}

/// What keeps a task from being signed off: the codes with sheets missing, the codes with open
/// flags.
pub fn blockers(record: &TaskRecord) -> (Vec<String>, Vec<String>) {
    let missing = record
        .candidates
        .iter()
        .filter(|c| c.submitted < c.expected)
        .map(|c| c.code.clone())
        .collect();
    let flagged = record
        .candidates
        .iter()
        .filter(|c| !c.flags.is_empty())
        .map(|c| c.code.clone())
        .collect();
    (missing, flagged)
}

/// The head judge signs the task off: refused while sheets are missing (409 `sheets_missing`)
/// or flags open (409 `flags_open`), or when it is locked already (409 `task_locked`).
pub async fn sign_off(db: &DatabaseConnection, head: &Actor, task: TaskId) -> AppResult<TaskHead> {
    let head_id = head.id.ok_or_else(not_head_judge)?;
    let txn = crate::db::begin_write(db).await?;
    let t = judging::task(&txn, task).await?;
    if !t.is_head(head_id) {
        return Err(not_head_judge());
    }
    t.require_open()?;
    let record = record::task_record(&txn, task).await?;
    let (missing, flagged) = blockers(&record);
    if !missing.is_empty() {
        return Err(AppError::text(
            StatusCode::CONFLICT,
            ErrorCode::SheetsMissing,
            Text::new(
                format!(
                    "检录号 {} 还有评分表未提交，不能签字锁定",
                    missing.join("、")
                ),
                format!("sheets are missing for work codes {}", missing.join(", ")),
            ),
        )
        .with_details(json!({ "codes": missing })));
    }
    if !flagged.is_empty() {
        return Err(AppError::text(
            StatusCode::CONFLICT,
            ErrorCode::FlagsOpen,
            Text::new(
                format!("检录号 {} 还有分差超限的评分项未复评", flagged.join("、")),
                format!(
                    "aspects are still flagged for work codes {}",
                    flagged.join(", ")
                ),
            ),
        )
        .with_details(json!({ "codes": flagged })));
    }
    let now = Utc::now();
    txn.execute_raw(stmt(
        &txn,
        "UPDATE practical_tasks SET locked_at = ?, signed_off_by = ? WHERE id = ? AND locked_at IS NULL",
        [now.into(), head_id.into(), t.id.into()],
    ))
    .await?;
    score::record_session(&txn, t.session_id, None).await?;
    audit::record(
        &txn,
        head,
        "practical.sign_off",
        "practical_task",
        &t.id.to_string(),
        json!({
            "session_id": t.session_id,
            "locked_at": now,
            "candidates": record.candidates.iter().map(|c| json!({
                "candidate_id": c.candidate_id, "code": c.code, "points": c.points, "score": c.score
            })).collect::<Vec<_>>(),
        }),
    )
    .await?;
    let t = judging::task(&txn, task).await?;
    txn.commit().await?;
    Ok(TaskHead::of(&t, head_id))
}

/// A task's overview for its head judge, an author or an admin.
pub async fn overview(
    db: &impl ConnectionTrait,
    viewer: i32,
    staff_may_view: bool,
    task: TaskId,
) -> AppResult<TaskRecord> {
    let t = judging::task(db, task).await?;
    if !t.is_head(viewer) && !staff_may_view {
        return Err(not_head_judge());
    }
    record::task_record(db, task).await
}

/// Reopens every task of a session for re-marking (a recheck found too many errors): the locks
/// and sign-offs are cleared, every sheet goes back to its judge, the results are recomputed
/// (no longer final) and the step is audited with its reason. Marks stay as they are, so judges
/// correct rather than start from nothing.
pub async fn reopen_all(
    txn: &impl ConnectionTrait,
    session: i32,
    actor: &Actor,
    reason: &str,
) -> AppResult<()> {
    txn.execute_raw(stmt(
        txn,
        "UPDATE practical_tasks SET locked_at = NULL, signed_off_by = NULL WHERE session_id = ?",
        [session.into()],
    ))
    .await?;
    txn.execute_raw(stmt(
        txn,
        "UPDATE practical_sheets SET submitted_at = NULL \
         WHERE task_id IN (SELECT id FROM practical_tasks WHERE session_id = ?)",
        [session.into()],
    ))
    .await?;
    score::record_session(txn, session, None).await?;
    audit::record(
        txn,
        actor,
        "practical.reopen_all",
        "exam_session",
        &session.to_string(),
        json!({"reason": reason}),
    )
    .await?;
    Ok(())
}
