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
            let max = totals.max[r.person as usize];
            if max > 0.0 {
                100.0 * f64::from(r.score) / max
            } else {
                0.0
            }
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

/// Per person: points earned, points possible and items on the paper (summed once, shared by
/// every statistic that needs totals).
#[derive(Debug, Clone, Default)]
pub(crate) struct Totals {
    /// Points earned per person.
    pub score: Vec<f64>,
    /// Paper maximum per person.
    pub max: Vec<f64>,
    /// Items on the paper per person.
    pub items: Vec<u32>,
}

impl Totals {
    pub(crate) fn of(set: &ResponseSet) -> Totals {
        let p = set.persons.len();
        let mut t = Totals {
            score: vec![0.0; p],
            max: vec![0.0; p],
            items: vec![0; p],
        };
        for r in &set.responses {
            let i = r.person as usize;
            if i < p {
                t.score[i] += f64::from(r.score);
                t.max[i] += f64::from(r.max);
                t.items[i] += 1;
            }
        }
        t
    }

    /// Person `p`'s score as % of their paper maximum (`None` without responses).
    pub(crate) fn percent(&self, p: usize) -> Option<f64> {
        (self.items[p] > 0 && self.max[p] > 0.0).then(|| 100.0 * self.score[p] / self.max[p])
    }
}

/// Response indices grouped by item (counting sort: offsets into one flat array).
pub(crate) struct ByItem {
    pub offsets: Vec<usize>,
    pub order: Vec<u32>,
}

impl ByItem {
    pub(crate) fn of(set: &ResponseSet) -> ByItem {
        let k = set.items.len();
        let mut offsets = vec![0usize; k + 1];
        for r in &set.responses {
            if (r.item as usize) < k && (r.person as usize) < set.persons.len() {
                offsets[r.item as usize + 1] += 1;
            }
        }
        for i in 0..k {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut order = vec![0u32; offsets[k]];
        for (j, r) in set.responses.iter().enumerate() {
            let i = r.item as usize;
            if i < k && (r.person as usize) < set.persons.len() {
                order[next[i]] = j as u32;
                next[i] += 1;
            }
        }
        ByItem { offsets, order }
    }

    pub(crate) fn of_item(&self, i: usize) -> &[u32] {
        &self.order[self.offsets[i]..self.offsets[i + 1]]
    }
}

/// Sample mean and variance (n − 1) of `xs`, two-pass.
pub(crate) fn mean_var(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64, usize) {
    let (mut n, mut sum) = (0usize, 0.0);
    for x in xs.clone() {
        n += 1;
        sum += x;
    }
    if n == 0 {
        return (0.0, 0.0, 0);
    }
    let mean = sum / n as f64;
    let ss: f64 = xs.map(|x| (x - mean) * (x - mean)).sum();
    let var = if n > 1 { ss / (n as f64 - 1.0) } else { 0.0 };
    (mean, var, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::{ItemMeta, Person, Response};

    fn set(rows: &[&[f32]], papers: Option<&[&[usize]]>) -> ResponseSet {
        let k = rows[0].len();
        let mut s = ResponseSet {
            items: (0..k as i32)
                .map(|v| ItemMeta {
                    version_id: v,
                    question_id: v,
                    option_count: 0,
                    key_mask: 0,
                })
                .collect(),
            ..ResponseSet::default()
        };
        for (p, row) in rows.iter().enumerate() {
            s.persons.push(Person {
                attempt_id: p as i32,
                group: None,
            });
            for (i, &x) in row.iter().enumerate() {
                if papers.is_some_and(|papers| !papers[p].contains(&i)) {
                    continue;
                }
                s.responses.push(Response {
                    person: p as u32,
                    item: i as u32,
                    score: x,
                    max: 2.0,
                    chosen: 0,
                    omitted: false,
                    seconds: None,
                });
            }
        }
        s
    }

    #[test]
    fn alpha_of_a_fixed_form_is_the_textbook_formula_on_raw_points() {
        let rows: &[&[f32]] = &[
            &[2.0, 1.0, 2.0],
            &[1.0, 1.0, 0.0],
            &[2.0, 2.0, 2.0],
            &[0.0, 1.0, 0.0],
            &[1.0, 0.0, 1.0],
        ];
        let var = |xs: &[f64]| {
            let m = xs.iter().sum::<f64>() / xs.len() as f64;
            xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() as f64 - 1.0)
        };
        let col = |i: usize| rows.iter().map(|r| f64::from(r[i])).collect::<Vec<_>>();
        let totals: Vec<f64> = rows
            .iter()
            .map(|r| r.iter().map(|&x| f64::from(x)).sum())
            .collect();
        let textbook = 1.5 * (1.0 - (var(&col(0)) + var(&col(1)) + var(&col(2))) / var(&totals));
        let r = reliability(&set(rows, None));
        assert!((r.alpha.unwrap_or(f64::NAN) - textbook).abs() < 1e-12);
        let sd_pct = var(&totals).sqrt() / 6.0 * 100.0;
        assert!((r.sem.unwrap_or(f64::NAN) - sd_pct * (1.0 - textbook).sqrt()).abs() < 1e-9);
        assert_eq!(r.items_per_paper, 3.0);
    }

    #[test]
    fn alpha_is_defined_when_each_person_answers_a_different_subset() {
        let rows: &[&[f32]] = &[
            &[2.0, 2.0, 0.0, 2.0],
            &[0.0, 0.0, 1.0, 0.0],
            &[2.0, 1.0, 2.0, 2.0],
            &[0.0, 1.0, 0.0, 1.0],
        ];
        let papers: &[&[usize]] = &[&[0, 1, 3], &[0, 2, 3], &[1, 2, 3], &[0, 1, 2]];
        let r = reliability(&set(rows, Some(papers)));
        assert_eq!(r.items_per_paper, 3.0);
        assert!(r.alpha.is_some_and(|a| a.is_finite() && a <= 1.0));
    }

    #[test]
    fn one_person_or_no_spread_gives_no_alpha() {
        assert_eq!(reliability(&set(&[&[1.0, 2.0]], None)).alpha, None);
        assert_eq!(
            reliability(&set(&[&[1.0, 1.0], &[1.0, 1.0]], None)).alpha,
            None
        );
    }
}
