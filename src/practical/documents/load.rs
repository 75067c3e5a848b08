//! Fills the documents' plain structs from the practical tables.

use super::{Notice, NoticeTask, ScheduleDoc, SchedulePlace, ScheduleSlot, SlotTime};
use crate::error::AppResult;
use crate::exam::session::SessionId;
use crate::practical::checkin;
use crate::practical::draw::Shape;
use crate::practical::part::{self, get_part, slot_start};
use chrono::{Duration, Utc};
use sea_orm::ConnectionTrait;
use std::collections::BTreeMap;

/// A session as the documents print it: name, number and venue.
pub async fn session_label(db: &impl ConnectionTrait, session: SessionId) -> AppResult<String> {
    Ok(crate::exam::repo::session(db, session.0)
        .await?
        .map(|s| {
            format!("{} {} {}", s.name, s.number, s.venue)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default())
}

fn slot_times(p: &crate::practical::entity::part::Model, slots: i32) -> Vec<SlotTime> {
    (1..=slots.max(0))
        .map(|slot| {
            let starts_at = slot_start(p, slot);
            SlotTime {
                slot: slot as u32,
                starts_at,
                ends_at: starts_at.map(|s| s + Duration::minutes(i64::from(p.slot_minutes))),
            }
        })
        .collect()
}

/// The 考核准备通知单 of a session (404 `no_practical_part` without one).
pub async fn notice(db: &impl ConnectionTrait, session: SessionId) -> AppResult<Notice> {
    let p = get_part(db, session).await?;
    let view = part::view(db, session).await?;
    let mut tasks = Vec::new();
    for t in part::tasks(db, session).await? {
        let q = part::task_question(db, &t).await?;
        tasks.push(NoticeTask {
            title: part::title_of(&q),
            minutes: q.minutes,
            stations: p.stations.max(0) as u32,
            equipment: q.equipment.clone(),
        });
    }
    // Slots: as configured, or as many as the roster needs when left to the schedule.
    let slots = if p.slots > 0 {
        p.slots
    } else {
        Shape {
            tasks: tasks.len(),
            stations: p.stations.max(1) as usize,
            slots: 0,
        }
        .capacity(view.candidates as usize)
        .map_or(0, |(_, s)| s as i32)
    };
    Ok(Notice {
        session: session_label(db, session).await?,
        tasks,
        slots: slot_times(&p, slots),
        slot_minutes: p.slot_minutes.max(0) as u32,
        made_at: Utc::now(),
    })
}

/// The 场次安排表 of a session (404 `no_practical_part` without one).
pub async fn schedule(db: &impl ConnectionTrait, session: SessionId) -> AppResult<ScheduleDoc> {
    let p = get_part(db, session).await?;
    let s = checkin::schedule(db, session).await?;
    let mut by_slot: BTreeMap<i32, Vec<(i32, SchedulePlace)>> = BTreeMap::new();
    let mut unplaced = 0;
    for row in &s.rows {
        if row.places.is_empty() {
            unplaced += 1;
        }
        for pl in &row.places {
            by_slot.entry(pl.slot).or_default().push((
                pl.task_id,
                SchedulePlace {
                    task: pl.task_title.clone(),
                    station: pl.station.max(0) as u32,
                    code: row.code.clone(),
                    ticket: row.ticket.clone(),
                    name: row.name.clone(),
                },
            ));
        }
    }
    let slots = by_slot
        .into_iter()
        .map(|(slot, mut places)| {
            places.sort_by_key(|(task, p)| (*task, p.station));
            let starts_at = slot_start(&p, slot);
            ScheduleSlot {
                time: SlotTime {
                    slot: slot.max(0) as u32,
                    starts_at,
                    ends_at: starts_at.map(|t| t + Duration::minutes(i64::from(p.slot_minutes))),
                },
                places: places.into_iter().map(|(_, p)| p).collect(),
            }
        })
        .collect();
    Ok(ScheduleDoc {
        session: session_label(db, session).await?,
        drawn_at: s.drawn_at,
        slots,
        unplaced,
        made_at: Utc::now(),
    })
}
