//! Item analytics benchmark: the statistics the analytics screen and the draw rely on, over
//! 1,000 candidates × 100 questions (100,000 responses), for random papers drawn from a pool of
//! 300 questions and for one fixed form. Times, per run: `ctt::analyse` (item and test
//! statistics, α and SEM included), `reliability` on its own, Mantel–Haenszel DIF between two
//! groups, Rasch calibration (JMLE to 1e-6), the whole statistics (analyse + DIF + Rasch), and
//! the incremental update: pooling one new session's per-version rows into the stored pooled
//! rows of all 300 versions. Prints medians (and p99, max) in ms.
//!
//! Run: `cargo bench --bench item_analytics` (PERSONS=…, ITEMS=…, POOL=…, RUNS=… override).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use exam_platform::analytics::rasch::{RaschOptions, calibrate};
use exam_platform::analytics::{
    ItemMeta, Person, Response, ResponseSet, ctt, dif, pooling, reliability,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use std::time::Instant;

#[path = "support/mod.rs"]
mod support;
use support::{env, stats};

/// Rasch-like responses: abilities ~ U(−2.5, 2.5), difficulties spread over [−2, 2], four
/// options, a few two-point items with partial credit, 3 % omissions, times known.
fn simulate(persons: usize, pool: usize, per_paper: usize, seed: u64) -> ResponseSet {
    let mut rng = StdRng::seed_from_u64(seed);
    let b: Vec<f64> = (0..pool)
        .map(|i| -2.0 + 4.0 * i as f64 / (pool.max(2) - 1) as f64)
        .collect();
    let mut set = ResponseSet {
        items: (0..pool as i32)
            .map(|v| ItemMeta {
                version_id: v + 1,
                question_id: v + 1,
                option_count: 4,
                key_mask: 1 << (v % 4),
            })
            .collect(),
        ..ResponseSet::default()
    };
    set.responses.reserve(persons * per_paper);
    let mut idx: Vec<usize> = (0..pool).collect();
    for p in 0..persons {
        set.persons.push(Person {
            attempt_id: p as i32 + 1,
            group: Some(if p % 2 == 0 { "职工组" } else { "学生组" }.to_string()),
        });
        let theta: f64 = rng.random_range(-2.5..2.5);
        for k in 0..per_paper {
            let j = rng.random_range(k..pool);
            idx.swap(k, j);
            let i = idx[k];
            let key = i % 4;
            let pr = 1.0 / (1.0 + (b[i] - theta).exp());
            let omitted = rng.random::<f64>() < 0.03;
            let two = i % 10 == 9;
            let (score, max, chosen) = if omitted {
                (0.0, if two { 2.0 } else { 1.0 }, 0)
            } else if two {
                let s = u8::from(rng.random::<f64>() < pr) + u8::from(rng.random::<f64>() < pr);
                (
                    f32::from(s),
                    2.0,
                    1u16 << key | u16::from(s < 2) << ((key + 1) % 4),
                )
            } else if rng.random::<f64>() < pr {
                (1.0, 1.0, 1 << key)
            } else {
                (0.0, 1.0, 1 << ((key + 1 + rng.random_range(0..3)) % 4))
            };
            set.responses.push(Response {
                person: p as u32,
                item: i as u32,
                score,
                max,
                chosen,
                omitted,
                seconds: Some(rng.random_range(5.0..120.0)),
            });
        }
    }
    set
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<f64> {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect()
}

fn report(label: &str, ms: Vec<f64>) {
    let (median, p99, max) = stats(ms);
    println!("{label:<44} median {median:>8.3} ms  p99 {p99:>8.3} ms  max {max:>8.3} ms");
}

fn main() {
    let persons = env("PERSONS", 1000);
    let items = env("ITEMS", 100);
    let pool = env("POOL", 300);
    let runs = env("RUNS", 11);
    let options = RaschOptions {
        min_responses: 30,
        max_iterations: 500,
        tolerance: 1e-6,
    };
    for (label, set) in [
        (
            format!("random papers ({items} of {pool})"),
            simulate(persons, pool, items, 1),
        ),
        (
            format!("fixed form ({items})"),
            simulate(persons, items, items, 2),
        ),
    ] {
        println!(
            "{label}: {persons} candidates, {} responses, {runs} runs",
            set.responses.len()
        );
        let cal = calibrate(&set, &options);
        println!(
            "  Rasch: {} iterations, converged {}, {} items, {} persons",
            cal.iterations,
            cal.converged,
            cal.items.len(),
            cal.persons.len()
        );
        report(
            "  ctt::analyse (items + test + α)",
            time(runs, || ctt::analyse(&set)),
        );
        report(
            "  reliability (α, SEM)",
            time(runs, || reliability::reliability(&set)),
        );
        report(
            "  dif::mantel_haenszel",
            time(runs, || dif::mantel_haenszel(&set, "职工组", "学生组")),
        );
        report(
            "  rasch::calibrate",
            time(runs, || calibrate(&set, &options)),
        );
        report(
            "  whole statistics (analyse + DIF + Rasch)",
            time(runs, || {
                (
                    ctt::analyse(&set),
                    dif::mantel_haenszel(&set, "职工组", "学生组"),
                    calibrate(&set, &options),
                )
            }),
        );
        // Incremental: the stored pooled rows and one new session's rows, per version.
        let stored = ctt::analyse(&set).items;
        let session = simulate(persons / 10, set.items.len(), items.min(set.items.len()), 3);
        let new = ctt::analyse(&session).items;
        report(
            "  pool one new session into stored rows",
            time(runs.max(101), || {
                stored
                    .iter()
                    .zip(&new)
                    .map(|(s, n)| pooling::pool(&[s.clone(), n.clone()]))
                    .collect::<Vec<_>>()
            }),
        );
    }
}
