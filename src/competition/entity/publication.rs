//! A publication of an event group's results: provisional (公示) or final.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_publications")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The event.
    pub event_id: i32,
    /// The group.
    pub group_id: i32,
    /// 1, 2, … per event and group.
    pub version: i32,
    /// `provisional` or `final`.
    pub state: String,
    /// The ranking as published (JSON of `standings::Ranking`).
    #[sea_orm(column_type = "Text")]
    pub ranking: String,
    /// What changed since the previous version (JSON of `Vec<RowChange>`).
    #[sea_orm(column_type = "Text")]
    pub changes: String,
    /// Why it was published (staff's words).
    pub reason: String,
    /// When.
    pub published_at: DateTimeUtc,
    /// By whom.
    pub published_by: Option<i32>,
    /// When the appeal window closes (provisional only).
    pub appeal_closes_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
