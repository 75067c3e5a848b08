//! The scoreboard (成绩大屏): the public board by competition code before and after decryption
//! and publication, the freeze (every public route answers the snapshot's bytes, whatever
//! happens after), the award ceremony reveal step by step, and who may run them.

use crate::support::{FULL, LOW, ScoredCompetition, error_code};
use reqwest::{Response, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::time::Duration;

const BOARD: &str = "/api/board/PACS26";

async fn competition_id(c: &ScoredCompetition) -> i32 {
    c.db.query_one_raw(sea_orm::Statement::from_string(
        c.db.get_database_backend(),
        "SELECT id FROM competitions WHERE code = 'PACS26'",
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get("", "id")
    .unwrap()
}

/// Stands in for 二次加密: the marking codes are final from now.
async fn codes_final(c: &ScoredCompetition) {
    c.db.execute_unprepared(&format!(
        "UPDATE practical_parts SET codes_final_at = CURRENT_TIMESTAMP WHERE session_id = {}",
        c.e.session
    ))
    .await
    .unwrap();
}

async fn sign_off(c: &ScoredCompetition, t: usize) {
    let r =
        c.e.app
            .post_json(
                c.e.judge(0),
                &format!("/api/judging/tasks/{}/sign-off", c.e.tasks[t]),
                &json!({}),
            )
            .await;
    assert_eq!(r.status(), StatusCode::OK, "sign-off {t}");
}

/// The public board, no login: status, body bytes, headers.
async fn public(c: &ScoredCompetition) -> (StatusCode, Vec<u8>, reqwest::header::HeaderMap) {
    let r = reqwest::get(c.e.app.url(BOARD)).await.unwrap();
    let (s, h) = (r.status(), r.headers().clone());
    (s, r.bytes().await.unwrap().to_vec(), h)
}

async fn board(c: &ScoredCompetition) -> Value {
    let (s, body, _) = public(c).await;
    assert_eq!(s, StatusCode::OK);
    serde_json::from_slice(&body).unwrap()
}

async fn publish(c: &ScoredCompetition, what: &str) {
    let body = if what == "provisional" {
        json!({"appeal_window_minutes": 0})
    } else {
        json!({})
    };
    let r =
        c.e.app
            .post_json(
                &c.e.admin,
                &c.url(&format!(
                    "/events/{}/results/{what}?group={}",
                    c.event, c.group
                )),
                &body,
            )
            .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{what}");
}

async fn admin_post(c: &ScoredCompetition, path: &str) -> Response {
    c.e.app.post_json(&c.e.admin, path, &json!({})).await
}

async fn freeze_now(c: &ScoredCompetition, cid: i32) {
    let r =
        c.e.app
            .put_json(
                &c.e.admin,
                &format!("/api/competitions/{cid}/board/freeze"),
                &json!({"freeze_at": chrono::Utc::now()}),
            )
            .await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// Candidate 0 full marks, candidate 1 low, on both tasks.
async fn mark_both(c: &ScoredCompetition) {
    for t in 0..2 {
        c.mark(t, 0, &FULL).await;
        c.mark(t, 1, &LOW).await;
    }
}

fn labels(b: &Value) -> Vec<String> {
    b["sections"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_public_board_shows_codes_with_locked_task_scores_and_names_only_once_published() {
    let c = ScoredCompetition::create(2, &["modules"]).await;
    // Before the marking codes are final (the 检录号 is still on the door slips): nothing.
    let b = board(&c).await;
    assert_eq!(b["code"], "PACS26");
    assert_eq!(b["phase"], "live");
    assert_eq!(b["sections"][0]["source"], "waiting");
    assert_eq!(b["sections"][0]["rows"], json!([]));
    codes_final(&c).await;
    mark_both(&c).await;
    // Marks in but nothing locked: codes, no score at all.
    let b = board(&c).await;
    assert_eq!(b["sections"][0]["source"], "codes");
    let rows = b["sections"][0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["total"].is_null()));
    assert!(rows.iter().all(|r| r["scores"] == json!([null, null])));
    // The first task locked: its scores by code, the second still hidden.
    sign_off(&c, 0).await;
    let b = board(&c).await;
    assert_eq!(labels(&b), [c.e.code(0), c.e.code(1)]);
    assert_eq!(b["sections"][0]["rows"][0]["scores"], json!([100.0, null]));
    assert_eq!(b["sections"][0]["rows"][1]["scores"], json!([60.0, null]));
    assert_eq!(b["sections"][0]["rows"][0]["rank"], 1);
    // Decrypted but not published: still codes; no name, employer or number anywhere.
    sign_off(&c, 1).await;
    c.decrypt().await;
    let (_, body, _) = public(&c).await;
    let text = String::from_utf8(body).unwrap();
    for leak in ["选手", "示例单位", "PACS26-AZ"] {
        assert!(
            !text.contains(leak),
            "{leak} on the board before publication"
        );
    }
    // Published: names and totals as published.
    publish(&c, "provisional").await;
    let b = board(&c).await;
    assert_eq!(b["sections"][0]["source"], "provisional");
    assert_eq!(labels(&b), ["选手0", "选手1"]);
    assert_eq!(b["sections"][0]["rows"][0]["key"], "n:PACS26-AZ0001");
    assert_eq!(b["sections"][0]["rows"][0]["organisation"], "示例单位0");
    publish(&c, "final").await;
    assert_eq!(board(&c).await["sections"][0]["source"], "final");
    // An unknown code is 404.
    let r = reqwest::get(c.e.app.url("/api/board/NOPE99"))
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "competition_not_found".into())
    );
}

async fn gzipped(c: &ScoredCompetition) -> (Option<reqwest::header::HeaderValue>, Vec<u8>) {
    let r =
        c.e.app
            .client
            .get(c.e.app.url(BOARD))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
    let len = r.headers().get("content-length").cloned();
    (len, r.bytes().await.unwrap().to_vec())
}

/// The raw SSE bytes up to the end of the first event.
async fn first_event(r: &mut Response) -> String {
    let mut buf = String::new();
    while !buf.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), r.chunk())
            .await
            .expect("an event")
            .unwrap()
            .expect("open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
    buf
}

fn sse_parts(event: &str) -> (String, String) {
    let id = event
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap()
        .to_string();
    let data = event
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .unwrap()
        .to_string();
    (id, data)
}

#[tokio::test]
async fn while_frozen_every_public_route_answers_the_snapshot_byte_for_byte() {
    let c = ScoredCompetition::create(2, &["modules"]).await;
    let cid = competition_id(&c).await;
    let app = &c.e.app;
    codes_final(&c).await;
    mark_both(&c).await;
    sign_off(&c, 0).await;
    let live_url = app.url(&format!("{BOARD}/live"));
    let mut before = reqwest::get(&live_url).await.unwrap();
    first_event(&mut before).await;
    freeze_now(&c, cid).await;
    let (_, snapshot, h) = public(&c).await;
    let tag = h["etag"].to_str().unwrap().to_string();
    let snap: Value = serde_json::from_slice(&snapshot).unwrap();
    assert_eq!(snap["phase"], "frozen");
    assert_eq!(
        snap["sections"][0]["rows"][0]["scores"],
        json!([100.0, null])
    );
    assert!(h.get("last-modified").is_none());
    // The viewer who was watching gets the snapshot, once.
    let frozen_event = first_event(&mut before).await;
    assert_eq!(sse_parts(&frozen_event).1.as_bytes(), &snapshot[..]);

    // After the freeze: the second task locked, decryption, provisional and final results.
    sign_off(&c, 1).await;
    c.decrypt().await;
    publish(&c, "provisional").await;
    publish(&c, "final").await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // JSON: the same bytes, tag and length.
    let (s, body, h2) = public(&c).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body, snapshot);
    assert_eq!(h2["etag"].to_str().unwrap(), tag);
    assert_eq!(h2["content-length"], h["content-length"]);
    // HEAD: the same tag and length.
    let r = app.client.head(app.url(BOARD)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"].to_str().unwrap(), tag);
    assert_eq!(r.headers()["content-length"], h["content-length"]);
    assert!(r.headers().get("last-modified").is_none());
    // If-None-Match with the snapshot's tag: nothing newer to send.
    let r = app
        .client
        .get(app.url(BOARD))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    // With gzip the compressed bytes are the same too.
    assert_eq!(gzipped(&c).await, gzipped(&c).await);
    // A new viewer's first event: the snapshot, its tag as the event id.
    let mut after = reqwest::get(&live_url).await.unwrap();
    let (id, data) = sse_parts(&first_event(&mut after).await);
    assert_eq!(data.as_bytes(), &snapshot[..]);
    assert_eq!(format!("\"{id}\""), tag);
    // The viewer from before the freeze got nothing since (not even a repeat).
    let more = tokio::time::timeout(Duration::from_millis(1500), before.chunk()).await;
    assert!(more.is_err(), "nothing may reach a viewer while frozen");

    // Staff still see the live board in the console.
    let v = app
        .get_json(&c.e.admin, &format!("/api/competitions/{cid}/board"))
        .await;
    assert_eq!(v["live"]["sections"][0]["source"], "final");
    assert_eq!(v["live"]["sections"][0]["rows"][0]["label"], "选手0");
    assert_eq!(v["public"]["phase"], "frozen");
    assert!(v["snapshot_taken_at"].is_string());
    // A second freeze time is refused while frozen.
    let r = app
        .put_json(
            &c.e.admin,
            &format!("/api/competitions/{cid}/board/freeze"),
            &json!({"freeze_at": chrono::Utc::now()}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "board_frozen".into())
    );
    // Lifting the freeze shows the live results again.
    let r = app
        .client
        .delete(app.url(&format!("/api/competitions/{cid}/board/freeze")))
        .bearer_auth(&c.e.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(board(&c).await["sections"][0]["source"], "final");
}

#[tokio::test]
async fn a_snapshot_taken_late_holds_the_board_as_of_the_freeze_time() {
    let c = ScoredCompetition::create(2, &["modules"]).await;
    let cid = competition_id(&c).await;
    codes_final(&c).await;
    mark_both(&c).await;
    let freeze_at = chrono::Utc::now();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Locked after the freeze time, before any snapshot exists (a timer that has not run yet).
    sign_off(&c, 0).await;
    let backend = c.db.get_database_backend();
    c.db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        if backend == sea_orm::DbBackend::Postgres {
            "INSERT INTO competition_boards (competition_id, freeze_at, reveal_step, updated_at) VALUES ($1, $2, 0, $2)"
        } else {
            "INSERT INTO competition_boards (competition_id, freeze_at, reveal_step, updated_at) VALUES (?, ?, 0, ?)"
        },
        if backend == sea_orm::DbBackend::Postgres {
            vec![cid.into(), freeze_at.into()]
        } else {
            vec![cid.into(), freeze_at.into(), freeze_at.into()]
        },
    ))
    .await
    .unwrap();
    let b = board(&c).await;
    assert_eq!(b["phase"], "frozen");
    assert!(
        b["sections"][0]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["scores"] == json!([null, null]))
    );
    // A freeze time to come: live until then, frozen from then on by the timer.
    let c2 = ScoredCompetition::create(1, &["modules"]).await;
    let cid2 = competition_id(&c2).await;
    let r =
        c2.e.app
            .put_json(
                &c2.e.admin,
                &format!("/api/competitions/{cid2}/board/freeze"),
                &json!({"freeze_at": chrono::Utc::now() + chrono::Duration::seconds(2)}),
            )
            .await;
    assert_eq!(r.status(), StatusCode::OK);
    let b = board(&c2).await;
    assert_eq!(b["phase"], "live");
    assert!(b["freeze_at"].is_string());
    tokio::time::sleep(Duration::from_millis(3000)).await;
    let v =
        c2.e.app
            .get_json(&c2.e.admin, &format!("/api/competitions/{cid2}/board"))
            .await;
    assert!(v["snapshot_taken_at"].is_string(), "the timer took it");
    assert_eq!(v["public"]["phase"], "frozen");
}

#[tokio::test]
async fn the_reveal_plays_the_frozen_board_up_to_the_final_results_one_step_at_a_time() {
    let c = ScoredCompetition::create(3, &["modules"]).await;
    let cid = competition_id(&c).await;
    let base = format!("/api/competitions/{cid}/board");
    codes_final(&c).await;
    for t in 0..2 {
        c.mark(t, 0, &LOW).await;
        c.mark(t, 1, &FULL).await;
        c.mark(t, 2, &LOW).await;
    }
    c.lock().await;
    // Nothing to reveal from before a freeze.
    let r = admin_post(&c, &format!("{base}/reveal")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "board_not_frozen".into())
    );
    freeze_now(&c, cid).await;
    c.decrypt().await;
    publish(&c, "provisional").await;
    // Not before the final results.
    let r = admin_post(&c, &format!("{base}/reveal")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "reveal_not_ready".into())
    );
    let r = admin_post(&c, &format!("{base}/reveal/next")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "reveal_not_started".into())
    );
    publish(&c, "final").await;
    let r = admin_post(&c, &format!("{base}/reveal")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let p: Value = r.json().await.unwrap();
    assert_eq!(
        (p["step"].as_u64(), p["steps"].as_u64()),
        (Some(0), Some(3))
    );
    let b = board(&c).await;
    assert_eq!(b["phase"], "reveal");
    // Still the frozen codes, and nothing says whose they are.
    assert_eq!(b["sections"][0]["rows"].as_array().unwrap().len(), 3);
    assert!(
        b["sections"][0]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["key"].as_str().unwrap().starts_with("c:"))
    );
    // From the bottom up: 选手2 and 选手0 share second place (LOW), 选手1 is first.
    let mut seen = vec![];
    for step in 1..=3u64 {
        let r = admin_post(&c, &format!("{base}/reveal/next")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["step"].as_u64(), Some(step));
        let b = board(&c).await;
        assert_eq!(b["reveal"]["step"].as_u64(), Some(step));
        let cur = &b["reveal"]["current"];
        seen.push(cur["row"]["label"].as_str().unwrap().to_string());
        // The code it replaces was that contestant's.
        let i: usize = cur["row"]["label"].as_str().unwrap()[6..].parse().unwrap();
        assert_eq!(cur["replaces"], json!([format!("c:{}", c.e.code(i))]));
        let rows = b["sections"][0]["rows"].as_array().unwrap();
        let revealed = rows.iter().filter(|r| r["revealed"] == true).count();
        assert_eq!(revealed as u64, step);
        // Revealed lines are at the bottom, in final order.
        assert!(
            rows[3 - step as usize..]
                .iter()
                .all(|r| r["revealed"] == true)
        );
    }
    assert_eq!(seen.last().unwrap(), "选手1");
    let r = admin_post(&c, &format!("{base}/reveal/next")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "reveal_done".into())
    );
    // The end unfreezes: the final results, live.
    let r = admin_post(&c, &format!("{base}/reveal/end")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let b = board(&c).await;
    assert_eq!(b["phase"], "live");
    assert_eq!(b["sections"][0]["source"], "final");
    assert_eq!(labels(&b)[0], "选手1");
    let r = admin_post(&c, &format!("{base}/reveal/end")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "reveal_not_started".into())
    );
}

#[tokio::test]
async fn only_admins_set_the_freeze_and_run_the_reveal() {
    let c = ScoredCompetition::create(1, &["modules"]).await;
    let cid = competition_id(&c).await;
    let app = &c.e.app;
    let author = app.user_with_roles("board-author", &["author"]).await;
    let base = format!("/api/competitions/{cid}/board");
    for token in [c.e.judge(0), author.as_str()] {
        let r = app
            .put_json(
                token,
                &format!("{base}/freeze"),
                &json!({"freeze_at": chrono::Utc::now()}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        for path in ["reveal", "reveal/next", "reveal/end"] {
            let r = app
                .post_json(token, &format!("{base}/{path}"), &json!({}))
                .await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(app.get(token, &base).await.status(), StatusCode::FORBIDDEN);
    }
    let r = app
        .client
        .put(app.url(&format!("{base}/freeze")))
        .json(&json!({"freeze_at": chrono::Utc::now()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Nothing changed: the public board is still live.
    assert_eq!(board(&c).await["phase"], "live");
    // A competition that does not exist.
    let r = app.get(&c.e.admin, "/api/competitions/999999/board").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "competition_not_found".into())
    );
}
