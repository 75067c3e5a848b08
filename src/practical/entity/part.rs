//! The `practical_parts` table: a session's practical part.

use sea_orm::entity::prelude::*;

/// A session's practical part.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_parts")]
pub struct Model {
    /// The session.
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: i32,
    /// Stations (工位) per task.
    pub stations: i32,
    /// Time slots (场次) the schedule may use.
    pub slots: i32,
    /// Length of a slot in minutes.
    pub slot_minutes: i32,
    /// When the first slot starts (slots follow each other).
    pub first_slot_at: Option<DateTimeUtc>,
    /// `check_in` or `schedule` ([`crate::practical::DrawMode`]).
    pub draw_mode: String,
    /// The lot draw's seed, once drawn (recorded so the draw can be re-derived).
    pub draw_seed: Option<i64>,
    /// When the draw was made.
    pub drawn_at: Option<DateTimeUtc>,
    /// Who made it.
    pub drawn_by: Option<i32>,
    /// Pass line of the practical part, out of 100.
    pub pass_line: f64,
    /// The pass rule (`each_part`).
    pub rule: String,
    /// A competition final marked by code: judges wait for the final codes and nothing lists
    /// the candidates' codes or places.
    pub anonymous: bool,
    /// When the marking codes were made final (二次加密); marking of an anonymous part waits
    /// for it.
    pub codes_final_at: Option<DateTimeUtc>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
