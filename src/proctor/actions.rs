//! What a proctor does: pause, resume or give time to one candidate or a whole room, release an
//! attempt from its tablet so it continues on a new one, force-submit, terminate for misconduct,
//! check candidates in, unlock a candidate's login and write incident notes. Every action is one transaction with its audit
//! entry and takes effect on the tablet at once through the live bus.

use super::repo::{self, NewIncident};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::attempt::ExamRuntime;
use crate::exam::attempt::{self, AttemptId, ClockAction};
use crate::exam::attempt_repo;
use crate::exam::entity::attempt::{AttemptStatus, SubmittedBy};
use crate::live::ChangeKind;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// Longest reason or note, in characters.
pub const MAX_TEXT: usize = 2000;

fn text(t: &str, required: bool) -> AppResult<String> {
    let t = t.trim();
    if required && t.is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::ReasonRequired,
            "say why: a reason is required for this action",
        ));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(AppError::unprocessable(
            ErrorCode::TextTooLong,
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    Ok(t.to_string())
}

/// How a room-wide action went.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoomReport {
    /// Attempts changed.
    pub changed: Vec<i32>,
    /// Attempts left alone, with why (e.g. `already_paused`, `time_up`).
    pub skipped: Vec<(i32, String)>,
}

/// Pauses, resumes or extends every open attempt of a room (or the whole session), in one
/// transaction; attempts the action does not fit are reported, not failed.
pub async fn clock_room(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    actor: &Actor,
    session: i32,
    room: Option<i32>,
    action: ClockAction,
    reason: &str,
) -> AppResult<RoomReport> {
    attempt::check_extension(action)?;
    attempt::check_reason(action, reason)?;
    let reason = text(reason, false)?;
    let txn = crate::db::begin_write(db).await?;
    // Taking the write lock first keeps SQLite from failing the upgrade half-way.
    audit::record(
        &txn,
        actor,
        &format!("room.{}", action.code()),
        "session",
        &session.to_string(),
        json!({"room_id": room, "reason": reason, "minutes": match action { ClockAction::Extend(m) => m, _ => 0 }}),
    )
    .await?;
    let ids = repo::open_attempts_in_room(&txn, session, room).await?;
    let mut report = RoomReport {
        changed: vec![],
        skipped: vec![],
    };
    for id in ids {
        match attempt::change_clock_in(&txn, actor, AttemptId(id), action, &reason).await {
            Ok(_) => report.changed.push(id),
            Err(e) if e.status.is_client_error() => report.skipped.push((id, e.code.to_string())),
            Err(e) => return Err(e),
        }
    }
    txn.commit().await?;
    rt.bus
        .publish(session, report.changed.clone(), ChangeKind::from(action))
        .await;
    Ok(report)
}

async fn open_attempt(
    db: &DatabaseConnection,
    _rt: &ExamRuntime,
    id: AttemptId,
) -> AppResult<crate::exam::entity::attempt::Model> {
    let a = attempt_repo::attempt(db, id.0)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::AttemptNotFound, "no such attempt"))?;
    if a.status == AttemptStatus::Submitted {
        return Err(AppError::conflict(
            ErrorCode::AttemptSubmitted,
            "this attempt is already submitted; nothing more can be done to it",
        ));
    }
    Ok(a)
}

/// Submits a candidate's attempt now (e.g. the candidate left early).
pub async fn force_submit(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    actor: &Actor,
    id: AttemptId,
    reason: &str,
) -> AppResult<crate::exam::entity::attempt::Model> {
    let reason = text(reason, false)?;
    let a = open_attempt(db, rt, id).await?;
    attempt::finish_audited(
        db,
        rt,
        &a,
        SubmittedBy::Staff,
        Some((actor, "attempt.force_submit", json!({"reason": reason}))),
    )
    .await
}

/// Ends an attempt for misconduct: it is submitted as terminated (no pass, no rank) and an
/// incident records why.
pub async fn terminate(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    actor: &Actor,
    id: AttemptId,
    reason: &str,
) -> AppResult<crate::exam::entity::attempt::Model> {
    let reason = text(reason, true)?;
    let a = open_attempt(db, rt, id).await?;
    let done = attempt::finish_audited(
        db,
        rt,
        &a,
        SubmittedBy::Terminated,
        Some((actor, "attempt.terminate", json!({"reason": reason}))),
    )
    .await?;
    let txn = crate::db::begin_write(db).await?;
    repo::insert_incident(
        &txn,
        &NewIncident {
            session_id: a.session_id,
            room_id: None,
            candidate_id: Some(a.candidate_id),
            attempt_id: Some(a.id),
            kind: "misconduct",
            text: &reason,
            author_id: actor.id,
            author: &actor.name,
        },
    )
    .await?;
    txn.commit().await?;
    rt.bus
        .publish(a.session_id, vec![a.id], ChangeKind::Terminated)
        .await;
    Ok(done)
}

/// Logs the attempt out of its current tablet at once (a broken or swapped tablet), so the
/// candidate continues on a new one by logging in there.
pub async fn release_device(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    actor: &Actor,
    id: AttemptId,
    reason: &str,
) -> AppResult<()> {
    let reason = text(reason, false)?;
    let a = open_attempt(db, rt, id).await?;
    let txn = crate::db::begin_write(db).await?;
    let generation = attempt_repo::bump_device(&txn, a.id).await?;
    let detail = json!({"reason": reason, "by": actor.name, "device_gen": generation});
    attempt_repo::record_event(
        &txn,
        a.id,
        chrono::Utc::now().timestamp_millis(),
        "device_released",
        detail.clone(),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "attempt.release_device",
        "attempt",
        &a.id.to_string(),
        detail,
    )
    .await?;
    txn.commit().await?;
    rt.bus
        .publish(a.session_id, vec![a.id], ChangeKind::Takeover)
        .await;
    Ok(())
}

/// Checks a candidate in (admits them to the room); repeating it keeps the first time.
pub async fn check_in(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    actor: &Actor,
    session: i32,
    candidate: i32,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    if !repo::check_in(&txn, session, candidate).await? {
        return Err(AppError::not_found(
            ErrorCode::CandidateNotFound,
            format!("session {session} has no candidate {candidate}"),
        ));
    }
    audit::record(
        &txn,
        actor,
        "candidate.check_in",
        "candidate",
        &candidate.to_string(),
        json!({"session_id": session}),
    )
    .await?;
    txn.commit().await?;
    rt.bus.publish(session, vec![], ChangeKind::CheckedIn).await;
    Ok(())
}

/// Lets a candidate log in again after failed logins on their ticket made it wait (a guesser
/// behind the venue's own address, or the candidate's own typos): forgets every failed login on
/// the ticket from any address, on every instance. Audited; returns how many address pairs
/// were counted on this instance.
pub async fn unlock_login(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    actor: &Actor,
    session: i32,
    candidate: i32,
    reason: &str,
) -> AppResult<usize> {
    let reason = text(reason, false)?;
    let c = attempt_repo::candidate(db, candidate)
        .await?
        .filter(|c| c.session_id == session)
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::CandidateNotFound,
                format!("session {session} has no candidate {candidate}"),
            )
        })?;
    let txn = crate::db::begin_write(db).await?;
    audit::record(
        &txn,
        actor,
        "candidate.unlock_login",
        "candidate",
        &c.id.to_string(),
        json!({"session_id": session, "ticket": c.ticket, "reason": reason}),
    )
    .await?;
    txn.commit().await?;
    Ok(rt.unlock_logins(session, &c.ticket).await)
}

/// What an incident note is about.
pub enum About {
    /// A candidate of the session.
    Candidate(i32),
    /// A room of the session.
    Room(i32),
    /// The session as a whole.
    Session,
}

/// Writes an incident note; returns its id.
pub async fn note(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    actor: &Actor,
    session: i32,
    about: About,
    body: &str,
) -> AppResult<i32> {
    let body = text(body, true)?;
    let (s, rooms) =
        crate::exam::session::get(db, crate::exam::session::SessionId(session)).await?;
    let (candidate_id, room_id, attempt_id) = match about {
        About::Candidate(c) => {
            let cand = attempt_repo::candidate(db, c)
                .await?
                .filter(|x| x.session_id == s.id)
                .ok_or_else(|| {
                    AppError::not_found(
                        ErrorCode::CandidateNotFound,
                        "no such candidate in this session",
                    )
                })?;
            let latest = attempt_repo::attempts_of(db, cand.id)
                .await?
                .last()
                .map(|a| a.id);
            (Some(cand.id), Some(cand.room_id), latest)
        }
        About::Room(r) => {
            if !rooms.iter().any(|x| x.id == r) {
                return Err(AppError::not_found(
                    ErrorCode::RoomNotFound,
                    "no such room in this session",
                ));
            }
            (None, Some(r), None)
        }
        About::Session => (None, None, None),
    };
    let txn = crate::db::begin_write(db).await?;
    let id = repo::insert_incident(
        &txn,
        &NewIncident {
            session_id: s.id,
            room_id,
            candidate_id,
            attempt_id,
            kind: "note",
            text: &body,
            author_id: actor.id,
            author: &actor.name,
        },
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "incident.create",
        "session",
        &s.id.to_string(),
        json!({"incident": id, "candidate_id": candidate_id, "room_id": room_id}),
    )
    .await?;
    txn.commit().await?;
    rt.bus
        .publish(s.id, attempt_id.into_iter().collect(), ChangeKind::Incident)
        .await;
    Ok(id)
}

/// Closes an incident.
pub async fn close(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    actor: &Actor,
    session: i32,
    incident: i32,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    if !repo::close_incident(&txn, session, incident).await? {
        return Err(AppError::not_found(
            ErrorCode::IncidentNotFound,
            "no open incident with that id in this session",
        ));
    }
    audit::record(
        &txn,
        actor,
        "incident.close",
        "session",
        &session.to_string(),
        json!({"incident": incident}),
    )
    .await?;
    txn.commit().await?;
    rt.bus.publish(session, vec![], ChangeKind::Incident).await;
    Ok(())
}
