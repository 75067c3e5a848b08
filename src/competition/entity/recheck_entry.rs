//! One aspect of a sheet as the recheck team re-entered it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_recheck_entries")]
pub struct Model {
    /// The recheck.
    #[sea_orm(primary_key, auto_increment = false)]
    pub recheck_id: i32,
    /// The anonymous practical candidate.
    #[sea_orm(primary_key, auto_increment = false)]
    pub candidate_id: i32,
    /// The task.
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_id: i32,
    /// The judge whose sheet is rechecked.
    #[sea_orm(primary_key, auto_increment = false)]
    pub judge_id: i32,
    /// The aspect, from 0.
    #[sea_orm(primary_key, auto_increment = false)]
    pub aspect: i32,
    /// The entry as re-entered.
    pub entry: f64,
    /// Who entered it.
    pub entered_by: i32,
    /// When.
    pub entered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
