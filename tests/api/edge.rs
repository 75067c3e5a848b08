//! The edge of the API over HTTP: control characters refused in one place (JSON bodies, paths,
//! queries) and in imported files, on both databases; slow request bodies cut off; every error
//! as the JSON error body.

use crate::support::{ADMIN_PASSWORD, TestApp, error_code, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Asserts a response is the JSON error body with this status and code; returns the body.
async fn json_error(r: reqwest::Response, status: StatusCode, code: &str) -> Value {
    let what = format!("{} {}", r.url(), r.status());
    assert_eq!(r.status(), status, "{what}");
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(
        ct.starts_with("application/json"),
        "{what}: content type {ct:?}"
    );
    let v: Value = r.json().await.expect("a JSON body");
    assert_eq!(v["error"]["code"], code, "{what}: {v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{what}: {v}"
    );
    v
}

#[tokio::test]
async fn a_control_character_in_any_login_body_is_refused_with_422_and_a_code() {
    let app = TestApp::spawn().await;
    let login = |body: Value| {
        app.client
            .post(app.url("/api/auth/login"))
            .json(&body)
            .send()
    };
    for bad in ["ad\u{0}min", "admin\u{1b}", "\u{7f}", "admin\u{85}"] {
        let r = login(json!({"username": bad, "password": "x"}))
            .await
            .unwrap();
        let v = json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "control_character").await;
        assert_eq!(v["error"]["details"]["at"], "/username");
    }
    let r = login(json!({"username": "admin", "password": "pass\u{0}word"}))
        .await
        .unwrap();
    json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "control_character").await;
    // In a key, too: the body is walked before any handler sees it.
    let r = login(json!({"username": "admin", "password": "x", "x\u{0}": 1}))
        .await
        .unwrap();
    json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "control_character").await;
    // Tabs and line breaks are text: this is only a wrong password.
    let r = login(json!({"username": "admin", "password": "a\tb\r\nc"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .post(app.url("/api/candidate/login"))
        .json(&json!({"ticket": "K\u{0}", "id_number": id_number("19900101", 1)}))
        .send()
        .await
        .unwrap();
    json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "control_character").await;
    assert_eq!(
        app.try_login("admin", ADMIN_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_control_character_in_a_stem_a_path_or_a_query_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "NUL").await;
    let q = json!({"kind": "true_false", "stem": "题干\u{0}", "key": {"type": "true_false", "value": true}});
    let r = app.post_json(&t, "/api/banks/NUL/questions", &q).await;
    let v = json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "control_character").await;
    assert_eq!(
        v["error"]["details"],
        json!({"at": "/stem", "char": "U+0000"})
    );
    let q = json!({"kind": "single", "stem": "题干", "options": ["甲", "乙\u{1}"],
        "key": {"type": "choice", "correct": [0]}});
    let r = app.post_json(&t, "/api/banks/NUL/questions", &q).await;
    let v = json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "control_character").await;
    assert_eq!(v["error"]["details"]["at"], "/options/1");
    assert_eq!(app.count(&t, "NUL").await, 0);
    let r = app
        .patch_json(&t, "/api/banks/NUL", &json!({"name": "名\u{0}"}))
        .await;
    json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "control_character").await;
    for path in [
        "/api/banks/%00",
        "/api/banks/N%00UL/questions",
        "/api/questions?q=%00",
        "/api/questions?bank=NUL&q=a%1Bb",
        "/api/questions?q%00=1",
        "/api/audit?target_type=%7F",
    ] {
        let r = app.get(&t, path).await;
        json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "control_character").await;
    }
    // Unauthenticated, too: the check comes before anything else.
    let r = app
        .client
        .get(app.url("/api/verify/A%00B"))
        .send()
        .await
        .unwrap();
    json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "control_character").await;
    // A page number past any end is an empty page, not an overflow.
    let page = app
        .get_json(&t, "/api/questions?page=9223372036854775808")
        .await;
    assert_eq!(page["items"], json!([]));
    let r = app.get(&t, "/api/questions?q=%E4%B8%AD%09").await;
    assert_eq!(r.status(), StatusCode::OK, "a tab in a query is text");
}

#[tokio::test]
async fn a_csv_import_with_a_nul_skips_that_row_in_the_dry_run_and_the_import_alike() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "CSVN").await;
    let csv = "编号,题型,题干,选项A,选项B,答案\r\n\
        N-1,单选,第一题\0有空字符,甲,乙,A\r\n\
        N-2,判断,第二题正常,,,对\r\n\
        N-3,单选,第三题,甲\u{1b},乙,B\r\n"
        .as_bytes()
        .to_vec();
    let (status, dry) = app
        .import(&t, "CSVN", "format=csv&dry_run=true", csv.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    let (status, real) = app.import(&t, "CSVN", "format=csv", csv).await;
    assert_eq!(status, StatusCode::OK, "{real}");
    for report in [&dry, &real] {
        assert_eq!(report["imported"], 1, "{report}");
        assert_eq!(report["skipped"], 2, "{report}");
        let codes: Vec<&str> = report["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap_or("-"))
            .collect();
        assert_eq!(codes, vec!["control_character", "-", "control_character"]);
    }
    assert_eq!(app.count(&t, "CSVN").await, 1);
}

#[tokio::test]
async fn a_roster_row_with_a_control_character_is_skipped_with_its_code() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let def = json!({"name": "名单", "time_limit_minutes": 30, "pass_line": 1,
        "blueprint": {"sections": [{"cells": [{"bank": "LAW", "kind": "single", "count": 2, "points": 1}]}]}});
    let exam = app
        .post_json(&t, "/api/exams", &def)
        .await
        .json::<Value>()
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let s: Value = app
        .post_json(
            &t,
            "/api/sessions",
            &json!({"exam_id": exam["id"], "name": "名单场",
            "starts_at": now, "ends_at": now + chrono::Duration::hours(1),
            "rooms": [{"name": "第一考场", "seats": 10}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let csv = format!(
        "姓名,身份证号,工作单位\n张\0三,{},某公司\n李四,{},某公司\n",
        id_number("19800101", 1),
        id_number("19800101", 2)
    );
    let r = app
        .post_bytes(
            &t,
            &format!("/api/sessions/{}/roster?format=csv", s["id"]),
            csv.into_bytes(),
        )
        .await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v.to_string().contains("control_character"), "{v}");
    let list = app
        .get_json(&t, &format!("/api/sessions/{}/candidates", s["id"]))
        .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
}

#[tokio::test]
async fn every_error_under_api_is_the_json_error_body() {
    let app = TestApp::spawn_with(|c| c.max_upload_bytes = 10_000).await;
    let t = app.admin().await;
    app.create_bank(&t, "ERR").await;
    let c = &app.client;
    // No such endpoint, or not with that method.
    for (method, path) in [
        (reqwest::Method::GET, "/api/nope"),
        (reqwest::Method::GET, "/api"),
        (reqwest::Method::POST, "/api/health"),
        (reqwest::Method::DELETE, "/api/banks/ERR"),
    ] {
        let r = c
            .request(method, app.url(path))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        json_error(r, StatusCode::NOT_FOUND, "not_found").await;
    }
    // Path and query extractors.
    let r = app.get(&t, "/api/questions/not-a-number").await;
    json_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = app.get(&t, "/api/questions?page=many").await;
    json_error(r, StatusCode::BAD_REQUEST, "invalid_query").await;
    // JSON extractor: malformed, wrong type, no content type, too large.
    let r = c
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    json_error(r, StatusCode::BAD_REQUEST, "malformed_json").await;
    let r = c
        .post(app.url("/api/auth/login"))
        .body("{\"username\": \"a\", \"password\": \"b\"}")
        .send()
        .await
        .unwrap();
    json_error(
        r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let big = json!({"username": "a", "password": "x".repeat(1_100_000)});
    let r = c
        .post(app.url("/api/auth/login"))
        .json(&big)
        .send()
        .await
        .unwrap();
    json_error(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Raw bodies: over the upload limit.
    let r = app
        .post_bytes(&t, "/api/banks/ERR/import?format=gift", vec![b'x'; 20_000])
        .await;
    json_error(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let r = app.post_bytes(&t, "/api/media", vec![0u8; 20_000]).await;
    json_error(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Well-known files too.
    let r = c
        .post(app.url("/.well-known/exam-certificate-keys.json"))
        .send()
        .await
        .unwrap();
    json_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let (status, code) = error_code(app.get(&t, "/api/banks/NOPE").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "bank_not_found"),
        "handlers' own errors are untouched"
    );
}

/// Sends a request head and then its body one byte at a time, `gap` apart; returns what the
/// server answered and how long after the head it answered (or closed).
async fn trickle(base: &str, head: &str, body_len: usize, gap: Duration) -> (String, Duration) {
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let start = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let mut sent = 0;
    while start.elapsed() < Duration::from_secs(15) {
        tokio::select! {
            n = s.read(&mut buf) => match n {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    got.extend_from_slice(&buf[..n]);
                    if String::from_utf8_lossy(&got).contains("\"}}") { break; }
                }
            },
            _ = tokio::time::sleep(gap) => {
                if sent < body_len && s.write_all(b"x").await.is_ok() {
                    sent += 1;
                }
            }
        }
    }
    (String::from_utf8_lossy(&got).into_owned(), start.elapsed())
}

#[tokio::test]
async fn a_request_body_trickled_slowly_is_cut_off_with_408() {
    let app = TestApp::spawn_with(|c| c.body_grace_seconds = 1).await;
    let t = app.admin().await;
    app.create_bank(&t, "SLOW").await;
    // A JSON body (read by the edge) and a raw import body (read by the handler).
    for (path, ct, auth) in [
        ("/api/auth/login", "application/json", String::new()),
        (
            "/api/banks/SLOW/import?format=gift",
            "application/octet-stream",
            format!("Authorization: Bearer {t}\r\n"),
        ),
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: {ct}\r\n{auth}Content-Length: 400\r\n\r\n"
        );
        let (answer, after) = trickle(&app.base, &head, 400, Duration::from_millis(200)).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer:?}");
        assert!(answer.contains("\"body_timeout\""), "{path}: {answer:?}");
        assert!(
            after < Duration::from_secs(4),
            "{path}: cut off after {after:?}"
        );
    }
    // A body that arrives at once is not affected.
    let r = app.try_login("admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_declares_every_path_parameter_so_fuzzers_reach_each_operation() {
    let app = TestApp::spawn().await;
    let v: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut missing = vec![];
    for (path, item) in v["paths"].as_object().unwrap() {
        let names: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split('}').next())
            .collect();
        for (method, op) in item.as_object().unwrap() {
            for name in &names {
                let declared = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["in"] == "path" && p["name"] == *name);
                if !declared {
                    missing.push(format!("{method} {path}: {name}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undeclared path parameters: {missing:#?}"
    );
    // And every schema it refers to is in it.
    let text = v.to_string();
    for r in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = r.split('"').next().unwrap();
        assert!(
            v["components"]["schemas"].get(name).is_some(),
            "{name} is referred to but not described"
        );
    }
}
