//! Fills the documents' plain structs from the practical tables.

use super::{
    Notice, NoticeTask, RecordAspect, RecordJudge, ScheduleDoc, SchedulePlace, ScheduleSlot,
    ScoreRecord, SlotTime,
};
use crate::error::{AppError, AppResult, ErrorCode, Text};
use crate::exam::session::SessionId;
use crate::practical::draw::Shape;
use crate::practical::part::{self, get_part, slot_start};
use crate::practical::record::RecordCandidate;
use crate::practical::{Aggregation, TaskId, checkin, judging, signoff};
use actix_web::http::StatusCode;
use chrono::{Duration, Utc};
use sea_orm::ConnectionTrait;
use std::collections::{BTreeMap, HashMap};

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

/// How a task's marks are aggregated, as printed.
fn aggregation_label(a: Aggregation) -> &'static str {
    match a {
        Aggregation::Mean => "平均 mean",
        Aggregation::TrimmedMean => "去掉最高最低后平均 trimmed mean",
        Aggregation::Median => "中位数 median",
    }
}

/// The 考核评分记录表 of a locked task (one candidate with `code`, else every one), for its head
/// judge or staff who may view every task (`staff_may_view`): 403 `not_head_judge` otherwise,
/// 409 `task_not_locked` before the sign-off, 404 `unknown_code`.
pub async fn records(
    db: &impl ConnectionTrait,
    viewer: i32,
    staff_may_view: bool,
    task: TaskId,
    code: Option<&str>,
) -> AppResult<Vec<ScoreRecord>> {
    let rec = signoff::overview(db, viewer, staff_may_view, task).await?;
    let Some(locked_at) = rec.locked_at else {
        return Err(AppError::text(
            StatusCode::CONFLICT,
            ErrorCode::TaskNotLocked,
            Text::new(
                "本项目尚未签字锁定，评分记录表在锁定后打印",
                "the task is not locked yet: its score records are printed after the sign-off",
            ),
        ));
    };
    let wanted: Vec<&RecordCandidate> = rec
        .candidates
        .iter()
        .filter(|c| code.is_none_or(|k| c.code.eq_ignore_ascii_case(k.trim())))
        .collect();
    if code.is_some() && wanted.is_empty() {
        return Err(judging::unknown_code());
    }
    let tickets: HashMap<i32, String> = crate::exam::repo::candidates(db, rec.session_id)
        .await?
        .into_iter()
        .map(|c| (c.id, c.ticket))
        .collect();
    let session = session_label(db, SessionId(rec.session_id)).await?;
    let head = rec
        .signed_off_by
        .as_ref()
        .or(rec.head_judge.as_ref())
        .map(|j| j.name.clone())
        .unwrap_or_default();
    let made_at = Utc::now();
    Ok(wanted
        .into_iter()
        .map(|c| ScoreRecord {
            session: session.clone(),
            task: rec.title.clone(),
            aggregation: aggregation_label(rec.aggregation).to_string(),
            code: c.code.clone(),
            ticket: tickets.get(&c.candidate_id).cloned().unwrap_or_default(),
            name: c.name.clone().unwrap_or_default(),
            place: Some((c.slot.max(0) as u32, c.station.max(0) as u32)),
            judges: c
                .sheets
                .iter()
                .map(|s| RecordJudge {
                    name: s.judge_name.clone(),
                    submitted_at: s.submitted_at,
                })
                .collect(),
            aspects: rec
                .scheme
                .iter()
                .enumerate()
                .map(|(i, a)| RecordAspect {
                    aspect: a.clone(),
                    entries: c
                        .sheets
                        .iter()
                        .map(|s| s.entries.get(i).copied().flatten())
                        .collect(),
                    mark: c.aspects.get(i).copied().flatten().unwrap_or(0.0),
                })
                .collect(),
            points: c.points,
            max_points: rec.points,
            score: c.score,
            head_judge: head.clone(),
            locked_at: Some(locked_at),
            made_at,
        })
        .collect())
}
