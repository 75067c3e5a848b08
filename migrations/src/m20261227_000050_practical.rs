//! The practical engine (issue 13): a session's practical part, its tasks and judge panels,
//! candidates' places and work codes, judges' marks (current and every version), submitted
//! sheets, spread flags and corrections; judges' affiliations for conflicts of interest; and
//! the practical part's result per candidate, which the exam's outcome reads.

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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Employer or school of a staff member: a judge never marks a candidate from it.
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(text("affiliation").default(""))
                .to_owned(),
        )
        .await?;
        // One per session that has a practical part.
        m.create_table(
            Table::create()
                .table("practical_parts")
                .col(integer("session_id").primary_key())
                .col(integer("stations"))
                .col(integer("slots"))
                .col(integer("slot_minutes"))
                .col(timestamp_with_time_zone_null("first_slot_at"))
                .col(text("draw_mode"))
                .col(big_integer_null("draw_seed"))
                .col(timestamp_with_time_zone_null("drawn_at"))
                .col(integer_null("drawn_by"))
                .col(double("pass_line"))
                .col(text("rule"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("practical_parts", "session_id", "exam_sessions"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("practical_tasks")
                .col(pk_auto("id"))
                .col(integer("session_id"))
                .col(integer("position"))
                .col(integer("question_id"))
                .col(integer("version_id"))
                .col(double("weight"))
                .col(integer("panel_size"))
                .col(text("aggregation"))
                .col(double("spread"))
                .col(integer_null("head_judge_id"))
                .col(integer_null("signed_off_by"))
                .col(timestamp_with_time_zone_null("locked_at"))
                .foreign_key(&mut fk("practical_tasks", "session_id", "exam_sessions"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("practical_panel")
                .col(integer("task_id"))
                .col(integer("user_id"))
                .primary_key(Index::create().col("task_id").col("user_id"))
                .foreign_key(&mut fk("practical_panel", "task_id", "practical_tasks"))
                .foreign_key(&mut fk("practical_panel", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        // A candidate's work code (检录号) and when they checked in to the practical part.
        m.create_table(
            Table::create()
                .table("practical_codes")
                .col(integer("candidate_id").primary_key())
                .col(integer("session_id"))
                .col(text("code"))
                .col(integer("draw_order"))
                .col(timestamp_with_time_zone("checked_in_at"))
                .col(integer_null("checked_in_by"))
                .foreign_key(&mut fk("practical_codes", "candidate_id", "candidates"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("practical_codes_session_code")
                .table("practical_codes")
                .col("session_id")
                .col("code")
                .unique()
                .to_owned(),
        )
        .await?;
        // Where and when a candidate does a task: never two places in one slot, never two
        // candidates at one station in one slot.
        m.create_table(
            Table::create()
                .table("practical_places")
                .col(pk_auto("id"))
                .col(integer("session_id"))
                .col(integer("candidate_id"))
                .col(integer("task_id"))
                .col(integer("slot"))
                .col(integer("station"))
                .foreign_key(&mut fk("practical_places", "candidate_id", "candidates"))
                .foreign_key(&mut fk("practical_places", "task_id", "practical_tasks"))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "practical_places_station",
                &["task_id", "slot", "station"][..],
            ),
            ("practical_places_task", &["candidate_id", "task_id"][..]),
            ("practical_places_slot", &["candidate_id", "slot"][..]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table("practical_places").unique();
            for c in cols {
                idx.col(*c);
            }
            m.create_index(idx.to_owned()).await?;
        }
        // A judge's current entry per aspect; every version is in practical_mark_versions.
        m.create_table(
            Table::create()
                .table("practical_marks")
                .col(integer("task_id"))
                .col(integer("candidate_id"))
                .col(integer("judge_id"))
                .col(integer("aspect"))
                .col(double("entry"))
                .col(double("mark"))
                .col(integer("version"))
                .col(big_integer("client_seq"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(
                    Index::create()
                        .col("task_id")
                        .col("candidate_id")
                        .col("judge_id")
                        .col("aspect"),
                )
                .foreign_key(&mut fk("practical_marks", "task_id", "practical_tasks"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("practical_mark_versions")
                .col(pk_auto("id"))
                .col(integer("task_id"))
                .col(integer("candidate_id"))
                .col(integer("judge_id"))
                .col(integer("aspect"))
                .col(integer("version"))
                .col(double("entry"))
                .col(double("mark"))
                .col(text("cause"))
                .col(integer("by_user"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk(
                    "practical_mark_versions",
                    "task_id",
                    "practical_tasks",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("practical_mark_versions_sheet")
                .table("practical_mark_versions")
                .col("task_id")
                .col("candidate_id")
                .col("judge_id")
                .to_owned(),
        )
        .await?;
        // A judge's sheet for one candidate on one task: submitted (signed by the login) or not.
        m.create_table(
            Table::create()
                .table("practical_sheets")
                .col(integer("task_id"))
                .col(integer("candidate_id"))
                .col(integer("judge_id"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(integer("submissions").default(0))
                .primary_key(
                    Index::create()
                        .col("task_id")
                        .col("candidate_id")
                        .col("judge_id"),
                )
                .foreign_key(&mut fk("practical_sheets", "task_id", "practical_tasks"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("practical_flags")
                .col(pk_auto("id"))
                .col(integer("task_id"))
                .col(integer("candidate_id"))
                .col(integer("aspect"))
                .col(double("spread"))
                .col(timestamp_with_time_zone("raised_at"))
                .col(timestamp_with_time_zone_null("cleared_at"))
                .foreign_key(&mut fk("practical_flags", "task_id", "practical_tasks"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("practical_corrections")
                .col(pk_auto("id"))
                .col(integer("task_id"))
                .col(integer("candidate_id"))
                .col(integer("judge_id"))
                .col(integer("aspect"))
                .col(double("entry"))
                .col(text("reason"))
                .col(integer("requested_by"))
                .col(timestamp_with_time_zone("requested_at"))
                .col(text("status"))
                .col(integer_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(text("decision_note").default(""))
                .foreign_key(&mut fk(
                    "practical_corrections",
                    "task_id",
                    "practical_tasks",
                ))
                .to_owned(),
        )
        .await?;
        // Owned by the exam: the practical part's score per candidate, out of 100, and whether it
        // is final (every task locked). The outcome reads it with the theory result.
        m.create_table(
            Table::create()
                .table("candidate_practical")
                .col(integer("candidate_id").primary_key())
                .col(integer("session_id"))
                .col(double("score"))
                .col(text("tasks"))
                .col(boolean("final"))
                .col(boolean("passed"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("candidate_practical", "candidate_id", "candidates"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "candidate_practical",
            "practical_corrections",
            "practical_flags",
            "practical_sheets",
            "practical_mark_versions",
            "practical_marks",
            "practical_places",
            "practical_codes",
            "practical_panel",
            "practical_tasks",
            "practical_parts",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table("users")
                .drop_column("affiliation")
                .to_owned(),
        )
        .await
    }
}
