//! Saving one answer: idempotent by sequence number, answered only once committed.

use super::runtime::{ExamRuntime, read};
use super::{AttemptId, taken_over};
use crate::auth::CandidateAuth;
use crate::error::{AppError, AppResult};
use crate::exam::attempt_repo::{self as repo, Refusal, SaveOutcome};
use crate::exam::autosave::SaveError;
use crate::exam::delivery::{self, TabletResponse};
use actix_web::http::StatusCode;
use sea_orm::DatabaseConnection;

/// What a save request carries.
pub struct SaveRequest {
    /// The answer.
    pub response: TabletResponse,
    /// The client's sequence number.
    pub seq: i64,
}

/// Saves one answer. Idempotent: a repeated or older sequence number changes nothing and
/// returns the stored one. Returns only once the save is committed.
pub async fn save(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
    question_id: i32,
    req: SaveRequest,
) -> AppResult<(i64, bool)> {
    auth.opens(id.0)?;
    if req.seq < 1 {
        return Err(AppError::unprocessable(
            "invalid_seq",
            "seq must be a whole number from 1 up",
        ));
    }
    // The guard must be gone before any await: `sitting` takes the write lock on a miss.
    let cached = read(&rt.sittings).get(&id.0).cloned();
    let sitting = match cached {
        Some(s) => s,
        None => {
            let a = repo::attempt(db, id.0)
                .await?
                .ok_or_else(|| AppError::not_found("attempt_not_found", "no such attempt"))?;
            rt.sitting(db, &a).await?
        }
    };
    if sitting.candidate_id != auth.candidate_id {
        return Err(AppError::forbidden("this token does not open that attempt"));
    }
    let item = delivery::item_for(&sitting.paper, question_id).ok_or_else(|| {
        AppError::not_found(
            "question_not_on_paper",
            format!("question {question_id} is not on this paper"),
        )
    })?;
    let q = sitting
        .questions
        .get(&item.version_id)
        .ok_or_else(|| AppError::internal("question version missing"))?;
    let response = delivery::to_response(sitting.paper.seed, item, q, req.response)
        .map_err(|e| AppError::unprocessable(e.code(), e.to_string()))?;
    let outcome = rt
        .saver
        .save(repo::PendingSave {
            attempt_id: id.0,
            session_id: sitting.session_id,
            device_gen: auth.device_gen,
            question_id,
            response: serde_json::to_string(&response).map_err(AppError::internal)?,
            seq: req.seq,
        })
        .await
        .map_err(|e| match e {
            SaveError::Busy => {
                let mut e = AppError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "server_busy",
                    "the server is busy; the answer stays on the tablet and is sent again",
                );
                e.retry_after = Some(1);
                e
            }
            SaveError::Database(e) => AppError::unavailable(
                crate::db::unavailable(&e).unwrap_or(crate::db::Unavailable::Storage),
                e,
            ),
        })?;
    match outcome {
        SaveOutcome::Saved { saved_seq, applied } => Ok((saved_seq, applied)),
        SaveOutcome::Refused(r) => Err(refusal(r)),
    }
}

fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::Submitted => AppError::conflict(
            "attempt_submitted",
            "the exam has been submitted; answers can no longer change",
        ),
        Refusal::Paused => AppError::conflict(
            "attempt_paused",
            "the proctor has paused this exam; the answer stays on the tablet until it resumes",
        ),
        Refusal::TimeUp => {
            AppError::conflict("time_up", "time is up; answers can no longer change")
        }
        Refusal::TakenOver => taken_over(),
        Refusal::Missing => AppError::not_found("attempt_not_found", "no such attempt"),
    }
}
