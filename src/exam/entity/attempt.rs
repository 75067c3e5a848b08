//! The `attempts` table: one sitting of one candidate.

use sea_orm::entity::prelude::*;

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
    /// `in_progress`, `paused` or `submitted`.
    pub status: String,
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
    /// `candidate`, `timeout` or a staff action.
    pub submitted_by: Option<String>,
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

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
