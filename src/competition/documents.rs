//! Printed and exported competition documents: the cut list (晋级名单) staff sign, and the
//! ranking (成绩排名表) as PDF and XLSX. Chinese first.

use super::cut::CutPreview;
use super::standings::Ranking;
use crate::error::{AppError, AppResult};
use crate::pdf::{PdfError, text_document};

fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "—".into(), |v| format!("{v:.2}"))
}

/// The cut list's lines: per group every contestant with rank, number, name, organisation,
/// score and whether they advance, then signature lines.
pub fn cut_lines(stage_name: &str, p: &CutPreview) -> Vec<(String, f32, f32)> {
    let mut l = vec![
        (format!("晋级名单 Qualifiers — {stage_name}"), 16.0, 0.0),
        (
            format!(
                "晋级规则 Rule: {}",
                match p.rule {
                    super::CutRule::None => "全部晋级 everyone".to_string(),
                    super::CutRule::TopN(n) => format!("前 {n} 名（并列同进） top {n}, ties in"),
                    super::CutRule::TopPercent(v) =>
                        format!("前 {v}%（向上取整，并列同进） top {v}%, ties in"),
                    super::CutRule::ScoreLine(v) => format!("{v} 分及以上 score ≥ {v}"),
                }
            ),
            10.0,
            0.0,
        ),
        (String::new(), 10.0, 0.0),
    ];
    for g in &p.groups {
        l.push((
            format!(
                "{}  参赛 {} 人，晋级 {} 人 (sat {}, advancing {})",
                g.group_name, g.sat, g.advancing, g.sat, g.advancing
            ),
            12.0,
            0.0,
        ));
        l.push((
            "名次  参赛证号  姓名  单位  理论成绩  晋级".into(),
            9.5,
            2.0,
        ));
        for r in &g.rows {
            l.push((
                format!(
                    "{}  {}  {}  {}  {}  {}",
                    r.rank.map_or_else(|| "—".into(), |r| r.to_string()),
                    r.number.as_deref().unwrap_or("—"),
                    r.name,
                    r.organisation,
                    score(r.score),
                    if r.advances { "晋级" } else { "" }
                ),
                9.5,
                2.0,
            ));
        }
        l.push((String::new(), 10.0, 0.0));
    }
    l.push((
        match p.confirmed_at {
            // Beijing time, as the other printed documents.
            Some(at) => format!(
                "已确认 Confirmed: {}",
                chrono::FixedOffset::east_opt(8 * 3600)
                    .map(|tz| at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default()
            ),
            None => "预览，尚未确认 Preview, not confirmed".into(),
        },
        10.0,
        0.0,
    ));
    l.push((String::new(), 10.0, 0.0));
    l.push((
        "裁判长签字 Chief judge: ____________    监督签字 Supervisor: ____________    日期 Date: ________".into(),
        10.0,
        0.0,
    ));
    l
}

/// The cut list as a PDF.
pub fn cut_pdf(stage_name: &str, p: &CutPreview) -> Result<Vec<u8>, PdfError> {
    text_document("晋级名单", &cut_lines(stage_name, p))
}

fn ranking_header(r: &Ranking) -> Vec<String> {
    let mut h: Vec<String> = vec![
        "名次".into(),
        "参赛证号".into(),
        "姓名".into(),
        "单位".into(),
    ];
    h.extend(
        r.stages
            .iter()
            .map(|s| format!("{}（{}%）", s.name, s.weight * 100.0)),
    );
    h.extend(r.modules.iter().cloned());
    h.push("总成绩".into());
    h.push("说明".into());
    h
}

pub(super) fn ranking_table(r: &Ranking) -> Vec<Vec<String>> {
    let mut out = vec![ranking_header(r)];
    for row in &r.rows {
        let mut line = vec![
            row.rank.map_or_else(String::new, |v| v.to_string()),
            row.number.clone(),
            if row.members.is_empty() {
                row.name.clone()
            } else {
                format!("{}（{}）", row.name, row.members.join("、"))
            },
            row.organisation.clone(),
        ];
        line.extend(row.stages.iter().map(|s| score(*s)));
        line.extend((0..r.modules.len()).map(|i| score(row.modules.get(i).copied())));
        line.push(score(row.total));
        line.push(row.note_zh.clone().unwrap_or_default());
        out.push(line);
    }
    out
}

/// The ranking as a PDF (成绩排名表).
pub fn ranking_pdf(r: &Ranking) -> Result<Vec<u8>, PdfError> {
    let mut l = vec![
        (
            format!("成绩排名表 Ranking — {} · {}", r.event_name, r.group_name),
            15.0,
            0.0,
        ),
        (String::new(), 10.0, 0.0),
    ];
    for line in ranking_table(r) {
        l.push((line.join("  "), 9.0, 0.0));
    }
    l.push((String::new(), 10.0, 0.0));
    l.push((
        "裁判长签字 Chief judge: ____________    监督签字 Supervisor: ____________".into(),
        10.0,
        0.0,
    ));
    text_document("成绩排名表", &l)
}

/// The ranking as an XLSX workbook (numbers as numbers, so staff can sort and sum).
pub fn ranking_xlsx(r: &Ranking) -> AppResult<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("成绩排名").map_err(AppError::internal)?;
    for (i, line) in ranking_table(r).iter().enumerate() {
        for (j, cell) in line.iter().enumerate() {
            let numeric = i > 0 && (j == 0 || j >= 4) && j + 1 < line.len();
            match cell.parse::<f64>() {
                Ok(v) if numeric => sheet.write_number(i as u32, j as u16, v),
                _ => sheet.write_string(i as u32, j as u16, cell),
            }
            .map_err(AppError::internal)?;
        }
    }
    book.save_to_buffer().map_err(AppError::internal)
}
