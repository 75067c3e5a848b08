//! The session report: per candidate, the room view's summary, then the timeline of events and
//! proctor actions and the incidents, oldest first. CSV for staff to file with the session, and
//! a PDF; in Chinese (the default) or English, with no raw codes or JSON in either: event kinds,
//! states, who submitted and the outage lengths are written out in the report's language.

use super::repo;
use super::room::{self, State};
use crate::error::{AppError, AppResult};
use crate::exam::attempt::ExamRuntime;
use crate::exam::attempt_repo;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;

/// The language a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Chinese (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// `zh` or `en`; anything else is refused.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A stored Unix-ms time in Beijing time, as the results export shows times.
fn beijing(ms: i64) -> String {
    use chrono::TimeZone;
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .map_or_else(|| ms.to_string(), crate::exam::results::beijing_time)
}

/// Names of timeline entries, as staff read them.
fn kind_name(lang: Lang, kind: &str) -> String {
    let (zh, en) = match kind {
        "started" => ("开始作答", "Started"),
        "login" => ("登录", "Logged in"),
        "takeover" => ("换设备登录", "Continued on another tablet"),
        "page_hidden" => ("切出页面", "Left the page"),
        "page_visible" => ("回到页面", "Back on the page"),
        "window_blur" => ("窗口失焦", "Window lost focus"),
        "window_focus" => ("窗口聚焦", "Window focused"),
        "fullscreen_exit" => ("退出全屏", "Left fullscreen"),
        "network_offline" => ("网络断开", "Network lost"),
        "network_online" => ("网络恢复", "Network back"),
        "paused" => ("监考暂停", "Paused by the proctor"),
        "resumed" => ("监考恢复", "Resumed by the proctor"),
        "extended" => ("延长时间", "Extra time"),
        "device_released" => ("监考解除设备", "Tablet released by the proctor"),
        "submitted" => ("交卷", "Submitted"),
        "note" => ("监考记录", "Proctor's note"),
        "misconduct" => ("违纪", "Misconduct"),
        other => return lang.pick("其他事件", other).to_string(),
    };
    lang.pick(zh, en).to_string()
}

/// A room-view state as staff read it.
fn state_name(lang: Lang, s: State) -> &'static str {
    let (zh, en) = match s {
        State::NotStarted => ("未开始", "not started"),
        State::InProgress => ("作答中", "sitting"),
        State::Idle => ("无操作", "idle"),
        State::Offline => ("离线", "offline"),
        State::Paused => ("已暂停", "paused"),
        State::Submitted => ("已交卷", "submitted"),
        State::Terminated => ("已终止（违纪）", "terminated (misconduct)"),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Who submitted, from its stored code; a person's name stays as it is.
fn by_name(lang: Lang, by: &str) -> String {
    let (zh, en) = match by {
        "candidate" => ("考生交卷", "by the candidate"),
        "timeout" => ("时间到自动交卷", "automatically at time-up"),
        "staff" => ("监考代交", "by the proctor"),
        "terminated" => ("违纪终止", "terminated for misconduct"),
        other => return other.to_string(),
    };
    lang.pick(zh, en).to_string()
}

/// A length of time, e.g. "3 分 12 秒" or "3 min 12 s".
pub fn duration(lang: Lang, ms: i64) -> String {
    let s = (ms.max(0) + 500) / 1000;
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    match (lang, h) {
        (Lang::Zh, 0) if m == 0 => format!("{s} 秒"),
        (Lang::Zh, 0) => format!("{m} 分 {s} 秒"),
        (Lang::Zh, _) => format!("{h} 小时 {m} 分 {s} 秒"),
        (Lang::En, 0) if m == 0 => format!("{s} s"),
        (Lang::En, 0) => format!("{m} min {s} s"),
        (Lang::En, _) => format!("{h} h {m} min {s} s"),
    }
}

/// For each entry of a timeline (time, kind), oldest first: how long the network had been
/// down when a `network_online` entry closes an outage that a `network_offline` entry opened.
pub fn outages(timeline: &[(i64, &str)]) -> Vec<Option<i64>> {
    let mut since: Option<i64> = None;
    timeline
        .iter()
        .map(|(at, kind)| match *kind {
            "network_offline" => {
                since.get_or_insert(*at);
                None
            }
            "network_online" => since.take().map(|s| at - s),
            _ => None,
        })
        .collect()
}

/// A timeline entry's detail as a person reads it: the reason, who, how many minutes, the
/// score, from the stored JSON; nothing for entries without them. Never JSON.
fn readable(lang: Lang, detail: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(detail) else {
        return detail.to_string();
    };
    let mut parts = Vec::new();
    if let Some(r) = v["reason"].as_str().filter(|r| !r.is_empty()) {
        parts.push(format!("{}{r}", lang.pick("原因：", "reason: ")));
    }
    if let Some(m) = v["minutes"].as_u64().filter(|m| *m > 0) {
        parts.push(format!("{m} {}", lang.pick("分钟", "min")));
    }
    if let Some(b) = v["by"].as_str() {
        parts.push(by_name(lang, b));
    }
    if let Some(s) = v["score"].as_f64() {
        parts.push(format!("{}{s}", lang.pick("得分 ", "score ")));
    }
    if let Some(p) = v["pending_marks"].as_u64().filter(|p| *p > 0) {
        parts.push(match lang {
            Lang::Zh => format!("{p} 题待阅"),
            Lang::En => format!("{p} to mark"),
        });
    }
    if let Some(a) = v["address"].as_str().filter(|a| !a.is_empty()) {
        parts.push(format!("{}{a}", lang.pick("地址 ", "address ")));
    }
    parts.join(lang.pick("，", ", "))
}

/// One line of a candidate's timeline: when, what, detail, and an outage's length.
struct Entry {
    at: i64,
    kind: String,
    detail: String,
    outage: Option<i64>,
}

/// A candidate's timeline: the attempt's events (with outage lengths) and the incidents about
/// them, oldest first; and the total time offline.
async fn timeline(
    db: &DatabaseConnection,
    lang: Lang,
    r: &room::Row,
    incidents: &[&repo::Incident],
) -> AppResult<(Vec<Entry>, usize, i64)> {
    let mut events = match &r.attempt {
        Some(a) => attempt_repo::events(db, a.id).await?,
        None => vec![],
    };
    events.sort_by_key(|e| e.0);
    let lengths = outages(
        &events
            .iter()
            .map(|(at, k, _)| (*at, k.as_str()))
            .collect::<Vec<_>>(),
    );
    let (count, total) = lengths
        .iter()
        .flatten()
        .fold((0, 0), |(n, t), l| (n + 1, t + l));
    let mut out: Vec<Entry> = events
        .iter()
        .zip(lengths)
        .map(|((at, kind, detail), outage)| Entry {
            at: *at,
            kind: kind_name(lang, kind),
            detail: readable(lang, detail),
            outage,
        })
        .collect();
    for i in incidents {
        let state = match (lang, i.open) {
            (Lang::Zh, true) => "未结",
            (Lang::Zh, false) => "已结",
            (Lang::En, true) => "open",
            (Lang::En, false) => "closed",
        };
        out.push(Entry {
            at: i.at_ms,
            kind: kind_name(lang, &i.kind),
            detail: match lang {
                Lang::Zh => format!("{}（{}，{}）", i.text, i.author, state),
                Lang::En => format!("{} ({}, {})", i.text, i.author, state),
            },
            outage: None,
        });
    }
    out.sort_by_key(|e| e.at);
    Ok((out, count, total))
}

/// The one-line summary of a candidate.
fn summary(lang: Lang, t: &room::Tile, outages: usize, offline_ms: i64) -> String {
    match lang {
        Lang::Zh => format!(
            "状态 {}；已答 {}/{}；换设备 {} 次；失焦 {} 次；退出全屏 {} 次；断网 {} 次，共 {}；未结事件 {}",
            state_name(lang, t.state),
            t.answered,
            t.total,
            t.takeovers,
            t.focus_losses,
            t.fullscreen_exits,
            outages,
            duration(lang, offline_ms),
            t.incidents
        ),
        Lang::En => format!(
            "state {}; answered {}/{}; tablet changes {}; focus losses {}; fullscreen exits {}; \
             outages {}, {} in all; open incidents {}",
            state_name(lang, t.state),
            t.answered,
            t.total,
            t.takeovers,
            t.focus_losses,
            t.fullscreen_exits,
            outages,
            duration(lang, offline_ms),
            t.incidents
        ),
    }
}

/// The session report as CSV (UTF-8 with BOM for Excel): one summary row per candidate, then
/// one row per event, action and incident, with an outage's length in its own column.
pub async fn csv(
    db: &DatabaseConnection,
    _rt: &ExamRuntime,
    session: i32,
    lang: Lang,
) -> AppResult<Vec<u8>> {
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
    let header = match lang {
        Lang::Zh => [
            "准考证号",
            "姓名",
            "考场",
            "座号",
            "时间",
            "类别",
            "详情",
            "断网时长",
        ],
        Lang::En => [
            "Ticket", "Name", "Room", "Seat", "Time", "Entry", "Detail", "Outage",
        ],
    };
    w.row(header).map_err(AppError::internal)?;
    for r in &rows {
        let t = room::tile(r, now);
        let mine = by_candidate
            .get(&r.candidate_id)
            .cloned()
            .unwrap_or_default();
        let (entries, outages, offline_ms) = timeline(db, lang, r, &mine).await?;
        let base = [
            r.ticket.clone(),
            r.name.clone(),
            r.room.clone(),
            r.seat.to_string(),
        ];
        let mut line = |time: String, kind: String, detail: String, outage: String| {
            let mut rec: Vec<String> = base.to_vec();
            rec.extend([time, kind, detail, outage]);
            w.row(&rec).map_err(AppError::internal)
        };
        line(
            String::new(),
            lang.pick("汇总", "Summary").to_string(),
            summary(lang, &t, outages, offline_ms),
            if outages > 0 {
                duration(lang, offline_ms)
            } else {
                String::new()
            },
        )?;
        for e in entries {
            line(
                beijing(e.at),
                e.kind,
                e.detail,
                e.outage.map(|o| duration(lang, o)).unwrap_or_default(),
            )?;
        }
    }
    for i in room_notes {
        let room = rows
            .iter()
            .find(|r| Some(r.room_id) == i.room_id)
            .map(|r| r.room.clone())
            .unwrap_or_else(|| lang.pick("全场", "Whole session").into());
        w.row([
            String::new(),
            String::new(),
            room,
            String::new(),
            beijing(i.at_ms),
            kind_name(lang, &i.kind),
            match lang {
                Lang::Zh => format!("{}（{}）", i.text, i.author),
                Lang::En => format!("{} ({})", i.text, i.author),
            },
            String::new(),
        ])
        .map_err(AppError::internal)?;
    }
    w.finish().map_err(AppError::internal)
}

/// The session report as a PDF (A4, the certificates' embedded CJK font, subset): the same
/// content as [`csv`], laid out per candidate.
pub async fn pdf(
    db: &DatabaseConnection,
    _rt: &ExamRuntime,
    session: i32,
    lang: Lang,
) -> AppResult<Vec<u8>> {
    let (s, _) = crate::exam::session::get(db, crate::exam::session::SessionId(session)).await?;
    let now = chrono::Utc::now().timestamp_millis();
    let rows = repo::rows(db, session, None).await?;
    let incidents = repo::incidents(db, session).await?;
    let title = match lang {
        Lang::Zh => format!("考场报告 {} {}", s.name, s.number),
        Lang::En => format!("Session report {} {}", s.name, s.number),
    };
    let mut lines: Vec<(String, f32, f32)> = vec![
        (title.clone(), 16.0, 0.0),
        (
            format!(
                "{} · {} {}",
                s.venue,
                lang.pick("生成于", "made at"),
                beijing(now)
            ),
            9.0,
            0.0,
        ),
        (String::new(), 6.0, 0.0),
    ];
    for r in &rows {
        let t = room::tile(r, now);
        let mine: Vec<&repo::Incident> = incidents
            .iter()
            .filter(|i| i.candidate_id == Some(r.candidate_id))
            .collect();
        let (entries, outages, offline_ms) = timeline(db, lang, r, &mine).await?;
        lines.push((
            match lang {
                Lang::Zh => format!("{} {} 号  {}  {}", r.room, r.seat, r.name, r.ticket),
                Lang::En => format!("{} seat {}  {}  {}", r.room, r.seat, r.name, r.ticket),
            },
            11.0,
            0.0,
        ));
        lines.push((summary(lang, &t, outages, offline_ms), 8.5, 4.0));
        for e in entries {
            let mut more = e.detail;
            if let Some(o) = e.outage {
                let len = match lang {
                    Lang::Zh => format!("断网 {}", duration(lang, o)),
                    Lang::En => format!("offline for {}", duration(lang, o)),
                };
                more = if more.is_empty() {
                    len
                } else {
                    format!("{len}{}{more}", lang.pick("，", ", "))
                };
            }
            let text = match (lang, more.is_empty()) {
                (_, true) => e.kind,
                (Lang::Zh, false) => format!("{}（{more}）", e.kind),
                (Lang::En, false) => format!("{} ({more})", e.kind),
            };
            lines.push((format!("{}  {}", beijing(e.at), text), 8.5, 8.0));
        }
        lines.push((String::new(), 4.0, 0.0));
    }
    let notes: Vec<String> = incidents
        .iter()
        .filter(|i| i.candidate_id.is_none())
        .map(|i| match lang {
            Lang::Zh => format!("{}  {}（{}）", beijing(i.at_ms), i.text, i.author),
            Lang::En => format!("{}  {} ({})", beijing(i.at_ms), i.text, i.author),
        })
        .collect();
    if !notes.is_empty() {
        lines.push((lang.pick("考场记录", "Session notes").into(), 11.0, 0.0));
        lines.extend(notes.into_iter().map(|n| (n, 8.5, 4.0)));
    }
    crate::pdf::text_document(&title, &lines).map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_lasts_from_the_first_offline_to_the_next_online() {
        let t = [
            (1_000, "network_offline"),
            (2_000, "window_blur"),
            (3_000, "network_offline"),
            (193_000, "network_online"),
            (200_000, "network_online"),
        ];
        assert_eq!(outages(&t), vec![None, None, None, Some(192_000), None]);
        assert_eq!(duration(Lang::Zh, 192_000), "3 分 12 秒");
        assert_eq!(duration(Lang::En, 192_000), "3 min 12 s");
        assert_eq!(duration(Lang::Zh, 4_000), "4 秒");
        assert_eq!(duration(Lang::Zh, 3_723_000), "1 小时 2 分 3 秒");
    }

    #[test]
    fn details_are_read_out_in_the_reports_language_never_as_json() {
        let d = r#"{"by":"timeout","score":42.0,"pending_marks":2}"#;
        assert_eq!(readable(Lang::Zh, d), "时间到自动交卷，得分 42，2 题待阅");
        assert_eq!(
            readable(Lang::En, d),
            "automatically at time-up, score 42, 2 to mark"
        );
        let d = r#"{"client_time":5,"received_ms":9,"device_gen":1}"#;
        assert_eq!(readable(Lang::Zh, d), "");
        assert_eq!(kind_name(Lang::Zh, "network_offline"), "网络断开");
        assert_eq!(kind_name(Lang::En, "network_offline"), "Network lost");
        assert_eq!(kind_name(Lang::Zh, "something_new"), "其他事件");
        assert_eq!(state_name(Lang::Zh, State::Submitted), "已交卷");
    }
}
