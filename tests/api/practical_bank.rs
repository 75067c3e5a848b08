//! Practical tasks in the bank over HTTP: a marking scheme with time allowed and equipment is
//! stored, edited and carried through a spreadsheet export and import; a bad scheme is refused
//! and changes nothing; the shipped practical bank loads.

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn task(ident: &str) -> Value {
    json!({
        "ident": ident,
        "kind": "practical",
        "category": ["操作技能"],
        "stem": "前端摄像机安装与调试\n按图纸安装并调试一台网络摄像机。",
        "key": {"type": "open", "reference": ""},
        "points": 20,
        "minutes": 60,
        "equipment": [
            {"name": "网络摄像机", "spec": "200 万像素 PoE", "quantity": 1, "unit": "台"},
            {"name": "超五类网线", "quantity": 5, "unit": "米"}
        ],
        "scheme": [
            {"group": "A 安装", "text": "安装高度偏差", "points": 6,
             "kind": {"type": "measurement", "unit": "mm",
                      "bands": [{"within": 20, "fraction": 1}, {"within": 50, "fraction": 0.5}]}},
            {"group": "A 安装", "text": "支架牢固", "points": 4},
            {"group": "A 安装", "text": "登高未戴安全帽", "points": 4,
             "kind": {"type": "deduction", "per": 2}},
            {"group": "B 调试", "text": "对焦清晰", "points": 10,
             "kind": {"type": "judgement",
                      "descriptors": ["模糊", "大字可辨", "文字清晰", "细线清晰"]}}
        ],
        "explanation": "评分说明",
        "source": "GB 50395-2007"
    })
}

/// What is wrong, how to make it so, and the reason the server gives.
type Case = (&'static str, fn(&mut Value), &'static str);

#[tokio::test]
async fn a_practical_task_with_a_bad_scheme_is_refused_with_its_reason_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "PRX").await;
    let cases: Vec<Case> = vec![
        (
            "bands out of order",
            (|q: &mut Value| {
                q["scheme"][0]["kind"]["bands"] =
                    json!([{"within": 50, "fraction": 0.5}, {"within": 20, "fraction": 1}])
            }),
            "bad_scheme",
        ),
        (
            "three descriptors",
            (|q: &mut Value| q["scheme"][3]["kind"]["descriptors"] = json!(["差", "中", "好"])),
            "bad_scheme",
        ),
        (
            "a deduction alone in its sub-criterion",
            (|q: &mut Value| q["scheme"][2]["group"] = json!("C 安全")),
            "bad_scheme",
        ),
        (
            "a sum that misses the points",
            (|q: &mut Value| q["points"] = json!(24)),
            "scheme_mismatch",
        ),
    ];
    for (what, edit, reason) in cases {
        let mut q = task("PRX-1");
        edit(&mut q);
        let r = app.post_json(&t, "/api/banks/PRX/questions", &q).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "invalid_question", "{what}");
        assert_eq!(v["error"]["details"]["reason"], reason, "{what}");
        assert!(
            !v["error"]["message_zh"].as_str().unwrap_or("").is_empty(),
            "{what}: {v}"
        );
    }
    assert_eq!(app.count(&t, "PRX").await, 0);

    // A good task is stored; an edit that breaks its scheme is refused and leaves version 1.
    let r = app
        .post_json(&t, "/api/banks/PRX/questions", &task("PRX-1"))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut broken = task("PRX-1");
    broken["scheme"][1]["points"] = json!(5);
    let r = app
        .put_json(
            &t,
            &format!("/api/questions/{id}"),
            &json!({"body": broken}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["details"]["reason"], "scheme_mismatch");
    let stored = app.get_json(&t, &format!("/api/questions/{id}")).await;
    assert_eq!(stored["version"], 1);
    assert_eq!(stored["body"]["scheme"][1]["points"], 4.0);
}

#[tokio::test]
async fn a_practical_task_keeps_its_scheme_time_and_equipment_through_a_spreadsheet_round_trip() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "PRY").await;
    let r = app
        .post_json(&t, "/api/banks/PRY/questions", &task("PRY-1"))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let original = app.get_json(&t, &format!("/api/questions/{id}")).await["body"].clone();
    assert_eq!(original["minutes"], 60);
    assert_eq!(original["scheme"][3]["kind"]["type"], "judgement");
    for format in ["xlsx", "csv"] {
        let code = format!("PRY{}", format.len());
        app.create_bank(&t, &code).await;
        let file = app
            .get(&t, &format!("/api/banks/PRY/export?format={format}"))
            .await
            .bytes()
            .await
            .unwrap()
            .to_vec();
        let (status, report) = app
            .import(&t, &code, &format!("format={format}"), file)
            .await;
        assert_eq!(status, StatusCode::OK, "{format}: {report}");
        let page = app
            .get_json(&t, &format!("/api/questions?bank={code}&per_page=5"))
            .await;
        let back_id = page["items"][0]["id"].as_i64().unwrap();
        let back = app.get_json(&t, &format!("/api/questions/{back_id}")).await["body"].clone();
        for field in ["scheme", "minutes", "equipment", "points", "stem"] {
            assert_eq!(back[field], original[field], "{format}: {field}");
        }
    }
}

#[tokio::test]
async fn the_shipped_practical_bank_loads_with_active_tasks_that_have_time_equipment_and_schemes() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let page = app
        .get_json(&t, "/api/questions?bank=PRA&kind=practical&per_page=50")
        .await;
    let items = page["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{page}");
    for q in items {
        let full = app
            .get_json(&t, &format!("/api/questions/{}", q["id"]))
            .await;
        let b = &full["body"];
        assert_eq!(b["status"], "active", "{}", b["ident"]);
        assert!(b["minutes"].as_u64().unwrap() > 0, "{}", b["ident"]);
        assert!(!b["equipment"].as_array().unwrap().is_empty());
        let scheme = b["scheme"].as_array().unwrap();
        let sum: f64 = scheme
            .iter()
            .filter(|a| a["kind"]["type"] != "deduction")
            .map(|a| a["points"].as_f64().unwrap())
            .sum();
        assert_eq!(sum, b["points"].as_f64().unwrap(), "{}", b["ident"]);
    }
}
