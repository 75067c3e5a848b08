//! Issue 16, item analytics over HTTP: candidates sit and submit, statistics show live before
//! release and are stored on release (a question everyone got wrong has facility 0, and the
//! option they all chose is counted under its authored letter although papers shuffle options);
//! an exam's and a bank's figures pool across sessions; proctors see nothing; bad thresholds
//! are refused and nothing is saved; the exports are XLSX and PDF.

use crate::support::{SessionFixture, Sitting, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

const OPTIONS: [&str; 4] = ["甲方案", "乙方案", "丙方案", "丁方案"];
/// Everyone answers this one with 丙 (authored index 2); the key is 甲.
const HARD: &str = "AN-HARD";

/// An app with bank AN: five single-choice questions AN-0…AN-4 and AN-HARD, each keyed 甲.
async fn bank() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    app.create_bank(&admin, "AN").await;
    let idents: Vec<String> = (0..5)
        .map(|i| format!("AN-{i}"))
        .chain([HARD.to_string()])
        .collect();
    for ident in idents {
        let q = json!({"ident": ident, "kind": "single", "category": ["统计"],
            "stem": format!("{ident}：下列哪一项正确？"), "options": OPTIONS,
            "key": {"type": "choice", "correct": [0]}});
        let r = app.post_json(&admin, "/api/banks/AN/questions", &q).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{ident}");
    }
    (app, admin)
}

fn definition() -> Value {
    json!({"name": "统计测试考试", "time_limit_minutes": 30, "pass_line": 6, "release": "by_staff",
        "shuffle_options": true,
        "blueprint": {"sections": [{"title": "一、单选", "cells": [{"bank": "AN", "kind": "single", "count": 6, "points": 2}]}]}})
}

/// Candidate `i` answers every question: 丙 on AN-HARD when `hard_wrong`, else 甲; on the
/// others right unless 3 divides i + k (then 乙); then submits.
async fn sit(s: &Sitting, i: usize, hard_wrong: bool) {
    let (token, attempt, _) = s.login(i).await;
    let paper = s.paper(&token, attempt).await;
    for (seq, q) in paper["questions"].as_array().unwrap().iter().enumerate() {
        let stem = q["stem"].as_str().unwrap();
        let ident = stem.split('：').next().unwrap();
        let pick = if ident == HARD {
            if hard_wrong { 2 } else { 0 }
        } else {
            let k: usize = ident.trim_start_matches("AN-").parse().unwrap();
            if (i + k).is_multiple_of(3) { 1 } else { 0 }
        };
        let option = q["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["text"] == OPTIONS[pick])
            .unwrap();
        let r = s
            .app
            .put_json(
                &token,
                &format!("/api/attempts/{attempt}/answers/{}", q["id"]),
                &json!({"response": {"type": "choice", "selected": [option["id"]]}, "seq": seq + 1}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = s
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "submit");
}

fn item<'a>(report: &'a Value, ident: &str) -> &'a Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ident"] == ident)
        .unwrap_or_else(|| panic!("{ident} in {report}"))
}

async fn release(s: &Sitting) {
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/release", s.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "release");
}

/// A session of the statistics exam with `n` candidates (ID sequence from `first`), each sat.
async fn sat_session(
    app: TestApp,
    admin: String,
    exam: Option<Value>,
    n: u32,
    first: u32,
    hard_wrong: bool,
) -> Sitting {
    let fixture = match exam {
        Some(id) => SessionFixture::of_exam(id),
        None => SessionFixture::new(definition()),
    };
    let s = fixture
        .candidates(n, "19850312", first)
        .sit_as(app, admin)
        .await;
    for i in 0..n as usize {
        sit(&s, i, hard_wrong).await;
    }
    s
}

#[tokio::test]
async fn statistics_show_live_before_release_and_are_stored_on_release() {
    let (app, admin) = bank().await;
    let s = sat_session(app, admin, None, 12, 500, true).await;
    let path = format!("/api/sessions/{}/analytics", s.session_id);

    let live = s.app.get_json(&s.admin, &path).await;
    assert_eq!(live["source"], "live", "{live}");
    assert_eq!(live["test"]["persons"], 12);
    let hard = item(&live, HARD);
    assert_eq!(hard["stats"]["facility"].as_f64(), Some(0.0));

    release(&s).await;
    let stored = s.app.get_json(&s.admin, &path).await;
    assert_eq!(stored["source"], "stored", "{stored}");
    assert_eq!(stored["test"]["persons"], 12);
    assert_eq!(stored["items"].as_array().unwrap().len(), 6);
    let hard = item(&stored, HARD);
    assert_eq!(hard["stats"]["n"], 12);
    assert_eq!(hard["stats"]["facility"].as_f64(), Some(0.0));
    // Everyone chose 丙, authored index 2, whatever order their paper showed it in.
    let options = hard["stats"]["options"].as_array().unwrap();
    let chosen = options.iter().find(|o| o["index"] == 2).unwrap();
    assert_eq!(chosen["overall"].as_f64(), Some(1.0), "{options:?}");
    let key = options.iter().find(|o| o["key"] == true).unwrap();
    assert_eq!(
        (key["index"].clone(), key["overall"].as_f64()),
        (json!(0), Some(0.0))
    );
    assert!(
        hard["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "too_hard" || f["code"] == "few_responses"),
        "flagged: {hard}"
    );
    assert_eq!(hard["bank"], "AN");
    assert!(hard["stem"].as_str().unwrap().starts_with(HARD));

    // Recomputing gives the same figures.
    let r = s
        .app
        .post_json(&s.admin, &format!("{path}/recompute"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let again: Value = r.json().await.unwrap();
    assert_eq!(item(&again, HARD)["stats"]["facility"].as_f64(), Some(0.0));
}

#[tokio::test]
async fn an_exam_and_a_bank_pool_their_sessions_attempt_weighted() {
    let (app, admin) = bank().await;
    let first = sat_session(app, admin, None, 12, 600, true).await;
    release(&first).await;
    let session = first
        .app
        .get_json(&first.admin, &format!("/api/sessions/{}", first.session_id))
        .await;
    let exam_id = session["exam_id"].clone();
    let Sitting { app, admin, .. } = first;
    // Everyone in the second session gets AN-HARD right.
    let second = sat_session(app, admin, Some(exam_id.clone()), 8, 700, false).await;
    release(&second).await;

    let exam = second
        .app
        .get_json(&second.admin, &format!("/api/exams/{exam_id}/analytics"))
        .await;
    assert_eq!(exam["source"], "pooled");
    assert_eq!(exam["sessions"].as_array().unwrap().len(), 2, "{exam}");
    let hard = item(&exam, HARD);
    assert_eq!(hard["stats"]["n"], 20);
    assert_eq!(hard["sessions"], 2);
    let p = hard["stats"]["facility"].as_f64().unwrap();
    assert!((p - 0.4).abs() < 1e-9, "8 of 20 right: {p}");

    let bank = second
        .app
        .get_json(&second.admin, "/api/banks/AN/analytics")
        .await;
    let hard = item(&bank, HARD);
    assert_eq!(hard["stats"]["n"], 20);
    assert!((hard["stats"]["facility"].as_f64().unwrap() - 0.4).abs() < 1e-9);
}

#[tokio::test]
async fn a_proctor_or_a_judge_gets_403_and_an_author_gets_the_figures() {
    let (app, admin) = bank().await;
    let s = sat_session(app, admin, None, 3, 800, true).await;
    let proctor = s.app.user_with_roles("proctor1", &["proctor"]).await;
    let judge = s.app.user_with_roles("judge1", &["judge"]).await;
    let author = s.app.user_with_roles("author1", &["author"]).await;
    let session = s
        .app
        .get_json(&s.admin, &format!("/api/sessions/{}", s.session_id))
        .await;
    let paths = [
        format!("/api/sessions/{}/analytics", s.session_id),
        format!("/api/sessions/{}/analytics/dif", s.session_id),
        format!("/api/exams/{}/analytics", session["exam_id"]),
        "/api/banks/AN/analytics".to_string(),
        "/api/analytics/settings".to_string(),
    ];
    for path in &paths {
        for token in [&proctor, &judge] {
            let r = s.app.get(token, path).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        }
        let r = s.app.get(&author, path).await;
        assert_eq!(r.status(), StatusCode::OK, "author: {path}");
    }
    let r = s
        .app
        .post_json(
            &proctor,
            &format!("/api/sessions/{}/analytics/recompute", s.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_thresholds_are_refused_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let before = app.get_json(&admin, "/api/analytics/settings").await;
    assert_eq!(before["thresholds"]["min_facility"].as_f64(), Some(0.2));
    let mut bad = before.clone();
    bad["thresholds"]["min_facility"] = json!(0.95);
    bad["thresholds"]["max_facility"] = json!(0.3);
    let r = app.put_json(&admin, "/api/analytics/settings", &bad).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "bad_thresholds".into())
    );
    let mut bad = before.clone();
    bad["min_responses_calibration"] = json!(0);
    let r = app.put_json(&admin, "/api/analytics/settings", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get_json(&admin, "/api/analytics/settings").await,
        before
    );

    let mut good = before.clone();
    good["thresholds"]["max_facility"] = json!(0.85);
    good["auto_flag"] = json!(true);
    let r = app.put_json(&admin, "/api/analytics/settings", &good).await;
    assert_eq!(r.status(), StatusCode::OK);
    let after = app.get_json(&admin, "/api/analytics/settings").await;
    assert_eq!(after["thresholds"]["max_facility"].as_f64(), Some(0.85));
    assert_eq!(after["auto_flag"], true);
    // Authors read the settings; only admins change them.
    let author = app.user_with_roles("author2", &["author"]).await;
    let r = app
        .put_json(&author, "/api/analytics/settings", &good)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_exports_are_xlsx_and_pdf() {
    let (app, admin) = bank().await;
    let s = sat_session(app, admin, None, 4, 900, true).await;
    release(&s).await;
    for (path, what) in [
        (
            format!("/api/sessions/{}/analytics", s.session_id),
            "session",
        ),
        ("/api/banks/AN/analytics".to_string(), "bank"),
    ] {
        let r = s.app.get(&s.admin, &format!("{path}?format=xlsx")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "{what}: a zip");
        let r = s.app.get(&s.admin, &format!("{path}?format=pdf")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{what}: a PDF");
        assert!(
            bytes.len() < 2_000_000,
            "{what}: subset font, {} bytes",
            bytes.len()
        );
    }
    let r = s
        .app
        .get(
            &s.admin,
            &format!("/api/sessions/{}/analytics?format=doc", s.session_id),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn dif_needs_two_named_groups_and_a_question_can_be_sent_to_review() {
    let (app, admin) = bank().await;
    let s = sat_session(app, admin, None, 4, 950, true).await;
    let dif = format!("/api/sessions/{}/analytics/dif", s.session_id);
    // The fixture's candidates name no employer: no groups, nothing compared.
    let r = s.app.get_json(&s.admin, &dif).await;
    assert_eq!(r["groups"], json!([]));
    assert_eq!(r["reference"], Value::Null);
    let r = s
        .app
        .get(&s.admin, &format!("{dif}?reference=甲公司"))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "bad_dif_groups".into())
    );
    let r = s
        .app
        .get(&s.admin, &format!("{dif}?reference=甲公司&focal=乙公司"))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown groups"
    );

    let report = s
        .app
        .get_json(
            &s.admin,
            &format!("/api/sessions/{}/analytics", s.session_id),
        )
        .await;
    let question = item(&report, HARD)["stats"]["question_id"].clone();
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/analytics/questions/{question}/review"),
            &json!({"reason": "统计标记：过难（p = 0.00）"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert!(body["flagged"].is_boolean());
    let proctor = s.app.user_with_roles("proctor3", &["proctor"]).await;
    let r = s
        .app
        .post_json(
            &proctor,
            &format!("/api/analytics/questions/{question}/review"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
