//! The ranking of an event's group (成绩排名): only on final scores (every stage locked) and
//! only after the final's decryption; gathers each contestant's stage scores, weights them,
//! and ranks with the event's tie chain (teams for a team event). The ranking itself is the
//! pure [`super::ranking`]; [`assemble`] is the pure step from loaded scores to the table.

use super::entity::{contestant, event, group, stage, team};
use super::ranking::{self, Place, Row, Split};
use super::{
    ContestantId, EventId, EventKind, GroupId, RegistrationStatus, StageId, StageKind, TeamScore,
    TieKey, decryption, final_stage, theory,
};
use crate::error::{AppError, AppResult, ErrorCode};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// A stage's column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StageColumn {
    /// The stage.
    pub stage_id: i32,
    /// Its name.
    pub name: String,
    /// `theory` or `practical`.
    pub kind: StageKind,
    /// Weight in the total.
    pub weight: f64,
}

/// One ranked line: a contestant, or a team with its members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RankedRow {
    /// Rank from 1; none without a total (absent from a stage, not qualified).
    pub rank: Option<u32>,
    /// Shares the rank.
    pub shared: bool,
    /// What separated it from the line above.
    pub above: Option<Split>,
    /// What separated it from the line below.
    pub below: Option<Split>,
    /// Why it stands where it does when the total alone did not decide (Chinese).
    pub note_zh: Option<String>,
    /// The same in English.
    pub note_en: Option<String>,
    /// The contestant (individual events).
    pub contestant_id: Option<i32>,
    /// The team (team events).
    pub team_id: Option<i32>,
    /// 参赛证号 (members' numbers joined for a team).
    pub number: String,
    /// Name (the team's name).
    pub name: String,
    /// Members' names (team events).
    pub members: Vec<String>,
    /// Employer or school.
    pub organisation: String,
    /// Weighted total.
    pub total: Option<f64>,
    /// Per stage, in stage order.
    pub stages: Vec<Option<f64>>,
    /// The final's per-task scores (modules) in task order.
    pub modules: Vec<f64>,
    /// Time used in seconds (the theory stage's), when recorded.
    pub time_secs: Option<f64>,
}

/// An event group's ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Ranking {
    /// The event.
    pub event_id: i32,
    /// Its name.
    pub event_name: String,
    /// The group.
    pub group_id: i32,
    /// Its name.
    pub group_name: String,
    /// Individual or team.
    pub kind: EventKind,
    /// The tie chain after the total.
    pub chain: Vec<TieKey>,
    /// The stages.
    pub stages: Vec<StageColumn>,
    /// The final's tasks (modules), in order.
    pub modules: Vec<String>,
    /// In rank order.
    pub rows: Vec<RankedRow>,
}

/// One contestant's loaded scores: the pure input of [`assemble`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scored {
    /// The contestant.
    pub contestant_id: i32,
    /// Team, for a team event.
    pub team_id: Option<i32>,
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation: String,
    /// Per stage, in stage order.
    pub stages: Vec<Option<f64>>,
    /// The final's per-task scores.
    pub modules: Vec<f64>,
    /// Seconds used.
    pub time_secs: Option<f64>,
}

fn note(p: &Place) -> (Option<String>, Option<String>) {
    let pick = if p.shared {
        Some(Split::Tied)
    } else {
        [p.above, p.below]
            .into_iter()
            .flatten()
            .find(|s| *s != Split::Total)
    };
    match pick.map(Split::label) {
        Some((zh, en)) => (Some(zh), Some(en)),
        None => (None, None),
    }
}

/// Index of the theory and practical stage among `kinds` (the last of each).
fn index_of(kinds: &[StageKind], k: StageKind) -> Option<usize> {
    kinds.iter().rposition(|s| *s == k)
}

/// The pure step: weights, chain and loaded scores → the ranked table lines. `teams` names the
/// teams of a team event (`None` for an individual event).
pub fn assemble(
    weights: &[f64],
    kinds: &[StageKind],
    chain: &[TieKey],
    team_score: Option<(TeamScore, &HashMap<i32, String>)>,
    scored: &[Scored],
) -> Vec<RankedRow> {
    let theory = index_of(kinds, StageKind::Theory);
    let practical = index_of(kinds, StageKind::Practical);
    let row_of = |s: &Scored| Row {
        total: ranking::weighted_total(
            &weights
                .iter()
                .zip(&s.stages)
                .map(|(w, v)| (*w, *v))
                .collect::<Vec<_>>(),
        )
        .filter(|_| s.stages.len() == weights.len()),
        practical: practical.and_then(|i| s.stages.get(i).copied().flatten()),
        modules: s.modules.clone(),
        theory: theory.and_then(|i| s.stages.get(i).copied().flatten()),
        time_secs: s.time_secs,
    };
    let mut lines: Vec<(RankedRow, Row)> = vec![];
    match team_score {
        None => {
            for s in scored {
                let r = row_of(s);
                lines.push((
                    RankedRow {
                        rank: None,
                        shared: false,
                        above: None,
                        below: None,
                        note_zh: None,
                        note_en: None,
                        contestant_id: Some(s.contestant_id),
                        team_id: None,
                        number: s.number.clone(),
                        name: s.name.clone(),
                        members: vec![],
                        organisation: s.organisation.clone(),
                        total: r.total,
                        stages: s.stages.clone(),
                        modules: s.modules.clone(),
                        time_secs: s.time_secs,
                    },
                    r,
                ));
            }
        }
        Some((how, names)) => {
            let mut teams: BTreeMap<i32, Vec<&Scored>> = BTreeMap::new();
            for s in scored {
                if let Some(t) = s.team_id {
                    teams.entry(t).or_default().push(s);
                }
            }
            for (t, members) in teams {
                let rows: Vec<Row> = members.iter().map(|m| row_of(m)).collect();
                let r = ranking::team_row(&rows, how);
                let stage_scores = (0..weights.len())
                    .map(|i| {
                        let v: Vec<Row> = members
                            .iter()
                            .map(|m| Row {
                                total: m.stages.get(i).copied().flatten(),
                                ..Row::default()
                            })
                            .collect();
                        ranking::team_row(&v, how).total
                    })
                    .collect();
                lines.push((
                    RankedRow {
                        rank: None,
                        shared: false,
                        above: None,
                        below: None,
                        note_zh: None,
                        note_en: None,
                        contestant_id: None,
                        team_id: Some(t),
                        number: members
                            .iter()
                            .map(|m| m.number.as_str())
                            .collect::<Vec<_>>()
                            .join("、"),
                        name: names.get(&t).cloned().unwrap_or_default(),
                        members: members.iter().map(|m| m.name.clone()).collect(),
                        organisation: members
                            .first()
                            .map(|m| m.organisation.clone())
                            .unwrap_or_default(),
                        total: r.total,
                        stages: stage_scores,
                        modules: r.modules.clone(),
                        time_secs: r.time_secs,
                    },
                    r,
                ));
            }
        }
    }
    let rows: Vec<Row> = lines.iter().map(|(_, r)| r.clone()).collect();
    ranking::rank(&rows, chain)
        .into_iter()
        .map(|p| {
            let mut line = lines[p.index].0.clone();
            let (zh, en) = note(&p);
            line.rank = p.rank;
            line.shared = p.shared;
            line.above = p.above;
            line.below = p.below;
            line.note_zh = zh;
            line.note_en = en;
            line
        })
        .collect()
}

fn scores_not_locked(zh: String, en: String) -> AppError {
    AppError::conflict(ErrorCode::ScoresNotLocked, en).with_zh(zh)
}

/// The ranking of `group` in `event`: 409 `scores_not_locked` unless every stage is final,
/// 409 `not_decrypted` until the final's codes are decrypted.
pub async fn ranking(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
) -> AppResult<Ranking> {
    let ev = event::Entity::find_by_id(event.0)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::EventNotFound, "no such event").with_zh("找不到该赛项")
        })?;
    let g = group::Entity::find_by_id(group.0)
        .one(db)
        .await?
        .filter(|g| g.competition_id == ev.competition_id)
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::GroupNotFound, "no such group").with_zh("找不到该组别")
        })?;
    let stages = stage::Entity::find()
        .filter(stage::Column::EventId.eq(ev.id))
        .order_by_asc(stage::Column::Position)
        .all(db)
        .await?;
    let kinds: Vec<StageKind> = stages
        .iter()
        .map(|s| StageKind::parse(&s.kind).unwrap_or(StageKind::Practical))
        .collect();
    for (s, k) in stages.iter().zip(&kinds) {
        let done = match k {
            StageKind::Theory => super::cut::ready(db, s).await?,
            StageKind::Practical => final_stage::all_locked(db, StageId(s.id)).await?,
        };
        if !done {
            return Err(scores_not_locked(
                format!("赛段「{}」的成绩尚未全部锁定，不能排名", s.name),
                format!("the scores of stage {} are not all locked yet", s.name),
            ));
        }
    }
    let mut mappings: HashMap<usize, HashMap<ContestantId, i32>> = HashMap::new();
    for (i, (s, k)) in stages.iter().zip(&kinds).enumerate() {
        if *k == StageKind::Practical {
            let Some(m) = decryption::opened(db, StageId(s.id)).await? else {
                return Err(AppError::conflict(
                    ErrorCode::NotDecrypted,
                    format!("stage {} is not decrypted yet", s.name),
                )
                .with_zh(format!("赛段「{}」尚未解密，不能排名", s.name)));
            };
            mappings.insert(i, m);
        }
    }
    let people = contestant::Entity::find()
        .filter(contestant::Column::EventId.eq(ev.id))
        .filter(contestant::Column::GroupId.eq(g.id))
        .filter(contestant::Column::Status.eq(RegistrationStatus::Accepted.as_str()))
        .order_by_asc(contestant::Column::Id)
        .all(db)
        .await?;
    // Per stage: contestant → score (and theory time; practical modules).
    let mut stage_scores: Vec<HashMap<i32, f64>> = vec![HashMap::new(); stages.len()];
    let mut times: HashMap<i32, f64> = HashMap::new();
    let mut modules: HashMap<i32, Vec<f64>> = HashMap::new();
    let mut module_names = vec![];
    // Who took part in a stage: the theory's seated entries, the final's decrypted mapping.
    for (i, (s, k)) in stages.iter().zip(&kinds).enumerate() {
        match k {
            StageKind::Theory => {
                for t in theory::scores(db, StageId(s.id)).await? {
                    if let (Some(v), true) = (t.score, t.finished) {
                        stage_scores[i].insert(t.contestant_id.0, v);
                    }
                    if let Some(secs) = t.time_used_s {
                        times.insert(t.contestant_id.0, secs as f64);
                    }
                }
            }
            StageKind::Practical => {
                let Some(session) = s.session_id else {
                    continue;
                };
                let ev = crate::practical::score::load_event(db, session).await?;
                module_names = ev.tasks.iter().map(|t| t.title.clone()).collect();
                let results: HashMap<i32, crate::practical::score::CandidateResult> = ev
                    .results()
                    .into_iter()
                    .map(|r| (r.candidate_id, r))
                    .collect();
                for (c, cand) in mappings.get(&i).into_iter().flatten() {
                    if let Some(r) = results.get(cand) {
                        stage_scores[i].insert(c.0, r.score);
                        modules.insert(c.0, r.tasks.iter().map(|t| t.outcome.score).collect());
                    }
                }
            }
        }
    }
    let scored: Vec<Scored> = people
        .iter()
        .map(|c| Scored {
            contestant_id: c.id,
            team_id: c.team_id,
            number: c.number.clone().unwrap_or_default(),
            name: c.name.clone(),
            organisation: c.organisation.clone(),
            // A stage the contestant never entered (not qualified, absent) leaves no score.
            stages: stage_scores.iter().map(|m| m.get(&c.id).copied()).collect(),
            modules: modules.get(&c.id).cloned().unwrap_or_default(),
            time_secs: times.get(&c.id).copied(),
        })
        .collect();
    let chain: Vec<TieKey> = serde_json::from_str::<Vec<String>>(&ev.tie_chain)
        .unwrap_or_default()
        .iter()
        .filter_map(|k| TieKey::parse(k))
        .collect();
    let kind = EventKind::parse(&ev.kind).unwrap_or(EventKind::Individual);
    let team_names: HashMap<i32, String> = if kind == EventKind::Team {
        team::Entity::find()
            .filter(team::Column::EventId.eq(ev.id))
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect()
    } else {
        HashMap::new()
    };
    let how = TeamScore::parse(&ev.team_score).unwrap_or(TeamScore::Sum);
    let weights: Vec<f64> = stages.iter().map(|s| s.weight).collect();
    let rows = assemble(
        &weights,
        &kinds,
        &chain,
        (kind == EventKind::Team).then_some((how, &team_names)),
        &scored,
    );
    Ok(Ranking {
        event_id: ev.id,
        event_name: ev.name,
        group_id: g.id,
        group_name: g.name,
        kind,
        chain,
        stages: stages
            .iter()
            .zip(&kinds)
            .map(|(s, k)| StageColumn {
                stage_id: s.id,
                name: s.name.clone(),
                kind: *k,
                weight: s.weight,
            })
            .collect(),
        modules: module_names,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(id: i32, theory: f64, practical: f64, modules: Vec<f64>) -> Scored {
        Scored {
            contestant_id: id,
            number: format!("N{id}"),
            name: format!("选手{id}"),
            stages: vec![Some(theory), Some(practical)],
            modules,
            ..Scored::default()
        }
    }

    const KINDS: [StageKind; 2] = [StageKind::Theory, StageKind::Practical];

    #[test]
    fn a_tie_on_the_weighted_total_is_broken_by_the_practical_score_and_says_so() {
        // 0.3·90 + 0.7·80 = 83 and 0.3·76 + 0.7·86 = 83.
        let rows = assemble(
            &[0.3, 0.7],
            &KINDS,
            &[TieKey::Practical],
            None,
            &[scored(1, 90.0, 80.0, vec![]), scored(2, 76.0, 86.0, vec![])],
        );
        assert_eq!(rows[0].contestant_id, Some(2));
        assert_eq!(rows[0].total, Some(83.0));
        assert_eq!(rows[1].rank, Some(2));
        assert_eq!(rows[1].note_zh.as_deref(), Some("同分，按实操成绩排序"));
    }

    #[test]
    fn a_contestant_missing_a_stage_score_is_listed_without_a_rank() {
        let mut absent = scored(3, 95.0, 0.0, vec![]);
        absent.stages[1] = None;
        let rows = assemble(
            &[0.3, 0.7],
            &KINDS,
            &[],
            None,
            &[absent, scored(1, 60.0, 60.0, vec![])],
        );
        assert_eq!(rows[0].rank, Some(1));
        assert_eq!(rows[1].rank, None);
        assert_eq!(rows[1].total, None);
    }

    #[test]
    fn a_team_event_ranks_teams_on_the_sum_of_their_members() {
        let mut a = scored(1, 80.0, 80.0, vec![]);
        a.team_id = Some(10);
        let mut b = scored(2, 90.0, 90.0, vec![]);
        b.team_id = Some(10);
        let mut c = scored(3, 100.0, 100.0, vec![]);
        c.team_id = Some(11);
        let names: HashMap<i32, String> =
            [(10, "甲队".to_string()), (11, "乙队".to_string())].into();
        let rows = assemble(
            &[0.3, 0.7],
            &KINDS,
            &[],
            Some((TeamScore::Sum, &names)),
            &[a, b, c],
        );
        assert_eq!(rows[0].name, "甲队");
        assert_eq!(rows[0].total, Some(170.0));
        assert_eq!(rows[0].members, vec!["选手1", "选手2"]);
        assert_eq!(rows[0].stages, vec![Some(170.0), Some(170.0)]);
        assert_eq!(rows[1].total, Some(100.0));
    }
}
