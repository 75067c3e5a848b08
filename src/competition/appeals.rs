//! Appeals (申诉) against provisional results. STUB until issue 15 part A lands: no appeals, so
//! nothing is undecided and no change has an appeal's reason.

use super::{EventId, GroupId};
use crate::error::AppResult;
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

/// How many appeals of an event group are not decided yet.
pub async fn undecided(
    _db: &impl ConnectionTrait,
    _event: EventId,
    _group: GroupId,
) -> AppResult<u64> {
    Ok(0)
}

/// Per contestant, the reasons of the upheld appeals of an event group (for a re-publication's
/// list of changes).
pub async fn reasons(
    _db: &impl ConnectionTrait,
    _event: EventId,
    _group: GroupId,
) -> AppResult<HashMap<i32, String>> {
    Ok(HashMap::new())
}
