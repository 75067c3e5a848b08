//! Awards over HTTP: bad policies refused with their code and field (nothing saved), versions,
//! awards evaluated only on the final publication with the policy version stored, re-evaluation
//! after a new version, certificates issued once and verifiable, and the documents.

use crate::support::{FULL, LOW, ScoredCompetition, error_code};
use exam_platform::audit::entity as audit_log;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

fn certificate_type(code: &str, title: &str, wording: &str) -> Value {
    json!({"code": code, "title": title, "wording": wording,
        "issuer_code": "PACS", "issuer_name": "广东省安全技术防范协会"})
}

/// 25 % bands of 4 finalists (one each), the top 2 of 职工组 as 技术能手, rank 1 for the
/// 五一 list, the certificate at 70 in every stage.
fn policy(experts: u32) -> Value {
    json!({"rounding": "round", "ties": "higher", "awards": [
        {"kind": "first_prize", "percent": 25, "certificate": "AWARD"},
        {"kind": "second_prize", "percent": 25, "certificate": "AWARD"},
        {"kind": "third_prize", "percent": 25, "certificate": "AWARD"},
        {"kind": "technical_expert", "groups": ["职工组"], "top": experts},
        {"kind": "may_day_medal", "top": 1},
        {"kind": "skill_certificate", "threshold": 70, "certificate": "ZXNL"}]})
}

fn of_kind(awards: &Value, kind: &str) -> Vec<i32> {
    awards
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == kind)
        .map(|a| a["contestant_id"].as_i64().unwrap() as i32)
        .collect()
}

/// Four contestants ranked 100, 80, 80 (module 1 decides), 60; locked and decrypted; the two
/// certificate types made.
async fn ranked() -> ScoredCompetition {
    let c = ScoredCompetition::create(4, &["modules"]).await;
    for (k, (a, b)) in [(FULL, FULL), (FULL, LOW), (LOW, FULL), (LOW, LOW)]
        .iter()
        .enumerate()
    {
        c.mark(0, k, a).await;
        c.mark(1, k, b).await;
    }
    c.lock().await;
    c.decrypt().await;
    for body in [
        certificate_type(
            "AWARD",
            "获奖证书",
            "{name}：荣获{session}{result}。特发此证。",
        ),
        certificate_type(
            "ZXNL",
            "视频监控技术应用专项职业能力证书",
            "{name}参加{session}，成绩{result}，特发此证。",
        ),
    ] {
        let r =
            c.e.app
                .post_json(&c.e.admin, "/api/certificate-types", &body)
                .await;
        assert_eq!(r.status(), StatusCode::CREATED, "certificate type");
    }
    c
}

#[tokio::test]
async fn a_bad_policy_is_refused_with_its_code_and_field_and_nothing_is_saved() {
    let c = ranked().await;
    let app = &c.e.app;
    let path = c.url(&format!("/events/{}/award-policy", c.event));
    let mut over = policy(2);
    over["awards"][2]["percent"] = json!(60);
    let mut zero = policy(2);
    zero["awards"][3]["top"] = json!(0);
    let mut negative = policy(2);
    negative["awards"][0]["percent"] = json!(-10);
    let mut kind = policy(2);
    kind["awards"][1]["kind"] = json!("gold_medal");
    let mut group = policy(2);
    group["awards"][3]["groups"] = json!(["学生组"]);
    let mut cert = policy(2);
    cert["awards"][5]["certificate"] = json!("NOPE");
    for (body, code, field) in [
        (over, "policy_over_100", "awards[2].percent"),
        (zero, "policy_bad_count", "awards[3].top"),
        (negative, "policy_bad_count", "awards[0].percent"),
        (kind, "unknown_award_kind", "awards[1].kind"),
        (group, "unknown_group", "awards[3].groups[0]"),
        (cert, "unknown_certificate_type", "awards[5].certificate"),
    ] {
        let r = app.put_json(&c.e.admin, &path, &body).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], code, "{v}");
        assert_eq!(v["error"]["details"]["field"], field, "{v}");
    }
    let r = app
        .client
        .put(app.url(&path))
        .bearer_auth(&c.e.admin)
        .header("content-type", "application/json")
        .body("{\"awards\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "bad_policy".into())
    );
    // A judge is not an organiser.
    let r = app.put_json(c.e.judge(1), &path, &policy(2)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let versions: Value = app
        .get_json(
            &c.e.admin,
            &c.url(&format!("/events/{}/award-policies", c.event)),
        )
        .await;
    assert_eq!(versions, json!([]), "nothing saved");
}

#[tokio::test]
async fn awards_come_from_the_final_publication_with_the_policy_version_and_certificates_are_issued_once_and_verify()
 {
    let c = ranked().await;
    let app = &c.e.app;
    let admin = &c.e.admin;
    let k = &c.contestants;
    let save = c.url(&format!("/events/{}/award-policy", c.event));
    let awards = c.url(&format!("/events/{}/awards?group={}", c.event, c.group));
    let issue = c.url(&format!(
        "/events/{}/awards/certificates?group={}",
        c.event, c.group
    ));
    let r = app.put_json(admin, &save, &policy(2)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["version"], 1);
    // The same policy again is no new version.
    let r = app.put_json(admin, &save, &policy(2)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["version"], 1);

    // Not before the final publication.
    let r = app.post_json(admin, &awards, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "not_final".into())
    );
    let provisional = c.url(&format!(
        "/events/{}/results/provisional?group={}",
        c.event, c.group
    ));
    let r = app
        .post_json(admin, &provisional, &json!({"appeal_window_minutes": 0}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.post_json(admin, &awards, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "not_final".into())
    );
    // The provisional 成绩公示表.
    let doc = |ext: &str| {
        c.url(&format!(
            "/events/{}/results/list.{ext}?group={}",
            c.event, c.group
        ))
    };
    let r = app.get(admin, &doc("pdf")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    let r = app
        .post_json(
            admin,
            &c.url(&format!(
                "/events/{}/results/final?group={}",
                c.event, c.group
            )),
            &json!({}),
        )
        .await;
    assert!(r.status().is_success(), "final: {}", r.status());

    let v: Value = r_json(app.post_json(admin, &awards, &json!({})).await).await;
    assert_eq!(of_kind(&v, "first_prize"), vec![k[0]]);
    assert_eq!(of_kind(&v, "second_prize"), vec![k[1]]);
    assert_eq!(of_kind(&v, "third_prize"), vec![k[2]]);
    assert_eq!(of_kind(&v, "technical_expert"), vec![k[0], k[1]]);
    assert_eq!(of_kind(&v, "may_day_medal"), vec![k[0]]);
    // 60 in the final is under the policy's 70.
    assert_eq!(of_kind(&v, "skill_certificate"), vec![k[0], k[1], k[2]]);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|a| a["policy_version"] == 1)
    );
    assert_eq!(v[0]["label_zh"], "一等奖");

    // A new version (one 技术能手) replaces the list; the audit keeps both versions.
    let r = app.put_json(admin, &save, &policy(1)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let versions: Value = app
        .get_json(
            admin,
            &c.url(&format!("/events/{}/award-policies", c.event)),
        )
        .await;
    assert_eq!(
        versions
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["version"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![2, 1]
    );
    assert_eq!(
        versions[1]["policy"]["awards"][3]["top"], 2,
        "old stays readable"
    );
    let v: Value = r_json(app.post_json(admin, &awards, &json!({})).await).await;
    assert_eq!(of_kind(&v, "technical_expert"), vec![k[0]]);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|a| a["policy_version"] == 2)
    );
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("competition.evaluate_awards"))
        // PostgreSQL returns rows in no set order without one.
        .order_by_desc(audit_log::Column::Id)
        .all(&c.db)
        .await
        .unwrap();
    let last: Value = serde_json::from_str(&audit[0].detail).unwrap();
    assert_eq!(
        (
            last["policy_version"].as_i64(),
            last["previous_policy_version"].as_i64()
        ),
        (Some(2), Some(1))
    );

    // Certificates: three prizes and three 专项职业能力证书; a second run issues none.
    let s: Value = r_json(app.post_json(admin, &issue, &json!({})).await).await;
    assert_eq!(s["issued"], 6, "{s}");
    let s: Value = r_json(app.post_json(admin, &issue, &json!({})).await).await;
    assert_eq!(
        (s["issued"].as_i64(), s["already_issued"].as_i64()),
        (Some(0), Some(6))
    );
    let listed: Value = app.get_json(admin, &awards).await;
    let first = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "first_prize")
        .unwrap();
    let number = first["certificate_number"].as_str().unwrap();
    let found: Value = app
        .get_json(admin, &format!("/api/certificates?number={number}"))
        .await;
    assert_eq!(found[0]["result"], "一等奖", "{found}");
    let qr = found[0]["qr_text"].as_str().unwrap();
    let r = app
        .client
        .post(app.url("/api/verify"))
        .json(&json!({"text": qr}))
        .send()
        .await
        .unwrap();
    let verdict: Value = r.json().await.unwrap();
    assert_eq!(verdict["outcome"], "valid", "{verdict}");
    // The awards stand once certificates are out.
    let r = app.post_json(admin, &awards, &json!({})).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "certificates_issued".into())
    );

    // Documents: the final 成绩公示表, the award list and the recommendation lists.
    let r = app.get(admin, &doc("xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    for list in [
        "prizes",
        "technical_expert",
        "may_day_medal",
        "skill_certificate",
    ] {
        for (ext, magic) in [("pdf", &b"%PDF"[..]), ("xlsx", &b"PK"[..])] {
            let r = app
                .get(
                    admin,
                    &c.url(&format!(
                        "/events/{}/awards/list.{ext}?group={}&list={list}",
                        c.event, c.group
                    )),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{list}.{ext}");
            assert!(r.bytes().await.unwrap().starts_with(magic), "{list}.{ext}");
        }
    }
    // Each judge's score sheets, with names after the decryption.
    for (ext, magic) in [("pdf", &b"%PDF"[..]), ("xlsx", &b"PK"[..])] {
        let r = app
            .get(
                admin,
                &c.url(&format!("/stages/{}/judge-sheets.{ext}", c.stage)),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "judge sheets .{ext}");
        assert!(r.bytes().await.unwrap().starts_with(magic));
    }
}

async fn r_json(r: reqwest::Response) -> Value {
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}
