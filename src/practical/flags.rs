//! The spread check: once every expected sheet of a candidate's task is in, a judgement aspect
//! whose levels are further apart than the task allows gets an open flag; the panel re-marks it
//! and the check runs again after each re-mark, clearing the flag once the levels are within
//! the spread. Every version of every mark is kept; flags keep when they were raised and
//! cleared.

use super::aggregate::flagged;
use super::conflict::markers;
use super::judging::{self, Task};
use crate::audit::{self, Actor};
use crate::db::stmt;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

/// An open spread flag on a candidate's aspect.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FlagView {
    /// The aspect.
    pub aspect: i32,
    /// How far apart the levels were (highest − lowest).
    pub spread: f64,
    /// When it was raised.
    pub raised_at: DateTime<Utc>,
}

/// What the check changes: aspects to flag (with their spread) and open flags to clear.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlagChanges {
    /// Aspects newly beyond the spread.
    pub raise: Vec<(i32, f64)>,
    /// Aspects whose open flag clears.
    pub clear: Vec<i32>,
}

/// Compares the aspects beyond the spread now with the open flags.
pub fn flag_changes(beyond: &[(usize, f64)], open: &[i32]) -> FlagChanges {
    let now: Vec<(i32, f64)> = beyond
        .iter()
        .filter_map(|(a, s)| i32::try_from(*a).ok().map(|a| (a, *s)))
        .collect();
    FlagChanges {
        raise: now
            .iter()
            .filter(|(a, _)| !open.contains(a))
            .copied()
            .collect(),
        clear: open
            .iter()
            .filter(|a| !now.iter().any(|(b, _)| b == *a))
            .copied()
            .collect(),
    }
}

/// The levels per aspect of the judges expected to mark, or none while one of their sheets is
/// still open. `entries`: (judge, aspect, entry); `submitted`: judges whose sheet is in.
pub fn levels_when_complete(
    aspects: usize,
    expected: &[i32],
    submitted: &HashSet<i32>,
    entries: &[(i32, i32, f64)],
) -> Option<Vec<Vec<f64>>> {
    if expected.is_empty() || !expected.iter().all(|j| submitted.contains(j)) {
        return None;
    }
    let mut levels = vec![vec![]; aspects];
    for (j, a, e) in entries {
        if expected.contains(j)
            && let Some(cell) = usize::try_from(*a).ok().and_then(|a| levels.get_mut(a))
        {
            cell.push(*e);
        }
    }
    Some(levels)
}

/// Runs the spread check for one candidate's task and records what changes, audited as the
/// actor's doing.
pub async fn check(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    task: &Task,
    candidate: i32,
    employer: &str,
) -> Result<FlagChanges, DbErr> {
    let panel = judging::panel(txn, task.id).await?;
    let barred = judging::barred(txn, candidate).await?;
    let mut expected = markers(
        &panel
            .iter()
            .map(|j| (j.id, j.affiliation.clone()))
            .collect::<Vec<_>>(),
        employer,
    );
    expected.retain(|j| !barred.contains(j));
    let submitted: HashSet<i32> = txn
        .query_all_raw(stmt(
            txn,
            "SELECT judge_id FROM practical_sheets WHERE task_id = ? AND candidate_id = ? \
             AND submitted_at IS NOT NULL",
            [task.id.into(), candidate.into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get("", "judge_id"))
        .collect::<Result<_, _>>()?;
    let entries: Vec<(i32, i32, f64)> = txn
        .query_all_raw(stmt(
            txn,
            "SELECT judge_id, aspect, entry FROM practical_marks WHERE task_id = ? AND candidate_id = ?",
            [task.id.into(), candidate.into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "judge_id")?, r.try_get("", "aspect")?, r.try_get("", "entry")?)))
        .collect::<Result<_, DbErr>>()?;
    let Some(levels) = levels_when_complete(task.scheme().len(), &expected, &submitted, &entries)
    else {
        return Ok(FlagChanges::default());
    };
    let beyond = flagged(task.scheme(), &levels, task.spread);
    let open: Vec<i32> = open_flags(txn, task.id, candidate)
        .await?
        .iter()
        .map(|f| f.aspect)
        .collect();
    let changes = flag_changes(&beyond, &open);
    let now = Utc::now();
    for (aspect, spread) in &changes.raise {
        txn.execute_raw(stmt(
            txn,
            "INSERT INTO practical_flags (task_id, candidate_id, aspect, spread, raised_at) \
             VALUES (?, ?, ?, ?, ?)",
            [
                task.id.into(),
                candidate.into(),
                (*aspect).into(),
                (*spread).into(),
                now.into(),
            ],
        ))
        .await?;
    }
    for aspect in &changes.clear {
        txn.execute_raw(stmt(
            txn,
            "UPDATE practical_flags SET cleared_at = ? WHERE task_id = ? AND candidate_id = ? \
             AND aspect = ? AND cleared_at IS NULL",
            [
                now.into(),
                task.id.into(),
                candidate.into(),
                (*aspect).into(),
            ],
        ))
        .await?;
    }
    if !changes.raise.is_empty() || !changes.clear.is_empty() {
        audit::record(
            txn,
            actor,
            "practical.spread_check",
            "practical_task",
            &task.id.to_string(),
            json!({
                "candidate_id": candidate,
                "raised": changes.raise.iter().map(|(a, s)| json!({"aspect": a, "spread": s})).collect::<Vec<_>>(),
                "cleared": changes.clear,
            }),
        )
        .await?;
    }
    Ok(changes)
}

/// A candidate's open flags on a task.
pub async fn open_flags(
    db: &impl ConnectionTrait,
    task: i32,
    candidate: i32,
) -> Result<Vec<FlagView>, DbErr> {
    db.query_all_raw(stmt(
        db,
        "SELECT aspect, spread, raised_at FROM practical_flags WHERE task_id = ? \
         AND candidate_id = ? AND cleared_at IS NULL ORDER BY aspect",
        [task.into(), candidate.into()],
    ))
    .await?
    .iter()
    .map(|r| {
        Ok(FlagView {
            aspect: r.try_get("", "aspect")?,
            spread: r.try_get("", "spread")?,
            raised_at: r.try_get("", "raised_at")?,
        })
    })
    .collect()
}

/// Every open flag of a task: the flagged aspects per candidate.
pub async fn open_by_candidate(
    db: &impl ConnectionTrait,
    task: i32,
) -> Result<HashMap<i32, Vec<i32>>, DbErr> {
    let mut out: HashMap<i32, Vec<i32>> = HashMap::new();
    for r in db
        .query_all_raw(stmt(
            db,
            "SELECT candidate_id, aspect FROM practical_flags WHERE task_id = ? \
             AND cleared_at IS NULL ORDER BY candidate_id, aspect",
            [task.into()],
        ))
        .await?
    {
        out.entry(r.try_get("", "candidate_id")?)
            .or_default()
            .push(r.try_get("", "aspect")?);
    }
    Ok(out)
}

/// Every submitted sheet of a task, as (candidate, judge).
pub async fn submitted_sheets(
    db: &impl ConnectionTrait,
    task: i32,
) -> Result<HashSet<(i32, i32)>, DbErr> {
    db.query_all_raw(stmt(
        db,
        "SELECT candidate_id, judge_id FROM practical_sheets WHERE task_id = ? \
         AND submitted_at IS NOT NULL",
        [task.into()],
    ))
    .await?
    .iter()
    .map(|r| Ok((r.try_get("", "candidate_id")?, r.try_get("", "judge_id")?)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_disagreement_raises_a_flag_and_an_agreement_clears_the_open_one() {
        let c = flag_changes(&[(0, 2.0), (3, 3.0)], &[3, 5]);
        assert_eq!(c.raise, vec![(0, 2.0)]);
        assert_eq!(c.clear, vec![5]);
        assert_eq!(flag_changes(&[], &[]), FlagChanges::default());
    }

    #[test]
    fn nothing_is_checked_until_every_expected_sheet_is_in() {
        let entries = vec![(5, 0, 0.0), (6, 0, 3.0), (7, 0, 3.0)];
        let only_two: HashSet<i32> = [5, 6].into();
        assert_eq!(
            levels_when_complete(1, &[5, 6, 7], &only_two, &entries),
            None
        );
        let all: HashSet<i32> = [5, 6, 7].into();
        assert_eq!(
            levels_when_complete(1, &[5, 6, 7], &all, &entries),
            Some(vec![vec![0.0, 3.0, 3.0]])
        );
    }

    #[test]
    fn a_conflicted_judges_entries_do_not_count_and_their_sheet_is_not_awaited() {
        // Judge 7 is conflicted: not expected; an entry of theirs (there should be none) is
        // left out.
        let entries = vec![(5, 0, 1.0), (6, 0, 2.0), (7, 0, 3.0)];
        let two: HashSet<i32> = [5, 6].into();
        assert_eq!(
            levels_when_complete(2, &[5, 6], &two, &entries),
            Some(vec![vec![1.0, 2.0], vec![]])
        );
    }
}
