//! Two server processes on one PostgreSQL database, as behind a load balancer: a candidate on
//! instance A and a proctor on instance B see each other's changes within a second, through
//! PostgreSQL LISTEN/NOTIFY. Needs TEST_POSTGRES_URL (CI's PostgreSQL tier sets it); with the
//! embedded SQLite database there is one instance by design, so there is nothing to prove.

use crate::support::{
    SessionFixture, Sse, fresh_database, id_number, log_tablet_in, server_admin_token, start_server,
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn call(
    c: &Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Value,
) -> Value {
    let mut req = c.request(method, &url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    assert!(r.status().is_success(), "{url}: {}", r.status());
    r.json().await.unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_candidate_on_one_instance_and_a_proctor_on_another_see_each_other_within_a_second() {
    if std::env::var("TEST_POSTGRES_URL").is_err() {
        eprintln!(
            "two instances need PostgreSQL (TEST_POSTGRES_URL); the SQLite setup is one instance"
        );
        return;
    }
    let (url, _dir) = fresh_database().await;
    // One after the other, so the second finds the migrations applied.
    let (mut a, base_a) = start_server(&url);
    let (mut b, base_b) = start_server(&url);
    let c = Client::new();
    let post = reqwest::Method::POST;
    let admin_b = server_admin_token(&c, &base_b).await;
    let def = json!({"name": "双实例", "time_limit_minutes": 30, "pass_line": 1,
        "blueprint": {"sections": [{"cells": [{"bank": "VID", "kind": "single", "count": 5, "points": 1}]}]}});
    let session = SessionFixture::new(def)
        .session(json!({"name": "双实例场", "rooms": [{"name": "第一考场", "seats": 10}]}))
        .open(-60, 3600)
        .candidates_named(&["考生甲"], "19880808", 901)
        .create(&c, &base_b, &admin_b)
        .await;
    let sid = session.id;

    // The proctor watches on B.
    let room = c
        .get(format!(
            "{base_b}/api/sessions/{sid}/live?access_token={admin_b}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(room.status(), StatusCode::OK);
    let mut room = Sse::reading(room);
    let snapshot = room.next_data(Duration::from_secs(5)).await;
    assert_eq!(snapshot["tiles"][0]["state"], "not_started");

    // The candidate logs in and loses focus on A; B's view shows both within a second each.
    let (token, attempt, _) = log_tablet_in(&c, &base_a, &session.candidates[0]).await;
    let sent = Instant::now();
    call(
        &c,
        post.clone(),
        format!("{base_a}/api/attempts/{attempt}/events"),
        Some(&token),
        json!({"events": [{"kind": "window_blur"}]}),
    )
    .await;
    loop {
        let frame = room.next_data(Duration::from_secs(2)).await;
        let seen = frame["tiles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["attempt_id"] == attempt && t["focus_losses"] == 1);
        if seen {
            // Carried by a live change from A (NOTIFY), not found by B's periodic refresh.
            assert!(frame["published_at_ms"].is_i64(), "{frame}");
            break;
        }
    }
    let latency = sent.elapsed();
    assert!(latency < Duration::from_secs(1), "A → B took {latency:?}");

    // The tablet listens on A; the proctor pauses on B; the tablet's clock stops within a second.
    let mut tablet = Sse::reading(
        c.get(format!(
            "{base_a}/api/attempts/{attempt}/live?access_token={token}"
        ))
        .send()
        .await
        .unwrap(),
    );
    let first = tablet.next_data(Duration::from_secs(5)).await;
    assert_eq!(first["status"], "in_progress");
    let sent = Instant::now();
    call(
        &c,
        post.clone(),
        format!("{base_b}/api/attempts/{attempt}/pause"),
        Some(&admin_b),
        json!({"reason": "双实例测试"}),
    )
    .await;
    let paused = tablet.next_data(Duration::from_secs(2)).await;
    assert_eq!(paused["status"], "paused");
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "B → A took {:?}",
        sent.elapsed()
    );

    a.kill().ok();
    b.kill().ok();
    a.wait().ok();
    b.wait().ok();
}

#[tokio::test]
async fn a_proctors_unlock_on_one_instance_lets_the_candidate_in_on_the_other() {
    if std::env::var("TEST_POSTGRES_URL").is_err() {
        eprintln!(
            "two instances need PostgreSQL (TEST_POSTGRES_URL); the SQLite setup is one instance"
        );
        return;
    }
    let (url, _dir) = fresh_database().await;
    let (mut a, base_a) = start_server(&url);
    let (mut b, base_b) = start_server(&url);
    let c = Client::new();
    let post = reqwest::Method::POST;
    let admin = server_admin_token(&c, &base_b).await;
    let def = json!({"name": "双实例解锁", "time_limit_minutes": 30, "pass_line": 1,
        "blueprint": {"sections": [{"cells": [{"bank": "VID", "kind": "single", "count": 5, "points": 1}]}]}});
    let session = SessionFixture::new(def)
        .session(json!({"name": "双实例解锁场", "rooms": [{"name": "第一考场", "seats": 10}]}))
        .open(-60, 3600)
        .candidates_named(&["考生乙"], "19880808", 902)
        .create(&c, &base_b, &admin)
        .await;
    let sid = session.id;
    let cand = &session.candidates[0];
    let idn = cand.id_number.clone();
    let login_on_a = |id: String| {
        let c = c.clone();
        let url = format!("{base_a}/api/candidate/login");
        let ticket = cand.ticket.clone();
        async move {
            c.post(url)
                .json(&json!({"ticket": ticket, "id_number": id}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Failed logins on A make the ticket wait there.
    for _ in 0..5 {
        login_on_a(id_number("19900101", 7)).await;
    }
    assert_eq!(login_on_a(idn.clone()).await, StatusCode::TOO_MANY_REQUESTS);
    // The proctor unlocks on B; A hears of it through NOTIFY.
    let roster = c
        .get(format!("{base_b}/api/sessions/{sid}/candidates"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let cid = roster[0]["id"].clone();
    assert_eq!(roster[0]["ticket"], cand.ticket.as_str());
    call(
        &c,
        post.clone(),
        format!("{base_b}/api/sessions/{sid}/candidates/{cid}/unlock"),
        Some(&admin),
        json!({"reason": "双实例测试"}),
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let status = login_on_a(idn.clone()).await;
        if status == StatusCode::OK {
            break;
        }
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(Instant::now() < deadline, "A never heard of the unlock");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    a.kill().ok();
    b.kill().ok();
    a.wait().ok();
    b.wait().ok();
}
