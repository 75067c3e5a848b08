//! Pooling per-session item statistics of one question version, attempt-weighted, so stored
//! figures combine without re-reading responses.
//!
//! Exact when pooled: n (summed), facility and omission rate (weighted by n), SD (from each
//! part's n, mean and variance), mean seconds (weighted by the timed responses), the overall
//! option rates (by n). Approximations: the item–rest r, D and discriminative efficiency are
//! n-weighted means of the per-session figures (each session's groups are formed within that
//! session, against that session's papers), and the option rates by third are weighted by the
//! thirds' sizes: they describe "within-session thirds", not thirds re-formed over all
//! sessions. Pooling is associative, so stored pooled figures + one new session = the same as
//! pooling every session at once (up to rounding).

use super::ctt::{ItemStats, OptionStats, Thirds};

/// The per-session statistics of one version combined (n summed, rates weighted by n). The
/// ids are the first part's; no parts gives an empty row.
pub fn pool(stats: &[ItemStats]) -> ItemStats {
    let Some(first) = stats.first() else {
        return ItemStats::default();
    };
    let n: f64 = stats.iter().map(|s| f64::from(s.n)).sum();
    let mut out = ItemStats {
        version_id: first.version_id,
        question_id: first.question_id,
        n: stats.iter().map(|s| s.n).sum(),
        ..ItemStats::default()
    };
    if n == 0.0 {
        return out;
    }
    let by_n = |f: &dyn Fn(&ItemStats) -> f64| {
        stats.iter().map(|s| f64::from(s.n) * f(s)).sum::<f64>() / n
    };
    out.facility = by_n(&|s| s.facility);
    out.omission_rate = by_n(&|s| s.omission_rate);
    // Σ (nⱼ − 1) s²ⱼ + Σ nⱼ (mⱼ − m)², over n − 1.
    let ss: f64 = stats
        .iter()
        .map(|s| {
            let nj = f64::from(s.n);
            (nj - 1.0).max(0.0) * s.sd * s.sd + nj * (s.facility - out.facility).powi(2)
        })
        .sum();
    out.sd = if n > 1.0 {
        (ss / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    out.item_rest_r = weighted(stats, |s| s.item_rest_r);
    out.upper_lower_d = weighted(stats, |s| s.upper_lower_d);
    out.discriminative_efficiency = weighted(stats, |s| s.discriminative_efficiency);
    out.timed = stats.iter().map(|s| s.timed).sum();
    if out.timed > 0 {
        let secs: f64 = stats
            .iter()
            .filter_map(|s| s.mean_seconds.map(|m| m * f64::from(s.timed)))
            .sum();
        out.mean_seconds = Some(secs / f64::from(out.timed));
    }
    out.thirds = Thirds {
        lower: stats.iter().map(|s| s.thirds.lower).sum(),
        middle: stats.iter().map(|s| s.thirds.middle).sum(),
        upper: stats.iter().map(|s| s.thirds.upper).sum(),
    };
    let options = stats.iter().map(|s| s.options.len()).max().unwrap_or(0);
    out.options = (0..options)
        .map(|o| {
            let mut acc = OptionStats {
                index: o as u8,
                ..OptionStats::default()
            };
            for s in stats {
                if let Some(opt) = s.options.get(o) {
                    acc.key |= opt.key;
                    acc.overall += f64::from(s.n) * opt.overall;
                    acc.lower += s.thirds.lower * opt.lower;
                    acc.middle += s.thirds.middle * opt.middle;
                    acc.upper += s.thirds.upper * opt.upper;
                }
            }
            let div = |x: f64, by: f64| if by > 0.0 { x / by } else { 0.0 };
            acc.overall = div(acc.overall, n);
            acc.lower = div(acc.lower, out.thirds.lower);
            acc.middle = div(acc.middle, out.thirds.middle);
            acc.upper = div(acc.upper, out.thirds.upper);
            acc
        })
        .collect();
    out
}

/// n-weighted mean of a figure over the parts that have it.
fn weighted(stats: &[ItemStats], f: impl Fn(&ItemStats) -> Option<f64>) -> Option<f64> {
    let (mut sum, mut w) = (0.0, 0.0);
    for s in stats {
        if let Some(v) = f(s) {
            sum += f64::from(s.n) * v;
            w += f64::from(s.n);
        }
    }
    (w > 0.0).then(|| sum / w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(n: u32, p: f64, sd: f64, r: f64, secs: f64, timed: u32) -> ItemStats {
        ItemStats {
            version_id: 7,
            question_id: 3,
            n,
            facility: p,
            sd,
            item_rest_r: Some(r),
            mean_seconds: Some(secs),
            timed,
            omission_rate: 0.1,
            thirds: Thirds {
                lower: f64::from(n) / 3.0,
                middle: f64::from(n) / 3.0,
                upper: f64::from(n) / 3.0,
            },
            options: vec![OptionStats {
                index: 0,
                key: true,
                overall: p,
                lower: p - 0.2,
                middle: p,
                upper: p + 0.2,
            }],
            ..ItemStats::default()
        }
    }

    #[test]
    fn n_is_summed_and_rates_are_weighted_by_attempts() {
        let pooled = pool(&[
            part(100, 0.5, 0.5, 0.3, 40.0, 100),
            part(300, 0.7, 0.46, 0.2, 20.0, 100),
        ]);
        assert_eq!((pooled.n, pooled.version_id), (400, 7));
        assert!((pooled.facility - 0.65).abs() < 1e-12);
        assert!((pooled.item_rest_r.unwrap_or(0.0) - 0.225).abs() < 1e-12);
        assert!(
            (pooled.mean_seconds.unwrap_or(0.0) - 30.0).abs() < 1e-12,
            "by timed responses"
        );
        assert!((pooled.options[0].upper - 0.85).abs() < 1e-12);
    }

    #[test]
    fn pooling_stored_figures_with_a_new_session_equals_pooling_all_at_once() {
        let (a, b, c) = (
            part(50, 0.4, 0.49, 0.3, 10.0, 40),
            part(80, 0.6, 0.49, 0.1, 30.0, 80),
            part(20, 0.9, 0.3, 0.25, 5.0, 0),
        );
        let stepwise = pool(&[pool(&[a.clone(), b.clone()]), c.clone()]);
        let at_once = pool(&[a, b, c]);
        for (x, y) in [
            (stepwise.facility, at_once.facility),
            (stepwise.sd, at_once.sd),
            (
                stepwise.item_rest_r.unwrap_or(0.0),
                at_once.item_rest_r.unwrap_or(0.0),
            ),
            (
                stepwise.mean_seconds.unwrap_or(0.0),
                at_once.mean_seconds.unwrap_or(0.0),
            ),
            (stepwise.options[0].lower, at_once.options[0].lower),
        ] {
            assert!((x - y).abs() < 1e-12);
        }
        assert_eq!(stepwise.n, at_once.n);
    }

    #[test]
    fn no_parts_give_an_empty_row() {
        assert_eq!(pool(&[]).n, 0);
    }
}
