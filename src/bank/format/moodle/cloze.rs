//! Cloze (`multianswer`) questions: the embedded parts of a stem, taken when they are all short
//! answers.

use super::full;
use super::percent_weight;
use crate::bank::format::{Skip, partial_answer, wildcard_ignored};
use crate::bank::model::BLANK_MARKER;
use crate::error::ErrorCode;
use crate::error::Text;

/// Splits a cloze answer list on `sep` where it is not escaped with a backslash.
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            current.push(c);
            current.extend(chars.next());
        } else if c == sep {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
}

/// Removes cloze backslash escapes (`\}` → `}`).
fn cloze_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The cloze sub-question types that are short answers.
const CLOZE_SHORT: [&str; 6] = ["SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"];

/// Reads a cloze stem whose embedded parts (`{1:SHORTANSWER:=Berlin~%50%Berlijn}`) are all short
/// answers: each part becomes a `___` blank accepting its full-credit answers.
pub(super) fn parse_cloze(
    stem: &str,
    warnings: &mut Vec<Text>,
) -> Result<(String, Vec<Vec<String>>), Skip> {
    let mut out = String::new();
    let mut accepted = Vec::new();
    let mut rest = stem;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some((qtype, body, len)) = cloze_part(after) else {
            out.push_str(&rest[..=open]);
            rest = after;
            continue;
        };
        if !CLOZE_SHORT.contains(&qtype.to_ascii_uppercase().as_str()) {
            return Err(Skip::new(
                ErrorCode::UnsupportedType,
                format!("不支持含 {qtype} 空的完形填空（cloze）题，只支持简答空"),
                format!(
                    "embedded answers (cloze) questions with {qtype} parts are not supported; \
                     only short-answer parts are"
                ),
            ));
        }
        let mut blank = Vec::new();
        for part in split_unescaped(body, '~') {
            let part = part.trim();
            let (weight, text) = if let Some(t) = part.strip_prefix('=') {
                (100.0, t)
            } else if let Some((w, t)) = percent_weight(part) {
                (w, t)
            } else {
                (0.0, part)
            };
            let text = split_unescaped(text, '#')
                .into_iter()
                .next()
                .unwrap_or_default();
            let text = cloze_unescape(text.trim());
            if text == "*" {
                warnings.push(wildcard_ignored());
                continue;
            }
            if full(weight) {
                blank.push(text);
            } else if weight > 0.0 {
                warnings.push(partial_answer(&text, weight));
            }
        }
        accepted.push(blank);
        out.push_str(&rest[..open]);
        out.push_str(BLANK_MARKER);
        rest = &after[len..];
    }
    out.push_str(rest);
    if accepted.is_empty() {
        return Err(Skip::new(
            ErrorCode::InvalidQuestion,
            "完形填空题中没有嵌入的答案",
            "the cloze question has no embedded answers",
        ));
    }
    Ok((out, accepted))
}

/// Recognizes the inside of a cloze part after its `{`: optional weight digits, `:TYPE:`, the
/// answers and the closing `}`. Returns the type, the answers and the length through the `}`.
fn cloze_part(s: &str) -> Option<(&str, &str, usize)> {
    let digits = s.find(|c: char| !c.is_ascii_digit())?;
    let s2 = s[digits..].strip_prefix(':')?;
    let type_len = s2.find(':')?;
    let qtype = &s2[..type_len];
    if qtype.is_empty() || !qtype.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let body_start = digits + 1 + type_len + 1;
    let body = &s[body_start..];
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '}' => return Some((qtype, &body[..i], body_start + i + 1)),
            '\n' => return None,
            _ => {}
        }
    }
    None
}
