//! Writing questions as Moodle XML, with the images their texts use embedded as files.

use super::{PLUGINFILE, REFERENCE_LABELS, category_text, percent};
use crate::bank::format::text::{media_hash, mime_extension};
use crate::bank::format::{Attachment, FormatError, html, scheme};
use crate::bank::model::{Key, Question, QuestionKind};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

/// Wraps text in CDATA, splitting any `]]>` inside it.
fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

/// Files to embed in one text element: name and bytes.
type Files<'a> = Vec<(String, &'a [u8])>;

/// Converts platform text to HTML; stored images (`/api/media/<sha256>`) are pointed at
/// `@@PLUGINFILE@@/<sha256>.<ext>` and their bytes collected for `<file>` elements.
fn to_html<'a>(text: &str, attachments: &'a [Attachment], files: &mut Files<'a>) -> String {
    html::from_text(text, |target| {
        let Some(hash) = media_hash(target) else {
            return target.to_string();
        };
        let Some(a) = attachments.iter().find(|a| a.name.starts_with(hash)) else {
            return target.to_string();
        };
        let name = format!("{hash}.{}", mime_extension(&a.mime));
        if !files.iter().any(|(n, _)| *n == name) {
            files.push((name.clone(), &a.data));
        }
        format!("{PLUGINFILE}{name}")
    })
}

/// Writes a text element (`<tag format="html"><text>…</text><file …>…</file></tag>`).
fn text_element(out: &mut String, indent: &str, tag: &str, text: &str, attachments: &[Attachment]) {
    let mut files = Files::new();
    let body = to_html(text, attachments, &mut files);
    out.push_str(&format!(
        "{indent}<{tag} format=\"html\">\n{indent}  <text>{}</text>\n",
        cdata(&body)
    ));
    for (name, data) in files {
        out.push_str(&format!(
            "{indent}  <file name=\"{}\" path=\"/\" encoding=\"base64\">{}</file>\n",
            html::escape(&name),
            B64.encode(data)
        ));
    }
    out.push_str(&format!("{indent}</{tag}>\n"));
}

/// Escapes a cloze answer (`}`, `~`, `#` and `\` get a backslash).
fn cloze_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '}' | '~' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Replaces each blank marker (a run of three or more `_`) with what `f` gives for its index.
fn replace_blanks(stem: &str, mut f: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(stem.len());
    let mut run = 0usize;
    let mut n = 0;
    for c in stem.chars().chain(std::iter::once('\0')) {
        if c == '_' {
            run += 1;
            continue;
        }
        if run >= 3 {
            out.push_str(&f(n));
            n += 1;
        } else {
            out.extend(std::iter::repeat_n('_', run));
        }
        run = 0;
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// A Moodle name for a question: its identifier, or its kind and the start of its stem (which
/// the reader does not take for an identifier).
fn question_name(q: &Question) -> String {
    if !q.ident.is_empty() {
        return q.ident.clone();
    }
    let first = q.stem.lines().next().unwrap_or("");
    let head: String = first.chars().take(40).collect();
    format!("{} {}", q.kind.chinese(), head.trim())
}

/// Writes questions as Moodle XML. Images whose stems point at `/api/media/<sha256>` are
/// embedded from the attachment named `<sha256>` or `<sha256>.<ext>`. See the module
/// documentation for what the format cannot hold.
pub fn write(questions: &[Question], attachments: &[Attachment]) -> Result<Vec<u8>, FormatError> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut category: Vec<String> = Vec::new();
    for q in questions {
        if q.category != category {
            out.push_str(&format!(
                "  <question type=\"category\">\n    <category>\n      <text>{}</text>\n    </category>\n  </question>\n\n",
                html::escape(&category_text(&q.category))
            ));
            category = q.category.clone();
        }
        write_question(&mut out, q, attachments);
    }
    out.push_str("</quiz>\n");
    Ok(out.into_bytes())
}

/// Writes one `<question>`.
fn write_question(out: &mut String, q: &Question, attachments: &[Attachment]) {
    let blanks = match &q.key {
        Key::Blanks { accepted } => accepted.len(),
        _ => 0,
    };
    let qtype = match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => "multichoice",
        QuestionKind::TrueFalse => "truefalse",
        QuestionKind::Fill if blanks > 1 => "cloze",
        QuestionKind::Fill => "shortanswer",
        QuestionKind::Short | QuestionKind::Practical => "essay",
    };
    if q.kind == QuestionKind::Practical {
        out.push_str(
            "  <!-- practical task written as an essay; its marking scheme is in graderinfo -->\n",
        );
    }
    out.push_str(&format!("  <question type=\"{qtype}\">\n"));
    out.push_str(&format!(
        "    <name>\n      <text>{}</text>\n    </name>\n",
        html::escape(&question_name(q))
    ));
    let stem = match &q.key {
        Key::Blanks { accepted } if blanks > 1 => replace_blanks(&q.stem, |i| {
            let answers: Vec<String> = accepted
                .get(i)
                .map(|b| b.iter().map(|a| format!("={}", cloze_escape(a))).collect())
                .unwrap_or_default();
            format!("{{1:SHORTANSWER:{}}}", answers.join("~"))
        }),
        _ => q.stem.clone(),
    };
    text_element(out, "    ", "questiontext", &stem, attachments);
    text_element(out, "    ", "generalfeedback", &q.explanation, attachments);
    out.push_str(&format!("    <defaultgrade>{}</defaultgrade>\n", q.points));
    let penalty = match qtype {
        "truefalse" => "1",
        "essay" => "0",
        _ => "0.3333333",
    };
    out.push_str(&format!(
        "    <penalty>{penalty}</penalty>\n    <hidden>0</hidden>\n"
    ));
    out.push_str(&format!(
        "    <idnumber>{}</idnumber>\n",
        html::escape(&q.ident)
    ));
    match &q.key {
        Key::Choice { correct } => {
            let single = q.kind == QuestionKind::Single;
            out.push_str(&format!(
                "    <single>{single}</single>\n    <shuffleanswers>false</shuffleanswers>\n    <answernumbering>ABCD</answernumbering>\n"
            ));
            let n = q.options.len();
            let k = correct.len().max(1);
            for (i, option) in q.options.iter().enumerate() {
                let right = correct.contains(&i);
                let f = match (single, right) {
                    (_, true) if single => 100.0,
                    (_, true) => 100.0 / k as f64,
                    (true, false) => 0.0,
                    (false, false) => -100.0 / (n - correct.len()).max(1) as f64,
                };
                let mut files = Files::new();
                let body = to_html(option, attachments, &mut files);
                out.push_str(&format!(
                    "    <answer fraction=\"{}\" format=\"html\">\n      <text>{}</text>\n",
                    percent(f),
                    cdata(&body)
                ));
                for (name, data) in files {
                    out.push_str(&format!(
                        "      <file name=\"{}\" path=\"/\" encoding=\"base64\">{}</file>\n",
                        html::escape(&name),
                        B64.encode(data)
                    ));
                }
                out.push_str("      <feedback format=\"html\">\n        <text></text>\n      </feedback>\n    </answer>\n");
            }
        }
        Key::TrueFalse { value } => {
            for (text, v) in [("true", true), ("false", false)] {
                out.push_str(&format!(
                    "    <answer fraction=\"{}\" format=\"moodle_auto_format\">\n      <text>{text}</text>\n      <feedback format=\"html\">\n        <text></text>\n      </feedback>\n    </answer>\n",
                    if v == *value { 100 } else { 0 }
                ));
            }
        }
        Key::Blanks { accepted } if blanks == 1 => {
            out.push_str("    <usecase>0</usecase>\n");
            for a in accepted.iter().flatten() {
                out.push_str(&format!(
                    "    <answer fraction=\"100\" format=\"moodle_auto_format\">\n      <text>{}</text>\n      <feedback format=\"html\">\n        <text></text>\n      </feedback>\n    </answer>\n",
                    html::escape(a)
                ));
            }
        }
        Key::Blanks { .. } => {}
        Key::Open { reference } => {
            let mut info: Vec<String> = Vec::new();
            if !q.rubric.is_empty() {
                info.push(q.rubric.clone());
            }
            info.extend(scheme::describe_preparation(q.minutes, &q.equipment));
            if !q.scheme.is_empty() {
                info.extend(scheme::describe_scheme(&q.scheme));
            }
            if !reference.is_empty() {
                info.push(format!("{}：{reference}", REFERENCE_LABELS[0]));
            }
            out.push_str(
                "    <responseformat>editor</responseformat>\n    <responserequired>1</responserequired>\n    <responsefieldlines>15</responsefieldlines>\n    <attachments>0</attachments>\n    <attachmentsrequired>0</attachmentsrequired>\n",
            );
            text_element(out, "    ", "graderinfo", &info.join("\n"), attachments);
            out.push_str(
                "    <responsetemplate format=\"html\">\n      <text></text>\n    </responsetemplate>\n",
            );
        }
    }
    if !q.tags.is_empty() {
        out.push_str("    <tags>\n");
        for t in &q.tags {
            out.push_str(&format!(
                "      <tag>\n        <text>{}</text>\n      </tag>\n",
                html::escape(t)
            ));
        }
        out.push_str("    </tags>\n");
    }
    out.push_str("  </question>\n\n");
}
