//! Review of questions (审核, issue 16): a bank's two-person rule, and the review record, one
//! row per lifecycle action on a question (submit, approve, return, flag, clear, retire, …), kept
//! with the version it was taken on, with who, when, the comment and, for a flag, its source.
//! The status itself stays on `questions.status`, so a decision writes no new content version.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Off by default: existing banks keep working as before until staff turn it on.
        m.alter_table(
            Table::alter()
                .table("banks")
                .add_column(boolean("review_required").default(false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("question_reviews")
                .col(pk_auto("id"))
                .col(integer("question_id"))
                .col(integer("version"))
                .col(string_len("action", 16))
                .col(string_len("from_status", 16))
                .col(string_len("to_status", 16))
                // staff, statistics or appeal (flags); staff for every other action.
                .col(string_len("source", 16))
                .col(text("comment"))
                .col(integer_null("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("question_reviews", "question_id")
                        .to("questions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("question_reviews_question")
                .table("question_reviews")
                .col("question_id")
                .col("version")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("question_reviews").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("banks")
                .drop_column("review_required")
                .to_owned(),
        )
        .await
    }
}
