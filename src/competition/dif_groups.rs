//! Which group (组别, e.g. 职工组 / 学生组) each candidate of a theory stage's session belongs
//! to, so item analytics can compare the groups (differential item functioning).

use crate::db::stmt;
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

/// Candidate id → group name for every contestant seated on a theory stage run on this
/// session; empty when no competition stage runs on it.
pub async fn of_session(
    db: &impl ConnectionTrait,
    session_id: i32,
) -> Result<HashMap<i32, String>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT e.candidate_id AS candidate_id, g.name AS name \
             FROM competition_stage_entries e \
             JOIN competition_stages s ON s.id = e.stage_id \
             JOIN competition_contestants c ON c.id = e.contestant_id \
             JOIN competition_groups g ON g.id = c.group_id \
             WHERE s.session_id = ? AND e.candidate_id IS NOT NULL",
            [session_id.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| Ok((r.try_get("", "candidate_id")?, r.try_get("", "name")?)))
        .collect()
}
