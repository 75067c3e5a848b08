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
//! - `loadgen board` seeds a published board of N rows, opens V viewers on its live stream and
//!   measures how long each change (freeze, lift) takes to reach every viewer (`board.rs`).
//!
//! The generator shares the machine with the server, so it is built to be cheap: one
//! `reqwest::Client` (connection reuse), a small single-worker runtime by default, latencies kept
//! in per-task vectors (no locks on the hot path), request bodies serialized straight from
//! borrowed data, and the event streams parsed incrementally from the response chunks into
//! reused buffers (tiles are read in place, borrowing from the frame).
//!
//! Where each part lives: the flags in `cli.rs`; `setup.rs`; `run.rs` starts everything and
//! `candidate.rs` is one candidate's task on the schedule of `plan.rs`; `watch.rs` (over the
//! event-stream parser of `sse.rs`) plays the proctors; `import.rs` posts a bank file mid-run;
//! `cpu.rs` samples CPU time; `report.rs` prints the figures; `http.rs` holds the client and
//! the staff API they share.

mod board;
mod candidate;
mod cli;
mod cpu;
mod http;
mod import;
mod plan;
mod report;
mod run;
mod setup;
mod sse;
mod watch;

#[cfg(test)]
mod tests;

use crate::cli::{Cli, Command};
use crate::run::run;
use crate::setup::setup;
use clap::Parser;
use std::process::ExitCode;

// The same allocator as the server: many small buffers per request, and it is cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let workers = match &cli.command {
        Command::Setup(a) => a.common.workers,
        Command::Run(a) => a.common.workers,
        Command::Board(a) => a.workers,
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
            Command::Board(a) => board::board(a).await,
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
