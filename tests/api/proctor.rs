//! Live proctoring over HTTP: the room view and its live stream, proctor actions reaching the
//! tablet, incidents, the session report, who may watch, and two instances on one PostgreSQL.

use crate::support::{
    Candidate, SessionFixture, Sitting, Sse, TestApp, client_from, error_code, id_number,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// An app with the shipped banks, a session open now in two rooms (the first watched by
/// `proctor_ids`) and `n` candidates seated in the first.
async fn room(n: u32, proctor_ids: &[i64]) -> Sitting {
    let app = TestApp::spawn_with_banks().await;
    room_on(app, n, proctor_ids).await
}

async fn room_on(app: TestApp, n: u32, proctor_ids: &[i64]) -> Sitting {
    let def = json!({"name": "监考测试", "time_limit_minutes": 60, "pass_line": 5, "release": "at_submit",
        "blueprint": {"sections": [{"cells": [{"bank": "LAW", "kind": "single", "count": 10, "points": 1}]}]}});
    SessionFixture::new(def)
        .session(json!({"name": "监考测试场",
            "rooms": [{"name": "第一考场", "seats": 40, "proctors": proctor_ids}, {"name": "第二考场", "seats": 40}]}))
        .open(-5 * 60, 2 * 3600)
        .candidates(n, "19900101", 300)
        .in_room("第一考场")
        .sit(app)
        .await
}

/// Logs candidate `i` in: (token, attempt id).
async fn login(r: &Sitting, i: usize) -> (String, i64) {
    let (token, attempt, _) = r.login(i).await;
    (token, attempt)
}

#[tokio::test]
async fn the_room_view_shows_each_candidate_and_a_focus_loss_arrives_live_within_a_second() {
    let r = room(3, &[]).await;
    let (token, attempt) = login(&r, 0).await;
    let snapshot = r
        .app
        .get_json(&r.admin, &format!("/api/sessions/{}/room", r.session_id))
        .await;
    let tiles = snapshot["tiles"].as_array().unwrap();
    assert_eq!(tiles.len(), 3);
    let me = tiles.iter().find(|t| t["attempt_id"] == attempt).unwrap();
    assert_eq!(me["state"], "in_progress");
    assert_eq!(me["total"], 10);
    assert!(me["remaining_seconds"].as_i64().unwrap() > 3500);
    assert_eq!(
        tiles.iter().filter(|t| t["state"] == "not_started").count(),
        2
    );
    assert_eq!(snapshot["totals"]["by_state"]["not_started"], 2);

    let mut live = Sse::open(&r.app.url(&format!(
        "/api/sessions/{}/live?access_token={}",
        r.session_id, r.admin
    )))
    .await;
    let (name, first) = live.next(Duration::from_secs(5)).await;
    assert_eq!(name, "snapshot");
    assert_eq!(first["tiles"].as_array().unwrap().len(), 3);
    let sent = Instant::now();
    let e = r
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/events"),
            &json!({"events": [{"kind": "window_blur"}, {"kind": "fullscreen_exit"}]}),
        )
        .await;
    assert_eq!(e.status(), StatusCode::OK);
    let t = live
        .tile_where(attempt, Duration::from_secs(3), |t| t["focus_losses"] == 1)
        .await;
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "delivered in {:?}",
        sent.elapsed()
    );
    assert_eq!(t["fullscreen_exits"], 1);

    // A second candidate starting shows up too.
    let (_, second) = login(&r, 1).await;
    live.tile_where(second, Duration::from_secs(3), |t| {
        t["state"] == "in_progress"
    })
    .await;
}

#[tokio::test]
async fn a_room_wide_pause_stops_every_clock_and_reaches_the_tablet_at_once() {
    let r = room(2, &[]).await;
    let (t0, a0) = login(&r, 0).await;
    let (_, a1) = login(&r, 1).await;
    let mut tablet = Sse::open(
        &r.app
            .url(&format!("/api/attempts/{a0}/live?access_token={t0}")),
    )
    .await;
    let (name, state) = tablet.next(Duration::from_secs(5)).await;
    assert_eq!(
        (name.as_str(), state["status"].as_str()),
        ("state", Some("in_progress"))
    );

    let rooms = r
        .app
        .get_json(&r.admin, &format!("/api/sessions/{}", r.session_id))
        .await;
    let room_id = rooms["rooms"][0]["id"].clone();
    let sent = Instant::now();
    let rep = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/pause", r.session_id),
            &json!({"room_id": room_id, "reason": "停电"}),
        )
        .await;
    assert_eq!(rep.status(), StatusCode::OK);
    let rep: Value = rep.json().await.unwrap();
    assert_eq!(rep["changed"].as_array().unwrap().len(), 2, "{rep}");
    let (name, state) = tablet.next(Duration::from_secs(2)).await;
    assert!(sent.elapsed() < Duration::from_secs(1));
    assert_eq!(
        (name.as_str(), state["status"].as_str()),
        ("state", Some("paused"))
    );
    let left = state["remaining_seconds"].as_i64().unwrap();

    // Pausing again skips them (already paused); resuming and extending the room move the time.
    let rep: Value = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/pause", r.session_id),
            &json!({"reason": "再次暂停"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rep["skipped"].as_array().unwrap().len(), 2);
    r.app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/resume", r.session_id),
            &json!({}),
        )
        .await;
    let (_, state) = tablet.next(Duration::from_secs(2)).await;
    assert_eq!(state["status"], "in_progress");
    let rep = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/extend", r.session_id),
            &json!({"minutes": 5, "reason": "补时"}),
        )
        .await;
    assert_eq!(rep.status(), StatusCode::OK);
    let (_, state) = tablet.next(Duration::from_secs(2)).await;
    let now_left = state["remaining_seconds"].as_i64().unwrap();
    assert!(
        (left + 295..=left + 300).contains(&now_left),
        "{left} + 300 ≈ {now_left}"
    );
    let tiles = r
        .app
        .get_json(&r.admin, &format!("/api/sessions/{}/room", r.session_id))
        .await;
    assert!(
        tiles["tiles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["remaining_seconds"].as_i64().unwrap() > 3500)
    );
    let _ = a1;
}

#[tokio::test]
async fn force_submit_terminate_and_releasing_a_device_take_effect_and_are_refused_once_submitted()
{
    let r = room(3, &[]).await;
    let (t0, a0) = login(&r, 0).await;
    let (_, a1) = login(&r, 1).await;
    let (t2, a2) = login(&r, 2).await;

    let done: Value = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/attempts/{a0}/force-submit"),
            &json!({"reason": "考生提前离场"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["submitted_by"], "staff");
    let s = r.app.get_json(&t0, &format!("/api/attempts/{a0}")).await;
    assert_eq!(s["status"], "submitted");
    let again = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/attempts/{a0}/force-submit"),
            &json!({}),
        )
        .await;
    assert_eq!(
        error_code(again).await,
        (StatusCode::CONFLICT, "attempt_submitted".into())
    );
    let again = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/attempts/{a0}/pause"),
            &json!({"reason": "再次暂停"}),
        )
        .await;
    assert_eq!(
        error_code(again).await,
        (StatusCode::CONFLICT, "attempt_submitted".into())
    );

    let no_reason = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/attempts/{a1}/terminate"),
            &json!({"reason": " "}),
        )
        .await;
    assert_eq!(
        error_code(no_reason).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required".into())
    );
    let t = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/attempts/{a1}/terminate"),
            &json!({"reason": "使用手机查阅资料"}),
        )
        .await;
    assert_eq!(t.status(), StatusCode::OK);

    let rel = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/attempts/{a2}/release-device"),
            &json!({"reason": "平板故障"}),
        )
        .await;
    assert_eq!(rel.status(), StatusCode::NO_CONTENT);
    let old = r.app.get(&t2, &format!("/api/attempts/{a2}")).await;
    assert_eq!(
        error_code(old).await,
        (StatusCode::UNAUTHORIZED, "taken_over".into())
    );
    let (_, again) = login(&r, 2).await;
    assert_eq!(
        again, a2,
        "the candidate continues the same attempt on the new tablet"
    );

    let view = r
        .app
        .get_json(&r.admin, &format!("/api/sessions/{}/room", r.session_id))
        .await;
    let state_of = |a: i64| {
        view["tiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["attempt_id"] == a)
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(state_of(a0), "submitted");
    assert_eq!(state_of(a1), "terminated");
    let tile = view["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["attempt_id"] == a1)
        .unwrap()
        .clone();
    assert_eq!(tile["incidents"], 1, "the misconduct is an open incident");

    let results = r
        .app
        .get_json(&r.admin, &format!("/api/sessions/{}/results", r.session_id))
        .await;
    let row = results["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["attempt_id"] == a1)
        .unwrap()
        .clone();
    assert_eq!(row["status"], "terminated");
    assert_eq!(row["passed"], false);
    assert!(row["rank"].is_null());

    let audit = r
        .app
        .get_json(&r.admin, "/api/audit?target_type=attempt")
        .await;
    let actions: Vec<String> = audit
        .as_array()
        .or(audit["items"].as_array())
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    for a in [
        "attempt.force_submit",
        "attempt.terminate",
        "attempt.release_device",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn incidents_check_ins_and_the_session_report_record_the_sitting() {
    let r = room(2, &[]).await;
    let (token, attempt) = login(&r, 0).await;
    r.app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/events"),
            &json!({"events": [{"kind": "page_hidden"}]}),
        )
        .await;
    let view = r
        .app
        .get_json(&r.admin, &format!("/api/sessions/{}/room", r.session_id))
        .await;
    let cand = view["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["attempt_id"] == attempt)
        .unwrap()["candidate_id"]
        .clone();
    let c = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/candidates/{cand}/check-in", r.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(c.status(), StatusCode::NO_CONTENT);
    let bad = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/candidates/999999/check-in", r.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(error_code(bad).await.0, StatusCode::NOT_FOUND);
    let n = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/incidents", r.session_id),
            &json!({"candidate_id": cand, "text": "考生多次回头张望"}),
        )
        .await;
    assert_eq!(n.status(), StatusCode::CREATED);
    let incident = n.json::<Value>().await.unwrap()["id"].clone();
    let n = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/incidents", r.session_id),
            &json!({"text": "空调故障，考场温度偏高"}),
        )
        .await;
    assert_eq!(n.status(), StatusCode::CREATED);
    let empty = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/incidents", r.session_id),
            &json!({"text": ""}),
        )
        .await;
    assert_eq!(
        error_code(empty).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required".into())
    );

    let view = r
        .app
        .get_json(&r.admin, &format!("/api/sessions/{}/room", r.session_id))
        .await;
    let tile = view["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["candidate_id"] == cand)
        .unwrap()
        .clone();
    assert_eq!(
        (
            tile["checked_in"].as_bool(),
            tile["incidents"].as_i64(),
            tile["focus_losses"].as_i64()
        ),
        (Some(true), Some(1), Some(1))
    );
    let close = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/incidents/{incident}/close", r.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(close.status(), StatusCode::NO_CONTENT);
    let list = r
        .app
        .get_json(
            &r.admin,
            &format!("/api/sessions/{}/incidents", r.session_id),
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["open"], false);

    let csv = r
        .app
        .get(&r.admin, &format!("/api/sessions/{}/report", r.session_id))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    for expected in [
        "准考证号",
        "汇总",
        "开始作答",
        "切出页面",
        "考生多次回头张望",
        "空调故障",
    ] {
        assert!(
            text.contains(expected),
            "the report has {expected}:\n{text}"
        );
    }
}

#[tokio::test]
async fn only_the_sessions_proctors_may_watch_or_act_and_a_candidate_token_opens_no_room() {
    let app = TestApp::spawn_with_banks().await;
    let admin = app.admin().await;
    let mine = app.user_with_roles("proctor_a", &["proctor"]).await;
    let other = app.user_with_roles("proctor_b", &["proctor"]).await;
    let users = app.get_json(&admin, "/api/users").await;
    let id_of = |name: &str| {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let r = room_on(app, 1, &[id_of("proctor_a")]).await;
    let (token, attempt) = login(&r, 0).await;
    let s = r.session_id;
    assert_eq!(
        r.app
            .get(&mine, &format!("/api/sessions/{s}/room"))
            .await
            .status(),
        StatusCode::OK
    );
    for (path, body) in [
        (format!("/api/sessions/{s}/pause"), json!({})),
        (format!("/api/attempts/{attempt}/force-submit"), json!({})),
        (format!("/api/sessions/{s}/incidents"), json!({"text": "x"})),
    ] {
        let res = r.app.post_json(&other, &path, &body).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        r.app
            .get(&other, &format!("/api/sessions/{s}/room"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let live = reqwest::get(
        r.app
            .url(&format!("/api/sessions/{s}/live?access_token={other}")),
    )
    .await
    .unwrap();
    assert_eq!(live.status(), StatusCode::FORBIDDEN);
    let live = reqwest::get(
        r.app
            .url(&format!("/api/sessions/{s}/live?access_token={token}")),
    )
    .await
    .unwrap();
    assert_eq!(
        error_code(live).await,
        (StatusCode::UNAUTHORIZED, "invalid_token".into())
    );
    let live = reqwest::get(r.app.url(&format!("/api/sessions/{s}/live")))
        .await
        .unwrap();
    assert_eq!(
        error_code(live).await,
        (StatusCode::UNAUTHORIZED, "missing_token".into())
    );
    let tablet = reqwest::get(r.app.url(&format!(
        "/api/attempts/{attempt}/live?access_token={}",
        r.admin
    )))
    .await
    .unwrap();
    assert_eq!(
        tablet.status(),
        StatusCode::UNAUTHORIZED,
        "a staff token is no candidate token"
    );
    assert_eq!(
        r.app
            .post_json(
                &mine,
                &format!("/api/attempts/{attempt}/force-submit"),
                &json!({})
            )
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_session_report_also_comes_as_a_pdf_in_chinese() {
    let r = room(1, &[]).await;
    let (token, attempt) = login(&r, 0).await;
    r.app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/events"),
            &json!({"events": [{"kind": "fullscreen_exit"}]}),
        )
        .await;
    r.app
        .post_json(
            &r.admin,
            &format!("/api/attempts/{attempt}/pause"),
            &json!({"reason": "停电"}),
        )
        .await;
    let pdf = r
        .app
        .get(
            &r.admin,
            &format!("/api/sessions/{}/report?format=pdf", r.session_id),
        )
        .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    // pdftotext (poppler-utils, installed by .ci/run) gives the Chinese back when present.
    if let Ok(dir) = tempfile::tempdir() {
        let file = dir.path().join("report.pdf");
        std::fs::write(&file, &bytes).unwrap();
        match std::process::Command::new("pdftotext")
            .arg(&file)
            .arg("-")
            .output()
        {
            Ok(out) => {
                let text = String::from_utf8_lossy(&out.stdout);
                for expected in ["考场报告", "考生0", "退出全屏", "监考暂停", "停电"]
                {
                    assert!(
                        text.contains(expected),
                        "{expected} in the PDF text:\n{text}"
                    );
                }
            }
            Err(_) => assert!(std::env::var("CI").is_err(), "pdftotext is missing in CI"),
        }
    }
    let bad = r
        .app
        .get(
            &r.admin,
            &format!("/api/sessions/{}/report?format=doc", r.session_id),
        )
        .await;
    assert_eq!(
        error_code(bad).await,
        (StatusCode::BAD_REQUEST, "unknown_format".into())
    );
}

#[tokio::test]
async fn a_proctor_of_the_session_or_an_admin_unlocks_a_candidate_whose_ticket_waits() {
    let app = TestApp::spawn_with_banks().await;
    let admin = app.admin().await;
    let mine = app.user_with_roles("proctor_a", &["proctor"]).await;
    let other = app.user_with_roles("proctor_b", &["proctor"]).await;
    let author = app.user_with_roles("author_c", &["author"]).await;
    let me = app.get_json(&mine, "/api/auth/me").await["id"]
        .as_i64()
        .unwrap();
    let r = room_on(app, 2, &[me]).await;
    let s = r.session_id;
    let Candidate {
        ticket,
        id_number: idn,
    } = r.candidates[0].clone();
    let roster = r
        .app
        .get_json(&r.admin, &format!("/api/sessions/{s}/candidates"))
        .await;
    let cand = roster
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["ticket"] == ticket.as_str())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    // A guesser behind the venue's own address makes the ticket wait there.
    let venue = client_from("127.0.0.5");
    let try_login = |id: String| {
        let venue = venue.clone();
        let url = r.app.url("/api/candidate/login");
        let ticket = ticket.clone();
        async move {
            venue
                .post(url)
                .json(&json!({"ticket": ticket, "id_number": id}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..5 {
        assert_eq!(
            try_login(id_number("19900101", 7)).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(try_login(idn.clone()).await, StatusCode::TOO_MANY_REQUESTS);

    let path = format!("/api/sessions/{s}/candidates/{cand}/unlock");
    let body = json!({"reason": "考生本人在场，核对身份证后解锁"});
    for (who, token) in [("an unassigned proctor", &other), ("an author", &author)] {
        let res = r.app.post_json(token, &path, &body).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let res = r
        .app
        .post_json(
            &mine,
            &format!("/api/sessions/{s}/candidates/999999/unlock"),
            &body,
        )
        .await;
    assert_eq!(
        error_code(res).await,
        (StatusCode::NOT_FOUND, "candidate_not_found".into())
    );
    let res = r.app.post_json(&mine, &path, &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["cleared"], 1);
    assert_eq!(try_login(idn.clone()).await, StatusCode::OK);

    // An admin may unlock too; the audit log says who unlocked whom and why.
    let res = r.app.post_json(&r.admin, &path, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let log = r
        .app
        .get_json(&admin, "/api/audit?target_type=candidate")
        .await;
    let unlocks: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "candidate.unlock_login")
        .collect();
    assert_eq!(unlocks.len(), 2);
    assert!(
        unlocks
            .iter()
            .any(|e| e["actor"] == "proctor_a" && e["detail"]["ticket"] == ticket.as_str())
    );
}

#[tokio::test]
async fn a_token_holds_at_most_four_live_streams_and_a_fifth_closes_the_oldest() {
    let r = room(1, &[]).await;
    let (token, attempt) = login(&r, 0).await;
    for (what, url) in [
        (
            "tablet",
            r.app.url(&format!(
                "/api/attempts/{attempt}/live?access_token={token}"
            )),
        ),
        (
            "room view",
            r.app.url(&format!(
                "/api/sessions/{}/live?access_token={}",
                r.session_id, r.admin
            )),
        ),
    ] {
        let mut streams = vec![];
        for _ in 0..4 {
            let mut s = Sse::open(&url).await;
            s.next(Duration::from_secs(5)).await;
            streams.push(s);
        }
        for s in &mut streams {
            assert!(
                !s.ends_within(Duration::from_millis(300)).await,
                "{what}: four streams stay open"
            );
        }
        let mut fifth = Sse::open(&url).await;
        fifth.next(Duration::from_secs(5)).await;
        assert!(
            streams[0].ends_within(Duration::from_secs(2)).await,
            "{what}: the oldest stream is closed"
        );
        for s in &mut streams[1..] {
            assert!(!s.ends_within(Duration::from_millis(200)).await, "{what}");
        }
        assert!(
            !fifth.ends_within(Duration::from_millis(200)).await,
            "{what}"
        );
    }
}
