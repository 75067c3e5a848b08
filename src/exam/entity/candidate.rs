//! The `candidates` table.

use sea_orm::entity::prelude::*;

/// A candidate of a session, with ticket, room and seat.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "candidates")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Its session.
    pub session_id: i32,
    /// Ticket number (准考证号), unique.
    pub ticket: String,
    /// Name.
    pub name: String,
    /// ID number, checked on entry; shown masked.
    pub id_number: String,
    /// Employer.
    pub employer: String,
    /// Mobile phone.
    pub phone: String,
    /// Room.
    pub room_id: i32,
    /// Seat number in the room, from 1.
    pub seat: i32,
    /// Added.
    pub created_at: DateTimeUtc,
    /// When a proctor checked the candidate in (admitted to the room).
    pub checked_in_at: Option<DateTimeUtc>,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
