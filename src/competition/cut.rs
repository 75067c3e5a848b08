//! The qualifying cut (晋级) from one stage to the next, per group: a pure rule over the stage's
//! scores, then the preview and the staff confirmation that admits the qualifiers.
//!
//! Everyone tied at the cut advances (TopN/TopPercent compare ranks, not positions). Only
//! contestants who finished the stage are ranked; absent or unfinished ones never advance.

use super::CutRule;

/// One contestant's stage result as the cut sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sat {
    /// Score out of 100; none when absent.
    pub score: Option<f64>,
    /// Finished (submitted and fully marked).
    pub finished: bool,
}

/// One contestant's fate under the cut, in input order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fate {
    /// Rank among those who finished ("1224"); none for absent or unfinished.
    pub rank: Option<usize>,
    /// Advances to the next stage.
    pub advances: bool,
}

/// How many places a TopPercent cut fills: ⌈p · sat / 100⌉ (at least one when anyone sat).
/// The small slack keeps 30 % of 10 at 3, not 4 from binary noise.
pub fn percent_places(percent: f64, sat: usize) -> usize {
    if sat == 0 || !percent.is_finite() || percent <= 0.0 {
        return 0;
    }
    let n = (percent.min(100.0) * sat as f64 / 100.0 - 1e-9).ceil() as usize;
    n.clamp(1, sat)
}

fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// The cut over one group's results.
pub fn apply(rule: CutRule, results: &[Sat]) -> Vec<Fate> {
    let scores: Vec<Option<f64>> = results
        .iter()
        .map(|s| s.score.filter(|_| s.finished))
        .collect();
    let ranks = crate::exam::ranking::ranks(&scores);
    let sat = ranks.iter().filter(|r| r.is_some()).count();
    let places = match rule {
        CutRule::None => sat,
        CutRule::TopN(n) => n as usize,
        CutRule::TopPercent(p) => percent_places(p, sat),
        CutRule::ScoreLine(_) => sat,
    };
    ranks
        .iter()
        .zip(&scores)
        .map(|(rank, score)| {
            let advances = match (rank, score, rule) {
                (Some(_), Some(s), CutRule::ScoreLine(line)) => cents(*s) >= cents(line),
                (Some(r), _, _) => *r <= places,
                _ => false,
            };
            Fate {
                rank: *rank,
                advances,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sat(scores: &[f64]) -> Vec<Sat> {
        scores
            .iter()
            .map(|s| Sat {
                score: Some(*s),
                finished: true,
            })
            .collect()
    }

    fn advancing(f: &[Fate]) -> Vec<bool> {
        f.iter().map(|f| f.advances).collect()
    }

    #[test]
    fn top_n_admits_everyone_tied_at_the_cut() {
        let f = apply(CutRule::TopN(2), &sat(&[90.0, 80.0, 80.0, 70.0]));
        assert_eq!(advancing(&f), vec![true, true, true, false]);
        assert_eq!(f[2].rank, Some(2));
        // Ties above the cut push the next rank past it.
        let f = apply(CutRule::TopN(2), &sat(&[90.0, 90.0, 80.0]));
        assert_eq!(advancing(&f), vec![true, true, false]);
    }

    #[test]
    fn top_percent_fills_the_ceiling_of_the_share_of_those_who_sat_ties_included() {
        assert_eq!(percent_places(30.0, 10), 3);
        assert_eq!(percent_places(30.0, 11), 4);
        assert_eq!(percent_places(1.0, 5), 1);
        assert_eq!(percent_places(150.0, 5), 5);
        assert_eq!(percent_places(0.0, 5), 0);
        let scores = [99.0, 95.0, 90.0, 90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0];
        let f = apply(CutRule::TopPercent(30.0), &sat(&scores));
        assert_eq!(f.iter().filter(|f| f.advances).count(), 4);
        assert!(f[3].advances && !f[4].advances);
    }

    #[test]
    fn a_score_line_admits_everyone_at_or_above_it_as_shown() {
        let f = apply(
            CutRule::ScoreLine(60.0),
            &sat(&[60.0, 59.99, 0.1 + 0.2 + 59.7, 75.0]),
        );
        assert_eq!(advancing(&f), vec![true, false, true, true]);
    }

    #[test]
    fn absent_and_unfinished_contestants_never_advance_and_are_not_counted() {
        let mut r = sat(&[90.0, 80.0, 70.0]);
        r.push(Sat {
            score: None,
            finished: false,
        });
        r.push(Sat {
            score: Some(99.0),
            finished: false,
        });
        let f = apply(CutRule::TopPercent(50.0), &r);
        // Three sat: ⌈1.5⌉ = 2 places.
        assert_eq!(advancing(&f), vec![true, true, false, false, false]);
        assert_eq!(f[4].rank, None);
        let f = apply(CutRule::None, &r);
        assert_eq!(advancing(&f), vec![true, true, true, false, false]);
        assert!(apply(CutRule::TopN(3), &[]).is_empty());
    }
}
