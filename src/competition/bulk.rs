//! Bulk registration from an employer's or school's spreadsheet (XLSX, or CSV in UTF-8 or
//! GBK), all or nothing: every row is checked (fields, event and group, the group's rules, no
//! ID number twice in an event, teams whole) and any bad row refuses the file with every row's
//! errors; otherwise all rows land pending, or accepted at once with `accept`.
//!
//! Columns: 姓名, 身份证号, 手机号, 工作单位/学校, 单位类型 (单位/学校; the group's kind when
//! absent), 赛项 (name or code; may be left out when the competition has one event), 组别
//! (name or code; likewise), 团队 (team events: rows with the same name form a team), 领队,
//! 指导教师.

use super::entity::{contestant, team};
use super::registration::{self, Ctx, Entry, Numbering, RegistrationInput};
use super::setup::{EventView, GroupView};
use super::{CompetitionId, EventKind, RegistrationStatus};
use crate::audit::{self, Actor};
use crate::bank::format::FormatError;
use crate::error::{AppError, AppResult, ErrorCode, Text};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use utoipa::ToSchema;

/// Most rows a file may hold.
pub const MAX_ROWS: usize = 20_000;
/// Most row errors sent back (the count says how many there were).
pub const MAX_ERRORS: usize = 1_000;

const NAME: &[&str] = &["姓名", "name"];
const ID: &[&str] = &["身份证号", "身份证号码", "证件号码", "身份证", "id_number"];
const PHONE: &[&str] = &["手机号", "手机", "手机号码", "联系电话", "电话", "phone"];
const ORG: &[&str] = &[
    "工作单位/学校",
    "工作单位",
    "学校",
    "单位",
    "单位名称",
    "单位/学校",
    "organisation",
];
const KIND: &[&str] = &["单位类型", "类型", "org_kind"];
const EVENT: &[&str] = &["赛项", "event"];
const GROUP: &[&str] = &["组别", "group"];
const TEAM: &[&str] = &["团队", "队名", "团队名称", "team"];
const LEADER: &[&str] = &["领队", "leader"];
const TRAINER: &[&str] = &["指导教师", "指导老师", "教练", "trainer"];

/// The template's header row, in order.
pub const HEADER: [&str; 10] = [
    "姓名",
    "身份证号",
    "手机号",
    "工作单位/学校",
    "单位类型",
    "赛项",
    "组别",
    "团队",
    "领队",
    "指导教师",
];

/// One error of one row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowError {
    /// Row of the sheet (1-based, as Excel shows it).
    pub row: usize,
    /// Column, e.g. 身份证号.
    pub column: String,
    /// Stable code, e.g. `bad_check_digit`, `ineligible`, `duplicate_registration`.
    #[schema(value_type = String)]
    pub code: ErrorCode,
    /// 中文.
    pub message_zh: String,
    /// English.
    pub message: String,
}

impl RowError {
    fn new(row: usize, column: &str, code: ErrorCode, text: Text) -> RowError {
        RowError {
            row,
            column: column.into(),
            code,
            message_zh: text.zh,
            message: text.en,
        }
    }
}

/// What an import stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// Rows read.
    pub total: usize,
    /// Registrations stored.
    pub imported: usize,
    /// Of those, accepted at once (with `accept`).
    pub accepted: usize,
    /// Teams formed.
    pub teams: usize,
}

/// A row that passed every check.
#[derive(Debug, Clone)]
pub struct Parsed<'c> {
    /// Sheet row.
    pub row: usize,
    /// Event.
    pub event: &'c EventView,
    /// Group.
    pub group: &'c GroupView,
    /// Team name (team events).
    pub team: Option<String>,
    /// The checked fields.
    pub entry: Entry,
}

fn find_col(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let h = h.trim().trim_end_matches('*').trim();
        names.iter().any(|n| h.eq_ignore_ascii_case(n))
    })
}

fn pick<'c, T>(list: &'c [T], given: &str, label: impl Fn(&T) -> (&str, &str)) -> Option<&'c T> {
    let g = given.trim();
    if g.is_empty() {
        return if list.len() == 1 { list.first() } else { None };
    }
    list.iter().find(|x| {
        let (name, code) = label(x);
        name == g || code.eq_ignore_ascii_case(g)
    })
}

/// Checks every row of a sheet against the competition (pure given `ctx` and the ID numbers
/// already registered per event): the rows, or every error found.
pub fn parse<'c>(
    rows: Vec<(usize, Vec<String>)>,
    ctx: &'c Ctx,
    existing: &HashMap<i32, HashSet<String>>,
    existing_teams: &HashSet<(i32, String)>,
) -> Result<Vec<Parsed<'c>>, (usize, Vec<RowError>)> {
    let mut iter = rows.into_iter();
    let cols = loop {
        let Some((_, header)) = iter.next() else {
            return Err((
                0,
                vec![RowError::new(
                    1,
                    "姓名",
                    ErrorCode::MissingColumn,
                    Text::new(
                        "没有找到含“姓名”和“身份证号”的表头行",
                        "no header row with 姓名 and 身份证号 was found",
                    ),
                )],
            ));
        };
        if let (Some(n), Some(i)) = (find_col(&header, NAME), find_col(&header, ID)) {
            break [
                Some(n),
                Some(i),
                find_col(&header, PHONE),
                find_col(&header, ORG),
                find_col(&header, KIND),
                find_col(&header, EVENT),
                find_col(&header, GROUP),
                find_col(&header, TEAM),
                find_col(&header, LEADER),
                find_col(&header, TRAINER),
            ];
        }
    };
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashSet<(i32, String)> = HashSet::new();
    let mut total = 0;
    for (row, cells) in iter {
        total += 1;
        let cell = |i: usize| -> String {
            cols[i]
                .and_then(|c| cells.get(c))
                .map(|c| crate::spreadsheet::undefuse(c).to_string())
                .unwrap_or_default()
        };
        let Some(event) = pick(&ctx.view.events, &cell(5), |e| (&e.name, &e.code)) else {
            errors.push(RowError::new(
                row,
                "赛项",
                ErrorCode::EventNotFound,
                Text::new(
                    format!("本竞赛没有赛项“{}”", cell(5)),
                    format!("the competition has no event {:?}", cell(5)),
                ),
            ));
            continue;
        };
        let Some(group) = pick(&ctx.view.groups, &cell(6), |g| (&g.name, &g.code)) else {
            errors.push(RowError::new(
                row,
                "组别",
                ErrorCode::GroupNotFound,
                Text::new(
                    format!("本竞赛没有组别“{}”", cell(6)),
                    format!("the competition has no group {:?}", cell(6)),
                ),
            ));
            continue;
        };
        let input = RegistrationInput {
            event_id: event.id.0,
            group_id: group.id.0,
            name: cell(0),
            id_number: cell(1),
            phone: cell(2),
            organisation: cell(3),
            org_kind: Some(cell(4)),
            leader: cell(8),
            trainer: cell(9),
        };
        let entry = match registration::check_entry(&input, group.eligibility.org_kind) {
            Ok(e) => e,
            Err(f) => {
                errors.push(RowError {
                    row,
                    column: f.column,
                    code: f.code,
                    message_zh: f.message_zh,
                    message: f.message,
                });
                continue;
            }
        };
        let refusals = ctx.refusals(group, &entry);
        if !refusals.is_empty() {
            let t = super::eligibility::summary(&refusals);
            errors.push(RowError::new(row, "组别", ErrorCode::Ineligible, t));
            continue;
        }
        let id = entry.id_number.as_str().to_string();
        let known = existing.get(&event.id.0).is_some_and(|s| s.contains(&id));
        if known || !seen.insert((event.id.0, id)) {
            errors.push(RowError::new(
                row,
                "身份证号",
                ErrorCode::DuplicateRegistration,
                Text::new(
                    if known {
                        "该身份证号已在本赛项报名"
                    } else {
                        "该身份证号在本文件的同一赛项中出现了两次"
                    },
                    if known {
                        "this ID number is already registered in the event"
                    } else {
                        "this ID number appears twice for the same event in the file"
                    },
                ),
            ));
            continue;
        }
        let team = match event.kind {
            EventKind::Team => {
                let name = cell(7).trim().to_string();
                if name.is_empty() || name.chars().count() > 50 {
                    errors.push(RowError::new(
                        row,
                        "团队",
                        ErrorCode::TeamSizeMismatch,
                        Text::new(
                            "团体赛项须填写团队名称（最多 50 个字）",
                            "a team event needs the team's name (at most 50 characters)",
                        ),
                    ));
                    continue;
                }
                if existing_teams.contains(&(event.id.0, name.clone())) {
                    errors.push(RowError::new(
                        row,
                        "团队",
                        ErrorCode::AlreadyExists,
                        Text::new(
                            format!("本赛项已有名为“{name}”的团队"),
                            format!("the event already has a team named {name:?}"),
                        ),
                    ));
                    continue;
                }
                Some(name)
            }
            EventKind::Individual => None,
        };
        out.push(Parsed {
            row,
            event,
            group,
            team,
            entry,
        });
    }
    // Teams: the rows of one name form the team, exactly the event's size, one group.
    let mut teams: BTreeMap<(i32, String), Vec<&Parsed>> = BTreeMap::new();
    for p in &out {
        if let Some(t) = &p.team {
            teams.entry((p.event.id.0, t.clone())).or_default().push(p);
        }
    }
    for ((_, name), members) in &teams {
        let size = members[0].event.team_size;
        let groups: HashSet<i32> = members.iter().map(|m| m.group.id.0).collect();
        if members.len() != size as usize {
            for m in members {
                errors.push(RowError::new(
                    m.row,
                    "团队",
                    ErrorCode::TeamSizeMismatch,
                    Text::new(
                        format!(
                            "团队“{name}”有 {} 人，本赛项每队须为 {size} 人",
                            members.len()
                        ),
                        format!(
                            "team {name:?} has {} members; the event's teams have {size}",
                            members.len()
                        ),
                    ),
                ));
            }
        } else if groups.len() > 1 {
            for m in members {
                errors.push(RowError::new(
                    m.row,
                    "组别",
                    ErrorCode::TeamSizeMismatch,
                    Text::new(
                        format!("团队“{name}”的成员须在同一组别"),
                        format!("the members of team {name:?} must be in one group"),
                    ),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by_key(|e| e.row);
        Err((total, errors))
    }
}

/// 422 `bad_registration_file` with the row errors.
pub fn bad_file(total: usize, errors: Vec<RowError>) -> AppError {
    let count = errors.len();
    let rows: HashSet<usize> = errors.iter().map(|e| e.row).collect();
    AppError::unprocessable(
        ErrorCode::BadRegistrationFile,
        format!(
            "{} of {total} rows have errors; nothing was imported",
            rows.len()
        ),
    )
    .with_zh(format!(
        "共 {total} 行，其中 {} 行有错误，未导入任何报名",
        rows.len()
    ))
    .with_details(json!({
        "total": total,
        "error_count": count,
        "errors": errors.into_iter().take(MAX_ERRORS).collect::<Vec<_>>(),
    }))
}

/// Reads the rows of a file (XLSX, or CSV in UTF-8 or GBK) with the platform's size limits.
pub fn read(bytes: &[u8], xlsx: bool) -> Result<Vec<(usize, Vec<String>)>, FormatError> {
    let rows = crate::bank::format::sheet::rows(bytes, xlsx)?;
    if rows.len() > MAX_ROWS + 1 {
        return Err(FormatError::new(
            ErrorCode::BadRegistrationFile,
            format!("一个文件最多 {MAX_ROWS} 行报名"),
            format!("a file holds at most {MAX_ROWS} registrations"),
        ));
    }
    Ok(rows)
}

/// Imports the rows read from a file, all or nothing, in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CompetitionId,
    rows: Vec<(usize, Vec<String>)>,
    accept: bool,
) -> AppResult<ImportReport> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "competitions", id.0).await?;
    let ctx = Ctx::load(&txn, id).await?;
    let ids: Vec<(i32, String)> = contestant::Entity::find()
        .select_only()
        .column(contestant::Column::EventId)
        .column(contestant::Column::IdNumber)
        .filter(contestant::Column::CompetitionId.eq(id.0))
        .into_tuple()
        .all(&txn)
        .await?;
    let mut existing: HashMap<i32, HashSet<String>> = HashMap::new();
    for (e, n) in ids {
        existing.entry(e).or_default().insert(n);
    }
    let event_ids: Vec<i32> = ctx.view.events.iter().map(|e| e.id.0).collect();
    let existing_teams: HashSet<(i32, String)> = team::Entity::find()
        .filter(team::Column::EventId.is_in(event_ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| (t.event_id, t.name))
        .collect();
    let total = rows.len().saturating_sub(1);
    let parsed = parse(rows, &ctx, &existing, &existing_teams)
        .map_err(|(total, errors)| bad_file(total, errors))?;
    let now = Utc::now();
    let mut team_ids: HashMap<(i32, String), i32> = HashMap::new();
    for p in &parsed {
        let Some(name) = &p.team else { continue };
        let key = (p.event.id.0, name.clone());
        if team_ids.contains_key(&key) {
            continue;
        }
        let t = team::ActiveModel {
            event_id: Set(p.event.id.0),
            group_id: Set(p.group.id.0),
            name: Set(name.clone()),
            leader: Set(p.entry.leader.clone()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        team_ids.insert(key, t.id);
    }
    let mut numbering = if accept {
        Some(Numbering::load(&txn, &ctx).await?)
    } else {
        None
    };
    let mut batch = Vec::with_capacity(parsed.len());
    for p in &parsed {
        let team_id = p
            .team
            .as_ref()
            .and_then(|t| team_ids.get(&(p.event.id.0, t.clone())).copied());
        let mut row =
            registration::new_row(id, p.event.id, p.group.id, team_id, &p.entry, actor, now);
        if let Some(n) = numbering.as_mut() {
            row.status = Set(RegistrationStatus::Accepted.as_str().to_string());
            row.number = Set(Some(n.take(p.event.id, p.group.id)));
            row.reviewed_at = Set(Some(now));
            row.reviewed_by = Set(actor.id);
        }
        batch.push(row);
    }
    let imported = batch.len();
    for chunk in batch.chunks(500) {
        contestant::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    audit::record(
        &txn,
        actor,
        "competition.import",
        "competition",
        &id.0.to_string(),
        json!({"imported": imported, "accepted": accept, "teams": team_ids.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(ImportReport {
        total,
        imported,
        accepted: if accept { imported } else { 0 },
        teams: team_ids.len(),
    })
}

/// The template workbook: the header row and one sample row using the competition's first
/// event and group.
pub fn template(ctx: &Ctx) -> AppResult<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("报名表").map_err(AppError::internal)?;
    let event = ctx.view.events.first();
    let group = ctx.view.groups.first();
    let team = event
        .filter(|e| e.kind == EventKind::Team)
        .map(|_| "广州安防一队")
        .unwrap_or("");
    let sample = [
        "张三",
        "11010519491231002X",
        "13800138000",
        "广州某安防科技有限公司",
        "单位",
        event.map_or("", |e| e.name.as_str()),
        group.map_or("", |g| g.name.as_str()),
        team,
        "李四",
        "",
    ];
    for (j, h) in HEADER.iter().enumerate() {
        sheet
            .write_string(0, j as u16, *h)
            .map_err(AppError::internal)?;
        sheet
            .write_string(1, j as u16, sample[j])
            .map_err(AppError::internal)?;
        sheet
            .set_column_width(j as u16, if j == 1 || j == 3 { 24 } else { 12 })
            .map_err(AppError::internal)?;
    }
    book.save_to_buffer().map_err(AppError::internal)
}
