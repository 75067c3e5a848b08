//! The `marks` table: the short-answer marking queue and its marks.

use sea_orm::entity::prelude::*;

/// One answer to mark by hand.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "marks")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The attempt.
    pub attempt_id: i32,
    /// Its session.
    pub session_id: i32,
    /// The question.
    pub question_id: i32,
    /// The question version shown.
    pub version_id: i32,
    /// Paper section (0-based).
    pub section: i32,
    /// Points available.
    pub max_points: f64,
    /// Points given; none until marked.
    pub points: Option<f64>,
    /// The marker's comment.
    pub comment: String,
    /// Who marked it.
    pub marker_id: Option<i32>,
    /// When.
    pub marked_at: Option<DateTimeUtc>,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
