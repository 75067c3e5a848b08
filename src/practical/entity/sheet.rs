//! The `practical_sheets` table: a judge's sheet for one candidate on one task.

use sea_orm::entity::prelude::*;

/// A judge's sheet: submitted (signed by the login, time-stamped) or not.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_sheets")]
pub struct Model {
    /// The task.
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_id: i32,
    /// The candidate.
    #[sea_orm(primary_key, auto_increment = false)]
    pub candidate_id: i32,
    /// The judge.
    #[sea_orm(primary_key, auto_increment = false)]
    pub judge_id: i32,
    /// When the judge submitted it; none while open.
    pub submitted_at: Option<DateTimeUtc>,
    /// How many times it was submitted.
    pub submissions: i32,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
