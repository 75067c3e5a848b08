//! The `practical_codes` table: a candidate's work code (检录号), given at check-in.

use sea_orm::entity::prelude::*;

/// A checked-in candidate's work code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_codes")]
pub struct Model {
    /// The candidate.
    #[sea_orm(primary_key, auto_increment = false)]
    pub candidate_id: i32,
    /// The session.
    pub session_id: i32,
    /// The work code judges see instead of the name.
    pub code: String,
    /// Order of check-in, from 0: the lot drawn at check-in is the place at this position of
    /// the seeded draw.
    pub draw_order: i32,
    /// When the candidate checked in.
    pub checked_in_at: DateTimeUtc,
    /// Who checked them in.
    pub checked_in_by: Option<i32>,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
