//! One row of a sheet as a question body (or a skip naming the column at fault), and one
//! question as the text of its cells.

use super::columns::{Column, Layout, OPTION_HEADERS, is_empty_row};
use crate::bank::format::scheme::cells::{
    equipment_cell, parse_equipment_cell, parse_minutes, parse_scheme_cell, scheme_cell,
};
use crate::bank::format::{ParsedItem, Skip};
use crate::bank::model::{
    Aspect, Equipment, Key, MAX_OPTIONS, Question, QuestionBody, QuestionKind, QuestionStatus,
    full_to_half, option_label, parse_letters, parse_true_false,
};
use crate::error::{ErrorCode, Text};
use std::borrow::Cow;

/// Maps one data row to an item; `None` for an empty row. `row` is the sheet's row number
/// (the header is usually row 1), `line` the line where the row starts, if known.
pub(crate) fn row_item<S: AsRef<str>>(
    layout: &Layout,
    cells: &[S],
    row: usize,
    line: usize,
) -> Option<ParsedItem> {
    if is_empty_row(cells) {
        return None;
    }
    let ident = layout.cell(cells, Column::Ident);
    let mut warnings = Vec::new();
    let result = row_body(layout, cells, &mut warnings);
    Some(ParsedItem {
        ident: if ident.is_empty() {
            format!("row {row}")
        } else {
            ident.to_string()
        },
        line: Some(line),
        result,
        warnings,
    })
}

fn invalid(zh: String, en: String) -> Skip {
    Skip::new(ErrorCode::InvalidRow, zh, en)
}

fn missing(column: Column) -> Skip {
    Skip::new(
        ErrorCode::MissingField,
        format!("“{}”列为空", column.header()),
        format!("column {} is empty", column.header()),
    )
}

fn parse_kind(s: &str) -> Option<QuestionKind> {
    QuestionKind::parse(s).or(match s.trim().trim_end_matches('题') {
        "不定项选择" | "不定项" => Some(QuestionKind::Multiple),
        "论述" => Some(QuestionKind::Short),
        "实际操作" | "操作" => Some(QuestionKind::Practical),
        _ => None,
    })
}

pub(super) fn parse_difficulty(s: &str) -> Option<u8> {
    let half: String = s.chars().map(full_to_half).collect();
    if let Ok(n) = half.trim().parse::<f64>() {
        return (n.fract() == 0.0 && (1.0..=5.0).contains(&n)).then_some(n as u8);
    }
    match s {
        "易" | "容易" | "简单" => Some(1),
        "较易" => Some(2),
        "中等" | "中" | "一般" | "适中" => Some(3),
        "较难" => Some(4),
        "难" | "困难" => Some(5),
        _ => None,
    }
}

fn parse_status(s: &str) -> Option<QuestionStatus> {
    QuestionStatus::parse(&s.to_ascii_lowercase()).or(match s {
        "草稿" => Some(QuestionStatus::Draft),
        "待审核" | "审核中" => Some(QuestionStatus::InReview),
        "已标记" | "待复核" => Some(QuestionStatus::Flagged),
        "启用" | "正常" | "有效" | "在用" | "使用中" => Some(QuestionStatus::Active),
        "停用" | "退役" | "作废" | "废弃" | "禁用" => Some(QuestionStatus::Retired),
        _ => None,
    })
}

fn status_text(s: QuestionStatus) -> &'static str {
    match s {
        QuestionStatus::Draft => "草稿",
        QuestionStatus::InReview => "待审核",
        QuestionStatus::Active => "启用",
        QuestionStatus::Flagged => "已标记",
        QuestionStatus::Retired => "停用",
    }
}

fn split_list(s: &str, seps: &[char]) -> Vec<String> {
    s.split(seps)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

fn row_body<S: AsRef<str>>(
    layout: &Layout,
    cells: &[S],
    warnings: &mut Vec<Text>,
) -> Result<QuestionBody, Skip> {
    let cell = |c: Column| layout.cell(cells, c);
    let kind_text = cell(Column::Kind);
    if kind_text.is_empty() {
        return Err(missing(Column::Kind));
    }
    let kind = parse_kind(kind_text).ok_or_else(|| {
        invalid(
            format!("题型“{kind_text}”无法识别（可用：单选、多选、判断、填空、简答、实操）"),
            format!(
                "题型 {kind_text:?} is not a known question type (单选, 多选, 判断, 填空, 简答, 实操)"
            ),
        )
    })?;
    let stem = cell(Column::Stem);
    if stem.is_empty() {
        return Err(missing(Column::Stem));
    }
    let raw_options: Vec<&str> = (0..MAX_OPTIONS).map(|i| cell(Column::Option(i))).collect();
    let filled = raw_options
        .iter()
        .rposition(|o| !o.is_empty())
        .map_or(0, |p| p + 1);
    let options: Vec<String> = raw_options[..filled]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let answer = cell(Column::Answer);
    if answer.is_empty() && kind.is_objective() {
        return Err(missing(Column::Answer));
    }
    let mut used_options = false;
    let key = match kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            used_options = true;
            if let Some(gap) = options.iter().position(String::is_empty) {
                return Err(invalid(
                    format!("“{}”为空，但后面的选项有内容", OPTION_HEADERS[gap]),
                    format!(
                        "{} is empty but a later option is filled",
                        OPTION_HEADERS[gap]
                    ),
                ));
            }
            Key::Choice {
                correct: parse_letters(answer).ok_or_else(|| {
                    invalid(
                        format!("答案“{answer}”不是 A–H 的选项字母"),
                        format!("答案 {answer:?} is not option letters A–H"),
                    )
                })?,
            }
        }
        QuestionKind::TrueFalse => {
            let by_letter = || {
                let letters = parse_letters(answer)?;
                let [i] = letters.as_slice() else { return None };
                parse_true_false(options.get(*i)?)
            };
            let value = match parse_true_false(answer) {
                Some(v) => v,
                None => {
                    used_options = true;
                    by_letter().ok_or_else(|| {
                        invalid(
                            format!("答案“{answer}”不是“对”或“错”"),
                            format!("答案 {answer:?} is not 对 or 错 (true or false)"),
                        )
                    })?
                }
            };
            Key::TrueFalse { value }
        }
        QuestionKind::Fill => {
            let accepted: Vec<Vec<String>> = answer
                .split([';', '；'])
                .map(|blank| split_list(blank, &['|', '｜']))
                .filter(|b| !b.is_empty())
                .collect();
            if accepted.is_empty() {
                return Err(missing(Column::Answer));
            }
            Key::Blanks { accepted }
        }
        QuestionKind::Short | QuestionKind::Practical => Key::Open {
            reference: answer.to_string(),
        },
    };
    if !options.is_empty() && !used_options && kind != QuestionKind::TrueFalse {
        warnings.push(Text::new(
            format!("{}题不使用选项列，已忽略", kind.chinese()),
            format!(
                "the 选项 columns are ignored for a {} question",
                kind.chinese()
            ),
        ));
    }
    let difficulty_text = cell(Column::Difficulty);
    let difficulty = if difficulty_text.is_empty() {
        3
    } else {
        parse_difficulty(difficulty_text).ok_or_else(|| {
            invalid(
                format!("难度“{difficulty_text}”须为 1 至 5 或 易/较易/中等/较难/难"),
                format!("难度 {difficulty_text:?} must be 1 to 5 or 易/较易/中等/较难/难"),
            )
        })?
    };
    let points_text = cell(Column::Points);
    let points = if points_text.is_empty() {
        1.0
    } else {
        let half: String = points_text.chars().map(full_to_half).collect();
        half.trim()
            .trim_end_matches('分')
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|p| p.is_finite())
            .ok_or_else(|| {
                invalid(
                    format!("分值“{points_text}”不是数字"),
                    format!("分值 {points_text:?} is not a number"),
                )
            })?
    };
    let mut rubric = cell(Column::Rubric).to_string();
    let status_cell = cell(Column::Status);
    let status = if status_cell.is_empty() {
        QuestionStatus::Active
    } else {
        parse_status(status_cell).ok_or_else(|| {
            invalid(
                format!("状态“{status_cell}”须为 草稿、启用 或 停用"),
                format!("状态 {status_cell:?} is not 草稿, 启用 or 停用"),
            )
        })?
    };
    let (scheme, equipment, minutes) = practical_cells(kind, &cell, &mut rubric, warnings)?;
    Ok(QuestionBody {
        ident: cell(Column::Ident).to_string(),
        kind,
        category: split_list(cell(Column::Category), &['/', '>', '／', '＞']),
        stem: stem.to_string(),
        options: if kind.is_objective() && used_options && kind != QuestionKind::TrueFalse {
            options
        } else {
            Vec::new()
        },
        key,
        rubric,
        scheme,
        minutes,
        equipment,
        points,
        difficulty,
        explanation: cell(Column::Explanation).to_string(),
        source: cell(Column::Source).to_string(),
        tags: split_list(cell(Column::Tags), &[',', '，']),
        status,
    })
}

type Practical = (Vec<Aspect>, Vec<Equipment>, u32);

/// The practical columns of a row: 评分细则, 设备材料 and 考核时间 of a practical task. A
/// 评分细则 cell without any `|` (free text, as older sheets have it) and the cell of another
/// kind of question become the rubric when 评分标准 is empty; the practical columns of another
/// kind are otherwise ignored with a warning.
fn practical_cells<'c>(
    kind: QuestionKind,
    cell: &impl Fn(Column) -> &'c str,
    rubric: &mut String,
    warnings: &mut Vec<Text>,
) -> Result<Practical, Skip> {
    let scheme_text = cell(Column::Scheme);
    let free_text = !scheme_text.contains(['|', '｜']);
    if !scheme_text.is_empty() && (free_text || kind != QuestionKind::Practical) {
        if rubric.is_empty() {
            *rubric = scheme_text.to_string();
        } else if kind == QuestionKind::Practical {
            return Err(parse_scheme_cell(scheme_text).err().unwrap_or_else(|| {
                Skip::new(
                    ErrorCode::BadScheme,
                    "评分细则须逐行写成“分项|内容|分值|类型|参数”",
                    "评分细则 must be lines of group|text|points|type|parameters",
                )
            }));
        }
        if kind == QuestionKind::Practical {
            warnings.push(Text::new(
                "评分细则未按“分项|内容|分值|类型|参数”逐行书写，已作为评分标准文字保存",
                "评分细则 is not written as group|text|points|type|parameters lines; kept as the rubric text",
            ));
            return Ok((vec![], cells_equipment(cell)?, cells_minutes(cell)?));
        }
    }
    if kind != QuestionKind::Practical {
        if !cell(Column::Equipment).is_empty() || !cell(Column::Minutes).is_empty() {
            warnings.push(Text::new(
                format!("{}题不使用考核时间和设备材料列，已忽略", kind.chinese()),
                format!(
                    "考核时间 and 设备材料 are ignored for a {} question",
                    kind.chinese()
                ),
            ));
        }
        return Ok((vec![], vec![], 0));
    }
    Ok((
        parse_scheme_cell(scheme_text)?,
        cells_equipment(cell)?,
        cells_minutes(cell)?,
    ))
}

fn cells_equipment<'c>(cell: &impl Fn(Column) -> &'c str) -> Result<Vec<Equipment>, Skip> {
    parse_equipment_cell(cell(Column::Equipment))
}

fn cells_minutes<'c>(cell: &impl Fn(Column) -> &'c str) -> Result<u32, Skip> {
    parse_minutes(cell(Column::Minutes))
}

/// A number as a keeper writes it: `2`, `2.5`.
pub(crate) fn number_text(p: f64) -> String {
    if p.fract() == 0.0 && p.abs() < 1e15 {
        format!("{}", p as i64)
    } else {
        format!("{p}")
    }
}

/// The text of one cell of a question's row.
pub(crate) fn cell_text(q: &Question, c: Column) -> Cow<'_, str> {
    match c {
        Column::Ident => Cow::Borrowed(&q.ident),
        Column::Kind => Cow::Borrowed(q.kind.chinese()),
        Column::Stem => Cow::Borrowed(&q.stem),
        Column::Option(i) => q
            .options
            .get(i)
            .map_or(Cow::Borrowed(""), |o| Cow::Borrowed(o)),
        Column::Answer => match &q.key {
            Key::Choice { correct } => {
                Cow::Owned(correct.iter().map(|&i| option_label(i)).collect())
            }
            Key::TrueFalse { value } => Cow::Borrowed(if *value { "对" } else { "错" }),
            Key::Blanks { accepted } => Cow::Owned(
                accepted
                    .iter()
                    .map(|b| b.join("|"))
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            Key::Open { reference } => Cow::Borrowed(reference),
        },
        Column::Explanation => Cow::Borrowed(&q.explanation),
        Column::Difficulty => Cow::Owned(q.difficulty.to_string()),
        Column::Category => Cow::Owned(q.category.join("/")),
        Column::Points => Cow::Owned(number_text(q.points)),
        Column::Tags => Cow::Owned(q.tags.join(",")),
        Column::Source => Cow::Borrowed(&q.source),
        Column::Status => Cow::Borrowed(status_text(q.status)),
        Column::Rubric => Cow::Borrowed(&q.rubric),
        Column::Minutes if q.minutes > 0 => Cow::Owned(q.minutes.to_string()),
        Column::Minutes => Cow::Borrowed(""),
        Column::Equipment => Cow::Owned(equipment_cell(&q.equipment)),
        Column::Scheme => Cow::Owned(scheme_cell(&q.scheme)),
    }
}
