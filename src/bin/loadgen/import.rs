//! A bank import posted while the candidates save (`run --import`).

use crate::http::{StaffApi, error_text};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

/// An import posted during a run: when it ran (ms since the common start) and how it ended.
pub(crate) struct ImportRun {
    pub(crate) start_ms: u32,
    pub(crate) end_ms: u32,
    pub(crate) outcome: String,
}

/// Logs in, makes sure the bank exists, waits until `at`, posts the file and times it.
pub(crate) async fn import_during_run(
    staff: StaffApi,
    user: String,
    password: String,
    bank: String,
    path: PathBuf,
    t0: Instant,
    at: Instant,
) -> Result<ImportRun, String> {
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("xlsx") => "xlsx",
        Some("csv") => "csv",
        _ => "native",
    };
    let mut staff = staff;
    let v = staff
        .expect(
            Method::POST,
            "/api/auth/login",
            &json!({"username": user, "password": password}),
            StatusCode::OK,
        )
        .await?;
    staff.token = v["token"].as_str().ok_or("login: no token")?.to_string();
    let (status, v) = staff
        .json(
            Method::POST,
            "/api/banks",
            &json!({"code": bank, "name": "导入测试 import under load"}),
        )
        .await?;
    if !(status.is_success() || status == StatusCode::CONFLICT) {
        return Err(format!("POST /api/banks: {status} {}", error_text(&v)));
    }
    tokio::time::sleep_until(at.into()).await;
    let started = Instant::now();
    let (status, v) = staff
        .call(
            Method::POST,
            &format!("/api/banks/{bank}/import?format={format}&on_conflict=update"),
            Some(("application/octet-stream", bytes)),
        )
        .await?;
    let done = Instant::now();
    let ms = |t: Instant| t.saturating_duration_since(t0).as_millis() as u32;
    let outcome = if status.is_success() {
        format!(
            "{status}, {} imported, {} updated, {} unchanged, {} skipped",
            v["imported"], v["updated"], v["unchanged"], v["skipped"]
        )
    } else {
        format!("{status} {}", error_text(&v))
    };
    Ok(ImportRun {
        start_ms: ms(started),
        end_ms: ms(done),
        outcome,
    })
}
