//! The `practical_places` table: where and when a candidate does a task.

use sea_orm::entity::prelude::*;

/// A candidate's (task, slot, station).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_places")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The session.
    pub session_id: i32,
    /// The candidate.
    pub candidate_id: i32,
    /// The task.
    pub task_id: i32,
    /// Time slot (场次), from 1.
    pub slot: i32,
    /// Station (工位), from 1.
    pub station: i32,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
