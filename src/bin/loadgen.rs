//! `loadgen`: the load generator for the candidate attempt API, over HTTP against a running server
//! on a loopback address.
//!
//! - `loadgen setup` logs in as admin, creates (or reuses) a synthetic bank `LOAD`, an exam that
//!   draws 100 questions from it, a session open now with enough rooms, and a roster of N
//!   candidates with valid ID numbers; it writes the (ticket, ID number, room, seat, session)
//!   rows to a CSV file.
//! - `loadgen run` starts one task per candidate from that file: log in, fetch the paper, save
//!   answers at a fixed interval (or a target total rate, optionally a sweep of rates), optionally
//!   send tablet events (heartbeats, window blurs), optionally submit; then prints per-phase
//!   counts, errors and latency percentiles, the time until every candidate had a paper, and the
//!   achieved save rate, and with `--json` writes them as JSON.
//! - With `--watchers N`, `run` also plays N proctors watching the session's live room view
//!   (Server-Sent Events) and measures how long a candidate's window blur takes to show on their
//!   screens: from the moment the candidate sends it to the frame whose tile counts it.
//!   Candidates and watchers can be spread over several server instances (`--base` repeated), so
//!   delivery between instances is measured too.
//!
//! The generator shares the machine with the server, so it is built to be cheap: one
//! `reqwest::Client` (connection reuse), a small single-worker runtime by default, latencies kept
//! in per-task vectors (no locks on the hot path), request bodies serialized straight from
//! borrowed data, and the event streams parsed incrementally from the response chunks into
//! reused buffers (tiles are read in place, borrowing from the frame).

use chrono::{Duration as ChronoDuration, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};
use exam_platform::bank::{format, synthetic};
use exam_platform::exam::identity::id_check_char;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Client, Method, StatusCode, Url};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// The same allocator as the server: many small buffers per request, and it is cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Command line of the load generator.
#[derive(Parser)]
#[command(
    name = "loadgen",
    version,
    about = "Load generator for the candidate attempt API and live proctoring (loopback servers only)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the bank, exam, session and roster, and write the candidates file.
    Setup(SetupArgs),
    /// Run N candidates against the session the candidates file belongs to.
    Run(RunArgs),
}

/// Options both phases share.
#[derive(Args, Clone)]
struct CommonArgs {
    /// Server base URL; only loopback hosts (127.x, localhost, [::1]) are accepted. `run` takes
    /// several (repeated or comma-separated: instances sharing one database) and spreads the
    /// candidates over them round-robin, and the watchers too; `setup` takes one.
    #[arg(long, value_delimiter = ',', default_value = "http://127.0.0.1:8080")]
    base: Vec<String>,
    /// The candidates file (ticket,id_number,room,seat,session) written by setup and read by run.
    #[arg(long, default_value = "loadgen-candidates.csv")]
    file: PathBuf,
    /// Tokio worker threads. The server shares the machine, so keep this small.
    #[arg(long, default_value_t = 1)]
    workers: usize,
}

/// Options of `setup`.
#[derive(Args)]
struct SetupArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// How many candidates to put on the roster (at most 99,999 per session).
    #[arg(long, default_value_t = 5000)]
    candidates: usize,
    /// Staff account with the author role (admin has every role).
    #[arg(long, default_value = "admin")]
    admin_user: String,
    /// Its password.
    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    admin_password: String,
    /// Code of the synthetic bank (created if missing, reused if present).
    #[arg(long, default_value = "LOAD")]
    bank: String,
    /// Questions in the synthetic bank.
    #[arg(long, default_value_t = 10_000)]
    questions: usize,
    /// Seed of the synthetic bank (the same seed gives the same questions, so a re-import is a no-op).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Single-choice questions per paper.
    #[arg(long, default_value_t = 60)]
    single: usize,
    /// Multiple-choice questions per paper.
    #[arg(long, default_value_t = 20)]
    multiple: usize,
    /// True/false questions per paper.
    #[arg(long, default_value_t = 20)]
    true_false: usize,
    /// Fill-in questions per paper (0 by default; raise it to exercise blank answers).
    #[arg(long, default_value_t = 0)]
    fill: usize,
    /// Short-answer questions per paper (0 by default; raise it to exercise text answers).
    #[arg(long, default_value_t = 0)]
    short: usize,
    /// Time limit of the exam, in minutes.
    #[arg(long, default_value_t = 120)]
    time_limit_minutes: u32,
    /// The session window closes this many hours from now (it opened 5 minutes ago).
    #[arg(long, default_value_t = 6)]
    window_hours: i64,
}

/// Options of `run`.
#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// How many candidates of the file to run (all of them when absent).
    #[arg(long)]
    candidates: Option<usize>,
    /// Seconds of saving (per rate step with several --rate values); the first step also
    /// includes the --ramp-s login period.
    #[arg(long, default_value_t = 60)]
    duration_s: u64,
    /// Each candidate saves one answer every this many milliseconds.
    #[arg(long, default_value_t = 5000)]
    save_interval_ms: u64,
    /// Target total saves per second instead of --save-interval-ms (interval = N / R). A
    /// comma-separated list runs a sweep: one step of --duration-s per rate, logged in once.
    #[arg(long, value_delimiter = ',')]
    rate: Option<Vec<f64>>,
    /// Spread the logins evenly over this many seconds; 0 logs everyone in at once (a common start).
    #[arg(long, default_value_t = 0)]
    ramp_s: u64,
    /// Submit every attempt at the end, all at once (spread like the logins with --ramp-s). A later
    /// run on the same session then gets 409 attempt_submitted: run setup again first.
    #[arg(long)]
    submit: bool,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Per-request timeout, in seconds.
    #[arg(long, default_value_t = 60)]
    timeout_s: u64,
    /// Drop client connections idle this long. Below the server's keep-alive (actix-web: 5 s) so
    /// a request never goes out on a connection the server is closing at that moment.
    #[arg(long, default_value_t = 4000)]
    idle_ms: u64,
    /// Seed for the answer choices and save offsets.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// PID of a server process, to report its CPU time over the run (repeat it, or separate
    /// with commas, for several instances). PostgreSQL processes on this machine are counted too.
    #[arg(long, value_delimiter = ',')]
    server_pid: Vec<u32>,
    /// Each candidate reports a heartbeat this often, at a random offset (0: none).
    #[arg(long, default_value_t = 0)]
    heartbeat_ms: u64,
    /// Each candidate reports one window blur this often, at a random offset (0: none).
    #[arg(long, default_value_t = 0)]
    focus_every_ms: u64,
    /// Proctors watching the session's live room view (needs --admin-password).
    #[arg(long, default_value_t = 0)]
    watchers: usize,
    /// The session to watch; by default the one the candidates file names.
    #[arg(long)]
    session: Option<i32>,
    /// Staff account the watchers log in with (admin may watch every session).
    #[arg(long, default_value = "admin")]
    admin_user: String,
    /// Its password.
    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    admin_password: Option<String>,
    /// A blur not on a watcher's screen this long after it was sent counts as lost; the
    /// watchers keep listening this long after the end.
    #[arg(long, default_value_t = 5000)]
    lost_after_ms: u64,
    /// A bank file to import while the candidates save (e.g. 50,000 questions from `gen-bank`;
    /// needs --admin-password). The saves that overlap the import get a line of their own.
    #[arg(long)]
    import: Option<PathBuf>,
    /// The bank the file goes into (created if missing).
    #[arg(long, default_value = "LOADIMP")]
    import_bank: String,
    /// Seconds after the common start at which the import is posted.
    #[arg(long, default_value_t = 10)]
    import_at_s: u64,
}

/// An import posted during a run: when it ran (ms since the common start) and how it ended.
struct ImportRun {
    start_ms: u32,
    end_ms: u32,
    outcome: String,
}

/// Logs in, makes sure the bank exists, waits until `at`, posts the file and times it.
async fn import_during_run(
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let workers = match &cli.command {
        Command::Setup(a) => a.common.workers,
        Command::Run(a) => a.common.workers,
    }
    .max(1);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Setup(a) => setup(a).await.map(|()| true),
            Command::Run(a) => run(a).await,
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Parses `--base` and refuses anything but a loopback host: the generator must never load a
/// machine other than the one it runs on.
fn loopback_base(base: &str) -> Result<String, String> {
    let url = Url::parse(base).map_err(|e| format!("--base {base:?}: {e}"))?;
    if url.scheme() != "http" {
        return Err(format!("--base {base:?}: only http:// is supported"));
    }
    let host = url.host_str().unwrap_or("");
    let ok = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !ok {
        return Err(format!(
            "--base {base:?}: only loopback hosts (127.x.x.x, localhost, [::1]) are allowed"
        ));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(format!(
            "--base {base:?}: give the server root, without a path"
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// The one client every request goes through.
fn client(timeout: Duration, idle: Duration) -> Result<Client, String> {
    Client::builder()
        // An HTTP(S)_PROXY in the environment must not send loopback traffic elsewhere.
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(idle)
        .tcp_nodelay(true)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// A short, stable label for a failed request: `STATUS code` for an HTTP error, `transport: …`
/// otherwise. Labels are counted, so they must not carry per-request details.
fn status_label(status: StatusCode, body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Body {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        code: String,
    }
    let code = serde_json::from_slice::<Body>(body)
        .map(|b| b.error.code)
        .unwrap_or_else(|_| "-".into());
    format!("{} {code}", status.as_u16())
}

fn transport_label(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    };
    // The innermost cause is the informative part ("connection closed before message completed").
    let mut source: &dyn std::error::Error = e;
    while let Some(s) = source.source() {
        source = s;
    }
    let mut msg = source.to_string();
    msg.truncate(msg.floor_char_boundary(80));
    format!("transport {kind}: {msg}")
}

// ---------------------------------------------------------------------------------------------
// setup
// ---------------------------------------------------------------------------------------------

/// A staff session for setup: plain JSON calls with clear messages.
struct StaffApi {
    client: Client,
    base: String,
    token: String,
}

impl StaffApi {
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Result<(StatusCode, Value), String> {
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.base));
        if !self.token.is_empty() {
            req = req.bearer_auth(&self.token);
        }
        if let Some((content_type, bytes)) = body {
            req = req.header(CONTENT_TYPE, content_type).body(bytes);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| format!("{method} {path}: {}", transport_label(&e)))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| format!("{method} {path}: {}", transport_label(&e)))?;
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((status, value))
    }

    async fn json(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<(StatusCode, Value), String> {
        let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
        self.call(method, path, Some(("application/json", bytes)))
            .await
    }

    /// Like [`Self::json`] but any status other than `want` is an error naming the server's code.
    async fn expect(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        want: StatusCode,
    ) -> Result<Value, String> {
        let (status, v) = self.json(method.clone(), path, body).await?;
        if status != want {
            return Err(format!("{method} {path}: {status} {}", error_text(&v)));
        }
        Ok(v)
    }
}

fn error_text(v: &Value) -> String {
    let e = &v["error"];
    format!(
        "{} — {}",
        e["code"].as_str().unwrap_or("?"),
        e["message"].as_str().unwrap_or("")
    )
}

/// The `i`-th generated ID number: region 440106, a birth date spread over 1970–2000 and a
/// sequence number, with its check digit. Distinct for every `i` below 11 million.
fn id_number(i: usize) -> Result<String, String> {
    let start = NaiveDate::from_ymd_opt(1970, 1, 1).ok_or("date")?;
    let end = NaiveDate::from_ymd_opt(2000, 12, 31).ok_or("date")?;
    let days = (end - start).num_days() as usize + 1;
    // 7919 is prime and does not divide `days` (11,323 = 13² × 67), so i ↦ i·7919 mod days is a
    // bijection on each block of `days` consecutive i: dates spread over the whole range.
    let day = (i % days) * 7919 % days;
    let birth = start + ChronoDuration::days(day as i64);
    let first17 = format!("440106{}{:03}", birth.format("%Y%m%d"), (i / days) % 1000);
    let check = id_check_char(&first17).ok_or("bad generated ID number")?;
    Ok(format!("{first17}{check}"))
}

async fn setup(a: SetupArgs) -> Result<(), String> {
    let base = match a.common.base.as_slice() {
        [b] => loopback_base(b)?,
        _ => return Err("setup takes one --base (instances share the database)".into()),
    };
    if !(1..=99_999).contains(&a.candidates) {
        return Err("--candidates must be 1–99,999 (one session holds at most 99,999)".into());
    }
    let per_paper = a.single + a.multiple + a.true_false + a.fill + a.short;
    if per_paper == 0 {
        return Err("the paper needs at least one question".into());
    }
    let started = Instant::now();
    // Importing a large bank can take a while on a loaded machine.
    let mut api = StaffApi {
        client: client(Duration::from_secs(600), Duration::from_secs(4))?,
        base: base.clone(),
        token: String::new(),
    };
    let (status, _) = api.call(Method::GET, "/api/health", None).await?;
    if !status.is_success() {
        return Err(format!("GET /api/health: {status}"));
    }
    let v = api
        .expect(
            Method::POST,
            "/api/auth/login",
            &json!({"username": a.admin_user, "password": a.admin_password}),
            StatusCode::OK,
        )
        .await?;
    api.token = v["token"].as_str().ok_or("login: no token")?.to_string();

    // The bank: create it, or reuse it when it exists.
    let (status, v) = api
        .json(
            Method::POST,
            "/api/banks",
            &json!({"code": a.bank, "name": "压测题库（合成）",
                    "description": "Synthetic questions for load tests; never use in a real exam."}),
        )
        .await?;
    let existing = match status {
        StatusCode::CREATED => 0,
        StatusCode::CONFLICT => {
            let path = format!("/api/banks/{}", a.bank);
            let (status, b) = api.call(Method::GET, &path, None).await?;
            if status != StatusCode::OK {
                return Err(format!("GET {path}: {status} {}", error_text(&b)));
            }
            b["questions"].as_i64().unwrap_or(0)
        }
        _ => return Err(format!("POST /api/banks: {status} {}", error_text(&v))),
    };
    if existing >= a.questions as i64 {
        println!("bank {}: exists with {existing} questions, reused", a.bank);
    } else {
        let questions = synthetic::generate(a.questions, a.seed);
        let file = format::native::write_bank(
            Some(&a.bank),
            "压测题库（合成）",
            Some("Synthetic questions for load tests; never use in a real exam."),
            true,
            &questions,
            &[],
        )
        .map_err(|e| e.to_string())?;
        drop(questions);
        let path = format!(
            "/api/banks/{}/import?format=native&on_conflict=skip",
            a.bank
        );
        let (status, v) = api
            .call(
                Method::POST,
                &path,
                Some(("application/octet-stream", file)),
            )
            .await?;
        if status != StatusCode::OK {
            return Err(format!("POST {path}: {status} {}", error_text(&v)));
        }
        println!(
            "bank {}: {} questions in the file — {} imported, {} unchanged, {} skipped",
            a.bank, v["total"], v["imported"], v["unchanged"], v["skipped"]
        );
    }

    // The exam: one cell per kind asked for, 1 point each.
    let mut cells = Vec::new();
    for (kind, count) in [
        ("single", a.single),
        ("multiple", a.multiple),
        ("true_false", a.true_false),
        ("fill", a.fill),
        ("short", a.short),
    ] {
        if count > 0 {
            cells.push(json!({"bank": a.bank, "kind": kind, "count": count, "points": 1}));
        }
    }
    let definition = json!({
        "name": "压测考试（合成题库）",
        "time_limit_minutes": a.time_limit_minutes,
        "pass_line": (per_paper as f64 * 0.6).round(),
        "release": "at_submit",
        "blueprint": {"sections": [{"title": "压测", "cells": cells}]},
    });
    let exam = api
        .expect(Method::POST, "/api/exams", &definition, StatusCode::CREATED)
        .await?;
    let exam_id = exam["id"].as_i64().ok_or("exam: no id")?;

    // The session: open from 5 minutes ago, rooms of at most 2000 seats sharing the candidates.
    let rooms_needed = a.candidates.div_ceil(2000);
    let rooms: Vec<Value> = (0..rooms_needed)
        .map(|r| {
            let seats = a.candidates / rooms_needed + usize::from(r < a.candidates % rooms_needed);
            json!({"name": format!("压测考场{:02}", r + 1), "seats": seats})
        })
        .collect();
    let now = Utc::now();
    let session = api
        .expect(
            Method::POST,
            "/api/sessions",
            &json!({"exam_id": exam_id, "name": "压测场次", "number": now.format("LOAD-%Y%m%d-%H%M%S").to_string(),
                    "venue": "loopback",
                    "starts_at": (now - ChronoDuration::minutes(5)).to_rfc3339(),
                    "ends_at": (now + ChronoDuration::hours(a.window_hours)).to_rfc3339(),
                    "rooms": rooms}),
            StatusCode::CREATED,
        )
        .await?;
    let session_id = session["id"].as_i64().ok_or("session: no id")?;

    // The roster, and the tickets it gives.
    let mut csv = String::with_capacity(a.candidates * 64);
    csv.push_str("姓名,身份证号,工作单位,手机\r\n");
    let mut ids = HashMap::with_capacity(a.candidates);
    for i in 0..a.candidates {
        let name = format!("压测考生{:05}", i + 1);
        let id = id_number(i)?;
        let _ = write!(csv, "{name},{id},压测单位,\r\n");
        ids.insert(name, id);
    }
    let path = format!("/api/sessions/{session_id}/roster?format=csv");
    let (status, report) = api
        .call(Method::POST, &path, Some(("text/csv", csv.into_bytes())))
        .await?;
    if status != StatusCode::OK {
        return Err(format!("POST {path}: {status} {}", error_text(&report)));
    }
    let rows = report["rows"].as_array().ok_or("roster: no rows")?;
    let mut out = String::with_capacity(a.candidates * 48);
    out.push_str("ticket,id_number,room,seat,session\n");
    let mut skipped = Vec::new();
    for row in rows {
        let ident = row["ident"].as_str().unwrap_or("");
        match (
            row["outcome"].as_str(),
            row["ticket"].as_str(),
            ids.get(ident),
        ) {
            (Some("imported"), Some(ticket), Some(id)) => {
                let _ = writeln!(
                    out,
                    "{ticket},{id},{},{},{session_id}",
                    row["room"].as_str().unwrap_or(""),
                    row["seat"]
                );
            }
            _ => skipped.push(format!("{ident}: {} {}", row["code"], row["reason"])),
        }
    }
    if !skipped.is_empty() {
        return Err(format!(
            "the roster seated {} of {}; first refusals: {}",
            rows.len() - skipped.len(),
            a.candidates,
            skipped
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    std::fs::write(&a.common.file, out)
        .map_err(|e| format!("cannot write {}: {e}", a.common.file.display()))?;
    println!(
        "exam {exam_id}, session {session_id} ({} rooms, open until {}), {} candidates written to {} in {:.1} s",
        rooms_needed,
        (now + ChronoDuration::hours(a.window_hours)).format("%Y-%m-%d %H:%M UTC"),
        a.candidates,
        a.common.file.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// run
// ---------------------------------------------------------------------------------------------

/// One candidate's credentials from the candidates file.
struct Credentials {
    ticket: String,
    id_number: String,
}

/// The candidates of the file (the first `want` of them) and the session they sit, when the
/// file names it (files written before the `session` column have none).
fn read_candidates(
    path: &Path,
    want: Option<usize>,
) -> Result<(Vec<Credentials>, Option<i32>), String> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| {
        format!(
            "cannot read {}: {e} (run `loadgen setup` first)",
            path.display()
        )
    })?;
    let mut out = Vec::new();
    let mut session = None;
    for record in reader.records() {
        let r = record.map_err(|e| format!("{}: {e}", path.display()))?;
        if out.is_empty() {
            session = r.get(4).and_then(|s| s.trim().parse::<i32>().ok());
        }
        match (r.get(0), r.get(1)) {
            (Some(t), Some(i)) if !t.is_empty() && !i.is_empty() => out.push(Credentials {
                ticket: t.to_string(),
                id_number: i.to_string(),
            }),
            _ => {
                return Err(format!(
                    "{}: a row lacks ticket or id_number",
                    path.display()
                ));
            }
        }
        if want.is_some_and(|n| out.len() >= n) {
            break;
        }
    }
    match want {
        Some(n) if out.len() < n => Err(format!(
            "{} holds {} candidates, {n} asked for (run setup with --candidates {n})",
            path.display(),
            out.len()
        )),
        _ if out.is_empty() => Err(format!("{} holds no candidates", path.display())),
        _ => Ok((out, session)),
    }
}

/// The request kinds, in report order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Login = 0,
    Paper = 1,
    Save = 2,
    Submit = 3,
    /// A heartbeat event from the tablet.
    Heartbeat = 4,
    /// A window-blur event from the tablet.
    Blur = 5,
    /// A proctor opening the live room view: request until its first frame (the snapshot).
    Watch = 6,
}

/// How many kinds there are.
const PHASE_COUNT: usize = 7;

const PHASES: [(Phase, &str); PHASE_COUNT] = [
    (Phase::Login, "login"),
    (Phase::Paper, "paper"),
    (Phase::Save, "save"),
    (Phase::Submit, "submit"),
    (Phase::Heartbeat, "hbeat"),
    (Phase::Blur, "blur"),
    (Phase::Watch, "watch"),
];

/// One rate step of the save phase.
#[derive(Clone, Copy)]
struct Step {
    /// Each candidate saves once per interval.
    interval: Duration,
    /// Saves per second over all candidates.
    target_rate: f64,
    /// When the step starts and ends (saves are scheduled on a grid anchored at `start`).
    start: Instant,
    end: Instant,
}

/// What every task reads: the client, the schedule and the shared error log.
struct Plan {
    client: Client,
    /// The servers; candidate `i` talks to `bases[i % bases.len()]`.
    bases: Vec<String>,
    t0: Instant,
    ramp: Duration,
    steps: Vec<Step>,
    end: Instant,
    n: usize,
    submit: bool,
    seed: u64,
    /// Saves each task may make, to size its latency vector once.
    saves_hint: usize,
    /// Heartbeat and window-blur intervals of each candidate, when they send any.
    heartbeat: Option<Duration>,
    focus: Option<Duration>,
    /// What candidates and watchers share: who is who, and when each blur was sent.
    shared: Arc<Shared>,
    /// Failed requests (rare, so a lock is fine): phase, time since t0 in ms, label.
    errors: Mutex<Vec<(Phase, u32, String)>>,
}

/// Window blurs remembered per candidate (a watcher that falls this far behind counts the
/// older ones as lost).
const BLUR_RING: usize = 8;

/// The blurs one candidate sent: how many, and when the latest ones left.
#[derive(Default)]
struct BlurSlot {
    /// Blurs sent so far (only the candidate's task writes it).
    count: AtomicU32,
    /// Send time of blur `k` (counting from 1) at `k % BLUR_RING`, in ns since `Shared::epoch`.
    sent_ns: [AtomicU64; BLUR_RING],
}

/// Read by candidates and watchers alike, without locks.
struct Shared {
    /// Candidate index by ticket, to find a tile's candidate.
    tickets: HashMap<Box<str>, u32>,
    /// One slot per candidate.
    blurs: Box<[BlurSlot]>,
    /// The origin of `BlurSlot::sent_ns`.
    epoch: Instant,
    /// How many servers the candidates are spread over.
    bases: usize,
}

impl Shared {
    fn ns(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.epoch)
            .as_nanos()
            .min(u128::from(u64::MAX)) as u64
    }
}

impl Plan {
    fn ms(&self, at: Instant) -> u32 {
        at.saturating_duration_since(self.t0).as_millis() as u32
    }

    fn error(&self, phase: Phase, at: Instant, label: String) {
        if let Ok(mut e) = self.errors.lock() {
            e.push((phase, self.ms(at), label));
        }
    }

    /// The next time strictly after `now` on a grid of `interval` anchored at the common start,
    /// at `offset` (0..1 of an interval); `None` without an interval or when the run is over.
    fn next_tick(&self, interval: Option<Duration>, offset: f64, now: Instant) -> Option<Instant> {
        let t = interval?.as_secs_f64();
        let x = now.saturating_duration_since(self.t0).as_secs_f64() / t - offset;
        let k = if now < self.t0 || x < 0.0 {
            0.0
        } else {
            x.floor() + 1.0
        };
        let at = self.t0 + Duration::from_secs_f64((offset + k) * t);
        (at < self.end).then_some(at)
    }

    /// The next save time strictly after `now` for a candidate at `offset` (0..1 of an interval),
    /// or `None` when the run is over.
    fn next_save(&self, now: Instant, offset: f64) -> Option<Instant> {
        for step in &self.steps {
            if now >= step.end {
                continue;
            }
            let t = step.interval.as_secs_f64();
            let x = now.saturating_duration_since(step.start).as_secs_f64() / t - offset;
            let k = if now < step.start || x < 0.0 {
                0.0
            } else {
                x.floor() + 1.0
            };
            let at = step.start + Duration::from_secs_f64((offset + k) * t);
            if at < step.end {
                return Some(at);
            }
            // No slot left in this step: the next step's grid takes over.
        }
        None
    }
}

/// What one task measured: per phase (completion ms since t0, latency µs) of every request.
struct Local {
    rec: [Vec<(u32, u32)>; PHASE_COUNT],
    ready_ms: Option<u32>,
    not_applied: u64,
}

/// One question of the paper, as much as a save needs.
struct PaperQuestion {
    id: i64,
    kind: Kind,
    options: Box<[Box<str>]>,
    blanks: usize,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Single,
    Multiple,
    TrueFalse,
    Fill,
    Short,
    Practical,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct LoginReply {
    token: String,
    attempt_id: i64,
    #[serde(default)]
    attempt: Option<AttemptSeqs>,
}

#[derive(Deserialize)]
struct AttemptSeqs {
    #[serde(default)]
    answers: Vec<SavedSeq>,
}

#[derive(Deserialize)]
struct SavedSeq {
    #[serde(default)]
    seq: u64,
}

#[derive(Deserialize)]
struct PaperReply {
    questions: Vec<PaperQuestionReply>,
}

#[derive(Deserialize)]
struct PaperQuestionReply {
    id: i64,
    kind: Kind,
    #[serde(default)]
    options: Vec<OptionReply>,
    #[serde(default)]
    blanks: usize,
}

#[derive(Deserialize)]
struct OptionReply {
    id: String,
}

#[derive(Deserialize)]
struct SaveReply {
    #[serde(default = "yes")]
    applied: bool,
}

fn yes() -> bool {
    true
}

/// A save's body, serialized from borrowed data so a save allocates little beyond the body.
#[derive(Serialize)]
struct SaveBody<'a> {
    response: Answer<'a>,
    seq: u64,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Answer<'a> {
    Choice { selected: Vec<&'a str> },
    TrueFalse { value: bool },
    Blanks { values: Vec<&'static str> },
    Text { text: &'static str },
}

const BLANK_ANSWERS: [&str; 6] = ["摄像机", "交换机", "100", "GB 50348", "光纤", "H.265"];
const TEXT_ANSWERS: [&str; 3] = [
    "应先检查供电与网络连接，再核对设备配置与录像计划，最后复核存储容量与保存周期。",
    "依据相关标准对系统进行检测与验收，记录检测结果并形成报告。",
    "合成答案：用于压力测试的简答内容，不代表任何真实作答。",
];

fn answer<'a>(q: &'a PaperQuestion, rng: &mut SmallRng) -> Answer<'a> {
    let pick = move |rng: &mut SmallRng| &*q.options[rng.random_range(0..q.options.len())];
    match q.kind {
        Kind::Single if !q.options.is_empty() => Answer::Choice {
            selected: vec![pick(rng)],
        },
        Kind::Multiple if !q.options.is_empty() => {
            let mut selected: Vec<&str> = q
                .options
                .iter()
                .filter(|_| rng.random_bool(0.5))
                .map(|o| &**o)
                .collect();
            if selected.is_empty() {
                selected.push(pick(rng));
            }
            Answer::Choice { selected }
        }
        Kind::Single | Kind::Multiple => Answer::Choice { selected: vec![] },
        Kind::TrueFalse => Answer::TrueFalse {
            value: rng.random_bool(0.5),
        },
        Kind::Fill => Answer::Blanks {
            values: (0..q.blanks.max(1))
                .map(|_| BLANK_ANSWERS[rng.random_range(0..BLANK_ANSWERS.len())])
                .collect(),
        },
        Kind::Short | Kind::Practical | Kind::Other => Answer::Text {
            text: TEXT_ANSWERS[rng.random_range(0..TEXT_ANSWERS.len())],
        },
    }
}

/// Result of one timed request: the status and body, or the transport failure's label.
type Sent = Result<(StatusCode, Vec<u8>, Option<Duration>), String>;

/// Sends a request, reads the whole body (so the connection goes back to the pool) and records
/// its latency; failures go to the error log.
async fn timed(plan: &Plan, local: &mut Local, phase: Phase, req: reqwest::RequestBuilder) -> Sent {
    let sent = Instant::now();
    let result = async {
        let resp = req.send().await?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        // Bytes into Vec is free when the buffer is not shared, which it is not here.
        let body = Vec::from(resp.bytes().await?);
        Ok::<_, reqwest::Error>((status, body, retry_after))
    }
    .await;
    let done = Instant::now();
    let latency = done
        .duration_since(sent)
        .as_micros()
        .min(u128::from(u32::MAX)) as u32;
    local.rec[phase as usize].push((plan.ms(done), latency));
    match result {
        Ok((status, body, retry)) => {
            if !status.is_success() {
                plan.error(phase, done, status_label(status, &body));
            }
            Ok((status, body, retry))
        }
        Err(e) => {
            let label = transport_label(&e);
            plan.error(phase, done, label.clone());
            Err(label)
        }
    }
}

/// One candidate: log in, fetch the paper, save on schedule until the end, maybe submit.
async fn candidate(index: usize, cred: Credentials, plan: Arc<Plan>) -> Local {
    // Events a task may send, to size their latency vectors once.
    let run_s = plan.end.saturating_duration_since(plan.t0).as_secs_f64();
    let events_hint = |every: Option<Duration>| {
        every.map_or(0, |t| (run_s / t.as_secs_f64()).ceil() as usize + 1)
    };
    let mut local = Local {
        rec: [
            Vec::with_capacity(1),
            Vec::with_capacity(1),
            Vec::with_capacity(plan.saves_hint),
            Vec::with_capacity(usize::from(plan.submit)),
            Vec::with_capacity(events_hint(plan.heartbeat)),
            Vec::with_capacity(events_hint(plan.focus)),
            Vec::new(),
        ],
        ready_ms: None,
        not_applied: 0,
    };
    let base = &plan.bases[index % plan.bases.len()];
    let mut rng =
        SmallRng::seed_from_u64(plan.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // Event offsets come from their own generator, so answers and save times stay as without.
    let mut event_rng = SmallRng::seed_from_u64(
        plan.seed ^ 0x5EED_E7E7 ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03),
    );
    // Candidate i logs in at its share of the ramp, and submits at the same share after the end.
    let ramp_offset = plan.ramp.mul_f64(index as f64 / plan.n as f64);
    tokio::time::sleep_until((plan.t0 + ramp_offset).into()).await;

    let login_body =
        match serde_json::to_vec(&json!({"ticket": cred.ticket, "id_number": cred.id_number})) {
            Ok(b) => b,
            Err(_) => return local,
        };
    let login_url = format!("{base}/api/candidate/login");
    let mut tries = 0;
    let reply: LoginReply = loop {
        tries += 1;
        let req = plan
            .client
            .post(&login_url)
            .header(CONTENT_TYPE, "application/json")
            .body(login_body.clone());
        match timed(&plan, &mut local, Phase::Login, req).await {
            Ok((StatusCode::OK, body, _)) => match serde_json::from_slice(&body) {
                Ok(r) => break r,
                Err(_) => {
                    plan.error(Phase::Login, Instant::now(), "200 unreadable_reply".into());
                    return local;
                }
            },
            // The limiter asks to come back later: do, a few times, while the run lasts.
            Ok((StatusCode::TOO_MANY_REQUESTS, _, retry)) if tries < 10 => {
                let wait = retry
                    .unwrap_or(Duration::from_secs(1))
                    .min(Duration::from_secs(30));
                if Instant::now() + wait >= plan.end {
                    return local;
                }
                tokio::time::sleep(wait).await;
            }
            _ => return local,
        }
    };
    // A repeated run resumes the same attempt: continue its sequence so saves are applied.
    let mut seq = reply
        .attempt
        .map(|a| a.answers.iter().map(|s| s.seq).max().unwrap_or(0))
        .unwrap_or(0);
    let auth = match HeaderValue::from_str(&format!("Bearer {}", reply.token)) {
        Ok(h) => h,
        Err(_) => {
            plan.error(Phase::Login, Instant::now(), "200 unusable_token".into());
            return local;
        }
    };
    let attempt = format!("{base}/api/attempts/{}", reply.attempt_id);

    let req = plan
        .client
        .get(format!("{attempt}/paper"))
        .header(AUTHORIZATION, auth.clone());
    let paper: Vec<PaperQuestion> = match timed(&plan, &mut local, Phase::Paper, req).await {
        Ok((StatusCode::OK, body, _)) => match serde_json::from_slice::<PaperReply>(&body) {
            Ok(p) if !p.questions.is_empty() => p
                .questions
                .into_iter()
                .map(|q| PaperQuestion {
                    id: q.id,
                    kind: q.kind,
                    options: q
                        .options
                        .into_iter()
                        .map(|o| o.id.into_boxed_str())
                        .collect(),
                    blanks: q.blanks,
                })
                .collect(),
            _ => {
                plan.error(
                    Phase::Paper,
                    Instant::now(),
                    "200 unreadable_or_empty_paper".into(),
                );
                return local;
            }
        },
        _ => return local,
    };
    local.ready_ms = Some(plan.ms(Instant::now()));

    // Saves, heartbeats and blurs, each on its own grid: a fixed random offset within the
    // interval spreads candidates evenly over it. One request at a time per candidate.
    let offset: f64 = rng.random();
    let heartbeat_offset: f64 = event_rng.random();
    let blur_offset: f64 = event_rng.random();
    let answers = format!("{attempt}/answers/");
    let events = format!("{attempt}/events");
    let mut url = String::with_capacity(answers.len() + 20);
    let now = Instant::now();
    let mut next_save = plan.next_save(now, offset);
    let mut next_heartbeat = plan.next_tick(plan.heartbeat, heartbeat_offset, now);
    let mut next_blur = plan.next_tick(plan.focus, blur_offset, now);
    loop {
        // The earliest due; saves first on a tie.
        let due = [
            (next_save, Phase::Save),
            (next_heartbeat, Phase::Heartbeat),
            (next_blur, Phase::Blur),
        ]
        .into_iter()
        .filter_map(|(at, what)| at.map(|at| (at, what)))
        .min_by_key(|&(at, _)| at);
        let Some((at, what)) = due else {
            break;
        };
        tokio::time::sleep_until(at.into()).await;
        match what {
            Phase::Heartbeat => {
                let _ = send_event(&plan, &mut local, Phase::Heartbeat, &events, &auth).await;
                next_heartbeat = plan.next_tick(plan.heartbeat, heartbeat_offset, Instant::now());
                continue;
            }
            Phase::Blur => {
                // Remember when the k-th blur left before sending it: a watcher may see it on
                // the room view before this request returns.
                let slot = &plan.shared.blurs[index];
                let k = slot.count.load(Ordering::Relaxed) + 1;
                slot.sent_ns[k as usize % BLUR_RING]
                    .store(plan.shared.ns(Instant::now()), Ordering::Relaxed);
                slot.count.store(k, Ordering::Release);
                if let Ok((status, _, _)) =
                    send_event(&plan, &mut local, Phase::Blur, &events, &auth).await
                    && !status.is_success()
                {
                    // Refused, so not stored: it will never show. (A transport failure may
                    // have been stored, so it stays counted: lost if it never shows.)
                    slot.count.store(k - 1, Ordering::Release);
                }
                next_blur = plan.next_tick(plan.focus, blur_offset, Instant::now());
                continue;
            }
            _ => {}
        }
        let q = &paper[rng.random_range(0..paper.len())];
        seq += 1;
        let body = match serde_json::to_vec(&SaveBody {
            response: answer(q, &mut rng),
            seq,
        }) {
            Ok(b) => b,
            Err(_) => break,
        };
        url.clear();
        url.push_str(&answers);
        let _ = write!(url, "{}", q.id);
        let req = plan
            .client
            .put(url.as_str())
            .header(AUTHORIZATION, auth.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        if let Ok((StatusCode::OK, body, _)) = timed(&plan, &mut local, Phase::Save, req).await
            && serde_json::from_slice::<SaveReply>(&body).is_ok_and(|r| !r.applied)
        {
            local.not_applied += 1;
        }
        next_save = plan.next_save(Instant::now(), offset);
    }

    if plan.submit {
        // With no ramp everyone submits at the end at once, like a time-up.
        tokio::time::sleep_until((plan.end + ramp_offset).into()).await;
        let req = plan
            .client
            .post(format!("{attempt}/submit"))
            .header(AUTHORIZATION, auth)
            .header(CONTENT_TYPE, "application/json")
            .body("{}");
        let _ = timed(&plan, &mut local, Phase::Submit, req).await;
    }
    local
}

/// Reports one tablet event of `phase`'s kind (heartbeat or window blur), stamped with this
/// machine's clock as the tablet's.
async fn send_event(
    plan: &Plan,
    local: &mut Local,
    phase: Phase,
    url: &str,
    auth: &HeaderValue,
) -> Sent {
    let kind = if phase == Phase::Blur {
        "window_blur"
    } else {
        "heartbeat"
    };
    let at = Utc::now().timestamp_millis();
    let body = format!(r#"{{"events":[{{"kind":"{kind}","at":{at}}}]}}"#);
    let req = plan
        .client
        .post(url)
        .header(AUTHORIZATION, auth.clone())
        .header(CONTENT_TYPE, "application/json")
        .body(body);
    timed(plan, local, phase, req).await
}

/// CPU time (user + system) of a process from /proc, in seconds.
fn cpu_seconds(pid: &str) -> Option<f64> {
    stat_cpu_seconds(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// CPU time (user + system) from the text of a /proc/PID/stat, in seconds.
fn stat_cpu_seconds(stat: &str) -> Option<f64> {
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on (the kernel ABI fixes it for /proc).
    Some(ticks / 100.0)
}

// ---------------------------------------------------------------------------------------------
// watchers: proctors on the live room view
// ---------------------------------------------------------------------------------------------

/// The kinds of Server-Sent Events the room view sends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SseEvent {
    /// Every tile (the first frame, and again after the stream fell behind).
    Snapshot,
    /// The tiles that changed.
    Tiles,
    /// Anything else (ignored).
    Other,
}

/// Longest event line kept (a snapshot of 99,999 tiles is about 40 MB); a longer one is dropped.
const MAX_SSE_LINE: usize = 64 << 20;

/// An incremental Server-Sent Events parser: chunks in, complete events out, with buffers that
/// are reused from one event to the next.
#[derive(Default)]
struct Sse {
    /// Received bytes not yet parsed (the start of an incomplete line).
    buf: Vec<u8>,
    /// `buf[..scanned]` holds no newline.
    scanned: usize,
    /// The current event's name and data.
    event: Option<SseEvent>,
    data: Vec<u8>,
    has_data: bool,
    /// Every byte received, and the comment lines (keep-alives) among them.
    bytes: u64,
    comments: u64,
    /// Lines dropped for being too long.
    dropped: u64,
}

impl Sse {
    /// Feeds a chunk; calls `on_event` with each event it completes.
    fn push(&mut self, chunk: &[u8], mut on_event: impl FnMut(SseEvent, &[u8])) {
        self.bytes += chunk.len() as u64;
        self.buf.extend_from_slice(chunk);
        let mut start = 0;
        let mut from = self.scanned;
        while let Some(p) = self.buf[from..].iter().position(|&b| b == b'\n') {
            let end = from + p;
            let mut line = &self.buf[start..end];
            if let Some(l) = line.strip_suffix(b"\r") {
                line = l;
            }
            if line.is_empty() {
                if self.has_data {
                    on_event(self.event.unwrap_or(SseEvent::Other), &self.data);
                }
                self.data.clear();
                self.has_data = false;
                self.event = None;
            } else if line[0] == b':' {
                self.comments += 1;
            } else {
                let (field, value) = match line.iter().position(|&b| b == b':') {
                    Some(c) => {
                        let v = &line[c + 1..];
                        (&line[..c], v.strip_prefix(b" ").unwrap_or(v))
                    }
                    None => (line, &[][..]),
                };
                match field {
                    b"event" => {
                        self.event = Some(match value {
                            b"snapshot" => SseEvent::Snapshot,
                            b"tiles" => SseEvent::Tiles,
                            _ => SseEvent::Other,
                        });
                    }
                    b"data" => {
                        if self.has_data {
                            self.data.push(b'\n');
                        }
                        self.data.extend_from_slice(value);
                        self.has_data = true;
                    }
                    _ => {}
                }
            }
            start = end + 1;
            from = start;
        }
        self.buf.drain(..start);
        if self.buf.len() > MAX_SSE_LINE {
            self.buf.clear();
            self.dropped += 1;
        }
        self.scanned = self.buf.len();
    }
}

/// The frame fields a watcher reads; the rest is skipped without being built.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum FrameField {
    ServerTimeMs,
    PublishedAtMs,
    Tiles,
    #[serde(other)]
    Other,
}

/// The tile fields a watcher reads, borrowed from the frame.
#[derive(Deserialize)]
struct TileRef<'a> {
    #[serde(borrow)]
    ticket: Cow<'a, str>,
    #[serde(default)]
    attempt_id: Option<i64>,
    #[serde(default)]
    focus_losses: i64,
}

/// What one watcher saw.
struct WatchState {
    /// The server this watcher is on (an index into the bases).
    base: usize,
    /// Blurs seen this late or never count as lost.
    lost_after: Duration,
    /// Set once the first frame gave each candidate's focus losses before the run.
    have_baseline: bool,
    baseline: Vec<i64>,
    /// Blurs of this run seen per candidate.
    seen: Vec<u32>,
    /// Delivery latencies (µs) of blurs sent through the same server as this watcher's, and
    /// through another one.
    same: Vec<u32>,
    cross: Vec<u32>,
    /// Blurs seen only after `lost_after` (or so late their send time was forgotten).
    late: u64,
    /// Increases beyond what was sent (a miscounted baseline, or someone else's events).
    unexpected: u64,
    /// Frames (events with data), tiles in them, frames that did not parse.
    frames: u64,
    tiles: u64,
    bad_frames: u64,
    /// Per `tiles` frame: the server's time from the oldest change in it to the frame
    /// (`server_time_ms − published_at_ms`), and from the frame to its arrival here, in ms;
    /// only for frames that arrive from `timed_from` on (before it, frames wait unread).
    build_ms: Vec<i32>,
    transit_ms: Vec<i32>,
    timed_from: Option<Instant>,
}

impl WatchState {
    fn new(base: usize, candidates: usize, lost_after: Duration) -> WatchState {
        WatchState {
            base,
            lost_after,
            have_baseline: false,
            baseline: vec![0; candidates],
            seen: vec![0; candidates],
            same: Vec::new(),
            cross: Vec::new(),
            late: 0,
            unexpected: 0,
            frames: 0,
            tiles: 0,
            bad_frames: 0,
            build_ms: Vec::new(),
            transit_ms: Vec::new(),
            timed_from: None,
        }
    }

    /// One complete event, which arrived at `now` (`now_ms` by the wall clock).
    fn frame(&mut self, kind: SseEvent, data: &[u8], now: Instant, now_ms: i64, shared: &Shared) {
        if kind == SseEvent::Other {
            return;
        }
        self.frames += 1;
        let mut de = serde_json::Deserializer::from_slice(data);
        let parsed = serde::Deserializer::deserialize_map(
            &mut de,
            FrameVisitor {
                st: self,
                shared,
                now,
            },
        )
        .and_then(|times| de.end().map(|()| times));
        match parsed {
            Ok((server_ms, published_ms)) => {
                self.have_baseline = true;
                // A snapshot may be a picture kept from earlier: its time says nothing of delivery.
                if kind == SseEvent::Tiles
                    && self.timed_from.is_some_and(|t| now >= t)
                    && let Some(s) = server_ms
                {
                    if let Some(p) = published_ms {
                        self.build_ms.push(clamp_ms(s - p));
                    }
                    self.transit_ms.push(clamp_ms(now_ms - s));
                }
            }
            Err(_) => self.bad_frames += 1,
        }
    }

    /// One tile of a frame: the first frame sets the baseline; later, a rise in focus losses
    /// to `k` delivers the candidate's blurs up to the k-th of this run.
    fn tile(&mut self, t: &TileRef, shared: &Shared, now: Instant) {
        self.tiles += 1;
        let Some(&i) = shared.tickets.get(&*t.ticket) else {
            return;
        };
        let i = i as usize;
        if !self.have_baseline {
            self.baseline[i] = if t.attempt_id.is_some() {
                t.focus_losses
            } else {
                0
            };
            return;
        }
        let k = t.focus_losses - self.baseline[i];
        let seen = i64::from(self.seen[i]);
        if k <= seen {
            return;
        }
        let slot = &shared.blurs[i];
        let sent = i64::from(slot.count.load(Ordering::Acquire));
        for j in seen + 1..=k {
            if j > sent {
                self.unexpected += 1;
                continue;
            }
            if j + BLUR_RING as i64 <= sent {
                self.late += 1;
                continue;
            }
            let ns = slot.sent_ns[j as usize % BLUR_RING].load(Ordering::Relaxed);
            let latency = now.saturating_duration_since(shared.epoch + Duration::from_nanos(ns));
            if latency > self.lost_after {
                self.late += 1;
            }
            let us = latency.as_micros().min(u128::from(u32::MAX)) as u32;
            if i % shared.bases == self.base {
                self.same.push(us);
            } else {
                self.cross.push(us);
            }
        }
        self.seen[i] = k.min(i64::from(u32::MAX)) as u32;
    }
}

fn clamp_ms(ms: i64) -> i32 {
    ms.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// Walks a frame's fields, handing each tile to the watcher as it is read (no tile vector).
struct FrameVisitor<'s> {
    st: &'s mut WatchState,
    shared: &'s Shared,
    now: Instant,
}

impl<'de> Visitor<'de> for FrameVisitor<'_> {
    /// The frame's `server_time_ms` and `published_at_ms`.
    type Value = (Option<i64>, Option<i64>);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a room-view frame")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let FrameVisitor { st, shared, now } = self;
        let (mut server, mut published) = (None, None);
        while let Some(field) = map.next_key::<FrameField>()? {
            match field {
                FrameField::ServerTimeMs => server = map.next_value()?,
                FrameField::PublishedAtMs => published = map.next_value()?,
                FrameField::Tiles => map.next_value_seed(TilesSeed {
                    st: &mut *st,
                    shared,
                    now,
                })?,
                FrameField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((server, published))
    }
}

struct TilesSeed<'s> {
    st: &'s mut WatchState,
    shared: &'s Shared,
    now: Instant,
}

impl<'de> DeserializeSeed<'de> for TilesSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TilesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of tiles")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(t) = seq.next_element::<TileRef<'de>>()? {
            self.st.tile(&t, self.shared, self.now);
        }
        Ok(())
    }
}

/// One proctor's live room view.
struct Watcher {
    url: String,
    /// The open stream, if any.
    resp: Option<reqwest::Response>,
    /// How long one request may last (the whole run).
    stream_timeout: Duration,
    sse: Sse,
    st: WatchState,
    /// Per connection: (ms since t0 of its first frame, µs from the request to it).
    rec: Vec<(u32, u32)>,
    /// Failures after the start: (ms since t0, label).
    errors: Vec<(u32, String)>,
    reconnects: u32,
}

impl Watcher {
    /// Feeds a chunk that arrived at `now`.
    fn feed(&mut self, chunk: &[u8], now: Instant, shared: &Shared) {
        let now_ms = Utc::now().timestamp_millis();
        let st = &mut self.st;
        self.sse.push(chunk, |kind, data| {
            st.frame(kind, data, now, now_ms, shared)
        });
    }

    /// Opens the stream and reads until its first frame (the snapshot; the first one on this
    /// watcher sets the baseline); returns how long that took.
    async fn connect(&mut self, client: &Client, shared: &Shared) -> Result<Duration, String> {
        let started = Instant::now();
        let resp = client
            .get(&self.url)
            .timeout(self.stream_timeout)
            .send()
            .await
            .map_err(|e| transport_label(&e))?;
        let status = resp.status();
        if status != StatusCode::OK {
            let body = resp.bytes().await.unwrap_or_default();
            return Err(status_label(status, &body));
        }
        // A fresh stream starts with a fresh event.
        self.sse.buf.clear();
        self.sse.scanned = 0;
        self.sse.data.clear();
        self.sse.has_data = false;
        self.sse.event = None;
        let mut resp = resp;
        let frames = self.st.frames;
        let deadline = started + Duration::from_secs(60);
        while self.st.frames == frames {
            let chunk = match tokio::time::timeout_at(deadline.into(), resp.chunk()).await {
                Err(_) => return Err("no snapshot within 60 s".into()),
                Ok(Err(e)) => return Err(transport_label(&e)),
                Ok(Ok(None)) => return Err("stream ended before its snapshot".into()),
                Ok(Ok(Some(c))) => c,
            };
            let now_ms = Utc::now().timestamp_millis();
            let st = &mut self.st;
            self.sse.push(&chunk, |kind, data| {
                st.frame(kind, data, Instant::now(), now_ms, shared)
            });
        }
        self.resp = Some(resp);
        Ok(started.elapsed())
    }

    /// Reads the stream until `stop`, reconnecting (after a second) when it breaks.
    async fn watch(mut self, shared: Arc<Shared>, plan: Arc<Plan>, stop: Instant) -> Watcher {
        self.st.timed_from = Some(plan.t0);
        loop {
            let Some(resp) = self.resp.as_mut() else {
                if Instant::now() + Duration::from_secs(1) >= stop {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                self.reconnects += 1;
                match tokio::time::timeout_at(stop.into(), self.connect(&plan.client, &shared))
                    .await
                {
                    Err(_) => break,
                    Ok(Ok(took)) => self.rec.push((plan.ms(Instant::now()), micros(took))),
                    Ok(Err(label)) => {
                        self.resp = None;
                        self.errors.push((plan.ms(Instant::now()), label));
                    }
                }
                continue;
            };
            match tokio::time::timeout_at(stop.into(), resp.chunk()).await {
                Err(_) => break,
                Ok(Ok(Some(chunk))) => self.feed(&chunk, Instant::now(), &shared),
                Ok(Ok(None)) => {
                    self.resp = None;
                    let at = plan.ms(Instant::now());
                    self.errors.push((at, "stream ended by the server".into()));
                }
                Ok(Err(e)) => {
                    self.resp = None;
                    let at = plan.ms(Instant::now());
                    self.errors.push((at, transport_label(&e)));
                }
            }
        }
        self.resp = None;
        self
    }
}

fn micros(d: Duration) -> u32 {
    d.as_micros().min(u128::from(u32::MAX)) as u32
}

/// CPU seconds of the local PostgreSQL processes (command name `postgres`) by PID.
fn postgres_processes() -> HashMap<u32, f64> {
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if stat
            .split_once(" (")
            .is_some_and(|(_, rest)| rest.starts_with("postgres)"))
            && let Some(cpu) = stat_cpu_seconds(&stat)
        {
            out.insert(pid, cpu);
        }
    }
    out
}

/// One CPU reading: when, each server's CPU seconds, and the PostgreSQL processes' summed CPU
/// seconds since the first reading.
struct CpuSample {
    at: Instant,
    servers: Vec<Option<f64>>,
    postgres: Option<f64>,
}

/// Reads the servers' (and PostgreSQL's) CPU time every second until told to stop, so that the
/// share can be given over the steady part as well as the whole run.
async fn sample_cpu(
    pids: Vec<u32>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> Vec<CpuSample> {
    let mut postgres = postgres_processes();
    let watch_postgres = !postgres.is_empty();
    let mut postgres_total = 0.0;
    let mut samples = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        let last = tokio::select! {
            _ = tick.tick() => false,
            _ = &mut stop => true,
        };
        let servers = pids.iter().map(|p| cpu_seconds(&p.to_string())).collect();
        // A process that started since the last reading counts whole; one that ended since
        // loses its last second (PostgreSQL's are long-lived pool connections).
        let pg = watch_postgres.then(|| {
            let now = postgres_processes();
            for (pid, cpu) in &now {
                postgres_total += cpu - postgres.get(pid).copied().unwrap_or(0.0);
            }
            postgres = now;
            postgres_total
        });
        samples.push(CpuSample {
            at: Instant::now(),
            servers,
            postgres: pg,
        });
        if last {
            break;
        }
    }
    samples
}

/// Latency figures of a set of requests.
#[derive(Serialize, Default)]
struct Summary {
    count: usize,
    errors: usize,
    requests_per_s: f64,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

fn percentile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    f64::from(sorted[rank - 1]) / 1000.0
}

/// Summarizes (completion ms, latency µs) records; the rate is over `span_s` when given,
/// else from the first request's start to the last one's end.
fn summarize(records: &[(u32, u32)], errors: usize, span_s: Option<f64>) -> Summary {
    if records.is_empty() {
        return Summary {
            errors,
            ..Summary::default()
        };
    }
    let mut lat: Vec<u32> = records.iter().map(|r| r.1).collect();
    lat.sort_unstable();
    let span = span_s.unwrap_or_else(|| {
        let first = records
            .iter()
            .map(|&(done, l)| f64::from(done) / 1000.0 - f64::from(l) / 1e6)
            .fold(f64::INFINITY, f64::min);
        let last = records.iter().map(|r| r.0).max().unwrap_or(0);
        (f64::from(last) / 1000.0 - first).max(0.001)
    });
    Summary {
        count: records.len(),
        errors,
        requests_per_s: records.len() as f64 / span.max(0.001),
        p50_ms: percentile(&lat, 0.50),
        p95_ms: percentile(&lat, 0.95),
        p99_ms: percentile(&lat, 0.99),
        max_ms: f64::from(*lat.last().unwrap_or(&0)) / 1000.0,
    }
}

async fn run(a: RunArgs) -> Result<bool, String> {
    let bases = a
        .common
        .base
        .iter()
        .map(|b| loopback_base(b))
        .collect::<Result<Vec<_>, _>>()?;
    if bases.is_empty() {
        return Err("give at least one --base".into());
    }
    let (creds, file_session) = read_candidates(&a.common.file, a.candidates)?;
    let n = creds.len();
    if a.duration_s == 0 {
        return Err("--duration-s must be at least 1".into());
    }
    for (flag, ms) in [
        ("--heartbeat-ms", a.heartbeat_ms),
        ("--focus-every-ms", a.focus_every_ms),
    ] {
        if ms != 0 && ms < 100 {
            return Err(format!("{flag} must be 0 (none) or at least 100"));
        }
    }
    let rates: Vec<f64> = match &a.rate {
        Some(r) if r.iter().any(|x| !(x.is_finite() && *x > 0.0)) => {
            return Err("--rate values must be positive numbers".into());
        }
        Some(r) if !r.is_empty() => r.clone(),
        _ => {
            if a.save_interval_ms == 0 {
                return Err("--save-interval-ms must be at least 1".into());
            }
            vec![n as f64 * 1000.0 / a.save_interval_ms as f64]
        }
    };
    let client = client(
        Duration::from_secs(a.timeout_s.max(1)),
        Duration::from_millis(a.idle_ms.max(1)),
    )?;
    let shared = Arc::new(Shared {
        tickets: creds
            .iter()
            .enumerate()
            .map(|(i, c)| (c.ticket.as_str().into(), i as u32))
            .collect(),
        blurs: (0..n).map(|_| BlurSlot::default()).collect(),
        epoch: Instant::now(),
        bases: bases.len(),
    });

    // The watchers: one staff login, then every stream opened and its snapshot read (the
    // baseline of each candidate's focus losses) before the candidates start.
    let lost_after = Duration::from_millis(a.lost_after_ms.max(1));
    let mut watchers = Vec::with_capacity(a.watchers);
    if a.watchers > 0 {
        let session = a.session.or(file_session).ok_or(
            "--watchers needs the session: give --session, or a candidates file from this setup",
        )?;
        let password = a
            .admin_password
            .as_deref()
            .ok_or("--watchers needs --admin-password (or ADMIN_PASSWORD)")?;
        let staff = StaffApi {
            client: client.clone(),
            base: bases[0].clone(),
            token: String::new(),
        };
        let v = staff
            .expect(
                Method::POST,
                "/api/auth/login",
                &json!({"username": a.admin_user, "password": password}),
                StatusCode::OK,
            )
            .await?;
        let token = v["token"].as_str().ok_or("login: no token")?;
        // Every request of one watcher fits in the whole run, with room to spare.
        let stream_timeout = Duration::from_secs(
            a.ramp_s + a.duration_s * rates.len() as u64 + a.lost_after_ms / 1000 + 600,
        );
        let tasks: Vec<_> = (0..a.watchers)
            .map(|j| {
                let base = j % bases.len();
                let mut w = Watcher {
                    url: format!(
                        "{}/api/sessions/{session}/live?access_token={token}",
                        bases[base]
                    ),
                    resp: None,
                    stream_timeout,
                    sse: Sse::default(),
                    st: WatchState::new(base, n, lost_after),
                    rec: Vec::new(),
                    errors: Vec::new(),
                    reconnects: 0,
                };
                let client = client.clone();
                let shared = shared.clone();
                tokio::spawn(async move {
                    let took = w.connect(&client, &shared).await;
                    took.map(|t| {
                        w.rec.push((0, micros(t)));
                        w
                    })
                })
            })
            .collect();
        for (j, t) in tasks.into_iter().enumerate() {
            match t.await {
                Ok(Ok(w)) => watchers.push(w),
                Ok(Err(e)) => {
                    return Err(format!(
                        "watcher {j}: GET /api/sessions/{session}/live: {e}"
                    ));
                }
                Err(e) => return Err(format!("a watcher task failed: {e}")),
            }
        }
        let mut took: Vec<u32> = watchers
            .iter()
            .filter_map(|w| w.rec.first())
            .map(|r| r.1)
            .collect();
        took.sort_unstable();
        println!(
            "watch: {} proctor(s) on session {session}, {}; snapshot of {} tiles ({:.0} KB) after {:.0} ms (max {:.0} ms)",
            watchers.len(),
            (0..bases.len())
                .map(|b| format!(
                    "{} on {}",
                    watchers.iter().filter(|w| w.st.base == b).count(),
                    bases[b]
                ))
                .collect::<Vec<_>>()
                .join(", "),
            watchers.first().map_or(0, |w| w.st.tiles),
            watchers
                .first()
                .map_or(0.0, |w| w.sse.bytes as f64 / 1024.0),
            percentile(&took, 0.5),
            percentile(&took, 1.0),
        );
    }

    // The common start lies a little ahead so that spawning every task does not delay it.
    let t0 = Instant::now() + Duration::from_millis(300);
    let ramp = Duration::from_secs(a.ramp_s);
    let step_len = Duration::from_secs(a.duration_s);
    let first_end = t0 + ramp + step_len;
    let mut steps = Vec::with_capacity(rates.len());
    for (k, &rate) in rates.iter().enumerate() {
        // Step 0 also covers the ramp: candidates save as soon as they have their paper.
        let start = if k == 0 {
            t0
        } else {
            first_end + step_len * (k as u32 - 1)
        };
        let end = first_end + step_len * k as u32;
        steps.push(Step {
            interval: Duration::from_secs_f64(n as f64 / rate),
            target_rate: rate,
            start,
            end,
        });
    }
    let end = steps.last().map(|s| s.end).unwrap_or(first_end);
    let saves_hint = steps
        .iter()
        .map(|s| (s.end - s.start).as_secs_f64() / s.interval.as_secs_f64())
        .sum::<f64>()
        .ceil() as usize
        + 2;
    let every = |ms: u64| (ms > 0).then(|| Duration::from_millis(ms));
    let plan = Arc::new(Plan {
        client,
        bases,
        t0,
        ramp,
        steps,
        end,
        n,
        submit: a.submit,
        seed: a.seed,
        saves_hint,
        heartbeat: every(a.heartbeat_ms),
        focus: every(a.focus_every_ms),
        shared: shared.clone(),
        errors: Mutex::new(Vec::new()),
    });
    let cpu_before = cpu_seconds("self");
    let (stop_sampling, sampling) = tokio::sync::oneshot::channel();
    let sampler = tokio::spawn(sample_cpu(a.server_pid.clone(), sampling));
    let mut events = Vec::new();
    if let Some(t) = plan.heartbeat {
        events.push(format!("a heartbeat every {} ms", t.as_millis()));
    }
    if let Some(t) = plan.focus {
        events.push(format!("a window blur every {} ms", t.as_millis()));
    }
    println!(
        "run: {n} candidates{}, {} step(s) of {} s, ramp {} s, {}{}",
        if plan.bases.len() > 1 {
            format!(" over {} servers", plan.bases.len())
        } else {
            String::new()
        },
        plan.steps.len(),
        a.duration_s,
        a.ramp_s,
        plan.steps
            .iter()
            .map(|s| format!(
                "{:.1} saves/s (every {} ms each)",
                s.target_rate,
                s.interval.as_millis()
            ))
            .collect::<Vec<_>>()
            .join(", then "),
        if events.is_empty() {
            String::new()
        } else {
            format!("; each sends {}", events.join(" and "))
        }
    );

    // Watchers listen until every blur has had its time to show.
    let stop = end + lost_after;
    let watching: Vec<_> = watchers
        .into_iter()
        .map(|w| tokio::spawn(w.watch(shared.clone(), plan.clone(), stop)))
        .collect();
    let importing = match &a.import {
        Some(path) => {
            let password = a
                .admin_password
                .clone()
                .ok_or("--import needs --admin-password (or ADMIN_PASSWORD)")?;
            let staff = StaffApi {
                client: plan.client.clone(),
                base: plan.bases[0].clone(),
                token: String::new(),
            };
            Some(tokio::spawn(import_during_run(
                staff,
                a.admin_user.clone(),
                password,
                a.import_bank.clone(),
                path.clone(),
                plan.t0,
                plan.t0 + Duration::from_secs(a.import_at_s),
            )))
        }
        None => None,
    };
    let handles: Vec<_> = creds
        .into_iter()
        .enumerate()
        .map(|(i, c)| tokio::spawn(candidate(i, c, plan.clone())))
        .collect();
    let mut locals = Vec::with_capacity(n);
    for h in handles {
        match h.await {
            Ok(l) => locals.push(l),
            Err(e) => return Err(format!("a candidate task failed: {e}")),
        }
    }
    let wall = plan.t0.elapsed().as_secs_f64();
    if let Some(task) = importing {
        let run = task
            .await
            .map_err(|e| format!("the import task failed: {e}"))??;
        // Saves in flight at any moment of the import: they started before it ended and
        // finished after it started.
        let during: Vec<(u32, u32)> = locals
            .iter()
            .flat_map(|l| l.rec[Phase::Save as usize].iter().copied())
            .filter(|&(done, lat)| {
                let sent = f64::from(done) - f64::from(lat) / 1000.0;
                done >= run.start_ms && sent <= f64::from(run.end_ms)
            })
            .collect();
        let s = summarize(&during, 0, None);
        println!(
            "import: {} posted at {:.1} s, answered after {:.2} s: {}",
            a.import
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            f64::from(run.start_ms) / 1000.0,
            f64::from(run.end_ms - run.start_ms) / 1000.0,
            run.outcome
        );
        println!(
            "saves during the import: {} (p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms)",
            s.count, s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms
        );
    }
    let cpu = cpu_before.zip(cpu_seconds("self")).map(|(b, e)| e - b);
    let _ = stop_sampling.send(());
    let samples = sampler.await.unwrap_or_default();
    let mut watchers = Vec::with_capacity(watching.len());
    for h in watching {
        match h.await {
            Ok(w) => watchers.push(w),
            Err(e) => return Err(format!("a watcher task failed: {e}")),
        }
    }

    let mut errors = plan.errors.lock().map(|e| e.clone()).unwrap_or_default();
    for w in &watchers {
        errors.extend(
            w.errors
                .iter()
                .map(|(ms, l)| (Phase::Watch, *ms, l.clone())),
        );
    }
    let measured = Measured {
        wall,
        cpu,
        samples,
        watchers,
    };
    report(&a, &plan, &locals, &errors, &measured)
}

/// What `run` measured besides the requests.
struct Measured {
    /// Seconds from the common start until the last candidate finished.
    wall: f64,
    /// The generator's own CPU seconds over that time.
    cpu: Option<f64>,
    /// The servers' CPU readings, about once a second.
    samples: Vec<CpuSample>,
    /// The watchers, done.
    watchers: Vec<Watcher>,
}

/// Prints the figures, writes the JSON, and says whether the run was clean.
fn report(
    a: &RunArgs,
    plan: &Plan,
    locals: &[Local],
    errors: &[(Phase, u32, String)],
    m: &Measured,
) -> Result<bool, String> {
    let n = plan.n;
    let wall = m.wall;
    let mut by_phase: [Vec<(u32, u32)>; PHASE_COUNT] = Default::default();
    for l in locals {
        for (p, recs) in l.rec.iter().enumerate() {
            by_phase[p].extend_from_slice(recs);
        }
    }
    for w in &m.watchers {
        by_phase[Phase::Watch as usize].extend_from_slice(&w.rec);
    }
    let errors_in = |phase: Phase, from_ms: u32, to_ms: u32| {
        errors
            .iter()
            .filter(|e| e.0 == phase && (from_ms..to_ms).contains(&e.1))
            .count()
    };

    // Phases.
    println!();
    println!(
        "{:<7} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "phase", "count", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    let mut phases_json = serde_json::Map::new();
    for (phase, name) in PHASES {
        let s = summarize(
            &by_phase[phase as usize],
            errors_in(phase, 0, u32::MAX),
            None,
        );
        // The event kinds only when the run had them.
        if phase >= Phase::Heartbeat && s.count == 0 && s.errors == 0 {
            continue;
        }
        println!(
            "{name:<7} {:>9} {:>7} {:>9.1} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            s.count, s.errors, s.requests_per_s, s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms
        );
        phases_json.insert(
            name.into(),
            serde_json::to_value(&s).map_err(|e| e.to_string())?,
        );
    }

    // Readiness: logged in and holding the paper.
    let ready: Vec<u32> = locals.iter().filter_map(|l| l.ready_ms).collect();
    let all_ready_ms = ready.iter().copied().max();
    println!();
    match all_ready_ms {
        Some(ms) if ready.len() == n => println!(
            "all {n} candidates logged in and had their paper {:.2} s after the common start",
            f64::from(ms) / 1000.0
        ),
        Some(ms) => println!(
            "only {} of {n} candidates got their paper (the last {:.2} s after the common start)",
            ready.len(),
            f64::from(ms) / 1000.0
        ),
        None => println!("no candidate got a paper"),
    }

    // Save steps: the steady part of step 0 starts once everyone is in (and the ramp is over);
    // later steps switch grids at their start, so they settle almost at once.
    let saves = &by_phase[Phase::Save as usize];
    let ramp_end_ms = plan.ms(plan.t0 + plan.ramp);
    let mut steps_json = Vec::new();
    println!();
    println!(
        "{:<4} {:>9} {:>9} {:>15} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "step",
        "target/s",
        "every ms",
        "steady s",
        "saves/s",
        "errors",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms"
    );
    for (k, step) in plan.steps.iter().enumerate() {
        let start_ms = plan.ms(step.start);
        let end_ms = plan.ms(step.end);
        let settle = ((end_ms - start_ms) / 4).min(1000);
        let from_ms = if k == 0 {
            all_ready_ms.unwrap_or(end_ms).max(ramp_end_ms) + settle
        } else {
            start_ms + settle
        };
        let window: Vec<(u32, u32)> = saves
            .iter()
            .copied()
            .filter(|r| (from_ms..end_ms).contains(&r.0))
            .collect();
        let window_errors = errors_in(Phase::Save, from_ms, end_ms);
        let steady = (from_ms < end_ms).then(|| f64::from(end_ms - from_ms) / 1000.0);
        let s = steady.map(|span| {
            let mut s = summarize(&window, window_errors, Some(span));
            // The achieved rate counts saves that succeeded.
            s.requests_per_s = window.len().saturating_sub(window_errors) as f64 / span;
            s
        });
        match &s {
            Some(s) => println!(
                "{k:<4} {:>9.1} {:>9} {:>15} {:>9.1} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
                step.target_rate,
                step.interval.as_millis(),
                format!(
                    "{:.1}–{:.1}",
                    f64::from(from_ms) / 1000.0,
                    f64::from(end_ms) / 1000.0
                ),
                s.requests_per_s,
                s.errors,
                s.p50_ms,
                s.p95_ms,
                s.p99_ms,
                s.max_ms
            ),
            None => println!(
                "{k:<4} {:>9.1} {:>9} {:>15}  (no steady part: not everyone was in before the step ended)",
                step.target_rate,
                step.interval.as_millis(),
                "-"
            ),
        }
        steps_json.push(json!({
            "target_rate": step.target_rate,
            "interval_ms": step.interval.as_secs_f64() * 1000.0,
            "start_s": f64::from(start_ms) / 1000.0,
            "end_s": f64::from(end_ms) / 1000.0,
            "steady_from_s": steady.map(|_| f64::from(from_ms) / 1000.0),
            "achieved_rate": s.as_ref().map(|s| s.requests_per_s),
            "saves": s.as_ref().map(|s| s.count),
            "errors": s.as_ref().map(|s| s.errors),
            "p50_ms": s.as_ref().map(|s| s.p50_ms),
            "p95_ms": s.as_ref().map(|s| s.p95_ms),
            "p99_ms": s.as_ref().map(|s| s.p99_ms),
            "max_ms": s.as_ref().map(|s| s.max_ms),
        }));
    }
    let not_applied: u64 = locals.iter().map(|l| l.not_applied).sum();
    if not_applied > 0 {
        println!(
            "warning: {not_applied} save(s) answered applied=false although their seq was new"
        );
    }

    // Errors, grouped.
    let mut grouped: BTreeMap<(Phase, &str), usize> = BTreeMap::new();
    for e in errors {
        *grouped.entry((e.0, e.2.as_str())).or_default() += 1;
    }
    if !grouped.is_empty() {
        println!();
        println!("errors:");
        for ((phase, label), count) in &grouped {
            println!("  {:<7} {label:<60} {count}", PHASES[*phase as usize].1);
        }
    }
    let proctoring = proctoring_report(plan, &m.watchers);

    // CPU: the whole run, and the steady part (from the steady start of step 0 to the end),
    // which leaves the login storm out.
    let steady_from = plan.t0
        + Duration::from_millis(u64::from(all_ready_ms.unwrap_or(0).max(ramp_end_ms) + 1000));
    let cpu_json = cpu_report(a, plan, &m.samples, steady_from);
    println!(
        "wall {wall:.1} s; generator CPU {}",
        m.cpu
            .map(|c| format!("{c:.1} s ({:.0}% of one core)", 100.0 * c / wall))
            .unwrap_or_else(|| "?".into()),
    );

    if let Some(path) = &a.json {
        // Per-second save timeline, to see stalls the percentiles hide.
        let mut seconds: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for &(done, lat) in saves {
            seconds.entry(done / 1000).or_default().push(lat);
        }
        let timeline: Vec<Value> = seconds
            .into_iter()
            .map(|(sec, mut lat)| {
                lat.sort_unstable();
                json!({"t_s": sec, "saves": lat.len(),
                       "errors": errors_in(Phase::Save, sec * 1000, sec * 1000 + 1000),
                       "p99_ms": percentile(&lat, 0.99), "max_ms": percentile(&lat, 1.0)})
            })
            .collect();
        let doc = json!({
            "config": {
                "base": plan.bases, "candidates": n, "duration_s": a.duration_s, "ramp_s": a.ramp_s,
                "save_interval_ms": a.save_interval_ms, "rate": a.rate, "submit": a.submit,
                "timeout_s": a.timeout_s, "workers": a.common.workers,
                "heartbeat_ms": a.heartbeat_ms, "focus_every_ms": a.focus_every_ms,
                "watchers": a.watchers, "lost_after_ms": a.lost_after_ms,
            },
            "phases": phases_json,
            "ready": {"candidates": n, "ready": ready.len(),
                      "all_ready_s": all_ready_ms.filter(|_| ready.len() == n).map(|ms| f64::from(ms) / 1000.0),
                      "last_ready_s": all_ready_ms.map(|ms| f64::from(ms) / 1000.0)},
            "steps": steps_json,
            "not_applied": not_applied,
            "errors": grouped.iter().map(|((p, label), c)| json!({"phase": PHASES[*p as usize].1, "label": label, "count": c})).collect::<Vec<_>>(),
            "wall_s": wall,
            "generator_cpu_s": m.cpu,
            "server_cpu_s": cpu_json["total_cpu_s"],
            "cpu": cpu_json,
            "proctoring": proctoring.json,
            "timeline": timeline,
        });
        let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| e.to_string())?;
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("figures written to {}", path.display());
    }
    Ok(errors.is_empty() && ready.len() == n && proctoring.lost == 0)
}

/// The proctoring figures, printed; their JSON and how many blur deliveries were lost.
struct ProctoringFigures {
    json: Value,
    lost: u64,
}

fn proctoring_report(plan: &Plan, watchers: &[Watcher]) -> ProctoringFigures {
    if watchers.is_empty() {
        return ProctoringFigures {
            json: Value::Null,
            lost: 0,
        };
    }
    let sent: Vec<u32> = plan
        .shared
        .blurs
        .iter()
        .map(|b| b.count.load(Ordering::Acquire))
        .collect();
    let blurs: u64 = sent.iter().map(|&c| u64::from(c)).sum();
    let mut same = Vec::new();
    let mut cross = Vec::new();
    let mut build = Vec::new();
    let mut transit = Vec::new();
    let (mut never, mut late, mut unexpected) = (0u64, 0u64, 0u64);
    let (mut frames, mut tiles, mut bytes, mut comments, mut bad, mut reconnects) =
        (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    let mut per_watcher_p99 = Vec::new();
    for w in watchers {
        let st = &w.st;
        same.extend_from_slice(&st.same);
        cross.extend_from_slice(&st.cross);
        build.extend_from_slice(&st.build_ms);
        transit.extend_from_slice(&st.transit_ms);
        never += sent
            .iter()
            .zip(&st.seen)
            .map(|(&s, &seen)| u64::from(s.saturating_sub(seen)))
            .sum::<u64>();
        late += st.late;
        unexpected += st.unexpected;
        frames += st.frames;
        tiles += st.tiles;
        bytes += w.sse.bytes;
        comments += w.sse.comments;
        bad += st.bad_frames + w.sse.dropped;
        reconnects += u64::from(w.reconnects);
        let mut mine: Vec<u32> = st.same.iter().chain(&st.cross).copied().collect();
        mine.sort_unstable();
        per_watcher_p99.push(percentile(&mine, 0.99));
    }
    let lost = never + late;
    let mut all: Vec<u32> = same.iter().chain(&cross).copied().collect();
    all.sort_unstable();
    same.sort_unstable();
    cross.sort_unstable();
    let summary = |v: &[u32]| {
        json!({"count": v.len(), "p50_ms": percentile(v, 0.50), "p95_ms": percentile(v, 0.95),
               "p99_ms": percentile(v, 0.99), "max_ms": percentile(v, 1.0)})
    };
    println!();
    println!(
        "proctoring: {} watcher(s); {blurs} window blurs sent, so {} deliveries expected",
        watchers.len(),
        blurs * watchers.len() as u64
    );
    println!(
        "{:<18} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "blur delivery", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    let mut rows = vec![("all", &all)];
    if plan.bases.len() > 1 {
        rows.push(("same server", &same));
        rows.push(("other server", &cross));
    }
    for (name, v) in rows {
        println!(
            "{name:<18} {:>9} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            v.len(),
            percentile(v, 0.50),
            percentile(v, 0.95),
            percentile(v, 0.99),
            percentile(v, 1.0)
        );
    }
    per_watcher_p99.sort_by(f64::total_cmp);
    println!(
        "lost (not seen within {} ms): {lost} ({never} never seen, {late} seen later); unexpected increases: {unexpected}",
        watchers[0].st.lost_after.as_millis()
    );
    println!(
        "p99 per watcher: {:.1}–{:.1} ms",
        per_watcher_p99.first().copied().unwrap_or(0.0),
        per_watcher_p99.last().copied().unwrap_or(0.0)
    );
    let ms_stats = |v: &mut Vec<i32>| {
        v.sort_unstable();
        let at = |q: f64| {
            if v.is_empty() {
                0
            } else {
                v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1]
            }
        };
        (at(0.5), at(0.99), at(1.0))
    };
    let (b50, b99, bmax) = ms_stats(&mut build);
    let (t50, t99, tmax) = ms_stats(&mut transit);
    println!(
        "received: {frames} frames ({:.1}/s per watcher), {tiles} tiles, {:.1} MB, {comments} keep-alives; {bad} unreadable; {reconnects} reconnect(s)",
        frames as f64
            / watchers.len() as f64
            / plan
                .end
                .saturating_duration_since(plan.t0)
                .as_secs_f64()
                .max(1.0),
        bytes as f64 / 1e6
    );
    println!(
        "tiles frames: oldest change to frame p50 {b50} / p99 {b99} / max {bmax} ms; frame to arrival p50 {t50} / p99 {t99} / max {tmax} ms"
    );
    let json = json!({
        "watchers": watchers.len(),
        "blurs_sent": blurs,
        "deliveries_expected": blurs * watchers.len() as u64,
        "delivery": summary(&all),
        "delivery_same_server": summary(&same),
        "delivery_other_server": summary(&cross),
        "lost": lost, "never_seen": never, "seen_late": late, "unexpected": unexpected,
        "p99_per_watcher_ms": per_watcher_p99,
        "frames": frames, "tiles": tiles, "bytes": bytes, "keep_alives": comments,
        "unreadable": bad, "reconnects": reconnects,
        "frame_build_ms": {"p50": b50, "p99": b99, "max": bmax},
        "frame_transit_ms": {"p50": t50, "p99": t99, "max": tmax},
    });
    ProctoringFigures { json, lost }
}

/// Prints each server's CPU share (and PostgreSQL's) over the run and its steady part; returns
/// them as JSON.
fn cpu_report(a: &RunArgs, plan: &Plan, samples: &[CpuSample], steady_from: Instant) -> Value {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get()) as f64;
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return json!({"total_cpu_s": null});
    };
    // The steady part: from the first reading at or after its start to the last one.
    let steady = samples.iter().find(|s| s.at >= steady_from);
    let span = |from: &CpuSample| last.at.saturating_duration_since(from.at).as_secs_f64();
    let share = |cpu: f64, secs: f64| if secs > 0.0 { 100.0 * cpu / secs } else { 0.0 };
    let line = |name: &str, whole: Option<f64>, part: Option<f64>| {
        let whole_span = span(first);
        match whole {
            Some(c) => {
                let steady_text = match (part, steady) {
                    (Some(p), Some(s)) if span(s) >= 1.0 => format!(
                        "; steady {:.1}–{:.1} s: {:.0}% of one core",
                        f64::from(plan.ms(s.at)) / 1000.0,
                        f64::from(plan.ms(last.at)) / 1000.0,
                        share(p, span(s))
                    ),
                    _ => String::new(),
                };
                println!(
                    "{name}: {c:.1} s over {whole_span:.1} s = {:.0}% of one core ({:.0}% of the {cores} cores){steady_text}",
                    share(c, whole_span),
                    share(c, whole_span) / cores,
                );
            }
            None => println!("{name}: not measured"),
        }
        json!({"cpu_s": whole, "share_of_one_core": whole.map(|c| share(c, whole_span) / 100.0),
               "steady_cpu_s": part, "steady_share_of_one_core": part.zip(steady).map(|(p, s)| share(p, span(s)) / 100.0)})
    };
    let mut servers = Vec::new();
    let mut total = Some(0.0);
    for (k, pid) in a.server_pid.iter().enumerate() {
        let at = |s: &CpuSample| s.servers.get(k).copied().flatten();
        let whole = at(first).zip(at(last)).map(|(b, e)| e - b);
        let part = steady.and_then(at).zip(at(last)).map(|(b, e)| e - b);
        total = total.zip(whole).map(|(t, w)| t + w);
        let mut v = line(&format!("server CPU (pid {pid})"), whole, part);
        v["pid"] = json!(pid);
        servers.push(v);
    }
    if a.server_pid.is_empty() {
        println!("server CPU: not measured (--server-pid)");
        total = None;
    } else if a.server_pid.len() > 1 {
        let at = |s: &CpuSample| s.servers.iter().copied().sum::<Option<f64>>();
        let part = steady.and_then(at).zip(at(last)).map(|(b, e)| e - b);
        line("servers together", total, part);
    }
    let postgres = match (first.postgres, last.postgres) {
        (Some(b), Some(e)) => {
            let part = steady.and_then(|s| s.postgres).map(|s| e - s);
            line("postgres processes", Some(e - b), part)
        }
        _ => Value::Null,
    };
    json!({"servers": servers, "total_cpu_s": total, "postgres": postgres, "cores": cores})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_bases_are_accepted() {
        assert_eq!(
            loopback_base("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(loopback_base("http://127.1.2.3:1").is_ok());
        assert!(loopback_base("http://localhost:8080").is_ok());
        assert!(loopback_base("http://[::1]:8080").is_ok());
        assert!(loopback_base("http://10.0.0.1:8080").is_err());
        assert!(loopback_base("http://example.com").is_err());
        assert!(loopback_base("https://127.0.0.1").is_err());
        assert!(loopback_base("http://127.0.0.1:8080/api").is_err());
    }

    #[test]
    fn generated_id_numbers_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..30_000 {
            let id = id_number(i).unwrap();
            assert!(
                exam_platform::exam::identity::IdNumber::parse(&id).is_ok(),
                "{i}"
            );
            assert!(seen.insert(id));
        }
    }

    fn test_plan(t0: Instant, steps: Vec<Step>, secs: u64) -> Plan {
        Plan {
            client: Client::new(),
            bases: vec![String::new()],
            t0,
            ramp: Duration::ZERO,
            steps,
            end: t0 + Duration::from_secs(secs),
            n: 1,
            submit: false,
            seed: 0,
            saves_hint: 0,
            heartbeat: None,
            focus: None,
            shared: Arc::new(shared(&[], 1)),
            errors: Mutex::new(Vec::new()),
        }
    }

    fn shared(tickets: &[&str], bases: usize) -> Shared {
        Shared {
            tickets: tickets
                .iter()
                .enumerate()
                .map(|(i, t)| ((*t).into(), i as u32))
                .collect(),
            blurs: tickets.iter().map(|_| BlurSlot::default()).collect(),
            epoch: Instant::now(),
            bases,
        }
    }

    #[test]
    fn events_tick_on_their_grid_until_the_end() {
        let t0 = Instant::now();
        let plan = test_plan(t0, vec![], 10);
        let every = Some(Duration::from_secs(3));
        let mut at = t0;
        let mut times = Vec::new();
        while let Some(next) = plan.next_tick(every, 0.5, at) {
            times.push((next - t0).as_millis());
            at = next;
        }
        assert_eq!(times, vec![1500, 4500, 7500]);
        assert_eq!(plan.next_tick(None, 0.5, t0), None);
    }

    #[test]
    fn the_event_stream_parser_splits_events_across_chunks() {
        let stream = b"event: snapshot\ndata: {\"a\":1}\n\n: ping\n\nevent: tiles\r\ndata: [1,\ndata: 2]\n\nevent: x\ndata: y\n\n";
        for size in [1, 2, 7, stream.len()] {
            let mut sse = Sse::default();
            let mut got = Vec::new();
            for chunk in stream.chunks(size) {
                sse.push(chunk, |kind, data| got.push((kind, data.to_vec())));
            }
            assert_eq!(
                got,
                vec![
                    (SseEvent::Snapshot, b"{\"a\":1}".to_vec()),
                    (SseEvent::Tiles, b"[1,\n2]".to_vec()),
                    (SseEvent::Other, b"y".to_vec()),
                ],
                "chunks of {size}"
            );
            assert_eq!(sse.comments, 1);
            assert_eq!(sse.bytes, stream.len() as u64);
            assert!(sse.buf.is_empty());
        }
    }

    #[test]
    fn a_watcher_times_each_blur_from_its_send_to_the_tile_that_counts_it() {
        let shared = shared(&["K1", "K2"], 2);
        let mut st = WatchState::new(0, 2, Duration::from_secs(5));
        let frame = |t1: i64, t2: i64| {
            format!(
                r#"{{"server_time_ms":1000,"full":false,"tiles":[{{"candidate_id":1,"attempt_id":7,"ticket":"K1","name":"压测","focus_losses":{t1},"state":"in_progress"}},{{"attempt_id":null,"ticket":"K2","focus_losses":{t2}}},{{"ticket":"other","focus_losses":9}}],"totals":{{"in_progress":1}},"published_at_ms":900}}"#
            )
        };
        // The first frame: K1 had 3 focus losses before the run, K2 no attempt yet.
        st.frame(
            SseEvent::Snapshot,
            frame(3, 0).as_bytes(),
            Instant::now(),
            0,
            &shared,
        );
        assert!(st.have_baseline);
        assert_eq!(st.baseline, vec![3, 0]);
        st.timed_from = Some(Instant::now());
        // K1 sends its first blur; a frame counts it 40 ms later.
        let sent = Instant::now();
        shared.blurs[0].sent_ns[1].store(shared.ns(sent), Ordering::Relaxed);
        shared.blurs[0].count.store(1, Ordering::Release);
        let seen = sent + Duration::from_millis(40);
        st.frame(SseEvent::Tiles, frame(4, 0).as_bytes(), seen, 1100, &shared);
        assert_eq!(st.same.len(), 1);
        assert!((39_000..=41_000).contains(&st.same[0]), "{}", st.same[0]);
        assert_eq!(st.build_ms, vec![100]);
        assert_eq!(st.transit_ms, vec![100]);
        // The same count again is no new delivery; a rise nobody sent is unexpected.
        st.frame(SseEvent::Tiles, frame(4, 1).as_bytes(), seen, 1100, &shared);
        assert_eq!(st.same.len(), 1);
        assert_eq!(st.cross.len(), 0);
        assert_eq!(st.unexpected, 1);
        // K2 (on the other server) is seen 6 s after it sent: delivered, but late.
        shared.blurs[1].sent_ns[2].store(shared.ns(sent), Ordering::Relaxed);
        shared.blurs[1].count.store(2, Ordering::Release);
        st.frame(
            SseEvent::Tiles,
            frame(4, 2).as_bytes(),
            sent + Duration::from_secs(6),
            0,
            &shared,
        );
        assert_eq!(st.cross.len(), 1);
        assert_eq!(st.late, 1);
        assert_eq!(st.frames, 4);
        assert_eq!(st.tiles, 12);
        assert_eq!(st.bad_frames, 0);
        st.frame(SseEvent::Tiles, b"{not json", seen, 0, &shared);
        assert_eq!(st.bad_frames, 1);
    }

    #[test]
    fn saves_follow_the_grid_and_stop_at_the_end() {
        let t0 = Instant::now();
        let step = |k: u32, ms: u64| Step {
            interval: Duration::from_millis(ms),
            target_rate: 1.0,
            start: t0 + Duration::from_secs(10) * k,
            end: t0 + Duration::from_secs(10) * (k + 1),
        };
        let plan = test_plan(t0, vec![step(0, 4000), step(1, 1000)], 20);
        let mut at = t0;
        let mut times = Vec::new();
        while let Some(next) = plan.next_save(at, 0.5) {
            assert!(next > at);
            times.push((next - t0).as_millis());
            at = next;
        }
        assert_eq!(
            times,
            vec![
                2000, 6000, 10500, 11500, 12500, 13500, 14500, 15500, 16500, 17500, 18500, 19500
            ]
        );
    }
}
