//! What measuring changed: papers drawn by the author's difficulty alone and papers drawn with
//! measured facility, both scored by their expected score under the measured (effective)
//! facility, which is the best estimate of how candidates will fare.

use super::DrawIndex;
use super::rng::splitmix64;
use serde::Serialize;
use std::collections::HashSet;
use utoipa::ToSchema;

/// The spread of expected scores (%) over a set of drawn papers.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Spread {
    /// Papers drawn.
    pub papers: u32,
    /// Seeds for which no paper could be drawn (e.g. none within the tolerance).
    pub failed: u32,
    /// Lowest expected score.
    pub min: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// Highest.
    pub max: Option<f64>,
    /// Mean.
    pub mean: Option<f64>,
    /// Standard deviation (population).
    pub sd: Option<f64>,
    /// Papers whose expected score is farther from the target than the tolerance allows (0
    /// without a target).
    pub off_target: u32,
}

/// Expected scores of papers drawn before (author difficulty only) and after (measured).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DrawReport {
    /// Seeds tried each way.
    pub seeds: u32,
    /// The target expected score (%) and tolerance (percentage points), when the blueprint
    /// has a target difficulty.
    pub target: Option<(f64, f64)>,
    /// Drawn by the author's difficulty alone.
    pub before: Spread,
    /// Drawn with measured facility.
    pub after: Spread,
}

/// Draws `seeds` papers from `index` (the session's frozen, measured index) and from its
/// [`DrawIndex::author_only`] twin with the same seeds, and summarises the expected scores of
/// both under the measured facility, counting papers off the blueprint's target.
pub fn draw_report(index: &DrawIndex, seeds: u32) -> DrawReport {
    let target = index.target_score();
    let before = index.author_only();
    let none = HashSet::new();
    let mut state = 0x5EED_D8A3_u64;
    let seeds_list: Vec<u64> = (0..seeds).map(|_| splitmix64(&mut state)).collect();
    let spread = |drawer: &DrawIndex| {
        let mut scores = Vec::with_capacity(seeds_list.len());
        let mut failed = 0;
        for &seed in &seeds_list {
            match drawer.draw(seed, &none) {
                Ok(paper) => {
                    if let Some(s) = index.expected_score(&paper) {
                        scores.push(s);
                    }
                }
                Err(_) => failed += 1,
            }
        }
        summarise(&scores, failed, target)
    };
    DrawReport {
        seeds,
        target,
        before: spread(&before),
        after: spread(index),
    }
}

/// Min, median, max, mean and SD of `scores`.
pub fn summarise(scores: &[f64], failed: u32, target: Option<(f64, f64)>) -> Spread {
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let mean = (n > 0).then(|| sorted.iter().sum::<f64>() / n as f64);
    let median = (n > 0).then(|| {
        if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        }
    });
    let sd = mean.map(|m| (sorted.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64).sqrt());
    let off_target = target.map_or(0, |(t, tol)| {
        sorted
            .iter()
            .filter(|&&s| (s - t).abs() > tol + 1e-9)
            .count() as u32
    });
    Spread {
        papers: n as u32,
        failed,
        min: sorted.first().copied(),
        median,
        max: sorted.last().copied(),
        mean,
        sd,
        off_target,
    }
}
