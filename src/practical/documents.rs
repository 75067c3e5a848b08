//! The practical part's printed documents, Chinese first with English, times in Beijing time:
//! the 考核准备通知单 (what each task needs: equipment per station and in all, time allowed,
//! slots), the 场次安排表 (who is where in each slot) and the 考核评分记录表 (per candidate and
//! task: every judge's entries and marks, the aggregate, deductions, the task's points and
//! score, the judges and the head judge with signing times, and signature lines). Pure render
//! functions over plain structs; the routes fill them from the practical tables.

use crate::bank::model::{Aspect, AspectKind, Equipment, group_totals};
use crate::pdf::{PdfError, text_document};
use chrono::{DateTime, Utc};

pub mod load;

const H1: f32 = 16.0;
const H2: f32 = 12.5;
const BODY: f32 = 10.5;
const SMALL: f32 = 9.0;

/// A time as printed: Beijing time to the minute.
pub fn beijing(t: DateTime<Utc>) -> String {
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(tz) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        None => t.to_rfc3339(),
    }
}

/// A number as printed: at most two decimals, no trailing zeros.
pub fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One slot (场次) with its start, when the part has a first start.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotTime {
    /// Slot number, from 1.
    pub slot: u32,
    /// When it starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends.
    pub ends_at: Option<DateTime<Utc>>,
}

impl SlotTime {
    fn label(&self) -> String {
        match (self.starts_at, self.ends_at) {
            (Some(a), Some(b)) => format!(
                "第 {} 场 Slot {}：{} – {}",
                self.slot,
                self.slot,
                beijing(a),
                beijing(b).get(11..).unwrap_or_default()
            ),
            (Some(a), None) => format!("第 {} 场 Slot {}：{}", self.slot, self.slot, beijing(a)),
            _ => format!("第 {} 场 Slot {}", self.slot, self.slot),
        }
    }
}

/// One task of the 考核准备通知单.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeTask {
    /// Title.
    pub title: String,
    /// Time allowed in minutes (0: not set).
    pub minutes: u32,
    /// Stations (工位) prepared for it.
    pub stations: u32,
    /// Equipment and materials per station.
    pub equipment: Vec<Equipment>,
}

/// The 考核准备通知单 of a session's practical part.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The session, as printed (name, number, venue).
    pub session: String,
    /// The tasks, in order.
    pub tasks: Vec<NoticeTask>,
    /// The slots.
    pub slots: Vec<SlotTime>,
    /// Length of a slot in minutes.
    pub slot_minutes: u32,
    /// When the document was made.
    pub made_at: DateTime<Utc>,
}

/// The lines of the notice (text, size, indent), for the PDF and its tests.
pub fn notice_lines(n: &Notice) -> Vec<(String, f32, f32)> {
    let mut l = vec![
        (
            "考核准备通知单 Practical preparation notice".to_string(),
            H1,
            0.0,
        ),
        (format!("考核场次 Session：{}", n.session), BODY, 0.0),
        (
            format!(
                "工位数 Stations：{}　场次 Slots：{}　每场 {} 分钟 minutes per slot",
                n.tasks.first().map_or(0, |t| t.stations),
                n.slots.len(),
                n.slot_minutes
            ),
            BODY,
            0.0,
        ),
        (String::new(), BODY, 0.0),
    ];
    for (i, t) in n.tasks.iter().enumerate() {
        l.push((
            format!("项目 {} Task {}：{}", i + 1, i + 1, t.title),
            H2,
            0.0,
        ));
        l.push((
            if t.minutes == 0 {
                "考核时间 Time allowed：未定 not set".to_string()
            } else {
                format!("考核时间 Time allowed：{} 分钟 minutes", t.minutes)
            },
            BODY,
            4.0,
        ));
        if t.equipment.is_empty() {
            l.push(("设备材料 Equipment：无 none listed".to_string(), BODY, 4.0));
        } else {
            l.push((
                format!(
                    "设备材料清单 Equipment（每工位 per station × {} 工位 stations = 合计 total）",
                    t.stations
                ),
                BODY,
                4.0,
            ));
            for (k, e) in t.equipment.iter().enumerate() {
                let spec = if e.spec.trim().is_empty() {
                    String::new()
                } else {
                    format!("（{}）", e.spec.trim())
                };
                l.push((
                    format!(
                        "{}. {}{}：{} {} × {} = {} {}",
                        k + 1,
                        e.name,
                        spec,
                        num(e.quantity),
                        e.unit,
                        t.stations,
                        num(e.quantity * f64::from(t.stations)),
                        e.unit
                    ),
                    BODY,
                    8.0,
                ));
            }
        }
        l.push((String::new(), BODY, 0.0));
    }
    l.push(("场次时间 Slots".to_string(), H2, 0.0));
    if n.slots.is_empty() {
        l.push(("尚未安排 Not scheduled yet".to_string(), BODY, 4.0));
    }
    for s in &n.slots {
        l.push((s.label(), BODY, 4.0));
    }
    l.push((String::new(), BODY, 0.0));
    l.push((
        format!(
            "制表时间 Made：{}（北京时间 Beijing time）",
            beijing(n.made_at)
        ),
        SMALL,
        0.0,
    ));
    l
}

/// The 考核准备通知单 as PDF.
pub fn notice_pdf(n: &Notice) -> Result<Vec<u8>, PdfError> {
    text_document("考核准备通知单", &notice_lines(n))
}

/// One place of the 场次安排表.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulePlace {
    /// The task's title.
    pub task: String,
    /// Station (工位), from 1.
    pub station: u32,
    /// The candidate's work code, once checked in.
    pub code: Option<String>,
    /// Ticket (准考证号), shown before check-in.
    pub ticket: String,
    /// Name.
    pub name: String,
}

/// One slot of the 场次安排表.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleSlot {
    /// The slot and its time.
    pub time: SlotTime,
    /// Its places, by task then station.
    pub places: Vec<SchedulePlace>,
}

/// The 场次安排表 of a session's practical part.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleDoc {
    /// The session, as printed.
    pub session: String,
    /// When the lots were drawn (none: not yet, or drawn at check-in one by one).
    pub drawn_at: Option<DateTime<Utc>>,
    /// The slots with places.
    pub slots: Vec<ScheduleSlot>,
    /// Candidates without a place yet.
    pub unplaced: usize,
    /// When the document was made.
    pub made_at: DateTime<Utc>,
}

/// The lines of the schedule.
pub fn schedule_lines(d: &ScheduleDoc) -> Vec<(String, f32, f32)> {
    let mut l = vec![
        ("场次安排表 Practical schedule".to_string(), H1, 0.0),
        (format!("考核场次 Session：{}", d.session), BODY, 0.0),
        (
            match d.drawn_at {
                Some(t) => format!("抽签时间 Drawn：{}", beijing(t)),
                None => "抽签 Draw：检录时抽签 at check-in".to_string(),
            },
            BODY,
            0.0,
        ),
        (String::new(), BODY, 0.0),
    ];
    for s in &d.slots {
        l.push((s.time.label(), H2, 0.0));
        let mut task = "";
        for p in &s.places {
            if p.task != task {
                task = &p.task;
                l.push((format!("项目 Task：{task}"), BODY, 4.0));
            }
            let who = match &p.code {
                Some(c) => format!("检录号 Code {c}"),
                None => format!("准考证号 Ticket {}", p.ticket),
            };
            l.push((
                format!("工位 Station {:>2}　{who}　{}", p.station, p.name),
                BODY,
                8.0,
            ));
        }
        if s.places.is_empty() {
            l.push(("（空 empty）".to_string(), BODY, 4.0));
        }
    }
    if d.slots.is_empty() {
        l.push(("尚无安排 No places yet".to_string(), BODY, 0.0));
    }
    if d.unplaced > 0 {
        l.push((String::new(), BODY, 0.0));
        l.push((
            format!(
                "尚未抽签 Not yet placed：{} 人 candidates（检录时抽签 drawn at check-in）",
                d.unplaced
            ),
            BODY,
            0.0,
        ));
    }
    l.push((String::new(), BODY, 0.0));
    l.push((
        format!(
            "制表时间 Made：{}（北京时间 Beijing time）",
            beijing(d.made_at)
        ),
        SMALL,
        0.0,
    ));
    l
}

/// The 场次安排表 as PDF.
pub fn schedule_pdf(d: &ScheduleDoc) -> Result<Vec<u8>, PdfError> {
    text_document("场次安排表", &schedule_lines(d))
}

/// A judge of a score record with when they submitted their sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordJudge {
    /// The judge's name.
    pub name: String,
    /// When they submitted (signed) their sheet.
    pub submitted_at: Option<DateTime<Utc>>,
}

/// One aspect of a score record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordAspect {
    /// The aspect as the scheme states it.
    pub aspect: Aspect,
    /// Each judge's entry, in the order of [`ScoreRecord::judges`] (none: conflicted or
    /// missing).
    pub entries: Vec<Option<f64>>,
    /// The panel's aggregated mark (for a deduction: the points taken off).
    pub mark: f64,
}

/// The 考核评分记录表 of one candidate on one task.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRecord {
    /// The session, as printed.
    pub session: String,
    /// The task's title.
    pub task: String,
    /// How the panel's marks are combined, as printed (平均 mean, …).
    pub aggregation: String,
    /// The candidate's work code.
    pub code: String,
    /// Ticket.
    pub ticket: String,
    /// Name.
    pub name: String,
    /// Slot and station.
    pub place: Option<(u32, u32)>,
    /// The panel judges who marked this candidate.
    pub judges: Vec<RecordJudge>,
    /// The aspects with entries and marks.
    pub aspects: Vec<RecordAspect>,
    /// The task's points after deductions.
    pub points: f64,
    /// The task's points available.
    pub max_points: f64,
    /// The task's score out of 100.
    pub score: f64,
    /// The head judge (裁判长) who signed off.
    pub head_judge: String,
    /// When the task was locked (signed off).
    pub locked_at: Option<DateTime<Utc>>,
    /// When the document was made.
    pub made_at: DateTime<Utc>,
}

fn kind_label(a: &Aspect) -> String {
    match &a.kind {
        AspectKind::Measurement { bands, .. } if bands.is_empty() => {
            "测量（达标/未达标）measurement".to_string()
        }
        AspectKind::Measurement { unit, .. } => format!("测量（偏差 {unit}）measurement"),
        AspectKind::Judgement { .. } => "评判（0–3 级）judgement".to_string(),
        AspectKind::Deduction { per } => format!("扣分（每次 {} 分）deduction", num(*per)),
    }
}

/// A judge's entry as printed, with what it is worth.
fn entry_text(a: &Aspect, entry: f64) -> String {
    let worth = a.judge_mark(entry).map(num).unwrap_or_else(|_| "?".into());
    match &a.kind {
        AspectKind::Measurement { bands, .. } if bands.is_empty() => {
            let met = if entry >= 0.5 { "达标" } else { "未达标" };
            format!("{met} → {worth}")
        }
        AspectKind::Measurement { unit, .. } => format!("{}{unit} → {worth}", num(entry)),
        AspectKind::Judgement { .. } => format!("{} 级 → {worth}", num(entry)),
        AspectKind::Deduction { .. } => format!("{} 次 → -{worth}", num(entry)),
    }
}

/// The lines of one score record.
pub fn record_lines(r: &ScoreRecord) -> Vec<(String, f32, f32)> {
    let mut l = vec![
        ("考核评分记录表 Practical score record".to_string(), H1, 0.0),
        (format!("考核场次 Session：{}", r.session), BODY, 0.0),
        (format!("考核项目 Task：{}", r.task), BODY, 0.0),
        (
            format!(
                "检录号 Code：{}　准考证号 Ticket：{}　姓名 Name：{}",
                r.code, r.ticket, r.name
            ),
            BODY,
            0.0,
        ),
    ];
    if let Some((slot, station)) = r.place {
        l.push((
            format!("场次 Slot：{slot}　工位 Station：{station}"),
            BODY,
            0.0,
        ));
    }
    l.push((
        format!("汇总方式 Aggregation：{}", r.aggregation),
        BODY,
        0.0,
    ));
    let judges: Vec<String> = r
        .judges
        .iter()
        .enumerate()
        .map(|(i, j)| format!("评委{} {}", i + 1, j.name))
        .collect();
    l.push((format!("评委 Judges：{}", judges.join("、")), BODY, 0.0));
    l.push((String::new(), BODY, 0.0));
    let marks: Vec<f64> = r.aspects.iter().map(|a| a.mark).collect();
    let scheme_list: Vec<Aspect> = r.aspects.iter().map(|a| a.aspect.clone()).collect();
    let totals = group_totals(&scheme_list, &marks);
    let mut group: Option<&str> = None;
    for (i, ra) in r.aspects.iter().enumerate() {
        let a = &ra.aspect;
        if group != Some(a.group.as_str()) {
            group = Some(a.group.as_str());
            let total = totals
                .iter()
                .find(|(g, _)| *g == a.group)
                .map_or(0.0, |(_, t)| *t);
            let name = if a.group.is_empty() {
                "评分项 Aspects"
            } else {
                a.group.as_str()
            };
            l.push((
                format!("{name}（小计 subtotal {} 分）", num(total)),
                H2,
                0.0,
            ));
        }
        l.push((
            format!(
                "{}. {}（{}，{} 分）",
                i + 1,
                a.text,
                kind_label(a),
                num(a.points)
            ),
            BODY,
            4.0,
        ));
        let each: Vec<String> = ra
            .entries
            .iter()
            .enumerate()
            .map(|(j, e)| match e {
                Some(e) => format!("评委{} {}", j + 1, entry_text(a, *e)),
                None => format!("评委{} —", j + 1),
            })
            .collect();
        l.push((each.join("；"), SMALL, 8.0));
        l.push((
            if a.is_deduction() {
                format!("扣分 Deducted：-{} 分", num(ra.mark))
            } else {
                format!("得分 Mark：{} 分", num(ra.mark))
            },
            SMALL,
            8.0,
        ));
    }
    l.push((String::new(), BODY, 0.0));
    l.push((
        format!(
            "本项目得分 Task points：{} / {} 分　成绩 Score：{} / 100",
            num(r.points),
            num(r.max_points),
            num(r.score)
        ),
        H2,
        0.0,
    ));
    l.push((String::new(), BODY, 0.0));
    l.push(("评委签名 Judges' signatures".to_string(), H2, 0.0));
    for (i, j) in r.judges.iter().enumerate() {
        let at = j
            .submitted_at
            .map_or_else(|| "未提交 not submitted".to_string(), beijing);
        l.push((
            format!(
                "评委{} {}（提交 submitted {at}）　签名 Signature：____________",
                i + 1,
                j.name
            ),
            BODY,
            4.0,
        ));
    }
    l.push((
        format!(
            "裁判长 Head judge：{}（签核 signed off {}）　签名 Signature：____________",
            r.head_judge,
            r.locked_at
                .map_or_else(|| "未签核 not signed off".to_string(), beijing)
        ),
        BODY,
        4.0,
    ));
    l.push((String::new(), BODY, 0.0));
    l.push((
        format!(
            "制表时间 Made：{}（北京时间 Beijing time）",
            beijing(r.made_at)
        ),
        SMALL,
        0.0,
    ));
    l
}

/// The 考核评分记录表 of one or more candidates as one PDF, each record after the previous.
pub fn records_pdf(records: &[ScoreRecord]) -> Result<Vec<u8>, PdfError> {
    let mut lines = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            lines.push(("————————————————————".to_string(), BODY, 0.0));
            lines.push((String::new(), BODY, 0.0));
        }
        lines.extend(record_lines(r));
    }
    if lines.is_empty() {
        lines.push((
            "考核评分记录表：无考生 no candidates".to_string(),
            BODY,
            0.0,
        ));
    }
    text_document("考核评分记录表", &lines)
}

#[cfg(test)]
mod tests;
