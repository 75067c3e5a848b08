//! The recheck's rules (复核), pure: which candidates are rechecked (the top N of a group, ties
//! included, plus a seeded sample of the rest), the differences between a re-entered sheet and
//! the stored marks, and the error rate that decides between corrections and a full re-mark.
//! Rule: jzds.itmc.cn 竞赛规程 (top 10 + ≥ 15 %, > 5 % errors → everything re-marked).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why a candidate's sheets are rechecked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// In the top N of their group (ties at N included).
    Top,
    /// Drawn in the random sample of the rest.
    Sample,
}

impl Reason {
    /// Stable code stored.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Top => "top",
            Reason::Sample => "sample",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<Self> {
        [Reason::Top, Reason::Sample]
            .into_iter()
            .find(|r| r.code() == s)
    }
}

/// How many of `rest` the sample takes: ⌈share · rest⌉ (the slack keeps 15 % of 20 at 3).
pub fn sample_size(share: f64, rest: usize) -> usize {
    if !share.is_finite() || share <= 0.0 {
        return 0;
    }
    ((share.min(1.0) * rest as f64 - 1e-9).ceil() as usize).min(rest)
}

/// The seed a group's sample is drawn with: the recorded seed mixed with the group, so each
/// group has its own draw and the whole selection re-derives from one recorded number.
pub fn group_seed(seed: u64, group: i32) -> u64 {
    seed ^ (group as u32 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// One group's selection from `(candidate, practical score)`: everyone ranked within `top`
/// ("1224", so ties at the cut are in) plus ⌈share · rest⌉ of the others drawn by
/// [`crate::practical::draw::lots`] (SplitMix64 + Fisher–Yates) over the rest in candidate
/// order. Returned in candidate order.
pub fn select(group: &[(i32, f64)], top: u32, share: f64, seed: u64) -> Vec<(i32, Reason)> {
    let scores: Vec<Option<f64>> = group.iter().map(|(_, s)| Some(*s)).collect();
    let ranks = crate::exam::ranking::ranks(&scores);
    let mut chosen: Vec<(i32, Reason)> = vec![];
    let mut rest: Vec<i32> = vec![];
    for ((c, _), r) in group.iter().zip(&ranks) {
        if r.is_some_and(|r| r <= top as usize) {
            chosen.push((*c, Reason::Top));
        } else {
            rest.push(*c);
        }
    }
    rest.sort_unstable();
    let n = sample_size(share, rest.len());
    for p in crate::practical::draw::lots(seed, rest.len())
        .into_iter()
        .take(n)
    {
        chosen.push((rest[p], Reason::Sample));
    }
    chosen.sort_unstable_by_key(|(c, _)| *c);
    chosen
}

/// One aspect entry of a sheet (candidate × task × judge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
pub struct SheetKey {
    /// The anonymous candidate.
    pub candidate: i32,
    /// The task.
    pub task: i32,
    /// The judge whose sheet it is.
    pub judge: i32,
}

/// A difference between the stored entry and the recheck's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    /// The sheet.
    pub sheet: SheetKey,
    /// The aspect, from 0.
    pub aspect: i32,
    /// What the judge's stored mark says; none when the judge left it empty.
    pub stored: Option<f64>,
    /// What the recheck entered.
    pub rechecked: f64,
}

fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// The differences of the rechecked entries (`(sheet, aspect, entry)`) against the stored ones
/// (looked up by `stored`), compared as shown (2 decimals).
pub fn differences(
    rechecked: &[(SheetKey, i32, f64)],
    stored: impl Fn(&SheetKey, i32) -> Option<f64>,
) -> Vec<Difference> {
    rechecked
        .iter()
        .filter_map(|(sheet, aspect, entry)| {
            let s = stored(sheet, *aspect);
            (s.map(cents) != Some(cents(*entry))).then_some(Difference {
                sheet: *sheet,
                aspect: *aspect,
                stored: s,
                rechecked: *entry,
            })
        })
        .collect()
}

/// The error rate: sheets with at least one difference over sheets rechecked (0 with none).
pub fn error_rate(sheets: usize, differences: &[Difference]) -> f64 {
    if sheets == 0 {
        return 0.0;
    }
    let wrong: std::collections::HashSet<SheetKey> = differences.iter().map(|d| d.sheet).collect();
    wrong.len() as f64 / sheets as f64
}

/// Whether the rate calls for the whole event to be re-marked: strictly above the limit.
pub fn remark_all(rate: f64, limit: f64) -> bool {
    rate > limit + 1e-12
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(n: i32) -> Vec<(i32, f64)> {
        // Candidate i scores 100 - i: candidate 1 is first.
        (1..=n).map(|i| (i, 100.0 - f64::from(i))).collect()
    }

    #[test]
    fn the_top_ten_are_all_selected_plus_at_least_fifteen_percent_of_the_rest() {
        let s = select(&group(30), 10, 0.15, 7);
        let top: Vec<i32> = s
            .iter()
            .filter(|(_, r)| *r == Reason::Top)
            .map(|(c, _)| *c)
            .collect();
        assert_eq!(top, (1..=10).collect::<Vec<_>>());
        let sample: Vec<i32> = s
            .iter()
            .filter(|(_, r)| *r == Reason::Sample)
            .map(|(c, _)| *c)
            .collect();
        // 20 others: ⌈0.15 · 20⌉ = 3, drawn from outside the top.
        assert_eq!(sample.len(), 3);
        assert!(sample.iter().all(|c| *c > 10));
    }

    #[test]
    fn contestants_tied_at_the_tenth_place_are_all_in_the_top() {
        let mut g = group(14);
        g[10].1 = g[9].1; // candidate 11 ties candidate 10
        let s = select(&g, 10, 0.0, 1);
        assert_eq!(s.len(), 11);
        assert!(s.iter().all(|(_, r)| *r == Reason::Top));
    }

    #[test]
    fn the_same_seed_re_derives_the_same_sample_and_another_seed_may_differ() {
        let a = select(&group(60), 10, 0.15, 42);
        assert_eq!(a, select(&group(60), 10, 0.15, 42));
        let differs = (43..60).any(|seed| select(&group(60), 10, 0.15, seed) != a);
        assert!(differs);
        // Input order does not matter: the rest is drawn in candidate order.
        let mut reversed = group(60);
        reversed.reverse();
        assert_eq!(select(&reversed, 10, 0.15, 42), a);
    }

    #[test]
    fn the_sample_size_is_the_ceiling_of_the_share() {
        assert_eq!(sample_size(0.15, 20), 3);
        assert_eq!(sample_size(0.15, 21), 4);
        assert_eq!(sample_size(0.15, 1), 1);
        assert_eq!(sample_size(0.15, 0), 0);
        assert_eq!(sample_size(2.0, 5), 5);
        assert_eq!(sample_size(0.0, 5), 0);
    }

    #[test]
    fn a_small_group_is_rechecked_whole() {
        let s = select(&group(6), 10, 0.15, 3);
        assert_eq!(s.len(), 6);
    }

    #[test]
    fn each_group_draws_with_its_own_seed() {
        assert_ne!(group_seed(5, 1), group_seed(5, 2));
        assert_eq!(group_seed(5, 1), group_seed(5, 1));
    }

    fn key(candidate: i32, judge: i32) -> SheetKey {
        SheetKey {
            candidate,
            task: 1,
            judge,
        }
    }

    #[test]
    fn differences_list_every_entry_that_does_not_match_as_shown() {
        let stored = |s: &SheetKey, a: i32| match (s.candidate, a) {
            (1, 0) => Some(2.0),
            (1, 1) => Some(0.1 + 0.2),
            (2, 0) => Some(3.0),
            _ => None,
        };
        let d = differences(
            &[
                (key(1, 9), 0, 2.0),
                (key(1, 9), 1, 0.3),
                (key(2, 9), 0, 1.0),
                (key(3, 9), 0, 1.0),
            ],
            stored,
        );
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].stored, d[0].rechecked), (Some(3.0), 1.0));
        assert_eq!(d[1].stored, None);
    }

    #[test]
    fn the_error_rate_counts_sheets_with_a_difference_not_differences() {
        let d = |c: i32, aspect: i32| Difference {
            sheet: key(c, 9),
            aspect,
            stored: Some(1.0),
            rechecked: 2.0,
        };
        let diffs = [d(1, 0), d(1, 1), d(2, 0)];
        assert!((error_rate(40, &diffs) - 0.05).abs() < 1e-12);
        assert!(
            !remark_all(error_rate(40, &diffs), 0.05),
            "5 % is not above 5 %"
        );
        assert!(remark_all(error_rate(39, &diffs), 0.05));
        assert_eq!(error_rate(0, &[]), 0.0);
    }

    #[test]
    fn a_reason_reads_back_from_its_code() {
        for r in [Reason::Top, Reason::Sample] {
            assert_eq!(Reason::parse(r.code()), Some(r));
        }
        assert_eq!(Reason::parse("x"), None);
    }
}
