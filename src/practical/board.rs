//! What a judge's tablet lists: the tasks whose panel holds the judge, and a task with its
//! scheme and checked-in candidates (work codes only until the lock, each with my sheet's status
//! and the open spread flags).

use super::judging::{self, Task, not_on_panel};
use super::{TaskId, flags};
use crate::bank::model::Aspect;
use crate::db::stmt;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

/// A task on a judge's list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct JudgeTask {
    /// The task.
    pub task_id: i32,
    /// Its session.
    pub session_id: i32,
    /// The session's name and number.
    pub session_name: String,
    /// The task's title.
    pub title: String,
    /// Time allowed, in minutes (0: not set).
    pub minutes: u32,
    /// Whether I am its head judge.
    pub head: bool,
    /// Whether it is signed off and locked.
    pub locked: bool,
    /// The time slots candidates are placed in.
    pub slots: Vec<i32>,
    /// Stations per slot.
    pub stations: i32,
}

/// The tasks whose panel holds this judge, newest session first.
pub async fn my_tasks(db: &impl ConnectionTrait, judge: i32) -> AppResult<Vec<JudgeTask>> {
    let ids: Vec<i32> = db
        .query_all_raw(stmt(
            db,
            "SELECT p.task_id FROM practical_panel p JOIN practical_tasks t ON t.id = p.task_id \
             WHERE p.user_id = ? ORDER BY t.session_id DESC, t.position",
            [judge.into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get("", "task_id"))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let t = judging::task(db, TaskId(id)).await?;
        let slots: Vec<i32> = db
            .query_all_raw(stmt(
                db,
                "SELECT DISTINCT slot FROM practical_places WHERE task_id = ? ORDER BY slot",
                [id.into()],
            ))
            .await?
            .iter()
            .map(|r| r.try_get("", "slot"))
            .collect::<Result<_, _>>()?;
        out.push(JudgeTask {
            task_id: t.id,
            session_id: t.session_id,
            session_name: t.session_name.clone(),
            title: t.title(),
            minutes: t.body.minutes,
            head: t.is_head(judge),
            locked: t.locked(),
            slots,
            stations: t.stations,
        });
    }
    Ok(out)
}

/// A task as the judge's tablet shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TaskHead {
    /// The task.
    pub id: i32,
    /// Its session.
    pub session_id: i32,
    /// Its title.
    pub title: String,
    /// The candidate's instructions.
    pub instructions: String,
    /// Time allowed, in minutes.
    pub minutes: u32,
    /// What the task is worth.
    pub points: f64,
    /// `mean`, `trimmed_mean` or `median`.
    pub aggregation: super::Aggregation,
    /// Allowed spread of a judgement aspect.
    pub spread: f64,
    /// Whether I am its head judge.
    pub head: bool,
    /// Whether it is locked.
    pub locked: bool,
    /// When it was signed off and locked.
    pub locked_at: Option<DateTime<Utc>>,
    /// Who signed it off.
    pub signed_off_by: Option<i32>,
    /// The marking scheme, aspect by aspect (positions from 0).
    pub scheme: Vec<Aspect>,
}

impl TaskHead {
    /// The head of a task for a viewer.
    pub fn of(t: &Task, viewer: i32) -> TaskHead {
        TaskHead {
            id: t.id,
            session_id: t.session_id,
            title: t.title(),
            instructions: t.body.stem.clone(),
            minutes: t.body.minutes,
            points: t.body.points,
            aggregation: t.aggregation,
            spread: t.spread,
            head: t.is_head(viewer),
            locked: t.locked(),
            locked_at: t.locked_at,
            signed_off_by: t.signed_off_by,
            scheme: t.body.scheme.clone(),
        }
    }
}

/// A candidate on a task's list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TaskCandidate {
    /// Work code.
    pub code: String,
    /// Time slot.
    pub slot: i32,
    /// Station.
    pub station: i32,
    /// For a panel judge: `open`, `submitted` (my sheet) or `conflict` (I may not mark them);
    /// for others: `submitted` once every expected sheet is in, else `open`.
    pub status: String,
    /// Aspects with an open spread flag.
    pub flags: Vec<i32>,
    /// Name, only once the task is locked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A task with its candidates.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TaskBoard {
    /// The task.
    pub task: TaskHead,
    /// Its checked-in candidates by slot and station.
    pub candidates: Vec<TaskCandidate>,
}

/// A task with its candidates, for a panel judge, an author or an admin (`staff_may_view`);
/// `slot` narrows the list.
pub async fn board(
    db: &impl ConnectionTrait,
    viewer: i32,
    staff_may_view: bool,
    task: TaskId,
    slot: Option<i32>,
) -> AppResult<TaskBoard> {
    let t = judging::task(db, task).await?;
    let panel = judging::panel(db, t.id).await?;
    let me = panel.iter().find(|j| j.id == viewer);
    if me.is_none() && !staff_may_view {
        return Err(not_on_panel());
    }
    t.require_codes_final()?;
    let placed = judging::placed(db, t.id).await?;
    let barred = judging::barred_on_task(db, t.id).await?;
    let sheets = flags::submitted_sheets(db, t.id).await?;
    let open = flags::open_by_candidate(db, t.id).await?;
    let candidates = placed
        .into_iter()
        .filter(|c| slot.is_none_or(|s| s == c.slot))
        .map(|c| {
            let done = |j: i32| sheets.contains(&(c.candidate_id, j));
            let bars = |j: i32| barred.get(&c.candidate_id).is_some_and(|b| b.contains(&j));
            let status = match me {
                Some(j)
                    if bars(j.id) || super::conflict::conflicts(&j.affiliation, &c.employer) =>
                {
                    "conflict"
                }
                Some(j) if done(j.id) => "submitted",
                Some(_) => "open",
                None => {
                    let mut markers = super::conflict::markers(
                        &panel
                            .iter()
                            .map(|j| (j.id, j.affiliation.clone()))
                            .collect::<Vec<_>>(),
                        &c.employer,
                    );
                    markers.retain(|j| !bars(*j));
                    if markers.iter().all(|j| done(*j)) {
                        "submitted"
                    } else {
                        "open"
                    }
                }
            };
            TaskCandidate {
                flags: open.get(&c.candidate_id).cloned().unwrap_or_default(),
                name: t.locked().then(|| c.name.clone()),
                code: c.code,
                slot: c.slot,
                station: c.station,
                status: status.into(),
            }
        })
        .collect();
    Ok(TaskBoard {
        task: TaskHead::of(&t, viewer),
        candidates,
    })
}
