//! Attempts (one sitting of one candidate), their saved answers, events, the short-answer
//! marking queue, each session's frozen paper pool, and the release of a session's results.
//!
//! Times the save path compares (deadline, pause, save time) are Unix milliseconds in
//! BIGINT columns, so the guard in SQL compares numbers on both backends.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("session_snapshots")
                .col(integer("session_id").primary_key())
                .col(integer("exam_version"))
                .col(text("definition"))
                .col(text("pool"))
                .col(timestamp_with_time_zone("frozen_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("session_snapshots", "session_id")
                        .to("exam_sessions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("attempts")
                .col(pk_auto("id"))
                .col(integer("session_id"))
                .col(integer("candidate_id"))
                .col(integer("number"))
                .col(string("status"))
                .col(big_integer("seed"))
                .col(integer("algorithm_version"))
                .col(text("paper"))
                .col(integer("device_gen"))
                .col(big_integer("started_ms"))
                .col(big_integer("limit_ms"))
                .col(big_integer("extension_ms"))
                .col(big_integer("paused_ms"))
                .col(big_integer_null("paused_since_ms"))
                .col(big_integer("deadline_ms"))
                .col(big_integer_null("last_save_ms"))
                .col(big_integer_null("submitted_ms"))
                .col(string_null("submitted_by"))
                .col(double_null("score"))
                .col(double("max_score"))
                .col(boolean_null("passed"))
                .col(integer("pending_marks"))
                .col(text_null("result"))
                .foreign_key(
                    ForeignKey::create()
                        .from("attempts", "candidate_id")
                        .to("candidates", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_attempts_candidate_number")
                .table("attempts")
                .col("candidate_id")
                .col("number")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_attempts_status_deadline")
                .table("attempts")
                .col("status")
                .col("deadline_ms")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_attempts_session")
                .table("attempts")
                .col("session_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("answers")
                .col(integer("attempt_id"))
                .col(integer("question_id"))
                .col(text("response"))
                .col(big_integer("seq"))
                .col(big_integer("saved_ms"))
                .primary_key(Index::create().col("attempt_id").col("question_id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("answers", "attempt_id")
                        .to("attempts", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("attempt_events")
                .col(pk_auto("id"))
                .col(integer("attempt_id"))
                .col(big_integer("at_ms"))
                .col(string("kind"))
                .col(text("detail"))
                .foreign_key(
                    ForeignKey::create()
                        .from("attempt_events", "attempt_id")
                        .to("attempts", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_attempt_events_attempt")
                .table("attempt_events")
                .col("attempt_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("marks")
                .col(pk_auto("id"))
                .col(integer("attempt_id"))
                .col(integer("session_id"))
                .col(integer("question_id"))
                .col(integer("version_id"))
                .col(integer("section"))
                .col(double("max_points"))
                .col(double_null("points"))
                .col(text("comment"))
                .col(integer_null("marker_id"))
                .col(timestamp_with_time_zone_null("marked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("marks", "attempt_id")
                        .to("attempts", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_marks_attempt_question")
                .table("marks")
                .col("attempt_id")
                .col("question_id")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_marks_session")
                .table("marks")
                .col("session_id")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("exam_sessions")
                .add_column(timestamp_with_time_zone_null("results_released_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("exam_sessions")
                .drop_column("results_released_at")
                .to_owned(),
        )
        .await?;
        for t in [
            "marks",
            "attempt_events",
            "answers",
            "attempts",
            "session_snapshots",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
