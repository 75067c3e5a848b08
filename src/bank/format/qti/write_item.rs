//! One question as an `assessmentItem` file: response declarations, the item body with its
//! interaction, and response processing that gives full marks for a correct answer.

use super::SCHEME_CLASS;
use super::{QTI_NS, esc, number};
use crate::bank::format::scheme;
use crate::bank::model::{BLANK_MARKER, Key, Question, QuestionKind};

/// Platform text to XHTML: escaped text, `<br/>` for line breaks, `<img/>` for images.
fn xhtml(text: &str, src: &mut dyn FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    let push_plain = |out: &mut String, s: &str| {
        out.push_str(&esc(s).replace('\n', "<br/>"));
    };
    while let Some(start) = rest.find("![") {
        let after = &rest[start + 2..];
        let parsed = after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end))
        });
        match parsed {
            Some((close, te)) if !after[..close].contains('\n') => {
                push_plain(&mut out, &rest[..start]);
                let alt = &after[..close];
                let target = after[close + 2..te].trim();
                out.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\"/>",
                    esc(&src(target)),
                    esc(alt)
                ));
                rest = &after[te + 1..];
            }
            _ => {
                push_plain(&mut out, &rest[..start + 2]);
                rest = after;
            }
        }
    }
    push_plain(&mut out, rest);
    out
}

/// Splits a fill stem at its blank markers (runs of three or more underscores).
fn split_blanks(stem: &str) -> (Vec<&str>, Vec<&str>) {
    let mut texts = Vec::new();
    let mut markers = Vec::new();
    let mut last = 0;
    let bytes = stem.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'_' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'_' {
                i += 1;
            }
            if i - start >= 3 {
                texts.push(&stem[last..start]);
                markers.push(&stem[start..i]);
                last = i;
            }
        } else {
            i += 1;
        }
    }
    texts.push(&stem[last..]);
    (texts, markers)
}

pub(super) fn title_of(q: &Question) -> String {
    let first = q.stem.lines().next().unwrap_or("");
    let first = first.split("![").next().unwrap_or("");
    let t: String = first.chars().take(40).collect();
    let t = t.trim();
    if t.is_empty() {
        q.ident.clone()
    } else {
        t.to_string()
    }
}

fn outcome(out: &mut String, id: &str, base_type: &str, default: Option<&str>) {
    out.push_str(&format!(
        "  <outcomeDeclaration identifier=\"{id}\" cardinality=\"single\" baseType=\"{base_type}\""
    ));
    match default {
        Some(v) => out.push_str(&format!(
            "><defaultValue><value>{}</value></defaultValue></outcomeDeclaration>\n",
            esc(v)
        )),
        None => out.push_str("/>\n"),
    }
}

pub(super) fn item_xml(q: &Question, id: &str, src: &mut dyn FnMut(&str) -> String) -> String {
    let mut x = String::with_capacity(1024 + q.stem.len() * 2);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<assessmentItem {QTI_NS} identifier=\"{}\" title=\"{}\" adaptive=\"false\" timeDependent=\"false\">\n",
        esc(id),
        esc(&title_of(q))
    ));
    // Response declarations.
    let mut blanks_in_stem = 0;
    match &q.key {
        Key::Choice { correct } => {
            let card = if q.kind == QuestionKind::Multiple {
                "multiple"
            } else {
                "single"
            };
            x.push_str(&format!("  <responseDeclaration identifier=\"RESPONSE\" cardinality=\"{card}\" baseType=\"identifier\">\n    <correctResponse>"));
            for &i in correct {
                x.push_str(&format!("<value>{}</value>", choice_id(i)));
            }
            x.push_str("</correctResponse>\n  </responseDeclaration>\n");
        }
        Key::TrueFalse { value } => {
            x.push_str(&format!("  <responseDeclaration identifier=\"RESPONSE\" cardinality=\"single\" baseType=\"identifier\">\n    <correctResponse><value>{value}</value></correctResponse>\n  </responseDeclaration>\n"));
        }
        Key::Blanks { accepted } => {
            blanks_in_stem = split_blanks(&q.stem).1.len();
            for (i, alts) in accepted.iter().enumerate() {
                x.push_str(&format!(
                    "  <responseDeclaration identifier=\"RESPONSE_{}\" cardinality=\"single\" baseType=\"string\">\n    <correctResponse><value>{}</value></correctResponse>\n    <mapping defaultValue=\"0\" upperBound=\"1\">",
                    i + 1,
                    esc(alts.first().map(String::as_str).unwrap_or(""))
                ));
                for a in alts {
                    x.push_str(&format!(
                        "<mapEntry mapKey=\"{}\" mappedValue=\"1\" caseSensitive=\"true\"/>",
                        esc(a)
                    ));
                }
                x.push_str("</mapping>\n  </responseDeclaration>\n");
            }
        }
        Key::Open { reference } => {
            x.push_str("  <responseDeclaration identifier=\"RESPONSE\" cardinality=\"single\" baseType=\"string\"");
            if reference.is_empty() {
                x.push_str("/>\n");
            } else {
                x.push_str(&format!(
                    ">\n    <correctResponse><value>{}</value></correctResponse>\n  </responseDeclaration>\n",
                    esc(reference)
                ));
            }
        }
    }
    outcome(&mut x, "SCORE", "float", Some("0"));
    outcome(&mut x, "MAXSCORE", "float", Some(&number(q.points)));
    if !q.explanation.is_empty() {
        outcome(&mut x, "FEEDBACK", "identifier", None);
    }
    // Item body.
    x.push_str("  <itemBody>\n");
    match &q.key {
        Key::Blanks { accepted } => {
            let (texts, markers) = split_blanks(&q.stem);
            x.push_str("    <div>");
            for (i, t) in texts.iter().enumerate() {
                x.push_str(&xhtml(t, src));
                if let Some(m) = markers.get(i) {
                    x.push_str(&format!(
                        "<textEntryInteraction responseIdentifier=\"RESPONSE_{}\" expectedLength=\"{}\"",
                        i + 1,
                        expected_length(accepted.get(i))
                    ));
                    if *m != BLANK_MARKER {
                        x.push_str(&format!(" label=\"{m}\""));
                    }
                    x.push_str("/>");
                }
            }
            x.push_str("</div>\n");
            if blanks_in_stem == 0 {
                x.push_str(&format!(
                    "    <div><textEntryInteraction responseIdentifier=\"RESPONSE_1\" expectedLength=\"{}\"/></div>\n",
                    expected_length(accepted.first())
                ));
            }
        }
        _ => {
            x.push_str(&format!("    <div>{}</div>\n", xhtml(&q.stem, src)));
        }
    }
    match &q.key {
        Key::Choice { .. } => {
            let max = if q.kind == QuestionKind::Multiple {
                0
            } else {
                1
            };
            x.push_str(&format!("    <choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"false\" maxChoices=\"{max}\">\n"));
            for (i, o) in q.options.iter().enumerate() {
                x.push_str(&format!(
                    "      <simpleChoice identifier=\"{}\">{}</simpleChoice>\n",
                    choice_id(i),
                    xhtml(o, src)
                ));
            }
            x.push_str("    </choiceInteraction>\n");
        }
        Key::TrueFalse { .. } => {
            x.push_str("    <choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"false\" maxChoices=\"1\">\n      <simpleChoice identifier=\"true\">对</simpleChoice>\n      <simpleChoice identifier=\"false\">错</simpleChoice>\n    </choiceInteraction>\n");
        }
        Key::Open { .. } => {
            x.push_str("    <extendedTextInteraction responseIdentifier=\"RESPONSE\"/>\n");
        }
        Key::Blanks { .. } => {}
    }
    if !q.rubric.is_empty() {
        x.push_str(&format!(
            "    <rubricBlock view=\"scorer\"><p>{}</p></rubricBlock>\n",
            xhtml(&q.rubric, src)
        ));
    }
    if q.kind == QuestionKind::Practical {
        x.push_str(&format!(
            "    <rubricBlock view=\"scorer\" class=\"{SCHEME_CLASS}\"><p>评分细则</p><ul>"
        ));
        for a in &q.scheme {
            x.push_str("<li>");
            if !a.group.is_empty() {
                x.push_str(&format!(
                    "<span class=\"group\">{}</span> ",
                    xhtml(&a.group, src)
                ));
            }
            x.push_str(&format!(
                "<span class=\"aspect\">{}</span> <span class=\"points\">{}</span>",
                xhtml(&a.text, src),
                number(a.points)
            ));
            if !a.kind.is_plain() {
                // The kind and its parameters in the spreadsheet notation (read back), then the
                // rule in words for a grader.
                x.push_str(&format!(
                    " <span class=\"kind\">{}</span> <span class=\"params\">{}</span>",
                    scheme::kind_zh(&a.kind),
                    esc(&scheme::cells::params_text(&a.kind))
                ));
            }
            x.push_str(&format!(
                " <span class=\"rule\">{}</span></li>",
                xhtml(&scheme::describe(a), src)
            ));
        }
        x.push_str("</ul>");
        if q.minutes > 0 {
            x.push_str(&format!(
                "<p>考核时间 <span class=\"minutes\">{}</span> 分钟</p>",
                q.minutes
            ));
        }
        if !q.equipment.is_empty() {
            x.push_str("<p>设备材料（名称|规格|数量|单位）</p><ul class=\"equipment\">");
            for e in &q.equipment {
                x.push_str(&format!(
                    "<li>{}</li>",
                    esc(&scheme::cells::equipment_cell(std::slice::from_ref(e)))
                ));
            }
            x.push_str("</ul>");
        }
        x.push_str("</rubricBlock>\n");
    }
    x.push_str("  </itemBody>\n");
    // Response processing: full marks (MAXSCORE) for a correct answer; blanks share them.
    x.push_str("  <responseProcessing>\n");
    match &q.key {
        Key::Choice { .. } | Key::TrueFalse { .. } => {
            x.push_str("    <responseCondition><responseIf><match><variable identifier=\"RESPONSE\"/><correct identifier=\"RESPONSE\"/></match><setOutcomeValue identifier=\"SCORE\"><variable identifier=\"MAXSCORE\"/></setOutcomeValue></responseIf></responseCondition>\n");
        }
        Key::Blanks { accepted } => {
            x.push_str("    <setOutcomeValue identifier=\"SCORE\"><product><variable identifier=\"MAXSCORE\"/><divide><sum>");
            for i in 0..accepted.len() {
                x.push_str(&format!("<mapResponse identifier=\"RESPONSE_{}\"/>", i + 1));
            }
            x.push_str(&format!(
                "</sum><baseValue baseType=\"float\">{}</baseValue></divide></product></setOutcomeValue>\n",
                accepted.len()
            ));
        }
        Key::Open { .. } => {}
    }
    if !q.explanation.is_empty() {
        x.push_str("    <setOutcomeValue identifier=\"FEEDBACK\"><baseValue baseType=\"identifier\">EXPLANATION</baseValue></setOutcomeValue>\n");
    }
    x.push_str("  </responseProcessing>\n");
    if !q.explanation.is_empty() {
        x.push_str(&format!(
            "  <modalFeedback outcomeIdentifier=\"FEEDBACK\" identifier=\"EXPLANATION\" showHide=\"show\" title=\"解析\">{}</modalFeedback>\n",
            xhtml(&q.explanation, src)
        ));
    }
    x.push_str("</assessmentItem>\n");
    x
}

fn choice_id(i: usize) -> char {
    crate::bank::model::option_label(i)
}

fn expected_length(answers: Option<&Vec<String>>) -> usize {
    answers
        .and_then(|a| a.iter().map(|s| s.chars().count()).max())
        .unwrap_or(10)
        .clamp(4, 60)
}
