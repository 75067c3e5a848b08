//! The `attempts` table: one sitting of one candidate.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An attempt row. Times are Unix milliseconds so the save guard compares numbers.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attempts")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The session sat.
    pub session_id: i32,
    /// Who sits it.
    pub candidate_id: i32,
    /// 1 for the first sitting, 2 for a retake, …
    pub number: i32,
    /// Running, paused or submitted.
    pub status: AttemptStatus,
    /// The paper's seed (a u64 stored bit for bit).
    pub seed: i64,
    /// The drawing algorithm's version.
    pub algorithm_version: i32,
    /// The drawn [`crate::exam::paper::Paper`] as JSON.
    pub paper: String,
    /// Raised on every login; only the newest device's token may save.
    pub device_gen: i32,
    /// Started.
    pub started_ms: i64,
    /// Time allowed.
    pub limit_ms: i64,
    /// Extra time given.
    pub extension_ms: i64,
    /// Time spent paused (finished pauses).
    pub paused_ms: i64,
    /// Paused since, while paused.
    pub paused_since_ms: Option<i64>,
    /// When time is up (while paused: as of the pause).
    pub deadline_ms: i64,
    /// Last accepted save.
    pub last_save_ms: Option<i64>,
    /// Submitted.
    pub submitted_ms: Option<i64>,
    /// Who or what submitted it.
    pub submitted_by: Option<SubmittedBy>,
    /// Points earned (objective, plus marked short answers).
    pub score: Option<f64>,
    /// Points available.
    pub max_score: f64,
    /// Pass or fail; none while answers wait for marking.
    pub passed: Option<bool>,
    /// Short answers not yet marked.
    pub pending_marks: i32,
    /// The scored result as JSON (per section, per item).
    pub result: Option<String>,
    /// When the tablet was last heard from (heartbeat or any event).
    pub last_seen_ms: Option<i64>,
    /// Questions on the paper.
    pub question_count: i32,
}

/// Where an attempt stands; stored as the snake_case string, which the API also sends.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// Running: saves are taken until time is up. A new attempt starts so.
    #[default]
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    /// Paused by a proctor: time stands, saves are refused.
    #[sea_orm(string_value = "paused")]
    Paused,
    /// Submitted (by the candidate, the sweeper or staff); final.
    #[sea_orm(string_value = "submitted")]
    Submitted,
}

/// Who or what submitted an attempt; stored as the snake_case string, which the API also sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum SubmittedBy {
    /// The candidate, before time was up.
    #[sea_orm(string_value = "candidate")]
    Candidate,
    /// Time ran out (the tablet or the sweeper found it so).
    #[sea_orm(string_value = "timeout")]
    Timeout,
    /// A proctor's force-submit.
    #[sea_orm(string_value = "staff")]
    Staff,
    /// A proctor ended it for misconduct: it never passes.
    #[sea_orm(string_value = "terminated")]
    Terminated,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
