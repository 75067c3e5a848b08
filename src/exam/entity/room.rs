//! The `rooms` table.

use sea_orm::entity::prelude::*;

/// A room (考场) of a session.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rooms")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Its session.
    pub session_id: i32,
    /// Name, e.g. 第一考场.
    pub name: String,
    /// Numbered seats, 1..=seats.
    pub seats: i32,
    /// Ids of the proctors assigned, comma-separated.
    pub proctors: String,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
