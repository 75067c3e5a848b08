//! An extra appeal staff allow a contestant on a stage.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_appeal_grants")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The contestant.
    pub contestant_id: i32,
    /// The stage.
    pub stage_id: i32,
    /// Why.
    pub reason: String,
    /// When.
    pub granted_at: DateTimeUtc,
    /// By whom.
    pub granted_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
