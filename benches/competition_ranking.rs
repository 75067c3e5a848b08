//! Competition ranking benchmark: the full ranking of every group of a national-scale event —
//! 2,000 finalists in two groups, a theory and a practical stage (0.3 / 0.7), five practical
//! modules, the chain practical → modules → theory → time, scores on a coarse grid so many
//! totals tie and the chain works — recomputed with the pure step the ranking endpoint uses
//! (`standings::assemble`: weighted totals, chain keys, 1224 ranks, notes). Prints the median,
//! p99 and mean per full recompute (both groups), and the same for a team event of 3-person
//! teams.
//!
//! Run: `cargo bench --bench competition_ranking` (FINALISTS=…, RUNS=… override).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use exam_platform::competition::standings::{Scored, assemble};
use exam_platform::competition::{StageKind, TeamScore, TieKey};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

#[path = "support/mod.rs"]
mod support;
use support::env;

/// A deterministic spread of scores on a half-point grid (many ties).
fn score(i: usize, salt: usize) -> f64 {
    let x = (i.wrapping_mul(2_654_435_761).wrapping_add(salt * 97)) % 81;
    60.0 + x as f64 / 2.0
}

fn finalists(n: usize, team: bool) -> Vec<Scored> {
    (0..n)
        .map(|i| {
            let modules: Vec<f64> = (0..5).map(|m| score(i, m + 3)).collect();
            let practical = modules.iter().sum::<f64>() / 5.0;
            Scored {
                contestant_id: i as i32,
                team_id: team.then_some((i / 3) as i32),
                number: format!("PACS26-AZ{i:04}"),
                name: format!("选手{i}"),
                organisation: format!("单位{}", i % 50),
                stages: vec![Some(score(i, 1)), Some(practical)],
                modules,
                time_secs: Some(1800.0 + (i % 600) as f64),
            }
        })
        .collect()
}

fn report(label: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!("{label}: median {median:.2} ms, p99 {p99:.2} ms, mean {mean:.2} ms");
}

fn main() {
    let n = env("FINALISTS", 2000);
    let runs = env("RUNS", 200);
    let chain = [
        TieKey::Practical,
        TieKey::Modules,
        TieKey::Theory,
        TieKey::Time,
    ];
    let kinds = [StageKind::Theory, StageKind::Practical];
    let weights = [0.3, 0.7];
    let all = finalists(n, false);
    let (a, b) = all.split_at(n / 2);
    let mut times = vec![];
    for _ in 0..runs {
        let t0 = Instant::now();
        for g in [a, b] {
            black_box(assemble(&weights, &kinds, &chain, None, black_box(g)));
        }
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    let ranked = assemble(&weights, &kinds, &chain, None, a);
    let shared = ranked.iter().filter(|r| r.shared).count();
    let by_chain = ranked
        .iter()
        .filter(|r| r.note_zh.is_some() && !r.shared)
        .count();
    println!(
        "{n} finalists in 2 groups, 5 modules, chain practical→modules→theory→time \
         ({by_chain} of group 1 placed by the chain, {shared} sharing a rank)"
    );
    report("individual ranking, every group", times);
    let teams = finalists(n, true);
    let names: HashMap<i32, String> = (0..(n / 3 + 1) as i32)
        .map(|t| (t, format!("队{t}")))
        .collect();
    let (a, b) = teams.split_at(n / 2 / 3 * 3);
    let mut times = vec![];
    for _ in 0..runs {
        let t0 = Instant::now();
        for g in [a, b] {
            black_box(assemble(
                &weights,
                &kinds,
                &chain,
                Some((TeamScore::Sum, &names)),
                black_box(g),
            ));
        }
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    report("team ranking (3 per team, sum), every group", times);
}
