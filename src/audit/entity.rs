//! The `audit_log` table.

use sea_orm::entity::prelude::*;

/// One audit entry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// Id, increasing.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// When.
    pub at: DateTimeUtc,
    /// The acting user, none for the system.
    pub actor_id: Option<i32>,
    /// Username or `system`.
    pub actor: String,
    /// What was done, e.g. `user.create`, `question.update`, `bank.import`.
    pub action: String,
    /// Kind of thing acted on, e.g. `user`, `question`, `bank`.
    pub target_type: String,
    /// Its id or code.
    pub target_id: String,
    /// JSON with the specifics.
    pub detail: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
