//! The `exam_sessions` table.

use sea_orm::entity::prelude::*;

/// A session (期/场次) of an exam.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exam_sessions")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The exam sat.
    pub exam_id: i32,
    /// Name, e.g. 安防从业人员继续教育培训.
    pub name: String,
    /// Number, e.g. 第七十四期.
    pub number: String,
    /// Venue (站), e.g. 广州站.
    pub venue: String,
    /// Window opens.
    pub starts_at: DateTimeUtc,
    /// Window closes.
    pub ends_at: DateTimeUtc,
    /// Who created it.
    pub created_by: Option<i32>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
    /// When staff released the results to candidates; none until then.
    pub results_released_at: Option<DateTimeUtc>,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
