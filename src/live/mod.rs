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
    /// What happened.
    pub kind: ChangeKind,
    /// When it was published (server clock, Unix ms), for delivery-latency figures.
    pub at_ms: i64,
}

/// What happened to the attempts of a [`Change`]. Sent between instances as the snake_case
/// name (`unlock_login:<ticket>` for an unlock), as it always was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum ChangeKind {
    /// A candidate logged in.
    Login,
    /// A login took an attempt over from another device.
    Takeover,
    /// Answers were saved.
    Saved,
    /// The tablet reported an event (focus lost, fullscreen left, heartbeat, …).
    Event,
    /// A proctor paused the clock.
    Paused,
    /// A proctor resumed it.
    Resumed,
    /// A proctor gave extra time.
    Extended,
    /// The attempt was submitted.
    Submitted,
    /// A proctor ended it for misconduct.
    Terminated,
    /// A candidate was checked in.
    CheckedIn,
    /// An incident was recorded or closed.
    Incident,
    /// A proctor unlocked this ticket's logins: every instance forgets its failed tries.
    UnlockLogin(String),
    /// Something a competition's scoreboard shows changed (marks locked, results published,
    /// freeze or reveal): its board is recomputed once. Sent with session 0.
    Board(i32),
}

/// The name an unlock is sent under, before the ticket.
const UNLOCK_LOGIN: &str = "unlock_login:";
/// The name a board change is sent under, before the competition.
const BOARD: &str = "board:";

impl From<ChangeKind> for String {
    fn from(k: ChangeKind) -> String {
        let name = match k {
            ChangeKind::Login => "login",
            ChangeKind::Takeover => "takeover",
            ChangeKind::Saved => "saved",
            ChangeKind::Event => "event",
            ChangeKind::Paused => "paused",
            ChangeKind::Resumed => "resumed",
            ChangeKind::Extended => "extended",
            ChangeKind::Submitted => "submitted",
            ChangeKind::Terminated => "terminated",
            ChangeKind::CheckedIn => "checked_in",
            ChangeKind::Incident => "incident",
            ChangeKind::UnlockLogin(ticket) => return format!("{UNLOCK_LOGIN}{ticket}"),
            ChangeKind::Board(competition) => return format!("{BOARD}{competition}"),
        };
        name.to_string()
    }
}

impl TryFrom<String> for ChangeKind {
    type Error = String;
    fn try_from(s: String) -> Result<ChangeKind, String> {
        Ok(match s.as_str() {
            "login" => ChangeKind::Login,
            "takeover" => ChangeKind::Takeover,
            "saved" => ChangeKind::Saved,
            "event" => ChangeKind::Event,
            "paused" => ChangeKind::Paused,
            "resumed" => ChangeKind::Resumed,
            "extended" => ChangeKind::Extended,
            "submitted" => ChangeKind::Submitted,
            "terminated" => ChangeKind::Terminated,
            "checked_in" => ChangeKind::CheckedIn,
            "incident" => ChangeKind::Incident,
            _ => match (s.strip_prefix(UNLOCK_LOGIN), s.strip_prefix(BOARD)) {
                (Some(ticket), _) => ChangeKind::UnlockLogin(ticket.to_string()),
                (_, Some(c)) => match c.parse() {
                    Ok(c) => ChangeKind::Board(c),
                    Err(_) => return Err(format!("unknown change kind {s:?}")),
                },
                _ => return Err(format!("unknown change kind {s:?}")),
            },
        })
    }
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
    pub async fn publish(&self, session: i32, attempts: Vec<i32>, kind: ChangeKind) {
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
                kind: kind.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_kind_travels_between_instances_under_the_name_it_always_had() {
        for (kind, name) in [
            (ChangeKind::Login, "login"),
            (ChangeKind::Takeover, "takeover"),
            (ChangeKind::Saved, "saved"),
            (ChangeKind::Event, "event"),
            (ChangeKind::Paused, "paused"),
            (ChangeKind::Resumed, "resumed"),
            (ChangeKind::Extended, "extended"),
            (ChangeKind::Submitted, "submitted"),
            (ChangeKind::Terminated, "terminated"),
            (ChangeKind::CheckedIn, "checked_in"),
            (ChangeKind::Incident, "incident"),
            (
                ChangeKind::UnlockLogin("K0000010000".into()),
                "unlock_login:K0000010000",
            ),
            (ChangeKind::Board(7), "board:7"),
        ] {
            assert_eq!(serde_json::to_value(&kind).unwrap(), name);
            assert_eq!(
                serde_json::from_value::<ChangeKind>(name.into()).unwrap(),
                kind
            );
        }
        assert!(serde_json::from_value::<ChangeKind>("moved".into()).is_err());
        assert!(serde_json::from_value::<ChangeKind>("board:x".into()).is_err());
    }
}
