//! Published results over HTTP: provisional results with an appeal window, re-publication after
//! a correction listing what changed, final results once the window has closed, and the
//! refusals on the way.

use crate::support::{FULL, LOW, ScoredCompetition, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn provisional_results_open_a_window_and_a_corrected_republication_lists_what_changed() {
    let c = ScoredCompetition::create(2, &["modules"]).await;
    let app = &c.e.app;
    let provisional = c.url(&format!(
        "/events/{}/results/provisional?group={}",
        c.event, c.group
    ));
    let finalise = c.url(&format!(
        "/events/{}/results/final?group={}",
        c.event, c.group
    ));
    let history = c.url(&format!("/events/{}/results?group={}", c.event, c.group));
    for (t, e) in [(0, &FULL), (1, &FULL)] {
        c.mark(t, 0, e).await;
    }
    for (t, e) in [(0, &LOW), (1, &LOW)] {
        c.mark(t, 1, e).await;
    }
    // Nothing to publish on unlocked scores; nothing is stored.
    let r = app
        .post_json(
            &c.e.admin,
            &provisional,
            &json!({"appeal_window_minutes": 120}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "scores_not_locked".into())
    );
    c.lock().await;
    c.decrypt().await;
    let r = app.post_json(&c.e.admin, &finalise, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "not_published".into())
    );
    let r = app
        .post_json(
            &c.e.admin,
            &provisional,
            &json!({"appeal_window_minutes": 10081}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "bad_appeal_window".into())
    );
    // A judge is not an organiser.
    let r = app.post_json(c.e.judge(1), &provisional, &json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let none: Value = app.get_json(&c.e.admin, &history).await;
    assert_eq!(none, json!([]));

    // Published with the default two-hour window.
    let r = app.post_json(&c.e.admin, &provisional, &json!({})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v1 = json_of(r).await;
    assert_eq!(
        (v1["version"].as_i64(), v1["state"].as_str()),
        (Some(1), Some("provisional"))
    );
    assert_eq!(v1["ranking"]["rows"][0]["contestant_id"], c.contestants[0]);
    assert_eq!(v1["changes"], json!([]));
    let published =
        chrono::DateTime::parse_from_rfc3339(v1["published_at"].as_str().unwrap()).unwrap();
    let closes =
        chrono::DateTime::parse_from_rfc3339(v1["appeal_closes_at"].as_str().unwrap()).unwrap();
    assert_eq!(closes - published, chrono::Duration::hours(2));
    let r = app.post_json(&c.e.admin, &finalise, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "appeal_window_open".into())
    );

    // A locked mark corrected through the signed path (head judge, then a second person).
    let r = app
        .post_json(
            c.e.judge(0),
            &format!("/api/judging/tasks/{}/corrections", c.e.tasks[0]),
            &json!({"code": c.e.code(1), "judge_id": c.e.judges[1].id, "aspect": 0, "entry": 1,
                    "reason": "复核发现测量项漏记", "password": "a-good-password"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = json_of(r).await["id"].clone();
    let r = app
        .post_json(
            &c.e.admin,
            &format!("/api/practical/corrections/{id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Publishing again needs a reason, then lists the corrected line.
    let r = app
        .post_json(
            &c.e.admin,
            &provisional,
            &json!({"appeal_window_minutes": 0}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required".into())
    );
    let r = app
        .post_json(
            &c.e.admin,
            &provisional,
            &json!({"appeal_window_minutes": 0, "reason": "更正测量项后重新公示"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v2 = json_of(r).await;
    assert_eq!(v2["version"], 2);
    let changes = v2["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{v2}");
    assert_eq!(changes[0]["contestant_id"], c.contestants[1]);
    assert!(
        changes[0]["after_total"].as_f64() > changes[0]["before_total"].as_f64(),
        "{v2}"
    );
    // The first version still shows what was published then.
    let all: Value = app.get_json(&c.e.admin, &history).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[1]["ranking"], v1["ranking"]);

    // The window (none) has closed: final, with nothing changed since version 2.
    let r = app
        .post_json(&c.e.admin, &finalise, &json!({"reason": "申诉期结束"}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v3 = json_of(r).await;
    assert_eq!(
        (v3["version"].as_i64(), v3["state"].as_str()),
        (Some(3), Some("final"))
    );
    assert_eq!(v3["changes"], json!([]));
    assert_eq!(v3["appeal_closes_at"], Value::Null);
    for (path, body) in [
        (&provisional, json!({"reason": "再改"})),
        (&finalise, json!({})),
    ] {
        let r = app.post_json(&c.e.admin, path, &body).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::CONFLICT, "already_final".into())
        );
    }
    let all: Value = app.get_json(&c.e.admin, &history).await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(all[0]["state"], "final");
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json body")
}
