//! Moodle XML (`<quiz>` files as Moodle's question bank exports and imports them).
//!
//! Reading: `multichoice` (single or multiple response), `truefalse`, `shortanswer` (→ fill with
//! one blank), `essay` (→ short answer; `graderinfo` → rubric, a `参考答案：` / `Reference answer:`
//! line in it → reference answer), `numerical` with exact answers (→ fill) and `cloze` /
//! `multianswer` whose embedded parts are all short answers (→ fill with one blank per part).
//! Every other type (matching, drag and drop, calculated, numerical with a tolerance, cloze with
//! choice or numerical parts, …) is an item skipped as `unsupported_type`; `description` is
//! skipped as `not_a_question`. `<question type="category">` records set the category path of
//! the questions that follow. Images embedded as `<file encoding="base64">` become attachments
//! and `@@PLUGINFILE@@/name` in the text becomes `name`.
//!
//! Writing keeps the category, identifier (`idnumber`), stem, options, key, explanation
//! (`generalfeedback`), points (`defaultgrade`), tags and the rubric of short answers. What Moodle
//! XML cannot hold, and so does not come back when the file is read again:
//! - difficulty, source and status;
//! - a practical task is written as an essay: its reference answer, rubric and marking scheme go
//!   into `graderinfo`, and it reads back as a short-answer question;
//! - a fill-in question with two or more blanks is written as a cloze question; its blank
//!   markers read back as `___`;
//! - text goes through HTML, so runs of spaces inside a line become one space and empty lines
//!   are dropped.
//!
//! `read.rs` reads a file question by question, `cloze.rs` the embedded answers of a cloze
//! question, `write.rs` writes a file; this module keeps what they (and GIFT) share: category
//! paths, identifiers and grade percentages.

mod cloze;
mod read;
mod write;

/// Whether a fraction in percent is full credit.
pub(super) fn full(f: f64) -> bool {
    f >= 100.0 - 1e-4
}

#[cfg(test)]
mod tests;

pub use read::read;
pub use write::write;

/// The prefix Moodle puts before the names of files embedded in a text.
const PLUGINFILE: &str = "@@PLUGINFILE@@/";

/// The labels before the reference answer inside an essay's `graderinfo`.
const REFERENCE_LABELS: [&str; 2] = ["参考答案", "Reference answer"];

/// Turns a Moodle category path (`$course$/top/法规/条例`) into the platform's path
/// (`["法规", "条例"]`): the context marker and a leading `top` are dropped, `//` is a `/`
/// inside a name.
pub(super) fn category_path(raw: &str) -> Vec<String> {
    let protected = raw.trim().replace("//", "\u{E010}");
    let mut segments: Vec<String> = protected
        .split('/')
        .map(|s| s.replace('\u{E010}', "/").trim().to_string())
        .collect();
    if segments
        .first()
        .is_some_and(|s| s.len() > 2 && s.starts_with('$') && s.ends_with('$'))
    {
        segments.remove(0);
    }
    if segments
        .first()
        .is_some_and(|s| s.eq_ignore_ascii_case("top"))
    {
        segments.remove(0);
    }
    segments.retain(|s| !s.is_empty());
    segments
}

/// Writes a category path the way Moodle exports it: `$course$/top/法规/条例`.
pub(super) fn category_text(path: &[String]) -> String {
    let mut out = String::from("$course$/top");
    for seg in path {
        out.push('/');
        out.push_str(&seg.replace('/', "//").replace(['\n', '\r'], " "));
    }
    out
}

/// Whether a name can serve as a question identifier (the rule of [`Question::parse`]).
fn usable_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 64
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == '/' || c == '\\' || c.is_control())
}

/// The identifier of an imported question: the `idnumber` when there is one; else the name or
/// title when it can serve as an identifier and is not just the start of the question text (as
/// Moodle makes names when none was given); else empty ("give it one").
pub(super) fn ident_from(idnumber: &str, name: &str, stem: &str) -> String {
    let idnumber = idnumber.trim();
    if !idnumber.is_empty() {
        return idnumber.to_string();
    }
    let name = name.trim();
    let head = name.trim_end_matches(['.', '…']);
    if usable_ident(name) && !(head.is_empty() || stem.trim_start().starts_with(head)) {
        name.to_string()
    } else {
        String::new()
    }
}

/// Reads a leading `%50%` weight: the weight in percent and the rest.
pub(super) fn percent_weight(s: &str) -> Option<(f64, &str)> {
    let inner = s.strip_prefix('%')?;
    let end = inner.find('%')?;
    let num = &inner[..end];
    if num.is_empty()
        || !num
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    let w = num.trim_start_matches('-');
    let value: f64 = w.parse().ok()?;
    let value = if num.starts_with('-') { -value } else { value };
    Some((value, &inner[end + 1..]))
}

/// Formats a percentage the way Moodle lists grades (`33.33333`, `50`, `-100`).
pub(super) fn percent(x: f64) -> String {
    let s = format!("{x:.5}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}
