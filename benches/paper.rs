//! Paper-drawing benchmark: a synthetic pool of 10,000 questions (10 categories × 5 kinds ×
//! difficulties 1–5, 40 each), a blueprint of 100 questions (60 single choice in difficulty
//! bands, 20 multiple choice, 20 true/false, per category) with a target difficulty of 3.0 ± 0.3.
//! Builds the draw index once, then times 10,000 first-sitting draws and 10,000 retake draws
//! (avoiding the 100 questions of an earlier paper), each with its own seed, and prints the
//! median, p99 and mean per draw. Also times algorithm version 1 on the same index (the draw
//! before measured difficulty) and version 2 on a pool where every question is measured and
//! exposed (weighted sampling in every cell, a cap a tenth of the pool is over).
//!
//! Run: `cargo bench --bench paper` (DRAWS=… overrides the number of draws).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use exam_platform::bank::model::QuestionKind;
use exam_platform::exam::blueprint::{self, Blueprint, Cell, PoolItem, Section};
use exam_platform::exam::paper::{self, DrawIndex, Paper};
use std::collections::HashSet;
use std::hint::black_box;
use std::time::Instant;

const CATEGORIES: [&str; 10] = [
    "法规/保安服务管理条例",
    "法规/治安管理处罚法",
    "法规/刑法",
    "职业道德",
    "技能/消防",
    "技能/监控",
    "技能/巡逻",
    "技能/押运",
    "应急处置",
    "礼仪与沟通",
];
const KINDS: [QuestionKind; 5] = [
    QuestionKind::Single,
    QuestionKind::Multiple,
    QuestionKind::TrueFalse,
    QuestionKind::Fill,
    QuestionKind::Short,
];

fn pool() -> Vec<PoolItem> {
    let mut out = Vec::with_capacity(10_000);
    let mut id = 1;
    for category in CATEGORIES {
        for kind in KINDS {
            for difficulty in 1..=5u8 {
                for _ in 0..40 {
                    out.push(PoolItem {
                        version_id: 100_000 + id,
                        question_id: id,
                        bank: "SEC".into(),
                        category: category.to_string(),
                        kind,
                        difficulty: f64::from(difficulty),
                        option_count: match kind {
                            QuestionKind::Single => 4,
                            QuestionKind::Multiple => 5,
                            _ => 0,
                        },
                        measured: None,
                        exposure: 0,
                    });
                    id += 1;
                }
            }
        }
    }
    out
}

fn cell(category: &str, kind: QuestionKind, band: (u8, u8), count: usize, points: f64) -> Cell {
    Cell {
        bank: "SEC".into(),
        category: Some(category.to_string()),
        kind,
        min_difficulty: band.0,
        max_difficulty: band.1,
        count,
        points,
    }
}

fn raw_blueprint() -> Blueprint {
    let single = CATEGORIES
        .iter()
        .flat_map(|c| {
            [(1, 2), (3, 3), (4, 5)].map(|band| cell(c, QuestionKind::Single, band, 2, 1.0))
        })
        .collect();
    let multiple = CATEGORIES
        .iter()
        .map(|c| cell(c, QuestionKind::Multiple, (1, 5), 2, 1.0))
        .collect();
    let true_false = CATEGORIES
        .iter()
        .map(|c| cell(c, QuestionKind::TrueFalse, (1, 5), 2, 1.0))
        .collect();
    let section = |title: &str, cells| Section {
        title: title.to_string(),
        cells,
        shuffle_questions: true,
    };
    Blueprint {
        sections: vec![
            section("一、单项选择题", single),
            section("二、多项选择题", multiple),
            section("三、判断题", true_false),
        ],
        target_difficulty: Some(3.0),
        tolerance: 0.3,
        draw: Default::default(),
    }
}

fn fail(what: &str) -> ! {
    eprintln!("paper bench: {what}");
    std::process::exit(1)
}

/// SplitMix64 finalizer, to spread the seeds like real random ones.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Run {
    micros: Vec<f64>,
    tries: Vec<u32>,
    repeats: usize,
}

fn time_draws(
    index: &DrawIndex,
    version: u32,
    draws: usize,
    salt: u64,
    avoid: &HashSet<i32>,
) -> Run {
    let mut run = Run {
        micros: Vec::with_capacity(draws),
        tries: Vec::with_capacity(draws),
        repeats: 0,
    };
    for i in 0..draws {
        let seed = mix(i as u64 ^ salt);
        let start = Instant::now();
        let result = black_box(index.draw_version(version, black_box(seed), black_box(avoid)));
        let elapsed = start.elapsed();
        let paper: Paper = match result {
            Ok(p) => p,
            Err(e) => fail(&format!("draw {i} failed: {e}")),
        };
        if paper.items.len() != 100 {
            fail("a paper without 100 questions");
        }
        run.micros.push(elapsed.as_secs_f64() * 1e6);
        run.tries.push(paper.tries);
        run.repeats += paper.repeats;
    }
    run
}

fn report(name: &str, mut run: Run) {
    run.micros.sort_by(|a, b| a.total_cmp(b));
    let n = run.micros.len();
    let median = run.micros[n / 2];
    let p99 = run.micros[(n * 99 / 100).min(n - 1)];
    let mean = run.micros.iter().sum::<f64>() / n as f64;
    let max = run.micros[n - 1];
    let mean_tries = run.tries.iter().map(|&t| f64::from(t)).sum::<f64>() / n as f64;
    let max_tries = run.tries.iter().max().copied().unwrap_or(0);
    println!(
        "{name:<9} {n} draws: median {median:.1} µs, p99 {p99:.1} µs, mean {mean:.1} µs, max {max:.1} µs; \
         tries mean {mean_tries:.2} max {max_tries}; repeats {}",
        run.repeats
    );
}

fn main() {
    let draws: usize = std::env::var("DRAWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let pool = pool();
    let blueprint = match Blueprint::parse(raw_blueprint()) {
        Ok(b) => b,
        Err(e) => fail(&format!("blueprint: {e}")),
    };
    let shortages = blueprint::feasibility(&blueprint, &pool);
    if !shortages.is_empty() {
        fail(&format!("blueprint not feasible: {shortages:?}"));
    }
    println!(
        "pool {} questions; blueprint {} questions in {} cells, {} points, target 3.0 ± 0.3; algorithm v{}",
        pool.len(),
        blueprint.total_count(),
        blueprint.cells().count(),
        blueprint.total_points(),
        paper::ALGORITHM_VERSION
    );

    let start = Instant::now();
    let index = DrawIndex::build(&blueprint, &pool);
    let first_build = start.elapsed();
    let mut builds: Vec<f64> = (0..20)
        .map(|_| {
            let start = Instant::now();
            black_box(DrawIndex::build(black_box(&blueprint), black_box(&pool)));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    builds.sort_by(|a, b| a.total_cmp(b));
    println!(
        "index build: first {:.2} ms, median of 20 {:.2} ms",
        first_build.as_secs_f64() * 1e3,
        builds[builds.len() / 2]
    );

    // Warm up caches and the allocator.
    black_box(time_draws(&index, 2, 200, u64::MAX, &HashSet::new()));

    let v = paper::ALGORITHM_VERSION;
    // Version 1 (author difficulty only) as it still runs for re-deriving old papers: the
    // "before" of the version-2 change, in the same binary.
    report("first v1", time_draws(&index, 1, draws, 0, &HashSet::new()));
    report("first", time_draws(&index, v, draws, 0, &HashSet::new()));

    // Version 2 with what it was made for: every question measured (facility spread around its
    // author level), exposure recorded (so cells draw by weighted sampling) and a cap that a
    // tenth of the pool is over.
    let mut measured_pool = pool.clone();
    for p in &mut measured_pool {
        let r = mix(p.question_id as u64);
        p.measured = Some(blueprint::PoolMeasure {
            responses: 20 + (r % 400) as u32,
            facility: (1.05 - 0.15 * p.difficulty + ((r >> 20) % 21) as f64 / 100.0 - 0.1)
                .clamp(0.05, 0.98),
            rasch_b: None,
            rasch_se: None,
        });
        p.exposure = ((r >> 40) % 100) as u32;
    }
    let mut capped = blueprint.clone();
    capped.draw.exposure_cap = Some(90);
    let measured = DrawIndex::build(&capped, &measured_pool);
    report(
        "measured",
        time_draws(&measured, v, draws, 7 << 40, &HashSet::new()),
    );

    let earlier = match index.draw(mix(u64::MAX - 1), &HashSet::new()) {
        Ok(p) => p,
        Err(e) => fail(&format!("earlier paper: {e}")),
    };
    let seen: HashSet<i32> = earlier.items.iter().map(|i| i.question_id).collect();
    report("retake", time_draws(&index, v, draws, 1 << 40, &seen));
}
