//! Item analytics (issue 16): statistics per session and question version (the sortable
//! figures as columns, options and flags as JSON), per-session test statistics, Rasch
//! calibrations per question version, and the analytics settings. Pooled figures are combined
//! from the per-session rows, so a finished session never has its responses read again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn to_session(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, "session_id")
        .to("exam_sessions", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("analytics_item_stats")
                .col(pk_auto("id"))
                .col(integer("session_id"))
                .col(integer("version_id"))
                .col(integer("question_id"))
                .col(integer("n"))
                .col(double("facility"))
                .col(double("sd"))
                .col(double_null("item_rest_r"))
                .col(double_null("upper_lower_d"))
                .col(double_null("discriminative_efficiency"))
                .col(double("omission_rate"))
                .col(double_null("mean_seconds"))
                // The whole ItemStats (options with their thirds) as JSON: what pooling reads.
                .col(text("stats"))
                // The flags raised under the settings of the time, as JSON.
                .col(text("flags"))
                .col(timestamp_with_time_zone("computed_at"))
                .foreign_key(&mut to_session("analytics_item_stats"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_analytics_item_stats_session_version")
                .table("analytics_item_stats")
                .col("session_id")
                .col("version_id")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_analytics_item_stats_version")
                .table("analytics_item_stats")
                .col("version_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("analytics_test_stats")
                .col(integer("session_id").primary_key())
                .col(integer("persons"))
                .col(double("mean"))
                .col(double("sd"))
                .col(double_null("alpha"))
                .col(double_null("sem"))
                // TestStats (with the histogram) as JSON.
                .col(text("stats"))
                // Submitted attempts left out because answers still wait for a marker.
                .col(integer("left_out"))
                .col(timestamp_with_time_zone("computed_at"))
                .foreign_key(&mut to_session("analytics_test_stats"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("analytics_calibrations")
                .col(pk_auto("id"))
                .col(integer("version_id"))
                .col(integer("question_id"))
                .col(double("b"))
                .col(double("se"))
                .col(double("infit"))
                .col(double("outfit"))
                .col(integer("n"))
                .col(timestamp_with_time_zone("calibrated_at"))
                // The session ids the calibration ran over, as a JSON array.
                .col(text("sessions"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_analytics_calibrations_version")
                .table("analytics_calibrations")
                .col("version_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("analytics_settings")
                // One row (id 1).
                .col(integer("id").primary_key())
                // flags::Thresholds as JSON (with the fewest responses before flags count).
                .col(text("thresholds"))
                .col(integer("min_responses_calibration"))
                .col(boolean("auto_flag"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer_null("updated_by"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "analytics_settings",
            "analytics_calibrations",
            "analytics_test_stats",
            "analytics_item_stats",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
