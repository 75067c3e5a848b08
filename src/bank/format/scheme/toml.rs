//! A marking scheme and an equipment list in the native TOML format:
//!
//! ```toml
//! minutes = 90
//! equipment = [{ name = "网络摄像机", spec = "400 万像素 PoE", quantity = 1, unit = "台" }]
//! [[question.scheme]]
//! group = "A 摄像机安装"
//! text = "安装高度偏差"
//! points = 4
//! type = "measurement"            # measurement (default) | judgement | deduction
//! unit = "mm"
//! bands = [{ within = 20, fraction = 1 }, { within = 50, fraction = 0.5 }]
//! # judgement: descriptors = ["…", "…", "…", "…"]; deduction: per = 1
//! ```

use crate::bank::format::Skip;
use crate::bank::model::{Aspect, AspectKind, Band, Equipment};
use crate::error::{ErrorCode, Text};
use toml::{Table, Value};

const ASPECT_KEYS: [&str; 8] = [
    "group",
    "text",
    "points",
    "type",
    "unit",
    "bands",
    "descriptors",
    "per",
];
const EQUIPMENT_KEYS: [&str; 4] = ["name", "spec", "quantity", "unit"];

/// A number as TOML writes it: whole numbers as integers.
pub(crate) fn number_value(p: f64) -> Value {
    if p.fract() == 0.0 && p.abs() < 1e15 {
        Value::Integer(p as i64)
    } else {
        Value::Float(p)
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn bad(n: usize, zh: &str, en: &str) -> Skip {
    Skip::new(
        ErrorCode::BadScheme,
        format!("评分细则第 {n} 项：{zh}"),
        format!("scheme entry {n}: {en}"),
    )
}

fn text_of(t: &Table, key: &str, n: usize, zh: &str) -> Result<String, Skip> {
    match t.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(bad(
            n,
            &format!("“{key}”（{zh}）必须是字符串"),
            &format!("{key:?} must be a string"),
        )),
    }
}

/// Reads the `scheme` value of a question; unknown keys of an entry become warnings.
pub(crate) fn read_scheme(v: &Value, warnings: &mut Vec<Text>) -> Result<Vec<Aspect>, Skip> {
    let Value::Array(items) = v else {
        return Err(Skip::new(
            ErrorCode::InvalidField,
            "字段“scheme”必须是列表（[[question.scheme]]）",
            "scheme must be a list ([[question.scheme]])",
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| read_aspect(item, i + 1, warnings))
        .collect()
}

fn read_aspect(v: &Value, n: usize, warnings: &mut Vec<Text>) -> Result<Aspect, Skip> {
    let Some(t) = v.as_table() else {
        return Err(bad(n, "必须是表", "must be a table"));
    };
    for k in t.keys().filter(|k| !ASPECT_KEYS.contains(&k.as_str())) {
        warnings.push(Text::new(
            format!("评分细则第 {n} 项的未知字段“{k}”已忽略"),
            format!("unknown field {k:?} of scheme entry {n} ignored"),
        ));
    }
    let text = match t.get("text") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(bad(n, "需要 text（内容）", "needs text")),
    };
    let points = t
        .get("points")
        .and_then(number)
        .ok_or_else(|| bad(n, "需要数字 points（分值）", "needs numeric points"))?;
    let kind_name = text_of(t, "type", n, "类型")?;
    let given = |k: &str| t.contains_key(k);
    let not_for = |keys: &[&str], kind: &str| -> Result<(), Skip> {
        match keys.iter().find(|k| given(k)) {
            Some(k) => Err(bad(
                n,
                &format!("{kind}不用“{k}”"),
                &format!("a {kind} takes no {k:?}"),
            )),
            None => Ok(()),
        }
    };
    let kind = match kind_name.trim() {
        "" | "measurement" | "测量" => {
            not_for(&["descriptors", "per"], "measurement")?;
            let bands = match t.get("bands") {
                None => vec![],
                Some(Value::Array(list)) => list
                    .iter()
                    .map(|b| {
                        let b = b.as_table();
                        let get = |k: &str| b.and_then(|b| b.get(k)).and_then(number);
                        match (get("within"), get("fraction")) {
                            (Some(within), Some(fraction)) => Ok(Band { within, fraction }),
                            _ => Err(bad(
                                n,
                                "bands 的每一档都需要数字 within 和 fraction",
                                "each band needs numeric within and fraction",
                            )),
                        }
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => {
                    return Err(bad(n, "bands 必须是列表", "bands must be a list"));
                }
            };
            AspectKind::Measurement {
                unit: text_of(t, "unit", n, "单位")?,
                bands,
            }
        }
        "judgement" | "评判" => {
            not_for(&["unit", "bands", "per"], "judgement")?;
            let descriptors = match t.get("descriptors") {
                Some(Value::Array(list)) => list
                    .iter()
                    .map(|d| d.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>(),
                _ => None,
            }
            .ok_or_else(|| {
                bad(
                    n,
                    "评判项需要 descriptors：0–3 级的四条描述",
                    "a judgement needs descriptors: four texts for levels 0–3",
                )
            })?;
            AspectKind::Judgement { descriptors }
        }
        "deduction" | "扣分" => {
            not_for(&["unit", "bands", "descriptors"], "deduction")?;
            let per = t.get("per").and_then(number).ok_or_else(|| {
                bad(
                    n,
                    "扣分项需要数字 per（每次扣分）",
                    "a deduction needs numeric per (points per occurrence)",
                )
            })?;
            AspectKind::Deduction { per }
        }
        other => {
            return Err(bad(
                n,
                &format!("类型“{other}”须为 measurement、judgement 或 deduction"),
                &format!("type {other:?} is not measurement, judgement or deduction"),
            ));
        }
    };
    Ok(Aspect {
        group: text_of(t, "group", n, "分项")?,
        text,
        points,
        kind,
    })
}

/// One aspect as a TOML table (only the keys its kind uses).
pub(crate) fn aspect_table(a: &Aspect) -> Value {
    let mut s = Table::new();
    if !a.group.is_empty() {
        s.insert("group".into(), Value::String(a.group.clone()));
    }
    s.insert("text".into(), Value::String(a.text.clone()));
    s.insert("points".into(), number_value(a.points));
    if !a.kind.is_plain() {
        s.insert("type".into(), Value::String(a.kind.code().into()));
    }
    match &a.kind {
        AspectKind::Measurement { unit, bands } => {
            if !unit.is_empty() {
                s.insert("unit".into(), Value::String(unit.clone()));
            }
            if !bands.is_empty() {
                let list = bands
                    .iter()
                    .map(|b| {
                        let mut t = Table::new();
                        t.insert("within".into(), number_value(b.within));
                        t.insert("fraction".into(), number_value(b.fraction));
                        Value::Table(t)
                    })
                    .collect();
                s.insert("bands".into(), Value::Array(list));
            }
        }
        AspectKind::Judgement { descriptors } => {
            s.insert(
                "descriptors".into(),
                Value::Array(descriptors.iter().cloned().map(Value::String).collect()),
            );
        }
        AspectKind::Deduction { per } => {
            s.insert("per".into(), number_value(*per));
        }
    }
    Value::Table(s)
}

/// Reads the `equipment` value of a question.
pub(crate) fn read_equipment(v: &Value, warnings: &mut Vec<Text>) -> Result<Vec<Equipment>, Skip> {
    let bad = |n: usize, zh: &str, en: &str| {
        Skip::new(
            ErrorCode::BadScheme,
            format!("设备材料第 {n} 项：{zh}"),
            format!("equipment entry {n}: {en}"),
        )
    };
    let Value::Array(items) = v else {
        return Err(Skip::new(
            ErrorCode::InvalidField,
            "字段“equipment”必须是列表",
            "equipment must be a list",
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let t = item
            .as_table()
            .ok_or_else(|| bad(n, "必须是表", "must be a table"))?;
        for k in t.keys().filter(|k| !EQUIPMENT_KEYS.contains(&k.as_str())) {
            warnings.push(Text::new(
                format!("设备材料第 {n} 项的未知字段“{k}”已忽略"),
                format!("unknown field {k:?} of equipment entry {n} ignored"),
            ));
        }
        let s = |k: &str| match t.get(k) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(bad(
                n,
                &format!("“{k}”必须是字符串"),
                &format!("{k:?} must be a string"),
            )),
        };
        let quantity = match t.get("quantity") {
            None => 1.0,
            Some(v) => number(v)
                .ok_or_else(|| bad(n, "quantity（数量）必须是数字", "quantity must be a number"))?,
        };
        out.push(Equipment {
            name: s("name")?,
            spec: s("spec")?,
            quantity,
            unit: s("unit")?,
        });
    }
    Ok(out)
}

/// One equipment entry as an inline TOML table.
pub(crate) fn equipment_table(e: &Equipment) -> Value {
    let mut t = Table::new();
    t.insert("name".into(), Value::String(e.name.clone()));
    if !e.spec.is_empty() {
        t.insert("spec".into(), Value::String(e.spec.clone()));
    }
    t.insert("quantity".into(), number_value(e.quantity));
    if !e.unit.is_empty() {
        t.insert("unit".into(), Value::String(e.unit.clone()));
    }
    Value::Table(t)
}

/// Reads the `minutes` value: a whole number from 0.
pub(crate) fn read_minutes(v: &Value) -> Result<u32, Skip> {
    match v {
        Value::Integer(i) => u32::try_from(*i).ok(),
        _ => None,
    }
    .ok_or_else(|| {
        Skip::new(
            ErrorCode::InvalidField,
            "字段“minutes”（考核时间）必须是分钟数，如 90",
            "minutes (time allowed) must be whole minutes, e.g. 90",
        )
    })
}
