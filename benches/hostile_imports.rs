//! Hostile import files against the release server: for each file, the server's peak memory
//! over idle while it refuses the file, and `/api/health` latency meanwhile (polled every 20 ms).
//!
//! Each file gets a fresh server on SQLite (`target/release/exam-platform`, no shipped banks);
//! the peak is VmHWM from /proc after resetting it at idle (`echo 5 > /proc/PID/clear_refs`),
//! minus the idle VmRSS. Targets: under 200 MB over idle, health under 100 ms throughout.
//!
//! Run: `cargo build --release && cargo bench --bench hostile_imports` (Linux only).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/api/support/hostile.rs"]
mod hostile;

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-admin-password";

fn bin() -> String {
    std::env::var("BIN").unwrap_or_else(|_| {
        format!(
            "{}/target/release/exam-platform",
            env!("CARGO_MANIFEST_DIR")
        )
    })
}

fn status_kb(pid: u32, key: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

async fn start(port: u16) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(bin())
        .env("BIND", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("exam.db").display()),
        )
        .env("ADMIN_PASSWORD", PASSWORD)
        .env("BANK_DIR", "")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start target/release/exam-platform (cargo build --release first)");
    // Owned at once, so that the server is stopped (and waited for) on every path.
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(r) = client
            .get(format!("{}/api/health", server.base))
            .send()
            .await
            && r.status().is_success()
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not come up on {}", server.base);
}

struct Figures {
    status: u16,
    code: String,
    import_ms: u128,
    idle_mb: f64,
    peak_over_idle_mb: f64,
    health_max_ms: f64,
    health_p99_ms: f64,
    health_checks: usize,
    health_idle_max_ms: f64,
}

async fn measure(port: u16, query: &str, file: Vec<u8>) -> Figures {
    let server = start(port).await;
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{}/api/auth/login", server.base))
        .json(&json!({"username": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("token").to_string();
    let r = client
        .post(format!("{}/api/banks", server.base))
        .bearer_auth(&token)
        .json(&json!({"code": "HOSTILE", "name": "hostile"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "create bank: {}", r.status());
    // Settle, then reset the peak so that it measures the import alone.
    for _ in 0..20 {
        client
            .get(format!("{}/api/health", server.base))
            .send()
            .await
            .ok();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = server.child.id();
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset VmHWM");
    let idle = status_kb(pid, "VmRSS:");
    // Health latency with nothing running, over about a second: what the machine gives anyway.
    let mut baseline: f64 = 0.0;
    for _ in 0..40 {
        let t0 = Instant::now();
        client
            .get(format!("{}/api/health", server.base))
            .send()
            .await
            .ok();
        baseline = baseline.max(t0.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let done = Arc::new(AtomicBool::new(false));
    let poller = {
        let (done, url) = (done.clone(), format!("{}/api/health", server.base));
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut times = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let t0 = Instant::now();
                let ok = client
                    .get(&url)
                    .timeout(Duration::from_secs(60))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                times.push(if ok {
                    t0.elapsed().as_secs_f64() * 1000.0
                } else {
                    f64::INFINITY
                });
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            times
        })
    };
    let t0 = Instant::now();
    let r = client
        .post(format!("{}/api/banks/HOSTILE/import?{query}", server.base))
        .bearer_auth(&token)
        .body(file)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    let import_ms = t0.elapsed().as_millis();
    tokio::time::sleep(Duration::from_millis(100)).await;
    done.store(true, Ordering::Relaxed);
    let mut times = poller.await.unwrap();
    let peak = status_kb(pid, "VmHWM:");
    times.sort_by(|a, b| a.total_cmp(b));
    let code = body["error"]["code"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| {
            let codes: std::collections::BTreeSet<&str> = body["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i["code"].as_str())
                .collect();
            format!(
                "imported {} skipped {} {:?}",
                body["imported"], body["skipped"], codes
            )
        });
    Figures {
        status,
        code,
        import_ms,
        idle_mb: idle as f64 / 1024.0,
        peak_over_idle_mb: peak.saturating_sub(idle) as f64 / 1024.0,
        health_max_ms: times.last().copied().unwrap_or(0.0),
        health_p99_ms: times
            .get((times.len() * 99 / 100).min(times.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0),
        health_checks: times.len(),
        health_idle_max_ms: baseline,
    }
}

/// A GIFT file with one true/false question whose stem is `len` bytes of one letter, and one
/// ordinary question after it.
fn gift_long_stem(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    out.extend_from_slice(b"::HUGE:: ");
    out.resize(out.len() + len, b'x');
    out.extend_from_slice(" {T}\n\n::OK:: 一道正常的题 {F}\n".as_bytes());
    out
}

#[tokio::main]
async fn main() {
    let mib = 1024 * 1024;
    let files: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "QTI DTD entity bomb (100 KB entity × 5,000)",
            "format=qti",
            hostile::qti_entity_bomb(100_000, 5_000),
        ),
        (
            "XLSX one 400 MiB shared string",
            "format=xlsx",
            hostile::xlsx_with_shared_string(
                &["题型", "题干", "答案"],
                &["判断", "{}", "对"],
                &"x".repeat(400 * mib),
            ),
        ),
        (
            "GIFT one 60 MiB stem",
            "format=gift",
            gift_long_stem(60 * mib),
        ),
        (
            "QTI ZIP, 4 items with 50 MiB stems",
            "format=qti",
            hostile::qti_package(
                &(0..4)
                    .map(|i| (["A", "B", "C", "D"][i], "x".repeat(50 * mib)))
                    .collect::<Vec<_>>(),
            ),
        ),
    ];
    // For comparison, a genuine big file: 50,000 questions as XLSX, imported as a dry run.
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("bank.xlsx");
    let out = Command::new(bin())
        .args(["gen-bank", "--questions", "50000", "--format", "xlsx", "-o"])
        .arg(&real)
        .output()
        .expect("gen-bank");
    assert!(out.status.success(), "gen-bank failed");
    let mut files = files;
    files.push((
        "XLSX 50,000 genuine questions (dry run, for comparison)",
        "format=xlsx&dry_run=true",
        std::fs::read(&real).unwrap(),
    ));
    println!(
        "| file | size | answer | import | idle RSS | peak over idle | health max | health p99 | checks | health max at idle |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (i, (name, query, file)) in files.into_iter().enumerate() {
        let size = file.len();
        let f = measure(18700 + i as u16, query, file).await;
        println!(
            "| {name} | {:.2} MB | {} {} | {} ms | {:.0} MB | {:.0} MB | {:.0} ms | {:.0} ms | {} | {:.0} ms |",
            size as f64 / 1e6,
            f.status,
            f.code,
            f.import_ms,
            f.idle_mb,
            f.peak_over_idle_mb,
            f.health_max_ms,
            f.health_p99_ms,
            f.health_checks,
            f.health_idle_max_ms
        );
    }
}
