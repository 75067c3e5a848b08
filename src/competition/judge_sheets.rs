//! Each judge's score sheets (裁判评分表) of a competition final, for filing: per judge every
//! code and task they marked with each aspect's entry and what it is worth, and signature and
//! date fields for the judge and the chief judge (裁判长). Built from the practical engine's
//! locked score records (so only after the sign-off); names and 参赛证号 appear only once the
//! decryption has opened both layers, codes alone before.

use super::{StageId, decryption, final_stage};
use crate::db::stmt;
use crate::error::{AppError, AppResult};
use crate::pdf::{PdfError, text_document};
use crate::practical::TaskId;
use crate::practical::documents::{ScoreRecord, load};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

/// One aspect entry of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetAspect {
    /// The aspect's wording.
    pub text: String,
    /// The judge's entry.
    pub entry: Option<f64>,
    /// What the entry is worth (points).
    pub worth: Option<f64>,
}

/// One code × task a judge marked.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetLine {
    /// The marking code.
    pub code: String,
    /// 参赛证号 and name after decryption (empty before).
    pub who: String,
    /// The task.
    pub task: String,
    /// The aspects.
    pub aspects: Vec<SheetAspect>,
}

/// A judge's sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgeSheet {
    /// The judge.
    pub judge: String,
    /// What they marked, task then code order.
    pub lines: Vec<SheetLine>,
}

/// Transposes the score records (one per code × task, every judge's entries) into one sheet
/// per judge. Pure.
pub fn by_judge(records: &[ScoreRecord], who: &HashMap<String, String>) -> Vec<JudgeSheet> {
    // In the order judges first appear (the panel's), not by name.
    let mut sheets: Vec<JudgeSheet> = vec![];
    for r in records {
        for (j, judge) in r.judges.iter().enumerate() {
            let aspects: Vec<SheetAspect> = r
                .aspects
                .iter()
                .map(|a| {
                    let entry = a.entries.get(j).copied().flatten();
                    SheetAspect {
                        text: a.aspect.text.clone(),
                        entry,
                        worth: entry.and_then(|e| a.aspect.judge_mark(e).ok()),
                    }
                })
                .collect();
            if aspects.iter().all(|a| a.entry.is_none()) {
                continue;
            }
            let line = SheetLine {
                code: r.code.clone(),
                who: who.get(&r.ticket).cloned().unwrap_or_default(),
                task: r.task.clone(),
                aspects,
            };
            match sheets.iter_mut().find(|s| s.judge == judge.name) {
                Some(s) => s.lines.push(line),
                None => sheets.push(JudgeSheet {
                    judge: judge.name.clone(),
                    lines: vec![line],
                }),
            }
        }
    }
    sheets
}

/// The sheets of a final (every task locked; 409 `task_not_locked` otherwise).
pub async fn load_sheets(
    db: &impl ConnectionTrait,
    stage: StageId,
) -> AppResult<(String, Vec<JudgeSheet>)> {
    let s = final_stage::final_stage(db, stage).await?;
    let session = s.session()?;
    let tasks = db
        .query_all_raw(stmt(
            db,
            "SELECT id FROM practical_tasks WHERE session_id = ? ORDER BY id",
            [session.0.into()],
        ))
        .await?;
    let mut records = vec![];
    for t in tasks {
        let id: i32 = t.try_get("", "id")?;
        records.extend(load::records(db, 0, true, TaskId(id), None).await?);
    }
    // Names only once both layers are open; the mapping refuses before.
    let who: HashMap<String, String> = if decryption::opened(db, stage).await?.is_some() {
        decryption::mapping(db, stage)
            .await?
            .into_iter()
            .map(|m| (m.ticket, format!("{} {}", m.number, m.name)))
            .collect()
    } else {
        HashMap::new()
    };
    let name = super::setup::find_stage(db, stage).await?.name;
    Ok((name, by_judge(&records, &who)))
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(
        || "—".into(),
        |v| format!("{}", (v * 100.0).round() / 100.0),
    )
}

/// The sheets as PDF lines: one section per judge, each closed by the signature fields.
pub fn sheet_lines(stage: &str, sheets: &[JudgeSheet]) -> Vec<(String, f32, f32)> {
    let mut l = vec![];
    for s in sheets {
        l.push((
            format!(
                "裁判评分表 Judge's score sheet — {stage} — 裁判 Judge: {}",
                s.judge
            ),
            14.0,
            0.0,
        ));
        for line in &s.lines {
            l.push((
                format!(
                    "编号 Code {}  {}  项目 Task: {}",
                    line.code, line.who, line.task
                ),
                10.0,
                0.0,
            ));
            for a in &line.aspects {
                l.push((
                    format!("{}：{} → {} 分", a.text, num(a.entry), num(a.worth)),
                    9.0,
                    4.0,
                ));
            }
        }
        l.push((String::new(), 10.0, 0.0));
        l.push((
            "裁判签字 Judge: ____________  日期 Date: ________    裁判长签字 Chief judge: ____________  日期 Date: ________".into(),
            10.0,
            0.0,
        ));
        l.push((String::new(), 18.0, 0.0));
    }
    l
}

/// The sheets as PDF.
pub fn sheets_pdf(stage: &str, sheets: &[JudgeSheet]) -> Result<Vec<u8>, PdfError> {
    text_document("裁判评分表", &sheet_lines(stage, sheets))
}

/// The sheets as XLSX: one row per judge × code × task × aspect, then the signature fields.
pub fn sheets_xlsx(sheets: &[JudgeSheet]) -> AppResult<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("裁判评分表").map_err(AppError::internal)?;
    let head = ["裁判", "编号", "选手", "项目", "评分项", "评分", "得分"];
    for (j, h) in head.iter().enumerate() {
        sheet
            .write_string(0, j as u16, *h)
            .map_err(AppError::internal)?;
    }
    let mut row = 1u32;
    for s in sheets {
        for line in &s.lines {
            for a in &line.aspects {
                let cells = [&s.judge, &line.code, &line.who, &line.task, &a.text];
                for (j, c) in cells.iter().enumerate() {
                    sheet
                        .write_string(row, j as u16, crate::spreadsheet::defuse(c).as_ref())
                        .map_err(AppError::internal)?;
                }
                for (j, v) in [(5u16, a.entry), (6, a.worth)] {
                    if let Some(v) = v {
                        sheet.write_number(row, j, v).map_err(AppError::internal)?;
                    }
                }
                row += 1;
            }
        }
        sheet
            .write_string(row, 0, "裁判签字 / 日期：　　　　裁判长签字 / 日期：")
            .map_err(AppError::internal)?;
        row += 2;
    }
    book.save_to_buffer().map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::model::{Aspect, AspectKind};
    use crate::practical::documents::{RecordAspect, RecordJudge};
    use chrono::Utc;

    fn record(code: &str, ticket: &str, entries: Vec<Option<f64>>) -> ScoreRecord {
        ScoreRecord {
            session: "决赛".into(),
            task: "摄像机安装".into(),
            aggregation: "平均".into(),
            code: code.into(),
            ticket: ticket.into(),
            name: String::new(),
            place: None,
            judges: ["甲", "乙"]
                .iter()
                .map(|n| RecordJudge {
                    name: n.to_string(),
                    submitted_at: None,
                })
                .collect(),
            aspects: vec![RecordAspect {
                aspect: Aspect {
                    group: String::new(),
                    text: "安装牢固".into(),
                    points: 4.0,
                    kind: AspectKind::default(),
                },
                entries,
                mark: 4.0,
            }],
            points: 4.0,
            max_points: 4.0,
            score: 100.0,
            head_judge: "甲".into(),
            locked_at: None,
            made_at: Utc::now(),
        }
    }

    #[test]
    fn each_judge_gets_the_codes_they_marked_with_names_only_when_given() {
        let records = vec![
            record("K01", "T1", vec![Some(1.0), Some(0.0)]),
            // 乙 had a conflict with K02: no entry, no line on 乙's sheet.
            record("K02", "T2", vec![Some(1.0), None]),
        ];
        let sheets = by_judge(&records, &HashMap::new());
        assert_eq!(sheets.len(), 2);
        let (a, b) = (&sheets[0], &sheets[1]);
        assert_eq!((a.judge.as_str(), a.lines.len()), ("甲", 2));
        assert_eq!((b.judge.as_str(), b.lines.len()), ("乙", 1));
        assert_eq!(b.lines[0].aspects[0].worth, Some(0.0));
        assert!(a.lines.iter().all(|l| l.who.is_empty()), "codes only");
        let who = HashMap::from([("T1".to_string(), "PACS26-AZ0001 张三".to_string())]);
        let sheets = by_judge(&records, &who);
        assert_eq!(sheets[0].lines[0].who, "PACS26-AZ0001 张三");
        let lines = sheet_lines("实操决赛", &sheets);
        assert!(lines.iter().any(|(t, _, _)| t.contains("裁判长签字")));
    }
}
