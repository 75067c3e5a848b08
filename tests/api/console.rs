//! What the console needs beyond creating things: changing a session, its exam and roster
//! until someone starts, proctors by room at any time, deleting unused exams, questions that
//! cannot be marked never being active, imports as drafts, exports with full ID numbers, the
//! audit log's filters and the QR code of the login address.

use crate::support::{SessionFixture, TestApp, error_code, id_number, log_tablet_in};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn definition(name: &str) -> Value {
    json!({"name": name, "time_limit_minutes": 60, "pass_line": 6,
        "blueprint": {"sections": [{"cells": [{"bank": "LAW", "kind": "single", "count": 10, "points": 1}]}]}})
}

async fn new_exam(app: &TestApp, t: &str, name: &str) -> i64 {
    let r = app.post_json(t, "/api/exams", &definition(name)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn delete(app: &TestApp, t: &str, path: &str) -> reqwest::Response {
    app.client
        .delete(app.url(path))
        .bearer_auth(t)
        .send()
        .await
        .unwrap()
}

async fn audit(app: &TestApp, t: &str, query: &str) -> Vec<Value> {
    app.get_json(t, &format!("/api/audit?{query}"))
        .await
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_session_can_switch_exam_and_its_roster_be_corrected_until_someone_starts() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let wrong = new_exam(&app, &t, "错选的考试").await;
    let sitting = SessionFixture::of_exam(json!(wrong))
        .candidates(3, "19900101", 1)
        .sit_as(app, t.clone())
        .await;
    let app = &sitting.app;
    let sid = sitting.session_id;
    let right = new_exam(app, &t, "正确的考试").await;

    // Before anyone starts: another exam, a new window, a corrected name, a removed candidate.
    let r = app
        .put_json(
            &t,
            &format!("/api/sessions/{sid}"),
            &json!({"exam_id": right, "venue": "深圳站"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["exam_id"], right);
    assert_eq!(s["venue"], "深圳站");
    let got = app.get_json(&t, &format!("/api/sessions/{sid}")).await;
    assert_eq!(got["started"], false);

    let list = app
        .get_json(&t, &format!("/api/sessions/{sid}/candidates"))
        .await;
    let first = list[0]["id"].as_i64().unwrap();
    let second = list[1]["id"].as_i64().unwrap();
    let last_ticket = list[2]["ticket"].as_str().unwrap().to_string();
    let r = app
        .put_json(
            &t,
            &format!("/api/sessions/{sid}/candidates/{first}"),
            &json!({"name": "张三丰", "employer": "广州某安防公司"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["name"], "张三丰");
    let r = app
        .put_json(
            &t,
            &format!("/api/sessions/{sid}/candidates/{first}"),
            &json!({"id_number": "110105194912310022"}),
        )
        .await;
    let (status, code) = error_code(r).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "candidate_refused")
    );
    let r = delete(app, &t, &format!("/api/sessions/{sid}/candidates/{second}")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // A candidate added after a removal never gets a ticket given before.
    let r = app
        .post_json(
            &t,
            &format!("/api/sessions/{sid}/candidates"),
            &json!({"name": "新考生", "id_number": id_number("19910202", 9)}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ticket = r.json::<Value>().await.unwrap()["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(ticket, last_ticket);
    assert_eq!(
        app.get_json(&t, &format!("/api/sessions/{sid}/candidates"))
            .await
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // The first candidate starts: the exam, the window and that candidate are fixed now.
    let (_token, _attempt, _) = log_tablet_in(&app.client, &app.base, &sitting.candidates[0]).await;
    assert_eq!(
        app.get_json(&t, &format!("/api/sessions/{sid}")).await["started"],
        true
    );
    let r = app
        .put_json(
            &t,
            &format!("/api/sessions/{sid}"),
            &json!({"exam_id": wrong}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "session_started".into())
    );
    let r = delete(app, &t, &format!("/api/sessions/{sid}")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "session_started".into())
    );
    let r = app
        .put_json(
            &t,
            &format!("/api/sessions/{sid}/candidates/{first}"),
            &json!({"name": "改名"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "candidate_started".into())
    );
    let r = delete(app, &t, &format!("/api/sessions/{sid}/candidates/{first}")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "candidate_started".into())
    );
    // Its name may still be corrected.
    let r = app
        .put_json(
            &t,
            &format!("/api/sessions/{sid}"),
            &json!({"number": "第七十五期"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // An exam a session uses cannot be deleted; one nobody uses can.
    let r = delete(app, &t, &format!("/api/exams/{right}")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "exam_in_use".into())
    );
    let r = delete(app, &t, &format!("/api/exams/{wrong}")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&t, &format!("/api/exams/{wrong}")).await.status(),
        StatusCode::NOT_FOUND
    );

    // Every change is in the audit log, found by the session.
    let actions: Vec<String> = audit(app, &t, &format!("session={sid}"))
        .await
        .iter()
        .map(|a| a["action"].as_str().unwrap().to_string())
        .collect();
    for a in [
        "session.update",
        "candidate.update",
        "candidate.delete",
        "session.create",
    ] {
        assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn a_session_nobody_started_can_be_deleted_with_its_roster() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let exam = new_exam(&app, &t, "考试").await;
    let sitting = SessionFixture::of_exam(json!(exam))
        .candidates(2, "19900101", 1)
        .sit_as(app, t.clone())
        .await;
    let app = &sitting.app;
    let sid = sitting.session_id;
    let author = app.user_with_roles("author1", &["author"]).await;
    let proctor = app.user_with_roles("proctor1", &["proctor"]).await;
    assert_eq!(
        delete(app, &proctor, &format!("/api/sessions/{sid}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        delete(app, &author, &format!("/api/sessions/{sid}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&t, &format!("/api/sessions/{sid}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let gone = audit(app, &t, "action=session.delete").await;
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0]["detail"]["candidates"], 2);
    assert_eq!(gone[0]["actor"], "author1");
}

#[tokio::test]
async fn proctors_are_assigned_to_a_room_by_account_at_any_time_and_then_see_the_session() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let proctor = app.user_with_roles("wang", &["proctor"]).await;
    let _judge = app.user_with_roles("lijudge", &["judge"]).await;
    let staff = app.get_json(&t, "/api/staff").await;
    let wang = staff
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "wang")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let li = staff
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "lijudge")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.get(&proctor, "/api/staff").await.status(),
        StatusCode::FORBIDDEN
    );

    let exam = new_exam(&app, &t, "考试").await;
    let sitting = SessionFixture::of_exam(json!(exam))
        .candidates(1, "19900101", 1)
        .sit_as(app, t.clone())
        .await;
    let app = &sitting.app;
    let sid = sitting.session_id;
    // Even after a candidate has started.
    log_tablet_in(&app.client, &app.base, &sitting.candidates[0]).await;
    assert_eq!(
        app.get(&proctor, &format!("/api/sessions/{sid}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let room = app.get_json(&t, &format!("/api/sessions/{sid}")).await["rooms"][0]["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/sessions/{sid}/rooms/{room}/proctors");
    let r = app.put_json(&t, &path, &json!({"proctors": [li]})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_proctor".into())
    );
    let r = app.put_json(&t, &path, &json!({"proctors": [wang]})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<Value>().await.unwrap()["rooms"][0]["proctors"],
        json!([wang])
    );
    assert_eq!(
        app.get(&proctor, &format!("/api/sessions/{sid}"))
            .await
            .status(),
        StatusCode::OK
    );
    // And removed again.
    let r = app.put_json(&t, &path, &json!({"proctors": []})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(&proctor, &format!("/api/sessions/{sid}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(audit(app, &t, "action=session.proctors").await.len(), 2);
}

#[tokio::test]
async fn a_short_answer_without_a_reference_is_never_active() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "NEW").await;
    let mut q = json!({"kind": "short", "stem": "简述入侵报警系统的组成。", "key": {"type": "open", "reference": ""}, "points": 5});
    let r = app.post_json(&t, "/api/banks/NEW/questions", &q).await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "question_not_markable".into()
        )
    );
    q["status"] = json!("draft");
    let r = app.post_json(&t, "/api/banks/NEW/questions", &q).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post_json(
            &t,
            &format!("/api/questions/{id}/status"),
            &json!({"status": "active"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "question_not_markable".into()
        )
    );
    let got = app.get_json(&t, &format!("/api/questions/{id}")).await;
    assert_eq!(got["body"]["status"], "draft");
    // With a reference answer it may be activated.
    let mut body = got["body"].clone();
    body["key"]["reference"] = json!("前端探测器、传输、控制和显示记录设备。");
    let r = app
        .put_json(&t, &format!("/api/questions/{id}"), &json!({"body": body}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post_json(
            &t,
            &format!("/api/questions/{id}/status"),
            &json!({"status": "active"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // A practical task with a marking scheme but no reference is markable.
    let p = json!({"kind": "practical", "stem": "安装并调试一台网络摄像机。", "key": {"type": "open", "reference": ""},
        "points": 10, "scheme": [{"text": "安装牢固", "points": 4}, {"text": "画面清晰", "points": 6}]});
    assert_eq!(
        app.post_json(&t, "/api/banks/NEW/questions", &p)
            .await
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_gift_essay_without_an_answer_is_imported_as_a_draft_with_a_warning() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "GIF").await;
    let gift = "::E1:: 简述视频监控系统的组成。 {}\n\n::S1:: 保安员上岗应持有保安员证。 {T}\n";
    let r = app
        .post_bytes(
            &t,
            "/api/banks/GIF/import?format=gift",
            gift.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let rep: Value = r.json().await.unwrap();
    assert_eq!(rep["imported"], 2);
    let essay = &rep["items"][0];
    assert!(
        essay["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("草稿")),
        "{essay}"
    );
    let drafts = app
        .get_json(&t, "/api/questions?bank=GIF&status=draft")
        .await;
    assert_eq!(drafts["total"], 1);
    assert_eq!(drafts["items"][0]["kind"], "short");
    let active = app
        .get_json(&t, "/api/questions?bank=GIF&status=active")
        .await;
    assert_eq!(active["total"], 1);

    // "As drafts": everything waits for an author.
    app.create_bank(&t, "GID").await;
    let r = app
        .post_bytes(
            &t,
            "/api/banks/GID/import?format=gift&as_drafts=true",
            gift.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let drafts = app
        .get_json(&t, "/api/questions?bank=GID&status=draft")
        .await;
    assert_eq!(drafts["total"], 2);
}

#[tokio::test]
async fn full_id_numbers_are_exported_only_to_admins_and_each_export_is_audited() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let exam = new_exam(&app, &t, "考试").await;
    let sitting = SessionFixture::of_exam(json!(exam))
        .candidates(2, "19900101", 1)
        .sit_as(app, t.clone())
        .await;
    let app = &sitting.app;
    let sid = sitting.session_id;
    let full = &sitting.candidates[0].id_number;
    let author = app.user_with_roles("author1", &["author"]).await;

    let masked = app
        .get(&author, &format!("/api/sessions/{sid}/results?format=csv"))
        .await;
    assert_eq!(masked.status(), StatusCode::OK);
    assert!(!masked.text().await.unwrap().contains(full.as_str()));
    let r = app
        .get(
            &author,
            &format!("/api/sessions/{sid}/results?format=csv&full_ids=true"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(audit(app, &t, "action=export.full_ids").await.is_empty());

    let r = app
        .get(
            &t,
            &format!("/api/sessions/{sid}/results?format=csv&full_ids=true"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains(full.as_str()));
    let entries = audit(app, &t, "action=export.full_ids").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actor"], "admin");
    assert_eq!(entries[0]["detail"]["rows"], 2);
    assert_eq!(entries[0]["detail"]["session_id"], sid);
    assert_eq!(entries[0]["detail"]["format"], "csv");
}

#[tokio::test]
async fn the_audit_log_filters_by_actor_action_and_time() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "AAA").await;
    let author = app.user_with_roles("author1", &["author"]).await;
    let r = app
        .post_json(
            &author,
            "/api/banks",
            &json!({"code": "BBB", "name": "乙库"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let by_author = audit(&app, &t, "actor=author1").await;
    assert!(!by_author.is_empty());
    assert!(by_author.iter().all(|a| a["actor"] == "author1"));
    let banks = audit(&app, &t, "action=bank.").await;
    assert!(
        banks
            .iter()
            .all(|a| a["action"].as_str().unwrap().starts_with("bank."))
    );
    assert!(banks.len() >= 2);
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let q = format!("from={}", urlencode(&future));
    assert!(audit(&app, &t, &q).await.is_empty());
    let q = format!("to={}", urlencode(&future));
    assert!(!audit(&app, &t, &q).await.is_empty());
    // Paging: the next page starts below the last id seen.
    let first = audit(&app, &t, "limit=1").await;
    let next = audit(&app, &t, &format!("limit=1&before={}", first[0]["id"])).await;
    assert!(next[0]["id"].as_i64() < first[0]["id"].as_i64());
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn staff_get_a_qr_code_of_a_short_text_as_svg() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    let r = app
        .get(&t, "/api/qr.svg?text=https%3A%2F%2F192.168.1.10%3A8443%2F")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert!(r.text().await.unwrap().starts_with("<svg"));
    let long = "a".repeat(301);
    let r = app.get(&t, &format!("/api/qr.svg?text={long}")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "qr_text_too_long".into())
    );
    let r = app
        .client
        .get(app.url("/api/qr.svg?text=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn once_judges_are_assigned_only_they_mark_the_session() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let li = app.user_with_roles("lijudge", &["judge"]).await;
    let zhao = app.user_with_roles("zhaojudge", &["judge"]).await;
    let _p = app.user_with_roles("proctor1", &["proctor"]).await;
    let staff = app.get_json(&t, "/api/staff").await;
    let id_of = |name: &str| {
        staff
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let exam = new_exam(&app, &t, "考试").await;
    let sitting = SessionFixture::of_exam(json!(exam))
        .candidates(1, "19900101", 1)
        .sit_as(app, t.clone())
        .await;
    let app = &sitting.app;
    let sid = sitting.session_id;
    let queue = format!("/api/sessions/{sid}/marking");
    // Nobody assigned: every judge marks.
    assert_eq!(app.get(&li, &queue).await.status(), StatusCode::OK);
    assert_eq!(app.get(&zhao, &queue).await.status(), StatusCode::OK);

    let path = format!("/api/sessions/{sid}/judges");
    let r = app
        .put_json(&t, &path, &json!({"judges": [id_of("proctor1")]}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_judge".into())
    );
    let r = app
        .put_json(&t, &path, &json!({"judges": [id_of("lijudge")]}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<Value>().await.unwrap()["judges"],
        json!([id_of("lijudge")])
    );
    assert_eq!(app.get(&li, &queue).await.status(), StatusCode::OK);
    assert_eq!(app.get(&zhao, &queue).await.status(), StatusCode::FORBIDDEN);
    let listed = |v: Value| v.as_array().unwrap().iter().any(|s| s["id"] == sid);
    assert!(listed(app.get_json(&li, "/api/sessions").await));
    assert!(!listed(app.get_json(&zhao, "/api/sessions").await));
    assert_eq!(
        app.get_json(&t, &format!("/api/sessions/{sid}")).await["judges"],
        json!([id_of("lijudge")])
    );
    assert_eq!(audit(app, &t, "action=session.judges").await.len(), 1);
}
