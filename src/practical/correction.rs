//! Corrections after the lock: the head judge asks, with a reason and their password entered
//! again; a second person (an admin or a supervisor, not the one who asked) approves, which
//! writes the entry as a new version (cause `correction`) and recomputes the candidate's
//! practical part; or rejects. Every step is audited in its own transaction.

use super::TaskId;
use super::judging::{self, out_of_range};
use super::marking::{Cause, Written, write_mark};
use super::score;
use super::signoff::not_head_judge;
use crate::audit::{self, Actor};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode, Text};
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

/// Longest reason or decision note, in characters.
pub const MAX_REASON: usize = 1000;

/// What the head judge asks to change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CorrectionRequest {
    /// The candidate's work code.
    pub code: String,
    /// The judge whose entry changes.
    pub judge_id: i32,
    /// The aspect, from 0.
    pub aspect: i32,
    /// The new entry.
    pub entry: f64,
    /// Why.
    pub reason: String,
    /// The head judge's own password, entered again.
    pub password: String,
}

/// A correction as listed.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Correction {
    /// Id.
    pub id: i32,
    /// The task.
    pub task_id: i32,
    /// Its title.
    pub task_title: String,
    /// Its session.
    pub session_id: i32,
    /// The candidate's work code.
    pub code: String,
    /// The candidate's name (the task is locked).
    pub name: String,
    /// The judge whose entry changes.
    pub judge_id: i32,
    /// Their name.
    pub judge_name: String,
    /// The aspect, from 0.
    pub aspect: i32,
    /// What the aspect checks.
    pub aspect_text: String,
    /// The entry in force when the correction was asked for.
    pub old_entry: Option<f64>,
    /// The new entry.
    pub entry: f64,
    /// Why.
    pub reason: String,
    /// The head judge who asked.
    pub requested_by: i32,
    /// Their name.
    pub requested_by_name: String,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// Who decided.
    pub decided_by: Option<i32>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// The decider's note.
    pub decision_note: String,
}

fn text_err(status: StatusCode, code: ErrorCode, zh: &str, en: &str) -> AppError {
    AppError::text(status, code, Text::new(zh, en))
}

/// A reason or note as given: trimmed; none when empty; 422 when too long.
pub fn clean_reason(s: &str) -> AppResult<Option<String>> {
    let s = s.trim();
    if s.chars().count() > MAX_REASON {
        return Err(text_err(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ReasonTooLong,
            "原因过长（最多 1000 字）",
            "the reason is too long (at most 1,000 characters)",
        ));
    }
    Ok((!s.is_empty()).then(|| s.to_string()))
}

/// The head judge asks for a correction of a locked task.
pub async fn request(
    db: &DatabaseConnection,
    head: &Actor,
    task: TaskId,
    req: &CorrectionRequest,
) -> AppResult<Correction> {
    let head_id = head.id.ok_or_else(not_head_judge)?;
    let t = judging::task(db, task).await?;
    if !t.is_head(head_id) {
        return Err(not_head_judge());
    }
    if !t.locked() {
        return Err(text_err(
            StatusCode::CONFLICT,
            ErrorCode::TaskNotLocked,
            "本项目尚未签字锁定，不需要更正，可直接评分",
            "the task is not locked yet: mark it directly, no correction is needed",
        ));
    }
    let Some(reason) = clean_reason(&req.reason)? else {
        return Err(text_err(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ReasonRequired,
            "请填写更正原因",
            "a correction needs a reason",
        ));
    };
    if !crate::auth::service::password_matches(db, head_id, &req.password).await? {
        return Err(text_err(
            StatusCode::UNAUTHORIZED,
            ErrorCode::ReauthFailed,
            "密码不正确，未提交更正",
            "the password is wrong; the correction was not sent",
        ));
    }
    let c = judging::by_code(db, t.id, &req.code).await?;
    let aspect = t.aspect(req.aspect)?;
    aspect.judge_mark(req.entry).map_err(out_of_range)?;
    let has_mark = db
        .query_one_raw(stmt(
            db,
            "SELECT 1 AS one FROM practical_marks WHERE task_id = ? AND candidate_id = ? \
             AND judge_id = ? AND aspect = ?",
            [
                t.id.into(),
                c.candidate_id.into(),
                req.judge_id.into(),
                req.aspect.into(),
            ],
        ))
        .await?
        .is_some();
    if !has_mark {
        return Err(text_err(
            StatusCode::NOT_FOUND,
            ErrorCode::MarkNotFound,
            "该考评员没有为这一项评分，无可更正",
            "this judge has no mark for this aspect to correct",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    let row = txn
        .query_one_raw(stmt(
            &txn,
            "INSERT INTO practical_corrections (task_id, candidate_id, judge_id, aspect, entry, reason, \
             requested_by, requested_at, status, decision_note) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', '') RETURNING id",
            [
                t.id.into(),
                c.candidate_id.into(),
                req.judge_id.into(),
                req.aspect.into(),
                req.entry.into(),
                reason.clone().into(),
                head_id.into(),
                now.into(),
            ],
        ))
        .await?
        .ok_or_else(|| AppError::internal("correction not inserted"))?;
    let id: i32 = row.try_get("", "id")?;
    audit::record(
        &txn,
        head,
        "practical.correction_request",
        "practical_correction",
        &id.to_string(),
        json!({"task_id": t.id, "candidate_id": c.candidate_id, "judge_id": req.judge_id,
               "aspect": req.aspect, "entry": req.entry, "reason": reason, "reauthenticated": true}),
    )
    .await?;
    let out = one(&txn, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// 404 `correction_not_found`.
fn not_found() -> AppError {
    text_err(
        StatusCode::NOT_FOUND,
        ErrorCode::CorrectionNotFound,
        "找不到该更正申请",
        "no such correction",
    )
}

/// A second person decides a pending correction: approve (the entry becomes a new version and
/// the candidate's practical part is recomputed) or reject. Refused to whoever asked for it
/// (403 `same_person`) and once decided (409 `correction_decided`).
pub async fn decide(
    db: &DatabaseConnection,
    decider: &Actor,
    id: i32,
    approve: bool,
    note: &str,
) -> AppResult<Correction> {
    let decider_id = decider
        .id
        .ok_or_else(|| AppError::forbidden("a person decides"))?;
    let note = clean_reason(note)?.unwrap_or_default();
    let txn = crate::db::begin_write(db).await?;
    let row = txn
        .query_one_raw(stmt(
            &txn,
            "SELECT task_id, candidate_id, judge_id, aspect, entry, requested_by, status \
             FROM practical_corrections WHERE id = ?",
            [id.into()],
        ))
        .await?
        .ok_or_else(not_found)?;
    let requested_by: i32 = row.try_get("", "requested_by")?;
    if requested_by == decider_id {
        return Err(text_err(
            StatusCode::FORBIDDEN,
            ErrorCode::SamePerson,
            "更正须由申请人以外的另一人批准",
            "a correction is decided by a second person, not by whoever asked for it",
        ));
    }
    if row.try_get::<String>("", "status")? != "pending" {
        return Err(text_err(
            StatusCode::CONFLICT,
            ErrorCode::CorrectionDecided,
            "该更正申请已处理",
            "this correction has already been decided",
        ));
    }
    let task_id: i32 = row.try_get("", "task_id")?;
    let candidate: i32 = row.try_get("", "candidate_id")?;
    let judge: i32 = row.try_get("", "judge_id")?;
    let aspect: i32 = row.try_get("", "aspect")?;
    let entry: f64 = row.try_get("", "entry")?;
    let now = Utc::now();
    if approve {
        let t = judging::task(&txn, TaskId(task_id)).await?;
        let mark = t.aspect(aspect)?.judge_mark(entry).map_err(out_of_range)?;
        write_mark(
            &txn,
            &Written {
                task: task_id,
                candidate,
                judge,
                aspect,
                entry,
                mark,
                seq: None,
                cause: Cause::Correction,
                by: decider_id,
                at: now,
            },
        )
        .await?;
        score::record_session(&txn, t.session_id, Some(candidate)).await?;
    }
    let status = if approve { "approved" } else { "rejected" };
    txn.execute_raw(stmt(
        &txn,
        "UPDATE practical_corrections SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? \
         WHERE id = ?",
        [status.into(), decider_id.into(), now.into(), note.clone().into(), id.into()],
    ))
    .await?;
    audit::record(
        &txn,
        decider,
        if approve {
            "practical.correction_approve"
        } else {
            "practical.correction_reject"
        },
        "practical_correction",
        &id.to_string(),
        json!({"task_id": task_id, "candidate_id": candidate, "judge_id": judge, "aspect": aspect,
               "entry": entry, "note": note}),
    )
    .await?;
    let out = one(&txn, id).await?;
    txn.commit().await?;
    Ok(out)
}

const LIST_SQL: &str = "SELECT k.id, k.task_id, t.session_id, pc.code, cd.name, k.judge_id, \
     j.display_name AS judge_name, k.aspect, k.entry, k.reason, k.requested_by, \
     r.display_name AS requested_by_name, k.requested_at, k.status, k.decided_by, k.decided_at, \
     k.decision_note, \
     (SELECT v.entry FROM practical_mark_versions v WHERE v.task_id = k.task_id \
        AND v.candidate_id = k.candidate_id AND v.judge_id = k.judge_id AND v.aspect = k.aspect \
        AND v.at <= k.requested_at ORDER BY v.version DESC LIMIT 1) AS old_entry \
     FROM practical_corrections k JOIN practical_tasks t ON t.id = k.task_id \
     LEFT JOIN practical_codes pc ON pc.candidate_id = k.candidate_id \
     JOIN candidates cd ON cd.id = k.candidate_id \
     JOIN users j ON j.id = k.judge_id JOIN users r ON r.id = k.requested_by";

/// Which corrections to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this status.
    pub status: Option<String>,
    /// Only those this user asked for (a head judge's own).
    pub requested_by: Option<i32>,
}

async fn rows_to_list(
    db: &impl ConnectionTrait,
    rows: Vec<QueryResult>,
) -> AppResult<Vec<Correction>> {
    let mut tasks: HashMap<i32, judging::Task> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let task_id: i32 = r.try_get("", "task_id")?;
        if !tasks.contains_key(&task_id) {
            tasks.insert(task_id, judging::task(db, TaskId(task_id)).await?);
        }
        let t = tasks.get(&task_id).ok_or_else(judging::task_not_found)?;
        let aspect: i32 = r.try_get("", "aspect")?;
        out.push(Correction {
            id: r.try_get("", "id")?,
            task_id,
            task_title: t.title(),
            session_id: r.try_get("", "session_id")?,
            code: r.try_get::<Option<String>>("", "code")?.unwrap_or_default(),
            name: r.try_get("", "name")?,
            judge_id: r.try_get("", "judge_id")?,
            judge_name: r.try_get("", "judge_name")?,
            aspect,
            aspect_text: t.aspect(aspect).map(|a| a.text.clone()).unwrap_or_default(),
            old_entry: r.try_get("", "old_entry")?,
            entry: r.try_get("", "entry")?,
            reason: r.try_get("", "reason")?,
            requested_by: r.try_get("", "requested_by")?,
            requested_by_name: r.try_get("", "requested_by_name")?,
            requested_at: r.try_get("", "requested_at")?,
            status: r.try_get("", "status")?,
            decided_by: r.try_get("", "decided_by")?,
            decided_at: r.try_get("", "decided_at")?,
            decision_note: r.try_get("", "decision_note")?,
        });
    }
    Ok(out)
}

async fn one(db: &impl ConnectionTrait, id: i32) -> AppResult<Correction> {
    let rows = db
        .query_all_raw(stmt(db, &format!("{LIST_SQL} WHERE k.id = ?"), [id.into()]))
        .await?;
    rows_to_list(db, rows).await?.pop().ok_or_else(not_found)
}

/// Corrections, newest first.
pub async fn list(db: &impl ConnectionTrait, f: &Filter) -> AppResult<Vec<Correction>> {
    let mut sql = format!("{LIST_SQL} WHERE 1 = 1");
    let mut values: Vec<sea_orm::Value> = vec![];
    if let Some(s) = &f.status {
        sql.push_str(" AND k.status = ?");
        values.push(s.clone().into());
    }
    if let Some(u) = f.requested_by {
        sql.push_str(" AND k.requested_by = ?");
        values.push(u.into());
    }
    sql.push_str(" ORDER BY k.id DESC LIMIT 500");
    let rows = db.query_all_raw(stmt(db, &sql, values)).await?;
    rows_to_list(db, rows).await
}

/// Whether the user is the head judge of any task (and may list their own corrections).
pub async fn is_head_somewhere(db: &impl ConnectionTrait, user: i32) -> Result<bool, DbErr> {
    Ok(db
        .query_one_raw(stmt(
            db,
            "SELECT 1 AS one FROM practical_tasks WHERE head_judge_id = ? LIMIT 1",
            [user.into()],
        ))
        .await?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_of_spaces_is_no_reason_and_a_very_long_one_is_refused() {
        assert_eq!(clean_reason("  ").ok(), Some(None));
        assert_eq!(clean_reason(" 误记 ").ok(), Some(Some("误记".into())));
        assert!(clean_reason(&"长".repeat(MAX_REASON + 1)).is_err());
    }
}
