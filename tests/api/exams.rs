//! Exam definitions over HTTP: the blueprint is checked against the banks when it is written.

use crate::support::{TestApp, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn definition(single_count: usize, pass_line: f64) -> Value {
    json!({
        "name": "第七十四期 广州站 继续教育考试",
        "time_limit_minutes": 60,
        "pass_line": pass_line,
        "multiple_policy": "proportional",
        "blueprint": {
            "target_difficulty": null,
            "sections": [
                {"title": "一、单项选择题", "cells": [
                    {"bank": "LAW", "kind": "single", "count": single_count, "points": 1},
                    {"bank": "VID", "category": "前端设备", "kind": "single", "count": 5, "points": 1}
                ]},
                {"title": "二、判断题", "cells": [
                    {"bank": "STD", "kind": "true_false", "count": 10, "points": 1}
                ]}
            ]
        }
    })
}

#[tokio::test]
async fn a_feasible_exam_is_saved_and_an_infeasible_one_names_the_short_cell() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.user_with_roles("exam.author", &["author"]).await;

    let r = app
        .post_json(&t, "/api/exams/check", &definition(1000, 30.0))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let f: Value = r.json().await.unwrap();
    assert_eq!(f["feasible"], false);
    let short = &f["shortages"][0];
    assert_eq!(
        (short["section"].as_u64(), short["cell"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(short["bank"], "LAW");
    assert_eq!(short["needed"], 1000);
    assert!(short["missing"].as_u64().unwrap() > 900);

    let r = app
        .post_json(&t, "/api/exams", &definition(1000, 30.0))
        .await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "blueprint_infeasible");
    assert_eq!(body["error"]["details"]["shortages"][0]["bank"], "LAW");
    assert_eq!(
        app.get_json(&t, "/api/exams")
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let r = app.post_json(&t, "/api/exams", &definition(20, 21.0)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let exam: Value = r.json().await.unwrap();
    assert_eq!(exam["version"], 1);
    assert_eq!(exam["feasibility"]["questions"], 35);
    assert_eq!(exam["feasibility"]["total_points"], 35.0);
    assert_eq!(exam["definition"]["multiple_policy"], "proportional");
    assert_eq!(exam["definition"]["attempts_allowed"], 1);

    let id = exam["id"].as_i64().unwrap();
    let r = app
        .put_json(
            &t,
            &format!("/api/exams/{id}"),
            &json!({"expected_version": 1, "definition": definition(25, 24.0)}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .put_json(
            &t,
            &format!("/api/exams/{id}"),
            &json!({"expected_version": 1, "definition": definition(25, 24.0)}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "version_conflict".into())
    );
    let got = app.get_json(&t, &format!("/api/exams/{id}")).await;
    assert_eq!(got["version"], 2);
    assert_eq!(
        got["definition"]["blueprint"]["sections"][0]["cells"][0]["count"],
        25
    );
}

#[tokio::test]
async fn a_malformed_exam_or_an_unknown_bank_is_refused_and_nothing_is_saved() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let r = app.post_json(&t, "/api/exams", &definition(20, 99.0)).await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "invalid_exam");
    assert_eq!(body["error"]["details"]["reason"], "bad_pass_line");
    let mut d = definition(20, 10.0);
    d["blueprint"]["sections"][0]["cells"][0]["bank"] = json!("NOPE");
    let r = app.post_json(&t, "/api/exams", &d).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_bank".into())
    );
    let mut d = definition(20, 10.0);
    d["blueprint"]["sections"][0]["cells"][0]["kind"] = json!("essay");
    let r = app.post_json(&t, "/api/exams", &d).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let proctor = app.user_with_roles("exam.proctor", &["proctor"]).await;
    let r = app
        .post_json(&proctor, "/api/exams", &definition(20, 10.0))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.get(&t, "/api/exams/999").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "exam_not_found".into())
    );
    assert_eq!(
        app.get_json(&t, "/api/exams")
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn retired_questions_do_not_count_towards_a_cell() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let check = |n: usize| {
        json!({"name": "x", "time_limit_minutes": 10, "pass_line": 0,
               "blueprint": {"sections": [{"cells": [{"bank": "VID", "kind": "fill", "count": n, "points": 1}]}]}})
    };
    let f: Value = app
        .post_json(&t, "/api/exams/check", &check(1))
        .await
        .json()
        .await
        .unwrap();
    let available = f["pool"].as_u64().unwrap();
    let fills = app
        .get_json(&t, "/api/questions?bank=VID&kind=fill&status=active")
        .await;
    let n = fills["total"].as_u64().unwrap() as usize;
    let f: Value = app
        .post_json(&t, "/api/exams/check", &check(n))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(f["feasible"], true);
    let id = fills["items"][0]["id"].as_i64().unwrap();
    app.post_json(
        &t,
        &format!("/api/questions/{id}/status"),
        &json!({"status": "retired"}),
    )
    .await;
    let f: Value = app
        .post_json(&t, "/api/exams/check", &check(n))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(f["feasible"], false);
    assert_eq!(f["shortages"][0]["missing"], 1);
    assert_eq!(f["pool"].as_u64().unwrap(), available - 1);
}
