//! The `practical_mark_versions` table: every version of every judge's entry, never changed.

use sea_orm::entity::prelude::*;

/// One version of a judge's entry.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_mark_versions")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The task.
    pub task_id: i32,
    /// The candidate.
    pub candidate_id: i32,
    /// The judge whose entry it is.
    pub judge_id: i32,
    /// The aspect, from 0.
    pub aspect: i32,
    /// 1, 2, 3, …
    pub version: i32,
    /// The entry.
    pub entry: f64,
    /// Its points.
    pub mark: f64,
    /// `mark`, `remark` (after a spread flag) or `correction` (approved after the lock).
    pub cause: String,
    /// Who wrote it: the judge, or for a correction the approver.
    pub by_user: i32,
    /// When.
    pub at: DateTimeUtc,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
