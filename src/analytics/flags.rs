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
    /// The flag as a sentence, Chinese and English.
    pub fn text(&self) -> Text {
        Text::new(self.code.as_str(), self.code.as_str())
    }
}

/// The flags `stats` raises under `t`.
pub fn flags(_stats: &ItemStats, _t: &Thresholds) -> Vec<Flag> {
    Vec::new()
}
