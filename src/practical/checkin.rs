//! Check-in (检录) to the practical part: each candidate gets a random work code and, by lot,
//! their places (task, slot, station); or the whole schedule is drawn in advance. The seed and
//! the order of placement are recorded, so every lot can be re-derived ([`super::draw`]).

use super::DrawMode;
use super::draw::{self, Shape};
use super::entity::{code, part, place};
use super::part::{get_part, slot_start, tasks};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::entity::candidate;
use crate::exam::session::SessionId;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

/// One place of a candidate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Place {
    /// The task.
    pub task_id: i32,
    /// Its title.
    pub task_title: String,
    /// Slot (场次), from 1.
    pub slot: i32,
    /// Station (工位), from 1.
    pub station: i32,
    /// When the slot starts, if the part has a start time.
    pub starts_at: Option<DateTime<Utc>>,
}

/// A checked-in candidate: what the check-in desk reads out.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckIn {
    /// The candidate.
    pub candidate_id: i32,
    /// Ticket number.
    pub ticket: String,
    /// Name.
    pub name: String,
    /// Employer or school.
    pub employer: String,
    /// Work code (检录号) judges see instead of the name.
    pub code: String,
    /// When they checked in.
    pub checked_in_at: DateTime<Utc>,
    /// Their places, in slot order.
    pub places: Vec<Place>,
}

/// One row of the schedule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScheduleRow {
    /// The candidate.
    pub candidate_id: i32,
    /// Ticket number.
    pub ticket: String,
    /// Name.
    pub name: String,
    /// Work code, once checked in.
    pub code: Option<String>,
    /// When they checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Their places, in slot order (empty until drawn).
    pub places: Vec<Place>,
}

/// A session's practical schedule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Schedule {
    /// The recorded seed of the lot draw, once drawn.
    pub seed: Option<String>,
    /// When the lots were first drawn.
    pub drawn_at: Option<DateTime<Utc>>,
    /// Slots the schedule uses (fixed by the first draw).
    pub slots: i32,
    /// Every candidate, in ticket order.
    pub rows: Vec<ScheduleRow>,
}

fn not_enough(e: draw::NotEnoughSlots) -> AppError {
    AppError::unprocessable(
        ErrorCode::NotEnoughSlots,
        format!(
            "the candidates need {} slots but the part allows {}",
            e.needed, e.slots
        ),
    )
    .with_zh(format!(
        "考生需要 {} 个场次，但设置只有 {} 个",
        e.needed, e.slots
    ))
}

/// The draw's shape and capacity. The first draw fixes the slots (when set to "as needed"), so
/// the capacity, and with it every lot, stays the same as candidates arrive.
async fn fix_shape(
    db: &impl ConnectionTrait,
    p: &mut part::Model,
    task_count: usize,
    actor: &Actor,
) -> AppResult<(Shape, usize)> {
    let roster = candidate::Entity::find()
        .filter(candidate::Column::SessionId.eq(p.session_id))
        .count(db)
        .await? as usize;
    let mut shape = Shape {
        tasks: task_count,
        stations: p.stations as usize,
        slots: p.slots as usize,
    };
    if p.draw_seed.is_none() {
        let (_, slots) = shape.capacity(roster).map_err(not_enough)?;
        let seed = (rand::rng().next_u64() >> 1) as i64;
        let mut am = p.clone().into_active_model();
        am.slots = Set(slots as i32);
        am.draw_seed = Set(Some(seed));
        am.drawn_at = Set(Some(Utc::now()));
        am.drawn_by = Set(actor.id);
        am.updated_at = Set(Utc::now());
        *p = am.update(db).await?;
        shape.slots = slots;
    }
    let (capacity, _) = shape.capacity(0).map_err(not_enough)?;
    Ok((shape, capacity))
}

/// Places one candidate at lot `k` of the draw.
async fn place_candidate(
    db: &impl ConnectionTrait,
    p: &part::Model,
    task_ids: &[i32],
    shape: Shape,
    capacity: usize,
    candidate_id: i32,
    k: usize,
) -> AppResult<()> {
    let seed = p.draw_seed.unwrap_or_default() as u64;
    let lots = draw::lots(seed, capacity);
    let Some(&position) = lots.get(k) else {
        return Err(AppError::unprocessable(
            ErrorCode::NotEnoughSlots,
            format!(
                "all {capacity} places of the {} slots are taken",
                shape.slots
            ),
        )
        .with_zh(format!(
            "{} 个场次的 {capacity} 个位置已全部排满",
            shape.slots
        )));
    };
    for spot in shape.spots(position) {
        place::ActiveModel {
            session_id: Set(p.session_id),
            candidate_id: Set(candidate_id),
            task_id: Set(task_ids[spot.task]),
            slot: Set(spot.slot as i32),
            station: Set(spot.station as i32),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Candidates placed so far (the next lot's index).
async fn placed_count(db: &impl ConnectionTrait, session: SessionId) -> AppResult<usize> {
    let rows = place::Entity::find()
        .filter(place::Column::SessionId.eq(session.0))
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.candidate_id)
        .collect::<HashSet<_>>()
        .len())
}

/// Draws the whole schedule in advance: every candidate of the roster, in ticket order, takes
/// the next lot. Once only.
pub async fn draw_schedule(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    session: SessionId,
) -> AppResult<Schedule> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "exam_sessions", session.0).await?;
    draw_in(&txn, actor, session).await?;
    let out = schedule(&txn, session).await?;
    txn.commit().await?;
    Ok(out)
}

/// Draws the whole schedule inside the caller's transaction (a competition final draws it when
/// its check-in opens). Once only (409 `already_drawn`).
pub async fn draw_in(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    session: SessionId,
) -> AppResult<()> {
    let mut p = get_part(txn, session).await?;
    if p.draw_seed.is_some() {
        return Err(AppError::conflict(
            ErrorCode::AlreadyDrawn,
            "the lots of this practical part are already drawn",
        )
        .with_zh("本场实操已经抽签"));
    }
    let task_ids: Vec<i32> = tasks(txn, session).await?.iter().map(|t| t.id).collect();
    let (shape, capacity) = fix_shape(txn, &mut p, task_ids.len(), actor).await?;
    let roster = candidate::Entity::find()
        .filter(candidate::Column::SessionId.eq(session.0))
        .order_by_asc(candidate::Column::Ticket)
        .all(txn)
        .await?;
    for (k, c) in roster.iter().enumerate() {
        place_candidate(txn, &p, &task_ids, shape, capacity, c.id, k).await?;
    }
    audit::record(
        txn,
        actor,
        "practical.draw",
        "session",
        &session.0.to_string(),
        json!({"seed": p.draw_seed.map(|s| s.to_string()), "capacity": capacity,
               "slots": p.slots, "candidates": roster.len(), "order": "ticket"}),
    )
    .await?;
    Ok(())
}

/// A new work code not yet used in the session.
pub fn fresh_code(taken: &HashSet<String>) -> String {
    loop {
        let mut bytes = [0u8; draw::CODE_LEN];
        rand::rng().fill_bytes(&mut bytes);
        let c = draw::work_code(bytes);
        if !taken.contains(&c) {
            return c;
        }
    }
}

/// Checks a candidate in by ticket: a work code and, in check-in mode, their lot. Checking in
/// again gives back the first check-in unchanged.
pub async fn check_in(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    session: SessionId,
    ticket: &str,
) -> AppResult<CheckIn> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "exam_sessions", session.0).await?;
    let mut p = get_part(&txn, session).await?;
    let c = candidate::Entity::find()
        .filter(candidate::Column::SessionId.eq(session.0))
        .filter(candidate::Column::Ticket.eq(ticket.trim()))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::UnknownTicket,
                "no candidate of this session has that ticket",
            )
            .with_zh("本场次没有这个准考证号")
        })?;
    if code::Entity::find_by_id(c.id).one(&txn).await?.is_some() {
        let out = checked_in(&txn, &p, c).await?;
        txn.rollback().await?;
        return Ok(out);
    }
    let has_places = place::Entity::find()
        .filter(place::Column::CandidateId.eq(c.id))
        .count(&txn)
        .await?
        > 0;
    let mode = DrawMode::parse(&p.draw_mode).unwrap_or_default();
    if !has_places {
        if mode == DrawMode::Schedule && p.draw_seed.is_none() {
            return Err(AppError::conflict(
                ErrorCode::ScheduleNotDrawn,
                "this part's schedule is drawn in advance: draw it before check-in",
            )
            .with_zh("本场实操为预先排定，请先抽签排定场次"));
        }
        let task_ids: Vec<i32> = tasks(&txn, session).await?.iter().map(|t| t.id).collect();
        let (shape, capacity) = fix_shape(&txn, &mut p, task_ids.len(), actor).await?;
        let k = placed_count(&txn, session).await?;
        place_candidate(&txn, &p, &task_ids, shape, capacity, c.id, k).await?;
    }
    let taken: HashSet<String> = code::Entity::find()
        .filter(code::Column::SessionId.eq(session.0))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| r.code)
        .collect();
    let work_code = fresh_code(&taken);
    code::ActiveModel {
        candidate_id: Set(c.id),
        session_id: Set(session.0),
        code: Set(work_code.clone()),
        draw_order: Set(taken.len() as i32),
        checked_in_at: Set(Utc::now()),
        checked_in_by: Set(actor.id),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "practical.check_in",
        "candidate",
        &c.id.to_string(),
        json!({"session_id": session.0, "ticket": c.ticket, "order": taken.len(),
               "lot_drawn_now": !has_places}),
    )
    .await?;
    let out = checked_in(&txn, &p, c).await?;
    txn.commit().await?;
    Ok(out)
}

/// The titles of a part's tasks, by task id.
pub async fn titles(
    db: &impl ConnectionTrait,
    session: SessionId,
) -> AppResult<HashMap<i32, String>> {
    // Only the stem is read from each frozen version: a door check-in asks for the titles every
    // time, and a full parse of a marking scheme per task is wasted on them.
    #[derive(serde::Deserialize)]
    struct Stem {
        stem: String,
    }
    let tasks = tasks(db, session).await?;
    let versions: HashMap<i32, String> = crate::bank::entity::version::Entity::find()
        .filter(crate::bank::entity::version::Column::Id.is_in(tasks.iter().map(|t| t.version_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v.body))
        .collect();
    let mut out = HashMap::new();
    for t in tasks {
        let body = versions
            .get(&t.version_id)
            .ok_or_else(|| AppError::internal("practical task without its question version"))?;
        let stem: Stem = serde_json::from_str(body).map_err(AppError::internal)?;
        out.insert(t.id, super::judging::title_of(&stem.stem));
    }
    Ok(out)
}

/// Place rows as the desk reads them, in slot order.
pub fn places_of(
    p: &part::Model,
    rows: &[place::Model],
    titles: &HashMap<i32, String>,
) -> Vec<Place> {
    let mut out: Vec<Place> = rows
        .iter()
        .map(|r| Place {
            task_id: r.task_id,
            task_title: titles.get(&r.task_id).cloned().unwrap_or_default(),
            slot: r.slot,
            station: r.station,
            starts_at: slot_start(p, r.slot),
        })
        .collect();
    out.sort_by_key(|pl| pl.slot);
    out
}

async fn checked_in(
    db: &impl ConnectionTrait,
    p: &part::Model,
    c: candidate::Model,
) -> AppResult<CheckIn> {
    let code = code::Entity::find_by_id(c.id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("checked-in candidate without a code"))?;
    let rows = place::Entity::find()
        .filter(place::Column::CandidateId.eq(c.id))
        .all(db)
        .await?;
    let titles = titles(db, SessionId(p.session_id)).await?;
    Ok(CheckIn {
        candidate_id: c.id,
        ticket: c.ticket,
        name: c.name,
        employer: c.employer,
        code: code.code,
        checked_in_at: code.checked_in_at,
        places: places_of(p, &rows, &titles),
    })
}

/// The schedule: every candidate in ticket order with code and places.
pub async fn schedule(db: &impl ConnectionTrait, session: SessionId) -> AppResult<Schedule> {
    let p = get_part(db, session).await?;
    let titles = titles(db, session).await?;
    let roster = candidate::Entity::find()
        .filter(candidate::Column::SessionId.eq(session.0))
        .order_by_asc(candidate::Column::Ticket)
        .all(db)
        .await?;
    let codes: HashMap<i32, code::Model> = code::Entity::find()
        .filter(code::Column::SessionId.eq(session.0))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.candidate_id, c))
        .collect();
    let mut places: HashMap<i32, Vec<place::Model>> = HashMap::new();
    for r in place::Entity::find()
        .filter(place::Column::SessionId.eq(session.0))
        .all(db)
        .await?
    {
        places.entry(r.candidate_id).or_default().push(r);
    }
    let rows = roster
        .into_iter()
        .map(|c| {
            let code = codes.get(&c.id);
            ScheduleRow {
                candidate_id: c.id,
                places: places_of(&p, places.get(&c.id).map_or(&[][..], |v| v), &titles),
                code: code.map(|k| k.code.clone()),
                checked_in_at: code.map(|k| k.checked_in_at),
                ticket: c.ticket,
                name: c.name,
            }
        })
        .collect();
    Ok(Schedule {
        seed: p.draw_seed.map(|s| s.to_string()),
        drawn_at: p.drawn_at,
        slots: p.slots,
        rows,
    })
}
