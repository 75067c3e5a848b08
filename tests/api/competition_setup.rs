//! Setting a competition up over HTTP: events, groups with eligibility rules, stage lists
//! whose weights must sum to 1 with theory within the cap; who may read and write; what can no
//! longer change once contestants are accepted.

use crate::support::{Competition, TestApp, error_code, stage_list};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_competition_reads_back_with_its_events_groups_and_stages() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let v = app
        .get_json(&admin, &format!("/api/competitions/{}", c.id))
        .await;
    assert_eq!(v["code"], "PACS26");
    assert_eq!(v["theory_cap"], 0.3);
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0]["tie_chain"],
        json!(["practical", "modules", "theory", "time"])
    );
    let stages = events[0]["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0]["kind"], "theory");
    assert_eq!(stages[0]["cut"], json!({"kind": "none"}));
    assert_eq!(stages[1]["cut"], json!({"kind": "top_n", "value": 10}));
    assert_eq!(stages[1]["recheck_top"], 10);
    assert_eq!(events[1]["team_size"], 3);
    assert_eq!(v["groups"][1]["rules"]["registered_school"], true);
    let list: Value = app.get_json(&admin, "/api/competitions").await;
    assert_eq!(list[0]["id"], c.id);
}

#[tokio::test]
async fn a_theory_weight_over_the_cap_or_weights_not_summing_to_one_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let path = format!("/api/competitions/events/{}/stages", c.event);
    let r = app.put_json(&admin, &path, &stage_list(0.4, 0.6)).await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "theory_weight_over_cap".into()
        )
    );
    let r = app.put_json(&admin, &path, &stage_list(0.3, 0.6)).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "weights_not_one".into())
    );
    // The first stage admits everyone.
    let first_cut = json!([{"name": "理论", "kind": "theory", "weight": 0.3, "cut_kind": "top_n", "cut_value": 5},
                           {"name": "实操", "kind": "practical", "weight": 0.7}]);
    let r = app.put_json(&admin, &path, &first_cut).await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_competition".into()
        )
    );
    // Nothing changed: still 0.3 / 0.7.
    let v = app
        .get_json(&admin, &format!("/api/competitions/{}", c.id))
        .await;
    assert_eq!(v["events"][0]["stages"][0]["weight"], 0.3);
    // A higher cap lets theory weigh more.
    let r = app
        .put_json(
            &admin,
            &format!("/api/competitions/{}", c.id),
            &json!({"name": "平安城市-智慧守护", "code": "PACS26", "held_on": "2026-12-10T01:00:00Z",
                    "theory_cap": 0.4, "schools": [crate::support::SCHOOL]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.put_json(&admin, &path, &stage_list(0.4, 0.6)).await;
    assert_eq!(r.status(), StatusCode::OK);
    // …and the cap cannot then drop below it.
    let r = app
        .put_json(
            &admin,
            &format!("/api/competitions/{}", c.id),
            &json!({"name": "平安城市-智慧守护", "code": "PACS26", "held_on": "2026-12-10T01:00:00Z",
                    "theory_cap": 0.3}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "theory_weight_over_cap".into()
        )
    );
}

#[tokio::test]
async fn bad_events_and_groups_are_refused_with_a_chinese_message() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let events = format!("/api/competitions/{}/events", c.id);
    for body in [
        json!({"name": "大团队", "code": "B", "kind": "team", "team_size": 6}),
        json!({"name": "个人", "code": "C", "kind": "individual", "tie_chain": ["practical", "luck"]}),
        json!({"name": "个人", "code": "C", "kind": "individual", "tie_chain": ["theory", "theory"]}),
        json!({"name": "重复代码", "code": "a", "kind": "individual"}),
    ] {
        let r = app.post_json(&admin, &events, &body).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "invalid_competition");
        assert!(
            v["error"]["message_zh"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| c > '\u{2e80}')
        );
    }
    let r = app
        .post_json(
            &admin,
            &format!("/api/competitions/{}/groups", c.id),
            &json!({"name": "怪组", "code": "Q", "rules": {"min_age": 40, "max_age": 30}}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_competition".into()
        )
    );
}

#[tokio::test]
async fn supervisors_read_judges_may_not_and_only_organisers_write() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let supervisor = app.user_with_roles("jiandu", &["supervisor"]).await;
    let judge = app.user_with_roles("caipan", &["judge"]).await;
    let path = format!("/api/competitions/{}", c.id);
    assert_eq!(app.get(&supervisor, &path).await.status(), StatusCode::OK);
    assert_eq!(app.get(&judge, &path).await.status(), StatusCode::FORBIDDEN);
    let r = app
        .post_json(
            &supervisor,
            &format!("/api/competitions/{}/groups", c.id),
            &json!({"name": "新组", "code": "N"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let author = app.user_with_roles("zuzhi", &["author"]).await;
    let r = app
        .post_json(
            &author,
            &format!("/api/competitions/{}/groups", c.id),
            &json!({"name": "新组", "code": "N"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn unknown_ids_answer_404_with_their_own_codes() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for (path, code) in [
        ("/api/competitions/999", "competition_not_found"),
        (
            "/api/competitions/999/registrations",
            "competition_not_found",
        ),
        ("/api/competitions/events/999/teams", "event_not_found"),
        (
            "/api/competitions/stages/999/theory-scores",
            "stage_not_found",
        ),
    ] {
        let r = app.get(&admin, path).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::NOT_FOUND, code.into()),
            "{path}"
        );
    }
    let r = app
        .put_json(
            &admin,
            "/api/competitions/groups/999",
            &json!({"name": "x", "code": "X"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "group_not_found".into())
    );
    let r = app
        .post_json(
            &admin,
            "/api/competitions/registrations/999/review",
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "contestant_not_found".into())
    );
}

#[tokio::test]
async fn a_groups_rules_and_an_events_team_size_stay_once_someone_is_accepted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let c = Competition::create(&app, &admin).await;
    let group = format!("/api/competitions/groups/{}", c.employees);
    let looser =
        json!({"name": "职工组", "code": "Z", "rules": {"org_kind": "employer", "min_age": 16}});
    // Before anyone is accepted the rules may change.
    assert_eq!(
        app.put_json(&admin, &group, &looser).await.status(),
        StatusCode::OK
    );
    c.accepted(&app, &admin, &c.employee("张三", 1)).await;
    let stricter =
        json!({"name": "职工组", "code": "Z", "rules": {"org_kind": "employer", "min_age": 30}});
    let r = app.put_json(&admin, &group, &stricter).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "competition_in_use".into())
    );
    // Renaming alone is fine.
    let renamed = json!({"name": "职工组（在职）", "code": "Z", "rules": {"org_kind": "employer", "min_age": 16}});
    assert_eq!(
        app.put_json(&admin, &group, &renamed).await.status(),
        StatusCode::OK
    );
    let r = app
        .put_json(
            &admin,
            &format!("/api/competitions/events/{}", c.event),
            &json!({"name": "视频监控", "code": "A", "kind": "team", "team_size": 2}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "competition_in_use".into())
    );
}
