//! Import benchmark: generates a synthetic 50,000-question bank in the native format and as
//! XLSX, then imports each into a fresh SQLite database with the release binary's `import`
//! subcommand, several times, and prints the median wall time and peak memory (VmHWM).
//!
//! Run: `cargo bench --bench import` (QUESTIONS=… and RUNS=… override the defaults;
//! BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 adds PostgreSQL runs).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_exam-platform");

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run exam-platform");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        panic!(
            "command failed: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    stdout
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn postgres_db(server: &str, n: usize) -> String {
    let name = format!("exam_bench_{}_{n}", std::process::id());
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        let status = Command::new("psql")
            .args([&format!("{server}/postgres"), "-qc", &sql])
            .env("PGOPTIONS", "-c client_min_messages=warning")
            .status()
            .expect("psql");
        assert!(status.success(), "{sql} failed");
    }
    format!("{server}/{name}")
}

fn main() {
    let questions: usize = std::env::var("QUESTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut targets = vec![("sqlite", None)];
    if let Ok(pg) = std::env::var("BENCH_POSTGRES_URL") {
        targets.push(("postgres", Some(pg.trim_end_matches('/').to_string())));
    }
    println!("import benchmark: {questions} questions, {runs} runs each, median shown");
    println!("| format | database | file size | wall time (median) | peak memory (median) |");
    println!("|---|---|---|---|---|");
    let mut n = 0;
    for format in ["native", "xlsx"] {
        let file = dir.path().join(format!(
            "bank.{}",
            if format == "native" { "toml" } else { "xlsx" }
        ));
        run(Command::new(BIN)
            .args([
                "gen-bank",
                "--questions",
                &questions.to_string(),
                "--format",
                format,
                "-o",
            ])
            .arg(&file));
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        for (db_name, pg) in &targets {
            let mut times = Vec::new();
            let mut peaks = Vec::new();
            for _ in 0..runs {
                n += 1;
                let url = match pg {
                    Some(server) => postgres_db(server, n),
                    None => format!(
                        "sqlite://{}",
                        dir.path().join(format!("run{n}.db")).display()
                    ),
                };
                let started = Instant::now();
                let out = run(Command::new(BIN)
                    .args(["import", "--bank", "SYN", "--format", format])
                    .arg(&file)
                    .env("DATABASE_URL", &url)
                    .env("BANK_DIR", "")
                    .env("ADMIN_PASSWORD", "bench-admin-password"));
                times.push(started.elapsed().as_secs_f64());
                assert!(
                    out.contains(&format!("{questions} imported")),
                    "unexpected report: {out}"
                );
                let peak = out
                    .split("peak_rss_mb=")
                    .nth(1)
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .expect("peak_rss_mb in output");
                peaks.push(peak);
            }
            if let Some(server) = pg {
                for i in n + 1 - runs..=n {
                    let name = format!("exam_bench_{}_{i}", std::process::id());
                    let _ = Command::new("psql")
                        .env("PGOPTIONS", "-c client_min_messages=warning")
                        .args([
                            &format!("{server}/postgres"),
                            "-qc",
                            &format!("DROP DATABASE IF EXISTS {name}"),
                        ])
                        .status();
                }
            }
            println!(
                "| {format} | {db_name} | {:.1} MB | {:.2} s | {:.0} MB |",
                size as f64 / 1e6,
                median(times),
                median(peaks)
            );
        }
    }
}
