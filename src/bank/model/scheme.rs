//! A practical task's marking scheme (评分细则) and what it needs on the day (考核准备): aspects
//! grouped in sub-criteria, each a measurement, a judgement or a deduction; and the equipment
//! list. What one judge's entry for an aspect is worth is a pure function here
//! ([`Aspect::judge_mark`]); panels, aggregation and spread checks live in `practical/`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Levels a judge chooses from for a judgement aspect: 0, 1, 2 or 3.
pub const JUDGEMENT_LEVELS: usize = 4;
/// Most tolerance bands a measurement aspect may have.
pub const MAX_BANDS: usize = 10;
/// Most occurrences a judge may record for one deduction aspect.
pub const MAX_OCCURRENCES: f64 = 100.0;
/// Most entries on a task's equipment list.
pub const MAX_EQUIPMENT: usize = 100;
/// Longest time a task may allow, in minutes.
pub const MAX_TASK_MINUTES: u32 = 24 * 60;

/// One aspect of a marking scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Aspect {
    /// The sub-criterion it belongs to (e.g. `A 前端摄像机安装`); deductions never take a
    /// sub-criterion below zero. Empty: the task's own group.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// What the judge checks.
    pub text: String,
    /// Most points it gives; for a deduction, the most it can take off.
    pub points: f64,
    /// How it is marked. Without one: a measurement with full marks or zero.
    #[serde(default, skip_serializing_if = "AspectKind::is_plain")]
    pub kind: AspectKind,
}

/// How an aspect is marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AspectKind {
    /// Objective. Without bands the judge records met (1) or not met (0): full marks or zero.
    /// With bands the judge records the measured deviation (in `unit`); the first band whose
    /// `within` covers its absolute value gives that fraction of the points, beyond all: zero.
    Measurement {
        /// Unit of the deviation (mm, °, dB, …).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        unit: String,
        /// Tolerance bands, tightest first.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        bands: Vec<Band>,
    },
    /// Each judge gives 0–3 against the written descriptor of each level; the aspect's mark is
    /// points × (the panel's aggregated level) / 3.
    Judgement {
        /// What levels 0, 1, 2 and 3 look like: exactly four texts.
        descriptors: Vec<String>,
    },
    /// 扣分项: `per` points off per occurrence, at most `points` in all.
    Deduction {
        /// Points off per occurrence.
        per: f64,
    },
}

impl Default for AspectKind {
    fn default() -> Self {
        AspectKind::Measurement {
            unit: String::new(),
            bands: vec![],
        }
    }
}

impl AspectKind {
    /// A measurement with full marks or zero (what a scheme entry without a kind means).
    pub fn is_plain(&self) -> bool {
        matches!(self, AspectKind::Measurement { unit, bands } if unit.is_empty() && bands.is_empty())
    }

    /// The stable code: `measurement`, `judgement` or `deduction`.
    pub fn code(&self) -> &'static str {
        match self {
            AspectKind::Measurement { .. } => "measurement",
            AspectKind::Judgement { .. } => "judgement",
            AspectKind::Deduction { .. } => "deduction",
        }
    }
}

/// One tolerance band of a measurement: a deviation of at most `within` earns `fraction` of
/// the points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Band {
    /// Largest absolute deviation this band covers (e.g. 2 for ±2 mm).
    pub within: f64,
    /// Share of the aspect's points it earns, more than 0 and at most 1 (1: full, 0.5: half).
    pub fraction: f64,
}

/// One entry of a task's equipment and materials list (for the 考核准备通知单).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Equipment {
    /// What it is (e.g. 网络摄像机).
    pub name: String,
    /// Model or specification (e.g. 400 万像素 筒型 PoE).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub spec: String,
    /// How many per station.
    pub quantity: f64,
    /// Unit (台, 根, 套, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
}

/// Why a judge's entry for an aspect is not taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EntryError {
    /// A judgement level other than 0, 1, 2 or 3.
    Level,
    /// A met/not-met measurement given other than 0 or 1.
    MetOrNot,
    /// A deviation that is negative, not finite or absurdly large.
    Deviation,
    /// Occurrences not a whole number from 0 to [`MAX_OCCURRENCES`].
    Occurrences,
}

impl EntryError {
    /// The allowed range in words, Chinese and English.
    pub fn allowed(self) -> (&'static str, &'static str) {
        match self {
            Self::Level => (
                "评判等级须为 0、1、2 或 3",
                "a judgement level is 0, 1, 2 or 3",
            ),
            Self::MetOrNot => (
                "该测量项只能记 1（达到）或 0（未达到）",
                "this measurement takes 1 (met) or 0 (not met)",
            ),
            Self::Deviation => (
                "偏差须为 0 至 1000000 之间的数",
                "a deviation is a number from 0 to 1,000,000",
            ),
            Self::Occurrences => (
                "扣分次数须为 0 至 100 的整数",
                "occurrences are a whole number from 0 to 100",
            ),
        }
    }
}

impl Aspect {
    /// Whether this aspect takes points off rather than giving them.
    pub fn is_deduction(&self) -> bool {
        matches!(self.kind, AspectKind::Deduction { .. })
    }

    /// What one judge's entry is worth, in points: for a deduction, the points taken off
    /// (positive). The entry is a level (judgement), 1/0 (plain measurement), the absolute
    /// deviation (banded measurement; a negative sign is read as its size) or occurrences
    /// (deduction). Outside its range: an [`EntryError`].
    pub fn judge_mark(&self, entry: f64) -> Result<f64, EntryError> {
        let whole = |v: f64| v.is_finite() && v.fract() == 0.0;
        match &self.kind {
            AspectKind::Judgement { .. } => {
                if whole(entry) && (0.0..=3.0).contains(&entry) {
                    Ok(self.points * entry / 3.0)
                } else {
                    Err(EntryError::Level)
                }
            }
            AspectKind::Measurement { bands, .. } if bands.is_empty() => {
                if entry == 1.0 {
                    Ok(self.points)
                } else if entry == 0.0 {
                    Ok(0.0)
                } else {
                    Err(EntryError::MetOrNot)
                }
            }
            AspectKind::Measurement { bands, .. } => {
                let d = entry.abs();
                if !d.is_finite() || d > 1_000_000.0 {
                    return Err(EntryError::Deviation);
                }
                Ok(band_fraction(bands, d) * self.points)
            }
            AspectKind::Deduction { per } => {
                if whole(entry) && (0.0..=MAX_OCCURRENCES).contains(&entry) {
                    Ok((per * entry).min(self.points))
                } else {
                    Err(EntryError::Occurrences)
                }
            }
        }
    }
}

/// The share of the points a deviation earns: the first band (tightest first) that covers it,
/// beyond every band nothing. A deviation on a band's edge is inside it (±2 mm covers 2 mm).
pub fn band_fraction(bands: &[Band], deviation: f64) -> f64 {
    // A small epsilon so 2.0000000001 read from a decimal entry is still "within 2".
    bands
        .iter()
        .find(|b| deviation <= b.within + 1e-9)
        .map_or(0.0, |b| b.fraction)
}

/// Points of each sub-criterion after its deductions, never below zero, in the order groups
/// first appear. `marks[i]` is aspect `i`'s (aggregated) mark, deductions as points taken off.
pub fn group_totals(scheme: &[Aspect], marks: &[f64]) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = vec![];
    for (a, m) in scheme.iter().zip(marks) {
        let signed = if a.is_deduction() { -m } else { *m };
        match out.iter_mut().find(|(g, _)| *g == a.group) {
            Some((_, t)) => *t += signed,
            None => out.push((a.group.clone(), signed)),
        }
    }
    for (_, t) in &mut out {
        *t = t.max(0.0);
    }
    out
}

/// The task's points from its aspects' marks: the sum of its sub-criteria after deductions.
pub fn task_points(scheme: &[Aspect], marks: &[f64]) -> f64 {
    group_totals(scheme, marks).iter().map(|(_, t)| t).sum()
}

/// Why a scheme is refused (checked by `Question::parse`).
#[derive(Debug, Clone, PartialEq)]
pub enum SchemeError {
    /// Aspect `n` (1-based) has no text.
    EmptyAspect(usize),
    /// Aspect `n` has points that are not positive and finite.
    AspectPoints(usize),
    /// Aspect `n` is a judgement without exactly four non-empty descriptors.
    Descriptors(usize),
    /// Aspect `n` has bands that are not tightest first with falling fractions in (0, 1].
    Bands(usize),
    /// Aspect `n` is a deduction whose per-occurrence points are not in (0, points].
    DeductionPer(usize),
    /// Aspect `n` is a deduction in a sub-criterion with nothing to deduct from.
    DeductionAlone(usize),
    /// An equipment entry with no name or a quantity that is not positive.
    Equipment(usize),
    /// A time allowed over [`MAX_TASK_MINUTES`].
    Minutes(u32),
}

/// Checks a scheme's aspects and the task's equipment; the sum is checked by the caller, which
/// knows the task's points. Sums only the aspects that give points ([`scheme_sum`]).
pub fn check_scheme(
    scheme: &[Aspect],
    equipment: &[Equipment],
    minutes: u32,
) -> Result<(), SchemeError> {
    for (i, a) in scheme.iter().enumerate() {
        let n = i + 1;
        if a.text.trim().is_empty() {
            return Err(SchemeError::EmptyAspect(n));
        }
        if !(a.points.is_finite() && a.points > 0.0 && a.points <= 100.0) {
            return Err(SchemeError::AspectPoints(n));
        }
        match &a.kind {
            AspectKind::Judgement { descriptors } => {
                if descriptors.len() != JUDGEMENT_LEVELS
                    || descriptors.iter().any(|d| d.trim().is_empty())
                {
                    return Err(SchemeError::Descriptors(n));
                }
            }
            AspectKind::Measurement { bands, .. } => {
                let ordered = bands
                    .windows(2)
                    .all(|w| w[0].within < w[1].within && w[0].fraction >= w[1].fraction);
                let each = bands.iter().all(|b| {
                    b.within.is_finite()
                        && b.within >= 0.0
                        && b.fraction.is_finite()
                        && b.fraction > 0.0
                        && b.fraction <= 1.0
                });
                if bands.len() > MAX_BANDS || !ordered || !each {
                    return Err(SchemeError::Bands(n));
                }
            }
            AspectKind::Deduction { per } => {
                if !(per.is_finite() && *per > 0.0 && *per <= a.points) {
                    return Err(SchemeError::DeductionPer(n));
                }
                if !scheme
                    .iter()
                    .any(|b| b.group == a.group && !b.is_deduction())
                {
                    return Err(SchemeError::DeductionAlone(n));
                }
            }
        }
    }
    for (i, e) in equipment.iter().enumerate() {
        if e.name.trim().is_empty() || !(e.quantity.is_finite() && e.quantity > 0.0) {
            return Err(SchemeError::Equipment(i + 1));
        }
    }
    if minutes > MAX_TASK_MINUTES {
        return Err(SchemeError::Minutes(minutes));
    }
    Ok(())
}

/// What the scheme's aspects that give points add up to (deductions do not count).
pub fn scheme_sum(scheme: &[Aspect]) -> f64 {
    scheme
        .iter()
        .filter(|a| !a.is_deduction())
        .map(|a| a.points)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aspect(group: &str, points: f64, kind: AspectKind) -> Aspect {
        Aspect {
            group: group.into(),
            text: "x".into(),
            points,
            kind,
        }
    }

    fn bands() -> Vec<Band> {
        vec![
            Band {
                within: 2.0,
                fraction: 1.0,
            },
            Band {
                within: 5.0,
                fraction: 0.5,
            },
        ]
    }

    #[test]
    fn a_deviation_inside_the_tightest_band_earns_full_marks_and_on_its_edge_too() {
        assert_eq!(band_fraction(&bands(), 0.0), 1.0);
        assert_eq!(band_fraction(&bands(), 2.0), 1.0);
        assert_eq!(band_fraction(&bands(), 2.1), 0.5);
        assert_eq!(band_fraction(&bands(), 5.0), 0.5);
        assert_eq!(band_fraction(&bands(), 5.01), 0.0);
    }

    #[test]
    fn a_negative_deviation_counts_by_its_size() {
        let a = aspect(
            "",
            4.0,
            AspectKind::Measurement {
                unit: "mm".into(),
                bands: bands(),
            },
        );
        assert_eq!(a.judge_mark(-3.0), Ok(2.0));
        assert_eq!(a.judge_mark(f64::NAN), Err(EntryError::Deviation));
    }

    #[test]
    fn a_plain_measurement_is_full_marks_or_zero_and_nothing_in_between() {
        let a = aspect("", 2.0, AspectKind::default());
        assert_eq!(a.judge_mark(1.0), Ok(2.0));
        assert_eq!(a.judge_mark(0.0), Ok(0.0));
        assert_eq!(a.judge_mark(0.5), Err(EntryError::MetOrNot));
    }

    #[test]
    fn a_judgement_level_is_scaled_by_three_and_only_whole_levels_to_three_are_taken() {
        let a = aspect(
            "",
            6.0,
            AspectKind::Judgement {
                descriptors: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            },
        );
        assert_eq!(a.judge_mark(2.0), Ok(4.0));
        assert_eq!(a.judge_mark(4.0), Err(EntryError::Level));
        assert_eq!(a.judge_mark(1.5), Err(EntryError::Level));
        assert_eq!(a.judge_mark(-1.0), Err(EntryError::Level));
    }

    #[test]
    fn deductions_take_per_occurrence_up_to_their_cap() {
        let a = aspect("A", 3.0, AspectKind::Deduction { per: 1.0 });
        assert_eq!(a.judge_mark(2.0), Ok(2.0));
        assert_eq!(a.judge_mark(7.0), Ok(3.0));
        assert_eq!(a.judge_mark(1.5), Err(EntryError::Occurrences));
    }

    #[test]
    fn deductions_never_take_a_sub_criterion_below_zero_nor_touch_another() {
        let scheme = vec![
            aspect("A", 2.0, AspectKind::default()),
            aspect("A", 5.0, AspectKind::Deduction { per: 1.0 }),
            aspect("B", 3.0, AspectKind::default()),
        ];
        // A: 2 − 4 → 0 (not −2); B keeps its 3.
        assert_eq!(
            group_totals(&scheme, &[2.0, 4.0, 3.0]),
            vec![("A".to_string(), 0.0), ("B".to_string(), 3.0)]
        );
        assert_eq!(task_points(&scheme, &[2.0, 4.0, 3.0]), 3.0);
        assert_eq!(task_points(&scheme, &[2.0, 1.0, 3.0]), 4.0);
    }

    #[test]
    fn the_sum_leaves_deductions_out() {
        let scheme = vec![
            aspect("A", 2.0, AspectKind::default()),
            aspect("A", 5.0, AspectKind::Deduction { per: 1.0 }),
        ];
        assert_eq!(scheme_sum(&scheme), 2.0);
    }

    #[test]
    fn a_scheme_with_loose_bands_or_missing_descriptors_or_a_lonely_deduction_is_refused() {
        let loose = vec![aspect(
            "",
            1.0,
            AspectKind::Measurement {
                unit: "mm".into(),
                bands: bands().into_iter().rev().collect(),
            },
        )];
        assert_eq!(check_scheme(&loose, &[], 0), Err(SchemeError::Bands(1)));
        let three = vec![aspect(
            "",
            1.0,
            AspectKind::Judgement {
                descriptors: vec!["a".into(), "b".into(), "c".into()],
            },
        )];
        assert_eq!(
            check_scheme(&three, &[], 0),
            Err(SchemeError::Descriptors(1))
        );
        let alone = vec![
            aspect("A", 1.0, AspectKind::default()),
            aspect("B", 1.0, AspectKind::Deduction { per: 0.5 }),
        ];
        assert_eq!(
            check_scheme(&alone, &[], 0),
            Err(SchemeError::DeductionAlone(2))
        );
        let over = vec![
            aspect("A", 1.0, AspectKind::default()),
            aspect("A", 1.0, AspectKind::Deduction { per: 2.0 }),
        ];
        assert_eq!(
            check_scheme(&over, &[], 0),
            Err(SchemeError::DeductionPer(2))
        );
        assert_eq!(
            check_scheme(&[], &[], MAX_TASK_MINUTES + 1),
            Err(SchemeError::Minutes(MAX_TASK_MINUTES + 1))
        );
    }
}
