//! Question-bank file formats: each module reads a file into [`ParsedFile`] and writes
//! questions back out. Readers are pure (bytes in, items out); storing is the repo's job.

pub mod aiken;
pub mod csv;
pub mod gift;
pub mod html;
pub mod moodle;
pub mod native;
pub mod qti;
pub(crate) mod scheme;
pub mod sheet;
pub mod text;
pub mod xlsx;
mod xml;
#[cfg(test)]
mod zh_tests;
pub mod zip_limits;

use super::model::{Question, QuestionBody};
use crate::error::{AppError, ErrorCode, Text};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The formats the platform reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// The native TOML format of question-bank/ (see question-bank/README.md).
    Native,
    /// Moodle's GIFT text format.
    Gift,
    /// Moodle XML.
    MoodleXml,
    /// Aiken (single choice only).
    Aiken,
    /// IMS QTI 2.1 item or assessmentTest XML.
    Qti,
    /// CSV with the Chinese column headers (UTF-8 or GBK).
    Csv,
    /// XLSX with the Chinese column headers.
    Xlsx,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 7] = [
        Self::Native,
        Self::Gift,
        Self::MoodleXml,
        Self::Aiken,
        Self::Qti,
        Self::Csv,
        Self::Xlsx,
    ];

    /// The code used in URLs and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::Gift => "gift",
            Self::MoodleXml => "moodle_xml",
            Self::Aiken => "aiken",
            Self::Qti => "qti",
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// Reads a format code (also accepts common file extensions).
    pub fn parse(s: &str) -> Option<Format> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|f| f.code() == s)
            .or(match s.as_str() {
                "toml" => Some(Self::Native),
                "moodle" | "xml" => Some(Self::MoodleXml),
                "qti21" | "qti2" => Some(Self::Qti),
                "txt" => Some(Self::Gift),
                _ => None,
            })
    }

    /// Guesses the format from a file name.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".gift") || lower.ends_with(".gift.txt") {
            return Some(Self::Gift);
        }
        if lower.ends_with(".aiken.txt") || lower.ends_with(".aiken") {
            return Some(Self::Aiken);
        }
        let ext = lower.rsplit('.').next()?;
        match ext {
            "toml" => Some(Self::Native),
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            "txt" => Some(Self::Gift),
            "xml" => None, // Moodle XML or QTI: decided by sniffing the content
            _ => None,
        }
    }

    /// Tells Moodle XML from QTI by the root element.
    pub fn sniff_xml(bytes: &[u8]) -> Option<Format> {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        if head.contains("<quiz") {
            Some(Self::MoodleXml)
        } else if head.contains("assessmentItem") || head.contains("assessmentTest") {
            Some(Self::Qti)
        } else {
            None
        }
    }

    /// The MIME type of an exported file.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Native => "application/toml; charset=utf-8",
            Self::Gift | Self::Aiken => "text/plain; charset=utf-8",
            Self::MoodleXml => "application/xml; charset=utf-8",
            Self::Qti => "application/zip",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file extension of an exported file.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Native => "toml",
            Self::Gift => "gift.txt",
            Self::Aiken => "aiken.txt",
            Self::MoodleXml => "moodle.xml",
            Self::Qti => "qti.zip",
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// Works out a file's format from its name and first bytes, when the uploader did not say.
pub fn guess(file_name: Option<&str>, bytes: &[u8]) -> Option<Format> {
    if let Some(f) = file_name.and_then(Format::from_file_name) {
        return Some(f);
    }
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if bytes.starts_with(b"PK") {
        return if contains(b"xl/workbook") {
            Some(Format::Xlsx)
        } else if contains(b"imsmanifest.xml") || contains(b"assessmentItem") {
            Some(Format::Qti)
        } else {
            None
        };
    }
    let head = &bytes[..bytes.len().min(8192)];
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start_matches('\u{FEFF}').trim_start();
    if trimmed.starts_with('<') {
        return Format::sniff_xml(head);
    }
    if text.contains("[[question]]") || text.contains("[bank]") {
        return Some(Format::Native);
    }
    if text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("ANSWER:") || l.starts_with("答案：") || l.starts_with("答案:")
    }) {
        return Some(Format::Aiken);
    }
    let first_line = text.lines().next().unwrap_or("");
    if first_line.contains("题干") || first_line.contains("题型") {
        return Some(Format::Csv);
    }
    if text.contains('{') && text.contains('}') {
        return Some(Format::Gift);
    }
    // Not UTF-8 (a cut at the 8 KiB boundary does not count): most likely a GBK CSV from Excel.
    if let Err(e) = std::str::from_utf8(head)
        && e.error_len().is_some()
    {
        return Some(Format::Csv);
    }
    None
}

/// A file that an item embeds or references (an image in a stem).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The name the item's stem uses for it (e.g. `sign.png`, `images/sign.png`).
    pub name: String,
    /// MIME type, e.g. `image/png`.
    pub mime: String,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// Why an item was not imported. `code` is stable snake_case; `reason` and `reason_zh` are for
/// people (the item's labels as the file writes them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Skip {
    /// Stable code, e.g. `unsupported_interaction`, `invalid_question`, `missing_field`.
    #[schema(value_type = String)]
    pub code: ErrorCode,
    /// A sentence a bank keeper understands, in English.
    pub reason: String,
    /// The same sentence in Chinese.
    #[serde(default)]
    pub reason_zh: String,
}

impl Skip {
    /// A skip with a code and its reason in Chinese and English.
    pub fn new(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> Skip {
        Skip {
            code,
            reason: en.into(),
            reason_zh: zh.into(),
        }
    }

    /// A skip with a code and a bilingual reason.
    pub fn text(code: ErrorCode, text: Text) -> Skip {
        Skip::new(code, text.zh, text.en)
    }

    /// The reason in both languages.
    pub fn reason_text(&self) -> Text {
        Text::new(self.reason_zh.clone(), self.reason.clone())
    }

    /// An item whose text in the file is over [`MAX_ITEM_BYTES`].
    pub fn item_too_large(bytes: usize) -> Skip {
        let (mib, limit) = (bytes / (1024 * 1024), MAX_ITEM_BYTES / (1024 * 1024));
        Skip::new(
            ErrorCode::ItemTooLarge,
            format!("这道题在文件中占 {mib} MiB，超过 {limit} MiB 上限，未读取"),
            format!(
                "the item takes {bytes} bytes of the file, more than the {limit} MiB an item may; it was not read"
            ),
        )
    }
}

/// The warning for a wildcard answer `*`, which is dropped (GIFT, Moodle, Cloze).
pub(crate) fn wildcard_ignored() -> Text {
    Text::new("通配答案 * 已忽略", "the wildcard answer * is ignored")
}

/// The warning for an answer that gives partial credit, which is dropped.
pub(crate) fn partial_answer(answer: &str, weight: f64) -> Text {
    Text::new(
        format!("答案“{answer}”只给 {weight}% 的部分分，只接受满分答案，此答案未导入"),
        format!(
            "answer {answer:?} gives {weight}% partial credit; only full-credit answers are accepted"
        ),
    )
}

/// The warning for an option that gives partial credit, which is dropped.
pub(crate) fn partial_option(index: usize, weight: f64) -> Text {
    let l = crate::bank::model::option_label(index);
    Text::new(
        format!("选项 {l} 给 {weight}% 的部分分，导入后不保留"),
        format!("option {l} gives {weight}% partial credit, which is not kept"),
    )
}

/// The warning for an accepted answer with a `*` that is not a wildcard.
pub(crate) fn matched_literally(answer: &str) -> Text {
    Text::new(
        format!("答案“{answer}”按原文匹配：这里的 * 不是通配符"),
        format!("answer {answer:?} is matched literally: * is not a wildcard here"),
    )
}

/// A numerical question with a tolerance range, which the platform does not score.
pub(crate) fn tolerance_unsupported() -> Skip {
    Skip::new(
        ErrorCode::UnsupportedType,
        "不支持带误差范围的数值题",
        "numerical questions with a tolerance range are not supported",
    )
}

/// A numerical answer that is not a number.
pub(crate) fn not_a_number(value: &str) -> Skip {
    Skip::new(
        ErrorCode::InvalidQuestion,
        format!("数值题的答案“{value}”不是数字"),
        format!("the numerical answer {value:?} is not a number"),
    )
}

/// Most bytes one item may take in a file (a GIFT or Aiken question, a CSV row, a Moodle
/// `<question>`, a QTI item). A question within [`crate::bank::model::limits`] needs far less,
/// markup included; a bigger one is refused before it is read, so a hostile file cannot make
/// a reader copy tens of megabytes over and over.
pub const MAX_ITEM_BYTES: usize = 2 * 1024 * 1024;

/// One item of a file as a reader saw it.
#[derive(Debug, Clone)]
pub struct ParsedItem {
    /// The item's identifier in the file (title, identifier attribute, row's ID), or a
    /// positional name like `row 7` / `question 3` when it has none.
    pub ident: String,
    /// The line (text formats) or row (spreadsheets) where the item starts, 1-based.
    pub line: Option<usize>,
    /// The body, or why it cannot become one. The body still has to pass [`Question::parse`].
    pub result: Result<QuestionBody, Skip>,
    /// Things that did not stop the import but the keeper should know (e.g. a missing image).
    pub warnings: Vec<Text>,
}

/// What a reader got out of a file.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// A bank name the file carries, if any.
    pub bank_name: Option<String>,
    /// A bank code the file carries (native format), if any.
    pub bank_code: Option<String>,
    /// A bank description the file carries, if any.
    pub bank_description: Option<String>,
    /// The file says its questions are generated (never loaded from question-bank/).
    pub synthetic: bool,
    /// Every item in file order, supported or not.
    pub items: Vec<ParsedItem>,
    /// Images and other files the items refer to by name.
    pub attachments: Vec<Attachment>,
}

impl ParsedFile {
    /// Adds an item. A body over the question limits becomes a skip here, at once, so that a
    /// file of many oversized items never holds them all (the limits are those of
    /// [`crate::bank::model::check_limits`], which [`Question::parse`] applies again).
    pub fn push(&mut self, mut item: ParsedItem) {
        if let Ok(body) = &item.result
            && let Err(e) = crate::bank::model::check_limits(body)
        {
            item.result = Err(Skip::text(e.code(), e.text()));
        }
        self.items.push(item);
    }
}

/// A file-level problem: the file cannot be read at all, so nothing is imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct FormatError {
    /// Stable code, e.g. `malformed_xml`, `malformed_toml`, `bad_encoding`, `missing_column`.
    pub code: ErrorCode,
    /// What is wrong, with the line or position where known, in English.
    pub message: String,
    /// The same in Chinese.
    pub message_zh: String,
}

impl FormatError {
    /// A file-level error, in Chinese and English.
    pub fn new(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> FormatError {
        FormatError {
            code,
            message: en.into(),
            message_zh: zh.into(),
        }
    }

    /// A file-level error with a bilingual text.
    pub fn text(code: ErrorCode, text: Text) -> FormatError {
        FormatError::new(code, text.zh, text.en)
    }

    /// An export that could not be written (the writer's own words go to the English text).
    pub fn export_failed(e: impl std::fmt::Display) -> FormatError {
        FormatError::new(ErrorCode::ExportFailed, "导出文件时出错", e.to_string())
    }

    /// The message in both languages.
    pub fn message_text(&self) -> Text {
        Text::new(self.message_zh.clone(), self.message.clone())
    }

    /// The same error with both texts prefixed (e.g. by the file inside a package).
    pub fn prefixed(self, zh: &str, en: &str) -> FormatError {
        let code = self.code;
        FormatError::text(code, self.message_text().prefixed(zh, en))
    }
}

/// Reads a file in the given format.
pub fn read(format: Format, bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    match format {
        Format::Native => native::read(bytes),
        Format::Gift => gift::read(bytes),
        Format::MoodleXml => moodle::read(bytes),
        Format::Aiken => aiken::read(bytes),
        Format::Qti => qti::read(bytes),
        Format::Csv => csv::read(bytes),
        Format::Xlsx => xlsx::read(bytes),
    }
}

/// Writes questions (with the images their stems use) in the given format.
pub fn write(
    format: Format,
    bank_name: &str,
    questions: &[Question],
    attachments: &[Attachment],
) -> Result<Vec<u8>, FormatError> {
    match format {
        Format::Native => native::write(bank_name, questions, attachments),
        Format::Gift => gift::write(questions),
        Format::MoodleXml => moodle::write(questions, attachments),
        Format::Aiken => aiken::write(questions),
        Format::Qti => qti::write(bank_name, questions, attachments),
        Format::Csv => csv::write(questions),
        Format::Xlsx => xlsx::write(questions),
    }
}

// Kept beside the format errors, so the error module need not know the bank.
impl From<FormatError> for AppError {
    fn from(e: FormatError) -> Self {
        let status = match e.code {
            ErrorCode::UnsupportedFormat => actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        };
        AppError::new(status, e.code, e.message).with_zh(e.message_zh)
    }
}
