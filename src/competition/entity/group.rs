//! A group (组别) ranked on its own, e.g. 职工组 or 学生组.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_groups")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The competition.
    pub competition_id: i32,
    /// Order, from 0.
    pub position: i32,
    /// Name.
    pub name: String,
    /// One-letter code used in contestant numbers, e.g. `Z`.
    pub code: String,
    /// Eligibility rules (JSON).
    pub rules: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
