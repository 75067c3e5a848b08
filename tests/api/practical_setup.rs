//! A session's practical part over HTTP: setting it up (tasks with schemes, stations, slots,
//! panels), checking candidates in (work codes and lots), and the schedule drawn in advance.

use crate::support::{SessionFixture, TestApp, error_code};
use exam_platform::practical::draw::{Shape, lots};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashSet;

fn theory() -> Value {
    json!({
        "name": "视频监控技术应用专项职业能力 理论", "time_limit_minutes": 60, "pass_line": 60,
        "blueprint": {"target_difficulty": null, "sections": [
            {"title": "一、单项选择题", "cells": [{"bank": "VID", "kind": "single", "count": 5, "points": 20}]}
        ]}
    })
}

fn task_body(stem: &str) -> Value {
    json!({
        "kind": "practical", "stem": stem, "points": 10, "minutes": 60,
        "key": {"type": "open", "reference": ""},
        "equipment": [{"name": "网络摄像机", "spec": "400万 筒型", "quantity": 1, "unit": "台"}],
        "scheme": [
            {"group": "A 安装", "text": "支架安装牢固", "points": 4},
            {"group": "A 安装", "text": "安装高度偏差", "points": 2,
             "kind": {"type": "measurement", "unit": "mm", "bands": [{"within": 2, "fraction": 1}, {"within": 5, "fraction": 0.5}]}},
            {"group": "B 调试", "text": "图像清晰度", "points": 4,
             "kind": {"type": "judgement", "descriptors": ["无图像", "模糊", "基本清晰", "清晰且构图合理"]}},
            {"group": "B 调试", "text": "带电接线", "points": 2, "kind": {"type": "deduction", "per": 1}}
        ]
    })
}

/// A bank with two practical tasks and a short answer; returns their ids.
async fn tasks(app: &TestApp, admin: &str) -> (i64, i64, i64) {
    app.create_bank(admin, "PRX").await;
    let mut ids = vec![];
    for stem in ["前端摄像机安装与调试\n按图纸安装并调试", "视频监控平台配置"]
    {
        let r = app
            .post_json(admin, "/api/banks/PRX/questions", &task_body(stem))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let short =
        json!({"kind": "short", "stem": "简述", "key": {"type": "open", "reference": "要点"}});
    let r = app
        .post_json(admin, "/api/banks/PRX/questions", &short)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    (ids[0], ids[1], ids[2])
}

/// A judge account with an affiliation; returns its id.
async fn judge(app: &TestApp, admin: &str, name: &str, affiliation: &str) -> i64 {
    let r = app
        .post_json(
            admin,
            "/api/users",
            &json!({"username": name, "password": "a-good-password", "roles": ["judge"],
                    "affiliation": affiliation}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let u: Value = r.json().await.unwrap();
    assert_eq!(u["affiliation"], affiliation);
    u["id"].as_i64().unwrap()
}

fn setup(t1: i64, t2: i64, judges: &[i64], mode: &str) -> Value {
    json!({
        "stations": 2, "slots": 0, "slot_minutes": 90,
        "first_slot_at": "2026-12-10T01:00:00Z", "draw_mode": mode, "pass_line": 60,
        "tasks": [
            {"question_id": t1, "weight": 1, "aggregation": "mean", "spread": 1,
             "judges": judges, "head_judge": judges[0]},
            {"question_id": t2, "weight": 2, "aggregation": "median", "judges": judges,
             "head_judge": judges[1]}
        ]
    })
}

struct Fixture {
    app: TestApp,
    admin: String,
    session: i64,
    tickets: Vec<String>,
    t1: i64,
    t2: i64,
    short: i64,
    judges: Vec<i64>,
}

async fn fixture(candidates: u32) -> Fixture {
    let app = TestApp::spawn_with_banks().await;
    let admin = app.admin().await;
    let (t1, t2, short) = tasks(&app, &admin).await;
    let judges = vec![
        judge(&app, &admin, "judge.a", "广州示例安防工程有限公司").await,
        judge(&app, &admin, "judge.b", "某职业技术学院").await,
        judge(&app, &admin, "judge.c", "").await,
    ];
    let s = SessionFixture::new(theory())
        .candidates(candidates, "19900101", 1)
        .create(&app.client, &app.base, &admin)
        .await;
    Fixture {
        tickets: s.candidates.iter().map(|c| c.ticket.clone()).collect(),
        session: s.id,
        app,
        admin,
        t1,
        t2,
        short,
        judges,
    }
}

#[tokio::test]
async fn an_author_sets_a_practical_part_and_reads_back_its_tasks_and_panels() {
    let f = fixture(3).await;
    let path = format!("/api/sessions/{}/practical", f.session);
    let (s, code) = error_code(f.app.get(&f.admin, &path).await).await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::NOT_FOUND, "no_practical_part")
    );

    let r = f
        .app
        .put_json(&f.admin, &path, &setup(f.t1, f.t2, &f.judges, "check_in"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let p: Value = f.app.get_json(&f.admin, &path).await;
    assert_eq!(p["stations"], 2);
    assert_eq!(p["draw_mode"], "check_in");
    assert_eq!(p["candidates"], 3);
    assert_eq!(p["checked_in"], 0);
    let t = &p["tasks"][0];
    assert_eq!(t["title"], "前端摄像机安装与调试");
    assert_eq!(t["minutes"], 60);
    assert_eq!(t["points"], 10.0);
    assert_eq!(t["judges"].as_array().unwrap().len(), 3);
    assert_eq!(t["judges"][0]["affiliation"], "广州示例安防工程有限公司");
    assert_eq!(t["head_judge"], f.judges[0]);
    assert_eq!(p["tasks"][1]["aggregation"], "median");
    assert_eq!(p["tasks"][1]["weight"], 2.0);
}

#[tokio::test]
async fn a_setup_with_a_wrong_task_judge_head_or_number_is_refused_and_changes_nothing() {
    let f = fixture(1).await;
    let path = format!("/api/sessions/{}/practical", f.session);
    let author = f.app.user_with_roles("plain.author", &["author"]).await;
    let author_id = f.app.get_json(&author, "/api/auth/me").await["id"].clone();
    let cases = [
        (
            setup(f.short, f.t2, &f.judges, "check_in"),
            "not_a_practical_task",
        ),
        (
            setup(
                f.t1,
                f.t2,
                &[f.judges[0], author_id.as_i64().unwrap()],
                "check_in",
            ),
            "not_a_judge",
        ),
        (
            {
                let mut b = setup(f.t1, f.t2, &f.judges, "check_in");
                b["tasks"][0]["head_judge"] = json!(999);
                b
            },
            "head_not_on_panel",
        ),
        (
            {
                let mut b = setup(f.t1, f.t2, &f.judges, "check_in");
                b["stations"] = json!(0);
                b
            },
            "invalid_practical_setup",
        ),
        (
            {
                let mut b = setup(f.t1, f.t2, &f.judges, "check_in");
                b["tasks"][1]["spread"] = json!(4);
                b
            },
            "invalid_practical_setup",
        ),
        (
            setup(f.t1, f.t1, &f.judges, "check_in"),
            "invalid_practical_setup",
        ),
    ];
    for (body, expected) in cases {
        let (status, code) = error_code(f.app.put_json(&f.admin, &path, &body).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, expected)
        );
    }
    let (s, _) = error_code(f.app.get(&f.admin, &path).await).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "nothing was set");
}

#[tokio::test]
async fn check_in_gives_a_work_code_and_a_place_per_task_in_different_slots_once() {
    let f = fixture(3).await;
    let base = format!("/api/sessions/{}/practical", f.session);
    let r = f
        .app
        .put_json(&f.admin, &base, &setup(f.t1, f.t2, &f.judges, "check_in"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let url = format!("{base}/check-in");
    let r = f
        .app
        .post_json(&f.admin, &url, &json!({"ticket": f.tickets[0]}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c: Value = r.json().await.unwrap();
    let code = c["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 6);
    assert!(
        code.chars()
            .all(|ch| "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".contains(ch))
    );
    let places = c["places"].as_array().unwrap();
    assert_eq!(places.len(), 2, "one place per task");
    assert_ne!(
        places[0]["slot"], places[1]["slot"],
        "never two places at once"
    );
    assert_ne!(places[0]["task_id"], places[1]["task_id"]);
    assert!(places[0]["starts_at"].is_string());

    let again: Value = f
        .app
        .post_json(&f.admin, &url, &json!({"ticket": f.tickets[0]}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        again["code"],
        code.as_str(),
        "a second check-in changes nothing"
    );
    assert_eq!(again["places"], c["places"]);

    let (s, e) = error_code(
        f.app
            .post_json(&f.admin, &url, &json!({"ticket": "NOPE-0000"}))
            .await,
    )
    .await;
    assert_eq!((s, e.as_str()), (StatusCode::NOT_FOUND, "unknown_ticket"));

    // Once anyone is checked in, the part is fixed.
    let (s, e) = error_code(
        f.app
            .put_json(&f.admin, &base, &setup(f.t1, f.t2, &f.judges, "check_in"))
            .await,
    )
    .await;
    assert_eq!((s, e.as_str()), (StatusCode::CONFLICT, "practical_started"));
    let p: Value = f.app.get_json(&f.admin, &base).await;
    assert_eq!(p["checked_in"], 1);
    assert!(p["drawn_at"].is_string(), "the first lot records the draw");
}

#[tokio::test]
async fn a_schedule_drawn_in_advance_seats_everyone_once_and_re_derives_from_its_seed() {
    let f = fixture(7).await;
    let base = format!("/api/sessions/{}/practical", f.session);
    let r = f
        .app
        .put_json(&f.admin, &base, &setup(f.t1, f.t2, &f.judges, "schedule"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (s, e) = error_code(
        f.app
            .post_json(
                &f.admin,
                &format!("{base}/check-in"),
                &json!({"ticket": f.tickets[0]}),
            )
            .await,
    )
    .await;
    assert_eq!(
        (s, e.as_str()),
        (StatusCode::CONFLICT, "schedule_not_drawn")
    );

    let r = f
        .app
        .post_json(&f.admin, &format!("{base}/draw"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let sched: Value = r.json().await.unwrap();
    let seed: u64 = sched["seed"].as_str().unwrap().parse().unwrap();
    let rows = sched["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 7);
    let mut stations = HashSet::new();
    for row in rows {
        let places = row["places"].as_array().unwrap();
        assert_eq!(places.len(), 2);
        let slots: HashSet<_> = places.iter().map(|p| p["slot"].as_i64()).collect();
        assert_eq!(slots.len(), 2, "never two places at once");
        for p in places {
            assert!(
                stations.insert((
                    p["task_id"].as_i64(),
                    p["slot"].as_i64(),
                    p["station"].as_i64()
                )),
                "one candidate per station per slot"
            );
        }
    }
    // 7 candidates at 2 stations: 4 groups, 2 waves of 2 slots.
    assert_eq!(sched["slots"], 4);
    // Re-derive every place from the recorded seed: roster in ticket order takes the lots.
    let part: Value = f.app.get_json(&f.admin, &base).await;
    let task_ids: Vec<i64> = part["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    let shape = Shape {
        tasks: 2,
        stations: 2,
        slots: 4,
    };
    let (capacity, _) = shape.capacity(0).unwrap();
    let order = lots(seed, capacity);
    for (k, row) in rows.iter().enumerate() {
        for spot in shape.spots(order[k]) {
            let p = row["places"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["task_id"].as_i64() == Some(task_ids[spot.task]))
                .unwrap();
            assert_eq!(p["slot"], spot.slot);
            assert_eq!(p["station"], spot.station);
        }
    }
    let (s, e) = error_code(
        f.app
            .post_json(&f.admin, &format!("{base}/draw"), &json!({}))
            .await,
    )
    .await;
    assert_eq!((s, e.as_str()), (StatusCode::CONFLICT, "already_drawn"));
    // Check-in now gives the code and keeps the drawn places.
    let c: Value = f
        .app
        .post_json(
            &f.admin,
            &format!("{base}/check-in"),
            &json!({"ticket": f.tickets[3]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["places"], rows[3]["places"]);
}

#[tokio::test]
async fn too_few_slots_for_the_candidates_are_refused_at_the_draw() {
    let f = fixture(5).await;
    let base = format!("/api/sessions/{}/practical", f.session);
    let mut body = setup(f.t1, f.t2, &f.judges, "schedule");
    body["stations"] = json!(1);
    body["slots"] = json!(2);
    assert_eq!(
        f.app.put_json(&f.admin, &base, &body).await.status(),
        StatusCode::OK
    );
    let (s, e) = error_code(
        f.app
            .post_json(&f.admin, &format!("{base}/draw"), &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (s, e.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "not_enough_slots")
    );
    let sched: Value = f.app.get_json(&f.admin, &format!("{base}/schedule")).await;
    assert!(sched["seed"].is_null(), "nothing was drawn");
}

#[tokio::test]
async fn judges_and_candidates_cannot_set_up_or_check_in() {
    let f = fixture(1).await;
    let base = format!("/api/sessions/{}/practical", f.session);
    let judge = f.app.login("judge.a", "a-good-password").await;
    let (s, _) = error_code(
        f.app
            .put_json(&judge, &base, &setup(f.t1, f.t2, &f.judges, "check_in"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        f.app
            .put_json(&f.admin, &base, &setup(f.t1, f.t2, &f.judges, "check_in"))
            .await
            .status(),
        StatusCode::OK
    );
    let (s, _) = error_code(
        f.app
            .post_json(
                &judge,
                &format!("{base}/check-in"),
                &json!({"ticket": f.tickets[0]}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let r = f
        .app
        .client
        .post(f.app.url(&format!("{base}/check-in")))
        .json(&json!({"ticket": f.tickets[0]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
