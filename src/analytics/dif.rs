//! Differential item functioning between two groups: Mantel–Haenszel with the ETS A/B/C classes.

use super::ResponseSet;
use super::reliability::{ByItem, Totals};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// ETS DIF class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum EtsClass {
    /// Negligible.
    #[default]
    A,
    /// Slight to moderate.
    B,
    /// Moderate to large.
    C,
}

/// Mantel–Haenszel DIF of one item between the reference and the focal group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DifResult {
    /// The question version.
    pub version_id: i32,
    /// The question.
    pub question_id: i32,
    /// Reference-group persons who saw the item.
    pub n_reference: u32,
    /// Focal-group persons who saw the item.
    pub n_focal: u32,
    /// Common odds ratio α_MH (> 1: the item favours the reference group).
    pub alpha_mh: Option<f64>,
    /// Δ_MH = −2.35 ln α_MH (ETS delta scale; negative: harder for the focal group).
    pub delta_mh: Option<f64>,
    /// MH χ² (1 df) with continuity correction.
    pub chi_square: Option<f64>,
    /// ETS class (A when the figures are undefined).
    pub class: EtsClass,
    /// p-value of the χ².
    #[serde(default)]
    pub p_value: Option<f64>,
    /// Standard error of Δ_MH (Robins–Breslow–Greenland variance of ln α_MH, × 2.35).
    #[serde(default)]
    pub se_delta: Option<f64>,
}

/// χ²(1) critical value at .05.
const CHI2_05: f64 = 3.841_458_820_694_124;
/// One-sided normal critical value at .05 (|Δ| significantly greater than 1).
const Z_95: f64 = 1.644_853_626_951_472_2;

/// DIF of every item between persons whose group is `reference` and those whose group is `focal`.
///
/// Correct means full credit (score == max). Persons are matched on their total score on their
/// own paper, the studied item included (Holland & Thayer 1988): stratum = round(total % ×
/// M̄ / 100), where M̄ is the mean paper maximum of the two groups; on a fixed form with whole
/// points that is exactly the raw total score. Strata holding only one group carry no
/// information and drop out. α_MH = Σ(AD/N)/Σ(BC/N); Δ_MH = −2.35 ln α_MH; χ²_MH =
/// (|ΣA − ΣE(A)| − ½)² / ΣVar(A) (0 when the difference is under ½); SE(Δ) from the
/// Robins–Breslow–Greenland variance of ln α_MH.
///
/// ETS classes as in Zwick (2012, ETS RR-12-08, after Dorans & Holland 1993): A when |Δ| < 1
/// or χ²_MH is not significant at .05; C when |Δ| ≥ 1.5 and |Δ| is significantly greater than
/// 1 (one-sided z = (|Δ| − 1)/SE(Δ) > 1.645, Paek & Holland 2015); B otherwise. An item with
/// no defined α_MH (a group absent, or all correct / all wrong within every stratum) is A.
pub fn mantel_haenszel(set: &ResponseSet, reference: &str, focal: &str) -> Vec<DifResult> {
    let totals = Totals::of(set);
    let by_item = ByItem::of(set);
    // 0 = neither, 1 = reference, 2 = focal.
    let side: Vec<u8> = set
        .persons
        .iter()
        .map(|p| match p.group.as_deref() {
            Some(g) if g == reference => 1,
            Some(g) if g == focal => 2,
            _ => 0,
        })
        .collect();
    let (mut msum, mut mcount) = (0.0, 0usize);
    for (p, &s) in side.iter().enumerate() {
        if s != 0 && totals.items[p] > 0 {
            msum += totals.max[p];
            mcount += 1;
        }
    }
    let mbar = if mcount > 0 {
        msum / mcount as f64
    } else {
        0.0
    };
    let stratum: Vec<usize> = (0..set.persons.len())
        .map(|p| {
            totals
                .percent(p)
                .map(|pct| (pct * mbar / 100.0).round().max(0.0) as usize)
                .unwrap_or(0)
        })
        .collect();
    let strata = stratum.iter().copied().max().unwrap_or(0) + 1;
    // Per stratum: A (ref right), B (ref wrong), C (focal right), D (focal wrong).
    let mut cells = vec![[0.0f64; 4]; strata];
    set.items
        .iter()
        .enumerate()
        .map(|(i, meta)| {
            cells.iter_mut().for_each(|c| *c = [0.0; 4]);
            let (mut n_ref, mut n_foc) = (0u32, 0u32);
            for &j in by_item.of_item(i) {
                let r = &set.responses[j as usize];
                let p = r.person as usize;
                let right = r.max > 0.0 && r.score >= r.max;
                let cell = match (side[p], right) {
                    (1, true) => 0,
                    (1, false) => 1,
                    (2, true) => 2,
                    (2, false) => 3,
                    _ => continue,
                };
                if side[p] == 1 {
                    n_ref += 1;
                } else {
                    n_foc += 1;
                }
                cells[stratum[p]][cell] += 1.0;
            }
            let mut out = DifResult {
                version_id: meta.version_id,
                question_id: meta.question_id,
                n_reference: n_ref,
                n_focal: n_foc,
                ..DifResult::default()
            };
            summarise(&cells, &mut out);
            out
        })
        .collect()
}

/// α_MH, Δ, χ², SE and the class from the strata's 2×2 tables.
fn summarise(cells: &[[f64; 4]], out: &mut DifResult) {
    let (mut r, mut s, mut a, mut ea, mut var) = (0.0, 0.0, 0.0, 0.0, 0.0);
    // Robins–Breslow–Greenland sums.
    let (mut pr, mut ps_qr, mut qs) = (0.0, 0.0, 0.0);
    for &[ca, cb, cc, cd] in cells {
        let (nr, nf) = (ca + cb, cc + cd);
        if nr == 0.0 || nf == 0.0 {
            continue;
        }
        let n = nr + nf;
        let (m1, m0) = (ca + cc, cb + cd);
        let rk = ca * cd / n;
        let sk = cb * cc / n;
        let pk = (ca + cd) / n;
        let qk = (cb + cc) / n;
        r += rk;
        s += sk;
        pr += pk * rk;
        ps_qr += pk * sk + qk * rk;
        qs += qk * sk;
        a += ca;
        ea += nr * m1 / n;
        if n > 1.0 {
            var += nr * nf * m1 * m0 / (n * n * (n - 1.0));
        }
    }
    if var > 0.0 {
        let chi = ((a - ea).abs() - 0.5).max(0.0).powi(2) / var;
        out.chi_square = Some(chi);
        out.p_value = Some(chi2_1_sf(chi));
    }
    if r > 0.0 && s > 0.0 {
        let alpha = r / s;
        let delta = -2.35 * alpha.ln();
        let var_ln = pr / (2.0 * r * r) + ps_qr / (2.0 * r * s) + qs / (2.0 * s * s);
        let se = 2.35 * var_ln.sqrt();
        out.alpha_mh = Some(alpha);
        out.delta_mh = Some(delta);
        out.se_delta = Some(se);
        let significant = out.chi_square.is_some_and(|c| c >= CHI2_05);
        out.class = if delta.abs() < 1.0 || !significant {
            EtsClass::A
        } else if delta.abs() >= 1.5 && se > 0.0 && (delta.abs() - 1.0) / se > Z_95 {
            EtsClass::C
        } else {
            EtsClass::B
        };
    }
}

/// Upper tail of χ² with 1 df: P(X ≥ x) = erfc(√(x/2)).
pub fn chi2_1_sf(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    erfc((x / 2.0).sqrt())
}

/// Complementary error function for x ≥ 0: a series below 2, a continued fraction above
/// (relative error about 1e-15 either side).
fn erfc(x: f64) -> f64 {
    if x < 2.0 {
        // erf(x) = 2/√π Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
        let (mut term, mut sum, x2) = (x, x, x * x);
        for n in 1..200 {
            term *= -x2 / f64::from(n);
            let add = term / f64::from(2 * n + 1);
            sum += add;
            if add.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        1.0 - sum * std::f64::consts::FRAC_2_SQRT_PI
    } else {
        // Lentz's continued fraction: erfc(x) = e^(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))).
        let tiny = 1e-300;
        let mut f = x;
        let mut c = x;
        let mut d = 0.0;
        for n in 1..500 {
            let an = f64::from(n) / 2.0;
            d = x + an * d;
            d = if d.abs() < tiny { tiny } else { d };
            c = x + an / c;
            c = if c.abs() < tiny { tiny } else { c };
            d = 1.0 / d;
            let delta = c * d;
            f *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (-x * x).exp() / (f * std::f64::consts::PI.sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_tail_matches_known_values() {
        assert!((chi2_1_sf(CHI2_05) - 0.05).abs() < 1e-12);
        assert!((chi2_1_sf(1.0) - 0.317_310_507_862_914_1).abs() < 1e-12);
        assert!((chi2_1_sf(10.827_566_170_662_733) - 0.001).abs() < 1e-13);
        assert!((chi2_1_sf(30.0) / 4.320_463_057_827_495_5e-8 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn equal_odds_in_every_stratum_give_alpha_one_and_class_a() {
        let cells = [[10.0, 10.0, 5.0, 5.0], [30.0, 10.0, 15.0, 5.0]];
        let mut out = DifResult::default();
        summarise(&cells, &mut out);
        assert!((out.alpha_mh.unwrap_or(0.0) - 1.0).abs() < 1e-12);
        assert_eq!(out.class, EtsClass::A);
    }

    #[test]
    fn a_large_significant_gap_is_class_c_and_a_moderate_one_b() {
        // Reference odds 4:1, focal 1:1 in big strata: α = 4, Δ = −3.26.
        let big = [[400.0, 100.0, 250.0, 250.0], [800.0, 200.0, 500.0, 500.0]];
        let mut out = DifResult::default();
        summarise(&big, &mut out);
        assert!((out.alpha_mh.unwrap_or(0.0) - 4.0).abs() < 1e-9);
        assert_eq!(out.class, EtsClass::C);
        // α = 1.8: Δ = −1.38, significant: B.
        let mid = [[900.0, 500.0, 500.0, 500.0], [900.0, 500.0, 500.0, 500.0]];
        let mut out = DifResult::default();
        summarise(&mid, &mut out);
        assert_eq!(out.class, EtsClass::B);
    }

    #[test]
    fn a_large_gap_in_a_tiny_sample_is_not_significant_so_class_a() {
        let cells = [[2.0, 1.0, 1.0, 2.0]];
        let mut out = DifResult::default();
        summarise(&cells, &mut out);
        assert!(out.delta_mh.is_some_and(|d| d.abs() > 1.5));
        assert_eq!(out.class, EtsClass::A);
    }
}
