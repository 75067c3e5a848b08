//! The native TOML format of question-bank/ (documented in question-bank/README.md).

use super::scheme::toml::{self as scheme, number_value};
use super::text::{line_of, media_hash};
use super::{Attachment, FormatError, ParsedFile, ParsedItem, Skip};
use crate::bank::model::{
    Key, Question, QuestionBody, QuestionKind, QuestionStatus, option_label, parse_letters,
};
use crate::error::{ErrorCode, Text};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::{Spanned, Table, Value};

#[derive(Deserialize)]
struct RawFile {
    bank: Option<RawBank>,
    #[serde(default)]
    question: Vec<Spanned<RawQuestion>>,
    #[serde(default)]
    media: BTreeMap<String, RawMedia>,
}

#[derive(Deserialize, Serialize)]
struct RawBank {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    synthetic: bool,
}

#[derive(Deserialize, Serialize)]
struct RawMedia {
    mime: String,
    base64: String,
}

const TRUE_FALSE_ZH: &str = "答案必须是 true 或 false（对或错）";
const TRUE_FALSE_EN: &str = "answer must be true or false";

const KNOWN_FIELDS: [&str; 16] = [
    "id",
    "type",
    "category",
    "stem",
    "options",
    "answer",
    "rubric",
    "scheme",
    "minutes",
    "equipment",
    "points",
    "difficulty",
    "explanation",
    "source",
    "tags",
    "status",
];

/// One `[[question]]` table: each known field kept as a TOML value (so a wrong type skips
/// only this question), unknown field names remembered for a warning. A fixed slot per field
/// instead of a map keeps a 50,000-question file's memory and allocations down.
#[derive(Default)]
struct RawQuestion {
    fields: [Option<Value>; 16],
    unknown: Vec<String>,
}

impl RawQuestion {
    fn get(&self, name: &str) -> Option<&Value> {
        let i = KNOWN_FIELDS.iter().position(|f| *f == name)?;
        self.fields[i].as_ref()
    }
}

impl<'de> Deserialize<'de> for RawQuestion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawQuestion;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a [[question]] table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawQuestion, A::Error> {
                let mut q = RawQuestion::default();
                while let Some(key) = map.next_key::<String>()? {
                    match KNOWN_FIELDS.iter().position(|f| *f == key) {
                        Some(i) => q.fields[i] = Some(map.next_value()?),
                        None => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                            q.unknown.push(key);
                        }
                    }
                }
                Ok(q)
            }
        }
        d.deserialize_map(V)
    }
}

/// Splits the text into one chunk per `[[question]]` table (with its first line number) and
/// the rest (`[bank]`, `[media]`), in which question lines are blanked so line numbers hold.
/// Parsing question by question keeps memory near the file's size: parsing a 50,000-question
/// file whole builds a document model many times larger than the file.
fn split_questions(text: &str) -> (String, Vec<(usize, &str)>) {
    let mut rest = String::new();
    let mut chunks: Vec<(usize, usize, usize)> = Vec::new(); // (first line, start, end)
    let mut in_question = false;
    let mut offset = 0;
    // Inside a multi-line string (""" or '''), a line starting with `[` is text, not a header.
    let mut open_string: Option<&str> = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let head = line.trim();
        if open_string.is_none() {
            if head == "[[question]]" {
                in_question = true;
                chunks.push((i + 1, offset, offset));
            } else if head.starts_with('[')
                && !head.starts_with("[[question.")
                && !head.starts_with("[question.")
            {
                in_question = false;
            }
        }
        open_string = multiline_state(line, open_string);
        offset += line.len();
        if in_question {
            if let Some(c) = chunks.last_mut() {
                c.2 = offset;
            }
            rest.push('\n');
        } else {
            rest.push_str(line);
        }
    }
    let chunks = chunks
        .into_iter()
        .map(|(line, start, end)| (line, &text[start..end]))
        .collect();
    (rest, chunks)
}

/// Whether a multi-line string is open after `line`, given the one open before it. Quotes are
/// counted outside comments; an escaped `\"""` inside a basic string does not close it.
fn multiline_state<'a>(line: &str, mut open: Option<&'a str>) -> Option<&'a str> {
    let mut rest = line;
    loop {
        match open {
            Some(delim) => {
                let mut search = rest;
                let mut consumed = 0;
                let found = loop {
                    match search.find(delim) {
                        Some(at) if delim == "\"\"\"" && search[..at].ends_with('\\') => {
                            consumed += at + 1;
                            search = &search[at + 1..];
                        }
                        Some(at) => break Some(consumed + at),
                        None => break None,
                    }
                };
                match found {
                    Some(at) => {
                        rest = &rest[at + delim.len()..];
                        open = None;
                    }
                    None => return open,
                }
            }
            None => {
                let basic = rest.find("\"\"\"");
                let literal = rest.find("'''");
                let comment = rest.find('#');
                let first = match (basic, literal) {
                    (Some(b), Some(l)) if l < b => Some((l, "'''")),
                    (Some(b), _) => Some((b, "\"\"\"")),
                    (None, Some(l)) => Some((l, "'''")),
                    (None, None) => None,
                };
                match first {
                    Some((at, delim)) if comment.is_none_or(|c| c > at) => {
                        rest = &rest[at + delim.len()..];
                        open = Some(delim);
                    }
                    _ => return None,
                }
            }
        }
    }
}

/// Reads a native bank file.
pub fn read(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        FormatError::new(
            ErrorCode::BadEncoding,
            "本平台格式的题库文件必须是 UTF-8 编码",
            format!("a native bank file must be UTF-8: {e}"),
        )
    })?;
    let (rest, chunks) = split_questions(text);
    let raw: RawFile = toml::from_str(&rest).map_err(|e| {
        let at = e.span().map(|s| line_of(&rest, s.start)).unwrap_or(1);
        FormatError::new(
            ErrorCode::MalformedToml,
            format!("第 {at} 行的 TOML 格式有误"),
            e.to_string().trim().to_string(),
        )
    })?;
    let mut questions = Vec::with_capacity(chunks.len());
    for (first_line, chunk) in chunks {
        let mut one: RawFile = toml::from_str(chunk).map_err(|e| {
            let at = e.span().map(|s| line_of(chunk, s.start)).unwrap_or(1);
            FormatError::new(
                ErrorCode::MalformedToml,
                format!("第 {} 行的 TOML 格式有误", first_line + at - 1),
                format!(
                    "TOML parse error at line {}: {}",
                    first_line + at - 1,
                    e.message()
                ),
            )
        })?;
        for q in one.question.drain(..) {
            let line = first_line + line_of(chunk, q.span().start) - 1;
            questions.push((line, q.into_inner()));
        }
    }
    let mut file = ParsedFile::default();
    if let Some(bank) = raw.bank {
        file.bank_code = bank.code;
        file.bank_name = bank.name;
        file.bank_description = bank.description;
        file.synthetic = bank.synthetic;
    }
    for (name, m) in raw.media {
        let data = B64.decode(m.base64.trim()).map_err(|e| {
            FormatError::new(
                ErrorCode::MalformedMedia,
                format!("媒体文件“{name}”的 base64 编码有误"),
                format!("media {name:?}: bad base64: {e}"),
            )
        })?;
        file.attachments.push(Attachment {
            name,
            mime: m.mime,
            data,
        });
    }
    for (n, (line, table)) in questions.into_iter().enumerate() {
        let ident = match table.get("id").and_then(Value::as_str) {
            Some(id) if !id.trim().is_empty() => id.trim().to_string(),
            _ => format!("question {}", n + 1),
        };
        let mut unknown: Vec<&String> = table.unknown.iter().collect();
        unknown.sort();
        let mut warnings = unknown
            .into_iter()
            .map(|k| {
                Text::new(
                    format!("未知字段“{k}”已忽略"),
                    format!("unknown field {k:?} ignored"),
                )
            })
            .collect();
        let result = body_from_table(&table, &mut warnings);
        file.push(ParsedItem {
            ident,
            line: Some(line),
            result,
            warnings,
        });
    }
    Ok(file)
}

fn str_field(t: &RawQuestion, name: &str) -> Result<String, Skip> {
    match t.get(name) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Skip::new(
            ErrorCode::InvalidField,
            format!("字段“{name}”必须是字符串"),
            format!("field {name:?} must be a string"),
        )),
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn body_from_table(t: &RawQuestion, warnings: &mut Vec<Text>) -> Result<QuestionBody, Skip> {
    let kind_text = str_field(t, "type")?;
    if kind_text.is_empty() {
        return Err(Skip::new(
            ErrorCode::MissingField,
            "缺少字段“type”",
            "field \"type\" is missing",
        ));
    }
    let kind = QuestionKind::parse(&kind_text).ok_or_else(|| {
        Skip::new(
            ErrorCode::UnknownType,
            format!("未知的题型“{kind_text}”"),
            format!("unknown question type {kind_text:?}"),
        )
    })?;
    let category = match t.get("category") {
        None => vec![],
        Some(Value::String(s)) => s.split('/').map(str::to_string).collect(),
        Some(Value::Array(a)) => a.iter().filter_map(scalar_text).collect(),
        Some(_) => {
            return Err(Skip::new(
                ErrorCode::InvalidField,
                "字段“category”必须是像“法规/条例”这样的字符串",
                "field \"category\" must be a string like \"法规/条例\"",
            ));
        }
    };
    let options = match t.get("options") {
        None => vec![],
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                scalar_text(v).ok_or_else(|| {
                    Skip::new(
                        ErrorCode::InvalidField,
                        "每个选项都必须是字符串",
                        "every option must be a string",
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(Skip::new(
                ErrorCode::InvalidField,
                "字段“options”必须是字符串列表",
                "field \"options\" must be a list of strings",
            ));
        }
    };
    let answer = t.get("answer");
    let bad_answer = |zh: &str, en: &str| Skip::new(ErrorCode::InvalidAnswer, zh, en);
    let key = match kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            let text = answer.and_then(Value::as_str).ok_or_else(|| {
                bad_answer(
                    "答案必须是选项字母，如“B”或“ACD”",
                    "answer must be option letters such as \"B\" or \"ACD\"",
                )
            })?;
            Key::Choice {
                correct: parse_letters(text).ok_or_else(|| {
                    bad_answer(
                        &format!("答案“{text}”不是 A–H 的选项字母"),
                        &format!("answer {text:?} is not option letters A–H"),
                    )
                })?,
            }
        }
        QuestionKind::TrueFalse => Key::TrueFalse {
            value: match answer {
                Some(Value::Boolean(b)) => *b,
                Some(Value::String(s)) => crate::bank::model::parse_true_false(s)
                    .ok_or_else(|| bad_answer(TRUE_FALSE_ZH, TRUE_FALSE_EN))?,
                _ => return Err(bad_answer(TRUE_FALSE_ZH, TRUE_FALSE_EN)),
            },
        },
        QuestionKind::Fill => {
            let list = match answer {
                Some(Value::Array(a)) => a.clone(),
                Some(v @ Value::String(_)) => vec![v.clone()],
                _ => {
                    return Err(bad_answer(
                        "答案必须列出每个填空可接受的答案",
                        "answer must list the accepted answers of each blank",
                    ));
                }
            };
            let mut accepted = Vec::with_capacity(list.len());
            for blank in &list {
                accepted.push(match blank {
                    Value::Array(alts) => alts.iter().filter_map(scalar_text).collect(),
                    v => vec![scalar_text(v).ok_or_else(|| {
                        bad_answer(
                            "每个填空的答案必须是字符串或字符串列表",
                            "each blank's answer must be a string or a list of strings",
                        )
                    })?],
                });
            }
            Key::Blanks { accepted }
        }
        QuestionKind::Short | QuestionKind::Practical => Key::Open {
            reference: match answer {
                None => String::new(),
                Some(v) => scalar_text(v).ok_or_else(|| {
                    bad_answer(
                        "答案必须是文字形式的参考答案",
                        "answer must be the reference answer as text",
                    )
                })?,
            },
        },
    };
    let scheme = match t.get("scheme") {
        None => vec![],
        Some(v) => scheme::read_scheme(v, warnings)?,
    };
    let equipment = match t.get("equipment") {
        None => vec![],
        Some(v) => scheme::read_equipment(v, warnings)?,
    };
    let minutes = match t.get("minutes") {
        None => 0,
        Some(v) => scheme::read_minutes(v)?,
    };
    let points = match t.get("points") {
        None => 1.0,
        Some(v) => number(v).ok_or_else(|| {
            Skip::new(
                ErrorCode::InvalidField,
                "字段“points”必须是数字",
                "points must be a number",
            )
        })?,
    };
    let difficulty = match t.get("difficulty") {
        None => 3,
        Some(Value::Integer(i)) if (0..=255).contains(i) => *i as u8,
        Some(_) => {
            return Err(Skip::new(
                ErrorCode::InvalidField,
                "字段“difficulty”必须是 1 至 5 的整数",
                "difficulty must be a whole number from 1 to 5",
            ));
        }
    };
    let tags = match t.get("tags") {
        None => vec![],
        Some(Value::Array(a)) => a.iter().filter_map(scalar_text).collect(),
        Some(Value::String(s)) => s.split([',', '，']).map(str::to_string).collect(),
        Some(_) => {
            return Err(Skip::new(
                ErrorCode::InvalidField,
                "字段“tags”必须是字符串列表",
                "tags must be a list of strings",
            ));
        }
    };
    let status_text = str_field(t, "status")?;
    let status = if status_text.is_empty() {
        QuestionStatus::Active
    } else {
        QuestionStatus::parse(&status_text).ok_or_else(|| {
            Skip::new(
                ErrorCode::InvalidField,
                format!("状态“{status_text}”须为 draft、in_review、active、flagged 或 retired"),
                format!(
                    "status {status_text:?} is not draft, in_review, active, flagged or retired"
                ),
            )
        })?
    };
    Ok(QuestionBody {
        ident: str_field(t, "id")?,
        kind,
        category,
        stem: str_field(t, "stem")?,
        options,
        key,
        rubric: str_field(t, "rubric")?,
        scheme,
        minutes,
        equipment,
        points,
        difficulty,
        explanation: str_field(t, "explanation")?,
        source: str_field(t, "source")?,
        tags,
        status,
    })
}

fn question_table(q: &Question) -> Table {
    let mut t = Table::new();
    if !q.ident.is_empty() {
        t.insert("id".into(), Value::String(q.ident.clone()));
    }
    t.insert("type".into(), Value::String(q.kind.code().into()));
    if !q.category.is_empty() {
        t.insert("category".into(), Value::String(q.category.join("/")));
    }
    t.insert("stem".into(), Value::String(q.stem.clone()));
    if !q.options.is_empty() {
        t.insert(
            "options".into(),
            Value::Array(q.options.iter().cloned().map(Value::String).collect()),
        );
    }
    let answer = match &q.key {
        Key::Choice { correct } => {
            Value::String(correct.iter().map(|&i| option_label(i)).collect())
        }
        Key::TrueFalse { value } => Value::Boolean(*value),
        Key::Blanks { accepted } => Value::Array(
            accepted
                .iter()
                .map(|b| Value::Array(b.iter().cloned().map(Value::String).collect()))
                .collect(),
        ),
        Key::Open { reference } => Value::String(reference.clone()),
    };
    t.insert("answer".into(), answer);
    if !q.rubric.is_empty() {
        t.insert("rubric".into(), Value::String(q.rubric.clone()));
    }
    if !q.scheme.is_empty() {
        let list = q.scheme.iter().map(scheme::aspect_table).collect();
        t.insert("scheme".into(), Value::Array(list));
    }
    if q.minutes > 0 {
        t.insert("minutes".into(), Value::Integer(q.minutes.into()));
    }
    if !q.equipment.is_empty() {
        let list = q.equipment.iter().map(scheme::equipment_table).collect();
        t.insert("equipment".into(), Value::Array(list));
    }
    t.insert("points".into(), number_value(q.points));
    t.insert("difficulty".into(), Value::Integer(q.difficulty.into()));
    if !q.explanation.is_empty() {
        t.insert("explanation".into(), Value::String(q.explanation.clone()));
    }
    if !q.source.is_empty() {
        t.insert("source".into(), Value::String(q.source.clone()));
    }
    if !q.tags.is_empty() {
        t.insert(
            "tags".into(),
            Value::Array(q.tags.iter().cloned().map(Value::String).collect()),
        );
    }
    if q.status != QuestionStatus::Active {
        t.insert("status".into(), Value::String(q.status.code().into()));
    }
    t
}

/// Writes a bank in the native format. Stored images (`/api/media/<sha256>`) are written into
/// `[media]` under the name `<sha256>.<ext>` and the stems refer to that name.
pub fn write(
    bank_name: &str,
    questions: &[Question],
    attachments: &[Attachment],
) -> Result<Vec<u8>, FormatError> {
    write_bank(None, bank_name, None, false, questions, attachments)
}

/// Writes a bank in the native format with its code and description.
pub fn write_bank(
    code: Option<&str>,
    name: &str,
    description: Option<&str>,
    synthetic: bool,
    questions: &[Question],
    attachments: &[Attachment],
) -> Result<Vec<u8>, FormatError> {
    let mut media = Table::new();
    let mut out = Table::new();
    let bank = RawBank {
        code: code.map(str::to_string),
        name: Some(name.to_string()),
        description: description.map(str::to_string),
        synthetic,
    };
    out.insert(
        "bank".into(),
        Value::try_from(bank).map_err(FormatError::export_failed)?,
    );
    let mut list = Vec::with_capacity(questions.len());
    for q in questions {
        let mut t = question_table(q);
        let stem = super::text::map_image_refs(&q.stem, |r| {
            let hash = media_hash(&r.target)?;
            let a = attachments.iter().find(|a| a.name.starts_with(hash))?;
            let name = format!("{hash}.{}", super::text::mime_extension(&a.mime));
            if !media.contains_key(&name) {
                let mut m = Table::new();
                m.insert("mime".into(), Value::String(a.mime.clone()));
                m.insert("base64".into(), Value::String(B64.encode(&a.data)));
                media.insert(name.clone(), Value::Table(m));
            }
            Some(name)
        });
        t.insert("stem".into(), Value::String(stem));
        list.push(Value::Table(t));
    }
    out.insert("question".into(), Value::Array(list));
    if !media.is_empty() {
        out.insert("media".into(), Value::Table(media));
    }
    toml::to_string(&out)
        .map(String::into_bytes)
        .map_err(FormatError::export_failed)
}

#[cfg(test)]
#[path = "native_tests.rs"]
mod tests;
