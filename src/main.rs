//! The `exam-platform` binary: run the server, try a demo, import, export and generate banks,
//! manage certificates, migrate the database (see `cli`).

mod cli;

use clap::Parser;
use std::process::ExitCode;

// Imports and request handling allocate many small objects; mimalloc does that markedly faster
// than the system allocator (measured: see the README's benchmark section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,exam_platform=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli::run(cli::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 error: {e}");
            ExitCode::FAILURE
        }
    }
}
