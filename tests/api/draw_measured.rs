//! The draw's loop over HTTP (issue 16): exposure counted per paper and reported per session
//! with the overlap rate, a cap that keeps the next session off questions already shown, the
//! before/after draw report, and the equated pass mark recorded on a paper. Calibrations have no
//! public path until the analytics tables exist, so here every question is uncalibrated and the
//! nominal mark applies (recorded as such); the equated computation is tested in
//! `exam::paper::tests`.

use crate::support::{SessionFixture, Sitting, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

/// Five LAW single-choice questions of 2 points, pass line 6, with these draw settings.
fn definition(draw: Value, equated: bool) -> Value {
    json!({"name": "继续教育抽题曝光", "time_limit_minutes": 30, "pass_line": 6,
        "release": "at_submit", "equated_pass_mark": equated,
        "blueprint": {"sections": [{"title": "一、单项选择题", "cells": [
            {"bank": "LAW", "kind": "single", "count": 5, "points": 2}]}],
            "draw": draw}})
}

async fn session(app: TestApp, admin: String, exam: Value, n: u32, seq: u32) -> Sitting {
    SessionFixture::of_exam(exam)
        .candidates(n, "19900101", seq)
        .sit_as(app, admin)
        .await
}

async fn exam(app: &TestApp, admin: &str, def: Value) -> Value {
    let r = app.post_json(admin, "/api/exams", &def).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].clone()
}

async fn paper_ids(s: &Sitting, attempt: i64) -> Vec<i64> {
    let audit = s
        .app
        .get_json(&s.admin, &format!("/api/attempts/{attempt}/audit"))
        .await;
    assert_eq!(audit["identical"], true, "{audit}");
    audit["stored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q.as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_sessions_exposure_and_overlap_rate_match_its_papers() {
    let app = TestApp::spawn_with_banks().await;
    let admin = app.admin().await;
    let id = exam(&app, &admin, definition(json!({}), false)).await;
    let s = session(app, admin, id, 4, 300).await;
    let mut papers = vec![];
    for i in 0..4 {
        let (_, attempt, _) = s.login(i).await;
        papers.push(paper_ids(&s, attempt).await);
    }
    let report = s
        .app
        .get_json(
            &s.admin,
            &format!("/api/sessions/{}/exposure", s.session_id),
        )
        .await;
    assert_eq!(report["per_paper"], 5);
    assert_eq!(report["overlap"]["papers"], 4);
    assert_eq!(report["overlap"]["pairs"], 6);
    // The definition, pair by pair.
    let mut shared = 0.0;
    for i in 0..4 {
        for j in i + 1..4 {
            let a: HashSet<_> = papers[i].iter().collect();
            shared += papers[j].iter().filter(|q| a.contains(q)).count() as f64 / 5.0;
        }
    }
    let rate = report["overlap"]["rate"].as_f64().unwrap();
    assert!(
        (rate - shared / 6.0).abs() < 1e-9,
        "{rate} vs {}",
        shared / 6.0
    );
    let mut counts: HashMap<i64, u64> = HashMap::new();
    for q in papers.iter().flatten() {
        *counts.entry(*q).or_default() += 1;
    }
    let questions = report["questions"].as_array().unwrap();
    assert_eq!(questions.len(), counts.len());
    for q in questions {
        let id = q["question_id"].as_i64().unwrap();
        assert_eq!(q["papers"].as_u64().unwrap(), counts[&id]);
        // Counted when each paper was drawn, in this app's database only.
        assert_eq!(q["period_papers"].as_u64().unwrap(), counts[&id]);
    }
    let r = s.app.get(&s.admin, "/api/sessions/999999/exposure").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_capped_question_stays_off_the_next_sessions_papers() {
    let app = TestApp::spawn_with_banks().await;
    let admin = app.admin().await;
    let id = exam(&app, &admin, definition(json!({"exposure_cap": 1}), false)).await;
    let first = session(app, admin, id.clone(), 2, 400).await;
    let mut shown = HashSet::new();
    for i in 0..2 {
        let (_, attempt, _) = first.login(i).await;
        shown.extend(paper_ids(&first, attempt).await);
    }
    // The next session freezes its pool now: every question shown above is at its cap.
    let second = session(first.app, first.admin, id, 3, 500).await;
    for i in 0..3 {
        let (_, attempt, _) = second.login(i).await;
        let ids = paper_ids(&second, attempt).await;
        assert!(
            ids.iter().all(|q| !shown.contains(q)),
            "{ids:?} vs {shown:?}"
        );
    }
    let report = second
        .app
        .get_json(
            &second.admin,
            &format!("/api/sessions/{}/exposure", second.session_id),
        )
        .await;
    assert_eq!(report["cap"], 1);
    assert_eq!(report["period_days"], 30);
    assert_eq!(report["papers_over_cap"], 0);
}

#[tokio::test]
async fn the_draw_report_compares_author_and_measured_difficulty_on_the_frozen_pool() {
    let app = TestApp::spawn_with_banks().await;
    let admin = app.admin().await;
    let mut def = definition(json!({}), false);
    def["blueprint"]["target_difficulty"] = json!(3.0);
    def["blueprint"]["tolerance"] = json!(1.0);
    let id = exam(&app, &admin, def).await;
    let s = session(app, admin, id, 1, 600).await;
    let path = format!("/api/sessions/{}/draw-report?papers=40", s.session_id);
    let before = s.app.get_json(&s.admin, &path).await;
    assert_eq!(before["frozen"], false, "asking freezes nothing");
    s.login(0).await;
    let r = s.app.get_json(&s.admin, &path).await;
    assert_eq!(r["frozen"], true);
    assert_eq!(r["report"]["seeds"], 40);
    assert_eq!(r["report"]["target"], json!([60.0, 15.0]));
    // Nothing measured yet: both ways draw the same papers.
    assert_eq!(r["measured"], 0);
    assert_eq!(r["report"]["before"], r["report"]["after"]);
    let after = &r["report"]["after"];
    assert_eq!(
        after["papers"].as_u64().unwrap() + after["failed"].as_u64().unwrap(),
        40
    );
    for k in ["min", "median", "max"] {
        let v = after[k].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&v), "{k} {v}");
    }
    // A what-if target replaces the blueprint's in both ways; an impossible one is refused.
    let what_if = s
        .app
        .get_json(&s.admin, &format!("{path}&target=2&tolerance=0.5"))
        .await;
    assert_eq!(what_if["report"]["target"], json!([75.0, 7.5]));
    let bad = s.app.get(&s.admin, &format!("{path}&target=7")).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["error"]["code"],
        "bad_target"
    );
    let proctor = s.app.user_with_roles("proctor9", &["proctor"]).await;
    assert_eq!(
        s.app.get(&proctor, &path).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_equated_exam_records_the_nominal_mark_when_its_questions_are_uncalibrated() {
    let app = TestApp::spawn_with_banks().await;
    let admin = app.admin().await;
    let id = exam(&app, &admin, definition(json!({}), true)).await;
    let s = session(app, admin, id, 1, 700).await;
    let (token, attempt, _) = s.login(0).await;
    let audit = s
        .app
        .get_json(&s.admin, &format!("/api/attempts/{attempt}/audit"))
        .await;
    assert_eq!(audit["identical"], true, "{audit}");
    let mark = &audit["pass_mark"];
    assert_eq!(mark["equated"], false, "{audit}");
    assert_eq!(mark["nominal"], 6.0);
    assert_eq!(mark["raw"], 6.0);
    assert!(mark["theta_cut"].is_null());
    assert_eq!(mark["b"], json!([null, null, null, null, null]));
    assert_eq!(mark["uncalibrated"], audit["stored"]);
    assert!(audit["expected_score"].as_f64().is_some());
    let r = s
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["result"]["pass_line"], 6.0);
    assert_eq!(done["result"]["passed"], false, "nothing answered");
}
