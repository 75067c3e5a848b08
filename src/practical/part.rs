//! Setting up a session's practical part: its tasks (bank questions with a marking scheme, the
//! version frozen when set), stations and slots, judge panels with a head judge, the pass line.
//! The whole part is replaced at once, and only until the first lot is drawn.

use super::entity::{code, panel, part, place, task};
use super::{Aggregation, DEFAULT_PASS_LINE, DEFAULT_SPREAD, DrawMode};
use crate::audit::{self, Actor};
use crate::auth::{Role, Roles};
use crate::bank::model::{Question, QuestionKind, QuestionStatus};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::session::SessionId;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashSet;
use utoipa::ToSchema;

/// Most tasks a part may have.
pub const MAX_TASKS: usize = 20;
/// Most judges on one panel.
pub const MAX_JUDGES: usize = 15;
/// Most stations per task.
pub const MAX_STATIONS: i32 = 200;
/// Most slots a part may use.
pub const MAX_SLOTS: i32 = 100;

/// A practical part as staff write it (the body of `PUT /sessions/{id}/practical`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SetupInput {
    /// Stations (工位) per task.
    pub stations: i32,
    /// Slots (场次) the schedule may use; 0: as many as the candidates need.
    #[serde(default)]
    pub slots: i32,
    /// Length of a slot in minutes.
    pub slot_minutes: i32,
    /// When the first slot starts; slots follow each other.
    #[serde(default)]
    pub first_slot_at: Option<DateTime<Utc>>,
    /// Lots at check-in (default) or a schedule drawn in advance.
    #[serde(default)]
    pub draw_mode: DrawMode,
    /// Pass line of the practical part out of 100 (default 60).
    #[serde(default = "default_pass_line")]
    pub pass_line: f64,
    /// The tasks, in order.
    pub tasks: Vec<TaskInput>,
}

fn default_pass_line() -> f64 {
    DEFAULT_PASS_LINE
}
fn default_weight() -> f64 {
    1.0
}
fn default_spread() -> f64 {
    DEFAULT_SPREAD
}

/// One task of a part as staff write it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TaskInput {
    /// The bank question: an active practical task with a marking scheme.
    pub question_id: i32,
    /// Weight in the practical score (default 1).
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// How the panel's marks become one (default mean).
    #[serde(default)]
    pub aggregation: Aggregation,
    /// Allowed spread of judgement marks on the 0–3 scale (default 1).
    #[serde(default = "default_spread")]
    pub spread: f64,
    /// The panel: staff accounts with the judge role.
    pub judges: Vec<i32>,
    /// The head judge (考评组长), one of the panel.
    pub head_judge: i32,
}

fn invalid(en: String, zh: String) -> AppError {
    AppError::unprocessable(ErrorCode::InvalidPracticalSetup, en).with_zh(zh)
}

/// Checks the numbers of a setup that need no database.
fn check_numbers(s: &SetupInput) -> AppResult<()> {
    if !(1..=MAX_STATIONS).contains(&s.stations) {
        return Err(invalid(
            format!("stations must be from 1 to {MAX_STATIONS}"),
            format!("工位数须为 1 至 {MAX_STATIONS}"),
        ));
    }
    if !(0..=MAX_SLOTS).contains(&s.slots) {
        return Err(invalid(
            format!("slots must be from 0 (as needed) to {MAX_SLOTS}"),
            format!("场次数须为 0（按需）至 {MAX_SLOTS}"),
        ));
    }
    if !(1..=1440).contains(&s.slot_minutes) {
        return Err(invalid(
            "a slot lasts from 1 to 1440 minutes".into(),
            "每场时长须为 1 至 1440 分钟".into(),
        ));
    }
    if !(s.pass_line.is_finite() && (0.0..=100.0).contains(&s.pass_line)) {
        return Err(invalid(
            "the pass line is from 0 to 100".into(),
            "合格线须为 0 至 100 分".into(),
        ));
    }
    if s.tasks.is_empty() || s.tasks.len() > MAX_TASKS {
        return Err(invalid(
            format!("a practical part has 1 to {MAX_TASKS} tasks"),
            format!("实操考核须有 1 至 {MAX_TASKS} 个任务"),
        ));
    }
    let mut seen = HashSet::new();
    for (i, t) in s.tasks.iter().enumerate() {
        let n = i + 1;
        if !seen.insert(t.question_id) {
            return Err(invalid(
                format!("task {n} repeats a task already in the part"),
                format!("第 {n} 个任务与前面的任务重复"),
            ));
        }
        if !(t.weight.is_finite() && t.weight > 0.0 && t.weight <= 100.0) {
            return Err(invalid(
                format!("task {n}: the weight must be more than 0 and at most 100"),
                format!("第 {n} 个任务：权重须大于 0 且不超过 100"),
            ));
        }
        if !(t.spread.is_finite() && (0.0..=3.0).contains(&t.spread)) {
            return Err(invalid(
                format!("task {n}: the allowed spread is from 0 to 3"),
                format!("第 {n} 个任务：允许分差须为 0 至 3"),
            ));
        }
        let unique: HashSet<_> = t.judges.iter().collect();
        if t.judges.is_empty() || t.judges.len() > MAX_JUDGES || unique.len() != t.judges.len() {
            return Err(invalid(
                format!("task {n}: a panel has 1 to {MAX_JUDGES} different judges"),
                format!("第 {n} 个任务：考评组须有 1 至 {MAX_JUDGES} 名不同的考评员"),
            ));
        }
        if !t.judges.contains(&t.head_judge) {
            return Err(AppError::unprocessable(
                ErrorCode::HeadNotOnPanel,
                format!("task {n}: the head judge must be one of its judges"),
            )
            .with_zh(format!("第 {n} 个任务：考评组长必须是该任务的考评员之一")));
        }
    }
    Ok(())
}

/// The stored, checked question of a task: active, practical, with a scheme.
async fn practical_question(
    db: &impl ConnectionTrait,
    question_id: i32,
) -> AppResult<(i32, Question)> {
    let refuse = || {
        AppError::unprocessable(
            ErrorCode::NotAPracticalTask,
            format!("question {question_id} is not an active practical task with a marking scheme"),
        )
        .with_zh(format!("试题 {question_id} 不是带评分细则的启用实操任务"))
    };
    let detail =
        crate::bank::service::question_detail(db, crate::bank::service::QuestionId(question_id))
            .await
            .map_err(|_| refuse())?;
    let q = &detail.question;
    if q.kind != QuestionKind::Practical
        || q.status != QuestionStatus::Active
        || q.scheme.is_empty()
    {
        return Err(refuse());
    }
    let v = crate::bank::repo::version(db, detail.row.id, detail.row.version)
        .await?
        .ok_or_else(|| AppError::internal("question without its version"))?;
    Ok((v.id, detail.question))
}

/// Refuses (409 `anonymous_part`) what would list an anonymous part's candidates with their
/// codes or places: a competition final is marked by code, and nobody may link a code to a
/// person before decryption.
pub async fn refuse_anonymous(db: &impl ConnectionTrait, session: SessionId) -> AppResult<()> {
    let anonymous = part::Entity::find_by_id(session.0)
        .one(db)
        .await?
        .is_some_and(|p| p.anonymous);
    if anonymous {
        return Err(AppError::conflict(
            ErrorCode::AnonymousPart,
            "this practical part is a competition final marked by code: its candidates' codes and places are not listed",
        )
        .with_zh("本场实操为竞赛决赛（加密评分），不能按考生列出检录号、场次或工位"));
    }
    Ok(())
}

/// Whether anyone has a place or a work code: from then on the part is fixed.
pub async fn started(db: &impl ConnectionTrait, session: SessionId) -> AppResult<bool> {
    let codes = code::Entity::find()
        .filter(code::Column::SessionId.eq(session.0))
        .count(db)
        .await?;
    let places = place::Entity::find()
        .filter(place::Column::SessionId.eq(session.0))
        .count(db)
        .await?;
    Ok(codes + places > 0)
}

fn refuse_started() -> AppError {
    AppError::conflict(
        ErrorCode::PracticalStarted,
        "candidates have checked in or lots are drawn; the practical part is fixed",
    )
    .with_zh("已有考生检录或已抽签，实操考核设置不能再修改")
}

/// Replaces a session's practical part (one transaction, audited).
pub async fn set(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    session: SessionId,
    input: SetupInput,
) -> AppResult<PracticalPart> {
    check_numbers(&input)?;
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "exam_sessions", session.0).await?;
    crate::exam::session::get(&txn, session).await?;
    if started(&txn, session).await? {
        return Err(refuse_started());
    }
    let mut questions = vec![];
    for t in &input.tasks {
        questions.push(practical_question(&txn, t.question_id).await?);
        for j in &t.judges {
            let user = crate::auth::repo::find(&txn, *j).await?;
            let ok = user
                .as_ref()
                .is_some_and(|u| !u.disabled && Roles::from_stored(&u.roles).allows(Role::Judge));
            if !ok {
                return Err(AppError::unprocessable(
                    ErrorCode::NotAJudge,
                    format!("user {j} is not an active judge"),
                )
                .with_zh(format!("账号 {j} 不是启用的考评员")));
            }
        }
    }
    remove_tasks(&txn, session).await?;
    let now = Utc::now();
    part::Entity::delete_by_id(session.0).exec(&txn).await?;
    part::ActiveModel {
        session_id: Set(session.0),
        stations: Set(input.stations),
        slots: Set(input.slots),
        slot_minutes: Set(input.slot_minutes),
        first_slot_at: Set(input.first_slot_at),
        draw_mode: Set(input.draw_mode.code().into()),
        draw_seed: Set(None),
        drawn_at: Set(None),
        drawn_by: Set(None),
        pass_line: Set(input.pass_line),
        rule: Set("each_part".into()),
        anonymous: Set(false),
        codes_final_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for (i, (t, (version_id, _))) in input.tasks.iter().zip(&questions).enumerate() {
        let row = task::ActiveModel {
            session_id: Set(session.0),
            position: Set(i as i32),
            question_id: Set(t.question_id),
            version_id: Set(*version_id),
            weight: Set(t.weight),
            panel_size: Set(t.judges.len() as i32),
            aggregation: Set(t.aggregation.code().into()),
            spread: Set(t.spread),
            head_judge_id: Set(Some(t.head_judge)),
            signed_off_by: Set(None),
            locked_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for j in &t.judges {
            panel::ActiveModel {
                task_id: Set(row.id),
                user_id: Set(*j),
            }
            .insert(&txn)
            .await?;
        }
    }
    // The exam must know the session has a practical part before any result is recorded, so
    // nobody passes on theory alone.
    crate::exam::practical_part::declare(&txn, session.0, true).await?;
    audit::record(
        &txn,
        actor,
        "practical.set",
        "session",
        &session.0.to_string(),
        json!({
            "stations": input.stations, "slots": input.slots, "slot_minutes": input.slot_minutes,
            "draw_mode": input.draw_mode.code(), "pass_line": input.pass_line,
            "tasks": input.tasks.iter().map(|t| json!({
                "question_id": t.question_id, "weight": t.weight,
                "aggregation": t.aggregation.code(), "spread": t.spread,
                "judges": t.judges, "head_judge": t.head_judge,
            })).collect::<Vec<_>>(),
        }),
    )
    .await?;
    let out = view(&txn, session).await?;
    txn.commit().await?;
    Ok(out)
}

async fn remove_tasks(db: &impl ConnectionTrait, session: SessionId) -> AppResult<()> {
    let ids: Vec<i32> = task::Entity::find()
        .filter(task::Column::SessionId.eq(session.0))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    if !ids.is_empty() {
        panel::Entity::delete_many()
            .filter(panel::Column::TaskId.is_in(ids.clone()))
            .exec(db)
            .await?;
        task::Entity::delete_many()
            .filter(task::Column::Id.is_in(ids))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Removes a session's practical part before anyone has checked in.
pub async fn remove(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    session: SessionId,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "exam_sessions", session.0).await?;
    get_part(&txn, session).await?;
    if started(&txn, session).await? {
        return Err(refuse_started());
    }
    remove_tasks(&txn, session).await?;
    part::Entity::delete_by_id(session.0).exec(&txn).await?;
    crate::exam::practical_part::declare(&txn, session.0, false).await?;
    audit::record(
        &txn,
        actor,
        "practical.remove",
        "session",
        &session.0.to_string(),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A session's practical part row, or 404 `no_practical_part`.
pub async fn get_part(db: &impl ConnectionTrait, session: SessionId) -> AppResult<part::Model> {
    part::Entity::find_by_id(session.0)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::NoPracticalPart,
                format!("session {} has no practical part", session.0),
            )
            .with_zh("该场次没有实操考核")
        })
}

/// A part's tasks in order.
pub async fn tasks(db: &impl ConnectionTrait, session: SessionId) -> AppResult<Vec<task::Model>> {
    Ok(task::Entity::find()
        .filter(task::Column::SessionId.eq(session.0))
        .order_by_asc(task::Column::Position)
        .all(db)
        .await?)
}

/// A judge as a part shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PanelJudge {
    /// Staff id.
    pub id: i32,
    /// Shown name.
    pub name: String,
    /// Employer or school.
    pub affiliation: String,
}

/// A task of a part as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PracticalTask {
    /// Task id.
    pub id: i32,
    /// Order, from 0.
    pub position: i32,
    /// The bank question.
    pub question_id: i32,
    /// The frozen version marked.
    pub version_id: i32,
    /// Identifier in the bank.
    pub ident: String,
    /// First line of the instructions.
    pub title: String,
    /// Points of the task.
    pub points: f64,
    /// Time allowed in minutes (0: not set).
    pub minutes: u32,
    /// Weight in the practical score.
    pub weight: f64,
    /// Aggregation of the panel's marks.
    pub aggregation: Aggregation,
    /// Allowed spread of judgement marks (0–3 scale).
    pub spread: f64,
    /// The panel.
    pub judges: Vec<PanelJudge>,
    /// The head judge's id.
    pub head_judge: Option<i32>,
    /// When signed off and locked.
    pub locked_at: Option<DateTime<Utc>>,
    /// Who signed it off.
    pub signed_off_by: Option<i32>,
}

/// A session's practical part as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PracticalPart {
    /// The session.
    pub session_id: i32,
    /// Stations per task.
    pub stations: i32,
    /// Slots (0: as many as needed, until the draw fixes them).
    pub slots: i32,
    /// Minutes per slot.
    pub slot_minutes: i32,
    /// When the first slot starts.
    pub first_slot_at: Option<DateTime<Utc>>,
    /// Lots at check-in or a schedule in advance.
    pub draw_mode: DrawMode,
    /// Pass line out of 100.
    pub pass_line: f64,
    /// The pass rule: `each_part` (theory and practical each pass).
    pub rule: String,
    /// When the lots were first drawn.
    pub drawn_at: Option<DateTime<Utc>>,
    /// Candidates checked in.
    pub checked_in: u64,
    /// Candidates in the session.
    pub candidates: u64,
    /// The tasks.
    pub tasks: Vec<PracticalTask>,
}

/// A task's title: the first line of its instructions (see [`super::judging::title_of`]).
pub fn title_of(q: &Question) -> String {
    super::judging::title_of(&q.stem)
}

/// The checked question of a task, at its frozen version.
pub async fn task_question(db: &impl ConnectionTrait, t: &task::Model) -> AppResult<Question> {
    let v = crate::bank::entity::version::Entity::find_by_id(t.version_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("practical task without its question version"))?;
    crate::bank::service::parse_stored(&v)
}

/// When a slot starts, if the part has a first start.
pub fn slot_start(p: &part::Model, slot: i32) -> Option<DateTime<Utc>> {
    p.first_slot_at
        .map(|f| f + Duration::minutes(i64::from(p.slot_minutes) * i64::from(slot - 1)))
}

/// A session's practical part with its tasks and panels.
pub async fn view(db: &impl ConnectionTrait, session: SessionId) -> AppResult<PracticalPart> {
    let p = get_part(db, session).await?;
    let rows = tasks(db, session).await?;
    let mut out = vec![];
    for t in rows {
        let q = task_question(db, &t).await?;
        let ids: Vec<i32> = panel::Entity::find()
            .filter(panel::Column::TaskId.eq(t.id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect();
        let mut judges = vec![];
        for id in ids {
            if let Some(u) = crate::auth::repo::find(db, id).await? {
                judges.push(PanelJudge {
                    id,
                    name: u.display_name,
                    affiliation: u.affiliation,
                });
            }
        }
        out.push(PracticalTask {
            id: t.id,
            position: t.position,
            question_id: t.question_id,
            version_id: t.version_id,
            ident: q.ident.clone(),
            title: title_of(&q),
            points: q.points,
            minutes: q.minutes,
            weight: t.weight,
            aggregation: Aggregation::parse(&t.aggregation).unwrap_or_default(),
            spread: t.spread,
            judges,
            head_judge: t.head_judge_id,
            locked_at: t.locked_at,
            signed_off_by: t.signed_off_by,
        });
    }
    let checked_in = code::Entity::find()
        .filter(code::Column::SessionId.eq(session.0))
        .count(db)
        .await?;
    let candidates = crate::exam::entity::candidate::Entity::find()
        .filter(crate::exam::entity::candidate::Column::SessionId.eq(session.0))
        .count(db)
        .await?;
    Ok(PracticalPart {
        session_id: p.session_id,
        stations: p.stations,
        slots: p.slots,
        slot_minutes: p.slot_minutes,
        first_slot_at: p.first_slot_at,
        draw_mode: DrawMode::parse(&p.draw_mode).unwrap_or_default(),
        pass_line: p.pass_line,
        rule: p.rule,
        drawn_at: p.drawn_at,
        checked_in,
        candidates,
        tasks: out,
    })
}
