//! CPU time of the servers, PostgreSQL and the generator itself, read from /proc, and its
//! report.

use crate::cli::RunArgs;
use crate::plan::Plan;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// CPU time (user + system) of a process from /proc, in seconds.
pub(crate) fn cpu_seconds(pid: &str) -> Option<f64> {
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
pub(crate) struct CpuSample {
    pub(crate) at: Instant,
    pub(crate) servers: Vec<Option<f64>>,
    postgres: Option<f64>,
}

/// Reads the servers' (and PostgreSQL's) CPU time every second until told to stop, so that the
/// share can be given over the steady part as well as the whole run.
pub(crate) async fn sample_cpu(
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

/// Prints each server's CPU share (and PostgreSQL's) over the run and its steady part; returns
/// them as JSON.
pub(crate) fn cpu_report(
    a: &RunArgs,
    plan: &Plan,
    samples: &[CpuSample],
    steady_from: Instant,
) -> Value {
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
