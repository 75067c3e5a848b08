//! A task's marking record: every candidate with every judge's entries and marks, the
//! aggregates, the deductions, the sub-criteria, the points and score, the judges, the head judge
//! and the sign-off. What the head judge's overview shows and the 考核评分记录表 prints.

use super::judging;
use super::score::{TaskInput, round2, task_outcome};
use crate::bank::model::{Aspect, group_totals};
use crate::db::stmt;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A judge named on a record.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RecordJudge {
    /// The account.
    pub id: i32,
    /// The name.
    pub name: String,
}

/// One judge's sheet for a candidate.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct JudgeSheet {
    /// The judge.
    pub judge_id: i32,
    /// Their name.
    pub judge_name: String,
    /// When they submitted it.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Their entry per aspect (none where not entered).
    pub entries: Vec<Option<f64>>,
    /// What each entry is worth (deductions: points off).
    pub marks: Vec<Option<f64>>,
}

/// A sub-criterion's points after its deductions.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GroupTotal {
    /// The sub-criterion.
    pub group: String,
    /// Its points, never below zero.
    pub points: f64,
}

/// One candidate of a task's record.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RecordCandidate {
    /// The candidate.
    pub candidate_id: i32,
    /// Work code.
    pub code: String,
    /// Name, only once the task is locked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Time slot.
    pub slot: i32,
    /// Station.
    pub station: i32,
    /// Sheets expected (the panel less conflicted judges).
    pub expected: usize,
    /// Sheets submitted of those.
    pub submitted: usize,
    /// Every expected judge's sheet, submitted or not.
    pub sheets: Vec<JudgeSheet>,
    /// Aspects with an open spread flag.
    pub flags: Vec<i32>,
    /// The panel's aggregated mark per aspect.
    pub aspects: Vec<Option<f64>>,
    /// Points taken off by the deductions (aggregated).
    pub deductions: f64,
    /// Sub-criteria after deductions.
    pub groups: Vec<GroupTotal>,
    /// Task points.
    pub points: f64,
    /// Out of 100.
    pub score: f64,
}

/// A task's marking record: what the head judge's overview shows and the 考核评分记录表 prints.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TaskRecord {
    /// The task.
    pub task_id: i32,
    /// Its session.
    pub session_id: i32,
    /// The session's name and number.
    pub session_name: String,
    /// The task's title.
    pub title: String,
    /// What it is worth.
    pub points: f64,
    /// How marks are aggregated.
    pub aggregation: super::Aggregation,
    /// Allowed spread.
    pub spread: f64,
    /// The marking scheme.
    pub scheme: Vec<Aspect>,
    /// The panel.
    pub judges: Vec<RecordJudge>,
    /// The head judge.
    pub head_judge: Option<RecordJudge>,
    /// Who signed it off.
    pub signed_off_by: Option<RecordJudge>,
    /// When it was signed off and locked.
    pub locked_at: Option<DateTime<Utc>>,
    /// Every expected sheet is in and no flag is open.
    pub ready: bool,
    /// Its checked-in candidates by slot and station.
    pub candidates: Vec<RecordCandidate>,
}

/// Per (candidate, judge): (aspect, entry, mark) of each entered aspect.
type EntriesBySheet = HashMap<(i32, i32), Vec<(usize, f64, f64)>>;

/// A task's record: every candidate with every judge's entries and marks, the aggregates, the
/// deductions, the points and score; names once the task is locked.
pub async fn task_record(
    db: &impl ConnectionTrait,
    task: super::TaskId,
) -> crate::error::AppResult<TaskRecord> {
    let t = judging::task(db, task).await?;
    let panel = judging::panel(db, t.id).await?;
    let placed = judging::placed(db, t.id).await?;
    let flags = super::flags::open_by_candidate(db, t.id).await?;
    let mut sheets: HashMap<(i32, i32), Option<DateTime<Utc>>> = HashMap::new();
    for r in db
        .query_all_raw(stmt(
            db,
            "SELECT candidate_id, judge_id, submitted_at FROM practical_sheets WHERE task_id = ?",
            [t.id.into()],
        ))
        .await?
    {
        sheets.insert(
            (r.try_get("", "candidate_id")?, r.try_get("", "judge_id")?),
            r.try_get("", "submitted_at")?,
        );
    }
    let mut entries: EntriesBySheet = HashMap::new();
    for r in db
        .query_all_raw(stmt(
            db,
            "SELECT candidate_id, judge_id, aspect, entry, mark FROM practical_marks WHERE task_id = ?",
            [t.id.into()],
        ))
        .await?
    {
        let aspect: i32 = r.try_get("", "aspect")?;
        if let Ok(a) = usize::try_from(aspect) {
            entries
                .entry((r.try_get("", "candidate_id")?, r.try_get("", "judge_id")?))
                .or_default()
                .push((a, r.try_get("", "entry")?, r.try_get("", "mark")?));
        }
    }
    let input = TaskInput::of(&t);
    let n = t.scheme().len();
    let pairs: Vec<(i32, String)> = panel
        .iter()
        .map(|j| (j.id, j.affiliation.clone()))
        .collect();
    let barred = judging::barred_on_task(db, t.id).await?;
    let mut ready = true;
    let candidates: Vec<RecordCandidate> = placed
        .iter()
        .map(|c| {
            let mut expected = super::conflict::markers(&pairs, &c.employer);
            if let Some(b) = barred.get(&c.candidate_id) {
                expected.retain(|j| !b.contains(j));
            }
            let mut per_aspect = vec![vec![]; n];
            let sheets_of: Vec<JudgeSheet> = panel
                .iter()
                .filter(|j| expected.contains(&j.id))
                .map(|j| {
                    let (mut e, mut m) = (vec![None; n], vec![None; n]);
                    for (a, entry, mark) in
                        entries.get(&(c.candidate_id, j.id)).into_iter().flatten()
                    {
                        if *a < n {
                            e[*a] = Some(*entry);
                            m[*a] = Some(*mark);
                            per_aspect[*a].push(*mark);
                        }
                    }
                    JudgeSheet {
                        judge_id: j.id,
                        judge_name: j.name.clone(),
                        submitted_at: sheets.get(&(c.candidate_id, j.id)).copied().flatten(),
                        entries: e,
                        marks: m,
                    }
                })
                .collect();
            let submitted = sheets_of
                .iter()
                .filter(|s| s.submitted_at.is_some())
                .count();
            let open = flags.get(&c.candidate_id).cloned().unwrap_or_default();
            if submitted < expected.len() || !open.is_empty() {
                ready = false;
            }
            let outcome = task_outcome(&input, &per_aspect);
            let flat: Vec<f64> = outcome.aspects.iter().map(|m| m.unwrap_or(0.0)).collect();
            RecordCandidate {
                candidate_id: c.candidate_id,
                code: c.code.clone(),
                name: t.locked().then(|| c.name.clone()),
                slot: c.slot,
                station: c.station,
                expected: expected.len(),
                submitted,
                sheets: sheets_of,
                flags: open,
                deductions: round2(
                    t.scheme()
                        .iter()
                        .zip(&flat)
                        .filter(|(a, _)| a.is_deduction())
                        .map(|(_, m)| m)
                        .sum(),
                ),
                groups: group_totals(t.scheme(), &flat)
                    .into_iter()
                    .map(|(group, points)| GroupTotal {
                        group,
                        points: round2(points),
                    })
                    .collect(),
                aspects: outcome.aspects,
                points: outcome.points,
                score: outcome.score,
            }
        })
        .collect();
    let named = |id: Option<i32>| {
        id.and_then(|id| panel.iter().find(|j| j.id == id))
            .map(|j| RecordJudge {
                id: j.id,
                name: j.name.clone(),
            })
    };
    Ok(TaskRecord {
        task_id: t.id,
        session_id: t.session_id,
        session_name: t.session_name.clone(),
        title: t.title(),
        points: t.body.points,
        aggregation: t.aggregation,
        spread: t.spread,
        scheme: t.body.scheme.clone(),
        judges: panel
            .iter()
            .map(|j| RecordJudge {
                id: j.id,
                name: j.name.clone(),
            })
            .collect(),
        head_judge: named(t.head_judge_id),
        signed_off_by: named(t.signed_off_by),
        locked_at: t.locked_at,
        ready,
        candidates,
    })
}
