//! Award policies and awards (issue 15, part B): each event's policy versions as JSON text
//! (old versions stay readable), and the awards evaluated on a final publication with the
//! policy version used and, once issued, the certificate number.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("competition_award_policies")
                .col(pk_auto("id"))
                .col(integer("event_id"))
                .col(integer("version"))
                .col(text("body"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("competition_award_policies", "event_id")
                        .to("competition_events", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("competition_award_policies_event_version")
                .table("competition_award_policies")
                .col("event_id")
                .col("version")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_awards")
                .col(pk_auto("id"))
                // The final publication evaluated (competition_publications.id).
                .col(integer("publication_id"))
                .col(integer("event_id"))
                .col(integer("group_id"))
                .col(integer("policy_id"))
                .col(integer("policy_version"))
                .col(integer_null("contestant_id"))
                .col(integer_null("team_id"))
                .col(text("number"))
                .col(text("name"))
                .col(text("organisation"))
                .col(text("kind"))
                .col(text("label_zh"))
                .col(text("label_en"))
                .col(integer_null("rank"))
                .col(text_null("certificate_type"))
                .col(text_null("certificate_number"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("competition_awards", "policy_id")
                        .to("competition_award_policies", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("competition_awards_event_group")
                .table("competition_awards")
                .col("event_id")
                .col("group_id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["competition_awards", "competition_award_policies"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
