//! A stage of an event (e.g. 理论初赛, 实操决赛), run as an exam session.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_stages")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The event.
    pub event_id: i32,
    /// Order, from 0.
    pub position: i32,
    /// Name.
    pub name: String,
    /// `theory` or `practical` ([`crate::competition::StageKind`]).
    pub kind: String,
    /// Weight in the total (stage scores are out of 100).
    pub weight: f64,
    /// The exam session that runs it, once made.
    pub session_id: Option<i32>,
    /// The qualifying cut that admits to this stage from the one before: `none` (the first
    /// stage's), `top_n`, `top_percent` or `score_line`.
    pub cut_kind: String,
    /// The cut's number (N, percent or score line).
    pub cut_value: f64,
    /// When staff confirmed the cut list.
    pub cut_confirmed_at: Option<DateTimeUtc>,
    /// Who confirmed it.
    pub cut_confirmed_by: Option<i32>,
    /// 加密裁判: holds the first layer of codes (a practical stage).
    pub encryptor_id: Option<i32>,
    /// 监督: holds the second layer of codes (a practical stage).
    pub supervisor_id: Option<i32>,
    /// Recheck: everyone ranked this high in each group is rechecked.
    pub recheck_top: i32,
    /// Recheck: share of the others sampled (0.15 = 15 %).
    pub recheck_share: f64,
    /// Recheck: error rate above which the whole event is re-marked.
    pub recheck_error_limit: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
