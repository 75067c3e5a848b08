//! Submits attempts whose time is up, every few seconds, for as long as the server runs.

use super::finish::finish;
use super::runtime::ExamRuntime;
use super::{SWEEP_EVERY, now_ms};
use crate::error::AppResult;
use crate::exam::attempt_repo::{self as repo};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Submits every attempt whose time is up, in batches, until none is left.
pub async fn sweep(db: &DatabaseConnection, rt: &ExamRuntime) -> AppResult<usize> {
    let mut done = 0;
    loop {
        let due = repo::overdue(db, now_ms(), 100).await?;
        if due.is_empty() {
            return Ok(done);
        }
        let n = due.len();
        for id in due {
            if let Some(a) = repo::attempt(db, id).await? {
                finish(db, rt, &a, "timeout").await?;
                done += 1;
            }
        }
        if n < 100 {
            return Ok(done);
        }
    }
}

/// Runs [`sweep`] every few seconds for as long as the server runs; errors are logged and
/// the next round tries again.
pub fn spawn_sweeper(db: DatabaseConnection, rt: Arc<ExamRuntime>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sweep(&db, &rt).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("submitted {n} attempt(s) whose time was up"),
                Err(e) => tracing::warn!("sweeper: {e}"),
            }
        }
    });
}
