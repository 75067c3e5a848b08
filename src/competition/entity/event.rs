//! An event (赛项) of a competition.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_events")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The competition.
    pub competition_id: i32,
    /// Order, from 0.
    pub position: i32,
    /// Name, e.g. 视频监控系统安装与调试.
    pub name: String,
    /// Short code used in contestant numbers, e.g. `A`.
    pub code: String,
    /// `individual` or `team` ([`crate::competition::EventKind`]).
    pub kind: String,
    /// Members per team (1 for an individual event).
    pub team_size: i32,
    /// How a team scores: `sum` or `mean` of its members ([`crate::competition::TeamScore`]).
    pub team_score: String,
    /// The tie chain: JSON array of [`crate::competition::TieKey`] codes.
    pub tie_chain: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
