//! Which sessions have a practical part, as the exam knows it (issue 13): the practical setup
//! declares it, so a candidate of such a session is never final (nor passed) on the theory
//! alone, even before any practical result is recorded.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("session_practical")
                .col(integer("session_id").primary_key())
                .col(timestamp_with_time_zone("declared_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("session_practical", "session_id")
                        .to("exam_sessions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("session_practical").to_owned())
            .await
    }
}
