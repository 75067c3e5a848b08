//! Exam sessions (期/场次), their rooms (考场) with proctors, and candidates with tickets and seats.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("exam_sessions")
                .col(pk_auto("id"))
                .col(integer("exam_id"))
                .col(string("name"))
                .col(string("number"))
                .col(string("venue"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("exam_sessions", "exam_id")
                        .to("exams", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("rooms")
                .col(pk_auto("id"))
                .col(integer("session_id"))
                .col(string("name"))
                .col(integer("seats"))
                .col(string("proctors"))
                .foreign_key(
                    ForeignKey::create()
                        .from("rooms", "session_id")
                        .to("exam_sessions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("candidates")
                .col(pk_auto("id"))
                .col(integer("session_id"))
                .col(string("ticket"))
                .col(string("name"))
                .col(string("id_number"))
                .col(string("employer"))
                .col(string("phone"))
                .col(integer("room_id"))
                .col(integer("seat"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("candidates", "session_id")
                        .to("exam_sessions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("candidates", "room_id")
                        .to("rooms", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ux_candidates_ticket", vec!["ticket"]),
            (
                "ux_candidates_session_id_number",
                vec!["session_id", "id_number"],
            ),
            ("ux_candidates_room_seat", vec!["room_id", "seat"]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table("candidates").unique();
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["candidates", "rooms", "exam_sessions"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
