//! Judging practical tasks over HTTP: judges' marks from the tablet (idempotent, order-proof),
//! sheets and submit, spread flags and re-marks, the head judge's sign-off and lock, corrections
//! with re-authentication and a second approval, results; and every refusal the issue lists.

use crate::support::{Candidate, PracticalEvent, PracticalSpec, candidate_login, error_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Camera scheme entries: [met 1/0, deviation mm, level 0–3, occurrences].
const GOOD: [f64; 4] = [1.0, 1.0, 2.0, 0.0];

/// Candidate 0 from an unrelated employer; candidate 1 from judge a's (the head judge's)
/// employer, written differently.
async fn event() -> PracticalEvent {
    PracticalSpec::camera(&["佛山某某科技有限公司", "广州 示例安防工程有限公司"])
        .create()
        .await
}

/// The entry of a list of candidates (board or overview) with this work code.
fn by_code<'a>(list: &'a Value, code: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .expect("listed")
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap_or(f64::NAN) - b).abs() < 0.006
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.unwrap()
}

/// Every expected sheet of both candidates is in, without a flag; then the head signs off.
async fn locked_event() -> PracticalEvent {
    let e = event().await;
    for j in 0..3 {
        let r = e.mark_all(j, 0, 0, &GOOD, 1).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    for j in 1..3 {
        let r = e.mark_all(j, 0, 1, &GOOD, 100).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = e
        .app
        .post_json(
            e.judge(0),
            &format!("/api/judging/tasks/{}/sign-off", e.tasks[0]),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    e
}

#[tokio::test]
async fn marks_are_submitted_a_spread_flag_is_re_marked_and_cleared_then_signed_off_locked_and_corrected()
 {
    let e = event().await;
    let t = e.tasks[0];
    // Judge a's list holds the task, as its head.
    let mine: Value = e.app.get_json(e.judge(0), "/api/judging/tasks").await;
    assert_eq!(mine[0]["task_id"], t);
    assert_eq!(mine[0]["head"], true);
    assert_eq!(mine[0]["title"], "前端摄像机安装与调试");
    // Candidate 0: judges a, b, c disagree on the judgement (3, 1, 2).
    for (j, entries) in [
        (0, [1.0, 1.5, 3.0, 0.0]),
        (1, [1.0, 3.0, 1.0, 1.0]),
        (2, [1.0, 0.0, 2.0, 0.0]),
    ] {
        let r = e.mark_all(j, 0, 0, &entries, 10).await;
        assert_eq!(r.status(), StatusCode::OK, "judge {j} submits");
        let sheet = json_of(r).await;
        assert!(sheet["submitted_at"].is_string());
        // The flag is raised only when the last expected sheet is in.
        let flagged = !sheet["flags"].as_array().unwrap().is_empty();
        assert_eq!(flagged, j == 2, "flags after judge {j}");
    }
    // Candidate 1: judge a is conflicted; b and c agree.
    let r = e.mark(0, 0, 1, 0, 1.0, 1).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "conflict_of_interest".into())
    );
    for (j, entries) in [(1, [1.0, 2.0, 2.0, 0.0]), (2, [0.0, 2.0, 2.0, 0.0])] {
        assert_eq!(
            e.mark_all(j, 0, 1, &entries, 50).await.status(),
            StatusCode::OK
        );
    }
    let board: Value = e
        .app
        .get_json(e.judge(0), &format!("/api/judging/tasks/{t}"))
        .await;
    assert_eq!(
        by_code(&board["candidates"], e.code(0))["flags"],
        json!([2])
    );
    let statuses: Vec<&str> = board["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"conflict") && statuses.contains(&"submitted"));
    // Sign-off waits for the flag.
    let sign_off = format!("/api/judging/tasks/{t}/sign-off");
    let r = e.app.post_json(e.judge(0), &sign_off, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "flags_open".into())
    );
    // A submitted sheet's other aspects stay as they are; the flagged one is re-marked.
    let r = e.mark(0, 0, 0, 0, 0.0, 30).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "sheet_submitted".into())
    );
    let r = e.mark(0, 0, 0, 2, 2.0, 31).await;
    assert_eq!(r.status(), StatusCode::OK);
    let m = json_of(r).await;
    assert_eq!(
        (m["entry"].as_f64(), m["version"].as_i64()),
        (Some(2.0), Some(2))
    );
    // Levels 2, 1, 2 are within the spread: the flag is cleared, and with it the re-marking.
    let sheet: Value = e.app.get_json(e.judge(1), &e.sheet(0, 0)).await;
    assert_eq!(sheet["flags"], json!([]));
    let r = e.mark(1, 0, 0, 2, 2.0, 32).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "sheet_submitted".into())
    );
    // The overview: candidate 0 earns 4 + (2 + 1 + 2)/3 + (8/3 + 4/3 + 8/3)/3 − 1/3 = 7.56.
    let o: Value = e
        .app
        .get_json(e.judge(0), &format!("/api/judging/tasks/{t}/overview"))
        .await;
    assert_eq!(o["ready"], true);
    let c0 = by_code(&o["candidates"], e.code(0));
    assert!(
        close(&c0["points"], 7.56) && close(&c0["score"], 75.56),
        "{c0}"
    );
    assert!(close(&c0["deductions"], 0.33));
    let c1 = by_code(&o["candidates"], e.code(1));
    assert_eq!(c1["expected"], 2);
    assert!(close(&c1["score"], 66.67));
    // Only the head judge signs off.
    let r = e.app.post_json(e.judge(1), &sign_off, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "not_head_judge".into())
    );
    let r = e.app.post_json(e.judge(0), &sign_off, &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let task = json_of(r).await;
    assert_eq!(task["locked"], true);
    assert!(task["locked_at"].is_string());
    let results_path = format!("/api/sessions/{}/practical/results", e.session);
    let res: Value = e.app.get_json(&e.admin, &results_path).await;
    let row1 = &res["rows"][1];
    assert_eq!(row1["ticket"], e.candidates[1].ticket.as_str());
    assert!(close(&row1["score"], 66.67));
    assert_eq!(
        (row1["final"].as_bool(), row1["passed"].as_bool()),
        (Some(true), Some(true))
    );
    // A correction: judge c's "not met" on candidate 1 becomes "met" (+2 points).
    let req = json!({"code": e.code(1), "judge_id": e.judges[2].id, "aspect": 0, "entry": 1,
        "reason": "复核录像：支架已安装牢固，考评员误记", "password": "a-good-password"});
    let r = e
        .app
        .post_json(
            e.judge(0),
            &format!("/api/judging/tasks/{t}/corrections"),
            &req,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c = json_of(r).await;
    assert_eq!(c["status"], "pending");
    assert_eq!(
        (c["old_entry"].as_f64(), c["entry"].as_f64()),
        (Some(0.0), Some(1.0))
    );
    assert_eq!(c["aspect_text"], "支架安装牢固");
    // Nothing changes before the second approval.
    let res: Value = e.app.get_json(&e.admin, &results_path).await;
    assert!(close(&res["rows"][1]["score"], 66.67));
    let pending: Value = e
        .app
        .get_json(&e.admin, "/api/practical/corrections?status=pending")
        .await;
    assert_eq!(pending.as_array().unwrap().len(), 1);
    let r = e
        .app
        .post_json(
            &e.admin,
            &format!("/api/practical/corrections/{}/approve", c["id"]),
            &json!({"note": "同意"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await["status"], "approved");
    let res: Value = e.app.get_json(&e.admin, &results_path).await;
    assert!(close(&res["rows"][1]["score"], 86.67), "{}", res["rows"][1]);
    // The corrected entry is a new version on the judge's sheet.
    let sheet: Value = e.app.get_json(e.judge(2), &e.sheet(0, 1)).await;
    let aspect0 = sheet["marks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["aspect"] == 0)
        .unwrap();
    assert_eq!(
        (aspect0["entry"].as_f64(), aspect0["version"].as_i64()),
        (Some(1.0), Some(2))
    );
}

#[tokio::test]
async fn a_mark_outside_its_aspects_range_is_refused_with_the_range_and_changes_nothing() {
    let e = event().await;
    for (aspect, entry) in [(0, 0.5), (2, 4.0), (2, 1.5), (3, -1.0), (3, 101.0)] {
        let r = e.mark(1, 0, 0, aspect, entry, 1).await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{aspect} {entry}"
        );
        let body = json_of(r).await;
        assert_eq!(body["error"]["code"], "mark_out_of_range");
        assert!(
            body["error"]["message_zh"]
                .as_str()
                .unwrap()
                .contains("范围")
        );
    }
    let r = e.mark(1, 0, 0, 4, 1.0, 1).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "unknown_aspect".into())
    );
    let r = e
        .app
        .put_json(
            e.judge(1),
            &format!("/api/judging/tasks/{}/sheets/ZZZZZZ/marks/0", e.tasks[0]),
            &json!({"entry": 1, "seq": 1}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "unknown_code".into())
    );
    let sheet: Value = e.app.get_json(e.judge(1), &e.sheet(0, 0)).await;
    assert_eq!(sheet["marks"], json!([]));
}

#[tokio::test]
async fn a_save_repeated_or_older_than_the_stored_one_changes_nothing() {
    let e = event().await;
    let first = json_of(e.mark(1, 0, 0, 2, 2.0, 17).await).await;
    assert_eq!(
        (first["entry"].as_f64(), first["version"].as_i64()),
        (Some(2.0), Some(1))
    );
    // The same save again (a retry after a lost answer): the same mark, no new version.
    let again = json_of(e.mark(1, 0, 0, 2, 2.0, 17).await).await;
    assert_eq!(again, first);
    // An older save arriving late does not overwrite the newer one.
    let newer = json_of(e.mark(1, 0, 0, 2, 3.0, 19).await).await;
    assert_eq!(newer["version"], 2);
    let late = json_of(e.mark(1, 0, 0, 2, 1.0, 18).await).await;
    assert_eq!(
        (late["entry"].as_f64(), late["version"].as_i64()),
        (Some(3.0), Some(2))
    );
    // The same entry with a newer seq moves nothing but the sequence.
    let same = json_of(e.mark(1, 0, 0, 2, 3.0, 20).await).await;
    assert_eq!(same["version"], 2);
    let r = e.mark(1, 0, 0, 2, 1.0, -1).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let sheet: Value = e.app.get_json(e.judge(1), &e.sheet(0, 0)).await;
    assert_eq!(sheet["marks"][0]["entry"], 3.0);
}

#[tokio::test]
async fn a_judge_not_on_the_panel_and_other_staff_are_refused() {
    let mut spec = PracticalSpec::camera(&["佛山某某科技有限公司"]);
    spec.judges.push(("judge.d".into(), String::new()));
    let e = spec.create().await;
    let t = e.tasks[0];
    let r = e.mark(3, 0, 0, 0, 1.0, 1).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "not_on_panel".into())
    );
    for path in [
        e.sheet(0, 0),
        format!("/api/judging/tasks/{t}"),
        format!("/api/judging/tasks/{t}/overview"),
    ] {
        let (s, _) = error_code(e.app.get(e.judge(3), &path).await).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        e.app.get_json(e.judge(3), "/api/judging/tasks").await,
        json!([])
    );
    // A proctor is not a judge at all.
    let proctor = e.app.user_with_roles("proctor.p", &["proctor"]).await;
    let r = e.app.get(&proctor, "/api/judging/tasks").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // No sheet was written by the refusals.
    let o: Value = e
        .app
        .get_json(&e.admin, &format!("/api/judging/tasks/{t}/overview"))
        .await;
    assert_eq!(
        o["candidates"][0]["sheets"][0]["entries"],
        json!([null, null, null, null])
    );
}

#[tokio::test]
async fn a_conflicted_judge_is_refused_and_the_task_is_signed_off_one_short() {
    let e = PracticalSpec::camera(&["广州示例安防工程有限公司"])
        .create()
        .await;
    let t = e.tasks[0];
    for path in [e.sheet(0, 0), format!("{}/submit", e.sheet(0, 0))] {
        let r = if path.ends_with("submit") {
            e.app.post_json(e.judge(0), &path, &json!({})).await
        } else {
            e.app.get(e.judge(0), &path).await
        };
        assert_eq!(
            error_code(r).await,
            (StatusCode::FORBIDDEN, "conflict_of_interest".into())
        );
    }
    for j in 1..3 {
        assert_eq!(e.mark_all(j, 0, 0, &GOOD, 1).await.status(), StatusCode::OK);
    }
    let r = e
        .app
        .post_json(
            e.judge(0),
            &format!("/api/judging/tasks/{t}/sign-off"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn judges_see_work_codes_only_until_the_task_is_locked_then_names() {
    let e = event().await;
    let t = e.tasks[0];
    let board: Value = e
        .app
        .get_json(e.judge(1), &format!("/api/judging/tasks/{t}"))
        .await;
    let text = board.to_string();
    assert!(!text.contains("考生0") && !text.contains("考生1"), "{text}");
    assert!(text.contains(e.code(0)));
    assert!(
        !e.app
            .get_json(e.judge(1), &e.sheet(0, 0))
            .await
            .to_string()
            .contains("考生0")
    );
    drop(e);
    let e = locked_event().await;
    let board: Value = e
        .app
        .get_json(e.judge(1), &format!("/api/judging/tasks/{}", e.tasks[0]))
        .await;
    assert!(board.to_string().contains("考生0"));
    let sheet: Value = e.app.get_json(e.judge(1), &e.sheet(0, 0)).await;
    assert_eq!(sheet["name"], e.candidates[0].name.as_str());
}

#[tokio::test]
async fn a_judge_sees_the_others_entries_only_after_submitting_their_own() {
    let e = event().await;
    assert_eq!(e.mark_all(1, 0, 0, &GOOD, 1).await.status(), StatusCode::OK);
    e.mark(2, 0, 0, 0, 1.0, 1).await;
    let before: Value = e.app.get_json(e.judge(2), &e.sheet(0, 0)).await;
    assert_eq!(before["others"], json!([]));
    assert_eq!(e.mark_all(2, 0, 0, &GOOD, 2).await.status(), StatusCode::OK);
    let after: Value = e.app.get_json(e.judge(2), &e.sheet(0, 0)).await;
    assert_eq!(after["others"].as_array().unwrap().len(), 4);
    assert_eq!(after["others"][0]["judge_id"], e.judges[1].id);
}

#[tokio::test]
async fn an_incomplete_sheet_is_not_submitted_and_sign_off_waits_for_every_sheet() {
    let e = event().await;
    let t = e.tasks[0];
    e.mark(1, 0, 0, 0, 1.0, 1).await;
    let r = e
        .app
        .post_json(e.judge(1), &format!("{}/submit", e.sheet(0, 0)), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json_of(r).await;
    assert_eq!(body["error"]["code"], "sheet_incomplete");
    assert_eq!(body["error"]["details"]["missing"], json!([1, 2, 3]));
    let r = e
        .app
        .post_json(
            e.judge(0),
            &format!("/api/judging/tasks/{t}/sign-off"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = json_of(r).await;
    assert_eq!(body["error"]["code"], "sheets_missing");
    assert_eq!(
        body["error"]["details"]["codes"].as_array().unwrap().len(),
        2
    );
}

#[tokio::test]
async fn a_locked_task_takes_no_marks_and_is_not_signed_off_twice() {
    let e = locked_event().await;
    let t = e.tasks[0];
    let r = e.mark(1, 0, 0, 0, 0.0, 1000).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "task_locked".into())
    );
    let r = e
        .app
        .post_json(
            e.judge(0),
            &format!("/api/judging/tasks/{t}/sign-off"),
            &json!({}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "task_locked".into())
    );
    let sheet: Value = e.app.get_json(e.judge(1), &e.sheet(0, 0)).await;
    assert_eq!(sheet["marks"][0]["entry"], 1.0);
}

#[tokio::test]
async fn a_correction_needs_the_head_judges_password_a_reason_a_lock_and_a_second_person() {
    // Before the lock there is nothing to correct.
    let e = event().await;
    let path = format!("/api/judging/tasks/{}/corrections", e.tasks[0]);
    let req = |password: &str, reason: &str, e: &PracticalEvent| {
        json!({"code": e.code(0), "judge_id": e.judges[1].id, "aspect": 2, "entry": 3,
               "reason": reason, "password": password})
    };
    let r = e
        .app
        .post_json(e.judge(0), &path, &req("a-good-password", "误记", &e))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "task_not_locked".into())
    );
    drop(e);

    let e = locked_event().await;
    let r = e
        .app
        .post_json(e.judge(0), &path, &req("wrong-password", "误记", &e))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "reauth_failed".into())
    );
    let r = e
        .app
        .post_json(e.judge(0), &path, &req("a-good-password", "  ", &e))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required".into())
    );
    let r = e
        .app
        .post_json(e.judge(1), &path, &req("a-good-password", "误记", &e))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "not_head_judge".into())
    );
    let mut bad = req("a-good-password", "误记", &e);
    bad["entry"] = json!(7);
    let r = e.app.post_json(e.judge(0), &path, &bad).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "mark_out_of_range".into())
    );
    let none: Value = e.app.get_json(&e.admin, "/api/practical/corrections").await;
    assert_eq!(none, json!([]));

    // The head judge, made a supervisor too, may not approve their own request.
    let r = e
        .app
        .patch_json(
            &e.admin,
            &format!("/api/users/{}", e.judges[0].id),
            &json!({"roles": ["judge", "supervisor"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let head = e.app.login("judge.a", "a-good-password").await;
    let r = e
        .app
        .post_json(&head, &path, &req("a-good-password", "误记", &e))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = json_of(r).await["id"].clone();
    let mine: Value = e.app.get_json(&head, "/api/practical/corrections").await;
    assert_eq!(mine[0]["id"], id);
    let r = e
        .app
        .post_json(
            &head,
            &format!("/api/practical/corrections/{id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "same_person".into())
    );
    // Another judge is neither admin nor supervisor.
    let r = e
        .app
        .post_json(
            e.judge(1),
            &format!("/api/practical/corrections/{id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let results_path = format!("/api/sessions/{}/practical/results", e.session);
    let before: Value = e.app.get_json(&e.admin, &results_path).await;
    // A supervisor rejects it; then it cannot be approved.
    let supervisor = e.app.user_with_roles("supervisor.s", &["supervisor"]).await;
    let r = e
        .app
        .post_json(
            &supervisor,
            &format!("/api/practical/corrections/{id}/reject"),
            &json!({"note": "录像不支持"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await["status"], "rejected");
    let r = e
        .app
        .post_json(
            &e.admin,
            &format!("/api/practical/corrections/{id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "correction_decided".into())
    );
    assert_eq!(e.app.get_json(&e.admin, &results_path).await, before);
}

#[tokio::test]
async fn a_candidate_token_is_refused_on_judges_endpoints() {
    let e = event().await;
    let c = Candidate {
        ticket: e.candidates[0].ticket.clone(),
        id_number: e.candidates[0].id_number.clone(),
    };
    let r = candidate_login(&e.app.client, &e.app.base, &c).await;
    assert_eq!(r.status(), StatusCode::OK);
    let token = json_of(r).await["token"].as_str().unwrap().to_string();
    let t = e.tasks[0];
    for path in [
        "/api/judging/tasks".to_string(),
        format!("/api/judging/tasks/{t}"),
        e.sheet(0, 0),
        "/api/practical/corrections".to_string(),
    ] {
        let r = e.app.get(&token, &path).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let r = e
        .app
        .put_json(
            &token,
            &format!("{}/marks/0", e.sheet(0, 0)),
            &json!({"entry": 1, "seq": 1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
