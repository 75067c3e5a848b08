//! An exam definition: the blueprint plus the rules a sitting runs by (time, pass line,
//! multiple-choice credit, retakes, release of results). Checked once by [`ExamDefinition::parse`].

use super::blueprint::{Blueprint, BlueprintError};
use super::scoring::MultiplePolicy;
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// When candidates see their score and the explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Release {
    /// As soon as they submit (objective parts; short answers once marked).
    AtSubmit,
    /// When staff release the session's results.
    #[default]
    ByStaff,
}

/// When a candidate sees the review of a submitted paper: the keys, the explanations and which
/// questions they got right. Until then the result shows the score and the points per section
/// only, since a candidate who can still sit again (or a neighbour still sitting) could use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    /// Once the session has closed and no attempt in it is still running. The default: nobody
    /// who can still sit the paper learns its keys from anyone.
    #[default]
    AfterClose,
    /// As soon as the candidate has no sitting left (their last allowed sitting is submitted,
    /// or the session has closed).
    NoSittingsLeft,
}

/// What staff write to define an exam. Anything may be wrong here; [`ExamDefinition::parse`] checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExamDefinition {
    /// Name, e.g. 安防从业人员继续教育培训考试.
    pub name: String,
    /// What a paper holds.
    pub blueprint: Blueprint,
    /// Time allowed, in minutes (1–600).
    pub time_limit_minutes: u32,
    /// Points needed to pass, on the paper's scale (at most the paper's total).
    pub pass_line: f64,
    /// How multiple-choice questions earn partial credit.
    #[serde(default)]
    pub multiple_policy: MultiplePolicy,
    /// Shuffle each choice question's options per candidate.
    #[serde(default = "yes")]
    pub shuffle_options: bool,
    /// Sittings a candidate may have (1–10).
    #[serde(default = "one")]
    pub attempts_allowed: u32,
    /// On a retake, avoid questions the candidate already saw where the bank allows.
    #[serde(default = "yes")]
    pub avoid_seen_on_retake: bool,
    /// When results are released.
    #[serde(default)]
    pub release: Release,
    /// Show explanations (解析) with released results.
    #[serde(default = "yes")]
    pub show_explanations: bool,
    /// When the review (keys, explanations, right or wrong per question) is shown.
    #[serde(default)]
    pub review: Review,
    /// Rasch-equated pass marks: a paper whose questions are all calibrated gets the raw pass
    /// mark that corresponds to the same ability as `pass_line` on the reference paper, so a
    /// harder random paper does not fail more candidates (see [`crate::exam::paper`]). Papers
    /// with an uncalibrated question keep `pass_line`.
    #[serde(default)]
    pub equated_pass_mark: bool,
}

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}

/// Why a definition is not acceptable. Each variant has a stable code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DefinitionError {
    /// No name.
    #[error("an exam needs a name")]
    EmptyName,
    /// The blueprint is malformed.
    #[error("{0}")]
    Blueprint(#[from] BlueprintError),
    /// Time limit out of range.
    #[error("the time limit must be 1–600 minutes, found {0}")]
    BadTimeLimit(u32),
    /// Pass line negative, not a number or above the paper's total.
    #[error("the pass line must be from 0 to the paper's total of {total} points, found {found}")]
    BadPassLine {
        /// The pass line given.
        found: f64,
        /// The paper's total points.
        total: f64,
    },
    /// Attempts out of range.
    #[error("attempts allowed must be 1–10, found {0}")]
    BadAttempts(u32),
}

impl DefinitionError {
    /// Stable snake_case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::EmptyName => ErrorCode::EmptyName,
            Self::Blueprint(e) => e.code(),
            Self::BadTimeLimit(_) => ErrorCode::BadTimeLimit,
            Self::BadPassLine { .. } => ErrorCode::BadPassLine,
            Self::BadAttempts(_) => ErrorCode::BadAttempts,
        }
    }

    /// The reason in Chinese and English.
    pub fn text(&self) -> crate::error::Text {
        let zh = match self {
            Self::EmptyName => "考试需要名称".to_string(),
            Self::Blueprint(e) => return e.text(),
            Self::BadTimeLimit(n) => format!("考试时长须为 1–600 分钟，现为 {n}"),
            Self::BadPassLine { found, total } => {
                format!("及格线须在 0 到试卷总分 {total} 之间，现为 {found}")
            }
            Self::BadAttempts(n) => format!("允许作答次数须为 1–10，现为 {n}"),
        };
        crate::error::Text::new(zh, self.to_string())
    }
}

impl ExamDefinition {
    /// Checks a definition and normalizes it (trimmed name, parsed blueprint).
    pub fn parse(mut raw: ExamDefinition) -> Result<ExamDefinition, DefinitionError> {
        raw.name = raw.name.trim().to_string();
        if raw.name.is_empty() {
            return Err(DefinitionError::EmptyName);
        }
        raw.blueprint = Blueprint::parse(raw.blueprint)?;
        if !(1..=600).contains(&raw.time_limit_minutes) {
            return Err(DefinitionError::BadTimeLimit(raw.time_limit_minutes));
        }
        let total = raw.blueprint.total_points();
        if !(raw.pass_line.is_finite() && raw.pass_line >= 0.0 && raw.pass_line <= total + 1e-9) {
            return Err(DefinitionError::BadPassLine {
                found: raw.pass_line,
                total,
            });
        }
        if !(1..=10).contains(&raw.attempts_allowed) {
            return Err(DefinitionError::BadAttempts(raw.attempts_allowed));
        }
        Ok(raw)
    }

    /// The banks the blueprint draws from, sorted, without repeats.
    pub fn banks(&self) -> Vec<String> {
        let mut banks: Vec<String> = self
            .blueprint
            .cells()
            .map(|(_, _, c)| c.bank.clone())
            .collect();
        banks.sort();
        banks.dedup();
        banks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(pass_line: f64) -> ExamDefinition {
        serde_json::from_value(json!({
            "name": " 第七十四期 继续教育考试 ",
            "time_limit_minutes": 60,
            "pass_line": pass_line,
            "blueprint": {"sections": [{"title": "一、单项选择题", "cells": [
                {"bank": "LAW", "kind": "single", "count": 50, "points": 1},
                {"bank": "STD", "kind": "true_false", "count": 25, "points": 2}
            ]}]}
        }))
        .unwrap()
    }

    #[test]
    fn a_definition_with_defaults_parses_and_names_its_banks() {
        let d = ExamDefinition::parse(raw(60.0)).unwrap();
        assert_eq!(d.name, "第七十四期 继续教育考试");
        assert_eq!(d.attempts_allowed, 1);
        assert_eq!(d.release, Release::ByStaff);
        assert_eq!(
            d.review,
            Review::AfterClose,
            "the safe review rule by default"
        );
        assert_eq!(d.multiple_policy, MultiplePolicy::AllOrNothing);
        assert_eq!(d.banks(), vec!["LAW", "STD"]);
    }

    #[test]
    fn a_pass_line_above_the_papers_total_is_refused() {
        let err = ExamDefinition::parse(raw(101.0)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::BadPassLine);
        assert!(ExamDefinition::parse(raw(100.0)).is_ok());
    }

    #[test]
    fn time_limits_and_attempts_out_of_range_are_refused() {
        let mut d = raw(60.0);
        d.time_limit_minutes = 0;
        assert_eq!(
            ExamDefinition::parse(d).unwrap_err().code(),
            ErrorCode::BadTimeLimit
        );
        let mut d = raw(60.0);
        d.attempts_allowed = 11;
        assert_eq!(
            ExamDefinition::parse(d).unwrap_err().code(),
            ErrorCode::BadAttempts
        );
        let mut d = raw(60.0);
        d.name = "  ".into();
        assert_eq!(
            ExamDefinition::parse(d).unwrap_err().code(),
            ErrorCode::EmptyName
        );
    }

    #[test]
    fn a_malformed_blueprint_reports_its_own_code() {
        let mut d = raw(10.0);
        d.blueprint.sections[0].cells[0].count = 0;
        assert_eq!(
            ExamDefinition::parse(d).unwrap_err().code(),
            ErrorCode::ZeroCount
        );
    }

    #[test]
    fn every_definition_and_blueprint_error_reads_in_chinese() {
        use crate::error::{english_run, has_cjk};
        use crate::exam::blueprint::BlueprintError as B;
        let (section, cell) = (1, 2);
        let all = [
            DefinitionError::EmptyName,
            DefinitionError::BadTimeLimit(0),
            DefinitionError::BadPassLine {
                found: 120.0,
                total: 100.0,
            },
            DefinitionError::BadAttempts(11),
            B::NoSections.into(),
            B::EmptySection { section }.into(),
            B::EmptyBank { section, cell }.into(),
            B::ZeroCount { section, cell }.into(),
            B::BadPoints {
                section,
                cell,
                points: 0.0,
            }
            .into(),
            B::BadDifficultyRange {
                section,
                cell,
                min: 4,
                max: 2,
            }
            .into(),
            B::BadTolerance(-1.0).into(),
            B::BadTarget(9.0).into(),
            B::BadDrawSettings.into(),
        ];
        for e in all {
            let t = e.text();
            assert!(has_cjk(&t.zh), "{e:?}: {}", t.zh);
            assert_eq!(english_run(&t.zh), None, "{e:?}: {}", t.zh);
            assert_eq!(t.en, e.to_string());
        }
    }
}
