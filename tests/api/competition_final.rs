//! The competition final over HTTP: seals taken by the right people, 检录 with identity checks
//! and a lot re-derived from the recorded seed, marking refused before the 二次加密, conflicted
//! judges refused through the marking code, the mapping sealed before decryption (admins
//! included), decryption out of order or by the wrong holder refused, a tampered sealed row
//! detected, and everything opening in order.

use crate::support::{ENCRYPTOR_PASS, FinalFixture, SUPERVISOR_PASS, error_code, final_fixture};
use exam_platform::practical::draw::{Shape, lots};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// Camera scheme entries: [met 1/0, deviation mm, level 0–3, occurrences].
const GOOD: [f64; 4] = [1.0, 1.0, 2.0, 0.0];

/// 0: judge.a's employer (职工组); 1: trained by judge.b (职工组); 2 and 3: 学生组.
const PEOPLE: [(&str, &str); 4] = [
    ("广州示例安防工程有限公司", ""),
    ("某公司甲", "考评员judge.b、张老师"),
    ("某学校", ""),
    ("某学校乙", ""),
];

async fn board(fx: &FinalFixture, j: usize) -> reqwest::Response {
    fx.e.app
        .get(
            fx.e.judge(j),
            &format!("/api/judging/tasks/{}", fx.tasks[0]),
        )
        .await
}

async fn save(
    fx: &FinalFixture,
    j: usize,
    code: &str,
    aspect: usize,
    seq: i64,
) -> reqwest::Response {
    fx.e.app
        .put_json(
            fx.e.judge(j),
            &format!(
                "/api/judging/tasks/{}/sheets/{code}/marks/{aspect}",
                fx.tasks[0]
            ),
            &json!({"entry": GOOD[aspect], "seq": seq}),
        )
        .await
}

/// Every judge marks every code they may and submits; the head judge signs off. Returns each
/// judge's conflicted codes.
async fn mark_and_lock(fx: &FinalFixture) -> Vec<Vec<String>> {
    let mut conflicted = vec![];
    for j in 0..fx.e.judges.len() {
        let b: Value = board(fx, j).await.json().await.unwrap();
        let mut mine = vec![];
        for c in b["candidates"].as_array().unwrap() {
            let code = c["code"].as_str().unwrap().to_string();
            if c["status"] == "conflict" {
                mine.push(code);
                continue;
            }
            for a in 0..GOOD.len() {
                let r = save(fx, j, &code, a, a as i64).await;
                assert_eq!(r.status(), StatusCode::OK, "judge {j} code {code}");
            }
            let r =
                fx.e.app
                    .post_json(
                        fx.e.judge(j),
                        &format!("/api/judging/tasks/{}/sheets/{code}/submit", fx.tasks[0]),
                        &json!({}),
                    )
                    .await;
            assert_eq!(r.status(), StatusCode::OK, "submit");
        }
        conflicted.push(mine);
    }
    let r =
        fx.e.app
            .post_json(
                fx.e.judge(0),
                &format!("/api/judging/tasks/{}/sign-off", fx.tasks[0]),
                &json!({}),
            )
            .await;
    assert_eq!(r.status(), StatusCode::OK, "sign-off");
    conflicted
}

/// The recheck (复核), which must finish before decryption: the supervisor re-enters every
/// selected sheet as the judges marked it (GOOD), so nothing differs.
async fn recheck_cleanly(fx: &FinalFixture) {
    let app = &fx.e.app;
    let path = fx.path("recheck");
    let r = app.post_json(&fx.supervisor.token, &path, &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK, "recheck start");
    let v: Value = r.json().await.unwrap();
    for x in v["candidates"].as_array().unwrap() {
        for s in x["sheets"].as_array().unwrap() {
            let body = json!({"code": x["code"], "task_id": s["task_id"], "judge_id": s["judge_id"],
                "entries": GOOD.iter().enumerate().map(|(a, e)| json!({"aspect": a, "entry": e})).collect::<Vec<_>>()});
            let r = app
                .put_json(&fx.supervisor.token, &format!("{path}/entries"), &body)
                .await;
            assert_eq!(r.status(), StatusCode::OK, "recheck entry");
        }
    }
    let r = app
        .post_json(&fx.supervisor.token, &format!("{path}/finish"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "recheck finish");
}

async fn decrypt(fx: &FinalFixture, token: &str, layer: i32, pass: &str) -> reqwest::Response {
    fx.e.app
        .post_json(
            token,
            &fx.path("decrypt"),
            &json!({"layer": layer, "passphrase": pass}),
        )
        .await
}

#[tokio::test]
async fn seals_are_taken_by_their_holders_and_the_door_checks_identity_before_the_codes() {
    let fx = final_fixture(&PEOPLE, 2).await;
    let app = &fx.e.app;
    let f0 = &fx.finalists[0];
    let door = json!({"number": f0.number, "id_number": f0.id_number});
    // No seal yet: the door waits.
    let r = app.post_json(&fx.e.admin, &fx.path("checkin"), &door).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "seal_not_set".into())
    );
    // Only the stage's holders take seals; an admin holds none.
    let r = app
        .post_json(
            &fx.e.admin,
            &fx.path("seal"),
            &json!({"passphrase": "admin-passphrase"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "wrong_key_holder".into())
    );
    let r = app
        .post_json(
            &fx.encryptor.token,
            &fx.path("seal"),
            &json!({"passphrase": "short"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "passphrase_too_short".into()
        )
    );
    fx.take_seals().await;
    let r = app
        .post_json(
            &fx.encryptor.token,
            &fx.path("seal"),
            &json!({"passphrase": ENCRYPTOR_PASS}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "seal_exists".into())
    );
    let r = app.get(&fx.e.admin, &fx.path("seal")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    let state: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(state["layers"][0]["holder_id"], fx.encryptor.id);
    assert_eq!(state["layers"][1]["holder_id"], fx.supervisor.id);
    assert!(state["layers"][1]["taken_at"].is_string());
    assert!(!text.contains("wrapped") && !text.contains("public_key"));
    // Identity: a wrong ID number, someone who did not qualify, an unknown number.
    let r = app
        .post_json(
            &fx.e.admin,
            &fx.path("checkin"),
            &json!({"number": f0.number, "id_number": fx.finalists[1].id_number}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "identity_mismatch".into())
    );
    let r = app
        .post_json(
            &fx.e.admin,
            &fx.path("checkin"),
            &json!({"number": fx.outsider.number, "id_number": fx.outsider.id_number}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "not_a_finalist".into())
    );
    let r = app
        .post_json(
            &fx.e.admin,
            &fx.path("checkin"),
            &json!({"number": "PACS26-AZ9999", "id_number": f0.id_number}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_a_finalist".into())
    );
    // The door reads out the 检录号 and the lot once.
    let t = fx.check_in(0).await;
    let code = t["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 6);
    assert_eq!(t["places"].as_array().unwrap().len(), 1);
    let r = app.post_json(&fx.e.admin, &fx.path("checkin"), &door).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "already_checked_in".into())
    );
    // Nothing lists the anonymous part's codes and places; the mapping is sealed, even for an admin.
    let r = app
        .get(
            &fx.e.admin,
            &format!("/api/sessions/{}/practical/schedule", fx.session),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "anonymous_part".into())
    );
    let r = app
        .post_json(
            &fx.e.admin,
            &format!("/api/sessions/{}/practical/check-in", fx.session),
            &json!({"ticket": "anything"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "anonymous_part".into())
    );
    let r = app.get(&fx.e.admin, &fx.path("mapping")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "mapping_sealed".into())
    );
    // Marking waits for the 二次加密: the 检录号 the door saw opens nothing.
    let r = save(&fx, 1, &code, 0, 0).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "codes_not_final".into())
    );
    let r = board(&fx, 1).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "codes_not_final".into())
    );
    // Only the supervisor makes the marking codes; then the door is closed.
    for token in [&fx.encryptor.token, &fx.e.admin] {
        let r = app.post_json(token, &fx.path("encrypt"), &json!({})).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::FORBIDDEN, "wrong_key_holder".into())
        );
    }
    let r = app
        .post_json(&fx.supervisor.token, &fx.path("encrypt"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let enc: Value = r.json().await.unwrap();
    assert_eq!(enc["rows"], 1);
    assert!(!enc.to_string().contains(&code), "no codes in the answer");
    let r = app
        .post_json(
            &fx.e.admin,
            &fx.path("checkin"),
            &json!({"number": fx.finalists[1].number, "id_number": fx.finalists[1].id_number}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "checkin_closed".into())
    );
    // The check-in audit carries neither code nor candidate.
    let audit = fx
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            fx.db.get_database_backend(),
            "SELECT detail FROM audit_log WHERE action = 'competition.check_in'".to_string(),
        ))
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    let detail: String = audit[0].try_get("", "detail").unwrap();
    assert!(!detail.contains(&code) && !detail.contains("candidate"));
}

#[tokio::test]
async fn conflicted_judges_are_refused_through_the_code_and_everything_opens_in_order() {
    let fx = final_fixture(&PEOPLE, 2).await;
    let app = &fx.e.app;
    fx.take_seals().await;
    // judge.c declared a conflict with finalist 2.
    fx.declare(fx.e.judges[2].id, fx.finalists[2].id).await;
    let mut door = vec![];
    for i in 0..fx.finalists.len() {
        door.push(fx.check_in(i).await);
    }
    let r = app
        .post_json(&fx.supervisor.token, &fx.path("encrypt"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Judges see marking codes, none of them a 检录号; each judge stands aside for one.
    let b: Value = board(&fx, 0).await.json().await.unwrap();
    let codes: Vec<String> = b["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 4);
    for t in &door {
        assert!(!codes.contains(&t["code"].as_str().unwrap().to_string()));
    }
    for j in 0..3 {
        let b: Value = board(&fx, j).await.json().await.unwrap();
        let conflicts: Vec<&str> = b["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "conflict")
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert_eq!(conflicts.len(), 1, "judge {j}");
        let r = save(&fx, j, conflicts[0], 0, 0).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::FORBIDDEN, "conflict_of_interest".into()),
            "judge {j}"
        );
    }
    // Before every task is locked nothing opens.
    let r = decrypt(&fx, &fx.supervisor.token, 2, SUPERVISOR_PASS).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "tasks_not_locked".into())
    );
    let conflicted = mark_and_lock(&fx).await;
    // Decryption waits for the recheck.
    let r = decrypt(&fx, &fx.supervisor.token, 2, SUPERVISOR_PASS).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "recheck_pending".into())
    );
    recheck_cleanly(&fx).await;
    // Out of order, the wrong holder, the wrong passphrase.
    let r = decrypt(&fx, &fx.encryptor.token, 1, ENCRYPTOR_PASS).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "decryption_out_of_order".into())
    );
    let r = decrypt(&fx, &fx.encryptor.token, 2, ENCRYPTOR_PASS).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "wrong_key_holder".into())
    );
    let r = decrypt(&fx, &fx.e.admin, 2, SUPERVISOR_PASS).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "wrong_key_holder".into())
    );
    let r = decrypt(&fx, &fx.supervisor.token, 2, "not-the-passphrase").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "wrong_passphrase".into())
    );
    // 二次 first; the mapping stays sealed until 一次 opens too.
    let r = decrypt(&fx, &fx.supervisor.token, 2, SUPERVISOR_PASS).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.get(&fx.e.admin, &fx.path("mapping")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "mapping_sealed".into())
    );
    let r = decrypt(&fx, &fx.supervisor.token, 1, SUPERVISOR_PASS).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "wrong_key_holder".into())
    );
    let r = decrypt(&fx, &fx.encryptor.token, 1, ENCRYPTOR_PASS).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = decrypt(&fx, &fx.encryptor.token, 1, ENCRYPTOR_PASS).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "decryption_out_of_order".into())
    );
    let mapping: Vec<Value> = app
        .get_json(&fx.e.admin, &fx.path("mapping"))
        .await
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(mapping.len(), 4);
    let row_of = |i: usize| {
        mapping
            .iter()
            .find(|m| m["contestant_id"] == fx.finalists[i].id)
            .expect("mapped")
    };
    for (i, t) in door.iter().enumerate() {
        assert_eq!(row_of(i)["checkin_code"], t["code"], "finalist {i}");
    }
    // The conflicts followed the contestants through both codes: judge.a's own employer,
    // judge.b's trainee, judge.c's declared conflict.
    for (j, i) in [(0, 0), (1, 1), (2, 2)] {
        assert_eq!(
            conflicted[j],
            vec![row_of(i)["marking_code"].as_str().unwrap().to_string()]
        );
    }
    // The lot re-derives from the recorded seed: the roster in ticket order takes the shuffled
    // positions of the schedule (one task, four stations).
    let progress: Value = app.get_json(&fx.e.admin, &fx.path("progress")).await;
    let seed: u64 = progress["draw_seed"].as_str().unwrap().parse().unwrap();
    let shape = Shape {
        tasks: 1,
        stations: 4,
        slots: 0,
    };
    let (capacity, _) = shape.capacity(4).unwrap();
    let order = lots(seed, capacity);
    let mut tickets: Vec<&str> = mapping
        .iter()
        .map(|m| m["ticket"].as_str().unwrap())
        .collect();
    tickets.sort();
    for (i, t) in door.iter().enumerate() {
        let k = tickets
            .iter()
            .position(|x| *x == row_of(i)["ticket"].as_str().unwrap())
            .unwrap();
        let spot = shape.spots(order[k])[0];
        assert_eq!(t["places"][0]["slot"], spot.slot, "finalist {i}");
        assert_eq!(t["places"][0]["station"], spot.station, "finalist {i}");
    }
    assert_eq!(progress["tasks"][0]["sheets_expected"], 4 * 3 - 3);
    assert_eq!(progress["tasks"][0]["sheets_in"], 9);
    assert_eq!(progress["all_locked"], true);
}

#[tokio::test]
async fn a_tampered_sealed_row_is_detected_and_nothing_opens() {
    let fx = final_fixture(&PEOPLE[2..], 0).await;
    fx.take_seals().await;
    fx.check_in(0).await;
    fx.check_in(1).await;
    let r =
        fx.e.app
            .post_json(&fx.supervisor.token, &fx.path("encrypt"), &json!({}))
            .await;
    assert_eq!(r.status(), StatusCode::OK);
    mark_and_lock(&fx).await;
    recheck_cleanly(&fx).await;
    // Someone with database access removes one row of the supervisor's table.
    fx.db
        .execute_unprepared(&format!(
            "DELETE FROM competition_sealed_rows WHERE id = (SELECT MIN(id) FROM competition_sealed_rows \
             WHERE stage_id = {} AND layer = 2)",
            fx.stage
        ))
        .await
        .unwrap();
    let r = decrypt(&fx, &fx.supervisor.token, 2, SUPERVISOR_PASS).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "mapping_tampered".into())
    );
    let state: Value = fx.e.app.get_json(&fx.e.admin, &fx.path("seal")).await;
    assert!(state["layers"][1]["opened_at"].is_null());
    let r = fx.e.app.get(&fx.e.admin, &fx.path("mapping")).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "mapping_sealed".into())
    );
}
