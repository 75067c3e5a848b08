//! Internal consistency: Cronbach's α (KR-20 on dichotomous items) for fixed and random papers,
//! and the standard error of measurement.

use super::ResponseSet;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// α and SEM of a response set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Reliability {
    /// Cronbach's α; `None` when fewer than two persons, papers of one item, or no spread.
    pub alpha: Option<f64>,
    /// SEM = SD · √(1 − α), in % of the paper maximum.
    pub sem: Option<f64>,
    /// Mean items per paper (k; on a fixed form the form's length).
    pub items_per_paper: f64,
    /// Persons counted.
    pub persons: u32,
}

/// α and SEM over the persons of `set`.
pub fn reliability(_set: &ResponseSet) -> Reliability {
    Reliability::default()
}

/// Cronbach's α from k (items per paper), Σ of item variances and the variance of totals.
pub fn alpha(k: f64, sum_item_var: f64, total_var: f64) -> Option<f64> {
    (k > 1.0 && total_var > 0.0).then(|| k / (k - 1.0) * (1.0 - sum_item_var / total_var))
}

/// SEM = SD · √(1 − α) (α above 1 cannot happen; below 0 it still gives a figure).
pub fn sem(sd: f64, alpha: f64) -> f64 {
    sd * (1.0 - alpha).max(0.0).sqrt()
}
