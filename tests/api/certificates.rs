//! Certificates end to end over HTTP: issuing on release (once), the PDF checked by tools no
//! one here wrote (pdffonts, pdftotext, qpdf, pdftoppm + zbarimg), verification online and
//! offline, tampering, revocation, suspension, correction by reissue, key rotation, lookup
//! with its rate limit, downloads and who may do what.
//!
//! The PDF tools come from poppler-utils, qpdf and zbar-tools. Outside CI a test that needs
//! them and finds them missing says so and skips; in CI (CI=true) that is a failure.

use crate::support::{
    Candidate, SessionFixture, Sitting, TestApp, error_code, log_tablet_in, shipped_banks,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

const TITLE: &str = "广东省安防从业人员继续教育培训合格证";

/// An exam everyone passes (pass line 0), a session open now with `n` candidates (考生甲, 考生乙, …)
/// and a continuing-education certificate type set for it.
struct Setup {
    app: TestApp,
    admin: String,
    session_id: i64,
    type_id: i64,
    candidates: Vec<Candidate>,
}

const NAMES: [&str; 6] = ["张三丰", "李四", "王小明", "欧阳娜娜", "陈五", "赵六"];

fn certificate_type(code: &str) -> Value {
    json!({"code": code, "title": TITLE,
        "title_en": "Certificate of Continuing Education for Security Practitioners",
        "wording": "{name}同志参加{course}（{session}），经考核成绩合格，特发此证。",
        "course": "安防从业人员继续教育培训", "validity_years": 3,
        "issuer_code": "GDAF", "issuer_name": "广东省安全技术防范协会", "show_score": true})
}

async fn setup(n: usize) -> Setup {
    setup_with(n, 0.0, |_| {}).await
}

async fn setup_with(
    n: usize,
    pass_line: f64,
    adjust: impl FnOnce(&mut exam_platform::config::Config),
) -> Setup {
    let app = TestApp::spawn_with(|c| {
        c.bank_dir = Some(shipped_banks());
        adjust(c);
    })
    .await;
    let def = json!({"name": "安防从业人员继续教育培训考试", "time_limit_minutes": 60, "pass_line": pass_line,
        "release": "by_staff", "multiple_policy": "proportional",
        "blueprint": {"sections": [{"title": "一、客观题", "cells": [
            {"bank": "LAW", "kind": "single", "count": 5, "points": 2},
            {"bank": "STD", "kind": "true_false", "count": 4, "points": 1}]}]}});
    let Sitting {
        app,
        admin,
        session_id,
        candidates,
    } = SessionFixture::new(def)
        .candidates_named(&NAMES[..n], "19850312", 100)
        .sit(app)
        .await;
    let r = app
        .post_json(
            &admin,
            "/api/certificate-types",
            &certificate_type("GDAF-JXJY"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "certificate type");
    let type_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .put_json(
            &admin,
            &format!("/api/sessions/{session_id}/certificate-type"),
            &json!({"certificate_type_id": type_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "session certificate type");
    Setup {
        app,
        admin,
        session_id,
        type_id,
        candidates,
    }
}

impl Setup {
    /// Candidate `i` logs in and submits at once; returns their token.
    async fn sit(&self, i: usize) -> String {
        let (token, attempt, _) =
            log_tablet_in(&self.app.client, &self.app.base, &self.candidates[i]).await;
        let r = self
            .app
            .post_json(
                &token,
                &format!("/api/attempts/{attempt}/submit"),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "submit");
        token
    }

    async fn release(&self) -> Value {
        let r = self
            .app
            .post_json(
                &self.admin,
                &format!("/api/sessions/{}/release", self.session_id),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "release");
        r.json().await.unwrap()
    }

    async fn certificates(&self) -> Vec<Value> {
        self.app
            .get_json(
                &self.admin,
                &format!("/api/sessions/{}/certificates", self.session_id),
            )
            .await
            .as_array()
            .unwrap()
            .clone()
    }

    async fn pdf(&self, id: i64) -> Vec<u8> {
        let r = self
            .app
            .get(&self.admin, &format!("/api/certificates/{id}/pdf"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "pdf");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        r.bytes().await.unwrap().to_vec()
    }

    /// The JSON verdict on a QR text.
    async fn verify(&self, text: &str) -> Value {
        let r = self
            .app
            .client
            .post(self.app.url("/api/verify"))
            .json(&json!({"text": text}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "verify {text}");
        r.json().await.unwrap()
    }

    async fn public_json(&self, path: &str) -> Value {
        let r = self
            .app
            .client
            .get(self.app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.json().await.unwrap()
    }

    async fn change(&self, id: i64, action: &str, reason: &str) -> reqwest::Response {
        self.app
            .post_json(
                &self.admin,
                &format!("/api/certificates/{id}/{action}"),
                &json!({"reason": reason}),
            )
            .await
    }

    /// Writes the published keys (and the status list) into `dir` for the offline checker.
    async fn published_files(&self, dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
        let keys = self
            .public_json("/.well-known/exam-certificate-keys.json")
            .await;
        let status = self
            .public_json("/.well-known/exam-certificate-status.json")
            .await;
        let k = dir.join("keys.json");
        let s = dir.join("status.json");
        std::fs::write(&k, keys.to_string()).unwrap();
        std::fs::write(&s, status.to_string()).unwrap();
        (k, s)
    }
}

/// Runs the binary's offline checker: (succeeded, stdout).
fn offline(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_exam-platform"))
        .arg("cert-verify")
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("run exam-platform cert-verify");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

/// True when the PDF tools are installed. Missing tools fail the test in CI and skip it
/// elsewhere (say so).
fn pdf_tools() -> bool {
    let missing: Vec<&str> = ["pdffonts", "pdftotext", "pdftoppm", "qpdf", "zbarimg"]
        .into_iter()
        .filter(|t| Command::new(t).arg("--version").output().is_err())
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{missing:?} missing in CI: install poppler-utils qpdf zbar-tools");
    }
    eprintln!("skipped: {missing:?} not installed (apt-get install poppler-utils qpdf zbar-tools)");
    false
}

fn run(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(cmd).args(args).output().expect(cmd);
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Rasterizes page 1 at 300 dpi and decodes its QR codes (zbarimg's stdout only: it may
/// complain on stderr about a missing D-Bus).
fn scan(pdf: &Path) -> Vec<String> {
    let prefix = pdf.with_extension("");
    let (ok, out) = run(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(ok, "pdftoppm: {out}");
    let png = prefix.with_extension("png");
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw", png.to_str().unwrap()])
        .output()
        .expect("zbarimg");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn payload_of(qr: &str) -> &str {
    &qr[qr.rfind("/V/").unwrap() + 3..]
}

#[tokio::test]
async fn passing_candidates_get_one_certificate_each_on_release_and_rerunning_issues_no_second() {
    let s = setup(3).await;
    s.sit(0).await;
    s.sit(1).await;
    // Candidate 2 is absent.
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/certificates", s.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "results_not_released".into())
    );
    assert!(
        s.certificates().await.is_empty(),
        "nothing before the release"
    );
    s.release().await;
    let certs = s.certificates().await;
    assert_eq!(certs.len(), 2);
    let year = chrono::Utc::now().format("%Y").to_string();
    let mut numbers: Vec<&str> = certs
        .iter()
        .map(|c| c["number"].as_str().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        vec![format!("GDAF{year}000001"), format!("GDAF{year}000002")]
    );
    let holders: Vec<&str> = certs
        .iter()
        .map(|c| c["holder_name"].as_str().unwrap())
        .collect();
    assert!(holders.contains(&"张三丰") && holders.contains(&"李四"));
    for c in &certs {
        assert_eq!(c["status"], "valid");
        assert!(c["id_masked"].as_str().unwrap().contains("********"));
        assert!(c["result"].as_str().unwrap().starts_with("合格"));
        let issued =
            chrono::NaiveDate::parse_from_str(c["issued_on"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap();
        let expires =
            chrono::NaiveDate::parse_from_str(c["expires_on"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap();
        assert_eq!(
            expires,
            issued.checked_add_months(chrono::Months::new(36)).unwrap()
        );
        let qr = c["qr_text"].as_str().unwrap();
        assert!(qr.starts_with("HTTP://127.0.0.1:8080/V/"), "{qr}");
        assert!(
            qr.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b" $%*+-./:".contains(&b))
        );
    }
    // Re-running, by batch or by releasing again, never issues a second certificate.
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/certificates", s.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["issued"], 0);
    assert_eq!(report["already_issued"], 2);
    assert_eq!(report["not_passed"], 1);
    s.release().await;
    assert_eq!(s.certificates().await.len(), 2);
    // The type's code is fixed once certificates carry it; its wording may still change.
    let r = s
        .app
        .put_json(
            &s.admin,
            &format!("/api/certificate-types/{}", s.type_id),
            &certificate_type("GDAF-NEW"),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "type_in_use".into())
    );
    let mut changed = certificate_type("GDAF-JXJY");
    changed["wording"] = json!("{name}参加{course}，考核合格。");
    let r = s
        .app
        .put_json(
            &s.admin,
            &format!("/api/certificate-types/{}", s.type_id),
            &changed,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Every issue is in the audit log.
    let audit = s
        .app
        .get_json(&s.admin, "/api/audit?target_type=certificate")
        .await;
    let entries = audit["entries"]
        .as_array()
        .or(audit.as_array())
        .unwrap()
        .clone();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["action"] == "certificate.issue")
            .count(),
        2
    );
}

#[tokio::test]
async fn a_failed_result_gets_no_certificate() {
    let s = setup_with(1, 13.0, |_| {}).await;
    s.sit(0).await;
    s.release().await;
    assert!(s.certificates().await.is_empty());
}

#[tokio::test]
async fn a_certificate_pdf_passes_pdffonts_pdftotext_qpdf_and_its_qr_verifies_online_and_offline() {
    let s = setup(1).await;
    s.sit(0).await;
    s.release().await;
    let cert = s.certificates().await.remove(0);
    let pdf = s.pdf(cert["id"].as_i64().unwrap()).await;
    assert!(pdf.len() < 100_000, "a certificate is {} bytes", pdf.len());
    if !pdf_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("certificate.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let f = file.to_str().unwrap();

    let (ok, fonts) = run("pdffonts", &[f]);
    assert!(ok, "{fonts}");
    let rows: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type… encoding emb sub uni object ID: emb and sub are the 5th and 4th from last.
        let n = cols.len();
        assert_eq!(
            (cols[n - 5], cols[n - 4]),
            ("yes", "yes"),
            "embedded and subset: {row}"
        );
    }
    let (ok, text) = run("pdftotext", &[f, "-"]);
    assert!(ok);
    assert!(text.contains(TITLE), "{text}");
    assert!(text.contains("张三丰"), "{text}");
    assert!(text.contains(cert["number"].as_str().unwrap()));
    let (ok, check) = run("qpdf", &["--check", f]);
    assert!(
        ok && check.contains("No syntax or stream encoding errors"),
        "{check}"
    );

    let codes = scan(&file);
    assert_eq!(
        codes,
        vec![cert["qr_text"].as_str().unwrap().to_string()],
        "zbarimg reads the printed code"
    );
    let qr = &codes[0];

    // Online: the JSON twin and the page the code opens.
    let v = s.verify(qr).await;
    assert_eq!(v["outcome"], "valid", "{v}");
    assert_eq!(v["certificate"]["holder"], "张*丰");
    assert_eq!(v["issuer_name"], "广东省安全技术防范协会");
    for name in [
        "format",
        "signature",
        "key_valid_on_issue_date",
        "status",
        "dates",
    ] {
        assert!(
            v["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["name"] == name && c["result"] == "passed"),
            "{name}: {v}"
        );
    }
    let r = s
        .app
        .client
        .get(s.app.url(&format!("/V/{}", payload_of(qr))))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    let page = r.text().await.unwrap();
    assert!(page.contains("有效") && page.contains("Valid"), "{page}");
    assert!(
        page.contains("张*丰") && page.contains(TITLE) && page.contains("广东省安全技术防范协会")
    );
    assert!(!page.contains("张三丰"), "the page shows the name masked");
    assert!(page.contains("440106********"), "masked ID");
    let j = s
        .app
        .get_json("", &format!("/api/verify/{}", payload_of(qr)))
        .await;
    assert_eq!(j["outcome"], "valid");

    // Offline: the QR text and the PDF itself against the published files, no server.
    let (keys, status) = s.published_files(dir.path()).await;
    let (ok, out) = offline(&[
        qr,
        "--keys",
        keys.to_str().unwrap(),
        "--status",
        status.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    assert!(out.contains("Verdict: 有效 Valid"), "{out}");
    let (ok, out) = offline(&[f, "--keys", keys.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("printed QR code"), "{out}");
    assert!(out.contains("metadata matches"), "{out}");
    assert!(
        out.contains("could not check"),
        "without a status list it says so: {out}"
    );
}

#[tokio::test]
async fn a_tampered_truncated_or_garbage_qr_text_is_not_valid_with_a_reason_online_and_offline() {
    let s = setup(1).await;
    s.sit(0).await;
    s.release().await;
    let qr = s.certificates().await[0]["qr_text"]
        .as_str()
        .unwrap()
        .to_string();
    let payload = payload_of(&qr).to_string();
    let dir = tempfile::tempdir().unwrap();
    let (keys, _) = s.published_files(dir.path()).await;
    let keys = keys.to_str().unwrap().to_string();
    let mut tampered = vec![];
    for i in [0, 5, 20, payload.len() / 2, payload.len() - 3] {
        let mut p = payload.clone().into_bytes();
        p[i] = if p[i] == b'A' { b'B' } else { b'A' };
        tampered.push(String::from_utf8(p).unwrap());
    }
    tampered.push(payload[..payload.len() - 10].to_string());
    tampered.push(format!("{payload}AA"));
    tampered.push("GARBAGE!!".into());
    tampered.push(String::new());
    for t in &tampered {
        let text = format!("HTTP://127.0.0.1:8080/V/{t}");
        let v = s.verify(&text).await;
        assert_eq!(v["outcome"], "not_valid", "{t}: {v}");
        assert!(v["reason"].as_str().is_some_and(|r| !r.is_empty()));
        assert!(
            v["certificate"].is_null(),
            "no fields of a forged payload are shown"
        );
        let r = s
            .app
            .client
            .get(s.app.url(&format!("/V/{t}")))
            .send()
            .await
            .unwrap();
        let status = r.status();
        if !t.is_empty() {
            assert_eq!(status, StatusCode::OK);
            let page = r.text().await.unwrap();
            assert!(
                page.contains("无效") && page.contains("Not valid"),
                "{page}"
            );
        }
        let (ok, out) = offline(&[&text, "--keys", &keys]);
        assert!(!ok, "{out}");
        assert!(out.contains("无效 Not valid"), "{out}");
    }
    // A signed payload for a number the registry does not know is not valid online.
    let v = s.verify("HTTP://127.0.0.1:8080/V/A").await;
    assert_eq!(v["outcome"], "not_valid");
    let r = s
        .app
        .client
        .get(s.app.url("/api/verify/%00%FF"))
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_client_error(),
        "never a 500"
    );
}

#[tokio::test]
async fn revoking_suspending_and_reinstating_show_online_in_the_status_list_and_offline() {
    let s = setup(2).await;
    s.sit(0).await;
    s.sit(1).await;
    s.release().await;
    let certs = s.certificates().await;
    let (a, b) = (&certs[0], &certs[1]);
    let (ia, ib) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());
    let qa = a["qr_text"].as_str().unwrap();

    let r = s.change(ia, "revoke", "  ").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "reason_required".into())
    );
    let r = s.change(ia, "reinstate", "not suspended").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "status_conflict".into())
    );

    let r = s.change(ia, "suspend", "证书信息核查中").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(s.verify(qa).await["outcome"], "suspended");
    let r = s.change(ia, "reinstate", "核查无误").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(s.verify(qa).await["outcome"], "valid");
    let r = s.change(ia, "revoke", "培训记录造假").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = s.verify(qa).await;
    assert_eq!(v["outcome"], "revoked");
    let page = s
        .app
        .client
        .get(s.app.url(&format!("/V/{}", payload_of(qa))))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("已撤销") && page.contains("Revoked"));
    assert!(
        !page.contains("培训记录造假"),
        "the reason stays with staff"
    );
    let r = s.change(ia, "reinstate", "改主意了").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "status_conflict".into())
    );
    // The other certificate is untouched.
    assert_eq!(
        s.verify(b["qr_text"].as_str().unwrap()).await["outcome"],
        "valid"
    );
    let _ = ib;

    // Offline with the signed status list: revoked; with an edited list: status not checked.
    let dir = tempfile::tempdir().unwrap();
    let (keys, status) = s.published_files(dir.path()).await;
    let (k, st) = (keys.to_str().unwrap(), status.to_str().unwrap());
    let (ok, out) = offline(&[qa, "--keys", k, "--status", st]);
    assert!(!ok);
    assert!(out.contains("已撤销 Revoked"), "{out}");
    let (ok, out) = offline(&[b["qr_text"].as_str().unwrap(), "--keys", k, "--status", st]);
    assert!(ok, "{out}");
    let mut list: Value = serde_json::from_str(&std::fs::read_to_string(&status).unwrap()).unwrap();
    list["statuses"] = json!("AAAA");
    list["size"] = json!(16);
    std::fs::write(&status, list.to_string()).unwrap();
    let (ok, out) = offline(&[qa, "--keys", k, "--status", st]);
    assert!(ok, "a forged list is not used: {out}");
    assert!(
        out.contains("could not check") && out.contains("not used"),
        "{out}"
    );
    // Every change is audited with its reason.
    let audit = s
        .app
        .get_json(&s.admin, "/api/audit?target_type=certificate")
        .await;
    let text = audit.to_string();
    for action in [
        "certificate.suspend",
        "certificate.reinstate",
        "certificate.revoke",
    ] {
        assert!(text.contains(action), "{action}");
    }
    assert!(text.contains("培训记录造假"));
}

#[tokio::test]
async fn a_correction_reissues_with_a_new_number_and_the_old_certificate_shows_superseded() {
    let s = setup(1).await;
    s.sit(0).await;
    s.release().await;
    let old = s.certificates().await.remove(0);
    let id = old["id"].as_i64().unwrap();
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/certificates/{id}/reissue"),
            &json!({"holder_name": "张三峰"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/certificates/{id}/reissue"),
            &json!({"reason": "姓名录入错误", "holder_name": "张三峰"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let new: Value = r.json().await.unwrap();
    assert_ne!(new["number"], old["number"]);
    assert_eq!(new["holder_name"], "张三峰");
    assert_eq!(new["replaces"], id);
    assert_eq!(
        new["expires_on"], old["expires_on"],
        "a correction does not extend validity"
    );
    let v = s.verify(old["qr_text"].as_str().unwrap()).await;
    assert_eq!(v["outcome"], "superseded");
    assert_eq!(v["superseded_by"], new["number"]);
    assert_eq!(
        s.verify(new["qr_text"].as_str().unwrap()).await["outcome"],
        "valid"
    );
    // Correcting the old one again is refused; the new one's PDF carries the corrected name.
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/certificates/{id}/reissue"),
            &json!({"reason": "再次"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "already_superseded".into())
    );
    let pdf = s.pdf(new["id"].as_i64().unwrap()).await;
    if pdf_tools() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("new.pdf");
        std::fs::write(&f, &pdf).unwrap();
        let (_, text) = run("pdftotext", &[f.to_str().unwrap(), "-"]);
        assert!(text.contains("张三峰"), "{text}");
        assert_eq!(scan(&f), vec![new["qr_text"].as_str().unwrap().to_string()]);
        let (keys, status) = s.published_files(dir.path()).await;
        let (ok, out) = offline(&[
            old["qr_text"].as_str().unwrap(),
            "--keys",
            keys.to_str().unwrap(),
            "--status",
            status.to_str().unwrap(),
        ]);
        assert!(!ok);
        assert!(out.contains("Superseded"), "{out}");
    }
}

#[tokio::test]
async fn rotating_the_key_keeps_old_certificates_valid_and_a_revoked_key_makes_its_certificates_not_valid()
 {
    let s = setup(2).await;
    s.sit(0).await;
    s.release().await;
    let first = s.certificates().await.remove(0);
    let r = s
        .app
        .post_json(&s.admin, "/api/certificate-keys/rotate", &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let new_key: Value = r.json().await.unwrap();
    assert_eq!(new_key["id"], 2);
    let keys = s
        .public_json("/.well-known/exam-certificate-keys.json")
        .await;
    assert_eq!(keys["keys"].as_array().unwrap().len(), 2);
    assert!(keys["keys"][0]["retired_at"].is_string());
    assert!(
        keys["keys"][0].get("secret_key").is_none(),
        "no secret published"
    );
    assert_eq!(keys["types"]["GDAF-JXJY"], TITLE);
    assert_eq!(
        s.verify(first["qr_text"].as_str().unwrap()).await["outcome"],
        "valid"
    );
    // A later certificate is signed with the new key.
    s.sit(1).await;
    let r = s
        .app
        .post_json(
            &s.admin,
            &format!("/api/sessions/{}/certificates", s.session_id),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let second = s
        .certificates()
        .await
        .into_iter()
        .find(|c| c["id"] != first["id"])
        .unwrap();
    assert_eq!(second["key_id"], 2);
    assert_eq!(
        s.verify(second["qr_text"].as_str().unwrap()).await["outcome"],
        "valid"
    );
    // Revoking key 1 (say it leaked): what it signed is no longer trusted.
    let r = s
        .app
        .post_json(
            &s.admin,
            "/api/certificate-keys/1/revoke",
            &json!({"reason": "密钥泄露"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = s.verify(first["qr_text"].as_str().unwrap()).await;
    assert_eq!(
        (v["outcome"].as_str(), v["reason"].as_str()),
        (Some("not_valid"), Some("key_revoked"))
    );
    assert_eq!(
        s.verify(second["qr_text"].as_str().unwrap()).await["outcome"],
        "valid"
    );
    // Only admins manage keys.
    let author = s.app.user_with_roles("author1", &["author"]).await;
    let r = s
        .app
        .post_json(&author, "/api/certificate-keys/rotate", &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn lookup_by_number_and_name_finds_a_certificate_and_repeated_failures_are_refused() {
    let s = setup_with(1, 0.0, |c| c.cert_lookup_max_failures = 3).await;
    s.sit(0).await;
    s.release().await;
    let number = s.certificates().await[0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let lookup = |number: String, name: &'static str| {
        let app = &s.app;
        async move {
            app.client
                .post(app.url("/api/verify/lookup"))
                .json(&json!({"number": number, "name": name}))
                .send()
                .await
                .unwrap()
        }
    };
    let r = lookup(number.to_lowercase(), "张三丰").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["outcome"], "valid");
    assert_eq!(v["certificate"]["number"], number.as_str());
    // The page form works too.
    let page = s
        .app
        .client
        .get(s.app.url("/verify"))
        .query(&[("number", number.as_str()), ("name", "张三丰")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("有效"), "{page}");
    // A wrong name and an unknown number look the same; the third failure locks the address.
    assert_eq!(
        error_code(lookup(number.clone(), "张三").await).await.1,
        "certificate_not_found"
    );
    assert_eq!(
        error_code(lookup("GDAF2099000001".into(), "张三丰").await)
            .await
            .1,
        "certificate_not_found"
    );
    assert_eq!(
        error_code(lookup("x".into(), "张三丰").await).await.1,
        "certificate_not_found"
    );
    let r = lookup(number.clone(), "张三丰").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let r = s
        .app
        .client
        .get(s.app.url("/verify"))
        .query(&[("number", number.as_str()), ("name", "张三丰")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn only_staff_issue_revoke_or_reissue_and_a_candidate_reaches_only_their_own_certificate() {
    let s = setup(3).await;
    let t0 = s.sit(0).await;
    let t1 = s.sit(1).await;
    s.release().await;
    let certs = s.certificates().await;
    let id = certs[0]["id"].as_i64().unwrap();
    let proctor = s.app.user_with_roles("proctor1", &["proctor"]).await;
    for (path, body) in [
        (
            format!("/api/sessions/{}/certificates", s.session_id),
            json!({}),
        ),
        (
            format!("/api/certificates/{id}/revoke"),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/certificates/{id}/reissue"),
            json!({"reason": "x"}),
        ),
        (
            "/api/certificate-types".to_string(),
            certificate_type("OTHER"),
        ),
    ] {
        let r = s.app.post_json(&proctor, &path, &body).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        let r = s.app.post_json(&t0, &path, &body).await;
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "a candidate token is no staff token: {path}"
        );
        let r = s
            .app
            .client
            .post(s.app.url(&path))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let r = s.app.get(&t0, &format!("/api/certificates/{id}/pdf")).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Each candidate gets their own certificate and PDF.
    let mine0 = s.app.get_json(&t0, "/api/candidate/certificate").await;
    let mine1 = s.app.get_json(&t1, "/api/candidate/certificate").await;
    assert_eq!(mine0["holder_name"], "张三丰");
    assert_eq!(mine1["holder_name"], "李四");
    assert_ne!(mine0["number"], mine1["number"]);
    let r = s.app.get(&t0, "/api/candidate/certificate/pdf").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let r = s.app.get(&s.admin, "/api/candidate/certificate").await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a staff token is no candidate token"
    );
    // A revoked certificate is not handed out.
    let mine0_id = certs
        .iter()
        .find(|c| c["number"] == mine0["number"])
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    s.change(mine0_id, "revoke", "撤销").await;
    let r = s.app.get(&t0, "/api/candidate/certificate/pdf").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "certificate_not_valid".into())
    );
}

#[tokio::test]
async fn staff_download_a_whole_sessions_certificates_as_one_zip() {
    let s = setup(3).await;
    for i in 0..3 {
        s.sit(i).await;
    }
    s.release().await;
    let r = s
        .app
        .get(
            &s.admin,
            &format!("/api/sessions/{}/certificates?format=zip", s.session_id),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(zip.len(), 3);
    let mut names = vec![];
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        names.push(f.name().to_string());
        let mut head = [0u8; 5];
        std::io::Read::read_exact(&mut f, &mut head).unwrap();
        assert_eq!(&head, b"%PDF-");
    }
    assert!(
        names.iter().any(|n| n.ends_with("-王小明.pdf")),
        "{names:?}"
    );
}

#[tokio::test]
async fn bad_certificate_types_are_refused_with_clear_codes() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let cases = [
        (
            json!({"number_pattern": "{issuer}{year}"}),
            "invalid_number_pattern",
        ),
        (json!({"wording": "{nickname}合格"}), "invalid_wording"),
        (json!({"title": "𠀀合格证"}), "glyph_missing"),
        (json!({"code": "bad code"}), "invalid_type_code"),
        (json!({"validity_years": 0}), "invalid_certificate_type"),
        (json!({"accent": "red"}), "invalid_certificate_type"),
        (
            json!({"issuer_code": "ISSUERCODEISSUER1"}),
            "invalid_certificate_type",
        ),
    ];
    for (change, code) in cases {
        let mut body = certificate_type("GDAF-X");
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app.post_json(&admin, "/api/certificate-types", &body).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNPROCESSABLE_ENTITY, code.to_string()),
            "{change}"
        );
    }
    let r = app
        .post_json(
            &admin,
            "/api/certificate-types",
            &certificate_type("GDAF-X"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post_json(
            &admin,
            "/api/certificate-types",
            &certificate_type("gdaf-x"),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "type_code_exists".into())
    );
    let openapi = app.get_json("", "/api/openapi.json").await;
    assert!(openapi["paths"]["/api/certificates/{id}/reissue"].is_object());
    assert!(openapi["paths"]["/.well-known/exam-certificate-keys.json"].is_object());
}

#[tokio::test]
async fn the_own_certificate_endpoints_refuse_the_token_of_a_tablet_that_was_taken_over() {
    let s = setup(1).await;
    let old = s.sit(0).await;
    s.release().await;
    assert_eq!(
        s.app.get(&old, "/api/candidate/certificate").await.status(),
        StatusCode::OK
    );
    // The candidate logs in on another tablet: the old one's token is done, here too.
    let (new, _, _) = log_tablet_in(&s.app.client, &s.app.base, &s.candidates[0]).await;
    for path in [
        "/api/candidate/certificate",
        "/api/candidate/certificate/pdf",
    ] {
        assert_eq!(
            error_code(s.app.get(&old, path).await).await,
            (StatusCode::UNAUTHORIZED, "taken_over".into()),
            "{path}"
        );
        assert_eq!(
            s.app.get(&new, path).await.status(),
            StatusCode::OK,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_genuine_code_on_a_foreign_address_says_where_it_points_and_is_not_called_valid() {
    let s = setup(1).await;
    s.sit(0).await;
    s.release().await;
    let qr = s.certificates().await[0]["qr_text"]
        .as_str()
        .unwrap()
        .to_string();
    let ours = s.verify(&qr).await;
    assert_eq!(ours["outcome"], "valid", "{ours}");
    let issuer = ours["issuer_address"].as_str().unwrap().to_string();
    assert!(
        ours["points_to"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case(&issuer)
    );
    let foreign = format!("HTTP://EVIL.EXAMPLE/V/{}", payload_of(&qr));
    let v = s.verify(&foreign).await;
    assert_eq!(v["outcome"], "points_elsewhere", "{v}");
    assert_eq!(v["reason"], "foreign_address");
    assert_eq!(v["points_to"], "HTTP://EVIL.EXAMPLE");
    assert_eq!(v["issuer_address"], issuer.as_str());
    assert!(
        !v["certificate"].is_null(),
        "the genuine fields are still shown"
    );
    let address = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "address")
        .unwrap();
    assert_eq!(address["result"], "failed");
    // The bare payload (no address to judge) is valid.
    assert_eq!(s.verify(payload_of(&qr)).await["outcome"], "valid");
}
