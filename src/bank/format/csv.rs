//! CSV with the Chinese column headers bank keepers use, and the row mapping that the XLSX
//! format shares.
//!
//! Columns (header variants are accepted: trimmed, full-width letters, `A` for `选项A`, a few
//! English and Chinese synonyms, a trailing `*` or `(必填)`): 编号, 题型, 题干, 选项A–选项H, 答案,
//! 解析, 难度, 分类, 分值, 标签, 出处, 状态, 评分标准. 题型, 题干 and 答案 are required; rows above the
//! header (a title row) are passed over.
//!
//! Cells: 题型 as in [`QuestionKind::parse`]; choice answers as letters (`ACD`, `A,C`); 判断 as
//! 对/错 (or a letter naming the option 对/错); 填空 blanks separated by `;`/`；`, alternatives
//! within a blank by `|`; 简答/实操 answer = the reference answer; 分类 a path separated by `/`
//! or `>`; 标签 separated by `,`/`，`; 难度 1–5 or 易/较易/中等/较难/难; 分值 a number; 状态
//! 草稿/启用/停用 (or draft/active/retired). Empty rows are passed over; a row with a problem is an
//! item skipped with a reason naming the column.
//!
//! A cell that starts with `'` followed by `=`, `+`, `-` or `@` loses that one apostrophe:
//! the writer adds it so that Excel shows such a text instead of running it as a formula.
//!
//! Not kept by the writer: a practical task's marking scheme (only its rubric); a category
//! name containing `/` or `>`, a tag containing a comma, or a blank answer containing `;` or
//! `|` do not come back the same.

use super::text::decode_text;
use super::{FormatError, MAX_ITEM_BYTES, ParsedFile, ParsedItem, Skip};
use crate::bank::model::{
    Key, MAX_OPTIONS, Question, QuestionBody, QuestionKind, QuestionStatus, full_to_half,
    option_index, option_label, parse_letters, parse_true_false,
};
use std::borrow::Cow;

/// A column of the spreadsheet layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    /// 编号
    Ident,
    /// 题型
    Kind,
    /// 题干
    Stem,
    /// 选项A … 选项H (0-based)
    Option(usize),
    /// 答案
    Answer,
    /// 解析
    Explanation,
    /// 难度
    Difficulty,
    /// 分类
    Category,
    /// 分值
    Points,
    /// 标签
    Tags,
    /// 出处
    Source,
    /// 状态
    Status,
    /// 评分标准
    Rubric,
}

const SLOTS: usize = 12 + MAX_OPTIONS;
const OPTION_HEADERS: [&str; MAX_OPTIONS] = [
    "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H",
];
const REQUIRED: [Column; 3] = [Column::Kind, Column::Stem, Column::Answer];

/// The columns the writers emit, in order.
pub(crate) const WRITE_COLUMNS: [Column; SLOTS] = [
    Column::Ident,
    Column::Kind,
    Column::Stem,
    Column::Option(0),
    Column::Option(1),
    Column::Option(2),
    Column::Option(3),
    Column::Option(4),
    Column::Option(5),
    Column::Option(6),
    Column::Option(7),
    Column::Answer,
    Column::Explanation,
    Column::Difficulty,
    Column::Category,
    Column::Points,
    Column::Tags,
    Column::Source,
    Column::Status,
    Column::Rubric,
];

impl Column {
    fn slot(self) -> usize {
        match self {
            Column::Ident => 0,
            Column::Kind => 1,
            Column::Stem => 2,
            Column::Answer => 3,
            Column::Explanation => 4,
            Column::Difficulty => 5,
            Column::Category => 6,
            Column::Points => 7,
            Column::Tags => 8,
            Column::Source => 9,
            Column::Status => 10,
            Column::Rubric => 11,
            Column::Option(i) => 12 + i.min(MAX_OPTIONS - 1),
        }
    }

    /// The header the writers use.
    pub(crate) fn header(self) -> &'static str {
        match self {
            Column::Ident => "编号",
            Column::Kind => "题型",
            Column::Stem => "题干",
            Column::Option(i) => OPTION_HEADERS[i.min(MAX_OPTIONS - 1)],
            Column::Answer => "答案",
            Column::Explanation => "解析",
            Column::Difficulty => "难度",
            Column::Category => "分类",
            Column::Points => "分值",
            Column::Tags => "标签",
            Column::Source => "出处",
            Column::Status => "状态",
            Column::Rubric => "评分标准",
        }
    }

    /// Recognizes a header cell.
    pub(crate) fn from_header(header: &str) -> Option<Column> {
        let mut h: String = header
            .chars()
            .map(full_to_half)
            .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
            .collect::<String>()
            .to_lowercase();
        if let Some(i) = h.find('(') {
            h.truncate(i);
        }
        let h = h.trim_matches('*');
        Some(match h {
            "编号" | "id" | "题号" | "试题编号" | "题目编号" | "ident" | "identifier" => {
                Column::Ident
            }
            "题型" | "类型" | "题目类型" | "试题类型" | "type" | "kind" => Column::Kind,
            "题干" | "题目" | "试题" | "题目内容" | "试题内容" | "stem" | "question" => {
                Column::Stem
            }
            "答案" | "正确答案" | "标准答案" | "参考答案" | "answer" | "key" => {
                Column::Answer
            }
            "解析" | "答案解析" | "试题解析" | "explanation" => Column::Explanation,
            "难度" | "难易度" | "难易程度" | "difficulty" => Column::Difficulty,
            "分类" | "类别" | "章节" | "category" => Column::Category,
            "分值" | "分数" | "points" | "score" => Column::Points,
            "标签" | "tags" | "tag" => Column::Tags,
            "出处" | "来源" | "依据" | "source" => Column::Source,
            "状态" | "status" => Column::Status,
            "评分标准" | "评分细则" | "rubric" => Column::Rubric,
            _ => {
                let letter = h
                    .strip_prefix("选项")
                    .or_else(|| h.strip_prefix("option"))
                    .unwrap_or(h);
                let mut chars = letter.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Column::Option(option_index(c)?),
                    _ => return None,
                }
            }
        })
    }
}

/// Where each column is in a sheet, as its header row says.
pub(crate) struct Layout {
    slots: [Option<usize>; SLOTS],
}

impl Layout {
    /// Reads a header row; unknown headers are ignored, a repeated header counts once.
    pub(crate) fn from_headers<S: AsRef<str>>(headers: &[S]) -> Layout {
        let mut slots = [None; SLOTS];
        for (i, h) in headers.iter().enumerate() {
            if let Some(c) = Column::from_header(h.as_ref()) {
                slots[c.slot()].get_or_insert(i);
            }
        }
        Layout { slots }
    }

    /// The required columns the header lacks.
    pub(crate) fn missing(&self) -> Vec<&'static str> {
        REQUIRED
            .iter()
            .filter(|c| self.slots[c.slot()].is_none())
            .map(|c| c.header())
            .collect()
    }

    fn cell<'c, S: AsRef<str>>(&self, cells: &'c [S], c: Column) -> &'c str {
        self.slots[c.slot()]
            .and_then(|i| cells.get(i))
            .map_or("", |s| s.as_ref().trim())
    }
}

/// Finds the header among a sheet's first rows. Call with each row until it returns
/// `Some(Ok)`; it gives up with `missing_column` after ten non-empty rows.
pub(crate) struct HeaderSearch {
    tried: usize,
    first_missing: Option<Vec<&'static str>>,
}

impl HeaderSearch {
    /// A new search.
    pub(crate) fn new() -> Self {
        HeaderSearch {
            tried: 0,
            first_missing: None,
        }
    }

    /// Looks at one row: `Some(Ok(layout))` when it is the header, `Some(Err)` when the search
    /// gives up, `None` to go on.
    pub(crate) fn row<S: AsRef<str>>(
        &mut self,
        cells: &[S],
    ) -> Option<Result<Layout, FormatError>> {
        if is_empty_row(cells) {
            return None;
        }
        let layout = Layout::from_headers(cells);
        let missing = layout.missing();
        if missing.is_empty() {
            return Some(Ok(layout));
        }
        self.first_missing.get_or_insert(missing);
        self.tried += 1;
        (self.tried >= 10).then(|| Err(self.error()))
    }

    /// The error when no header was found.
    pub(crate) fn error(&self) -> FormatError {
        let missing = self
            .first_missing
            .clone()
            .unwrap_or_else(|| REQUIRED.iter().map(|c| c.header()).collect());
        FormatError::new(
            "missing_column",
            format!(
                "the header row lacks the required column(s) {}",
                missing.join(", ")
            ),
        )
    }
}

/// Whether every cell of a row is blank.
pub(crate) fn is_empty_row<S: AsRef<str>>(cells: &[S]) -> bool {
    cells.iter().all(|c| c.as_ref().trim().is_empty())
}

/// Maps one data row to an item; `None` for an empty row. `row` is the sheet's row number
/// (the header is usually row 1), `line` the line where the row starts, if known.
pub(crate) fn row_item<S: AsRef<str>>(
    layout: &Layout,
    cells: &[S],
    row: usize,
    line: usize,
) -> Option<ParsedItem> {
    if is_empty_row(cells) {
        return None;
    }
    let ident = layout.cell(cells, Column::Ident);
    let mut warnings = Vec::new();
    let result = row_body(layout, cells, &mut warnings);
    Some(ParsedItem {
        ident: if ident.is_empty() {
            format!("row {row}")
        } else {
            ident.to_string()
        },
        line: Some(line),
        result,
        warnings,
    })
}

fn invalid(reason: String) -> Skip {
    Skip::new("invalid_row", reason)
}

fn missing(column: Column) -> Skip {
    Skip::new(
        "missing_field",
        format!("column {} is empty", column.header()),
    )
}

fn parse_kind(s: &str) -> Option<QuestionKind> {
    QuestionKind::parse(s).or(match s.trim().trim_end_matches('题') {
        "不定项选择" | "不定项" => Some(QuestionKind::Multiple),
        "论述" => Some(QuestionKind::Short),
        "实际操作" | "操作" => Some(QuestionKind::Practical),
        _ => None,
    })
}

fn parse_difficulty(s: &str) -> Option<u8> {
    let half: String = s.chars().map(full_to_half).collect();
    if let Ok(n) = half.trim().parse::<f64>() {
        return (n.fract() == 0.0 && (1.0..=5.0).contains(&n)).then_some(n as u8);
    }
    match s {
        "易" | "容易" | "简单" => Some(1),
        "较易" => Some(2),
        "中等" | "中" | "一般" | "适中" => Some(3),
        "较难" => Some(4),
        "难" | "困难" => Some(5),
        _ => None,
    }
}

fn parse_status(s: &str) -> Option<QuestionStatus> {
    QuestionStatus::parse(&s.to_ascii_lowercase()).or(match s {
        "草稿" => Some(QuestionStatus::Draft),
        "启用" | "正常" | "有效" | "在用" | "使用中" => Some(QuestionStatus::Active),
        "停用" | "退役" | "作废" | "废弃" | "禁用" => Some(QuestionStatus::Retired),
        _ => None,
    })
}

fn status_text(s: QuestionStatus) -> &'static str {
    match s {
        QuestionStatus::Draft => "草稿",
        QuestionStatus::Active => "启用",
        QuestionStatus::Retired => "停用",
    }
}

fn split_list(s: &str, seps: &[char]) -> Vec<String> {
    s.split(seps)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

fn row_body<S: AsRef<str>>(
    layout: &Layout,
    cells: &[S],
    warnings: &mut Vec<String>,
) -> Result<QuestionBody, Skip> {
    let cell = |c: Column| layout.cell(cells, c);
    let kind_text = cell(Column::Kind);
    if kind_text.is_empty() {
        return Err(missing(Column::Kind));
    }
    let kind = parse_kind(kind_text).ok_or_else(|| {
        invalid(format!(
            "题型 {kind_text:?} is not a known question type (单选, 多选, 判断, 填空, 简答, 实操)"
        ))
    })?;
    let stem = cell(Column::Stem);
    if stem.is_empty() {
        return Err(missing(Column::Stem));
    }
    let raw_options: Vec<&str> = (0..MAX_OPTIONS).map(|i| cell(Column::Option(i))).collect();
    let filled = raw_options
        .iter()
        .rposition(|o| !o.is_empty())
        .map_or(0, |p| p + 1);
    let options: Vec<String> = raw_options[..filled]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let answer = cell(Column::Answer);
    if answer.is_empty() && kind.is_objective() {
        return Err(missing(Column::Answer));
    }
    let mut used_options = false;
    let key = match kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            used_options = true;
            if let Some(gap) = options.iter().position(String::is_empty) {
                return Err(invalid(format!(
                    "{} is empty but a later option is filled",
                    OPTION_HEADERS[gap]
                )));
            }
            Key::Choice {
                correct: parse_letters(answer)
                    .ok_or_else(|| invalid(format!("答案 {answer:?} is not option letters A–H")))?,
            }
        }
        QuestionKind::TrueFalse => {
            let by_letter = || {
                let letters = parse_letters(answer)?;
                let [i] = letters.as_slice() else { return None };
                parse_true_false(options.get(*i)?)
            };
            let value = match parse_true_false(answer) {
                Some(v) => v,
                None => {
                    used_options = true;
                    by_letter().ok_or_else(|| {
                        invalid(format!("答案 {answer:?} is not 对 or 错 (true or false)"))
                    })?
                }
            };
            Key::TrueFalse { value }
        }
        QuestionKind::Fill => {
            let accepted: Vec<Vec<String>> = answer
                .split([';', '；'])
                .map(|blank| split_list(blank, &['|', '｜']))
                .filter(|b| !b.is_empty())
                .collect();
            if accepted.is_empty() {
                return Err(missing(Column::Answer));
            }
            Key::Blanks { accepted }
        }
        QuestionKind::Short | QuestionKind::Practical => Key::Open {
            reference: answer.to_string(),
        },
    };
    if !options.is_empty() && !used_options && kind != QuestionKind::TrueFalse {
        warnings.push(format!(
            "the 选项 columns are ignored for a {} question",
            kind.chinese()
        ));
    }
    let difficulty_text = cell(Column::Difficulty);
    let difficulty = if difficulty_text.is_empty() {
        3
    } else {
        parse_difficulty(difficulty_text).ok_or_else(|| {
            invalid(format!(
                "难度 {difficulty_text:?} must be 1 to 5 or 易/较易/中等/较难/难"
            ))
        })?
    };
    let points_text = cell(Column::Points);
    let points = if points_text.is_empty() {
        1.0
    } else {
        let half: String = points_text.chars().map(full_to_half).collect();
        half.trim()
            .trim_end_matches('分')
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|p| p.is_finite())
            .ok_or_else(|| invalid(format!("分值 {points_text:?} is not a number")))?
    };
    let status_cell = cell(Column::Status);
    let status = if status_cell.is_empty() {
        QuestionStatus::Active
    } else {
        parse_status(status_cell)
            .ok_or_else(|| invalid(format!("状态 {status_cell:?} is not 草稿, 启用 or 停用")))?
    };
    Ok(QuestionBody {
        ident: cell(Column::Ident).to_string(),
        kind,
        category: split_list(cell(Column::Category), &['/', '>', '／', '＞']),
        stem: stem.to_string(),
        options: if kind.is_objective() && used_options && kind != QuestionKind::TrueFalse {
            options
        } else {
            Vec::new()
        },
        key,
        rubric: cell(Column::Rubric).to_string(),
        scheme: Vec::new(),
        points,
        difficulty,
        explanation: cell(Column::Explanation).to_string(),
        source: cell(Column::Source).to_string(),
        tags: split_list(cell(Column::Tags), &[',', '，']),
        status,
    })
}

/// A number as a keeper writes it: `2`, `2.5`.
pub(crate) fn number_text(p: f64) -> String {
    if p.fract() == 0.0 && p.abs() < 1e15 {
        format!("{}", p as i64)
    } else {
        format!("{p}")
    }
}

/// The text of one cell of a question's row.
pub(crate) fn cell_text(q: &Question, c: Column) -> Cow<'_, str> {
    match c {
        Column::Ident => Cow::Borrowed(&q.ident),
        Column::Kind => Cow::Borrowed(q.kind.chinese()),
        Column::Stem => Cow::Borrowed(&q.stem),
        Column::Option(i) => q
            .options
            .get(i)
            .map_or(Cow::Borrowed(""), |o| Cow::Borrowed(o)),
        Column::Answer => match &q.key {
            Key::Choice { correct } => {
                Cow::Owned(correct.iter().map(|&i| option_label(i)).collect())
            }
            Key::TrueFalse { value } => Cow::Borrowed(if *value { "对" } else { "错" }),
            Key::Blanks { accepted } => Cow::Owned(
                accepted
                    .iter()
                    .map(|b| b.join("|"))
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            Key::Open { reference } => Cow::Borrowed(reference),
        },
        Column::Explanation => Cow::Borrowed(&q.explanation),
        Column::Difficulty => Cow::Owned(q.difficulty.to_string()),
        Column::Category => Cow::Owned(q.category.join("/")),
        Column::Points => Cow::Owned(number_text(q.points)),
        Column::Tags => Cow::Owned(q.tags.join(",")),
        Column::Source => Cow::Borrowed(&q.source),
        Column::Status => Cow::Borrowed(status_text(q.status)),
        Column::Rubric => Cow::Borrowed(&q.rubric),
    }
}

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
            let at = e
                .position()
                .map(|p| format!(" at line {}", p.line()))
                .unwrap_or_default();
            FormatError::new("malformed_csv", format!("unreadable CSV{at}: {e}"))
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
/// which [`read`] takes off again): the Chinese headers, one row per question. A practical
/// task's marking scheme is not kept.
pub fn write(questions: &[Question]) -> Result<Vec<u8>, FormatError> {
    let fail = |e: ::csv::Error| FormatError::new("export_failed", e.to_string());
    let mut w = crate::spreadsheet::CsvWriter::new();
    w.row(WRITE_COLUMNS.iter().map(|c| c.header()))
        .map_err(fail)?;
    for q in questions {
        w.row(WRITE_COLUMNS.iter().map(|&c| cell_text(q, c)))
            .map_err(fail)?;
    }
    w.finish().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::model::Aspect;

    fn questions() -> Vec<Question> {
        let base = QuestionBody {
            ident: "LAW-0001".into(),
            kind: QuestionKind::Single,
            category: vec!["保安服务管理条例".into(), "保安员".into()],
            stem: "保安员应当年满多少周岁？".into(),
            options: vec!["16周岁".into(), "18周岁".into(), "20周岁".into()],
            key: Key::Choice { correct: vec![1] },
            rubric: String::new(),
            scheme: vec![],
            points: 2.0,
            difficulty: 2,
            explanation: "《保安服务管理条例》第十六条。".into(),
            source: "《保安服务管理条例》第十六条".into(),
            tags: vec!["法规".into(), "入职".into()],
            status: QuestionStatus::Active,
        };
        let bodies = vec![
            base.clone(),
            QuestionBody {
                ident: "LAW-0002".into(),
                kind: QuestionKind::Multiple,
                stem: "下列哪些属于保安服务？\n（多选）".into(),
                options: vec!["门卫".into(), "巡逻".into(), "守护".into(), "侦查".into()],
                key: Key::Choice {
                    correct: vec![0, 1, 2],
                },
                points: 1.5,
                difficulty: 4,
                tags: vec![],
                status: QuestionStatus::Draft,
                ..base.clone()
            },
            QuestionBody {
                ident: "LAW-0003".into(),
                kind: QuestionKind::TrueFalse,
                stem: "保安员可以扣押他人证件。".into(),
                options: vec![],
                key: Key::TrueFalse { value: false },
                category: vec![],
                status: QuestionStatus::Retired,
                ..base.clone()
            },
            QuestionBody {
                ident: "VID-0001".into(),
                kind: QuestionKind::Fill,
                stem: "视频监控系统由___、传输、___和显示四部分组成".into(),
                options: vec![],
                key: Key::Blanks {
                    accepted: vec![vec!["前端".into(), "前端设备".into()], vec!["存储".into()]],
                },
                ..base.clone()
            },
            QuestionBody {
                ident: "VID-0002".into(),
                kind: QuestionKind::Short,
                stem: "简述巡逻的基本要求。".into(),
                options: vec![],
                key: Key::Open {
                    reference: "定时、定线、定点；\n发现问题及时报告。".into(),
                },
                rubric: "要点各 2 分".into(),
                points: 4.0,
                ..base.clone()
            },
            QuestionBody {
                ident: "PRA-0001".into(),
                kind: QuestionKind::Practical,
                stem: "演示灭火器的使用。".into(),
                options: vec![],
                key: Key::Open {
                    reference: "提、拔、握、压".into(),
                },
                rubric: "按步骤给分".into(),
                points: 10.0,
                difficulty: 5,
                ..base
            },
        ];
        bodies
            .into_iter()
            .map(|b| Question::parse(b).unwrap())
            .collect()
    }

    fn bodies(file: ParsedFile) -> Vec<Question> {
        file.items
            .into_iter()
            .map(|i| Question::parse(i.result.unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn writing_then_reading_gives_the_same_questions() {
        let qs = questions();
        let bytes = write(&qs).unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        assert_eq!(bodies(read(&bytes).unwrap()), qs);
    }

    #[test]
    fn a_practical_scheme_is_lost_in_csv_but_the_rest_comes_back() {
        let mut b = questions()[5].clone().into_body();
        b.scheme = vec![
            Aspect {
                text: "拔保险销".into(),
                points: 4.0,
            },
            Aspect {
                text: "对准火焰根部".into(),
                points: 6.0,
            },
        ];
        let q = Question::parse(b).unwrap();
        let back = bodies(read(&write(std::slice::from_ref(&q)).unwrap()).unwrap());
        let mut expected = q.into_body();
        expected.scheme.clear();
        assert_eq!(back[0].body(), &expected);
    }

    #[test]
    fn a_gbk_encoded_csv_with_chinese_headers_reads_correctly() {
        let text = "题型,题干,选项A,选项B,选项C,答案,解析,难度,分类,分值\r\n\
                    单选题,保安员应当年满多少周岁？,16,18,20,B,第十六条,较易,法规>条例,2\r\n\
                    判断,保安员可以扣押他人证件。,,,,错,,,,\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert!(std::str::from_utf8(&gbk).is_err());
        let f = read(&gbk).unwrap();
        assert_eq!(f.items.len(), 2);
        assert_eq!(f.items[0].ident, "row 2");
        assert_eq!(f.items[0].line, Some(2));
        let b = f.items[0].result.as_ref().unwrap();
        assert_eq!(b.kind, QuestionKind::Single);
        assert_eq!(b.stem, "保安员应当年满多少周岁？");
        assert_eq!(b.options, vec!["16", "18", "20"]);
        assert_eq!(b.key, Key::Choice { correct: vec![1] });
        assert_eq!(b.difficulty, 2);
        assert_eq!(b.category, vec!["法规", "条例"]);
        assert_eq!(b.points, 2.0);
        let tf = f.items[1].result.as_ref().unwrap();
        assert_eq!(tf.key, Key::TrueFalse { value: false });
        assert!(Question::parse(tf.clone()).is_ok());
    }

    #[test]
    fn header_variants_are_recognized() {
        let text = "\u{FEFF} ID ,题型*,题干（必填）,Ａ,选项Ｂ,option c,正确答案,标签\n\
                    Q-7,多选,哪些是颜色？,红,绿,圆,AB,\"颜色，基础\"\n";
        let f = read(text.as_bytes()).unwrap();
        let b = f.items[0].result.as_ref().unwrap();
        assert_eq!(f.items[0].ident, "Q-7");
        assert_eq!(b.ident, "Q-7");
        assert_eq!(b.options, vec!["红", "绿", "圆"]);
        assert_eq!(
            b.key,
            Key::Choice {
                correct: vec![0, 1]
            }
        );
        assert_eq!(b.tags, vec!["颜色", "基础"]);
    }

    #[test]
    fn a_file_without_the_required_columns_is_refused_naming_them() {
        let err = read("题型,题目说明\n单选,x\n".as_bytes()).unwrap_err();
        assert_eq!(err.code, "missing_column");
        assert!(err.message.contains("题干"), "{}", err.message);
        assert!(err.message.contains("答案"), "{}", err.message);
        assert!(!err.message.contains("题型"), "{}", err.message);
        assert_eq!(read(b"").unwrap_err().code, "missing_column");
    }

    #[test]
    fn a_bad_row_is_skipped_with_its_reason_and_row_number_and_empty_rows_are_passed_over() {
        let text = "题型,题干,选项A,选项B,答案,难度,分值\n\
                    单选,甲,a,b,A,3,1\n\
                    ,,,,,,\n\
                    单选,乙,a,b,Z,3,1\n\
                    论述题外,丙,,,x,,\n\
                    单选,丁,a,b,A,极难,1\n\
                    单选,戊,a,b,A,3,两分\n\
                    填空,己,,,,,\n";
        let f = read(text.as_bytes()).unwrap();
        assert_eq!(f.items.len(), 6, "the empty row is not an item");
        assert!(f.items[0].result.is_ok());
        let bad = &f.items[1];
        assert_eq!(bad.ident, "row 4");
        assert_eq!(bad.line, Some(4));
        let skip = bad.result.as_ref().unwrap_err();
        assert_eq!(skip.code, "invalid_row");
        assert!(skip.reason.contains("答案"), "{}", skip.reason);
        let reasons: Vec<String> = f.items[2..]
            .iter()
            .map(|i| i.result.as_ref().unwrap_err().reason.clone())
            .collect();
        assert!(reasons[0].contains("题型"), "{}", reasons[0]);
        assert!(reasons[1].contains("难度"), "{}", reasons[1]);
        assert!(reasons[2].contains("分值"), "{}", reasons[2]);
        assert_eq!(
            f.items[5].result.as_ref().unwrap_err().code,
            "missing_field"
        );
    }

    #[test]
    fn fill_answers_split_into_blanks_and_alternatives() {
        let text = "题型,题干,答案\n填空,由___和___组成,前端|前端设备；后端\n";
        let f = read(text.as_bytes()).unwrap();
        assert_eq!(
            f.items[0].result.as_ref().unwrap().key,
            Key::Blanks {
                accepted: vec![vec!["前端".into(), "前端设备".into()], vec!["后端".into()]]
            }
        );
    }

    #[test]
    fn a_true_false_answer_may_name_the_option_that_says_true_or_false() {
        let text = "题型,题干,选项A,选项B,答案\n判断题,地球是圆的,正确,错误,A\n";
        let f = read(text.as_bytes()).unwrap();
        let b = f.items[0].result.as_ref().unwrap();
        assert_eq!(b.key, Key::TrueFalse { value: true });
        assert!(b.options.is_empty());
    }

    #[test]
    fn a_title_row_above_the_header_and_tab_separated_text_are_read() {
        let text = "保安员题库\t\t\n题型\t题干\t答案\n简答\t说说你自己\t\n";
        let f = read(text.as_bytes()).unwrap();
        assert_eq!(f.items.len(), 1);
        assert_eq!(f.items[0].ident, "row 3");
        let b = f.items[0].result.as_ref().unwrap();
        assert_eq!(b.kind, QuestionKind::Short);
        assert_eq!(
            b.key,
            Key::Open {
                reference: String::new()
            }
        );
    }

    #[test]
    fn difficulty_words_and_numbers_are_read() {
        assert_eq!(parse_difficulty("易"), Some(1));
        assert_eq!(parse_difficulty("较难"), Some(4));
        assert_eq!(parse_difficulty("3.0"), Some(3));
        assert_eq!(parse_difficulty("６"), None);
    }
}
