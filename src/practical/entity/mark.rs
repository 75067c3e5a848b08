//! The `practical_marks` table: a judge's current entry for one aspect of one candidate's task;
//! every version is in `practical_mark_versions`.

use sea_orm::entity::prelude::*;

/// A judge's current entry for an aspect.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_marks")]
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
    /// The aspect's position in the scheme, from 0.
    #[sea_orm(primary_key, auto_increment = false)]
    pub aspect: i32,
    /// What the judge entered (level, met/not met, deviation or occurrences).
    pub entry: f64,
    /// What it is worth in points (for a deduction: the points taken off).
    pub mark: f64,
    /// 1 for the first entry, up by one for each change.
    pub version: i32,
    /// The tablet's sequence number of the save that wrote it.
    pub client_seq: i64,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
