//! Live changes between the parts of the platform and between instances.
//!
//! Whatever changes an attempt (a login, saves, an event from the tablet, a proctor's action,
//! a submission) publishes a [`Change`] naming the session and attempts. Inside one process it
//! goes through a broadcast channel; with PostgreSQL it also goes out as `NOTIFY exam_live`, and
//! every instance LISTENs and feeds what other instances publish into its own channel, so a
//! proctor on instance B sees a candidate on instance A. No message broker is needed.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::broadcast;

/// The PostgreSQL channel changes travel on.
pub const CHANNEL: &str = "exam_live";
/// A NOTIFY payload must stay under 8,000 bytes; larger lists are split.
const MAX_IDS_PER_NOTIFY: usize = 500;

/// Something changed for these attempts of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The instance that published it (so an instance ignores its own NOTIFY echo).
    pub origin: u64,
    /// The session.
    pub session: i32,
    /// The attempts concerned; empty means the whole session (e.g. a new candidate).
    pub attempts: Vec<i32>,
    /// What happened: `login`, `takeover`, `saved`, `event`, `paused`, `submitted`, ….
    pub kind: String,
    /// When it was published (server clock, Unix ms), for delivery-latency figures.
    pub at_ms: i64,
}

/// The live-change bus of one instance.
#[derive(Clone)]
pub struct Bus {
    tx: broadcast::Sender<Change>,
    origin: u64,
    db: Option<DatabaseConnection>,
}

impl Bus {
    /// A bus for this instance; with PostgreSQL it publishes through NOTIFY and starts a task
    /// that LISTENs (call inside the runtime).
    pub fn start(db: &DatabaseConnection) -> Bus {
        let (tx, _) = broadcast::channel(4096);
        let origin = rand::random::<u64>();
        let pg = db.get_database_backend() == DbBackend::Postgres;
        let bus = Bus {
            tx,
            origin,
            db: pg.then(|| db.clone()),
        };
        if pg {
            tokio::spawn(listen(db.clone(), bus.tx.clone(), origin));
        }
        bus
    }

    /// A new receiver of every change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.tx.subscribe()
    }

    /// Publishes a change here and, with PostgreSQL, to the other instances. Never fails the
    /// caller: a lost live update only delays a screen until its next full refresh.
    pub async fn publish(&self, session: i32, attempts: Vec<i32>, kind: &str) {
        let at_ms = chrono::Utc::now().timestamp_millis();
        let chunks: Vec<Vec<i32>> = if attempts.is_empty() {
            vec![vec![]]
        } else {
            attempts
                .chunks(MAX_IDS_PER_NOTIFY)
                .map(|c| c.to_vec())
                .collect()
        };
        for attempts in chunks {
            let change = Change {
                origin: self.origin,
                session,
                attempts,
                kind: kind.to_string(),
                at_ms,
            };
            if let Some(db) = &self.db
                && let Ok(payload) = serde_json::to_string(&change)
            {
                let sql = crate::db::stmt(
                    db,
                    "SELECT pg_notify(?, ?)",
                    [CHANNEL.into(), payload.into()],
                );
                if let Err(e) = db.execute_raw(sql).await {
                    tracing::warn!("live change not sent to other instances: {e}");
                }
            }
            let _ = self.tx.send(change);
        }
    }
}

/// Feeds other instances' changes into this instance's channel, reconnecting after errors.
async fn listen(db: DatabaseConnection, tx: broadcast::Sender<Change>, origin: u64) {
    let pool = db.get_postgres_connection_pool().clone();
    loop {
        let mut listener = match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!("LISTEN {CHANNEL}: {e}; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!("LISTEN {CHANNEL}: {e}; retrying");
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        loop {
            match listener.recv().await {
                Ok(n) => {
                    if let Ok(change) = serde_json::from_str::<Change>(n.payload())
                        && change.origin != origin
                    {
                        let _ = tx.send(change);
                    }
                }
                Err(e) => {
                    tracing::warn!("LISTEN {CHANNEL} lost: {e}; reconnecting");
                    break;
                }
            }
        }
    }
}
