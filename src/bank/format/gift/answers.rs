//! A GIFT answer block (`{=right ~wrong}`, `{T}`, `{#42}`, `{}`, …) and the text around it:
//! the kind, options, key and explanation of a question.

use super::{TextFormat, split_format};
use super::{convert, restore};
use crate::bank::format::Skip;
use crate::bank::format::moodle::percent_weight;
use crate::bank::format::{
    matched_literally, not_a_number, partial_answer, partial_option, tolerance_unsupported,
    wildcard_ignored,
};
use crate::bank::model::{BLANK_MARKER, Key, QuestionKind};
use crate::error::{ErrorCode, Text};

/// Whether a weight in percent is full credit.
fn full(w: f64) -> bool {
    w >= 100.0 - 1e-4
}

/// What a question block holds apart from its title, category and comments.
pub(super) struct Parts {
    pub(super) kind: QuestionKind,
    pub(super) stem: String,
    pub(super) options: Vec<String>,
    pub(super) key: Key,
    pub(super) explanation: String,
}

/// Parses the text of a question after its title (escapes already protected).
pub(super) fn parse_parts(text: &str, warnings: &mut Vec<Text>) -> Result<Parts, Skip> {
    let brace_error = || {
        Skip::new(
            ErrorCode::InvalidQuestion,
            "答案块需要一个 { 和与之配对的 }；要写出花括号本身，请写作 \\{ 或 \\}",
            "the answer block needs one { and one matching }; write a literal brace as \\{ or \\}",
        )
    };
    let open = text.find('{');
    let close = open.and_then(|o| text[o..].find('}').map(|c| o + c));
    let (open, close) = match (open, close) {
        (None, _) if !text.contains('}') => {
            return Err(Skip::new(
                ErrorCode::NotAQuestion,
                "没有答案块 {…} 的文字是说明，不是试题",
                "a text with no answer block {…} is a description, not a question",
            ));
        }
        (Some(o), Some(c)) => (o, c),
        _ => return Err(brace_error()),
    };
    if text[..open].contains('}') {
        return Err(brace_error());
    }
    if text[close + 1..].contains(['{', '}']) {
        return Err(Skip::new(
            ErrorCode::InvalidQuestion,
            "一道题只能有一个答案块 {…}；要写出花括号本身，请写作 \\{ 和 \\}",
            "a question has one answer block {…}; write literal braces as \\{ and \\}",
        ));
    }
    let after = &text[close + 1..];
    let stem_raw = if after.trim().is_empty() {
        text[..open].to_string()
    } else {
        format!("{}{BLANK_MARKER}{after}", &text[..open])
    };
    let format = split_format(&stem_raw).0.unwrap_or(TextFormat::Moodle);
    let stem = convert(&stem_raw, format);
    let mut answer = text[open + 1..close].trim();
    let mut explanation = String::new();
    if let Some(p) = answer.rfind("####") {
        explanation = convert(&answer[p + 4..], format);
        answer = answer[..p].trim();
    }
    let parts = |kind, options, key| Parts {
        kind,
        stem: stem.clone(),
        options,
        key,
        explanation: explanation.clone(),
    };
    if answer.is_empty() {
        return Ok(parts(
            QuestionKind::Short,
            vec![],
            Key::Open {
                reference: String::new(),
            },
        ));
    }
    if let Some(numbers) = answer.strip_prefix('#') {
        let accepted = numerical(numbers, warnings)?;
        return Ok(parts(
            QuestionKind::Fill,
            vec![],
            Key::Blanks {
                accepted: vec![accepted],
            },
        ));
    }
    if answer.contains('~') {
        let (kind, options, correct) = choice(answer, format, warnings);
        return Ok(parts(kind, options, Key::Choice { correct }));
    }
    if answer.contains('=') && answer.contains("->") {
        return Err(Skip::new(
            ErrorCode::UnsupportedType,
            "不支持匹配题",
            "matching questions are not supported",
        ));
    }
    let tf = match answer.find('#') {
        Some(p) if p > 0 => answer[..p].trim(),
        _ => answer,
    };
    let value = match tf.to_ascii_uppercase().as_str() {
        "T" | "TRUE" => Some(true),
        "F" | "FALSE" => Some(false),
        _ => None,
    };
    if let Some(value) = value {
        return Ok(parts(
            QuestionKind::TrueFalse,
            vec![],
            Key::TrueFalse { value },
        ));
    }
    let accepted = short_answers(answer, format, warnings);
    Ok(parts(
        QuestionKind::Fill,
        vec![],
        Key::Blanks {
            accepted: vec![accepted],
        },
    ))
}

/// Splits a list of answers on `sep`, dropping an empty first piece (text before the first
/// marker).
fn answer_list(answer: &str, sep: char) -> Vec<&str> {
    let mut parts: Vec<&str> = answer.split(sep).map(str::trim).collect();
    if parts.first().is_some_and(|p| p.is_empty()) {
        parts.remove(0);
    }
    parts
}

/// A multiple-choice answer block: kind, option texts and correct indices.
fn choice(
    answer: &str,
    format: TextFormat,
    warnings: &mut Vec<Text>,
) -> (QuestionKind, Vec<String>, Vec<usize>) {
    let single = answer.contains('=');
    let marked = answer.replace('=', "~=");
    let mut options = Vec::new();
    let mut correct = Vec::new();
    for (i, part) in answer_list(&marked, '~').into_iter().enumerate() {
        let (weight, text) = if let Some(t) = part.strip_prefix('=') {
            (100.0, t)
        } else if let Some((w, t)) = percent_weight(part) {
            (w, t)
        } else {
            (0.0, part)
        };
        let text = text.split('#').next().unwrap_or_default();
        options.push(convert(text, format));
        if single {
            if full(weight) {
                correct.push(i);
            } else if weight > 0.0 {
                warnings.push(partial_option(i, weight));
            }
        } else if weight > 0.0 {
            correct.push(i);
        }
    }
    let kind = if single {
        QuestionKind::Single
    } else {
        QuestionKind::Multiple
    };
    (kind, options, correct)
}

/// The accepted answers of a short-answer block (`=a =%50%b =%0%*`).
fn short_answers(answer: &str, format: TextFormat, warnings: &mut Vec<Text>) -> Vec<String> {
    let mut accepted = Vec::new();
    for part in answer_list(answer, '=') {
        let (weight, text) = percent_weight(part).unwrap_or((100.0, part));
        let text = convert(text.split('#').next().unwrap_or_default(), format);
        if text == "*" {
            warnings.push(wildcard_ignored());
        } else if full(weight) {
            if text.contains('*') {
                warnings.push(matched_literally(&text));
            }
            accepted.push(text);
        } else if weight > 0.0 {
            warnings.push(partial_answer(&text, weight));
        }
    }
    accepted
}

/// The accepted answers of a numerical block (after its `#`): exact numbers only.
fn numerical(block: &str, warnings: &mut Vec<Text>) -> Result<Vec<String>, Skip> {
    let main = block.split('~').next().unwrap_or_default();
    let answers = answer_list(main, '=');
    if answers.iter().all(|a| a.is_empty()) {
        return Err(Skip::new(
            ErrorCode::InvalidQuestion,
            "数值题没有答案",
            "the numerical question has no answer",
        ));
    }
    let range = tolerance_unsupported;
    let mut accepted = Vec::new();
    for part in answers {
        let (weight, text) = percent_weight(part).unwrap_or((100.0, part));
        let text = text.split('#').next().unwrap_or_default().trim();
        let value = if text.find("..").is_some_and(|p| p > 0) {
            return Err(range());
        } else if let Some(p) = text.find(':').filter(|&p| p > 0) {
            let tolerance = text[p + 1..].trim();
            if tolerance.parse::<f64>().ok() != Some(0.0) {
                return Err(range());
            }
            text[..p].trim()
        } else {
            text
        };
        let value = restore(value);
        if value == "*" {
            continue;
        }
        if value.parse::<f64>().is_err() {
            return Err(not_a_number(&value));
        }
        if full(weight) {
            accepted.push(value);
        } else if weight > 0.0 {
            warnings.push(partial_answer(&value, weight));
        }
    }
    Ok(accepted)
}
