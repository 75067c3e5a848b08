//! The command line: run the server or the demo, import, export and generate banks, check and
//! manage certificates, and migrate the database. Each subcommand opens only what it needs.

mod bank;
mod cert;
mod migrate;
mod serve;
mod tls;

use clap::{Parser, Subcommand};
use exam_platform::config::Config;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "exam-platform",
    version,
    about = "Exam and skills-competition platform"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// Take every question in as a draft (导入为草稿): none is drawn until activated.
        #[arg(long)]
        as_drafts: bool,
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
    /// Apply, undo or list database migrations (the server applies pending ones itself on start).
    Migrate {
        /// up (apply pending), down (undo the last N) or status.
        #[arg(value_enum, default_value = "status")]
        action: migrate::Action,
        /// How many migrations `up` or `down` moves (up: all pending by default; down: 1).
        #[arg(long)]
        steps: Option<u32>,
    },
    /// 为没有公网域名的考点生成平板电脑信任的 HTTPS 证书 / Make an HTTPS certificate the venue's
    /// tablets trust: a local CA (kept in the folder and re-used, so tablets install it once)
    /// and a server certificate for the given addresses and names, signed by it.
    Tls {
        /// An IP address or name the tablets open, e.g. 192.168.1.10 or exam.venue.lan (repeat
        /// for several); default: this machine's network addresses.
        #[arg(long = "host")]
        hosts: Vec<String>,
        /// Folder for ca.crt, ca.der.crt, ca.key, server.crt and server.key.
        #[arg(long, short, default_value = "data/tls")]
        out: PathBuf,
        /// The HTTPS port to show in the start command.
        #[arg(long, default_value_t = 8443)]
        port: u16,
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

/// Runs a parsed command line to its end.
pub fn run(cli: Cli) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve::serve(config()?).await,
            Command::Demo => serve::demo().await,
            Command::Import {
                file,
                bank,
                name,
                format,
                dry_run,
                as_drafts,
                on_conflict,
                report,
            } => {
                let flags = bank::ImportFlags { dry_run, as_drafts };
                bank::import(file, bank, name, format, flags, &on_conflict, report).await
            }
            Command::Export {
                bank,
                format,
                output,
            } => bank::export(&bank, &format, output).await,
            Command::CertVerify {
                input,
                keys,
                status,
                json,
            } => cert::verify(&input, &keys, status.as_deref(), json),
            Command::CertKeys { action, output } => cert::keys(&action, output).await,
            Command::CertStatus { output } => cert::status(output).await,
            Command::CertIssue { session } => cert::issue(session).await,
            Command::Migrate { action, steps } => migrate::run(action, steps).await,
            Command::Tls { hosts, out, port } => tls::run(&hosts, &out, port),
            Command::GenBank {
                questions,
                format,
                seed,
                output,
            } => bank::gen_bank(questions, &format, seed, output),
        }
    })
}

pub(super) fn config() -> Result<Config, String> {
    Config::from_env()
}

pub(super) fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => format!("{}***{}", &url[..s + 3], &url[at..]),
        _ => url.to_string(),
    }
}

pub(super) fn read_json<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    what: &str,
) -> Result<T, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not a {what} file: {e}", path.display()))
}
