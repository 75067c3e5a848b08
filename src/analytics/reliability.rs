//! Internal consistency: Cronbach's α (KR-20 on dichotomous items) for fixed and random papers,
//! and the standard error of measurement.

use super::ResponseSet;
use super::ctt::{ByItem, Totals, mean_var};
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
///
/// Each response contributes c = 100 · score / (the person's paper maximum): the points it
/// adds to the person's total in %. For item i, s²ᵢ is the sample variance of c over the nᵢ
/// persons who saw it; the total's variance s²_T is over the N persons' total %;
/// k = mean items per paper. Then α = k/(k−1) · (1 − Σᵢ (nᵢ/N) s²ᵢ / s²_T): the weights nᵢ/N
/// make Σ the expected sum of item variances on one paper. On a fixed form (nᵢ = N, k the
/// form's length, one maximum for all) this is exactly the textbook α (and KR-20 on 0/1
/// items, both with n − 1 variances); on random papers it is an approximation that ignores
/// the spread due to papers differing in difficulty.
pub fn reliability(set: &ResponseSet) -> Reliability {
    let totals = Totals::of(set);
    let by_item = ByItem::of(set);
    from_parts(set, &totals, &by_item)
}

pub(crate) fn from_parts(set: &ResponseSet, totals: &Totals, by_item: &ByItem) -> Reliability {
    let persons = (0..set.persons.len()).filter(|&p| totals.percent(p).is_some());
    let (_, total_var, n) = mean_var(persons.clone().filter_map(|p| totals.percent(p)));
    if n < 2 {
        return Reliability {
            persons: n as u32,
            ..Reliability::default()
        };
    }
    let nf = n as f64;
    let k = persons.map(|p| f64::from(totals.items[p])).sum::<f64>() / nf;
    let mut sum_item_var = 0.0;
    for i in 0..set.items.len() {
        let idx = by_item.of_item(i);
        let c = idx.iter().map(|&j| {
            let r = &set.responses[j as usize];
            100.0 * f64::from(r.score) / totals.max[r.person as usize]
        });
        let (_, var, ni) = mean_var(c);
        sum_item_var += ni as f64 / nf * var;
    }
    let alpha = alpha(k, sum_item_var, total_var);
    Reliability {
        alpha,
        sem: alpha.map(|a| sem(total_var.sqrt(), a)),
        items_per_paper: k,
        persons: n as u32,
    }
}

/// Cronbach's α from k (items per paper), Σ of item variances and the variance of totals.
pub fn alpha(k: f64, sum_item_var: f64, total_var: f64) -> Option<f64> {
    (k > 1.0 && total_var > 0.0).then(|| k / (k - 1.0) * (1.0 - sum_item_var / total_var))
}

/// SEM = SD · √(1 − α) (α above 1 cannot happen; below 0 it still gives a figure).
pub fn sem(sd: f64, alpha: f64) -> f64 {
    sd * (1.0 - alpha).max(0.0).sqrt()
}
