//! What a tablet reports besides answers: heartbeats, and the page being hidden, the window
//! losing focus or fullscreen being left. Heartbeats only move the attempt's last-seen time;
//! the other events are stored on the attempt's timeline for proctors. A tablet that reports
//! absurdly often is throttled on its own, so it cannot slow anyone else down.

use super::attempt::AttemptId;
use super::attempt::ExamRuntime;
use super::attempt_repo as repo;
use crate::auth::CandidateAuth;
use crate::error::{AppError, AppResult};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use utoipa::ToSchema;

/// Events a tablet may report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Still here (sent every few seconds).
    Heartbeat,
    /// The page was hidden (another app or tab came to the front).
    PageHidden,
    /// The page is visible again.
    PageVisible,
    /// The window lost focus.
    WindowBlur,
    /// The window has focus again.
    WindowFocus,
    /// Fullscreen was left.
    FullscreenExit,
    /// The tablet lost its network (reported once it is back).
    NetworkOffline,
    /// The network came back.
    NetworkOnline,
}

impl EventKind {
    /// Stable snake_case code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Self::Heartbeat => "heartbeat",
            Self::PageHidden => "page_hidden",
            Self::PageVisible => "page_visible",
            Self::WindowBlur => "window_blur",
            Self::WindowFocus => "window_focus",
            Self::FullscreenExit => "fullscreen_exit",
            Self::NetworkOffline => "network_offline",
            Self::NetworkOnline => "network_online",
        }
    }
}

/// One reported event.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ClientEvent {
    /// What happened.
    pub kind: EventKind,
    /// When, by the tablet's clock (Unix ms; kept as reported, the server's time is recorded too).
    pub at: Option<i64>,
}

/// Most events one request may carry (a tablet back from a long outage sends its backlog).
pub const MAX_BATCH: usize = 100;
/// Most events (heartbeats excluded) stored per attempt per minute.
pub const MAX_PER_MINUTE: u32 = 120;
/// At most one heartbeat per attempt is written this often. The tablet beats every 10 s and
/// the room view calls a tablet offline after 30 s, so nothing is lost; more frequent beats are
/// answered 200 without a write (a 429 would only make the tablet retry).
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);

/// Per-attempt counters for throttling.
#[derive(Default)]
pub struct Throttle {
    windows: Mutex<HashMap<i32, (Instant, u32)>>,
    beats: Mutex<HashMap<i32, Instant>>,
}

impl Throttle {
    /// Counts `n` events for an attempt; false when that would pass the per-minute limit.
    fn admit(&self, attempt: i32, n: u32) -> bool {
        let now = Instant::now();
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if w.len() > 50_000 {
            w.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let e = w.entry(attempt).or_insert((now, 0));
        if now.duration_since(e.0) >= Duration::from_secs(60) {
            *e = (now, 0);
        }
        if e.1 + n > MAX_PER_MINUTE {
            return false;
        }
        e.1 += n;
        true
    }

    /// True when an attempt's heartbeat is due to be written (and records it as written).
    fn beat_due(&self, attempt: i32) -> bool {
        let now = Instant::now();
        let mut b = self.beats.lock().unwrap_or_else(|p| p.into_inner());
        if b.len() > 50_000 {
            b.retain(|_, last| now.duration_since(*last) < HEARTBEAT_EVERY);
        }
        match b.get(&attempt) {
            Some(last) if now.duration_since(*last) < HEARTBEAT_EVERY => false,
            _ => {
                b.insert(attempt, now);
                true
            }
        }
    }
}

/// Stores what a tablet reports; returns how many events were stored (heartbeats not counted).
pub async fn report(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
    events: Vec<ClientEvent>,
) -> AppResult<usize> {
    if events.len() > MAX_BATCH {
        return Err(AppError::unprocessable(
            "too_many_events",
            format!("send at most {MAX_BATCH} events at a time"),
        ));
    }
    let a = super::attempt::own_attempt(db, auth, id).await?;
    let stored: Vec<&ClientEvent> = events
        .iter()
        .filter(|e| e.kind != EventKind::Heartbeat)
        .collect();
    if !rt.events.admit(a.id, stored.len() as u32) {
        return Err(AppError::too_many(
            "too many events from this tablet; slow down",
            10,
        ));
    }
    // Heartbeats only: written at most every few seconds per attempt, whatever the tablet does.
    if stored.is_empty() && !rt.events.beat_due(a.id) {
        return Ok(0);
    }
    let now = chrono::Utc::now().timestamp_millis();
    let txn = sea_orm::TransactionTrait::begin(db).await?;
    repo::touch_seen(&txn, a.id, now).await?;
    for e in &stored {
        repo::record_event(
            &txn,
            a.id,
            now,
            e.kind.code(),
            json!({"client_time": e.at, "device_gen": auth.device_gen}),
        )
        .await?;
    }
    txn.commit().await?;
    if !stored.is_empty() {
        rt.bus.publish(a.session_id, vec![a.id], "event").await;
    }
    Ok(stored.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throttle_admits_up_to_the_limit_per_attempt_and_no_more() {
        let t = Throttle::default();
        assert!(t.admit(1, MAX_PER_MINUTE - 1));
        assert!(t.admit(1, 1));
        assert!(!t.admit(1, 1), "the 121st event in a minute is refused");
        assert!(t.admit(2, 10), "another tablet is not affected");
    }

    #[test]
    fn one_heartbeat_per_attempt_is_written_per_interval() {
        let t = Throttle::default();
        assert!(t.beat_due(1));
        assert!(!t.beat_due(1), "a second beat at once is not written");
        assert!(t.beat_due(2), "another tablet is not affected");
    }
}
