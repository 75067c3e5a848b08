//! Database migrations, one change per file, each with up and down.

pub use sea_orm_migration::MigrationStatus;
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_accounts;
mod m20261123_000002_banks;
mod m20261123_000003_exams;
mod m20261123_000004_sessions;
mod m20261201_000005_attempts;
mod m20261201_000006_attempt_seen;
mod m20261201_000007_proctoring;
mod m20261201_000010_certificates;
mod m20261215_000020_token_generation;
// Part tablet (issue 12).
mod m20261220_000020_tablet_position;
mod m20261220_000040_console_session_judges;
// The practical engine (issue 13).
mod m20261227_000050_practical;
mod m20261227_000060_session_practical;
mod m20261227_000061_certificate_practical;
mod m20261228_000070_competition;
// Competitions (issue 14): the final's codes (part B).
mod m20261228_000071_competition_codes;
mod m20261228_000072_competition_recheck;
mod m20261229_000073_competition_publication;
// Issue 15, part A: appeals.
mod m20261229_000074_competition_appeals;
// Issue 15 part C: the live scoreboard's freeze and reveal.
mod m20261229_000076_competition_board;
// Issue 16, part REVIEW.
mod m20261230_000077_question_review;
// Issue 16, part LOOP: question exposure.
mod m20261230_000079_question_exposure;
// Issue 16, part DATA: item analytics.
mod m20261230_000078_item_analytics;
// Issue 15, part B: award policies and awards.
mod m20261229_000075_competition_awards;

/// Applies the platform's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_accounts::Migration),
            Box::new(m20261123_000002_banks::Migration),
            Box::new(m20261123_000003_exams::Migration),
            Box::new(m20261123_000004_sessions::Migration),
            Box::new(m20261201_000005_attempts::Migration),
            Box::new(m20261201_000006_attempt_seen::Migration),
            Box::new(m20261201_000007_proctoring::Migration),
            Box::new(m20261201_000010_certificates::Migration),
            Box::new(m20261215_000020_token_generation::Migration),
            // Part tablet (issue 12).
            Box::new(m20261220_000020_tablet_position::Migration),
            Box::new(m20261220_000040_console_session_judges::Migration),
            Box::new(m20261227_000050_practical::Migration),
            Box::new(m20261227_000060_session_practical::Migration),
            Box::new(m20261227_000061_certificate_practical::Migration),
            Box::new(m20261228_000070_competition::Migration),
            Box::new(m20261228_000071_competition_codes::Migration),
            Box::new(m20261228_000072_competition_recheck::Migration),
            Box::new(m20261229_000073_competition_publication::Migration),
            // Issue 15, part A: appeals.
            Box::new(m20261229_000074_competition_appeals::Migration),
            // Issue 15, part B.
            Box::new(m20261229_000075_competition_awards::Migration),
            Box::new(m20261229_000076_competition_board::Migration),
            // Issue 16, part REVIEW: the item lifecycle and two-person review.
            Box::new(m20261230_000077_question_review::Migration),
            // Issue 16, part DATA: item analytics.
            Box::new(m20261230_000078_item_analytics::Migration),
            // Issue 16, part LOOP: question exposure.
            Box::new(m20261230_000079_question_exposure::Migration),
        ]
    }
}
