//! The practical engine: a session's practical part (tasks from a bank with their marking
//! schemes, stations and time slots, judge panels), the lot draw and check-in that give each
//! candidate a place and a work code, judges' marks with spread checks, the head judge's
//! sign-off and lock, corrections after the lock, and the part's result, which it hands to the
//! exam (the owner of a candidate's final result).
//!
//! Judges see work codes only, never names, until a task is locked; candidates never see
//! judges' names.

pub mod aggregate;
pub mod board;
pub mod checkin;
pub mod conflict;
pub mod correction;
pub mod demo;
pub mod documents;
pub mod draw;
pub mod entity;
pub mod flags;
pub mod judging;
pub mod marking;
pub mod part;
pub mod record;
pub mod score;
pub mod signoff;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A practical task of a session (a row of `practical_tasks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(pub i32);

/// How a panel's marks for one aspect become the aspect's mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// The mean of the judges' marks.
    #[default]
    Mean,
    /// From five judges up, the highest and the lowest are dropped, then the mean; with fewer,
    /// the mean.
    TrimmedMean,
    /// The median.
    Median,
}

impl Aggregation {
    /// The stable code stored and sent.
    pub fn code(self) -> &'static str {
        match self {
            Self::Mean => "mean",
            Self::TrimmedMean => "trimmed_mean",
            Self::Median => "median",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Mean, Self::TrimmedMean, Self::Median]
            .into_iter()
            .find(|a| a.code() == s)
    }
}

/// How candidates get their (station, slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrawMode {
    /// Each candidate draws a lot at check-in (现场抽签).
    #[default]
    CheckIn,
    /// Staff draw the whole schedule in advance; check-in gives the work code only.
    Schedule,
}

impl DrawMode {
    /// The stable code stored and sent.
    pub fn code(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::Schedule => "schedule",
        }
    }

    /// Reads a code.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::CheckIn, Self::Schedule]
            .into_iter()
            .find(|a| a.code() == s)
    }
}

/// Default allowed spread of a judgement aspect on the 0–3 scale: marks further apart than this
/// are flagged for re-marking.
pub const DEFAULT_SPREAD: f64 = 1.0;
/// Default pass line of the practical part, out of 100.
pub const DEFAULT_PASS_LINE: f64 = 60.0;
