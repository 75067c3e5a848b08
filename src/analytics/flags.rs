//! Flags on item statistics, with thresholds staff can configure; defaults from published
//! practice.

use super::ctt::ItemStats;
use crate::error::Text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// When an item is flagged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Thresholds {
    /// Below this many responses only `few_responses` is raised.
    pub min_responses: u32,
    /// Facility below this: too hard.
    pub min_facility: f64,
    /// Facility above this: too easy.
    pub max_facility: f64,
    /// Corrected item–rest r below this: low discrimination.
    pub min_item_rest_r: f64,
    /// Flag a distractor chosen more often by the upper third than by the lower.
    pub distractor_favours_upper: bool,
    /// A distractor chosen by fewer than this fraction of all persons does not work.
    pub min_distractor_rate: Option<f64>,
    /// Moodle's "dubious" line for discriminative efficiency (0.15); off unless set.
    pub min_discriminative_efficiency: Option<f64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_responses: 30,
            min_facility: 0.20,
            max_facility: 0.90,
            min_item_rest_r: 0.20,
            distractor_favours_upper: true,
            min_distractor_rate: Some(0.05),
            min_discriminative_efficiency: None,
        }
    }
}

/// Why an item is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagCode {
    /// Too few responses to judge.
    FewResponses,
    /// Facility below the minimum.
    TooHard,
    /// Facility above the maximum.
    TooEasy,
    /// Item–rest r below the minimum (but not negative).
    LowDiscrimination,
    /// Item–rest r (or D) below zero.
    NegativeDiscrimination,
    /// A distractor chosen more by the upper third than the lower.
    DistractorFavoursUpper,
    /// A distractor almost nobody chooses.
    UnusedDistractor,
    /// Discriminative efficiency below Moodle's line.
    LowEfficiency,
}

impl FlagCode {
    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagCode::FewResponses => "few_responses",
            FlagCode::TooHard => "too_hard",
            FlagCode::TooEasy => "too_easy",
            FlagCode::LowDiscrimination => "low_discrimination",
            FlagCode::NegativeDiscrimination => "negative_discrimination",
            FlagCode::DistractorFavoursUpper => "distractor_favours_upper",
            FlagCode::UnusedDistractor => "unused_distractor",
            FlagCode::LowEfficiency => "low_efficiency",
        }
    }
}

/// One flag on an item: the code and the figures behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Flag {
    /// Why.
    pub code: FlagCode,
    /// The figures, e.g. "p = 0.94" or "option C".
    pub detail: String,
}

impl Flag {
    /// The flag as a sentence, Chinese and English, with its figures.
    pub fn text(&self) -> Text {
        let (zh, en) = match self.code {
            FlagCode::FewResponses => {
                ("作答人数太少，统计结论不可靠", "Too few responses to judge")
            }
            FlagCode::TooHard => ("难度过高（通过率低）", "Too hard (low facility)"),
            FlagCode::TooEasy => ("过于容易（通过率高）", "Too easy (high facility)"),
            FlagCode::LowDiscrimination => ("区分度偏低", "Low discrimination"),
            FlagCode::NegativeDiscrimination => (
                "区分度为负：高分者反而更易答错，请核对答案",
                "Negative discrimination: stronger candidates do worse; check the key",
            ),
            FlagCode::DistractorFavoursUpper => (
                "干扰项被高分组选得比低分组多",
                "A distractor is chosen more by the upper group than the lower",
            ),
            FlagCode::UnusedDistractor => {
                ("干扰项几乎无人选择", "A distractor almost nobody chooses")
            }
            FlagCode::LowEfficiency => ("区分效率偏低", "Low discriminative efficiency"),
        };
        if self.detail.is_empty() {
            Text::new(zh, en)
        } else {
            Text::new(
                format!("{zh}（{}）", self.detail),
                format!("{en} ({})", self.detail),
            )
        }
    }
}

/// Option letter for an authored index (A, B, …).
fn letter(index: u8) -> char {
    char::from(b'A' + index.min(25))
}

/// The flags `stats` raises under `t`. Below `t.min_responses` only `few_responses` is raised:
/// figures from a handful of candidates flag good items at random. Negative discrimination
/// (item–rest r below 0, or D below 0 when r is undefined) replaces low discrimination.
pub fn flags(stats: &ItemStats, t: &Thresholds) -> Vec<Flag> {
    let mut out = Vec::new();
    let flag = |code, detail: String| Flag { code, detail };
    if stats.n < t.min_responses {
        out.push(flag(
            FlagCode::FewResponses,
            format!("n = {} < {}", stats.n, t.min_responses),
        ));
        return out;
    }
    if stats.facility < t.min_facility {
        out.push(flag(
            FlagCode::TooHard,
            format!("p = {:.2}", stats.facility),
        ));
    }
    if stats.facility > t.max_facility {
        out.push(flag(
            FlagCode::TooEasy,
            format!("p = {:.2}", stats.facility),
        ));
    }
    match (stats.item_rest_r, stats.upper_lower_d) {
        (Some(r), _) if r < 0.0 => out.push(flag(
            FlagCode::NegativeDiscrimination,
            format!("r = {r:.2}"),
        )),
        (None, Some(d)) if d < 0.0 => out.push(flag(
            FlagCode::NegativeDiscrimination,
            format!("D = {d:.2}"),
        )),
        (Some(r), _) if r < t.min_item_rest_r => {
            out.push(flag(FlagCode::LowDiscrimination, format!("r = {r:.2}")))
        }
        _ => {}
    }
    if let (Some(min), Some(de)) = (
        t.min_discriminative_efficiency,
        stats.discriminative_efficiency,
    ) && de < min
    {
        out.push(flag(
            FlagCode::LowEfficiency,
            format!("DE = {:.0} %", de * 100.0),
        ));
    }
    for o in stats.options.iter().filter(|o| !o.key) {
        if t.distractor_favours_upper && o.upper > o.lower {
            out.push(flag(
                FlagCode::DistractorFavoursUpper,
                format!(
                    "{}: {:.0} % / {:.0} %",
                    letter(o.index),
                    o.upper * 100.0,
                    o.lower * 100.0
                ),
            ));
        }
        if let Some(min) = t.min_distractor_rate
            && o.overall < min
        {
            out.push(flag(
                FlagCode::UnusedDistractor,
                format!("{}: {:.1} %", letter(o.index), o.overall * 100.0),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::ctt::OptionStats;

    fn item(p: f64, r: Option<f64>, n: u32) -> ItemStats {
        ItemStats {
            n,
            facility: p,
            item_rest_r: r,
            upper_lower_d: r,
            options: vec![
                OptionStats {
                    index: 0,
                    key: true,
                    overall: p,
                    lower: p - 0.1,
                    middle: p,
                    upper: p + 0.1,
                },
                OptionStats {
                    index: 1,
                    key: false,
                    overall: 1.0 - p,
                    lower: 1.1 - p,
                    middle: 1.0 - p,
                    upper: 0.9 - p,
                },
            ],
            ..ItemStats::default()
        }
    }

    fn codes(s: &ItemStats) -> Vec<FlagCode> {
        flags(s, &Thresholds::default())
            .into_iter()
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn a_sound_item_raises_no_flag() {
        assert!(codes(&item(0.6, Some(0.35), 200)).is_empty());
    }

    #[test]
    fn facility_outside_twenty_to_ninety_percent_is_too_hard_or_too_easy() {
        assert_eq!(codes(&item(0.15, Some(0.35), 200)), [FlagCode::TooHard]);
        assert_eq!(codes(&item(0.92, Some(0.35), 200)), [FlagCode::TooEasy]);
    }

    #[test]
    fn negative_discrimination_is_always_flagged_and_low_below_point_twenty() {
        assert_eq!(
            codes(&item(0.6, Some(-0.05), 200)),
            [FlagCode::NegativeDiscrimination]
        );
        assert_eq!(
            codes(&item(0.6, Some(0.1), 200)),
            [FlagCode::LowDiscrimination]
        );
    }

    #[test]
    fn a_distractor_the_upper_third_prefers_is_flagged_with_its_letter() {
        let mut s = item(0.6, Some(0.3), 200);
        s.options[1].upper = 0.5;
        s.options[1].lower = 0.3;
        let f = flags(&s, &Thresholds::default());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, FlagCode::DistractorFavoursUpper);
        assert!(f[0].detail.starts_with("B:"), "{}", f[0].detail);
        assert!(f[0].text().zh.contains("干扰项"));
    }

    #[test]
    fn an_unused_distractor_is_flagged_below_five_percent() {
        let mut s = item(0.6, Some(0.3), 200);
        s.options.push(OptionStats {
            index: 2,
            key: false,
            overall: 0.01,
            ..OptionStats::default()
        });
        assert_eq!(codes(&s), [FlagCode::UnusedDistractor]);
    }

    #[test]
    fn below_the_minimum_responses_only_few_responses_is_raised() {
        assert_eq!(codes(&item(0.05, Some(-0.5), 12)), [FlagCode::FewResponses]);
    }

    #[test]
    fn thresholds_read_from_partial_json_keep_the_other_defaults() {
        let t: Thresholds = serde_json::from_str(r#"{"min_facility": 0.3}"#).unwrap_or_default();
        assert_eq!(t.min_facility, 0.3);
        assert_eq!(t.max_facility, 0.90);
        assert_eq!(codes(&item(0.25, Some(0.35), 200)), Vec::<FlagCode>::new());
        assert_eq!(
            flags(&item(0.25, Some(0.35), 200), &t)[0].code,
            FlagCode::TooHard
        );
    }

    #[test]
    fn codes_serialise_as_snake_case() {
        for c in [
            FlagCode::DistractorFavoursUpper,
            FlagCode::FewResponses,
            FlagCode::TooEasy,
        ] {
            assert_eq!(
                serde_json::to_value(c).ok(),
                Some(serde_json::json!(c.as_str()))
            );
        }
    }
}
