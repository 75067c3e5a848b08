//! Ranking an event's group (pure): weighted totals, the configured tie chain, the shared rank
//! ("1224") when the chain cannot separate, and team scores.
//!
//! Every value is compared after rounding to 2 decimals, as it is shown (see
//! [`crate::exam::ranking`]): binary noise must never separate two contestants who see the
//! same score. Each placed row says which key separated it from its neighbours, so a screen can
//! print "同分，按实操成绩排序".

use super::{TeamScore, TieKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One contestant (or team) as the ranking needs it. Scores are out of 100.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// Weighted total; none when not every stage has a final score (no rank then).
    pub total: Option<f64>,
    /// The final (practical) stage's score.
    pub practical: Option<f64>,
    /// The final's per-task scores in task order (modules, 模块).
    pub modules: Vec<f64>,
    /// The theory stage's score.
    pub theory: Option<f64>,
    /// Time used, in seconds (less is better); none sorts last.
    pub time_secs: Option<f64>,
}

/// What separated a row from its neighbour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Split {
    /// Nothing: the two share a rank.
    Tied,
    /// The total.
    Total,
    /// The practical score.
    Practical,
    /// Module `index` (from 0).
    Module {
        /// The module, from 0.
        index: usize,
    },
    /// The theory score.
    Theory,
    /// Time used.
    Time,
}

impl Split {
    /// What a screen prints for it, Chinese first.
    pub fn label(self) -> (String, String) {
        match self {
            Split::Tied => ("同分同名次".into(), "tied: shared rank".into()),
            Split::Total => ("按总成绩".into(), "by total".into()),
            Split::Practical => (
                "同分，按实操成绩排序".into(),
                "tied on total, ordered by the practical score".into(),
            ),
            Split::Module { index } => (
                format!("同分，按模块{}成绩排序", index + 1),
                format!("tied, ordered by module {}", index + 1),
            ),
            Split::Theory => (
                "同分，按理论成绩排序".into(),
                "tied, ordered by the theory score".into(),
            ),
            Split::Time => (
                "同分，按用时排序".into(),
                "tied, ordered by time used".into(),
            ),
        }
    }
}

/// A row's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Place {
    /// Index of the row in the input.
    pub index: usize,
    /// Rank from 1; none without a total.
    pub rank: Option<u32>,
    /// Shares its rank with another row.
    pub shared: bool,
    /// What separated it from the row above (none for the first or an unranked row).
    pub above: Option<Split>,
    /// What separated it from the row below (none for the last ranked or an unranked row).
    pub below: Option<Split>,
}

/// Rounds as shown: hundredths as an integer.
fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// A component of the sort key: smaller is better. Higher-is-better values are negated; a
/// missing value is worst.
fn desc(x: Option<f64>) -> i64 {
    x.filter(|v| v.is_finite()).map_or(i64::MAX, |v| -cents(v))
}

fn asc(x: Option<f64>) -> i64 {
    x.filter(|v| v.is_finite()).map_or(i64::MAX, cents)
}

/// The sort key of a row under a chain, and which split each component stands for.
fn key(row: &Row, chain: &[TieKey], modules: usize) -> (Vec<i64>, Vec<Split>) {
    let mut k = vec![desc(row.total)];
    let mut s = vec![Split::Total];
    for t in chain {
        match t {
            TieKey::Practical => {
                k.push(desc(row.practical));
                s.push(Split::Practical);
            }
            TieKey::Modules => {
                for i in 0..modules {
                    k.push(desc(row.modules.get(i).copied()));
                    s.push(Split::Module { index: i });
                }
            }
            TieKey::Theory => {
                k.push(desc(row.theory));
                s.push(Split::Theory);
            }
            TieKey::Time => {
                k.push(asc(row.time_secs));
                s.push(Split::Time);
            }
        }
    }
    (k, s)
}

/// Ranks `rows` under `chain` (applied after the total, in order): rows equal on the total and
/// every key of the chain share a rank and the next rank skips. The result is in rank order
/// (ties in input order), unranked rows (no total) last.
pub fn rank(rows: &[Row], chain: &[TieKey]) -> Vec<Place> {
    let modules = rows.iter().map(|r| r.modules.len()).max().unwrap_or(0);
    let mut keyed: Vec<(usize, Vec<i64>)> = Vec::with_capacity(rows.len());
    let mut splits = vec![];
    for (i, r) in rows.iter().enumerate() {
        let (k, s) = key(r, chain, modules);
        splits = s;
        keyed.push((i, k));
    }
    keyed.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let split_of = |a: &[i64], b: &[i64]| {
        a.iter()
            .zip(b)
            .position(|(x, y)| x != y)
            .map_or(Split::Tied, |p| splits[p])
    };
    let ranked = keyed
        .iter()
        .take_while(|(i, _)| rows[*i].total.is_some_and(f64::is_finite))
        .count();
    let mut out = Vec::with_capacity(rows.len());
    let mut current = 0u32;
    for (pos, (i, k)) in keyed.iter().enumerate() {
        if pos >= ranked {
            out.push(Place {
                index: *i,
                rank: None,
                shared: false,
                above: None,
                below: None,
            });
            continue;
        }
        let above = (pos > 0).then(|| split_of(&keyed[pos - 1].1, k));
        let below = (pos + 1 < ranked).then(|| split_of(k, &keyed[pos + 1].1));
        if above != Some(Split::Tied) {
            current = pos as u32 + 1;
        }
        out.push(Place {
            index: *i,
            rank: Some(current),
            shared: above == Some(Split::Tied) || below == Some(Split::Tied),
            above,
            below,
        });
    }
    out
}

/// The weighted total of stage scores `(weight, score out of 100)`: Σ weight · score, rounded
/// to 2 decimals; none while any stage has no score.
pub fn weighted_total(stages: &[(f64, Option<f64>)]) -> Option<f64> {
    let mut sum = 0.0;
    for (w, s) in stages {
        sum += w * (*s)?;
    }
    Some(round2(sum))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn combine(values: &[Option<f64>], how: TeamScore) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sum = 0.0;
    for v in values {
        sum += (*v)?;
    }
    Some(round2(match how {
        TeamScore::Sum => sum,
        TeamScore::Mean => sum / values.len() as f64,
    }))
}

/// A team's row from its members': total and every score key summed or averaged as the event
/// says; time always summed (the team's total time). Missing values leave the team's missing.
pub fn team_row(members: &[Row], how: TeamScore) -> Row {
    let pick = |f: &dyn Fn(&Row) -> Option<f64>| members.iter().map(f).collect::<Vec<_>>();
    let modules = members.iter().map(|m| m.modules.len()).max().unwrap_or(0);
    Row {
        total: combine(&pick(&|m| m.total), how),
        practical: combine(&pick(&|m| m.practical), how),
        modules: (0..modules)
            .map(|i| combine(&pick(&|m| m.modules.get(i).copied()), how).unwrap_or(0.0))
            .collect(),
        theory: combine(&pick(&|m| m.theory), how),
        time_secs: combine(&pick(&|m| m.time_secs), TeamScore::Sum),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(total: f64, practical: f64, theory: f64, time: Option<f64>) -> Row {
        Row {
            total: Some(total),
            practical: Some(practical),
            modules: vec![],
            theory: Some(theory),
            time_secs: time,
        }
    }

    fn ranks(p: &[Place]) -> Vec<(usize, Option<u32>)> {
        p.iter().map(|p| (p.index, p.rank)).collect()
    }

    #[test]
    fn higher_totals_rank_first_and_equal_totals_without_a_chain_share_a_rank() {
        let rows = [
            row(80.0, 0.0, 0.0, None),
            row(95.0, 0.0, 0.0, None),
            row(80.0, 0.0, 0.0, None),
            row(60.0, 0.0, 0.0, None),
        ];
        let p = rank(&rows, &[]);
        assert_eq!(
            ranks(&p),
            vec![(1, Some(1)), (0, Some(2)), (2, Some(2)), (3, Some(4))]
        );
        assert!(p[1].shared && p[2].shared && !p[0].shared && !p[3].shared);
        assert_eq!(p[1].above, Some(Split::Total));
        assert_eq!(p[1].below, Some(Split::Tied));
        assert_eq!(p[3].below, None);
    }

    /// fsou.com 赛项规程 (http://fsou.com/html/text/lar/172079/17207918_7.html), in short: total
    /// score, then the shorter completion time, then the higher practical score, then the higher
    /// theory score, otherwise a shared rank.
    const FSOU: [TieKey; 3] = [TieKey::Time, TieKey::Practical, TieKey::Theory];

    #[test]
    fn under_the_fsou_rules_a_tie_on_total_goes_to_the_shorter_time() {
        let rows = [
            row(88.5, 90.0, 84.0, Some(3000.0)),
            row(88.5, 85.0, 95.0, Some(2700.0)),
        ];
        let p = rank(&rows, &FSOU);
        assert_eq!(ranks(&p), vec![(1, Some(1)), (0, Some(2))]);
        assert_eq!(p[1].above, Some(Split::Time));
        assert!(!p[0].shared);
    }

    #[test]
    fn under_the_fsou_rules_equal_times_fall_through_to_practical_then_theory() {
        let rows = [
            row(88.5, 85.0, 95.0, Some(3000.0)),
            row(88.5, 90.0, 83.33, Some(3000.0)),
            row(88.5, 85.0, 96.0, Some(3000.0)),
        ];
        let p = rank(&rows, &FSOU);
        assert_eq!(ranks(&p), vec![(1, Some(1)), (2, Some(2)), (0, Some(3))]);
        assert_eq!(p[1].above, Some(Split::Practical));
        assert_eq!(p[2].above, Some(Split::Theory));
    }

    #[test]
    fn under_the_fsou_rules_rows_equal_on_every_key_share_the_rank() {
        let rows = [
            row(70.0, 70.0, 70.0, Some(1800.0)),
            row(70.0, 70.0, 70.0, Some(1800.0)),
            row(69.99, 70.0, 70.0, Some(1.0)),
        ];
        let p = rank(&rows, &FSOU);
        assert_eq!(ranks(&p), vec![(0, Some(1)), (1, Some(1)), (2, Some(3))]);
        assert!(p[0].shared && p[1].shared);
        assert_eq!(p[2].above, Some(Split::Total));
    }

    #[test]
    fn a_missing_time_sorts_after_any_recorded_time() {
        let rows = [
            row(80.0, 80.0, 80.0, None),
            row(80.0, 80.0, 80.0, Some(9e5)),
        ];
        let p = rank(&rows, &[TieKey::Time]);
        assert_eq!(ranks(&p), vec![(1, Some(1)), (0, Some(2))]);
    }

    /// jzds.itmc.cn 竞赛规程 (http://jzds.itmc.cn/html/jiang/): a tie on total is broken module by
    /// module, module 1 first, then module 2, and so on.
    #[test]
    fn under_the_jzds_rules_a_tie_is_broken_module_by_module_in_order() {
        let m = |modules: Vec<f64>| Row {
            total: Some(90.0),
            modules,
            ..Row::default()
        };
        let rows = [
            m(vec![30.0, 30.0, 30.0]),
            m(vec![30.0, 35.0, 25.0]),
            m(vec![35.0, 20.0, 35.0]),
        ];
        let p = rank(&rows, &[TieKey::Modules]);
        assert_eq!(ranks(&p), vec![(2, Some(1)), (1, Some(2)), (0, Some(3))]);
        assert_eq!(p[1].above, Some(Split::Module { index: 0 }));
        assert_eq!(p[2].above, Some(Split::Module { index: 1 }));
        assert_eq!(p[0].below, Some(Split::Module { index: 0 }));
    }

    #[test]
    fn the_platform_default_chain_uses_practical_then_modules_then_theory_then_time() {
        let chain = [
            TieKey::Practical,
            TieKey::Modules,
            TieKey::Theory,
            TieKey::Time,
        ];
        let r = |practical: f64, modules: Vec<f64>, theory: f64, time: f64| Row {
            total: Some(80.0),
            practical: Some(practical),
            modules,
            theory: Some(theory),
            time_secs: Some(time),
        };
        let rows = [
            r(80.0, vec![40.0, 40.0], 80.0, 100.0),
            r(80.0, vec![40.0, 40.0], 80.0, 90.0),
            r(80.0, vec![45.0, 35.0], 70.0, 200.0),
            r(82.0, vec![30.0, 52.0], 75.33, 300.0),
        ];
        let p = rank(&rows, &chain);
        assert_eq!(
            ranks(&p),
            vec![(3, Some(1)), (2, Some(2)), (1, Some(3)), (0, Some(4))]
        );
        let above: Vec<_> = p.iter().map(|p| p.above).collect();
        assert_eq!(
            above,
            vec![
                None,
                Some(Split::Practical),
                Some(Split::Module { index: 0 }),
                Some(Split::Time)
            ]
        );
    }

    #[test]
    fn scores_that_differ_only_below_a_hundredth_tie_and_go_to_the_chain() {
        let rows = [
            row(0.1 + 0.2 + 80.0, 70.0, 0.0, None),
            row(80.3, 71.0, 0.0, None),
        ];
        let p = rank(&rows, &[TieKey::Practical]);
        assert_eq!(ranks(&p), vec![(1, Some(1)), (0, Some(2))]);
        assert_eq!(p[1].above, Some(Split::Practical));
    }

    #[test]
    fn rows_without_a_total_get_no_rank_and_come_last() {
        let mut none = row(0.0, 0.0, 0.0, None);
        none.total = None;
        let rows = [none.clone(), row(50.0, 0.0, 0.0, None), none];
        let p = rank(&rows, &FSOU);
        assert_eq!(ranks(&p), vec![(1, Some(1)), (0, None), (2, None)]);
        assert_eq!(p[0].below, None);
        assert!(rank(&[], &FSOU).is_empty());
    }

    #[test]
    fn three_rows_tied_share_a_rank_and_the_next_skips_two() {
        let rows = [
            row(90.0, 1.0, 1.0, None),
            row(90.0, 1.0, 1.0, None),
            row(90.0, 1.0, 1.0, None),
            row(89.0, 1.0, 1.0, None),
        ];
        let p = rank(&rows, &[TieKey::Practical, TieKey::Theory]);
        assert_eq!(
            p.iter().map(|p| p.rank).collect::<Vec<_>>(),
            vec![Some(1), Some(1), Some(1), Some(4)]
        );
    }

    #[test]
    fn the_weighted_total_is_each_stage_score_times_its_weight() {
        assert_eq!(
            weighted_total(&[(0.3, Some(80.0)), (0.7, Some(90.0))]),
            Some(87.0)
        );
        assert_eq!(
            weighted_total(&[(0.3, Some(66.67)), (0.7, Some(71.11))]),
            Some(69.78)
        );
        assert_eq!(weighted_total(&[(0.3, Some(80.0)), (0.7, None)]), None);
    }

    /// fsou.com 赛项规程 (same page), in short: a team scores the sum of its 3 members; a team tie
    /// is broken by the team's total time.
    #[test]
    fn under_the_fsou_rules_a_team_scores_the_sum_of_three_and_a_tie_goes_to_total_time() {
        let member = |total: f64, time: f64| Row {
            total: Some(total),
            time_secs: Some(time),
            ..Row::default()
        };
        let a = team_row(
            &[
                member(90.0, 3000.0),
                member(80.0, 3100.0),
                member(70.0, 2900.0),
            ],
            TeamScore::Sum,
        );
        let b = team_row(
            &[
                member(85.0, 2800.0),
                member(85.0, 2800.0),
                member(70.0, 3000.0),
            ],
            TeamScore::Sum,
        );
        assert_eq!(a.total, Some(240.0));
        assert_eq!(a.time_secs, Some(9000.0));
        assert_eq!(b.time_secs, Some(8600.0));
        let p = rank(&[a, b], &[TieKey::Time]);
        assert_eq!(ranks(&p), vec![(1, Some(1)), (0, Some(2))]);
        assert_eq!(p[1].above, Some(Split::Time));
    }

    #[test]
    fn a_mean_team_averages_scores_and_modules_but_sums_time() {
        let m = |total: f64, modules: Vec<f64>| Row {
            total: Some(total),
            practical: Some(total),
            modules,
            theory: Some(60.0),
            time_secs: Some(100.0),
        };
        let t = team_row(
            &[m(80.0, vec![40.0, 40.0]), m(90.0, vec![50.0, 40.0])],
            TeamScore::Mean,
        );
        assert_eq!(t.total, Some(85.0));
        assert_eq!(t.practical, Some(85.0));
        assert_eq!(t.modules, vec![45.0, 40.0]);
        assert_eq!(t.theory, Some(60.0));
        assert_eq!(t.time_secs, Some(200.0));
    }

    #[test]
    fn a_team_with_a_member_missing_a_total_gets_no_total() {
        let t = team_row(
            &[
                Row {
                    total: Some(80.0),
                    ..Row::default()
                },
                Row::default(),
            ],
            TeamScore::Sum,
        );
        assert_eq!(t.total, None);
        assert_eq!(team_row(&[], TeamScore::Sum).total, None);
    }

    #[test]
    fn every_split_has_a_chinese_label_first() {
        assert_eq!(Split::Practical.label().0, "同分，按实操成绩排序");
        assert_eq!(
            Split::Module { index: 1 }.label().0,
            "同分，按模块2成绩排序"
        );
    }
}
