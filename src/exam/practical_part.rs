//! The practical part of an assessment as the exam sees it (issue 13): which sessions have one,
//! and each candidate's practical result. The practical engine declares a session's part when
//! it is set up ([`declare`]) and records a candidate's result whenever a task of theirs is
//! locked or corrected ([`record`]); the exam's outcome combines it with the theory result. The
//! exam never reads the practical engine's own tables.

use super::entity::practical;
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// One task's score in a candidate's practical result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskScore {
    /// The practical task (`practical_tasks.id`).
    pub task_id: i32,
    /// Its title (first line of the instructions).
    pub title: String,
    /// Its score out of 100.
    pub score: f64,
    /// Its weight in the practical score.
    pub weight: f64,
}

/// A candidate's practical part result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PracticalRecord {
    /// The candidate.
    pub candidate_id: i32,
    /// Their session.
    pub session_id: i32,
    /// The practical score out of 100: Σ weight·score / Σ weight.
    pub score: f64,
    /// Each task's score, in task order.
    pub tasks: Vec<TaskScore>,
    /// Every task is locked: the score will not change (but by an approved correction).
    #[serde(rename = "final")]
    pub final_: bool,
    /// Final and at or above the pass line.
    pub passed: bool,
}

impl PracticalRecord {
    /// Reads a stored row (a task list that does not parse reads as empty).
    fn from_row(m: practical::Model) -> Self {
        PracticalRecord {
            candidate_id: m.candidate_id,
            session_id: m.session_id,
            score: m.score,
            tasks: serde_json::from_str(&m.tasks).unwrap_or_default(),
            final_: m.final_,
            passed: m.passed,
        }
    }
}

/// The practical part of a released result as the candidate sees it: the practical score and
/// each task's, never who judged.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CandidatePractical {
    /// The practical score out of 100, once recorded.
    pub score: Option<f64>,
    /// Whether the practical part passed, once final.
    pub passed: Option<bool>,
    /// Every task is locked.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// Each task's title and score out of 100.
    pub tasks: Vec<CandidateTask>,
}

/// One task of [`CandidatePractical`].
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CandidateTask {
    /// The task's title.
    pub title: String,
    /// Its score out of 100.
    pub score: f64,
}

impl CandidatePractical {
    /// What the candidate sees of their record (none recorded yet: pending, no scores).
    pub fn of(r: Option<&PracticalRecord>) -> Self {
        match r {
            None => CandidatePractical {
                score: None,
                passed: None,
                is_final: false,
                tasks: Vec::new(),
            },
            Some(r) => CandidatePractical {
                score: Some(r.score),
                passed: r.final_.then_some(r.passed),
                is_final: r.final_,
                tasks: r
                    .tasks
                    .iter()
                    .map(|t| CandidateTask {
                        title: t.title.clone(),
                        score: t.score,
                    })
                    .collect(),
            },
        }
    }

    /// The assessment's pass from the theory's and this part's: unknown until both are known,
    /// failed as soon as a final part failed.
    pub fn combined(&self, theory: Option<bool>, theory_final: bool) -> (Option<bool>, bool) {
        let is_final = theory_final && self.is_final;
        let passed = match (theory, self.passed) {
            (Some(a), Some(b)) if is_final => Some(a && b),
            _ => None,
        };
        (passed, is_final)
    }
}

/// A practical task as a column of the results table.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PracticalColumn {
    /// The practical task.
    pub task_id: i32,
    /// Its title.
    pub title: String,
}

/// The practical tasks the records of a session name, in task order (the setup numbers a
/// session's tasks in order), each once.
pub fn columns<'a>(records: impl IntoIterator<Item = &'a PracticalRecord>) -> Vec<PracticalColumn> {
    let mut cols: Vec<PracticalColumn> = Vec::new();
    for t in records.into_iter().flat_map(|r| &r.tasks) {
        if !cols.iter().any(|c| c.task_id == t.task_id) {
            cols.push(PracticalColumn {
                task_id: t.task_id,
                title: t.title.clone(),
            });
        }
    }
    cols.sort_by_key(|c| c.task_id);
    cols
}

/// A record's task scores lined up with `columns` (none for a task it does not name).
pub fn task_scores(r: &PracticalRecord, columns: &[PracticalColumn]) -> Vec<Option<f64>> {
    columns
        .iter()
        .map(|c| {
            r.tasks
                .iter()
                .find(|t| t.task_id == c.task_id)
                .map(|t| t.score)
        })
        .collect()
}

/// Records (inserts or replaces) a candidate's practical result. Call it inside the transaction
/// that locks or corrects the task, so the result changes with the marks.
pub async fn record(conn: &impl ConnectionTrait, r: &PracticalRecord) -> Result<(), DbErr> {
    let tasks = serde_json::to_string(&r.tasks).map_err(|e| DbErr::Custom(e.to_string()))?;
    conn.execute_raw(crate::db::stmt(
        conn,
        "INSERT INTO candidate_practical \
         (candidate_id, session_id, score, tasks, \"final\", passed, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (candidate_id) DO UPDATE SET \
         session_id = excluded.session_id, score = excluded.score, tasks = excluded.tasks, \
         \"final\" = excluded.\"final\", passed = excluded.passed, \
         updated_at = excluded.updated_at",
        [
            r.candidate_id.into(),
            r.session_id.into(),
            r.score.into(),
            tasks.into(),
            r.final_.into(),
            r.passed.into(),
            Utc::now().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The practical results recorded in a session, by candidate.
pub async fn of_session(
    conn: &impl ConnectionTrait,
    session_id: i32,
) -> Result<HashMap<i32, PracticalRecord>, DbErr> {
    Ok(practical::Entity::find()
        .filter(practical::Column::SessionId.eq(session_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.candidate_id, PracticalRecord::from_row(m)))
        .collect())
}

/// One candidate's practical result, if recorded.
pub async fn of_candidate(
    conn: &impl ConnectionTrait,
    candidate_id: i32,
) -> Result<Option<PracticalRecord>, DbErr> {
    Ok(practical::Entity::find_by_id(candidate_id)
        .one(conn)
        .await?
        .map(PracticalRecord::from_row))
}

/// Declares whether a session has a practical part. The practical setup calls it with `true`
/// when it saves a part and with `false` when it deletes one (which also drops any recorded
/// practical results of the session). Idempotent.
pub async fn declare(
    conn: &impl ConnectionTrait,
    session_id: i32,
    has_part: bool,
) -> Result<(), DbErr> {
    if has_part {
        conn.execute_raw(crate::db::stmt(
            conn,
            "INSERT INTO session_practical (session_id, declared_at) VALUES (?, ?) \
             ON CONFLICT (session_id) DO NOTHING",
            [session_id.into(), Utc::now().into()],
        ))
        .await?;
    } else {
        for table in ["candidate_practical", "session_practical"] {
            conn.execute_raw(crate::db::stmt(
                conn,
                &format!("DELETE FROM {table} WHERE session_id = ?"),
                [session_id.into()],
            ))
            .await?;
        }
    }
    Ok(())
}

/// Whether a session has a practical part: declared by the setup, or with a recorded result.
pub async fn has_part(conn: &impl ConnectionTrait, session_id: i32) -> Result<bool, DbErr> {
    let row = conn
        .query_one_raw(crate::db::stmt(
            conn,
            "SELECT 1 AS x FROM session_practical WHERE session_id = ? \
             UNION ALL SELECT 1 AS x FROM candidate_practical WHERE session_id = ?",
            [session_id.into(), session_id.into()],
        ))
        .await?;
    Ok(row.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(candidate_id: i32, tasks: &[(i32, &str, f64)]) -> PracticalRecord {
        PracticalRecord {
            candidate_id,
            session_id: 1,
            score: 0.0,
            tasks: tasks
                .iter()
                .map(|(id, title, score)| TaskScore {
                    task_id: *id,
                    title: title.to_string(),
                    score: *score,
                    weight: 1.0,
                })
                .collect(),
            final_: false,
            passed: false,
        }
    }

    #[test]
    fn a_candidate_passes_the_assessment_only_once_both_parts_are_final_and_passed() {
        let mut r = record(1, &[(1, "安装", 80.0)]);
        let pending = CandidatePractical::of(Some(&r));
        assert_eq!(pending.passed, None);
        assert_eq!(pending.combined(Some(true), true), (None, false));
        r.final_ = true;
        r.passed = true;
        let done = CandidatePractical::of(Some(&r));
        assert_eq!(done.tasks[0].title, "安装");
        assert_eq!(done.combined(Some(true), true), (Some(true), true));
        assert_eq!(done.combined(Some(false), true), (Some(false), true));
        assert_eq!(done.combined(None, false), (None, false));
        r.passed = false;
        let failed = CandidatePractical::of(Some(&r));
        assert_eq!(failed.combined(Some(true), true), (Some(false), true));
        assert_eq!(
            CandidatePractical::of(None).combined(Some(true), true),
            (None, false)
        );
    }

    #[test]
    fn the_columns_are_every_task_named_once_in_task_order() {
        let a = record(1, &[(7, "布线", 80.0)]);
        let b = record(2, &[(9, "调试", 50.0), (7, "布线", 70.0)]);
        let cols = columns([&a, &b]);
        let ids: Vec<i32> = cols.iter().map(|c| c.task_id).collect();
        assert_eq!(ids, [7, 9]);
        assert_eq!(cols[1].title, "调试");
        assert_eq!(task_scores(&a, &cols), [Some(80.0), None]);
        assert_eq!(task_scores(&b, &cols), [Some(70.0), Some(50.0)]);
    }

    #[test]
    fn a_record_reads_back_the_json_it_was_given_with_final_spelled_out() {
        let r = record(3, &[(1, "安装", 90.0)]);
        let json = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(json["final"], serde_json::json!(false));
        let back: PracticalRecord = serde_json::from_value(json).unwrap_or_else(|_| record(0, &[]));
        assert_eq!(back, r);
    }
}
