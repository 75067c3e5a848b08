//! Registration over HTTP: eligibility on entry (nothing stored when refused), no ID number
//! twice in an event, teams registered whole, review with numbers and reasons, the bulk XLSX
//! import all or nothing, and seating the theory stage as exam candidates.

use crate::support::{Competition, SCHOOL, TestApp, error_code, id_number, xlsx};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn an_ineligible_student_is_refused_with_the_rule_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    // Not a registered school.
    let r = c
        .register(&app, &admin, &c.student("李同学", 1, "某某大学"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "ineligible");
    assert_eq!(
        v["error"]["details"]["rules"][0]["rule"],
        "registered_school"
    );
    assert!(
        v["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("不是本竞赛登记的学校")
    );
    // Too old for the student group (born 1990: 36 on the first day).
    let mut old = c.student("王同学", 2, SCHOOL);
    old["id_number"] = json!(id_number("19900101", 2));
    let r = c.register(&app, &admin, &old).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "ineligible");
    assert_eq!(v["error"]["details"]["rules"][0]["rule"], "max_age");
    // An employee in the student group.
    let mut employee = c.employee("赵师傅", 3);
    employee["group_id"] = json!(c.students);
    employee["org_kind"] = json!("employer");
    let r = c.register(&app, &admin, &employee).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "ineligible".into())
    );
    assert_eq!(c.list(&app, &admin, "").await["total"], 0);
    // The same student of the registered school (written with spaces) is accepted for entry.
    let r = c
        .register(
            &app,
            &admin,
            &c.student("李同学", 1, "广东 安防 职业技术学院"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (v["status"].as_str(), v["org_kind"].as_str()),
        (Some("pending"), Some("school"))
    );
}

#[tokio::test]
async fn the_same_id_number_in_another_group_of_the_event_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let mut first = c.student("周同学", 7, SCHOOL);
    assert_eq!(
        c.register(&app, &admin, &first).await.status(),
        StatusCode::CREATED
    );
    // Same person, same event, the employees' group: refused.
    first["group_id"] = json!(c.employees);
    first["org_kind"] = json!("employer");
    first["id_number"] = json!(id_number("20040501", 7));
    let r = c.register(&app, &admin, &first).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "duplicate_registration".into())
    );
    assert_eq!(c.list(&app, &admin, "").await["total"], 1);
}

#[tokio::test]
async fn a_team_is_registered_whole_and_a_wrong_size_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let member =
        |name: &str, seq: u32| json!({"name": name, "id_number": id_number("19850312", seq)});
    let team = |members: Vec<Value>| {
        json!({"event_id": c.team_event, "group_id": c.employees, "name": "广州安防一队",
               "leader": "王领队", "organisation": "广州市某安防科技有限公司", "members": members})
    };
    let path = format!("/api/competitions/{}/teams", c.id);
    let r = app
        .post_json(
            &admin,
            &path,
            &team(vec![member("甲", 11), member("乙", 12)]),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "team_size_mismatch".into()
        )
    );
    // A member registered alone for a team event is refused too.
    let mut alone = c.employee("丁", 14);
    alone["event_id"] = json!(c.team_event);
    let r = c.register(&app, &admin, &alone).await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "team_size_mismatch".into()
        )
    );
    assert_eq!(c.list(&app, &admin, "").await["total"], 0);
    let r = app
        .post_json(
            &admin,
            &path,
            &team(vec![member("甲", 11), member("乙", 12), member("丙", 13)]),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["members"].as_array().unwrap().len(), 3);
    // Reviewing one member accepts the team, numbered in the team event.
    let rid = t["members"][1]["id"].as_i64().unwrap();
    let out: Value = app
        .post_json(
            &admin,
            &format!("/api/competitions/registrations/{rid}/review"),
            &json!({"decision": "accept"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let numbers: Vec<&str> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["PACS26-TZ0001", "PACS26-TZ0002", "PACS26-TZ0003"]);
    let teams: Value = app
        .get_json(
            &admin,
            &format!("/api/competitions/events/{}/teams", c.team_event),
        )
        .await;
    assert_eq!(teams[0]["members"][2]["status"], "accepted");
}

#[tokio::test]
async fn review_gives_a_number_and_a_refusal_needs_a_reason() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let first = c.accepted(&app, &admin, &c.employee("张三", 1)).await;
    assert_eq!(first["number"], "PACS26-AZ0001");
    let second = c.accepted(&app, &admin, &c.employee("李四", 2)).await;
    assert_eq!(second["number"], "PACS26-AZ0002");
    let student = c
        .accepted(&app, &admin, &c.student("王同学", 3, SCHOOL))
        .await;
    assert_eq!(student["number"], "PACS26-AX0001");
    let r: Value = c
        .register(&app, &admin, &c.employee("赵五", 4))
        .await
        .json()
        .await
        .unwrap();
    let review = format!("/api/competitions/registrations/{}/review", r["id"]);
    let out = app
        .post_json(
            &admin,
            &review,
            &json!({"decision": "refuse", "reason": "  "}),
        )
        .await;
    assert_eq!(
        error_code(out).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "refusal_needs_reason".into()
        )
    );
    let out: Value = app
        .post_json(
            &admin,
            &review,
            &json!({"decision": "refuse", "reason": "工作单位证明材料不全"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            out[0]["status"].as_str(),
            out[0]["reason"].as_str(),
            &out[0]["number"]
        ),
        (Some("refused"), Some("工作单位证明材料不全"), &Value::Null)
    );
    let again = app
        .post_json(&admin, &review, &json!({"decision": "accept"}))
        .await;
    assert_eq!(
        error_code(again).await,
        (StatusCode::CONFLICT, "registration_not_pending".into())
    );
    // A withdrawal keeps the number, which is never given again.
    let rid = second["id"].as_i64().unwrap();
    let w = app
        .post_json(
            &admin,
            &format!("/api/competitions/registrations/{rid}/withdraw"),
            &json!({}),
        )
        .await;
    assert_eq!(w.status(), StatusCode::OK);
    let third = c.accepted(&app, &admin, &c.employee("钱六", 5)).await;
    assert_eq!(third["number"], "PACS26-AZ0003");
    let refused = c.list(&app, &admin, "status=refused").await;
    assert_eq!(refused["total"], 1);
}

#[tokio::test]
async fn lists_mask_id_numbers_except_for_admins_and_filter_and_page() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let author = app.user_with_roles("zuzhi", &["author"]).await;
    let c = Competition::create(&app, &admin).await;
    for i in 0..5 {
        let r = c
            .register(&app, &author, &c.employee(&format!("选手{i}"), i))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    c.register(&app, &author, &c.student("学生甲", 9, SCHOOL))
        .await;
    let page = c.list(&app, &author, "per_page=2&page=2").await;
    assert_eq!(
        (
            page["total"].as_u64(),
            page["items"].as_array().unwrap().len()
        ),
        (Some(6), 2)
    );
    let masked = page["items"][0]["id_number"].as_str().unwrap();
    assert!(masked.contains("********"), "{masked}");
    let full = c.list(&app, &admin, "per_page=2&page=2").await;
    assert!(
        !full["items"][0]["id_number"]
            .as_str()
            .unwrap()
            .contains('*')
    );
    let students = c
        .list(&app, &author, &format!("group_id={}", c.students))
        .await;
    assert_eq!(students["total"], 1);
    let found = c.list(&app, &author, "q=选手3").await;
    assert_eq!(found["items"][0]["name"], "选手3");
    let bulk: Value = app
        .post_json(
            &author,
            &format!("/api/competitions/{}/registrations/accept-all", c.id),
            &json!({"group_id": c.employees}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bulk["accepted"], 5);
    assert_eq!(c.list(&app, &author, "status=pending").await["total"], 1);
}

const HEADER: [&str; 10] = [
    "姓名",
    "身份证号",
    "手机号",
    "工作单位/学校",
    "单位类型",
    "赛项",
    "组别",
    "团队",
    "领队",
    "指导教师",
];

fn row(
    name: &str,
    id: &str,
    org: &str,
    kind: &str,
    event: &str,
    group: &str,
    team: &str,
) -> Vec<String> {
    [
        name,
        id,
        "13900139000",
        org,
        kind,
        event,
        group,
        team,
        "王领队",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[tokio::test]
async fn an_xlsx_import_with_one_bad_row_stores_nothing_and_lists_every_error() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let org = "广州市某安防科技有限公司";
    let rows = vec![
        row(
            "张三",
            &id_number("19850312", 1),
            org,
            "单位",
            "A",
            "职工组",
            "",
        ),
        row("李四", "440106198503120019", org, "单位", "A", "职工组", ""),
        row(
            "王同学",
            &id_number("20040501", 2),
            "某某大学",
            "学校",
            "A",
            "学生组",
            "",
        ),
        row("赵六", &id_number("19850312", 1), org, "单位", "A", "Z", ""),
        row(
            "钱七",
            &id_number("19850312", 4),
            org,
            "单位",
            "无此赛项",
            "Z",
            "",
        ),
        row(
            "甲",
            &id_number("19850312", 5),
            org,
            "单位",
            "T",
            "Z",
            "一队",
        ),
        row(
            "乙",
            &id_number("19850312", 6),
            org,
            "单位",
            "T",
            "Z",
            "一队",
        ),
    ];
    let path = format!(
        "/api/competitions/{}/registrations/import?format=xlsx",
        c.id
    );
    let r = app.post_bytes(&admin, &path, xlsx(&HEADER, &rows)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "bad_registration_file");
    let errors: Vec<(i64, &str, &str)> = v["error"]["details"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (3, "身份证号", "bad_check_digit"),
            (4, "组别", "ineligible"),
            (5, "身份证号", "duplicate_registration"),
            (6, "赛项", "event_not_found"),
            (7, "团队", "team_size_mismatch"),
            (8, "团队", "team_size_mismatch"),
        ]
    );
    assert!(
        v["error"]["details"]["errors"][0]["message_zh"]
            .as_str()
            .unwrap()
            .contains("校验")
    );
    assert_eq!(c.list(&app, &admin, "").await["total"], 0);

    // The good rows alone (a whole team now), accepted at once.
    let good = vec![
        rows[0].clone(),
        row(
            "王同学",
            &id_number("20040501", 2),
            SCHOOL,
            "",
            "A",
            "学生组",
            "",
        ),
        rows[5].clone(),
        rows[6].clone(),
        row(
            "丙",
            &id_number("19850312", 7),
            org,
            "单位",
            "T",
            "Z",
            "一队",
        ),
    ];
    let r = app
        .post_bytes(&admin, &format!("{path}&accept=true"), xlsx(&HEADER, &good))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (
            report["imported"].as_u64(),
            report["accepted"].as_u64(),
            report["teams"].as_u64()
        ),
        (Some(5), Some(5), Some(1))
    );
    let accepted = c.list(&app, &admin, "status=accepted&q=王同学").await;
    assert_eq!(accepted["items"][0]["number"], "PACS26-AX0001");
    assert_eq!(accepted["items"][0]["org_kind"], "school");
    // The same file again: every row is now a duplicate.
    let r = app.post_bytes(&admin, &path, xlsx(&HEADER, &good)).await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_registration_file".into()
        )
    );
}

#[tokio::test]
async fn the_template_is_an_xlsx_with_the_header_the_import_reads() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let r = app
        .get(
            &admin,
            &format!("/api/competitions/{}/registrations/template.xlsx", c.id),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(b"PK"));
    // Its sample row is a valid registration of the first event and group.
    let r = app
        .post_bytes(
            &admin,
            &format!(
                "/api/competitions/{}/registrations/import?format=xlsx",
                c.id
            ),
            bytes,
        )
        .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["imported"], 1, "{v}");
}

fn exam() -> Value {
    json!({"name": "智能安防职业技能竞赛 理论初赛", "time_limit_minutes": 60, "pass_line": 6,
    "blueprint": {"sections": [
        {"title": "一、单项选择题", "cells": [{"bank": "LAW", "kind": "single", "count": 5, "points": 2}]}
    ]}})
}

#[tokio::test]
async fn the_theory_stage_seats_every_accepted_contestant_once() {
    let app = TestApp::spawn_with_banks().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let exam: Value = app
        .post_json(&admin, "/api/exams", &exam())
        .await
        .json()
        .await
        .unwrap();
    let theory = c.stages[0];
    // Seating before the session exists is refused.
    let r = app
        .post_json(
            &admin,
            &format!("/api/competitions/stages/{theory}/seat"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let now = chrono::Utc::now();
    let session = json!({"exam_id": exam["id"], "starts_at": now - chrono::Duration::hours(1),
        "ends_at": now + chrono::Duration::hours(2), "rooms": [{"name": "第一考场", "seats": 40}]});
    let r = app
        .post_json(
            &admin,
            &format!("/api/competitions/stages/{theory}/session"),
            &session,
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let stage: Value = r.json().await.unwrap();
    let session_id = stage["session_id"].as_i64().unwrap();
    // A practical stage has no exam session here.
    let r = app
        .post_json(
            &admin,
            &format!("/api/competitions/stages/{}/session", c.stages[1]),
            &session,
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    c.accepted(&app, &admin, &c.employee("张三", 1)).await;
    c.accepted(&app, &admin, &c.student("李同学", 2, SCHOOL))
        .await;
    c.register(&app, &admin, &c.employee("待审", 3)).await;
    let seat = format!("/api/competitions/stages/{theory}/seat");
    let out: Value = app
        .post_json(&admin, &seat, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (out["seated"].as_u64(), out["already"].as_u64()),
        (Some(2), Some(0))
    );
    let roster: Value = app
        .get_json(&admin, &format!("/api/sessions/{session_id}/candidates"))
        .await;
    let names: Vec<&str> = roster
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    // Seated in number order: PACS26-AX0001 before PACS26-AZ0001.
    assert_eq!(names, ["李同学", "张三"]);
    assert_eq!(roster[0]["employer"], SCHOOL);
    // One more accepted; seating again adds only them.
    c.accepted(&app, &admin, &c.employee("王五", 4)).await;
    let out: Value = app
        .post_json(&admin, &seat, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (out["seated"].as_u64(), out["already"].as_u64()),
        (Some(1), Some(2))
    );
    let scores: Value = app
        .get_json(
            &admin,
            &format!("/api/competitions/stages/{theory}/theory-scores"),
        )
        .await;
    let scores = scores.as_array().unwrap();
    assert_eq!(scores.len(), 3);
    assert!(
        scores
            .iter()
            .all(|s| s["finished"] == false && s["score"].is_null())
    );
    assert_eq!(scores[0]["standing"], "not_started");
}
