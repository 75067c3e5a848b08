//! Test harness: spawns the app on port 0 with a fresh database (SQLite in a temp folder, or a
//! fresh PostgreSQL database when TEST_POSTGRES_URL is set) and talks to it over HTTP.

use exam_platform::config::Config;
use exam_platform::startup::Application;
use reqwest::{Client, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

pub const ADMIN_PASSWORD: &str = "test-admin-password";

/// A running app and a client.
pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub database_url: String,
    pub config: Config,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh database URL: a file in a new temp folder, or a new PostgreSQL database.
pub async fn fresh_database() -> (String, Option<tempfile::TempDir>) {
    if let Ok(server) = std::env::var("TEST_POSTGRES_URL") {
        let name = format!(
            "exam_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            rand::random::<u32>()
        );
        let admin = Database::connect(format!("{}/postgres", server.trim_end_matches('/')))
            .await
            .expect("connect to the PostgreSQL server named by TEST_POSTGRES_URL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create a test database");
        admin.close().await.ok();
        (format!("{}/{name}", server.trim_end_matches('/')), None)
    } else {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        (url, Some(dir))
    }
}

/// Settings for a test app on a given database.
pub fn test_config(database_url: &str) -> Config {
    Config {
        bind: "127.0.0.1:0".into(),
        database_url: database_url.to_string(),
        admin_password: Some(ADMIN_PASSWORD.into()),
        bank_dir: None,
        announce: false,
        db_pool: 8,
        // What the certificate tests' QR codes were written against; tests of the default
        // (the bind address, or none) set it to None.
        cert_public_url: Some("http://127.0.0.1:8080".into()),
        ..Config::default()
    }
}

pub fn shipped_banks() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/question-bank"))
}

pub fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture exists")
}

impl TestApp {
    /// An app with no banks loaded.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// An app with the shipped banks loaded.
    pub async fn spawn_with_banks() -> TestApp {
        Self::spawn_with(|c| c.bank_dir = Some(shipped_banks())).await
    }

    /// An app with adjusted settings.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let (url, dir) = fresh_database().await;
        let mut config = test_config(&url);
        adjust(&mut config);
        let mut app = Self::start(config).await;
        app._dir = dir;
        app
    }

    /// Starts an app with exactly this config (e.g. a restart on the same database).
    pub async fn start(config: Config) -> TestApp {
        let app = Application::build(config.clone())
            .await
            .expect("app builds");
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        TestApp {
            base,
            // Idle connections are dropped before the server's 5 s keep-alive closes them: a
            // test that blocks its runtime (PDF tools, the CLI) never reuses a closed one.
            client: Client::builder()
                .pool_idle_timeout(std::time::Duration::from_secs(3))
                .build()
                .expect("client"),
            database_url: config.database_url.clone(),
            config,
            _dir: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a login and returns the response, whatever it is.
    pub async fn try_login(&self, username: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("request")
    }

    /// Logs in and returns the token; panics on failure.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let r = self.try_login(username, password).await;
        assert_eq!(r.status(), StatusCode::OK, "login as {username}");
        let v: Value = r.json().await.expect("json");
        v["token"].as_str().expect("token").to_string()
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user with roles and returns their token.
    pub async fn user_with_roles(&self, username: &str, roles: &[&str]) -> String {
        let admin = self.admin().await;
        let r = self
            .post_json(
                &admin,
                "/api/users",
                &json!({"username": username, "password": "a-good-password", "roles": roles}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        self.login(username, "a-good-password").await
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, token: &str, path: &str) -> Value {
        let r = self.get(token, path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.expect("json")
    }

    pub async fn post_json(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn put_json(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch_json(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_bytes(&self, token: &str, path: &str, body: Vec<u8>) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// Creates an empty bank.
    pub async fn create_bank(&self, token: &str, code: &str) {
        let r = self
            .post_json(
                token,
                "/api/banks",
                &json!({"code": code, "name": format!("{code} 题库")}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "create bank {code}");
    }

    /// Imports bytes into a bank and returns (status, body).
    pub async fn import(
        &self,
        token: &str,
        bank: &str,
        query: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let r = self
            .post_bytes(token, &format!("/api/banks/{bank}/import?{query}"), body)
            .await;
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// How many questions a bank holds.
    pub async fn count(&self, token: &str, bank: &str) -> u64 {
        self.get_json(token, &format!("/api/questions?bank={bank}&per_page=1"))
            .await["total"]
            .as_u64()
            .expect("total")
    }
}

/// The error code of an error response.
pub async fn error_code(r: Response) -> (StatusCode, String) {
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    (
        status,
        v["error"]["code"].as_str().unwrap_or("").to_string(),
    )
}

/// A valid 18-digit ID number for a birth date (YYYYMMDD) and sequence, with its check digit.
pub fn id_number(birth: &str, seq: u32) -> String {
    let first17 = format!("440106{birth}{seq:03}");
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

/// A client whose requests come from another loopback address (e.g. `127.0.0.2`; Linux answers
/// on all of 127.0.0.0/8), so the server sees another client address.
pub fn client_from(ip: &str) -> Client {
    Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().expect("an IP address"))
        .build()
        .expect("client")
}
