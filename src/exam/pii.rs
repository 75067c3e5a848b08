//! Full ID numbers in exports: staff lists and exports mask ID numbers; an admin may ask for
//! the full numbers (the association reports them to the authorities), and each such export is
//! audited before it is sent (who, when, which session, how many rows, which format).

use super::entity::session;
use super::repo;
use super::results::SessionResults;
use crate::audit::{self, Actor};
use crate::error::AppResult;
use serde_json::json;
use std::collections::HashMap;

/// Puts the full ID numbers into a session's results and records the export; the audit entry
/// is committed before the caller sends anything.
pub async fn unmask_results(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    s: &session::Model,
    results: &mut SessionResults,
    format: &str,
) -> AppResult<()> {
    let full: HashMap<String, String> = repo::candidates(db, s.id)
        .await?
        .into_iter()
        .map(|c| (c.ticket, c.id_number))
        .collect();
    for row in &mut results.rows {
        if let Some(id) = full.get(&row.ticket) {
            row.id_number = id.clone();
        }
    }
    let txn = crate::db::begin_write(db).await?;
    audit::record(
        &txn,
        actor,
        "export.full_ids",
        "session",
        &s.id.to_string(),
        json!({"session_id": s.id, "rows": results.rows.len(), "format": format,
               "what": "results"}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
