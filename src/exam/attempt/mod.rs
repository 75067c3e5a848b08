//! Attempts: a candidate logs in with ticket and ID number, gets their own paper, saves answers
//! (idempotent, crash-safe), and submits, or the sweeper submits when time is up.
//!
//! The hot paths (paper, save) run from memory: each session's exam definition and question
//! pool are frozen at its first login (stored, so a paper can be re-derived from its seed
//! later and edits to banks or the exam never change a running session), each attempt's paper
//! and question versions are cached once read (versions are immutable), and saves go through
//! the group-commit writer. Every state that matters (status, deadline, login generation) is
//! checked in the database, in the save's own guarded statement, never from the cache.

mod finish;
mod login;
mod position;
mod runtime;
mod save;
mod sweeper;
mod tablet;
mod timing;
mod view;

pub use finish::{finish, finish_audited, grade, parse_answers, store};
pub use login::{CandidateLogin, login, retake, seen_before};
pub use position::{Position, position_of, set_position};
pub use runtime::{ExamRuntime, Frozen, Sitting};
pub use save::{SaveRequest, save};
pub use sweeper::{spawn_sweeper, sweep};
pub use tablet::{get, submit};
pub use timing::{
    ClockAction, ClockState, change_clock, change_clock_in, check_extension, check_reason,
    clock_state, extended_minutes, pause_reason, time_left,
};
pub use view::{
    AttemptState, PaperExam, PaperSection, PaperView, ResultView, ReviewItem, SavedAnswer,
    own_attempt, paper, released, review_withheld,
};

use crate::error::{AppError, ErrorCode};
use crate::exam::clock::Clock;
use crate::exam::entity::attempt;
use chrono::{DateTime, TimeZone, Utc};
use std::time::Duration;

/// Typed id of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptId(pub i32);

/// How long a candidate token lasts beyond the time limit (to read a released result).
const TOKEN_SLACK_SECONDS: i64 = 12 * 3600;
/// How often the sweeper looks for attempts out of time.
const SWEEP_EVERY: Duration = Duration::from_secs(2);

fn taken_over() -> AppError {
    AppError::unauthorized(
        ErrorCode::TakenOver,
        "this exam was continued on another device; log in again here to continue on this one",
    )
}

fn at(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn clock_of(a: &attempt::Model) -> Clock {
    Clock {
        started_ms: a.started_ms,
        limit_ms: a.limit_ms,
        extension_ms: a.extension_ms,
        paused_ms: a.paused_ms,
        paused_since_ms: a.paused_since_ms,
    }
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// The limiter name of a ticket (already parsed, so bounded and canonical).
fn ticket_who(ticket: &str) -> String {
    format!("ticket:{ticket}")
}
