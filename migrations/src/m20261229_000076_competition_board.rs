//! The live scoreboard (成绩大屏, issue 15 part C): per competition the freeze time staff set,
//! the public board's bytes as they stood at that time (the snapshot every public route serves
//! while frozen), and the award ceremony reveal (颁奖揭晓) in progress.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("competition_boards")
                .col(integer("competition_id").primary_key())
                .col(timestamp_with_time_zone_null("freeze_at"))
                // The public board's JSON exactly as served while frozen (never recomputed).
                .col(text_null("snapshot"))
                .col(timestamp_with_time_zone_null("snapshot_taken_at"))
                // The reveal: the frozen and final sections and the steps between them.
                .col(text_null("reveal"))
                .col(integer("reveal_step").default(0))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("competition_boards", "competition_id")
                        .to("competitions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("competition_boards").to_owned())
            .await
    }
}
