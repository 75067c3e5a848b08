//! The recheck (复核) of the final's locked marks, before decryption: which sheets are
//! rechecked (every contestant in the top N of each group plus a seeded random sample of the
//! rest), the second team's entries, the differences against the stored marks, and the error
//! rate that decides between corrections and a full re-mark. Rule: jzds.itmc.cn 竞赛规程
//! (top 10 + ≥ 15 %, > 5 % errors → everything re-marked).
//!
//! Everything here is keyed by anonymous candidate and shown by marking code only.

use super::cut::stage;
use super::entity::{recheck, recheck_entry};
pub use super::recheck_rules::{
    Difference, Reason, SheetKey, differences, error_rate, group_seed, remark_all, sample_size,
    select,
};
use super::{GroupId, StageId, final_stage};
use crate::audit::{self, Actor};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::practical::TaskId;
use crate::practical::judging::{self, out_of_range};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use utoipa::ToSchema;

/// A selected candidate as stored in a recheck's selection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Chosen {
    candidate_id: i32,
    group_id: i32,
    reason: Reason,
}

/// One sheet (code × task × judge) of the recheck.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RecheckSheet {
    /// The task.
    pub task_id: i32,
    /// The judge whose sheet it is.
    pub judge_id: i32,
    /// Re-entered by the recheck team.
    pub entered: bool,
}

/// A selected candidate, by marking code only.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RecheckCandidate {
    /// The marking code.
    pub code: String,
    /// The group (not identifying).
    pub group_id: i32,
    /// `top` or `sample`.
    pub reason: Reason,
    /// Their sheets.
    pub sheets: Vec<RecheckSheet>,
}

/// A difference as listed, with the correction that settles it, if any.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ListedDifference {
    /// The marking code.
    pub code: String,
    /// The task.
    pub task_id: i32,
    /// The judge.
    pub judge_id: i32,
    /// The aspect, from 0.
    pub aspect: i32,
    /// The stored entry.
    pub stored: Option<f64>,
    /// The recheck's entry.
    pub rechecked: f64,
    /// The correction asked for it since the recheck started (`id`, `status`), if any:
    /// corrections go through the practical engine (`/api/judging/corrections`).
    pub correction_id: Option<i32>,
    /// `pending`, `approved` or `rejected`.
    pub correction_status: Option<String>,
}

/// A final's recheck as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RecheckView {
    /// The final stage.
    pub stage_id: i32,
    /// `not_started`, `open`, `corrections` (finished at or under the limit) or `remark`
    /// (above it: the event is being re-marked; start again once re-locked).
    pub status: String,
    /// Round, from 1.
    pub round: Option<i32>,
    /// The sample's seed (decimal), to re-derive the selection.
    pub seed: Option<String>,
    /// Top N per group.
    pub top: i32,
    /// Share of the rest sampled.
    pub share: f64,
    /// Error-rate limit.
    pub error_limit: f64,
    /// Started.
    pub started_at: Option<DateTime<Utc>>,
    /// Finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// Sheets rechecked (once finished).
    pub sheets: Option<i32>,
    /// Sheets with a difference (once finished).
    pub wrong_sheets: Option<i32>,
    /// Their share (once finished).
    pub error_rate: Option<f64>,
    /// The selection, by code.
    pub candidates: Vec<RecheckCandidate>,
    /// Differences of the entries so far against the stored marks.
    pub differences: Vec<ListedDifference>,
}

fn conflict(code: ErrorCode, zh: &str, en: &str) -> AppError {
    AppError::conflict(code, en).with_zh(zh)
}

async fn latest(db: &impl ConnectionTrait, id: StageId) -> AppResult<Option<recheck::Model>> {
    Ok(recheck::Entity::find()
        .filter(recheck::Column::StageId.eq(id.0))
        .order_by_desc(recheck::Column::Round)
        .one(db)
        .await?)
}

/// Whether the final's recheck is finished with corrections only (B's decryption waits for
/// it). After a re-mark it is not: a new recheck is due.
pub async fn finished(db: &impl ConnectionTrait, id: StageId) -> AppResult<bool> {
    Ok(latest(db, id)
        .await?
        .is_some_and(|r| r.outcome == "corrections"))
}

async fn session_of(db: &impl ConnectionTrait, id: StageId) -> AppResult<i32> {
    stage(db, id).await?.session_id.ok_or_else(|| {
        conflict(
            ErrorCode::ScoresNotLocked,
            "决赛尚未设置考试场次",
            "the final has no session yet",
        )
    })
}

/// Codes of candidates.
async fn codes(db: &impl ConnectionTrait, session: i32) -> AppResult<HashMap<i32, String>> {
    Ok(db
        .query_all_raw(stmt(
            db,
            "SELECT candidate_id, code FROM practical_codes WHERE session_id = ?",
            [session.into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "candidate_id")?, r.try_get("", "code")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// Sheets (task, judge) with stored marks, and every stored entry, of the session's candidates.
async fn stored(
    db: &impl ConnectionTrait,
    session: i32,
) -> AppResult<HashMap<(i32, i32, i32, i32), f64>> {
    Ok(db
        .query_all_raw(stmt(
            db,
            "SELECT m.candidate_id, m.task_id, m.judge_id, m.aspect, m.entry FROM practical_marks m \
             JOIN practical_tasks t ON t.id = m.task_id WHERE t.session_id = ?",
            [session.into()],
        ))
        .await?
        .iter()
        .map(|r| {
            Ok((
                (
                    r.try_get("", "candidate_id")?,
                    r.try_get("", "task_id")?,
                    r.try_get("", "judge_id")?,
                    r.try_get("", "aspect")?,
                ),
                r.try_get("", "entry")?,
            ))
        })
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// The recheck of a final as it stands.
pub async fn view(db: &impl ConnectionTrait, id: StageId) -> AppResult<RecheckView> {
    let s = stage(db, id).await?;
    let mut v = RecheckView {
        stage_id: s.id,
        status: "not_started".into(),
        round: None,
        seed: None,
        top: s.recheck_top,
        share: s.recheck_share,
        error_limit: s.recheck_error_limit,
        started_at: None,
        finished_at: None,
        sheets: None,
        wrong_sheets: None,
        error_rate: None,
        candidates: vec![],
        differences: vec![],
    };
    let Some(r) = latest(db, id).await? else {
        return Ok(v);
    };
    let session = session_of(db, id).await?;
    let chosen: Vec<Chosen> = serde_json::from_str(&r.selection).map_err(AppError::internal)?;
    let codes = codes(db, session).await?;
    let marks = stored(db, session).await?;
    let entries = recheck_entry::Entity::find()
        .filter(recheck_entry::Column::RecheckId.eq(r.id))
        .all(db)
        .await?;
    let entered: HashSet<(i32, i32, i32)> = entries
        .iter()
        .map(|e| (e.candidate_id, e.task_id, e.judge_id))
        .collect();
    let mut sheets: BTreeMap<i32, Vec<(i32, i32)>> = BTreeMap::new();
    for (c, t, j, _) in marks.keys() {
        sheets.entry(*c).or_default().push((*t, *j));
    }
    for list in sheets.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    let code = |c: i32| codes.get(&c).cloned().unwrap_or_default();
    v.candidates = chosen
        .iter()
        .map(|c| RecheckCandidate {
            code: code(c.candidate_id),
            group_id: c.group_id,
            reason: c.reason,
            sheets: sheets
                .get(&c.candidate_id)
                .map(|l| {
                    l.iter()
                        .map(|(t, j)| RecheckSheet {
                            task_id: *t,
                            judge_id: *j,
                            entered: entered.contains(&(c.candidate_id, *t, *j)),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let rechecked: Vec<(SheetKey, i32, f64)> = entries
        .iter()
        .map(|e| {
            (
                SheetKey {
                    candidate: e.candidate_id,
                    task: e.task_id,
                    judge: e.judge_id,
                },
                e.aspect,
                e.entry,
            )
        })
        .collect();
    let diffs = differences(&rechecked, |k, a| {
        marks.get(&(k.candidate, k.task, k.judge, a)).copied()
    });
    let corrections: HashMap<(i32, i32, i32, i32), (i32, String)> = db
        .query_all_raw(stmt(
            db,
            "SELECT k.id, k.task_id, k.candidate_id, k.judge_id, k.aspect, k.status \
             FROM practical_corrections k JOIN practical_tasks t ON t.id = k.task_id \
             WHERE t.session_id = ? AND k.requested_at >= ? ORDER BY k.id",
            [session.into(), r.started_at.into()],
        ))
        .await?
        .iter()
        .map(|q| {
            Ok((
                (
                    q.try_get("", "candidate_id")?,
                    q.try_get("", "task_id")?,
                    q.try_get("", "judge_id")?,
                    q.try_get("", "aspect")?,
                ),
                (q.try_get("", "id")?, q.try_get("", "status")?),
            ))
        })
        .collect::<Result<_, sea_orm::DbErr>>()?;
    v.differences = diffs
        .iter()
        .map(|d| {
            let k = (d.sheet.candidate, d.sheet.task, d.sheet.judge, d.aspect);
            let c = corrections.get(&k);
            ListedDifference {
                code: code(d.sheet.candidate),
                task_id: d.sheet.task,
                judge_id: d.sheet.judge,
                aspect: d.aspect,
                stored: d.stored,
                rechecked: d.rechecked,
                correction_id: c.map(|c| c.0),
                correction_status: c.map(|c| c.1.clone()),
            }
        })
        .collect();
    v.status = if r.outcome.is_empty() {
        "open".into()
    } else {
        r.outcome.clone()
    };
    v.round = Some(r.round);
    v.seed = Some(r.seed);
    v.started_at = Some(r.started_at);
    v.finished_at = r.finished_at;
    v.sheets = r.sheets;
    v.wrong_sheets = r.wrong_sheets;
    v.error_rate = r.error_rate;
    Ok(v)
}

/// Selects the sheets to recheck from the final's practical scores (by anonymous candidate).
pub async fn selection(
    db: &impl ConnectionTrait,
    id: StageId,
    top: u32,
    share: f64,
    seed: u64,
) -> AppResult<Vec<(i32, GroupId, Reason)>> {
    let session = session_of(db, id).await?;
    let ev = crate::practical::score::load_event(db, session).await?;
    let scores: HashMap<i32, f64> = ev
        .results()
        .iter()
        .map(|r| (r.candidate_id, r.score))
        .collect();
    let mut groups: BTreeMap<GroupId, Vec<(i32, f64)>> = BTreeMap::new();
    for (c, g) in final_stage::anonymous_groups(db, id).await? {
        groups
            .entry(g)
            .or_default()
            .push((c, scores.get(&c).copied().unwrap_or(0.0)));
    }
    let mut out = vec![];
    for (g, list) in groups {
        for (c, reason) in select(&list, top, share, group_seed(seed, g.0)) {
            out.push((c, g, reason));
        }
    }
    Ok(out)
}

/// Starts the recheck of a final whose tasks are all locked (409 `scores_not_locked` before),
/// drawing the sample with a fresh recorded seed. 409 `recheck_pending` while one is open,
/// `recheck_done` once finished with corrections.
pub async fn start(db: &DatabaseConnection, actor: &Actor, id: StageId) -> AppResult<RecheckView> {
    let txn = crate::db::begin_write(db).await?;
    let s = stage(&txn, id).await?;
    if !final_stage::all_locked(&txn, id).await? {
        return Err(conflict(
            ErrorCode::ScoresNotLocked,
            "决赛还有项目未签字锁定，不能开始复核",
            "every task of the final must be locked before the recheck",
        ));
    }
    let last = latest(&txn, id).await?;
    match last.as_ref().map(|r| r.outcome.as_str()) {
        Some("") => {
            return Err(conflict(
                ErrorCode::RecheckPending,
                "复核正在进行",
                "a recheck is open",
            ));
        }
        Some("corrections") => {
            return Err(conflict(
                ErrorCode::RecheckDone,
                "复核已完成",
                "the recheck is finished",
            ));
        }
        _ => {}
    }
    let seed: u64 = rand::random();
    let chosen = selection(&txn, id, s.recheck_top.max(0) as u32, s.recheck_share, seed).await?;
    let stored: Vec<Chosen> = chosen
        .iter()
        .map(|(c, g, r)| Chosen {
            candidate_id: *c,
            group_id: g.0,
            reason: *r,
        })
        .collect();
    let round = last.map_or(1, |r| r.round + 1);
    let now = Utc::now();
    let row = recheck::ActiveModel {
        stage_id: Set(s.id),
        round: Set(round),
        seed: Set(seed.to_string()),
        selection: Set(serde_json::to_string(&stored).map_err(AppError::internal)?),
        started_at: Set(now),
        started_by: Set(actor.id),
        finished_at: Set(None),
        finished_by: Set(None),
        sheets: Set(None),
        wrong_sheets: Set(None),
        error_rate: Set(None),
        outcome: Set(String::new()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.recheck_start",
        "competition_stage",
        &s.id.to_string(),
        json!({"recheck_id": row.id, "round": round, "seed": seed.to_string(),
               "top": s.recheck_top, "share": s.recheck_share,
               "selected": stored.len(),
               "top_selected": stored.iter().filter(|c| c.reason == Reason::Top).count()}),
    )
    .await?;
    let v = view(&txn, id).await?;
    txn.commit().await?;
    Ok(v)
}

/// One aspect as re-entered.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub struct AspectEntry {
    /// The aspect, from 0.
    pub aspect: i32,
    /// The entry (as a judge enters it).
    pub entry: f64,
}

/// A sheet as the recheck team re-enters it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SheetEntries {
    /// The marking code.
    pub code: String,
    /// The task.
    pub task_id: i32,
    /// The judge whose sheet is rechecked.
    pub judge_id: i32,
    /// Every aspect of the scheme.
    pub entries: Vec<AspectEntry>,
}

async fn open_round(db: &impl ConnectionTrait, id: StageId) -> AppResult<recheck::Model> {
    match latest(db, id).await? {
        None => Err(conflict(
            ErrorCode::RecheckNotStarted,
            "复核尚未开始",
            "the recheck has not started",
        )),
        Some(r) if !r.outcome.is_empty() => Err(conflict(
            ErrorCode::RecheckDone,
            "复核已完成",
            "the recheck is finished",
        )),
        Some(r) => Ok(r),
    }
}

/// A member of the recheck team (a supervisor not on the task's panel) re-enters one sheet;
/// entering it again replaces it (idempotent).
pub async fn enter(
    db: &DatabaseConnection,
    actor: &Actor,
    id: StageId,
    sheet: &SheetEntries,
) -> AppResult<RecheckView> {
    let by = actor
        .id
        .ok_or_else(|| AppError::forbidden("a person rechecks"))?;
    let txn = crate::db::begin_write(db).await?;
    let r = open_round(&txn, id).await?;
    let session = session_of(&txn, id).await?;
    let t = judging::task(&txn, TaskId(sheet.task_id)).await?;
    if t.session_id != session {
        return Err(judging::task_not_found());
    }
    if judging::panel(&txn, t.id).await?.iter().any(|j| j.id == by) {
        return Err(AppError::forbidden_code(
            ErrorCode::SamePerson,
            "a judge on the task's panel does not recheck it",
        )
        .with_zh("本项目的考评员不能复核本项目"));
    }
    let placed = judging::by_code(&txn, t.id, &sheet.code).await?;
    let chosen: Vec<Chosen> = serde_json::from_str(&r.selection).map_err(AppError::internal)?;
    if !chosen.iter().any(|c| c.candidate_id == placed.candidate_id) {
        return Err(AppError::not_found(
            ErrorCode::UnknownCode,
            "this code is not selected for the recheck",
        )
        .with_zh("该检录号不在复核名单中"));
    }
    let marks = stored(&txn, session).await?;
    if !marks
        .keys()
        .any(|(c, tk, j, _)| *c == placed.candidate_id && *tk == t.id && *j == sheet.judge_id)
    {
        return Err(AppError::not_found(
            ErrorCode::MarkNotFound,
            "this judge has no sheet for this code",
        )
        .with_zh("该考评员没有该检录号的评分表"));
    }
    let n = t.scheme().len();
    let given: HashSet<i32> = sheet.entries.iter().map(|e| e.aspect).collect();
    if given.len() != sheet.entries.len() || (0..n as i32).any(|a| !given.contains(&a)) {
        return Err(AppError::unprocessable(
            ErrorCode::SheetIncomplete,
            "every aspect once, please",
        )
        .with_zh("请为每个评分项各录入一次"));
    }
    let now = Utc::now();
    for e in &sheet.entries {
        t.aspect(e.aspect)?
            .judge_mark(e.entry)
            .map_err(out_of_range)?;
        recheck_entry::Entity::insert(recheck_entry::ActiveModel {
            recheck_id: Set(r.id),
            candidate_id: Set(placed.candidate_id),
            task_id: Set(t.id),
            judge_id: Set(sheet.judge_id),
            aspect: Set(e.aspect),
            entry: Set(e.entry),
            entered_by: Set(by),
            entered_at: Set(now),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                recheck_entry::Column::RecheckId,
                recheck_entry::Column::CandidateId,
                recheck_entry::Column::TaskId,
                recheck_entry::Column::JudgeId,
                recheck_entry::Column::Aspect,
            ])
            .update_columns([
                recheck_entry::Column::Entry,
                recheck_entry::Column::EnteredBy,
                recheck_entry::Column::EnteredAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "competition.recheck_enter",
        "competition_recheck",
        &r.id.to_string(),
        json!({"task_id": t.id, "code": sheet.code.trim(), "judge_id": sheet.judge_id,
               "entries": sheet.entries.iter().map(|e| json!([e.aspect, e.entry])).collect::<Vec<_>>()}),
    )
    .await?;
    let v = view(&txn, id).await?;
    txn.commit().await?;
    Ok(v)
}

/// Finishes the recheck once every selected sheet is re-entered (409 `recheck_pending`
/// before): the error rate over sheets; above the limit every task of the final is reopened
/// for re-marking (audited), otherwise the differences go through corrections.
pub async fn finish(db: &DatabaseConnection, actor: &Actor, id: StageId) -> AppResult<RecheckView> {
    let txn = crate::db::begin_write(db).await?;
    let r = open_round(&txn, id).await?;
    let s = stage(&txn, id).await?;
    let v = view(&txn, id).await?;
    let missing: Vec<String> = v
        .candidates
        .iter()
        .filter(|c| c.sheets.iter().any(|s| !s.entered))
        .map(|c| c.code.clone())
        .collect();
    if !missing.is_empty() {
        return Err(AppError::conflict(
            ErrorCode::RecheckPending,
            format!(
                "sheets are still to be re-entered for codes {}",
                missing.join(", ")
            ),
        )
        .with_zh(format!(
            "检录号 {} 还有评分表未复核录入",
            missing.join("、")
        ))
        .with_details(json!({"codes": missing})));
    }
    let sheets: usize = v.candidates.iter().map(|c| c.sheets.len()).sum();
    let wrong: HashSet<(String, i32, i32)> = v
        .differences
        .iter()
        .map(|d| (d.code.clone(), d.task_id, d.judge_id))
        .collect();
    let rate = if sheets == 0 {
        0.0
    } else {
        wrong.len() as f64 / sheets as f64
    };
    let remark = remark_all(rate, s.recheck_error_limit);
    let outcome = if remark { "remark" } else { "corrections" };
    let now = Utc::now();
    let mut row: recheck::ActiveModel = r.clone().into();
    row.finished_at = Set(Some(now));
    row.finished_by = Set(actor.id);
    row.sheets = Set(Some(sheets as i32));
    row.wrong_sheets = Set(Some(wrong.len() as i32));
    row.error_rate = Set(Some(rate));
    row.outcome = Set(outcome.into());
    row.update(&txn).await?;
    if remark {
        let session = session_of(&txn, id).await?;
        crate::practical::signoff::reopen_all(
            &txn,
            session,
            actor,
            &format!(
                "复核差错率 {:.2}% 超过 {:.2}%，全部重新评分",
                rate * 100.0,
                s.recheck_error_limit * 100.0
            ),
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "competition.recheck_finish",
        "competition_recheck",
        &r.id.to_string(),
        json!({"stage_id": s.id, "sheets": sheets, "wrong_sheets": wrong.len(), "error_rate": rate,
               "limit": s.recheck_error_limit, "outcome": outcome,
               "differences": v.differences.len()}),
    )
    .await?;
    let v = view(&txn, id).await?;
    txn.commit().await?;
    Ok(v)
}
