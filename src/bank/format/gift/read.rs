//! Reading a GIFT file: escapes, categories, comments with identifiers and tags, titles and
//! the question texts, each handed to the answer parser.

use super::answers::parse_parts;
use super::{ESCAPES, restore};
use crate::bank::format::moodle::{category_path, ident_from};
use crate::bank::format::text::decode_text;
use crate::bank::format::{FormatError, MAX_ITEM_BYTES, ParsedFile, ParsedItem, Skip};
use crate::bank::model::{QuestionBody, QuestionStatus};

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
            minutes: 0,
            equipment: vec![],
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
