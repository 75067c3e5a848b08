//! Servers of the real binary (`exam-platform serve`), for what an app inside the test process
//! cannot show: two instances on one database, a SIGKILL in the middle of saves.

use super::shipped_banks;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::io::BufRead;

/// The admin password of servers started with [`start_server`].
pub const BINARY_ADMIN_PASSWORD: &str = "binary-admin-pw";

/// Starts the real binary on a database and returns it with its base URL.
pub fn start_server(database_url: &str) -> (std::process::Child, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_exam-platform"))
        .arg("serve")
        .env("BIND", "127.0.0.1:0")
        .env("DATABASE_URL", database_url)
        .env("ADMIN_PASSWORD", BINARY_ADMIN_PASSWORD)
        .env("BANK_DIR", shipped_banks())
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the server binary");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server prints where it listens")
            .expect("read stdout");
        if let Some(rest) = line.strip_prefix("Listening on ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

/// Logs the admin in on a server started with [`start_server`] and returns the token.
pub async fn server_admin_token(client: &Client, base: &str) -> String {
    let r = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": "admin", "password": BINARY_ADMIN_PASSWORD}))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::OK, "admin login");
    let v: Value = r.json().await.expect("json");
    v["token"].as_str().expect("token").to_string()
}
