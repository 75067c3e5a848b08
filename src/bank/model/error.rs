//! Why a body is not a valid question: each reason with a stable code, and the field at fault.

use super::{MAX_OPTIONS, QuestionKind, option_label};
use crate::error::{AppError, ErrorCode};

/// Why a body is not a valid question. Each variant has a stable code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuestionError {
    /// The stem is empty.
    #[error("the stem is empty")]
    EmptyStem,
    /// A choice question has fewer than two options.
    #[error("a choice question needs at least two options, found {0}")]
    TooFewOptions(usize),
    /// More options than A–H.
    #[error("at most {MAX_OPTIONS} options are allowed, found {0}")]
    TooManyOptions(usize),
    /// An option text is empty.
    #[error("option {0} is empty")]
    EmptyOption(char),
    /// Two options read the same.
    #[error("options {0} and {1} are the same")]
    DuplicateOption(char, char),
    /// The key names an option that does not exist.
    #[error("the key names option {0}, which does not exist")]
    KeyOutOfRange(usize),
    /// The key's type does not fit the question's kind.
    #[error("a {0} question cannot have this kind of key")]
    KeyKindMismatch(QuestionKind),
    /// Single choice with other than one correct option.
    #[error("a single-choice question needs exactly one correct option, found {0}")]
    SingleNeedsOneCorrect(usize),
    /// Multiple choice with no correct option.
    #[error("a multiple-choice question needs at least one correct option")]
    NoCorrectOption,
    /// A kind that takes no options was given some.
    #[error("a {0} question takes no options")]
    UnexpectedOptions(QuestionKind),
    /// A blank with no accepted answer, or a key with no blanks.
    #[error("every blank needs at least one accepted answer")]
    EmptyBlank,
    /// The number of `___` markers in the stem differs from the number of blanks in the key.
    #[error("the stem marks {markers} blanks but the key has {blanks}")]
    BlankCountMismatch {
        /// Blank markers found in the stem.
        markers: usize,
        /// Blanks in the key.
        blanks: usize,
    },
    /// Points not a positive finite number up to 100.
    #[error("points must be more than 0 and at most 100, found {0}")]
    BadPoints(f64),
    /// Difficulty outside 1–5.
    #[error("difficulty must be from 1 to 5, found {0}")]
    BadDifficulty(u8),
    /// An identifier with characters that do not belong in one.
    #[error("identifier {0:?} must be 1–64 characters without spaces or slashes")]
    BadIdent(String),
    /// A practical task whose scheme does not add up to its points.
    #[error("the marking scheme adds up to {scheme} points but the task is worth {points}")]
    SchemeMismatch {
        /// Sum over the scheme.
        scheme: f64,
        /// The task's points.
        points: f64,
    },
    /// A text longer than [`limits`](super::limits) allow.
    #[error("{}过长：{found} 字，最多 {limit} 字 ({} has {found} characters; at most {limit} are allowed)", field.chinese(), field.english())]
    FieldTooLong {
        /// Which text.
        field: Field,
        /// Its limit in characters.
        limit: usize,
        /// Its length in characters.
        found: usize,
    },
    /// More entries (tags, category levels, blanks, accepted answers, aspects) than [`limits`](super::limits) allow.
    #[error("{}太多：{found} 个，最多 {limit} 个 (too many {}: {found}; at most {limit} are allowed)", field.list_names().0, field.list_names().1)]
    TooManyEntries {
        /// Which list.
        field: Field,
        /// Its limit.
        limit: usize,
        /// Its length.
        found: usize,
    },
    /// All texts together longer than [`limits::ITEM`](super::limits::ITEM).
    #[error(
        "试题内容过长：共 {found} 字，最多 {limit} 字 (the question's texts have {found} characters together; at most {limit} are allowed)"
    )]
    ItemTooLarge {
        /// The limit in characters.
        limit: usize,
        /// All texts' length in characters.
        found: usize,
    },
}

/// A part of a question that has a size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// 题干
    Stem,
    /// 选项 (0-based index)
    Option(usize),
    /// 解析
    Explanation,
    /// 评分标准
    Rubric,
    /// 参考答案
    Reference,
    /// An accepted answer of a blank (or the blanks, or one blank's answers, for counts).
    Accepted,
    /// 出处
    Source,
    /// 分类
    Category,
    /// 标签
    Tags,
    /// 评分细则
    Scheme,
}

impl Field {
    /// Stable snake_case name, used in API error details.
    pub fn code(self) -> &'static str {
        match self {
            Self::Stem => "stem",
            Self::Option(_) => "options",
            Self::Explanation => "explanation",
            Self::Rubric => "rubric",
            Self::Reference => "reference",
            Self::Accepted => "accepted",
            Self::Source => "source",
            Self::Category => "category",
            Self::Tags => "tags",
            Self::Scheme => "scheme",
        }
    }

    /// The text's name in Chinese (题干, 选项B, …).
    fn chinese(self) -> String {
        match self {
            Self::Stem => "题干".into(),
            Self::Option(i) => format!("选项{}", option_label(i)),
            Self::Explanation => "解析".into(),
            Self::Rubric => "评分标准".into(),
            Self::Reference => "参考答案".into(),
            Self::Accepted => "填空答案".into(),
            Self::Source => "出处".into(),
            Self::Category => "分类名称".into(),
            Self::Tags => "标签".into(),
            Self::Scheme => "评分细则".into(),
        }
    }

    /// The text's name in English (the stem, option B, …).
    fn english(self) -> String {
        match self {
            Self::Stem => "the stem".into(),
            Self::Option(i) => format!("option {}", option_label(i)),
            Self::Explanation => "the explanation".into(),
            Self::Rubric => "the rubric".into(),
            Self::Reference => "the reference answer".into(),
            Self::Accepted => "an accepted answer".into(),
            Self::Source => "the source".into(),
            Self::Category => "a category name".into(),
            Self::Tags => "a tag".into(),
            Self::Scheme => "a marking scheme aspect".into(),
        }
    }

    /// The list's name in Chinese and English, for counts.
    fn list_names(self) -> (&'static str, &'static str) {
        match self {
            Self::Category => ("分类层级", "category levels"),
            Self::Tags => ("标签", "tags"),
            Self::Scheme => ("评分细则", "marking scheme aspects"),
            _ => ("填空或答案", "blanks or accepted answers"),
        }
    }
}

impl QuestionError {
    /// Stable snake_case code for reports and API errors.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::EmptyStem => ErrorCode::EmptyStem,
            Self::TooFewOptions(_) => ErrorCode::TooFewOptions,
            Self::TooManyOptions(_) => ErrorCode::TooManyOptions,
            Self::EmptyOption(_) => ErrorCode::EmptyOption,
            Self::DuplicateOption(..) => ErrorCode::DuplicateOption,
            Self::KeyOutOfRange(_) => ErrorCode::KeyOutOfRange,
            Self::KeyKindMismatch(_) => ErrorCode::KeyKindMismatch,
            Self::SingleNeedsOneCorrect(_) => ErrorCode::SingleNeedsOneCorrect,
            Self::NoCorrectOption => ErrorCode::NoCorrectOption,
            Self::UnexpectedOptions(_) => ErrorCode::UnexpectedOptions,
            Self::EmptyBlank => ErrorCode::EmptyBlank,
            Self::BlankCountMismatch { .. } => ErrorCode::BlankCountMismatch,
            Self::BadPoints(_) => ErrorCode::BadPoints,
            Self::BadDifficulty(_) => ErrorCode::BadDifficulty,
            Self::BadIdent(_) => ErrorCode::BadIdent,
            Self::SchemeMismatch { .. } => ErrorCode::SchemeMismatch,
            Self::FieldTooLong { .. } => ErrorCode::FieldTooLong,
            Self::TooManyEntries { .. } => ErrorCode::TooManyEntries,
            Self::ItemTooLarge { .. } => ErrorCode::ItemTooLarge,
        }
    }

    /// Machine-readable details for an API error: which field and its limit, where there is one.
    pub fn details(&self) -> serde_json::Value {
        match self {
            Self::FieldTooLong {
                field,
                limit,
                found,
            }
            | Self::TooManyEntries {
                field,
                limit,
                found,
            } => serde_json::json!({
                "reason": self.code(), "field": field.code(), "limit": limit, "found": found
            }),
            Self::ItemTooLarge { limit, found } => {
                serde_json::json!({ "reason": self.code(), "limit": limit, "found": found })
            }
            _ => serde_json::json!({ "reason": self.code() }),
        }
    }
}

// Kept beside the question errors, so the error module need not know the bank.
impl From<QuestionError> for AppError {
    fn from(e: QuestionError) -> Self {
        AppError::unprocessable(ErrorCode::InvalidQuestion, e.to_string()).with_details(e.details())
    }
}
