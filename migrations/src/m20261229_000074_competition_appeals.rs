//! Appeals (申诉) against provisional results (issue 15, part A): the appeals with their
//! decisions, their attachments (kept in the database so a backup holds everything), the extra
//! appeals staff allow, and the team leaders' (领队) access codes, stored as hashes only.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn to_contestant(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, "contestant_id")
        .to("competition_contestants", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("competition_appeals")
                .col(pk_auto("id"))
                .col(integer("competition_id"))
                .col(integer("event_id"))
                .col(integer("group_id"))
                .col(integer("contestant_id"))
                .col(integer("stage_id"))
                // The provisional publication the appeal was filed against (its id).
                .col(integer("publication_id"))
                .col(text("task"))
                .col(text("grounds"))
                .col(timestamp_with_time_zone("filed_at"))
                // `contestant` or `leader`, and the name given.
                .col(text("filed_by_kind"))
                .col(text("filed_by_name"))
                .col(text("status"))
                .col(timestamp_with_time_zone_null("review_at"))
                .col(integer_null("review_by"))
                .col(text("decision_reason"))
                .col(integer_null("correction_id"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(integer_null("decided_by"))
                .foreign_key(&mut to_contestant("competition_appeals"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("competition_appeals_event_group")
                .table("competition_appeals")
                .col("event_id")
                .col("group_id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("competition_appeals_contestant")
                .table("competition_appeals")
                .col("contestant_id")
                .col("stage_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_appeal_files")
                .col(pk_auto("id"))
                .col(integer("appeal_id"))
                .col(text("name"))
                .col(text("mime"))
                .col(integer("size"))
                .col(blob("bytes"))
                .foreign_key(
                    ForeignKey::create()
                        .from("competition_appeal_files", "appeal_id")
                        .to("competition_appeals", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_appeal_grants")
                .col(pk_auto("id"))
                .col(integer("contestant_id"))
                .col(integer("stage_id"))
                .col(text("reason"))
                .col(timestamp_with_time_zone("granted_at"))
                .col(integer_null("granted_by"))
                .foreign_key(&mut to_contestant("competition_appeal_grants"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_leader_codes")
                .col(pk_auto("id"))
                .col(integer("competition_id"))
                .col(text("leader"))
                // SHA-256 of the code, hex: the code is random and long, a slow hash adds nothing.
                .col(text("code_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .foreign_key(
                    ForeignKey::create()
                        .from("competition_leader_codes", "competition_id")
                        .to("competitions", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("competition_leader_codes_hash", "code_hash"),
            ("competition_leader_codes_leader", "leader"),
        ] {
            let mut idx = Index::create();
            idx.name(name).table("competition_leader_codes").unique();
            if col == "leader" {
                idx.col("competition_id");
            }
            m.create_index(idx.col(col).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "competition_leader_codes",
            "competition_appeal_grants",
            "competition_appeal_files",
            "competition_appeals",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
