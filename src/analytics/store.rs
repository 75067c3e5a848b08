//! The analytics tables: statistics per session and question version, pooled figures and
//! calibrations, and what the draw reads from them.

use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

/// What the draw knows about a question version from real responses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// Responses the figures rest on (pooled across sessions).
    pub responses: u32,
    /// Observed facility: mean fraction of the points earned, 0–1.
    pub facility: f64,
    /// Rasch difficulty (logits) and its standard error, when calibrated.
    pub rasch: Option<(f64, f64)>,
}

/// Measured figures for these question versions; versions never measured are absent.
pub async fn measured(
    _db: &impl ConnectionTrait,
    _version_ids: &[i32],
) -> Result<HashMap<i32, Measured>, DbErr> {
    // Filled in with the analytics tables.
    Ok(HashMap::new())
}
