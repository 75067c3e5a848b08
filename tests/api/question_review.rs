//! Issue 16, part REVIEW: the item lifecycle (draft → in review → active → flagged → retired)
//! and the two-person rule (二人审核), from the outside.

use crate::support::{FULL, LOW, ScoredCompetition, TestApp, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn question(ident: &str) -> Value {
    json!({
        "ident": ident,
        "kind": "single",
        "category": ["法规"],
        "stem": format!("{ident}：保安员应当年满多少周岁？"),
        "options": ["16", "18", "20", "22"],
        "key": {"type": "choice", "correct": [1]},
        "source": "《保安服务管理条例》第十六条"
    })
}

/// A bank with the two-person rule, an author and a second reviewer.
async fn review_bank(app: &TestApp, code: &str) -> (String, String, String) {
    let admin = app.admin().await;
    app.create_bank(&admin, code).await;
    let r = app
        .put_json(
            &admin,
            &format!("/api/banks/{code}/review-setting"),
            &json!({"review_required": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["review_required"], true);
    let author = app
        .user_with_roles(&format!("{code}-author").to_lowercase(), &["author"])
        .await;
    let reviewer = app
        .user_with_roles(&format!("{code}-reviewer").to_lowercase(), &["author"])
        .await;
    (admin, author, reviewer)
}

async fn create(app: &TestApp, token: &str, bank: &str, body: &Value) -> i64 {
    let r = app
        .post_json(token, &format!("/api/banks/{bank}/questions"), body)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn act(
    app: &TestApp,
    token: &str,
    id: i64,
    action: &str,
    comment: &str,
) -> reqwest::Response {
    app.post_json(
        token,
        &format!("/api/questions/{id}/review/{action}"),
        &json!({"comment": comment}),
    )
    .await
}

async fn ok(app: &TestApp, token: &str, id: i64, action: &str, comment: &str) -> Value {
    let r = act(app, token, id, action, comment).await;
    assert_eq!(r.status(), StatusCode::OK, "{action}");
    r.json().await.unwrap()
}

/// How many questions of the bank a blueprint cell could draw.
async fn pool(app: &TestApp, token: &str, bank: &str) -> u64 {
    let check = json!({"name": "x", "time_limit_minutes": 10, "pass_line": 0,
        "blueprint": {"sections": [{"cells": [{"bank": bank, "kind": "single", "count": 1, "points": 1}]}]}});
    let f: Value = app
        .post_json(token, "/api/exams/check", &check)
        .await
        .json()
        .await
        .unwrap();
    f["pool"].as_u64().unwrap()
}

#[tokio::test]
async fn under_the_two_person_rule_the_author_cannot_approve_and_a_second_reviewer_can() {
    let app = TestApp::spawn().await;
    let (admin, author, reviewer) = review_bank(&app, "REV").await;
    // Written as active, it waits for review: the rule holds from the first version.
    let id = create(&app, &author, "REV", &question("REV-1")).await;
    let s = app
        .get_json(&author, &format!("/api/questions/{id}/review"))
        .await;
    assert_eq!(s["question"]["status"], "in_review");
    assert_eq!(s["own_work"], true);
    assert_eq!(pool(&app, &admin, "REV").await, 0);

    let r = act(&app, &author, id, "approve", "").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "review_by_author".into())
    );
    let s = ok(&app, &reviewer, id, "approve", "出处核对无误").await;
    assert_eq!(s["question"]["status"], "active");
    assert_eq!(s["own_work"], false);
    // A decision writes no content version: statistics stay with version 1.
    assert_eq!(s["question"]["current_version"], 1);
    let e = s["entries"].as_array().unwrap();
    assert_eq!(e.last().unwrap()["action"], "approve");
    assert_eq!(e.last().unwrap()["comment"], "出处核对无误");
    assert_eq!(e.last().unwrap()["version"], 1);
    assert_eq!(pool(&app, &admin, "REV").await, 1);
    let log = app
        .get_json(&admin, "/api/audit?target_type=question")
        .await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "question.approve"),
        "{log}"
    );
}

#[tokio::test]
async fn whoever_submitted_a_draft_cannot_approve_it_and_a_return_needs_a_comment() {
    let app = TestApp::spawn().await;
    let (_admin, author, reviewer) = review_bank(&app, "SUB").await;
    let mut q = question("SUB-1");
    q["status"] = json!("draft");
    let id = create(&app, &author, "SUB", &q).await;
    // Straight to active is refused under the rule.
    let r = act(&app, &author, id, "publish", "").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "review_required".into())
    );
    ok(&app, &reviewer, id, "submit", "").await;
    let r = act(&app, &reviewer, id, "approve", "").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "review_by_author".into())
    );
    let r = act(&app, &reviewer, id, "return", " ").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required".into())
    );
    let s = ok(&app, &reviewer, id, "return", "选项 D 与 C 重复，请改").await;
    assert_eq!(s["question"]["status"], "draft");
    let entries = s["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["comment"], "选项 D 与 C 重复，请改");
    assert!(entries[1]["user_name"].is_string());
}

#[tokio::test]
async fn a_draft_is_not_drawn_and_a_bad_transition_changes_nothing() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "DRF").await;
    let mut q = question("DRF-1");
    q["status"] = json!("draft");
    let id = create(&app, &t, "DRF", &q).await;
    assert_eq!(pool(&app, &t, "DRF").await, 0);
    let before = app
        .get_json(&t, "/api/audit?target_type=question")
        .await
        .as_array()
        .unwrap()
        .len();
    for (action, comment) in [
        ("approve", ""),
        ("clear", ""),
        ("flag", "太易"),
        ("reopen", ""),
    ] {
        let r = act(&app, &t, id, action, comment).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::CONFLICT, "transition_not_allowed".into()),
            "{action}"
        );
    }
    let s = app
        .get_json(&t, &format!("/api/questions/{id}/review"))
        .await;
    assert_eq!(s["question"]["status"], "draft");
    assert_eq!(s["entries"].as_array().unwrap().len(), 0);
    let after = app
        .get_json(&t, "/api/audit?target_type=question")
        .await
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before);
    // Without the two-person rule the author may publish the draft directly.
    let s = ok(&app, &t, id, "publish", "").await;
    assert_eq!(s["question"]["status"], "active");
    assert_eq!(pool(&app, &t, "DRF").await, 1);
}

#[tokio::test]
async fn a_flag_takes_an_active_question_out_of_the_draw_with_its_reason_until_a_reviewer_clears_it()
 {
    let app = TestApp::spawn().await;
    let (admin, author, reviewer) = review_bank(&app, "FLG").await;
    let id = create(&app, &author, "FLG", &question("FLG-1")).await;
    ok(&app, &reviewer, id, "approve", "").await;
    let r = act(&app, &reviewer, id, "flag", "").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required".into())
    );
    let s = ok(&app, &reviewer, id, "flag", "难度 p = 0.97，几乎人人答对").await;
    assert_eq!(s["question"]["status"], "flagged");
    assert_eq!(pool(&app, &admin, "FLG").await, 0);
    // Flagging again is refused and records nothing more.
    let r = act(&app, &reviewer, id, "flag", "再次").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "transition_not_allowed".into())
    );
    let q: Value = app.get_json(&admin, "/api/banks/FLG/review").await;
    assert_eq!(q["counts"]["flagged"], 1);
    assert_eq!(q["counts"]["active"], 0);
    assert_eq!(q["items"][0]["status"], "flagged");
    assert_eq!(q["items"][0]["reason"], "难度 p = 0.97，几乎人人答对");
    assert_eq!(q["items"][0]["source"], "staff");
    // The author of the version cannot clear it; a second person can.
    let r = act(&app, &author, id, "clear", "").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "review_by_author".into())
    );
    let s = ok(&app, &reviewer, id, "clear", "题目无误，保留").await;
    assert_eq!(s["question"]["status"], "active");
    assert_eq!(s["question"]["current_version"], 1);
    assert_eq!(pool(&app, &admin, "FLG").await, 1);
}

#[tokio::test]
async fn an_edit_under_the_two_person_rule_goes_back_to_review_and_is_not_drawn_until_approved() {
    let app = TestApp::spawn().await;
    let (admin, author, reviewer) = review_bank(&app, "EDT").await;
    let id = create(&app, &author, "EDT", &question("EDT-1")).await;
    ok(&app, &reviewer, id, "approve", "").await;
    let got = app
        .get_json(&reviewer, &format!("/api/questions/{id}"))
        .await;
    let mut body = got["body"].clone();
    body["stem"] = json!("保安员最低年龄是多少周岁？");
    let r = app
        .put_json(
            &reviewer,
            &format!("/api/questions/{id}"),
            &json!({"body": body, "expected_version": 1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["current_version"], 2);
    assert_eq!(v["status"], "in_review");
    assert_eq!(pool(&app, &admin, "EDT").await, 0);
    // The editor wrote version 2: the first author may approve it now, the editor may not.
    let r = act(&app, &reviewer, id, "approve", "").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "review_by_author".into())
    );
    let s = ok(&app, &author, id, "approve", "").await;
    assert_eq!(s["question"]["status"], "active");
    let versions: Vec<i64> = s["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, vec![1, 2, 2]);
    // An edit that changes nothing (the status in the body included) makes no version.
    let got = app.get_json(&admin, &format!("/api/questions/{id}")).await;
    let r = app
        .put_json(
            &admin,
            &format!("/api/questions/{id}"),
            &json!({"body": got["body"]}),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["current_version"], 2);
}

#[tokio::test]
async fn imports_land_as_drafts_or_in_review_on_request_and_in_review_under_the_rule() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    let gift = "::G1:: 保安员应当年满多少周岁？ {~16 =18 ~20}\n\n::G2:: 保安员证由谁核发？ {=公安机关 ~人社部门}\n";
    for (code, query, status) in [
        ("IMA", "format=gift", "active"),
        ("IMD", "format=gift&as_drafts=true", "draft"),
        ("IMR", "format=gift&in_review=true", "in_review"),
    ] {
        app.create_bank(&t, code).await;
        let (s, _) = app.import(&t, code, query, gift.as_bytes().to_vec()).await;
        assert_eq!(s, StatusCode::OK);
        let q: Value = app.get_json(&t, &format!("/api/banks/{code}/review")).await;
        assert_eq!(q["counts"][status], 2, "{code}: {q}");
        // A file written from the bank says where each question stands now.
        let native = app
            .get(&t, &format!("/api/banks/{code}/export?format=native"))
            .await
            .text()
            .await
            .unwrap();
        let said = native.matches(&format!("status = \"{status}\"")).count();
        assert_eq!(said, if status == "active" { 0 } else { 2 }, "{native}");
    }
    let (_, _, _) = review_bank(&app, "IMX").await;
    let (s, _) = app
        .import(&t, "IMX", "format=gift", gift.as_bytes().to_vec())
        .await;
    assert_eq!(s, StatusCode::OK);
    let q: Value = app.get_json(&t, "/api/banks/IMX/review").await;
    assert_eq!(q["counts"]["in_review"], 2);
    assert_eq!(q["items"].as_array().unwrap().len(), 2);
    // The importer counts as the author: a second person approves.
    let id = q["items"][0]["id"].as_i64().unwrap();
    let r = act(&app, &t, id, "approve", "").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "review_by_author".into())
    );
}

#[tokio::test]
async fn the_review_routes_need_an_author_or_admin() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "AUT").await;
    let id = create(&app, &t, "AUT", &question("AUT-1")).await;
    let proctor = app.user_with_roles("rev.proctor", &["proctor"]).await;
    for r in [
        app.get(&proctor, &format!("/api/questions/{id}/review"))
            .await,
        act(&app, &proctor, id, "retire", "不用").await,
        app.get(&proctor, "/api/banks/AUT/review").await,
        app.put_json(
            &proctor,
            "/api/banks/AUT/review-setting",
            &json!({"review_required": true}),
        )
        .await,
    ] {
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn an_upheld_appeal_that_names_a_question_flags_it() {
    let c = ScoredCompetition::create(2, &["modules"]).await;
    for t in 0..2 {
        c.mark(t, 0, &FULL).await;
        c.mark(t, 1, &LOW).await;
    }
    c.lock().await;
    c.decrypt().await;
    let app = &c.e.app;
    let admin = &c.e.admin;
    app.create_bank(admin, "APL").await;
    let id = create(app, admin, "APL", &question("APL-7")).await;
    let r = app
        .post_json(
            admin,
            &c.url(&format!(
                "/events/{}/results/provisional?group={}",
                c.event, c.group
            )),
            &json!({"appeal_window_minutes": 120, "reason": ""}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post_json(
            "",
            "/api/appeals/login",
            &json!({"number": "PACS26-AZ0002", "id_number": c.e.candidates[1].id_number}),
        )
        .await;
    let me = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post_json(
            &me,
            "/api/appeals",
            &json!({"stage_id": c.stage, "task": "理论", "grounds": "APL-7 的答案有误"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let appeal = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let arb = app.user_with_roles("rev.arb", &["arbitrator"]).await;
    let decide = format!("/api/competitions/appeals/{appeal}/decision");
    let unknown = json!({"outcome": "upheld", "reason": "答案确有争议",
        "question": {"bank": "APL", "ident": "APL-9"}});
    let r = app.post_json(&arb, &decide, &unknown).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_question".into())
    );
    let body = json!({"outcome": "upheld", "reason": "答案确有争议",
        "question": {"bank": "APL", "ident": "APL-7"}});
    let r = app.post_json(&arb, &decide, &body).await;
    assert_eq!(r.status(), StatusCode::OK);
    let s = app
        .get_json(admin, &format!("/api/questions/{id}/review"))
        .await;
    assert_eq!(s["question"]["status"], "flagged");
    let last = s["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["source"], "appeal");
    assert!(
        last["comment"].as_str().unwrap().contains("答案确有争议"),
        "{last}"
    );
}
