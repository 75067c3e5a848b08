//! The `practical_flags` table: a judgement aspect the panel disagrees on beyond the spread.

use sea_orm::entity::prelude::*;

/// A spread flag on one aspect of one candidate's task.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_flags")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The task.
    pub task_id: i32,
    /// The candidate.
    pub candidate_id: i32,
    /// The aspect, from 0.
    pub aspect: i32,
    /// How far apart the levels were when it was raised (highest − lowest).
    pub spread: f64,
    /// Raised.
    pub raised_at: DateTimeUtc,
    /// Cleared by re-marks within the spread; none while open.
    pub cleared_at: Option<DateTimeUtc>,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
