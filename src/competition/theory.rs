//! A theory stage (理论初赛) is an exam session of the platform: made from an exam with its
//! window and rooms, then every contestant admitted to the stage is seated as an exam candidate
//! (name, ID number, organisation as employer, phone) and the link kept in the stage's entries.
//! Seating again adds only those not yet seated. [`scores`] reads each contestant's result from
//! the exam's owner of results (`exam::outcome`), normalised to 100, for the cut and ranking.

use super::entity::{contestant, stage, stage_entry};
use super::setup::{self, StageView, in_use, invalid};
use super::{ContestantId, EventId, RegistrationStatus, StageId, StageKind};
use crate::audit::{self, Actor};
use crate::error::AppResult;
use crate::exam::identity::IdNumber;
use crate::exam::outcome::{self, Standing};
use crate::exam::roster::{NewCandidate, RosterRow};
use crate::exam::session::{self, NewRoom, NewSession, RosterLine, SessionId};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

/// The session a theory stage runs on, as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TheorySessionInput {
    /// The exam sat (its blueprint draws each contestant's paper).
    pub exam_id: i32,
    /// Session name; the competition's and the stage's names when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Venue (站).
    #[serde(default)]
    pub venue: String,
    /// Window opens.
    pub starts_at: DateTime<Utc>,
    /// Window closes.
    pub ends_at: DateTime<Utc>,
    /// At least one room.
    pub rooms: Vec<NewRoom>,
}

/// Makes a theory stage's session (once).
pub async fn create_session(
    db: &DatabaseConnection,
    actor: &Actor,
    id: StageId,
    input: TheorySessionInput,
) -> AppResult<StageView> {
    let txn = crate::db::begin_write(db).await?;
    let st = setup::find_stage(&txn, id).await?;
    if st.kind != StageKind::Theory.as_str() {
        return Err(invalid(
            "只有理论阶段使用考试场次",
            "only a theory stage runs on an exam session",
        ));
    }
    if st.session_id.is_some() {
        return Err(in_use(
            "该阶段已有考试场次",
            "the stage already has its session",
        ));
    }
    let event = setup::find_event(&txn, EventId(st.event_id)).await?;
    let comp = setup::find(&txn, super::CompetitionId(event.competition_id)).await?;
    let name = input
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("{} {} {}", comp.name, event.name, st.name));
    let (s, _) = session::create_in(
        &txn,
        actor,
        NewSession {
            exam_id: input.exam_id,
            name,
            number: comp.code.clone(),
            venue: input.venue,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            rooms: input.rooms,
        },
    )
    .await?;
    let mut a: stage::ActiveModel = st.into();
    a.session_id = Set(Some(s.id));
    a.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "competition.stage.session",
        "competition_stage",
        &id.0.to_string(),
        json!({"session_id": s.id, "exam_id": input.exam_id}),
    )
    .await?;
    txn.commit().await?;
    stage_view(db, id).await
}

async fn stage_view(db: &impl ConnectionTrait, id: StageId) -> AppResult<StageView> {
    let st = setup::find_stage(db, id).await?;
    setup::event_view(db, EventId(st.event_id))
        .await?
        .stages
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| invalid("没有这个比赛阶段", "no such stage"))
}

/// What seating did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeatReport {
    /// The stage's session.
    pub session_id: i32,
    /// Contestants seated now.
    pub seated: usize,
    /// Contestants seated before.
    pub already: usize,
    /// Contestants who could not be seated (e.g. no free seat), with the reason.
    pub skipped: Vec<RosterLine>,
}

/// Seats everyone admitted to a theory stage who is not seated yet: for the first stage every
/// accepted contestant of the event, for a later one those its cut admitted. One transaction.
pub async fn seat(db: &DatabaseConnection, actor: &Actor, id: StageId) -> AppResult<SeatReport> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "competition_stages", id.0).await?;
    let st = setup::find_stage(&txn, id).await?;
    if st.kind != StageKind::Theory.as_str() {
        return Err(invalid(
            "只有理论阶段在这里安排考生；实操阶段由检录进入",
            "only a theory stage is seated here; a practical stage is entered at check-in",
        ));
    }
    let Some(session_id) = st.session_id else {
        return Err(invalid(
            "请先为该阶段建立考试场次",
            "make the stage's session first",
        ));
    };
    let entries: HashMap<i32, stage_entry::Model> = stage_entry::Entity::find()
        .filter(stage_entry::Column::StageId.eq(id.0))
        .all(&txn)
        .await?
        .into_iter()
        .map(|e| (e.contestant_id, e))
        .collect();
    let admitted: Vec<contestant::Model> = if st.position == 0 {
        contestant::Entity::find()
            .filter(contestant::Column::EventId.eq(st.event_id))
            .filter(contestant::Column::Status.eq(RegistrationStatus::Accepted.as_str()))
            .order_by_asc(contestant::Column::Number)
            .all(&txn)
            .await?
    } else {
        let ids: Vec<i32> = entries
            .values()
            .filter(|e| e.qualified_at.is_some())
            .map(|e| e.contestant_id)
            .collect();
        contestant::Entity::find()
            .filter(contestant::Column::Id.is_in(ids))
            .filter(contestant::Column::Status.eq(RegistrationStatus::Accepted.as_str()))
            .order_by_asc(contestant::Column::Number)
            .all(&txn)
            .await?
    };
    let (todo, done): (Vec<_>, Vec<_>) = admitted
        .into_iter()
        .partition(|c| entries.get(&c.id).is_none_or(|e| e.candidate_id.is_none()));
    let rows: Vec<RosterRow> = todo
        .iter()
        .enumerate()
        .map(|(i, c)| RosterRow {
            line: i + 1,
            ident: c.number.clone().unwrap_or_else(|| c.name.clone()),
            result: IdNumber::parse(&c.id_number)
                .map(|id_number| NewCandidate {
                    name: c.name.clone(),
                    id_number,
                    employer: c.organisation.clone(),
                    phone: c.phone.clone(),
                    room: None,
                })
                .map_err(|e| crate::bank::format::Skip::new(e.code(), e.text().zh, e.text().en)),
        })
        .collect();
    let report = session::seat_in(&txn, actor, SessionId(session_id), rows, false).await?;
    // Everyone whose ID number is on the roster now (seated now, or put there by hand before).
    let on_roster: HashMap<String, i32> = crate::exam::repo::candidates(&txn, session_id)
        .await?
        .into_iter()
        .map(|c| (c.id_number, c.id))
        .collect();
    let now = Utc::now();
    let mut seated = 0;
    let mut skipped = Vec::new();
    for (c, line) in todo.iter().zip(report.rows) {
        let Some(&candidate) = on_roster.get(&c.id_number) else {
            skipped.push(line);
            continue;
        };
        seated += 1;
        match entries.get(&c.id) {
            Some(e) => {
                let mut a: stage_entry::ActiveModel = e.clone().into();
                a.candidate_id = Set(Some(candidate));
                a.update(&txn).await?;
            }
            None => {
                stage_entry::ActiveModel {
                    stage_id: Set(id.0),
                    contestant_id: Set(c.id),
                    candidate_id: Set(Some(candidate)),
                    qualified_at: Set(Some(now)),
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    audit::record(
        &txn,
        actor,
        "competition.stage.seat",
        "competition_stage",
        &id.0.to_string(),
        json!({"session_id": session_id, "seated": seated, "skipped": skipped.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(SeatReport {
        session_id,
        seated,
        already: done.len(),
        skipped,
    })
}

/// A contestant's result in a theory stage.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TheoryScore {
    /// The contestant.
    #[schema(value_type = i32)]
    pub contestant_id: ContestantId,
    /// Their exam candidate in the stage's session.
    pub candidate_id: i32,
    /// Score out of 100 (the attempt's score over the paper's maximum), once final; none
    /// while unmarked, when absent (缺考) or ended for misconduct.
    pub score: Option<f64>,
    /// Passed the exam's pass line, once final (false when ended for misconduct).
    pub passed: Option<bool>,
    /// Seconds from the attempt's start to its submission, pauses by a proctor excluded.
    pub time_used_s: Option<i64>,
    /// Nothing more will change: final, absent once the session closed, or ended.
    pub finished: bool,
    /// Where they stand (`final`, `absent`, `in_progress`, `submitted`, `terminated`, …).
    pub standing: String,
}

/// Score out of 100 of a final attempt (pure).
pub fn out_of_100(score: f64, max: f64) -> Option<f64> {
    (max > 0.0 && score.is_finite()).then(|| (score / max * 100.0).clamp(0.0, 100.0))
}

/// Seconds used: submit − start − paused (pure).
pub fn time_used(started_ms: i64, submitted_ms: Option<i64>, paused_ms: i64) -> Option<i64> {
    submitted_ms.map(|s| ((s - started_ms - paused_ms).max(0)) / 1000)
}

/// The result of every contestant seated in a theory stage, as the exam sees it now.
pub async fn scores(db: &impl ConnectionTrait, id: StageId) -> AppResult<Vec<TheoryScore>> {
    let st = setup::find_stage(db, id).await?;
    let entries = stage_entry::Entity::find()
        .filter(stage_entry::Column::StageId.eq(id.0))
        .order_by_asc(stage_entry::Column::ContestantId)
        .all(db)
        .await?;
    let Some(session_id) = st.session_id else {
        return Ok(Vec::new());
    };
    let (s, _) = session::get(db, SessionId(session_id)).await?;
    let by_candidate: HashMap<i32, outcome::Outcome> = outcome::of_session(db, &s)
        .await?
        .into_iter()
        .map(|o| (o.candidate.id, o))
        .collect();
    Ok(entries
        .into_iter()
        .filter_map(|e| {
            let candidate_id = e.candidate_id?;
            let o = by_candidate.get(&candidate_id)?;
            let a = o.attempt.as_ref();
            let final_ = matches!(o.standing, Standing::Final | Standing::PracticalPending);
            Some(TheoryScore {
                contestant_id: ContestantId(e.contestant_id),
                candidate_id,
                score: a
                    .filter(|_| final_)
                    .and_then(|a| out_of_100(a.score?, a.max_score)),
                passed: o.theory_passed(),
                time_used_s: a.and_then(|a| time_used(a.started_ms, a.submitted_ms, a.paused_ms)),
                finished: final_ || matches!(o.standing, Standing::Absent | Standing::Terminated),
                standing: o.standing.code().to_string(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_is_normalised_to_100_from_the_papers_maximum() {
        assert_eq!(out_of_100(45.0, 50.0), Some(90.0));
        assert_eq!(out_of_100(0.0, 0.0), None);
        assert_eq!(out_of_100(120.0, 100.0), Some(100.0));
    }

    #[test]
    fn time_used_leaves_out_pauses_and_needs_a_submission() {
        assert_eq!(time_used(1_000, Some(61_000), 0), Some(60));
        assert_eq!(time_used(1_000, Some(61_000), 20_000), Some(40));
        assert_eq!(time_used(1_000, None, 0), None);
    }
}
