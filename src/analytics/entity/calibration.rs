//! The `analytics_calibrations` table: Rasch calibrations of question versions (history; the
//! newest per version counts).

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "analytics_calibrations")]
pub struct Model {
    /// Id (later calibrations have larger ids).
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The question version.
    pub version_id: i32,
    /// The question.
    pub question_id: i32,
    /// Difficulty b, logits.
    pub b: f64,
    /// Its standard error.
    pub se: f64,
    /// Infit mean square.
    pub infit: f64,
    /// Outfit mean square.
    pub outfit: f64,
    /// Responses it rests on.
    pub n: i32,
    /// When.
    pub calibrated_at: DateTimeUtc,
    /// Session ids it ran over, as a JSON array.
    pub sessions: String,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
