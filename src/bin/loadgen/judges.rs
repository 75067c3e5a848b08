//! `loadgen judges`: an event's practical marking under load. Sets up (over the API, as staff
//! would) a bank of practical tasks with schemes of `--aspects` aspects, a session of
//! `--candidates` candidates all checked in, and panels of `--panel` judges per task (every
//! judge a distinct account, so `tasks × panel` judges mark at once); then every judge marks
//! every work code of their task aspect by aspect (one `PUT …/marks/{aspect}` per mark, each with
//! its sequence number) and submits each sheet, all judges at the same time. Prints the mark
//! saves' and submissions' latency percentiles and the server's CPU time.

use crate::cli::JudgesArgs;
use crate::cpu::cpu_seconds;
use crate::http::{StaffApi, client, loopback_base, status_label, transport_label};
use crate::report::{Summary, summarize};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// One task's body: `aspects − 1` aspects that give points (judgements, and one banded
/// measurement) adding up to 100, and one deduction.
fn task(n: usize, aspects: usize) -> Value {
    let scoring = aspects.saturating_sub(1).max(1);
    let each = (100 / scoring) as f64;
    let mut scheme = vec![];
    for i in 0..scoring {
        let points = if i + 1 == scoring {
            100.0 - each * (scoring - 1) as f64
        } else {
            each
        };
        scheme.push(if i + 1 == scoring {
            json!({"group": "A", "text": format!("测量项 {i}"), "points": points,
                   "kind": {"type": "measurement", "unit": "mm",
                            "bands": [{"within": 2, "fraction": 1}, {"within": 5, "fraction": 0.5}]}})
        } else {
            json!({"group": "A", "text": format!("评判项 {i}"), "points": points,
                   "kind": {"type": "judgement", "descriptors": ["差", "中", "良", "优"]}})
        });
    }
    if aspects > 1 {
        scheme.push(json!({"group": "A", "text": "安全违规", "points": 5,
                           "kind": {"type": "deduction", "per": 1}}));
    }
    json!({"kind": "practical", "stem": format!("压测实操任务 {n}"), "points": 100, "minutes": 60,
           "key": {"type": "open", "reference": ""}, "scheme": scheme})
}

async fn login(api: &mut StaffApi, user: &str, password: &str) -> Result<(), String> {
    api.token.clear();
    let v = api
        .expect(
            Method::POST,
            "/api/auth/login",
            &json!({"username": user, "password": password}),
            StatusCode::OK,
        )
        .await?;
    api.token = v["token"].as_str().ok_or("login: no token")?.to_string();
    Ok(())
}

/// What one judge measured: (completion ms, latency µs) per save and per submit, and failures.
#[derive(Default)]
struct Judged {
    saves: Vec<(u32, u32)>,
    submits: Vec<(u32, u32)>,
    errors: BTreeMap<String, usize>,
}

/// One judge: every code of the task, every aspect, then the sheet's submission.
async fn judge(
    api: StaffApi,
    task_id: i64,
    aspects: usize,
    judge_no: usize,
    start: Instant,
) -> Judged {
    let mut out = Judged::default();
    let path = format!("/api/judging/tasks/{task_id}");
    let codes: Vec<String> = match api.call(Method::GET, &path, None).await {
        Ok((StatusCode::OK, v)) => v["candidates"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c["code"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
        Ok((s, v)) => {
            *out.errors
                .entry(status_label(s, v.to_string().as_bytes()))
                .or_default() += 1;
            return out;
        }
        Err(e) => {
            *out.errors.entry(e).or_default() += 1;
            return out;
        }
    };
    let mut seq = 0u64;
    for (c, code) in codes.iter().enumerate() {
        for aspect in 0..aspects {
            seq += 1;
            // Judgements 2 or 3 (within the default spread), a 1.5 mm deviation, no deduction.
            let entry = if aspect + 1 == aspects && aspects > 1 {
                0.0
            } else if aspect + 2 == aspects {
                1.5
            } else {
                (2 + (c + judge_no) % 2) as f64
            };
            let body = json!({"entry": entry, "seq": seq});
            let url = format!("{}{path}/sheets/{code}/marks/{aspect}", api.base);
            let t0 = Instant::now();
            let r = api
                .client
                .put(&url)
                .bearer_auth(&api.token)
                .json(&body)
                .send()
                .await;
            record(&mut out.saves, &mut out.errors, r, t0, start).await;
        }
        let url = format!("{}{path}/sheets/{code}/submit", api.base);
        let t0 = Instant::now();
        let r = api
            .client
            .post(&url)
            .bearer_auth(&api.token)
            .json(&json!({}))
            .send()
            .await;
        record(&mut out.submits, &mut out.errors, r, t0, start).await;
    }
    out
}

async fn record(
    into: &mut Vec<(u32, u32)>,
    errors: &mut BTreeMap<String, usize>,
    r: Result<reqwest::Response, reqwest::Error>,
    t0: Instant,
    start: Instant,
) {
    match r {
        Ok(resp) => {
            let status = resp.status();
            let body = resp.bytes().await.unwrap_or_default();
            if status.is_success() {
                into.push((
                    start.elapsed().as_millis() as u32,
                    t0.elapsed().as_micros() as u32,
                ));
            } else {
                *errors.entry(status_label(status, &body)).or_default() += 1;
            }
        }
        Err(e) => *errors.entry(transport_label(&e)).or_default() += 1,
    }
}

/// Sets up the event and runs the judges; true when nothing failed.
pub(crate) async fn judges(a: JudgesArgs) -> Result<bool, String> {
    let base = loopback_base(a.base.first().map_or("http://127.0.0.1:8080", |s| s))?;
    let mut api = StaffApi {
        client: client(Duration::from_secs(120), Duration::from_secs(4))?,
        base: base.clone(),
        token: String::new(),
    };
    login(&mut api, &a.admin_user, &a.admin_password).await?;
    // A fresh bank code per run, so runs never share tasks.
    let tag = format!("J{}", chrono::Utc::now().timestamp() % 100_000);
    api.expect(
        Method::POST,
        "/api/banks",
        &json!({"code": tag, "name": "实操压测（合成）"}),
        StatusCode::CREATED,
    )
    .await?;
    let mut task_questions = vec![];
    for t in 0..a.tasks {
        let v = api
            .expect(
                Method::POST,
                &format!("/api/banks/{tag}/questions"),
                &task(t, a.aspects),
                StatusCode::CREATED,
            )
            .await?;
        task_questions.push(v["id"].clone());
    }
    api.expect(
        Method::POST,
        &format!("/api/banks/{tag}/questions"),
        &json!({"kind": "single", "stem": "占位", "options": ["甲", "乙"],
                "key": {"type": "choice", "correct": [0]}}),
        StatusCode::CREATED,
    )
    .await?;
    let exam = api
        .expect(
            Method::POST,
            "/api/exams",
            &json!({"name": format!("实操压测 {tag}"), "time_limit_minutes": 60, "pass_line": 0,
                    "blueprint": {"target_difficulty": null, "sections": [{"title": "一",
                        "cells": [{"bank": tag, "kind": "single", "count": 1, "points": 1}]}]}}),
            StatusCode::CREATED,
        )
        .await?;
    let now = chrono::Utc::now();
    let session = api
        .expect(
            Method::POST,
            "/api/sessions",
            &json!({"exam_id": exam["id"], "name": format!("实操压测 {tag}"),
                    "starts_at": now, "ends_at": now + chrono::Duration::hours(4),
                    "rooms": [{"name": "实训室", "seats": a.candidates}]}),
            StatusCode::CREATED,
        )
        .await?;
    let sid = session["id"].as_i64().ok_or("session: no id")?;
    let mut tickets = vec![];
    for i in 0..a.candidates {
        let id = crate::setup::id_number(i)?;
        let v = api
            .expect(
                Method::POST,
                &format!("/api/sessions/{sid}/candidates"),
                &json!({"name": format!("考生{i}"), "id_number": id}),
                StatusCode::CREATED,
            )
            .await?;
        tickets.push(v["ticket"].as_str().unwrap_or_default().to_string());
    }
    let password = "load-judge-pw";
    let mut panels = vec![];
    for t in 0..a.tasks {
        let mut panel = vec![];
        for j in 0..a.panel {
            let user = format!("jl{tag}-{t}-{j}").to_lowercase();
            let v = api
                .expect(
                    Method::POST,
                    "/api/users",
                    &json!({"username": user, "password": password, "roles": ["judge"]}),
                    StatusCode::CREATED,
                )
                .await?;
            panel.push((user, v["id"].clone()));
        }
        panels.push(panel);
    }
    let tasks: Vec<Value> = task_questions
        .iter()
        .zip(&panels)
        .map(|(q, panel)| {
            let ids: Vec<Value> = panel.iter().map(|p| p.1.clone()).collect();
            json!({"question_id": q, "judges": ids, "head_judge": ids[0],
                   "aggregation": if a.panel >= 5 { "trimmed_mean" } else { "mean" }})
        })
        .collect();
    let part = api
        .expect(
            Method::PUT,
            &format!("/api/sessions/{sid}/practical"),
            &json!({"stations": a.candidates, "slot_minutes": 60, "tasks": tasks}),
            StatusCode::OK,
        )
        .await?;
    for t in &tickets {
        api.expect(
            Method::POST,
            &format!("/api/sessions/{sid}/practical/check-in"),
            &json!({"ticket": t}),
            StatusCode::OK,
        )
        .await?;
    }
    let task_ids: Vec<i64> = part["tasks"]
        .as_array()
        .map(|ts| ts.iter().filter_map(|t| t["id"].as_i64()).collect())
        .unwrap_or_default();
    println!(
        "event: session {sid}, {} candidates checked in, {} tasks × {} judges × {} aspects = {} marks",
        a.candidates,
        a.tasks,
        a.panel,
        a.aspects,
        a.candidates * a.tasks * a.panel * a.aspects
    );

    // Every judge logged in before the clock starts.
    let mut runners = vec![];
    for (t, panel) in panels.iter().enumerate() {
        for (j, (user, _)) in panel.iter().enumerate() {
            let mut jape = StaffApi {
                client: api.client.clone(),
                base: base.clone(),
                token: String::new(),
            };
            login(&mut jape, user, password).await?;
            runners.push((jape, task_ids[t], j));
        }
    }
    let pid = a.server_pid.map(|p| p.to_string());
    let cpu_before = pid.as_deref().and_then(cpu_seconds);
    let start = Instant::now();
    let handles: Vec<_> = runners
        .into_iter()
        .map(|(jape, task_id, j)| tokio::spawn(judge(jape, task_id, a.aspects, j, start)))
        .collect();
    let mut all = Judged::default();
    for h in handles {
        let j = h.await.map_err(|e| e.to_string())?;
        all.saves.extend(j.saves);
        all.submits.extend(j.submits);
        for (k, n) in j.errors {
            *all.errors.entry(k).or_default() += n;
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = pid
        .as_deref()
        .and_then(cpu_seconds)
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let errors: usize = all.errors.values().sum();
    let saves: Summary = summarize(&all.saves, 0, Some(wall));
    let submits: Summary = summarize(&all.submits, 0, Some(wall));
    let judges = a.tasks * a.panel;
    println!("{judges} judges marking at once, {wall:.1} s");
    println!(
        "mark saves: {} ok, {:.0}/s, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        saves.count,
        saves.count as f64 / wall.max(0.001),
        saves.p50_ms,
        saves.p95_ms,
        saves.p99_ms,
        saves.max_ms
    );
    println!(
        "sheet submissions: {} ok, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        submits.count, submits.p50_ms, submits.p99_ms, submits.max_ms
    );
    if let Some(c) = cpu {
        println!(
            "server CPU: {c:.1} s over {wall:.1} s ({:.0} % of one core), {:.2} ms per mark",
            100.0 * c / wall.max(0.001),
            1000.0 * c / (saves.count.max(1) as f64)
        );
    }
    for (k, n) in &all.errors {
        println!("  failed: {n} × {k}");
    }
    if let Some(path) = &a.json {
        let v = json!({"judges": judges, "wall_s": wall, "server_cpu_s": cpu,
                       "saves": saves, "submits": submits, "errors": all.errors});
        std::fs::write(
            path,
            serde_json::to_vec_pretty(&v).map_err(|e| e.to_string())?,
        )
        .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(errors == 0)
}
