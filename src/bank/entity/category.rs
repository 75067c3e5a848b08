//! The `categories` table: a tree per bank.

use sea_orm::entity::prelude::*;

/// A category.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "categories")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Its bank.
    pub bank_id: i32,
    /// Parent category, none at the top.
    pub parent_id: Option<i32>,
    /// Its own name.
    pub name: String,
    /// Full path from the top, levels joined by `/`.
    pub path: String,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
