//! An appeal's attachment, kept in the database.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_appeal_files")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The appeal.
    pub appeal_id: i32,
    /// The file name as given (cleaned).
    pub name: String,
    /// The media type sniffed from the bytes.
    pub mime: String,
    /// Size in bytes.
    pub size: i32,
    /// The bytes.
    pub bytes: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
