//! A competition's events (赛项: individual or team, team size and score, tie chain) and groups
//! (组别, with their eligibility rules), checked on save. What would change the meaning of an
//! accepted registration (an event's kind or team size, a group's rules, either's code) is
//! refused once the event or group has accepted contestants.

use super::eligibility::{Eligibility, RulesJson};
use super::entity::{contestant, event, group};
use super::setup::{
    DEFAULT_TIE_CHAIN, EventView, GroupView, accepted_count, ascii_code, event_view, find_event,
    find_group, in_use, invalid, load, text_field,
};
use super::{CompetitionId, EventId, EventKind, GroupId, TeamScore, TieKey};
use crate::audit::{self, Actor};
use crate::error::AppResult;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

/// An event as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct EventInput {
    /// Name, e.g. 视频监控系统安装与调试.
    pub name: String,
    /// Short code used in contestant numbers (1–4 letters or digits), e.g. `A`.
    pub code: String,
    /// `individual` or `team`.
    pub kind: String,
    /// Members of a team (2–5; 1 for an individual event, the default).
    #[serde(default)]
    pub team_size: Option<i32>,
    /// `sum` or `mean` of the members' totals (team events; `mean` when absent).
    #[serde(default)]
    pub team_score: Option<String>,
    /// Tie keys in order (`practical`, `modules`, `theory`, `time`); the default chain when
    /// absent.
    #[serde(default)]
    pub tie_chain: Option<Vec<String>>,
}

/// A group as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct GroupInput {
    /// Name, e.g. 职工组.
    pub name: String,
    /// One letter used in contestant numbers, e.g. `Z`.
    pub code: String,
    /// Who may enter.
    #[serde(default)]
    pub rules: RulesJson,
}

/// Checked event fields.
struct CheckedEvent {
    name: String,
    code: String,
    kind: EventKind,
    team_size: i32,
    team_score: TeamScore,
    tie_chain: Vec<TieKey>,
}

fn check_event(input: &EventInput) -> AppResult<CheckedEvent> {
    let name = text_field(&input.name, "赛项名称", "the event's name", 200)?;
    let code = ascii_code(&input.code, 4).ok_or_else(|| {
        invalid(
            "赛项代码须为 1–4 位字母或数字",
            "an event code needs 1–4 ASCII letters or digits",
        )
    })?;
    let kind = EventKind::parse(input.kind.trim()).ok_or_else(|| {
        invalid(
            "赛项类型须为 individual（个人）或 team（团体）",
            "kind must be individual or team",
        )
    })?;
    let team_size = match kind {
        EventKind::Individual => match input.team_size {
            None | Some(1) => 1,
            Some(_) => {
                return Err(invalid(
                    "个人赛项的团队人数只能为 1",
                    "an individual event has a team size of 1",
                ));
            }
        },
        EventKind::Team => match input.team_size {
            Some(n @ 2..=5) => n,
            _ => {
                return Err(invalid(
                    "团体赛项每队须为 2–5 人",
                    "a team event needs a team size of 2–5",
                ));
            }
        },
    };
    let team_score = match input.team_score.as_deref().map(str::trim) {
        None | Some("") => TeamScore::Mean,
        Some(s) => TeamScore::parse(s).ok_or_else(|| {
            invalid(
                "团队成绩计算方式须为 sum（总和）或 mean（平均）",
                "team_score must be sum or mean",
            )
        })?,
    };
    let tie_chain = match &input.tie_chain {
        None => DEFAULT_TIE_CHAIN.to_vec(),
        Some(keys) => {
            let mut out = Vec::new();
            for k in keys {
                let key = TieKey::parse(k.trim()).ok_or_else(|| {
                    invalid(
                        format!(
                            "并列名次判定依据“{k}”无效（可用 practical、modules、theory、time）"
                        ),
                        format!("tie key {k:?} is not one of practical, modules, theory, time"),
                    )
                })?;
                if out.contains(&key) {
                    return Err(invalid(
                        format!("并列名次判定依据“{k}”重复"),
                        format!("tie key {k:?} appears twice"),
                    ));
                }
                out.push(key);
            }
            out
        }
    };
    Ok(CheckedEvent {
        name,
        code,
        kind,
        team_size,
        team_score,
        tie_chain,
    })
}

fn chain_text(chain: &[TieKey]) -> String {
    serde_json::to_string(&chain.iter().map(|k| k.as_str()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

/// Adds an event at the end of the competition's list.
pub async fn add_event(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CompetitionId,
    input: EventInput,
) -> AppResult<EventView> {
    let e = check_event(&input)?;
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "competitions", id.0).await?;
    let view = load(&txn, id).await?;
    if view.events.iter().any(|x| x.code == e.code) {
        return Err(invalid(
            format!("赛项代码 {} 已被使用", e.code),
            format!("event code {} is taken", e.code),
        ));
    }
    let position = view
        .events
        .iter()
        .map(|x| x.position + 1)
        .max()
        .unwrap_or(0);
    let row = event::ActiveModel {
        competition_id: Set(id.0),
        position: Set(position),
        name: Set(e.name),
        code: Set(e.code),
        kind: Set(e.kind.as_str().to_string()),
        team_size: Set(e.team_size),
        team_score: Set(e.team_score.as_str().to_string()),
        tie_chain: Set(chain_text(&e.tie_chain)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.event.create",
        "competition_event",
        &row.id.to_string(),
        json!({"competition_id": id.0, "name": row.name, "code": row.code}),
    )
    .await?;
    txn.commit().await?;
    event_view(db, EventId(row.id)).await
}

/// Changes an event. Its kind and team size stay once anyone in it is accepted.
pub async fn update_event(
    db: &DatabaseConnection,
    actor: &Actor,
    id: EventId,
    input: EventInput,
) -> AppResult<EventView> {
    let e = check_event(&input)?;
    let txn = crate::db::begin_write(db).await?;
    let row = find_event(&txn, id).await?;
    let view = load(&txn, CompetitionId(row.competition_id)).await?;
    if view.events.iter().any(|x| x.code == e.code && x.id != id) {
        return Err(invalid(
            format!("赛项代码 {} 已被使用", e.code),
            format!("event code {} is taken", e.code),
        ));
    }
    let changes_meaning =
        e.kind.as_str() != row.kind || e.team_size != row.team_size || e.code != row.code;
    if changes_meaning && accepted_count(&txn, contestant::Column::EventId.eq(id.0)).await? > 0 {
        return Err(in_use(
            "该赛项已有录取的选手：类型、团队人数和代码不能再更改",
            "the event has accepted contestants: its kind, team size and code can no longer change",
        ));
    }
    let mut a: event::ActiveModel = row.into();
    a.name = Set(e.name);
    a.code = Set(e.code);
    a.kind = Set(e.kind.as_str().to_string());
    a.team_size = Set(e.team_size);
    a.team_score = Set(e.team_score.as_str().to_string());
    a.tie_chain = Set(chain_text(&e.tie_chain));
    a.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "competition.event.update",
        "competition_event",
        &id.0.to_string(),
        json!({"name": input.name.trim()}),
    )
    .await?;
    txn.commit().await?;
    event_view(db, id).await
}

fn check_group(input: &GroupInput) -> AppResult<(String, String, Eligibility)> {
    let name = text_field(&input.name, "组别名称", "the group's name", 100)?;
    let code = ascii_code(&input.code, 1)
        .filter(|c| c.bytes().all(|b| b.is_ascii_alphabetic()))
        .ok_or_else(|| invalid("组别代码须为一个字母", "a group code is one ASCII letter"))?;
    let rules = Eligibility::from_json(&input.rules).map_err(|t| invalid(t.zh, t.en))?;
    Ok((name, code, rules))
}

/// Adds a group.
pub async fn add_group(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CompetitionId,
    input: GroupInput,
) -> AppResult<GroupView> {
    let (name, code, rules) = check_group(&input)?;
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "competitions", id.0).await?;
    let view = load(&txn, id).await?;
    if view.groups.iter().any(|g| g.code == code) {
        return Err(invalid(
            format!("组别代码 {code} 已被使用"),
            format!("group code {code} is taken"),
        ));
    }
    let position = view
        .groups
        .iter()
        .map(|g| g.position + 1)
        .max()
        .unwrap_or(0);
    let row = group::ActiveModel {
        competition_id: Set(id.0),
        position: Set(position),
        name: Set(name),
        code: Set(code),
        rules: Set(rules.to_stored()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.group.create",
        "competition_group",
        &row.id.to_string(),
        json!({"competition_id": id.0, "name": row.name, "rules": rules.to_json()}),
    )
    .await?;
    txn.commit().await?;
    Ok(GroupView {
        id: GroupId(row.id),
        position: row.position,
        name: row.name,
        code: row.code,
        rules: rules.to_json(),
        eligibility: rules,
    })
}

/// Changes a group. Its rules and code stay once anyone in it is accepted.
pub async fn update_group(
    db: &DatabaseConnection,
    actor: &Actor,
    id: GroupId,
    input: GroupInput,
) -> AppResult<GroupView> {
    let (name, code, rules) = check_group(&input)?;
    let txn = crate::db::begin_write(db).await?;
    let row = find_group(&txn, id).await?;
    let view = load(&txn, CompetitionId(row.competition_id)).await?;
    if view.groups.iter().any(|g| g.code == code && g.id != id) {
        return Err(invalid(
            format!("组别代码 {code} 已被使用"),
            format!("group code {code} is taken"),
        ));
    }
    let old = Eligibility::parse(&row.rules).unwrap_or_default();
    if (old != rules || code != row.code)
        && accepted_count(&txn, contestant::Column::GroupId.eq(id.0)).await? > 0
    {
        return Err(in_use(
            "该组别已有录取的选手：报名条件和代码不能再更改",
            "the group has accepted contestants: its rules and code can no longer change",
        ));
    }
    let position = row.position;
    let mut a: group::ActiveModel = row.into();
    a.name = Set(name.clone());
    a.code = Set(code.clone());
    a.rules = Set(rules.to_stored());
    a.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "competition.group.update",
        "competition_group",
        &id.0.to_string(),
        json!({"name": name, "rules": rules.to_json()}),
    )
    .await?;
    txn.commit().await?;
    Ok(GroupView {
        id,
        position,
        name,
        code,
        rules: rules.to_json(),
        eligibility: rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_or_repeated_tie_key_is_refused() {
        let mut e = EventInput {
            name: "视频监控".into(),
            code: "a".into(),
            kind: "individual".into(),
            team_size: None,
            team_score: None,
            tie_chain: Some(vec!["practical".into(), "luck".into()]),
        };
        assert!(check_event(&e).is_err());
        e.tie_chain = Some(vec!["theory".into(), "theory".into()]);
        assert!(check_event(&e).is_err());
        e.tie_chain = None;
        let ok = check_event(&e).unwrap();
        assert_eq!((ok.code.as_str(), ok.team_size), ("A", 1));
        assert_eq!(ok.tie_chain, DEFAULT_TIE_CHAIN.to_vec());
    }

    #[test]
    fn a_team_event_needs_two_to_five_members() {
        let mut e = EventInput {
            name: "入侵报警系统设计".into(),
            code: "B".into(),
            kind: "team".into(),
            team_size: Some(6),
            team_score: Some("sum".into()),
            tie_chain: None,
        };
        assert!(check_event(&e).is_err());
        e.team_size = Some(3);
        assert_eq!(check_event(&e).unwrap().team_score, TeamScore::Sum);
    }
}
