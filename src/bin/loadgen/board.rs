//! `loadgen board`: the scoreboard (成绩大屏) under load. Seeds a competition whose one event ×
//! group has a published ranking of N rows (straight into the database: the board then reads it
//! through the real path, `publication::history` → the public board), opens V viewers on the
//! board's live stream, and makes K changes through the admin API, alternately freezing the board
//! (the 500-row snapshot is built and stored) and lifting the freeze (the live board is rebuilt).
//! For each change it measures, from the moment the request is sent, when each viewer has the
//! new board (the first event after it whose phase is the new one): delivery p50/p99/max over
//! every viewer × change, and the slowest viewer per change ("reached every viewer"). With
//! `--server-pid` it reports the server's CPU over the change phase.

use crate::cli::BoardArgs;
use crate::cpu::cpu_seconds;
use crate::http::{StaffApi, client, loopback_base};
use crate::sse::Sse;
use chrono::Utc;
use exam_platform::competition::entity::{competition, event, group, publication};
use exam_platform::competition::standings::{RankedRow, Ranking, StageColumn};
use exam_platform::competition::{EventKind, StageKind, TieKey};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Database};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A published ranking of `n` rows (names, organisations, two stages, totals).
pub(crate) fn ranking(event_id: i32, group_id: i32, n: usize) -> Ranking {
    let rows = (0..n)
        .map(|i| {
            let theory = 100.0 - (i % 40) as f64;
            let practical = 100.0 - (i as f64) * 0.15;
            RankedRow {
                rank: Some(i as u32 + 1),
                shared: false,
                above: None,
                below: None,
                note_zh: None,
                note_en: None,
                contestant_id: Some(i as i32 + 1),
                team_id: None,
                number: format!("LOADB-AZ{:04}", i + 1),
                name: format!("选手{:04}", i + 1),
                members: vec![],
                organisation: format!("广州安防科技{}公司", i % 97),
                total: Some(((theory * 0.3 + practical * 0.7) * 100.0).round() / 100.0),
                stages: vec![Some(theory), Some(practical)],
                modules: vec![practical],
                time_secs: None,
            }
        })
        .collect();
    Ranking {
        event_id,
        event_name: "视频监控系统安装与调试".into(),
        group_id,
        group_name: "职工组".into(),
        kind: EventKind::Individual,
        chain: vec![TieKey::Practical],
        stages: vec![
            StageColumn {
                stage_id: 1,
                name: "理论初赛".into(),
                kind: StageKind::Theory,
                weight: 0.3,
            },
            StageColumn {
                stage_id: 2,
                name: "实操决赛".into(),
                kind: StageKind::Practical,
                weight: 0.7,
            },
        ],
        modules: vec!["模块一".into()],
        rows,
    }
}

/// Seeds the competition (replacing one left by an earlier run) and returns its id.
async fn seed(url: &str, code: &str, rows: usize) -> Result<i32, String> {
    let db = Database::connect(url).await.map_err(|e| e.to_string())?;
    let e = |x: sea_orm::DbErr| x.to_string();
    db.execute_unprepared(&format!("DELETE FROM competitions WHERE code = '{code}'"))
        .await
        .map_err(e)?;
    let now = Utc::now();
    let c = competition::ActiveModel {
        name: Set("成绩大屏压力测试".into()),
        code: Set(code.into()),
        held_on: Set(now),
        theory_cap: Set(0.3),
        schools: Set("[]".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await
    .map_err(e)?;
    let ev = event::ActiveModel {
        competition_id: Set(c.id),
        position: Set(0),
        name: Set("视频监控系统安装与调试".into()),
        code: Set("A".into()),
        kind: Set("individual".into()),
        team_size: Set(1),
        team_score: Set("sum".into()),
        tie_chain: Set("[\"practical\"]".into()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .map_err(e)?;
    let g = group::ActiveModel {
        competition_id: Set(c.id),
        position: Set(0),
        name: Set("职工组".into()),
        code: Set("Z".into()),
        rules: Set("{}".into()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .map_err(e)?;
    let r = ranking(ev.id, g.id, rows);
    publication::ActiveModel {
        event_id: Set(ev.id),
        group_id: Set(g.id),
        version: Set(1),
        state: Set("provisional".into()),
        ranking: Set(serde_json::to_string(&r).map_err(|x| x.to_string())?),
        changes: Set("[]".into()),
        reason: Set(String::new()),
        published_at: Set(now),
        published_by: Set(None),
        appeal_closes_at: Set(None),
        ..Default::default()
    }
    .insert(&db)
    .await
    .map_err(e)?;
    Ok(c.id)
}

/// One viewer: the arrival time and phase (frozen or not) of every board event.
async fn view(
    http: reqwest::Client,
    url: String,
    connected: Arc<AtomicUsize>,
    stop: Arc<tokio::sync::Notify>,
) -> Vec<(Instant, bool)> {
    let mut seen = vec![];
    let Ok(mut resp) = http.get(&url).send().await else {
        return seen;
    };
    if resp.status() != StatusCode::OK {
        return seen;
    }
    let mut sse = Sse::default();
    let mut first = true;
    loop {
        tokio::select! {
            c = resp.chunk() => match c {
                Ok(Some(chunk)) => {
                    let now = Instant::now();
                    sse.push(&chunk, |_, data| {
                        // The phase comes right after the code and name, near the start.
                        let head = &data[..data.len().min(400)];
                        let needle = br#""phase":"frozen""#;
                        let frozen = head.windows(needle.len()).any(|w| w == needle);
                        seen.push((now, frozen));
                    });
                    if first && !seen.is_empty() {
                        first = false;
                        connected.fetch_add(1, Ordering::Relaxed);
                    }
                }
                _ => return seen,
            },
            _ = stop.notified() => return seen,
        }
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[i.clamp(1, sorted.len()) - 1]
}

pub(crate) async fn board(a: BoardArgs) -> Result<bool, String> {
    let base = loopback_base(&a.base)?;
    let cid = seed(&a.database_url, &a.code, a.rows).await?;
    let http = client(Duration::from_secs(600), Duration::from_secs(4))?;
    let mut api = StaffApi {
        client: http.clone(),
        base: base.clone(),
        token: String::new(),
    };
    let v = api
        .expect(
            Method::POST,
            "/api/auth/login",
            &json!({"username": a.admin_user, "password": a.admin_password}),
            StatusCode::OK,
        )
        .await?;
    api.token = v["token"].as_str().ok_or("login: no token")?.to_string();
    let freeze = format!("/api/competitions/{cid}/board/freeze");
    let bytes = http
        .get(format!("{base}/api/board/{}", a.code))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .bytes()
        .await
        .map_err(|e| e.to_string())?
        .len();
    println!(
        "board {}: {} rows, {} bytes of JSON; {} viewers, {} changes every {} ms",
        a.code, a.rows, bytes, a.viewers, a.changes, a.interval_ms
    );
    // Viewers on their own client, so a stream never waits for a pooled connection.
    let viewers_http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .map_err(|e| e.to_string())?;
    let connected = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(tokio::sync::Notify::new());
    let url = format!("{base}/api/board/{}/live", a.code);
    let started = Instant::now();
    let tasks: Vec<_> = (0..a.viewers)
        .map(|_| {
            tokio::spawn(view(
                viewers_http.clone(),
                url.clone(),
                connected.clone(),
                stop.clone(),
            ))
        })
        .collect();
    while connected.load(Ordering::Relaxed) < a.viewers {
        if started.elapsed() > Duration::from_secs(120) {
            return Err(format!(
                "only {} of {} viewers connected in 120 s",
                connected.load(Ordering::Relaxed),
                a.viewers
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "{} viewers connected in {:.1} s",
        a.viewers,
        started.elapsed().as_secs_f64()
    );
    let pid = a.server_pid.map(|p| p.to_string());
    let cpu0 = pid.as_deref().and_then(cpu_seconds);
    let t0 = Instant::now();
    let mut sent = vec![];
    for k in 0..a.changes {
        let at = Instant::now();
        let frozen = k % 2 == 0;
        let (status, body) = if frozen {
            api.json(Method::PUT, &freeze, &json!({"freeze_at": Utc::now()}))
                .await?
        } else {
            api.call(Method::DELETE, &freeze, None).await?
        };
        if status != StatusCode::OK {
            return Err(format!("change {k}: {status} {body}"));
        }
        sent.push((at, frozen));
        tokio::time::sleep(Duration::from_millis(a.interval_ms)).await;
    }
    let cpu1 = pid.as_deref().and_then(cpu_seconds);
    let wall = t0.elapsed().as_secs_f64();
    stop.notify_waiters();
    let mut per_viewer: Vec<Vec<(Instant, bool)>> = vec![];
    for t in tasks {
        per_viewer.push(t.await.unwrap_or_default());
    }
    if std::env::var_os("LOADGEN_DEBUG").is_some() {
        let rel = |t: Instant| (t - t0).as_secs_f64();
        eprintln!(
            "sent: {:?}",
            sent.iter().map(|(t, f)| (rel(*t), *f)).collect::<Vec<_>>()
        );
        for (i, ev) in per_viewer.iter().enumerate().take(2) {
            eprintln!(
                "viewer {i}: {:?}",
                ev.iter().map(|(t, f)| (rel(*t), *f)).collect::<Vec<_>>()
            );
        }
    }
    // Delivery of change k to a viewer: its first event after the change with the new phase.
    let mut all = vec![];
    let mut slowest = vec![];
    let mut missed = 0usize;
    for (k, (at, frozen)) in sent.iter().enumerate() {
        let until = sent.get(k + 1).map(|s| s.0);
        let mut worst: f64 = 0.0;
        for events in &per_viewer {
            match events
                .iter()
                .find(|(t, f)| t >= at && f == frozen && until.is_none_or(|u| *t < u))
            {
                Some((t, _)) => {
                    let ms = (*t - *at).as_secs_f64() * 1000.0;
                    worst = worst.max(ms);
                    all.push(ms);
                }
                None => missed += 1,
            }
        }
        slowest.push(worst);
    }
    all.sort_by(f64::total_cmp);
    slowest.sort_by(f64::total_cmp);
    println!(
        "delivery per viewer × change: n={} p50={:.0} ms p99={:.0} ms max={:.0} ms; missed {missed}",
        all.len(),
        pct(&all, 50.0),
        pct(&all, 99.0),
        pct(&all, 100.0)
    );
    println!(
        "to every viewer (slowest per change): p50={:.0} ms max={:.0} ms",
        pct(&slowest, 50.0),
        pct(&slowest, 100.0)
    );
    if let (Some(c0), Some(c1)) = (cpu0, cpu1) {
        println!(
            "server CPU over the change phase: {:.1} s in {:.1} s wall = {:.0} % of one core ({:.2} s per change)",
            c1 - c0,
            wall,
            (c1 - c0) / wall * 100.0,
            (c1 - c0) / a.changes.max(1) as f64
        );
    }
    Ok(missed == 0 && pct(&all, 99.0) < 1000.0)
}
