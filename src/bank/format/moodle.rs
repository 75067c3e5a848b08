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

use super::html;
use super::text::{
    decode_text, image_mime, map_image_refs, media_hash, mime_extension, sniff_image,
};
use super::{Attachment, FormatError, MAX_ITEM_BYTES, ParsedFile, ParsedItem, Skip};
use crate::bank::model::{BLANK_MARKER, Key, Question, QuestionBody, QuestionKind, QuestionStatus};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use roxmltree::Node;

/// The prefix Moodle puts before the names of files embedded in a text.
const PLUGINFILE: &str = "@@PLUGINFILE@@/";

/// The labels before the reference answer inside an essay's `graderinfo`.
const REFERENCE_LABELS: [&str; 2] = ["参考答案", "Reference answer"];

/// Reads a Moodle XML file.
pub fn read(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let text = decode_text(bytes)?;
    let doc = super::xml::parse(&text)?;
    let root = doc.root_element();
    if !root.has_tag_name("quiz") {
        return Err(FormatError::new(
            "malformed_xml",
            format!(
                "the root element is <{}>, but a Moodle XML file starts with <quiz>",
                root.tag_name().name()
            ),
        ));
    }
    let mut file = ParsedFile::default();
    let mut category: Vec<String> = Vec::new();
    let mut lines = super::text::LineCounter::new(doc.input_text());
    for q in root.children().filter(|n| n.has_tag_name("question")) {
        let qtype = q.attribute("type").unwrap_or("").trim();
        if qtype == "category" {
            category = category_path(&child_text(q, "category"));
            continue;
        }
        let line = lines.line_at(q.range().start);
        let name = child_text(q, "name").trim().to_string();
        let ident = if name.is_empty() {
            format!("question {}", file.items.len() + 1)
        } else {
            name.clone()
        };
        let mut warnings = Vec::new();
        // Text nodes borrow from the file; a question whose text (embedded image files
        // aside) is over the size limit is refused before any of it is copied.
        let text_bytes: usize = q
            .descendants()
            .filter(|n| n.is_text() && !n.parent().is_some_and(|p| p.has_tag_name("file")))
            .filter_map(|n| n.text())
            .map(str::len)
            .sum();
        let result = if text_bytes > MAX_ITEM_BYTES {
            Err(Skip::item_too_large(text_bytes))
        } else {
            read_question(
                q,
                qtype,
                &name,
                &category,
                &mut file.attachments,
                &mut warnings,
            )
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

/// The first child element with this tag name.
fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name(name))
}

/// Every child element with this tag name.
fn children<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |n| n.has_tag_name(name))
}

/// The text directly inside an element (text and CDATA, concatenated).
fn own_text(node: Node) -> String {
    node.children()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// The text of `<name><text>…</text></name>`-style children; the element's own text when it
/// has no `<text>` child (`<defaultgrade>1</defaultgrade>`).
fn child_text(node: Node, name: &str) -> String {
    match child(node, name) {
        Some(c) => match child(c, "text") {
            Some(t) => own_text(t),
            None => own_text(c),
        },
        None => String::new(),
    }
}

/// Whether a Moodle auto-format text carries HTML tags.
fn looks_like_html(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Reads a text element (`<questiontext format="html"><text>…</text><file …/></…>`) into
/// platform text: HTML is converted, embedded files become attachments.
fn rich_text(
    el: Option<Node>,
    attachments: &mut Vec<Attachment>,
    warnings: &mut Vec<String>,
) -> String {
    let Some(el) = el else {
        return String::new();
    };
    let raw = match child(el, "text") {
        Some(t) => own_text(t),
        None => own_text(el),
    };
    let format = el.attribute("format").unwrap_or("moodle_auto_format");
    let text = match format {
        "html" => html::to_text(&raw),
        "moodle_auto_format" if looks_like_html(&raw) => html::to_text(&raw),
        _ => raw.trim().to_string(),
    };
    if !text.contains("![") {
        return text;
    }
    let mut inline: Vec<(String, Vec<u8>)> = Vec::new();
    for f in children(el, "file") {
        let name = f.attribute("name").unwrap_or("").trim();
        if name.is_empty() {
            continue;
        }
        let dir = f.attribute("path").unwrap_or("/").trim_matches('/');
        let path = if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        };
        let data: String = own_text(f).chars().filter(|c| !c.is_whitespace()).collect();
        match B64.decode(data.as_bytes()) {
            Ok(bytes) => inline.push((path, bytes)),
            Err(e) => warnings.push(format!("file {path:?} is not valid base64 ({e}); ignored")),
        }
    }
    map_image_refs(&text, |r| {
        let target = r.target.strip_prefix(PLUGINFILE)?;
        let name = percent_decode(target);
        // A missing file is left for the importer, which reports images it cannot find.
        Some(match inline.iter().find(|(n, _)| *n == name) {
            Some((_, data)) => add_attachment(attachments, &name, data),
            None => name,
        })
    })
}

/// Adds an embedded file to the file's attachments and returns the name the text should use:
/// the file's own name (brackets, which would end an image reference, replaced by `_`), or a
/// numbered variant when another file already has that name.
fn add_attachment(attachments: &mut Vec<Attachment>, name: &str, data: &[u8]) -> String {
    let name = name.replace(['(', ')', '[', ']'], "_");
    let name = name.as_str();
    let (base, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name, ""),
    };
    let mut candidate = name.to_string();
    let mut n = 1;
    loop {
        match attachments.iter().find(|a| a.name == candidate) {
            Some(a) if a.data == data => return candidate,
            Some(_) => {
                n += 1;
                candidate = format!("{base}-{n}{ext}");
            }
            None => break,
        }
    }
    let mime = image_mime(&candidate)
        .or_else(|| sniff_image(data))
        .unwrap_or("application/octet-stream");
    attachments.push(Attachment {
        name: candidate.clone(),
        mime: mime.to_string(),
        data: data.to_vec(),
    });
    candidate
}

/// Decodes `%20`-style escapes of a URL path (invalid escapes are kept as they are).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

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

/// Splits an essay's grader information into the rubric and the reference answer that follows a
/// `参考答案：` or `Reference answer:` line.
fn split_reference(text: &str) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        for label in REFERENCE_LABELS {
            let Some(rest) = t.strip_prefix(label) else {
                continue;
            };
            let rest = rest.trim_start();
            let Some(first) = rest.strip_prefix('：').or_else(|| rest.strip_prefix(':')) else {
                continue;
            };
            let mut reference = vec![first.trim()];
            reference.extend(&lines[i + 1..]);
            return (
                lines[..i].join("\n").trim().to_string(),
                reference.join("\n").trim().to_string(),
            );
        }
    }
    (text.trim().to_string(), String::new())
}

/// Human names of the Moodle question types the platform does not take.
fn unsupported_reason(qtype: &str) -> String {
    let what = match qtype {
        "matching" | "match" => "matching questions",
        "ddmatch" => "drag-and-drop matching questions",
        "ddwtos" => "drag-and-drop into text questions",
        "gapselect" => "select missing words questions",
        "calculated" | "calculatedsimple" | "calculatedmulti" => "calculated questions",
        "randomsamatch" => "random short-answer matching questions",
        "ordering" => "ordering questions",
        "ddimageortext" => "drag-and-drop onto image questions",
        "ddmarker" => "drag-and-drop marker questions",
        "random" => "random question placeholders",
        "" => return "the question has no type attribute".to_string(),
        other => return format!("{other} questions are not supported"),
    };
    format!("{what} are not supported")
}

/// A fraction attribute (`fraction="33.33333"`), in percent.
fn fraction(answer: Node) -> f64 {
    answer
        .attribute("fraction")
        .and_then(|f| f.trim().parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// Whether a fraction in percent is full credit.
fn full(f: f64) -> bool {
    f >= 100.0 - 1e-4
}

/// Reads one non-category `<question>`.
fn read_question(
    q: Node,
    qtype: &str,
    name: &str,
    category: &[String],
    attachments: &mut Vec<Attachment>,
    warnings: &mut Vec<String>,
) -> Result<QuestionBody, Skip> {
    match qtype {
        "multichoice" | "truefalse" | "shortanswer" | "essay" | "numerical" | "cloze"
        | "multianswer" => {}
        "description" => {
            return Err(Skip::new(
                "not_a_question",
                "a description is text shown between questions, not a question",
            ));
        }
        other => return Err(Skip::new("unsupported_type", unsupported_reason(other))),
    }
    let mut stem = rich_text(child(q, "questiontext"), attachments, warnings);
    let explanation = rich_text(child(q, "generalfeedback"), attachments, warnings);
    let points = match child(q, "defaultgrade").map(own_text) {
        None => 1.0,
        Some(t) => t.trim().parse::<f64>().unwrap_or_else(|_| {
            warnings.push(format!(
                "defaultgrade {:?} is not a number; 1 is used",
                t.trim()
            ));
            1.0
        }),
    };
    let tags: Vec<String> = child(q, "tags")
        .map(|t| {
            children(t, "tag")
                .map(child_text_or_own)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let idnumber = child(q, "idnumber").map(own_text).unwrap_or_default();
    let answers: Vec<Node> = children(q, "answer").collect();
    let mut options = Vec::new();
    let mut rubric = String::new();
    let (kind, key) = match qtype {
        "multichoice" => {
            let single = child(q, "single")
                .map(own_text)
                .is_none_or(|s| matches!(s.trim(), "true" | "1"));
            let mut correct = Vec::new();
            for (i, a) in answers.iter().enumerate() {
                options.push(rich_text(Some(*a), attachments, warnings));
                let f = fraction(*a);
                if single {
                    if full(f) {
                        correct.push(i);
                    } else if f > 0.0 {
                        warnings.push(format!(
                            "option {} gives {f}% partial credit, which is not kept",
                            crate::bank::model::option_label(i)
                        ));
                    }
                } else if f > 0.0 {
                    correct.push(i);
                }
            }
            let kind = if single {
                QuestionKind::Single
            } else {
                QuestionKind::Multiple
            };
            (kind, Key::Choice { correct })
        }
        "truefalse" => {
            let right = answers
                .iter()
                .find(|a| fraction(**a) > 0.0)
                .ok_or_else(|| {
                    Skip::new(
                        "invalid_question",
                        "neither true nor false is marked as the right answer",
                    )
                })?;
            let text = child_text_or_own(*right);
            let value = crate::bank::model::parse_true_false(&text).ok_or_else(|| {
                Skip::new(
                    "invalid_question",
                    format!(
                        "the right answer {:?} is neither true nor false",
                        text.trim()
                    ),
                )
            })?;
            (QuestionKind::TrueFalse, Key::TrueFalse { value })
        }
        "shortanswer" => {
            let accepted = accepted_answers(&answers, warnings);
            (
                QuestionKind::Fill,
                Key::Blanks {
                    accepted: vec![accepted],
                },
            )
        }
        "numerical" => {
            for a in &answers {
                let f = fraction(*a);
                let tolerance = child(*a, "tolerance")
                    .map(own_text)
                    .and_then(|t| t.trim().parse::<f64>().ok())
                    .unwrap_or(0.0);
                let text = child_text_or_own(*a);
                if f > 0.0 && tolerance != 0.0 && text.trim() != "*" {
                    return Err(Skip::new(
                        "unsupported_type",
                        "numerical questions with a tolerance range are not supported",
                    ));
                }
                let t = text.trim();
                if f > 0.0 && t != "*" && t.parse::<f64>().is_err() {
                    return Err(Skip::new(
                        "invalid_question",
                        format!("the numerical answer {t:?} is not a number"),
                    ));
                }
            }
            if child(q, "units").is_some_and(|u| children(u, "unit").next().is_some()) {
                warnings.push("units are ignored: only the number is accepted".to_string());
            }
            let accepted = accepted_answers(&answers, warnings);
            (
                QuestionKind::Fill,
                Key::Blanks {
                    accepted: vec![accepted],
                },
            )
        }
        "cloze" | "multianswer" => {
            let (text, accepted) = parse_cloze(&stem, warnings)?;
            stem = text;
            (QuestionKind::Fill, Key::Blanks { accepted })
        }
        _ => {
            let info = rich_text(child(q, "graderinfo"), attachments, warnings);
            let (r, reference) = split_reference(&info);
            rubric = r;
            (QuestionKind::Short, Key::Open { reference })
        }
    };
    Ok(QuestionBody {
        ident: ident_from(&idnumber, name, &stem),
        kind,
        category: category.to_vec(),
        stem,
        options,
        key,
        rubric,
        scheme: vec![],
        points,
        difficulty: 3,
        explanation,
        source: String::new(),
        tags,
        status: QuestionStatus::Active,
    })
}

/// The text of an element that has a `<text>` child, or its own text.
fn child_text_or_own(node: Node) -> String {
    match child(node, "text") {
        Some(t) => own_text(t),
        None => own_text(node),
    }
}

/// The full-credit answers of a short-answer or numerical question; partial-credit answers and
/// the `*` wildcard are dropped with a warning.
fn accepted_answers(answers: &[Node], warnings: &mut Vec<String>) -> Vec<String> {
    let mut accepted = Vec::new();
    for a in answers {
        let text = child_text_or_own(*a).trim().to_string();
        let f = fraction(*a);
        if text == "*" {
            warnings.push("the wildcard answer * is ignored".to_string());
            continue;
        }
        if full(f) {
            if text.contains('*') {
                warnings.push(format!(
                    "answer {text:?} is matched literally: * is not a wildcard here"
                ));
            }
            accepted.push(text);
        } else if f > 0.0 {
            warnings.push(format!(
                "answer {text:?} gives {f}% partial credit; only full-credit answers are accepted"
            ));
        }
    }
    accepted
}

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
fn parse_cloze(stem: &str, warnings: &mut Vec<String>) -> Result<(String, Vec<Vec<String>>), Skip> {
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
                "unsupported_type",
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
                warnings.push("the wildcard answer * is ignored".to_string());
                continue;
            }
            if full(weight) {
                blank.push(text);
            } else if weight > 0.0 {
                warnings.push(format!(
                    "answer {text:?} gives {weight}% partial credit; only full-credit answers are accepted"
                ));
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
            "invalid_question",
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
            if !q.scheme.is_empty() {
                info.push("评分细则：".to_string());
                for (i, a) in q.scheme.iter().enumerate() {
                    info.push(format!("{}. {}（{}分）", i + 1, a.text, a.points));
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::format::text::MEDIA_PREFIX;
    use crate::bank::model::Aspect;
    use sha2::{Digest, Sha256};

    const NESTED: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/moodle/nested_categories_with_questions.xml"
    ));

    fn body(item: &ParsedItem) -> &QuestionBody {
        item.result.as_ref().unwrap()
    }

    fn skip(item: &ParsedItem) -> &Skip {
        item.result.as_ref().unwrap_err()
    }

    #[test]
    fn the_nested_categories_fixture_reads_every_question_with_its_category() {
        let f = read(NESTED).unwrap();
        let idents: Vec<&str> = f.items.iter().map(|i| i.ident.as_str()).collect();
        assert_eq!(
            idents,
            [
                "Iota Question",
                "Kappa Essay Question",
                "Kappa Question",
                "Lambda Question",
                "Mu Question"
            ]
        );
        let lines: Vec<usize> = f.items.iter().map(|i| i.line.unwrap()).collect();
        assert_eq!(lines, [14, 52, 79, 117, 155]);
        let categories: Vec<Vec<String>> =
            f.items.iter().map(|i| body(i).category.clone()).collect();
        assert_eq!(
            categories,
            [
                vec!["Iota"],
                vec!["Iota", "Kappa"],
                vec!["Iota", "Kappa"],
                vec!["Iota", "Kappa", "Lambda"],
                vec!["Iota", "Mu"],
            ]
        );
        let iota = body(&f.items[0]);
        assert_eq!(iota.kind, QuestionKind::TrueFalse);
        assert_eq!(iota.key, Key::TrueFalse { value: true });
        assert_eq!(iota.stem, "Testing Iota Question");
        assert_eq!(iota.ident, "");
        assert_eq!(iota.points, 1.0);
        let essay = body(&f.items[1]);
        assert_eq!(essay.kind, QuestionKind::Short);
        assert_eq!(essay.stem, "Testing Kappa Essay Question");
        assert_eq!(
            essay.key,
            Key::Open {
                reference: String::new()
            }
        );
        for item in &f.items {
            assert!(Question::parse(body(item).clone()).is_ok());
            assert!(item.warnings.is_empty());
        }
    }

    #[test]
    fn malformed_xml_is_refused_with_its_line() {
        let err =
            read(b"<?xml version=\"1.0\"?>\n<quiz>\n<question type=\"truefalse\">\n</quiz>\n")
                .unwrap_err();
        assert_eq!(err.code, "malformed_xml");
        assert!(err.message.contains("line 4"), "{}", err.message);
    }

    #[test]
    fn a_file_that_is_not_a_quiz_is_refused() {
        let err = read(b"<assessmentItem/>").unwrap_err();
        assert_eq!(err.code, "malformed_xml");
        assert!(err.message.contains("<quiz>"));
    }

    #[test]
    fn an_empty_quiz_has_no_items() {
        assert!(read(b"<quiz></quiz>").unwrap().items.is_empty());
        let only_category = b"<quiz><question type=\"category\"><category><text>$course$/top/A</text></category></question></quiz>";
        assert!(read(only_category).unwrap().items.is_empty());
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn sample() -> String {
        let png = B64.encode(PNG);
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$system$/top/法规/条例</text></category>
  </question>
  <question type="multichoice">
    <name><text>LAW-1</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>看图回答：</p><p><img src="@@PLUGINFILE@@/my%20sign.png" alt="标志"></p>]]></text>
      <file name="my sign.png" path="/" encoding="base64">{png}</file>
    </questiontext>
    <generalfeedback format="html"><text>&lt;p&gt;第十六条&lt;/p&gt;</text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <idnumber></idnumber>
    <single>true</single>
    <answer fraction="100" format="html"><text>&lt;p&gt;禁止&lt;/p&gt;</text></answer>
    <answer fraction="50" format="html"><text>允许</text></answer>
    <answer fraction="0" format="html"><text>视情况</text></answer>
    <tags><tag><text>标志</text></tag><tag><text>必考</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>多选题</text></name>
    <questiontext format="html"><text>以下哪些属于安防系统？ &lt;img src="@@PLUGINFILE@@/gone.png"&gt;</text></questiontext>
    <idnumber>SEC-2</idnumber>
    <single>false</single>
    <answer fraction="50"><text>视频监控</text></answer>
    <answer fraction="50"><text>门禁</text></answer>
    <answer fraction="-100"><text>空调</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>视频监控系统由___…</text></name>
    <questiontext format="html"><text>视频监控系统由___、传输和显示组成</text></questiontext>
    <answer fraction="100"><text>前端</text></answer>
    <answer fraction="100"><text>前端设备</text></answer>
    <answer fraction="0"><text>*</text></answer>
  </question>
  <question type="numerical">
    <name><text>exact</text></name>
    <questiontext format="plain_text"><text>1+1=?</text></questiontext>
    <answer fraction="100"><text>2</text><tolerance>0</tolerance></answer>
  </question>
  <question type="numerical">
    <name><text>range</text></name>
    <questiontext format="plain_text"><text>About pi?</text></questiontext>
    <answer fraction="100"><text>3.14</text><tolerance>0.01</tolerance></answer>
  </question>
  <question type="essay">
    <name><text>essay</text></name>
    <questiontext format="html"><text>简述保安员的职责。</text></questiontext>
    <graderinfo format="html"><text>&lt;p&gt;要点齐全得满分&lt;/p&gt;&lt;p&gt;参考答案：守护、巡逻&lt;/p&gt;</text></graderinfo>
  </question>
  <question type="cloze">
    <name><text>cloze</text></name>
    <questiontext format="html"><text><![CDATA[<p>{{1:SHORTANSWER:=北京~%50%京}}是首都，{{1:SA:=上海\}}}}是城市</p>]]></text></questiontext>
  </question>
  <question type="cloze">
    <name><text>cloze mc</text></name>
    <questiontext format="html"><text>{{1:MULTICHOICE:=a~b}}</text></questiontext>
  </question>
  <question type="matching">
    <name><text>match</text></name>
    <questiontext format="html"><text>Match</text></questiontext>
  </question>
  <question type="description">
    <name><text>intro</text></name>
    <questiontext format="html"><text>Read this first.</text></questiontext>
  </question>
  <question type="ddwtos">
    <questiontext format="html"><text>Drag</text></questiontext>
  </question>
</quiz>
"#
        )
    }

    #[test]
    fn each_supported_type_maps_to_its_kind() {
        let f = read(sample().as_bytes()).unwrap();
        assert_eq!(f.items.len(), 11);

        let single = body(&f.items[0]);
        assert_eq!(single.ident, "LAW-1");
        assert_eq!(single.category, ["法规", "条例"]);
        assert_eq!(single.kind, QuestionKind::Single);
        assert_eq!(single.stem, "看图回答：\n![标志](my sign.png)");
        assert_eq!(single.options, ["禁止", "允许", "视情况"]);
        assert_eq!(single.key, Key::Choice { correct: vec![0] });
        assert_eq!(single.explanation, "第十六条");
        assert_eq!(single.points, 2.0);
        assert_eq!(single.tags, ["标志", "必考"]);
        assert_eq!(f.items[0].warnings.len(), 1, "partial credit is reported");
        assert_eq!(f.attachments.len(), 1);
        assert_eq!(f.attachments[0].name, "my sign.png");
        assert_eq!(f.attachments[0].mime, "image/png");
        assert_eq!(f.attachments[0].data, PNG);

        let multiple = body(&f.items[1]);
        assert_eq!(multiple.ident, "SEC-2");
        assert_eq!(multiple.kind, QuestionKind::Multiple);
        assert_eq!(
            multiple.key,
            Key::Choice {
                correct: vec![0, 1]
            }
        );
        assert_eq!(multiple.stem, "以下哪些属于安防系统？ ![](gone.png)");

        let fill = body(&f.items[2]);
        assert_eq!(fill.kind, QuestionKind::Fill);
        assert_eq!(
            fill.key,
            Key::Blanks {
                accepted: vec![vec!["前端".into(), "前端设备".into()]]
            }
        );
        assert_eq!(
            fill.ident, "",
            "a name that repeats the stem is no identifier"
        );
        assert_eq!(f.items[2].warnings.len(), 1);

        assert_eq!(
            body(&f.items[3]).key,
            Key::Blanks {
                accepted: vec![vec!["2".into()]]
            }
        );
        assert_eq!(skip(&f.items[4]).code, "unsupported_type");
        assert!(skip(&f.items[4]).reason.contains("tolerance"));

        let essay = body(&f.items[5]);
        assert_eq!(essay.kind, QuestionKind::Short);
        assert_eq!(essay.rubric, "要点齐全得满分");
        assert_eq!(
            essay.key,
            Key::Open {
                reference: "守护、巡逻".into()
            }
        );

        let cloze = body(&f.items[6]);
        assert_eq!(cloze.stem, "___是首都，___是城市");
        assert_eq!(
            cloze.key,
            Key::Blanks {
                accepted: vec![vec!["北京".into()], vec!["上海}".into()]]
            }
        );
        assert!(skip(&f.items[7]).reason.contains("MULTICHOICE"));
        assert_eq!(skip(&f.items[8]).code, "unsupported_type");
        assert!(skip(&f.items[8]).reason.contains("matching"));
        assert_eq!(skip(&f.items[9]).code, "not_a_question");
        assert_eq!(skip(&f.items[10]).code, "unsupported_type");
        assert_eq!(f.items[10].ident, "question 11");

        for item in f.items.iter().filter(|i| i.result.is_ok()) {
            assert!(
                Question::parse(body(item).clone()).is_ok(),
                "{}",
                item.ident
            );
        }
    }

    #[test]
    fn two_images_with_the_same_name_but_different_bytes_both_survive() {
        let xml = format!(
            r#"<quiz>
<question type="truefalse"><questiontext format="html"><text>&lt;img src="@@PLUGINFILE@@/a.png"&gt;</text><file name="a.png" encoding="base64">{}</file></questiontext><answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
<question type="truefalse"><questiontext format="html"><text>&lt;img src="@@PLUGINFILE@@/a.png"&gt;</text><file name="a.png" encoding="base64">{}</file></questiontext><answer fraction="0"><text>true</text></answer><answer fraction="100"><text>false</text></answer></question>
</quiz>"#,
            B64.encode(b"one"),
            B64.encode(b"two")
        );
        let f = read(xml.as_bytes()).unwrap();
        assert_eq!(body(&f.items[0]).stem, "![](a.png)");
        assert_eq!(body(&f.items[1]).stem, "![](a-2.png)");
        assert_eq!(body(&f.items[1]).key, Key::TrueFalse { value: false });
        assert_eq!(f.attachments.len(), 2);
        assert_eq!(f.attachments[1].data, b"two");
    }

    #[test]
    fn a_gbk_encoded_file_with_chinese_text_reads_correctly() {
        let xml = "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<quiz><question type=\"truefalse\"><name><text>判断一</text></name><questiontext format=\"plain_text\"><text>保安员可以查验身份证。</text></questiontext><answer fraction=\"0\"><text>true</text></answer><answer fraction=\"100\"><text>false</text></answer></question></quiz>";
        let (bytes, _, _) = encoding_rs::GBK.encode(xml);
        let f = read(&bytes).unwrap();
        assert_eq!(f.items[0].ident, "判断一");
        assert_eq!(body(&f.items[0]).stem, "保安员可以查验身份证。");
        assert_eq!(body(&f.items[0]).key, Key::TrueFalse { value: false });
    }

    fn question(kind: QuestionKind, stem: &str, options: &[&str], key: Key) -> Question {
        Question::parse(QuestionBody::new(kind, stem, options, key)).unwrap()
    }

    fn edit(q: Question, f: impl FnOnce(&mut QuestionBody)) -> Question {
        let mut b = q.into_body();
        f(&mut b);
        Question::parse(b).unwrap()
    }

    /// Reads a written file back the way the importer stores it: attachments become
    /// `/api/media/<sha256>` targets.
    fn read_back(bytes: &[u8]) -> Vec<Question> {
        let f = read(bytes).unwrap();
        f.items
            .into_iter()
            .map(|i| {
                let mut b = i.result.unwrap();
                b.stem = map_image_refs(&b.stem, |r| {
                    let a = f.attachments.iter().find(|a| a.name == r.target)?;
                    Some(format!(
                        "{MEDIA_PREFIX}{}",
                        hex::encode(Sha256::digest(&a.data))
                    ))
                });
                Question::parse(b).unwrap()
            })
            .collect()
    }

    #[test]
    fn writing_then_reading_gives_the_same_questions() {
        let hash = hex::encode(Sha256::digest(PNG));
        let attachments = vec![Attachment {
            name: hash.clone(),
            mime: "image/png".into(),
            data: PNG.to_vec(),
        }];
        let qs = vec![
            edit(
                question(
                    QuestionKind::Single,
                    &format!("看图回答 <禁止> & “标志”：\n![禁止标志](/api/media/{hash})"),
                    &["禁止通行", "允许通行", "a < b"],
                    Key::Choice { correct: vec![0] },
                ),
                |b| {
                    b.ident = "SIGN-01".into();
                    b.category = vec!["标志".into(), "道路/交通".into()];
                    b.explanation = "见《道路交通标志》]]> 第三条".into();
                    b.points = 2.5;
                    b.tags = vec!["图".into(), "必考".into()];
                },
            ),
            edit(
                question(
                    QuestionKind::Multiple,
                    "以下哪些属于安防系统？",
                    &["视频监控", "入侵报警", "空调"],
                    Key::Choice {
                        correct: vec![0, 1],
                    },
                ),
                |b| b.category = vec!["标志".into(), "道路/交通".into()],
            ),
            question(
                QuestionKind::TrueFalse,
                "保安员可以查验身份证。",
                &[],
                Key::TrueFalse { value: false },
            ),
            edit(
                question(
                    QuestionKind::Fill,
                    "视频监控系统由___、传输和显示组成",
                    &[],
                    Key::Blanks {
                        accepted: vec![vec!["前端".into(), "前端<设备>".into()]],
                    },
                ),
                |b| b.category = vec!["器材".into()],
            ),
            question(
                QuestionKind::Fill,
                "___由___和显示组成",
                &[],
                Key::Blanks {
                    accepted: vec![vec!["系统".into()], vec!["前端}".into(), "a~b#c\\d".into()]],
                },
            ),
            edit(
                question(
                    QuestionKind::Short,
                    "简述保安员的职责。",
                    &[],
                    Key::Open {
                        reference: "守护、巡逻\n随身护卫".into(),
                    },
                ),
                |b| {
                    b.rubric = "要点齐全得满分".into();
                    b.points = 10.0;
                },
            ),
        ];
        let out = write(&qs, &attachments).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(
            text.contains(&format!("@@PLUGINFILE@@/{hash}.png")),
            "{text}"
        );
        assert!(text.contains("$course$/top/标志/道路//交通"), "{text}");
        assert_eq!(read(&out).unwrap().attachments.len(), 1);
        assert_eq!(read_back(&out), qs, "{text}");
    }

    #[test]
    fn a_practical_task_is_written_as_an_essay_with_its_scheme_for_the_graders() {
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
                b.scheme = vec![
                    Aspect {
                        text: "动作规范".into(),
                        points: 6.0,
                    },
                    Aspect {
                        text: "用时合理".into(),
                        points: 4.0,
                    },
                ];
            },
        );
        let out = write(&[practical], &[]).unwrap();
        let back = read_back(&out);
        assert_eq!(back[0].kind, QuestionKind::Short);
        assert_eq!(back[0].points, 10.0);
        assert!(
            back[0].rubric.contains("动作规范（6分）"),
            "{}",
            back[0].rubric
        );
        assert_eq!(
            back[0].key,
            Key::Open {
                reference: "拔销、握管、压把".into()
            }
        );
    }

    #[test]
    fn category_paths_lose_their_context_marker_and_top() {
        assert_eq!(category_path("$course$/top/A/B"), ["A", "B"]);
        assert_eq!(category_path("$cat1$/top"), Vec::<String>::new());
        assert_eq!(category_path("top/A//B/C"), ["A/B", "C"]);
        assert_eq!(category_path("法规"), ["法规"]);
        assert_eq!(
            category_path(&category_text(&["a/b".into(), "c".into()])),
            ["a/b", "c"]
        );
    }
}
