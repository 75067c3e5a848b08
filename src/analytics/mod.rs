//! Item and test statistics, calibration and exposure: pure functions fed by results, and the
//! tables that keep what they computed per session so pooled figures update incrementally.
//!
//! Analytics sits below `exam`: exam gathers a session's responses (it owns results) into a
//! [`ResponseSet`] and hands it here; the draw asks [`store::measured`] for measured facility
//! and calibrations. Nothing here imports `exam`.

pub mod ctt;
pub mod dif;
pub mod entity;
pub mod equating;
pub mod export;
pub mod exposure;
pub mod flags;
pub mod pooling;
pub mod rasch;
pub mod reliability;
pub mod shrinkage;
pub mod store;

#[cfg(test)]
mod reference_tests;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One question version as it was shown: what analytics needs to know about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemMeta {
    /// The question version (what statistics are kept per).
    pub version_id: i32,
    /// The question.
    pub question_id: i32,
    /// Number of authored options (0 for kinds without options; at most 16).
    pub option_count: u8,
    /// Bit i set when authored option i is (one of) the key.
    pub key_mask: u16,
}

/// One candidate's sitting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    /// The attempt.
    pub attempt_id: i32,
    /// The group for differential item functioning (e.g. 职工组 / 学生组, or a region); `None`
    /// leaves the person out of DIF.
    pub group: Option<String>,
}

/// One response: person `person` to item `item` (indices into [`ResponseSet`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Response {
    /// Index into [`ResponseSet::persons`].
    pub person: u32,
    /// Index into [`ResponseSet::items`].
    pub item: u32,
    /// Points earned.
    pub score: f32,
    /// Points the item was worth on this paper (> 0).
    pub max: f32,
    /// Bit i set when the candidate chose authored option i (0 for no choice or no options).
    pub chosen: u16,
    /// Left unanswered.
    pub omitted: bool,
    /// Seconds spent on it, when known.
    pub seconds: Option<f32>,
}

/// Every final response of a set of sittings (one session, or several pooled). Papers may
/// differ per person (random drawing): a person answers only the items on their paper.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResponseSet {
    /// The items, each once.
    pub items: Vec<ItemMeta>,
    /// The sittings, each once.
    pub persons: Vec<Person>,
    /// The responses, in any order; at most one per (person, item).
    pub responses: Vec<Response>,
}
