//! Command line: the `setup` and `run` subcommands and their options.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Command line of the load generator.
#[derive(Parser)]
#[command(
    name = "loadgen",
    version,
    about = "Load generator for the candidate attempt API and live proctoring (loopback servers only)"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Create the bank, exam, session and roster, and write the candidates file.
    Setup(SetupArgs),
    /// Run N candidates against the session the candidates file belongs to.
    Run(RunArgs),
    /// The scoreboard: seed N published rows, open V viewers on the live board, make K changes
    /// (freeze, lift) and measure delivery to every viewer.
    Board(BoardArgs),
}

/// Options of `board`.
#[derive(Args)]
pub(crate) struct BoardArgs {
    /// Server base URL (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub(crate) base: String,
    /// The server's database, where the published rows are seeded (the board reads them
    /// through its real path).
    #[arg(long, env = "DATABASE_URL")]
    pub(crate) database_url: String,
    /// The competition code seeded (an earlier run's is replaced).
    #[arg(long, default_value = "LOADB")]
    pub(crate) code: String,
    /// Rows on the board.
    #[arg(long, default_value_t = 500)]
    pub(crate) rows: usize,
    /// Viewers on the live stream.
    #[arg(long, default_value_t = 2000)]
    pub(crate) viewers: usize,
    /// Changes made (alternately freeze and lift).
    #[arg(long, default_value_t = 20)]
    pub(crate) changes: usize,
    /// Time between changes, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub(crate) interval_ms: u64,
    /// Admin account (sets the freeze).
    #[arg(long, default_value = "admin")]
    pub(crate) admin_user: String,
    /// Its password.
    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    pub(crate) admin_password: String,
    /// PID of the server, to report its CPU time over the changes.
    #[arg(long)]
    pub(crate) server_pid: Option<u32>,
    /// Tokio worker threads of the generator.
    #[arg(long, default_value_t = 1)]
    pub(crate) workers: usize,
}

/// Options both phases share.
#[derive(Args, Clone)]
pub(crate) struct CommonArgs {
    /// Server base URL; only loopback hosts (127.x, localhost, [::1]) are accepted. `run` takes
    /// several (repeated or comma-separated: instances sharing one database) and spreads the
    /// candidates over them round-robin, and the watchers too; `setup` takes one.
    #[arg(long, value_delimiter = ',', default_value = "http://127.0.0.1:8080")]
    pub(crate) base: Vec<String>,
    /// The candidates file (ticket,id_number,room,seat,session) written by setup and read by run.
    #[arg(long, default_value = "loadgen-candidates.csv")]
    pub(crate) file: PathBuf,
    /// Tokio worker threads. The server shares the machine, so keep this small.
    #[arg(long, default_value_t = 1)]
    pub(crate) workers: usize,
}

/// Options of `setup`.
#[derive(Args)]
pub(crate) struct SetupArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// How many candidates to put on the roster (at most 99,999 per session).
    #[arg(long, default_value_t = 5000)]
    pub(crate) candidates: usize,
    /// Staff account with the author role (admin has every role).
    #[arg(long, default_value = "admin")]
    pub(crate) admin_user: String,
    /// Its password.
    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    pub(crate) admin_password: String,
    /// Code of the synthetic bank (created if missing, reused if present).
    #[arg(long, default_value = "LOAD")]
    pub(crate) bank: String,
    /// Questions in the synthetic bank.
    #[arg(long, default_value_t = 10_000)]
    pub(crate) questions: usize,
    /// Seed of the synthetic bank (the same seed gives the same questions, so a re-import is a no-op).
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Single-choice questions per paper.
    #[arg(long, default_value_t = 60)]
    pub(crate) single: usize,
    /// Multiple-choice questions per paper.
    #[arg(long, default_value_t = 20)]
    pub(crate) multiple: usize,
    /// True/false questions per paper.
    #[arg(long, default_value_t = 20)]
    pub(crate) true_false: usize,
    /// Fill-in questions per paper (0 by default; raise it to exercise blank answers).
    #[arg(long, default_value_t = 0)]
    pub(crate) fill: usize,
    /// Short-answer questions per paper (0 by default; raise it to exercise text answers).
    #[arg(long, default_value_t = 0)]
    pub(crate) short: usize,
    /// Time limit of the exam, in minutes.
    #[arg(long, default_value_t = 120)]
    pub(crate) time_limit_minutes: u32,
    /// The session window closes this many hours from now (it opened 5 minutes ago).
    #[arg(long, default_value_t = 6)]
    pub(crate) window_hours: i64,
}

/// Options of `run`.
#[derive(Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// How many candidates of the file to run (all of them when absent).
    #[arg(long)]
    pub(crate) candidates: Option<usize>,
    /// Seconds of saving (per rate step with several --rate values); the first step also
    /// includes the --ramp-s login period.
    #[arg(long, default_value_t = 60)]
    pub(crate) duration_s: u64,
    /// Each candidate saves one answer every this many milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub(crate) save_interval_ms: u64,
    /// Target total saves per second instead of --save-interval-ms (interval = N / R). A
    /// comma-separated list runs a sweep: one step of --duration-s per rate, logged in once.
    #[arg(long, value_delimiter = ',')]
    pub(crate) rate: Option<Vec<f64>>,
    /// Spread the logins evenly over this many seconds; 0 logs everyone in at once (a common start).
    #[arg(long, default_value_t = 0)]
    pub(crate) ramp_s: u64,
    /// Submit every attempt at the end, all at once (spread like the logins with --ramp-s). A later
    /// run on the same session then gets 409 attempt_submitted: run setup again first.
    #[arg(long)]
    pub(crate) submit: bool,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    pub(crate) json: Option<PathBuf>,
    /// Per-request timeout, in seconds.
    #[arg(long, default_value_t = 60)]
    pub(crate) timeout_s: u64,
    /// Drop client connections idle this long. Below the server's keep-alive (actix-web: 5 s) so
    /// a request never goes out on a connection the server is closing at that moment.
    #[arg(long, default_value_t = 4000)]
    pub(crate) idle_ms: u64,
    /// Seed for the answer choices and save offsets.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// PID of a server process, to report its CPU time over the run (repeat it, or separate
    /// with commas, for several instances). PostgreSQL processes on this machine are counted too.
    #[arg(long, value_delimiter = ',')]
    pub(crate) server_pid: Vec<u32>,
    /// Each candidate reports a heartbeat this often, at a random offset (0: none).
    #[arg(long, default_value_t = 0)]
    pub(crate) heartbeat_ms: u64,
    /// Each candidate reports one window blur this often, at a random offset (0: none).
    #[arg(long, default_value_t = 0)]
    pub(crate) focus_every_ms: u64,
    /// Proctors watching the session's live room view (needs --admin-password).
    #[arg(long, default_value_t = 0)]
    pub(crate) watchers: usize,
    /// The session to watch; by default the one the candidates file names.
    #[arg(long)]
    pub(crate) session: Option<i32>,
    /// Staff account the watchers log in with (admin may watch every session).
    #[arg(long, default_value = "admin")]
    pub(crate) admin_user: String,
    /// Its password.
    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    pub(crate) admin_password: Option<String>,
    /// A blur not on a watcher's screen this long after it was sent counts as lost; the
    /// watchers keep listening this long after the end.
    #[arg(long, default_value_t = 5000)]
    pub(crate) lost_after_ms: u64,
    /// A bank file to import while the candidates save (e.g. 50,000 questions from `gen-bank`;
    /// needs --admin-password). The saves that overlap the import get a line of their own.
    #[arg(long)]
    pub(crate) import: Option<PathBuf>,
    /// The bank the file goes into (created if missing).
    #[arg(long, default_value = "LOADIMP")]
    pub(crate) import_bank: String,
    /// Seconds after the common start at which the import is posted.
    #[arg(long, default_value_t = 10)]
    pub(crate) import_at_s: u64,
}
