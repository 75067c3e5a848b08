//! The `media` table: images used in stems, stored once by content hash.

use sea_orm::entity::prelude::*;

/// A stored file.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    /// Hex SHA-256 of the bytes.
    #[sea_orm(primary_key, auto_increment = false)]
    pub sha256: String,
    /// MIME type.
    pub mime: String,
    /// Size in bytes.
    pub size: i64,
    /// The bytes.
    pub data: Vec<u8>,
    /// First stored.
    pub created_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
