//! The `analytics_item_stats` table: one question version's statistics in one session.

use sea_orm::entity::prelude::*;

/// A row: the sortable figures as columns, the whole `ItemStats` and the flags as JSON.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "analytics_item_stats")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The session.
    pub session_id: i32,
    /// The question version.
    pub version_id: i32,
    /// The question.
    pub question_id: i32,
    /// Responses.
    pub n: i32,
    /// Facility p.
    pub facility: f64,
    /// Standard deviation of the item score (fraction of its points).
    pub sd: f64,
    /// Corrected item–rest correlation.
    pub item_rest_r: Option<f64>,
    /// Upper–lower D (27 % groups).
    pub upper_lower_d: Option<f64>,
    /// Moodle's discriminative efficiency.
    pub discriminative_efficiency: Option<f64>,
    /// Share left unanswered.
    pub omission_rate: f64,
    /// Mean seconds, when known.
    pub mean_seconds: Option<f64>,
    /// `ItemStats` as JSON.
    pub stats: String,
    /// `Vec<Flag>` as JSON.
    pub flags: String,
    /// When computed.
    pub computed_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
