//! One `assessmentItem` into a question body: its interactions, response declarations and
//! scoring decide the kind, key and points; or a skip saying why it cannot become a question.

use super::SCHEME_CLASS;
use super::dom::{attr, child, children, has_class, is, plain};
use super::read_body::Html;
use crate::bank::format::scheme::cells;
use crate::bank::format::{Skip, html};
use crate::bank::model::{Aspect, Key, QuestionBody, QuestionKind, QuestionStatus};
use crate::error::ErrorCode;
use roxmltree::Node;
use std::collections::HashMap;

/// Reads an option text as true or false only when it is one of the words that mean exactly
/// that; letters and digits such as `x`, `y`, `1`, `0` stay ordinary options.
fn true_false_word(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "对" | "正确" | "是" | "√" | "✓" | "true" => Some(true),
        "错" | "错误" | "否" | "×" | "✗" | "false" => Some(false),
        _ => None,
    }
}

/// A response declaration.
#[derive(Default)]
struct Decl {
    cardinality: String,
    base_type: String,
    correct: Vec<String>,
    mapped: Vec<(String, f64)>,
    upper_bound: Option<f64>,
}

impl Decl {
    /// The key of a choice interaction: the declared correct response; only without one, the
    /// mapped choices worth the most (a choice with partial credit is not a correct answer).
    fn choice_key(&self) -> Vec<String> {
        let correct: Vec<String> = self
            .correct
            .iter()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        if !correct.is_empty() {
            return correct;
        }
        let top = self.mapped.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
        self.mapped
            .iter()
            .filter(|(_, v)| top > 0.0 && *v >= top)
            .map(|(k, _)| k.trim().to_string())
            .collect()
    }

    /// The correct values, then the mapped keys worth points, without repeats: every accepted
    /// answer, as a text entry wants them.
    fn answers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mapped = self.mapped.iter().filter(|(_, v)| *v > 0.0).map(|(k, _)| k);
        for v in self.correct.iter().chain(mapped) {
            let v = v.trim();
            if !v.is_empty() && !out.iter().any(|o| o == v) {
                out.push(v.to_string());
            }
        }
        out
    }
}

fn declarations(item: Node) -> HashMap<String, Decl> {
    let mut map = HashMap::new();
    for d in children(item, "responseDeclaration") {
        let mut decl = Decl {
            cardinality: attr(d, "cardinality").to_string(),
            base_type: attr(d, "baseType").to_string(),
            ..Decl::default()
        };
        if let Some(c) = child(d, "correctResponse") {
            decl.correct = children(c, "value").map(plain).collect();
        }
        if let Some(m) = child(d, "mapping") {
            decl.upper_bound = m
                .attribute("upperBound")
                .and_then(|v| v.trim().parse().ok());
            for e in children(m, "mapEntry") {
                if let (Some(k), Some(v)) = (
                    e.attribute("mapKey"),
                    e.attribute("mappedValue")
                        .and_then(|v| v.trim().parse::<f64>().ok()),
                ) {
                    decl.mapped.push((k.to_string(), v));
                }
            }
        }
        map.insert(attr(d, "identifier").to_string(), decl);
    }
    map
}

fn max_score(item: Node) -> Option<f64> {
    children(item, "outcomeDeclaration")
        .find(|o| attr(*o, "identifier") == "MAXSCORE")
        .and_then(|o| child(o, "defaultValue"))
        .and_then(|d| child(d, "value"))
        .and_then(|v| plain(v).parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0)
}

/// How a numeric response is scored when that is not by exact value.
fn numeric_range(item: Node, response: &str) -> Option<String> {
    let rp = child(item, "responseProcessing")?;
    for n in rp.descendants().filter(Node::is_element) {
        let name = n.tag_name().name();
        let what = match name {
            "equal" => match n.attribute("toleranceMode") {
                Some("absolute" | "relative") => "equal with a tolerance".to_string(),
                _ => continue,
            },
            "equalRounded" | "lt" | "lte" | "gt" | "gte" => name.to_string(),
            _ => continue,
        };
        if n.descendants()
            .any(|v| is(&v, "variable") && attr(v, "identifier") == response)
        {
            return Some(what);
        }
    }
    None
}

/// Answers of a numeric entry: the plain number first ("4"), then the value as written ("4.0").
fn numeric_forms(v: &str) -> Vec<String> {
    let v = v.trim();
    match v.parse::<f64>() {
        Ok(f) if f.is_finite() => {
            let canon = if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", f as i64)
            } else {
                format!("{f}")
            };
            if canon == v {
                vec![canon]
            } else {
                vec![canon, v.to_string()]
            }
        }
        _ => vec![v.to_string()],
    }
}

/// What an interaction asks of the candidate, in Chinese and English.
fn describe(interaction: &str) -> (&'static str, &'static str) {
    match interaction {
        "matchInteraction" => ("匹配", "matching"),
        "associateInteraction" => ("关联", "association"),
        "orderInteraction" => ("排序", "ordering"),
        "gapMatchInteraction" => ("拖放填空", "gap match"),
        "hotspotInteraction" => ("图片热点", "hotspot on an image"),
        "graphicOrderInteraction" => ("图片排序", "ordering on an image"),
        "graphicAssociateInteraction" => ("图片关联", "association on an image"),
        "graphicGapMatchInteraction" => ("图片拖放填空", "gap match on an image"),
        "selectPointInteraction" => ("在图片上选点", "selecting a point on an image"),
        "positionObjectInteraction" => ("摆放对象", "positioning an object"),
        "sliderInteraction" => ("滑块", "slider"),
        "uploadInteraction" => ("上传文件", "file upload"),
        "drawingInteraction" => ("绘图", "drawing"),
        "mediaInteraction" => ("播放媒体", "media playback"),
        "hottextInteraction" => ("选择文中热词", "hot text selection"),
        "customInteraction" => ("自定义交互", "custom interaction"),
        "endAttemptInteraction" => ("结束作答按钮", "end-attempt button"),
        _ => ("交互", "interaction"),
    }
}

fn unsupported(zh: impl Into<String>, en: impl Into<String>) -> Skip {
    Skip::new(ErrorCode::UnsupportedInteraction, zh, en)
}

/// Reads an assessmentItem into a body, or says why it cannot become one.
pub(super) fn item_body(item: Node, h: &mut Html) -> Result<QuestionBody, Skip> {
    let ident = attr(item, "identifier").trim().to_string();
    let body_node = child(item, "itemBody").ok_or_else(|| {
        unsupported(
            "试题没有 itemBody，无可作答的内容",
            "the item has no itemBody, so nothing can be answered",
        )
    })?;
    let interactions: Vec<Node> = body_node
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name().ends_with("Interaction"))
        .collect();
    let mut names: Vec<&str> = Vec::new();
    for i in &interactions {
        let n = i.tag_name().name();
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let name = match names.as_slice() {
        [] => {
            return Err(unsupported(
                "试题中没有可作答的交互",
                "the item has no interaction to answer",
            ));
        }
        [one] => *one,
        many => {
            return Err(unsupported(
                format!(
                    "组合题：包含 {}；只能导入只有一种交互的试题",
                    many.join("、")
                ),
                format!(
                    "composite item: it combines {}; only items with one kind of interaction can be imported",
                    many.join(" and ")
                ),
            ));
        }
    };
    let count = interactions.len();
    let decls = declarations(item);
    let empty = Decl::default();
    let decl_of = |n: &Node| decls.get(attr(*n, "responseIdentifier")).unwrap_or(&empty);
    let first = interactions[0];
    let mut options = Vec::new();
    let mut scheme = Vec::new();
    let mut minutes = 0;
    let mut equipment = vec![];
    let kind;
    let key;
    match name {
        "choiceInteraction" | "inlineChoiceInteraction" => {
            if count > 1 {
                return Err(unsupported(
                    format!("一道题中有 {count} 个 {name}；只有一个时才能成为选择题"),
                    format!("{count} {name}s in one item; only one can become a choice question"),
                ));
            }
            let decl = decl_of(&first);
            let choice_name = if name == "choiceInteraction" {
                "simpleChoice"
            } else {
                "inlineChoice"
            };
            let choices: Vec<Node> = children(first, choice_name).collect();
            let wanted = decl.choice_key();
            if wanted.is_empty() {
                return Err(Skip::new(
                    ErrorCode::MissingKey,
                    format!("{} 没有声明正确答案", attr(first, "responseIdentifier")),
                    format!(
                        "no correct response is declared for {}",
                        attr(first, "responseIdentifier")
                    ),
                ));
            }
            let correct: Vec<usize> = choices
                .iter()
                .enumerate()
                .filter(|(_, c)| wanted.iter().any(|w| w == attr(**c, "identifier")))
                .map(|(i, _)| i)
                .collect();
            if correct.is_empty() {
                return Err(Skip::new(
                    ErrorCode::MissingKey,
                    format!("正确答案 {} 不是任何一个选项", wanted.join("、")),
                    format!(
                        "the correct response {} names none of the choices",
                        wanted.join(", ")
                    ),
                ));
            }
            let single = match first
                .attribute("maxChoices")
                .and_then(|m| m.trim().parse::<usize>().ok())
            {
                Some(m) => m == 1,
                None => name == "inlineChoiceInteraction" || decl.cardinality != "multiple",
            };
            options = choices.iter().map(|c| h.text_of(*c)).collect();
            let tf = match options.as_slice() {
                [a, b] if single && name == "choiceInteraction" && correct.len() == 1 => {
                    match (true_false_word(a), true_false_word(b)) {
                        (Some(x), Some(y)) if x != y => Some(if correct[0] == 0 { x } else { y }),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some(value) = tf {
                options.clear();
                kind = QuestionKind::TrueFalse;
                key = Key::TrueFalse { value };
            } else {
                kind = if single {
                    QuestionKind::Single
                } else {
                    QuestionKind::Multiple
                };
                key = Key::Choice { correct };
            }
        }
        "textEntryInteraction" => {
            let mut accepted = Vec::with_capacity(count);
            for (i, te) in interactions.iter().enumerate() {
                let response = attr(*te, "responseIdentifier");
                let decl = decl_of(te);
                let numeric = matches!(decl.base_type.as_str(), "float" | "integer");
                if numeric && let Some(how) = numeric_range(item, response) {
                    return Err(unsupported(
                        format!("textEntryInteraction {response} 按数值范围评分；不支持数值范围"),
                        format!(
                            "textEntryInteraction {response} is scored by a numeric range ({how}); numeric ranges are not supported"
                        ),
                    ));
                }
                let mut answers: Vec<String> = Vec::new();
                for a in decl.answers() {
                    let forms = if numeric { numeric_forms(&a) } else { vec![a] };
                    for f in forms {
                        if !answers.contains(&f) {
                            answers.push(f);
                        }
                    }
                }
                if answers.is_empty() {
                    return Err(Skip::new(
                        ErrorCode::MissingKey,
                        format!("第 {} 个填空（{response}）没有正确答案", i + 1),
                        format!("blank {} ({response}) has no correct response", i + 1),
                    ));
                }
                accepted.push(answers);
            }
            h.lone_blank = count == 1;
            kind = QuestionKind::Fill;
            key = Key::Blanks { accepted };
        }
        "extendedTextInteraction" => {
            if count > 1 {
                return Err(unsupported(
                    format!(
                        "一道题中有 {count} 个 extendedTextInteraction；只有一个时才能成为简答题"
                    ),
                    format!(
                        "{count} extendedTextInteractions in one item; only one can become a short-answer question"
                    ),
                ));
            }
            let reference = decl_of(&first).correct.join("\n");
            let scheme_block = body_node
                .descendants()
                .find(|n| is(n, "rubricBlock") && has_class(*n, SCHEME_CLASS));
            if let Some(block) = scheme_block {
                kind = QuestionKind::Practical;
                for li in block.descendants().filter(|n| is(n, "li")) {
                    let span = |class: &str| {
                        li.descendants()
                            .find(|n| is(n, "span") && has_class(*n, class))
                    };
                    let text = span("aspect").map(|s| h.text_of(s));
                    let points = span("points").and_then(|s| plain(s).parse::<f64>().ok());
                    if let (Some(text), Some(points)) = (text, points) {
                        let n = scheme.len() + 1;
                        let kind = cells::parse_kind(
                            &span("kind").map(plain).unwrap_or_default(),
                            &span("params").map(plain).unwrap_or_default(),
                            (&format!("评分细则第 {n} 项"), &format!("scheme entry {n}")),
                        )?;
                        scheme.push(Aspect {
                            group: span("group").map(|s| h.text_of(s)).unwrap_or_default(),
                            text,
                            points,
                            kind,
                        });
                    }
                }
                let span = |class: &str| {
                    block
                        .descendants()
                        .find(|n| is(n, "span") && has_class(*n, class))
                };
                minutes = span("minutes")
                    .and_then(|s| plain(s).parse::<u32>().ok())
                    .unwrap_or(0);
                if let Some(list) = block
                    .descendants()
                    .find(|n| is(n, "ul") && has_class(*n, "equipment"))
                {
                    let lines: Vec<String> =
                        list.children().filter(|n| is(n, "li")).map(plain).collect();
                    equipment = cells::parse_equipment_cell(&lines.join("\n"))?;
                }
            } else {
                kind = QuestionKind::Short;
            }
            key = Key::Open { reference };
        }
        other => {
            let (zh, en) = describe(other);
            return Err(unsupported(
                format!("不支持 {other}（{zh}）"),
                format!("{other} ({en}) is not supported"),
            ));
        }
    }
    let mut html_stem = String::new();
    h.children(body_node, &mut html_stem);
    let stem = html::to_text(&html_stem);
    let rubric = body_node
        .descendants()
        .filter(|n| {
            is(n, "rubricBlock")
                && !has_class(*n, SCHEME_CLASS)
                && attr(*n, "view").split_whitespace().any(|v| v == "scorer")
        })
        .map(|n| h.text_of(n))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let explanation = children(item, "modalFeedback")
        .map(|n| h.text_of(n))
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    let bounds: Option<Vec<f64>> = interactions
        .iter()
        .map(|i| decl_of(i).upper_bound.filter(|b| b.is_finite() && *b > 0.0))
        .collect();
    let points = max_score(item)
        .or_else(|| bounds.map(|b| b.iter().sum()))
        .unwrap_or(1.0);
    Ok(QuestionBody {
        ident,
        kind,
        category: Vec::new(),
        stem,
        options,
        key,
        rubric,
        scheme,
        minutes,
        equipment,
        points,
        difficulty: 3,
        explanation,
        source: String::new(),
        tags: Vec::new(),
        status: QuestionStatus::Active,
    })
}
