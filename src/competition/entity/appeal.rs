//! An appeal (申诉) against a provisional result, with its decision.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_appeals")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The competition.
    pub competition_id: i32,
    /// The event.
    pub event_id: i32,
    /// The group.
    pub group_id: i32,
    /// The contestant the appeal is about.
    pub contestant_id: i32,
    /// The stage whose result is contested.
    pub stage_id: i32,
    /// The provisional publication it was filed against.
    pub publication_id: i32,
    /// The task (module) named, free text (may be empty).
    pub task: String,
    /// What is wrong.
    pub grounds: String,
    /// Filed.
    pub filed_at: DateTimeUtc,
    /// `contestant` or `leader`.
    pub filed_by_kind: String,
    /// Their name.
    pub filed_by_name: String,
    /// [`crate::competition::appeal_rules::AppealStatus`] code.
    pub status: String,
    /// Review started.
    pub review_at: Option<DateTimeUtc>,
    /// By whom.
    pub review_by: Option<i32>,
    /// The decision's reason (empty until decided).
    pub decision_reason: String,
    /// The practical correction that carries an upheld decision, if any.
    pub correction_id: Option<i32>,
    /// Decided.
    pub decided_at: Option<DateTimeUtc>,
    /// By whom.
    pub decided_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
