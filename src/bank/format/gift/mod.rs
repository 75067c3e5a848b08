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
//!
//! `read.rs` splits a file into questions and reads each one's title, comments and text,
//! `answers.rs` reads the answer block, `write.rs` writes a file.

mod answers;
mod read;
mod write;

/// Converts a (protected) GIFT text to platform text: format prefix removed, escapes undone,
/// HTML turned into plain text.
pub(super) fn convert(s: &str, default: TextFormat) -> String {
    let (f, body) = split_format(s);
    let body = restore(body);
    match f.unwrap_or(default) {
        TextFormat::Html => html::to_text(&body),
        _ => body.trim().to_string(),
    }
}

/// Turns placeholders back into the characters they stand for.
pub(super) fn restore(s: &str) -> String {
    s.chars()
        .map(|c| match ESCAPES.iter().find(|(_, p)| *p == c) {
            Some(('n', _)) => '\n',
            Some((e, _)) => *e,
            None => c,
        })
        .collect()
}

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

#[cfg(test)]
mod tests;

pub use read::read;
pub use write::write;

use crate::bank::format::html;

/// A text format a GIFT text may announce with a `[name]` prefix.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum TextFormat {
    Moodle,
    Html,
    Plain,
    Markdown,
}

/// Splits a leading `[html]`-style format prefix off a text.
pub(super) fn split_format(s: &str) -> (Option<TextFormat>, &str) {
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
