//! The candidate's tablet on exam day (issue 12): a pause needs a reason and the tablet sees it;
//! extra time reaches the tablet as minutes given; flags and the current question follow the
//! candidate to a new tablet; an outage is stamped with the tablet's own times and its length
//! shows in the session report, which has no JSON and no English in Chinese (and the other way
//! round); a session not yet open says when it opens; the app has an icon.

use crate::support::{SessionFixture, Sitting, Sse, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

async fn room(n: u32, opens_in_s: i64) -> Sitting {
    let app = TestApp::spawn_with_banks().await;
    let def = json!({"name": "平板测试", "time_limit_minutes": 60, "pass_line": 5, "release": "at_submit",
        "blueprint": {"sections": [{"cells": [{"bank": "LAW", "kind": "single", "count": 10, "points": 1}]}]}});
    SessionFixture::new(def)
        .session(json!({"name": "平板测试场", "rooms": [{"name": "第一考场", "seats": 40}]}))
        .open(opens_in_s, 2 * 3600)
        .candidates(n, "19900101", 500)
        .in_room("第一考场")
        .sit(app)
        .await
}

#[tokio::test]
async fn a_pause_without_a_reason_is_refused_and_a_paused_tablet_is_told_the_reason() {
    let r = room(1, -60).await;
    let (token, attempt, _) = r.login(0).await;
    for (path, body) in [
        (format!("/api/attempts/{attempt}/pause"), json!({})),
        (
            format!("/api/attempts/{attempt}/pause"),
            json!({"reason": "  "}),
        ),
        (format!("/api/sessions/{}/pause", r.session_id), json!({})),
    ] {
        let res = r.app.post_json(&r.admin, &path, &body).await;
        assert_eq!(
            error_code(res).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "reason_required".into()),
            "{path} {body}"
        );
    }
    let state = r
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(
        state["status"], "in_progress",
        "a refused pause changes nothing"
    );
    assert_eq!(state["pause_reason"], Value::Null);

    let mut tablet = Sse::open(&r.app.url(&format!(
        "/api/attempts/{attempt}/live?access_token={token}"
    )))
    .await;
    let (_, first) = tablet.next(Duration::from_secs(5)).await;
    assert_eq!(first["pause_reason"], Value::Null);
    let res = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/pause", r.session_id),
            &json!({"reason": "考场停电，请稍候"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (name, live) = tablet.next(Duration::from_secs(3)).await;
    assert_eq!(
        (
            name.as_str(),
            live["status"].as_str(),
            live["pause_reason"].as_str()
        ),
        ("state", Some("paused"), Some("考场停电，请稍候"))
    );
    let state = r
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(state["pause_reason"], "考场停电，请稍候");

    let res = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/resume", r.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "resuming needs no reason");
    let (_, live) = tablet.next(Duration::from_secs(3)).await;
    assert_eq!(
        (live["status"].as_str(), &live["pause_reason"]),
        (Some("in_progress"), &Value::Null)
    );
}

#[tokio::test]
async fn extra_time_for_one_candidate_and_for_the_whole_session_reaches_the_tablet_as_minutes_given()
 {
    let r = room(1, -60).await;
    let (token, attempt, login) = r.login(0).await;
    assert_eq!(login["attempt"]["extended_minutes"], 0);
    let mut tablet = Sse::open(&r.app.url(&format!(
        "/api/attempts/{attempt}/live?access_token={token}"
    )))
    .await;
    tablet.next(Duration::from_secs(5)).await;
    let res = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/attempts/{attempt}/extend"),
            &json!({"minutes": 10, "reason": "设备故障补时"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, live) = tablet.next(Duration::from_secs(3)).await;
    assert_eq!(live["extended_minutes"], 10);
    let res = r
        .app
        .post_json(
            &r.admin,
            &format!("/api/sessions/{}/extend", r.session_id),
            &json!({"minutes": 5, "reason": "全场补时"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, live) = tablet.next(Duration::from_secs(3)).await;
    assert_eq!(live["extended_minutes"], 15);
    let state = r
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(state["extended_minutes"], 15);
}

#[tokio::test]
async fn flags_and_the_current_question_follow_the_candidate_to_a_new_tablet() {
    let r = room(1, -60).await;
    let (old, attempt, login) = r.login(0).await;
    assert_eq!(
        login["attempt"]["position"],
        json!({"flags": [], "current_question": null})
    );
    let paper = r.paper(&old, attempt).await;
    let q: Vec<i64> = paper["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_i64().unwrap())
        .collect();
    let path = format!("/api/attempts/{attempt}/position");
    let res = r
        .app
        .put_json(
            &old,
            &path,
            &json!({"flags": [q[6], q[2], q[6]], "current_question": q[7]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let stored: Value = res.json().await.unwrap();
    assert_eq!(stored["flags"], json!([q[6], q[2]]), "a flag counts once");

    let res = r
        .app
        .put_json(
            &old,
            &path,
            &json!({"flags": [999_999], "current_question": q[0]}),
        )
        .await;
    assert_eq!(
        error_code(res).await,
        (StatusCode::NOT_FOUND, "question_not_on_paper".into())
    );

    // Another tablet: the login gives back where the candidate was; the old tablet is out.
    let (new, _, login) = r.login(0).await;
    assert_eq!(
        login["attempt"]["position"],
        json!({"flags": [q[6], q[2]], "current_question": q[7]})
    );
    let res = r
        .app
        .put_json(&old, &path, &json!({"flags": [], "current_question": q[0]}))
        .await;
    assert_eq!(
        error_code(res).await,
        (StatusCode::UNAUTHORIZED, "taken_over".into())
    );
    let state = r
        .app
        .get_json(&new, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(state["position"]["current_question"], q[7]);
}

#[tokio::test]
async fn an_outage_is_stamped_with_the_tablets_own_times_and_the_report_shows_its_length() {
    let r = room(1, -60).await;
    let (token, attempt, _) = r.login(0).await;
    // The tablet's clock runs an hour behind; the outage began 2.5 s and ended 0.5 s before the
    // batch was sent (the attempt started more than that before).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let tablet_now = chrono::Utc::now().timestamp_millis() - 3_600_000;
    let res = r
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/events"),
            &json!({"sent_at": tablet_now, "events": [
                {"kind": "network_offline", "at": tablet_now - 2_500},
                {"kind": "network_online", "at": tablet_now - 500},
                // A time before the attempt started is kept after the last event.
                {"kind": "window_blur", "at": tablet_now - 86_400_000},
            ]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = r
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let zh = r
        .app
        .get(&r.admin, &format!("/api/sessions/{}/report", r.session_id))
        .await
        .text()
        .await
        .unwrap();
    for expected in [
        "断网时长",
        "网络断开",
        "网络恢复",
        "2 秒",
        "断网 1 次",
        "考生交卷",
        "已交卷",
    ] {
        assert!(zh.contains(expected), "{expected} in:\n{zh}");
    }
    for english in ["{", "client_time", "candidate", "Submitted", "network_"] {
        assert!(!zh.contains(english), "no {english} in:\n{zh}");
    }
    let lines: Vec<&str> = zh.lines().collect();
    let at = |kind: &str| lines.iter().position(|l| l.contains(kind)).unwrap();
    assert!(
        at("网络断开") < at("网络恢复") && at("网络恢复") < at("窗口失焦"),
        "in time order:\n{zh}"
    );

    let en = r
        .app
        .get(
            &r.admin,
            &format!("/api/sessions/{}/report?lang=en", r.session_id),
        )
        .await
        .text()
        .await
        .unwrap();
    for expected in [
        "Outage",
        "Network lost",
        "Network back",
        "2 s",
        "by the candidate",
    ] {
        assert!(en.contains(expected), "{expected} in:\n{en}");
    }
    assert!(!en.contains("网络断开") && !en.contains("{"), "{en}");
    let bad = r
        .app
        .get(
            &r.admin,
            &format!("/api/sessions/{}/report?lang=fr", r.session_id),
        )
        .await;
    assert_eq!(
        error_code(bad).await,
        (StatusCode::BAD_REQUEST, "unknown_format".into())
    );
}

#[tokio::test]
async fn a_login_before_the_session_opens_says_when_it_opens() {
    let r = room(1, 10 * 60).await;
    let res = r.try_login(0).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "session_not_open");
    let opens = body["error"]["details"]["opens_at"].as_str().unwrap();
    let opens = chrono::DateTime::parse_from_rfc3339(opens).unwrap();
    let left = opens.timestamp() - chrono::Utc::now().timestamp();
    assert!((500..=600).contains(&left), "{left}");
}

#[tokio::test]
async fn the_app_has_an_icon_so_no_page_asks_for_a_missing_one() {
    let app = TestApp::spawn().await;
    for path in ["/favicon.ico", "/assets/favicon.svg"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["content-type"], "image/svg+xml", "{path}");
    }
    for page in ["/", "/console"] {
        let html = app
            .client
            .get(app.url(page))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(r#"rel="icon" href="/assets/favicon.svg""#),
            "{page}"
        );
    }
}
