//! The `exams` table.

use sea_orm::entity::prelude::*;

/// An exam definition row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exams")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Name (also inside the definition; here for lists).
    pub name: String,
    /// The checked [`super::definition::ExamDefinition`] as JSON.
    pub definition: String,
    /// 1, 2, 3, … one more on each saved change.
    pub version: i32,
    /// Who created it.
    pub created_by: Option<i32>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
