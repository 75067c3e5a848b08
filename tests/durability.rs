//! Crash safety: the server process is killed with SIGKILL in the middle of a stream of saves,
//! restarted on the same database, and every save it had acknowledged must be there.

mod common;

use common::{fresh_database, id_number, start_server};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ADMIN: &str = common::BINARY_ADMIN_PASSWORD;

async fn post(client: &Client, base: &str, token: Option<&str>, path: &str, body: &Value) -> Value {
    let mut req = client.post(format!("{base}{path}")).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("request");
    assert!(r.status().is_success(), "POST {path}: {}", r.status());
    r.json().await.expect("json")
}

/// The answer each acknowledged save carried, by (attempt, question): (seq, response).
type Acked = Arc<Mutex<HashMap<(i64, i64), (i64, Value)>>>;

#[tokio::test]
async fn every_acknowledged_save_survives_a_sigkill_of_the_server() {
    let (url, _dir) = fresh_database().await;
    let (mut server, base) = start_server(&url);
    let client = Client::new();
    let admin = post(
        &client,
        &base,
        None,
        "/api/auth/login",
        &json!({"username": "admin", "password": ADMIN}),
    )
    .await;
    let admin = admin["token"].as_str().unwrap().to_string();
    let def = json!({"name": "断电测试", "time_limit_minutes": 60, "pass_line": 10, "release": "at_submit",
        "blueprint": {"sections": [{"cells": [
            {"bank": "LAW", "kind": "single", "count": 20, "points": 1},
            {"bank": "VID", "kind": "true_false", "count": 10, "points": 1}]}]}});
    let exam = post(&client, &base, Some(&admin), "/api/exams", &def).await;
    let now = chrono::Utc::now();
    let session = post(&client, &base, Some(&admin), "/api/sessions", &json!({"exam_id": exam["id"], "name": "断电测试场",
        "starts_at": now - chrono::Duration::minutes(5), "ends_at": now + chrono::Duration::hours(2),
        "rooms": [{"name": "第一考场", "seats": 100}]})).await;
    let sid = session["id"].as_i64().unwrap();
    let mut candidates = vec![];
    for i in 0..16 {
        let idn = id_number("19790101", 200 + i);
        let c = post(
            &client,
            &base,
            Some(&admin),
            &format!("/api/sessions/{sid}/candidates"),
            &json!({"name": format!("考生{i}"), "id_number": idn}),
        )
        .await;
        candidates.push((c["ticket"].as_str().unwrap().to_string(), idn));
    }

    let acked: Acked = Arc::new(Mutex::new(HashMap::new()));
    let mut tasks = vec![];
    for (ticket, idn) in candidates.clone() {
        let login = post(
            &client,
            &base,
            None,
            "/api/candidate/login",
            &json!({"ticket": ticket, "id_number": idn}),
        )
        .await;
        let token = login["token"].as_str().unwrap().to_string();
        let attempt = login["attempt_id"].as_i64().unwrap();
        let r = client
            .get(format!("{base}/api/attempts/{attempt}/paper"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let paper: Value = r.json().await.unwrap();
        let questions = paper["questions"].as_array().unwrap().clone();
        let (client, base, acked) = (client.clone(), base.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let mut seq = 0i64;
            // Bounded: stops at the first failed request (the kill) or after 20 s.
            while started.elapsed() < Duration::from_secs(20) {
                seq += 1;
                let q = &questions[(seq as usize * 7) % questions.len()];
                let response = if q["kind"] == "true_false" {
                    json!({"type": "true_false", "value": seq % 2 == 0})
                } else {
                    let options = q["options"].as_array().unwrap();
                    json!({"type": "choice", "selected": [options[seq as usize % options.len()]["id"]]})
                };
                let qid = q["id"].as_i64().unwrap();
                let sent = client
                    .put(format!("{base}/api/attempts/{attempt}/answers/{qid}"))
                    .bearer_auth(&token)
                    .json(&json!({"response": response, "seq": seq}))
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == StatusCode::OK => {
                        let v: Value = r.json().await.unwrap_or(Value::Null);
                        if v["applied"] == true {
                            acked.lock().unwrap().insert((attempt, qid), (seq, response));
                        }
                    }
                    _ => break,
                }
            }
            (ticket, idn)
        }));
    }
    // Let the saves run, then kill the server mid-stream with SIGKILL (Child::kill on Unix).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().expect("kill -9 the server");
    server.wait().ok();
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 50,
        "enough saves were acknowledged before the kill: {}",
        acked.len()
    );

    eprintln!("{} acknowledged saves before the kill", acked.len());
    let (mut restarted, base) = start_server(&url);
    let mut checked = 0;
    for (ticket, idn) in candidates {
        let login = post(
            &client,
            &base,
            None,
            "/api/candidate/login",
            &json!({"ticket": ticket, "id_number": idn}),
        )
        .await;
        let attempt = login["attempt_id"].as_i64().unwrap();
        let stored: HashMap<i64, (i64, Value)> = login["attempt"]["answers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["question_id"].as_i64().unwrap(),
                    (a["seq"].as_i64().unwrap(), a["response"].clone()),
                )
            })
            .collect();
        for ((a, q), (seq, response)) in acked.iter().filter(|((a, _), _)| *a == attempt) {
            let (got_seq, got) = stored
                .get(q)
                .unwrap_or_else(|| panic!("acknowledged save of attempt {a} question {q} is lost"));
            assert!(
                got_seq >= seq,
                "attempt {a} question {q}: acknowledged seq {seq}, stored {got_seq}"
            );
            if got_seq == seq {
                assert_eq!(
                    got, response,
                    "attempt {a} question {q}: the acknowledged answer"
                );
            }
            checked += 1;
        }
    }
    restarted.kill().ok();
    restarted.wait().ok();
    assert_eq!(checked, acked.len());
}
