//! The recheck (复核) of a competition final (issue 14, part C): each recheck round of a
//! stage with its recorded seed, selection and outcome, and the second team's re-entered
//! entries per sheet and aspect.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("competition_rechecks")
                .col(pk_auto("id"))
                .col(integer("stage_id"))
                .col(integer("round"))
                // The seed as decimal text: a u64 does not fit a signed column.
                .col(text("seed"))
                .col(text("selection"))
                .col(timestamp_with_time_zone("started_at"))
                .col(integer_null("started_by"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .col(integer_null("finished_by"))
                .col(integer_null("sheets"))
                .col(integer_null("wrong_sheets"))
                .col(double_null("error_rate"))
                .col(text("outcome"))
                .foreign_key(
                    ForeignKey::create()
                        .from("competition_rechecks", "stage_id")
                        .to("competition_stages", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("competition_rechecks_stage_round")
                .table("competition_rechecks")
                .col("stage_id")
                .col("round")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_recheck_entries")
                .col(integer("recheck_id"))
                .col(integer("candidate_id"))
                .col(integer("task_id"))
                .col(integer("judge_id"))
                .col(integer("aspect"))
                .col(double("entry"))
                .col(integer("entered_by"))
                .col(timestamp_with_time_zone("entered_at"))
                .primary_key(
                    Index::create()
                        .col("recheck_id")
                        .col("candidate_id")
                        .col("task_id")
                        .col("judge_id")
                        .col("aspect"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("competition_recheck_entries", "recheck_id")
                        .to("competition_rechecks", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["competition_recheck_entries", "competition_rechecks"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
