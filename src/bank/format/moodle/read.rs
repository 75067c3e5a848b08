//! Reading a Moodle XML file: every `<question>` in order, the category records setting the
//! path of those that follow, embedded files becoming attachments.

use super::cloze::parse_cloze;
use super::{PLUGINFILE, REFERENCE_LABELS, category_path, full, ident_from};
use crate::bank::format::text::{decode_text, image_mime, map_image_refs, sniff_image};
use crate::bank::format::{
    Attachment, FormatError, MAX_ITEM_BYTES, ParsedFile, ParsedItem, Skip, html, matched_literally,
    not_a_number, partial_answer, partial_option, tolerance_unsupported, wildcard_ignored,
};
use crate::bank::model::{Key, QuestionBody, QuestionKind, QuestionStatus};
use crate::error::{ErrorCode, Text};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use roxmltree::Node;

/// Reads a Moodle XML file.
pub fn read(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    let text = decode_text(bytes)?;
    let doc = crate::bank::format::xml::parse(&text)?;
    let root = doc.root_element();
    if !root.has_tag_name("quiz") {
        return Err(FormatError::new(
            ErrorCode::MalformedXml,
            format!(
                "根元素是 <{}>，而 Moodle XML 文件应以 <quiz> 开始",
                root.tag_name().name()
            ),
            format!(
                "the root element is <{}>, but a Moodle XML file starts with <quiz>",
                root.tag_name().name()
            ),
        ));
    }
    let mut file = ParsedFile::default();
    let mut category: Vec<String> = Vec::new();
    let mut lines = crate::bank::format::text::LineCounter::new(doc.input_text());
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
    warnings: &mut Vec<Text>,
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
            Err(e) => warnings.push(Text::new(
                format!("文件“{path}”不是有效的 base64 编码，已忽略"),
                format!("file {path:?} is not valid base64 ({e}); ignored"),
            )),
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
fn unsupported_reason(qtype: &str) -> Text {
    let (zh, en) = match qtype {
        "matching" | "match" => ("匹配题", "matching questions"),
        "ddmatch" => ("拖放匹配题", "drag-and-drop matching questions"),
        "ddwtos" => ("拖放填词题", "drag-and-drop into text questions"),
        "gapselect" => ("选词填空题", "select missing words questions"),
        "calculated" | "calculatedsimple" | "calculatedmulti" => ("计算题", "calculated questions"),
        "randomsamatch" => ("随机简答匹配题", "random short-answer matching questions"),
        "ordering" => ("排序题", "ordering questions"),
        "ddimageortext" => ("拖放到图片题", "drag-and-drop onto image questions"),
        "ddmarker" => ("拖放标记题", "drag-and-drop marker questions"),
        "random" => ("随机抽题占位", "random question placeholders"),
        "" => {
            return Text::new("试题没有 type 属性", "the question has no type attribute");
        }
        other => {
            return Text::new(
                format!("不支持 {other} 类型的试题"),
                format!("{other} questions are not supported"),
            );
        }
    };
    Text::new(format!("不支持{zh}"), format!("{en} are not supported"))
}

/// A fraction attribute (`fraction="33.33333"`), in percent.
fn fraction(answer: Node) -> f64 {
    answer
        .attribute("fraction")
        .and_then(|f| f.trim().parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// Reads one non-category `<question>`.
fn read_question(
    q: Node,
    qtype: &str,
    name: &str,
    category: &[String],
    attachments: &mut Vec<Attachment>,
    warnings: &mut Vec<Text>,
) -> Result<QuestionBody, Skip> {
    match qtype {
        "multichoice" | "truefalse" | "shortanswer" | "essay" | "numerical" | "cloze"
        | "multianswer" => {}
        "description" => {
            return Err(Skip::new(
                ErrorCode::NotAQuestion,
                "说明（description）是显示在试题之间的文字，不是试题",
                "a description is text shown between questions, not a question",
            ));
        }
        other => {
            return Err(Skip::text(
                ErrorCode::UnsupportedType,
                unsupported_reason(other),
            ));
        }
    }
    let mut stem = rich_text(child(q, "questiontext"), attachments, warnings);
    let explanation = rich_text(child(q, "generalfeedback"), attachments, warnings);
    let points = match child(q, "defaultgrade").map(own_text) {
        None => 1.0,
        Some(t) => t.trim().parse::<f64>().unwrap_or_else(|_| {
            warnings.push(Text::new(
                format!("defaultgrade“{}”不是数字，按 1 分计", t.trim()),
                format!("defaultgrade {:?} is not a number; 1 is used", t.trim()),
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
                        warnings.push(partial_option(i, f));
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
                        ErrorCode::InvalidQuestion,
                        "“对”和“错”都没有标为正确答案",
                        "neither true nor false is marked as the right answer",
                    )
                })?;
            let text = child_text_or_own(*right);
            let value = crate::bank::model::parse_true_false(&text).ok_or_else(|| {
                Skip::new(
                    ErrorCode::InvalidQuestion,
                    format!("正确答案“{}”既不是“对”也不是“错”", text.trim()),
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
                    return Err(tolerance_unsupported());
                }
                let t = text.trim();
                if f > 0.0 && t != "*" && t.parse::<f64>().is_err() {
                    return Err(not_a_number(t));
                }
            }
            if child(q, "units").is_some_and(|u| children(u, "unit").next().is_some()) {
                warnings.push(Text::new(
                    "单位已忽略：只接受数值",
                    "units are ignored: only the number is accepted",
                ));
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
        minutes: 0,
        equipment: vec![],
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
fn accepted_answers(answers: &[Node], warnings: &mut Vec<Text>) -> Vec<String> {
    let mut accepted = Vec::new();
    for a in answers {
        let text = child_text_or_own(*a).trim().to_string();
        let f = fraction(*a);
        if text == "*" {
            warnings.push(wildcard_ignored());
            continue;
        }
        if full(f) {
            if text.contains('*') {
                warnings.push(matched_literally(&text));
            }
            accepted.push(text);
        } else if f > 0.0 {
            warnings.push(partial_answer(&text, f));
        }
    }
    accepted
}
