//! The `users` table.

use sea_orm::entity::prelude::*;

/// A staff account row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Login name, unique, lowercase.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// Comma-separated role codes.
    pub roles: String,
    /// A disabled account cannot log in and its tokens stop working.
    pub disabled: bool,
    /// Tokens carry the generation they were issued at; moving it on ends them all.
    pub token_generation: i32,
    /// Employer or school (工作单位/学校): a judge never marks a candidate from it.
    pub affiliation: String,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
