//! A candidate logs in with ticket and ID number: their attempt starts (the paper drawn) or
//! resumes on this device; a retake starts the next sitting.

use super::runtime::ExamRuntime;
use super::view::{AttemptState, view};
use super::{TOKEN_SLACK_SECONDS, now_ms, taken_over, ticket_who};
use crate::auth::CandidateAuth;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::attempt_repo::{self as repo};
use crate::exam::clock::Clock;
use crate::exam::entity::attempt::AttemptStatus;
use crate::exam::entity::{attempt, candidate, session};
use crate::exam::identity::{IdNumber, TicketNumber};
use crate::exam::paper::Paper;
use crate::live::ChangeKind;
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection};
use serde_json::json;
use std::collections::HashSet;

/// What a successful candidate login gives; the caller signs the token for `auth`.
pub struct CandidateLogin {
    /// Who the token names: candidate, attempt, login generation.
    pub auth: CandidateAuth,
    /// When the token is issued (Unix seconds).
    pub issued_at: i64,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// The candidate.
    pub candidate: candidate::Model,
    /// Their room's name.
    pub room: String,
    /// The attempt's state.
    pub attempt: AttemptState,
}

/// Logs a candidate in with ticket and ID number: starts their attempt (drawing their paper)
/// or resumes it, taking it over from any other device. Wrong credentials make that ticket wait
/// from that address only (see [`crate::auth::limiter`]), so a guesser elsewhere never locks
/// the candidate out.
pub async fn login(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    ticket: &str,
    id_number: &str,
    client: &str,
) -> AppResult<CandidateLogin> {
    // Malformed input is refused before anything is counted: it cannot match a candidate, and
    // counting it would let any text become a limiter key.
    let t = TicketNumber::parse(ticket).map_err(|e| {
        AppError::unprocessable(
            ErrorCode::InvalidTicket,
            format!("the ticket number is not valid: {e}"),
        )
        .with_zh(e.text().zh)
        .with_details(json!({"reason": e.code()}))
    })?;
    let idn = IdNumber::parse(id_number).map_err(|e| {
        AppError::unprocessable(
            ErrorCode::InvalidIdNumber,
            format!("the ID number is not valid: {e}"),
        )
        .with_zh(e.text().zh)
        .with_details(json!({"reason": e.code()}))
    })?;
    let who = ticket_who(t.as_str());
    if let Err(wait) = rt.logins.begin(&who, client) {
        return Err(AppError::too_many(
            format!(
                "too many failed logins for this ticket from this address; try again in {} seconds or ask the proctor",
                wait.seconds()
            ),
            wait.seconds(),
        ));
    }
    let c = match repo::candidate_by_ticket(db, t.as_str()).await? {
        Some(c) if c.id_number == idn.as_str() => c,
        _ => {
            tokio::time::sleep(rt.logins.failed(client)).await;
            return Err(AppError::unauthorized(
                ErrorCode::InvalidCredentials,
                "the ticket number and ID number do not match a candidate",
            ));
        }
    };
    rt.logins.succeeded(&who, client);
    let s = crate::exam::repo::session(db, c.session_id)
        .await?
        .ok_or_else(|| AppError::internal("candidate without session"))?;
    let attempts = repo::attempts_of(db, c.id).await?;
    let a = match attempts.last() {
        Some(a) => resume(db, a, client).await?,
        None => start(db, rt, &s, &c, 1, &HashSet::new(), client).await?,
    };
    rt.bus.publish(s.id, vec![a.id], ChangeKind::Login).await;
    signed_in(db, rt, &s, c, &a).await
}

/// The token and state a login or retake answers with: a candidate token for the attempt's
/// current login generation, valid for the time limit plus a margin to read the result.
async fn signed_in(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    s: &session::Model,
    c: candidate::Model,
    a: &attempt::Model,
) -> AppResult<CandidateLogin> {
    let frozen = rt.frozen(db, s).await?;
    let room = crate::exam::repo::rooms(db, s.id)
        .await?
        .into_iter()
        .find(|r| r.id == c.room_id)
        .map(|r| r.name)
        .unwrap_or_default();
    let now = Utc::now().timestamp();
    let exp = now + i64::from(frozen.definition.time_limit_minutes) * 60 + TOKEN_SLACK_SECONDS;
    let attempt = view(db, rt, s, a).await?;
    Ok(CandidateLogin {
        auth: CandidateAuth {
            candidate_id: c.id,
            attempt_id: a.id,
            device_gen: a.device_gen,
        },
        issued_at: now,
        expires_at: Utc.timestamp_opt(exp, 0).single().unwrap_or_default(),
        candidate: c,
        room,
        attempt,
    })
}

/// A new login on an attempt: the previous device's token stops working.
pub(super) async fn resume(
    db: &DatabaseConnection,
    a: &attempt::Model,
    client: &str,
) -> AppResult<attempt::Model> {
    let txn = crate::db::begin_write(db).await?;
    let generation = repo::bump_device(&txn, a.id).await?;
    repo::record_event(
        &txn,
        a.id,
        now_ms(),
        if generation > 1 { "takeover" } else { "login" },
        json!({"device_gen": generation, "takeover": generation > 1, "address": client}),
    )
    .await?;
    let fresh = repo::attempt(&txn, a.id)
        .await?
        .ok_or_else(|| AppError::internal("attempt vanished"))?;
    txn.commit().await?;
    Ok(fresh)
}

/// Starts attempt `number` of a candidate: draws the paper (avoiding `seen` questions where
/// the exam says so and the bank allows), starts the clock.
pub(super) async fn start(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    s: &session::Model,
    c: &candidate::Model,
    number: i32,
    seen: &HashSet<i32>,
    client: &str,
) -> AppResult<attempt::Model> {
    let now = Utc::now();
    if now < s.starts_at {
        return Err(AppError::forbidden_code(
            ErrorCode::SessionNotOpen,
            format!("the session opens at {}", s.starts_at.to_rfc3339()),
        )
        .with_details(json!({"opens_at": s.starts_at, "server_time": now})));
    }
    if now >= s.ends_at {
        return Err(AppError::forbidden_code(
            ErrorCode::SessionClosed,
            format!("the session closed at {}", s.ends_at.to_rfc3339()),
        ));
    }
    let frozen = rt.frozen(db, s).await?;
    let def = &frozen.definition;
    let avoid = if def.avoid_seen_on_retake {
        seen.clone()
    } else {
        HashSet::new()
    };
    let seed: u64 = rand::random();
    let paper = frozen.index.draw(seed, &avoid).map_err(|e| {
        AppError::conflict(
            ErrorCode::PaperUnavailable,
            format!("no paper can be drawn: {e}"),
        )
        .with_details(json!({"reason": e.code()}))
    })?;
    let ms = now.timestamp_millis();
    let clock = Clock::start(ms, i64::from(def.time_limit_minutes) * 60_000);
    let row = attempt::ActiveModel {
        session_id: Set(s.id),
        candidate_id: Set(c.id),
        number: Set(number),
        status: Set(AttemptStatus::InProgress),
        seed: Set(seed as i64),
        algorithm_version: Set(paper.algorithm_version as i32),
        paper: Set(serde_json::to_string(&paper).map_err(AppError::internal)?),
        device_gen: Set(1),
        started_ms: Set(clock.started_ms),
        limit_ms: Set(clock.limit_ms),
        extension_ms: Set(0),
        paused_ms: Set(0),
        paused_since_ms: Set(None),
        deadline_ms: Set(clock.stored_deadline_ms()),
        last_save_ms: Set(None),
        submitted_ms: Set(None),
        submitted_by: Set(None),
        score: Set(None),
        max_score: Set(paper.total_points()),
        passed: Set(None),
        pending_marks: Set(0),
        result: Set(None),
        last_seen_ms: Set(Some(ms)),
        question_count: Set(paper.items.len() as i32),
        ..Default::default()
    };
    let txn = crate::db::begin_write(db).await?;
    let inserted = repo::insert_attempt(&txn, row).await;
    let a = match inserted {
        Ok(a) => a,
        // Two tablets logging in at the same moment: the other one created it; resume that.
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            drop(txn);
            let existing = repo::attempts_of(db, c.id)
                .await?
                .into_iter()
                .find(|a| a.number == number)
                .ok_or_else(|| AppError::internal("attempt vanished"))?;
            return resume(db, &existing, client).await;
        }
        Err(e) => return Err(e.into()),
    };
    let question_ids: Vec<i32> = paper.items.iter().map(|i| i.question_id).collect();
    crate::exam::repo::count_exposure(&txn, &question_ids, crate::exam::repo::exposure_day(now))
        .await?;
    repo::record_event(
        &txn,
        a.id,
        ms,
        "started",
        json!({"seed": seed.to_string(), "tries": paper.tries, "expected_difficulty": paper.expected_difficulty,
               "expected_score": paper.expected_score, "over_cap": paper.over_cap, "repeats": paper.repeats, "address": client}),
    )
    .await?;
    txn.commit().await?;
    Ok(a)
}

/// Starts a retake for a candidate whose last attempt is submitted, if the exam allows more
/// sittings; avoids the questions of earlier papers where the bank allows.
pub async fn retake(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    client: &str,
) -> AppResult<CandidateLogin> {
    let c = repo::candidate(db, auth.candidate_id)
        .await?
        .ok_or_else(|| {
            AppError::unauthorized(ErrorCode::InvalidToken, "the candidate no longer exists")
        })?;
    let attempts = repo::attempts_of(db, c.id).await?;
    let last = attempts.last().ok_or_else(|| {
        AppError::conflict(ErrorCode::NoAttempt, "log in to start the first sitting")
    })?;
    if last.id != auth.attempt_id || last.device_gen != auth.device_gen {
        return Err(taken_over());
    }
    if last.status != AttemptStatus::Submitted {
        return Err(AppError::conflict(
            ErrorCode::AttemptInProgress,
            "the current sitting is not submitted yet",
        ));
    }
    let s = crate::exam::repo::session(db, c.session_id)
        .await?
        .ok_or_else(|| AppError::internal("candidate without session"))?;
    let frozen = rt.frozen(db, &s).await?;
    if attempts.len() as u32 >= frozen.definition.attempts_allowed {
        return Err(AppError::conflict(
            ErrorCode::NoAttemptsLeft,
            format!(
                "this exam allows {} sitting(s)",
                frozen.definition.attempts_allowed
            ),
        ));
    }
    let seen = seen_before(&attempts, last.number + 1)?;
    let a = start(db, rt, &s, &c, last.number + 1, &seen, client).await?;
    signed_in(db, rt, &s, c, &a).await
}

/// The questions a candidate's sittings before sitting `number` showed.
pub fn seen_before(attempts: &[attempt::Model], number: i32) -> AppResult<HashSet<i32>> {
    let mut seen = HashSet::new();
    for a in attempts.iter().filter(|a| a.number < number) {
        let p: Paper = serde_json::from_str(&a.paper).map_err(AppError::internal)?;
        seen.extend(p.items.iter().map(|i| i.question_id));
    }
    Ok(seen)
}
