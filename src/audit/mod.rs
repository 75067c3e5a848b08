//! The append-only audit log: who did what, when, to which thing.

pub mod entity;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;

/// Who did it: a staff user, or the system itself (start-up, command line).
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user id, none for the system.
    pub id: Option<i32>,
    /// Username or `system`.
    pub name: String,
}

impl Actor {
    /// The platform itself.
    pub fn system() -> Actor {
        Actor {
            id: None,
            name: "system".into(),
        }
    }
}

/// Appends one entry. Takes the caller's transaction so the entry commits with the change.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target_type: &str,
    target_id: &str,
    detail: Value,
) -> Result<(), DbErr> {
    entity::ActiveModel {
        at: Set(chrono::Utc::now()),
        actor_id: Set(actor.id),
        actor: Set(actor.name.clone()),
        action: Set(action.into()),
        target_type: Set(target_type.into()),
        target_id: Set(target_id.into()),
        detail: Set(detail.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// The newest entries first, optionally before an id (for paging) and for one target type.
pub async fn list(
    db: &impl ConnectionTrait,
    before: Option<i64>,
    target_type: Option<&str>,
    limit: u64,
) -> Result<Vec<entity::Model>, DbErr> {
    let mut q = entity::Entity::find().order_by_desc(entity::Column::Id);
    if let Some(b) = before {
        q = q.filter(entity::Column::Id.lt(b));
    }
    if let Some(t) = target_type {
        q = q.filter(entity::Column::TargetType.eq(t));
    }
    q.limit(limit).all(db).await
}
