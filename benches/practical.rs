//! Practical-results benchmark: recomputes every aggregate and result of an event — 200
//! candidates × 3 tasks × 5 judges × 10 aspects (30,000 marks; judgement, banded measurement,
//! plain measurement and deduction aspects in two sub-criteria per task; mean, trimmed mean and
//! median panels) — with the pure function the sign-off, corrections and the results endpoint
//! use, and prints the median, p99 and mean per recompute.
//!
//! Then marking under load: the app on a fresh SQLite file (in this process, as the API tests
//! run it), a session of 200 candidates checked in to 3 tasks of 10 aspects whose panels hold 7,
//! 7 and 6 judges, and the 20 judges marking at once over HTTP, each candidate of their task
//! aspect by aspect (one PUT per aspect, then the submit): 40,000 saves. Prints the saves'
//! median, p99 and max, the submits', and the results endpoint (loading every mark and
//! recomputing) and the sign-offs.
//!
//! Run: `cargo bench --bench practical` (RUNS=… overrides the number of recomputes; CANDIDATES,
//! JUDGES and ASPECTS override the event's size; LOAD=0 skips the load run, LOAD_CANDIDATES=…
//! sizes it; BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 runs it on PostgreSQL).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use exam_platform::bank::model::{Aspect, AspectKind, Band};
use exam_platform::practical::Aggregation;
use exam_platform::practical::score::{MarkRow, TaskInput, recompute};
use std::hint::black_box;
use std::time::Instant;

#[path = "support/mod.rs"]
mod support;
use support::env;

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
    recompute_bench();
    if std::env::var("LOAD").as_deref() != Ok("0") {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(load::run(env("LOAD_CANDIDATES", 200)));
    }
}

fn recompute_bench() {
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

mod load {
    use super::support::{Api, env, id_number, stats};
    use exam_platform::config::Config;
    use exam_platform::startup::Application;
    use reqwest::Client;
    use serde_json::{Value, json};
    use std::time::Instant;

    const ADMIN: &str = "bench-admin-password";
    const PASSWORD: &str = "a-good-password";

    fn scheme() -> Value {
        let mut aspects = vec![];
        for i in 0..10 {
            let group = if i < 5 { "A 安装" } else { "B 调试" };
            aspects.push(match i % 4 {
                0 | 1 => json!({"group": group, "text": format!("评分项{i}"), "points": 10,
                    "kind": {"type": "judgement", "descriptors": ["未完成", "基本", "良好", "优秀"]}}),
                2 => json!({"group": group, "text": format!("评分项{i}"), "points": 10,
                    "kind": {"type": "measurement", "unit": "mm", "bands": [{"within": 2, "fraction": 1}, {"within": 5, "fraction": 0.5}]}}),
                _ => json!({"group": group, "text": format!("评分项{i}"), "points": 10}),
            });
        }
        aspects.push(json!({"group": "B 调试", "text": "带电接线", "points": 5, "kind": {"type": "deduction", "per": 1}}));
        json!(aspects)
    }

    pub async fn run(candidates: usize) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut pg_drop = None;
        let url = match std::env::var("BENCH_POSTGRES_URL") {
            Ok(server) => {
                let server = server.trim_end_matches('/').to_string();
                let name = format!("exam_bench_practical_{}", std::process::id());
                pg_drop = Some((server.clone(), name.clone()));
                let admin = sea_orm::Database::connect(format!("{server}/postgres"))
                    .await
                    .expect("postgres");
                use sea_orm::ConnectionTrait;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                    .await
                    .expect("drop");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create");
                format!("{server}/{name}")
            }
            Err(_) => format!("sqlite://{}", dir.path().join("bench.db").display()),
        };
        let config = Config {
            bind: "127.0.0.1:0".into(),
            database_url: url.clone(),
            admin_password: Some(ADMIN.into()),
            bank_dir: None,
            announce: false,
            ..Config::default()
        };
        let app = Application::build(config).await.expect("app builds");
        let api = Api {
            client: Client::builder()
                .pool_max_idle_per_host(64)
                .build()
                .unwrap(),
            base: format!("http://127.0.0.1:{}", app.port()),
        };
        tokio::spawn(app.run_until_stopped());
        let admin = api.login("admin", ADMIN).await;
        let start = Instant::now();
        api.post(
            &admin,
            "/api/banks",
            json!({"code": "BEN", "name": "实操基准"}),
        )
        .await;
        for i in 0..2 {
            api.post(
                &admin,
                "/api/banks/BEN/questions",
                json!({"kind": "true_false",
                "stem": format!("理论题{i}"), "key": {"type": "true_false", "value": true}}),
            )
            .await;
        }
        let mut questions = vec![];
        for t in 0..3 {
            let q = api.post(&admin, "/api/banks/BEN/questions", json!({"kind": "practical",
                "stem": format!("实操项目{t}"), "points": 100, "key": {"type": "open", "reference": ""},
                "scheme": scheme()})).await;
            questions.push(q["id"].clone());
        }
        let panels = [7, 7, 6];
        let mut judges = vec![];
        for (t, n) in panels.iter().enumerate() {
            for j in 0..*n {
                let username = format!("judge.{t}.{j}");
                let u = api
                    .post(
                        &admin,
                        "/api/users",
                        json!({"username": username, "password": PASSWORD,
                    "roles": ["judge"]}),
                    )
                    .await;
                judges.push((
                    t,
                    u["id"].as_i64().unwrap(),
                    api.login(&username, PASSWORD).await,
                ));
            }
        }
        let exam = api.post(&admin, "/api/exams", json!({"name": "基准", "time_limit_minutes": 30, "pass_line": 1,
            "blueprint": {"sections": [{"cells": [{"bank": "BEN", "kind": "true_false", "count": 2, "points": 1}]}]}})).await;
        let now = chrono::Utc::now();
        let session = api.post(&admin, "/api/sessions", json!({"name": "基准", "number": "1", "venue": "广州",
            "exam_id": exam["id"], "rooms": [{"name": "一", "seats": candidates + 10}],
            "starts_at": now - chrono::Duration::hours(1), "ends_at": now + chrono::Duration::hours(2)})).await;
        let sid = session["id"].as_i64().unwrap();
        let mut tickets = vec![];
        for c in 0..candidates {
            let r = api.post(&admin, &format!("/api/sessions/{sid}/candidates"),
                json!({"name": format!("考生{c}"), "id_number": id_number(c as u32 + 1), "employer": format!("单位{c}")})).await;
            tickets.push(r["ticket"].as_str().unwrap().to_string());
        }
        let tasks: Vec<Value> = (0..3).map(|t| json!({"question_id": questions[t], "weight": 1, "aggregation": "trimmed_mean",
            "spread": 3, "judges": judges.iter().filter(|j| j.0 == t).map(|j| j.1).collect::<Vec<_>>(),
            "head_judge": judges.iter().find(|j| j.0 == t).unwrap().1})).collect();
        let (s, v) = api.send(reqwest::Method::PUT, &admin, &format!("/api/sessions/{sid}/practical"),
            Some(json!({"stations": candidates.div_ceil(3).max(1), "slots": 0, "slot_minutes": 90, "first_slot_at": null,
                "draw_mode": "check_in", "pass_line": 60, "tasks": tasks}))).await;
        assert!(s.is_success(), "practical part: {v}");
        let task_ids: Vec<i64> = v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        for t in &tickets {
            api.post(
                &admin,
                &format!("/api/sessions/{sid}/practical/check-in"),
                json!({"ticket": t}),
            )
            .await;
        }
        println!();
        println!(
            "marking under load ({}): {candidates} candidates × 3 tasks × 10 aspects (+1 deduction), panels of 7, 7 and 6 judges, all 20 at once; set up in {:.1} s",
            if url.starts_with("sqlite") {
                "SQLite"
            } else {
                "PostgreSQL"
            },
            start.elapsed().as_secs_f64()
        );
        let api = std::sync::Arc::new(api);
        let started = Instant::now();
        let mut workers = vec![];
        for (w, (t, _, token)) in judges.iter().cloned().enumerate() {
            let api = api.clone();
            let task = task_ids[t];
            workers.push(tokio::spawn(async move {
                let board = api.get(&token, &format!("/api/judging/tasks/{task}")).await;
                let codes: Vec<String> = board["candidates"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["code"].as_str().unwrap().to_string())
                    .collect();
                let (mut saves, mut submits) = (vec![], vec![]);
                let mut x: u64 = 0x2545_F491_4F6C_DD1D ^ (w as u64 + 1);
                let mut seq = 0i64;
                for code in codes {
                    for aspect in 0..11 {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        let entry = match aspect % 4 {
                            _ if aspect == 10 => (x % 2) as f64,
                            0 | 1 => (x % 4) as f64,
                            2 => (x % 60) as f64 / 10.0,
                            _ => (x % 2) as f64,
                        };
                        seq += 1;
                        let t0 = Instant::now();
                        let (s, v) = api
                            .send(
                                reqwest::Method::PUT,
                                &token,
                                &format!("/api/judging/tasks/{task}/sheets/{code}/marks/{aspect}"),
                                Some(json!({"entry": entry, "seq": seq})),
                            )
                            .await;
                        saves.push(t0.elapsed().as_secs_f64() * 1000.0);
                        assert!(s.is_success(), "save: {s} {v}");
                    }
                    let t0 = Instant::now();
                    let (s, v) = api
                        .send(
                            reqwest::Method::POST,
                            &token,
                            &format!("/api/judging/tasks/{task}/sheets/{code}/submit"),
                            Some(json!({})),
                        )
                        .await;
                    submits.push(t0.elapsed().as_secs_f64() * 1000.0);
                    assert!(s.is_success(), "submit: {s} {v}");
                }
                (saves, submits)
            }));
        }
        let (mut saves, mut submits) = (vec![], vec![]);
        for w in workers {
            let (a, b) = w.await.unwrap();
            saves.extend(a);
            submits.extend(b);
        }
        let wall = started.elapsed().as_secs_f64();
        let n = saves.len();
        let (m, p99, max) = stats(saves);
        let (sm, sp99, smax) = stats(submits.clone());
        println!("| request | count | median | p99 | max |");
        println!("|---|---|---|---|---|");
        println!("| save a mark (PUT) | {n} | {m:.1} ms | {p99:.1} ms | {max:.1} ms |");
        println!(
            "| submit a sheet | {} | {sm:.1} ms | {sp99:.1} ms | {smax:.1} ms |",
            submits.len()
        );
        println!("({:.0} saves/s over {wall:.1} s)", n as f64 / wall);
        let mut results = vec![];
        for _ in 0..env("RESULT_RUNS", 10) {
            let t0 = Instant::now();
            api.get(&admin, &format!("/api/sessions/{sid}/practical/results"))
                .await;
            results.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        let (rm, _, rmax) = stats(results);
        println!(
            "| results (load every mark, recompute) | {} | {rm:.1} ms | | {rmax:.1} ms |",
            env("RESULT_RUNS", 10)
        );
        let mut flags = 0;
        for (t, task) in task_ids.iter().enumerate() {
            let o = api
                .get(&admin, &format!("/api/judging/tasks/{task}/overview"))
                .await;
            flags += o["candidates"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| !c["flags"].as_array().unwrap().is_empty())
                .count();
            let head = &judges.iter().find(|j| j.0 == t).unwrap().2;
            let t0 = Instant::now();
            let (s, v) = api
                .send(
                    reqwest::Method::POST,
                    head,
                    &format!("/api/judging/tasks/{task}/sign-off"),
                    Some(json!({})),
                )
                .await;
            assert!(s.is_success(), "sign-off: {s} {v}");
            println!(
                "| sign-off of task {} (lock, record every candidate) | 1 | {:.1} ms | | |",
                t + 1,
                t0.elapsed().as_secs_f64() * 1000.0
            );
        }
        assert_eq!(flags, 0, "spread 3 never flags");
        if let Some((server, name)) = pg_drop {
            use sea_orm::ConnectionTrait;
            let admin = sea_orm::Database::connect(format!("{server}/postgres"))
                .await
                .expect("postgres");
            // The app still holds connections: end them, then drop the database.
            admin
                .execute_unprepared(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                ))
                .await
                .ok();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .ok();
        }
    }
}
