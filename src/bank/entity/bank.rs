//! The `banks` table.

use sea_orm::entity::prelude::*;

/// A question bank.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "banks")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Short unique code used in URLs, e.g. `LAW`.
    pub code: String,
    /// Name, e.g. 安全技术防范法规.
    pub name: String,
    /// What it covers.
    pub description: String,
    /// Generated for benchmarks; never drawn into real exams.
    pub synthetic: bool,
    /// The two-person rule (二人审核): a question is drawn only once someone other than its
    /// author approved it.
    pub review_required: bool,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
