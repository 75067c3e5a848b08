//! What the arbitration group (监督仲裁组) reads to decide an appeal — the published result it
//! concerns, the contestant's final sheets (each judge's marks per aspect, sign-offs,
//! corrections) and the audit trail of that contestant's place — and the appeal register
//! (申诉登记表) as PDF and XLSX. Names are shown: appeals come after decryption.

use super::appeal_rules::{self as rules, AppealStatus};
use super::appeals::{self, AppealView};
use super::entity::{appeal, stage};
use super::standings::RankedRow;
use super::{AppealId, CompetitionId, EventId, GroupId, PublicationState, publication};
use crate::audit::entity as audit_entity;
use crate::db::stmt;
use crate::error::{AppError, AppResult};
use crate::pdf::{PdfError, text_document};
use crate::practical::TaskId;
use crate::practical::record::{RecordCandidate, task_record};
use crate::practical::{correction, judging};
use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;

/// The published result an appeal concerns, as it stands now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublishedResult {
    /// The publication's version.
    pub version: i32,
    /// `provisional` or `final`.
    pub state: PublicationState,
    /// Published.
    pub published_at: DateTime<Utc>,
    /// The window's close.
    pub appeal_closes_at: Option<DateTime<Utc>>,
    /// The stages' names, in the row's order.
    pub stages: Vec<String>,
    /// The contestant's row as published.
    pub row: Option<RankedRow>,
}

/// One task of the contestant's final: the panel's sheets for them and the sign-off.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskSheets {
    /// The task.
    pub task_id: i32,
    /// Its title.
    pub title: String,
    /// Aspects, in order.
    pub aspects: Vec<String>,
    /// Signed off and locked.
    pub locked_at: Option<DateTime<Utc>>,
    /// Who signed it off (user id).
    pub signed_off_by: Option<i32>,
    /// The contestant's record: every judge's entries and marks, aggregates, score.
    pub candidate: Option<RecordCandidate>,
}

/// An audit entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrailEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub target_type: String,
    /// Which.
    pub target_id: String,
    /// Details (JSON).
    pub detail: String,
}

/// Everything the arbitration group sees of one appeal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArbitrationView {
    /// The appeal.
    pub appeal: AppealView,
    /// The result it concerns (the newest publication).
    pub published: Option<PublishedResult>,
    /// The contestant's work code on the final, once decrypted.
    pub code: Option<String>,
    /// The final's tasks with the contestant's sheets.
    pub tasks: Vec<TaskSheets>,
    /// Corrections of the contestant's marks (approve through `/api/practical/corrections`).
    pub corrections: Vec<correction::Correction>,
    /// Their place's audit trail, newest first.
    pub trail: Vec<TrailEntry>,
}

async fn candidate_of(db: &impl ConnectionTrait, a: &appeal::Model) -> AppResult<Option<i32>> {
    let r = db
        .query_one_raw(stmt(
            db,
            "SELECT candidate_id FROM competition_anon WHERE stage_id = ? AND contestant_id = ?",
            [a.stage_id.into(), a.contestant_id.into()],
        ))
        .await?;
    Ok(match r {
        Some(r) => Some(r.try_get::<i32>("", "candidate_id")?),
        None => None,
    })
}

/// The arbitration view of an appeal.
pub async fn view(db: &impl ConnectionTrait, id: AppealId) -> AppResult<ArbitrationView> {
    let a = appeal::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(appeals::appeal_not_found)?;
    let view = appeals::get(db, id).await?;
    let published = publication::latest(db, EventId(a.event_id), GroupId(a.group_id))
        .await?
        .map(|p| PublishedResult {
            version: p.version,
            state: p.state,
            published_at: p.published_at,
            appeal_closes_at: p.appeal_closes_at,
            stages: p.ranking.stages.iter().map(|s| s.name.clone()).collect(),
            row: p
                .ranking
                .rows
                .into_iter()
                .find(|r| r.contestant_id == Some(a.contestant_id)),
        });
    let st = stage::Entity::find_by_id(a.stage_id).one(db).await?;
    let cand = candidate_of(db, &a).await?;
    let mut tasks = vec![];
    let mut corrections = vec![];
    let mut code = None;
    if let (Some(session), Some(cand)) = (st.and_then(|s| s.session_id), cand) {
        let all = correction::list(db, &correction::Filter::default()).await?;
        for t in judging::tasks_of_session(db, session).await? {
            let rec = task_record(db, TaskId(t.id)).await?;
            let mine = rec.candidates.into_iter().find(|c| c.candidate_id == cand);
            if let Some(c) = &mine {
                code.get_or_insert_with(|| c.code.clone());
                corrections.extend(
                    all.iter()
                        .filter(|k| k.task_id == t.id && k.code == c.code)
                        .cloned(),
                );
            }
            tasks.push(TaskSheets {
                task_id: t.id,
                title: rec.title,
                aspects: rec.scheme.iter().map(|s| s.text.clone()).collect(),
                locked_at: rec.locked_at,
                signed_off_by: t.signed_off_by,
                candidate: mine,
            });
        }
    }
    let ids: Vec<String> = appeal::Entity::find()
        .select_only()
        .column(appeal::Column::Id)
        .filter(appeal::Column::ContestantId.eq(a.contestant_id))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .iter()
        .map(i32::to_string)
        .collect();
    let mut any = Condition::any()
        .add(
            Condition::all()
                .add(audit_entity::Column::TargetType.eq("competition_appeal"))
                .add(audit_entity::Column::TargetId.is_in(ids)),
        )
        .add(
            Condition::all()
                .add(audit_entity::Column::TargetType.eq("competition_contestant"))
                .add(audit_entity::Column::TargetId.eq(a.contestant_id.to_string())),
        );
    if let Some(c) = cand {
        any = any
            .add(audit_entity::Column::Detail.like(format!("%\"candidate_id\":{c},%")))
            .add(audit_entity::Column::Detail.like(format!("%\"candidate_id\":{c}}}%")));
    }
    let trail = audit_entity::Entity::find()
        .filter(any)
        .order_by_desc(audit_entity::Column::Id)
        .limit(500)
        .all(db)
        .await?
        .into_iter()
        .map(|e| TrailEntry {
            at: e.at,
            actor: e.actor,
            action: e.action,
            target_type: e.target_type,
            target_id: e.target_id,
            detail: e.detail,
        })
        .collect();
    Ok(ArbitrationView {
        appeal: view,
        published,
        code,
        tasks,
        corrections,
        trail,
    })
}

/// One line of the appeal register.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RegisterRow {
    /// Appeal number.
    pub id: i32,
    /// Filed, Beijing time.
    pub filed_at: String,
    /// 参赛证号.
    pub number: String,
    /// Name.
    pub name: String,
    /// Stage (and task).
    pub stage: String,
    /// Filed by (contestant or leader).
    pub filed_by: String,
    /// The grounds, summarised.
    pub grounds: String,
    /// Status (Chinese).
    pub status: String,
    /// Decision (Chinese; empty while open).
    pub decision: String,
    /// Its reason.
    pub reason: String,
    /// Who decided.
    pub decided_by: String,
    /// When, Beijing time.
    pub decided_at: String,
}

/// Beijing time to the minute.
pub fn beijing(t: DateTime<Utc>) -> String {
    FixedOffset::east_opt(8 * 3600)
        .map(|tz| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The register's lines from the appeals (oldest first) and the deciders' names.
pub fn register_rows(
    appeals: &[AppealView],
    decider: impl Fn(i32) -> Option<String>,
) -> Vec<RegisterRow> {
    let mut rows: Vec<RegisterRow> = appeals
        .iter()
        .map(|a| RegisterRow {
            id: a.id,
            filed_at: beijing(a.filed_at),
            number: a.contestant_number.clone(),
            name: a.contestant_name.clone(),
            stage: if a.task.is_empty() {
                a.stage_name.clone()
            } else {
                format!("{} / {}", a.stage_name, a.task)
            },
            filed_by: match a.filed_by_kind.as_str() {
                "leader" => format!("领队 {}", a.filed_by_name),
                _ => format!("选手 {}", a.filed_by_name),
            },
            grounds: rules::summary(&a.grounds, 60),
            status: a.status.zh().into(),
            decision: match a.status {
                AppealStatus::Upheld => "成立".into(),
                AppealStatus::Rejected => "不成立".into(),
                _ => String::new(),
            },
            reason: a.decision_reason.clone().unwrap_or_default(),
            decided_by: a.decided_by.and_then(&decider).unwrap_or_default(),
            decided_at: a.decided_at.map(beijing).unwrap_or_default(),
        })
        .collect();
    rows.sort_by_key(|r| r.id);
    rows
}

/// A competition's register.
pub async fn register(db: &impl ConnectionTrait, id: CompetitionId) -> AppResult<Vec<RegisterRow>> {
    let all = appeals::list(db, id).await?;
    let mut names = std::collections::HashMap::new();
    for r in db
        .query_all_raw(stmt(
            db,
            "SELECT u.id, u.display_name FROM users u WHERE u.id IN \
             (SELECT decided_by FROM competition_appeals WHERE competition_id = ?)",
            [id.0.into()],
        ))
        .await?
    {
        names.insert(
            r.try_get::<i32>("", "id")?,
            r.try_get::<String>("", "display_name")?,
        );
    }
    Ok(register_rows(&all, |u| names.get(&u).cloned()))
}

const HEADER: [&str; 12] = [
    "编号",
    "提交时间",
    "参赛证号",
    "姓名",
    "赛段/项目",
    "申诉人",
    "申诉理由摘要",
    "状态",
    "裁决",
    "裁决理由",
    "裁决人",
    "裁决时间",
];

fn cells(r: &RegisterRow) -> [String; 12] {
    [
        r.id.to_string(),
        r.filed_at.clone(),
        r.number.clone(),
        r.name.clone(),
        r.stage.clone(),
        r.filed_by.clone(),
        r.grounds.clone(),
        r.status.clone(),
        r.decision.clone(),
        r.reason.clone(),
        r.decided_by.clone(),
        r.decided_at.clone(),
    ]
}

/// 申诉登记表 as a PDF: one block per appeal (the columns do not fit one line), then the
/// arbitration group's signature line.
pub fn register_pdf(title: &str, rows: &[RegisterRow]) -> Result<Vec<u8>, PdfError> {
    let mut l = vec![
        (format!("申诉登记表 Appeal register — {title}"), 15.0, 0.0),
        (format!("共 {} 件（北京时间）", rows.len()), 10.0, 0.0),
        (String::new(), 10.0, 0.0),
    ];
    for r in rows {
        let c = cells(r);
        l.push((
            format!("第 {} 号  {}  {}  {}  {}", c[0], c[1], c[2], c[3], c[4]),
            10.5,
            0.0,
        ));
        l.push((format!("申诉人：{}    状态：{}", c[5], c[7]), 9.5, 4.0));
        l.push((format!("理由：{}", c[6]), 9.5, 4.0));
        if !r.decision.is_empty() {
            l.push((
                format!(
                    "裁决：{}  理由：{}  裁决人：{}  {}",
                    c[8], c[9], c[10], c[11]
                ),
                9.5,
                4.0,
            ));
        }
        l.push((String::new(), 6.0, 0.0));
    }
    l.push((
        "监督仲裁组签字 Arbitration group: ____________    日期 Date: ________".into(),
        10.0,
        0.0,
    ));
    text_document("申诉登记表", &l)
}

/// 申诉登记表 as XLSX; appellants' text is defused so no cell runs as a formula.
pub fn register_xlsx(rows: &[RegisterRow]) -> AppResult<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("申诉登记表").map_err(AppError::internal)?;
    for (j, h) in HEADER.iter().enumerate() {
        sheet
            .write_string(0, j as u16, *h)
            .map_err(AppError::internal)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        sheet
            .write_number(row, 0, f64::from(r.id))
            .map_err(AppError::internal)?;
        for (j, c) in cells(r).iter().enumerate().skip(1) {
            sheet
                .write_string(row, j as u16, crate::spreadsheet::defuse(c))
                .map_err(AppError::internal)?;
        }
    }
    book.save_to_buffer().map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn appeal(id: i32, status: AppealStatus) -> AppealView {
        AppealView {
            id,
            competition_id: 1,
            event_id: 1,
            group_id: 1,
            contestant_id: 1,
            contestant_number: "PACS26-AZ0001".into(),
            contestant_name: "选手0".into(),
            stage_id: 1,
            stage_name: "实操决赛".into(),
            task: "任务一".into(),
            publication_id: 1,
            grounds: "=SUM(A1)\n评分有误".into(),
            filed_at: DateTime::from_timestamp(1_767_000_000, 0).unwrap_or_default(),
            filed_by_kind: "leader".into(),
            filed_by_name: "王领队".into(),
            status,
            decision_reason: status.decided().then(|| "复核属实".into()),
            decided_at: None,
            decided_by: status.decided().then_some(7),
            correction_id: None,
            attachments: vec![],
        }
    }

    #[test]
    fn the_register_lists_appeals_oldest_first_in_beijing_time_with_decisions() {
        let rows = register_rows(
            &[
                appeal(2, AppealStatus::Upheld),
                appeal(1, AppealStatus::Filed),
            ],
            |u| (u == 7).then(|| "仲裁员".into()),
        );
        assert_eq!(rows[0].id, 1);
        assert_eq!(rows[0].decision, "");
        assert_eq!(rows[1].decision, "成立");
        assert_eq!(rows[1].decided_by, "仲裁员");
        assert_eq!(rows[1].filed_by, "领队 王领队");
        assert_eq!(rows[1].stage, "实操决赛 / 任务一");
        assert_eq!(rows[0].grounds, "=SUM(A1) 评分有误");
        assert_eq!(rows[0].filed_at, "2025-12-29 17:20");
    }

    #[test]
    fn the_register_prints_and_exports() {
        let rows = register_rows(&[appeal(1, AppealStatus::Rejected)], |_| None);
        let pdf = register_pdf("平安城市", &rows).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let x = register_xlsx(&rows).unwrap();
        assert!(x.starts_with(b"PK"));
    }
}
