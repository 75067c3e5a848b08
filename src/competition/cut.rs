//! The qualifying cut (晋级) from one stage to the next, per group: a pure rule over the stage's
//! scores, then the preview and the staff confirmation that admits the qualifiers.
//!
//! Everyone tied at the cut advances (TopN/TopPercent compare ranks, not positions). Only
//! contestants who finished the stage are ranked; absent or unfinished ones never advance.

use super::entity::{contestant, group, stage, stage_entry};
use super::{CutRule, GroupId, StageId, theory};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::outcome::{self, Standing};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

/// One contestant's stage result as the cut sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sat {
    /// Score out of 100; none when absent.
    pub score: Option<f64>,
    /// Finished (submitted and fully marked).
    pub finished: bool,
}

/// One contestant's fate under the cut, in input order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fate {
    /// Rank among those who finished ("1224"); none for absent or unfinished.
    pub rank: Option<usize>,
    /// Advances to the next stage.
    pub advances: bool,
}

/// How many places a TopPercent cut fills: ⌈p · sat / 100⌉ (at least one when anyone sat).
/// The small slack keeps 30 % of 10 at 3, not 4 from binary noise.
pub fn percent_places(percent: f64, sat: usize) -> usize {
    if sat == 0 || !percent.is_finite() || percent <= 0.0 {
        return 0;
    }
    let n = (percent.min(100.0) * sat as f64 / 100.0 - 1e-9).ceil() as usize;
    n.clamp(1, sat)
}

fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// The cut over one group's results.
pub fn apply(rule: CutRule, results: &[Sat]) -> Vec<Fate> {
    let scores: Vec<Option<f64>> = results
        .iter()
        .map(|s| s.score.filter(|_| s.finished))
        .collect();
    let ranks = crate::exam::ranking::ranks(&scores);
    let sat = ranks.iter().filter(|r| r.is_some()).count();
    let places = match rule {
        CutRule::None => sat,
        CutRule::TopN(n) => n as usize,
        CutRule::TopPercent(p) => percent_places(p, sat),
        CutRule::ScoreLine(_) => sat,
    };
    ranks
        .iter()
        .zip(&scores)
        .map(|(rank, score)| {
            let advances = match (rank, score, rule) {
                (Some(_), Some(s), CutRule::ScoreLine(line)) => cents(*s) >= cents(line),
                (Some(r), _, _) => *r <= places,
                _ => false,
            };
            Fate {
                rank: *rank,
                advances,
            }
        })
        .collect()
}

/// 404 `stage_not_found`.
pub fn stage_not_found() -> AppError {
    AppError::not_found(ErrorCode::StageNotFound, "no such stage").with_zh("找不到该赛段")
}

/// A stage row, or 404.
pub async fn stage(db: &impl ConnectionTrait, id: StageId) -> AppResult<stage::Model> {
    stage::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(stage_not_found)
}

/// The stage after `s` in its event, if any.
pub async fn next_stage(
    db: &impl ConnectionTrait,
    s: &stage::Model,
) -> AppResult<Option<stage::Model>> {
    Ok(stage::Entity::find()
        .filter(stage::Column::EventId.eq(s.event_id))
        .filter(stage::Column::Position.gt(s.position))
        .order_by_asc(stage::Column::Position)
        .one(db)
        .await?)
}

/// One contestant on the cut list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CutRow {
    /// The contestant.
    pub contestant_id: i32,
    /// 参赛证号.
    pub number: Option<String>,
    /// Name.
    pub name: String,
    /// Employer or school.
    pub organisation: String,
    /// Theory score out of 100; none when absent or unfinished.
    pub score: Option<f64>,
    /// Rank in the group among those who finished.
    pub rank: Option<usize>,
    /// Goes on to the next stage.
    pub advances: bool,
}

/// One group's cut list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CutGroup {
    /// The group.
    pub group_id: i32,
    /// Its name (e.g. 职工组).
    pub group_name: String,
    /// Sat and finished.
    pub sat: usize,
    /// Advancing.
    pub advancing: usize,
    /// Everyone, by rank (unranked last).
    pub rows: Vec<CutRow>,
}

/// The cut of a stage: its rule, per group the list, and whether staff confirmed it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CutPreview {
    /// The stage cut from.
    pub stage_id: i32,
    /// The stage the qualifiers go on to.
    pub next_stage_id: Option<i32>,
    /// The rule (`kind`, `value`).
    pub rule: CutRule,
    /// Whether the theory is over: ended, nobody still sitting or waiting for marks.
    pub ready: bool,
    /// When staff confirmed it.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Who.
    pub confirmed_by: Option<i32>,
    /// Per group.
    pub groups: Vec<CutGroup>,
}

/// Whether the stage's session is over: nobody is still to start (until the window closes,
/// when they are absent), sitting or waiting for marks. Everyone having submitted ends it
/// early.
pub async fn ready(db: &impl ConnectionTrait, s: &stage::Model) -> AppResult<bool> {
    let Some(session) = s.session_id else {
        return Ok(false);
    };
    let Some(session) = crate::exam::repo::session(db, session).await? else {
        return Ok(false);
    };
    Ok(!outcome::of_session(db, &session).await?.iter().any(|o| {
        matches!(
            o.standing,
            Standing::InProgress
                | Standing::Paused
                | Standing::AwaitingMarks
                | Standing::NotStarted
        )
    }))
}

/// The cut as it stands (or as confirmed): per group, from the theory scores.
pub async fn preview(db: &impl ConnectionTrait, id: StageId) -> AppResult<CutPreview> {
    let s = stage(db, id).await?;
    let next = next_stage(db, &s).await?;
    // The cut is set on the stage it admits to (the first stage admits everyone).
    let rule = next
        .as_ref()
        .and_then(|n| CutRule::parse(&n.cut_kind, n.cut_value))
        .unwrap_or(CutRule::None);
    let scores = theory::scores(db, id).await?;
    let ids: Vec<i32> = scores.iter().map(|t| t.contestant_id.0).collect();
    let people: HashMap<i32, contestant::Model> = contestant::Entity::find()
        .filter(contestant::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut by_group: HashMap<GroupId, Vec<&theory::TheoryScore>> = HashMap::new();
    for t in &scores {
        if let Some(c) = people.get(&t.contestant_id.0) {
            by_group.entry(GroupId(c.group_id)).or_default().push(t);
        }
    }
    // Only the groups of those who sat, not every competition's.
    let groups = group::Entity::find()
        .filter(group::Column::Id.is_in(by_group.keys().map(|g| g.0)))
        .order_by_asc(group::Column::Position)
        .all(db)
        .await?;
    let mut out = vec![];
    for g in groups {
        let Some(list) = by_group.get(&GroupId(g.id)) else {
            continue;
        };
        let sat: Vec<Sat> = list
            .iter()
            .map(|t| Sat {
                score: t.score,
                finished: t.finished,
            })
            .collect();
        let fates = apply(rule, &sat);
        let mut rows: Vec<CutRow> = list
            .iter()
            .zip(&fates)
            .map(|(t, f)| {
                let c = people.get(&t.contestant_id.0);
                CutRow {
                    contestant_id: t.contestant_id.0,
                    number: c.and_then(|c| c.number.clone()),
                    name: c.map(|c| c.name.clone()).unwrap_or_default(),
                    organisation: c.map(|c| c.organisation.clone()).unwrap_or_default(),
                    score: t.score.filter(|_| t.finished),
                    rank: f.rank,
                    advances: f.advances,
                }
            })
            .collect();
        rows.sort_by_key(|r| (r.rank.unwrap_or(usize::MAX), r.number.clone()));
        out.push(CutGroup {
            group_id: g.id,
            group_name: g.name,
            sat: fates.iter().filter(|f| f.rank.is_some()).count(),
            advancing: fates.iter().filter(|f| f.advances).count(),
            rows,
        });
    }
    Ok(CutPreview {
        stage_id: s.id,
        next_stage_id: next.map(|n| n.id),
        rule,
        ready: ready(db, &s).await?,
        confirmed_at: s.cut_confirmed_at,
        confirmed_by: s.cut_confirmed_by,
        groups: out,
    })
}

/// 409 `cut_not_ready`.
fn not_ready(zh: &str, en: &str) -> AppError {
    AppError::conflict(ErrorCode::CutNotReady, en).with_zh(zh)
}

/// Staff confirm the cut: the qualifiers enter the next stage (`qualified_at`), once. 409
/// `cut_confirmed` when confirmed already, `cut_not_ready` while the theory is not over or
/// there is no next stage.
pub async fn confirm(db: &DatabaseConnection, actor: &Actor, id: StageId) -> AppResult<CutPreview> {
    let txn = crate::db::begin_write(db).await?;
    let s = stage(&txn, id).await?;
    if s.cut_confirmed_at.is_some() {
        return Err(
            AppError::conflict(ErrorCode::CutConfirmed, "the cut is confirmed already")
                .with_zh("晋级名单已确认，不能再次确认"),
        );
    }
    let Some(next) = next_stage(&txn, &s).await? else {
        return Err(not_ready(
            "本赛段之后没有下一赛段，无需划定晋级线",
            "there is no next stage to qualify for",
        ));
    };
    let p = preview(&txn, id).await?;
    if !p.ready {
        return Err(not_ready(
            "理论赛尚未结束或仍有选手未交卷、未阅完，暂不能确认晋级名单",
            "the theory stage has not ended or has unfinished attempts",
        ));
    }
    let now = Utc::now();
    let qualifiers: Vec<i32> = p
        .groups
        .iter()
        .flat_map(|g| {
            g.rows
                .iter()
                .filter(|r| r.advances)
                .map(|r| r.contestant_id)
        })
        .collect();
    let updated = stage::Entity::update_many()
        .col_expr(
            stage::Column::CutConfirmedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            stage::Column::CutConfirmedBy,
            sea_orm::sea_query::Expr::value(actor.id),
        )
        .filter(stage::Column::Id.eq(s.id))
        .filter(stage::Column::CutConfirmedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(
            AppError::conflict(ErrorCode::CutConfirmed, "the cut is confirmed already")
                .with_zh("晋级名单已确认，不能再次确认"),
        );
    }
    for c in &qualifiers {
        stage_entry::Entity::insert(stage_entry::ActiveModel {
            stage_id: Set(next.id),
            contestant_id: Set(*c),
            candidate_id: Set(None),
            qualified_at: Set(Some(now)),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                stage_entry::Column::StageId,
                stage_entry::Column::ContestantId,
            ])
            .update_column(stage_entry::Column::QualifiedAt)
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "competition.cut_confirm",
        "competition_stage",
        &s.id.to_string(),
        json!({
            "rule": {"kind": p.rule.kind(), "value": p.rule.value()},
            "next_stage_id": next.id,
            "groups": p.groups.iter().map(|g| json!({
                "group_id": g.group_id, "sat": g.sat, "advancing": g.advancing,
            })).collect::<Vec<_>>(),
            "qualifiers": qualifiers,
        }),
    )
    .await?;
    let out = preview(&txn, id).await?;
    txn.commit().await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sat(scores: &[f64]) -> Vec<Sat> {
        scores
            .iter()
            .map(|s| Sat {
                score: Some(*s),
                finished: true,
            })
            .collect()
    }

    fn advancing(f: &[Fate]) -> Vec<bool> {
        f.iter().map(|f| f.advances).collect()
    }

    #[test]
    fn top_n_admits_everyone_tied_at_the_cut() {
        let f = apply(CutRule::TopN(2), &sat(&[90.0, 80.0, 80.0, 70.0]));
        assert_eq!(advancing(&f), vec![true, true, true, false]);
        assert_eq!(f[2].rank, Some(2));
        // Ties above the cut push the next rank past it.
        let f = apply(CutRule::TopN(2), &sat(&[90.0, 90.0, 80.0]));
        assert_eq!(advancing(&f), vec![true, true, false]);
    }

    #[test]
    fn top_percent_fills_the_ceiling_of_the_share_of_those_who_sat_ties_included() {
        assert_eq!(percent_places(30.0, 10), 3);
        assert_eq!(percent_places(30.0, 11), 4);
        assert_eq!(percent_places(1.0, 5), 1);
        assert_eq!(percent_places(150.0, 5), 5);
        assert_eq!(percent_places(0.0, 5), 0);
        let scores = [99.0, 95.0, 90.0, 90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0];
        let f = apply(CutRule::TopPercent(30.0), &sat(&scores));
        assert_eq!(f.iter().filter(|f| f.advances).count(), 4);
        assert!(f[3].advances && !f[4].advances);
    }

    #[test]
    fn a_score_line_admits_everyone_at_or_above_it_as_shown() {
        let f = apply(
            CutRule::ScoreLine(60.0),
            &sat(&[60.0, 59.99, 0.1 + 0.2 + 59.7, 75.0]),
        );
        assert_eq!(advancing(&f), vec![true, false, true, true]);
    }

    #[test]
    fn absent_and_unfinished_contestants_never_advance_and_are_not_counted() {
        let mut r = sat(&[90.0, 80.0, 70.0]);
        r.push(Sat {
            score: None,
            finished: false,
        });
        r.push(Sat {
            score: Some(99.0),
            finished: false,
        });
        let f = apply(CutRule::TopPercent(50.0), &r);
        // Three sat: ⌈1.5⌉ = 2 places.
        assert_eq!(advancing(&f), vec![true, true, false, false, false]);
        assert_eq!(f[4].rank, None);
        let f = apply(CutRule::None, &r);
        assert_eq!(advancing(&f), vec![true, true, true, false, false]);
        assert!(apply(CutRule::TopN(3), &[]).is_empty());
    }
}
