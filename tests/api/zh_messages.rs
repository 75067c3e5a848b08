//! What the server says to people reads in Chinese first: the `message_zh` of an error and the
//! `reason_zh` of an import or roster report line, with the file's own labels and rows.

use crate::support::{TestApp, id_number};
use exam_platform::error::{english_run, has_cjk};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A sentence that reads in Chinese, with no run of English words left in it.
fn chinese(text: &Value) -> &str {
    let s = text.as_str().unwrap_or_else(|| panic!("no text: {text}"));
    assert!(has_cjk(s), "not Chinese: {s}");
    assert_eq!(english_run(s), None, "English left in: {s}");
    s
}

async fn session(app: &TestApp, t: &str) -> i64 {
    let def = json!({"name": "继续教育考试", "time_limit_minutes": 60, "pass_line": 6,
        "blueprint": {"sections": [{"cells": [{"bank": "LAW", "kind": "single", "count": 10, "points": 1}]}]}});
    let r = app.post_json(t, "/api/exams", &def).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let exam_id = r.json::<Value>().await.unwrap()["id"].clone();
    let body = json!({"exam_id": exam_id, "name": "安防从业人员继续教育培训", "number": "第七十四期",
        "venue": "广州站", "starts_at": "2026-12-01T01:00:00Z", "ends_at": "2026-12-01T03:00:00Z",
        "rooms": [{"name": "第一考场", "seats": 30}]});
    let r = app.post_json(t, "/api/sessions", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_roster_row_with_a_bad_id_number_is_reported_in_chinese() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let sid = session(&app, &t).await;
    let csv = format!(
        "姓名,身份证号,工作单位,手机\n张三,{},某安防公司,\n钱七,110105194912310021,,\n孙八,{},,call me\n",
        id_number("19850312", 12),
        id_number("19900101", 3),
    );
    let r = app
        .post_bytes(
            &t,
            &format!("/api/sessions/{sid}/roster?format=csv&dry_run=true"),
            csv.into_bytes(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.unwrap();
    let row = |name: &str| {
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ident"] == name)
            .unwrap()
            .clone()
    };
    let qian = row("钱七");
    assert_eq!(qian["code"], "bad_check_digit");
    assert!(chinese(&qian["reason_zh"]).contains("校验位"), "{qian}");
    assert!(qian["reason"].as_str().unwrap().contains("check character"));
    assert!(chinese(&row("孙八")["reason_zh"]).contains("call me"));

    // One candidate typed in: the refusal carries the same sentence as `message_zh`.
    let r = app
        .post_json(
            &t,
            &format!("/api/sessions/{sid}/candidates"),
            &json!({"name": "钱七", "id_number": "110105194912310021"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "candidate_refused");
    assert!(
        chinese(&v["error"]["message_zh"]).contains("身份证号"),
        "{v}"
    );
    assert!(!has_cjk(v["error"]["message"].as_str().unwrap()), "{v}");
}

#[tokio::test]
async fn an_import_report_names_the_row_and_the_files_own_option_letter_in_chinese() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "KEYS").await;
    let csv = "编号,题型,题干,选项A,选项B,选项C,选项D,答案\n\
               K1,单选,题一,甲,乙,丙,丁,E\n\
               K2,单选,题二,甲,乙,丙,丁,B\n";
    let (status, report) = app
        .import(&t, "KEYS", "format=csv&dry_run=true", csv.into())
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let k1 = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ident"] == "K1")
        .unwrap();
    assert_eq!(k1["line"], 2, "{k1}");
    assert_eq!(k1["code"], "key_out_of_range");
    let zh = chinese(&k1["reason_zh"]);
    assert!(zh.contains('E') && !zh.contains('4'), "{zh}");
    let en = k1["reason"].as_str().unwrap();
    assert!(en.contains("option E") && !en.contains('4'), "{en}");

    // Aiken says the same with its own ANSWER line; a whole-file error has message_zh too.
    let aiken = "第一题？\nA. 甲\nB. 乙\nC. 丙\nD. 丁\nANSWER: E\n";
    let (status, report) = app
        .import(&t, "KEYS", "format=aiken&dry_run=true", aiken.into())
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let item = &report["items"][0];
    assert_eq!(item["line"], 1, "{item}");
    assert!(chinese(&item["reason_zh"]).contains('E'), "{item}");
    let (status, v) = app
        .import(&t, "KEYS", "format=csv", "名字,说明\n甲,乙\n".into())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(chinese(&v["error"]["message_zh"]).contains("题干"), "{v}");
}

#[tokio::test]
async fn a_refused_question_says_why_in_chinese_and_english() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "QZ").await;
    let q = json!({"ident": "QZ-1", "kind": "single", "stem": "题", "options": ["甲", "乙"],
        "key": {"type": "choice", "correct": [4]}});
    let r = app.post_json(&t, "/api/banks/QZ/questions", &q).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert!(chinese(&v["error"]["message_zh"]).contains('E'), "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("option E"),
        "{v}"
    );
}
