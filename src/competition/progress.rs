//! Marking progress of a final, per task: sheets expected and in, spread flags open, signed off
//! and locked. Counts only: nothing here says which code is whose.

use super::StageId;
use super::final_stage;
use super::seal;
use crate::db::stmt;
use crate::error::AppResult;
use crate::practical::judging;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

/// One task's progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskProgress {
    /// The task.
    pub task_id: i32,
    /// Its title.
    pub title: String,
    /// Judges on its panel.
    pub judges: usize,
    /// Sheets expected: every checked-in candidate × the panel, less the judges standing aside.
    pub sheets_expected: i64,
    /// Sheets submitted.
    pub sheets_in: i64,
    /// Spread flags not yet cleared.
    pub flags_open: i64,
    /// Signed off by the head judge.
    pub signed_off: bool,
    /// Locked.
    pub locked_at: Option<DateTime<Utc>>,
}

/// The final's progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Progress {
    /// The stage.
    pub stage_id: i32,
    /// The final's session, once prepared.
    pub session_id: Option<i32>,
    /// Finalists.
    pub finalists: usize,
    /// Checked in so far.
    pub checked_in: i64,
    /// The lot draw's recorded seed, once drawn.
    pub draw_seed: Option<String>,
    /// When the codes became final (二次加密); marking waits for it.
    pub codes_final_at: Option<DateTime<Utc>>,
    /// Both layers.
    pub seals: seal::SealState,
    /// Per task, in order.
    pub tasks: Vec<TaskProgress>,
    /// Whether every task is locked.
    pub all_locked: bool,
}

async fn count(db: &impl ConnectionTrait, sql: &str, id: i32) -> AppResult<i64> {
    Ok(db
        .query_one_raw(stmt(db, sql, [id.into()]))
        .await?
        .map(|r| r.try_get("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// The final's progress (organisers and the supervisor).
pub async fn progress(db: &impl ConnectionTrait, stage_id: StageId) -> AppResult<Progress> {
    let s = final_stage::final_stage(db, stage_id).await?;
    let finalists = final_stage::finalists(db, stage_id).await?.len();
    let checked_in = count(
        db,
        "SELECT COUNT(*) AS n FROM competition_checkins WHERE stage_id = ?",
        s.id,
    )
    .await?;
    let mut tasks = vec![];
    let (mut draw_seed, mut codes_final_at) = (None, None);
    if let Some(session) = s.session_id {
        if let Some(r) = db
            .query_one_raw(stmt(
                db,
                "SELECT draw_seed, codes_final_at FROM practical_parts WHERE session_id = ?",
                [session.into()],
            ))
            .await?
        {
            draw_seed = r
                .try_get::<Option<i64>>("", "draw_seed")?
                .map(|s| s.to_string());
            codes_final_at = r.try_get("", "codes_final_at")?;
        }
        for t in judging::tasks_of_session(db, session).await? {
            let judges = judging::panel(db, t.id).await?.len();
            let placed = count(
                db,
                "SELECT COUNT(*) AS n FROM practical_places pl \
                 JOIN practical_codes c ON c.candidate_id = pl.candidate_id WHERE pl.task_id = ?",
                t.id,
            )
            .await?;
            let aside = count(
                db,
                "SELECT COUNT(*) AS n FROM practical_conflicts pc \
                 JOIN practical_places pl ON pl.candidate_id = pc.candidate_id \
                 JOIN practical_panel pp ON pp.task_id = pl.task_id AND pp.user_id = pc.judge_id \
                 WHERE pl.task_id = ?",
                t.id,
            )
            .await?;
            tasks.push(TaskProgress {
                task_id: t.id,
                title: t.title(),
                judges,
                sheets_expected: placed * judges as i64 - aside,
                sheets_in: count(
                    db,
                    "SELECT COUNT(*) AS n FROM practical_sheets WHERE task_id = ? AND submitted_at IS NOT NULL",
                    t.id,
                )
                .await?,
                flags_open: count(
                    db,
                    "SELECT COUNT(*) AS n FROM practical_flags WHERE task_id = ? AND cleared_at IS NULL",
                    t.id,
                )
                .await?,
                signed_off: t.signed_off_by.is_some(),
                locked_at: t.locked_at,
            });
        }
    }
    Ok(Progress {
        stage_id: s.id,
        session_id: s.session_id,
        finalists,
        checked_in,
        draw_seed,
        codes_final_at,
        seals: seal::state(db, stage_id).await?,
        all_locked: !tasks.is_empty() && tasks.iter().all(|t| t.locked_at.is_some()),
        tasks,
    })
}
