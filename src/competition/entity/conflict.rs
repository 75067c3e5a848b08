//! A conflict of interest a judge declared with a contestant.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_conflicts")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The competition.
    pub competition_id: i32,
    /// The judge (a staff user).
    pub judge_id: i32,
    /// The contestant.
    pub contestant_id: i32,
    /// Why.
    pub note: String,
    /// Declared.
    pub created_at: DateTimeUtc,
    /// Who recorded it.
    pub created_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
