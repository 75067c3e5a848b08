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

/// Which entries to list; every field present narrows the list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Entries older than this id (paging).
    pub before: Option<i64>,
    /// Only this kind of target (`user`, `bank`, `question`, …).
    pub target_type: Option<String>,
    /// Only this actor (username, or `system`).
    pub actor: Option<String>,
    /// Only actions starting with this (`session.` or `session.create`).
    pub action: Option<String>,
    /// Only entries about this session (the session itself, or things whose detail names it).
    pub session: Option<i32>,
    /// At or after.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before.
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// The newest entries first, at most `limit`.
pub async fn list(
    db: &impl ConnectionTrait,
    f: &Filter,
    limit: u64,
) -> Result<Vec<entity::Model>, DbErr> {
    use sea_orm::Condition;
    let mut q = entity::Entity::find().order_by_desc(entity::Column::Id);
    if let Some(b) = f.before {
        q = q.filter(entity::Column::Id.lt(b));
    }
    if let Some(t) = &f.target_type {
        q = q.filter(entity::Column::TargetType.eq(t.as_str()));
    }
    if let Some(a) = &f.actor {
        q = q.filter(entity::Column::Actor.eq(a.as_str()));
    }
    if let Some(a) = &f.action {
        q = q.filter(entity::Column::Action.starts_with(a.as_str()));
    }
    if let Some(s) = f.session {
        q = q.filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(entity::Column::TargetType.eq("session"))
                        .add(entity::Column::TargetId.eq(s.to_string())),
                )
                .add(entity::Column::Detail.like(format!("%\"session_id\":{s},%")))
                .add(entity::Column::Detail.like(format!("%\"session_id\":{s}}}%"))),
        );
    }
    if let Some(t) = f.from {
        q = q.filter(entity::Column::At.gte(t));
    }
    if let Some(t) = f.to {
        q = q.filter(entity::Column::At.lt(t));
    }
    q.limit(limit).all(db).await
}
