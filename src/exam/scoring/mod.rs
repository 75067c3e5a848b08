//! Scoring one answer, and adding a candidate's answers up. Pure: no database, no clock.
//!
//! The flow is: the attempt layer receives a [`Response`], refuses it with
//! [`Response::check_shape`] if it cannot be an answer to the question at all (a 422), stores
//! it, and at submission [`score`]s every answered question. A question the candidate never
//! answered earns nothing ([`score_missing`]); short answers and practical tasks come back as
//! [`Scored::Manual`] and wait in a marking queue. [`summarize`] adds the results up per section
//! and decides pass or fail once nothing waits for a marker.
//!
//! Scoring rules, in short:
//!
//! - single choice and true/false: all or nothing;
//! - multiple choice: by the paper's [`MultiplePolicy`];
//! - fill in the blanks: each blank is right or wrong as a whole, after [`normalize_blank`] on
//!   both sides; the question earns `points × right blanks / blanks`;
//! - short answer and practical task: [`Scored::Manual`];
//! - every earned figure is rounded to 2 decimals.
//!
//! `response.rs` holds what a candidate may answer and its shape check, `summary.rs` the adding
//! up; scoring one answer is here.

mod response;
mod summary;

#[cfg(test)]
mod tests;

pub use response::{MAX_BLANK_CHARS, MAX_TEXT_CHARS, Response, ShapeError};
pub use summary::{Summary, summarize};

use crate::bank::model::{Key, Question, QuestionKind, full_to_half};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How a multiple-choice question earns partial credit. Single choice is always all or nothing.
///
/// The worked examples all use a 2-point question whose key is A, C, D (three correct options).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MultiplePolicy {
    /// Full points only for exactly the correct set, else 0 (多选、少选、错选均不得分).
    ///
    /// ACD → 2; AC → 0; ACDB → 0.
    #[default]
    AllOrNothing,
    /// `points × correct picks / correct options`, but 0 if any wrong option is picked
    /// (少选按比例得分，错选不得分).
    ///
    /// ACD → 2; AC → 2 × 2/3 = 1.33; A → 0.67; ACB → 0.
    Proportional,
    /// Each correct pick earns `points / correct options`, each wrong pick costs the same, and
    /// the total is floored at 0.
    ///
    /// ACD → 2; AC → 1.33; ACB → 2/3 + 2/3 − 2/3 = 0.67; ACDB → 2 − 0.67 = 1.33; ABE → 0.
    Penalty,
}

/// The result of scoring one answer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scored {
    /// Scored by the machine.
    Auto {
        /// Points earned, from 0 to the question's points, rounded to 2 decimals.
        earned: f64,
        /// Whether the answer is fully right (full points).
        correct: bool,
    },
    /// A short answer or practical task: goes to the marking queue.
    Manual,
}

impl Scored {
    /// Points earned, or `None` while the answer waits for a marker.
    pub fn earned(&self) -> Option<f64> {
        match self {
            Self::Auto { earned, .. } => Some(*earned),
            Self::Manual => None,
        }
    }
}

/// Scores an unanswered question, of any kind: 0 points, not correct, nothing to mark.
pub fn score_missing() -> Scored {
    Scored::Auto {
        earned: 0.0,
        correct: false,
    }
}

/// Scores one answer to `q` worth `points` (the paper's points for it, which may differ from
/// the question's default; a non-finite or non-positive value counts as 0).
///
/// Short answers and practical tasks give [`Scored::Manual`] whatever the response. A response
/// whose type does not fit the question earns 0 (call [`Response::check_shape`] first to refuse
/// it instead); duplicate selections count once and out-of-range ones count as wrong picks.
pub fn score(q: &Question, r: &Response, points: f64, policy: MultiplePolicy) -> Scored {
    if !q.kind.is_objective() {
        return Scored::Manual;
    }
    let points = if points.is_finite() && points > 0.0 {
        points
    } else {
        0.0
    };
    let (fraction, correct) = match (&q.key, r) {
        (Key::Choice { correct }, Response::Choice { selected }) => {
            let policy = if q.kind == QuestionKind::Single {
                MultiplePolicy::AllOrNothing
            } else {
                policy
            };
            choice_fraction(correct, selected, policy)
        }
        (Key::TrueFalse { value }, Response::TrueFalse { value: answer }) => {
            let right = value == answer;
            (if right { 1.0 } else { 0.0 }, right)
        }
        (Key::Blanks { accepted }, Response::Blanks { values }) => {
            blanks_fraction(accepted, values)
        }
        _ => (0.0, false),
    };
    Scored::Auto {
        earned: round2((points * fraction).clamp(0.0, points)),
        correct,
    }
}

/// The share of the points a choice answer earns, and whether it is exactly right.
fn choice_fraction(key: &[usize], selected: &[usize], policy: MultiplePolicy) -> (f64, bool) {
    let mut picks = selected.to_vec();
    picks.sort_unstable();
    picks.dedup();
    if key.is_empty() {
        return (0.0, false);
    }
    let hits = picks.iter().filter(|i| key.contains(i)).count();
    let wrong = picks.len() - hits;
    let exact = wrong == 0 && hits == key.len();
    if exact {
        return (1.0, true);
    }
    let n = key.len() as f64;
    let fraction = match policy {
        MultiplePolicy::AllOrNothing => 0.0,
        MultiplePolicy::Proportional if wrong > 0 => 0.0,
        MultiplePolicy::Proportional => hits as f64 / n,
        MultiplePolicy::Penalty => ((hits as f64 - wrong as f64) / n).max(0.0),
    };
    (fraction, false)
}

/// The share of the points a fill answer earns (right blanks / blanks), and whether every blank
/// is right. A missing value is a wrong blank; an empty one never matches.
fn blanks_fraction(accepted: &[Vec<String>], values: &[String]) -> (f64, bool) {
    if accepted.is_empty() {
        return (0.0, false);
    }
    let right = accepted
        .iter()
        .enumerate()
        .filter(|(i, answers)| values.get(*i).is_some_and(|v| blank_matches(v, answers)))
        .count();
    (
        right as f64 / accepted.len() as f64,
        right == accepted.len(),
    )
}

/// Whether one blank's value matches any of its accepted answers after normalizing both sides.
pub fn blank_matches(value: &str, accepted: &[String]) -> bool {
    let value = normalize_blank(value);
    !value.is_empty() && accepted.iter().any(|a| normalize_blank(a) == value)
}

/// Normalizes a blank's text for comparison: full-width forms to half-width, Chinese
/// punctuation to its ASCII twin (，→, 。→. ；→; ：→: （）→() 、→, “”→" ‘’→' 【】→[]), all
/// whitespace removed (including U+3000 and zero-width spaces), ASCII letters lowercased.
///
/// So `"ＧＢ　５０３４８"` and `"gb 50348"` both become `"gb50348"`.
pub fn normalize_blank(s: &str) -> String {
    s.chars()
        .map(full_to_half)
        .filter_map(|c| {
            let c = match c {
                '。' => '.',
                '、' => ',',
                '“' | '”' => '"',
                '‘' | '’' => '\'',
                '【' => '[',
                '】' => ']',
                c => c,
            };
            if c.is_whitespace() || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}') {
                None
            } else {
                Some(c.to_ascii_lowercase())
            }
        })
        .collect()
}

/// Rounds to 2 decimals.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
