//! Database access for proctoring: the rows behind the room view, incidents, check-in.

use super::room::{AttemptRow, Row};
use crate::db::stmt;
use crate::exam::clock::Clock;
use sea_orm::{ConnectionTrait, DbErr, Value};
use std::collections::HashMap;

/// The room-view rows of a session: every candidate with their latest attempt and its counts;
/// only the candidates of `attempts` when given (a partial refresh after live changes).
pub async fn rows(
    db: &impl ConnectionTrait,
    session_id: i32,
    attempts: Option<&[i32]>,
) -> Result<Vec<Row>, DbErr> {
    let mut values: Vec<Value> = vec![session_id.into()];
    let filter = match attempts {
        Some(ids) if !ids.is_empty() => {
            values.extend(ids.iter().map(|&i| Value::from(i)));
            format!(" AND a.id IN ({})", crate::db::placeholders(ids.len()))
        }
        Some(_) => return Ok(vec![]),
        None => String::new(),
    };
    let sql = format!(
        "SELECT c.id AS candidate_id, c.ticket, c.name, c.room_id, r.name AS room, c.seat, \
         CASE WHEN c.checked_in_at IS NULL THEN 0 ELSE 1 END AS checked_in, \
         a.id AS attempt_id, a.status, a.submitted_by, a.started_ms, a.limit_ms, a.extension_ms, \
         a.paused_ms, a.paused_since_ms, a.last_seen_ms, a.last_save_ms, a.question_count \
         FROM candidates c JOIN rooms r ON r.id = c.room_id \
         LEFT JOIN attempts a ON a.candidate_id = c.id \
           AND a.number = (SELECT MAX(x.number) FROM attempts x WHERE x.candidate_id = c.id) \
         WHERE c.session_id = ?{filter} ORDER BY r.id, c.seat"
    );
    let raw = db.query_all_raw(stmt(db, &sql, values)).await?;
    let mut out = Vec::with_capacity(raw.len());
    let mut ids = Vec::new();
    for r in raw {
        let attempt_id: Option<i32> = r.try_get("", "attempt_id")?;
        let attempt = match attempt_id {
            Some(id) => {
                ids.push(id);
                Some(AttemptRow {
                    id,
                    status: r.try_get("", "status")?,
                    submitted_by: r.try_get("", "submitted_by")?,
                    clock: Some(Clock {
                        started_ms: r.try_get("", "started_ms")?,
                        limit_ms: r.try_get("", "limit_ms")?,
                        extension_ms: r.try_get("", "extension_ms")?,
                        paused_ms: r.try_get("", "paused_ms")?,
                        paused_since_ms: r.try_get("", "paused_since_ms")?,
                    }),
                    last_seen_ms: r.try_get("", "last_seen_ms")?,
                    last_save_ms: r.try_get("", "last_save_ms")?,
                    questions: r.try_get("", "question_count")?,
                    ..Default::default()
                })
            }
            None => None,
        };
        let checked: i32 = r.try_get("", "checked_in")?;
        out.push(Row {
            candidate_id: r.try_get("", "candidate_id")?,
            ticket: r.try_get("", "ticket")?,
            name: r.try_get("", "name")?,
            room_id: r.try_get("", "room_id")?,
            room: r.try_get("", "room")?,
            seat: r.try_get("", "seat")?,
            checked_in: checked == 1,
            attempt,
            incidents: 0,
        });
    }
    if ids.is_empty() && attempts.is_none() {
        return Ok(out);
    }
    let (answered, events, incidents) = counts(db, session_id, &ids).await?;
    for row in &mut out {
        row.incidents = incidents.get(&row.candidate_id).copied().unwrap_or(0);
        if let Some(a) = &mut row.attempt {
            a.answered = answered.get(&a.id).copied().unwrap_or(0);
            let count = |kinds: &[&str]| -> i64 {
                kinds
                    .iter()
                    .filter_map(|k| events.get(&(a.id, (*k).to_string())))
                    .sum()
            };
            a.takeovers = count(&["takeover"]);
            a.focus_losses = count(&["page_hidden", "window_blur"]);
            a.fullscreen_exits = count(&["fullscreen_exit"]);
        }
    }
    Ok(out)
}

type Counts = (
    HashMap<i32, i64>,
    HashMap<(i32, String), i64>,
    HashMap<i32, i64>,
);

/// Answers per attempt, events per attempt and kind, open incidents per candidate.
async fn counts(db: &impl ConnectionTrait, session_id: i32, ids: &[i32]) -> Result<Counts, DbErr> {
    let mut answered = HashMap::new();
    let mut events = HashMap::new();
    for chunk in ids.chunks(500) {
        let list = crate::db::placeholders(chunk.len());
        let values = || chunk.iter().map(|&i| Value::from(i)).collect::<Vec<_>>();
        for r in db
            .query_all_raw(stmt(
                db,
                &format!("SELECT attempt_id, COUNT(*) AS n FROM answers WHERE attempt_id IN ({list}) GROUP BY attempt_id"),
                values(),
            ))
            .await?
        {
            answered.insert(r.try_get::<i32>("", "attempt_id")?, r.try_get::<i64>("", "n")?);
        }
        for r in db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT attempt_id, kind, COUNT(*) AS n FROM attempt_events WHERE attempt_id IN ({list}) \
                     AND kind IN ('takeover', 'page_hidden', 'window_blur', 'fullscreen_exit') GROUP BY attempt_id, kind"
                ),
                values(),
            ))
            .await?
        {
            events.insert(
                (r.try_get::<i32>("", "attempt_id")?, r.try_get::<String>("", "kind")?),
                r.try_get::<i64>("", "n")?,
            );
        }
    }
    let mut incidents = HashMap::new();
    for r in db
        .query_all_raw(stmt(
            db,
            "SELECT candidate_id, COUNT(*) AS n FROM incidents WHERE session_id = ? AND open = ? \
             AND candidate_id IS NOT NULL GROUP BY candidate_id",
            [session_id.into(), true.into()],
        ))
        .await?
    {
        incidents.insert(
            r.try_get::<i32>("", "candidate_id")?,
            r.try_get::<i64>("", "n")?,
        );
    }
    Ok((answered, events, incidents))
}

/// A new incident note.
pub struct NewIncident<'a> {
    /// The session.
    pub session_id: i32,
    /// The room, for a note on a room.
    pub room_id: Option<i32>,
    /// The candidate, for a note on a candidate.
    pub candidate_id: Option<i32>,
    /// Their attempt, if any.
    pub attempt_id: Option<i32>,
    /// `note` or `misconduct`.
    pub kind: &'a str,
    /// What happened.
    pub text: &'a str,
    /// Who wrote it.
    pub author_id: Option<i32>,
    /// Their name.
    pub author: &'a str,
}

/// Stores an incident; returns its id.
pub async fn insert_incident(db: &impl ConnectionTrait, i: &NewIncident<'_>) -> Result<i32, DbErr> {
    let row = db
        .query_one_raw(stmt(
            db,
            "INSERT INTO incidents (session_id, room_id, attempt_id, candidate_id, kind, text, open, author_id, author, at_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                i.session_id.into(),
                i.room_id.into(),
                i.attempt_id.into(),
                i.candidate_id.into(),
                i.kind.into(),
                i.text.into(),
                true.into(),
                i.author_id.into(),
                i.author.into(),
                chrono::Utc::now().timestamp_millis().into(),
            ],
        ))
        .await?;
    match row {
        Some(r) => r.try_get("", "id"),
        None => Err(DbErr::RecordNotInserted),
    }
}

/// One incident as stored.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Incident {
    /// Id.
    pub id: i32,
    /// Room, for a note on a room.
    pub room_id: Option<i32>,
    /// Candidate, for a note on a candidate.
    pub candidate_id: Option<i32>,
    /// Their attempt.
    pub attempt_id: Option<i32>,
    /// `note` or `misconduct`.
    pub kind: String,
    /// What happened.
    pub text: String,
    /// Still open.
    pub open: bool,
    /// Who wrote it.
    pub author: String,
    /// When (Unix ms).
    pub at_ms: i64,
    /// When it was closed.
    pub closed_ms: Option<i64>,
}

/// A session's incidents, oldest first.
pub async fn incidents(db: &impl ConnectionTrait, session_id: i32) -> Result<Vec<Incident>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT id, room_id, candidate_id, attempt_id, kind, text, open, author, at_ms, closed_ms \
             FROM incidents WHERE session_id = ? ORDER BY id",
            [session_id.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Incident {
                id: r.try_get("", "id")?,
                room_id: r.try_get("", "room_id")?,
                candidate_id: r.try_get("", "candidate_id")?,
                attempt_id: r.try_get("", "attempt_id")?,
                kind: r.try_get("", "kind")?,
                text: r.try_get("", "text")?,
                open: r.try_get("", "open")?,
                author: r.try_get("", "author")?,
                at_ms: r.try_get("", "at_ms")?,
                closed_ms: r.try_get("", "closed_ms")?,
            })
        })
        .collect()
}

/// Closes an open incident of a session; false when there was none.
pub async fn close_incident(
    db: &impl ConnectionTrait,
    session_id: i32,
    id: i32,
) -> Result<bool, DbErr> {
    let r = db
        .execute_raw(stmt(
            db,
            "UPDATE incidents SET open = ?, closed_ms = ? WHERE id = ? AND session_id = ? AND open = ?",
            [
                false.into(),
                chrono::Utc::now().timestamp_millis().into(),
                id.into(),
                session_id.into(),
                true.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Checks a candidate of a session in; false when no such candidate.
pub async fn check_in(
    db: &impl ConnectionTrait,
    session_id: i32,
    candidate_id: i32,
) -> Result<bool, DbErr> {
    let r = db
        .execute_raw(stmt(
            db,
            "UPDATE candidates SET checked_in_at = COALESCE(checked_in_at, ?) WHERE id = ? AND session_id = ?",
            [chrono::Utc::now().into(), candidate_id.into(), session_id.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The in-progress or paused attempts of a room (for room-wide actions).
pub async fn open_attempts_in_room(
    db: &impl ConnectionTrait,
    session_id: i32,
    room_id: Option<i32>,
) -> Result<Vec<i32>, DbErr> {
    let (sql, values): (&str, Vec<Value>) = match room_id {
        Some(r) => (
            "SELECT a.id FROM attempts a JOIN candidates c ON c.id = a.candidate_id \
             WHERE a.session_id = ? AND c.room_id = ? AND a.status <> 'submitted' ORDER BY a.id",
            vec![session_id.into(), r.into()],
        ),
        None => (
            "SELECT id FROM attempts WHERE session_id = ? AND status <> 'submitted' ORDER BY id",
            vec![session_id.into()],
        ),
    };
    db.query_all_raw(stmt(db, sql, values))
        .await?
        .into_iter()
        .map(|r| r.try_get("", "id"))
        .collect()
}
