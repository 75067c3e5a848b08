//! Competition final benchmark. The app on a fresh SQLite file (in this process); a final of
//! FINALISTS (5,000) accepted finalists in two groups, prepared (one anonymous candidate each)
//! and given a practical part of 2 tasks × 5 judges × 20 aspects; both seals taken; then every
//! finalist checked in at the door by the service call the HTTP handler makes (identity check,
//! random anonymous candidate, 检录号, conflicts, the sealed row, the check-in record, audit),
//! one after another as a door does. Prints the total and the median/p99/max per check-in.
//! Then the 二次加密 of them all, and marking by code on that anonymous part: the 5 judges of
//! task 1 mark MARKED (200) of its candidates at once over HTTP, aspect by aspect (20 PUTs per
//! sheet), and the saves' median, p99 and max are printed.
//!
//! Run: `cargo bench --bench competition_checkin` (FINALISTS=…, MARKED=…;
//! BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 runs it on PostgreSQL).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use exam_platform::audit::Actor;
use exam_platform::competition::StageId;
use exam_platform::competition::checkin::{self, CheckInInput};
use exam_platform::competition::entity::{
    competition, contestant, event, group, stage, stage_entry,
};
use exam_platform::competition::{encryption, final_stage, seal};
use exam_platform::config::Config;
use exam_platform::startup::Application;
use reqwest::Client;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;

#[path = "support/mod.rs"]
mod support;
use support::{Api, env, id_number, stats};

const ADMIN: &str = "bench-admin-password";
const PASSWORD: &str = "a-good-password";
const ASPECTS: usize = 20;

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run(env("FINALISTS", 5000), env("MARKED", 200)));
}

async fn run(finalists: usize, marked: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match std::env::var("BENCH_POSTGRES_URL") {
        Ok(server) => {
            use sea_orm::ConnectionTrait;
            let server = server.trim_end_matches('/').to_string();
            let name = format!("exam_bench_final_{}", std::process::id());
            let admin = sea_orm::Database::connect(format!("{server}/postgres"))
                .await
                .expect("postgres");
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
    let db = exam_platform::db::connect(&url, 8).await.expect("db");
    let setup = Instant::now();
    let admin = api.login("admin", ADMIN).await;
    api.post(
        &admin,
        "/api/banks",
        json!({"code": "FIN", "name": "决赛基准"}),
    )
    .await;
    api.post(
        &admin,
        "/api/banks/FIN/questions",
        json!({"kind": "true_false",
        "stem": "理论题", "key": {"type": "true_false", "value": true}}),
    )
    .await;
    let scheme: Vec<Value> = (0..ASPECTS)
        .map(|i| {
            json!({"group": if i < ASPECTS / 2 { "A 安装" } else { "B 调试" },
            "text": format!("评分项{i}"), "points": 5,
            "kind": {"type": "judgement", "descriptors": ["未完成", "基本", "良好", "优秀"]}})
        })
        .collect();
    let mut questions = vec![];
    for t in 0..2 {
        let q = api
            .post(
                &admin,
                "/api/banks/FIN/questions",
                json!({"kind": "practical",
            "stem": format!("决赛项目{t}"), "points": 100, "key": {"type": "open", "reference": ""},
            "scheme": scheme}),
            )
            .await;
        questions.push(q["id"].clone());
    }
    let mut users = vec![];
    for (name, roles, aff) in [
        ("judge.0", "judge", "广州某公司0"),
        ("judge.1", "judge", "某学院"),
        ("judge.2", "judge", ""),
        ("judge.3", "judge", ""),
        ("judge.4", "judge", ""),
        ("encryptor", "judge", ""),
        ("supervisor", "supervisor", ""),
    ] {
        let u = api
            .post(
                &admin,
                "/api/users",
                json!({"username": name, "password": PASSWORD,
            "roles": [roles], "affiliation": aff, "display_name": name}),
            )
            .await;
        users.push((
            u["id"].as_i64().unwrap() as i32,
            api.login(name, PASSWORD).await,
        ));
    }
    let exam = api.post(&admin, "/api/exams", json!({"name": "基准", "time_limit_minutes": 30, "pass_line": 1,
        "blueprint": {"sections": [{"cells": [{"bank": "FIN", "kind": "true_false", "count": 1, "points": 1}]}]}})).await;
    let now = Utc::now();
    let theory = api.post(&admin, "/api/sessions", json!({"name": "理论初赛", "exam_id": exam["id"],
        "rooms": [{"name": "一", "seats": 10}],
        "starts_at": now - chrono::Duration::hours(1), "ends_at": now + chrono::Duration::hours(2)})).await;
    let c = competition::ActiveModel {
        name: Set("基准竞赛".into()),
        code: Set("BEN26".into()),
        held_on: Set(now),
        theory_cap: Set(0.3),
        schools: Set("[]".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let ev = event::ActiveModel {
        competition_id: Set(c.id),
        position: Set(0),
        name: Set("赛项".into()),
        code: Set("A".into()),
        kind: Set("individual".into()),
        team_size: Set(1),
        team_score: Set("sum".into()),
        tie_chain: Set("[]".into()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let mut groups = vec![];
    for (i, code) in ["Z", "X"].iter().enumerate() {
        groups.push(
            group::ActiveModel {
                competition_id: Set(c.id),
                position: Set(i as i32),
                name: Set(code.to_string()),
                code: Set(code.to_string()),
                rules: Set("{}".into()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap(),
        );
    }
    let mk = |position: i32, kind: &str, session: Option<i32>| stage::ActiveModel {
        event_id: Set(ev.id),
        position: Set(position),
        name: Set(kind.into()),
        kind: Set(kind.into()),
        weight: Set(0.5),
        session_id: Set(session),
        cut_kind: Set("none".into()),
        cut_value: Set(0.0),
        encryptor_id: Set(Some(users[5].0)),
        supervisor_id: Set(Some(users[6].0)),
        recheck_top: Set(10),
        recheck_share: Set(0.15),
        recheck_error_limit: Set(0.05),
        ..Default::default()
    };
    mk(0, "theory", theory["id"].as_i64().map(|i| i as i32))
        .insert(&db)
        .await
        .unwrap();
    let fin = mk(1, "practical", None).insert(&db).await.unwrap();
    let mut people = vec![];
    for chunk in (0..finalists).collect::<Vec<_>>().chunks(500) {
        let rows: Vec<contestant::ActiveModel> = chunk
            .iter()
            .map(|i| {
                let g = &groups[i % 2];
                contestant::ActiveModel {
                    competition_id: Set(c.id),
                    event_id: Set(ev.id),
                    group_id: Set(g.id),
                    team_id: Set(None),
                    name: Set(format!("选手{i}")),
                    id_number: Set(id_number(*i as u32)),
                    phone: Set(String::new()),
                    organisation: Set(format!("广州某公司{}", i % 50)),
                    org_kind: Set("employer".into()),
                    leader: Set(String::new()),
                    trainer: Set(if i % 97 == 0 {
                        "judge.2".into()
                    } else {
                        String::new()
                    }),
                    status: Set("accepted".into()),
                    reason: Set(String::new()),
                    number: Set(Some(format!("BEN26-A{}{:05}", g.code, i))),
                    registered_at: Set(now),
                    reviewed_at: Set(Some(now)),
                    ..Default::default()
                }
            })
            .collect();
        contestant::Entity::insert_many(rows)
            .exec(&db)
            .await
            .unwrap();
    }
    for row in contestant::Entity::find().all(&db).await.unwrap() {
        people.push((row.number.clone().unwrap(), row.id_number.clone()));
        stage_entry::ActiveModel {
            stage_id: Set(fin.id),
            contestant_id: Set(row.id),
            candidate_id: Set(None),
            qualified_at: Set(Some(now)),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let organiser = Actor {
        id: Some(1),
        name: "admin".into(),
    };
    let stage_id = StageId(fin.id);
    let prepared = final_stage::prepare(
        &db,
        &organiser,
        stage_id,
        serde_json::from_value(json!({"starts_at": now - chrono::Duration::hours(1),
            "ends_at": now + chrono::Duration::hours(8)}))
        .unwrap(),
    )
    .await
    .expect("prepare");
    let judges: Vec<i32> = users[..5].iter().map(|u| u.0).collect();
    let tasks: Vec<Value> = questions
        .iter()
        .map(|q| {
            json!({"question_id": q, "weight": 1, "aggregation": "trimmed_mean", "spread": 3,
            "judges": judges, "head_judge": judges[0]})
        })
        .collect();
    let (s, part) = api
        .send(
            reqwest::Method::PUT,
            &admin,
            &format!("/api/sessions/{}/practical", prepared.session_id),
            Some(
                json!({"stations": finalists.div_ceil(100).max(1), "slots": 0, "slot_minutes": 90,
                "first_slot_at": null, "draw_mode": "check_in", "pass_line": 60, "tasks": tasks}),
            ),
        )
        .await;
    assert!(s.is_success(), "practical part: {part}");
    let task1 = part["tasks"][0]["id"].as_i64().unwrap();
    for (u, pass) in [(5, "一次加密口令-bench"), (6, "二次加密口令-bench")] {
        let actor = Actor {
            id: Some(users[u].0),
            name: "holder".into(),
        };
        seal::take(&db, &actor, stage_id, pass).await.expect("seal");
    }
    let backend = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!(
        "final ({backend}): {finalists} finalists in 2 groups, 2 tasks × 5 judges × {ASPECTS} aspects; set up in {:.1} s",
        setup.elapsed().as_secs_f64()
    );
    let mut times = Vec::with_capacity(finalists);
    let started = Instant::now();
    for (number, idn) in &people {
        let t0 = Instant::now();
        checkin::check_in(
            &db,
            &organiser,
            stage_id,
            &CheckInInput {
                number: number.clone(),
                id_number: idn.clone(),
            },
        )
        .await
        .expect("check-in");
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    let total = started.elapsed().as_secs_f64();
    let (median, p99, max) = stats(times);
    println!("| 检录 (service call) | total | median | p99 | max |");
    println!("|---|---|---|---|---|");
    println!(
        "| {finalists} finalists, one after another | {total:.2} s | {median:.2} ms | {p99:.2} ms | {max:.2} ms |"
    );
    let t0 = Instant::now();
    let supervisor = Actor {
        id: Some(users[6].0),
        name: "supervisor".into(),
    };
    encryption::encrypt(&db, &supervisor, stage_id)
        .await
        .expect("encrypt");
    println!(
        "二次加密 of {finalists}: {:.2} s",
        t0.elapsed().as_secs_f64()
    );
    if marked == 0 {
        return;
    }
    // Marking by code on the anonymous part: the 5 judges of task 1 at once.
    let api = Arc::new(api);
    let mut workers = vec![];
    for (j, (_, token)) in users[..5].iter().cloned().enumerate() {
        let api = api.clone();
        workers.push(tokio::spawn(async move {
            let (_, board) = api
                .send(
                    reqwest::Method::GET,
                    &token,
                    &format!("/api/judging/tasks/{task1}"),
                    None,
                )
                .await;
            let codes: Vec<String> = board["candidates"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["status"] == "open")
                .take(marked)
                .map(|c| c["code"].as_str().unwrap().to_string())
                .collect();
            let mut saves = vec![];
            let mut seq = 0i64;
            for code in codes {
                for aspect in 0..ASPECTS {
                    seq += 1;
                    let t0 = Instant::now();
                    let (s, v) = api
                        .send(
                            reqwest::Method::PUT,
                            &token,
                            &format!("/api/judging/tasks/{task1}/sheets/{code}/marks/{aspect}"),
                            Some(json!({"entry": ((j + aspect) % 4) as f64, "seq": seq})),
                        )
                        .await;
                    assert!(s.is_success(), "save: {s} {v}");
                    saves.push(t0.elapsed().as_secs_f64() * 1000.0);
                }
            }
            saves
        }));
    }
    let started = Instant::now();
    let mut saves = vec![];
    for w in workers {
        saves.extend(w.await.unwrap());
    }
    let n = saves.len();
    let (median, p99, max) = stats(saves);
    println!();
    println!(
        "| mark save by code (anonymous part, 5 judges at once) | saves | median | p99 | max | wall |"
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| {marked} sheets × 5 judges × {ASPECTS} aspects of {finalists} | {n} | {median:.2} ms | {p99:.2} ms | {max:.2} ms | {:.1} s |",
        started.elapsed().as_secs_f64()
    );
}
