//! XLSX with the same Chinese columns as CSV (see [`super::csv`], whose row mapping this
//! shares). Reads the first worksheet; numbers in cells (难度 3.0, 分值 2) are read as the keeper
//! sees them. Writes one sheet 题库 with 难度, 分值 and 考核时间 as numbers; a practical task's 设备材料
//! and 评分细则 cells hold one entry per line (wrapped).

use super::csv::{Column, HeaderSearch, WRITE_COLUMNS, cell_text, row_item};
use super::sheet::{NO_SHEET, SHEET_UNREADABLE};
use super::{FormatError, ParsedFile};
use crate::bank::model::Question;
use crate::error::ErrorCode;
use calamine::{DataRef, ReaderRef, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};
use std::borrow::Cow;
use std::io::Cursor;

/// The text a keeper sees in a cell: whole numbers without `.0`.
fn text<'r>(d: &'r DataRef<'_>) -> Cow<'r, str> {
    match d {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cow::Borrowed(s.as_str())
        }
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Float(f) => Cow::Owned(super::csv::number_text(*f)),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(dt) => Cow::Owned(super::csv::number_text(dt.as_f64())),
        DataRef::Error(_) | DataRef::Empty => Cow::Borrowed(""),
    }
}

fn malformed(zh: &str, en: impl Into<String>) -> FormatError {
    FormatError::new(ErrorCode::MalformedXlsx, zh, en)
}

/// Reads the first worksheet of an XLSX workbook.
pub fn read(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(malformed(
            "这是旧版 Excel 97–2003 的 .xls 工作簿；请另存为 .xlsx 后再导入",
            "this is an old Excel 97–2003 .xls workbook; save it as .xlsx and import again",
        ));
    }
    super::zip_limits::check(bytes, &super::zip_limits::XLSX)?;
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
        malformed(
            "文件不是可读取的 .xlsx 工作簿",
            format!("not a readable .xlsx workbook: {e}"),
        )
    })?;
    super::sheet::check_first_sheet_size(&mut workbook)?;
    let range = workbook
        .worksheet_range_at_ref(0)
        .ok_or_else(|| malformed(NO_SHEET, "the workbook has no worksheet"))?
        .map_err(|e| {
            malformed(
                SHEET_UNREADABLE,
                format!("the first worksheet cannot be read: {e}"),
            )
        })?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut file = ParsedFile::default();
    let mut search = HeaderSearch::new();
    let mut layout = None;
    let mut cells: Vec<Cow<str>> = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let number = first_row + i + 1;
        cells.clear();
        cells.extend(row.iter().map(text));
        match &layout {
            None => match search.row(&cells) {
                Some(Ok(l)) => layout = Some(l),
                Some(Err(e)) => return Err(e),
                None => {}
            },
            Some(l) => {
                if let Some(item) = row_item(l, &cells, number, number) {
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

fn column_width(c: Column) -> f64 {
    match c {
        Column::Stem => 60.0,
        Column::Option(_) | Column::Answer | Column::Rubric => 20.0,
        Column::Explanation | Column::Source | Column::Category => 30.0,
        Column::Ident => 14.0,
        Column::Scheme => 70.0,
        Column::Equipment => 40.0,
        Column::Minutes => 14.0,
        _ => 8.0,
    }
}

/// Writes questions as an XLSX workbook with the Chinese headers, one row per question.
pub fn write(questions: &[Question]) -> Result<Vec<u8>, FormatError> {
    build(questions).map_err(FormatError::export_failed)
}

fn build(questions: &[Question]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("题库")?;
    let bold = Format::new().set_bold();
    // The practical columns hold one entry per line: wrapped so Excel and WPS show the lines.
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (c, col) in WRITE_COLUMNS.iter().enumerate() {
        let c = c as u16;
        sheet.set_column_width(c, column_width(*col))?;
        sheet.write_string_with_format(0, c, col.header(), &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, q) in questions.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, col) in WRITE_COLUMNS.iter().enumerate() {
            let c = c as u16;
            match col {
                Column::Difficulty => {
                    sheet.write_number(r, c, q.difficulty)?;
                }
                Column::Points => {
                    sheet.write_number(r, c, q.points)?;
                }
                Column::Minutes if q.minutes > 0 => {
                    sheet.write_number(r, c, q.minutes)?;
                }
                Column::Scheme | Column::Equipment => {
                    let t = cell_text(q, *col);
                    if !t.is_empty() {
                        sheet.write_string_with_format(r, c, t, &wrap)?;
                    }
                }
                _ => {
                    let t = cell_text(q, *col);
                    if !t.is_empty() {
                        sheet.write_string(r, c, t)?;
                    }
                }
            }
        }
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::model::{Key, QuestionBody, QuestionKind, QuestionStatus};

    fn body(kind: QuestionKind, stem: &str, options: &[&str], key: Key) -> QuestionBody {
        QuestionBody {
            ident: String::new(),
            kind,
            category: vec!["安全防范".into(), "视频监控".into()],
            stem: stem.into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            key,
            rubric: String::new(),
            scheme: vec![],
            minutes: 0,
            equipment: vec![],
            points: 1.0,
            difficulty: 3,
            explanation: String::new(),
            source: String::new(),
            tags: vec![],
            status: QuestionStatus::Active,
        }
    }

    fn questions() -> Vec<Question> {
        let mut list = vec![
            body(
                QuestionKind::Single,
                "摄像机的英文缩写是？",
                &["CCD", "CAM", "NVR"],
                Key::Choice { correct: vec![1] },
            ),
            body(
                QuestionKind::Multiple,
                "下列属于存储设备的是？",
                &["DVR", "NVR", "镜头", "云台", "磁盘阵列"],
                Key::Choice {
                    correct: vec![0, 1, 4],
                },
            ),
            body(
                QuestionKind::TrueFalse,
                "红外摄像机夜间可以成像。",
                &[],
                Key::TrueFalse { value: true },
            ),
            body(
                QuestionKind::Fill,
                "视频监控系统由___、传输、___和显示四部分组成",
                &[],
                Key::Blanks {
                    accepted: vec![vec!["前端".into(), "前端设备".into()], vec!["存储".into()]],
                },
            ),
            body(
                QuestionKind::Short,
                "简述录像回放的步骤。",
                &[],
                Key::Open {
                    reference: "登录、选通道、选时间、播放".into(),
                },
            ),
            body(
                QuestionKind::Practical,
                "现场调整摄像机焦距。",
                &[],
                Key::Open {
                    reference: String::new(),
                },
            ),
        ];
        list[0].ident = "VID-001".into();
        list[0].points = 2.5;
        list[0].difficulty = 1;
        list[0].tags = vec!["基础".into(), "设备".into()];
        list[0].source = "GB 50395-2007".into();
        list[0].explanation = "Camera。".into();
        list[1].ident = "0042".into();
        list[1].status = QuestionStatus::Draft;
        list[4].rubric = "步骤齐全得满分".into();
        list[5].category = vec![];
        list.into_iter()
            .map(|b| Question::parse(b).unwrap())
            .collect()
    }

    #[test]
    fn writing_then_reading_gives_the_same_questions() {
        let qs = questions();
        let bytes = write(&qs).unwrap();
        let f = read(&bytes).unwrap();
        assert_eq!(f.items[0].ident, "VID-001");
        assert_eq!(f.items[0].line, Some(2));
        assert_eq!(f.items[2].ident, "row 4");
        let back: Vec<Question> = f
            .items
            .into_iter()
            .map(|i| Question::parse(i.result.unwrap()).unwrap())
            .collect();
        assert_eq!(back, qs);
    }

    #[test]
    fn numbers_in_cells_read_as_the_keeper_sees_them() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in [
            "编号", "题型", "题干", "选项A", "选项B", "答案", "难度", "分值",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_number(1, 0, 17).unwrap();
        ws.write_string(1, 1, "单选").unwrap();
        ws.write_string(1, 2, "一加一等于几？").unwrap();
        ws.write_number(1, 3, 2).unwrap();
        ws.write_number(1, 4, 3.5).unwrap();
        ws.write_string(1, 5, "A").unwrap();
        ws.write_number(1, 6, 3.0).unwrap();
        ws.write_number(1, 7, 2).unwrap();
        ws.write_string(2, 1, "判断").unwrap();
        ws.write_string(2, 2, "二大于一").unwrap();
        ws.write_boolean(2, 5, true).unwrap();
        let f = read(&wb.save_to_buffer().unwrap()).unwrap();
        assert_eq!(f.items.len(), 2);
        assert_eq!(f.items[0].ident, "17");
        let b = f.items[0].result.as_ref().unwrap();
        assert_eq!(b.options, vec!["2", "3.5"]);
        assert_eq!(b.difficulty, 3);
        assert_eq!(b.points, 2.0);
        let tf = f.items[1].result.as_ref().unwrap();
        assert_eq!(tf.key, Key::TrueFalse { value: true });
    }

    #[test]
    fn a_bad_row_is_skipped_with_its_row_number() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_row(0, 0, ["题型", "题干", "答案", "分值"])
            .unwrap();
        ws.write_row(1, 0, ["单选", "没有选项", "A", "1"]).unwrap();
        ws.write_row(3, 0, ["多选", "题", "A", "很多"]).unwrap();
        let f = read(&wb.save_to_buffer().unwrap()).unwrap();
        assert_eq!(f.items.len(), 2, "the empty row 3 is passed over");
        assert!(
            f.items[0].result.is_ok(),
            "Question::parse reports the options"
        );
        assert_eq!(f.items[1].ident, "row 4");
        assert_eq!(f.items[1].line, Some(4));
        let skip = f.items[1].result.as_ref().unwrap_err();
        assert_eq!(skip.code, ErrorCode::InvalidRow);
        assert!(skip.reason.contains("分值"), "{}", skip.reason);
    }

    #[test]
    fn a_sheet_without_the_required_columns_is_refused() {
        let mut wb = Workbook::new();
        wb.add_worksheet()
            .write_row(0, 0, ["题型", "题干", "选项A"])
            .unwrap();
        let err = read(&wb.save_to_buffer().unwrap()).unwrap_err();
        assert_eq!(err.code, ErrorCode::MissingColumn);
        assert!(err.message.contains("答案"), "{}", err.message);
    }

    #[test]
    fn bytes_that_are_not_an_xlsx_workbook_are_refused() {
        assert_eq!(read(b"hello").unwrap_err().code, ErrorCode::MalformedXlsx);
        assert_eq!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).unwrap_err().code,
            ErrorCode::MalformedXlsx
        );
        let csv = "题型,题干,答案\n单选,x,A\n".as_bytes();
        assert_eq!(read(csv).unwrap_err().code, ErrorCode::MalformedXlsx);
    }
}
