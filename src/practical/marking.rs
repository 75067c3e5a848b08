//! Judges' marks: saving one aspect's entry (the hot path: one write transaction, one read of
//! everything the checks need, an upsert, a version row only when the entry changes), a judge's
//! sheet for one candidate, submitting it, the tasks a judge sits on and a task's candidates.

use super::TaskId;
use super::flags::{self, FlagView};
use super::judging::{
    self, Placed, Task, no_conflict_or_barred, not_on_panel, out_of_range, unknown_code,
};
use crate::audit::{self, Actor};
use crate::bank::model::Aspect;
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode, Text};
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// A judge's current entry for one aspect.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MarkView {
    /// The aspect's position in the scheme, from 0.
    pub aspect: i32,
    /// What the judge entered.
    pub entry: f64,
    /// What it is worth in points (for a deduction: the points taken off).
    pub mark: f64,
    /// 1 for the first entry, up by one for each change.
    pub version: i32,
}

/// Why a save writes a new version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// An ordinary mark before the sheet is submitted.
    Mark,
    /// A re-mark of an aspect flagged for its spread.
    Remark,
    /// A correction approved after the lock.
    Correction,
}

impl Cause {
    /// The stable code stored.
    pub fn code(self) -> &'static str {
        match self {
            Cause::Mark => "mark",
            Cause::Remark => "remark",
            Cause::Correction => "correction",
        }
    }
}

/// What a save does with what is stored: the pure decision of the hot path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SaveStep {
    /// The save is not newer than the stored one (a repeat or out of order): nothing changes.
    Stale,
    /// The same entry again: only the sequence number moves on.
    Same,
    /// A new entry: a new version.
    Write,
}

/// Decides a save against the stored `(entry, client_seq)`, if any.
pub fn save_step(stored: Option<(f64, i64)>, entry: f64, seq: i64) -> SaveStep {
    match stored {
        Some((_, s)) if seq <= s => SaveStep::Stale,
        Some((e, _)) if e == entry => SaveStep::Same,
        _ => SaveStep::Write,
    }
}

/// Everything the checks of one save need, read in one query.
struct SaveContext {
    locked: bool,
    body: String,
    on_panel: bool,
    affiliation: String,
    candidate: Option<i32>,
    employer: String,
    placed: bool,
    submitted: bool,
    flagged: bool,
    barred: bool,
    anonymous: bool,
    codes_final: bool,
    stored: Option<MarkView>,
    stored_seq: i64,
}

async fn save_context(
    txn: &impl ConnectionTrait,
    judge: i32,
    task: i32,
    code: &str,
    aspect: i32,
) -> AppResult<SaveContext> {
    // Placeholders in order of appearance: judge, aspect, judge, code, judge, judge, aspect, task.
    let row = txn
        .query_one_raw(stmt(
            txn,
            "SELECT t.locked_at, v.body, \
             EXISTS (SELECT 1 FROM practical_panel p WHERE p.task_id = t.id AND p.user_id = ?) AS on_panel, \
             EXISTS (SELECT 1 FROM practical_places pl WHERE pl.task_id = t.id \
                     AND pl.candidate_id = c.candidate_id) AS placed, \
             EXISTS (SELECT 1 FROM practical_flags f WHERE f.task_id = t.id \
                     AND f.candidate_id = c.candidate_id AND f.aspect = ? AND f.cleared_at IS NULL) AS flagged, \
             EXISTS (SELECT 1 FROM practical_conflicts pc WHERE pc.candidate_id = c.candidate_id \
                     AND pc.judge_id = u.id) AS barred, \
             pp.anonymous, pp.codes_final_at, \
             u.affiliation, c.candidate_id, cd.employer, sh.submitted_at, \
             m.entry, m.mark, m.version, m.client_seq \
             FROM practical_tasks t JOIN question_versions v ON v.id = t.version_id \
             LEFT JOIN practical_parts pp ON pp.session_id = t.session_id \
             LEFT JOIN users u ON u.id = ? \
             LEFT JOIN practical_codes c ON c.session_id = t.session_id AND c.code = ? \
             LEFT JOIN candidates cd ON cd.id = c.candidate_id \
             LEFT JOIN practical_sheets sh ON sh.task_id = t.id \
                  AND sh.candidate_id = c.candidate_id AND sh.judge_id = ? \
             LEFT JOIN practical_marks m ON m.task_id = t.id AND m.candidate_id = c.candidate_id \
                  AND m.judge_id = ? AND m.aspect = ? \
             WHERE t.id = ?",
            [
                judge.into(),
                aspect.into(),
                judge.into(),
                judging::clean_code(code).into(),
                judge.into(),
                judge.into(),
                aspect.into(),
                task.into(),
            ],
        ))
        .await?
        .ok_or_else(judging::task_not_found)?;
    let version: Option<i32> = row.try_get("", "version")?;
    let stored = match version {
        Some(version) => Some(MarkView {
            aspect,
            entry: row.try_get("", "entry")?,
            mark: row.try_get("", "mark")?,
            version,
        }),
        None => None,
    };
    Ok(SaveContext {
        locked: row
            .try_get::<Option<DateTime<Utc>>>("", "locked_at")?
            .is_some(),
        body: row.try_get("", "body")?,
        on_panel: row.try_get("", "on_panel")?,
        affiliation: row
            .try_get::<Option<String>>("", "affiliation")?
            .unwrap_or_default(),
        candidate: row.try_get("", "candidate_id")?,
        employer: row
            .try_get::<Option<String>>("", "employer")?
            .unwrap_or_default(),
        placed: row.try_get("", "placed")?,
        submitted: row
            .try_get::<Option<DateTime<Utc>>>("", "submitted_at")?
            .is_some(),
        flagged: row.try_get("", "flagged")?,
        barred: row.try_get("", "barred")?,
        anonymous: row
            .try_get::<Option<bool>>("", "anonymous")?
            .unwrap_or(false),
        codes_final: row
            .try_get::<Option<DateTime<Utc>>>("", "codes_final_at")?
            .is_some(),
        stored,
        stored_seq: row.try_get::<Option<i64>>("", "client_seq")?.unwrap_or(-1),
    })
}

/// 409 `sheet_submitted`.
fn sheet_submitted() -> AppError {
    AppError::text(
        StatusCode::CONFLICT,
        ErrorCode::SheetSubmitted,
        Text::new(
            "评分表已提交，不能再修改（分差超限待复评的项目除外）",
            "the sheet has been submitted and can no longer change (except aspects flagged for re-marking)",
        ),
    )
}

/// Saves a judge's entry for one aspect of a candidate's task. `seq` is the tablet's increasing
/// sequence number: a save not above the stored one changes nothing and answers the stored
/// mark. After the sheet is submitted only an aspect with an open spread flag may change (a
/// re-mark), and the spread check runs again.
pub async fn save(
    db: &DatabaseConnection,
    judge: &Actor,
    task: TaskId,
    code: &str,
    aspect: i32,
    entry: f64,
    seq: i64,
) -> AppResult<MarkView> {
    let judge_id = judge.id.ok_or_else(not_on_panel)?;
    if seq < 0 {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidSeq,
            "seq must be a whole number from 0",
        )
        .with_zh("序号须为不小于 0 的整数"));
    }
    let txn = crate::db::begin_write(db).await?;
    let cx = save_context(&txn, judge_id, task.0, code, aspect).await?;
    if !cx.on_panel {
        return Err(not_on_panel());
    }
    judging::codes_final(cx.anonymous, cx.codes_final)?;
    let Some(candidate) = cx.candidate.filter(|_| cx.placed) else {
        return Err(unknown_code());
    };
    let body = judging::parse_body(&cx.body)?;
    let the_aspect: &Aspect = usize::try_from(aspect)
        .ok()
        .and_then(|i| body.scheme.get(i))
        .ok_or_else(|| unknown_aspect(aspect))?;
    no_conflict_or_barred(&cx.affiliation, &cx.employer, cx.barred)?;
    let mark = the_aspect.judge_mark(entry).map_err(out_of_range)?;
    let stored = cx.stored.clone();
    match save_step(
        stored.as_ref().map(|m| (m.entry, cx.stored_seq)),
        entry,
        seq,
    ) {
        SaveStep::Stale => {
            if let Some(m) = stored {
                return Ok(m);
            }
            // Unreachable: a stale save needs a stored one.
            return Err(AppError::internal("stale save without a stored mark"));
        }
        SaveStep::Same => {
            if let Some(m) = stored {
                txn.execute_raw(stmt(
                    &txn,
                    "UPDATE practical_marks SET client_seq = ? WHERE task_id = ? \
                     AND candidate_id = ? AND judge_id = ? AND aspect = ? AND client_seq < ?",
                    [
                        seq.into(),
                        task.0.into(),
                        candidate.into(),
                        judge_id.into(),
                        aspect.into(),
                        seq.into(),
                    ],
                ))
                .await?;
                txn.commit().await?;
                return Ok(m);
            }
        }
        SaveStep::Write => {}
    }
    if cx.locked {
        return Err(judging_locked());
    }
    let cause = if cx.submitted {
        if !cx.flagged {
            return Err(sheet_submitted());
        }
        Cause::Remark
    } else {
        Cause::Mark
    };
    let now = Utc::now();
    let written = write_mark(
        &txn,
        &Written {
            task: task.0,
            candidate,
            judge: judge_id,
            aspect,
            entry,
            mark,
            seq: Some(seq),
            cause,
            by: judge_id,
            at: now,
        },
    )
    .await?;
    let Some(view) = written else {
        // A newer save of the same aspect committed between the read and the write.
        txn.rollback().await?;
        return Err(AppError::conflict(
            ErrorCode::VersionConflict,
            "a newer save of this mark arrived first",
        )
        .with_zh("该项已有更新的评分"));
    };
    if cause == Cause::Remark {
        let t = judging::task(&txn, task).await?;
        flags::check(&txn, judge, &t, candidate, &cx.employer).await?;
    }
    txn.commit().await?;
    Ok(view)
}

fn judging_locked() -> AppError {
    AppError::text(
        StatusCode::CONFLICT,
        ErrorCode::TaskLocked,
        Text::new(
            "本项目已签字锁定，分数只能通过更正修改",
            "the task is signed off and locked; its marks change only through a correction",
        ),
    )
}

fn unknown_aspect(i: i32) -> AppError {
    AppError::text(
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownAspect,
        Text::new(
            format!("评分细则中没有第 {i} 项"),
            format!("the marking scheme has no aspect {i}"),
        ),
    )
}

/// A new version of a judge's entry.
pub struct Written {
    /// The task.
    pub task: i32,
    /// The candidate.
    pub candidate: i32,
    /// The judge whose entry it is.
    pub judge: i32,
    /// The aspect.
    pub aspect: i32,
    /// The entry.
    pub entry: f64,
    /// Its points.
    pub mark: f64,
    /// The tablet's sequence number; none for a correction (the stored one stays).
    pub seq: Option<i64>,
    /// Why.
    pub cause: Cause,
    /// Who writes it.
    pub by: i32,
    /// When.
    pub at: DateTime<Utc>,
}

/// Writes a new version of an entry: the current row (up by one version) and its version row.
/// None when a newer save (by sequence number) is already stored.
pub async fn write_mark(
    txn: &impl ConnectionTrait,
    w: &Written,
) -> Result<Option<MarkView>, DbErr> {
    let row = txn
        .query_one_raw(stmt(
            txn,
            "INSERT INTO practical_marks \
             (task_id, candidate_id, judge_id, aspect, entry, mark, version, client_seq, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) \
             ON CONFLICT (task_id, candidate_id, judge_id, aspect) DO UPDATE SET \
             entry = excluded.entry, mark = excluded.mark, \
             version = practical_marks.version + 1, \
             client_seq = CASE WHEN ? THEN excluded.client_seq ELSE practical_marks.client_seq END, \
             updated_at = excluded.updated_at \
             WHERE ? OR practical_marks.client_seq < excluded.client_seq \
             RETURNING version",
            [
                w.task.into(),
                w.candidate.into(),
                w.judge.into(),
                w.aspect.into(),
                w.entry.into(),
                w.mark.into(),
                w.seq.unwrap_or(0).into(),
                w.at.into(),
                w.seq.is_some().into(),
                w.seq.is_none().into(),
            ],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let version: i32 = row.try_get("", "version")?;
    txn.execute_raw(stmt(
        txn,
        "INSERT INTO practical_mark_versions \
         (task_id, candidate_id, judge_id, aspect, version, entry, mark, cause, by_user, at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            w.task.into(),
            w.candidate.into(),
            w.judge.into(),
            w.aspect.into(),
            version.into(),
            w.entry.into(),
            w.mark.into(),
            w.cause.code().into(),
            w.by.into(),
            w.at.into(),
        ],
    ))
    .await?;
    Ok(Some(MarkView {
        aspect: w.aspect,
        entry: w.entry,
        mark: w.mark,
        version,
    }))
}

/// Another judge's entry, shown once I have submitted my own sheet.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OtherEntry {
    /// The judge.
    pub judge_id: i32,
    /// Their name.
    pub judge_name: String,
    /// The aspect.
    pub aspect: i32,
    /// Their entry.
    pub entry: f64,
}

/// A judge's sheet for one candidate on one task.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Sheet {
    /// The candidate's work code.
    pub code: String,
    /// Time slot.
    pub slot: i32,
    /// Station.
    pub station: i32,
    /// When I submitted it; none while open.
    pub submitted_at: Option<DateTime<Utc>>,
    /// My entries, by aspect.
    pub marks: Vec<MarkView>,
    /// The candidate's open spread flags on this task.
    pub flags: Vec<FlagView>,
    /// The other judges' entries, only once I have submitted.
    pub others: Vec<OtherEntry>,
    /// The candidate's name, only once the task is locked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Loads the task, checks the judge is on its panel, finds the candidate by code and refuses a
/// conflicted judge.
async fn access(
    db: &impl ConnectionTrait,
    judge: i32,
    task: TaskId,
    code: &str,
) -> AppResult<(Task, Placed)> {
    let t = judging::task(db, task).await?;
    let panel = judging::panel(db, t.id).await?;
    let me = judging::on_panel(&panel, judge)?;
    t.require_codes_final()?;
    let c = judging::by_code(db, t.id, code).await?;
    let barred = judging::barred(db, c.candidate_id).await?.contains(&judge);
    no_conflict_or_barred(&me.affiliation, &c.employer, barred)?;
    Ok((t, c))
}

/// A judge's sheet.
pub async fn sheet(
    db: &impl ConnectionTrait,
    judge: i32,
    task: TaskId,
    code: &str,
) -> AppResult<Sheet> {
    let (t, c) = access(db, judge, task, code).await?;
    Ok(sheet_of(db, judge, &t, &c).await?)
}

async fn sheet_of(
    db: &impl ConnectionTrait,
    judge: i32,
    t: &Task,
    c: &Placed,
) -> Result<Sheet, DbErr> {
    let submitted_at: Option<DateTime<Utc>> = db
        .query_one_raw(stmt(
            db,
            "SELECT submitted_at FROM practical_sheets WHERE task_id = ? AND candidate_id = ? AND judge_id = ?",
            [t.id.into(), c.candidate_id.into(), judge.into()],
        ))
        .await?
        .map(|r| r.try_get("", "submitted_at"))
        .transpose()?
        .flatten();
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT m.judge_id, u.display_name, m.aspect, m.entry, m.mark, m.version \
             FROM practical_marks m JOIN users u ON u.id = m.judge_id \
             WHERE m.task_id = ? AND m.candidate_id = ? ORDER BY m.aspect, m.judge_id",
            [t.id.into(), c.candidate_id.into()],
        ))
        .await?;
    let (mut marks, mut others) = (vec![], vec![]);
    for r in rows {
        let j: i32 = r.try_get("", "judge_id")?;
        if j == judge {
            marks.push(MarkView {
                aspect: r.try_get("", "aspect")?,
                entry: r.try_get("", "entry")?,
                mark: r.try_get("", "mark")?,
                version: r.try_get("", "version")?,
            });
        } else if submitted_at.is_some() {
            others.push(OtherEntry {
                judge_id: j,
                judge_name: r.try_get("", "display_name")?,
                aspect: r.try_get("", "aspect")?,
                entry: r.try_get("", "entry")?,
            });
        }
    }
    Ok(Sheet {
        code: c.code.clone(),
        slot: c.slot,
        station: c.station,
        submitted_at,
        marks,
        flags: flags::open_flags(db, t.id, c.candidate_id).await?,
        others,
        name: t.locked().then(|| c.name.clone()),
    })
}

/// Submits a judge's sheet (signed by the login, time-stamped, audited) once every aspect has
/// an entry; runs the spread check when it is the candidate's last expected sheet. Submitting
/// again answers the sheet as it is.
pub async fn submit(
    db: &DatabaseConnection,
    judge: &Actor,
    task: TaskId,
    code: &str,
) -> AppResult<Sheet> {
    let judge_id = judge.id.ok_or_else(not_on_panel)?;
    let txn = crate::db::begin_write(db).await?;
    let (t, c) = access(&txn, judge_id, task, code).await?;
    t.require_open()?;
    let entered: Vec<i32> = txn
        .query_all_raw(stmt(
            &txn,
            "SELECT aspect FROM practical_marks WHERE task_id = ? AND candidate_id = ? AND judge_id = ?",
            [t.id.into(), c.candidate_id.into(), judge_id.into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get("", "aspect"))
        .collect::<Result<_, _>>()?;
    let missing = missing_aspects(t.scheme().len(), &entered);
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|a| (a + 1).to_string()).collect();
        return Err(AppError::text(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::SheetIncomplete,
            Text::new(
                format!("第 {} 项尚未评分，不能提交", list.join("、")),
                format!("aspects {} have no mark yet", list.join(", ")),
            ),
        )
        .with_details(json!({ "missing": missing })));
    }
    let now = Utc::now();
    let updated = txn
        .execute_raw(stmt(
            &txn,
            "INSERT INTO practical_sheets (task_id, candidate_id, judge_id, submitted_at, submissions) \
             VALUES (?, ?, ?, ?, 1) ON CONFLICT (task_id, candidate_id, judge_id) DO UPDATE SET \
             submitted_at = excluded.submitted_at, submissions = practical_sheets.submissions + 1 \
             WHERE practical_sheets.submitted_at IS NULL",
            [t.id.into(), c.candidate_id.into(), judge_id.into(), now.into()],
        ))
        .await?
        .rows_affected();
    if updated > 0 {
        audit::record(
            &txn,
            judge,
            "practical.sheet_submit",
            "practical_task",
            &t.id.to_string(),
            json!({"code": c.code, "candidate_id": c.candidate_id, "submitted_at": now}),
        )
        .await?;
        flags::check(&txn, judge, &t, c.candidate_id, &c.employer).await?;
    }
    let sheet = sheet_of(&txn, judge_id, &t, &c).await?;
    txn.commit().await?;
    Ok(sheet)
}

/// The aspects of a scheme of `n` that have no entry among `entered`, from 0.
pub fn missing_aspects(n: usize, entered: &[i32]) -> Vec<i32> {
    (0..n)
        .filter_map(|i| i32::try_from(i).ok())
        .filter(|i| !entered.contains(i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_or_older_save_is_stale_and_the_same_entry_only_moves_the_sequence_on() {
        assert_eq!(save_step(None, 2.0, 0), SaveStep::Write);
        assert_eq!(save_step(Some((2.0, 17)), 3.0, 17), SaveStep::Stale);
        assert_eq!(save_step(Some((2.0, 17)), 3.0, 5), SaveStep::Stale);
        assert_eq!(save_step(Some((2.0, 17)), 2.0, 18), SaveStep::Same);
        assert_eq!(save_step(Some((2.0, 17)), 1.0, 18), SaveStep::Write);
    }

    #[test]
    fn the_aspects_without_an_entry_are_listed_from_zero() {
        assert_eq!(missing_aspects(4, &[0, 2]), vec![1, 3]);
        assert!(missing_aspects(2, &[1, 0]).is_empty());
    }
}
