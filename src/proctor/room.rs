//! What a proctor sees of each candidate: one tile with device health and exam progress
//! together, and the room's totals. Pure: built from stored rows and `now`.

use crate::exam::clock::Clock;
use crate::exam::entity::attempt::{AttemptStatus, SubmittedBy};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// No heartbeat for this long and the tablet counts as offline.
pub const OFFLINE_AFTER_MS: i64 = 30_000;
/// No answer saved for this long (while online) and the candidate counts as idle.
pub const IDLE_AFTER_MS: i64 = 180_000;

/// What is stored about one candidate and their latest attempt.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// Candidate id.
    pub candidate_id: i32,
    /// Ticket.
    pub ticket: String,
    /// Name.
    pub name: String,
    /// Room id.
    pub room_id: i32,
    /// Room name.
    pub room: String,
    /// Seat.
    pub seat: i32,
    /// Checked in by a proctor.
    pub checked_in: bool,
    /// The latest attempt, if the candidate has started.
    pub attempt: Option<AttemptRow>,
    /// Open incidents on the candidate.
    pub incidents: i64,
}

/// The attempt part of a row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttemptRow {
    /// Attempt id.
    pub id: i32,
    /// Stored status.
    pub status: AttemptStatus,
    /// Who submitted it.
    pub submitted_by: Option<SubmittedBy>,
    /// Its clock.
    pub clock: Option<Clock>,
    /// Last heartbeat or event.
    pub last_seen_ms: Option<i64>,
    /// Last accepted save.
    pub last_save_ms: Option<i64>,
    /// Questions on the paper.
    pub questions: i32,
    /// Questions answered.
    pub answered: i64,
    /// Logins that took the attempt over from another device.
    pub takeovers: i64,
    /// Page hidden or window blurred.
    pub focus_losses: i64,
    /// Fullscreen left.
    pub fullscreen_exits: i64,
}

/// A candidate's state as the room view shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// No attempt yet.
    NotStarted,
    /// Sitting.
    InProgress,
    /// Online but nothing saved for a while.
    Idle,
    /// No heartbeat for a while.
    Offline,
    /// Paused by a proctor.
    Paused,
    /// Submitted.
    Submitted,
    /// Ended by a proctor for misconduct.
    Terminated,
}

/// One candidate's tile.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Tile {
    /// Candidate id.
    pub candidate_id: i32,
    /// Attempt id, once started.
    pub attempt_id: Option<i32>,
    /// Ticket.
    pub ticket: String,
    /// Name.
    pub name: String,
    /// Room id.
    pub room_id: i32,
    /// Room name.
    pub room: String,
    /// Seat.
    pub seat: i32,
    /// Checked in.
    pub checked_in: bool,
    /// State.
    pub state: State,
    /// Questions answered.
    pub answered: i64,
    /// Questions on the paper.
    pub total: i32,
    /// Seconds left (none before the start; 0 once submitted).
    pub remaining_seconds: Option<i64>,
    /// Seconds since the tablet was last heard from.
    pub since_heartbeat: Option<i64>,
    /// Device takeovers.
    pub takeovers: i64,
    /// Page-hidden and window-blur events.
    pub focus_losses: i64,
    /// Fullscreen exits.
    pub fullscreen_exits: i64,
    /// Open incidents.
    pub incidents: i64,
}

/// The state of a row at `now`.
pub fn state(row: &Row, now_ms: i64) -> State {
    let Some(a) = &row.attempt else {
        return State::NotStarted;
    };
    match a.status {
        AttemptStatus::Submitted if a.submitted_by == Some(SubmittedBy::Terminated) => {
            State::Terminated
        }
        AttemptStatus::Submitted => State::Submitted,
        AttemptStatus::Paused => State::Paused,
        _ => {
            let seen = a.last_seen_ms.unwrap_or(0);
            if now_ms - seen > OFFLINE_AFTER_MS {
                return State::Offline;
            }
            let started = a.clock.map_or(0, |c| c.started_ms);
            let active = a.last_save_ms.unwrap_or(started).max(started);
            if now_ms - active > IDLE_AFTER_MS {
                State::Idle
            } else {
                State::InProgress
            }
        }
    }
}

/// A row's tile at `now`.
pub fn tile(row: &Row, now_ms: i64) -> Tile {
    let st = state(row, now_ms);
    let a = row.attempt.as_ref();
    Tile {
        candidate_id: row.candidate_id,
        attempt_id: a.map(|a| a.id),
        ticket: row.ticket.clone(),
        name: row.name.clone(),
        room_id: row.room_id,
        room: row.room.clone(),
        seat: row.seat,
        checked_in: row.checked_in,
        state: st,
        answered: a.map_or(0, |a| a.answered),
        total: a.map_or(0, |a| a.questions),
        remaining_seconds: a.and_then(|a| {
            if matches!(st, State::Submitted | State::Terminated) {
                Some(0)
            } else {
                a.clock.map(|c| c.remaining_ms(now_ms) / 1000)
            }
        }),
        since_heartbeat: a
            .and_then(|a| a.last_seen_ms)
            .map(|s| ((now_ms - s) / 1000).max(0)),
        takeovers: a.map_or(0, |a| a.takeovers),
        focus_losses: a.map_or(0, |a| a.focus_losses),
        fullscreen_exits: a.map_or(0, |a| a.fullscreen_exits),
        incidents: row.incidents,
    }
}

/// A room's (or session's) totals.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Totals {
    /// Candidates.
    pub candidates: usize,
    /// Checked in.
    pub checked_in: usize,
    /// Candidates per state.
    pub by_state: BTreeMap<String, usize>,
    /// Questions answered, all candidates together.
    pub answered: i64,
    /// Open incidents.
    pub incidents: i64,
}

/// Totals over tiles.
pub fn totals(tiles: &[Tile]) -> Totals {
    let mut by_state = BTreeMap::new();
    for s in [
        "not_started",
        "in_progress",
        "idle",
        "offline",
        "paused",
        "submitted",
        "terminated",
    ] {
        by_state.insert(s.to_string(), 0);
    }
    for t in tiles {
        if let Ok(serde_json::Value::String(s)) = serde_json::to_value(t.state) {
            *by_state.entry(s).or_insert(0) += 1;
        }
    }
    Totals {
        candidates: tiles.len(),
        checked_in: tiles.iter().filter(|t| t.checked_in).count(),
        by_state,
        answered: tiles.iter().map(|t| t.answered).sum(),
        incidents: tiles.iter().map(|t| t.incidents).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 10_000_000;

    fn sitting(status: AttemptStatus, seen_ago: i64, saved_ago: i64) -> Row {
        Row {
            candidate_id: 1,
            ticket: "K00000100001Y".into(),
            name: "张伟".into(),
            room_id: 1,
            room: "第一考场".into(),
            seat: 1,
            checked_in: true,
            incidents: 0,
            attempt: Some(AttemptRow {
                id: 7,
                status,
                submitted_by: None,
                clock: Some(Clock::start(NOW - 600_000, 3_600_000)),
                last_seen_ms: Some(NOW - seen_ago),
                last_save_ms: Some(NOW - saved_ago),
                questions: 44,
                answered: 12,
                takeovers: 1,
                focus_losses: 3,
                fullscreen_exits: 1,
            }),
        }
    }

    #[test]
    fn a_candidate_heard_from_recently_who_saves_is_in_progress_with_time_left() {
        let t = tile(&sitting(AttemptStatus::InProgress, 5_000, 20_000), NOW);
        assert_eq!(t.state, State::InProgress);
        assert_eq!(t.remaining_seconds, Some(3000));
        assert_eq!(t.since_heartbeat, Some(5));
        assert_eq!((t.answered, t.total, t.focus_losses), (12, 44, 3));
    }

    #[test]
    fn no_heartbeat_for_thirty_seconds_is_offline_and_no_save_for_three_minutes_is_idle() {
        assert_eq!(
            state(&sitting(AttemptStatus::InProgress, 31_000, 20_000), NOW),
            State::Offline
        );
        assert_eq!(
            state(&sitting(AttemptStatus::InProgress, 2_000, 181_000), NOW),
            State::Idle
        );
    }

    #[test]
    fn paused_submitted_and_terminated_attempts_say_so_whatever_the_heartbeat() {
        assert_eq!(
            state(&sitting(AttemptStatus::Paused, 999_000, 999_000), NOW),
            State::Paused
        );
        let mut r = sitting(AttemptStatus::Submitted, 999_000, 999_000);
        assert_eq!(state(&r, NOW), State::Submitted);
        assert_eq!(tile(&r, NOW).remaining_seconds, Some(0));
        r.attempt.as_mut().unwrap().submitted_by = Some(SubmittedBy::Terminated);
        assert_eq!(state(&r, NOW), State::Terminated);
    }

    #[test]
    fn a_candidate_without_an_attempt_has_not_started_and_totals_count_every_state() {
        let waiting = Row {
            candidate_id: 2,
            ..Default::default()
        };
        let tiles = vec![
            tile(&waiting, NOW),
            tile(&sitting(AttemptStatus::InProgress, 1_000, 1_000), NOW),
            tile(&sitting(AttemptStatus::InProgress, 60_000, 1_000), NOW),
        ];
        assert_eq!(tiles[0].state, State::NotStarted);
        assert_eq!(tiles[0].remaining_seconds, None);
        let t = totals(&tiles);
        assert_eq!(t.candidates, 3);
        assert_eq!(t.checked_in, 2);
        assert_eq!(t.by_state["offline"], 1);
        assert_eq!(t.by_state["in_progress"], 1);
        assert_eq!(t.by_state["not_started"], 1);
        assert_eq!(t.by_state["paused"], 0);
        assert_eq!(t.answered, 24);
    }
}
