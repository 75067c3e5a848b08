//! TEMPORARY stand-in for the lead's publication core, reverted before merging main.

use super::{EventId, GroupId, PublicationState};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

/// A publication (stand-in).
pub struct Publication {
    /// Id.
    pub id: i32,
    /// State.
    pub state: PublicationState,
    /// Window.
    pub appeal_closes_at: Option<DateTime<Utc>>,
}

/// Stand-in.
pub async fn latest(
    _db: &impl ConnectionTrait,
    _event: EventId,
    _group: GroupId,
) -> AppResult<Option<Publication>> {
    Ok(None)
}
