//! The `analytics_settings` table: one row (id 1) of thresholds and minimums.

use sea_orm::entity::prelude::*;

/// The row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "analytics_settings")]
pub struct Model {
    /// Always 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// `flags::Thresholds` as JSON (its `min_responses`: fewest responses before flags count).
    pub thresholds: String,
    /// Fewest responses before an item is calibrated.
    pub min_responses_calibration: i32,
    /// Flag questions for review automatically when statistics are recorded.
    pub auto_flag: bool,
    /// When last changed.
    pub updated_at: DateTimeUtc,
    /// By whom.
    pub updated_by: Option<i32>,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
