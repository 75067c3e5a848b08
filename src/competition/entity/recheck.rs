//! A recheck (复核) round of a final: seed, selection and outcome.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_rechecks")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The final stage.
    pub stage_id: i32,
    /// 1 for the first recheck, up by one after each re-mark.
    pub round: i32,
    /// The sample's seed (a u64 as decimal text), so the selection re-derives.
    pub seed: String,
    /// JSON array of `{candidate_id, group_id, reason}` (anonymous candidates).
    pub selection: String,
    /// When it was started.
    pub started_at: DateTimeUtc,
    /// Who started it.
    pub started_by: Option<i32>,
    /// When it was finished.
    pub finished_at: Option<DateTimeUtc>,
    /// Who finished it.
    pub finished_by: Option<i32>,
    /// Sheets rechecked.
    pub sheets: Option<i32>,
    /// Sheets with at least one difference.
    pub wrong_sheets: Option<i32>,
    /// wrong_sheets / sheets.
    pub error_rate: Option<f64>,
    /// `` while open, `corrections` (at or under the limit) or `remark` (above it).
    pub outcome: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
