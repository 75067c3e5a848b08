//! A competition (竞赛).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "competitions")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Name, e.g. 平安城市-智慧守护智能安防职业技能竞赛.
    pub name: String,
    /// Short ASCII code used in contestant numbers, e.g. `PACS26`.
    pub code: String,
    /// First day of the competition: age limits are computed on it.
    pub held_on: DateTimeUtc,
    /// Highest weight a theory stage may have (the rules cap theory at 30 %).
    pub theory_cap: f64,
    /// Registered schools (JSON array of names) a student group may admit.
    pub schools: String,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
