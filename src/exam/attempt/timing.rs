//! Pausing, resuming and extending an attempt's clock, and the clock as its tablet sees it.

use super::runtime::ExamRuntime;
use super::view::own_attempt;
use super::{AttemptId, at, clock_of, now_ms};
use crate::auth::CandidateAuth;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::attempt_repo::{self as repo};
use crate::exam::entity::attempt;
use crate::exam::entity::attempt::{AttemptStatus, SubmittedBy};
use crate::live::ChangeKind;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// A change to an attempt's clock made by staff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockAction {
    /// Stop the clock; saves are refused until it resumes.
    Pause,
    /// Start it again; the deadline moves on by the pause.
    Resume,
    /// Add minutes (1–360).
    Extend(u32),
}

impl From<ClockAction> for ChangeKind {
    fn from(a: ClockAction) -> ChangeKind {
        match a {
            ClockAction::Pause => ChangeKind::Paused,
            ClockAction::Resume => ChangeKind::Resumed,
            ClockAction::Extend(_) => ChangeKind::Extended,
        }
    }
}

impl ClockAction {
    /// Stable code, as recorded.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pause => "paused",
            Self::Resume => "resumed",
            Self::Extend(_) => "extended",
        }
    }
}

/// Pauses, resumes or extends one attempt, in one audited transaction. Refused for a
/// submitted attempt, one whose time is already up, or a pause of a paused one.
pub async fn change_clock(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    actor: &crate::audit::Actor,
    id: AttemptId,
    action: ClockAction,
    reason: &str,
) -> AppResult<attempt::Model> {
    check_extension(action)?;
    check_reason(action, reason)?;
    let txn = crate::db::begin_write(db).await?;
    let fresh = change_clock_in(&txn, actor, id, action, reason).await?;
    txn.commit().await?;
    rt.bus
        .publish(fresh.session_id, vec![fresh.id], ChangeKind::from(action))
        .await;
    Ok(fresh)
}

/// Refuses an extension outside 1–360 minutes.
pub fn check_extension(action: ClockAction) -> AppResult<()> {
    if let ClockAction::Extend(m) = action
        && !(1..=360).contains(&m)
    {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidExtension,
            "an extension is 1–360 minutes",
        ));
    }
    Ok(())
}

/// Refuses a pause without a reason: the tablet shows it to the candidate and the session
/// report keeps it.
pub fn check_reason(action: ClockAction, reason: &str) -> AppResult<()> {
    if action == ClockAction::Pause && reason.trim().is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::ReasonRequired,
            "say why: a pause needs a reason, which the candidates see on their tablets",
        ));
    }
    Ok(())
}

/// The reason the proctor gave for the pause an attempt is in; none when it is not paused.
pub async fn pause_reason(
    db: &impl ConnectionTrait,
    a: &attempt::Model,
) -> AppResult<Option<String>> {
    if a.status != AttemptStatus::Paused {
        return Ok(None);
    }
    let events = repo::events(db, a.id).await?;
    Ok(events
        .iter()
        .rev()
        .find(|(_, kind, _)| kind == "paused")
        .and_then(|(_, _, detail)| serde_json::from_str::<serde_json::Value>(detail).ok())
        .and_then(|v| v["reason"].as_str().map(str::to_string))
        .filter(|r| !r.is_empty()))
}

/// Whole minutes of extra time an attempt was given (per attempt and session-wide together).
pub fn extended_minutes(a: &attempt::Model) -> i64 {
    a.extension_ms / 60_000
}

/// [`change_clock`] inside the caller's transaction (room-wide actions change many attempts
/// in one). The attempt row is locked first.
pub async fn change_clock_in(
    txn: &impl ConnectionTrait,
    actor: &crate::audit::Actor,
    id: AttemptId,
    action: ClockAction,
    reason: &str,
) -> AppResult<attempt::Model> {
    let now = now_ms();
    let a = repo::lock_attempt(txn, id.0)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::AttemptNotFound, "no such attempt"))?;
    if a.status == AttemptStatus::Submitted {
        return Err(AppError::conflict(
            ErrorCode::AttemptSubmitted,
            "the attempt is already submitted; its time can no longer change",
        ));
    }
    let clock = clock_of(&a);
    if clock.is_up(now) {
        return Err(AppError::conflict(
            ErrorCode::TimeUp,
            "time is already up for this attempt",
        ));
    }
    let paused = a.status == AttemptStatus::Paused;
    let (status, clock) = match action {
        ClockAction::Pause if paused => {
            return Err(AppError::conflict(
                ErrorCode::AlreadyPaused,
                "the attempt is already paused",
            ));
        }
        ClockAction::Resume if !paused => {
            return Err(AppError::conflict(
                ErrorCode::NotPaused,
                "the attempt is not paused",
            ));
        }
        ClockAction::Pause => (AttemptStatus::Paused, clock.pause(now)),
        ClockAction::Resume => (AttemptStatus::InProgress, clock.resume(now)),
        ClockAction::Extend(m) => (a.status, clock.extend(i64::from(m) * 60_000)),
    };
    repo::store_clock(txn, a.id, status, &clock).await?;
    let detail = json!({"action": action.code(), "minutes": match action { ClockAction::Extend(m) => m, _ => 0 },
        "reason": reason, "by": actor.name, "deadline_ms": clock.deadline_ms(now)});
    repo::record_event(txn, a.id, now, action.code(), detail.clone()).await?;
    crate::audit::record(
        txn,
        actor,
        &format!("attempt.{}", action.code()),
        "attempt",
        &a.id.to_string(),
        detail,
    )
    .await?;
    repo::attempt(txn, a.id)
        .await?
        .ok_or_else(|| AppError::internal("attempt vanished"))
}

/// An attempt's status and time, as its tablet's live stream sends them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClockState {
    /// The attempt.
    pub id: i32,
    /// `in_progress`, `paused` or `submitted`.
    #[schema(value_type = String)]
    pub status: AttemptStatus,
    /// The server's clock.
    pub server_time: DateTime<Utc>,
    /// When time is up (while paused: if resumed now).
    pub deadline: DateTime<Utc>,
    /// Seconds left.
    pub remaining_seconds: i64,
    /// Who submitted: `candidate`, `timeout`, `staff` or `terminated`.
    #[schema(value_type = Option<String>)]
    pub submitted_by: Option<SubmittedBy>,
    /// While paused: the reason the proctor gave, which the tablet shows over the paper.
    pub pause_reason: Option<String>,
    /// Whole minutes of extra time given so far (the tablet announces each increase).
    pub extended_minutes: i64,
}

/// The attempt's status and time for its tablet.
pub async fn clock_state(
    db: &DatabaseConnection,
    _rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
) -> AppResult<ClockState> {
    let a = own_attempt(db, auth, id).await?;
    let (deadline, left) = time_left(&a);
    Ok(ClockState {
        id: a.id,
        server_time: Utc::now(),
        deadline,
        remaining_seconds: if a.status == AttemptStatus::Submitted {
            0
        } else {
            left
        },
        status: a.status,
        submitted_by: a.submitted_by,
        pause_reason: pause_reason(db, &a).await?,
        extended_minutes: extended_minutes(&a),
    })
}

/// An attempt's deadline and seconds left as of now.
pub fn time_left(a: &attempt::Model) -> (DateTime<Utc>, i64) {
    let now = now_ms();
    let c = clock_of(a);
    (at(c.deadline_ms(now)), c.remaining_ms(now) / 1000)
}
