//! Setting a competition up: the competition itself, its events (赛项), groups (组别) and each
//! event's stages, checked on save; and [`load`], the one read of the whole set-up that the
//! other parts of the competition use.
//!
//! An event's stages are saved as one list (PUT), so the weights can be checked to sum to 1 on
//! every save. What would change the meaning of an accepted registration (an event's kind or
//! team size, a group's rules, the first day ages are counted on) is refused once the event,
//! group or competition has accepted contestants.

use super::eligibility::{Eligibility, RulesJson};
use super::entity::{competition, contestant, event, group, stage};
use super::{
    CompetitionId, CutRule, DEFAULT_THEORY_CAP, EventId, EventKind, GroupId, RegistrationStatus,
    StageId, StageKind, TeamScore, TieKey,
};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode, Text};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashSet;
use utoipa::ToSchema;

/// How far the weights may be from summing to 1.
pub const WEIGHT_TOLERANCE: f64 = 1e-6;
/// The default tie chain (practical, module by module, theory, time used).
pub const DEFAULT_TIE_CHAIN: [TieKey; 4] = [
    TieKey::Practical,
    TieKey::Modules,
    TieKey::Theory,
    TieKey::Time,
];

pub(crate) fn invalid(zh: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::text(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidCompetition,
        Text::new(zh, en),
    )
}

pub(crate) fn in_use(zh: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::text(
        actix_web::http::StatusCode::CONFLICT,
        ErrorCode::CompetitionInUse,
        Text::new(zh, en),
    )
}

/// A competition as sent to create or change it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CompetitionInput {
    /// Name, e.g. 平安城市-智慧守护 智能安防职业技能竞赛.
    pub name: String,
    /// Short ASCII code used in contestant numbers, e.g. `PACS26` (2–12 letters or digits).
    pub code: String,
    /// The first day (ages are counted on it, in China time).
    pub held_on: DateTime<Utc>,
    /// Most the theory stages may weigh in the total (0–1; 0.3 when absent).
    #[serde(default)]
    pub theory_cap: Option<f64>,
    /// Registered schools (student groups may require one of them).
    #[serde(default)]
    pub schools: Vec<String>,
}

/// A stage as set up.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageView {
    /// Id.
    #[schema(value_type = i32)]
    pub id: StageId,
    /// The event.
    #[schema(value_type = i32)]
    pub event_id: EventId,
    /// Order, from 0.
    pub position: i32,
    /// Name.
    pub name: String,
    /// `theory` or `practical`.
    #[schema(value_type = String)]
    pub kind: StageKind,
    /// Weight in the total.
    pub weight: f64,
    /// The exam session that runs it, once made.
    pub session_id: Option<i32>,
    /// The cut that admits to this stage.
    #[schema(value_type = Object)]
    pub cut: CutRule,
    /// When the cut was confirmed.
    pub cut_confirmed_at: Option<DateTime<Utc>>,
    /// Who confirmed it.
    pub cut_confirmed_by: Option<i32>,
    /// 加密裁判.
    pub encryptor_id: Option<i32>,
    /// 监督.
    pub supervisor_id: Option<i32>,
    /// Recheck the top N of each group.
    pub recheck_top: i32,
    /// Recheck at least this share of the rest.
    pub recheck_share: f64,
    /// Error rate above which the event is re-marked.
    pub recheck_error_limit: f64,
}

/// An event with its stages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    /// Id.
    #[schema(value_type = i32)]
    pub id: EventId,
    /// Order in the competition.
    pub position: i32,
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// `individual` or `team`.
    #[schema(value_type = String)]
    pub kind: EventKind,
    /// Members of a team (1 for individual events).
    pub team_size: i32,
    /// `sum` or `mean`.
    #[schema(value_type = String)]
    pub team_score: TeamScore,
    /// Tie keys in order.
    #[schema(value_type = Vec<String>)]
    pub tie_chain: Vec<TieKey>,
    /// Stages in order.
    pub stages: Vec<StageView>,
}

/// A group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupView {
    /// Id.
    #[schema(value_type = i32)]
    pub id: GroupId,
    /// Order in the competition.
    pub position: i32,
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// Who may enter, as stored.
    pub rules: RulesJson,
    /// The rules, checked.
    #[serde(skip)]
    pub eligibility: Eligibility,
}

/// A whole competition as set up.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetitionView {
    /// Id.
    #[schema(value_type = i32)]
    pub id: CompetitionId,
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// First day.
    pub held_on: DateTime<Utc>,
    /// Cap on the theory stages' weight.
    pub theory_cap: f64,
    /// Registered schools.
    pub schools: Vec<String>,
    /// Events in order.
    pub events: Vec<EventView>,
    /// Groups in order.
    pub groups: Vec<GroupView>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl CompetitionView {
    /// An event of this competition.
    pub fn event(&self, id: EventId) -> Option<&EventView> {
        self.events.iter().find(|e| e.id == id)
    }
    /// A group of this competition.
    pub fn group(&self, id: GroupId) -> Option<&GroupView> {
        self.groups.iter().find(|g| g.id == id)
    }
}

/// A competition in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompetitionSummary {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// First day.
    pub held_on: DateTime<Utc>,
}

pub(crate) fn ascii_code(s: &str, max: usize) -> Option<String> {
    let s = s.trim().to_ascii_uppercase();
    (!s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(s)
}

pub(crate) fn text_field(s: &str, what_zh: &str, what_en: &str, max: usize) -> AppResult<String> {
    if let Some(c) = crate::input::first_forbidden(s) {
        return Err(invalid(
            format!("{what_zh}中含有控制字符 U+{:04X}", c as u32),
            format!("{what_en} holds the control character U+{:04X}", c as u32),
        ));
    }
    let t = s.trim();
    if t.is_empty() || t.chars().count() > max {
        return Err(invalid(
            format!("{what_zh}须为 1–{max} 个字"),
            format!("{what_en} needs 1–{max} characters"),
        ));
    }
    Ok(t.to_string())
}

/// The checked fields of a competition.
struct CheckedCompetition {
    name: String,
    code: String,
    theory_cap: f64,
    schools: Vec<String>,
}

fn check_competition(input: &CompetitionInput) -> AppResult<CheckedCompetition> {
    let name = text_field(&input.name, "竞赛名称", "the name", 200)?;
    let code = ascii_code(&input.code, 12)
        .filter(|c| c.len() >= 2)
        .ok_or_else(|| {
            invalid(
                "竞赛代码须为 2–12 位字母或数字",
                "the code needs 2–12 ASCII letters or digits",
            )
        })?;
    let theory_cap = input.theory_cap.unwrap_or(DEFAULT_THEORY_CAP);
    if !(0.0..=1.0).contains(&theory_cap) {
        return Err(invalid(
            "理论成绩占比上限须在 0–1 之间",
            "theory_cap must be between 0 and 1",
        ));
    }
    let mut schools = Vec::new();
    let mut seen = HashSet::new();
    for s in &input.schools {
        let s = text_field(s, "学校名称", "a school name", 200)?;
        if seen.insert(crate::practical::conflict::normalise(&s)) {
            schools.push(s);
        }
    }
    Ok(CheckedCompetition {
        name,
        code,
        theory_cap,
        schools,
    })
}

/// Creates a competition (no events or groups yet).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: CompetitionInput,
) -> AppResult<CompetitionView> {
    let c = check_competition(&input)?;
    let txn = crate::db::begin_write(db).await?;
    let taken = competition::Entity::find()
        .filter(competition::Column::Code.eq(c.code.clone()))
        .count(&txn)
        .await?;
    if taken > 0 {
        return Err(AppError::conflict(
            ErrorCode::AlreadyExists,
            format!("a competition with code {} exists", c.code),
        )
        .with_zh(format!("竞赛代码 {} 已被使用", c.code)));
    }
    let now = Utc::now();
    let row = competition::ActiveModel {
        name: Set(c.name),
        code: Set(c.code),
        held_on: Set(input.held_on),
        theory_cap: Set(c.theory_cap),
        schools: Set(serde_json::to_string(&c.schools).unwrap_or_else(|_| "[]".into())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.create",
        "competition",
        &row.id.to_string(),
        json!({"name": row.name, "code": row.code}),
    )
    .await?;
    txn.commit().await?;
    load(db, CompetitionId(row.id)).await
}

pub(crate) async fn accepted_count(
    db: &impl ConnectionTrait,
    filter: impl sea_orm::sea_query::IntoCondition,
) -> AppResult<u64> {
    Ok(contestant::Entity::find()
        .filter(filter)
        .filter(contestant::Column::Status.eq(RegistrationStatus::Accepted.as_str()))
        .count(db)
        .await?)
}

/// Changes a competition. The first day cannot move, nor a registered school go, once anyone
/// is accepted; the theory cap cannot drop below an event's theory weight.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CompetitionId,
    input: CompetitionInput,
) -> AppResult<CompetitionView> {
    let c = check_competition(&input)?;
    let txn = crate::db::begin_write(db).await?;
    let row = find(&txn, id).await?;
    let before = load(&txn, id).await?;
    let accepted = accepted_count(&txn, contestant::Column::CompetitionId.eq(id.0)).await?;
    if accepted > 0 {
        let norm: HashSet<String> = c
            .schools
            .iter()
            .map(|s| crate::practical::conflict::normalise(s))
            .collect();
        let dropped = before
            .schools
            .iter()
            .any(|s| !norm.contains(&crate::practical::conflict::normalise(s)));
        if input.held_on != row.held_on || dropped || c.code != row.code {
            return Err(in_use(
                "已有录取的选手：竞赛代码、首日日期和已登记的学校不能再更改",
                "contestants are accepted: the code, the first day and registered schools can no longer change",
            ));
        }
    }
    for e in &before.events {
        let theory = theory_weight(&e.stages);
        if theory > c.theory_cap + WEIGHT_TOLERANCE {
            return Err(over_cap(theory, c.theory_cap));
        }
    }
    let mut a: competition::ActiveModel = row.into();
    a.name = Set(c.name);
    a.code = Set(c.code);
    a.held_on = Set(input.held_on);
    a.theory_cap = Set(c.theory_cap);
    a.schools = Set(serde_json::to_string(&c.schools).unwrap_or_else(|_| "[]".into()));
    a.updated_at = Set(Utc::now());
    a.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "competition.update",
        "competition",
        &id.0.to_string(),
        json!({"name": input.name.trim()}),
    )
    .await?;
    txn.commit().await?;
    load(db, id).await
}

/// Every competition, newest first.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<CompetitionSummary>> {
    Ok(competition::Entity::find()
        .order_by_desc(competition::Column::HeldOn)
        .order_by_desc(competition::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| CompetitionSummary {
            id: c.id,
            name: c.name,
            code: c.code,
            held_on: c.held_on,
        })
        .collect())
}

/// The competition row, or 404 `competition_not_found`.
pub async fn find(db: &impl ConnectionTrait, id: CompetitionId) -> AppResult<competition::Model> {
    competition::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::CompetitionNotFound,
                format!("no competition {}", id.0),
            )
            .with_zh("没有这个竞赛")
        })
}

/// The event row, or 404 `event_not_found`.
pub async fn find_event(db: &impl ConnectionTrait, id: EventId) -> AppResult<event::Model> {
    event::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::EventNotFound, format!("no event {}", id.0))
                .with_zh("没有这个赛项")
        })
}

/// The group row, or 404 `group_not_found`.
pub async fn find_group(db: &impl ConnectionTrait, id: GroupId) -> AppResult<group::Model> {
    group::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::GroupNotFound, format!("no group {}", id.0))
                .with_zh("没有这个组别")
        })
}

/// The stage row, or 404 `stage_not_found`.
pub async fn find_stage(db: &impl ConnectionTrait, id: StageId) -> AppResult<stage::Model> {
    stage::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::StageNotFound, format!("no stage {}", id.0))
                .with_zh("没有这个比赛阶段")
        })
}

/// Reads the stored schools list.
pub fn schools_of(row: &competition::Model) -> Vec<String> {
    serde_json::from_str(&row.schools).unwrap_or_default()
}

fn stage_view(s: stage::Model) -> StageView {
    StageView {
        id: StageId(s.id),
        event_id: EventId(s.event_id),
        position: s.position,
        name: s.name,
        kind: StageKind::parse(&s.kind).unwrap_or(StageKind::Theory),
        weight: s.weight,
        session_id: s.session_id,
        cut: CutRule::parse(&s.cut_kind, s.cut_value).unwrap_or(CutRule::None),
        cut_confirmed_at: s.cut_confirmed_at,
        cut_confirmed_by: s.cut_confirmed_by,
        encryptor_id: s.encryptor_id,
        supervisor_id: s.supervisor_id,
        recheck_top: s.recheck_top,
        recheck_share: s.recheck_share,
        recheck_error_limit: s.recheck_error_limit,
    }
}

fn tie_chain_of(text: &str) -> Vec<TieKey> {
    serde_json::from_str::<Vec<String>>(text)
        .map(|v| v.iter().filter_map(|k| TieKey::parse(k)).collect())
        .unwrap_or_else(|_| DEFAULT_TIE_CHAIN.to_vec())
}

/// The whole competition: events with their stages, groups with their rules (parsed).
pub async fn load(db: &impl ConnectionTrait, id: CompetitionId) -> AppResult<CompetitionView> {
    let c = find(db, id).await?;
    let events = event::Entity::find()
        .filter(event::Column::CompetitionId.eq(id.0))
        .order_by_asc(event::Column::Position)
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = events.iter().map(|e| e.id).collect();
    let mut stages = stage::Entity::find()
        .filter(stage::Column::EventId.is_in(ids))
        .order_by_asc(stage::Column::Position)
        .all(db)
        .await?;
    let groups = group::Entity::find()
        .filter(group::Column::CompetitionId.eq(id.0))
        .order_by_asc(group::Column::Position)
        .order_by_asc(group::Column::Id)
        .all(db)
        .await?;
    let events = events
        .into_iter()
        .map(|e| {
            let mine: Vec<StageView> = stages
                .extract_if(.., |s| s.event_id == e.id)
                .map(stage_view)
                .collect();
            EventView {
                id: EventId(e.id),
                position: e.position,
                name: e.name,
                code: e.code,
                kind: EventKind::parse(&e.kind).unwrap_or(EventKind::Individual),
                team_size: e.team_size,
                team_score: TeamScore::parse(&e.team_score).unwrap_or(TeamScore::Mean),
                tie_chain: tie_chain_of(&e.tie_chain),
                stages: mine,
            }
        })
        .collect();
    let groups = groups
        .into_iter()
        .map(|g| {
            let eligibility = Eligibility::parse(&g.rules).unwrap_or_default();
            GroupView {
                id: GroupId(g.id),
                position: g.position,
                name: g.name,
                code: g.code,
                rules: eligibility.to_json(),
                eligibility,
            }
        })
        .collect();
    Ok(CompetitionView {
        id,
        schools: schools_of(&c),
        name: c.name,
        code: c.code,
        held_on: c.held_on,
        theory_cap: c.theory_cap,
        events,
        groups,
        created_at: c.created_at,
        updated_at: c.updated_at,
    })
}

/// An event with its stages.
pub async fn event_view(db: &impl ConnectionTrait, id: EventId) -> AppResult<EventView> {
    let e = find_event(db, id).await?;
    load(db, CompetitionId(e.competition_id))
        .await?
        .events
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| AppError::not_found(ErrorCode::EventNotFound, "no such event"))
}

/// Sum of the theory stages' weights.
pub fn theory_weight(stages: &[StageView]) -> f64 {
    stages
        .iter()
        .filter(|s| s.kind == StageKind::Theory)
        .map(|s| s.weight)
        .sum()
}

pub(crate) fn over_cap(theory: f64, cap: f64) -> AppError {
    AppError::text(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::TheoryWeightOverCap,
        Text::new(
            format!("理论阶段权重合计 {theory:.2}，超过本竞赛上限 {cap:.2}"),
            format!("the theory stages weigh {theory:.2}, over the competition's cap of {cap:.2}"),
        ),
    )
}
