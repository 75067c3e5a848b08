//! Plain rows of a CSV (UTF-8 or GBK) or XLSX (first sheet) file, for tables that are not
//! question banks (e.g. a session roster).

use super::FormatError;
use super::text::decode_text;
use crate::error::ErrorCode;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use std::io::Cursor;

/// Non-empty rows with their 1-based line (CSV) or row number (XLSX), cells trimmed.
pub fn rows(bytes: &[u8], xlsx: bool) -> Result<Vec<(usize, Vec<String>)>, FormatError> {
    let rows = if xlsx {
        xlsx_rows(bytes)?
    } else {
        csv_rows(bytes)?
    };
    Ok(rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .collect())
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, FormatError> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    // Lines are counted from byte offsets: the csv crate's own line count drifts after CRLF.
    let mut lines = super::text::LineCounter::new(&text);
    let mut record = csv::StringRecord::new();
    loop {
        let mut start = usize::try_from(reader.position().byte())
            .unwrap_or(usize::MAX)
            .min(text.len());
        while start < text.len() && matches!(text.as_bytes()[start], b'\r' | b'\n') {
            start += 1;
        }
        let more = reader.read_record(&mut record).map_err(|e| {
            FormatError::new(
                ErrorCode::MalformedCsv,
                "CSV 文件无法读取",
                format!("unreadable CSV: {e}"),
            )
        })?;
        if !more {
            break;
        }
        out.push((
            lines.line_at(start),
            record.iter().map(|c| c.trim().to_string()).collect(),
        ));
    }
    Ok(out)
}

pub(crate) const NO_SHEET: &str = "工作簿中没有工作表";
pub(crate) const SHEET_UNREADABLE: &str = "第一个工作表无法读取";

/// Most cells (rows × columns of the used area) a sheet may span: the sheet is read into a
/// full grid, so one stray cell far away (e.g. XFD1048576) must not size it.
const MAX_GRID_CELLS: u64 = 20_000_000;

/// Refuses a first sheet whose used area is too large to hold as a grid, by streaming its cells
/// once without keeping them.
pub(crate) fn check_first_sheet_size<RS: std::io::Read + std::io::Seek>(
    workbook: &mut Xlsx<RS>,
) -> Result<(), FormatError> {
    let malformed = |zh: &str, m: String| FormatError::new(ErrorCode::MalformedXlsx, zh, m);
    let Some(name) = workbook.sheet_names().first().cloned() else {
        return Err(malformed(NO_SHEET, "the workbook has no worksheet".into()));
    };
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(|e| {
        malformed(
            SHEET_UNREADABLE,
            format!("the first worksheet cannot be read: {e}"),
        )
    })?;
    let (mut rows, mut cols) = (0u64, 0u64);
    while let Some(cell) = cells.next_cell().map_err(|e| {
        malformed(
            SHEET_UNREADABLE,
            format!("the first worksheet cannot be read: {e}"),
        )
    })? {
        let (r, c) = cell.get_position();
        rows = rows.max(u64::from(r) + 1);
        cols = cols.max(u64::from(c) + 1);
        if rows * cols > MAX_GRID_CELLS {
            return Err(malformed(
                &format!(
                    "第一个工作表的范围超过 {MAX_GRID_CELLS} 个单元格（第 {} 行第 {} 列有内容）；请删除表格以外远处的单元格",
                    r + 1,
                    c + 1
                ),
                format!(
                    "the first worksheet spans more than {MAX_GRID_CELLS} cells (a cell at row {}, column {}); delete stray cells far from the table",
                    r + 1,
                    c + 1
                ),
            ));
        }
    }
    Ok(())
}

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, FormatError> {
    let malformed = |zh: &str, m: String| FormatError::new(ErrorCode::MalformedXlsx, zh, m);
    super::zip_limits::check(bytes, &super::zip_limits::XLSX)?;
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
        malformed(
            "文件不是可读取的 .xlsx 工作簿",
            format!("not a readable .xlsx workbook: {e}"),
        )
    })?;
    check_first_sheet_size(&mut workbook)?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| malformed(NO_SHEET, "the workbook has no worksheet".into()))?
        .map_err(|e| {
            malformed(
                SHEET_UNREADABLE,
                format!("the first worksheet cannot be read: {e}"),
            )
        })?;
    let first = range.start().map_or(0, |(r, _)| r as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let cells = row
                .iter()
                .map(|d| match d {
                    Data::Empty => String::new(),
                    // Numbers typed into a sheet (phone, ID without X) come back as floats.
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => {
                        format!("{}", *f as i64)
                    }
                    other => other.to_string().trim().to_string(),
                })
                .collect();
            (first + i + 1, cells)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_with_one_stray_cell_far_away_is_refused_not_allocated() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "姓名").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(
            rows(&bytes, true).unwrap_err().code,
            ErrorCode::MalformedXlsx
        );
        assert_eq!(
            super::super::xlsx::read(&bytes).unwrap_err().code,
            ErrorCode::MalformedXlsx
        );
    }

    #[test]
    fn csv_rows_carry_their_line_numbers_with_crlf_and_blank_lines() {
        let rows = rows(
            "姓名,身份证号\r\n张三,1\r\n\r\n李四,2\r\n".as_bytes(),
            false,
        )
        .unwrap();
        let lines: Vec<usize> = rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![1, 2, 4]);
    }
}
