//! The `exam-platform` binary: run the server, try a demo, import, export and generate banks.

use clap::{Parser, Subcommand};
use exam_platform::audit::Actor;
use exam_platform::bank::format::{self, Format};
use exam_platform::bank::import::{ImportReport, OnConflict, Outcome};
use exam_platform::bank::{repo, service, synthetic};
use exam_platform::config::Config;
use exam_platform::exam::demo;
use exam_platform::startup::{self, Application};
use std::path::PathBuf;
use std::process::ExitCode;

// Imports and request handling allocate many small objects; mimalloc does that markedly faster
// than the system allocator (measured: see the README's benchmark section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "exam-platform",
    version,
    about = "Exam and skills-competition platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default). Settings come from env vars: BIND, DATABASE_URL, ADMIN_PASSWORD, BANK_DIR, …
    Serve,
    /// Run the server on a fresh demo database (data/demo.db) with admin password `demo-admin`, a demo
    /// exam and an open session whose candidates' tickets and ID numbers are printed.
    Demo,
    /// Import a question file into a bank, with a progress bar and the per-item report.
    Import {
        /// The file.
        file: PathBuf,
        /// Target bank code (created if missing); defaults to the code a native file carries.
        #[arg(long)]
        bank: Option<String>,
        /// Name for a new bank (defaults to the file's bank name, or the code).
        #[arg(long)]
        name: Option<String>,
        /// native, gift, moodle_xml, aiken, qti, csv or xlsx (guessed if absent).
        #[arg(long)]
        format: Option<String>,
        /// Check and report, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// reject, skip or update, for identifiers the bank already has.
        #[arg(long, default_value = "reject")]
        on_conflict: String,
        /// Also write the full report as JSON here.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Export a bank to a file.
    Export {
        /// Bank code.
        #[arg(long)]
        bank: String,
        /// Format (default native).
        #[arg(long, default_value = "native")]
        format: String,
        /// Output file.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Check a certificate offline: a QR text, or a certificate PDF (its printed QR code via
    /// pdftoppm + zbarimg when installed, and the copy in its metadata), against a published keys
    /// file and optionally a status list file. No server or database needed.
    CertVerify {
        /// The QR text (e.g. HTTP://HOST/V/…), or a path to a PDF or a text file holding it.
        input: String,
        /// The keys file (/.well-known/exam-certificate-keys.json, or `cert-keys export`).
        #[arg(long)]
        keys: PathBuf,
        /// A status list file (/.well-known/exam-certificate-status.json, or `cert-status`).
        #[arg(long)]
        status: Option<PathBuf>,
        /// Print the verdict as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Certificate signing keys: list them, rotate (retire the current key, start a new one), or
    /// export the published keys file for offline checking.
    CertKeys {
        /// list, rotate or export.
        action: String,
        /// Output file for export.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write the signed certificate status list to a file, for offline checking.
    CertStatus {
        /// Output file.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Issue the missing certificates of a session whose results are released (idempotent).
    CertIssue {
        /// Session id.
        #[arg(long)]
        session: i32,
    },
    /// Write a synthetic bank (clearly marked, never loaded by default) for benchmarks.
    GenBank {
        /// How many questions.
        #[arg(long, default_value_t = 50_000)]
        questions: usize,
        /// native, csv or xlsx.
        #[arg(long, default_value = "native")]
        format: String,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output file.
        #[arg(long, short)]
        output: PathBuf,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,exam_platform=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
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
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config()?).await,
            Command::Demo => demo().await,
            Command::Import {
                file,
                bank,
                name,
                format,
                dry_run,
                on_conflict,
                report,
            } => import(file, bank, name, format, dry_run, &on_conflict, report).await,
            Command::Export {
                bank,
                format,
                output,
            } => export(&bank, &format, output).await,
            Command::CertVerify {
                input,
                keys,
                status,
                json,
            } => cert_verify(&input, &keys, status.as_deref(), json),
            Command::CertKeys { action, output } => cert_keys(&action, output).await,
            Command::CertStatus { output } => cert_status(output).await,
            Command::CertIssue { session } => cert_issue(session).await,
            Command::GenBank {
                questions,
                format,
                seed,
                output,
            } => gen_bank(questions, &format, seed, output),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn config() -> Result<Config, String> {
    Config::from_env()
}

async fn serve(config: Config) -> Result<(), String> {
    let app = Application::build(config.clone())
        .await
        .map_err(|e| e.to_string())?;
    announce(&config, &app);
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

/// Prints where the server listens; returns the `host:port` to reach it at.
fn announce(config: &Config, app: &Application) -> String {
    let host = config
        .bind
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or("127.0.0.1");
    println!(
        "Listening on http://{host}:{}  (API: /api, OpenAPI: /api/openapi.json)",
        app.port()
    );
    println!("Database: {}", redact(&config.database_url));
    format!("{host}:{}", app.port())
}

async fn demo() -> Result<(), String> {
    let mut config = config()?;
    let fresh = std::env::var("DATABASE_URL").is_err();
    if fresh {
        let path = PathBuf::from("data/demo.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        config.database_url = format!("sqlite://{}", path.display());
    }
    if config.admin_password.is_none() {
        config.admin_password = Some("demo-admin".into());
    }
    let app = Application::build(config.clone())
        .await
        .map_err(|e| e.to_string())?;
    // Made before serving, so the printed tickets work from the first request.
    let d = demo::ensure(&app.state().db, chrono::Utc::now())
        .await
        .map_err(|e| format!("cannot create the demo data: {}: {}", e.code, e.message))?;
    let addr = announce(&config, &app);
    let pw = config.admin_password.clone().unwrap_or_default();
    println!();
    println!(
        "Demo: {} database, shipped banks loaded, staff login admin / {pw}",
        if fresh { "fresh" } else { "existing" }
    );
    println!(
        "Exam {} (id {}); session {} {} {} (id {}{}), open until {} UTC",
        demo::EXAM_NAME,
        d.exam_id,
        demo::SESSION_NAME,
        demo::SESSION_NUMBER,
        demo::SESSION_VENUE,
        d.session_id,
        if d.created {
            ""
        } else {
            ", from an earlier start"
        },
        d.ends_at.format("%Y-%m-%d %H:%M")
    );
    if d.ends_at <= chrono::Utc::now() {
        println!("  (its window has closed: candidates can no longer start; use a fresh database)");
    }
    println!();
    println!("  ticket          ID number            name  room      seat");
    for c in &d.candidates {
        println!(
            "  {:<15} {:<20} {}  {}  {:>3}",
            c.ticket, c.id_number, c.name, c.room, c.seat
        );
    }
    println!();
    println!(
        "Sit the exam: open http://{addr}/ on a tablet (or a browser window of tablet size) and log in with a ticket and ID number."
    );
    println!("Watch the room and mark: the staff console at http://{addr}/console (admin / {pw}).");
    println!("Or over the API, e.g. with curl:");
    println!(
        "  POST /api/candidate/login {{\"ticket\",\"id_number\"}} → token, attempt_id; then with -H 'authorization: Bearer <token>'"
    );
    println!(
        "  GET /api/attempts/{{id}}/paper, PUT /api/attempts/{{id}}/answers/{{question_id}} {{\"response\":…,\"seq\":1}}, POST /api/attempts/{{id}}/submit\n  (request and response shapes: /api/openapi.json)"
    );
    println!(
        "Staff: curl -s -X POST http://{addr}/api/auth/login -H 'content-type: application/json' \\"
    );
    println!("        -d '{{\"username\":\"admin\",\"password\":\"{pw}\"}}'");
    println!(
        "       then GET /api/sessions/{}/candidates or /api/questions?bank=VID with -H 'authorization: Bearer <token>'",
        d.session_id
    );
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***{}", &url[..s + 3], &url[at..]),
        _ => url.to_string(),
    }
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

async fn import(
    file: PathBuf,
    bank: Option<String>,
    name: Option<String>,
    format_arg: Option<String>,
    dry_run: bool,
    on_conflict: &str,
    report_path: Option<PathBuf>,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    let on_conflict = match on_conflict {
        "reject" => OnConflict::Reject,
        "skip" => OnConflict::Skip,
        "update" => OnConflict::Update,
        other => {
            return Err(format!(
                "--on-conflict {other:?} is not reject, skip or update"
            ));
        }
    };
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let format = match format_arg {
        Some(f) => Format::parse(&f).ok_or_else(|| format!("unknown format {f:?}"))?,
        None => format::guess(file.file_name().and_then(|n| n.to_str()), &bytes)
            .ok_or("cannot tell the file's format; pass --format")?,
    };
    let parsed = format::read(format, &bytes).map_err(|e| format!("{}: {}", e.code, e.message))?;
    drop(bytes);
    let code = bank
        .or_else(|| parsed.bank_code.clone())
        .ok_or("say which bank: --bank CODE")?;
    let code = service::BankCode::parse(&code).map_err(|e| e.message)?;
    let mut config = config()?;
    config.announce = true;
    let state = startup::prepare(&config).await.map_err(|e| e.to_string())?;
    let db = &state.db;
    let bank = match repo::bank_by_code(db, code.as_str())
        .await
        .map_err(|e| e.to_string())?
    {
        Some(b) => b,
        None if dry_run => {
            return Err(format!(
                "bank {} does not exist yet; a dry run needs an existing bank",
                code.as_str()
            ));
        }
        None => {
            let n = name
                .or_else(|| parsed.bank_name.clone())
                .unwrap_or_else(|| code.as_str().to_string());
            service::create_bank(db, &Actor::system(), code.clone(), &n, "")
                .await
                .map_err(|e| e.message)?
        }
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} ({eta})")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    bar.set_message(format!("importing {}", file.display()));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let options = service::ImportOptions {
        on_conflict,
        dry_run,
    };
    let report = service::import_parsed(
        db,
        &Actor::system(),
        &bank,
        format,
        parsed,
        options,
        &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )
    .await;
    bar.finish_and_clear();
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            if let Some(d) = &e.details {
                print_skips(d);
            }
            return Err(format!("{}: {}", e.code, e.message));
        }
    };
    print_report(&report);
    if let Some(p) = report_path {
        let json = serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(&p, json).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    println!(
        "elapsed_ms={} peak_rss_mb={:.1}",
        started.elapsed().as_millis(),
        peak_rss_mb().unwrap_or(f64::NAN)
    );
    Ok(())
}

fn print_skips(report: &serde_json::Value) {
    if let Some(items) = report.get("items").and_then(|i| i.as_array()) {
        for i in items
            .iter()
            .filter(|i| i.get("outcome").and_then(|o| o.as_str()) == Some("skipped"))
        {
            println!(
                "  skipped {} (line {}): {} — {}",
                i.get("ident").and_then(|v| v.as_str()).unwrap_or("?"),
                i.get("line").map(|v| v.to_string()).unwrap_or_default(),
                i.get("code").and_then(|v| v.as_str()).unwrap_or(""),
                i.get("reason").and_then(|v| v.as_str()).unwrap_or("")
            );
        }
    }
}

fn print_report(r: &ImportReport) {
    println!(
        "{}{}: {} items — {} imported, {} updated, {} unchanged, {} skipped, {} images",
        if r.dry_run { "DRY RUN " } else { "" },
        r.bank,
        r.total,
        r.imported,
        r.updated,
        r.unchanged,
        r.skipped,
        r.images
    );
    for i in r
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Skipped)
        .take(200)
    {
        println!(
            "  skipped {} ({}): {} — {}",
            i.ident,
            i.line.map(|l| format!("line {l}")).unwrap_or_default(),
            i.code.as_deref().unwrap_or(""),
            i.reason.as_deref().unwrap_or("")
        );
    }
    let warned = r.items.iter().filter(|i| !i.warnings.is_empty()).count();
    if warned > 0 {
        println!("  {warned} item(s) imported with warnings (see --report)");
    }
}

async fn export(bank: &str, format: &str, output: PathBuf) -> Result<(), String> {
    let format = Format::parse(format).ok_or_else(|| format!("unknown format {format:?}"))?;
    let mut config = config()?;
    config.announce = false;
    let state = startup::prepare(&config).await.map_err(|e| e.to_string())?;
    let b = service::get_bank(&state.db, bank)
        .await
        .map_err(|e| e.message)?;
    let bytes = service::export(&state.db, &b, format)
        .await
        .map_err(|e| e.message)?;
    std::fs::write(&output, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    println!("wrote {} ({} bytes)", output.display(), bytes.len());
    Ok(())
}

fn gen_bank(n: usize, format: &str, seed: u64, output: PathBuf) -> Result<(), String> {
    let questions = synthetic::generate(n, seed);
    let bytes = match Format::parse(format) {
        Some(Format::Native) => format::native::write_bank(
            Some("SYN"),
            "合成题库（仅供性能测试）",
            Some("Synthetic questions for benchmarks and load tests; never use in a real exam."),
            true,
            &questions,
            &[],
        ),
        Some(f @ (Format::Csv | Format::Xlsx)) => format::write(f, "SYN", &questions, &[]),
        _ => {
            return Err(format!(
                "gen-bank writes native, csv or xlsx, not {format:?}"
            ));
        }
    }
    .map_err(|e| e.to_string())?;
    std::fs::write(&output, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    println!(
        "wrote {} synthetic questions to {} ({} bytes)",
        questions.len(),
        output.display(),
        bytes.len()
    );
    Ok(())
}

fn read_json<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    what: &str,
) -> Result<T, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not a {what} file: {e}", path.display()))
}

fn cert_verify(
    input: &str,
    keys_path: &std::path::Path,
    status_path: Option<&std::path::Path>,
    as_json: bool,
) -> Result<(), String> {
    use exam_platform::certificate::verify::{CheckResult, Outcome};
    use exam_platform::certificate::{offline, verify};
    let keys: verify::KeysDocument = read_json(keys_path, "published keys")?;
    let list: Option<exam_platform::certificate::status::StatusList> = status_path
        .map(|p| read_json(p, "status list"))
        .transpose()?;
    let path = std::path::Path::new(input);
    // What was read, from where, and what could not be read.
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    if path.is_file() {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {input}: {e}"))?;
        if bytes.starts_with(b"%PDF") {
            match offline::printed_texts(path) {
                Ok(codes) => {
                    for c in codes {
                        texts.push(("the printed QR code (pdftoppm + zbarimg)".into(), c));
                    }
                }
                Err(e) => notes.push(format!("could not read the printed QR code: {e}")),
            }
            match offline::metadata_text(&bytes) {
                Some(m) if texts.iter().any(|(_, t)| *t == m) => {
                    notes.push("the copy in the PDF's metadata matches the printed code".into())
                }
                Some(m) if texts.is_empty() => texts.push((
                    "the copy in the PDF's metadata (the printed code was not read)".into(),
                    m,
                )),
                Some(m) => {
                    notes.push("the copy in the PDF's metadata differs from the printed code; checking both".into());
                    texts.push(("the copy in the PDF's metadata".into(), m));
                }
                None => notes.push("the PDF's metadata holds no QR text".into()),
            }
        } else {
            let t = String::from_utf8_lossy(&bytes).trim().to_string();
            texts.push((format!("the file {input}"), t));
        }
    } else {
        texts.push(("the text given".into(), input.to_string()));
    }
    if texts.is_empty() {
        return Err(format!("no QR text found in {input}: {}", notes.join("; ")));
    }
    let today = verify::local_date(chrono::Utc::now());
    let mut all_valid = true;
    let mut out = Vec::new();
    for (source, text) in &texts {
        let v = offline::check(text, &keys, list.as_ref(), today);
        all_valid &= v.outcome == Outcome::Valid;
        out.push(serde_json::json!({"source": source, "text": text, "verification": v}));
        if as_json {
            continue;
        }
        println!("Checked {source}:");
        println!("  {text}");
        println!(
            "Verdict: {} {}{}",
            v.outcome.zh(),
            v.outcome.en(),
            v.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
        if let Some(p) = &v.certificate {
            println!(
                "  number {}  type {}{}  holder {}  ID {}",
                p.number,
                p.type_code,
                v.type_title
                    .as_deref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default(),
                p.holder,
                p.id_masked.as_deref().unwrap_or("-")
            );
            println!(
                "  issued {}  valid until {}  key {}  status index {}",
                p.issued_on,
                p.expires_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "no expiry".into()),
                p.key_id,
                p.status_index
            );
        }
        for c in &v.checks {
            let mark = match c.result {
                CheckResult::Passed => "checked, passed    ",
                CheckResult::Failed => "checked, FAILED    ",
                CheckResult::NotChecked => "could not check    ",
            };
            println!("  {mark} {:<24} {}", c.name, c.detail);
        }
        if !v.complete {
            println!("  (not everything could be checked offline: see above)");
        }
    }
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"results": out, "notes": notes}))
                .map_err(|e| e.to_string())?
        );
    } else {
        for n in &notes {
            println!("Note: {n}");
        }
    }
    if all_valid {
        Ok(())
    } else {
        Err("the certificate is not valid (see the verdict above)".into())
    }
}

async fn cert_state() -> Result<exam_platform::state::AppState, String> {
    let mut config = config()?;
    config.announce = false;
    startup::prepare(&config).await.map_err(|e| e.to_string())
}

async fn cert_keys(action: &str, output: Option<PathBuf>) -> Result<(), String> {
    use exam_platform::certificate::{keys, service};
    let state = cert_state().await?;
    match action {
        "list" => {
            let doc = service::keys_document(&state)
                .await
                .map_err(|e| e.message)?;
            for k in &doc.keys {
                let state_text = match (k.revoked_at, k.retired_at) {
                    (Some(at), _) => format!(
                        "revoked {at} ({})",
                        k.revoke_reason.as_deref().unwrap_or("")
                    ),
                    (None, Some(at)) => format!("retired {at} (still verifies what it signed)"),
                    (None, None) => "current".to_string(),
                };
                println!(
                    "key {:>3}  created {}  {state_text}  {}",
                    k.id, k.created_at, k.public_key
                );
            }
            Ok(())
        }
        "rotate" => {
            let k = keys::rotate(&state.db, &Actor::system())
                .await
                .map_err(|e| e.message)?;
            println!(
                "key {} now signs new certificates; the previous key is retired and still verifies what it signed",
                k.id
            );
            Ok(())
        }
        "export" => {
            let out = output.ok_or("say where: cert-keys export -o keys.json")?;
            let doc = service::keys_document(&state)
                .await
                .map_err(|e| e.message)?;
            let json = serde_json::to_vec_pretty(&doc).map_err(|e| e.to_string())?;
            std::fs::write(&out, json)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            println!("wrote {} keys to {}", doc.keys.len(), out.display());
            Ok(())
        }
        other => Err(format!("cert-keys {other:?}: use list, rotate or export")),
    }
}

async fn cert_status(output: PathBuf) -> Result<(), String> {
    let state = cert_state().await?;
    let list = exam_platform::certificate::service::status_list(&state)
        .await
        .map_err(|e| e.message)?;
    let json = serde_json::to_vec_pretty(&list).map_err(|e| e.to_string())?;
    std::fs::write(&output, json).map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    println!(
        "wrote the status list of {} certificates, as of {}, to {}",
        list.size,
        list.updated_at,
        output.display()
    );
    Ok(())
}

async fn cert_issue(session: i32) -> Result<(), String> {
    let state = cert_state().await?;
    let r = exam_platform::certificate::service::issue_for_session(
        &state,
        &Actor::system(),
        exam_platform::exam::session::SessionId(session),
    )
    .await
    .map_err(|e| format!("{}: {}", e.code, e.message))?;
    if r.certificate_type_id.is_none() {
        println!(
            "session {session} has no certificate type: nothing issued (PUT /api/sessions/{session}/certificate-type)"
        );
    } else {
        println!(
            "session {session}: {} issued, {} already issued, {} without a passing result",
            r.issued, r.already_issued, r.not_passed
        );
        for n in &r.numbers {
            println!("  {n}");
        }
    }
    Ok(())
}
