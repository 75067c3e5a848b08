//! Moodle's GIFT text format (<https://docs.moodle.org/en/GIFT_format>).
//!
//! Reading follows Moodle's own importer: questions are separated by blank lines, `//` lines are
//! comments (a `// [id:…] [tag:…]` comment gives the identifier and tags, as Moodle writes
//! them), `$CATEGORY: $course$/top/a/b` sets the category of the questions that follow,
//! `::title::` names a question, `\:` `\~` `\=` `\#` `\{` `\}` `\\` `\n` are escapes and
//! `[html]` / `[markdown]` / `[plain]` / `[moodle]` prefixes give a text's format (HTML is
//! converted to plain text). Mapping:
//! - `{=right ~wrong}` → single choice; `{~%50%a ~%50%b ~%-100%c}` → multiple choice (options
//!   with a positive weight are correct);
//! - `{T}` / `{TRUE}` / `{F}` / `{FALSE}` → true/false (answer feedback after `#` is ignored);
//! - `{=a =b}` → fill-in with one blank accepting the full-credit answers (partial-credit answers
//!   and the `*` wildcard are dropped with a warning);
//! - `{#42}` (one exact number) → fill-in; a numerical answer with a tolerance or a range is
//!   skipped as `unsupported_type`;
//! - `{}` → short answer with an empty reference answer;
//! - matching (`{=a -> b}`) → skipped as `unsupported_type`; a text with no answer block
//!   (a description) → skipped as `not_a_question`.
//!
//! When the answer block sits inside the text ("missing word" format) the stem gets `___` where
//! the block was. `####text` at the end of the block is the general feedback → explanation.
//!
//! Writing keeps the category, identifier (as `::title::` and `[id:…]`), tags, stem, options,
//! key and explanation. What GIFT cannot hold, and so does not come back when the file is read
//! again: points, difficulty, source, status, rubric, scheme and the reference answer of short
//! answers; practical tasks and fill-in questions with two or more blanks are written as essays
//! (with a comment saying so) and read back as short-answer questions; an accepted answer that
//! contains `->` or is just `*` cannot be written faithfully.

use super::html;
use super::moodle::{category_path, category_text, ident_from, percent, percent_weight};
use super::text::decode_text;
use super::{FormatError, MAX_ITEM_BYTES, ParsedFile, ParsedItem, Skip};
use crate::bank::model::{
    BLANK_MARKER, Key, Question, QuestionBody, QuestionKind, QuestionStatus, option_label,
};

/// The escapable characters and the private-use placeholders that stand for them while a
/// question is parsed (`n` is the `\n` line break).
const ESCAPES: [(char, char); 8] = [
    ('\\', '\u{E000}'),
    (':', '\u{E001}'),
    ('#', '\u{E002}'),
    ('=', '\u{E003}'),
    ('{', '\u{E004}'),
    ('}', '\u{E005}'),
    ('~', '\u{E006}'),
    ('n', '\u{E007}'),
];

/// Replaces escapes (`\:`) with placeholders so the parser does not see them.
fn protect(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let placeholder = chars
                .peek()
                .and_then(|n| ESCAPES.iter().find(|(e, _)| e == n))
                .map(|(_, p)| *p);
            if let Some(p) = placeholder {
                out.push(p);
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Turns placeholders back into the characters they stand for.
fn restore(s: &str) -> String {
    s.chars()
        .map(|c| match ESCAPES.iter().find(|(_, p)| *p == c) {
            Some(('n', _)) => '\n',
            Some((e, _)) => *e,
            None => c,
        })
        .collect()
}

/// A text format a GIFT text may announce with a `[name]` prefix.
#[derive(Clone, Copy, PartialEq)]
enum TextFormat {
    Moodle,
    Html,
    Plain,
    Markdown,
}

/// Splits a leading `[html]`-style format prefix off a text.
fn split_format(s: &str) -> (Option<TextFormat>, &str) {
    let s = s.trim();
    for (prefix, f) in [
        ("[html]", TextFormat::Html),
        ("[moodle]", TextFormat::Moodle),
        ("[plain]", TextFormat::Plain),
        ("[markdown]", TextFormat::Markdown),
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return (Some(f), rest);
        }
    }
    (None, s)
}

/// Converts a (protected) GIFT text to platform text: format prefix removed, escapes undone,
/// HTML turned into plain text.
fn convert(s: &str, default: TextFormat) -> String {
    let (f, body) = split_format(s);
    let body = restore(body);
    match f.unwrap_or(default) {
        TextFormat::Html => html::to_text(&body),
        _ => body.trim().to_string(),
    }
}

/// A piece of a GIFT file: a category switch or a question's lines.
enum Entry {
    Category(String),
    Question {
        line: usize,
        text: String,
        comments: String,
    },
    /// A question whose lines are over [`MAX_ITEM_BYTES`]: not copied, only reported.
    Oversized {
        line: usize,
        title: String,
        bytes: usize,
    },
}

/// Braces in a line, escapes aside (as [`protect`] would leave them), without copying it.
fn count_braces(line: &str) -> usize {
    let mut n = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                // An escaped character is skipped; any other backslash stands for itself.
                if let Some(next) = chars.clone().next()
                    && ESCAPES.iter().any(|(e, _)| *e == next)
                {
                    chars.next();
                }
            }
            '{' | '}' => n += 1,
            _ => {}
        }
    }
    n
}

/// The `::title::` at the start of a line, if it has one within its first bytes.
fn title_of(line: &str) -> String {
    let head = line.trim_start();
    let mut end = head.len().min(256);
    while !head.is_char_boundary(end) {
        end -= 1;
    }
    head[..end]
        .strip_prefix("::")
        .and_then(|rest| rest.find("::").map(|e| rest[..e].trim().to_string()))
        .unwrap_or_default()
}

/// Splits a file into category switches and question blocks. Blocks are separated by blank
/// lines; a `::title::` or `$CATEGORY:` line after a question that has an answer block also
/// starts a new block, as files without blank lines between questions are common. That holds
/// for a block whose `{` is never closed too, so a broken question is reported alone instead
/// of swallowing every question after it (a title cannot sit inside an answer block: its `:`
/// would have to be escaped there).
fn entries(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    // Braces (escapes aside) in the block's lines so far, counted line by line so that deciding
    // where a block ends stays linear in the file.
    let mut braces = 0usize;
    let mut start: Option<usize> = None;
    // Comments before and inside the block, and comments after its last line so far.
    let mut comments = String::new();
    let mut trailing = String::new();
    let flush = |out: &mut Vec<Entry>,
                 lines: &mut Vec<&str>,
                 start: &mut Option<usize>,
                 comments: &mut String| {
        if let Some(line) = start.take() {
            let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
            out.push(if bytes > MAX_ITEM_BYTES {
                Entry::Oversized {
                    line,
                    title: lines.first().map(|l| title_of(l)).unwrap_or_default(),
                    bytes,
                }
            } else {
                Entry::Question {
                    line,
                    text: lines.join("\n"),
                    comments: std::mem::take(comments),
                }
            });
        }
        lines.clear();
        comments.clear();
    };
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim();
        if t.is_empty() {
            comments.push_str(&trailing);
            trailing.clear();
            flush(&mut out, &mut lines, &mut start, &mut comments);
            braces = 0;
            continue;
        }
        if t.starts_with("//") {
            let target = if start.is_some() {
                &mut trailing
            } else {
                &mut comments
            };
            target.push_str(t);
            target.push('\n');
            continue;
        }
        if start.is_some() && (t.starts_with("::") || t.starts_with("$CATEGORY:")) && braces > 0 {
            flush(&mut out, &mut lines, &mut start, &mut comments);
            braces = 0;
            comments = std::mem::take(&mut trailing);
        }
        comments.push_str(&trailing);
        trailing.clear();
        if start.is_none() {
            if let Some(c) = t.strip_prefix("$CATEGORY:") {
                out.push(Entry::Category(c.trim().to_string()));
                comments.clear();
                continue;
            }
            start = Some(i + 1);
        }
        braces += count_braces(raw);
        lines.push(raw);
    }
    comments.push_str(&trailing);
    flush(&mut out, &mut lines, &mut start, &mut comments);
    out
}

/// The values of `[key:value]` tokens in comment lines (`\]` is a `]` inside a value).
fn comment_tokens(comments: &str, key: &str) -> Vec<String> {
    let pattern = format!("[{key}:");
    let mut out = Vec::new();
    let mut rest = comments;
    while let Some(p) = rest.find(&pattern) {
        let after = &rest[p + pattern.len()..];
        let mut value = String::new();
        let mut end = None;
        let mut chars = after.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        if n != ']' {
                            value.push('\\');
                        }
                        value.push(n);
                    }
                }
                ']' => {
                    end = Some(i);
                    break;
                }
                '\n' => break,
                _ => value.push(c),
            }
        }
        match end {
            Some(e) => {
                let v = value.trim();
                if !v.is_empty() {
                    out.push(v.to_string());
                }
                rest = &after[e + 1..];
            }
            None => rest = after,
        }
    }
    out
}

/// Whether a weight in percent is full credit.
fn full(w: f64) -> bool {
    w >= 100.0 - 1e-4
}

/// What a question block holds apart from its title, category and comments.
struct Parts {
    kind: QuestionKind,
    stem: String,
    options: Vec<String>,
    key: Key,
    explanation: String,
}

/// Parses the text of a question after its title (escapes already protected).
fn parse_parts(text: &str, warnings: &mut Vec<String>) -> Result<Parts, Skip> {
    let brace_error = || {
        Skip::new(
            "invalid_question",
            "the answer block needs one { and one matching }; write a literal brace as \\{ or \\}",
        )
    };
    let open = text.find('{');
    let close = open.and_then(|o| text[o..].find('}').map(|c| o + c));
    let (open, close) = match (open, close) {
        (None, _) if !text.contains('}') => {
            return Err(Skip::new(
                "not_a_question",
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
            "invalid_question",
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
            "unsupported_type",
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
    warnings: &mut Vec<String>,
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
                warnings.push(format!(
                    "option {} gives {weight}% partial credit, which is not kept",
                    option_label(i)
                ));
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
fn short_answers(answer: &str, format: TextFormat, warnings: &mut Vec<String>) -> Vec<String> {
    let mut accepted = Vec::new();
    for part in answer_list(answer, '=') {
        let (weight, text) = percent_weight(part).unwrap_or((100.0, part));
        let text = convert(text.split('#').next().unwrap_or_default(), format);
        if text == "*" {
            warnings.push("the wildcard answer * is ignored".to_string());
        } else if full(weight) {
            if text.contains('*') {
                warnings.push(format!(
                    "answer {text:?} is matched literally: * is not a wildcard here"
                ));
            }
            accepted.push(text);
        } else if weight > 0.0 {
            warnings.push(format!(
                "answer {text:?} gives {weight}% partial credit; only full-credit answers are accepted"
            ));
        }
    }
    accepted
}

/// The accepted answers of a numerical block (after its `#`): exact numbers only.
fn numerical(block: &str, warnings: &mut Vec<String>) -> Result<Vec<String>, Skip> {
    let main = block.split('~').next().unwrap_or_default();
    let answers = answer_list(main, '=');
    if answers.iter().all(|a| a.is_empty()) {
        return Err(Skip::new(
            "invalid_question",
            "the numerical question has no answer",
        ));
    }
    let range = || {
        Skip::new(
            "unsupported_type",
            "numerical questions with a tolerance range are not supported",
        )
    };
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
            return Err(Skip::new(
                "invalid_question",
                format!("the numerical answer {value:?} is not a number"),
            ));
        }
        if full(weight) {
            accepted.push(value);
        } else if weight > 0.0 {
            warnings.push(format!(
                "answer {value} gives {weight}% partial credit; only full-credit answers are accepted"
            ));
        }
    }
    Ok(accepted)
}

/// Reads a GIFT file (UTF-8 or GBK).
pub fn read(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let text = decode_text(bytes)?;
    let mut file = ParsedFile::default();
    let mut category: Vec<String> = Vec::new();
    for entry in entries(&text) {
        let (line, text, comments) = match entry {
            Entry::Category(c) => {
                category = category_path(&c);
                continue;
            }
            Entry::Question {
                line,
                text,
                comments,
            } => (line, text, comments),
            Entry::Oversized { line, title, bytes } => {
                let ident = if title.is_empty() {
                    format!("question {}", file.items.len() + 1)
                } else {
                    title
                };
                file.push(ParsedItem {
                    ident,
                    line: Some(line),
                    result: Err(Skip::item_too_large(bytes)),
                    warnings: vec![],
                });
                continue;
            }
        };
        let protected = protect(text.trim());
        let mut rest = protected.as_str();
        let mut title = String::new();
        if let Some(after) = rest.strip_prefix("::") {
            match after.find("::") {
                Some(end) => {
                    title = restore(&after[..end]).trim().to_string();
                    rest = after[end + 2..].trim();
                }
                None => rest = after.trim(),
            }
        }
        let idnumber = comment_tokens(&comments, "id")
            .into_iter()
            .next()
            .unwrap_or_default();
        let tags = comment_tokens(&comments, "tag");
        let mut warnings = Vec::new();
        let result = parse_parts(rest, &mut warnings).map(|p| QuestionBody {
            ident: ident_from(&idnumber, &title, &p.stem),
            kind: p.kind,
            category: category.clone(),
            stem: p.stem,
            options: p.options,
            key: p.key,
            rubric: String::new(),
            scheme: vec![],
            points: 1.0,
            difficulty: 3,
            explanation: p.explanation,
            source: String::new(),
            tags,
            status: QuestionStatus::Active,
        });
        let ident = if !title.is_empty() {
            title
        } else if !idnumber.is_empty() {
            idnumber
        } else {
            format!("question {}", file.items.len() + 1)
        };
        file.push(ParsedItem {
            ident,
            line: Some(line),
            result,
            warnings,
        });
    }
    Ok(file)
}

/// Escapes GIFT's special characters; line breaks become `\n`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().filter(|&c| c != '\r').peekable();
    while let Some(c) = chars.next() {
        match c {
            // A backslash only needs doubling where it would otherwise start an escape.
            '\\' => match chars.peek() {
                None | Some('\\' | ':' | '#' | '=' | '{' | '}' | '~' | 'n' | '\n') => {
                    out.push_str("\\\\")
                }
                Some(_) => out.push('\\'),
            },
            ':' | '#' | '=' | '{' | '}' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes a text that starts a line or an answer: a text that would read as a format prefix or
/// a comment gets an explicit `[moodle]` prefix.
fn escape_text(s: &str) -> String {
    let e = escape(s);
    if e.starts_with("//") || split_format(&e).0.is_some() {
        format!("[moodle]{e}")
    } else {
        e
    }
}

/// A `[key:value]` comment token with `]` escaped.
fn token(key: &str, value: &str) -> String {
    format!(
        "[{key}:{}]",
        value.replace(']', "\\]").replace(['\n', '\r'], " ")
    )
}

/// Writes questions as GIFT. See the module documentation for what the format cannot hold.
pub fn write(questions: &[Question]) -> Result<Vec<u8>, FormatError> {
    let mut out = String::new();
    let mut category: Vec<String> = Vec::new();
    for q in questions {
        if q.category != category {
            out.push_str(&format!("$CATEGORY: {}\n\n", category_text(&q.category)));
            category = q.category.clone();
        }
        write_question(&mut out, q);
        out.push('\n');
    }
    Ok(out.into_bytes())
}

/// Writes one question (its comment lines, title, stem and answer block).
fn write_question(out: &mut String, q: &Question) {
    let mut meta = Vec::new();
    if !q.ident.is_empty() {
        meta.push(token("id", &q.ident));
    }
    meta.extend(q.tags.iter().map(|t| token("tag", t)));
    if !meta.is_empty() {
        out.push_str(&format!("// {}\n", meta.join(" ")));
    }
    let blanks = match &q.key {
        Key::Blanks { accepted } => accepted.len(),
        _ => 0,
    };
    if q.kind == QuestionKind::Practical {
        out.push_str(
            "// practical task written as an essay: its reference answer, rubric and marking scheme are not kept\n",
        );
    } else if blanks > 1 {
        out.push_str(&format!(
            "// fill-in question with {blanks} blanks written as an essay: GIFT holds one blank per question\n"
        ));
    }
    if !q.ident.is_empty() {
        out.push_str(&format!("::{}::", escape(&q.ident)));
    }
    out.push_str(&escape_text(&q.stem));
    let feedback = if q.explanation.is_empty() {
        String::new()
    } else {
        format!("####{}", escape_text(&q.explanation))
    };
    match &q.key {
        Key::Choice { correct } => {
            out.push_str("{\n");
            let single = q.kind == QuestionKind::Single;
            let n = q.options.len();
            let k = correct.len().max(1);
            for (i, option) in q.options.iter().enumerate() {
                let text = escape_text(option);
                let right = correct.contains(&i);
                let mark = if single {
                    match (right, text.starts_with('%')) {
                        (true, _) => "=".to_string(),
                        (false, true) => "~%0%".to_string(),
                        (false, false) => "~".to_string(),
                    }
                } else if right {
                    format!("~%{}%", percent(100.0 / k as f64))
                } else {
                    let wrong = n.saturating_sub(correct.len()).max(1);
                    format!("~%{}%", percent(-100.0 / wrong as f64))
                };
                out.push_str(&format!("\t{mark}{text}\n"));
            }
            if !feedback.is_empty() {
                out.push_str(&format!("\t{feedback}\n"));
            }
            out.push_str("}\n");
        }
        Key::TrueFalse { value } => {
            let v = if *value { "TRUE" } else { "FALSE" };
            out.push_str(&format!("{{{v}{feedback}}}\n"));
        }
        Key::Blanks { accepted } if blanks == 1 => {
            out.push_str("{\n");
            for a in accepted.iter().flatten() {
                let text = escape_text(a);
                let weight = if text.starts_with('%') { "%100%" } else { "" };
                out.push_str(&format!("\t={weight}{text}\n"));
            }
            if !feedback.is_empty() {
                out.push_str(&format!("\t{feedback}\n"));
            }
            out.push_str("}\n");
        }
        Key::Blanks { .. } | Key::Open { .. } => {
            out.push_str(&format!("{{{feedback}}}\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::model::Aspect;

    const FIXTURE: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/moodle/questions.gift.txt"
    ));

    fn body(item: &ParsedItem) -> &QuestionBody {
        item.result.as_ref().unwrap()
    }

    fn skip(item: &ParsedItem) -> &Skip {
        item.result.as_ref().unwrap_err()
    }

    fn question(kind: QuestionKind, stem: &str, options: &[&str], key: Key) -> Question {
        Question::parse(QuestionBody::new(kind, stem, options, key)).unwrap()
    }

    fn edit(q: Question, f: impl FnOnce(&mut QuestionBody)) -> Question {
        let mut b = q.into_body();
        f(&mut b);
        Question::parse(b).unwrap()
    }

    fn read_back(bytes: &[u8]) -> Vec<Question> {
        read(bytes)
            .unwrap()
            .items
            .into_iter()
            .map(|i| Question::parse(i.result.unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn the_moodle_fixture_yields_every_item_with_its_kind_and_line() {
        let f = read(FIXTURE).unwrap();
        let idents: Vec<&str> = f.items.iter().map(|i| i.ident.as_str()).collect();
        assert_eq!(
            idents,
            [
                "Q8",
                "Moodle activities",
                "Q2",
                "colours",
                "Q5",
                "Shortanswer",
                "Q1",
                "2-08 TSL",
                "2-08 TSL"
            ]
        );
        let lines: Vec<usize> = f.items.iter().map(|i| i.line.unwrap()).collect();
        assert_eq!(lines, [2, 5, 14, 22, 31, 34, 41, 46, 49]);

        let essay = body(&f.items[0]);
        assert_eq!(essay.kind, QuestionKind::Short);
        assert_eq!(essay.stem, "How are you?");
        assert_eq!(essay.ident, "Q8");

        assert_eq!(skip(&f.items[1]).code, "unsupported_type");
        assert!(skip(&f.items[1]).reason.contains("matching"));

        let single = body(&f.items[2]);
        assert_eq!(single.kind, QuestionKind::Single);
        assert_eq!(single.options, ["yellow", "red", "blue"]);
        assert_eq!(single.key, Key::Choice { correct: vec![0] });

        let multiple = body(&f.items[3]);
        assert_eq!(multiple.kind, QuestionKind::Multiple);
        assert_eq!(multiple.options, ["yellow", "red", "off-beige", "blue"]);
        assert_eq!(
            multiple.key,
            Key::Choice {
                correct: vec![0, 2]
            }
        );

        assert_eq!(skip(&f.items[4]).code, "unsupported_type");
        assert!(skip(&f.items[4]).reason.contains("tolerance"));

        let short = &f.items[5];
        assert_eq!(
            body(short).key,
            Key::Blanks {
                accepted: vec![vec!["Frog".into()]]
            }
        );
        assert_eq!(body(short).kind, QuestionKind::Fill);
        assert_eq!(short.warnings.len(), 2, "{:?}", short.warnings);

        let tf = body(&f.items[6]);
        assert_eq!(tf.kind, QuestionKind::TrueFalse);
        assert_eq!(tf.key, Key::TrueFalse { value: false });
        assert_eq!(
            tf.explanation,
            "This is, of course, a Hitchiker's Guide to the Galaxy reference."
        );

        for item in &f.items[7..] {
            assert_eq!(body(item).key, Key::TrueFalse { value: true });
            assert_eq!(body(item).stem, "TSL is blablabla.");
        }
    }

    #[test]
    fn every_supported_item_of_the_fixture_passes_the_model_checks() {
        let f = read(FIXTURE).unwrap();
        let ok: Vec<_> = f
            .items
            .iter()
            .filter_map(|i| i.result.clone().ok())
            .map(Question::parse)
            .collect();
        assert_eq!(ok.len(), 7);
        assert!(ok.iter().all(Result::is_ok), "{ok:?}");
    }

    #[test]
    fn a_title_that_cannot_be_an_identifier_leaves_the_identifier_empty() {
        let f = read(FIXTURE).unwrap();
        assert_eq!(f.items[7].ident, "2-08 TSL");
        assert_eq!(body(&f.items[7]).ident, "");
    }

    #[test]
    fn categories_apply_to_the_questions_that_follow() {
        let text = "$CATEGORY: $course$/top/法规/条例\n\n::A:: 甲 {T}\n\n// switch\n$CATEGORY: 器材\n::B:: 乙 {F}\n";
        let f = read(text.as_bytes()).unwrap();
        assert_eq!(f.items.len(), 2);
        assert_eq!(body(&f.items[0]).category, ["法规", "条例"]);
        assert_eq!(body(&f.items[1]).category, ["器材"]);
        assert_eq!(f.items[1].line, Some(7));
    }

    #[test]
    fn missing_word_format_puts_a_blank_where_the_answer_block_was() {
        let text = "Grant is {~buried =entombed ~living} in Grant's tomb.\n\n视频监控系统由{=前端 =前端设备 =%50%摄像机}、传输和显示组成。";
        let f = read(text.as_bytes()).unwrap();
        let mc = body(&f.items[0]);
        assert_eq!(mc.stem, "Grant is ___ in Grant's tomb.");
        assert_eq!(mc.key, Key::Choice { correct: vec![1] });
        let fill = body(&f.items[1]);
        assert_eq!(fill.stem, "视频监控系统由___、传输和显示组成。");
        assert_eq!(
            fill.key,
            Key::Blanks {
                accepted: vec![vec!["前端".into(), "前端设备".into()]]
            }
        );
        assert!(Question::parse(fill.clone()).is_ok());
        assert_eq!(f.items[0].ident, "question 1");
    }

    #[test]
    fn escaped_special_characters_are_read_literally() {
        let text = r"::a\:b:: Is 1 \= 1 \{really\}? \# C:\Windows {=yes\~sure ~no}";
        let f = read(text.as_bytes()).unwrap();
        let b = body(&f.items[0]);
        assert_eq!(f.items[0].ident, "a:b");
        assert_eq!(b.stem, r"Is 1 = 1 {really}? # C:\Windows");
        assert_eq!(b.options, ["yes~sure", "no"]);
    }

    #[test]
    fn an_html_question_is_converted_to_plain_text() {
        let text = "[html]<p>Look at <b>this</b> &amp; <img src=\"a.png\" alt=\"sign\"></p>{\n=[html]<i>yes</i>\n~no\n####[html]<p>because</p>}";
        let f = read(text.as_bytes()).unwrap();
        let b = body(&f.items[0]);
        assert_eq!(b.stem, "Look at this & ![sign](a.png)");
        assert_eq!(b.options, ["yes", "no"]);
        assert_eq!(b.explanation, "because");
    }

    #[test]
    fn a_gbk_encoded_file_with_chinese_text_reads_correctly() {
        let text = "// 保安法规\n$CATEGORY: 法规\n\n::LAW-1:: 保安员应当年满多少周岁？{\n=18周岁\n~16周岁\n####《保安服务管理条例》第十六条}\n";
        let (bytes, _, _) = encoding_rs::GBK.encode(text);
        assert!(std::str::from_utf8(&bytes).is_err());
        let f = read(&bytes).unwrap();
        let b = body(&f.items[0]);
        assert_eq!(b.ident, "LAW-1");
        assert_eq!(b.category, ["法规"]);
        assert_eq!(b.stem, "保安员应当年满多少周岁？");
        assert_eq!(b.options, ["18周岁", "16周岁"]);
        assert_eq!(b.explanation, "《保安服务管理条例》第十六条");
    }

    #[test]
    fn an_exact_number_becomes_a_fill_in_but_a_range_is_skipped() {
        let text = "When was Grant born?{#1822}\n\nAnd exactly?{#=1822:0 =%50%1821:0}\n\nRange{#1..5}\n\nBad{#abc}";
        let f = read(text.as_bytes()).unwrap();
        assert_eq!(
            body(&f.items[0]).key,
            Key::Blanks {
                accepted: vec![vec!["1822".into()]]
            }
        );
        assert_eq!(
            body(&f.items[1]).key,
            Key::Blanks {
                accepted: vec![vec!["1822".into()]]
            }
        );
        assert_eq!(f.items[1].warnings.len(), 1);
        assert_eq!(skip(&f.items[2]).code, "unsupported_type");
        assert_eq!(skip(&f.items[3]).code, "invalid_question");
    }

    #[test]
    fn identifiers_and_tags_in_comments_are_read() {
        let text = "// question: 3  name: x\n// [id:SEC-01] [tag:法规] [tag:a\\]b]\n::Some title:: 甲 {TRUE}";
        let f = read(text.as_bytes()).unwrap();
        let b = body(&f.items[0]);
        assert_eq!(b.ident, "SEC-01");
        assert_eq!(b.tags, ["法规", "a]b"]);
        assert_eq!(f.items[0].ident, "Some title");
        assert_eq!(f.items[0].line, Some(3));
    }

    #[test]
    fn a_description_and_an_unclosed_brace_are_items_skipped_with_reasons() {
        let text = "Just some text.\n\n::Broken:: What? {=a ~b\n\n::Two:: a {=x ~y} b {=z ~w}\n\n// only a comment\n";
        let f = read(text.as_bytes()).unwrap();
        assert_eq!(f.items.len(), 3);
        assert_eq!(skip(&f.items[0]).code, "not_a_question");
        assert_eq!(skip(&f.items[1]).code, "invalid_question");
        assert_eq!(f.items[1].line, Some(3));
        assert_eq!(skip(&f.items[2]).code, "invalid_question");
    }

    #[test]
    fn questions_without_blank_lines_between_them_are_told_apart() {
        let text =
            "::A:: 甲 {T}\n// [tag:二]\n::B:: 乙 {\n=对\n~错\n}\n$CATEGORY: 法规\n::C:: 丙 {F}\n";
        let f = read(text.as_bytes()).unwrap();
        let idents: Vec<&str> = f.items.iter().map(|i| i.ident.as_str()).collect();
        assert_eq!(idents, ["A", "B", "C"]);
        assert!(body(&f.items[0]).tags.is_empty());
        assert_eq!(body(&f.items[1]).tags, ["二"]);
        assert_eq!(body(&f.items[1]).options, ["对", "错"]);
        assert_eq!(body(&f.items[2]).category, ["法规"]);
        assert_eq!(f.items[2].line, Some(8));
    }

    #[test]
    fn an_empty_file_has_no_items() {
        assert!(read(b"").unwrap().items.is_empty());
        assert!(read(b"// nothing\n\n").unwrap().items.is_empty());
    }

    #[test]
    fn writing_then_reading_gives_the_same_questions() {
        let qs = vec![
            edit(
                question(
                    QuestionKind::Single,
                    "保安员应当年满多少周岁？\n（单选）C:\\path {x} = y # z ~ w",
                    &["16", "18", "%50% 以上", "[html]<b>"],
                    Key::Choice { correct: vec![1] },
                ),
                |b| {
                    b.ident = "LAW-0001".into();
                    b.category = vec!["法规".into(), "条例".into()];
                    b.explanation = "第十六条：年满十八周岁".into();
                    b.tags = vec!["必考".into(), "a]b".into()];
                },
            ),
            edit(
                question(
                    QuestionKind::Multiple,
                    "以下哪些属于安防系统？",
                    &["视频监控", "入侵报警", "空调", "门禁"],
                    Key::Choice {
                        correct: vec![0, 1, 3],
                    },
                ),
                |b| b.category = vec!["法规".into(), "条例".into()],
            ),
            question(
                QuestionKind::TrueFalse,
                "// 保安员可以查验身份证。",
                &[],
                Key::TrueFalse { value: false },
            ),
            edit(
                question(
                    QuestionKind::Fill,
                    "视频监控系统由___、传输和显示组成",
                    &[],
                    Key::Blanks {
                        accepted: vec![vec!["前端".into(), "%前端设备".into()]],
                    },
                ),
                |b| {
                    b.category = vec!["器材".into()];
                    b.explanation = "见教材\n第三章".into();
                },
            ),
            question(
                QuestionKind::Fill,
                "答案在最后___",
                &[],
                Key::Blanks {
                    accepted: vec![vec!["T".into()]],
                },
            ),
            question(
                QuestionKind::Short,
                "简述保安员的职责。\\",
                &[],
                Key::Open {
                    reference: String::new(),
                },
            ),
        ];
        let out = write(&qs).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains("$CATEGORY: $course$/top/法规/条例"), "{text}");
        assert_eq!(read_back(&out), qs, "{text}");
    }

    #[test]
    fn what_gift_cannot_hold_is_written_as_an_essay() {
        let practical = edit(
            question(
                QuestionKind::Practical,
                "现场操作灭火器",
                &[],
                Key::Open {
                    reference: "拔销、握管、压把".into(),
                },
            ),
            |b| {
                b.points = 10.0;
                b.scheme = vec![Aspect {
                    text: "动作规范".into(),
                    points: 10.0,
                }];
            },
        );
        let fill = question(
            QuestionKind::Fill,
            "由___和___组成",
            &[],
            Key::Blanks {
                accepted: vec![vec!["甲".into()], vec!["乙".into()]],
            },
        );
        let out = write(&[practical, fill]).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(
            text.contains("// practical task written as an essay"),
            "{text}"
        );
        let back = read_back(&out);
        assert_eq!(back.len(), 2);
        assert!(back.iter().all(|q| q.kind == QuestionKind::Short));
        assert_eq!(back[1].stem, "由___和___组成");
    }
}
