//! What a tablet reports besides answers: heartbeats, and the page being hidden, the window
//! losing focus or fullscreen being left. Heartbeats only move the attempt's last-seen time;
//! the other events are stored on the attempt's timeline for proctors. A tablet that reports
//! absurdly often is throttled on its own, so it cannot slow anyone else down.

use super::attempt::AttemptId;
use super::attempt::ExamRuntime;
use super::attempt_repo as repo;
use crate::auth::CandidateAuth;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::live::ChangeKind;
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
    /// When, by the tablet's clock (Unix ms). Stored on the server's clock: corrected by the
    /// tablet's clock offset and bounded (see [`stamp`]); the reported time is kept too.
    pub at: Option<i64>,
}

/// When an event happened by the server's clock. `client_at` is the tablet's time of the event
/// and `offset_ms` how far the tablet's clock is behind the server's (measured when the batch
/// arrived: receipt time minus the tablet's sending time). The result never lies before
/// `not_before` (the attempt's start or its last recorded event) nor after `received`, so a
/// wrong or lying tablet clock cannot move an event outside what the server saw.
pub fn stamp(client_at: Option<i64>, offset_ms: i64, not_before: i64, received: i64) -> i64 {
    let floor = not_before.min(received);
    match client_at {
        Some(t) => t.saturating_add(offset_ms).clamp(floor, received),
        None => received,
    }
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
    sent_at: Option<i64>,
) -> AppResult<usize> {
    if events.len() > MAX_BATCH {
        return Err(AppError::unprocessable(
            ErrorCode::TooManyEvents,
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
    // Without the sending time the tablet's clock is taken as it is (still bounded).
    let offset = sent_at.map_or(0, |sent| now.saturating_sub(sent));
    let txn = sea_orm::TransactionTrait::begin(db).await?;
    repo::touch_seen(&txn, a.id, now).await?;
    let mut not_before = last_event_ms(&txn, a.id)
        .await?
        .unwrap_or(a.started_ms)
        .max(a.started_ms);
    for e in &stored {
        let at = stamp(e.at, offset, not_before, now);
        not_before = at;
        repo::record_event(
            &txn,
            a.id,
            at,
            e.kind.code(),
            json!({"client_time": e.at, "received_ms": now, "device_gen": auth.device_gen}),
        )
        .await?;
    }
    txn.commit().await?;
    if !stored.is_empty() {
        rt.bus
            .publish(a.session_id, vec![a.id], ChangeKind::Event)
            .await;
    }
    Ok(stored.len())
}

/// The time of an attempt's latest recorded event, if any.
async fn last_event_ms(
    db: &impl sea_orm::ConnectionTrait,
    attempt_id: i32,
) -> Result<Option<i64>, sea_orm::DbErr> {
    let row = db
        .query_one_raw(crate::db::stmt(
            db,
            "SELECT MAX(at_ms) AS last FROM attempt_events WHERE attempt_id = ?",
            [attempt_id.into()],
        ))
        .await?;
    match row {
        Some(r) => r.try_get("", "last"),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::stamp;

    #[test]
    fn an_event_is_stamped_with_the_tablets_time_corrected_by_its_clock_offset() {
        // The tablet's clock runs 5 s behind; the outage began 60 s before the batch arrived.
        let received = 1_000_000;
        assert_eq!(stamp(Some(935_000), 5_000, 0, received), 940_000);
    }

    #[test]
    fn an_event_never_lies_before_the_last_one_nor_after_its_receipt() {
        assert_eq!(stamp(Some(10), 0, 500, 1_000), 500, "not before the floor");
        assert_eq!(
            stamp(Some(5_000), 0, 500, 1_000),
            1_000,
            "not in the future"
        );
        assert_eq!(stamp(None, 0, 500, 1_000), 1_000, "no time: receipt time");
        assert_eq!(stamp(Some(i64::MAX), 10, 0, 1_000), 1_000, "no overflow");
        assert_eq!(
            stamp(Some(700), 0, 2_000, 1_000),
            1_000,
            "a floor after receipt gives way"
        );
    }
}
