//! The session report: per candidate, the room view's summary, then the timeline of events and
//! proctor actions and the incidents, oldest first. CSV for staff to file with the session.

use super::repo;
use super::room;
use crate::error::{AppError, AppResult};
use crate::exam::attempt::ExamRuntime;
use crate::exam::attempt_repo;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;

/// A stored Unix-ms time in Beijing time, as the results export shows times.
fn beijing(ms: i64) -> String {
    use chrono::TimeZone;
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .map_or_else(|| ms.to_string(), crate::exam::results::beijing_time)
}

/// Chinese names of timeline entries, as staff read them.
fn kind_zh(kind: &str) -> &str {
    match kind {
        "started" => "开始作答",
        "login" => "登录",
        "takeover" => "换设备登录",
        "page_hidden" => "切出页面",
        "page_visible" => "回到页面",
        "window_blur" => "窗口失焦",
        "window_focus" => "窗口聚焦",
        "fullscreen_exit" => "退出全屏",
        "network_offline" => "网络断开",
        "network_online" => "网络恢复",
        "paused" => "监考暂停",
        "resumed" => "监考恢复",
        "extended" => "延长时间",
        "device_released" => "监考解除设备",
        "submitted" => "交卷",
        "note" => "监考记录",
        "misconduct" => "违纪",
        other => other,
    }
}

/// The session report as CSV (UTF-8 with BOM for Excel): one summary row per candidate, then
/// one row per event, action and incident.
pub async fn csv(db: &DatabaseConnection, _rt: &ExamRuntime, session: i32) -> AppResult<Vec<u8>> {
    let now = chrono::Utc::now().timestamp_millis();
    let rows = repo::rows(db, session, None).await?;
    let incidents = repo::incidents(db, session).await?;
    let mut by_candidate: BTreeMap<i32, Vec<&repo::Incident>> = BTreeMap::new();
    let mut room_notes = Vec::new();
    for i in &incidents {
        match i.candidate_id {
            Some(c) => by_candidate.entry(c).or_default().push(i),
            None => room_notes.push(i),
        }
    }
    // The shared writer defuses every cell (names and notes are typed by people).
    let mut w = crate::spreadsheet::CsvWriter::new();
    w.row(["准考证号", "姓名", "考场", "座号", "时间", "类别", "详情"])
        .map_err(AppError::internal)?;
    for r in &rows {
        let t = room::tile(r, now);
        let summary = format!(
            "状态 {:?}；已答 {}/{}；换设备 {} 次；失焦 {} 次；退出全屏 {} 次；未结事件 {}",
            t.state,
            t.answered,
            t.total,
            t.takeovers,
            t.focus_losses,
            t.fullscreen_exits,
            t.incidents
        );
        let base = [
            r.ticket.clone(),
            r.name.clone(),
            r.room.clone(),
            r.seat.to_string(),
        ];
        let mut line = |time: String, kind: &str, detail: String| -> AppResult<()> {
            let mut rec: Vec<String> = base.to_vec();
            rec.extend([time, kind.to_string(), detail]);
            w.row(&rec).map_err(AppError::internal)
        };
        line(String::new(), "汇总", summary)?;
        let mut timeline: Vec<(i64, String, String)> = Vec::new();
        if let Some(a) = &r.attempt {
            for (at, kind, detail) in attempt_repo::events(db, a.id).await? {
                timeline.push((at, kind_zh(&kind).to_string(), detail));
            }
        }
        for i in by_candidate.get(&r.candidate_id).into_iter().flatten() {
            let state = if i.open { "未结" } else { "已结" };
            timeline.push((
                i.at_ms,
                kind_zh(&i.kind).to_string(),
                format!("{}（{}，{}）", i.text, i.author, state),
            ));
        }
        timeline.sort_by_key(|e| e.0);
        for (at, kind, detail) in timeline {
            line(beijing(at), &kind, detail)?;
        }
    }
    for i in room_notes {
        let room = rows
            .iter()
            .find(|r| Some(r.room_id) == i.room_id)
            .map(|r| r.room.clone())
            .unwrap_or_else(|| "全场".into());
        w.row([
            String::new(),
            String::new(),
            room,
            String::new(),
            beijing(i.at_ms),
            kind_zh(&i.kind).to_string(),
            format!("{}（{}）", i.text, i.author),
        ])
        .map_err(AppError::internal)?;
    }
    w.finish().map_err(AppError::internal)
}

/// A timeline entry's detail as a person reads it: the reason, who and how many minutes, from
/// the stored JSON; nothing for entries without them.
fn readable(detail: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(detail) else {
        return detail.to_string();
    };
    let mut parts = Vec::new();
    if let Some(r) = v["reason"].as_str().filter(|r| !r.is_empty()) {
        parts.push(format!("原因：{r}"));
    }
    if let Some(m) = v["minutes"].as_u64().filter(|m| *m > 0) {
        parts.push(format!("{m} 分钟"));
    }
    if let Some(b) = v["by"].as_str() {
        parts.push(b.to_string());
    }
    if let Some(s) = v["score"].as_f64() {
        parts.push(format!("得分 {s}"));
    }
    parts.join("，")
}

/// The session report as a PDF (A4, the certificates' embedded CJK font, subset): the same
/// content as [`csv`], laid out per candidate.
pub async fn pdf(db: &DatabaseConnection, _rt: &ExamRuntime, session: i32) -> AppResult<Vec<u8>> {
    let (s, _) = crate::exam::session::get(db, crate::exam::session::SessionId(session)).await?;
    let now = chrono::Utc::now().timestamp_millis();
    let rows = repo::rows(db, session, None).await?;
    let incidents = repo::incidents(db, session).await?;
    let mut lines: Vec<(String, f32, f32)> = vec![
        (format!("考场报告 {} {}", s.name, s.number), 16.0, 0.0),
        (format!("{} · 生成于 {}", s.venue, beijing(now)), 9.0, 0.0),
        (String::new(), 6.0, 0.0),
    ];
    for r in &rows {
        let t = room::tile(r, now);
        lines.push((
            format!("{} {} 号  {}  {}", r.room, r.seat, r.name, r.ticket),
            11.0,
            0.0,
        ));
        lines.push((
            format!(
                "状态 {:?} · 已答 {}/{} · 换设备 {} · 失焦 {} · 退出全屏 {} · 未结事件 {}",
                t.state,
                t.answered,
                t.total,
                t.takeovers,
                t.focus_losses,
                t.fullscreen_exits,
                t.incidents
            ),
            8.5,
            4.0,
        ));
        let mut timeline: Vec<(i64, String)> = Vec::new();
        if let Some(a) = &r.attempt {
            for (at, kind, detail) in attempt_repo::events(db, a.id).await? {
                let more = readable(&detail);
                timeline.push((
                    at,
                    if more.is_empty() {
                        kind_zh(&kind).to_string()
                    } else {
                        format!("{}（{more}）", kind_zh(&kind))
                    },
                ));
            }
        }
        for i in incidents
            .iter()
            .filter(|i| i.candidate_id == Some(r.candidate_id))
        {
            timeline.push((
                i.at_ms,
                format!("{}：{}（{}）", kind_zh(&i.kind), i.text, i.author),
            ));
        }
        timeline.sort_by_key(|e| e.0);
        for (at, text) in timeline {
            lines.push((format!("{}  {}", beijing(at), text), 8.5, 8.0));
        }
        lines.push((String::new(), 4.0, 0.0));
    }
    let notes: Vec<String> = incidents
        .iter()
        .filter(|i| i.candidate_id.is_none())
        .map(|i| format!("{}  {}（{}）", beijing(i.at_ms), i.text, i.author))
        .collect();
    if !notes.is_empty() {
        lines.push(("考场记录".into(), 11.0, 0.0));
        lines.extend(notes.into_iter().map(|n| (n, 8.5, 4.0)));
    }
    crate::pdf::text_document(&format!("考场报告 {}", s.name), &lines).map_err(AppError::internal)
}
