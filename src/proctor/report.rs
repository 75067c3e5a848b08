//! The session report: per candidate, the room view's summary, then the timeline of events and
//! proctor actions and the incidents, oldest first. CSV for staff to file with the session.

use super::repo;
use super::room;
use crate::error::{AppError, AppResult};
use crate::exam::attempt_repo;
use crate::state::AppState;
use std::collections::BTreeMap;

fn beijing(ms: i64) -> String {
    use chrono::TimeZone;
    match (
        chrono::FixedOffset::east_opt(8 * 3600),
        chrono::Utc.timestamp_millis_opt(ms).single(),
    ) {
        (Some(tz), Some(t)) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string(),
        _ => ms.to_string(),
    }
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
pub async fn csv(state: &AppState, session: i32) -> AppResult<Vec<u8>> {
    let now = chrono::Utc::now().timestamp_millis();
    let rows = repo::rows(&state.db, session, None).await?;
    let incidents = repo::incidents(&state.db, session).await?;
    let mut by_candidate: BTreeMap<i32, Vec<&repo::Incident>> = BTreeMap::new();
    let mut room_notes = Vec::new();
    for i in &incidents {
        match i.candidate_id {
            Some(c) => by_candidate.entry(c).or_default().push(i),
            None => room_notes.push(i),
        }
    }
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let cell = crate::exam::results::defuse;
    w.write_record(["准考证号", "姓名", "考场", "座号", "时间", "类别", "详情"])
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
            cell(&r.ticket),
            cell(&r.name),
            cell(&r.room),
            r.seat.to_string(),
        ];
        let mut line = |time: String, kind: &str, detail: String| -> AppResult<()> {
            let mut rec: Vec<String> = base.to_vec();
            rec.extend([time, kind.to_string(), cell(&detail)]);
            w.write_record(&rec).map_err(AppError::internal)
        };
        line(String::new(), "汇总", summary)?;
        let mut timeline: Vec<(i64, String, String)> = Vec::new();
        if let Some(a) = &r.attempt {
            for (at, kind, detail) in attempt_repo::events(&state.db, a.id).await? {
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
        w.write_record([
            String::new(),
            String::new(),
            cell(&room),
            String::new(),
            beijing(i.at_ms),
            kind_zh(&i.kind).to_string(),
            cell(&format!("{}（{}）", i.text, i.author)),
        ])
        .map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}
