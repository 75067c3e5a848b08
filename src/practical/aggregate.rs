//! How a panel's marks become one mark, and which aspects the panel disagrees on: pure
//! functions over the judges' marks, whatever the panel size (a conflicted judge leaves the
//! panel one short, which each rule handles).

use super::Aggregation;
use crate::bank::model::{Aspect, AspectKind};

/// Judges from which a trimmed mean drops the highest and the lowest mark.
pub const TRIM_FROM: usize = 5;

/// The panel's mark for one aspect from its judges' marks (in any order); none without marks.
/// Mean; trimmed mean (from [`TRIM_FROM`] marks up one highest and one lowest are dropped, with
/// fewer it is the mean); median (the mean of the middle two for an even count).
pub fn aggregate(how: Aggregation, marks: &[f64]) -> Option<f64> {
    if marks.is_empty() {
        return None;
    }
    let mean = |m: &[f64]| m.iter().sum::<f64>() / m.len() as f64;
    match how {
        Aggregation::Mean => Some(mean(marks)),
        Aggregation::TrimmedMean if marks.len() >= TRIM_FROM => {
            let mut sorted = marks.to_vec();
            sorted.sort_by(f64::total_cmp);
            Some(mean(&sorted[1..sorted.len() - 1]))
        }
        Aggregation::TrimmedMean => Some(mean(marks)),
        Aggregation::Median => {
            let mut sorted = marks.to_vec();
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len();
            Some(if n % 2 == 1 {
                sorted[n / 2]
            } else {
                (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
            })
        }
    }
}

/// How far apart the judges' levels are: highest minus lowest (0 for fewer than two).
pub fn spread_of(levels: &[f64]) -> f64 {
    let max = levels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = levels.iter().copied().fold(f64::INFINITY, f64::min);
    if levels.len() < 2 { 0.0 } else { max - min }
}

/// Whether levels this far apart must be re-marked: more than the allowed spread (a spread of
/// 1 lets 1 and 2 stand and flags 1 and 3).
pub fn beyond(levels: &[f64], allowed: f64) -> bool {
    spread_of(levels) > allowed + 1e-9
}

/// The judgement aspects whose levels are further apart than allowed, with how far apart they
/// are. `levels[i]` holds every judge's level for aspect `i`; other kinds are never flagged.
pub fn flagged(scheme: &[Aspect], levels: &[Vec<f64>], allowed: f64) -> Vec<(usize, f64)> {
    scheme
        .iter()
        .zip(levels)
        .enumerate()
        .filter(|(_, (a, l))| matches!(a.kind, AspectKind::Judgement { .. }) && beyond(l, allowed))
        .map(|(i, (_, l))| (i, spread_of(l)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judgement() -> Aspect {
        Aspect {
            group: String::new(),
            text: "x".into(),
            points: 3.0,
            kind: AspectKind::Judgement {
                descriptors: vec!["0".into(), "1".into(), "2".into(), "3".into()],
            },
        }
    }

    fn measurement() -> Aspect {
        Aspect {
            group: String::new(),
            text: "y".into(),
            points: 3.0,
            kind: AspectKind::default(),
        }
    }

    #[test]
    fn the_mean_takes_every_mark_even_with_a_judge_short() {
        assert_eq!(aggregate(Aggregation::Mean, &[1.0, 2.0, 3.0]), Some(2.0));
        assert_eq!(aggregate(Aggregation::Mean, &[1.0, 2.0]), Some(1.5));
        assert_eq!(aggregate(Aggregation::Mean, &[]), None);
    }

    #[test]
    fn a_trimmed_mean_drops_one_highest_and_one_lowest_from_five_judges_up() {
        // Five: drop 0 and 3 → mean of 2, 2, 2.
        assert_eq!(
            aggregate(Aggregation::TrimmedMean, &[3.0, 2.0, 0.0, 2.0, 2.0]),
            Some(2.0)
        );
        // Six with duplicates at the ends: only one of each end goes.
        assert_eq!(
            aggregate(Aggregation::TrimmedMean, &[3.0, 3.0, 1.0, 1.0, 2.0, 2.0]),
            Some(2.0)
        );
    }

    #[test]
    fn a_trimmed_mean_of_a_five_judge_panel_one_short_is_the_plain_mean() {
        assert_eq!(
            aggregate(Aggregation::TrimmedMean, &[3.0, 0.0, 2.0, 3.0]),
            Some(2.0)
        );
    }

    #[test]
    fn the_median_is_the_middle_mark_or_the_mean_of_the_middle_two() {
        assert_eq!(aggregate(Aggregation::Median, &[3.0, 0.0, 2.0]), Some(2.0));
        assert_eq!(
            aggregate(Aggregation::Median, &[3.0, 0.0, 2.0, 1.0]),
            Some(1.5)
        );
        assert_eq!(aggregate(Aggregation::Median, &[4.0]), Some(4.0));
    }

    #[test]
    fn levels_one_apart_stand_and_levels_two_apart_are_flagged_at_the_default_spread() {
        assert!(!beyond(&[1.0, 2.0, 2.0], 1.0));
        assert!(beyond(&[1.0, 3.0, 2.0], 1.0));
        assert!(!beyond(&[3.0], 0.0));
        assert!(beyond(&[2.0, 3.0], 0.0));
        assert_eq!(spread_of(&[0.0, 3.0, 1.0]), 3.0);
    }

    #[test]
    fn only_judgement_aspects_are_flagged() {
        let scheme = vec![judgement(), measurement(), judgement()];
        let levels = vec![vec![0.0, 3.0], vec![0.0, 1.0], vec![2.0, 3.0]];
        assert_eq!(flagged(&scheme, &levels, 1.0), vec![(0, 3.0)]);
        assert_eq!(flagged(&scheme, &levels, 0.0), vec![(0, 3.0), (2, 1.0)]);
    }
}
