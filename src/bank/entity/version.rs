//! The `question_versions` table: every version of every question, never changed once written,
//! so an attempt that used version N keeps seeing version N.

use sea_orm::entity::prelude::*;

/// One version of a question.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "question_versions")]
pub struct Model {
    /// Id (what attempts will refer to).
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The question.
    pub question_id: i32,
    /// 1, 2, 3, …
    pub version: i32,
    /// The question body as JSON.
    pub body: String,
    /// Content fingerprint, to tell whether a re-import changes anything.
    pub fingerprint: String,
    /// The user who wrote it, none for imports by the system.
    pub created_by: Option<i32>,
    /// Written.
    pub created_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
