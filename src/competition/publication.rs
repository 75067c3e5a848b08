//! Publishing an event group's results: provisional results (成绩公示) with an appeal window,
//! re-publication after corrections, and final results (最终成绩). Each publication stores the
//! ranking it published, so what contestants saw is never recomputed; each later version lists
//! what changed since the one before and why ([`diff`], pure).

use super::entity::publication;
use super::standings::{self, RankedRow, Ranking};
use super::{CompetitionId, EventId, GroupId, PublicationState, appeals};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// The longest appeal window: one week, in minutes.
pub const MAX_WINDOW_MINUTES: u32 = 7 * 24 * 60;

/// The appeal window of a provisional publication, in minutes (0: none), parsed once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealWindow(u32);

impl AppealWindow {
    /// 0 to [`MAX_WINDOW_MINUTES`]; anything else is refused (`bad_appeal_window`).
    pub fn parse(minutes: u32) -> AppResult<AppealWindow> {
        if minutes > MAX_WINDOW_MINUTES {
            return Err(AppError::unprocessable(
                ErrorCode::BadAppealWindow,
                format!("the appeal window is 0 to {MAX_WINDOW_MINUTES} minutes"),
            )
            .with_zh(format!("申诉期须为 0–{MAX_WINDOW_MINUTES} 分钟")));
        }
        Ok(AppealWindow(minutes))
    }

    /// When it closes for a publication at `now`.
    pub fn closes(self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::minutes(i64::from(self.0))
    }
}

/// One published version of an event group's results.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Publication {
    /// Id.
    pub id: i32,
    /// The event.
    pub event_id: i32,
    /// The group.
    pub group_id: i32,
    /// 1, 2, … per event and group.
    pub version: i32,
    /// Provisional or final.
    pub state: PublicationState,
    /// The ranking as published.
    pub ranking: Ranking,
    /// What changed since the previous version (empty for the first).
    pub changes: Vec<RowChange>,
    /// Why it was published.
    pub reason: String,
    /// When.
    pub published_at: DateTime<Utc>,
    /// By whom (staff id).
    pub published_by: Option<i32>,
    /// When the appeal window closes (provisional only).
    pub appeal_closes_at: Option<DateTime<Utc>>,
}

/// A line of the results that differs between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RowChange {
    /// The contestant (individual events).
    pub contestant_id: Option<i32>,
    /// The team (team events).
    pub team_id: Option<i32>,
    /// 参赛证号.
    pub number: String,
    /// Name.
    pub name: String,
    /// Rank before (none: unranked or not listed).
    pub before_rank: Option<u32>,
    /// Rank after.
    pub after_rank: Option<u32>,
    /// Total before.
    pub before_total: Option<f64>,
    /// Total after.
    pub after_total: Option<f64>,
    /// Stage scores before, in stage order.
    pub before_stages: Vec<Option<f64>>,
    /// Stage scores after.
    pub after_stages: Vec<Option<f64>>,
    /// Why, when an upheld appeal explains it (the arbitration's reason).
    pub why: Option<String>,
}

/// A line's identity across versions.
fn line_key(r: &RankedRow) -> (Option<i32>, Option<i32>, String) {
    (r.contestant_id, r.team_id, r.number.clone())
}

/// Hundredths, as shown: noise below a cent is no change.
fn cents(v: Option<f64>) -> Option<i64> {
    v.map(|x| (x * 100.0).round() as i64)
}

/// The lines whose rank, total or stage scores differ between `before` and `after` (and lines
/// only in one of them), in the order of `after` then the removed ones. Pure.
pub fn diff(before: &Ranking, after: &Ranking) -> Vec<RowChange> {
    let old: BTreeMap<_, &RankedRow> = before.rows.iter().map(|r| (line_key(r), r)).collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = vec![];
    let change = |b: Option<&RankedRow>, a: Option<&RankedRow>| -> Option<RowChange> {
        let same = match (b, a) {
            (Some(b), Some(a)) => {
                b.rank == a.rank
                    && cents(b.total) == cents(a.total)
                    && b.stages.len() == a.stages.len()
                    && b.stages
                        .iter()
                        .zip(&a.stages)
                        .all(|(x, y)| cents(*x) == cents(*y))
            }
            _ => false,
        };
        if same {
            return None;
        }
        let any = a.or(b)?;
        Some(RowChange {
            contestant_id: any.contestant_id,
            team_id: any.team_id,
            number: any.number.clone(),
            name: any.name.clone(),
            before_rank: b.and_then(|r| r.rank),
            after_rank: a.and_then(|r| r.rank),
            before_total: b.and_then(|r| r.total),
            after_total: a.and_then(|r| r.total),
            before_stages: b.map(|r| r.stages.clone()).unwrap_or_default(),
            after_stages: a.map(|r| r.stages.clone()).unwrap_or_default(),
            why: None,
        })
    };
    for a in &after.rows {
        let k = line_key(a);
        let b = old.get(&k).copied();
        seen.insert(k);
        out.extend(change(b, Some(a)));
    }
    for b in &before.rows {
        if !seen.contains(&line_key(b)) {
            out.extend(change(Some(b), None));
        }
    }
    out
}

fn read(m: publication::Model) -> AppResult<Publication> {
    Ok(Publication {
        id: m.id,
        event_id: m.event_id,
        group_id: m.group_id,
        version: m.version,
        state: PublicationState::parse(&m.state).unwrap_or(PublicationState::Provisional),
        ranking: serde_json::from_str(&m.ranking).map_err(AppError::internal)?,
        changes: serde_json::from_str(&m.changes).map_err(AppError::internal)?,
        reason: m.reason,
        published_at: m.published_at,
        published_by: m.published_by,
        appeal_closes_at: m.appeal_closes_at,
    })
}

/// Every publication of an event group, newest first.
pub async fn history(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
) -> AppResult<Vec<Publication>> {
    publication::Entity::find()
        .filter(publication::Column::EventId.eq(event.0))
        .filter(publication::Column::GroupId.eq(group.0))
        .order_by_desc(publication::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(read)
        .collect()
}

async fn latest_model(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
) -> AppResult<Option<publication::Model>> {
    Ok(publication::Entity::find()
        .filter(publication::Column::EventId.eq(event.0))
        .filter(publication::Column::GroupId.eq(group.0))
        .order_by_desc(publication::Column::Version)
        .one(db)
        .await?)
}

/// The newest publication of an event group, if any.
pub async fn latest(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
) -> AppResult<Option<Publication>> {
    latest_model(db, event, group).await?.map(read).transpose()
}

/// The final publication of an event group, once there is one.
pub async fn final_of(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
) -> AppResult<Option<Publication>> {
    Ok(latest(db, event, group)
        .await?
        .filter(|p| p.state == PublicationState::Final))
}

/// The newest publication of every event group of a competition (event, then group order).
pub async fn of_competition(
    db: &impl ConnectionTrait,
    competition: CompetitionId,
) -> AppResult<Vec<Publication>> {
    use super::entity::event;
    let events: Vec<i32> = event::Entity::find()
        .filter(event::Column::CompetitionId.eq(competition.0))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    if events.is_empty() {
        return Ok(vec![]);
    }
    let mut newest: BTreeMap<(i32, i32), publication::Model> = BTreeMap::new();
    for m in publication::Entity::find()
        .filter(publication::Column::EventId.is_in(events))
        .all(db)
        .await?
    {
        let k = (m.event_id, m.group_id);
        if newest.get(&k).is_none_or(|n| n.version < m.version) {
            newest.insert(k, m);
        }
    }
    newest.into_values().map(read).collect()
}

fn already_final() -> AppError {
    AppError::conflict(ErrorCode::AlreadyFinal, "the results are final already")
        .with_zh("成绩已确认为最终成绩，不能再公示或修改")
}

/// Stores a version in the caller's transaction and audits it.
#[allow(clippy::too_many_arguments)]
async fn store(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    previous: Option<&Publication>,
    ranking: Ranking,
    state: PublicationState,
    mut changes: Vec<RowChange>,
    reason: &str,
    closes: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> AppResult<Publication> {
    let (event, group) = (ranking.event_id, ranking.group_id);
    let version = previous.map_or(1, |p| p.version + 1);
    if previous.is_none() {
        changes.clear();
    }
    let m = publication::ActiveModel {
        event_id: Set(event),
        group_id: Set(group),
        version: Set(version),
        state: Set(state.as_str().into()),
        ranking: Set(serde_json::to_string(&ranking).map_err(AppError::internal)?),
        changes: Set(serde_json::to_string(&changes).map_err(AppError::internal)?),
        reason: Set(reason.trim().to_string()),
        published_at: Set(now),
        published_by: Set(actor.id),
        appeal_closes_at: Set(closes),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        match state {
            PublicationState::Provisional => "competition.publish_provisional",
            PublicationState::Final => "competition.publish_final",
        },
        "competition_event",
        &event.to_string(),
        json!({"group_id": group, "version": version, "changes": changes.len(),
               "reason": reason.trim(), "appeal_closes_at": closes}),
    )
    .await?;
    read(m)
}

/// Publishes the provisional results (公示) of an event group on its current ranking, with an
/// appeal window from `now`. Publishing again (after a correction) makes a new version that
/// lists what changed; it needs a reason (`reason_required`). Refused once final
/// (`already_final`) and while the ranking is (`scores_not_locked`, `not_decrypted`).
pub async fn publish_provisional(
    db: &DatabaseConnection,
    actor: &Actor,
    event: EventId,
    group: GroupId,
    window: AppealWindow,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<Publication> {
    let txn = crate::db::begin_write(db).await?;
    // Two organisers publishing at once on PostgreSQL: the second waits and makes the next
    // version instead of failing on the version's unique index.
    crate::db::lock_row(&txn, "competition_events", event.0).await?;
    let previous = latest(&txn, event, group).await?;
    if previous
        .as_ref()
        .is_some_and(|p| p.state == PublicationState::Final)
    {
        return Err(already_final());
    }
    if previous.is_some() && reason.trim().is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::ReasonRequired,
            "say why the results are published again",
        )
        .with_zh("重新公示须说明原因"));
    }
    let ranking = standings::ranking(&txn, event, group).await?;
    let mut changes = previous
        .as_ref()
        .map(|p| diff(&p.ranking, &ranking))
        .unwrap_or_default();
    explain(&txn, event, group, &mut changes).await?;
    let p = store(
        &txn,
        actor,
        previous.as_ref(),
        ranking,
        PublicationState::Provisional,
        changes,
        reason,
        Some(window.closes(now)),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(p)
}

/// Fills each change's `why` from the upheld appeals' reasons.
async fn explain(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
    changes: &mut [RowChange],
) -> AppResult<()> {
    let reasons: HashMap<i32, String> = appeals::reasons(db, event, group).await?;
    for c in changes {
        if let Some(r) = c.contestant_id.and_then(|id| reasons.get(&id)) {
            c.why = Some(r.clone());
        }
    }
    Ok(())
}

/// Makes the results final (最终成绩) on the current ranking, once a provisional version is
/// published, its appeal window has closed and every appeal is decided. Refused:
/// `not_published`, `already_final`, `appeal_window_open`, `appeals_pending`. The final
/// version lists what changed since the last provisional one and why.
pub async fn publish_final(
    db: &DatabaseConnection,
    actor: &Actor,
    event: EventId,
    group: GroupId,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<Publication> {
    let txn = crate::db::begin_write(db).await?;
    // Two organisers publishing at once on PostgreSQL: the second waits and makes the next
    // version instead of failing on the version's unique index.
    crate::db::lock_row(&txn, "competition_events", event.0).await?;
    let Some(previous) = latest(&txn, event, group).await? else {
        return Err(AppError::conflict(
            ErrorCode::NotPublished,
            "publish the provisional results first",
        )
        .with_zh("请先公示成绩"));
    };
    if previous.state == PublicationState::Final {
        return Err(already_final());
    }
    if let Some(closes) = previous.appeal_closes_at.filter(|c| *c > now) {
        return Err(AppError::conflict(
            ErrorCode::AppealWindowOpen,
            format!("the appeal window is open until {closes}"),
        )
        .with_zh(format!(
            "申诉期尚未结束（至 {}），不能确认最终成绩",
            crate::exam::results::beijing_time(closes)
        ))
        .with_details(json!({"appeal_closes_at": closes})));
    }
    let open = appeals::undecided(&txn, event, group).await?;
    if open > 0 {
        return Err(AppError::conflict(
            ErrorCode::AppealsPending,
            format!("{open} appeal(s) are not decided yet"),
        )
        .with_zh(format!("还有 {open} 件申诉未处理完毕，不能确认最终成绩"))
        .with_details(json!({"undecided": open})));
    }
    let ranking = standings::ranking(&txn, event, group).await?;
    let mut changes = diff(&previous.ranking, &ranking);
    explain(&txn, event, group, &mut changes).await?;
    let p = store(
        &txn,
        actor,
        Some(&previous),
        ranking,
        PublicationState::Final,
        changes,
        reason,
        None,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::competition::{EventKind, StageKind};

    fn row(id: i32, rank: Option<u32>, total: Option<f64>, stages: Vec<Option<f64>>) -> RankedRow {
        RankedRow {
            rank,
            shared: false,
            above: None,
            below: None,
            note_zh: None,
            note_en: None,
            contestant_id: Some(id),
            team_id: None,
            number: format!("N{id}"),
            name: format!("选手{id}"),
            members: vec![],
            organisation: String::new(),
            total,
            stages,
            modules: vec![],
            time_secs: None,
        }
    }

    fn table(rows: Vec<RankedRow>) -> Ranking {
        Ranking {
            event_id: 1,
            event_name: "赛项".into(),
            group_id: 1,
            group_name: "职工组".into(),
            kind: EventKind::Individual,
            chain: vec![],
            stages: vec![standings::StageColumn {
                stage_id: 1,
                name: "决赛".into(),
                kind: StageKind::Practical,
                weight: 1.0,
            }],
            modules: vec![],
            rows,
        }
    }

    #[test]
    fn the_same_results_published_again_list_no_change() {
        let t = table(vec![row(1, Some(1), Some(90.0), vec![Some(90.0)])]);
        assert!(diff(&t, &t.clone()).is_empty());
    }

    #[test]
    fn noise_below_a_hundredth_is_not_a_change() {
        let a = table(vec![row(1, Some(1), Some(90.0), vec![Some(90.0)])]);
        let b = table(vec![row(1, Some(1), Some(90.0001), vec![Some(90.0001)])]);
        assert!(diff(&a, &b).is_empty());
    }

    #[test]
    fn a_corrected_score_lists_the_line_and_every_line_whose_rank_moved() {
        let a = table(vec![
            row(1, Some(1), Some(90.0), vec![Some(90.0)]),
            row(2, Some(2), Some(85.0), vec![Some(85.0)]),
            row(3, Some(3), Some(80.0), vec![Some(80.0)]),
        ]);
        let b = table(vec![
            row(2, Some(1), Some(95.0), vec![Some(95.0)]),
            row(1, Some(2), Some(90.0), vec![Some(90.0)]),
            row(3, Some(3), Some(80.0), vec![Some(80.0)]),
        ]);
        let d = diff(&a, &b);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].contestant_id, Some(2));
        assert_eq!((d[0].before_rank, d[0].after_rank), (Some(2), Some(1)));
        assert_eq!(
            (d[0].before_total, d[0].after_total),
            (Some(85.0), Some(95.0))
        );
        assert_eq!(d[1].contestant_id, Some(1));
        assert_eq!((d[1].before_rank, d[1].after_rank), (Some(1), Some(2)));
    }

    #[test]
    fn lines_added_or_removed_are_listed_with_the_missing_side_empty() {
        let a = table(vec![row(1, Some(1), Some(90.0), vec![Some(90.0)])]);
        let b = table(vec![row(2, None, None, vec![None])]);
        let d = diff(&a, &b);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].contestant_id, Some(2));
        assert!(d[0].before_stages.is_empty());
        assert_eq!(d[1].contestant_id, Some(1));
        assert!(d[1].after_stages.is_empty());
        assert_eq!(d[1].after_rank, None);
    }

    #[test]
    fn an_appeal_window_over_a_week_is_refused() {
        assert!(AppealWindow::parse(MAX_WINDOW_MINUTES).is_ok());
        assert!(AppealWindow::parse(0).is_ok());
        let e = AppealWindow::parse(MAX_WINDOW_MINUTES + 1).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadAppealWindow);
    }

    #[test]
    fn the_window_closes_its_length_after_publication() {
        let now = Utc::now();
        let w = AppealWindow::parse(120).unwrap();
        assert_eq!(w.closes(now), now + Duration::hours(2));
    }
}
