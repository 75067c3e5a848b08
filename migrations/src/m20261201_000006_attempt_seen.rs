//! When each attempt's tablet was last heard from (heartbeats update it; no row per heartbeat).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("attempts")
                .add_column(big_integer_null("last_seen_ms"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("attempts")
                .drop_column("last_seen_ms")
                .to_owned(),
        )
        .await
    }
}
