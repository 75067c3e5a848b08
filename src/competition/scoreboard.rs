//! The live scoreboard (成绩大屏) of a competition: per event × group, the final's marking codes
//! with their locked task scores until results are published, then the latest publication
//! (names, stage scores, totals). The freeze (封榜): from the time staff set, the public gets the
//! board's bytes as they stood at that time, stored once and never recomputed. The award
//! ceremony reveal (颁奖揭晓) plays the frozen board up to the final results one step at a time
//! and, at its end, unfreezes. The rules are the pure [`super::scoreboard_rules`].
//!
//! What the public board shows between decryption and the first publication: still the codes
//! with their locked task scores; a name appears only through a publication.

use super::entity::{competition, contestant, event, group, stage};
use super::scoreboard_rules::{
    self as rules, BoardPhase, BoardTask, CodeScores, Section, SectionSource, Serve, Step,
};
use super::standings::Ranking;
use super::{
    CompetitionId, EventId, GroupId, PublicationState, StageId, StageKind, decryption, final_stage,
};
use crate::audit::{self, Actor};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

/// The board as the public (or, live, staff) sees it. No clock, count or progress figure is in
/// it beyond the results themselves, so a frozen board's bytes say nothing of what came after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Board {
    /// The competition's code (e.g. `DEMO26`).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Live, frozen or revealing.
    pub phase: BoardPhase,
    /// The freeze time staff set (封榜时间), if any.
    pub freeze_at: Option<DateTime<Utc>>,
    /// Per event × group.
    pub sections: Vec<Section>,
    /// The reveal's progress while it plays.
    pub reveal: Option<RevealProgress>,
}

/// Where the reveal stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RevealProgress {
    /// Steps taken.
    pub step: usize,
    /// Steps in all.
    pub steps: usize,
    /// The step just taken (for the page to animate).
    pub current: Option<Step>,
}

/// The stored reveal: the boards at both ends and the steps between.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Plan {
    frozen: Board,
    final_: Vec<Section>,
    steps: Vec<Step>,
}

/// What staff see in the console: the live board whatever the freeze, and the public's.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StaffBoard {
    /// The competition.
    pub competition_id: i32,
    /// The live board (never frozen).
    pub live: Board,
    /// What the public gets now.
    pub public: Board,
    /// The freeze time set.
    pub freeze_at: Option<DateTime<Utc>>,
    /// When the snapshot was actually stored (it holds the data as of `freeze_at`).
    pub snapshot_taken_at: Option<DateTime<Utc>>,
}

struct Record {
    freeze_at: Option<DateTime<Utc>>,
    snapshot: Option<String>,
    snapshot_taken_at: Option<DateTime<Utc>>,
    reveal: Option<String>,
    reveal_step: i32,
}

async fn record(db: &impl ConnectionTrait, cid: i32) -> AppResult<Option<Record>> {
    let Some(r) = db
        .query_one_raw(stmt(
            db,
            "SELECT freeze_at, snapshot, snapshot_taken_at, reveal, reveal_step \
             FROM competition_boards WHERE competition_id = ?",
            [cid.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Record {
        freeze_at: r.try_get("", "freeze_at")?,
        snapshot: r.try_get("", "snapshot")?,
        snapshot_taken_at: r.try_get("", "snapshot_taken_at")?,
        reveal: r.try_get("", "reveal")?,
        reveal_step: r.try_get("", "reveal_step")?,
    }))
}

fn not_found() -> AppError {
    AppError::not_found(ErrorCode::CompetitionNotFound, "no such competition")
        .with_zh("找不到该竞赛")
}

/// A competition by its code (public address of its board), or 404 `competition_not_found`.
pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> AppResult<CompetitionId> {
    competition::Entity::find()
        .filter(competition::Column::Code.eq(code.trim().to_uppercase()))
        .one(db)
        .await?
        .map(|c| CompetitionId(c.id))
        .ok_or_else(not_found)
}

/// The competition's sections as of `as_of` (none: now): what is published then, else the
/// final's codes with the tasks locked then.
async fn sections(
    db: &impl ConnectionTrait,
    cid: i32,
    as_of: Option<DateTime<Utc>>,
) -> AppResult<Vec<Section>> {
    let events = event::Entity::find()
        .filter(event::Column::CompetitionId.eq(cid))
        .order_by_asc(event::Column::Position)
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?;
    let groups = group::Entity::find()
        .filter(group::Column::CompetitionId.eq(cid))
        .order_by_asc(group::Column::Position)
        .order_by_asc(group::Column::Id)
        .all(db)
        .await?;
    let mut out = vec![];
    for e in &events {
        let final_stage = stage::Entity::find()
            .filter(stage::Column::EventId.eq(e.id))
            .filter(stage::Column::Kind.eq(StageKind::Practical.as_str()))
            .order_by_desc(stage::Column::Position)
            .one(db)
            .await?;
        let codes = match &final_stage {
            Some(s) => code_board(db, s, as_of).await?,
            None => None,
        };
        for g in &groups {
            let mut section = Section {
                event_id: e.id,
                event_name: e.name.clone(),
                group_id: g.id,
                group_name: g.name.clone(),
                source: SectionSource::Waiting,
                columns: vec![],
                rows: vec![],
            };
            if let Some((source, ranking)) =
                published(db, EventId(e.id), GroupId(g.id), as_of).await?
            {
                let (columns, rows) = rules::published_rows(&ranking);
                section.source = source;
                section.columns = columns;
                section.rows = rows;
            } else if let Some((titles, tasks, by_group)) = &codes {
                section.source = SectionSource::Codes;
                section.columns = titles.clone();
                section.rows =
                    rules::code_rows(tasks, by_group.get(&g.id).map_or(&[][..], |v| &v[..]));
            }
            out.push(section);
        }
    }
    Ok(out)
}

type CodeBoard = (Vec<String>, Vec<BoardTask>, HashMap<i32, Vec<CodeScores>>);

/// The final's task titles, tasks (locked as of `as_of`) and per group each marking code's
/// task scores; none until the marking codes are final (before 二次加密 a code is still the
/// 检录号 on the contestant's door slip, so it must not appear next to a score).
async fn code_board(
    db: &impl ConnectionTrait,
    s: &stage::Model,
    as_of: Option<DateTime<Utc>>,
) -> AppResult<Option<CodeBoard>> {
    let Some(session) = s.session_id else {
        return Ok(None);
    };
    let codes_final: Option<DateTime<Utc>> = db
        .query_one_raw(stmt(
            db,
            "SELECT codes_final_at FROM practical_parts WHERE session_id = ?",
            [session.into()],
        ))
        .await?
        .map(|r| r.try_get("", "codes_final_at"))
        .transpose()?
        .flatten();
    if !rules::counts(codes_final, as_of) {
        return Ok(None);
    }
    let mut ev = crate::practical::score::load_event(db, session).await?;
    let locked: HashMap<i32, Option<DateTime<Utc>>> = db
        .query_all_raw(stmt(
            db,
            "SELECT id, locked_at FROM practical_tasks WHERE session_id = ?",
            [session.into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "locked_at")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?;
    // A task counts as locked on this board only if it was locked by `as_of`.
    for t in &mut ev.tasks {
        t.locked = rules::counts(locked.get(&t.id).copied().flatten(), as_of);
    }
    let titles = ev.tasks.iter().map(|t| t.title.clone()).collect();
    let tasks = ev
        .tasks
        .iter()
        .map(|t| BoardTask {
            weight: t.weight,
            locked: t.locked,
        })
        .collect();
    let group_of: HashMap<i32, i32> = final_stage::anonymous_groups(db, StageId(s.id))
        .await?
        .into_iter()
        .map(|(c, g)| (c, g.0))
        .collect();
    let mut by_group: HashMap<i32, Vec<CodeScores>> = HashMap::new();
    for (c, r) in ev.candidates.iter().zip(ev.results()) {
        let (Some(code), Some(g)) = (&c.code, group_of.get(&c.id)) else {
            continue;
        };
        by_group.entry(*g).or_default().push(CodeScores {
            code: code.clone(),
            tasks: r.tasks.iter().map(|t| t.outcome.score).collect(),
        });
    }
    Ok(Some((titles, tasks, by_group)))
}

/// The newest publication of an event's group published by `as_of` (none: now).
async fn published(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
    as_of: Option<DateTime<Utc>>,
) -> AppResult<Option<(SectionSource, Ranking)>> {
    let newest = super::publication::history(db, event, group)
        .await?
        .into_iter()
        .find(|p| rules::counts(Some(p.published_at), as_of));
    Ok(newest.map(|p| {
        let source = match p.state {
            PublicationState::Provisional => SectionSource::Provisional,
            PublicationState::Final => SectionSource::Final,
        };
        (source, p.ranking)
    }))
}

async fn header(db: &impl ConnectionTrait, cid: i32) -> AppResult<competition::Model> {
    competition::Entity::find_by_id(cid)
        .one(db)
        .await?
        .ok_or_else(not_found)
}

/// The live board, whatever the freeze (staff).
async fn live_board(
    db: &impl ConnectionTrait,
    cid: i32,
    phase: BoardPhase,
    freeze_at: Option<DateTime<Utc>>,
    as_of: Option<DateTime<Utc>>,
) -> AppResult<Board> {
    let c = header(db, cid).await?;
    Ok(Board {
        code: c.code,
        name: c.name,
        phase,
        freeze_at,
        sections: sections(db, cid, as_of).await?,
        reveal: None,
    })
}

fn board_of(plan: &Plan, step: usize) -> Board {
    let n = step.min(plan.steps.len());
    Board {
        phase: BoardPhase::Reveal,
        sections: rules::apply_plan(&plan.frozen.sections, &plan.final_, &plan.steps, n),
        reveal: Some(RevealProgress {
            step: n,
            steps: plan.steps.len(),
            current: n.checked_sub(1).and_then(|i| plan.steps.get(i)).cloned(),
        }),
        ..plan.frozen.clone()
    }
}

fn plan_of(text: &str) -> AppResult<Plan> {
    serde_json::from_str(text).map_err(AppError::internal)
}

/// What the public gets now, as bytes (the JSON every public route serves), and when it will
/// change by itself (a freeze still to come). Takes the snapshot when the freeze time has
/// passed and none is stored yet.
pub async fn public_bytes(
    db: &DatabaseConnection,
    cid: CompetitionId,
    now: DateTime<Utc>,
) -> AppResult<(Vec<u8>, Option<DateTime<Utc>>)> {
    let rec = record(db, cid.0).await?;
    let (freeze_at, snapshot, reveal, step) = match &rec {
        Some(r) => (
            r.freeze_at,
            r.snapshot.clone(),
            r.reveal.clone(),
            r.reveal_step,
        ),
        None => (None, None, None, 0),
    };
    match rules::serve(now, freeze_at, snapshot.is_some(), reveal.is_some()) {
        Serve::Reveal => {
            let plan = plan_of(reveal.as_deref().unwrap_or_default())?;
            let b = board_of(&plan, usize::try_from(step).unwrap_or(0));
            Ok((serde_json::to_vec(&b).map_err(AppError::internal)?, None))
        }
        Serve::Snapshot => Ok((snapshot.unwrap_or_default().into_bytes(), None)),
        Serve::TakeSnapshot(at) => Ok((take_snapshot(db, cid.0, at, now).await?, None)),
        Serve::Live => {
            let b = live_board(db, cid.0, BoardPhase::Live, freeze_at, None).await?;
            Ok((
                serde_json::to_vec(&b).map_err(AppError::internal)?,
                freeze_at.filter(|t| *t > now),
            ))
        }
    }
}

/// Stores the board as of `at` (the freeze time) unless a snapshot is already stored (another
/// instance's, or an earlier call's), and returns the stored one.
async fn take_snapshot(
    db: &impl ConnectionTrait,
    cid: i32,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<u8>> {
    let b = live_board(db, cid, BoardPhase::Frozen, Some(at), Some(at)).await?;
    let text = serde_json::to_string(&b).map_err(AppError::internal)?;
    db.execute_raw(stmt(
        db,
        "UPDATE competition_boards SET snapshot = ?, snapshot_taken_at = ?, updated_at = ? \
         WHERE competition_id = ? AND snapshot IS NULL AND freeze_at = ?",
        [
            text.clone().into(),
            now.into(),
            now.into(),
            cid.into(),
            at.into(),
        ],
    ))
    .await?;
    Ok(record(db, cid)
        .await?
        .and_then(|r| r.snapshot)
        .unwrap_or(text)
        .into_bytes())
}

/// The console's view (admins).
pub async fn staff_view(
    db: &DatabaseConnection,
    cid: CompetitionId,
    now: DateTime<Utc>,
) -> AppResult<StaffBoard> {
    header(db, cid.0).await?;
    let (public, _) = public_bytes(db, cid, now).await?;
    let public: Board = serde_json::from_slice(&public).map_err(AppError::internal)?;
    let rec = record(db, cid.0).await?;
    let freeze_at = rec.as_ref().and_then(|r| r.freeze_at);
    Ok(StaffBoard {
        competition_id: cid.0,
        live: live_board(db, cid.0, BoardPhase::Live, freeze_at, None).await?,
        public,
        freeze_at,
        snapshot_taken_at: rec.and_then(|r| r.snapshot_taken_at),
    })
}

fn conflict(code: ErrorCode, en: &str, zh: &str) -> AppError {
    AppError::conflict(code, en).with_zh(zh)
}

/// Sets the freeze time (封榜时间); a time already past freezes now (a board never goes back
/// to an older state the public has already seen past). 409 `board_frozen` once the snapshot
/// is taken (lift the freeze first), `reveal_in_progress` during a reveal.
pub async fn set_freeze(
    db: &DatabaseConnection,
    actor: &Actor,
    cid: CompetitionId,
    freeze_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let at = freeze_at.max(now);
    let txn = crate::db::begin_write(db).await?;
    header(&txn, cid.0).await?;
    let rec = record(&txn, cid.0).await?;
    if rec.as_ref().is_some_and(|r| r.reveal.is_some()) {
        return Err(reveal_in_progress());
    }
    if rec.as_ref().is_some_and(|r| r.snapshot.is_some()) {
        return Err(conflict(
            ErrorCode::BoardFrozen,
            "the board is frozen already: lift the freeze first to set another time",
            "成绩大屏已封榜；如需更改封榜时间，请先解除封榜",
        ));
    }
    if rec.is_none() {
        txn.execute_raw(stmt(
            &txn,
            "INSERT INTO competition_boards (competition_id, freeze_at, reveal_step, updated_at) \
             VALUES (?, ?, 0, ?)",
            [cid.0.into(), at.into(), now.into()],
        ))
        .await?;
    } else {
        txn.execute_raw(stmt(
            &txn,
            "UPDATE competition_boards SET freeze_at = ?, updated_at = ? WHERE competition_id = ?",
            [at.into(), now.into(), cid.0.into()],
        ))
        .await?;
    }
    if at <= now {
        take_snapshot(&txn, cid.0, at, now).await?;
    }
    audit::record(
        &txn,
        actor,
        "competition.board_freeze",
        "competition",
        &cid.0.to_string(),
        json!({ "freeze_at": at }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn reveal_in_progress() -> AppError {
    conflict(
        ErrorCode::RevealInProgress,
        "the award ceremony reveal is playing: end it first",
        "颁奖揭晓正在进行，请先结束揭晓",
    )
}

fn reveal_not_started() -> AppError {
    conflict(
        ErrorCode::RevealNotStarted,
        "no award ceremony reveal is playing",
        "颁奖揭晓尚未开始",
    )
}

/// Lifts the freeze (or cancels one still to come): the public sees live data again.
/// 409 `reveal_in_progress` during a reveal.
pub async fn lift_freeze(
    db: &DatabaseConnection,
    actor: &Actor,
    cid: CompetitionId,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    header(&txn, cid.0).await?;
    if record(&txn, cid.0)
        .await?
        .is_some_and(|r| r.reveal.is_some())
    {
        return Err(reveal_in_progress());
    }
    clear(&txn, cid.0, now).await?;
    audit::record(
        &txn,
        actor,
        "competition.board_unfreeze",
        "competition",
        &cid.0.to_string(),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn clear(db: &impl ConnectionTrait, cid: i32, now: DateTime<Utc>) -> AppResult<()> {
    db.execute_raw(stmt(
        db,
        "UPDATE competition_boards SET freeze_at = NULL, snapshot = NULL, snapshot_taken_at = NULL, \
         reveal = NULL, reveal_step = 0, updated_at = ? WHERE competition_id = ?",
        [now.into(), cid.into()],
    ))
    .await?;
    Ok(())
}

/// Which final line each frozen marking code belongs to, from the decrypted mapping: code →
/// contestant → their line (their team's for a team event).
async fn owners(
    db: &impl ConnectionTrait,
    cid: i32,
    final_: &[(Section, Ranking)],
) -> AppResult<HashMap<String, String>> {
    let mut line_of_contestant: HashMap<i32, String> = HashMap::new();
    let mut line_of_team: HashMap<i32, String> = HashMap::new();
    for (_, r) in final_ {
        for row in &r.rows {
            let key = rules::published_key(&row.number);
            if let Some(c) = row.contestant_id {
                line_of_contestant.insert(c, key.clone());
            }
            if let Some(t) = row.team_id {
                line_of_team.insert(t, key);
            }
        }
    }
    let team_of: HashMap<i32, Option<i32>> = contestant::Entity::find()
        .filter(contestant::Column::CompetitionId.eq(cid))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.team_id))
        .collect();
    let mut out = HashMap::new();
    let events: Vec<i32> = final_.iter().map(|(s, _)| s.event_id).collect();
    for e in events {
        let Some(s) = stage::Entity::find()
            .filter(stage::Column::EventId.eq(e))
            .filter(stage::Column::Kind.eq(StageKind::Practical.as_str()))
            .order_by_desc(stage::Column::Position)
            .one(db)
            .await?
        else {
            continue;
        };
        let (Some(session), Some(opened)) =
            (s.session_id, decryption::opened(db, StageId(s.id)).await?)
        else {
            continue;
        };
        let codes: HashMap<i32, String> = crate::practical::score::load_event(db, session)
            .await?
            .candidates
            .into_iter()
            .filter_map(|c| c.code.map(|code| (c.id, code)))
            .collect();
        for (contestant, candidate) in opened {
            let line = team_of
                .get(&contestant.0)
                .copied()
                .flatten()
                .and_then(|t| line_of_team.get(&t))
                .or_else(|| line_of_contestant.get(&contestant.0));
            if let (Some(code), Some(line)) = (codes.get(&candidate), line) {
                out.insert(format!("c:{code}"), line.clone());
            }
        }
    }
    Ok(out)
}

/// Starts the award ceremony reveal from the frozen board to the final results: 409
/// `board_not_frozen` without a snapshot, `reveal_in_progress`, `reveal_not_ready` unless every
/// event × group has its final publication.
pub async fn start_reveal(
    db: &DatabaseConnection,
    actor: &Actor,
    cid: CompetitionId,
    now: DateTime<Utc>,
) -> AppResult<RevealProgress> {
    // Take a snapshot that is due before looking (the freeze may have just passed).
    public_bytes(db, cid, now).await?;
    let txn = crate::db::begin_write(db).await?;
    header(&txn, cid.0).await?;
    let rec = record(&txn, cid.0).await?;
    let Some(rec) = rec.filter(|r| r.snapshot.is_some()) else {
        return Err(conflict(
            ErrorCode::BoardNotFrozen,
            "the board is not frozen: there is nothing to reveal from",
            "成绩大屏尚未封榜，无从揭晓",
        ));
    };
    if rec.reveal.is_some() {
        return Err(reveal_in_progress());
    }
    let frozen: Board = serde_json::from_str(rec.snapshot.as_deref().unwrap_or_default())
        .map_err(AppError::internal)?;
    let live = sections(&txn, cid.0, None).await?;
    let mut finals: Vec<(Section, Ranking)> = vec![];
    let mut empty: Vec<Section> = vec![];
    for s in &live {
        let was_empty = frozen
            .sections
            .iter()
            .find(|f| f.event_id == s.event_id && f.group_id == s.group_id)
            .is_none_or(|f| f.rows.is_empty());
        match published(&txn, EventId(s.event_id), GroupId(s.group_id), None).await? {
            Some((SectionSource::Final, r)) => finals.push((s.clone(), r)),
            // A group nobody competed in has nothing to reveal.
            _ if s.rows.is_empty() && was_empty => empty.push(s.clone()),
            _ => {
                return Err(conflict(
                    ErrorCode::RevealNotReady,
                    &format!(
                        "{} / {} has no final results yet",
                        s.event_name, s.group_name
                    ),
                    &format!(
                        "{}·{} 的最终成绩尚未发布，不能揭晓",
                        s.event_name, s.group_name
                    ),
                ));
            }
        }
    }
    let owner = owners(&txn, cid.0, &finals).await?;
    let order: Vec<(i32, i32)> = live.iter().map(|s| (s.event_id, s.group_id)).collect();
    let mut final_: Vec<Section> = finals.into_iter().map(|(s, _)| s).chain(empty).collect();
    final_.sort_by_key(|s| order.iter().position(|k| *k == (s.event_id, s.group_id)));
    let steps = rules::reveal_plan(&frozen.sections, &final_, &owner);
    let plan = Plan {
        frozen,
        final_,
        steps,
    };
    let text = serde_json::to_string(&plan).map_err(AppError::internal)?;
    txn.execute_raw(stmt(
        &txn,
        "UPDATE competition_boards SET reveal = ?, reveal_step = 0, updated_at = ? WHERE competition_id = ?",
        [text.into(), now.into(), cid.0.into()],
    ))
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.reveal_start",
        "competition",
        &cid.0.to_string(),
        json!({ "steps": plan.steps.len() }),
    )
    .await?;
    txn.commit().await?;
    Ok(progress(&plan, 0))
}

fn progress(plan: &Plan, step: usize) -> RevealProgress {
    board_of(plan, step).reveal.unwrap_or(RevealProgress {
        step,
        steps: plan.steps.len(),
        current: None,
    })
}

/// The next step (下一步). 409 `reveal_not_started`, `reveal_done` after the last step.
pub async fn next_step(
    db: &DatabaseConnection,
    actor: &Actor,
    cid: CompetitionId,
    now: DateTime<Utc>,
) -> AppResult<RevealProgress> {
    let txn = crate::db::begin_write(db).await?;
    header(&txn, cid.0).await?;
    let rec = record(&txn, cid.0).await?;
    let Some((text, step)) = rec.and_then(|r| r.reveal.map(|t| (t, r.reveal_step))) else {
        return Err(reveal_not_started());
    };
    let plan = plan_of(&text)?;
    let step = usize::try_from(step).unwrap_or(0);
    if step >= plan.steps.len() {
        return Err(conflict(
            ErrorCode::RevealDone,
            "every step is revealed: end the reveal to unfreeze the board",
            "已全部揭晓，请结束揭晓以解除封榜",
        ));
    }
    txn.execute_raw(stmt(
        &txn,
        "UPDATE competition_boards SET reveal_step = ?, updated_at = ? WHERE competition_id = ?",
        [
            i32::try_from(step + 1).unwrap_or(i32::MAX).into(),
            now.into(),
            cid.0.into(),
        ],
    ))
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.reveal_step",
        "competition",
        &cid.0.to_string(),
        json!({ "step": step + 1 }),
    )
    .await?;
    txn.commit().await?;
    Ok(progress(&plan, step + 1))
}

/// Ends the reveal: the board unfreezes and shows the final results live. 409
/// `reveal_not_started`.
pub async fn end_reveal(
    db: &DatabaseConnection,
    actor: &Actor,
    cid: CompetitionId,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    header(&txn, cid.0).await?;
    let Some(rec) = record(&txn, cid.0).await?.filter(|r| r.reveal.is_some()) else {
        return Err(reveal_not_started());
    };
    clear(&txn, cid.0, now).await?;
    audit::record(
        &txn,
        actor,
        "competition.reveal_end",
        "competition",
        &cid.0.to_string(),
        json!({ "step": rec.reveal_step }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The competition a practical session belongs to (its final), for telling the board that
/// marks were locked.
pub async fn of_session(db: &impl ConnectionTrait, session: i32) -> AppResult<Option<i32>> {
    Ok(db
        .query_one_raw(stmt(
            db,
            "SELECT e.competition_id AS c FROM competition_stages s \
             JOIN competition_events e ON e.id = s.event_id WHERE s.session_id = ?",
            [session.into()],
        ))
        .await?
        .map(|r| r.try_get("", "c"))
        .transpose()?)
}

/// The competition of an event.
pub async fn of_event(db: &impl ConnectionTrait, event: EventId) -> AppResult<Option<i32>> {
    Ok(event::Entity::find_by_id(event.0)
        .one(db)
        .await?
        .map(|e| e.competition_id))
}
