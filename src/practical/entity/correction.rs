//! The `practical_corrections` table: a change to a locked mark, asked for by the head judge
//! and decided by a second person.

use sea_orm::entity::prelude::*;

/// A correction request.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_corrections")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The task.
    pub task_id: i32,
    /// The candidate.
    pub candidate_id: i32,
    /// The judge whose entry changes.
    pub judge_id: i32,
    /// The aspect, from 0.
    pub aspect: i32,
    /// The new entry.
    pub entry: f64,
    /// Why.
    pub reason: String,
    /// The head judge who asked.
    pub requested_by: i32,
    /// When.
    pub requested_at: DateTimeUtc,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// Who decided.
    pub decided_by: Option<i32>,
    /// When.
    pub decided_at: Option<DateTimeUtc>,
    /// The decider's note.
    pub decision_note: String,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
