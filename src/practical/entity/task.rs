//! The `practical_tasks` table: one task of a session's practical part.

use sea_orm::entity::prelude::*;

/// A task of a practical part.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_tasks")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The session.
    pub session_id: i32,
    /// Order within the part, from 0.
    pub position: i32,
    /// The bank question (a practical task).
    pub question_id: i32,
    /// The question's version whose scheme is marked (frozen when the task is set).
    pub version_id: i32,
    /// Weight in the practical score.
    pub weight: f64,
    /// Judges on the panel (recorded when set).
    pub panel_size: i32,
    /// `mean`, `trimmed_mean` or `median` ([`crate::practical::Aggregation`]).
    pub aggregation: String,
    /// Allowed spread of a judgement aspect on the 0–3 scale.
    pub spread: f64,
    /// The head judge (考评组长), one of the panel.
    pub head_judge_id: Option<i32>,
    /// Who signed the task off.
    pub signed_off_by: Option<i32>,
    /// When it was signed off and locked.
    pub locked_at: Option<DateTimeUtc>,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
