//! Sessions (期/场次): creating one with its rooms and proctors, and seating candidates from a
//! roster or one by one, each with a checked ticket number.

use super::entity::{candidate, room, session};
use super::identity::TicketNumber;
use super::repo;
use super::roster::{NewCandidate, RosterRow};
use crate::audit::{self, Actor};
use crate::auth::{Role, Roles};
use crate::bank::format::Skip;
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeSet, HashMap, HashSet};
use utoipa::ToSchema;

/// Typed id of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionId(pub i32);

/// Most seats a room may have.
pub const MAX_SEATS: i32 = 2000;
/// Most candidates a session may have (the ticket serial has five digits).
pub const MAX_CANDIDATES: usize = 99_999;

/// A room of a new session.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewRoom {
    /// Name, e.g. 第一考场.
    pub name: String,
    /// Number of seats (1–2000).
    pub seats: i32,
    /// User ids of the proctors assigned (each must have the proctor or admin role).
    #[serde(default)]
    pub proctors: Vec<i32>,
}

/// A new session.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewSession {
    /// The exam sat.
    pub exam_id: i32,
    /// Name, e.g. 安防从业人员继续教育培训.
    pub name: String,
    /// Number, e.g. 第七十四期.
    #[serde(default)]
    pub number: String,
    /// Venue (站), e.g. 广州站.
    #[serde(default)]
    pub venue: String,
    /// Window opens.
    pub starts_at: DateTime<Utc>,
    /// Window closes.
    pub ends_at: DateTime<Utc>,
    /// At least one room.
    pub rooms: Vec<NewRoom>,
}

/// How one roster row fared.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterLine {
    /// Line or row of the file (none for a single entry).
    pub line: Option<usize>,
    /// The name on the row, or `row N`.
    pub ident: String,
    /// `imported` or `skipped`.
    pub outcome: String,
    /// The ticket given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Room name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// Seat number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat: Option<i32>,
    /// Why it was skipped (stable code).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub code: Option<ErrorCode>,
    /// Why it was skipped (English).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why it was skipped, in Chinese.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_zh: Option<String>,
}

/// The report of a roster import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterReport {
    /// True when nothing was written.
    pub dry_run: bool,
    /// Rows read.
    pub total: usize,
    /// Candidates added (or that would be).
    pub imported: usize,
    /// Rows skipped.
    pub skipped: usize,
    /// Every row in file order.
    pub rows: Vec<RosterLine>,
}

fn bad(code: ErrorCode, msg: impl Into<String>) -> AppError {
    AppError::unprocessable(code, msg)
}

/// Creates a session with its rooms after checking the exam, the window, the rooms and that
/// every proctor named is a proctor.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewSession,
) -> AppResult<(session::Model, Vec<room::Model>)> {
    let txn = crate::db::begin_write(db).await?;
    let made = create_in(&txn, actor, new).await?;
    txn.commit().await?;
    Ok(made)
}

/// [`create`] inside the caller's write transaction, which commits it (a competition stage
/// records the session it runs on in the same transaction).
pub async fn create_in(
    txn: &crate::db::WriteTxn,
    actor: &Actor,
    new: NewSession,
) -> AppResult<(session::Model, Vec<room::Model>)> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(bad(ErrorCode::InvalidSession, "a session needs a name"));
    }
    if new.ends_at <= new.starts_at {
        return Err(bad(
            ErrorCode::InvalidWindow,
            "the session must end after it starts",
        ));
    }
    if new.rooms.is_empty() {
        return Err(bad(
            ErrorCode::InvalidRooms,
            "a session needs at least one room",
        ));
    }
    let mut names = HashSet::new();
    for r in &new.rooms {
        let n = r.name.trim();
        if n.is_empty() || !names.insert(n.to_string()) {
            return Err(bad(
                ErrorCode::InvalidRooms,
                format!("room names must be present and different ({n:?})"),
            ));
        }
        if !(1..=MAX_SEATS).contains(&r.seats) {
            return Err(bad(
                ErrorCode::InvalidRooms,
                format!("room {n} must have 1–{MAX_SEATS} seats"),
            ));
        }
    }
    if repo::find(txn, new.exam_id).await?.is_none() {
        return Err(AppError::not_found(
            ErrorCode::ExamNotFound,
            format!("no exam {}", new.exam_id),
        ));
    }
    let proctor_ids: BTreeSet<i32> = new
        .rooms
        .iter()
        .flat_map(|r| r.proctors.iter().copied())
        .collect();
    for id in proctor_ids {
        let ok = crate::auth::repo::find(txn, id)
            .await?
            .is_some_and(|u| !u.disabled && Roles::from_stored(&u.roles).allows(Role::Proctor));
        if !ok {
            return Err(bad(
                ErrorCode::InvalidProctor,
                format!("user {id} is not an active proctor"),
            ));
        }
    }
    let now = Utc::now();
    let s = session::ActiveModel {
        exam_id: Set(new.exam_id),
        name: Set(name.to_string()),
        number: Set(new.number.trim().to_string()),
        venue: Set(new.venue.trim().to_string()),
        starts_at: Set(new.starts_at),
        ends_at: Set(new.ends_at),
        created_by: Set(actor.id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let rooms = new
        .rooms
        .iter()
        .map(|r| {
            let p = r
                .proctors
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(",");
            (r.name.trim().to_string(), r.seats, p)
        })
        .collect();
    let (s, rooms) = repo::insert_session(txn, s, rooms).await?;
    audit::record(
        txn,
        actor,
        "session.create",
        "session",
        &s.id.to_string(),
        json!({"name": s.name, "number": s.number, "exam_id": s.exam_id, "rooms": rooms.len()}),
    )
    .await?;
    Ok((s, rooms))
}

/// A session and its rooms, or 404.
pub async fn get(
    db: &impl ConnectionTrait,
    id: SessionId,
) -> AppResult<(session::Model, Vec<room::Model>)> {
    let s = repo::session(db, id.0).await?.ok_or_else(|| {
        AppError::not_found(ErrorCode::SessionNotFound, format!("no session {}", id.0))
    })?;
    let rooms = repo::rooms(db, s.id).await?;
    Ok((s, rooms))
}

/// Whether a user is a proctor assigned to one of a session's rooms.
pub fn proctors(user_id: i32, rooms: &[room::Model]) -> bool {
    let id = user_id.to_string();
    rooms.iter().any(|r| r.proctors.split(',').any(|p| p == id))
}

/// Whether a staff member may see a session: admins and authors always, proctors when assigned
/// to one of its rooms.
pub fn may_see(roles: &Roles, user_id: i32, rooms: &[room::Model]) -> bool {
    roles.allows(Role::Author)
        || (roles.allows(Role::Proctor)
            && rooms
                .iter()
                .any(|r| r.proctors.split(',').any(|p| p == user_id.to_string())))
}

/// Seats the candidates of a roster (or a single entry) and gives each a ticket, in one
/// transaction; a dry run reports without writing. A row is skipped when its ID number is
/// already in the session (or earlier in the file), its room does not exist, or no seat is left.
pub async fn add_candidates(
    db: &DatabaseConnection,
    actor: &Actor,
    id: SessionId,
    rows: Vec<RosterRow>,
    dry_run: bool,
) -> AppResult<RosterReport> {
    let txn = crate::db::begin_write(db).await?;
    let report = seat_in(&txn, actor, id, rows, dry_run).await?;
    if !dry_run {
        txn.commit().await?;
    }
    Ok(report)
}

/// [`add_candidates`] inside the caller's write transaction, which commits it (so a caller that
/// records more about the same people, e.g. a competition stage's entries, does it in one
/// transaction). Nothing is written on a dry run.
pub async fn seat_in(
    txn: &crate::db::WriteTxn,
    actor: &Actor,
    id: SessionId,
    rows: Vec<RosterRow>,
    dry_run: bool,
) -> AppResult<RosterReport> {
    // Tickets and seats follow from the session's candidates: one writer per session at a time.
    crate::db::lock_row(txn, "exam_sessions", id.0).await?;
    let (s, rooms) = get(txn, id).await?;
    let existing = repo::candidates(txn, s.id).await?;
    let mut ids: HashSet<String> = existing.iter().map(|c| c.id_number.clone()).collect();
    let mut taken: HashMap<i32, BTreeSet<i32>> = HashMap::new();
    for c in &existing {
        taken.entry(c.room_id).or_default().insert(c.seat);
    }
    // Past every serial given so far: a candidate taken off the roster leaves a gap, and a
    // ticket is never given twice.
    let mut serial = existing
        .iter()
        .filter_map(|c| c.ticket.get(7..12).and_then(|n| n.parse::<usize>().ok()))
        .max()
        .unwrap_or(0)
        .max(existing.len());
    let mut report = RosterReport {
        dry_run,
        total: rows.len(),
        imported: 0,
        skipped: 0,
        rows: Vec::with_capacity(rows.len()),
    };
    let mut new_rows = Vec::new();
    let now = Utc::now();
    for row in rows {
        let mut line = RosterLine {
            line: (row.line > 0).then_some(row.line),
            ident: row.ident,
            outcome: "skipped".into(),
            ticket: None,
            room: None,
            seat: None,
            code: None,
            reason: None,
            reason_zh: None,
        };
        match place(row.result, &rooms, &mut ids, &mut taken, serial, s.id) {
            Ok((c, room, seat, ticket)) => {
                serial += 1;
                line.outcome = "imported".into();
                line.ticket = Some(ticket.as_str().to_string());
                line.room = Some(room.name.clone());
                line.seat = Some(seat);
                report.imported += 1;
                new_rows.push(candidate::ActiveModel {
                    session_id: Set(s.id),
                    ticket: Set(ticket.as_str().to_string()),
                    name: Set(c.name),
                    id_number: Set(c.id_number.as_str().to_string()),
                    employer: Set(c.employer),
                    phone: Set(c.phone),
                    room_id: Set(room.id),
                    seat: Set(seat),
                    created_at: Set(now),
                    ..Default::default()
                });
            }
            Err(skip) => {
                line.code = Some(skip.code);
                line.reason = Some(skip.reason);
                line.reason_zh = Some(skip.reason_zh);
                report.skipped += 1;
            }
        }
        report.rows.push(line);
    }
    if dry_run {
        return Ok(report);
    }
    repo::insert_candidates(txn, new_rows).await?;
    audit::record(
        txn,
        actor,
        "session.candidates",
        "session",
        &s.id.to_string(),
        json!({"imported": report.imported, "skipped": report.skipped}),
    )
    .await?;
    Ok(report)
}

/// Picks the room and seat and makes the ticket for one candidate.
fn place<'r>(
    c: Result<NewCandidate, Skip>,
    rooms: &'r [room::Model],
    ids: &mut HashSet<String>,
    taken: &mut HashMap<i32, BTreeSet<i32>>,
    serial: usize,
    session_id: i32,
) -> Result<(NewCandidate, &'r room::Model, i32, TicketNumber), Skip> {
    let c = c?;
    if !ids.insert(c.id_number.as_str().to_string()) {
        return Err(Skip::new(
            ErrorCode::DuplicateIdNumber,
            "此身份证号已在本场考试的名单中",
            "this ID number is already on the session's roster",
        ));
    }
    if serial >= MAX_CANDIDATES {
        return Err(Skip::new(
            ErrorCode::SessionFull,
            "一场考试最多 99,999 名考生",
            "a session holds at most 99,999 candidates",
        ));
    }
    let candidates: Vec<&room::Model> = match &c.room {
        Some(name) => {
            let r = rooms.iter().find(|r| &r.name == name).ok_or_else(|| {
                Skip::new(
                    ErrorCode::UnknownRoom,
                    format!("本场考试没有考场“{name}”"),
                    format!("the session has no room {name:?}"),
                )
            })?;
            vec![r]
        }
        None => rooms.iter().collect(),
    };
    for room in candidates {
        let seats = taken.entry(room.id).or_default();
        if let Some(seat) = (1..=room.seats).find(|s| !seats.contains(s)) {
            seats.insert(seat);
            // Fixed widths (6-digit session, 5-digit serial) keep tickets of different sessions apart.
            let ticket =
                TicketNumber::generate(&format!("K{:06}", session_id), (serial + 1) as u32)
                    .map_err(|e| Skip::text(ErrorCode::TicketFailed, e.text()))?;
            return Ok((c, room, seat, ticket));
        }
    }
    ids.remove(c.id_number.as_str());
    Err(Skip::new(
        ErrorCode::NoFreeSeat,
        "该考生可去的考场已没有空座位",
        "no seat is left in the room(s) this candidate may sit in",
    ))
}
