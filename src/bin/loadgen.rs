//! `loadgen`: the load generator for the candidate attempt API, over HTTP against a running server
//! on a loopback address.
//!
//! - `loadgen setup` logs in as admin, creates (or reuses) a synthetic bank `LOAD`, an exam that
//!   draws 100 questions from it, a session open now with enough rooms, and a roster of N
//!   candidates with valid ID numbers; it writes the (ticket, ID number) pairs to a CSV file.
//! - `loadgen run` starts one task per candidate from that file: log in, fetch the paper, save
//!   answers at a fixed interval (or a target total rate, optionally a sweep of rates), optionally
//!   submit; then prints per-phase counts, errors and latency percentiles, the time until every
//!   candidate had a paper, and the achieved save rate, and with `--json` writes them as JSON.
//!
//! The generator shares the machine with the server, so it is built to be cheap: one
//! `reqwest::Client` (connection reuse), a small single-worker runtime by default, latencies kept
//! in per-task vectors (no locks on the hot path), and request bodies serialized straight from
//! borrowed data.

use chrono::{Duration as ChronoDuration, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};
use exam_platform::bank::{format, synthetic};
use exam_platform::exam::identity::id_check_char;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Client, Method, StatusCode, Url};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
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
    about = "Load generator for the candidate attempt API (loopback servers only)"
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
    /// Server base URL; only loopback hosts (127.x, localhost, [::1]) are accepted.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    /// The candidates file (ticket,id_number,room,seat) written by setup and read by run.
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
    /// PID of the server process, to report its CPU time over the run.
    #[arg(long)]
    server_pid: Option<u32>,
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
    let base = loopback_base(&a.common.base)?;
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
    out.push_str("ticket,id_number,room,seat\n");
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
                    "{ticket},{id},{},{}",
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

fn read_candidates(path: &Path, want: Option<usize>) -> Result<Vec<Credentials>, String> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| {
        format!(
            "cannot read {}: {e} (run `loadgen setup` first)",
            path.display()
        )
    })?;
    let mut out = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| format!("{}: {e}", path.display()))?;
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
        _ => Ok(out),
    }
}

/// The request kinds, in report order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Login = 0,
    Paper = 1,
    Save = 2,
    Submit = 3,
}

const PHASES: [(Phase, &str); 4] = [
    (Phase::Login, "login"),
    (Phase::Paper, "paper"),
    (Phase::Save, "save"),
    (Phase::Submit, "submit"),
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
    base: String,
    t0: Instant,
    ramp: Duration,
    steps: Vec<Step>,
    end: Instant,
    n: usize,
    submit: bool,
    seed: u64,
    /// Saves each task may make, to size its latency vector once.
    saves_hint: usize,
    /// Failed requests (rare, so a lock is fine): phase, time since t0 in ms, label.
    errors: Mutex<Vec<(Phase, u32, String)>>,
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
    rec: [Vec<(u32, u32)>; 4],
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
    let mut local = Local {
        rec: [
            Vec::with_capacity(1),
            Vec::with_capacity(1),
            Vec::with_capacity(plan.saves_hint),
            Vec::with_capacity(usize::from(plan.submit)),
        ],
        ready_ms: None,
        not_applied: 0,
    };
    let mut rng =
        SmallRng::seed_from_u64(plan.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // Candidate i logs in at its share of the ramp, and submits at the same share after the end.
    let ramp_offset = plan.ramp.mul_f64(index as f64 / plan.n as f64);
    tokio::time::sleep_until((plan.t0 + ramp_offset).into()).await;

    let login_body =
        match serde_json::to_vec(&json!({"ticket": cred.ticket, "id_number": cred.id_number})) {
            Ok(b) => b,
            Err(_) => return local,
        };
    let login_url = format!("{}/api/candidate/login", plan.base);
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
    let attempt = format!("{}/api/attempts/{}", plan.base, reply.attempt_id);

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

    // Saves: a fixed random offset within the interval spreads candidates evenly over it.
    let offset: f64 = rng.random();
    let answers = format!("{attempt}/answers/");
    let mut url = String::with_capacity(answers.len() + 20);
    while let Some(at) = plan.next_save(Instant::now(), offset) {
        tokio::time::sleep_until(at.into()).await;
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

/// CPU time (user + system) of a process from /proc, in seconds.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on (the kernel ABI fixes it for /proc).
    Some(ticks / 100.0)
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
    let base = loopback_base(&a.common.base)?;
    let creds = read_candidates(&a.common.file, a.candidates)?;
    let n = creds.len();
    if a.duration_s == 0 {
        return Err("--duration-s must be at least 1".into());
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
    let plan = Arc::new(Plan {
        client,
        base,
        t0,
        ramp,
        steps,
        end,
        n,
        submit: a.submit,
        seed: a.seed,
        saves_hint,
        errors: Mutex::new(Vec::new()),
    });
    let server_pid = a.server_pid.map(|p| p.to_string());
    let cpu_before = cpu_seconds("self");
    let server_before = server_pid.as_deref().and_then(cpu_seconds);
    println!(
        "run: {n} candidates, {} step(s) of {} s, ramp {} s, {}",
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
            .join(", then ")
    );

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
    let cpu = cpu_before.zip(cpu_seconds("self")).map(|(b, e)| e - b);
    let server_cpu = server_before
        .zip(server_pid.as_deref().and_then(cpu_seconds))
        .map(|(b, e)| e - b);

    let errors = plan.errors.lock().map(|e| e.clone()).unwrap_or_default();
    report(&a, &plan, &locals, &errors, wall, cpu, server_cpu)
}

/// Prints the figures, writes the JSON, and says whether the run was clean.
fn report(
    a: &RunArgs,
    plan: &Plan,
    locals: &[Local],
    errors: &[(Phase, u32, String)],
    wall: f64,
    cpu: Option<f64>,
    server_cpu: Option<f64>,
) -> Result<bool, String> {
    let n = plan.n;
    let mut by_phase: [Vec<(u32, u32)>; 4] = Default::default();
    for l in locals {
        for (p, recs) in l.rec.iter().enumerate() {
            by_phase[p].extend_from_slice(recs);
        }
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
    println!();
    println!(
        "wall {wall:.1} s; generator CPU {}; server CPU {}",
        cpu.map(|c| format!("{c:.1} s ({:.0}% of one core)", 100.0 * c / wall))
            .unwrap_or_else(|| "?".into()),
        server_cpu
            .map(|c| format!("{c:.1} s ({:.0}% of one core)", 100.0 * c / wall))
            .unwrap_or_else(|| "not measured (--server-pid)".into())
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
                "base": plan.base, "candidates": n, "duration_s": a.duration_s, "ramp_s": a.ramp_s,
                "save_interval_ms": a.save_interval_ms, "rate": a.rate, "submit": a.submit,
                "timeout_s": a.timeout_s, "workers": a.common.workers,
            },
            "phases": phases_json,
            "ready": {"candidates": n, "ready": ready.len(),
                      "all_ready_s": all_ready_ms.filter(|_| ready.len() == n).map(|ms| f64::from(ms) / 1000.0),
                      "last_ready_s": all_ready_ms.map(|ms| f64::from(ms) / 1000.0)},
            "steps": steps_json,
            "not_applied": not_applied,
            "errors": grouped.iter().map(|((p, label), c)| json!({"phase": PHASES[*p as usize].1, "label": label, "count": c})).collect::<Vec<_>>(),
            "wall_s": wall,
            "generator_cpu_s": cpu,
            "server_cpu_s": server_cpu,
            "timeline": timeline,
        });
        let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| e.to_string())?;
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("figures written to {}", path.display());
    }
    Ok(errors.is_empty() && ready.len() == n)
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

    #[test]
    fn saves_follow_the_grid_and_stop_at_the_end() {
        let t0 = Instant::now();
        let step = |k: u32, ms: u64| Step {
            interval: Duration::from_millis(ms),
            target_rate: 1.0,
            start: t0 + Duration::from_secs(10) * k,
            end: t0 + Duration::from_secs(10) * (k + 1),
        };
        let plan = Plan {
            client: Client::new(),
            base: String::new(),
            t0,
            ramp: Duration::ZERO,
            steps: vec![step(0, 4000), step(1, 1000)],
            end: t0 + Duration::from_secs(20),
            n: 1,
            submit: false,
            seed: 0,
            saves_hint: 0,
            errors: Mutex::new(Vec::new()),
        };
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
