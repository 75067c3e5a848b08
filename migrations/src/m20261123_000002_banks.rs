//! Question banks, categories, stored images, questions and their versions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("banks")
                .col(pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(text("description"))
                .col(boolean("synthetic").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("categories")
                .col(pk_auto("id"))
                .col(integer("bank_id"))
                .col(integer_null("parent_id"))
                .col(string("name"))
                .col(string("path"))
                .foreign_key(
                    ForeignKey::create()
                        .from("categories", "bank_id")
                        .to("banks", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("categories", "parent_id")
                        .to("categories", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_categories_bank_path")
                .table("categories")
                .col("bank_id")
                .col("path")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("media")
                .col(string("sha256").primary_key())
                .col(string("mime"))
                .col(big_integer("size"))
                .col(blob("data"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("questions")
                .col(pk_auto("id"))
                .col(integer("bank_id"))
                .col(string("ident"))
                .col(integer_null("category_id"))
                .col(string("kind"))
                .col(string("status"))
                .col(small_integer("difficulty"))
                .col(double("points"))
                .col(text("stem"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("questions", "bank_id")
                        .to("banks", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("questions", "category_id")
                        .to("categories", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_questions_bank_ident")
                .table("questions")
                .col("bank_id")
                .col("ident")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_questions_category")
                .table("questions")
                .col("category_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("question_versions")
                .col(pk_auto("id"))
                .col(integer("question_id"))
                .col(integer("version"))
                .col(text("body"))
                .col(string("fingerprint"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("question_versions", "question_id")
                        .to("questions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_question_versions_question_version")
                .table("question_versions")
                .col("question_id")
                .col("version")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "question_versions",
            "questions",
            "media",
            "categories",
            "banks",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
