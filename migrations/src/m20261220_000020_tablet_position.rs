//! Where a candidate is on their paper (the flagged questions and the current one), kept on the
//! server so both follow the candidate to a new tablet.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("attempt_positions")
                .col(integer("attempt_id").primary_key())
                .col(text("flags"))
                .col(integer_null("current_question"))
                .col(big_integer("updated_ms"))
                .foreign_key(
                    ForeignKey::create()
                        .from("attempt_positions", "attempt_id")
                        .to("attempts", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("attempt_positions").to_owned())
            .await
    }
}
