//! Appeals (申诉) and arbitration (仲裁) over HTTP: appellant logins, filing while the
//! provisional window is open and every refusal, privacy between appellants and towards the
//! public, decisions with reasons, re-publication naming the upheld decision, finalisation
//! waiting for decisions, and the appeal register.

use crate::support::{FULL, LOW, ScoredCompetition, error_code};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json body")
}

/// Two contestants marked (the first full, the second low), locked and decrypted.
async fn scored() -> ScoredCompetition {
    let c = ScoredCompetition::create(2, &["modules"]).await;
    for t in 0..2 {
        c.mark(t, 0, &FULL).await;
        c.mark(t, 1, &LOW).await;
    }
    c.lock().await;
    c.decrypt().await;
    c
}

async fn publish(c: &ScoredCompetition, minutes: u32, reason: &str) -> Value {
    let r =
        c.e.app
            .post_json(
                &c.e.admin,
                &c.url(&format!(
                    "/events/{}/results/provisional?group={}",
                    c.event, c.group
                )),
                &json!({"appeal_window_minutes": minutes, "reason": reason}),
            )
            .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    json_of(r).await
}

async fn finalise(c: &ScoredCompetition) -> reqwest::Response {
    c.e.app
        .post_json(
            &c.e.admin,
            &c.url(&format!(
                "/events/{}/results/final?group={}",
                c.event, c.group
            )),
            &json!({"reason": "申诉期结束"}),
        )
        .await
}

/// Closes every open window of the competition, as if its time had passed.
async fn close_window(c: &ScoredCompetition) {
    c.db.execute_unprepared(&format!(
        "UPDATE competition_publications SET appeal_closes_at = '2000-01-01 00:00:00+00:00' \
         WHERE event_id = {}",
        c.event
    ))
    .await
    .expect("close window");
}

async fn contestant_login(c: &ScoredCompetition, i: usize) -> String {
    let r =
        c.e.app
            .post_json(
                "",
                "/api/appeals/login",
                &json!({"number": format!("PACS26-AZ{:04}", i + 1),
                    "id_number": c.e.candidates[i].id_number}),
            )
            .await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await["token"].as_str().unwrap().to_string()
}

fn appeal(stage: i32, grounds: &str) -> Value {
    json!({"stage_id": stage, "task": "视频监控系统安装", "grounds": grounds})
}

async fn file(c: &ScoredCompetition, token: &str, body: &Value) -> reqwest::Response {
    c.e.app.post_json(token, "/api/appeals", body).await
}

#[tokio::test]
async fn an_upheld_appeal_with_a_correction_shows_in_the_republication_and_then_results_become_final()
 {
    let c = scored().await;
    let app = &c.e.app;
    publish(&c, 120, "").await;
    let me = contestant_login(&c, 1).await;
    let home: Value = app.get_json(&me, "/api/appeals/me").await;
    assert_eq!(home["kind"], "contestant");
    assert_eq!(home["contestants"][0]["open"], true);
    let mut body = appeal(c.stage, "测量项漏记，现场照片为证");
    body["attachments"] = json!([{"name": "现场.png", "data": base64_of(PNG)}]);
    let r = file(&c, &me, &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a = json_of(r).await;
    assert_eq!(a["status"], "filed");
    assert_eq!(a["attachments"][0]["mime"], "image/png");
    let id = a["id"].as_i64().unwrap();

    // Finalisation waits while the window is open, then while the appeal is undecided.
    close_window(&c).await;
    let r = finalise(&c).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "appeals_pending".into())
    );

    // The arbitration group reviews: sheets, marks and audit trail of that contestant.
    let arb = app.user_with_roles("zhongcai", &["arbitrator"]).await;
    let list: Value = app
        .get_json(
            &arb,
            &format!("/api/competitions/{}/appeals", a["competition_id"]),
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let r = app
        .post_json(
            &arb,
            &format!("/api/competitions/appeals/{id}/review"),
            &json!({}),
        )
        .await;
    assert_eq!(json_of(r).await["status"], "under_review");
    let mine: Value = app.get_json(&me, &format!("/api/appeals/mine/{id}")).await;
    assert_eq!(mine["status"], "under_review");
    let v: Value = app
        .get_json(&arb, &format!("/api/competitions/appeals/{id}"))
        .await;
    assert_eq!(v["code"], c.e.code(1));
    assert_eq!(v["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["tasks"][0]["candidate"]["sheets"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "{v}"
    );
    assert_eq!(v["published"]["row"]["contestant_id"], c.contestants[1]);
    assert!(
        v["trail"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "practical.sheet_submit"),
        "{v}"
    );
    let f = app
        .get(
            &arb,
            &format!(
                "/api/competitions/appeals/{id}/files/{}",
                a["attachments"][0]["id"]
            ),
        )
        .await;
    assert_eq!(f.bytes().await.unwrap().as_ref(), PNG);

    // The mark is corrected on the signed path (head judge asks, admin approves).
    let r = app
        .post_json(
            c.e.judge(0),
            &format!("/api/judging/tasks/{}/corrections", c.e.tasks[0]),
            &json!({"code": c.e.code(1), "judge_id": c.e.judges[1].id, "aspect": 0, "entry": 1,
                    "reason": "仲裁：测量项漏记", "password": "a-good-password"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let correction = json_of(r).await["id"].clone();
    let decide = format!("/api/competitions/appeals/{id}/decision");
    // Not yet approved: not a correction that can carry the decision.
    let r = app
        .post_json(
            &arb,
            &decide,
            &json!({"outcome": "upheld", "reason": "属实", "correction_id": correction}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "correction_not_for_appeal".into()
        )
    );
    let r = app
        .post_json(
            &c.e.admin,
            &format!("/api/practical/corrections/{correction}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post_json(&arb, &decide, &json!({"outcome": "upheld", "reason": "  "}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required".into())
    );
    let r = app
        .post_json(
            &arb,
            &decide,
            &json!({"outcome": "upheld", "reason": "测量项确有漏记，予以更正", "correction_id": correction}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await["status"], "upheld");
    let r = app
        .post_json(
            &arb,
            &decide,
            &json!({"outcome": "rejected", "reason": "再议"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "appeal_decided".into())
    );
    let mine: Value = app.get_json(&me, &format!("/api/appeals/mine/{id}")).await;
    assert_eq!(
        (mine["status"].as_str(), mine["decision_reason"].as_str()),
        (Some("upheld"), Some("测量项确有漏记，予以更正"))
    );
    assert_eq!(mine["decided_by"], Value::Null);

    // Re-publication lists the change and why.
    let v2 = publish(&c, 0, "仲裁后重新公示").await;
    let changes = v2["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{v2}");
    assert!(
        changes[0]["why"]
            .as_str()
            .unwrap()
            .contains("测量项确有漏记"),
        "{v2}"
    );
    let r = finalise(&c).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = file(&c, &me, &appeal(c.stage, "再次申诉")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "already_final".into())
    );

    // The register lists it, as PDF and XLSX.
    let cid = a["competition_id"].as_i64().unwrap();
    let pdf = app
        .get(&arb, &format!("/api/competitions/{cid}/appeals.pdf"))
        .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    let x = app
        .get(&c.e.admin, &format!("/api/competitions/{cid}/appeals.xlsx"))
        .await;
    assert_eq!(x.status(), StatusCode::OK);
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
    let r = app
        .get(
            c.e.judge(1),
            &format!("/api/competitions/{cid}/appeals.pdf"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

fn base64_of(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[tokio::test]
async fn appeals_are_refused_before_publication_after_the_window_and_beyond_the_limit() {
    let c = scored().await;
    let me = contestant_login(&c, 0).await;
    let r = file(&c, &me, &appeal(c.stage, "分数有误")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "not_published".into())
    );
    publish(&c, 60, "").await;
    let r = file(&c, &me, &appeal(c.stage, " \n ")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "grounds_required".into())
    );
    let r = file(&c, &me, &appeal(c.stage, &"错".repeat(2001))).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "grounds_too_long".into())
    );
    let mut body = appeal(c.stage, "分数有误");
    body["attachments"] = json!([{"name": "x.png", "data": base64_of(b"<html><script>")}]);
    let r = file(&c, &me, &body).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "attachment_type".into())
    );
    body["attachments"] = json!([{"name": "big.pdf",
        "data": base64_of(&[b"%PDF-".as_slice(), &vec![0u8; 210 * 1024]].concat())}]);
    let r = file(&c, &me, &body).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "attachment_too_large".into())
    );
    let one = json!({"name": "a.png", "data": base64_of(PNG)});
    body["attachments"] = json!([one, one, one, one]);
    let r = file(&c, &me, &body).await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_attachments".into()
        )
    );
    // Someone else's contestant.
    let mut other = appeal(c.stage, "分数有误");
    other["contestant_id"] = json!(c.contestants[1]);
    let r = file(&c, &me, &other).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "not_your_contestant".into())
    );
    // Nothing above was stored.
    let mine: Value = c.e.app.get_json(&me, "/api/appeals/mine").await;
    assert_eq!(mine, json!([]));

    let r = file(&c, &me, &appeal(c.stage, "分数有误")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = file(&c, &me, &appeal(c.stage, "再申诉一次")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "appeal_limit_reached".into())
    );
    // Staff allow one more, with a reason.
    let cid: Value = c.e.app.get_json(&me, "/api/appeals/mine").await;
    let cid = cid[0]["competition_id"].as_i64().unwrap();
    let grant = format!("/api/competitions/{cid}/appeal-grants");
    let r =
        c.e.app
            .post_json(
                &c.e.admin,
                &grant,
                &json!({"contestant_id": c.contestants[0], "stage_id": c.stage, "reason": ""}),
            )
            .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required".into())
    );
    let r = c
        .e
        .app
        .post_json(
            &c.e.admin,
            &grant,
            &json!({"contestant_id": c.contestants[0], "stage_id": c.stage, "reason": "补充新证据"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = file(&c, &me, &appeal(c.stage, "补充证据后再申诉")).await;
    assert_eq!(r.status(), StatusCode::CREATED);

    close_window(&c).await;
    let r = file(&c, &me, &appeal(c.stage, "迟到的申诉")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "appeal_window_closed".into())
    );
}

#[tokio::test]
async fn an_appellant_sees_only_their_own_appeals_and_the_public_sees_none() {
    let c = scored().await;
    let app = &c.e.app;
    publish(&c, 60, "").await;
    let first = contestant_login(&c, 0).await;
    let second = contestant_login(&c, 1).await;
    let r = file(&c, &first, &appeal(c.stage, "分数有误")).await;
    let id = json_of(r).await["id"].as_i64().unwrap();
    let r = app.get(&second, &format!("/api/appeals/mine/{id}")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "appeal_not_found".into())
    );
    let list: Value = app.get_json(&second, "/api/appeals/mine").await;
    assert_eq!(list, json!([]));
    // An appellant token opens no staff route, and no token reads appeals.
    let r = app
        .get(&first, &format!("/api/competitions/appeals/{id}"))
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app.get("", "/api/appeals/mine").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // A judge is not the arbitration group.
    let r = app
        .get(c.e.judge(0), &format!("/api/competitions/appeals/{id}"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The published results carry nothing about appeals.
    let all: Value = app
        .get_json(
            &c.e.admin,
            &c.url(&format!("/events/{}/results?group={}", c.event, c.group)),
        )
        .await;
    assert!(!all.to_string().contains("appeal\""), "{all}");
    assert!(!all.to_string().contains("分数有误"));
}

#[tokio::test]
async fn a_team_leader_logs_in_with_the_code_staff_issued_and_appeals_for_their_contestants_only() {
    let c = scored().await;
    let app = &c.e.app;
    c.db.execute_unprepared(&format!(
        "UPDATE competition_contestants SET leader = '王领队' WHERE id = {}",
        c.contestants[0]
    ))
    .await
    .expect("leader");
    let cid: i64 = {
        let me = contestant_login(&c, 0).await;
        let home: Value = app.get_json(&me, "/api/appeals/me").await;
        assert_eq!(home["contestants"][0]["open"], false);
        // The competition's id from the staff list of leaders below.
        let list: Value = app.get_json(&c.e.admin, "/api/competitions").await;
        list[0]["id"].as_i64().unwrap()
    };
    let leaders: Value = app
        .get_json(&c.e.admin, &format!("/api/competitions/{cid}/leaders"))
        .await;
    assert_eq!(leaders[0]["leader"], "王领队");
    assert_eq!(leaders[0]["issued_at"], Value::Null);
    let r = app
        .post_json(
            &c.e.admin,
            &format!("/api/competitions/{cid}/leaders/code"),
            &json!({"leader": "李某"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_leader".into())
    );
    let r = app
        .post_json(
            &c.e.admin,
            &format!("/api/competitions/{cid}/leaders/code"),
            &json!({"leader": "王领队"}),
        )
        .await;
    let code = json_of(r).await["code"].as_str().unwrap().to_string();
    // Only the hash is kept.
    let stored =
        c.db.query_one_raw(sea_orm::Statement::from_string(
            c.db.get_database_backend(),
            "SELECT code_hash FROM competition_leader_codes",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "code_hash")
        .unwrap();
    assert!(!stored.contains(&code.replace('-', "")));

    // A wrong name or code gets the one generic answer.
    for (leader, code) in [("王领队", "AAAA-BBBB-CCCC"), ("李某", code.as_str())] {
        let r = app
            .post_json(
                "",
                "/api/appeals/leader-login",
                &json!({"leader": leader, "code": code}),
            )
            .await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
        );
    }
    let r = app
        .post_json(
            "",
            "/api/appeals/leader-login",
            &json!({"leader": "王领队", "code": code.to_lowercase()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let s = json_of(r).await;
    let token = s["token"].as_str().unwrap();
    assert_eq!(s["home"]["kind"], "leader");
    assert_eq!(s["home"]["contestants"].as_array().unwrap().len(), 1);
    publish(&c, 60, "").await;
    let mut other = appeal(c.stage, "分数有误");
    other["contestant_id"] = json!(c.contestants[1]);
    let r = file(&c, token, &other).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "not_your_contestant".into())
    );
    other["contestant_id"] = json!(c.contestants[0]);
    let r = file(&c, token, &other).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(json_of(r).await["filed_by_kind"], "leader");
    // The contestant sees the appeal their leader filed.
    let me = contestant_login(&c, 0).await;
    let mine: Value = app.get_json(&me, "/api/appeals/mine").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn repeated_failed_appellant_logins_are_rate_limited_with_one_generic_error() {
    let c = scored().await;
    let body = json!({"number": "PACS26-AZ0001", "id_number": c.e.candidates[1].id_number});
    let mut last = StatusCode::OK;
    for _ in 0..12 {
        let r = c.e.app.post_json("", "/api/appeals/login", &body).await;
        last = r.status();
        if last == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
        );
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}
