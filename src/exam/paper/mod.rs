//! Seeded, reproducible paper drawing. Pure logic, no database.
//!
//! [`DrawIndex::build`] runs once per exam: it reduces the pool to one version per question, puts
//! it in a canonical order (by question id, so the caller's order does not matter), and lists
//! every cell's candidates. [`DrawIndex::draw`] then makes one candidate's paper from a seed.
//! The same index, seed and avoid set always give the same [`Paper`]; the draw depends on nothing
//! else (no clock, no hash-map iteration order, no `rand` algorithm that may change).
//!
//! Version 1 draws as follows; version 2 ([`ALGORITHM_VERSION`]) changes steps 2 and 3 as
//! described after the list. Change anything here and bump the version, or stored papers can no
//! longer be re-derived from their seed; [`DrawIndex::draw_version`] still draws every version
//! this server has had, so the paper audit re-derives old papers identically.
//!
//! 1. For attempt `a` = 1, 2, …, [`MAX_TRIES`]: seed a xoshiro256** generator with four outputs
//!    of SplitMix64 started at `seed ^ splitmix64(a)`.
//! 2. Cells in blueprint order. Per cell, a partial Fisher–Yates shuffle over the cell's
//!    candidates (canonical order): swap a uniformly chosen remaining candidate to the front;
//!    skip it if an earlier cell of this paper took it; set it aside if its question id is in the
//!    avoid set; otherwise take it. Stop at `count`. If the unseen candidates run out, take the
//!    set-aside (seen) ones in the order they came up, counting each as a repeat.
//! 3. Expected difficulty = mean `difficulty` of the drawn questions. With a target set, an
//!    attempt farther than the tolerance from it is dropped and the next attempt starts afresh.
//! 4. On the accepted attempt, with the same generator: Fisher–Yates shuffle of each section with
//!    `shuffle_questions`, in section order; then, item by item in final order, a Fisher–Yates
//!    permutation of the option indices of every item with two or more options.
//!
//! Uniform integers below `n` use Lemire's multiply-and-reject method, so there is no modulo bias.
//!
//! The paper and its errors are here; `draw.rs` holds [`DrawIndex`] (steps 2 to 4), `rng.rs`
//! the generator (step 1).

mod draw;
mod report;
mod rng;

#[cfg(test)]
mod tests;

pub use draw::DrawIndex;
pub use report::{DrawReport, Spread, draw_report};

use super::blueprint::Shortage;
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The version of the drawing algorithm described in the module docs. A stored paper is
/// re-derived from (seed, algorithm version) and the exam's pool and blueprint.
pub const ALGORITHM_VERSION: u32 = 2;
/// Most attempts at a paper within the difficulty tolerance before giving up.
pub const MAX_TRIES: u32 = 50;

/// A drawn paper: which question versions, in which order, with which option order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Paper {
    /// The seed it was drawn from.
    pub seed: u64,
    /// The [`ALGORITHM_VERSION`] it was drawn with.
    pub algorithm_version: u32,
    /// The attempt (1-based) that met the difficulty target; 1 when there is no target.
    pub tries: u32,
    /// Version 1: mean author difficulty (1–5) of the drawn questions. Version 2: the expected
    /// score mapped onto the 1–5 scale (see the module docs).
    pub expected_difficulty: f64,
    /// How many questions the candidate had already seen, drawn because a cell had too few
    /// unseen ones.
    pub repeats: usize,
    /// The questions in paper order.
    pub items: Vec<PaperItem>,
    /// Expected score in % of the points, under each question's effective facility (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_score: Option<f64>,
    /// How many questions are over their exposure cap, drawn because a cell had too few under it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub over_cap: usize,
    /// The pass mark this paper is graded by, when the exam equates pass marks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_mark: Option<PassMark>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A paper's pass mark under Rasch equating, with what it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PassMark {
    /// The exam's pass line, in points.
    pub nominal: f64,
    /// The points this paper needs: equated when `equated`, else `nominal`.
    pub raw: f64,
    /// Whether `raw` is equated (every question calibrated and a reference found).
    pub equated: bool,
    /// The ability the pass marks sit at (logits); none when the pool has no calibration.
    pub theta_cut: Option<f64>,
    /// Each paper item's Rasch difficulty, in paper order; none where uncalibrated.
    pub b: Vec<Option<f64>>,
    /// Questions on the paper without a calibration (why the nominal mark applies).
    pub uncalibrated: Vec<i32>,
}

/// One question of a paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PaperItem {
    /// The blueprint section (0-based) it belongs to.
    pub section: usize,
    /// The question version shown.
    pub version_id: i32,
    /// The question.
    pub question_id: i32,
    /// Points it is worth in this paper.
    pub points: f64,
    /// Display order of the options: position `i` shows authored option `option_order[i]`.
    /// Identity (and empty for kinds without options) when there is nothing to shuffle.
    pub option_order: Vec<usize>,
}

impl Paper {
    /// Points the paper is worth.
    pub fn total_points(&self) -> f64 {
        self.items.iter().map(|i| i.points).sum()
    }

    /// The points needed to pass this paper: its equated pass mark when it has one, else the
    /// exam's pass line.
    pub fn pass_line(&self, nominal: f64) -> f64 {
        self.pass_mark.as_ref().map_or(nominal, |m| m.raw)
    }
}

/// Why no paper could be drawn. Each variant has a stable code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DrawError {
    /// The pool cannot fill these cells.
    #[error("the question pool cannot fill {}", describe(.0))]
    Shortage(Vec<Shortage>),
    /// No attempt came within the tolerance of the target difficulty.
    #[error(
        "no paper within the difficulty tolerance after {MAX_TRIES} tries; the closest had expected difficulty {best:.2}"
    )]
    NotParallel {
        /// The expected difficulty of the attempt closest to the target.
        best: f64,
    },
    /// A paper stored with an algorithm version this server does not have.
    #[error("algorithm version {0} is not one this server can draw with")]
    UnknownVersion(u32),
}

impl DrawError {
    /// Stable snake_case code for reports and API errors.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Shortage(_) => ErrorCode::Shortage,
            Self::NotParallel { .. } => ErrorCode::NotParallel,
            Self::UnknownVersion(_) => ErrorCode::AlgorithmRetired,
        }
    }
}

fn describe(shortages: &[Shortage]) -> String {
    shortages
        .iter()
        .map(|s| {
            format!(
                "section {} cell {} (needs {}, has {})",
                s.section + 1,
                s.cell + 1,
                s.needed,
                s.available
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
