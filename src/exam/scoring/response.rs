//! What a candidate may answer to a question, and the check that refuses an answer that cannot
//! be one to that question at all.

use crate::bank::model::{Key, Question, QuestionKind};
use serde::{Deserialize, Serialize};
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
