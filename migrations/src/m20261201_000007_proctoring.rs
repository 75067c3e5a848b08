//! Proctoring: candidates' check-in, each attempt's question count (for the room view without
//! reading papers), and incident notes on a candidate or a room.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("candidates")
                .add_column(timestamp_with_time_zone_null("checked_in_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("attempts")
                .add_column(integer("question_count").default(0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("incidents")
                .col(pk_auto("id"))
                .col(integer("session_id"))
                .col(integer_null("room_id"))
                .col(integer_null("attempt_id"))
                .col(integer_null("candidate_id"))
                .col(string("kind"))
                .col(text("text"))
                .col(boolean("open"))
                .col(integer_null("author_id"))
                .col(string("author"))
                .col(big_integer("at_ms"))
                .col(big_integer_null("closed_ms"))
                .foreign_key(
                    ForeignKey::create()
                        .from("incidents", "session_id")
                        .to("exam_sessions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_incidents_session")
                .table("incidents")
                .col("session_id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("incidents").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("attempts")
                .drop_column("question_count")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("candidates")
                .drop_column("checked_in_at")
                .to_owned(),
        )
        .await
    }
}
