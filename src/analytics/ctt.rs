//! Classical test theory per item and per test: facility, SD, corrected item–rest correlation,
//! upper–lower D (27 % groups), Moodle's discriminative efficiency, distractors by thirds,
//! omissions and time; per test the score distribution, α and SEM.

use super::ResponseSet;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Everything `analyse` computes for one response set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Analysis {
    /// One row per item of the set, in the set's item order.
    pub items: Vec<ItemStats>,
    /// The test as a whole.
    pub test: TestStats,
}

/// The statistics of one question version over the persons who saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemStats {
    /// The question version.
    pub version_id: i32,
    /// The question.
    pub question_id: i32,
    /// Persons who had the item on their paper (answered or not).
    pub n: u32,
    /// Facility p: mean fraction of the item's points earned, 0–1.
    pub facility: f64,
    /// Sample SD (n − 1) of the fraction of points earned.
    pub sd: f64,
    /// Corrected item–rest correlation (−1…1).
    pub item_rest_r: Option<f64>,
    /// Upper–lower D: facility of the upper 27 % minus the lower 27 % by rest score (−1…1).
    pub upper_lower_d: Option<f64>,
    /// Moodle's discriminative efficiency, as a fraction (Moodle shows it ×100).
    pub discriminative_efficiency: Option<f64>,
    /// Fraction of the n persons who left the item unanswered.
    pub omission_rate: f64,
    /// Mean seconds spent, over the responses whose time is known.
    pub mean_seconds: Option<f64>,
    /// Each authored option's choice rates.
    pub options: Vec<OptionStats>,
    /// Responses whose time is known (weights `mean_seconds` when pooling).
    #[serde(default)]
    pub timed: u32,
    /// Sizes of the lower, middle and upper thirds by rest score (weights the option rates
    /// when pooling).
    #[serde(default)]
    pub thirds: Thirds,
}

/// Sizes of the lower, middle and upper thirds (persons; fractional when a tie straddles a cut).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Thirds {
    /// Lower third.
    pub lower: f64,
    /// Middle third.
    pub middle: f64,
    /// Upper third.
    pub upper: f64,
}

/// One authored option: how often it was chosen, overall and in each third by rest score.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OptionStats {
    /// Authored option index (0 = A).
    pub index: u8,
    /// Part of the key.
    pub key: bool,
    /// Fraction of all n persons who chose it.
    pub overall: f64,
    /// Fraction of the lower third who chose it.
    pub lower: f64,
    /// Fraction of the middle third who chose it.
    pub middle: f64,
    /// Fraction of the upper third who chose it.
    pub upper: f64,
}

/// The test as a whole; scores as % of each person's own paper maximum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TestStats {
    /// Persons with at least one response.
    pub persons: u32,
    /// Mean score, %.
    pub mean: f64,
    /// Sample SD of the score, %.
    pub sd: f64,
    /// Lowest score, %.
    pub min: f64,
    /// Highest score, %.
    pub max: f64,
    /// Cronbach's α (KR-20 on dichotomous items).
    pub alpha: Option<f64>,
    /// Standard error of measurement, %.
    pub sem: Option<f64>,
    /// Ten bins of 10 % each; the last includes 100 %.
    pub histogram: Vec<Bin>,
}

/// One histogram bin: scores from `from` % (inclusive) to `to` % (exclusive, but the last bin
/// includes 100).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Bin {
    /// Lower edge, %.
    pub from: f64,
    /// Upper edge, %.
    pub to: f64,
    /// Persons in the bin.
    pub count: u32,
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

/// Weight in [0, 1] of each sorted value's membership in the bottom `mass` of the group (ties
/// at the cut share it equally, so the result does not depend on how ties happen to be
/// ordered). `sorted` is ascending; `out` gets one weight per value.
pub(crate) fn bottom_weights(sorted: &[f64], mass: f64, out: &mut Vec<f64>) {
    out.clear();
    let m = sorted.len();
    let mut s = 0;
    while s < m {
        let mut e = s + 1;
        while e < m && sorted[e] == sorted[s] {
            e += 1;
        }
        let len = (e - s) as f64;
        let w = ((mass - s as f64).clamp(0.0, len)) / len;
        out.extend(std::iter::repeat_n(w, e - s));
        s = e;
    }
}

/// Weight of each sorted value's membership in the top `mass` of the group (ties shared).
pub(crate) fn top_weights(sorted: &[f64], mass: f64, out: &mut Vec<f64>) {
    out.clear();
    let m = sorted.len();
    let cut = m as f64 - mass;
    let mut s = 0;
    while s < m {
        let mut e = s + 1;
        while e < m && sorted[e] == sorted[s] {
            e += 1;
        }
        let len = (e - s) as f64;
        let w = ((e as f64 - cut).clamp(0.0, len)) / len;
        out.extend(std::iter::repeat_n(w, e - s));
        s = e;
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

/// The fraction of the upper and the lower groups (27 %) by rest score.
const UPPER_LOWER: f64 = 0.27;

/// One response of an item, as the per-item pass reads it.
#[derive(Debug, Clone, Copy)]
struct Row {
    /// Rest score, % of the rest of the paper.
    rest: f64,
    /// Fraction of the item's points earned.
    x: f64,
    chosen: u16,
}

/// Buffers reused across items (no allocation per response).
#[derive(Default)]
struct Scratch {
    rows: Vec<Row>,
    rest: Vec<f64>,
    xs: Vec<f64>,
    low: Vec<f64>,
    high: Vec<f64>,
    third_low: Vec<f64>,
    third_high: Vec<f64>,
}

/// Item and test statistics of a response set.
///
/// Figures per item are over the persons whose paper held it. The rest score is the person's
/// score on the rest of their own paper as % of that rest's maximum (on a fixed form a linear
/// function of the raw rest score, so correlations equal Moodle's). Persons whose paper held
/// only this item have no rest score and count only in n, p, SD, omissions, time and the
/// overall option rates. Upper/lower 27 % groups and thirds are by rest score, as Moodle's
/// discrimination index uses the rest of the test; a tie straddling a cut is shared
/// fractionally, so the groups are exactly 27 % / one third.
pub fn analyse(set: &ResponseSet) -> Analysis {
    let totals = Totals::of(set);
    let by_item = ByItem::of(set);
    let mut scratch = Scratch::default();
    let items = set
        .items
        .iter()
        .enumerate()
        .map(|(i, meta)| item_stats(set, &totals, by_item.of_item(i), meta, &mut scratch))
        .collect();
    Analysis {
        items,
        test: test_stats(set, &totals, &by_item),
    }
}

fn item_stats(
    set: &ResponseSet,
    totals: &Totals,
    idx: &[u32],
    meta: &super::ItemMeta,
    s: &mut Scratch,
) -> ItemStats {
    let n = idx.len();
    let mut out = ItemStats {
        version_id: meta.version_id,
        question_id: meta.question_id,
        n: n as u32,
        ..ItemStats::default()
    };
    let opts = usize::from(meta.option_count.min(16));
    let mut chosen_counts = [0u32; 16];
    let (mut omitted, mut timed, mut seconds) = (0u32, 0u32, 0.0f64);
    s.rows.clear();
    for &j in idx {
        let r = &set.responses[j as usize];
        let p = r.person as usize;
        let max = f64::from(r.max);
        let x = if max > 0.0 {
            f64::from(r.score) / max
        } else {
            0.0
        };
        if r.omitted {
            omitted += 1;
        }
        if let Some(sec) = r.seconds {
            timed += 1;
            seconds += f64::from(sec);
        }
        for (o, c) in chosen_counts.iter_mut().enumerate().take(opts) {
            if r.chosen & (1 << o) != 0 {
                *c += 1;
            }
        }
        s.xs.push(x);
        let rest_max = totals.max[p] - max;
        if rest_max > 0.0 {
            s.rows.push(Row {
                rest: 100.0 * (totals.score[p] - f64::from(r.score)) / rest_max,
                x,
                chosen: r.chosen,
            });
        }
    }
    let (facility, var, _) = mean_var(s.xs.iter().copied());
    s.xs.clear();
    out.facility = facility;
    out.sd = var.sqrt();
    if n > 0 {
        out.omission_rate = f64::from(omitted) / n as f64;
    }
    out.timed = timed;
    out.mean_seconds = (timed > 0).then(|| seconds / f64::from(timed));

    // Rest-score figures: sort once by rest score.
    s.rows.sort_by(|a, b| a.rest.total_cmp(&b.rest));
    let m = s.rows.len();
    if m >= 2 {
        let mf = m as f64;
        let mx = s.rows.iter().map(|r| r.x).sum::<f64>() / mf;
        let mr = s.rows.iter().map(|r| r.rest).sum::<f64>() / mf;
        let (mut sxx, mut srr, mut sxr) = (0.0, 0.0, 0.0);
        for r in &s.rows {
            sxx += (r.x - mx) * (r.x - mx);
            srr += (r.rest - mr) * (r.rest - mr);
            sxr += (r.x - mx) * (r.rest - mr);
        }
        if sxx > 0.0 && srr > 0.0 {
            out.item_rest_r = Some(sxr / (sxx * srr).sqrt());
        }
        // Moodle: covariance over the covariance of the sorted vectors (rows are sorted by
        // rest; sort the item scores on their own).
        s.xs.extend(s.rows.iter().map(|r| r.x));
        s.xs.sort_by(f64::total_cmp);
        let sxr_max: f64 =
            s.xs.iter()
                .zip(&s.rows)
                .map(|(x, r)| (x - mx) * (r.rest - mr))
                .sum();
        s.xs.clear();
        if sxr_max > 0.0 {
            out.discriminative_efficiency = Some(sxr / sxr_max);
        }
        s.rest.clear();
        s.rest.extend(s.rows.iter().map(|r| r.rest));
        bottom_weights(&s.rest, UPPER_LOWER * mf, &mut s.low);
        top_weights(&s.rest, UPPER_LOWER * mf, &mut s.high);
        let (mut lo, mut hi) = (0.0, 0.0);
        for ((r, wl), wh) in s.rows.iter().zip(&s.low).zip(&s.high) {
            lo += wl * r.x;
            hi += wh * r.x;
        }
        let g = UPPER_LOWER * mf;
        out.upper_lower_d = Some((hi - lo) / g);
    }
    // Thirds by rest score.
    let third = m as f64 / 3.0;
    s.rest.clear();
    s.rest.extend(s.rows.iter().map(|r| r.rest));
    bottom_weights(&s.rest, third, &mut s.third_low);
    top_weights(&s.rest, third, &mut s.third_high);
    let mut per = [[0.0f64; 3]; 16];
    for ((r, wl), wh) in s.rows.iter().zip(&s.third_low).zip(&s.third_high) {
        let wm = 1.0 - wl - wh;
        for (o, acc) in per.iter_mut().enumerate().take(opts) {
            if r.chosen & (1 << o) != 0 {
                acc[0] += wl;
                acc[1] += wm;
                acc[2] += wh;
            }
        }
    }
    out.thirds = Thirds {
        lower: third,
        middle: m as f64 - 2.0 * third,
        upper: third,
    };
    let rate = |count: f64, of: f64| if of > 0.0 { count / of } else { 0.0 };
    out.options = (0..opts)
        .map(|o| OptionStats {
            index: o as u8,
            key: meta.key_mask & (1 << o) != 0,
            overall: rate(f64::from(chosen_counts[o]), n as f64),
            lower: rate(per[o][0], out.thirds.lower),
            middle: rate(per[o][1], out.thirds.middle),
            upper: rate(per[o][2], out.thirds.upper),
        })
        .collect();
    out
}

fn test_stats(set: &ResponseSet, totals: &Totals, by_item: &ByItem) -> TestStats {
    let pct: Vec<f64> = (0..set.persons.len())
        .filter_map(|p| totals.percent(p))
        .collect();
    let (mean, var, persons) = mean_var(pct.iter().copied());
    let mut histogram: Vec<Bin> = (0..10)
        .map(|b| Bin {
            from: f64::from(b) * 10.0,
            to: f64::from(b + 1) * 10.0,
            count: 0,
        })
        .collect();
    for &x in &pct {
        let b = ((x / 10.0).floor().max(0.0) as usize).min(9);
        histogram[b].count += 1;
    }
    let rel = super::reliability::from_parts(set, totals, by_item);
    TestStats {
        persons: persons as u32,
        mean,
        sd: var.sqrt(),
        min: pct.iter().copied().reduce(f64::min).unwrap_or(0.0),
        max: pct.iter().copied().reduce(f64::max).unwrap_or(0.0),
        alpha: rel.alpha,
        sem: rel.sem,
        histogram,
    }
}
