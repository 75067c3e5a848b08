//! Submits attempts whose time is up, every few seconds, for as long as the server runs.

use super::finish::finish;
use super::runtime::ExamRuntime;
use super::{SWEEP_EVERY, now_ms};
use crate::error::AppResult;
use crate::exam::attempt_repo::{self as repo};
use crate::exam::entity::attempt::{self, SubmittedBy};
use sea_orm::DatabaseConnection;
use std::future::Future;
use std::sync::Arc;

/// Submits every attempt whose time is up, in batches, until none is left; returns them as
/// submitted.
pub async fn sweep(db: &DatabaseConnection, rt: &ExamRuntime) -> AppResult<Vec<attempt::Model>> {
    let mut done = Vec::new();
    loop {
        let due = repo::overdue(db, now_ms(), 100).await?;
        if due.is_empty() {
            return Ok(done);
        }
        let n = due.len();
        for id in due {
            if let Some(a) = repo::attempt(db, id).await? {
                done.push(finish(db, rt, &a, SubmittedBy::Timeout).await?);
            }
        }
        if n < 100 {
            return Ok(done);
        }
    }
}

/// Runs [`sweep`] every few seconds for as long as the server runs; errors are logged and
/// the next round tries again. `after` gets each round's submitted attempts once they are
/// committed (the server issues the certificates that passing results earn there: this folder
/// knows nothing of certificates).
pub fn spawn_sweeper<F, Fut>(db: DatabaseConnection, rt: Arc<ExamRuntime>, after: F)
where
    F: Fn(Vec<attempt::Model>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sweep(&db, &rt).await {
                Ok(done) if done.is_empty() => {}
                Ok(done) => {
                    tracing::info!("submitted {} attempt(s) whose time was up", done.len());
                    after(done).await;
                }
                Err(e) => tracing::warn!("sweeper: {e}"),
            }
        }
    });
}
