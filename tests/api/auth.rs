//! Staff accounts, roles, tokens, rate limiting and the audit log, over HTTP.

use crate::support::{
    ADMIN_PASSWORD, TestApp, client_from, error_code, fresh_database, test_config,
};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn health_answers_and_names_the_database() {
    let app = TestApp::spawn().await;
    let r = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["status"], "ok");
    let expected = if app.database_url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(v["database"], expected);
}

#[tokio::test]
async fn the_openapi_document_describes_the_main_endpoints() {
    let app = TestApp::spawn().await;
    let v: serde_json::Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/auth/login",
        "/api/banks/{code}/import",
        "/api/questions/{id}",
        "/api/users",
    ] {
        assert!(
            v["paths"].get(path).is_some(),
            "{path} missing from OpenAPI"
        );
    }
    assert!(v["components"]["schemas"].get("QuestionBody").is_some());
    for path in [
        "/api/candidate/login",
        "/api/attempts/{id}/answers/{question_id}",
        "/api/sessions/{id}/live",
        "/api/sessions/{id}/results",
    ] {
        assert!(
            v["paths"].get(path).is_some(),
            "{path} missing from OpenAPI"
        );
    }
    // Query parameters are described as such, and every path parameter is in the path.
    for (path, item) in v["paths"].as_object().unwrap() {
        for op in item.as_object().unwrap().values() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                if p["in"] == "path" {
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{path}: {name} is not in the path"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn admin_logs_in_and_sees_their_own_account() {
    let app = TestApp::spawn().await;
    let token = app.admin().await;
    let me = app.get_json(&token, "/api/auth/me").await;
    assert_eq!(me["username"], "admin");
    assert_eq!(me["roles"], json!(["admin"]));
    assert!(me.get("password_hash").is_none());
}

async fn login_from(
    client: &reqwest::Client,
    app: &TestApp,
    user: &str,
    pw: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": user, "password": pw}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_password_guesser_is_made_to_wait_but_the_real_user_elsewhere_still_logs_in() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 3).await;
    let guesser = client_from("127.0.0.2");
    for _ in 0..3 {
        let r = login_from(&guesser, &app, "admin", "wrong-password").await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
        );
    }
    // The guesser's next try is not even looked at, the right password included.
    let r = login_from(&guesser, &app, "admin", ADMIN_PASSWORD).await;
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&wait), "Retry-After {wait}");
    assert_eq!(
        error_code(r).await,
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts".into())
    );
    // The real user, on their own address, is not locked out.
    let real = client_from("127.0.0.1");
    let r = login_from(&real, &app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Nor is another account tried from the guesser's address.
    app.user_with_roles("wu.author", &["author"]).await;
    let r = login_from(&guesser, &app, "wu.author", "a-good-password").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_name_that_cannot_exist_is_refused_before_anything_is_counted() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 2).await;
    let huge = "a".repeat(1000 * 1024);
    for name in [huge.as_str(), "a b", "x"] {
        for _ in 0..4 {
            let r = app.try_login(name, "whatever-123").await;
            assert_eq!(
                error_code(r).await,
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_username".into()),
                "never a 429: nothing was counted"
            );
        }
    }
}

#[tokio::test]
async fn an_unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let app = TestApp::spawn().await;
    let r = app.try_login("nobody", "whatever-123").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
}

#[tokio::test]
async fn requests_without_a_token_or_with_a_forged_one_are_refused() {
    let app = TestApp::spawn().await;
    let r = app.client.get(app.url("/api/banks")).send().await.unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "missing_token".into())
    );
    let token = app.admin().await;
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    let r = app.get(&forged, "/api/banks").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "invalid_token".into())
    );
    let r = app.get("not-a-jwt", "/api/banks").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_author_can_edit_banks_but_not_manage_accounts() {
    let app = TestApp::spawn().await;
    let author = app.user_with_roles("wang.author", &["author"]).await;
    let r = app
        .post_json(
            &author,
            "/api/banks",
            &json!({"code": "NEW", "name": "新题库"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.get(&author, "/api/users").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::FORBIDDEN, "forbidden".into())
    );
    let r = app
        .post_json(
            &author,
            "/api/users",
            &json!({"username": "x1x", "password": "a-good-password", "roles": ["admin"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_proctor_cannot_read_questions_or_change_banks() {
    let app = TestApp::spawn_with_banks().await;
    let proctor = app.user_with_roles("li.proctor", &["proctor"]).await;
    let r = app.get(&proctor, "/api/questions?bank=VID").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post_bytes(
            &proctor,
            "/api/banks/VID/import?format=gift",
            b"::a:: x {T}".to_vec(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_disabled_account_loses_access_at_once_and_cannot_log_in() {
    let app = TestApp::spawn().await;
    let judge = app.user_with_roles("zhao.judge", &["judge"]).await;
    let me = app.get_json(&judge, "/api/auth/me").await;
    let admin = app.admin().await;
    let r = app
        .patch_json(
            &admin,
            &format!("/api/users/{}", me["id"]),
            &json!({"disabled": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.get(&judge, "/api/auth/me").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "account_disabled".into())
    );
    let r = app.try_login("zhao.judge", "a-good-password").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_admin_cannot_disable_or_demote_themself() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let me = app.get_json(&admin, "/api/auth/me").await;
    let path = format!("/api/users/{}", me["id"]);
    let r = app
        .patch_json(&admin, &path, &json!({"disabled": true}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "cannot_disable_self".into())
    );
    let r = app
        .patch_json(&admin, &path, &json!({"roles": ["author"]}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "cannot_demote_self".into())
    );
}

#[tokio::test]
async fn a_reset_password_works_and_the_old_one_stops_working() {
    let app = TestApp::spawn().await;
    let t = app.user_with_roles("chen.author", &["author"]).await;
    let me = app.get_json(&t, "/api/auth/me").await;
    let admin = app.admin().await;
    let r = app
        .post_json(
            &admin,
            &format!("/api/users/{}/password", me["id"]),
            &json!({"password": "short"}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "weak_password".into())
    );
    let r = app
        .post_json(
            &admin,
            &format!("/api/users/{}/password", me["id"]),
            &json!({"password": "brand-new-pass"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    app.login("chen.author", "brand-new-pass").await;
    let r = app.try_login("chen.author", "a-good-password").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_password_reset_ends_the_old_token_and_it_cannot_refresh_itself() {
    let app = TestApp::spawn().await;
    let stolen = app.user_with_roles("qian.author", &["author"]).await;
    let me = app.get_json(&stolen, "/api/auth/me").await;
    let admin = app.admin().await;
    let r = app
        .post_json(
            &admin,
            &format!("/api/users/{}/password", me["id"]),
            &json!({"password": "brand-new-pass"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        error_code(app.get(&stolen, "/api/banks").await).await,
        (StatusCode::UNAUTHORIZED, "token_revoked".into())
    );
    let r = app
        .post_json(&stolen, "/api/auth/refresh", &json!({}))
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "token_revoked".into())
    );
    let fresh = app.login("qian.author", "brand-new-pass").await;
    app.get_json(&fresh, "/api/banks").await;
    let log = app.get_json(&admin, "/api/audit?target_type=user").await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "user.reset_password" && e["detail"]["tokens_ended"] == true)
    );
}

#[tokio::test]
async fn disabling_an_account_ends_its_tokens_for_good_even_after_it_is_enabled_again() {
    let app = TestApp::spawn().await;
    let t = app.user_with_roles("feng.judge", &["judge"]).await;
    let me = app.get_json(&t, "/api/auth/me").await;
    let admin = app.admin().await;
    let path = format!("/api/users/{}", me["id"]);
    for disabled in [true, false] {
        let r = app
            .patch_json(&admin, &path, &json!({"disabled": disabled}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    assert_eq!(
        error_code(app.get(&t, "/api/auth/me").await).await,
        (StatusCode::UNAUTHORIZED, "token_revoked".into())
    );
    // A change of name only ends nothing.
    let t = app.login("feng.judge", "a-good-password").await;
    let r = app
        .patch_json(&admin, &path, &json!({"display_name": "冯裁判"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.get_json(&t, "/api/auth/me").await;
}

#[tokio::test]
async fn a_role_change_ends_the_tokens_issued_before_it() {
    let app = TestApp::spawn().await;
    let t = app.user_with_roles("chu.author", &["author"]).await;
    let me = app.get_json(&t, "/api/auth/me").await;
    let admin = app.admin().await;
    let r = app
        .patch_json(
            &admin,
            &format!("/api/users/{}", me["id"]),
            &json!({"roles": ["author", "proctor"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        error_code(app.get(&t, "/api/banks").await).await,
        (StatusCode::UNAUTHORIZED, "token_revoked".into())
    );
    let t = app.login("chu.author", "a-good-password").await;
    assert_eq!(
        app.get_json(&t, "/api/auth/me").await["roles"],
        json!(["author", "proctor"])
    );
}

#[tokio::test]
async fn refreshing_keeps_the_original_login_time_and_stops_after_the_longest_session() {
    let app = TestApp::spawn_with(|c| c.staff_session_seconds = 3).await;
    let started = chrono::Utc::now().timestamp();
    let t = app.admin().await;
    let r = app.post_json(&t, "/api/auth/refresh", &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(
        v["expires_at"].as_i64().unwrap() <= started + 4,
        "a refresh never reaches past the login's end"
    );
    let refreshed = v["token"].as_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    let r = app
        .post_json(&refreshed, "/api/auth/refresh", &json!({}))
        .await;
    let (status, code) = error_code(r).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        code == "session_too_old" || code == "token_expired",
        "{code}"
    );
    app.admin().await;
}

#[tokio::test]
async fn a_user_changes_their_own_password_only_with_the_current_one() {
    let app = TestApp::spawn().await;
    let t = app.user_with_roles("sun.author", &["author"]).await;
    let other_tab = app.login("sun.author", "a-good-password").await;
    let r = app
        .post_json(
            &t,
            "/api/auth/password",
            &json!({"current_password": "wrong-one!", "new_password": "another-pass"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .post_json(
            &t,
            "/api/auth/password",
            &json!({"current_password": "a-good-password", "new_password": "another-pass"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    // The answer carries a fresh token, so this tab stays logged in...
    let fresh = v["token"].as_str().unwrap();
    assert_eq!(
        app.get_json(fresh, "/api/auth/me").await["username"],
        "sun.author"
    );
    // ...and every earlier token, this tab's old one and any other, is ended.
    for old in [&t, &other_tab] {
        assert_eq!(
            error_code(app.get(old, "/api/auth/me").await).await,
            (StatusCode::UNAUTHORIZED, "token_revoked".into())
        );
    }
    app.login("sun.author", "another-pass").await;
}

#[tokio::test]
async fn duplicate_usernames_and_bad_roles_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let body = json!({"username": "Zhou", "password": "a-good-password", "roles": ["proctor"]});
    assert_eq!(
        app.post_json(&admin, "/api/users", &body).await.status(),
        StatusCode::CREATED
    );
    let r = app
        .post_json(
            &admin,
            "/api/users",
            &json!({"username": "zhou", "password": "a-good-password", "roles": ["judge"]}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::CONFLICT, "username_taken".into())
    );
    let r = app
        .post_json(
            &admin,
            "/api/users",
            &json!({"username": "wuxin", "password": "a-good-password", "roles": []}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_roles".into())
    );
    let r = app
        .post_json(
            &admin,
            "/api/users",
            &json!({"username": "wuxin", "password": "a-good-password", "roles": ["king"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_json(
            &admin,
            "/api/users",
            &json!({"username": "a b", "password": "a-good-password", "roles": ["judge"]}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_username".into())
    );
}

#[tokio::test]
async fn malformed_json_gets_a_clear_400_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let r = app
        .client
        .post(app.url("/api/users"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "malformed_json".into())
    );
    let users = app.get_json(&admin, "/api/users").await;
    assert_eq!(users.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn account_changes_are_written_to_the_audit_log_with_who_and_what() {
    let app = TestApp::spawn().await;
    app.user_with_roles("he.proctor", &["proctor"]).await;
    let admin = app.admin().await;
    let log = app.get_json(&admin, "/api/audit?target_type=user").await;
    let entries = log.as_array().unwrap();
    let create = entries
        .iter()
        .find(|e| e["action"] == "user.create" && e["detail"]["username"] == "he.proctor")
        .expect("creation audited");
    assert_eq!(create["actor"], "admin");
    assert!(create["at"].as_str().is_some());
    let csv = app
        .get(&admin, "/api/audit?format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("user.create"));
}

#[tokio::test]
async fn a_refreshed_token_works_and_unknown_endpoints_get_a_json_404() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    let r = app.post_json(&t, "/api/auth/refresh", &json!({})).await;
    let v: serde_json::Value = r.json().await.unwrap();
    let fresh = v["token"].as_str().unwrap();
    app.get_json(fresh, "/api/auth/me").await;
    let r = app.get(fresh, "/api/nothing-here").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}

#[tokio::test]
async fn the_first_start_makes_an_admin_with_a_random_password_only_once() {
    let (url, _dir) = fresh_database().await;
    let db = exam_platform::db::connect(&url, 2).await.unwrap();
    let pw = exam_platform::auth::service::ensure_admin(&db, None)
        .await
        .unwrap();
    let pw = pw.expect("a generated password");
    assert!(pw.len() >= 12);
    assert!(
        exam_platform::auth::service::ensure_admin(&db, None)
            .await
            .unwrap()
            .is_none()
    );
    let mut config = test_config(&url);
    config.admin_password = None;
    let app = TestApp::start(config).await;
    app.login("admin", &pw).await;
}
