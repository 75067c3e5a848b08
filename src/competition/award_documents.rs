//! Results documents of issue 15, PDF and XLSX, Chinese first, Beijing time: the 成绩公示表 of
//! a provisional or final publication (state, version and the appeal window's close printed),
//! the 获奖名单, and the 技术能手 and 五一劳动奖章 recommendation lists. The ranking's table is
//! [`super::documents`]'s.

use super::PublicationState;
use super::award_policy::AwardKind;
use super::awards::AwardView;
use super::documents::ranking_table;
use super::publication::Publication;
use crate::error::{AppError, AppResult};
use crate::exam::results::beijing_time;
use crate::pdf::{PdfError, text_document};

type Lines = Vec<(String, f32, f32)>;

fn signatures(l: &mut Lines) {
    l.push((String::new(), 10.0, 0.0));
    l.push((
        "裁判长签字 Chief judge: ____________    监督仲裁组签字 Supervision: ____________    日期 Date: ________".into(),
        10.0,
        0.0,
    ));
}

fn state_label(p: &Publication) -> &'static str {
    match p.state {
        PublicationState::Provisional => "公示（暂定）Provisional",
        PublicationState::Final => "最终 Final",
    }
}

/// The 成绩公示表's lines.
pub fn publication_lines(p: &Publication) -> Lines {
    let r = &p.ranking;
    let mut l: Lines = vec![
        (
            format!("成绩公示表 Results — {} · {}", r.event_name, r.group_name),
            15.0,
            0.0,
        ),
        (
            format!(
                "{}　第 {} 版 version {}　发布 Published: {}（北京时间）",
                state_label(p),
                p.version,
                p.version,
                beijing_time(p.published_at)
            ),
            10.0,
            0.0,
        ),
    ];
    if let Some(at) = p.appeal_closes_at {
        l.push((
            format!(
                "申诉截止 Appeals close: {}（北京时间）。对成绩有异议者请在截止前通过平台提交书面申诉。",
                beijing_time(at)
            ),
            10.0,
            0.0,
        ));
    }
    if !p.reason.trim().is_empty() {
        l.push((format!("说明 Note: {}", p.reason.trim()), 10.0, 0.0));
    }
    l.push((String::new(), 10.0, 0.0));
    for line in ranking_table(r) {
        l.push((line.join("  "), 9.0, 0.0));
    }
    if !p.changes.is_empty() {
        l.push((String::new(), 10.0, 0.0));
        l.push(("与上一版相比的变动 Changes".into(), 11.0, 0.0));
        for c in &p.changes {
            l.push((
                format!(
                    "{} {}：名次 {} → {}，总成绩 {} → {}{}",
                    c.number,
                    c.name,
                    opt(c.before_rank),
                    opt(c.after_rank),
                    score(c.before_total),
                    score(c.after_total),
                    c.why
                        .as_deref()
                        .map(|w| format!("（{w}）"))
                        .unwrap_or_default()
                ),
                9.0,
                2.0,
            ));
        }
    }
    signatures(&mut l);
    l
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "—".into(), |v| v.to_string())
}

fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "—".into(), |v| format!("{v:.2}"))
}

/// The 成绩公示表 as PDF.
pub fn publication_pdf(p: &Publication) -> Result<Vec<u8>, PdfError> {
    text_document("成绩公示表", &publication_lines(p))
}

/// The 成绩公示表 as XLSX: a heading line, then the ranking's table.
pub fn publication_xlsx(p: &Publication) -> AppResult<Vec<u8>> {
    let mut rows = vec![vec![format!(
        "成绩公示表 {} · {} — {} 第 {} 版 — {}{}",
        p.ranking.event_name,
        p.ranking.group_name,
        state_label(p),
        p.version,
        beijing_time(p.published_at),
        p.appeal_closes_at
            .map(|a| format!(" — 申诉截止 {}", beijing_time(a)))
            .unwrap_or_default()
    )]];
    rows.extend(ranking_table(&p.ranking));
    xlsx("成绩公示", &rows)
}

/// Which list of awards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwardList {
    /// 获奖名单: 一、二、三等奖.
    Prizes,
    /// 技术能手推荐名单.
    TechnicalExperts,
    /// 五一劳动奖章推荐名单.
    MayDay,
    /// 专项职业能力证书名单.
    Certificates,
}

impl AwardList {
    /// From a query code.
    pub fn parse(s: &str) -> Option<AwardList> {
        match s {
            "prizes" => Some(AwardList::Prizes),
            "technical_expert" => Some(AwardList::TechnicalExperts),
            "may_day_medal" => Some(AwardList::MayDay),
            "skill_certificate" => Some(AwardList::Certificates),
            _ => None,
        }
    }

    /// Its title.
    pub fn title(self) -> &'static str {
        match self {
            AwardList::Prizes => "获奖名单 Award list",
            AwardList::TechnicalExperts => "技术能手推荐名单 Technical experts recommended",
            AwardList::MayDay => "五一劳动奖章推荐名单 May Day Labour Medal recommendations",
            AwardList::Certificates => "专项职业能力证书名单 Certificate holders",
        }
    }

    /// The kinds it lists.
    pub fn kinds(self) -> &'static [AwardKind] {
        match self {
            AwardList::Prizes => &[
                AwardKind::FirstPrize,
                AwardKind::SecondPrize,
                AwardKind::ThirdPrize,
            ],
            AwardList::TechnicalExperts => &[AwardKind::TechnicalExpert],
            AwardList::MayDay => &[AwardKind::MayDayMedal],
            AwardList::Certificates => &[AwardKind::SkillCertificate],
        }
    }
}

fn award_table(awards: &[&AwardView]) -> Vec<Vec<String>> {
    let mut out = vec![vec![
        "奖项".to_string(),
        "名次".into(),
        "参赛证号".into(),
        "姓名".into(),
        "单位".into(),
        "证书编号".into(),
    ]];
    for a in awards {
        out.push(vec![
            a.label_zh.clone(),
            opt(a.rank),
            a.number.clone(),
            a.name.clone(),
            a.organisation.clone(),
            a.certificate_number.clone().unwrap_or_default(),
        ]);
    }
    out
}

/// A list of awards as PDF lines: title, event and group, the policy version, the table.
pub fn award_lines(list: AwardList, heading: &str, awards: &[&AwardView]) -> Lines {
    let mut l: Lines = vec![
        (format!("{} — {heading}", list.title()), 15.0, 0.0),
        (
            format!(
                "奖项设置第 {} 版 policy version；共 {} 项 {} entries",
                awards.first().map_or(0, |a| a.policy_version),
                awards.len(),
                awards.len()
            ),
            10.0,
            0.0,
        ),
        (String::new(), 10.0, 0.0),
    ];
    for line in award_table(awards) {
        l.push((line.join("  "), 9.5, 0.0));
    }
    signatures(&mut l);
    l
}

/// A list of awards as PDF.
pub fn awards_pdf(
    list: AwardList,
    heading: &str,
    awards: &[&AwardView],
) -> Result<Vec<u8>, PdfError> {
    text_document(list.title(), &award_lines(list, heading, awards))
}

/// A list of awards as XLSX.
pub fn awards_xlsx(list: AwardList, heading: &str, awards: &[&AwardView]) -> AppResult<Vec<u8>> {
    let mut rows = vec![vec![format!("{} — {heading}", list.title())]];
    rows.extend(award_table(awards));
    xlsx("名单", &rows)
}

/// Cells as a one-sheet workbook; numbers stay numbers so staff can sort.
fn xlsx(name: &str, rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(AppError::internal)?;
    for (i, line) in rows.iter().enumerate() {
        for (j, cell) in line.iter().enumerate() {
            let (i, j) = (i as u32, j as u16);
            match cell.parse::<f64>() {
                // A leading zero is an identifier (a number like 007), not a quantity.
                Ok(v)
                    if i > 0
                        && (cell == "0" || !cell.starts_with('0') || cell.starts_with("0.")) =>
                {
                    sheet.write_number(i, j, v)
                }
                _ => sheet.write_string(i, j, crate::spreadsheet::defuse(cell).as_ref()),
            }
            .map_err(AppError::internal)?;
        }
    }
    book.save_to_buffer().map_err(AppError::internal)
}
