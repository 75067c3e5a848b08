//! `loadgen setup`: the synthetic bank, the exam, the session and the roster, and the
//! candidates file.

use crate::cli::SetupArgs;
use crate::http::{StaffApi, client, error_text, loopback_base};
use chrono::{Duration as ChronoDuration, NaiveDate, Utc};
use exam_platform::bank::{format, synthetic};
use exam_platform::exam::identity::id_check_char;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// The `i`-th generated ID number: region 440106, a birth date spread over 1970–2000 and a
/// sequence number, with its check digit. Distinct for every `i` below 11 million.
pub(crate) fn id_number(i: usize) -> Result<String, String> {
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

pub(crate) async fn setup(a: SetupArgs) -> Result<(), String> {
    let base = match a.common.base.as_slice() {
        [b] => loopback_base(b)?,
        _ => return Err("setup takes one --base (instances share the database)".into()),
    };
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
    out.push_str("ticket,id_number,room,seat,session\n");
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
                    "{ticket},{id},{},{},{session_id}",
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
