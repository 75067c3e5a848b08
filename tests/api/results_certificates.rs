//! Issue 12, results and certificates over HTTP: certificates follow from final, passed,
//! released results however the release happened (at submit, by staff, or when the last
//! hand-marked answer is marked); the public address certificates carry and the refusal
//! without one; no hand-marked item is finalised without a marker; 未开始 until the session
//! closes, then 缺考; the public result lookup; the type preview and the filtered list; the
//! verify page in Chinese with Beijing time.

use crate::support::{SessionFixture, Sitting, TestApp, client_from, error_code, shipped_banks};
use reqwest::StatusCode;
use serde_json::{Value, json};

const NAMES: [&str; 3] = ["张三丰", "李四", "王小明"];

fn certificate_type(code: &str) -> Value {
    json!({"code": code, "title": "广东省安防从业人员继续教育培训合格证",
        "wording": "{name}同志参加{course}（{session}），经考核成绩合格，特发此证。",
        "course": "安防从业人员继续教育培训", "validity_years": 3,
        "issuer_code": "GDAF", "issuer_name": "广东省安全技术防范协会", "show_score": true})
}

/// An exam everyone passes (pass line 0) released as `release`, optionally with one short
/// answer (10 points) to mark by hand.
fn definition(release: &str, with_short: bool) -> Value {
    let mut cells = vec![json!({"bank": "LAW", "kind": "single", "count": 3, "points": 2})];
    if with_short {
        cells.push(json!({"bank": "VID", "kind": "short", "count": 1, "points": 10}));
    }
    json!({"name": "安防从业人员继续教育培训考试", "time_limit_minutes": 60, "pass_line": 0,
        "release": release, "blueprint": {"sections": [{"title": "一、试题", "cells": cells}]}})
}

/// A session of that exam with three candidates and a certificate type set for it.
async fn setup(
    release: &str,
    with_short: bool,
    adjust: impl FnOnce(&mut exam_platform::config::Config),
) -> Sitting {
    let app = TestApp::spawn_with(|c| {
        c.bank_dir = Some(shipped_banks());
        adjust(c);
    })
    .await;
    let s = SessionFixture::new(definition(release, with_short))
        .candidates_named(&NAMES, "19850312", 300)
        .sit(app)
        .await;
    let r = s
        .app
        .post_json(
            &s.admin,
            "/api/certificate-types",
            &certificate_type("GDAF-JX"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let type_id = r.json::<Value>().await.unwrap()["id"].clone();
    let r = s
        .app
        .put_json(
            &s.admin,
            &format!("/api/sessions/{}/certificate-type", s.session_id),
            &json!({"certificate_type_id": type_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    s
}

/// Candidate `i` logs in, answers the short answer (when `answer_short`) and submits.
async fn sit(s: &Sitting, i: usize, answer_short: bool) -> (String, i64) {
    let (token, attempt, _) = s.login(i).await;
    if answer_short {
        let paper = s.paper(&token, attempt).await;
        for q in paper["questions"].as_array().unwrap() {
            if q["kind"] == "short" {
                let r = s
                    .app
                    .put_json(
                        &token,
                        &format!("/api/attempts/{attempt}/answers/{}", q["id"]),
                        &json!({"response": {"type": "text", "text": "定期检查并记录。"}, "seq": 1}),
                    )
                    .await;
                assert_eq!(r.status(), StatusCode::OK);
            }
        }
    }
    let r = s
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "submit");
    (token, attempt)
}

async fn certificates(s: &Sitting) -> Vec<Value> {
    s.app
        .get_json(
            &s.admin,
            &format!("/api/sessions/{}/certificates", s.session_id),
        )
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn marking_queue(s: &Sitting) -> Vec<Value> {
    s.app
        .get_json(&s.admin, &format!("/api/sessions/{}/marking", s.session_id))
        .await
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn results_released_at_submit_issue_certificates_at_submit_and_the_batch_catches_up() {
    let s = setup("at_submit", false, |_| {}).await;
    let (token, _) = sit(&s, 0, false).await;
    sit(&s, 1, false).await;
    let results = s
        .app
        .get_json(&s.admin, &format!("/api/sessions/{}/results", s.session_id))
        .await;
    assert_eq!(results["released"], true, "released at submit");
    assert_eq!(certificates(&s).await.len(), 2, "issued as each submitted");
    let own = s.app.get(&token, "/api/candidate/certificate").await;
    assert_eq!(own.status(), StatusCode::OK, "the tablet can fetch it");
    let path = format!("/api/sessions/{}/certificates", s.session_id);
    let r = s.app.post_json(&s.admin, &path, &json!({})).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "no results_not_released any more"
    );
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["issued"], 0, "nothing was missing");
    assert_eq!(report["already_issued"], 2);
    assert_eq!(report["not_passed"], 1, "the third has not sat");
    assert_eq!(certificates(&s).await.len(), 2);
}

#[tokio::test]
async fn the_last_hand_mark_of_a_released_result_issues_its_certificate_in_the_same_step() {
    // Released at submit: nothing issues until the short answer is marked.
    let s = setup("at_submit", true, |_| {}).await;
    sit(&s, 0, true).await;
    assert!(certificates(&s).await.is_empty(), "waiting for its marker");
    let queue = marking_queue(&s).await;
    assert_eq!(queue.len(), 1);
    let r = s
        .app
        .put_json(
            &s.admin,
            &format!("/api/marks/{}", queue[0]["id"]),
            &json!({"points": 6}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let certs = certificates(&s).await;
    assert_eq!(certs.len(), 1, "issued by the mark");
    assert_eq!(certs[0]["holder_name"], "张三丰");
    // Marking again changes nothing about certificates.
    s.app
        .put_json(
            &s.admin,
            &format!("/api/marks/{}", queue[0]["id"]),
            &json!({"points": 7}),
        )
        .await;
    assert_eq!(certificates(&s).await.len(), 1);

    // Released by staff before marking: the mark issues it too; without a release it waits.
    let s = setup("by_staff", true, |_| {}).await;
    sit(&s, 0, true).await;
    sit(&s, 1, true).await;
    let queue = marking_queue(&s).await;
    let r = s
        .app
        .put_json(
            &s.admin,
            &format!("/api/marks/{}", queue[0]["id"]),
            &json!({"points": 5}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        certificates(&s).await.is_empty(),
        "not released: nothing issued"
    );
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/release", s.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(certificates(&s).await.len(), 1, "the final one, on release");
    let r = s
        .app
        .put_json(
            &s.admin,
            &format!("/api/marks/{}", queue[1]["id"]),
            &json!({"points": 5}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(certificates(&s).await.len(), 2, "the second, by its mark");
}

#[tokio::test]
async fn an_unanswered_short_answer_still_goes_to_a_marker_and_the_result_waits_for_it() {
    let s = setup("at_submit", true, |_| {}).await;
    let (token, attempt) = sit(&s, 0, false).await;
    let results = s
        .app
        .get_json(&s.admin, &format!("/api/sessions/{}/results", s.session_id))
        .await;
    let row = results["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "张三丰")
        .unwrap()
        .clone();
    assert_eq!(row["status"], "submitted", "not final without a marker");
    assert!(row["passed"].is_null());
    let queue = marking_queue(&s).await;
    assert_eq!(queue.len(), 1, "the blank answer is in the queue");
    assert_eq!(queue[0]["answered"], false);
    assert_eq!(queue[0]["answer"], "");
    let state = s
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_ne!(state["result"]["final"], true);
    let r = s
        .app
        .put_json(
            &s.admin,
            &format!("/api/marks/{}", queue[0]["id"]),
            &json!({"points": 0}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let state = s
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(state["result"]["final"], true, "final once marked");
}

#[tokio::test]
async fn candidates_who_have_not_started_are_not_started_until_the_session_closes_then_absent() {
    let app = TestApp::spawn_with_banks().await;
    let open = SessionFixture::new(definition("by_staff", false))
        .candidates_named(&NAMES[..2], "19850312", 310)
        .sit(app)
        .await;
    sit(&open, 0, false).await;
    let sid = open.session_id;
    let results = open
        .app
        .get_json(&open.admin, &format!("/api/sessions/{sid}/results"))
        .await;
    let statuses: Vec<&str> = results["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"not_started"), "{statuses:?}");
    assert!(
        !statuses.contains(&"absent"),
        "nobody is absent mid-session"
    );
    let csv = open
        .app
        .get(
            &open.admin,
            &format!("/api/sessions/{sid}/results?format=csv"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("未开始") && !csv.contains("缺考"), "{csv}");

    // A session whose window has closed: whoever never started is absent (缺考).
    let closed = SessionFixture::new(definition("by_staff", false))
        .open(-7200, -60)
        .candidates_named(&NAMES[..1], "19850312", 320)
        .sit(TestApp::spawn_with_banks().await)
        .await;
    let results = closed
        .app
        .get_json(
            &closed.admin,
            &format!("/api/sessions/{}/results", closed.session_id),
        )
        .await;
    assert_eq!(results["rows"][0]["status"], "absent");
}

#[tokio::test]
async fn issuing_refuses_on_a_venue_server_without_a_public_address_and_release_still_works() {
    let s = setup("by_staff", false, |c| {
        c.bind = "0.0.0.0:0".into();
        c.cert_public_url = None;
    })
    .await;
    let st = s.app.get_json(&s.admin, "/api/certificate-settings").await;
    assert_eq!(st["usable"], false);
    assert_eq!(st["source"], "none");
    assert!(
        st["problem"].as_str().unwrap().contains("CERT_PUBLIC_URL"),
        "{st}"
    );
    sit(&s, 0, false).await;
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/release", s.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the release stands; issuing skips"
    );
    assert!(certificates(&s).await.is_empty());
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/certificates", s.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "cert_public_url_unusable".into())
    );

    // A loopback CERT_PUBLIC_URL on a venue server is refused too.
    let s = setup("at_submit", false, |c| {
        c.bind = "0.0.0.0:0".into();
        c.cert_public_url = Some("http://127.0.0.1:8080".into());
    })
    .await;
    sit(&s, 0, false).await;
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/certificates", s.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "cert_public_url_unusable".into())
    );
}

#[tokio::test]
async fn on_a_loopback_server_without_a_setting_certificates_carry_its_own_address() {
    let s = setup("at_submit", false, |c| c.cert_public_url = None).await;
    let st = s.app.get_json(&s.admin, "/api/certificate-settings").await;
    assert_eq!(st["usable"], true);
    assert_eq!(st["source"], "bind");
    assert_eq!(st["public_url"], s.app.base.as_str(), "the real port");
    sit(&s, 0, false).await;
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/certificates", s.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c = &certificates(&s).await[0];
    let qr = c["qr_text"].as_str().unwrap();
    assert!(
        qr.starts_with(&format!("{}/V/", s.app.base.to_uppercase())),
        "{qr}"
    );
}

#[tokio::test]
async fn a_candidate_looks_up_their_own_result_by_ticket_or_id_number_and_name_once_released() {
    let s = setup("by_staff", false, |c| c.cert_lookup_max_failures = 4).await;
    sit(&s, 0, false).await;
    let me = &s.candidates[0];
    let ask = |who: &str, name: &str| {
        let (app, who, name) = (&s.app, who.to_string(), name.to_string());
        async move {
            app.client
                .post(app.url("/api/results/lookup"))
                .json(&json!({"who": who, "name": name}))
                .send()
                .await
                .unwrap()
        }
    };
    // Before release, in an open session: nothing to see, the same answer as a wrong pair.
    let r = ask(&me.ticket, "张三丰").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "result_not_found".into())
    );
    s.app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/release", s.session_id),
            &json!({}),
        )
        .await;
    for who in [me.ticket.as_str(), me.id_number.as_str()] {
        let r = ask(who, " 张三丰 ").await;
        assert_eq!(r.status(), StatusCode::OK);
        let list: Value = r.json().await.unwrap();
        let mine = &list[0];
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(mine["status"], "final");
        assert_eq!(mine["passed"], true);
        assert!(mine["score"].is_number());
        assert!(mine["certificate"]["number"].as_str().is_some(), "{mine}");
        assert!(!mine.to_string().contains("李四"), "only their own");
    }
    let wrong_name = error_code(ask(&me.ticket, "李四").await).await;
    let wrong_ticket = error_code(ask(&s.candidates[1].ticket, "张三丰").await).await;
    assert_eq!(wrong_name, wrong_ticket, "indistinguishable");
    assert_eq!(wrong_name.1, "result_not_found");

    // The HTML page, posted as a form: Chinese first.
    let page = s
        .app
        .client
        .post(s.app.url("/result"))
        .form(&[("who", me.ticket.as_str()), ("name", "张三丰")])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("合格 Passed") && html.contains("证书编号"),
        "{html}"
    );
    let form = s.app.client.get(s.app.url("/result")).send().await.unwrap();
    assert!(form.text().await.unwrap().contains("准考证号或身份证号"));

    // Failures count per address with the certificate lookup's limiter: then 429.
    let other = client_from("127.0.0.9");
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = other
            .post(s.app.url("/api/results/lookup"))
            .json(&json!({"who": "K00000000000", "name": "谁"}))
            .send()
            .await
            .unwrap()
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_console_previews_an_unsaved_type_as_a_pdf_and_lists_certificates_by_status() {
    let s = setup("at_submit", false, |_| {}).await;
    let r = s
        .app
        .post_json(
            &s.admin,
            "/api/certificate-types/preview",
            &certificate_type("NEW-TYPE"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    let mut bad = certificate_type("NEW-TYPE");
    bad["wording"] = json!("{nope}");
    let r = s
        .app
        .post_json(&s.admin, "/api/certificate-types/preview", &bad)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        s.app
            .get_json(&s.admin, "/api/certificate-types")
            .await
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["code"] != "NEW-TYPE"),
        "a preview saves nothing"
    );

    sit(&s, 0, false).await;
    sit(&s, 1, false).await;
    s.app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/certificates", s.session_id),
            &json!({}),
        )
        .await;
    let certs = certificates(&s).await;
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/certificates/{}/suspend", certs[0]["id"]),
            &json!({"reason": "核实身份"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let suspended = s
        .app
        .get_json(
            &s.admin,
            &format!(
                "/api/certificates?session_id={}&status=suspended",
                s.session_id
            ),
        )
        .await;
    assert_eq!(suspended.as_array().unwrap().len(), 1);
    assert_eq!(suspended[0]["id"], certs[0]["id"]);
    let all = s.app.get_json(&s.admin, "/api/certificates").await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let r = s.app.get(&s.admin, "/api/certificates?status=lost").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let t = s
        .app
        .get_json(
            &s.admin,
            &format!("/api/sessions/{}/certificate-type", s.session_id),
        )
        .await;
    assert!(t["certificate_type_id"].is_number());
}

#[tokio::test]
async fn the_verify_page_explains_each_check_in_chinese_first_with_beijing_time() {
    let s = setup("at_submit", false, |_| {}).await;
    sit(&s, 0, false).await;
    s.app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/certificates", s.session_id),
            &json!({}),
        )
        .await;
    let c = &certificates(&s).await[0];
    let qr = c["qr_text"].as_str().unwrap();
    let payload = qr.split("/V/").nth(1).unwrap();
    let v = s
        .app
        .client
        .get(s.app.url(&format!("/api/verify/{payload}")))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let checks = v["checks"].as_array().unwrap();
    let status = checks.iter().find(|c| c["name"] == "status").unwrap();
    assert!(
        status["detail_zh"].as_str().unwrap().contains("北京时间"),
        "{status}"
    );
    assert!(status["detail"].as_str().unwrap().contains("Beijing time"));
    assert!(!status["detail"].as_str().unwrap().contains('Z'), "no UTC");
    let html = s
        .app
        .client
        .get(s.app.url(&format!("/V/{payload}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("有效（截至"), "{html}");
    assert!(html.contains("密钥 1 的 Ed25519 签名"));
}

#[tokio::test]
async fn a_passing_result_closed_at_time_up_or_by_the_proctor_earns_its_certificate_too() {
    use sea_orm::{ConnectionTrait, Database};
    let s = setup("at_submit", false, |_| {}).await;
    // Candidate 0's tablet dies before time-up: the server's sweeper submits the attempt.
    let (_, timed_out, _) = s.login(0).await;
    let db = Database::connect(&s.app.database_url).await.unwrap();
    db.execute_unprepared(&format!(
        "UPDATE attempts SET deadline_ms = {} WHERE id = {timed_out}",
        chrono::Utc::now().timestamp_millis() - 1000
    ))
    .await
    .unwrap();
    // Candidate 1 leaves early: the proctor submits for them.
    let (_, forced, _) = s.login(1).await;
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/attempts/{forced}/force-submit"),
            &json!({"reason": "考生提前离场"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(certificates(&s).await.len(), 1, "forced: issued at once");
    // The sweeper runs every 2 s.
    let mut issued = 1;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        issued = certificates(&s).await.len();
        if issued == 2 {
            break;
        }
    }
    assert_eq!(issued, 2, "timed out: issued by the sweeper's round");
}
