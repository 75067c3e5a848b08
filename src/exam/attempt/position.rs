//! Where the candidate is on their paper: the flagged questions and the current one. Kept on the
//! server so that both follow the candidate to a new tablet (a takeover or a login elsewhere).

use super::runtime::ExamRuntime;
use super::view::own_attempt;
use super::{AttemptId, now_ms};
use crate::auth::CandidateAuth;
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::delivery;
use crate::exam::entity::attempt::AttemptStatus;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The flagged questions and the current one, in the tablet's terms (question ids).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Position {
    /// Questions the candidate flagged to come back to, in the order flagged.
    #[serde(default)]
    pub flags: Vec<i32>,
    /// The question on screen; none before the first one is opened.
    #[serde(default)]
    pub current_question: Option<i32>,
}

/// Stores where the candidate is. Every id must be on the candidate's paper; a submitted
/// attempt is left alone.
pub async fn set_position(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
    pos: Position,
) -> AppResult<Position> {
    let a = own_attempt(db, auth, id).await?;
    if a.status == AttemptStatus::Submitted {
        return Err(AppError::conflict(
            ErrorCode::AttemptSubmitted,
            "the exam has been submitted; answers can no longer change",
        ));
    }
    let sitting = rt.sitting(db, &a).await?;
    let mut flags: Vec<i32> = Vec::with_capacity(pos.flags.len());
    for q in pos.flags.iter().chain(pos.current_question.iter()) {
        if delivery::item_for(&sitting.paper, *q).is_none() {
            return Err(AppError::not_found(
                ErrorCode::QuestionNotOnPaper,
                format!("question {q} is not on this paper"),
            ));
        }
    }
    for q in pos.flags {
        if !flags.contains(&q) {
            flags.push(q);
        }
    }
    let pos = Position {
        flags,
        current_question: pos.current_question,
    };
    let txn = crate::db::begin_write(db).await?;
    store(&txn, a.id, &pos, now_ms()).await?;
    txn.commit().await?;
    Ok(pos)
}

async fn store(
    db: &impl ConnectionTrait,
    attempt_id: i32,
    pos: &Position,
    now_ms: i64,
) -> Result<(), DbErr> {
    let flags = serde_json::to_string(&pos.flags).map_err(|e| DbErr::Custom(e.to_string()))?;
    db.execute_raw(stmt(
        db,
        "INSERT INTO attempt_positions (attempt_id, flags, current_question, updated_ms) \
         VALUES (?, ?, ?, ?) ON CONFLICT (attempt_id) DO UPDATE SET flags = excluded.flags, \
         current_question = excluded.current_question, updated_ms = excluded.updated_ms",
        [
            attempt_id.into(),
            flags.into(),
            pos.current_question.into(),
            now_ms.into(),
        ],
    ))
    .await
    .map(|_| ())
}

/// Where the candidate was, as last stored (nothing flagged, no current question if never).
pub async fn position_of(db: &impl ConnectionTrait, attempt_id: i32) -> Result<Position, DbErr> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT flags, current_question FROM attempt_positions WHERE attempt_id = ?",
            [attempt_id.into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(Position::default());
    };
    let flags: String = row.try_get("", "flags")?;
    Ok(Position {
        flags: serde_json::from_str(&flags).unwrap_or_default(),
        current_question: row.try_get("", "current_question")?,
    })
}
