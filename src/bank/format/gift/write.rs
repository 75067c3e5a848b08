//! Writing questions as GIFT, with comments for what the format cannot hold.

use super::split_format;
use crate::bank::format::moodle::{category_text, percent};
use crate::bank::format::{FormatError, scheme};
use crate::bank::model::{Key, Question, QuestionKind};

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
            "// practical task written as an essay: its reference answer, rubric and marking scheme are not read back (the scheme follows as comments)\n",
        );
        // For graders reading the file: the time, equipment and scheme as comments (not read back).
        let mut lines = scheme::describe_preparation(q.minutes, &q.equipment);
        if !q.scheme.is_empty() {
            lines.extend(scheme::describe_scheme(&q.scheme));
        }
        for line in lines {
            // Brackets would read as comment tokens ([id:…]); line breaks would end the comment.
            let line = line
                .replace('[', "［")
                .replace(']', "］")
                .replace(['\n', '\r'], " ");
            out.push_str(&format!("// {line}\n"));
        }
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
