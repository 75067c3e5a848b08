//! The `analytics_test_stats` table: a session's test statistics.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "analytics_test_stats")]
pub struct Model {
    /// The session.
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: i32,
    /// Sittings counted.
    pub persons: i32,
    /// Mean score, % of the maximum.
    pub mean: f64,
    /// SD, in %.
    pub sd: f64,
    /// Cronbach's α (KR-20 for dichotomous items).
    pub alpha: Option<f64>,
    /// Standard error of measurement, in %.
    pub sem: Option<f64>,
    /// `TestStats` as JSON.
    pub stats: String,
    /// Submitted attempts left out because answers still wait for a marker.
    pub left_out: i32,
    /// When computed.
    pub computed_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
