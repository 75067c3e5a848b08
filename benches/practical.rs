//! Practical-results benchmark: recomputes every aggregate and result of an event — 200
//! candidates × 3 tasks × 5 judges × 10 aspects (30,000 marks; judgement, banded measurement,
//! plain measurement and deduction aspects in two sub-criteria per task; mean, trimmed mean and
//! median panels) — with the pure function the sign-off, corrections and the results endpoint
//! use, and prints the median, p99 and mean per recompute.
//!
//! Run: `cargo bench --bench practical` (RUNS=… overrides the number of recomputes; CANDIDATES,
//! JUDGES and ASPECTS override the event's size).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use exam_platform::bank::model::{Aspect, AspectKind, Band};
use exam_platform::practical::Aggregation;
use exam_platform::practical::score::{MarkRow, TaskInput, recompute};
use std::hint::black_box;
use std::time::Instant;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn scheme(aspects: usize) -> Vec<Aspect> {
    (0..aspects)
        .map(|i| {
            let group = if i < aspects / 2 {
                "A 安装"
            } else {
                "B 调试"
            };
            let kind = match i % 4 {
                0 | 1 => AspectKind::Judgement {
                    descriptors: vec!["未完成".into(), "基本".into(), "良好".into(), "优秀".into()],
                },
                2 => AspectKind::Measurement {
                    unit: "mm".into(),
                    bands: vec![
                        Band {
                            within: 2.0,
                            fraction: 1.0,
                        },
                        Band {
                            within: 5.0,
                            fraction: 0.5,
                        },
                    ],
                },
                _ if i == aspects - 1 => AspectKind::Deduction { per: 1.0 },
                _ => AspectKind::default(),
            };
            Aspect {
                group: group.into(),
                text: format!("评分项 {i}"),
                points: 10.0,
                kind,
            }
        })
        .collect()
}

fn main() {
    let runs = env("RUNS", 200);
    let candidates = env("CANDIDATES", 200);
    let judges = env("JUDGES", 5);
    let aspects = env("ASPECTS", 10);
    let aggregations = [
        Aggregation::Mean,
        Aggregation::TrimmedMean,
        Aggregation::Median,
    ];
    let tasks: Vec<TaskInput> = (0..3)
        .map(|t| {
            let scheme = scheme(aspects);
            TaskInput {
                id: t + 1,
                title: format!("实操项目 {}", t + 1),
                weight: f64::from(t + 1),
                points: exam_platform::bank::model::scheme_sum(&scheme),
                aggregation: aggregations[t as usize % 3],
                scheme,
                locked: true,
            }
        })
        .collect();
    let ids: Vec<i32> = (0..candidates as i32).map(|c| 1000 + c).collect();
    let mut marks = Vec::with_capacity(candidates * 3 * judges * aspects);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for t in &tasks {
        for &c in &ids {
            for j in 0..judges as i32 {
                for (a, aspect) in t.scheme.iter().enumerate() {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let entry = match aspect.kind {
                        AspectKind::Judgement { .. } => (x % 4) as f64,
                        AspectKind::Measurement { ref bands, .. } if !bands.is_empty() => {
                            (x % 70) as f64 / 10.0
                        }
                        AspectKind::Deduction { .. } => (x % 3) as f64,
                        _ => (x % 2) as f64,
                    };
                    marks.push(MarkRow {
                        task_id: t.id,
                        candidate_id: c,
                        judge_id: 10 + j,
                        aspect: a as i32,
                        mark: aspect.judge_mark(entry).unwrap(),
                    });
                }
            }
        }
    }
    println!(
        "practical recompute: {candidates} candidates × 3 tasks × {judges} judges × {aspects} aspects = {} marks, {runs} runs",
        marks.len()
    );
    // Warm up once, then time each run.
    let first = recompute(&tasks, &ids, &marks, 60.0);
    assert_eq!(first.len(), candidates);
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(recompute(
                black_box(&tasks),
                black_box(&ids),
                black_box(&marks),
                60.0,
            ));
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let passed = first.iter().filter(|r| r.passed).count();
    println!("| recompute | median | p99 | mean |");
    println!("|---|---|---|---|");
    println!("| every aggregate and result | {median:.2} ms | {p99:.2} ms | {mean:.2} ms |");
    println!("({passed} of {candidates} synthetic candidates pass)");
}
