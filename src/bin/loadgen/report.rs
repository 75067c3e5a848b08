//! The figures of a run: latency summaries per request kind and rate step, readiness,
//! proctoring delivery, printed and as JSON.

use crate::candidate::Local;
use crate::cli::RunArgs;
use crate::cpu::{CpuSample, cpu_report};
use crate::plan::{PHASE_COUNT, PHASES, Phase, Plan};
use crate::watch::Watcher;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Latency figures of a set of requests.
#[derive(Serialize, Default)]
pub(crate) struct Summary {
    pub(crate) count: usize,
    pub(crate) errors: usize,
    requests_per_s: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p95_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) max_ms: f64,
}

pub(crate) fn percentile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    f64::from(sorted[rank - 1]) / 1000.0
}

/// Summarizes (completion ms, latency µs) records; the rate is over `span_s` when given,
/// else from the first request's start to the last one's end.
pub(crate) fn summarize(records: &[(u32, u32)], errors: usize, span_s: Option<f64>) -> Summary {
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

/// What `run` measured besides the requests.
pub(crate) struct Measured {
    /// Seconds from the common start until the last candidate finished.
    pub(crate) wall: f64,
    /// The generator's own CPU seconds over that time.
    pub(crate) cpu: Option<f64>,
    /// The servers' CPU readings, about once a second.
    pub(crate) samples: Vec<CpuSample>,
    /// The watchers, done.
    pub(crate) watchers: Vec<Watcher>,
}

/// Prints the figures, writes the JSON, and says whether the run was clean.
pub(crate) fn report(
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
    pub(crate) json: Value,
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
