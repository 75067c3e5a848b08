//! Declared conflicts of interest (回避): a judge (a staff user) who must not mark a contestant,
//! beyond the same-employer rule the practical engine applies by itself. Kept by organisers.

use super::entity::{conflict, contestant};
use super::{CompetitionId, ContestantId};
use crate::audit::{self, Actor};
use crate::auth::{Role, Roles};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

/// A conflict as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ConflictInput {
    /// The judge (a staff user with the judge role).
    pub judge_id: i32,
    /// The contestant (a registration of this competition).
    pub contestant_id: i32,
    /// Why, e.g. 曾为该选手的指导教师.
    #[serde(default)]
    pub note: String,
}

/// A declared conflict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConflictView {
    /// Id.
    pub id: i32,
    /// The judge.
    pub judge_id: i32,
    /// The judge's username.
    pub judge: String,
    /// The contestant.
    pub contestant_id: i32,
    /// The contestant's name.
    pub contestant: String,
    /// Why.
    pub note: String,
    /// Declared.
    pub created_at: DateTime<Utc>,
}

/// Every declared conflict of a competition.
pub async fn list(db: &impl ConnectionTrait, id: CompetitionId) -> AppResult<Vec<ConflictView>> {
    super::setup::find(db, id).await?;
    let rows = conflict::Entity::find()
        .filter(conflict::Column::CompetitionId.eq(id.0))
        .order_by_asc(conflict::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let judge = crate::auth::repo::find(db, r.judge_id)
            .await?
            .map(|u| u.username)
            .unwrap_or_default();
        let contestant = contestant::Entity::find_by_id(r.contestant_id)
            .one(db)
            .await?
            .map(|c| c.name)
            .unwrap_or_default();
        out.push(ConflictView {
            id: r.id,
            judge_id: r.judge_id,
            judge,
            contestant_id: r.contestant_id,
            contestant,
            note: r.note,
            created_at: r.created_at,
        });
    }
    Ok(out)
}

/// Declares a conflict (once per judge and contestant).
pub async fn add(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CompetitionId,
    input: ConflictInput,
) -> AppResult<ConflictView> {
    let note = input.note.trim().to_string();
    if note.chars().count() > 500 || crate::input::first_forbidden(&note).is_some() {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidBody,
            "the note needs at most 500 characters and no control characters",
        )
        .with_zh("说明最多 500 个字，且不能含控制字符"));
    }
    let txn = crate::db::begin_write(db).await?;
    super::setup::find(&txn, id).await?;
    let judge = crate::auth::repo::find(&txn, input.judge_id)
        .await?
        .filter(|u| Roles::from_stored(&u.roles).allows(Role::Judge))
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::UserNotFound,
                format!("user {} is not a judge", input.judge_id),
            )
            .with_zh("该用户不是裁判")
        })?;
    let c = super::registration::find(&txn, ContestantId(input.contestant_id)).await?;
    if c.competition_id != id.0 {
        return Err(AppError::not_found(
            ErrorCode::ContestantNotFound,
            "the contestant is not in this competition",
        )
        .with_zh("该选手不在本竞赛中"));
    }
    let dup = conflict::Entity::find()
        .filter(conflict::Column::JudgeId.eq(judge.id))
        .filter(conflict::Column::ContestantId.eq(c.id))
        .one(&txn)
        .await?;
    if dup.is_some() {
        return Err(AppError::conflict(
            ErrorCode::AlreadyExists,
            "this conflict is already declared",
        )
        .with_zh("已申报过该回避关系"));
    }
    let now = Utc::now();
    let row = conflict::ActiveModel {
        competition_id: Set(id.0),
        judge_id: Set(judge.id),
        contestant_id: Set(c.id),
        note: Set(note),
        created_at: Set(now),
        created_by: Set(actor.id),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.conflict.add",
        "competition_conflict",
        &row.id.to_string(),
        json!({"judge_id": judge.id, "contestant_id": c.id}),
    )
    .await?;
    txn.commit().await?;
    Ok(ConflictView {
        id: row.id,
        judge_id: judge.id,
        judge: judge.username,
        contestant_id: c.id,
        contestant: c.name,
        note: row.note,
        created_at: row.created_at,
    })
}

/// Removes a declared conflict.
pub async fn remove(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CompetitionId,
    conflict_id: i32,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let row = conflict::Entity::find_by_id(conflict_id)
        .one(&txn)
        .await?
        .filter(|r| r.competition_id == id.0)
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::NotFound, format!("no conflict {conflict_id}"))
                .with_zh("没有这条回避记录")
        })?;
    conflict::Entity::delete_by_id(row.id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "competition.conflict.remove",
        "competition_conflict",
        &row.id.to_string(),
        json!({"judge_id": row.judge_id, "contestant_id": row.contestant_id}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
