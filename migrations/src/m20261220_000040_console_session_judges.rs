//! Judges assigned to a session by the console. A session with none may be marked by every
//! judge (as before); once judges are assigned, only they (and authors) mark it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("session_judges")
                .col(integer("session_id"))
                .col(integer("user_id"))
                .primary_key(Index::create().col("session_id").col("user_id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("session_judges", "session_id")
                        .to("exam_sessions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("session_judges", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("session_judges").to_owned())
            .await
    }
}
