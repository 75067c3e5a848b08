//! A contestant in a stage: seated (the first stage) or qualified by a confirmed cut.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_stage_entries")]
pub struct Model {
    /// The stage.
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage_id: i32,
    /// The contestant.
    #[sea_orm(primary_key, auto_increment = false)]
    pub contestant_id: i32,
    /// The exam candidate in a theory stage's session; never set for a practical stage, whose candidates are anonymous.
    pub candidate_id: Option<i32>,
    /// When they were admitted to the stage.
    pub qualified_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
