//! `migrate up|down|status`: the database schema by hand (the server applies pending migrations
//! itself on start; `down` is for a developer stepping back, never for a live venue).

use super::config;
use migration::{MigrationStatus, Migrator, MigratorTrait};
use std::time::Duration;

/// What `migrate` does; parsed by the command line, so a wrong word is refused before the
/// database is touched.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Action {
    /// Apply pending migrations.
    Up,
    /// Undo the last applied ones.
    Down,
    /// Only list them.
    Status,
}

/// Applies (`up`), undoes (`down`, one step by default) or lists (`status`) migrations.
pub async fn run(action: Action, steps: Option<u32>) -> Result<(), String> {
    let config = config()?;
    let db = exam_platform::db::open(
        &config.database_url,
        config.db_pool,
        Duration::from_millis(config.db_busy_timeout_ms),
    )
    .await
    .map_err(|e| e.to_string())?;
    let err = |e: sea_orm::DbErr| e.to_string();
    match action {
        Action::Up => Migrator::up(&db, steps).await.map_err(err)?,
        Action::Down => Migrator::down(&db, Some(steps.unwrap_or(1)))
            .await
            .map_err(err)?,
        Action::Status => {}
    }
    for m in Migrator::get_migration_with_status(&db)
        .await
        .map_err(err)?
    {
        let state = match m.status() {
            MigrationStatus::Applied => "applied",
            MigrationStatus::Pending => "pending",
        };
        println!("{state:<8} {}", m.name());
    }
    Ok(())
}
