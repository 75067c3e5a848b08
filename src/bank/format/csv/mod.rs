//! CSV with the Chinese column headers bank keepers use, and the row mapping that the XLSX
//! format shares.
//!
//! Columns (header variants are accepted: trimmed, full-width letters, `A` for `选项A`, a few
//! English and Chinese synonyms, a trailing `*` or `(必填)`): 编号, 题型, 题干, 选项A–选项H, 答案,
//! 解析, 难度, 分类, 分值, 标签, 出处, 状态, 评分标准, and for practical tasks 考核时间(分钟), 设备材料,
//! 评分细则. 题型, 题干 and 答案 are required; rows above the header (a title row) are passed over.
//!
//! Cells: 题型 as in [`QuestionKind::parse`](crate::bank::model::QuestionKind::parse); choice
//! answers as letters (`ACD`, `A,C`); 判断 as 对/错 (or a letter naming the option 对/错); 填空
//! blanks separated by `;`/`；`, alternatives within a blank by `|`; 简答/实操 answer = the
//! reference answer; 分类 a path separated by `/` or `>`; 标签 separated by `,`/`，`; 难度 1–5
//! or 易/较易/中等/较难/难; 分值 a number; 状态 草稿/启用/停用 (or draft/active/retired). Empty
//! rows are passed over; a row with a problem is an item skipped with a reason naming the
//! column.
//!
//! A cell that starts with `'` followed by `=`, `+`, `-` or `@` loses that one apostrophe:
//! the writer adds it so that Excel shows such a text instead of running it as a formula.
//!
//! A practical task's 设备材料 and 评分细则 are one entry per line in the notation of
//! [`super::scheme`] (`名称|规格|数量|单位`, `分项|内容|分值|类型|参数`); a 评分细则 cell without
//! any `|` is old free text and becomes the rubric.
//!
//! Not kept by the writer: a category
//! name containing `/` or `>`, a tag containing a comma, or a blank answer containing `;` or
//! `|` do not come back the same.
//!
//! `columns.rs` finds the columns from the header row; `row.rs` maps a row to a question and a
//! question to its cells (both shared with XLSX); this module reads and writes the CSV text.

mod columns;
mod row;

#[cfg(test)]
mod tests;

pub(crate) use columns::{Column, HeaderSearch, Layout, WRITE_COLUMNS};
pub(crate) use row::{cell_text, number_text, row_item};

use super::text::decode_text;
use super::{FormatError, MAX_ITEM_BYTES, ParsedFile, ParsedItem, Skip};
use crate::bank::model::Question;
use crate::error::ErrorCode;

/// Picks the delimiter Excel used: comma, or tab / semicolon when the header line has more.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b'\t', b';'][best]
}

/// Reads a CSV file (UTF-8 with or without BOM, UTF-16, or GBK as Excel saves it).
pub fn read(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let text = decode_text(bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut file = ParsedFile::default();
    let mut record = ::csv::StringRecord::new();
    let mut search = HeaderSearch::new();
    let mut layout: Option<Layout> = None;
    let mut row = 0;
    // The line a record starts on, counted here: the csv crate's own count is off by one
    // after CRLF line ends.
    let bytes = text.as_bytes();
    let (mut cursor, mut cursor_line) = (0usize, 1usize);
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let (zh, en) = e
                .position()
                .map(|p| {
                    (
                        format!("第 {} 行", p.line()),
                        format!(" at line {}", p.line()),
                    )
                })
                .unwrap_or_default();
            FormatError::new(
                ErrorCode::MalformedCsv,
                format!("CSV 文件{zh}无法读取"),
                format!("unreadable CSV{en}: {e}"),
            )
        })?;
        if !more {
            break;
        }
        row += 1;
        let line = match record.position() {
            Some(p) => {
                let mut b = usize::try_from(p.byte())
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                while b < bytes.len() && matches!(bytes[b], b'\r' | b'\n') {
                    b += 1;
                }
                if b > cursor {
                    cursor_line += bytes[cursor..b].iter().filter(|&&c| c == b'\n').count();
                    cursor = b;
                }
                cursor_line
            }
            None => row,
        };
        // Undo the writer's formula defusing, so an exported bank reads back as it was.
        let cells: Vec<&str> = record.iter().map(crate::spreadsheet::undefuse).collect();
        match &layout {
            None => match search.row(&cells) {
                Some(Ok(l)) => layout = Some(l),
                Some(Err(e)) => return Err(e),
                None => {}
            },
            // A row over the item size is reported without copying its cells.
            Some(_) if record.as_slice().len() > MAX_ITEM_BYTES => file.push(ParsedItem {
                ident: format!("row {row}"),
                line: Some(line),
                result: Err(Skip::item_too_large(record.as_slice().len())),
                warnings: vec![],
            }),
            Some(l) => {
                if let Some(item) = row_item(l, &cells, row, line) {
                    file.push(item);
                }
            }
        }
    }
    if layout.is_none() {
        return Err(search.error());
    }
    Ok(file)
}

/// Writes questions as CSV with the writer every CSV export shares (UTF-8 with BOM so Excel
/// reads the Chinese right, cells that Excel would run as formulas defused with a leading `'`,
/// which [`read`] takes off again): the Chinese headers, one row per question.
pub fn write(questions: &[Question]) -> Result<Vec<u8>, FormatError> {
    let fail = |e: ::csv::Error| FormatError::export_failed(e);
    let mut w = crate::spreadsheet::CsvWriter::new();
    w.row(WRITE_COLUMNS.iter().map(|c| c.header()))
        .map_err(fail)?;
    for q in questions {
        w.row(WRITE_COLUMNS.iter().map(|&c| cell_text(q, c)))
            .map_err(fail)?;
    }
    w.finish().map_err(fail)
}
