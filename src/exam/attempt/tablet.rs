//! The tablet's calls that may end an attempt: reading its state (an attempt found out of time
//! is submitted first) and submitting it.

use super::finish::finish;
use super::runtime::ExamRuntime;
use super::view::{AttemptState, own_attempt, session_of, view};
use super::{AttemptId, clock_of, now_ms};
use crate::auth::CandidateAuth;
use crate::error::AppResult;
use crate::exam::attempt_repo as repo;
use sea_orm::DatabaseConnection;

/// The attempt's state for its tablet. An attempt found out of time is submitted first, so a
/// tablet coming back after the deadline sees the final state without waiting for the sweeper.
pub async fn get(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
) -> AppResult<AttemptState> {
    let mut a = own_attempt(db, auth, id).await?;
    let s = session_of(db, &a).await?;
    if a.status == repo::IN_PROGRESS && clock_of(&a).is_up(now_ms()) {
        a = finish(db, rt, &a, "timeout").await?;
    }
    view(db, rt, &s, &a).await
}

/// Submits the candidate's attempt; repeating it changes nothing.
pub async fn submit(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
) -> AppResult<AttemptState> {
    let a = own_attempt(db, auth, id).await?;
    let s = session_of(db, &a).await?;
    let by = if clock_of(&a).is_up(now_ms()) {
        "timeout"
    } else {
        "candidate"
    };
    let a = finish(db, rt, &a, by).await?;
    view(db, rt, &s, &a).await
}
