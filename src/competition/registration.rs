//! Registration (报名) and review (审核): one contestant at a time or (with `teams` and
//! `bulk`) several in one transaction; checked fields, the group's eligibility rules and no
//! second registration of an ID number in an event (any group). Review accepts, giving the
//! contestant number (参赛证号 `{competition}-{event}{group}{serial:04}`), or refuses with a
//! reason; staff may accept every pending eligible registration at once.

use super::eligibility::{self, Entrant, Refusal};
use super::entity::{competition, contestant};
use super::setup::{self, CompetitionView, GroupView};
use super::{CompetitionId, ContestantId, EventId, GroupId, OrgKind, RegistrationStatus};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode, Text};
use crate::exam::identity::IdNumber;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A registration as sent (one contestant).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RegistrationInput {
    /// The event (赛项).
    pub event_id: i32,
    /// The group (组别).
    pub group_id: i32,
    /// 姓名.
    pub name: String,
    /// 身份证号.
    pub id_number: String,
    /// 手机号.
    #[serde(default)]
    pub phone: String,
    /// 工作单位/学校.
    #[serde(default)]
    pub organisation: String,
    /// `employer` (单位) or `school` (学校); the group's kind when absent.
    #[serde(default)]
    pub org_kind: Option<String>,
    /// 领队.
    #[serde(default)]
    pub leader: String,
    /// 指导教师.
    #[serde(default)]
    pub trainer: String,
}

/// A contestant's fields, checked.
#[derive(Debug, Clone)]
pub struct Entry {
    /// 姓名.
    pub name: String,
    /// 身份证号.
    pub id_number: IdNumber,
    /// 手机号.
    pub phone: String,
    /// 工作单位/学校.
    pub organisation: String,
    /// Kind of organisation.
    pub org_kind: OrgKind,
    /// 领队.
    pub leader: String,
    /// 指导教师.
    pub trainer: String,
}

/// Why a field was refused: the column (as the XLSX header names it), a code and the sentence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// Column, e.g. 身份证号.
    pub column: String,
    /// Stable code, e.g. `bad_check_digit`.
    #[schema(value_type = String)]
    pub code: ErrorCode,
    /// 中文.
    pub message_zh: String,
    /// English.
    pub message: String,
}

impl FieldError {
    fn new(column: &str, code: ErrorCode, text: Text) -> FieldError {
        FieldError {
            column: column.into(),
            code,
            message_zh: text.zh,
            message: text.en,
        }
    }

    /// As a 422 error of a single registration.
    pub fn into_error(self) -> AppError {
        AppError::unprocessable(self.code, format!("{}: {}", self.column, self.message))
            .with_zh(format!("{}：{}", self.column, self.message_zh))
    }
}

/// Reads `单位`/`学校`/`employer`/`school`.
pub fn org_kind_of(s: &str) -> Option<OrgKind> {
    match s.trim() {
        "单位" | "企业" | "职工" => Some(OrgKind::Employer),
        "学校" | "院校" | "学生" => Some(OrgKind::School),
        other => OrgKind::parse(&other.to_ascii_lowercase()),
    }
}

pub(crate) fn short_text(column: &str, s: &str, max: usize) -> Result<String, FieldError> {
    if let Some(c) = crate::input::first_forbidden(s) {
        return Err(FieldError::new(
            column,
            ErrorCode::ControlCharacter,
            Text::new(
                format!("含有控制字符 U+{:04X}", c as u32),
                format!("holds the control character U+{:04X}", c as u32),
            ),
        ));
    }
    let t = s.trim();
    if t.chars().count() > max {
        return Err(FieldError::new(
            column,
            ErrorCode::FieldTooLong,
            Text::new(
                format!("超过 {max} 个字"),
                format!("longer than {max} characters"),
            ),
        ));
    }
    Ok(t.to_string())
}

/// Checks a contestant's fields (pure): name, ID number, phone and organisation as a roster
/// checks them, then the kind of organisation (the group's when not given), 领队 and 指导教师.
pub fn check_entry(
    input: &RegistrationInput,
    group_kind: Option<OrgKind>,
) -> Result<Entry, FieldError> {
    let c = crate::exam::roster::check(
        &input.name,
        &input.id_number,
        &input.organisation,
        &input.phone,
        None,
    )
    .map_err(|skip| {
        let column = match skip.code {
            ErrorCode::InvalidName => "姓名",
            ErrorCode::InvalidPhone => "手机号",
            ErrorCode::InvalidEmployer => "工作单位/学校",
            ErrorCode::ControlCharacter if skip.reason.contains("name") => "姓名",
            ErrorCode::ControlCharacter => "工作单位/学校",
            _ => "身份证号",
        };
        FieldError::new(column, skip.code, Text::new(skip.reason_zh, skip.reason))
    })?;
    let org_kind = match input.org_kind.as_deref().map(str::trim) {
        None | Some("") => group_kind.unwrap_or(OrgKind::Employer),
        Some(s) => org_kind_of(s).ok_or_else(|| {
            FieldError::new(
                "单位类型",
                ErrorCode::InvalidBody,
                Text::new(
                    format!("“{s}”不是“单位”或“学校”"),
                    format!("{s:?} is neither employer (单位) nor school (学校)"),
                ),
            )
        })?,
    };
    if c.employer.is_empty() {
        return Err(FieldError::new(
            "工作单位/学校",
            ErrorCode::InvalidEmployer,
            Text::new("须填写工作单位或学校", "the employer or school is required"),
        ));
    }
    Ok(Entry {
        name: c.name,
        id_number: c.id_number,
        phone: c.phone,
        organisation: c.employer,
        org_kind,
        leader: short_text("领队", &input.leader, 50)?,
        trainer: short_text("指导教师", &input.trainer, 100)?,
    })
}

/// What eligibility checks need of the competition, read once.
pub struct Ctx {
    /// The competition as set up.
    pub view: CompetitionView,
    /// Its first day (ages are counted on it).
    pub first_day: NaiveDate,
}

impl Ctx {
    /// Reads the competition.
    pub async fn load(db: &impl ConnectionTrait, id: CompetitionId) -> AppResult<Ctx> {
        let view = setup::load(db, id).await?;
        let first_day = eligibility::first_day(view.held_on);
        Ok(Ctx { view, first_day })
    }

    /// The event and group of a registration, both of this competition, or 404.
    pub fn place(
        &self,
        event: EventId,
        group: GroupId,
    ) -> AppResult<(&setup::EventView, &GroupView)> {
        let e = self.view.event(event).ok_or_else(|| {
            AppError::not_found(ErrorCode::EventNotFound, format!("no event {}", event.0))
                .with_zh("本竞赛没有这个赛项")
        })?;
        let g = self.view.group(group).ok_or_else(|| {
            AppError::not_found(ErrorCode::GroupNotFound, format!("no group {}", group.0))
                .with_zh("本竞赛没有这个组别")
        })?;
        Ok((e, g))
    }

    /// The rules of `group` this entry fails.
    pub fn refusals(&self, group: &GroupView, e: &Entry) -> Vec<Refusal> {
        eligibility::check(
            &group.eligibility,
            &Entrant {
                org_kind: e.org_kind,
                organisation: &e.organisation,
                id_number: &e.id_number,
            },
            &self.view.schools,
            self.first_day,
        )
    }
}

/// 422 `ineligible` naming every rule failed.
pub fn ineligible(name: &str, refusals: &[Refusal]) -> AppError {
    let t = eligibility::summary(refusals);
    let rules: Vec<_> = refusals
        .iter()
        .map(|r| {
            let t = r.text();
            json!({"rule": r.rule(), "message_zh": t.zh, "message": t.en})
        })
        .collect();
    AppError::unprocessable(
        ErrorCode::Ineligible,
        format!("{name} may not enter this group: {}", t.en),
    )
    .with_zh(format!("{name}不符合该组别的报名条件：{}", t.zh))
    .with_details(json!({ "rules": rules }))
}

/// 409 `duplicate_registration`.
pub fn duplicate(name: &str) -> AppError {
    AppError::conflict(
        ErrorCode::DuplicateRegistration,
        format!("{name}'s ID number is already registered in this event"),
    )
    .with_zh(format!(
        "{name}的身份证号已在本赛项报名（同一赛项不可跨组别重复报名）"
    ))
}

/// The row of a registration about to be stored.
pub fn new_row(
    competition_id: CompetitionId,
    event: EventId,
    group: GroupId,
    team_id: Option<i32>,
    e: &Entry,
    actor: &Actor,
    now: DateTime<Utc>,
) -> contestant::ActiveModel {
    contestant::ActiveModel {
        competition_id: Set(competition_id.0),
        event_id: Set(event.0),
        group_id: Set(group.0),
        team_id: Set(team_id),
        name: Set(e.name.clone()),
        id_number: Set(e.id_number.as_str().to_string()),
        phone: Set(e.phone.clone()),
        organisation: Set(e.organisation.clone()),
        org_kind: Set(e.org_kind.as_str().to_string()),
        leader: Set(e.leader.clone()),
        trainer: Set(e.trainer.clone()),
        status: Set(RegistrationStatus::Pending.as_str().to_string()),
        reason: Set(String::new()),
        number: Set(None),
        registered_at: Set(now),
        registered_by: Set(actor.id),
        reviewed_at: Set(None),
        reviewed_by: Set(None),
        ..Default::default()
    }
}

/// The registrations already in an event by ID number (id, status).
pub async fn existing_in_event(
    db: &impl ConnectionTrait,
    event: EventId,
) -> AppResult<HashMap<String, (i32, String)>> {
    let rows: Vec<(i32, String, String)> = contestant::Entity::find()
        .select_only()
        .column(contestant::Column::Id)
        .column(contestant::Column::IdNumber)
        .column(contestant::Column::Status)
        .filter(contestant::Column::EventId.eq(event.0))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, n, s)| (n, (id, s))).collect())
}

/// Registers one contestant (pending) for an individual event.
pub async fn register(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CompetitionId,
    input: RegistrationInput,
) -> AppResult<Registration> {
    let txn = crate::db::begin_write(db).await?;
    let ctx = Ctx::load(&txn, id).await?;
    let (event, group) = ctx.place(EventId(input.event_id), GroupId(input.group_id))?;
    if event.kind == super::EventKind::Team {
        return Err(AppError::unprocessable(
            ErrorCode::TeamSizeMismatch,
            format!(
                "{} is a team event: register its {} members together",
                event.name, event.team_size
            ),
        )
        .with_zh(format!(
            "“{}”是团体赛项，须整队 {} 人一起报名",
            event.name, event.team_size
        )));
    }
    let entry = check_entry(&input, group.eligibility.org_kind).map_err(FieldError::into_error)?;
    let refusals = ctx.refusals(group, &entry);
    if !refusals.is_empty() {
        return Err(ineligible(&entry.name, &refusals));
    }
    crate::db::lock_row(&txn, "competitions", id.0).await?;
    let existing = existing_in_event(&txn, event.id).await?;
    let now = Utc::now();
    let row = new_row(id, event.id, group.id, None, &entry, actor, now);
    let saved = match existing.get(entry.id_number.as_str()) {
        // A refused registration may be sent again: the same row goes back to pending.
        Some((old, status)) if status == RegistrationStatus::Refused.as_str() => {
            let mut a = row;
            a.id = Set(*old);
            a.update(&txn).await?
        }
        Some(_) => return Err(duplicate(&entry.name)),
        None => row.insert(&txn).await?,
    };
    audit::record(
        &txn,
        actor,
        "competition.register",
        "competition_contestant",
        &saved.id.to_string(),
        json!({"competition_id": id.0, "event_id": event.id.0, "group_id": group.id.0, "name": saved.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(Registration::of(saved, true, None))
}

/// A registration as listed and returned.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Registration {
    /// Id.
    pub id: i32,
    /// Event.
    pub event_id: i32,
    /// Group.
    pub group_id: i32,
    /// Team, for team events.
    pub team_id: Option<i32>,
    /// Team name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// 姓名.
    pub name: String,
    /// 身份证号, masked (`440106********123X`) unless the reader is an admin.
    pub id_number: String,
    /// 手机号.
    pub phone: String,
    /// 工作单位/学校.
    pub organisation: String,
    /// `employer` or `school`.
    pub org_kind: String,
    /// 领队.
    pub leader: String,
    /// 指导教师.
    pub trainer: String,
    /// `pending`, `accepted`, `refused` or `withdrawn`.
    pub status: String,
    /// Why it was refused.
    pub reason: String,
    /// 参赛证号, once accepted.
    pub number: Option<String>,
    /// Registered.
    pub registered_at: DateTime<Utc>,
    /// Reviewed.
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// An ID number with its middle hidden.
pub fn mask(id_number: &str) -> String {
    match IdNumber::parse(id_number) {
        Ok(n) => n.masked(),
        Err(_) => {
            let chars: Vec<char> = id_number.chars().collect();
            if chars.len() > 10 {
                let head: String = chars[..6].iter().collect();
                let tail: String = chars[chars.len() - 4..].iter().collect();
                format!("{head}********{tail}")
            } else {
                "********".into()
            }
        }
    }
}

impl Registration {
    /// The DTO of a row; `full` shows the whole ID number.
    pub fn of(c: contestant::Model, full: bool, team: Option<String>) -> Registration {
        Registration {
            id: c.id,
            event_id: c.event_id,
            group_id: c.group_id,
            team_id: c.team_id,
            team,
            id_number: if full {
                c.id_number
            } else {
                mask(&c.id_number)
            },
            name: c.name,
            phone: c.phone,
            organisation: c.organisation,
            org_kind: c.org_kind,
            leader: c.leader,
            trainer: c.trainer,
            status: c.status,
            reason: c.reason,
            number: c.number,
            registered_at: c.registered_at,
            reviewed_at: c.reviewed_at,
        }
    }
}

/// The registration row, or 404 `contestant_not_found`.
pub async fn find(db: &impl ConnectionTrait, id: ContestantId) -> AppResult<contestant::Model> {
    contestant::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::ContestantNotFound,
                format!("no registration {}", id.0),
            )
            .with_zh("没有这条报名记录")
        })
}

/// Gives contestant numbers: the next serial per event × group, past every number given.
pub struct Numbering {
    code: String,
    next: HashMap<(i32, i32), u32>,
    events: HashMap<i32, String>,
    groups: HashMap<i32, String>,
}

impl Numbering {
    /// Reads the numbers given so far in a competition.
    pub async fn load(db: &impl ConnectionTrait, ctx: &Ctx) -> AppResult<Numbering> {
        let rows: Vec<(i32, i32, Option<String>)> = contestant::Entity::find()
            .select_only()
            .column(contestant::Column::EventId)
            .column(contestant::Column::GroupId)
            .column(contestant::Column::Number)
            .filter(contestant::Column::CompetitionId.eq(ctx.view.id.0))
            .filter(contestant::Column::Number.is_not_null())
            .into_tuple()
            .all(db)
            .await?;
        let mut next: HashMap<(i32, i32), u32> = HashMap::new();
        for (e, g, n) in rows {
            let serial = n.as_deref().and_then(serial_of).unwrap_or(0);
            let slot = next.entry((e, g)).or_insert(1);
            *slot = (*slot).max(serial + 1);
        }
        Ok(Numbering {
            code: ctx.view.code.clone(),
            next,
            events: ctx
                .view
                .events
                .iter()
                .map(|e| (e.id.0, e.code.clone()))
                .collect(),
            groups: ctx
                .view
                .groups
                .iter()
                .map(|g| (g.id.0, g.code.clone()))
                .collect(),
        })
    }

    /// The next number of an event × group.
    pub fn take(&mut self, event: EventId, group: GroupId) -> String {
        let slot = self.next.entry((event.0, group.0)).or_insert(1);
        let serial = *slot;
        *slot += 1;
        let e = self.events.get(&event.0).map_or("", String::as_str);
        let g = self.groups.get(&group.0).map_or("", String::as_str);
        number(&self.code, e, g, serial)
    }
}

/// 参赛证号: `{competition}-{event}{group}{serial:04}`, e.g. `PACS26-AZ0007`.
pub fn number(competition: &str, event: &str, group: &str, serial: u32) -> String {
    format!("{competition}-{event}{group}{serial:04}")
}

/// The serial at the end of a number (the digits after the last letter).
pub fn serial_of(number: &str) -> Option<u32> {
    let digits: String = number
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

/// Which registrations to list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
pub struct ListQuery {
    /// `pending`, `accepted`, `refused` or `withdrawn`.
    #[serde(default)]
    pub status: Option<String>,
    /// Event.
    #[serde(default)]
    pub event_id: Option<i32>,
    /// Group.
    #[serde(default)]
    pub group_id: Option<i32>,
    /// Part of a name, number, organisation or the whole ID number.
    #[serde(default)]
    pub q: Option<String>,
    /// Page, from 1.
    #[serde(default)]
    pub page: Option<u64>,
    /// Per page (1–500, 50 when absent).
    #[serde(default)]
    pub per_page: Option<u64>,
}

/// A page of registrations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegistrationPage {
    /// Matching registrations.
    pub total: u64,
    /// This page.
    pub page: u64,
    /// Per page.
    pub per_page: u64,
    /// The registrations, in registration order.
    pub items: Vec<Registration>,
}

/// Lists a competition's registrations; ID numbers masked unless `full`.
pub async fn list(
    db: &impl ConnectionTrait,
    id: CompetitionId,
    q: &ListQuery,
    full: bool,
) -> AppResult<RegistrationPage> {
    competition::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::CompetitionNotFound, "no such competition")
                .with_zh("没有这个竞赛")
        })?;
    let mut sel = contestant::Entity::find().filter(contestant::Column::CompetitionId.eq(id.0));
    if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
        let s = RegistrationStatus::parse(s).ok_or_else(|| {
            AppError::bad_request(ErrorCode::InvalidQuery, format!("status {s:?} is unknown"))
        })?;
        sel = sel.filter(contestant::Column::Status.eq(s.as_str()));
    }
    if let Some(e) = q.event_id {
        sel = sel.filter(contestant::Column::EventId.eq(e));
    }
    if let Some(g) = q.group_id {
        sel = sel.filter(contestant::Column::GroupId.eq(g));
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        use sea_orm::Condition;
        sel = sel.filter(
            Condition::any()
                .add(contestant::Column::Name.contains(text))
                .add(contestant::Column::Organisation.contains(text))
                .add(contestant::Column::Number.contains(text))
                .add(contestant::Column::IdNumber.eq(text.to_ascii_uppercase())),
        );
    }
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let total = sel.clone().count(db).await?;
    let rows = sel
        .order_by_asc(contestant::Column::Id)
        .offset((page - 1).saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    let team_ids: Vec<i32> = rows.iter().filter_map(|r| r.team_id).collect();
    let teams: HashMap<i32, String> = if team_ids.is_empty() {
        HashMap::new()
    } else {
        super::entity::team::Entity::find()
            .filter(super::entity::team::Column::Id.is_in(team_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect()
    };
    Ok(RegistrationPage {
        total,
        page,
        per_page,
        items: rows
            .into_iter()
            .map(|r| {
                let team = r.team_id.and_then(|t| teams.get(&t).cloned());
                Registration::of(r, full, team)
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(id: &str) -> RegistrationInput {
        RegistrationInput {
            event_id: 1,
            group_id: 1,
            name: " 张三 ".into(),
            id_number: id.into(),
            phone: "13800138000".into(),
            organisation: "广州某安防公司".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_contestant_number_carries_the_competition_event_group_and_a_four_digit_serial() {
        assert_eq!(number("PACS26", "A", "Z", 7), "PACS26-AZ0007");
        assert_eq!(serial_of("PACS26-AZ0007"), Some(7));
        assert_eq!(serial_of("PACS26-AZ12345"), Some(12345));
    }

    #[test]
    fn a_registration_takes_the_groups_kind_when_none_is_given() {
        let e = check_entry(&input("11010519491231002X"), Some(OrgKind::School)).unwrap();
        assert_eq!((e.name.as_str(), e.org_kind), ("张三", OrgKind::School));
        let mut i = input("11010519491231002X");
        i.org_kind = Some("单位".into());
        assert_eq!(
            check_entry(&i, Some(OrgKind::School)).unwrap().org_kind,
            OrgKind::Employer
        );
    }

    #[test]
    fn a_bad_id_number_is_reported_against_its_column() {
        let err = check_entry(&input("110105194912310021"), None).unwrap_err();
        assert_eq!(
            (err.column.as_str(), err.code),
            ("身份证号", ErrorCode::BadCheckDigit)
        );
        let mut i = input("11010519491231002X");
        i.organisation = " ".into();
        assert_eq!(check_entry(&i, None).unwrap_err().column, "工作单位/学校");
    }

    #[test]
    fn the_middle_of_an_id_number_is_hidden() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
    }
}
