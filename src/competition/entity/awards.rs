//! Award policy versions and awards (issue 15).

/// The `competition_award_policies` table: one row per saved version.
pub mod policy {
    use sea_orm::entity::prelude::*;

    /// A policy version of an event.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "competition_award_policies")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// The event.
        pub event_id: i32,
        /// 1, 2, … per event.
        pub version: i32,
        /// The policy's JSON, as checked.
        pub body: String,
        /// Who saved it.
        pub created_by: Option<i32>,
        /// Saved.
        pub created_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `competition_awards` table.
pub mod award {
    use sea_orm::entity::prelude::*;

    /// One award to a contestant or a team.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "competition_awards")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// The final publication evaluated.
        pub publication_id: i32,
        /// The event.
        pub event_id: i32,
        /// The group.
        pub group_id: i32,
        /// The policy version's row.
        pub policy_id: i32,
        /// Its version.
        pub policy_version: i32,
        /// The contestant (individual events).
        pub contestant_id: Option<i32>,
        /// The team (team events).
        pub team_id: Option<i32>,
        /// 参赛证号 as published.
        pub number: String,
        /// Name as published (a team's with its members).
        pub name: String,
        /// Employer or school.
        pub organisation: String,
        /// An [`crate::competition::award_policy::AwardKind`] code.
        pub kind: String,
        /// Printed name, Chinese.
        pub label_zh: String,
        /// Printed name, English.
        pub label_en: String,
        /// The rank as published.
        pub rank: Option<i32>,
        /// Certificate type code to issue.
        pub certificate_type: Option<String>,
        /// Certificate number(s) once issued (a team's members', comma-separated).
        pub certificate_number: Option<String>,
        /// Evaluated.
        pub created_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
