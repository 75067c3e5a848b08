//! Exposure (曝光) per question: how many papers held it, counted per UTC day so a blueprint's
//! cap per period sums the days in its window. A paper adds one to each of its questions' rows
//! for the day in one statement, in the transaction that stores the attempt.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("question_exposure")
                .col(integer("question_id"))
                // Days since 1970-01-01 (UTC).
                .col(integer("day"))
                .col(integer("papers").default(0))
                .primary_key(Index::create().col("question_id").col("day"))
                .foreign_key(
                    ForeignKey::create()
                        .from("question_exposure", "question_id")
                        .to("questions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("question_exposure").to_owned())
            .await
    }
}
