//! Adding a candidate's scored answers up per section, and deciding pass or fail once nothing
//! waits for a marker.

use super::round2;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A candidate's result on a paper.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Summary {
    /// Points earned so far (items awaiting marking count 0), rounded to 2 decimals.
    pub total: f64,
    /// Points available on the paper, rounded to 2 decimals.
    pub max: f64,
    /// `(section, earned, max)` per section, in ascending section order, rounded to 2 decimals.
    pub per_section: Vec<(usize, f64, f64)>,
    /// Whether `total ≥ pass_line`; `None` while any item awaits marking.
    pub passed: Option<bool>,
}

/// Adds a candidate's items up. Each item is `(section, earned, max)` where `earned` is `None`
/// while the item awaits manual marking (it counts 0 in the totals meanwhile). The pass line is
/// in points on the paper's scale; the candidate passes when `total ≥ pass_line`, decided only
/// once no item awaits marking (even if the total already reaches the line).
pub fn summarize(items: &[(usize, Option<f64>, f64)], pass_line: f64) -> Summary {
    let mut sections: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    let mut pending = false;
    for &(section, earned, max) in items {
        let entry = sections.entry(section).or_insert((0.0, 0.0));
        match earned {
            Some(e) => entry.0 += e,
            None => pending = true,
        }
        entry.1 += max;
    }
    let total = round2(sections.values().map(|s| s.0).sum());
    let max = round2(sections.values().map(|s| s.1).sum());
    Summary {
        total,
        max,
        per_section: sections
            .into_iter()
            .map(|(s, (e, m))| (s, round2(e), round2(m)))
            .collect(),
        // The total is already rounded to 2 decimals; the tolerance only absorbs binary noise in
        // a pass line such as 0.1 + 0.2.
        passed: (!pending).then_some(total >= pass_line - 1e-9),
    }
}
