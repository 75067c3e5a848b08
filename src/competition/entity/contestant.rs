//! A registration (报名) for an event; a contestant once accepted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_contestants")]
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
    /// The team, in a team event.
    pub team_id: Option<i32>,
    /// Name.
    pub name: String,
    /// ID-card number (18 characters, checked).
    pub id_number: String,
    /// Phone.
    pub phone: String,
    /// Employer or school.
    pub organisation: String,
    /// `employer` or `school` ([`crate::competition::OrgKind`]).
    pub org_kind: String,
    /// Team leader (领队) who answers for them.
    pub leader: String,
    /// Trainer (指导教师); a judge who trained them may not mark them.
    pub trainer: String,
    /// `pending`, `accepted`, `refused` or `withdrawn`.
    pub status: String,
    /// Why it was refused (empty otherwise).
    pub reason: String,
    /// Contestant number (参赛证号), given on acceptance.
    pub number: Option<String>,
    /// Registered.
    pub registered_at: DateTimeUtc,
    /// Who entered it.
    pub registered_by: Option<i32>,
    /// Reviewed.
    pub reviewed_at: Option<DateTimeUtc>,
    /// Who reviewed it.
    pub reviewed_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
