//! Skills competitions (issue 14): a competition with its events (赛项), groups (组别) and
//! stages, its registrations (报名) and teams, who sits or qualified for each stage, and the
//! conflicts judges declare with contestants.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

const TABLES: [&str; 8] = [
    "competition_conflicts",
    "competition_stage_entries",
    "competition_contestants",
    "competition_teams",
    "competition_stages",
    "competition_groups",
    "competition_events",
    "competitions",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("competitions")
                .col(pk_auto("id"))
                .col(text("name"))
                .col(text("code"))
                .col(timestamp_with_time_zone("held_on"))
                .col(double("theory_cap"))
                .col(text("schools"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_events")
                .col(pk_auto("id"))
                .col(integer("competition_id"))
                .col(integer("position"))
                .col(text("name"))
                .col(text("code"))
                .col(text("kind"))
                .col(integer("team_size"))
                .col(text("team_score"))
                .col(text("tie_chain"))
                .foreign_key(&mut fk(
                    "competition_events",
                    "competition_id",
                    "competitions",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_groups")
                .col(pk_auto("id"))
                .col(integer("competition_id"))
                .col(integer("position"))
                .col(text("name"))
                .col(text("code"))
                .col(text("rules"))
                .foreign_key(&mut fk(
                    "competition_groups",
                    "competition_id",
                    "competitions",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_stages")
                .col(pk_auto("id"))
                .col(integer("event_id"))
                .col(integer("position"))
                .col(text("name"))
                .col(text("kind"))
                .col(double("weight"))
                .col(integer_null("session_id"))
                .col(text("cut_kind"))
                .col(double("cut_value"))
                .col(timestamp_with_time_zone_null("cut_confirmed_at"))
                .col(integer_null("cut_confirmed_by"))
                .col(integer_null("encryptor_id"))
                .col(integer_null("supervisor_id"))
                .col(integer("recheck_top"))
                .col(double("recheck_share"))
                .col(double("recheck_error_limit"))
                .foreign_key(&mut fk(
                    "competition_stages",
                    "event_id",
                    "competition_events",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("competition_stages_position")
                .table("competition_stages")
                .col("event_id")
                .col("position")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_teams")
                .col(pk_auto("id"))
                .col(integer("event_id"))
                .col(integer("group_id"))
                .col(text("name"))
                .col(text("leader"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "competition_teams",
                    "event_id",
                    "competition_events",
                ))
                .foreign_key(&mut fk(
                    "competition_teams",
                    "group_id",
                    "competition_groups",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_contestants")
                .col(pk_auto("id"))
                .col(integer("competition_id"))
                .col(integer("event_id"))
                .col(integer("group_id"))
                .col(integer_null("team_id"))
                .col(text("name"))
                .col(text("id_number"))
                .col(text("phone"))
                .col(text("organisation"))
                .col(text("org_kind"))
                .col(text("leader"))
                .col(text("trainer"))
                .col(text("status"))
                .col(text("reason"))
                .col(text_null("number"))
                .col(timestamp_with_time_zone("registered_at"))
                .col(integer_null("registered_by"))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                .col(integer_null("reviewed_by"))
                .foreign_key(&mut fk(
                    "competition_contestants",
                    "competition_id",
                    "competitions",
                ))
                .foreign_key(&mut fk(
                    "competition_contestants",
                    "event_id",
                    "competition_events",
                ))
                .foreign_key(&mut fk(
                    "competition_contestants",
                    "group_id",
                    "competition_groups",
                ))
                .to_owned(),
        )
        .await?;
        // One registration per person per event, whatever the group: the database refuses a
        // duplicate even when two staff enter it at once.
        m.create_index(
            Index::create()
                .name("competition_contestants_person")
                .table("competition_contestants")
                .col("event_id")
                .col("id_number")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("competition_contestants_number")
                .table("competition_contestants")
                .col("competition_id")
                .col("number")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_stage_entries")
                .col(integer("stage_id"))
                .col(integer("contestant_id"))
                .col(integer_null("candidate_id"))
                .col(timestamp_with_time_zone_null("qualified_at"))
                .primary_key(Index::create().col("stage_id").col("contestant_id"))
                .foreign_key(&mut fk(
                    "competition_stage_entries",
                    "stage_id",
                    "competition_stages",
                ))
                .foreign_key(&mut fk(
                    "competition_stage_entries",
                    "contestant_id",
                    "competition_contestants",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_conflicts")
                .col(pk_auto("id"))
                .col(integer("competition_id"))
                .col(integer("judge_id"))
                .col(integer("contestant_id"))
                .col(text("note"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer_null("created_by"))
                .foreign_key(&mut fk(
                    "competition_conflicts",
                    "competition_id",
                    "competitions",
                ))
                .foreign_key(&mut fk("competition_conflicts", "judge_id", "users"))
                .foreign_key(&mut fk(
                    "competition_conflicts",
                    "contestant_id",
                    "competition_contestants",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("competition_conflicts_pair")
                .table("competition_conflicts")
                .col("judge_id")
                .col("contestant_id")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
