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

use crate::bank::model::{Key, Question, QuestionKind, full_to_half};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Longest text answer accepted, in characters (Unicode scalar values, not bytes).
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Longest single blank accepted, in characters.
pub const MAX_BLANK_CHARS: usize = 1_000;

/// What a candidate answered to one question.
///
/// JSON: `{"type": "choice", "selected": [0, 2]}`, `{"type": "true_false", "value": true}`,
/// `{"type": "blanks", "values": ["前端", "存储"]}`, `{"type": "text", "text": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// Selected options of a single- or multiple-choice question.
    Choice {
        /// Indices (0-based) into the question's ORIGINAL option order; the attempt layer maps
        /// shuffled or opaque option ids back before building this. Empty means "nothing
        /// selected" and scores 0.
        selected: Vec<usize>,
    },
    /// The answer to a true/false question.
    TrueFalse {
        /// What the candidate says the statement is.
        value: bool,
    },
    /// One value per blank of a fill-in-the-blank question, in stem order.
    Blanks {
        /// The text written in each blank.
        values: Vec<String>,
    },
    /// A free-text answer to a short-answer question or practical task.
    Text {
        /// The answer.
        text: String,
    },
}

/// Why a response cannot be an answer to a question. Each variant has a stable code; the API
/// turns them into 422s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// The response's type does not fit the question's kind (e.g. a choice for a fill question).
    #[error("a {kind} question cannot take a {found} response")]
    WrongType {
        /// The question's kind.
        kind: QuestionKind,
        /// The response's type code.
        found: &'static str,
    },
    /// A selected index names an option the question does not have.
    #[error("option {0} does not exist")]
    OptionOutOfRange(usize),
    /// The same option is selected twice.
    #[error("option {0} is selected more than once")]
    DuplicateSelection(usize),
    /// More than one option selected for a single-choice question.
    #[error("a single-choice question takes at most one selection, found {0}")]
    TooManySelections(usize),
    /// The response fills a different number of blanks than the question has.
    #[error("the question has {expected} blanks but the response fills {found}")]
    BlankCountMismatch {
        /// Blanks in the question.
        expected: usize,
        /// Values in the response.
        found: usize,
    },
    /// One blank's value is longer than [`MAX_BLANK_CHARS`].
    #[error("blank {0} is longer than {MAX_BLANK_CHARS} characters")]
    BlankTooLong(usize),
    /// A text answer longer than [`MAX_TEXT_CHARS`].
    #[error("the answer is {0} characters long; at most {MAX_TEXT_CHARS} are allowed")]
    TextTooLong(usize),
}

impl ShapeError {
    /// Stable snake_case code for API errors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongType { .. } => "wrong_response_type",
            Self::OptionOutOfRange(_) => "option_out_of_range",
            Self::DuplicateSelection(_) => "duplicate_selection",
            Self::TooManySelections(_) => "too_many_selections",
            Self::BlankCountMismatch { .. } => "blank_count_mismatch",
            Self::BlankTooLong(_) => "blank_too_long",
            Self::TextTooLong(_) => "text_too_long",
        }
    }
}

impl Response {
    /// The response's type code, as in its JSON `type` field.
    pub fn type_code(&self) -> &'static str {
        match self {
            Self::Choice { .. } => "choice",
            Self::TrueFalse { .. } => "true_false",
            Self::Blanks { .. } => "blanks",
            Self::Text { .. } => "text",
        }
    }

    /// Whether the response says nothing: no option selected, every blank empty, or blank
    /// text. A cleared answer counts as unanswered (a true/false answer is never empty).
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Choice { selected } => selected.is_empty(),
            Self::TrueFalse { .. } => false,
            Self::Blanks { values } => values.iter().all(|v| v.trim().is_empty()),
            Self::Text { text } => text.trim().is_empty(),
        }
    }

    /// Checks that this response can be an answer to `q` at all: the right type for its kind
    /// (choice for single/multiple, true_false, blanks for fill, text for short/practical),
    /// selections in range, without duplicates and at most one for single choice, exactly one
    /// value per blank, and no over-long text. Says nothing about whether it is right.
    pub fn check_shape(&self, q: &Question) -> Result<(), ShapeError> {
        let wrong = || ShapeError::WrongType {
            kind: q.kind,
            found: self.type_code(),
        };
        match (q.kind, self) {
            (QuestionKind::Single | QuestionKind::Multiple, Self::Choice { selected }) => {
                let mut seen = Vec::with_capacity(selected.len());
                for &i in selected {
                    if i >= q.options.len() {
                        return Err(ShapeError::OptionOutOfRange(i));
                    }
                    if seen.contains(&i) {
                        return Err(ShapeError::DuplicateSelection(i));
                    }
                    seen.push(i);
                }
                if q.kind == QuestionKind::Single && selected.len() > 1 {
                    return Err(ShapeError::TooManySelections(selected.len()));
                }
                Ok(())
            }
            (QuestionKind::TrueFalse, Self::TrueFalse { .. }) => Ok(()),
            (QuestionKind::Fill, Self::Blanks { values }) => {
                let expected = match &q.key {
                    Key::Blanks { accepted } => accepted.len(),
                    _ => return Err(wrong()),
                };
                if values.len() != expected {
                    return Err(ShapeError::BlankCountMismatch {
                        expected,
                        found: values.len(),
                    });
                }
                if let Some(i) = values
                    .iter()
                    .position(|v| v.chars().count() > MAX_BLANK_CHARS)
                {
                    return Err(ShapeError::BlankTooLong(i));
                }
                Ok(())
            }
            (QuestionKind::Short | QuestionKind::Practical, Self::Text { text }) => {
                let n = text.chars().count();
                if n > MAX_TEXT_CHARS {
                    return Err(ShapeError::TextTooLong(n));
                }
                Ok(())
            }
            _ => Err(wrong()),
        }
    }
}

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

/// A candidate's result on a paper.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Summary {
    /// Points earned so far (items awaiting marking count 0), rounded to 2 decimals.
    pub total: f64,
    /// Points available on the paper, rounded to 2 decimals.
    pub max: f64,
    /// `(section, earned, max)` per section, in ascending section order, rounded to 2 decimals.
    pub per_section: Vec<(usize, f64, f64)>,
    /// Whether `total ≥ pass_line`; `None` while any item awaits marking.
    pub passed: Option<bool>,
}

/// Adds a candidate's items up. Each item is `(section, earned, max)` where `earned` is `None`
/// while the item awaits manual marking (it counts 0 in the totals meanwhile). The pass line is
/// in points on the paper's scale; the candidate passes when `total ≥ pass_line`, decided only
/// once no item awaits marking (even if the total already reaches the line).
pub fn summarize(items: &[(usize, Option<f64>, f64)], pass_line: f64) -> Summary {
    let mut sections: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    let mut pending = false;
    for &(section, earned, max) in items {
        let entry = sections.entry(section).or_insert((0.0, 0.0));
        match earned {
            Some(e) => entry.0 += e,
            None => pending = true,
        }
        entry.1 += max;
    }
    let total = round2(sections.values().map(|s| s.0).sum());
    let max = round2(sections.values().map(|s| s.1).sum());
    Summary {
        total,
        max,
        per_section: sections
            .into_iter()
            .map(|(s, (e, m))| (s, round2(e), round2(m)))
            .collect(),
        // The total is already rounded to 2 decimals; the tolerance only absorbs binary noise in
        // a pass line such as 0.1 + 0.2.
        passed: (!pending).then_some(total >= pass_line - 1e-9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::model::{QuestionBody, QuestionStatus};

    fn question(kind: QuestionKind, stem: &str, options: &[&str], key: Key) -> Question {
        Question::parse(QuestionBody {
            ident: "Q1".into(),
            kind,
            category: vec![],
            stem: stem.into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            key,
            rubric: String::new(),
            scheme: vec![],
            points: 2.0,
            difficulty: 3,
            explanation: String::new(),
            source: String::new(),
            tags: vec![],
            status: QuestionStatus::Active,
        })
        .unwrap()
    }

    fn single() -> Question {
        question(
            QuestionKind::Single,
            "保安员上岗应当佩戴什么？",
            &["甲", "乙", "丙", "丁"],
            Key::Choice { correct: vec![1] },
        )
    }

    /// Key A, C, D of five options.
    fn multiple() -> Question {
        question(
            QuestionKind::Multiple,
            "视频监控系统包括哪些部分？",
            &["前端", "打印", "传输", "显示", "收银"],
            Key::Choice {
                correct: vec![0, 2, 3],
            },
        )
    }

    fn true_false() -> Question {
        question(
            QuestionKind::TrueFalse,
            "保安员可以扣押他人证件。",
            &[],
            Key::TrueFalse { value: false },
        )
    }

    fn fill() -> Question {
        question(
            QuestionKind::Fill,
            "视频安防监控系统工程设计应符合___；系统由前端、___和显示组成。",
            &[],
            Key::Blanks {
                accepted: vec![
                    vec!["GB 50395".into(), "GB50395-2007".into()],
                    vec!["传输".into(), "传输部分".into()],
                ],
            },
        )
    }

    fn short() -> Question {
        question(
            QuestionKind::Short,
            "简述保安员的职责。",
            &[],
            Key::Open {
                reference: "维护秩序".into(),
            },
        )
    }

    fn choose(selected: &[usize]) -> Response {
        Response::Choice {
            selected: selected.to_vec(),
        }
    }

    fn blanks(values: &[&str]) -> Response {
        Response::Blanks {
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn earned(q: &Question, r: &Response, policy: MultiplePolicy) -> f64 {
        score(q, r, 2.0, policy).earned().unwrap()
    }

    // --- shape ---

    #[test]
    fn a_choice_response_to_a_fill_question_is_the_wrong_type() {
        let err = choose(&[0]).check_shape(&fill()).unwrap_err();
        assert_eq!(err.code(), "wrong_response_type");
        assert_eq!(
            err,
            ShapeError::WrongType {
                kind: QuestionKind::Fill,
                found: "choice"
            }
        );
    }

    #[test]
    fn a_text_response_to_a_true_false_question_is_the_wrong_type() {
        let r = Response::Text { text: "对".into() };
        assert_eq!(
            r.check_shape(&true_false()).unwrap_err().code(),
            "wrong_response_type"
        );
    }

    #[test]
    fn a_selection_beyond_the_last_option_is_out_of_range() {
        let err = choose(&[0, 5]).check_shape(&multiple()).unwrap_err();
        assert_eq!(err, ShapeError::OptionOutOfRange(5));
        assert_eq!(err.code(), "option_out_of_range");
    }

    #[test]
    fn selecting_the_same_option_twice_is_refused() {
        let err = choose(&[2, 0, 2]).check_shape(&multiple()).unwrap_err();
        assert_eq!(err, ShapeError::DuplicateSelection(2));
        assert_eq!(err.code(), "duplicate_selection");
    }

    #[test]
    fn two_selections_for_a_single_choice_question_are_refused() {
        let err = choose(&[0, 1]).check_shape(&single()).unwrap_err();
        assert_eq!(err.code(), "too_many_selections");
    }

    #[test]
    fn an_empty_selection_is_a_valid_shape() {
        assert!(choose(&[]).check_shape(&single()).is_ok());
        assert!(choose(&[]).check_shape(&multiple()).is_ok());
    }

    #[test]
    fn well_shaped_responses_pass_for_every_kind() {
        assert!(choose(&[1]).check_shape(&single()).is_ok());
        assert!(choose(&[3, 0]).check_shape(&multiple()).is_ok());
        assert!(
            Response::TrueFalse { value: true }
                .check_shape(&true_false())
                .is_ok()
        );
        assert!(blanks(&["a", "b"]).check_shape(&fill()).is_ok());
        assert!(
            Response::Text {
                text: "答案".into()
            }
            .check_shape(&short())
            .is_ok()
        );
    }

    #[test]
    fn the_wrong_number_of_blanks_is_refused() {
        let err = blanks(&["GB 50395"]).check_shape(&fill()).unwrap_err();
        assert_eq!(
            err,
            ShapeError::BlankCountMismatch {
                expected: 2,
                found: 1
            }
        );
        assert_eq!(err.code(), "blank_count_mismatch");
    }

    #[test]
    fn an_over_long_blank_is_refused() {
        let long = "字".repeat(MAX_BLANK_CHARS + 1);
        let err = blanks(&["a", &long]).check_shape(&fill()).unwrap_err();
        assert_eq!(err, ShapeError::BlankTooLong(1));
        assert_eq!(err.code(), "blank_too_long");
    }

    #[test]
    fn text_is_limited_to_twenty_thousand_characters_not_bytes() {
        let ok = Response::Text {
            text: "字".repeat(MAX_TEXT_CHARS),
        };
        assert!(ok.check_shape(&short()).is_ok());
        let too_long = Response::Text {
            text: "字".repeat(MAX_TEXT_CHARS + 1),
        };
        let err = too_long.check_shape(&short()).unwrap_err();
        assert_eq!(err, ShapeError::TextTooLong(MAX_TEXT_CHARS + 1));
        assert_eq!(err.code(), "text_too_long");
    }

    #[test]
    fn responses_read_and_write_json_tagged_by_type() {
        let r: Response = serde_json::from_str(r#"{"type":"choice","selected":[0,2]}"#).unwrap();
        assert_eq!(r, choose(&[0, 2]));
        let r: Response = serde_json::from_str(r#"{"type":"true_false","value":true}"#).unwrap();
        assert_eq!(r, Response::TrueFalse { value: true });
        assert_eq!(
            serde_json::to_value(blanks(&["x"])).unwrap(),
            serde_json::json!({"type": "blanks", "values": ["x"]})
        );
        let p: MultiplePolicy = serde_json::from_str(r#""all_or_nothing""#).unwrap();
        assert_eq!(p, MultiplePolicy::AllOrNothing);
        assert_eq!(
            serde_json::to_value(MultiplePolicy::Proportional).unwrap(),
            "proportional"
        );
    }

    // --- single choice and true/false ---

    #[test]
    fn single_choice_is_all_or_nothing_whatever_the_policy() {
        let q = single();
        for policy in [
            MultiplePolicy::AllOrNothing,
            MultiplePolicy::Proportional,
            MultiplePolicy::Penalty,
        ] {
            assert_eq!(
                score(&q, &choose(&[1]), 2.0, policy),
                Scored::Auto {
                    earned: 2.0,
                    correct: true
                }
            );
            assert_eq!(
                score(&q, &choose(&[0]), 2.0, policy),
                Scored::Auto {
                    earned: 0.0,
                    correct: false
                }
            );
            assert_eq!(earned(&q, &choose(&[]), policy), 0.0);
        }
    }

    #[test]
    fn true_false_earns_full_points_only_when_it_matches_the_key() {
        let q = true_false();
        let right = Response::TrueFalse { value: false };
        let wrong = Response::TrueFalse { value: true };
        assert_eq!(
            score(&q, &right, 1.5, MultiplePolicy::AllOrNothing),
            Scored::Auto {
                earned: 1.5,
                correct: true
            }
        );
        assert_eq!(
            score(&q, &wrong, 1.5, MultiplePolicy::AllOrNothing),
            Scored::Auto {
                earned: 0.0,
                correct: false
            }
        );
    }

    #[test]
    fn the_papers_points_override_the_questions_default() {
        // The question's default is 2; the paper says 5.
        assert_eq!(
            score(&single(), &choose(&[1]), 5.0, MultiplePolicy::AllOrNothing).earned(),
            Some(5.0)
        );
    }

    #[test]
    fn non_positive_or_non_finite_points_earn_nothing() {
        for points in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                score(
                    &single(),
                    &choose(&[1]),
                    points,
                    MultiplePolicy::AllOrNothing
                )
                .earned(),
                Some(0.0)
            );
        }
    }

    // --- multiple choice policies (2 points, key ACD) ---

    #[test]
    fn all_or_nothing_gives_full_points_only_for_the_exact_set() {
        let q = multiple();
        let p = MultiplePolicy::AllOrNothing;
        assert_eq!(
            score(&q, &choose(&[3, 0, 2]), 2.0, p),
            Scored::Auto {
                earned: 2.0,
                correct: true
            }
        );
        assert_eq!(earned(&q, &choose(&[0, 2]), p), 0.0);
        assert_eq!(earned(&q, &choose(&[0, 2, 3, 1]), p), 0.0);
        assert_eq!(earned(&q, &choose(&[]), p), 0.0);
    }

    #[test]
    fn proportional_pays_for_each_correct_pick_when_nothing_wrong_is_picked() {
        let q = multiple();
        let p = MultiplePolicy::Proportional;
        assert_eq!(earned(&q, &choose(&[0, 2, 3]), p), 2.0);
        // AC: 2 × 2/3 = 1.333… → 1.33
        assert_eq!(
            score(&q, &choose(&[0, 2]), 2.0, p),
            Scored::Auto {
                earned: 1.33,
                correct: false
            }
        );
        // A: 2 × 1/3 = 0.666… → 0.67
        assert_eq!(earned(&q, &choose(&[0]), p), 0.67);
    }

    #[test]
    fn proportional_gives_nothing_when_any_wrong_option_is_picked() {
        let q = multiple();
        let p = MultiplePolicy::Proportional;
        // ACB: two right, one wrong → 0
        assert_eq!(earned(&q, &choose(&[0, 2, 1]), p), 0.0);
        // ACDB: all right plus a wrong one → 0
        assert_eq!(earned(&q, &choose(&[0, 2, 3, 1]), p), 0.0);
    }

    #[test]
    fn penalty_subtracts_a_share_for_each_wrong_pick() {
        let q = multiple();
        let p = MultiplePolicy::Penalty;
        assert_eq!(earned(&q, &choose(&[0, 2, 3]), p), 2.0);
        // AC: 2/3 + 2/3 = 1.33
        assert_eq!(earned(&q, &choose(&[0, 2]), p), 1.33);
        // ACB: 2/3 + 2/3 − 2/3 = 0.67
        assert_eq!(earned(&q, &choose(&[0, 2, 1]), p), 0.67);
        // ACDB: 2 − 2/3 = 1.33, and not "correct"
        assert_eq!(
            score(&q, &choose(&[0, 2, 3, 1]), 2.0, p),
            Scored::Auto {
                earned: 1.33,
                correct: false
            }
        );
    }

    #[test]
    fn penalty_never_goes_below_zero() {
        // ABE: 2/3 − 2/3 − 2/3 = −0.67 → 0
        assert_eq!(
            earned(&multiple(), &choose(&[0, 1, 4]), MultiplePolicy::Penalty),
            0.0
        );
        // BE: only wrong picks → 0
        assert_eq!(
            earned(&multiple(), &choose(&[1, 4]), MultiplePolicy::Penalty),
            0.0
        );
    }

    #[test]
    fn the_default_policy_is_all_or_nothing() {
        assert_eq!(MultiplePolicy::default(), MultiplePolicy::AllOrNothing);
    }

    #[test]
    fn duplicate_picks_count_once_when_scoring_unchecked_responses() {
        // Penalty must not be gamed by repeating a right pick.
        assert_eq!(
            earned(&multiple(), &choose(&[0, 0, 0, 1]), MultiplePolicy::Penalty),
            0.0
        );
    }

    // --- fill in the blanks ---

    #[test]
    fn normalizing_turns_full_width_into_half_width() {
        assert_eq!(normalize_blank("ＧＢ５０３４８"), "gb50348");
        assert_eq!(normalize_blank("ＧＢ　５０３４８"), "gb50348");
    }

    #[test]
    fn normalizing_removes_every_kind_of_space() {
        assert_eq!(normalize_blank("  gb 50 348\t"), "gb50348");
        assert_eq!(normalize_blank("前\u{3000}端"), "前端");
        assert_eq!(normalize_blank("前\u{00A0}端\u{200B}"), "前端");
    }

    #[test]
    fn normalizing_lowercases_ascii_and_leaves_chinese_alone() {
        assert_eq!(normalize_blank("Ip Camera"), "ipcamera");
        assert_eq!(normalize_blank("闭路电视CCTV"), "闭路电视cctv");
    }

    #[test]
    fn normalizing_unifies_chinese_and_english_punctuation() {
        assert_eq!(normalize_blank("甲，乙。丙；丁：戊"), "甲,乙.丙;丁:戊");
        assert_eq!(normalize_blank("（二）"), "(二)");
        assert_eq!(normalize_blank("甲、乙"), "甲,乙");
        assert_eq!(normalize_blank("“安全”"), "\"安全\"");
        assert_eq!(normalize_blank("GB50395－2007"), "gb50395-2007");
    }

    #[test]
    fn a_full_width_spaced_answer_matches_the_compact_key() {
        assert!(blank_matches("ＧＢ　５０３４８", &["gb50348".to_string()]));
        assert!(blank_matches("gb50348", &["ＧＢ　５０３４８".to_string()]));
        assert!(!blank_matches("gb50349", &["GB50348".to_string()]));
    }

    #[test]
    fn an_empty_blank_never_matches() {
        assert!(!blank_matches("  \u{3000}", &["x".to_string()]));
    }

    #[test]
    fn every_blank_right_earns_full_points() {
        assert_eq!(
            score(
                &fill(),
                &blanks(&["ｇｂ　50395", "传输部分"]),
                2.0,
                MultiplePolicy::AllOrNothing
            ),
            Scored::Auto {
                earned: 2.0,
                correct: true
            }
        );
    }

    #[test]
    fn each_right_blank_earns_its_share_of_the_points() {
        let q = fill();
        // One of two blanks right: 3 × 1/2 = 1.5.
        assert_eq!(
            score(
                &q,
                &blanks(&["GB 50395-2007", "存储"]),
                3.0,
                MultiplePolicy::AllOrNothing
            ),
            Scored::Auto {
                earned: 1.5,
                correct: false
            }
        );
        // A blank is all or nothing: a near miss earns nothing for that blank.
        assert_eq!(
            score(
                &q,
                &blanks(&["GB 5039", "传"]),
                3.0,
                MultiplePolicy::AllOrNothing
            )
            .earned(),
            Some(0.0)
        );
    }

    #[test]
    fn a_fill_share_is_rounded_to_two_decimals() {
        let q = question(
            QuestionKind::Fill,
            "___、___、___",
            &[],
            Key::Blanks {
                accepted: vec![vec!["甲".into()], vec!["乙".into()], vec!["丙".into()]],
            },
        );
        // 1 × 2/3 = 0.666… → 0.67
        assert_eq!(
            score(
                &q,
                &blanks(&["甲", "乙", "丁"]),
                1.0,
                MultiplePolicy::Penalty
            )
            .earned(),
            Some(0.67)
        );
    }

    // --- manual, missing, mismatched ---

    #[test]
    fn short_answers_and_practical_tasks_go_to_manual_marking() {
        let text = Response::Text {
            text: "维护秩序".into(),
        };
        assert_eq!(
            score(&short(), &text, 10.0, MultiplePolicy::AllOrNothing),
            Scored::Manual
        );
        let practical = question(
            QuestionKind::Practical,
            "安装一台摄像机。",
            &[],
            Key::Open {
                reference: String::new(),
            },
        );
        assert_eq!(
            score(&practical, &text, 10.0, MultiplePolicy::AllOrNothing),
            Scored::Manual
        );
        assert_eq!(Scored::Manual.earned(), None);
    }

    #[test]
    fn an_unanswered_question_earns_zero_and_is_not_correct() {
        assert_eq!(
            score_missing(),
            Scored::Auto {
                earned: 0.0,
                correct: false
            }
        );
    }

    #[test]
    fn a_response_of_the_wrong_type_scores_zero_instead_of_failing() {
        assert_eq!(
            score(&fill(), &choose(&[0]), 2.0, MultiplePolicy::AllOrNothing),
            Scored::Auto {
                earned: 0.0,
                correct: false
            }
        );
    }

    #[test]
    fn scored_results_serialize_tagged_by_type() {
        assert_eq!(
            serde_json::to_value(Scored::Auto {
                earned: 1.5,
                correct: false
            })
            .unwrap(),
            serde_json::json!({"type": "auto", "earned": 1.5, "correct": false})
        );
        assert_eq!(
            serde_json::to_value(Scored::Manual).unwrap(),
            serde_json::json!({"type": "manual"})
        );
    }

    // --- summary ---

    #[test]
    fn a_summary_adds_up_per_section_in_section_order() {
        let items = [
            (2, Some(1.0), 2.0),
            (1, Some(1.0), 1.0),
            (1, Some(0.0), 1.0),
            (2, Some(2.0), 2.0),
        ];
        let s = summarize(&items, 3.0);
        assert_eq!(s.total, 4.0);
        assert_eq!(s.max, 6.0);
        assert_eq!(s.per_section, vec![(1, 1.0, 2.0), (2, 3.0, 4.0)]);
        assert_eq!(s.passed, Some(true));
    }

    #[test]
    fn a_total_just_below_the_pass_line_fails() {
        let s = summarize(&[(0, Some(59.99), 100.0)], 60.0);
        assert_eq!(s.passed, Some(false));
    }

    #[test]
    fn a_total_exactly_on_the_pass_line_passes_despite_float_noise() {
        // 0.1 + 0.2 is 0.30000000000000004 in binary; 0.33 × 3 is 0.9900000000000001.
        let s = summarize(&[(0, Some(0.1), 1.0), (0, Some(0.2), 1.0)], 0.3);
        assert_eq!(s.total, 0.3);
        assert_eq!(s.passed, Some(true));
        let s = summarize(
            &[
                (0, Some(0.33), 1.0),
                (0, Some(0.33), 1.0),
                (0, Some(0.33), 1.0),
            ],
            0.99,
        );
        assert_eq!(s.total, 0.99);
        assert_eq!(s.passed, Some(true));
    }

    #[test]
    fn a_pending_manual_item_leaves_pass_undecided_and_counts_zero() {
        let items = [(0, Some(50.0), 60.0), (1, None, 40.0)];
        let s = summarize(&items, 60.0);
        assert_eq!(s.total, 50.0);
        assert_eq!(s.max, 100.0);
        assert_eq!(s.per_section, vec![(0, 50.0, 60.0), (1, 0.0, 40.0)]);
        assert_eq!(s.passed, None);
        // Even when the total already reaches the line, the verdict waits for the marker.
        let s = summarize(&[(0, Some(60.0), 60.0), (1, None, 40.0)], 60.0);
        assert_eq!(s.passed, None);
    }

    #[test]
    fn an_empty_paper_summarizes_to_zero_and_passes_a_zero_line() {
        let s = summarize(&[], 0.0);
        assert_eq!(s.total, 0.0);
        assert_eq!(s.max, 0.0);
        assert!(s.per_section.is_empty());
        assert_eq!(s.passed, Some(true));
    }

    #[test]
    fn scored_answers_feed_a_summary() {
        let items = [
            (
                0,
                score(&single(), &choose(&[1]), 2.0, MultiplePolicy::AllOrNothing).earned(),
                2.0,
            ),
            (
                0,
                score(
                    &multiple(),
                    &choose(&[0]),
                    3.0,
                    MultiplePolicy::Proportional,
                )
                .earned(),
                3.0,
            ),
            (1, score_missing().earned(), 2.0),
        ];
        let s = summarize(&items, 3.0);
        assert_eq!(s.total, 3.0);
        assert_eq!(s.per_section, vec![(0, 3.0, 5.0), (1, 0.0, 2.0)]);
        assert_eq!(s.passed, Some(true));
    }
}
