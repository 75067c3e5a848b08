//! The spreadsheet notation of a marking scheme and an equipment list (see the module above):
//! one aspect or entry per line, fields separated by `|`, escapes with `\`. Shared by CSV and
//! XLSX, and by QTI for an aspect's kind and parameters.

use super::{kind_zh, num};
use crate::bank::format::Skip;
use crate::bank::model::{Aspect, AspectKind, Band, Equipment, full_to_half};
use crate::error::ErrorCode;

const FIELD: [char; 2] = ['|', '｜'];
const LEVEL: [char; 2] = ['/', '／'];
const BAND: [char; 2] = [';', '；'];
const EQUALS: [char; 2] = ['=', '＝'];

/// A text with its separators (and `\`, line breaks) escaped so it reads back the same.
fn escape(s: &str, extra: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if FIELD.contains(&c) || extra.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Undoes [`escape`]: `\n` and `\r` are line breaks, `\` before anything else makes it plain.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(c) => out.push(c),
            None => out.push('\\'),
        }
    }
    out
}

/// Splits at separators that are not escaped; the pieces keep their escapes.
fn split<'a>(s: &'a str, seps: &[char]) -> Vec<&'a str> {
    let mut out = vec![];
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if seps.contains(&c) {
            out.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&s[start..]);
    out
}

/// Where the first unescaped separator is.
fn find(s: &str, seps: &[char]) -> Option<(usize, usize)> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if seps.contains(&c) {
            return Some((i, i + c.len_utf8()));
        }
    }
    None
}

/// A number as keepers type it: half- or full-width, with a trailing 分 or spaces.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let half: String = s.chars().map(full_to_half).collect();
    half.trim()
        .trim_end_matches('分')
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

fn bad(zh: String, en: String) -> Skip {
    Skip::new(ErrorCode::BadScheme, zh, en)
}

/// The parameters of an aspect's kind in the notation (`±2mm=1;±5mm=0.5`, `…/…/…/…`,
/// `每次扣1分`); empty for a plain measurement.
pub(crate) fn params_text(kind: &AspectKind) -> String {
    match kind {
        AspectKind::Measurement { unit, bands } if bands.is_empty() => escape(unit, &UNIT_SEPS),
        AspectKind::Measurement { unit, bands } => bands
            .iter()
            .map(|b| {
                format!(
                    "±{}{}={}",
                    num(b.within),
                    escape(unit, &UNIT_SEPS),
                    num(b.fraction)
                )
            })
            .collect::<Vec<_>>()
            .join(";"),
        AspectKind::Judgement { descriptors } => descriptors
            .iter()
            .map(|d| escape(d, &LEVEL))
            .collect::<Vec<_>>()
            .join("/"),
        AspectKind::Deduction { per } => format!("每次扣{}分", num(*per)),
    }
}

const UNIT_SEPS: [char; 4] = [';', '；', '=', '＝'];

/// Reads a kind from its name (测量/评判/扣分 or the English codes) and its parameters. `at`
/// names the place for the reason (e.g. `评分细则第 3 行` / `scheme line 3`).
pub(crate) fn parse_kind(kind: &str, params: &str, at: (&str, &str)) -> Result<AspectKind, Skip> {
    let name = kind.trim().trim_end_matches('项').to_lowercase();
    let params = params.trim();
    match name.as_str() {
        "" | "测量" | "客观" | "measurement" => measurement(params, at),
        "评判" | "评价" | "主观" | "judgement" | "judgment" => {
            if params.is_empty() {
                return Err(bad(
                    format!("{}：评判项须写出 0–3 级的四条评分描述，用“/”隔开", at.0),
                    format!(
                        "{}: a judgement needs the four level descriptors (0–3) separated by /",
                        at.1
                    ),
                ));
            }
            Ok(AspectKind::Judgement {
                descriptors: split(params, &LEVEL)
                    .into_iter()
                    .map(|d| unescape(d.trim()))
                    .collect(),
            })
        }
        "扣分" | "deduction" => {
            let digits: String = params
                .chars()
                .map(full_to_half)
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let per = digits.parse::<f64>().ok().ok_or_else(|| {
                bad(
                    format!("{}：扣分项须写明每次扣几分，如“每次扣1分”", at.0),
                    format!(
                        "{}: a deduction needs the points per occurrence, e.g. 每次扣1分",
                        at.1
                    ),
                )
            })?;
            Ok(AspectKind::Deduction { per })
        }
        _ => Err(bad(
            format!("{}：类型“{}”须为 测量、评判 或 扣分", at.0, kind.trim()),
            format!(
                "{}: type {:?} is not 测量 (measurement), 评判 (judgement) or 扣分 (deduction)",
                at.1,
                kind.trim()
            ),
        )),
    }
}

fn measurement(params: &str, at: (&str, &str)) -> Result<AspectKind, Skip> {
    let mut unit: Option<String> = None;
    let mut bands = vec![];
    let mut take_unit = |u: String| -> Result<(), Skip> {
        match &unit {
            Some(known) if !u.is_empty() && *known != u => Err(bad(
                format!("{}：各档偏差的单位须相同（“{known}”与“{u}”）", at.0),
                format!(
                    "{}: every band must use the same unit ({known:?} and {u:?})",
                    at.1
                ),
            )),
            _ => {
                if !u.is_empty() {
                    unit = Some(u);
                }
                Ok(())
            }
        }
    };
    for piece in split(params, &BAND) {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let Some((eq, after)) = find(piece, &EQUALS) else {
            take_unit(unescape(piece))?;
            continue;
        };
        let band_error = || {
            bad(
                format!(
                    "{}：偏差档“{piece}”须写成“±偏差单位=得分比例”，如“±2mm=1”",
                    at.0
                ),
                format!(
                    "{}: band {piece:?} must read ±deviation unit = share, e.g. ±2mm=1",
                    at.1
                ),
            )
        };
        let left = piece[..eq].trim();
        let left = ["±", "+/-", "+-", "≤", "<="]
            .iter()
            .find_map(|p| left.strip_prefix(p))
            .unwrap_or(left)
            .trim_start();
        let digits = left
            .char_indices()
            .find(|(_, c)| !(full_to_half(*c).is_ascii_digit() || full_to_half(*c) == '.'))
            .map_or(left.len(), |(i, _)| i);
        let number: String = left[..digits].chars().map(full_to_half).collect();
        let within = number.parse::<f64>().map_err(|_| band_error())?;
        take_unit(unescape(left[digits..].trim()))?;
        let right: String = piece[after..].trim().chars().map(full_to_half).collect();
        let fraction = match right.strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().map(|p| p / 100.0),
            None => right.parse::<f64>(),
        }
        .map_err(|_| band_error())?;
        bands.push(Band { within, fraction });
    }
    Ok(AspectKind::Measurement {
        unit: unit.unwrap_or_default(),
        bands,
    })
}

/// A scheme as the 评分细则 cell: one aspect per line.
pub(crate) fn scheme_cell(scheme: &[Aspect]) -> String {
    scheme
        .iter()
        .map(|a| {
            let head = format!(
                "{}|{}|{}",
                escape(&a.group, &[]),
                escape(&a.text, &[]),
                num(a.points)
            );
            if a.kind.is_plain() {
                head
            } else {
                format!("{head}|{}|{}", kind_zh(&a.kind), params_text(&a.kind))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the 评分细则 cell. Blank lines are passed over; the checks of the scheme as a whole
/// (descriptors, bands, sum) are the model's.
pub(crate) fn parse_scheme_cell(cell: &str) -> Result<Vec<Aspect>, Skip> {
    let mut out = vec![];
    for (i, line) in cell.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = i + 1;
        let at = (format!("评分细则第 {n} 行"), format!("scheme line {n}"));
        let fields: Vec<&str> = split(line, &FIELD).into_iter().map(str::trim).collect();
        let (group, text, points, kind, params) = match fields.as_slice() {
            [text, points] => ("", *text, *points, "", ""),
            [group, text, points] => (*group, *text, *points, "", ""),
            [group, text, points, kind] => (*group, *text, *points, *kind, ""),
            [group, text, points, kind, params] => (*group, *text, *points, *kind, *params),
            _ => {
                return Err(bad(
                    format!(
                        "{}：须写成“分项|内容|分值|类型|参数”（类型、参数可省略）",
                        at.0
                    ),
                    format!(
                        "{}: must read group|text|points|type|parameters (type and parameters optional)",
                        at.1
                    ),
                ));
            }
        };
        let points = parse_number(points).ok_or_else(|| {
            bad(
                format!("{}：分值“{points}”不是数字", at.0),
                format!("{}: points {points:?} is not a number", at.1),
            )
        })?;
        out.push(Aspect {
            group: unescape(group),
            text: unescape(text),
            points,
            kind: parse_kind(kind, params, (&at.0, &at.1))?,
        });
    }
    Ok(out)
}

/// An equipment list as the 设备材料 cell: `名称|规格|数量|单位` per line.
pub(crate) fn equipment_cell(equipment: &[Equipment]) -> String {
    equipment
        .iter()
        .map(|e| {
            format!(
                "{}|{}|{}|{}",
                escape(&e.name, &[]),
                escape(&e.spec, &[]),
                num(e.quantity),
                escape(&e.unit, &[])
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the 设备材料 cell: `名称|规格|数量|单位`, `名称|规格|数量` or `名称|数量` per line.
pub(crate) fn parse_equipment_cell(cell: &str) -> Result<Vec<Equipment>, Skip> {
    let mut out = vec![];
    for (i, line) in cell.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = i + 1;
        let fields: Vec<&str> = split(line, &FIELD).into_iter().map(str::trim).collect();
        let (name, spec, quantity, unit) = match fields.as_slice() {
            [name, quantity] => (*name, "", *quantity, ""),
            [name, spec, quantity] => (*name, *spec, *quantity, ""),
            [name, spec, quantity, unit] => (*name, *spec, *quantity, *unit),
            _ => {
                return Err(bad(
                    format!("设备材料第 {n} 行：须写成“名称|规格|数量|单位”"),
                    format!("equipment line {n}: must read name|specification|quantity|unit"),
                ));
            }
        };
        let quantity = parse_number(quantity).ok_or_else(|| {
            bad(
                format!("设备材料第 {n} 行：数量“{quantity}”不是数字"),
                format!("equipment line {n}: quantity {quantity:?} is not a number"),
            )
        })?;
        out.push(Equipment {
            name: unescape(name),
            spec: unescape(spec),
            quantity,
            unit: unescape(unit),
        });
    }
    Ok(out)
}

/// Reads the 考核时间 cell: whole minutes, `90` or `90分钟`; empty is 0 (not set).
pub(crate) fn parse_minutes(cell: &str) -> Result<u32, Skip> {
    let half: String = cell.chars().map(full_to_half).collect();
    let t = half.trim();
    let t = t
        .strip_suffix("分钟")
        .or_else(|| t.strip_suffix("min"))
        .unwrap_or(t)
        .trim();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse::<u32>().map_err(|_| {
        Skip::new(
            ErrorCode::InvalidRow,
            format!("考核时间“{cell}”须为整数分钟，如“90”"),
            format!("考核时间 {cell:?} must be whole minutes, e.g. 90"),
        )
    })
}
