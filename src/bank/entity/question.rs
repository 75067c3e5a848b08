//! The `questions` table: one row per question, with the searchable fields of its current
//! version; the full content of every version is in `question_versions`.

use sea_orm::entity::prelude::*;

/// A question's current state.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "questions")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Its bank.
    pub bank_id: i32,
    /// Identifier within the bank.
    pub ident: String,
    /// Its category.
    pub category_id: Option<i32>,
    /// Kind code.
    pub kind: String,
    /// Status code.
    pub status: String,
    /// Author difficulty 1–5.
    pub difficulty: i16,
    /// Default points.
    pub points: f64,
    /// Stem text (for search and lists).
    pub stem: String,
    /// The current version number.
    pub version: i32,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
