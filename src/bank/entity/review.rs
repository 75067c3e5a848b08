//! The `question_reviews` table: every lifecycle action on a question, kept with the version it
//! was taken on (submit, approve, return, flag, clear, retire, reopen, publish, edit).
use sea_orm::entity::prelude::*;

/// One action.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "question_reviews")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The question.
    pub question_id: i32,
    /// The version it concerns.
    pub version: i32,
    /// Action code (see `bank::lifecycle::Action`, plus `edit` for a new version).
    pub action: String,
    /// Status before.
    pub from_status: String,
    /// Status after.
    pub to_status: String,
    /// staff, statistics or appeal.
    pub source: String,
    /// The comment or reason (may be empty where none is required).
    pub comment: String,
    /// Who (none: the system).
    pub user_id: Option<i32>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
