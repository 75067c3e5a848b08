//! Candidates sitting exams over HTTP: login, paper, autosave, takeover, submit, scoring,
//! marking, results, time limits, and bad input.

use crate::support::{
    Candidate, SessionFixture, Sitting, TestApp, client_from, error_code, id_number,
};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

/// An exam on the shipped banks: 5 single (2 points), 3 multiple (2), 4 true/false (1), 1 fill
/// (4) and, when asked, 1 short answer (10).
fn definition(release: &str, with_short: bool) -> Value {
    let mut cells = vec![
        json!({"bank": "LAW", "kind": "single", "count": 5, "points": 2}),
        json!({"bank": "VID", "kind": "multiple", "count": 3, "points": 2}),
        json!({"bank": "STD", "kind": "true_false", "count": 4, "points": 1}),
        json!({"bank": "ACC", "kind": "fill", "count": 1, "points": 4}),
    ];
    if with_short {
        cells.push(json!({"bank": "VID", "kind": "short", "count": 1, "points": 10}));
    }
    // One sitting, so the review (keys, explanations) is shown as soon as it is submitted.
    json!({"name": "安防从业人员继续教育培训考试", "time_limit_minutes": 60, "pass_line": 12,
    "release": release, "multiple_policy": "proportional", "review": "no_sittings_left",
    "blueprint": {"sections": [
        {"title": "一、客观题", "cells": cells[..4].to_vec()},
        {"title": "二、简答题", "cells": cells[4..].to_vec()}
    ]}})
}

/// An app with the shipped banks, an exam, a session open now and `n` candidates.
async fn sitting(release: &str, with_short: bool, n: u32) -> Sitting {
    let mut def = definition(release, with_short);
    if !with_short {
        def["blueprint"]["sections"]
            .as_array_mut()
            .unwrap()
            .truncate(1);
    }
    sitting_with(def, n, -3600, 7200).await
}

async fn sitting_with(def: Value, n: u32, opens_in_s: i64, closes_in_s: i64) -> Sitting {
    SessionFixture::new(def)
        .open(opens_in_s, closes_in_s)
        .candidates(n, "19850312", 100)
        .sit(TestApp::spawn_with_banks().await)
        .await
}

/// A response of the right shape for a delivered question: the first option, `true`, the
/// blank's text, or a sentence.
fn some_answer(q: &Value) -> Value {
    match q["kind"].as_str().unwrap() {
        "single" | "multiple" => json!({"type": "choice", "selected": [q["options"][0]["id"]]}),
        "true_false" => json!({"type": "true_false", "value": true}),
        "fill" => {
            json!({"type": "blanks", "values": vec!["答案"; q["blanks"].as_u64().unwrap() as usize]})
        }
        _ => json!({"type": "text", "text": "应当定期检查设备并做好记录。"}),
    }
}

async fn save(
    app: &TestApp,
    token: &str,
    attempt: i64,
    q: i64,
    response: &Value,
    seq: i64,
) -> reqwest::Response {
    app.put_json(
        token,
        &format!("/api/attempts/{attempt}/answers/{q}"),
        &json!({"response": response, "seq": seq}),
    )
    .await
}

#[tokio::test]
async fn a_candidate_logs_in_answers_every_question_submits_and_sees_the_score() {
    let s = sitting("at_submit", false, 1).await;
    let (token, attempt, login) = s.login(0).await;
    assert_eq!(login["candidate"]["name"], "考生0");
    assert_eq!(login["attempt"]["status"], "in_progress");
    let paper = s.paper(&token, attempt).await;
    let questions = paper["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 13);
    assert_eq!(paper["exam"]["total_points"], 24.0);
    let mut seen = std::collections::HashSet::new();
    for (seq, q) in questions.iter().enumerate() {
        assert!(seen.insert(q["id"].as_i64().unwrap()), "no question twice");
        let r = save(
            &s.app,
            &token,
            attempt,
            q["id"].as_i64().unwrap(),
            &some_answer(q),
            seq as i64 + 1,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["saved_seq"], seq as i64 + 1);
        assert_eq!(v["applied"], true);
    }
    let state = s
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(state["answered"], 13);
    assert_eq!(state["total"], 13);
    assert!(state["remaining_seconds"].as_i64().unwrap() > 3500);
    assert!(state["result"].is_null(), "no result before submitting");

    let r = s
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["status"], "submitted");
    assert_eq!(done["submitted_by"], "candidate");
    let result = &done["result"];
    assert_eq!(result["max"], 24.0);
    assert_eq!(result["final"], true);
    let total = result["total"].as_f64().unwrap();
    assert!((0.0..=24.0).contains(&total));
    assert_eq!(result["passed"], json!(total >= 12.0));
    assert_eq!(result["items"].as_array().unwrap().len(), 13);
    assert!(
        result["items"][0]["explanation"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "released results show the explanation"
    );

    let again = s
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "submitting twice changes nothing"
    );
    assert_eq!(
        again.json::<Value>().await.unwrap()["result"]["total"],
        total
    );
}

#[tokio::test]
async fn the_paper_on_the_tablet_carries_no_key_no_explanation_and_opaque_option_ids() {
    let s = sitting("at_submit", true, 2).await;
    let (t0, a0, _) = s.login(0).await;
    let (t1, a1, _) = s.login(1).await;
    let p0 = s
        .app
        .get(&t0, &format!("/api/attempts/{a0}/paper"))
        .await
        .text()
        .await
        .unwrap();
    for word in [
        "correct",
        "key",
        "explanation",
        "reference",
        "rubric",
        "accepted",
        "source",
    ] {
        assert!(
            !p0.contains(&format!("\"{word}\"")),
            "the paper must not carry {word}"
        );
    }
    let p0: Value = serde_json::from_str(&p0).unwrap();
    let p1 = s.paper(&t1, a1).await;
    let ids = |p: &Value| -> Vec<String> {
        p["questions"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|q| {
                q["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o["id"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let (i0, i1) = (ids(&p0), ids(&p1));
    assert!(
        i0.iter()
            .all(|id| id.len() == 16 && !["A", "B", "C", "D"].contains(&id.as_str()))
    );
    assert!(
        i0.iter().all(|id| !i1.contains(id)),
        "option ids differ between candidates"
    );
}

#[tokio::test]
async fn a_repeated_or_older_save_changes_nothing() {
    let s = sitting("at_submit", false, 1).await;
    let (token, attempt, _) = s.login(0).await;
    let paper = s.paper(&token, attempt).await;
    let q = paper["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "single")
        .unwrap()
        .clone();
    let qid = q["id"].as_i64().unwrap();
    let first = json!({"type": "choice", "selected": [q["options"][0]["id"]]});
    let second = json!({"type": "choice", "selected": [q["options"][1]["id"]]});
    let r: Value = save(&s.app, &token, attempt, qid, &second, 5)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r, json!({"saved_seq": 5, "applied": true}));
    let r: Value = save(&s.app, &token, attempt, qid, &first, 3)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        r,
        json!({"saved_seq": 5, "applied": false}),
        "an older seq loses"
    );
    let r: Value = save(&s.app, &token, attempt, qid, &first, 5)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        r,
        json!({"saved_seq": 5, "applied": false}),
        "a repeat changes nothing"
    );
    let state = s
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    let saved = &state["answers"].as_array().unwrap()[0];
    assert_eq!(saved["response"], second);
    assert_eq!(saved["seq"], 5);
    assert_eq!(state["answered"], 1);
}

#[tokio::test]
async fn many_concurrent_saves_are_each_acknowledged_and_the_highest_seq_wins() {
    let s = sitting("at_submit", false, 3).await;
    let mut handles = vec![];
    for i in 0..3 {
        let (token, attempt, _) = s.login(i).await;
        let paper = s.paper(&token, attempt).await;
        let questions = paper["questions"].as_array().unwrap().clone();
        let client = s.app.client.clone();
        let base = s.app.base.clone();
        handles.push(tokio::spawn(async move {
            let mut futures = vec![];
            for seq in 1..=60i64 {
                let q = &questions[(seq as usize) % questions.len()];
                let url = format!("{base}/api/attempts/{attempt}/answers/{}", q["id"]);
                let body = json!({"response": some_answer(q), "seq": seq});
                let req = client.put(url).bearer_auth(&token).json(&body);
                futures.push(async move { req.send().await.unwrap().status() });
            }
            let statuses = futures_util::future::join_all(futures).await;
            assert!(
                statuses.iter().all(|s| *s == StatusCode::OK),
                "{statuses:?}"
            );
            (token, attempt, questions)
        }));
    }
    for h in handles {
        let (token, attempt, questions) = h.await.unwrap();
        let state = s
            .app
            .get_json(&token, &format!("/api/attempts/{attempt}"))
            .await;
        assert_eq!(state["answered"], questions.len());
        for a in state["answers"].as_array().unwrap() {
            let pos = questions
                .iter()
                .position(|q| q["id"] == a["question_id"])
                .unwrap() as i64;
            let n = questions.len() as i64;
            let highest = (1..=60).filter(|seq| seq % n == pos).max().unwrap();
            assert_eq!(
                a["seq"], highest,
                "the newest save of each question is kept"
            );
        }
    }
}

#[tokio::test]
async fn logging_in_on_another_tablet_continues_the_attempt_and_logs_the_first_out() {
    let s = sitting("at_submit", false, 1).await;
    let (old, attempt, _) = s.login(0).await;
    let paper = s.paper(&old, attempt).await;
    let q = &paper["questions"][0];
    let qid = q["id"].as_i64().unwrap();
    assert_eq!(
        save(&s.app, &old, attempt, qid, &some_answer(q), 1)
            .await
            .status(),
        StatusCode::OK
    );

    let (new, again, login) = s.login(0).await;
    assert_eq!(again, attempt, "the same attempt continues");
    assert_eq!(
        login["attempt"]["answers"][0]["question_id"], qid,
        "with its saved answers"
    );
    let same = s.paper(&new, attempt).await;
    assert_eq!(same["questions"], paper["questions"], "and the same paper");

    let r = save(&s.app, &old, attempt, qid, &some_answer(q), 2).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "taken_over".into())
    );
    let r = s.app.get(&old, &format!("/api/attempts/{attempt}")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "taken_over".into())
    );
    assert_eq!(
        save(&s.app, &new, attempt, qid, &some_answer(q), 2)
            .await
            .status(),
        StatusCode::OK
    );

    let db = Database::connect(&s.app.database_url).await.unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM attempt_events WHERE attempt_id = {attempt} AND kind = 'takeover'"),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get::<i64>("", "n").unwrap(),
        1,
        "the takeover is recorded"
    );
}

#[tokio::test]
async fn bad_answers_get_clear_codes_and_change_nothing() {
    let s = sitting("at_submit", false, 2).await;
    let (token, attempt, _) = s.login(0).await;
    let (other_token, other_attempt, _) = s.login(1).await;
    let paper = s.paper(&token, attempt).await;
    let qs = paper["questions"].as_array().unwrap();
    let single = qs.iter().find(|q| q["kind"] == "single").unwrap();
    let fill = qs.iter().find(|q| q["kind"] == "fill").unwrap();
    let sid = single["id"].as_i64().unwrap();
    let cases = [
        (save(&s.app, &token, attempt, 999_999, &some_answer(single), 1).await, StatusCode::NOT_FOUND, "question_not_on_paper"),
        (save(&s.app, &token, attempt, sid, &json!({"type": "true_false", "value": true}), 1).await, StatusCode::UNPROCESSABLE_ENTITY, "wrong_response_type"),
        (save(&s.app, &token, attempt, sid, &json!({"type": "choice", "selected": ["A"]}), 1).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_option"),
        (save(&s.app, &token, attempt, sid, &json!({"type": "choice", "selected": [single["options"][0]["id"], single["options"][1]["id"]]}), 1).await, StatusCode::UNPROCESSABLE_ENTITY, "too_many_selections"),
        (save(&s.app, &token, attempt, fill["id"].as_i64().unwrap(), &json!({"type": "blanks", "values": ["a", "b", "c", "d", "e"]}), 1).await, StatusCode::UNPROCESSABLE_ENTITY, "blank_count_mismatch"),
        (save(&s.app, &token, attempt, sid, &some_answer(single), 0).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_seq"),
        (save(&s.app, &token, attempt, sid, &json!({"type": "telepathy"}), 1).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (save(&s.app, &token, other_attempt, sid, &some_answer(single), 1).await, StatusCode::FORBIDDEN, "forbidden"),
        (save(&s.app, "not-a-token", attempt, sid, &some_answer(single), 1).await, StatusCode::UNAUTHORIZED, "invalid_token"),
        (save(&s.app, &s.admin, attempt, sid, &some_answer(single), 1).await, StatusCode::UNAUTHORIZED, "invalid_token"),
        (s.app.get(&other_token, &format!("/api/attempts/{attempt}")).await, StatusCode::FORBIDDEN, "forbidden"),
        (s.app.get(&other_token, &format!("/api/attempts/{attempt}/paper")).await, StatusCode::FORBIDDEN, "forbidden"),
        (s.app.get(&token, &format!("/api/sessions/{}/results", s.session_id)).await, StatusCode::UNAUTHORIZED, "invalid_token"),
    ];
    for (r, status, code) in cases {
        assert_eq!(error_code(r).await, (status, code.to_string()));
    }
    let r = s
        .app
        .client
        .put(s.app.url(&format!("/api/attempts/{attempt}/answers/{sid}")))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"response\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = save(
        &s.app,
        &token,
        attempt,
        sid,
        &json!({"type": "text", "text": "x".repeat(2_000_000)}),
        1,
    )
    .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let state = s
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(state["answered"], 0, "nothing was saved");

    s.app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    let r = save(&s.app, &token, attempt, sid, &some_answer(single), 1).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "attempt_submitted".into())
    );
}

async fn login_from(
    client: &reqwest::Client,
    s: &Sitting,
    ticket: &str,
    idn: &str,
) -> reqwest::Response {
    client
        .post(s.app.url("/api/candidate/login"))
        .json(&json!({"ticket": ticket, "id_number": idn}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_guesser_on_another_candidates_ticket_waits_but_the_real_candidate_logs_in_elsewhere() {
    let s = sitting("at_submit", false, 1).await;
    let Candidate {
        ticket,
        id_number: idn,
    } = s.candidates[0].clone();
    let guesser = client_from("127.0.0.2");
    let other = id_number("19900101", 7);
    let r = login_from(&guesser, &s, &ticket, &other).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
    // Malformed input is refused and not counted.
    let r = login_from(&guesser, &s, "K00000100001Z", &idn).await;
    assert_eq!(
        error_code(r).await.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a ticket whose check letter is wrong"
    );
    let r = login_from(&guesser, &s, &ticket, "44010619850312").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_id_number".into())
    );
    for _ in 0..4 {
        let r = login_from(&guesser, &s, &ticket, &other).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // The guesser now waits: even the right ID number is not looked at from his address.
    let r = login_from(&guesser, &s, &ticket, &idn).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&wait), "Retry-After {wait}");
    // The real candidate on their own tablet gets in at once, while the guesser still waits.
    let tablet = client_from("127.0.0.3");
    let r = login_from(&tablet, &s, &ticket, &idn).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = login_from(&guesser, &s, &ticket, &other).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_hundred_failures_from_a_venue_address_do_not_lock_out_the_tablets_behind_it() {
    let s = sitting("at_submit", false, 2).await;
    let venue = client_from("127.0.0.4");
    // Someone at the venue tries 110 made-up tickets.
    for i in 0..110 {
        let r = login_from(&venue, &s, &format!("99{i:08}"), &id_number("19900101", 7)).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "try {i}");
    }
    // The candidates behind the same address still get in with their own ticket and ID.
    for c in &s.candidates {
        let r = login_from(&venue, &s, &c.ticket, &c.id_number).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_huge_or_malformed_ticket_is_refused_before_it_is_counted() {
    let s = sitting("at_submit", false, 1).await;
    let Candidate {
        ticket,
        id_number: idn,
    } = s.candidates[0].clone();
    let huge = format!("{ticket}{}", "A".repeat(1000 * 1024));
    for bad in [huge.as_str(), "K00000100001Z", "短"] {
        for _ in 0..6 {
            let r = login_from(&s.app.client, &s, bad, &idn).await;
            assert_eq!(
                error_code(r).await,
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_ticket".into()),
                "never a 429: nothing was counted"
            );
        }
    }
    assert_eq!(s.try_login(0).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_session_that_has_not_opened_refuses_to_start_an_attempt() {
    let mut def = definition("at_submit", false);
    def["blueprint"]["sections"]
        .as_array_mut()
        .unwrap()
        .truncate(1);
    let s = sitting_with(def, 1, 3600, 7200).await;
    let r = s.try_login(0).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "session_not_open".into())
    );
}

async fn set_deadline_passed(app: &TestApp, attempt: i64) {
    let db = Database::connect(&app.database_url).await.unwrap();
    db.execute_unprepared(&format!(
        "UPDATE attempts SET deadline_ms = {} WHERE id = {attempt}",
        chrono::Utc::now().timestamp_millis() - 1000
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn after_the_deadline_saves_are_refused_and_the_sweeper_submits_the_attempt() {
    let s = sitting("at_submit", false, 1).await;
    let (token, attempt, _) = s.login(0).await;
    let paper = s.paper(&token, attempt).await;
    let q = &paper["questions"][0];
    let qid = q["id"].as_i64().unwrap();
    assert_eq!(
        save(&s.app, &token, attempt, qid, &some_answer(q), 1)
            .await
            .status(),
        StatusCode::OK
    );
    set_deadline_passed(&s.app, attempt).await;
    let r = save(&s.app, &token, attempt, qid, &some_answer(q), 2).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "time_up".into())
    );

    // The tablet never comes back; the sweeper (every 2 s) submits on its own.
    let db = Database::connect(&s.app.database_url).await.unwrap();
    let mut status = String::new();
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT status, submitted_by FROM attempts WHERE id = {attempt}"),
            ))
            .await
            .unwrap()
            .unwrap();
        status = row.try_get::<String>("", "status").unwrap();
        if status == "submitted" {
            assert_eq!(
                row.try_get::<String>("", "submitted_by").unwrap(),
                "timeout"
            );
            break;
        }
    }
    assert_eq!(status, "submitted");
    let state = s
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(state["status"], "submitted");
    assert_eq!(state["answered"], 1, "the save made in time counts");
    assert!(state["result"]["total"].is_number());
}

#[tokio::test]
async fn short_answers_wait_for_marking_and_results_are_hidden_until_staff_release_them() {
    let s = sitting("by_staff", true, 3).await;
    let mut attempts = vec![];
    for i in 0..2 {
        let (token, attempt, _) = s.login(i).await;
        let paper = s.paper(&token, attempt).await;
        for (n, q) in paper["questions"].as_array().unwrap().iter().enumerate() {
            save(
                &s.app,
                &token,
                attempt,
                q["id"].as_i64().unwrap(),
                &some_answer(q),
                n as i64 + 1,
            )
            .await;
        }
        let done: Value = s
            .app
            .post_json(
                &token,
                &format!("/api/attempts/{attempt}/submit"),
                &json!({}),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(done["status"], "submitted");
        assert!(done["result"].is_null(), "not released yet");
        attempts.push((token, attempt));
    }
    let sid = s.session_id;
    let results = s
        .app
        .get_json(&s.admin, &format!("/api/sessions/{sid}/results"))
        .await;
    assert_eq!(results["candidates"], 3);
    assert_eq!(results["sat"], 2);
    assert_eq!(results["final_results"], 0, "both wait for a marker");
    assert!(
        results["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "not_started"),
        "not started while the session is open (absent only once it closed)"
    );

    let judge = s.app.user_with_roles("judge1", &["judge"]).await;
    let proctor = s.app.user_with_roles("proctor1", &["proctor"]).await;
    let r = s
        .app
        .get(&proctor, &format!("/api/sessions/{sid}/marking"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let queue = s
        .app
        .get_json(&judge, &format!("/api/sessions/{sid}/marking"))
        .await;
    let queue = queue.as_array().unwrap();
    assert_eq!(queue.len(), 2);
    assert!(queue[0]["work_code"].as_str().unwrap().starts_with('W'));
    assert!(
        !queue[0].to_string().contains("考生"),
        "markers do not see names"
    );
    assert_eq!(queue[0]["answer"], "应当定期检查设备并做好记录。");
    assert!(!queue[0]["reference"].as_str().unwrap().is_empty());

    let m0 = queue[0]["id"].as_i64().unwrap();
    let r = s
        .app
        .put_json(&judge, &format!("/api/marks/{m0}"), &json!({"points": 11}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_points".into())
    );
    for (m, points) in [(m0, 8.0), (queue[1]["id"].as_i64().unwrap(), 3.5)] {
        let r = s
            .app
            .put_json(
                &judge,
                &format!("/api/marks/{m}"),
                &json!({"points": points, "comment": "要点基本齐全"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let left = s
        .app
        .get_json(&judge, &format!("/api/sessions/{sid}/marking"))
        .await;
    assert_eq!(left.as_array().unwrap().len(), 0);

    let results = s
        .app
        .get_json(&s.admin, &format!("/api/sessions/{sid}/results"))
        .await;
    assert_eq!(results["final_results"], 2);
    let rows = results["rows"].as_array().unwrap();
    assert_eq!(rows[0]["rank"], 1);
    assert!(rows[0]["score"].as_f64() >= rows[1]["score"].as_f64());
    assert!(
        rows[2]["rank"].is_null(),
        "the absent candidate has no rank"
    );
    assert_eq!(rows[0]["sections"].as_array().unwrap().len(), 2);
    assert!(rows[0]["id_number"].as_str().unwrap().contains("********"));

    let (token, attempt) = &attempts[0];
    let before = s
        .app
        .get_json(token, &format!("/api/attempts/{attempt}"))
        .await;
    assert!(before["result"].is_null(), "marked but not released");
    let r = s
        .app
        .post_json(&judge, &format!("/api/sessions/{sid}/release"), &json!({}))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "judges do not release results"
    );
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{sid}/release"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let after = s
        .app
        .get_json(token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(after["result"]["final"], true);
    assert!(after["result"]["passed"].is_boolean());

    let csv = s
        .app
        .get(&s.admin, &format!("/api/sessions/{sid}/results?format=csv"))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = String::from_utf8(csv.bytes().await.unwrap().to_vec()).unwrap();
    let header = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        header.starts_with("名次,准考证号,姓名,身份证号"),
        "{header}"
    );
    assert!(header.contains("一、客观题") && header.contains("二、简答题"));
    assert_eq!(text.lines().count(), 4);
    let xlsx = s
        .app
        .get(
            &s.admin,
            &format!("/api/sessions/{sid}/results?format=xlsx"),
        )
        .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let r = s
        .app
        .get(&s.admin, &format!("/api/sessions/{sid}/results?format=pdf"))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "unknown_format".into())
    );
}

#[tokio::test]
async fn a_papers_seed_regenerates_the_identical_paper_even_after_the_bank_changes() {
    let s = sitting("at_submit", false, 1).await;
    let (_, attempt, _) = s.login(0).await;
    // Retire a question of the paper's pool after the session froze it.
    let q = s
        .app
        .get_json(&s.admin, "/api/questions?bank=LAW&kind=single&per_page=1")
        .await;
    let qid = q["items"][0]["id"].as_i64().unwrap();
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/questions/{qid}/status"),
            &json!({"status": "retired"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let audit = s
        .app
        .get_json(&s.admin, &format!("/api/attempts/{attempt}/audit"))
        .await;
    assert_eq!(audit["identical"], true, "{audit}");
    assert_eq!(
        audit["algorithm_version"],
        exam_platform::exam::paper::ALGORITHM_VERSION
    );
    assert_eq!(audit["stored"].as_array().unwrap().len(), 13);
    assert!(audit["seed"].as_str().unwrap().parse::<u64>().is_ok());
    let proctor = s.app.user_with_roles("proctor2", &["proctor"]).await;
    let r = s
        .app
        .get(&proctor, &format!("/api/attempts/{attempt}/audit"))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a proctor of another session"
    );
}

#[tokio::test]
async fn a_retake_avoids_the_questions_of_the_first_paper_where_the_bank_allows() {
    let mut def = definition("at_submit", false);
    def["blueprint"]["sections"]
        .as_array_mut()
        .unwrap()
        .truncate(1);
    def["attempts_allowed"] = json!(2);
    let s = sitting_with(def, 1, -60, 7200).await;
    let (token, attempt, _) = s.login(0).await;
    let first = s.paper(&token, attempt).await;
    let r = s
        .app
        .post_json(&token, "/api/candidate/retake", &json!({}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "attempt_in_progress".into())
    );
    s.app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    let r = s
        .app
        .post_json(&token, "/api/candidate/retake", &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let (t2, a2) = (
        v["token"].as_str().unwrap().to_string(),
        v["attempt_id"].as_i64().unwrap(),
    );
    assert_ne!(a2, attempt);
    let second = s.paper(&t2, a2).await;
    let ids = |p: &Value| -> Vec<i64> {
        p["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["id"].as_i64().unwrap())
            .collect()
    };
    let (a, b) = (ids(&first), ids(&second));
    let single_law_repeats = a.iter().filter(|q| b.contains(q)).count();
    assert_eq!(
        single_law_repeats, 0,
        "every cell has enough unseen questions"
    );
    s.app
        .post_json(&t2, &format!("/api/attempts/{a2}/submit"), &json!({}))
        .await;
    let r = s
        .app
        .post_json(&t2, "/api/candidate/retake", &json!({}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "no_attempts_left".into())
    );
}

#[tokio::test]
async fn a_restarted_server_keeps_every_saved_answer_and_takes_new_saves_at_once() {
    let s = sitting("at_submit", false, 1).await;
    let (token, attempt, _) = s.login(0).await;
    let paper = s.paper(&token, attempt).await;
    let qs = paper["questions"].as_array().unwrap();
    for (n, q) in qs.iter().take(5).enumerate() {
        let r = save(
            &s.app,
            &token,
            attempt,
            q["id"].as_i64().unwrap(),
            &some_answer(q),
            n as i64 + 1,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    // A second server on the same database starts with empty caches, as after a restart.
    let again = TestApp::start(s.app.config.clone()).await;
    let q = &qs[6];
    let r = save(
        &again,
        &token,
        attempt,
        q["id"].as_i64().unwrap(),
        &some_answer(q),
        6,
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the old token and a cold cache still save"
    );
    let state = again
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(state["answered"], 6);
}

#[tokio::test]
async fn a_paused_attempt_keeps_its_time_left_refuses_saves_and_resumes_with_extra_minutes() {
    let s = sitting("at_submit", false, 1).await;
    let (token, attempt, _) = s.login(0).await;
    let paper = s.paper(&token, attempt).await;
    let q = &paper["questions"][0];
    let qid = q["id"].as_i64().unwrap();
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/attempts/{attempt}/pause"),
            &json!({"reason": "设备故障"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let paused: Value = r.json().await.unwrap();
    assert_eq!(paused["status"], "paused");
    let left = paused["remaining_seconds"].as_i64().unwrap();
    let r = save(&s.app, &token, attempt, qid, &some_answer(q), 1).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "attempt_paused".into())
    );
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let state = s
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(state["status"], "paused");
    assert_eq!(
        state["remaining_seconds"], left,
        "the clock stands while paused"
    );
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/attempts/{attempt}/pause"),
            &json!({"reason": "再次暂停"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "already_paused".into())
    );

    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/attempts/{attempt}/resume"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/attempts/{attempt}/extend"),
            &json!({"minutes": 10, "reason": "停电补时"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let extended: Value = r.json().await.unwrap();
    let now_left = extended["remaining_seconds"].as_i64().unwrap();
    assert!(
        (left + 598..=left + 600).contains(&now_left),
        "{left} + 600 ≈ {now_left}"
    );
    assert_eq!(
        save(&s.app, &token, attempt, qid, &some_answer(q), 1)
            .await
            .status(),
        StatusCode::OK
    );
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/attempts/{attempt}/extend"),
            &json!({"minutes": 0}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_extension".into())
    );
    let r = s
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/pause"),
            &json!({}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a candidate cannot pause"
    );
    let audit = s
        .app
        .get_json(&s.admin, "/api/audit?target_type=attempt")
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .or(audit.as_array())
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in ["attempt.paused", "attempt.resumed", "attempt.extended"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    s.app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/attempts/{attempt}/extend"),
            &json!({"minutes": 5}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "attempt_submitted".into())
    );
}

#[tokio::test]
async fn a_tablet_reports_focus_events_which_are_kept_and_throttled_per_attempt() {
    let s = sitting("at_submit", false, 2).await;
    let (token, attempt, _) = s.login(0).await;
    let (other, other_attempt, _) = s.login(1).await;
    let path = format!("/api/attempts/{attempt}/events");
    let body = json!({"events": [{"kind": "heartbeat"}, {"kind": "page_hidden", "at": 1}, {"kind": "window_blur"}, {"kind": "fullscreen_exit"}]});
    let r = s.app.post_json(&token, &path, &body).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<Value>().await.unwrap()["stored"],
        3,
        "heartbeats are not stored as events"
    );
    let db = Database::connect(&s.app.database_url).await.unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM attempt_events WHERE attempt_id = {attempt} AND kind IN ('page_hidden', 'window_blur', 'fullscreen_exit')"),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 3);

    let r = s
        .app
        .post_json(&token, &path, &json!({"events": [{"kind": "teleported"}]}))
        .await;
    assert_eq!(error_code(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let r = s.app.post_json(&other, &path, &body).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    let many = json!({"events": vec![json!({"kind": "window_blur"}); 100]});
    assert_eq!(
        s.app.post_json(&token, &path, &many).await.status(),
        StatusCode::OK
    );
    let r = s.app.post_json(&token, &path, &many).await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "over 120 events a minute"
    );
    let r = s
        .app
        .post_json(
            &other,
            &format!("/api/attempts/{other_attempt}/events"),
            &body,
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "another tablet is not slowed down"
    );
    let r = s
        .app
        .post_json(
            &token,
            &path,
            &json!({"events": vec![json!({"kind": "heartbeat"}); 101]}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "too_many_events".into())
    );
}

#[tokio::test]
async fn the_tablet_app_and_its_assets_are_served_with_a_strict_content_security_policy() {
    let app = TestApp::spawn().await;
    for (path, kind) in [
        ("/", "text/html"),
        ("/console", "text/html"),
        ("/sw.js", "javascript"),
        ("/assets/js/candidate.js", "javascript"),
        ("/assets/css/base.css", "text/css"),
        ("/assets/lang/zh.js", "javascript"),
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.contains(kind), "{path}: {ct}");
        assert!(
            r.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'self'")
        );
    }
    let r = app
        .client
        .get(app.url("/assets/../Cargo.toml"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .client
        .get(app.url("/assets/nothing.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// An app with a bank `RT` of exactly 15 true/false questions (keys alternate), an exam drawing
/// all 15 of them (`extra` merged into its definition), and a session of one candidate that
/// closes in `closes_in_s` seconds. Returns the sitting and the exam's check answer.
async fn fifteen_question_pool(extra: Value, closes_in_s: i64) -> (Sitting, Value) {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    app.create_bank(&admin, "RT").await;
    for i in 0..15 {
        let q = json!({"ident": format!("RT-{i}"), "kind": "true_false", "category": ["复考"],
            "stem": format!("第 {i} 题：这一说法正确吗？"), "key": {"type": "true_false", "value": i % 2 == 0},
            "explanation": format!("第 {i} 题的解析")});
        let r = app.post_json(&admin, "/api/banks/RT/questions", &q).await;
        assert_eq!(r.status(), StatusCode::CREATED, "question {i}");
    }
    let mut def = json!({"name": "补考测试", "time_limit_minutes": 30, "pass_line": 9, "release": "at_submit",
        "show_explanations": true, "attempts_allowed": 2,
        "blueprint": {"sections": [{"cells": [{"bank": "RT", "kind": "true_false", "count": 15, "points": 1}]}]}});
    for (k, v) in extra.as_object().unwrap() {
        def[k] = v.clone();
    }
    let check = app.post_json(&admin, "/api/exams/check", &def).await;
    assert_eq!(check.status(), StatusCode::OK);
    let check: Value = check.json().await.unwrap();
    let r = app.post_json(&admin, "/api/exams", &def).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "the warning does not stop a save"
    );
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["feasibility"]["warnings"], check["warnings"]);
    let s = SessionFixture::of_exam(saved["id"].clone())
        .session(json!({"name": "补考场", "rooms": [{"name": "第一考场", "seats": 5}]}))
        .open(-60, closes_in_s)
        .candidates_named(&["考生甲"], "19850312", 100)
        .sit_as(app, admin)
        .await;
    (s, check)
}

/// Every key the result of an attempt state reveals, by question id.
fn keys_shown(state: &Value) -> Vec<(i64, Value)> {
    state["result"]["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|i| !i["key"].is_null())
                .map(|i| (i["question_id"].as_i64().unwrap(), i["key"].clone()))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_blank_submission_with_a_retake_left_shows_no_key_so_the_retake_cannot_copy_them() {
    let (s, check) = fifteen_question_pool(json!({"review": "no_sittings_left"}), 7200).await;
    // The editor is told that a retake can only repeat the paper.
    let w = &check["warnings"][0];
    assert_eq!(w["code"], "retake_repeats", "{check}");
    assert_eq!(w["repeats"], 15);
    assert_eq!(w["cells"][0]["needed"], 30);
    assert_eq!(w["cells"][0]["available"], 15);

    let (token, attempt, _) = s.login(0).await;
    let first = s.paper(&token, attempt).await;
    let r = s
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let blank: Value = r.json().await.unwrap();
    assert_eq!(
        blank["result"]["total"], 0.0,
        "the score is shown at submit"
    );
    assert_eq!(blank["result"]["review_withheld"], "sittings_left");
    assert!(
        keys_shown(&blank).is_empty(),
        "no key while a sitting is left: {}",
        blank["result"]
    );
    assert_eq!(
        blank["result"]["items"],
        json!([]),
        "not even right or wrong per question"
    );
    assert!(!blank.to_string().contains("解析"), "no explanation either");

    // The retake repeats every question (the pool is the paper), but nothing was learnt.
    let r = s
        .app
        .post_json(&token, "/api/candidate/retake", &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let (t2, a2) = (
        v["token"].as_str().unwrap().to_string(),
        v["attempt_id"].as_i64().unwrap(),
    );
    let second = s.paper(&t2, a2).await;
    let ids = |p: &Value| -> std::collections::BTreeSet<i64> {
        p["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&first), ids(&second), "the same 15 questions again");
    // While the last sitting runs, the first one's keys stay hidden too.
    let earlier = s
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(earlier["result"]["review_withheld"], "sittings_left");
    assert!(keys_shown(&earlier).is_empty());
    let r = s
        .app
        .post_json(&t2, &format!("/api/attempts/{a2}/submit"), &json!({}))
        .await;
    let last: Value = r.json().await.unwrap();
    // No sitting left: now the review is shown, for both sittings.
    assert!(
        last["result"]["review_withheld"].is_null(),
        "{}",
        last["result"]
    );
    assert_eq!(keys_shown(&last).len(), 15);
    assert!(
        last["result"]["items"][0]["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("解析"))
    );
    let earlier = s
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(keys_shown(&earlier).len(), 15);
}

#[tokio::test]
async fn by_default_the_keys_wait_until_the_session_has_closed() {
    let (s, check) = fifteen_question_pool(json!({"attempts_allowed": 1}), 4).await;
    assert_eq!(
        check["warnings"],
        json!([]),
        "one sitting: nothing to warn about"
    );
    let (token, attempt, _) = s.login(0).await;
    let r = s
        .app
        .post_json(
            &token,
            &format!("/api/attempts/{attempt}/submit"),
            &json!({}),
        )
        .await;
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["result"]["review_withheld"], "session_open");
    assert!(keys_shown(&done).is_empty());
    tokio::time::sleep(std::time::Duration::from_millis(4500)).await;
    let after = s
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert!(after["result"]["review_withheld"].is_null());
    assert_eq!(keys_shown(&after).len(), 15);
}

#[tokio::test]
async fn retakes_that_do_not_avoid_seen_questions_are_flagged_in_the_editor() {
    let app = TestApp::spawn_with_banks().await;
    let admin = app.admin().await;
    let mut def = definition("at_submit", false);
    def["blueprint"]["sections"]
        .as_array_mut()
        .unwrap()
        .truncate(1);
    def["attempts_allowed"] = json!(3);
    let f: Value = app
        .post_json(&admin, "/api/exams/check", &def)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        f["warnings"],
        json!([]),
        "the shipped banks give three fresh papers: {f}"
    );
    def["avoid_seen_on_retake"] = json!(false);
    let f: Value = app
        .post_json(&admin, "/api/exams/check", &def)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(f["warnings"][0]["code"], "retake_not_avoiding");
}

#[tokio::test]
async fn a_tablet_beating_hundreds_of_times_a_second_writes_one_heartbeat_per_interval() {
    let s = sitting("at_submit", false, 1).await;
    let (token, attempt, _) = s.login(0).await;
    let path = format!("/api/attempts/{attempt}/events");
    let beat = json!({"events": [{"kind": "heartbeat"}]});
    let db = Database::connect(&s.app.database_url).await.unwrap();
    let last_seen = || async {
        db.query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT last_seen_ms FROM attempts WHERE id = {attempt}"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "last_seen_ms")
        .unwrap()
    };
    let r = s.app.post_json(&token, &path, &beat).await;
    assert_eq!(r.status(), StatusCode::OK);
    let first = last_seen().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for _ in 0..200 {
        let r = s.app.post_json(&token, &path, &beat).await;
        assert_eq!(r.status(), StatusCode::OK, "the tablet is never refused");
        assert_eq!(r.json::<Value>().await.unwrap()["stored"], 0);
    }
    assert_eq!(last_seen().await, first, "one heartbeat written, not 201");
    // A takeover still shows at once, even while beats are not written.
    let (_, _, _) = s.login(0).await;
    let r = s.app.post_json(&token, &path, &beat).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "taken_over".into())
    );
}

/// The tablet shells start offline only if the service worker keeps every module they load: the
/// language files import one file per area, and each must be in the cached shell, which must
/// itself be served.
#[tokio::test]
async fn the_service_worker_keeps_every_language_module_the_shell_imports() {
    let app = TestApp::spawn().await;
    let text = |path: &'static str| {
        let app = &app;
        async move {
            let r = app.client.get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            r.text().await.unwrap()
        }
    };
    let sw = text("/sw.js").await;
    let list = sw
        .split("const SHELL = [")
        .nth(1)
        .and_then(|rest| rest.split("];").next())
        .expect("the SHELL list in sw.js");
    let shell: Vec<&str> = list
        .split('\'')
        .filter(|s| s.starts_with('/') && !s.contains(' '))
        .collect();
    for lang in ["/assets/lang/zh.js", "/assets/lang/en.js"] {
        assert!(shell.contains(&lang), "{lang} is not in the shell");
        for import in text(lang).await.split("from './").skip(1) {
            let file = import.split('\'').next().unwrap();
            let path = format!("/assets/lang/{file}");
            assert!(
                shell.contains(&path.as_str()),
                "{lang} imports {path}, which sw.js does not cache"
            );
        }
    }
    for path in &shell {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{path} is in the shell but not served"
        );
    }
}
