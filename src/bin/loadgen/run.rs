//! `loadgen run`: the watchers connect, then every candidate runs on the common schedule, with
//! an import and CPU sampling alongside; then the report.

use crate::candidate::{candidate, read_candidates};
use crate::cli::RunArgs;
use crate::cpu::{cpu_seconds, sample_cpu};
use crate::http::{StaffApi, client, loopback_base};
use crate::import::import_during_run;
use crate::plan::{BlurSlot, Phase, Plan, Shared, Step};
use crate::report::{Measured, percentile, report, summarize};
use crate::sse::Sse;
use crate::watch::{WatchState, Watcher, micros};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(crate) async fn run(a: RunArgs) -> Result<bool, String> {
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
