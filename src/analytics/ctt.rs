//! Classical test theory per item and per test: facility, SD, corrected item–rest correlation,
//! upper–lower D (27 % groups), Moodle's discriminative efficiency, distractors by thirds,
//! omissions and time; per test the score distribution, α and SEM.

use super::ResponseSet;
use super::reliability::{ByItem, Totals, mean_var};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::{ItemMeta, Person, Response};

    fn item(v: i32) -> ItemMeta {
        ItemMeta {
            version_id: v,
            question_id: v,
            option_count: 3,
            key_mask: 1,
        }
    }

    fn resp(person: u32, item: u32, score: f32, chosen: u16) -> Response {
        Response {
            person,
            item,
            score,
            max: 1.0,
            chosen,
            omitted: chosen == 0,
            seconds: None,
        }
    }

    /// Persons × items 0/1 matrix as a fixed form (option A the key; a wrong answer picks B).
    fn matrix(rows: &[&[u8]]) -> ResponseSet {
        let k = rows[0].len();
        ResponseSet {
            items: (0..k as i32).map(item).collect(),
            persons: (0..rows.len() as i32)
                .map(|p| Person {
                    attempt_id: p,
                    group: None,
                })
                .collect(),
            responses: rows
                .iter()
                .enumerate()
                .flat_map(|(p, row)| {
                    row.iter().enumerate().map(move |(i, &x)| {
                        resp(p as u32, i as u32, f32::from(x), if x == 1 { 1 } else { 2 })
                    })
                })
                .collect(),
        }
    }

    #[test]
    fn ties_at_a_cut_share_it_so_the_group_holds_exactly_its_mass() {
        let mut w = Vec::new();
        bottom_weights(&[1.0, 2.0, 2.0, 2.0, 3.0], 2.0, &mut w);
        assert_eq!(w, [1.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 0.0]);
        top_weights(&[1.0, 2.0, 2.0, 2.0, 3.0], 2.0, &mut w);
        assert_eq!(w, [0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 1.0]);
    }

    #[test]
    fn facility_sd_and_test_figures_of_a_small_fixed_form() {
        let set = matrix(&[&[1, 1, 1], &[1, 1, 0], &[1, 0, 0], &[0, 0, 0]]);
        let a = analyse(&set);
        assert_eq!(a.items[0].n, 4);
        assert!((a.items[0].facility - 0.75).abs() < 1e-12);
        assert!((a.items[0].sd - 0.5).abs() < 1e-12);
        // A Guttman pattern: every item discriminates perfectly.
        for s in &a.items {
            assert!(s.item_rest_r.is_some_and(|r| r > 0.5), "{s:?}");
            assert!(
                s.discriminative_efficiency
                    .is_some_and(|d| (d - 1.0).abs() < 1e-12)
            );
        }
        assert_eq!(a.test.persons, 4);
        assert!((a.test.mean - 50.0).abs() < 1e-12);
        assert!((a.test.max - 100.0).abs() < 1e-12);
        assert_eq!(a.test.histogram[9].count, 1, "100 % falls in the last bin");
        assert_eq!(a.test.histogram[0].count, 1);
        assert_eq!(a.items[0].omission_rate, 0.0);
    }

    #[test]
    fn distractor_rates_are_split_by_thirds_of_the_rest_score() {
        let set = matrix(&[
            &[1, 1, 1],
            &[1, 1, 1],
            &[0, 1, 1],
            &[0, 0, 1],
            &[0, 0, 0],
            &[0, 0, 0],
        ]);
        let a = analyse(&set);
        let key = &a.items[0].options[0];
        assert!(key.key && key.upper > key.lower);
        let wrong = &a.items[0].options[1];
        assert!(!wrong.key && wrong.lower > wrong.upper);
        let t = a.items[0].thirds;
        assert!((t.lower + t.middle + t.upper - 6.0).abs() < 1e-12);
    }

    #[test]
    fn a_paper_of_one_item_gives_no_rest_score_but_counts_in_facility() {
        let mut set = matrix(&[&[1, 0], &[0, 0], &[1, 1]]);
        set.persons.push(Person {
            attempt_id: 9,
            group: None,
        });
        set.responses.push(resp(3, 0, 1.0, 1));
        let a = analyse(&set);
        assert_eq!(a.items[0].n, 4);
        assert!((a.items[0].facility - 0.75).abs() < 1e-12);
        let t = a.items[0].thirds;
        assert!((t.lower + t.middle + t.upper - 3.0).abs() < 1e-12);
    }

    #[test]
    fn an_empty_set_gives_no_figures_and_no_panic() {
        let mut set = matrix(&[&[1]]);
        set.responses.clear();
        set.persons.clear();
        let a = analyse(&set);
        assert_eq!(a.items[0].n, 0);
        assert_eq!(a.items[0].item_rest_r, None);
        assert_eq!(a.test.persons, 0);
        assert_eq!(a.test.alpha, None);
    }
}
