//! Changing a session after it was created, from the console: its exam, name and window, its
//! candidates (until they start), deleting it (until anyone starts), its rooms' proctors (at any
//! time); and deleting an exam no session uses. Each change is one audited transaction.
//!
//! A session has started once its paper is frozen (the first login freezes the exam and pool)
//! or any attempt exists; from then on its exam, window and roster entries of candidates who
//! started are fixed (409 `session_started` / `candidate_started`).

use super::entity::{attempt, candidate, exam, room, session};
use super::identity::IdNumber;
use super::session::{SessionId, get};
use super::{attempt_repo, repo};
use crate::audit::{self, Actor};
use crate::auth::{Role, Roles};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeSet;
use utoipa::ToSchema;

/// Whether a session has started: its paper is frozen or someone has an attempt.
pub async fn started(db: &impl ConnectionTrait, id: SessionId) -> AppResult<bool> {
    if attempt_repo::snapshot(db, id.0).await?.is_some() {
        return Ok(true);
    }
    let n = attempt::Entity::find()
        .filter(attempt::Column::SessionId.eq(id.0))
        .count(db)
        .await?;
    Ok(n > 0)
}

fn refuse_started() -> AppError {
    AppError::conflict(
        ErrorCode::SessionStarted,
        "本场次已有考生开始作答，不能再更换考试、修改时间或删除 / candidates have started in this \
         session: its exam and window can no longer change and it cannot be deleted",
    )
}

/// A change to a session: each field present is changed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SessionChange {
    /// Another exam (only before the start).
    pub exam_id: Option<i32>,
    /// Name.
    pub name: Option<String>,
    /// Number (期).
    pub number: Option<String>,
    /// Venue (站).
    pub venue: Option<String>,
    /// Window opens (only before the start).
    pub starts_at: Option<DateTime<Utc>>,
    /// Window closes (only before the start).
    pub ends_at: Option<DateTime<Utc>>,
}

/// Changes a session. Its name, number and venue may change at any time; its exam and window
/// only before the start.
pub async fn update_session(
    db: &DatabaseConnection,
    actor: &Actor,
    id: SessionId,
    change: SessionChange,
) -> AppResult<(session::Model, Vec<room::Model>)> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "exam_sessions", id.0).await?;
    let (s, _) = get(&txn, id).await?;
    let fixed_changes = change.exam_id.is_some_and(|e| e != s.exam_id)
        || change.starts_at.is_some_and(|t| t != s.starts_at)
        || change.ends_at.is_some_and(|t| t != s.ends_at);
    if fixed_changes && started(&txn, id).await? {
        return Err(refuse_started());
    }
    let mut detail = serde_json::Map::new();
    let mut am = s.clone().into_active_model();
    if let Some(e) = change.exam_id
        && e != s.exam_id
    {
        if repo::find(&txn, e).await?.is_none() {
            return Err(AppError::not_found(
                ErrorCode::ExamNotFound,
                format!("no exam {e}"),
            ));
        }
        detail.insert("exam_id".into(), json!(e));
        detail.insert("previous_exam_id".into(), json!(s.exam_id));
        am.exam_id = Set(e);
    }
    if let Some(n) = change.name {
        let n = n.trim().to_string();
        if n.is_empty() || n.chars().count() > 200 {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidSession,
                "a session needs a name of 1–200 characters",
            ));
        }
        if n != s.name {
            detail.insert("name".into(), json!(n));
            am.name = Set(n);
        }
    }
    for (value, field, current) in [
        (change.number, "number", &s.number),
        (change.venue, "venue", &s.venue),
    ] {
        if let Some(v) = value {
            let v = v.trim().to_string();
            if v.chars().count() > 200 {
                return Err(AppError::unprocessable(
                    ErrorCode::InvalidSession,
                    format!("{field} is longer than 200 characters"),
                ));
            }
            if &v != current {
                detail.insert(field.into(), json!(v));
                if field == "number" {
                    am.number = Set(v);
                } else {
                    am.venue = Set(v);
                }
            }
        }
    }
    let starts = change.starts_at.unwrap_or(s.starts_at);
    let ends = change.ends_at.unwrap_or(s.ends_at);
    if ends <= starts {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidWindow,
            "the session must end after it starts",
        ));
    }
    if starts != s.starts_at || ends != s.ends_at {
        detail.insert("starts_at".into(), json!(starts));
        detail.insert("ends_at".into(), json!(ends));
        am.starts_at = Set(starts);
        am.ends_at = Set(ends);
    }
    if detail.is_empty() {
        let rooms = repo::rooms(&txn, s.id).await?;
        return Ok((s, rooms));
    }
    am.updated_at = Set(Utc::now());
    let s = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "session.update",
        "session",
        &s.id.to_string(),
        serde_json::Value::Object(detail),
    )
    .await?;
    let rooms = repo::rooms(&txn, s.id).await?;
    txn.commit().await?;
    Ok((s, rooms))
}

/// Deletes a session with its rooms and candidates, only before the start.
pub async fn delete_session(
    db: &DatabaseConnection,
    actor: &Actor,
    id: SessionId,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "exam_sessions", id.0).await?;
    let (s, rooms) = get(&txn, id).await?;
    if started(&txn, id).await? {
        return Err(refuse_started());
    }
    let gone = candidate::Entity::delete_many()
        .filter(candidate::Column::SessionId.eq(s.id))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.execute_raw(crate::db::stmt(
        &txn,
        "DELETE FROM session_judges WHERE session_id = ?",
        [s.id.into()],
    ))
    .await?;
    room::Entity::delete_many()
        .filter(room::Column::SessionId.eq(s.id))
        .exec(&txn)
        .await?;
    session::Entity::delete_by_id(s.id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "session.delete",
        "session",
        &s.id.to_string(),
        json!({"name": s.name, "number": s.number, "exam_id": s.exam_id,
               "rooms": rooms.len(), "candidates": gone}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A change to a candidate's entry: each field present is changed (checked like a roster row).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CandidateChange {
    /// Name.
    pub name: Option<String>,
    /// A corrected 18-digit ID number.
    pub id_number: Option<String>,
    /// Employer.
    pub employer: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

async fn candidate_of(
    txn: &impl ConnectionTrait,
    session_id: SessionId,
    candidate_id: i32,
) -> AppResult<candidate::Model> {
    let c = attempt_repo::candidate(txn, candidate_id)
        .await?
        .filter(|c| c.session_id == session_id.0)
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::CandidateNotFound,
                format!("no candidate {candidate_id} in session {}", session_id.0),
            )
        })?;
    let sat = attempt::Entity::find()
        .filter(attempt::Column::CandidateId.eq(c.id))
        .count(txn)
        .await?;
    if sat > 0 {
        return Err(AppError::conflict(
            ErrorCode::CandidateStarted,
            "该考生已开始作答，不能再修改或删除 / this candidate has started and can no longer be \
             changed or removed",
        ));
    }
    Ok(c)
}

/// Corrects a candidate's entry before they start. A refused field is a 422
/// `candidate_refused` with the reason code in the details, as when adding one.
pub async fn update_candidate(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: SessionId,
    candidate_id: i32,
    change: CandidateChange,
) -> AppResult<candidate::Model> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "exam_sessions", session_id.0).await?;
    let c = candidate_of(&txn, session_id, candidate_id).await?;
    let id_number = change
        .id_number
        .clone()
        .unwrap_or_else(|| c.id_number.clone());
    let checked = super::roster::check(
        change.name.as_deref().unwrap_or(&c.name),
        &id_number,
        change.employer.as_deref().unwrap_or(&c.employer),
        change.phone.as_deref().unwrap_or(&c.phone),
        None,
    )
    .map_err(|skip| {
        AppError::unprocessable(ErrorCode::CandidateRefused, skip.reason.clone())
            .with_details(json!({"reason": skip.code}))
    })?;
    let new_id = checked.id_number.as_str().to_string();
    if new_id != c.id_number
        && repo::candidates(&txn, session_id.0)
            .await?
            .iter()
            .any(|o| o.id != c.id && o.id_number == new_id)
    {
        return Err(AppError::unprocessable(
            ErrorCode::CandidateRefused,
            "this ID number is already on the session's roster",
        )
        .with_details(json!({"reason": ErrorCode::DuplicateIdNumber})));
    }
    let mut detail = serde_json::Map::new();
    if checked.name != c.name {
        detail.insert("name".into(), json!(checked.name));
    }
    if new_id != c.id_number {
        detail.insert(
            "id_number".into(),
            json!(
                IdNumber::parse(&new_id)
                    .map(|i| i.masked())
                    .unwrap_or_default()
            ),
        );
    }
    if checked.employer != c.employer {
        detail.insert("employer".into(), json!(checked.employer));
    }
    if checked.phone != c.phone {
        detail.insert("phone".into(), json!(checked.phone));
    }
    if detail.is_empty() {
        return Ok(c);
    }
    detail.insert("session_id".into(), json!(session_id.0));
    detail.insert("ticket".into(), json!(c.ticket));
    let mut am = c.clone().into_active_model();
    am.name = Set(checked.name);
    am.id_number = Set(new_id);
    am.employer = Set(checked.employer);
    am.phone = Set(checked.phone);
    let c = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "candidate.update",
        "candidate",
        &c.id.to_string(),
        serde_json::Value::Object(detail),
    )
    .await?;
    txn.commit().await?;
    Ok(c)
}

/// Takes a candidate off the roster before they start (the seat is free again; tickets are not
/// reused).
pub async fn delete_candidate(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: SessionId,
    candidate_id: i32,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "exam_sessions", session_id.0).await?;
    let c = candidate_of(&txn, session_id, candidate_id).await?;
    candidate::Entity::delete_by_id(c.id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "candidate.delete",
        "candidate",
        &c.id.to_string(),
        json!({"session_id": session_id.0, "ticket": c.ticket, "name": c.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets the proctors of a room (any time: a proctor may join or leave during the exam). Each
/// must be an active account with the proctor (or admin) role.
pub async fn set_proctors(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: SessionId,
    room_id: i32,
    proctors: Vec<i32>,
) -> AppResult<room::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (_, rooms) = get(&txn, session_id).await?;
    let r = rooms.into_iter().find(|r| r.id == room_id).ok_or_else(|| {
        AppError::not_found(
            ErrorCode::RoomNotFound,
            format!("session {} has no room {room_id}", session_id.0),
        )
    })?;
    let ids: BTreeSet<i32> = proctors.into_iter().collect();
    for &id in &ids {
        let ok = crate::auth::repo::find(&txn, id)
            .await?
            .is_some_and(|u| !u.disabled && Roles::from_stored(&u.roles).allows(Role::Proctor));
        if !ok {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidProctor,
                format!("user {id} is not an active proctor"),
            ));
        }
    }
    let stored = ids
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(",");
    if stored == r.proctors {
        return Ok(r);
    }
    let before = r.proctors.clone();
    let mut am = r.into_active_model();
    am.proctors = Set(stored);
    let r = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "session.proctors",
        "session",
        &session_id.0.to_string(),
        json!({"room": r.name, "room_id": r.id, "proctors": ids, "previous": before}),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Deletes an exam that no session uses (409 `exam_in_use` otherwise).
pub async fn delete_exam(db: &DatabaseConnection, actor: &Actor, id: i32) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let e = repo::find(&txn, id)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::ExamNotFound, format!("no exam {id}")))?;
    let used = session::Entity::find()
        .filter(session::Column::ExamId.eq(id))
        .count(&txn)
        .await?;
    if used > 0 {
        return Err(AppError::conflict(
            ErrorCode::ExamInUse,
            format!("{used} session(s) use this exam"),
        )
        .with_details(json!({"sessions": used})));
    }
    exam::Entity::delete_by_id(e.id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "exam.delete",
        "exam",
        &id.to_string(),
        json!({"name": e.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The judges assigned to a session (none: every judge may mark it).
pub async fn judges(db: &impl ConnectionTrait, session_id: SessionId) -> AppResult<Vec<i32>> {
    let rows = db
        .query_all_raw(crate::db::stmt(
            db,
            "SELECT user_id FROM session_judges WHERE session_id = ? ORDER BY user_id",
            [session_id.0.into()],
        ))
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<i32>("", "user_id").ok())
        .collect())
}

/// Sets the judges of a session, at any time. Each must be an active account with the judge
/// (or admin) role; an empty list lets every judge mark the session again.
pub async fn set_judges(
    db: &DatabaseConnection,
    actor: &Actor,
    session_id: SessionId,
    wanted: Vec<i32>,
) -> AppResult<Vec<i32>> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "exam_sessions", session_id.0).await?;
    get(&txn, session_id).await?;
    let ids: BTreeSet<i32> = wanted.into_iter().collect();
    for &id in &ids {
        let ok = crate::auth::repo::find(&txn, id)
            .await?
            .is_some_and(|u| !u.disabled && Roles::from_stored(&u.roles).allows(Role::Judge));
        if !ok {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidJudge,
                format!("user {id} is not an active judge"),
            ));
        }
    }
    let before = judges(&txn, session_id).await?;
    let now: Vec<i32> = ids.into_iter().collect();
    if before == now {
        return Ok(now);
    }
    txn.execute_raw(crate::db::stmt(
        &txn,
        "DELETE FROM session_judges WHERE session_id = ?",
        [session_id.0.into()],
    ))
    .await?;
    for &id in &now {
        txn.execute_raw(crate::db::stmt(
            &txn,
            "INSERT INTO session_judges (session_id, user_id) VALUES (?, ?)",
            [session_id.0.into(), id.into()],
        ))
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "session.judges",
        "session",
        &session_id.0.to_string(),
        json!({"judges": now, "previous": before}),
    )
    .await?;
    txn.commit().await?;
    Ok(now)
}

/// Whether a staff member may mark a session: authors always; judges when the session has no
/// judges assigned or they are one of them.
pub async fn may_mark(
    db: &impl ConnectionTrait,
    roles: &Roles,
    user_id: i32,
    session_id: SessionId,
) -> AppResult<bool> {
    if roles.allows(Role::Author) {
        return Ok(true);
    }
    if !roles.allows(Role::Judge) {
        return Ok(false);
    }
    let assigned = judges(db, session_id).await?;
    Ok(assigned.is_empty() || assigned.contains(&user_id))
}

/// The session an answer to be marked belongs to.
pub async fn session_of_mark(
    db: &impl ConnectionTrait,
    mark_id: i32,
) -> AppResult<Option<SessionId>> {
    Ok(attempt_repo::mark(db, mark_id)
        .await?
        .map(|m| SessionId(m.session_id)))
}
