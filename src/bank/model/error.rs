//! Why a body is not a valid question: each reason with a stable code, and the field at fault.

use super::{MAX_OPTIONS, QuestionKind, SchemeError, option_label};
use crate::error::{AppError, ErrorCode, Text};
use std::fmt;

/// Why a body is not a valid question. Each variant has a stable code.
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionError {
    /// The stem is empty.
    EmptyStem,
    /// A choice question has fewer than two options.
    TooFewOptions(usize),
    /// More options than A–H.
    TooManyOptions(usize),
    /// An option text is empty.
    EmptyOption(char),
    /// Two options read the same.
    DuplicateOption(char, char),
    /// The key names an option that does not exist.
    KeyOutOfRange(usize),
    /// The key's type does not fit the question's kind.
    KeyKindMismatch(QuestionKind),
    /// Single choice with other than one correct option.
    SingleNeedsOneCorrect(usize),
    /// Multiple choice with no correct option.
    NoCorrectOption,
    /// A kind that takes no options was given some.
    UnexpectedOptions(QuestionKind),
    /// A blank with no accepted answer, or a key with no blanks.
    EmptyBlank,
    /// The number of `___` markers in the stem differs from the number of blanks in the key.
    BlankCountMismatch {
        /// Blank markers found in the stem.
        markers: usize,
        /// Blanks in the key.
        blanks: usize,
    },
    /// Points not a positive finite number up to 100.
    BadPoints(f64),
    /// Difficulty outside 1–5.
    BadDifficulty(u8),
    /// An identifier with characters that do not belong in one.
    BadIdent(String),
    /// A practical task whose scheme does not add up to its points.
    SchemeMismatch {
        /// Sum over the scheme.
        scheme: f64,
        /// The task's points.
        points: f64,
    },
    /// A marking scheme or equipment list that is not well formed.
    Scheme(super::SchemeError),
    /// A text longer than [`limits`](super::limits) allow.
    FieldTooLong {
        /// Which text.
        field: Field,
        /// Its limit in characters.
        limit: usize,
        /// Its length in characters.
        found: usize,
    },
    /// More entries (tags, category levels, blanks, accepted answers, aspects) than [`limits`](super::limits) allow.
    TooManyEntries {
        /// Which list.
        field: Field,
        /// Its limit.
        limit: usize,
        /// Its length.
        found: usize,
    },
    /// All texts together longer than [`limits::ITEM`](super::limits::ITEM).
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
    /// 设备材料清单
    Equipment,
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
            Self::Equipment => "equipment",
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
            Self::Equipment => "设备材料清单".into(),
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
            Self::Equipment => "an equipment entry".into(),
        }
    }

    /// The list's name in Chinese and English, for counts.
    fn list_names(self) -> (&'static str, &'static str) {
        match self {
            Self::Category => ("分类层级", "category levels"),
            Self::Tags => ("标签", "tags"),
            Self::Scheme => ("评分细则", "marking scheme aspects"),
            Self::Equipment => ("设备材料", "equipment entries"),
            _ => ("填空或答案", "blanks or accepted answers"),
        }
    }
}

impl QuestionError {
    /// The reason in Chinese and English. An option is named by its letter (E), as files and
    /// the editor write it, never by its position.
    pub fn text(&self) -> Text {
        fn t(zh: impl Into<String>, en: impl Into<String>) -> Text {
            Text::new(zh, en)
        }
        match self {
            Self::EmptyStem => t("题干为空", "the stem is empty"),
            Self::TooFewOptions(n) => t(
                format!("选择题至少需要两个选项，现有 {n} 个"),
                format!("a choice question needs at least two options, found {n}"),
            ),
            Self::TooManyOptions(n) => t(
                format!("选项最多 {MAX_OPTIONS} 个（A–H），现有 {n} 个"),
                format!("at most {MAX_OPTIONS} options are allowed, found {n}"),
            ),
            Self::EmptyOption(l) => t(format!("选项 {l} 为空"), format!("option {l} is empty")),
            Self::DuplicateOption(a, b) => t(
                format!("选项 {a} 与选项 {b} 内容相同"),
                format!("options {a} and {b} are the same"),
            ),
            Self::KeyOutOfRange(i) => {
                let l = option_label(*i);
                t(
                    format!("答案为 {l}，但本题没有选项 {l}"),
                    format!("the key names option {l}, which does not exist"),
                )
            }
            Self::KeyKindMismatch(k) => t(
                format!("{}题不能使用这种答案", k.chinese()),
                format!("a {k} question cannot have this kind of key"),
            ),
            Self::SingleNeedsOneCorrect(n) => t(
                format!("单选题必须恰有一个正确选项，现有 {n} 个"),
                format!("a single-choice question needs exactly one correct option, found {n}"),
            ),
            Self::NoCorrectOption => t(
                "多选题至少需要一个正确选项",
                "a multiple-choice question needs at least one correct option",
            ),
            Self::UnexpectedOptions(k) => t(
                format!("{}题不应有选项", k.chinese()),
                format!("a {k} question takes no options"),
            ),
            Self::EmptyBlank => t(
                "每个填空至少需要一个可接受的答案",
                "every blank needs at least one accepted answer",
            ),
            Self::BlankCountMismatch { markers, blanks } => t(
                format!("题干中有 {markers} 处填空，答案却有 {blanks} 个"),
                format!("the stem marks {markers} blanks but the key has {blanks}"),
            ),
            Self::BadPoints(p) => t(
                format!("分值须大于 0 且不超过 100，现为 {p}"),
                format!("points must be more than 0 and at most 100, found {p}"),
            ),
            Self::BadDifficulty(d) => t(
                format!("难度须为 1 至 5，现为 {d}"),
                format!("difficulty must be from 1 to 5, found {d}"),
            ),
            Self::BadIdent(id) => t(
                format!("编号“{id}”须为 1–64 个字符，且不含空格和斜杠"),
                format!("identifier {id:?} must be 1–64 characters without spaces or slashes"),
            ),
            Self::SchemeMismatch { scheme, points } => t(
                format!("评分细则合计 {scheme} 分，但本题为 {points} 分"),
                format!(
                    "the marking scheme adds up to {scheme} points but the task is worth {points}"
                ),
            ),
            Self::Scheme(e) => scheme_text(e),
            Self::FieldTooLong {
                field,
                limit,
                found,
            } => t(
                format!("{}过长：{found} 字，最多 {limit} 字", field.chinese()),
                format!(
                    "{} has {found} characters; at most {limit} are allowed",
                    field.english()
                ),
            ),
            Self::TooManyEntries {
                field,
                limit,
                found,
            } => {
                let (zh, en) = field.list_names();
                t(
                    format!("{zh}太多：{found} 个，最多 {limit} 个"),
                    format!("too many {en}: {found}; at most {limit} are allowed"),
                )
            }
            Self::ItemTooLarge { limit, found } => t(
                format!("试题内容过长：共 {found} 字，最多 {limit} 字"),
                format!(
                    "the question's texts have {found} characters together; at most {limit} are allowed"
                ),
            ),
        }
    }

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
            Self::Scheme(_) => ErrorCode::BadScheme,
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

/// Why a scheme is refused, in Chinese and English; aspects and equipment entries are numbered
/// from 1 as the editor and the files show them.
fn scheme_text(e: &SchemeError) -> Text {
    let (zh, en) = match e {
        SchemeError::EmptyAspect(n) => (
            format!("评分细则第 {n} 项没有内容"),
            format!("aspect {n} of the marking scheme has no text"),
        ),
        SchemeError::AspectPoints(n) => (
            format!("评分细则第 {n} 项的分值须大于 0 且不超过 100"),
            format!("aspect {n} must be worth more than 0 and at most 100 points"),
        ),
        SchemeError::Descriptors(n) => (
            format!("评分细则第 {n} 项为评判项，须为 0、1、2、3 四个等级各写一条描述"),
            format!(
                "aspect {n} is a judgement and needs one descriptor for each of the levels 0, 1, 2 and 3"
            ),
        ),
        SchemeError::Bands(n) => (
            format!("评分细则第 {n} 项的公差档须从严到宽排列，得分比例在 0 到 1 之间且逐档不增"),
            format!(
                "aspect {n}: tolerance bands must go from tightest to widest, with fractions in (0, 1] that never rise"
            ),
        ),
        SchemeError::DeductionPer(n) => (
            format!("评分细则第 {n} 项为扣分项，每次扣分须大于 0 且不超过该项上限"),
            format!(
                "aspect {n} is a deduction; points per occurrence must be more than 0 and at most its cap"
            ),
        ),
        SchemeError::DeductionAlone(n) => (
            format!("评分细则第 {n} 项为扣分项，但所在分项没有可扣的得分项"),
            format!("aspect {n} is a deduction in a sub-criterion with nothing to deduct from"),
        ),
        SchemeError::Equipment(n) => (
            format!("设备材料清单第 {n} 项须有名称且数量大于 0"),
            format!("equipment entry {n} needs a name and a quantity above 0"),
        ),
        SchemeError::Minutes(m) => (
            format!(
                "考核时间 {m} 分钟过长，最多 {} 分钟",
                super::scheme::MAX_TASK_MINUTES
            ),
            format!(
                "{m} minutes is too long; at most {} are allowed",
                super::scheme::MAX_TASK_MINUTES
            ),
        ),
    };
    Text::new(zh, en)
}

impl fmt::Display for QuestionError {
    /// The English reason (the API's `message`); [`QuestionError::text`] has both.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().en)
    }
}

impl std::error::Error for QuestionError {}

// Kept beside the question errors, so the error module need not know the bank.
impl From<QuestionError> for AppError {
    fn from(e: QuestionError) -> Self {
        AppError::text(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidQuestion,
            e.text(),
        )
        .with_details(e.details())
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;
    use crate::error::{english_run, has_cjk};

    /// One value of every variant.
    pub(crate) fn every_question_error() -> Vec<QuestionError> {
        use QuestionError::*;
        let fields = [
            Field::Stem,
            Field::Option(4),
            Field::Explanation,
            Field::Rubric,
            Field::Reference,
            Field::Accepted,
            Field::Source,
            Field::Category,
            Field::Tags,
            Field::Scheme,
        ];
        let mut all = vec![
            EmptyStem,
            TooFewOptions(1),
            TooManyOptions(9),
            EmptyOption('C'),
            DuplicateOption('A', 'B'),
            KeyOutOfRange(4),
            KeyKindMismatch(QuestionKind::Single),
            SingleNeedsOneCorrect(2),
            NoCorrectOption,
            UnexpectedOptions(QuestionKind::Fill),
            EmptyBlank,
            BlankCountMismatch {
                markers: 2,
                blanks: 1,
            },
            BadPoints(0.0),
            BadDifficulty(9),
            BadIdent("a b".into()),
            SchemeMismatch {
                scheme: 8.0,
                points: 10.0,
            },
            ItemTooLarge {
                limit: 10,
                found: 11,
            },
        ];
        for field in fields {
            all.push(FieldTooLong {
                field,
                limit: 10,
                found: 11,
            });
            all.push(TooManyEntries {
                field,
                limit: 10,
                found: 11,
            });
        }
        all
    }

    #[test]
    fn every_question_error_reads_in_chinese_without_english_left_in_it() {
        for e in every_question_error() {
            let t = e.text();
            assert!(has_cjk(&t.zh), "{e:?}: {}", t.zh);
            assert_eq!(english_run(&t.zh), None, "{e:?}: {}", t.zh);
            assert!(!t.en.is_empty() && !has_cjk(&t.en), "{e:?}: {}", t.en);
            assert_eq!(e.to_string(), t.en);
        }
    }

    #[test]
    fn a_key_naming_a_missing_option_names_it_by_its_letter() {
        let t = QuestionError::KeyOutOfRange(4).text();
        assert!(t.zh.contains('E') && t.en.contains("option E"), "{t:?}");
    }
}
