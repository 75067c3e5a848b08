//! The question model. A [`QuestionBody`] is what an author or an importer writes; a
//! [`Question`] is a body that passed [`Question::parse`] and is valid from then on.
//!
//! The types are here; `check.rs` holds [`Question::parse`] and the size limits it applies,
//! `error.rs` the reasons a body is refused, `notation.rs` how keys and blanks are written in
//! text (option letters, true/false words, `___`).

mod check;
mod error;
mod notation;
mod scheme;

#[cfg(test)]
mod tests;

pub use check::check_limits;
pub use error::{Field, QuestionError};
pub use notation::{
    count_blanks, full_to_half, option_index, option_label, parse_letters, parse_true_false,
};
pub use scheme::{
    Aspect, AspectKind, Band, EntryError, Equipment, JUDGEMENT_LEVELS, SchemeError, band_fraction,
    check_scheme, group_totals, scheme_sum, task_points,
};

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

/// Where a question is in its life (审核流程): draft → in review → active → flagged → retired.
/// Only `active` is drawn into papers. The status that counts is the question row's
/// (`questions.status`); a version's body keeps the status it was written or imported with, so a
/// review decision changes no content version (see `bank::review`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionStatus {
    /// 草稿: being written; never drawn into a paper.
    Draft,
    /// 待审核: submitted; waits for a reviewer's approval.
    InReview,
    /// 启用: in use.
    #[default]
    Active,
    /// 已标记: statistics or an upheld appeal questioned it; not drawn until a reviewer clears it.
    Flagged,
    /// 停用: withdrawn; kept for old attempts, never drawn again.
    Retired,
}

impl QuestionStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [QuestionStatus; 5] = [
        Self::Draft,
        Self::InReview,
        Self::Active,
        Self::Flagged,
        Self::Retired,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Active => "active",
            Self::Flagged => "flagged",
            Self::Retired => "retired",
        }
    }

    /// Reads a status from its code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.code() == s)
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
    /// Time allowed for a practical task, in minutes (0: not set).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub minutes: u32,
    /// Equipment and materials per station for a practical task (考核准备通知单).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equipment: Vec<Equipment>,
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
    /// Draft, in review, active, flagged or retired, as written or imported; the question's
    /// lifecycle status is kept on its row (see [`QuestionStatus`]).
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
            minutes: 0,
            equipment: vec![],
            points: default_points(),
            difficulty: default_difficulty(),
            explanation: String::new(),
            source: String::new(),
            tags: vec![],
            status: QuestionStatus::Active,
        }
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
fn default_points() -> f64 {
    1.0
}
fn default_difficulty() -> u8 {
    3
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

    /// Whether a marker has something to mark by: a short answer needs a reference answer, a
    /// practical task a reference answer or a marking scheme (every other kind has its key).
    /// A question that is not markable is never active.
    pub fn markable(&self) -> bool {
        match (&self.0.kind, &self.0.key) {
            (QuestionKind::Short, Key::Open { reference }) => !reference.is_empty(),
            (QuestionKind::Practical, Key::Open { reference }) => {
                !reference.is_empty() || !self.0.scheme.is_empty()
            }
            _ => true,
        }
    }

    /// The same question as a draft.
    pub fn into_draft(mut self) -> Question {
        self.0.status = QuestionStatus::Draft;
        self
    }

    /// The same question, submitted for review.
    pub fn into_review(mut self) -> Question {
        self.0.status = QuestionStatus::InReview;
        self
    }

    /// The same question with another status (any status is valid for any content that
    /// parsed; the markable check is the caller's, see [`Question::markable`]).
    pub fn with_status(mut self, status: QuestionStatus) -> Question {
        self.0.status = status;
        self
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
