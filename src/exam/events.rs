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
