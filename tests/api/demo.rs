//! The demo data (`exam-platform demo`): made on the shipped banks, visible to staff over HTTP,
//! and not made twice.

use crate::support::TestApp;
use chrono::Utc;
use exam_platform::error::ErrorCode;
use exam_platform::exam::demo;
use exam_platform::exam::identity::IdNumber;

#[tokio::test]
async fn the_demo_seats_its_candidates_with_tickets_once() {
    let app = TestApp::spawn_with_banks().await;
    // A second pool on the app's database, as the binary uses the app's own before serving.
    let db = exam_platform::db::connect(&app.database_url, 2)
        .await
        .expect("connect");
    let made = demo::ensure(&db, Utc::now()).await.expect("demo data");
    assert!(made.created);
    assert_eq!(made.candidates.len(), 10);

    let admin = app.admin().await;
    let exam = app
        .get_json(&admin, &format!("/api/exams/{}", made.exam_id))
        .await;
    assert_eq!(exam["definition"]["name"], demo::EXAM_NAME, "{exam}");
    assert_eq!(exam["definition"]["release"], "at_submit");
    assert_eq!(exam["definition"]["pass_line"], 60.0);
    let session = app
        .get_json(&admin, &format!("/api/sessions/{}", made.session_id))
        .await;
    assert_eq!(session["name"], demo::SESSION_NAME);
    assert_eq!(session["exam_id"], made.exam_id);

    let list = app
        .get_json(
            &admin,
            &format!("/api/sessions/{}/candidates", made.session_id),
        )
        .await;
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), made.candidates.len());
    for (shown, c) in list.iter().zip(&made.candidates) {
        let ticket = shown["ticket"].as_str().expect("a ticket");
        assert!(ticket.starts_with('K'), "{ticket}");
        assert_eq!(ticket, c.ticket);
        assert_eq!(shown["name"], c.name.as_str());
        assert_eq!(shown["room"], c.room.as_str());
        let id = IdNumber::parse(&c.id_number).expect("a valid ID number");
        assert_eq!(shown["id_number"], id.masked().as_str());
    }
    let rooms: Vec<&str> = list.iter().filter_map(|c| c["room"].as_str()).collect();
    assert_eq!(rooms.iter().filter(|r| **r == "第一考场").count(), 6);
    assert_eq!(rooms.iter().filter(|r| **r == "第二考场").count(), 4);

    let again = demo::ensure(&db, Utc::now()).await.expect("demo again");
    assert!(!again.created);
    assert_eq!(again.session_id, made.session_id);
    assert_eq!(again.candidates, made.candidates);
    let sessions = app.get_json(&admin, "/api/sessions").await;
    let demos = sessions
        .as_array()
        .expect("a list")
        .iter()
        .filter(|s| s["name"] == demo::SESSION_NAME)
        .count();
    assert_eq!(demos, 1, "a second start makes no second session");
    let exams = app.get_json(&admin, "/api/exams").await;
    assert_eq!(exams.as_array().map(Vec::len), Some(1), "{exams}");
}

#[tokio::test]
async fn without_the_shipped_banks_the_demo_exam_is_refused() {
    let app = TestApp::spawn().await;
    let db = exam_platform::db::connect(&app.database_url, 2)
        .await
        .expect("connect");
    let err = demo::ensure(&db, Utc::now()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownBank, "{}", err.message);
}

#[tokio::test]
async fn the_practical_demo_checks_everyone_in_so_its_judges_can_mark_at_once() {
    use exam_platform::practical::demo as practical;
    let app = TestApp::spawn_with_banks().await;
    let db = exam_platform::db::connect(&app.database_url, 2)
        .await
        .expect("connect");
    let made = practical::ensure(&db, Utc::now())
        .await
        .expect("practical demo");
    assert!(made.created);
    assert_eq!(made.codes.len(), 10);
    assert!(made.codes.iter().all(|(_, _, code)| code.len() == 6));

    // The head judge sees both tasks, leads them, and the work codes of every candidate but
    // never a name before the lock.
    let head = app
        .login(practical::JUDGES[0].0, practical::JUDGE_PASSWORD)
        .await;
    let tasks = app.get_json(&head, "/api/judging/tasks").await;
    let tasks = tasks.as_array().expect("a list");
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    assert!(tasks.iter().all(|t| t["head"] == true));
    let task = app
        .get_json(
            &head,
            &format!("/api/judging/tasks/{}", tasks[0]["task_id"]),
        )
        .await;
    let shown = task["candidates"].as_array().expect("candidates");
    assert_eq!(shown.len(), 10);
    assert!(
        shown
            .iter()
            .all(|c| c.get("name").is_none_or(|n| n.is_null()))
    );
    assert!(task["task"]["scheme"].as_array().expect("scheme").len() >= 8);
    // The judge from a candidate's employer is refused those candidates (回避).
    let conflicted = app
        .login(practical::JUDGES[3].0, practical::JUDGE_PASSWORD)
        .await;
    let task = app
        .get_json(
            &conflicted,
            &format!("/api/judging/tasks/{}", tasks[0]["task_id"]),
        )
        .await;
    let statuses: Vec<&str> = task["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .filter_map(|c| c["status"].as_str())
        .collect();
    assert!(statuses.contains(&"conflict"), "{statuses:?}");

    let again = practical::ensure(&db, Utc::now()).await.expect("again");
    assert!(!again.created);
    assert_eq!(again.codes, made.codes);
}

#[tokio::test]
async fn the_competition_demo_is_ready_for_the_recheck_the_decryption_and_the_ranking() {
    use exam_platform::competition::demo as competition;
    use serde_json::Value;
    let (app, db, rt, made) = competition_demo().await;
    assert!(made.created);
    let stage = |rest: &str| format!("/api/competitions/stages/{}/{rest}", made.final_stage);
    let admin = app.admin().await;
    // Two late registrations wait for review.
    let pending: Value = app
        .get_json(
            &admin,
            &format!(
                "/api/competitions/{}/registrations?status=pending",
                made.competition_id
            ),
        )
        .await;
    assert_eq!(
        pending["items"].as_array().map(Vec::len),
        Some(2),
        "{pending}"
    );
    // Before the ceremony nobody, the admin included, sees who is behind a code.
    let r = app.get(&admin, &stage("mapping")).await;
    assert_eq!(r.status(), reqwest::StatusCode::FORBIDDEN);
    // What the newcomer does by hand: finish the recheck, then decrypt in order.
    decrypt(&app, &made).await;
    let view: Value = app
        .get_json(
            &admin,
            &format!("/api/competitions/{}", made.competition_id),
        )
        .await;
    let event = &view["events"][0]["id"];
    for g in view["groups"].as_array().expect("groups") {
        let ranking: Value = app
            .get_json(
                &admin,
                &format!("/api/competitions/events/{event}/ranking?group={}", g["id"]),
            )
            .await;
        let ranked = ranking["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["rank"].is_number())
            .count();
        // The best three of each group reached the final (more only with a tie at the cut).
        assert!(ranked >= 3, "{ranking}");
    }
    let again = competition::ensure(&db, &rt, Utc::now())
        .await
        .expect("again");
    assert!(!again.created);
}

/// Issue 15 on the demo, as the newcomer does it from the console: after the decryption the board
/// is frozen, results are published, a contestant appeals and the leader sees it, the arbitrator
/// rejects it with a reason, results become final in both groups, the ceremony reveals the final
/// board step by step, awards are evaluated and certificates issued, and one verifies by its QR.
#[tokio::test]
async fn the_competition_demo_goes_from_publication_through_an_appeal_to_awards_the_reveal_and_a_verified_certificate()
 {
    use exam_platform::competition::demo as competition;
    use reqwest::StatusCode;
    use serde_json::{Value, json};
    let (app, _db, _rt, made) = competition_demo().await;
    let (arbitrator, leader, leader_code) = made.appeals.clone().expect("appeal logins");
    let cid = made.competition_id;
    let admin = app.admin().await;
    decrypt(&app, &made).await;
    // The hall's board is frozen before anything is published: it shows codes only.
    let r = app
        .put_json(
            &admin,
            &format!("/api/competitions/{cid}/board/freeze"),
            &json!({"freeze_at": Utc::now()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let board = format!("/api/board/{}", competition::CODE);
    let frozen = reqwest::get(app.url(&board))
        .await
        .expect("board")
        .bytes()
        .await
        .expect("body");

    let view: Value = app
        .get_json(&admin, &format!("/api/competitions/{cid}"))
        .await;
    let event = view["events"][0]["id"].as_i64().expect("event");
    let groups: Vec<i64> = view["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["id"].as_i64())
        .collect();
    let results =
        |g: i64, what: &str| format!("/api/competitions/events/{event}/results/{what}?group={g}");
    for g in &groups {
        let r = app
            .post_json(
                &admin,
                &results(*g, "provisional"),
                &json!({"appeal_window_minutes": 120}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "group {g}");
    }

    // A finalist of the first group appeals; their leader sees it too, nobody else does.
    let published: Value = app
        .get_json(
            &admin,
            &format!(
                "/api/competitions/events/{event}/results?group={}",
                groups[0]
            ),
        )
        .await;
    let top = &published[0]["ranking"]["rows"][0];
    let regs: Value = app
        .get_json(
            &admin,
            &format!("/api/competitions/{cid}/registrations?status=accepted"),
        )
        .await;
    let me = regs["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["id"] == top["contestant_id"])
        .expect("the first finalist's registration");
    let r = app
        .post_json(
            "",
            "/api/appeals/login",
            &json!({"number": me["number"], "id_number": me["id_number"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let token = r.json::<Value>().await.expect("login")["token"]
        .as_str()
        .expect("token")
        .to_string();
    let r = app
        .post_json(
            &token,
            "/api/appeals",
            &json!({"stage_id": made.final_stage, "task": "PRA-0001",
                    "grounds": "认为摄像机安装项目的测量项被漏记，请复查评分表。"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let appeal = r.json::<Value>().await.expect("appeal")["id"].clone();
    if me["leader"] == leader.as_str() {
        let r = app
            .post_json(
                "",
                "/api/appeals/leader-login",
                &json!({"code": leader_code, "leader": leader}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let lt = r.json::<Value>().await.expect("leader")["token"]
            .as_str()
            .expect("token")
            .to_string();
        let theirs: Value = app.get_json(&lt, "/api/appeals/mine").await;
        assert!(theirs.to_string().contains(&appeal.to_string()), "{theirs}");
    }
    // The public board says nothing of it: it is still the frozen bytes.
    let now = reqwest::get(app.url(&board))
        .await
        .expect("board")
        .bytes()
        .await
        .expect("body");
    assert_eq!(now, frozen);

    // The arbitrator reviews and rejects it with a reason; the contestant sees the decision.
    let arb = app.login(&arbitrator, competition::PASSWORD).await;
    let r = app
        .post_json(
            &arb,
            &format!("/api/competitions/appeals/{appeal}/review"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post_json(
            &arb,
            &format!("/api/competitions/appeals/{appeal}/decision"),
            &json!({"outcome": "rejected", "reason": "经核查评分表与录像，测量项评分无误。"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mine: Value = app.get_json(&token, "/api/appeals/mine").await;
    assert_eq!(mine[0]["status"], "rejected", "{mine}");

    // Final while the window is open is refused; staff re-publish (closing the window) and finalise.
    let r = app
        .post_json(&admin, &results(groups[0], "final"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    for g in &groups {
        let r = app
            .post_json(
                &admin,
                &results(*g, "provisional"),
                &json!({"appeal_window_minutes": 0, "reason": "申诉已处理完毕，申诉期结束"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "group {g}");
        let r = app
            .post_json(&admin, &results(*g, "final"), &json!({}))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "group {g}");
    }
    let now = reqwest::get(app.url(&board))
        .await
        .expect("board")
        .bytes()
        .await
        .expect("body");
    assert_eq!(now, frozen, "still frozen after the final results");

    // The ceremony: every step, then the board shows the final results.
    let reveal = format!("/api/competitions/{cid}/board/reveal");
    let r = app.post_json(&admin, &reveal, &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let steps = r.json::<Value>().await.expect("reveal")["steps"]
        .as_u64()
        .expect("steps");
    assert!(steps >= 6, "both groups' finalists: {steps}");
    for _ in 0..steps {
        let r = app
            .post_json(&admin, &format!("{reveal}/next"), &json!({}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = app
        .post_json(&admin, &format!("{reveal}/end"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let live: Value = reqwest::get(app.url(&board))
        .await
        .expect("board")
        .json()
        .await
        .expect("json");
    assert!(
        live.to_string()
            .contains(top["name"].as_str().expect("name")),
        "{live}"
    );

    // Awards and certificates for each group; a prize certificate verifies by its QR. (Three
    // finalists a group: 10 % rounds to nobody, so the best prize here is the 二等奖.)
    for g in &groups {
        let awards = format!("/api/competitions/events/{event}/awards?group={g}");
        let r = app.post_json(&admin, &awards, &json!({})).await;
        assert_eq!(r.status(), StatusCode::OK, "group {g}");
        let r = app
            .post_json(
                &admin,
                &format!("/api/competitions/events/{event}/awards/certificates?group={g}"),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "group {g}");
    }
    let listed: Value = app
        .get_json(
            &admin,
            &format!(
                "/api/competitions/events/{event}/awards?group={}",
                groups[0]
            ),
        )
        .await;
    let first = listed
        .as_array()
        .expect("awards")
        .iter()
        .find(|a| a["kind"] == "second_prize")
        .expect("a second prize");
    let number = first["certificate_number"].as_str().expect("issued");
    let found: Value = app
        .get_json(&admin, &format!("/api/certificates?number={number}"))
        .await;
    let r = app
        .client
        .post(app.url("/api/verify"))
        .json(&json!({"text": found[0]["qr_text"]}))
        .send()
        .await
        .expect("verify");
    let verdict: Value = r.json().await.expect("verdict");
    assert_eq!(verdict["outcome"], "valid", "{verdict}");
}

/// The competition demo made on a fresh app, with the runtime the binary would hand it.
async fn competition_demo() -> (
    TestApp,
    sea_orm::DatabaseConnection,
    exam_platform::exam::attempt::ExamRuntime,
    exam_platform::competition::demo::CompetitionDemo,
) {
    use exam_platform::auth::limiter::LoginGuard;
    use exam_platform::exam::attempt::ExamRuntime;
    let app = TestApp::spawn_with_banks().await;
    let db = exam_platform::db::connect(&app.database_url, 2)
        .await
        .expect("connect");
    let rt = ExamRuntime::start(
        &db,
        LoginGuard::for_candidates(5, std::time::Duration::from_secs(60)),
        exam_platform::live::Bus::start(&db),
    );
    let made = exam_platform::competition::demo::ensure(&db, &rt, Utc::now())
        .await
        .expect("competition demo");
    (app, db, rt, made)
}

/// What the newcomer does first: the supervisor finishes the recheck, then both layers are
/// opened in order by their holders.
async fn decrypt(app: &TestApp, made: &exam_platform::competition::demo::CompetitionDemo) {
    use exam_platform::competition::demo as competition;
    use serde_json::json;
    let stage = |rest: &str| format!("/api/competitions/stages/{}/{rest}", made.final_stage);
    let [(enc, _, enc_pass), (sup, _, sup_pass)] = competition::HOLDERS;
    let sup = app.login(sup, competition::PASSWORD).await;
    let enc = app.login(enc, competition::PASSWORD).await;
    let r = app
        .post_json(&sup, &stage("recheck/finish"), &json!({}))
        .await;
    let v: serde_json::Value = r.json().await.expect("recheck");
    assert_eq!(v["status"], "corrections", "{v}");
    assert_eq!(v["wrong_sheets"], 0);
    for (token, layer, pass) in [(&sup, 2, sup_pass), (&enc, 1, enc_pass)] {
        let r = app
            .post_json(
                token,
                &stage("decrypt"),
                &json!({"layer": layer, "passphrase": pass}),
            )
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::OK, "layer {layer}");
    }
}
