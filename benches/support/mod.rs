//! What the benchmarks share (each bench is its own crate and takes this in with
//! `#[path = "support/mod.rs"] mod support;`): settings from the environment, the median/p99/max
//! of timings, a small JSON client for an app under load, and valid ID numbers.
// Not every bench uses every piece.
#![allow(dead_code)]

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// A whole-number setting from the environment, or its default.
pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Median, p99 and max of timings (ms).
pub fn stats(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let p = |q: usize| ms[(ms.len() * q / 100).min(ms.len() - 1)];
    (p(50), p(99), ms[ms.len() - 1])
}

/// A JSON client for the app at `base`; a call that does not succeed stops the bench.
pub struct Api {
    pub client: Client,
    pub base: String,
}

impl Api {
    /// Sends one request; the status and the JSON answer (null when there is none).
    pub async fn send(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.expect("request");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// POST that must succeed.
    pub async fn post(&self, token: &str, path: &str, body: Value) -> Value {
        let (s, v) = self
            .send(reqwest::Method::POST, token, path, Some(body))
            .await;
        assert!(s.is_success(), "POST {path}: {s} {v}");
        v
    }

    /// GET that must succeed.
    pub async fn get(&self, token: &str, path: &str) -> Value {
        let (s, v) = self.send(reqwest::Method::GET, token, path, None).await;
        assert!(s.is_success(), "GET {path}: {s} {v}");
        v
    }

    /// A staff token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let v = self
            .post(
                "",
                "/api/auth/login",
                json!({"username": username, "password": password}),
            )
            .await;
        v["token"].as_str().expect("token").to_string()
    }
}

/// A valid ID number for the `seq`-th person (up to 30,000): region 440106, born in January
/// 1990 (a day per thousand), with its check character.
pub fn id_number(seq: u32) -> String {
    let first17 = format!("4401061990{:04}{:03}", 101 + seq / 1000 % 30, seq % 1000);
    let check = exam_platform::exam::identity::id_check_char(&first17).expect("17 digits");
    format!("{first17}{check}")
}
