//! Issue 13, the assessment end to end on the exam side: a session with a theory exam and a
//! practical part is final only once the practical tasks are locked, and passed only when both
//! parts pass; the results table and its CSV/XLSX carry both parts and each task; a candidate
//! sees the practical result (never a judge) only once results are released; certificates are
//! issued on both parts and print both scores; the practical part's documents (准备通知单,
//! 场次安排表, 评分记录表) are PDFs with the right texts, for the right people.

use crate::support::{Candidate, PracticalEvent, PracticalSpec, error_code, log_tablet_in};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::Command;

/// Full marks on the camera scheme: met, 1 mm off (full band), level 3, no deduction.
const FULL: [f64; 4] = [1.0, 1.0, 3.0, 0.0];
/// Nothing: not met, 9 mm off (beyond every band), level 0, two deductions.
const NOTHING: [f64; 4] = [0.0, 9.0, 0.0, 2.0];

/// Three candidates from employers no judge is from, so every judge marks everyone.
async fn event() -> PracticalEvent {
    PracticalSpec::camera(&["甲安防公司", "乙安防公司", "丙安防公司"])
        .create()
        .await
}

/// Candidate `i` sits the theory paper (4 true/false questions, all true, pass line 2):
/// answering `true` to `right` of them, then submits. Returns (token, attempt).
async fn sit(e: &PracticalEvent, i: usize, right: usize) -> (String, i64) {
    let c = Candidate {
        ticket: e.candidates[i].ticket.clone(),
        id_number: e.candidates[i].id_number.clone(),
    };
    let (token, attempt, _) = log_tablet_in(&e.app.client, &e.app.base, &c).await;
    let paper = e
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}/paper"))
        .await;
    for (n, q) in paper["questions"].as_array().unwrap().iter().enumerate() {
        let value = n < right;
        let r = e
            .app
            .put_json(
                &token,
                &format!("/api/attempts/{attempt}/answers/{}", q["id"]),
                &json!({"response": {"type": "true_false", "value": value}, "seq": n + 1}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "answer");
    }
    let r = e
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

/// Every judge marks candidate `c` with `entries` and submits.
async fn judge_all(e: &PracticalEvent, c: usize, entries: &[f64]) {
    for j in 0..e.judges.len() {
        let r = e.mark_all(j, 0, c, entries, 1).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "judge {j} submits candidate {c}"
        );
    }
}

async fn sign_off(e: &PracticalEvent) {
    let r = e
        .app
        .post_json(
            e.judge(0),
            &format!("/api/judging/tasks/{}/sign-off", e.tasks[0]),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "sign-off");
}

async fn results(e: &PracticalEvent) -> Value {
    e.app
        .get_json(&e.admin, &format!("/api/sessions/{}/results", e.session))
        .await
}

fn row<'a>(r: &'a Value, ticket: &str) -> &'a Value {
    r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["ticket"] == ticket)
        .expect("row")
}

/// The three candidates sat the theory: 0 and 2 passed it, 1 failed it; everyone is marked
/// (0 and 1 full marks, 2 nothing), the task not yet signed off.
async fn sat_and_marked() -> (PracticalEvent, Vec<(String, i64)>) {
    let e = event().await;
    let tablets = vec![
        sit(&e, 0, 4).await,
        sit(&e, 1, 0).await,
        sit(&e, 2, 3).await,
    ];
    judge_all(&e, 0, &FULL).await;
    judge_all(&e, 1, &FULL).await;
    judge_all(&e, 2, &NOTHING).await;
    (e, tablets)
}

#[tokio::test]
async fn a_result_waits_for_the_locked_practical_part_and_passes_only_when_both_parts_pass() {
    let (e, _) = sat_and_marked().await;
    let before = results(&e).await;
    assert_eq!(before["has_practical"], true);
    let first = row(&before, &e.candidates[0].ticket);
    assert_eq!(
        first["status"], "practical_pending",
        "theory final, practical not"
    );
    assert_eq!(first["passed"], Value::Null);
    assert_eq!(first["theory_passed"], true);
    assert_eq!(before["final_results"], 0);
    assert_eq!(before["passed"], 0);

    sign_off(&e).await;
    let after = results(&e).await;
    let both = row(&after, &e.candidates[0].ticket);
    assert_eq!(both["status"], "final");
    assert_eq!(both["passed"], true, "theory and practical passed");
    assert_eq!(both["practical_score"], 100.0);
    assert_eq!(both["practical_passed"], true);
    assert_eq!(both["practical_tasks"], json!([100.0]));
    assert_eq!(both["theory_score"], 4.0);
    let theory_failed = row(&after, &e.candidates[1].ticket);
    assert_eq!(theory_failed["practical_passed"], true);
    assert_eq!(theory_failed["theory_passed"], false);
    assert_eq!(
        theory_failed["passed"], false,
        "a failed theory fails the assessment"
    );
    let practical_failed = row(&after, &e.candidates[2].ticket);
    assert_eq!(practical_failed["theory_passed"], true);
    assert_eq!(practical_failed["practical_score"], 0.0);
    assert_eq!(practical_failed["practical_passed"], false);
    assert_eq!(
        practical_failed["passed"], false,
        "a failed practical fails it too"
    );
    assert_eq!(after["final_results"], 3);
    assert_eq!(after["passed"], 1);
    assert_eq!(after["practical_tasks"][0]["title"], "前端摄像机安装与调试");
}

#[tokio::test]
async fn the_csv_and_xlsx_exports_carry_both_parts_and_a_column_per_task() {
    let (e, _) = sat_and_marked().await;
    sign_off(&e).await;
    let path = format!("/api/sessions/{}/results", e.session);
    let csv = e.app.get(&e.admin, &format!("{path}?format=csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for col in [
        "理论成绩",
        "理论是否合格",
        "实操成绩",
        "实操是否合格",
        "实操：前端摄像机安装与调试",
    ] {
        assert!(header.contains(&col), "{col} in {header:?}");
    }
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let first: Vec<String> = text
        .lines()
        .find(|l| l.contains(&e.candidates[0].ticket))
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    assert_eq!(first[at("实操成绩")], "100");
    assert_eq!(first[at("实操：前端摄像机安装与调试")], "100");
    assert_eq!(first[at("实操是否合格")], "合格");

    let xlsx = e.app.get(&e.admin, &format!("{path}?format=xlsx")).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("成绩").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let col = rows[0]
        .iter()
        .position(|h| h == "实操：前端摄像机安装与调试")
        .expect("task column in the workbook");
    let mine = rows
        .iter()
        .find(|r| r.iter().any(|c| *c == e.candidates[2].ticket))
        .unwrap();
    assert_eq!(mine[col], "0", "a number cell");
}

#[tokio::test]
async fn a_candidate_sees_the_practical_result_only_once_released_and_never_a_judge() {
    let (e, tablets) = sat_and_marked().await;
    sign_off(&e).await;
    let (token, attempt) = tablets[0].clone();
    let state = e
        .app
        .get_json(&token, &format!("/api/attempts/{attempt}"))
        .await;
    assert_eq!(state["result"], Value::Null, "not released yet");
    let r = e
        .app
        .post_json(
            &e.admin,
            &format!("/api/sessions/{}/release", e.session),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let raw = e
        .app
        .get(&token, &format!("/api/attempts/{attempt}"))
        .await
        .text()
        .await
        .unwrap();
    let state: Value = serde_json::from_str(&raw).unwrap();
    let result = &state["result"];
    assert_eq!(result["passed"], true, "both parts");
    assert_eq!(result["final"], true);
    assert_eq!(result["theory_passed"], true);
    assert_eq!(result["practical"]["score"], 100.0);
    assert_eq!(result["practical"]["passed"], true);
    assert_eq!(
        result["practical"]["tasks"],
        json!([{"title": "前端摄像机安装与调试", "score": 100.0}])
    );
    assert!(
        !raw.contains("考评员"),
        "no judge's name reaches the candidate"
    );
}

#[tokio::test]
async fn a_released_theory_alone_earns_no_certificate_and_the_certificate_prints_both_parts() {
    let (e, _) = sat_and_marked().await;
    let r = e
        .app
        .post_json(
            &e.admin,
            "/api/certificate-types",
            &json!({"code": "ZXNL", "title": "专项职业能力证书",
                "wording": "{name}参加{course}考核，成绩合格，特发此证。", "course": "视频监控技术应用",
                "issuer_code": "GDAF", "issuer_name": "广东省安全技术防范协会", "show_score": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let type_id = r.json::<Value>().await.unwrap()["id"].clone();
    let r = e
        .app
        .put_json(
            &e.admin,
            &format!("/api/sessions/{}/certificate-type", e.session),
            &json!({"certificate_type_id": type_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = e
        .app
        .post_json(
            &e.admin,
            &format!("/api/sessions/{}/release", e.session),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let list = format!("/api/sessions/{}/certificates", e.session);
    let certs = e.app.get_json(&e.admin, &list).await;
    assert_eq!(certs, json!([]), "the theory alone earns nothing");

    // The sign-off makes candidate 0 final and passed: the released session issues at once.
    sign_off(&e).await;
    let certs = e.app.get_json(&e.admin, &list).await;
    let certs = certs.as_array().unwrap();
    assert_eq!(certs.len(), 1, "only the candidate who passed both parts");
    let r = e.app.post_json(&e.admin, &list, &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["issued"], 0, "none twice");
    let id = certs[0]["id"].as_i64().unwrap();
    let r = e
        .app
        .get(&e.admin, &format!("/api/certificates/{id}/pdf"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let pdf = r.bytes().await.unwrap().to_vec();
    if let Some(text) = pdf_text(&pdf) {
        assert!(text.contains("理论知识4分"), "{text}");
        assert!(text.contains("操作技能100分"), "{text}");
        assert!(text.contains("专项职业能力证书"), "{text}");
    }
}

/// The text pdftotext reads, whitespace removed; none when poppler-utils is missing outside CI (said so).
fn pdf_text(pdf: &[u8]) -> Option<String> {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "pdftotext missing in CI: install poppler-utils"
        );
        eprintln!("skipped: pdftotext not installed");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args([file.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext reads it");
    // Without whitespace: how pdftotext spaces CJK text is its own affair.
    Some(
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect(),
    )
}

async fn pdf(e: &PracticalEvent, token: &str, path: &str) -> Vec<u8> {
    let r = e.app.get(token, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(b"%PDF"));
    bytes
}

#[tokio::test]
async fn the_notice_and_the_schedule_are_pdfs_for_staff_with_equipment_codes_and_names() {
    let e = event().await;
    let notice = pdf(
        &e,
        &e.admin,
        &format!("/api/sessions/{}/practical/notice.pdf", e.session),
    )
    .await;
    let schedule = pdf(
        &e,
        &e.admin,
        &format!("/api/sessions/{}/practical/schedule.pdf", e.session),
    )
    .await;
    let (status, code) = error_code(
        e.app
            .get(
                e.judge(0),
                &format!("/api/sessions/{}/practical/notice.pdf", e.session),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{code}");
    if let Some(text) = pdf_text(&notice) {
        for want in [
            "考核准备通知单",
            "前端摄像机安装与调试",
            "网络摄像机",
            "60分钟",
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
        // One camera per station, four stations.
        assert!(text.contains("1台×4=4台"), "{text}");
    }
    if let Some(text) = pdf_text(&schedule) {
        assert!(text.contains("场次安排表"), "{text}");
        for i in 0..3 {
            assert!(text.contains(e.code(i)), "code {} in {text}", e.code(i));
            assert!(text.contains(&e.candidates[i].name), "name in {text}");
        }
    }
}

#[tokio::test]
async fn the_score_records_print_after_the_lock_for_the_head_judge_and_staff_only() {
    let (e, _) = sat_and_marked().await;
    let path = format!("/api/judging/tasks/{}/records.pdf", e.tasks[0]);
    let (status, code) = error_code(e.app.get(e.judge(0), &path).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "task_not_locked")
    );
    sign_off(&e).await;
    let (status, code) = error_code(e.app.get(e.judge(1), &path).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "not_head_judge"),
        "a panel judge who is not the head"
    );
    let (status, code) =
        error_code(e.app.get(e.judge(0), &format!("{path}?code=ZZZZZZ")).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "unknown_code")
    );
    let all = pdf(&e, &e.admin, &path).await;
    let one = pdf(&e, e.judge(0), &format!("{path}?code={}", e.code(0))).await;
    if let Some(text) = pdf_text(&all) {
        assert_eq!(
            text.matches("考核评分记录表").count(),
            3,
            "one per candidate"
        );
        for want in [
            "考评员judge.a",
            "考评员judge.b",
            "考评员judge.c",
            "图像清晰度",
            "带电接线",
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
    }
    if let Some(text) = pdf_text(&one) {
        assert!(text.contains(e.code(0)));
        assert!(text.contains(&e.candidates[0].name), "names once locked");
        assert!(!text.contains(e.code(1)), "only the one asked for");
        assert!(text.contains("成绩Score：100/100"), "{text}");
        assert!(text.contains("裁判长Headjudge：考评员judge.a"), "{text}");
    }
}
