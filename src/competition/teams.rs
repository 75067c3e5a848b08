//! Teams (团队) of a team event: registered together, exactly the event's team size, all in one
//! group, in one transaction; one member failing a rule or already registered refuses the team.

use super::entity::{contestant, team};
use super::registration::{self, Ctx, FieldError, Registration, RegistrationInput};
use super::{CompetitionId, EventId, EventKind, GroupId, RegistrationStatus};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashSet;
use utoipa::ToSchema;

/// A member of a team as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct MemberInput {
    /// 姓名.
    pub name: String,
    /// 身份证号.
    pub id_number: String,
    /// 手机号.
    #[serde(default)]
    pub phone: String,
    /// 工作单位/学校 (the team's when empty).
    #[serde(default)]
    pub organisation: String,
    /// 指导教师.
    #[serde(default)]
    pub trainer: String,
}

/// A team as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TeamInput {
    /// The (team) event.
    pub event_id: i32,
    /// The group all members enter.
    pub group_id: i32,
    /// Team name, e.g. 广州安防一队.
    pub name: String,
    /// 领队.
    #[serde(default)]
    pub leader: String,
    /// 工作单位/学校 of the members who give none.
    #[serde(default)]
    pub organisation: String,
    /// `employer` or `school` (the group's when absent).
    #[serde(default)]
    pub org_kind: Option<String>,
    /// Exactly the event's team size.
    pub members: Vec<MemberInput>,
}

/// A team with its members.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamView {
    /// Id.
    pub id: i32,
    /// Event.
    pub event_id: i32,
    /// Group.
    pub group_id: i32,
    /// Name.
    pub name: String,
    /// 领队.
    pub leader: String,
    /// Members.
    pub members: Vec<Registration>,
}

/// 422 `team_size_mismatch`.
pub fn size_mismatch(team: &str, given: usize, size: i32) -> AppError {
    AppError::unprocessable(
        ErrorCode::TeamSizeMismatch,
        format!("team {team:?} has {given} members; the event's teams have {size}"),
    )
    .with_zh(format!(
        "团队“{team}”有 {given} 名成员，本赛项每队须为 {size} 人"
    ))
}

/// Checks a team's name (pure): 1–50 characters, no control characters.
pub fn team_name(s: &str) -> AppResult<String> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 50 || crate::input::first_forbidden(t).is_some() {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidBody,
            "a team name needs 1–50 characters",
        )
        .with_zh("团队名称须为 1–50 个字"));
    }
    Ok(t.to_string())
}

/// Registers a team (all pending) in one transaction.
pub async fn register_team(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CompetitionId,
    input: TeamInput,
) -> AppResult<TeamView> {
    let name = team_name(&input.name)?;
    let txn = crate::db::begin_write(db).await?;
    let ctx = Ctx::load(&txn, id).await?;
    let (event, group) = ctx.place(EventId(input.event_id), GroupId(input.group_id))?;
    if event.kind != EventKind::Team {
        return Err(AppError::unprocessable(
            ErrorCode::TeamSizeMismatch,
            format!("{} is an individual event", event.name),
        )
        .with_zh(format!("“{}”是个人赛项，不能以团队报名", event.name)));
    }
    if input.members.len() != event.team_size as usize {
        return Err(size_mismatch(&name, input.members.len(), event.team_size));
    }
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    for (i, m) in input.members.iter().enumerate() {
        let raw = RegistrationInput {
            event_id: input.event_id,
            group_id: input.group_id,
            name: m.name.clone(),
            id_number: m.id_number.clone(),
            phone: m.phone.clone(),
            organisation: if m.organisation.trim().is_empty() {
                input.organisation.clone()
            } else {
                m.organisation.clone()
            },
            org_kind: input.org_kind.clone(),
            leader: input.leader.clone(),
            trainer: m.trainer.clone(),
        };
        let e = registration::check_entry(&raw, group.eligibility.org_kind).map_err(|f| {
            FieldError {
                column: format!("第 {} 名成员 {}", i + 1, f.column),
                ..f
            }
            .into_error()
        })?;
        let refusals = ctx.refusals(group, &e);
        if !refusals.is_empty() {
            return Err(registration::ineligible(&e.name, &refusals));
        }
        if !seen.insert(e.id_number.as_str().to_string()) {
            return Err(registration::duplicate(&e.name));
        }
        entries.push(e);
    }
    crate::db::lock_row(&txn, "competitions", id.0).await?;
    let existing = registration::existing_in_event(&txn, event.id).await?;
    for e in &entries {
        // Unlike a single registration, a refused member is not re-sent with a new team: the
        // old row would stay in the old team.
        if existing.contains_key(e.id_number.as_str()) {
            return Err(registration::duplicate(&e.name));
        }
    }
    let taken = team::Entity::find()
        .filter(team::Column::EventId.eq(event.id.0))
        .filter(team::Column::Name.eq(name.clone()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::conflict(
            ErrorCode::AlreadyExists,
            format!("a team named {name:?} is already in the event"),
        )
        .with_zh(format!("本赛项已有名为“{name}”的团队")));
    }
    let now = Utc::now();
    let leader = entries
        .first()
        .map(|e| e.leader.clone())
        .unwrap_or_default();
    let t = team::ActiveModel {
        event_id: Set(event.id.0),
        group_id: Set(group.id.0),
        name: Set(name.clone()),
        leader: Set(leader),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut members = Vec::new();
    for e in &entries {
        let row = registration::new_row(id, event.id, group.id, Some(t.id), e, actor, now)
            .insert(&txn)
            .await?;
        members.push(Registration::of(row, true, Some(name.clone())));
    }
    audit::record(
        &txn,
        actor,
        "competition.register_team",
        "competition_team",
        &t.id.to_string(),
        json!({"competition_id": id.0, "event_id": event.id.0, "group_id": group.id.0, "name": name, "members": members.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(TeamView {
        id: t.id,
        event_id: t.event_id,
        group_id: t.group_id,
        name: t.name,
        leader: t.leader,
        members,
    })
}

/// The teams of an event with their members (ID numbers masked unless `full`); withdrawn and
/// refused teams included, their members' status says so.
pub async fn list(
    db: &impl ConnectionTrait,
    event: EventId,
    full: bool,
) -> AppResult<Vec<TeamView>> {
    let teams = team::Entity::find()
        .filter(team::Column::EventId.eq(event.0))
        .order_by_asc(team::Column::Id)
        .all(db)
        .await?;
    let members = contestant::Entity::find()
        .filter(contestant::Column::EventId.eq(event.0))
        .filter(contestant::Column::TeamId.is_not_null())
        .order_by_asc(contestant::Column::Id)
        .all(db)
        .await?;
    Ok(teams
        .into_iter()
        .map(|t| TeamView {
            members: members
                .iter()
                .filter(|m| m.team_id == Some(t.id))
                .map(|m| Registration::of(m.clone(), full, Some(t.name.clone())))
                .collect(),
            id: t.id,
            event_id: t.event_id,
            group_id: t.group_id,
            name: t.name,
            leader: t.leader,
        })
        .collect())
}

/// Whether every member of a team is accepted (a team competes only whole).
pub fn complete(members: &[Registration], size: i32) -> bool {
    members.len() == size as usize
        && members
            .iter()
            .all(|m| m.status == RegistrationStatus::Accepted.as_str())
}
