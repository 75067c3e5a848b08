//! Published results of a competition (issue 15): each provisional (公示) or final publication of
//! an event's group, as a snapshot of the ranking it published, with what changed since the
//! previous version and why, and the appeal window of a provisional one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("competition_publications")
                .col(pk_auto("id"))
                .col(integer("event_id"))
                .col(integer("group_id"))
                .col(integer("version"))
                .col(text("state"))
                // The ranking as published (JSON): a publication is never recomputed.
                .col(text("ranking"))
                .col(text("changes"))
                .col(text("reason"))
                .col(timestamp_with_time_zone("published_at"))
                .col(integer_null("published_by"))
                .col(timestamp_with_time_zone_null("appeal_closes_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("competition_publications", "event_id")
                        .to("competition_events", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("competition_publications", "group_id")
                        .to("competition_groups", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Two staff publishing at once cannot both make the same version.
        m.create_index(
            Index::create()
                .name("competition_publications_version")
                .table("competition_publications")
                .col("event_id")
                .col("group_id")
                .col("version")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("competition_publications").to_owned())
            .await
    }
}
