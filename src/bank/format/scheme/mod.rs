//! A practical task's marking scheme and equipment list in the file formats: the native TOML
//! tables (`toml.rs`), the spreadsheet cells that CSV and XLSX share (`cells.rs`), and a
//! readable rendering for the formats that only carry it as grader text (GIFT, Moodle XML, QTI).
//!
//! Spreadsheet notation (documented for keepers in question-bank/README.md):
//! - 评分细则: one aspect per line, `分项|内容|分值|类型|参数`. 类型 is 测量 (default), 评判 or
//!   扣分. 参数: for a measurement the tolerance bands `±2mm=1;±5mm=0.5` (tightest first; the
//!   number after `±` is the largest deviation, the unit follows it, after `=` the share of the
//!   points), or only a unit, or nothing (met / not met); for a judgement the four level
//!   descriptors `0 级…/1 级…/2 级…/3 级…`; for a deduction `每次扣1分` (分值 is then the most
//!   it takes off). A line `内容|分值` has no sub-criterion.
//! - 设备材料: one entry per line, `名称|规格|数量|单位`.
//! - A `\` makes the next character plain text (`\|`, `\/`, `\;`, `\\`); `\n` is a line break
//!   inside a text. The writers add these only where a text holds a separator.

pub(crate) mod cells;
#[cfg(test)]
mod tests;
pub(crate) mod toml;

use crate::bank::model::{Aspect, AspectKind, Equipment};

/// A number as a keeper writes it: `2`, `2.5`.
pub(crate) fn num(p: f64) -> String {
    if p.fract() == 0.0 && p.abs() < 1e15 {
        format!("{}", p as i64)
    } else {
        format!("{p}")
    }
}

/// The kind of an aspect in Chinese, as the spreadsheet writes it.
pub(crate) fn kind_zh(kind: &AspectKind) -> &'static str {
    match kind {
        AspectKind::Measurement { .. } => "测量",
        AspectKind::Judgement { .. } => "评判",
        AspectKind::Deduction { .. } => "扣分",
    }
}

/// One aspect as a readable line for graders (no numbering, no group).
pub(crate) fn describe(a: &Aspect) -> String {
    let p = num(a.points);
    match &a.kind {
        AspectKind::Measurement { unit, bands } if bands.is_empty() => {
            if unit.is_empty() {
                format!("{}（{p}分，达到得满分，未达到不得分）", a.text)
            } else {
                format!(
                    "{}（{p}分，测量，单位 {unit}：达到得满分，未达到不得分）",
                    a.text
                )
            }
        }
        AspectKind::Measurement { unit, bands } => {
            let steps: Vec<String> = bands
                .iter()
                .map(|b| {
                    format!(
                        "偏差≤{}{unit}得{}分",
                        num(b.within),
                        num(b.fraction * a.points)
                    )
                })
                .collect();
            format!(
                "{}（{p}分，测量：{}，超出不得分）",
                a.text,
                steps.join("，")
            )
        }
        AspectKind::Judgement { descriptors } => {
            let levels: Vec<String> = descriptors
                .iter()
                .enumerate()
                .map(|(i, d)| format!("{i}级 {d}"))
                .collect();
            format!(
                "{}（{p}分，评判 0–3 级，得分 = 分值 × 等级 ÷ 3：{}）",
                a.text,
                levels.join("；")
            )
        }
        AspectKind::Deduction { per } => {
            format!("{}（扣分项：每次扣{}分，最多扣{p}分）", a.text, num(*per))
        }
    }
}

/// The whole scheme as readable lines for graders: a heading, then each sub-criterion with its
/// numbered aspects.
pub(crate) fn describe_scheme(scheme: &[Aspect]) -> Vec<String> {
    let mut out = vec!["评分细则：".to_string()];
    let mut group: Option<&str> = None;
    for (i, a) in scheme.iter().enumerate() {
        if group != Some(a.group.as_str()) && !a.group.is_empty() {
            out.push(format!("【{}】", a.group));
        }
        group = Some(a.group.as_str());
        out.push(format!("{}. {}", i + 1, describe(a)));
    }
    out
}

/// The time allowed and the equipment list as readable lines (empty when neither is set).
pub(crate) fn describe_preparation(minutes: u32, equipment: &[Equipment]) -> Vec<String> {
    let mut out = vec![];
    if minutes > 0 {
        out.push(format!("考核时间：{minutes} 分钟"));
    }
    if !equipment.is_empty() {
        out.push("设备材料（每工位）：".to_string());
        for e in equipment {
            let spec = if e.spec.is_empty() {
                String::new()
            } else {
                format!("（{}）", e.spec)
            };
            out.push(format!(
                "- {}{spec} × {}{}",
                e.name,
                num(e.quantity),
                e.unit
            ));
        }
    }
    out
}
