//! A competition's practical final on the practical engine: its exam session with one
//! anonymous candidate per finalist (made in one batch in random order, so row ids say nothing
//! about who checks in when), the group each anonymous candidate competes in, and whether every
//! task is locked.

use super::{GroupId, StageId, StageKind};
use crate::audit::{self, Actor};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::entity::{candidate, session};
use crate::exam::session::{MAX_SEATS, SessionId};
use chrono::{DateTime, Utc};
use rand::RngCore;
use rand::seq::SliceRandom;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, QueryResult, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

/// What the final's services need of a stage.
#[derive(Debug, Clone)]
pub struct Stage {
    /// The stage.
    pub id: i32,
    /// Its event.
    pub event_id: i32,
    /// The event's competition.
    pub competition_id: i32,
    /// Order in the event.
    pub position: i32,
    /// Its name.
    pub name: String,
    /// Theory or practical.
    pub kind: StageKind,
    /// The exam session that runs it.
    pub session_id: Option<i32>,
    /// 加密裁判.
    pub encryptor_id: Option<i32>,
    /// 监督.
    pub supervisor_id: Option<i32>,
}

impl Stage {
    /// A stage for unit tests.
    #[cfg(test)]
    pub fn test(encryptor_id: Option<i32>, supervisor_id: Option<i32>) -> Stage {
        Stage {
            id: 1,
            event_id: 1,
            competition_id: 1,
            position: 1,
            name: "决赛".into(),
            kind: StageKind::Practical,
            session_id: Some(1),
            encryptor_id,
            supervisor_id,
        }
    }

    /// The final's session, or 409 `final_not_prepared`.
    pub fn session(&self) -> AppResult<SessionId> {
        self.session_id.map(SessionId).ok_or_else(|| {
            AppError::conflict(
                ErrorCode::FinalNotPrepared,
                "the final has no session yet: prepare it first",
            )
            .with_zh("决赛场次尚未生成，请先生成决赛场次")
        })
    }
}

fn stage_row(r: &QueryResult) -> Result<Stage, sea_orm::DbErr> {
    let kind: String = r.try_get("", "kind")?;
    Ok(Stage {
        id: r.try_get("", "id")?,
        event_id: r.try_get("", "event_id")?,
        competition_id: r.try_get("", "competition_id")?,
        position: r.try_get("", "position")?,
        name: r.try_get("", "name")?,
        kind: StageKind::parse(&kind).unwrap_or(StageKind::Practical),
        session_id: r.try_get("", "session_id")?,
        encryptor_id: r.try_get("", "encryptor_id")?,
        supervisor_id: r.try_get("", "supervisor_id")?,
    })
}

/// A stage, or 404 `stage_not_found`.
pub async fn stage(db: &impl ConnectionTrait, id: StageId) -> AppResult<Stage> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT s.id, s.event_id, e.competition_id, s.position, s.name, s.kind, s.session_id, \
             s.encryptor_id, s.supervisor_id FROM competition_stages s \
             JOIN competition_events e ON e.id = s.event_id WHERE s.id = ?",
            [id.0.into()],
        ))
        .await?
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::StageNotFound, format!("no stage {}", id.0))
                .with_zh("找不到该竞赛阶段")
        })?;
    Ok(stage_row(&row)?)
}

/// A practical stage, or 404 `stage_not_found` for a theory stage (finals are practical).
pub async fn final_stage(db: &impl ConnectionTrait, id: StageId) -> AppResult<Stage> {
    let s = stage(db, id).await?;
    if s.kind != StageKind::Practical {
        return Err(AppError::not_found(
            ErrorCode::StageNotFound,
            format!("stage {} is not a practical final", id.0),
        )
        .with_zh("该阶段不是实操决赛"));
    }
    Ok(s)
}

/// Every anonymous candidate of the final with the group it competes in (the group does not
/// identify anyone; the recheck picks each group's top before decryption).
pub async fn anonymous_groups(
    db: &impl ConnectionTrait,
    stage: StageId,
) -> AppResult<Vec<(i32, GroupId)>> {
    Ok(db
        .query_all_raw(stmt(
            db,
            "SELECT candidate_id, group_id FROM competition_anon WHERE stage_id = ? ORDER BY candidate_id",
            [stage.0.into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "candidate_id")?, GroupId(r.try_get("", "group_id")?))))
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// Whether the final has tasks and every one is signed off and locked.
pub async fn all_locked(db: &impl ConnectionTrait, stage_id: StageId) -> AppResult<bool> {
    let s = stage(db, stage_id).await?;
    let Some(session) = s.session_id else {
        return Ok(false);
    };
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT COUNT(*) AS n, COUNT(locked_at) AS locked FROM practical_tasks WHERE session_id = ?",
            [session.into()],
        ))
        .await?;
    let (n, locked): (i64, i64) = match row {
        Some(r) => (r.try_get("", "n")?, r.try_get("", "locked")?),
        None => (0, 0),
    };
    Ok(n > 0 && n == locked)
}

/// The final's finalists (qualified for the stage, accepted) with their groups.
pub async fn finalists(db: &impl ConnectionTrait, stage: StageId) -> AppResult<Vec<(i32, i32)>> {
    Ok(db
        .query_all_raw(stmt(
            db,
            "SELECT c.id, c.group_id FROM competition_stage_entries se \
             JOIN competition_contestants c ON c.id = se.contestant_id \
             WHERE se.stage_id = ? AND se.qualified_at IS NOT NULL AND c.status = 'accepted' \
             ORDER BY c.id",
            [stage.0.into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "group_id")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// The final's window.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PrepareInput {
    /// Window opens.
    pub starts_at: DateTime<Utc>,
    /// Window closes.
    pub ends_at: DateTime<Utc>,
    /// Venue (赛场), optional.
    #[serde(default)]
    pub venue: String,
}

/// What preparing made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Prepared {
    /// The final's exam session (set its practical part with PUT /api/sessions/{id}/practical).
    pub session_id: i32,
    /// Anonymous candidates made, one per finalist.
    pub candidates: usize,
}

/// A placeholder code for an anonymous candidate's ticket, name and ID number: random, so its
/// order (the draw's roster order) carries nothing.
fn placeholder(stage: i32) -> String {
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    let tail: String = bytes
        .iter()
        .map(|b| {
            let a = crate::practical::draw::CODE_ALPHABET;
            a[usize::from(*b) % a.len()] as char
        })
        .collect();
    format!("F{stage}-{tail}")
}

/// Makes the final's exam session (the theory stage's exam, the final's window, rooms sized to
/// the finalists) and one anonymous candidate per finalist in random order; once.
pub async fn prepare(
    db: &DatabaseConnection,
    actor: &Actor,
    stage_id: StageId,
    input: PrepareInput,
) -> AppResult<Prepared> {
    if input.ends_at <= input.starts_at {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidWindow,
            "the final must end after it starts",
        )
        .with_zh("结束时间须晚于开始时间"));
    }
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "competition_stages", stage_id.0).await?;
    let s = final_stage(&txn, stage_id).await?;
    if s.session_id.is_some() {
        return Err(AppError::conflict(
            ErrorCode::AlreadyExists,
            "the final's session is already made",
        )
        .with_zh("决赛场次已经生成"));
    }
    let exam_id: Option<i32> = txn
        .query_one_raw(stmt(
            &txn,
            "SELECT x.exam_id FROM competition_stages s JOIN exam_sessions x ON x.id = s.session_id \
             WHERE s.event_id = ? AND s.position < ? ORDER BY s.position DESC",
            [s.event_id.into(), s.position.into()],
        ))
        .await?
        .map(|r| r.try_get("", "exam_id"))
        .transpose()?;
    let exam_id = exam_id.ok_or_else(|| {
        AppError::conflict(
            ErrorCode::FinalNotPrepared,
            "no earlier stage of this event has a session to take the exam from",
        )
        .with_zh("本赛项前一阶段尚无考试场次，无法生成决赛场次")
    })?;
    let mut people = finalists(&txn, stage_id).await?;
    if people.is_empty() {
        return Err(AppError::conflict(
            ErrorCode::NotAFinalist,
            "the stage has no finalists yet (confirm the cut first)",
        )
        .with_zh("本阶段尚无入围选手（请先确认晋级名单）"));
    }
    people.shuffle(&mut rand::rng());
    let now = Utc::now();
    let rooms: Vec<(String, i32, String)> = (0..people.len().div_ceil(MAX_SEATS as usize))
        .map(|i| {
            let seats = (people.len() - i * MAX_SEATS as usize).min(MAX_SEATS as usize);
            (format!("决赛赛场{}", i + 1), seats as i32, String::new())
        })
        .collect();
    let (session, rooms) = crate::exam::repo::insert_session(
        &txn,
        session::ActiveModel {
            exam_id: Set(exam_id),
            name: Set(s.name.clone()),
            number: Set(String::new()),
            venue: Set(input.venue.trim().to_string()),
            starts_at: Set(input.starts_at),
            ends_at: Set(input.ends_at),
            created_by: Set(actor.id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
        rooms,
    )
    .await?;
    for (i, (_, group)) in people.iter().enumerate() {
        let room = &rooms[i / MAX_SEATS as usize];
        let code = placeholder(s.id);
        let c = candidate::ActiveModel {
            session_id: Set(session.id),
            ticket: Set(code.clone()),
            name: Set(code.clone()),
            id_number: Set(code),
            employer: Set(String::new()),
            phone: Set(String::new()),
            room_id: Set(room.id),
            seat: Set((i % MAX_SEATS as usize) as i32 + 1),
            created_at: Set(now),
            checked_in_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.execute_raw(stmt(
            &txn,
            "INSERT INTO competition_anon (candidate_id, stage_id, group_id) VALUES (?, ?, ?)",
            [c.id.into(), s.id.into(), (*group).into()],
        ))
        .await?;
    }
    txn.execute_raw(stmt(
        &txn,
        "UPDATE competition_stages SET session_id = ? WHERE id = ?",
        [session.id.into(), s.id.into()],
    ))
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.final_prepare",
        "competition_stage",
        &s.id.to_string(),
        json!({"session_id": session.id, "exam_id": exam_id, "finalists": people.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(Prepared {
        session_id: session.id,
        candidates: people.len(),
    })
}
