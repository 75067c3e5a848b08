//! The `candidate_practical` table: a candidate's practical part result, recorded by the
//! practical engine and read by the outcome with the theory result.

use sea_orm::entity::prelude::*;

/// A candidate's practical part result.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "candidate_practical")]
pub struct Model {
    /// The candidate.
    #[sea_orm(primary_key, auto_increment = false)]
    pub candidate_id: i32,
    /// Their session.
    pub session_id: i32,
    /// The practical score out of 100 (weighted over the tasks).
    pub score: f64,
    /// The tasks' scores, JSON of [`crate::exam::practical_part::TaskScore`]s.
    pub tasks: String,
    /// Every task is locked: the score is final.
    #[sea_orm(column_name = "final")]
    pub final_: bool,
    /// The practical part is passed (final and at or above the pass line).
    pub passed: bool,
    /// Last recorded.
    pub updated_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
