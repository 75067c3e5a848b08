//! A team leader's (领队) access code for one competition, stored as a hash.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_leader_codes")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The competition.
    pub competition_id: i32,
    /// The leader's name, as in the contestants' `leader` field.
    pub leader: String,
    /// SHA-256 of the code, hex.
    pub code_hash: String,
    /// Issued.
    pub created_at: DateTimeUtc,
    /// By whom.
    pub created_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
