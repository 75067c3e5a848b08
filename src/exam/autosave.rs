//! The autosave writer: group commit for answer saves.
//!
//! Each save is queued to a writer task, which takes everything waiting (up to [`MAX_BATCH`])
//! and writes it in one transaction with a handful of statements
//! ([`attempt_repo::save_batch`]); each request is answered only after that transaction
//! commits, so an acknowledged save survives a crash. Under light load a batch is one save;
//! under heavy load one commit carries hundreds, which is what lets one SQLite file take
//! thousands of saves a second. SQLite has a single writer, so it gets one task; PostgreSQL
//! gets several, with saves sharded by attempt so one attempt's saves stay in order.

use super::attempt_repo::{self, PendingSave, SaveOutcome};
use crate::live::Bus;
use sea_orm::{DatabaseConnection, DbBackend, DbErr};
use std::collections::{BTreeMap, BTreeSet};
use tokio::sync::{mpsc, oneshot};

/// Most saves written in one transaction.
pub const MAX_BATCH: usize = 512;
/// Saves that may wait per writer before callers are told to retry.
const QUEUE: usize = 20_000;

struct Job {
    save: PendingSave,
    reply: oneshot::Sender<Result<SaveOutcome, DbErr>>,
}

/// Why a save could not be written (the client keeps it queued and retries).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    /// Too many saves are waiting.
    #[error("the server is busy; the answer is kept on the tablet and retried")]
    Busy,
    /// The database refused the batch (disk full, I/O error, lock timeout, lost connection):
    /// nothing of it was committed, so the tablet keeps the answer and sends it again.
    #[error("database: {0}")]
    Database(DbErr),
}

/// Handle to the writer tasks.
#[derive(Clone)]
pub struct Saver {
    shards: Vec<mpsc::Sender<Job>>,
}

impl Saver {
    /// Starts the writer tasks on the current runtime; committed saves are announced on `bus`.
    pub fn start(db: DatabaseConnection, bus: Bus) -> Saver {
        let n = match db.get_database_backend() {
            DbBackend::Postgres => 4,
            _ => 1,
        };
        let shards = (0..n)
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE);
                tokio::spawn(run(db.clone(), rx, bus.clone()));
                tx
            })
            .collect();
        Saver { shards }
    }

    /// Queues a save and waits until it is committed (or refused).
    pub async fn save(&self, save: PendingSave) -> Result<SaveOutcome, SaveError> {
        let shard = &self.shards[save.attempt_id.unsigned_abs() as usize % self.shards.len()];
        let (reply, rx) = oneshot::channel();
        shard
            .try_send(Job { save, reply })
            .map_err(|_| SaveError::Busy)?;
        match rx.await {
            Ok(r) => r.map_err(SaveError::Database),
            Err(_) => Err(SaveError::Busy),
        }
    }
}

async fn run(db: DatabaseConnection, mut rx: mpsc::Receiver<Job>, bus: Bus) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let saves: Vec<PendingSave> = batch.iter().map(|j| j.save.clone()).collect();
        let result = write(&db, &saves).await;
        match result {
            Ok(outcomes) => {
                // One live change per session per batch, after the commit, never per save.
                let mut saved: BTreeMap<i32, BTreeSet<i32>> = BTreeMap::new();
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    if matches!(outcome, SaveOutcome::Saved { applied: true, .. }) {
                        saved
                            .entry(job.save.session_id)
                            .or_default()
                            .insert(job.save.attempt_id);
                    }
                    let _ = job.reply.send(Ok(outcome));
                }
                for (session, attempts) in saved {
                    bus.publish(session, attempts.into_iter().collect(), "saved")
                        .await;
                }
            }
            Err(e) => {
                tracing::error!("autosave batch of {} failed: {e}", saves.len());
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(e.clone()));
                }
            }
        }
    }
}

/// Writes a batch in one transaction. Any error drops the transaction (rolled back; a connection
/// left in a bad state is discarded by the pool, see `db::connect`), so nothing is acknowledged
/// unless this commit returned Ok.
async fn write(db: &DatabaseConnection, saves: &[PendingSave]) -> Result<Vec<SaveOutcome>, DbErr> {
    let now = chrono::Utc::now().timestamp_millis();
    let txn = crate::db::begin_write(db).await?;
    let outcomes = attempt_repo::save_batch(&txn, saves, now).await?;
    txn.commit().await?;
    Ok(outcomes)
}
