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

/// How far beyond the easiest and the hardest item the search for θ goes (logits). At 12
/// logits beyond every b the expected score is within 1e-5 of 0 or the maximum per point.
const SEARCH_MARGIN: f64 = 12.0;

/// θ at which the expected score equals `target`, saying whether it had to be clamped.
///
/// The expected score rises strictly with θ, so bisection on [min b − 12, max b + 12] finds the
/// one root (to 1e-10 logits). A target at or below 0, at or above the paper maximum, or not
/// reached inside that range (e.g. 0.00001 points) gives the range's end and says which; no
/// items, or a target that is not a number, gives the lower end.
pub fn solve_theta(target: f64, items: &[(f64, f64)]) -> ThetaForScore {
    let (lo_b, hi_b) = items
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(b, _)| {
            (lo.min(b), hi.max(b))
        });
    if items.is_empty() || !lo_b.is_finite() || !hi_b.is_finite() || target.is_nan() {
        return ThetaForScore {
            theta: if items.is_empty() || !lo_b.is_finite() {
                -SEARCH_MARGIN
            } else {
                lo_b - SEARCH_MARGIN
            },
            clamped: Some(Clamp::Low),
        };
    }
    let (mut lo, mut hi) = (lo_b - SEARCH_MARGIN, hi_b + SEARCH_MARGIN);
    if target <= expected_score(lo, items) {
        return ThetaForScore {
            theta: lo,
            clamped: Some(Clamp::Low),
        };
    }
    if target >= expected_score(hi, items) {
        return ThetaForScore {
            theta: hi,
            clamped: Some(Clamp::High),
        };
    }
    while hi - lo > 1e-10 {
        let mid = 0.5 * (lo + hi);
        if expected_score(mid, items) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    ThetaForScore {
        theta: 0.5 * (lo + hi),
        clamped: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAPER: [(f64, f64); 4] = [(-1.0, 1.0), (0.0, 2.0), (0.5, 1.0), (1.5, 1.0)];

    #[test]
    fn expected_score_is_half_the_points_where_theta_equals_every_b() {
        let items = [(0.3, 2.0), (0.3, 1.0)];
        assert!((expected_score(0.3, &items) - 1.5).abs() < 1e-12);
    }

    #[test]
    fn theta_for_score_inverts_expected_score() {
        for theta in [-3.0, -0.7, 0.0, 0.4, 2.9] {
            let target = expected_score(theta, &PAPER);
            let back = solve_theta(target, &PAPER);
            assert_eq!(back.clamped, None);
            assert!((back.theta - theta).abs() < 1e-8, "{theta} → {back:?}");
        }
    }

    #[test]
    fn a_harder_paper_needs_more_ability_for_the_same_raw_score() {
        let harder: Vec<(f64, f64)> = PAPER.iter().map(|&(b, p)| (b + 0.5, p)).collect();
        assert!(theta_for_score(3.0, &harder) > theta_for_score(3.0, &PAPER));
    }

    #[test]
    fn targets_at_or_beyond_the_ends_are_clamped_finite_and_say_so() {
        let zero = solve_theta(0.0, &PAPER);
        assert_eq!(zero.clamped, Some(Clamp::Low));
        assert!(zero.theta.is_finite());
        let full = solve_theta(5.0, &PAPER);
        assert_eq!(full.clamped, Some(Clamp::High));
        assert!(full.theta.is_finite() && full.theta > zero.theta);
        assert_eq!(solve_theta(9.0, &PAPER).clamped, Some(Clamp::High));
        assert_eq!(solve_theta(-1.0, &PAPER).clamped, Some(Clamp::Low));
        assert_eq!(solve_theta(f64::NAN, &PAPER).clamped, Some(Clamp::Low));
        assert_eq!(solve_theta(1.0, &[]).clamped, Some(Clamp::Low));
    }
}
