//! The question model. A [`QuestionBody`] is what an author or an importer writes; a
//! [`Question`] is a body that passed [`Question::parse`] and is valid from then on.

use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

/// Most options a choice question may have (A to H, as the spreadsheet columns allow).
pub const MAX_OPTIONS: usize = 8;
/// The text that marks a blank in a fill-in-the-blank stem: three or more underscores.
pub const BLANK_MARKER: &str = "___";

/// How much one question may hold, in characters (or entries). Far above any real question
/// (the longest shipped stem has about 100 characters), low enough that one item of a hostile
/// file cannot fill memory, the database or every listing that shows it. Checked by
/// [`Question::parse`], so every format and the JSON API share them.
pub mod limits {
    /// Stem.
    pub const STEM: usize = 10_000;
    /// One option.
    pub const OPTION: usize = 2_000;
    /// Explanation (解析).
    pub const EXPLANATION: usize = 10_000;
    /// Rubric (评分标准).
    pub const RUBRIC: usize = 10_000;
    /// Reference answer of a short answer or practical task.
    pub const REFERENCE: usize = 10_000;
    /// One accepted answer of a blank.
    pub const ACCEPTED: usize = 500;
    /// Blanks of a fill-in question, and accepted answers of one blank.
    pub const BLANKS: usize = 50;
    /// Source (出处).
    pub const SOURCE: usize = 1_000;
    /// One category name.
    pub const CATEGORY: usize = 100;
    /// Levels of a category path.
    pub const CATEGORY_DEPTH: usize = 10;
    /// One tag.
    pub const TAG: usize = 50;
    /// Tags of a question.
    pub const TAGS: usize = 50;
    /// One aspect of a marking scheme.
    pub const ASPECT: usize = 1_000;
    /// Aspects of a marking scheme.
    pub const ASPECTS: usize = 100;
    /// All texts of one question together.
    pub const ITEM: usize = 50_000;
}

/// The kinds of question the platform knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// 单选: one correct option.
    Single,
    /// 多选: one or more correct options.
    Multiple,
    /// 判断: true or false.
    TrueFalse,
    /// 填空: one or more blanks, each with accepted answers.
    Fill,
    /// 简答: marked by hand against a rubric.
    Short,
    /// 实操: a practical task marked by judges against a marking scheme.
    Practical,
}

impl QuestionKind {
    /// Every kind, in display order.
    pub const ALL: [QuestionKind; 6] = [
        Self::Single,
        Self::Multiple,
        Self::TrueFalse,
        Self::Fill,
        Self::Short,
        Self::Practical,
    ];

    /// The stable English code used in the API and the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Multiple => "multiple",
            Self::TrueFalse => "true_false",
            Self::Fill => "fill",
            Self::Short => "short",
            Self::Practical => "practical",
        }
    }

    /// The Chinese name bank keepers use (题型 column).
    pub fn chinese(self) -> &'static str {
        match self {
            Self::Single => "单选",
            Self::Multiple => "多选",
            Self::TrueFalse => "判断",
            Self::Fill => "填空",
            Self::Short => "简答",
            Self::Practical => "实操",
        }
    }

    /// Reads a kind from its code or its Chinese name (with or without 题).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().trim_end_matches('题');
        Self::ALL.into_iter().find(|k| {
            k.code().eq_ignore_ascii_case(s)
                || k.chinese() == s
                || (s == "单项选择" && *k == Self::Single)
                || (s == "多项选择" && *k == Self::Multiple)
                || (s == "是非" && *k == Self::TrueFalse)
                || (s == "问答" && *k == Self::Short)
        })
    }

    /// Whether the machine scores it (objective) or a person does.
    pub fn is_objective(self) -> bool {
        matches!(
            self,
            Self::Single | Self::Multiple | Self::TrueFalse | Self::Fill
        )
    }
}

impl fmt::Display for QuestionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Where a question is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionStatus {
    /// Being written; never drawn into a paper.
    Draft,
    /// In use.
    #[default]
    Active,
    /// Withdrawn; kept for old attempts, never drawn again.
    Retired,
}

impl QuestionStatus {
    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Retired => "retired",
        }
    }

    /// Reads a status from its code.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "active" => Some(Self::Active),
            "retired" => Some(Self::Retired),
            _ => None,
        }
    }
}

/// The key of a question, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Key {
    /// Indices (0-based) into the options that are correct: one for single, one or more for multiple.
    Choice {
        /// Correct option indices, ascending.
        correct: Vec<usize>,
    },
    /// The statement is true or false.
    TrueFalse {
        /// Whether the statement is true.
        value: bool,
    },
    /// One entry per blank: the answers accepted for it.
    Blanks {
        /// Accepted answers per blank.
        accepted: Vec<Vec<String>>,
    },
    /// Open answer (short answer or practical task): a reference answer for the marker.
    Open {
        /// What a full-marks answer says.
        reference: String,
    },
}

/// One aspect of a practical task's marking scheme (评分细则).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Aspect {
    /// What the judge checks.
    pub text: String,
    /// Points for this aspect.
    pub points: f64,
}

/// What an author or importer writes. Anything may be wrong here; [`Question::parse`] checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QuestionBody {
    /// Identifier within its bank (e.g. `LAW-0001`); empty means "give it one".
    #[serde(default)]
    pub ident: String,
    /// The kind of question.
    pub kind: QuestionKind,
    /// Category path from the bank's root, e.g. `["保安服务管理条例", "保安员"]`.
    #[serde(default)]
    pub category: Vec<String>,
    /// The stem: plain text; images as `![alt](/api/media/<sha256>)`; blanks as `___`.
    pub stem: String,
    /// Option texts for choice questions, in authored order (A, B, C, …).
    #[serde(default)]
    pub options: Vec<String>,
    /// The key.
    pub key: Key,
    /// How marking works for short answers, or the scheme of a practical task.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rubric: String,
    /// Marking scheme of a practical task.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheme: Vec<Aspect>,
    /// Points the question is worth by default.
    #[serde(default = "default_points")]
    pub points: f64,
    /// Author difficulty, 1 (easy) to 5 (hard).
    #[serde(default = "default_difficulty")]
    pub difficulty: u8,
    /// Why the key is right (解析).
    #[serde(default)]
    pub explanation: String,
    /// The law, standard or textbook chapter, with article or clause.
    #[serde(default)]
    pub source: String,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Draft, active or retired.
    #[serde(default)]
    pub status: QuestionStatus,
}

impl QuestionBody {
    /// A body with the given content and defaults elsewhere: no identifier or category, 1 point,
    /// difficulty 3, active, no explanation, source, tags, rubric or scheme.
    pub fn new(kind: QuestionKind, stem: &str, options: &[&str], key: Key) -> QuestionBody {
        QuestionBody {
            ident: String::new(),
            kind,
            category: vec![],
            stem: stem.to_string(),
            options: options.iter().map(|o| o.to_string()).collect(),
            key,
            rubric: String::new(),
            scheme: vec![],
            points: default_points(),
            difficulty: default_difficulty(),
            explanation: String::new(),
            source: String::new(),
            tags: vec![],
            status: QuestionStatus::Active,
        }
    }
}

fn default_points() -> f64 {
    1.0
}
fn default_difficulty() -> u8 {
    3
}

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
    /// A text longer than [`limits`] allow.
    #[error("{}过长：{found} 字，最多 {limit} 字 ({} has {found} characters; at most {limit} are allowed)", field.chinese(), field.english())]
    FieldTooLong {
        /// Which text.
        field: Field,
        /// Its limit in characters.
        limit: usize,
        /// Its length in characters.
        found: usize,
    },
    /// More entries (tags, category levels, blanks, accepted answers, aspects) than [`limits`] allow.
    #[error("{}太多：{found} 个，最多 {limit} 个 (too many {}: {found}; at most {limit} are allowed)", field.list_names().0, field.list_names().1)]
    TooManyEntries {
        /// Which list.
        field: Field,
        /// Its limit.
        limit: usize,
        /// Its length.
        found: usize,
    },
    /// All texts together longer than [`limits::ITEM`].
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
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyStem => "empty_stem",
            Self::TooFewOptions(_) => "too_few_options",
            Self::TooManyOptions(_) => "too_many_options",
            Self::EmptyOption(_) => "empty_option",
            Self::DuplicateOption(..) => "duplicate_option",
            Self::KeyOutOfRange(_) => "key_out_of_range",
            Self::KeyKindMismatch(_) => "key_kind_mismatch",
            Self::SingleNeedsOneCorrect(_) => "single_needs_one_correct",
            Self::NoCorrectOption => "no_correct_option",
            Self::UnexpectedOptions(_) => "unexpected_options",
            Self::EmptyBlank => "empty_blank",
            Self::BlankCountMismatch { .. } => "blank_count_mismatch",
            Self::BadPoints(_) => "bad_points",
            Self::BadDifficulty(_) => "bad_difficulty",
            Self::BadIdent(_) => "bad_ident",
            Self::SchemeMismatch { .. } => "scheme_mismatch",
            Self::FieldTooLong { .. } => "field_too_long",
            Self::TooManyEntries { .. } => "too_many_entries",
            Self::ItemTooLarge { .. } => "item_too_large",
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

/// Trims a string where it is, without copying it (a hostile text may be tens of megabytes).
fn trim_in_place(s: &mut String) {
    let end = s.trim_end().len();
    s.truncate(end);
    let start = s.len() - s.trim_start().len();
    s.drain(..start);
}

/// Checks every text and list of a body against [`limits`]. Fails with the first one over.
/// Texts count as trimmed and empty list entries not at all, as [`Question::parse`] keeps them,
/// so a reader may check a body before it is parsed.
pub fn check_limits(body: &QuestionBody) -> Result<(), QuestionError> {
    let mut total = 0usize;
    let mut text = |field: Field, s: &str, limit: usize| {
        let s = s.trim();
        // Counting stops just past the limit, so a huge text costs no more than a small one.
        let found = if s.len() <= limit {
            s.chars().count()
        } else {
            s.chars().take(limit + 1).count()
        };
        if found > limit {
            return Err(QuestionError::FieldTooLong {
                field,
                limit,
                found: s.chars().count(),
            });
        }
        total += found;
        Ok(())
    };
    let count = |field: Field, n: usize, limit: usize| {
        if n > limit {
            Err(QuestionError::TooManyEntries {
                field,
                limit,
                found: n,
            })
        } else {
            Ok(())
        }
    };
    text(Field::Stem, &body.stem, limits::STEM)?;
    for (i, o) in body.options.iter().enumerate() {
        text(Field::Option(i), o, limits::OPTION)?;
    }
    text(Field::Explanation, &body.explanation, limits::EXPLANATION)?;
    text(Field::Rubric, &body.rubric, limits::RUBRIC)?;
    text(Field::Source, &body.source, limits::SOURCE)?;
    let filled = |list: &[String]| list.iter().filter(|s| !s.trim().is_empty()).count();
    count(
        Field::Category,
        filled(&body.category),
        limits::CATEGORY_DEPTH,
    )?;
    for c in &body.category {
        text(Field::Category, c, limits::CATEGORY)?;
    }
    count(Field::Tags, filled(&body.tags), limits::TAGS)?;
    for t in &body.tags {
        text(Field::Tags, t, limits::TAG)?;
    }
    count(Field::Scheme, body.scheme.len(), limits::ASPECTS)?;
    for a in &body.scheme {
        text(Field::Scheme, &a.text, limits::ASPECT)?;
    }
    match &body.key {
        Key::Open { reference } => text(Field::Reference, reference, limits::REFERENCE)?,
        Key::Blanks { accepted } => {
            count(Field::Accepted, accepted.len(), limits::BLANKS)?;
            for blank in accepted {
                count(Field::Accepted, filled(blank), limits::BLANKS)?;
                for a in blank {
                    text(Field::Accepted, a, limits::ACCEPTED)?;
                }
            }
        }
        Key::Choice { .. } | Key::TrueFalse { .. } => {}
    }
    if total > limits::ITEM {
        return Err(QuestionError::ItemTooLarge {
            limit: limits::ITEM,
            found: total,
        });
    }
    Ok(())
}

/// The option letter for an index: 0 → 'A'.
pub fn option_label(index: usize) -> char {
    (b'A' + (index.min(25)) as u8) as char
}

/// The index for an option letter ('A' or 'a' → 0), if it is one of A–H.
pub fn option_index(label: char) -> Option<usize> {
    let up = label.to_ascii_uppercase();
    (('A'..='H').contains(&up)).then(|| (up as u8 - b'A') as usize)
}

/// Parses a key written as letters ("B", "ACD", "A,C,D", "A、C") into ascending indices.
pub fn parse_letters(s: &str) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    for c in s.chars() {
        if c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；' | '|') {
            continue;
        }
        let c = full_to_half(c);
        out.push(option_index(c)?);
    }
    out.sort_unstable();
    out.dedup();
    (!out.is_empty()).then_some(out)
}

/// Reads a true/false key the ways bank keepers write it.
pub fn parse_true_false(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "t" | "对" | "正确" | "√" | "✓" | "✔" | "是" | "y" | "yes" | "1" => {
            Some(true)
        }
        "false" | "f" | "错" | "错误" | "×" | "✗" | "✘" | "x" | "否" | "n" | "no" | "0" => {
            Some(false)
        }
        _ => None,
    }
}

/// Maps a full-width ASCII character (Ａ, １, ，) to its half-width form.
pub fn full_to_half(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Counts the blank markers (runs of three or more underscores) in a stem.
pub fn count_blanks(stem: &str) -> usize {
    let mut count = 0;
    let mut run = 0;
    for c in stem.chars().chain(std::iter::once('\0')) {
        if c == '_' {
            run += 1;
        } else {
            if run >= 3 {
                count += 1;
            }
            run = 0;
        }
    }
    count
}

/// A question that passed every check. Only [`Question::parse`] makes one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Question(QuestionBody);

impl std::ops::Deref for Question {
    type Target = QuestionBody;
    fn deref(&self) -> &QuestionBody {
        &self.0
    }
}

impl Question {
    /// Checks a body and normalizes it (trimmed texts, sorted key). Fails with the first problem.
    pub fn parse(mut body: QuestionBody) -> Result<Question, QuestionError> {
        for s in [
            &mut body.ident,
            &mut body.stem,
            &mut body.explanation,
            &mut body.source,
            &mut body.rubric,
        ] {
            trim_in_place(s);
        }
        for s in body
            .category
            .iter_mut()
            .chain(body.tags.iter_mut())
            .chain(body.options.iter_mut())
        {
            trim_in_place(s);
        }
        body.category.retain(|c| !c.is_empty());
        body.tags.retain(|t| !t.is_empty());
        if let Key::Open { reference } = &mut body.key {
            trim_in_place(reference);
        }
        check_limits(&body)?;
        if !body.ident.is_empty()
            && (body.ident.chars().count() > 64
                || body
                    .ident
                    .chars()
                    .any(|c| c.is_whitespace() || c == '/' || c == '\\' || c.is_control()))
        {
            return Err(QuestionError::BadIdent(body.ident));
        }
        if body.stem.is_empty() {
            return Err(QuestionError::EmptyStem);
        }
        if !(body.points.is_finite() && body.points > 0.0 && body.points <= 100.0) {
            return Err(QuestionError::BadPoints(body.points));
        }
        if !(1..=5).contains(&body.difficulty) {
            return Err(QuestionError::BadDifficulty(body.difficulty));
        }
        let kind = body.kind;
        match (&mut body.key, kind) {
            (Key::Choice { correct }, QuestionKind::Single | QuestionKind::Multiple) => {
                check_options(&body.options)?;
                correct.sort_unstable();
                correct.dedup();
                if let Some(&bad) = correct.iter().find(|&&i| i >= body.options.len()) {
                    return Err(QuestionError::KeyOutOfRange(bad));
                }
                if kind == QuestionKind::Single && correct.len() != 1 {
                    return Err(QuestionError::SingleNeedsOneCorrect(correct.len()));
                }
                if correct.is_empty() {
                    return Err(QuestionError::NoCorrectOption);
                }
            }
            (Key::TrueFalse { .. }, QuestionKind::TrueFalse) => no_options(&body.options, kind)?,
            (Key::Blanks { accepted }, QuestionKind::Fill) => {
                no_options(&body.options, kind)?;
                for blank in accepted.iter_mut() {
                    for a in blank.iter_mut() {
                        *a = a.trim().to_string();
                    }
                    blank.retain(|a| !a.is_empty());
                    blank.dedup();
                }
                if accepted.is_empty() || accepted.iter().any(|b| b.is_empty()) {
                    return Err(QuestionError::EmptyBlank);
                }
                let markers = count_blanks(&body.stem);
                if !(markers == accepted.len() || (markers == 0 && accepted.len() == 1)) {
                    return Err(QuestionError::BlankCountMismatch {
                        markers,
                        blanks: accepted.len(),
                    });
                }
            }
            (Key::Open { reference }, QuestionKind::Short | QuestionKind::Practical) => {
                no_options(&body.options, kind)?;
                *reference = reference.trim().to_string();
                if kind == QuestionKind::Practical && !body.scheme.is_empty() {
                    let sum: f64 = body.scheme.iter().map(|a| a.points).sum();
                    if (sum - body.points).abs() > 1e-6 {
                        return Err(QuestionError::SchemeMismatch {
                            scheme: sum,
                            points: body.points,
                        });
                    }
                }
            }
            (_, kind) => return Err(QuestionError::KeyKindMismatch(kind)),
        }
        Ok(Question(body))
    }

    /// The checked body.
    pub fn body(&self) -> &QuestionBody {
        &self.0
    }

    /// Gives the body back, e.g. to edit it and parse again.
    pub fn into_body(self) -> QuestionBody {
        self.0
    }

    /// Sets the identifier (used when an importer left it empty). Checked like any identifier.
    pub fn with_ident(mut self, ident: String) -> Result<Question, QuestionError> {
        self.0.ident = ident;
        Question::parse(self.0)
    }

    /// A short, stable fingerprint of the content, used to name questions that came without an
    /// identifier and to tell whether a re-import changed anything.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut body = self.0.clone();
        body.ident.clear();
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        hex::encode(&Sha256::digest(&bytes)[..8])
    }

    /// The key as letters for choice questions ("ACD"), else a readable rendering.
    pub fn key_text(&self) -> String {
        match &self.0.key {
            Key::Choice { correct } => correct.iter().map(|&i| option_label(i)).collect(),
            Key::TrueFalse { value } => if *value { "对" } else { "错" }.to_string(),
            Key::Blanks { accepted } => accepted
                .iter()
                .map(|b| b.join("|"))
                .collect::<Vec<_>>()
                .join(";"),
            Key::Open { reference } => reference.clone(),
        }
    }
}

fn check_options(options: &[String]) -> Result<(), QuestionError> {
    if options.len() < 2 {
        return Err(QuestionError::TooFewOptions(options.len()));
    }
    if options.len() > MAX_OPTIONS {
        return Err(QuestionError::TooManyOptions(options.len()));
    }
    for (i, o) in options.iter().enumerate() {
        if o.is_empty() {
            return Err(QuestionError::EmptyOption(option_label(i)));
        }
        if let Some(j) = options[..i].iter().position(|p| p == o) {
            return Err(QuestionError::DuplicateOption(
                option_label(j),
                option_label(i),
            ));
        }
    }
    Ok(())
}

fn no_options(options: &[String], kind: QuestionKind) -> Result<(), QuestionError> {
    if options.is_empty() {
        Ok(())
    } else {
        Err(QuestionError::UnexpectedOptions(kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn single(options: &[&str], correct: Vec<usize>) -> QuestionBody {
        QuestionBody {
            ident: "Q1".into(),
            kind: QuestionKind::Single,
            category: vec!["法规".into()],
            stem: "题干".into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            key: Key::Choice { correct },
            rubric: String::new(),
            scheme: vec![],
            points: 1.0,
            difficulty: 3,
            explanation: String::new(),
            source: String::new(),
            tags: vec![],
            status: QuestionStatus::Active,
        }
    }

    #[test]
    fn a_well_formed_single_choice_question_parses() {
        assert!(Question::parse(single(&["甲", "乙", "丙"], vec![1])).is_ok());
    }

    #[test]
    fn a_key_naming_a_missing_option_is_refused() {
        let err = Question::parse(single(&["甲", "乙"], vec![3])).unwrap_err();
        assert_eq!(err.code(), "key_out_of_range");
    }

    #[test]
    fn single_choice_with_two_correct_options_is_refused() {
        let err = Question::parse(single(&["甲", "乙"], vec![0, 1])).unwrap_err();
        assert_eq!(err.code(), "single_needs_one_correct");
    }

    #[test]
    fn duplicate_option_texts_are_refused() {
        let err = Question::parse(single(&["甲", " 甲"], vec![0])).unwrap_err();
        assert_eq!(err, QuestionError::DuplicateOption('A', 'B'));
    }

    #[test]
    fn a_true_false_key_on_a_choice_question_is_refused() {
        let mut b = single(&["甲", "乙"], vec![0]);
        b.key = Key::TrueFalse { value: true };
        assert_eq!(Question::parse(b).unwrap_err().code(), "key_kind_mismatch");
    }

    #[test]
    fn fill_blanks_must_match_the_markers_in_the_stem() {
        let mut b = single(&[], vec![]);
        b.kind = QuestionKind::Fill;
        b.stem = "视频监控系统由___、传输、___和显示四部分组成".into();
        b.key = Key::Blanks {
            accepted: vec![vec!["前端".into()]],
        };
        assert_eq!(
            Question::parse(b.clone()).unwrap_err().code(),
            "blank_count_mismatch"
        );
        b.key = Key::Blanks {
            accepted: vec![vec!["前端".into()], vec!["存储".into(), "记录".into()]],
        };
        assert!(Question::parse(b).is_ok());
    }

    #[test]
    fn letters_parse_in_every_form_bank_keepers_write() {
        assert_eq!(parse_letters("ACD"), Some(vec![0, 2, 3]));
        assert_eq!(parse_letters("a、c"), Some(vec![0, 2]));
        assert_eq!(parse_letters("ＢＡ"), Some(vec![0, 1]));
        assert_eq!(parse_letters("Z"), None);
        assert_eq!(parse_letters(""), None);
    }

    #[test]
    fn kinds_read_from_chinese_names() {
        assert_eq!(QuestionKind::parse("单选题"), Some(QuestionKind::Single));
        assert_eq!(QuestionKind::parse("判断"), Some(QuestionKind::TrueFalse));
        assert_eq!(
            QuestionKind::parse("multiple"),
            Some(QuestionKind::Multiple)
        );
        assert_eq!(QuestionKind::parse("论述"), None);
    }

    #[test]
    fn a_text_over_its_limit_is_refused_with_the_field_and_the_limit() {
        let mut b = single(&["甲", "乙"], vec![0]);
        b.options[1] = "乙".repeat(limits::OPTION + 1);
        let err = Question::parse(b.clone()).unwrap_err();
        assert_eq!(err.code(), "field_too_long");
        assert_eq!(err.details()["field"], "options");
        assert!(err.to_string().contains("选项B"), "{err}");
        // Spaces around a text do not count, as they are trimmed.
        b.options[1] = format!("  {}  ", "乙".repeat(limits::OPTION));
        assert!(check_limits(&b).is_ok());
        assert!(Question::parse(b).is_ok());
    }

    #[test]
    fn all_texts_together_have_a_limit_and_lists_a_length() {
        let mut b = single(&["甲", "乙"], vec![0]);
        b.stem = "题".repeat(limits::STEM);
        b.explanation = "解".repeat(limits::EXPLANATION);
        b.rubric = "评".repeat(limits::RUBRIC);
        b.source = "出".repeat(limits::SOURCE);
        b.options = (0..8)
            .map(|i| format!("{i}{}", "选".repeat(1_999)))
            .collect();
        b.tags = (0..limits::TAGS)
            .map(|i| format!("{i:02}{}", "t".repeat(48)))
            .collect();
        b.category = (0..limits::CATEGORY_DEPTH)
            .map(|_| "类".repeat(100))
            .collect();
        assert_eq!(Question::parse(b).unwrap_err().code(), "item_too_large");
        let mut b = single(&["甲", "乙"], vec![0]);
        b.tags = (0..=limits::TAGS).map(|i| format!("t{i}")).collect();
        assert_eq!(Question::parse(b).unwrap_err().code(), "too_many_entries");
    }

    #[test]
    fn the_fingerprint_ignores_the_identifier_but_not_the_content() {
        let a = Question::parse(single(&["甲", "乙"], vec![0])).unwrap();
        let mut b = single(&["甲", "乙"], vec![0]);
        b.ident = "OTHER".into();
        let b = Question::parse(b).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        let c = Question::parse(single(&["甲", "乙"], vec![1])).unwrap();
        assert_ne!(a.fingerprint(), c.fingerprint());
    }
}
