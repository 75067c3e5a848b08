//! Sessions over HTTP: rooms and proctors, roster import with checked ID numbers, tickets and seats.

use crate::support::{TestApp, error_code, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn exam(app: &TestApp, t: &str) -> i64 {
    let def = json!({"name": "继续教育考试", "time_limit_minutes": 60, "pass_line": 6,
        "blueprint": {"sections": [{"cells": [{"bank": "LAW", "kind": "single", "count": 10, "points": 1}]}]}});
    let r = app.post_json(t, "/api/exams", &def).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn session(app: &TestApp, t: &str, exam_id: i64, proctors: &[i64], seats: [i64; 2]) -> Value {
    let body = json!({"exam_id": exam_id, "name": "安防从业人员继续教育培训", "number": "第七十四期", "venue": "广州站",
        "starts_at": "2026-12-01T01:00:00Z", "ends_at": "2026-12-01T03:00:00Z",
        "rooms": [{"name": "第一考场", "seats": seats[0], "proctors": proctors}, {"name": "第二考场", "seats": seats[1]}]});
    let r = app.post_json(t, "/api/sessions", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_gbk_roster_seats_every_valid_candidate_with_a_ticket_and_reports_the_rest() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let exam_id = exam(&app, &t).await;
    let s = session(&app, &t, exam_id, &[], [2, 2]).await;
    let sid = s["id"].as_i64().unwrap();
    let good = id_number("19850312", 12);
    let csv = format!(
        "姓名,身份证号,工作单位,手机\r\n张三,{},广州某安防公司,13800138000\r\n李四,{},某物业公司,\r\n王五,{},,\r\n赵六,{},,\r\n钱七,110105194912310021,,\r\n孙八,{},,\r\n周九,{},,\r\n",
        good,
        id_number("19900101", 3),
        id_number("19700707", 7),
        good,
        id_number("19880808", 8),
        id_number("19660606", 6),
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    let dry = app
        .post_bytes(
            &t,
            &format!("/api/sessions/{sid}/roster?format=csv&dry_run=true"),
            gbk.to_vec(),
        )
        .await;
    assert_eq!(dry.status(), StatusCode::OK);
    let list = app
        .get_json(&t, &format!("/api/sessions/{sid}/candidates"))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 0, "a dry run seats nobody");

    let r = app
        .post_bytes(
            &t,
            &format!("/api/sessions/{sid}/roster?format=csv"),
            gbk.to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.unwrap();
    let rows = report["rows"].as_array().unwrap();
    let outcome = |name: &str| rows.iter().find(|r| r["ident"] == name).unwrap().clone();
    assert_eq!(outcome("张三")["outcome"], "imported");
    assert_eq!(outcome("张三")["room"], "第一考场");
    assert_eq!(outcome("张三")["seat"], 1);
    assert_eq!(outcome("赵六")["code"], "duplicate_id_number");
    assert_eq!(outcome("钱七")["code"], "bad_check_digit");
    assert_eq!(outcome("周九")["code"], "no_free_seat");
    assert_eq!(outcome("周九")["line"], 8);
    assert_eq!(report["imported"], 4);

    let list = app
        .get_json(&t, &format!("/api/sessions/{sid}/candidates"))
        .await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 4);
    let zhang = list.iter().find(|c| c["name"] == "张三").unwrap();
    assert_eq!(
        zhang["id_number"],
        format!("{}********{}", &good[..6], &good[14..])
    );
    assert_eq!(zhang["ticket"], outcome("张三")["ticket"]);
    let mut tickets: Vec<&str> = list.iter().map(|c| c["ticket"].as_str().unwrap()).collect();
    tickets.sort();
    tickets.dedup();
    assert_eq!(tickets.len(), 4, "tickets are unique");
    assert_eq!(list.iter().filter(|c| c["room"] == "第二考场").count(), 2);
}

#[tokio::test]
async fn a_single_candidate_is_checked_and_seated_in_the_room_asked_for() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let exam_id = exam(&app, &t).await;
    let sid = session(&app, &t, exam_id, &[], [30, 30]).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/sessions/{sid}/candidates");
    let body = json!({"name": "陈一", "id_number": id_number("19920202", 21), "room": "第二考场"});
    let r = app.post_json(&t, &path, &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let line: Value = r.json().await.unwrap();
    assert_eq!(
        (line["room"].as_str(), line["seat"].as_i64()),
        (Some("第二考场"), Some(1))
    );
    let r = app.post_json(&t, &path, &body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "candidate_refused");
    assert_eq!(v["error"]["details"]["reason"], "duplicate_id_number");
    let r = app
        .post_json(
            &t,
            &path,
            &json!({"name": "x", "id_number": id_number("19920202", 22), "room": "第九考场"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_json(&t, &path, &json!({"name": "x", "id_number": "123"}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get_json(&t, &path).await.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn only_assigned_proctors_see_a_session_and_bad_sessions_are_refused() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let exam_id = exam(&app, &t).await;
    let assigned = app.user_with_roles("room.one", &["proctor"]).await;
    let assigned_id = app.get_json(&assigned, "/api/auth/me").await["id"]
        .as_i64()
        .unwrap();
    let other = app.user_with_roles("room.two", &["proctor"]).await;
    let sid = session(&app, &t, exam_id, &[assigned_id], [10, 10]).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.get(&assigned, &format!("/api/sessions/{sid}"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&other, &format!("/api/sessions/{sid}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_json(&other, "/api/sessions")
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let r = app
        .post_json(&assigned, "/api/sessions", &json!({"exam_id": exam_id, "name": "x", "starts_at": "2026-12-01T01:00:00Z", "ends_at": "2026-12-01T02:00:00Z", "rooms": [{"name": "A", "seats": 5}]}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let judge = app.user_with_roles("a.judge", &["judge"]).await;
    let judge_id = app.get_json(&judge, "/api/auth/me").await["id"]
        .as_i64()
        .unwrap();
    let mk = |rooms: Value, ends: &str| json!({"exam_id": exam_id, "name": "x", "starts_at": "2026-12-01T01:00:00Z", "ends_at": ends, "rooms": rooms});
    let r = app
        .post_json(
            &t,
            "/api/sessions",
            &mk(
                json!([{"name": "A", "seats": 5, "proctors": [judge_id]}]),
                "2026-12-01T02:00:00Z",
            ),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_proctor".into())
    );
    let r = app
        .post_json(
            &t,
            "/api/sessions",
            &mk(json!([{"name": "A", "seats": 5}]), "2026-12-01T00:00:00Z"),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_window".into())
    );
    let r = app
        .post_json(
            &t,
            "/api/sessions",
            &mk(
                json!([{"name": "A", "seats": 5}, {"name": "A", "seats": 5}]),
                "2026-12-01T02:00:00Z",
            ),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rooms".into())
    );
    let r = app.post_json(&t, "/api/sessions", &json!({"exam_id": 999, "name": "x", "starts_at": "2026-12-01T01:00:00Z", "ends_at": "2026-12-01T02:00:00Z", "rooms": [{"name": "A", "seats": 5}]})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "exam_not_found".into())
    );
    let r = app
        .post_bytes(
            &t,
            &format!("/api/sessions/{sid}/roster?format=csv"),
            "名字,证号\n张三,1\n".as_bytes().to_vec(),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "missing_column".into())
    );
    assert_eq!(
        app.get_json(&t, "/api/sessions")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
