//! The columns of the spreadsheet layout, their header variants, and the search for the header
//! row among a sheet's first rows.

use crate::bank::format::FormatError;
use crate::bank::model::{MAX_OPTIONS, full_to_half, option_index};
use crate::error::ErrorCode;

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
    /// 考核时间(分钟) of a practical task
    Minutes,
    /// 设备材料 of a practical task: `名称|规格|数量|单位` per line
    Equipment,
    /// 评分细则 of a practical task: `分项|内容|分值|类型|参数` per line
    Scheme,
}

const SLOTS: usize = 15 + MAX_OPTIONS;
pub(super) const OPTION_HEADERS: [&str; MAX_OPTIONS] = [
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
    Column::Minutes,
    Column::Equipment,
    Column::Scheme,
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
            Column::Minutes => 12,
            Column::Equipment => 13,
            Column::Scheme => 14,
            Column::Option(i) => 15 + i.min(MAX_OPTIONS - 1),
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
            Column::Minutes => "考核时间(分钟)",
            Column::Equipment => "设备材料",
            Column::Scheme => "评分细则",
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
            "评分标准" | "rubric" => Column::Rubric,
            "考核时间" | "考核时长" | "时长" | "时间限制" | "minutes" => {
                Column::Minutes
            }
            "设备材料" | "设备材料清单" | "设备清单" | "设备" | "equipment" => {
                Column::Equipment
            }
            "评分细则" | "评分表" | "scheme" => Column::Scheme,
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

    pub(super) fn cell<'c, S: AsRef<str>>(&self, cells: &'c [S], c: Column) -> &'c str {
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
            ErrorCode::MissingColumn,
            format!("表头缺少必需的列：{}", missing.join("、")),
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
