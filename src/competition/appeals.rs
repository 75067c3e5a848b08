//! Appeals (申诉) against provisional results and their decisions by the arbitration group
//! (监督仲裁组). An appellant (the contestant or their team leader) files one while the
//! provisional window is open: the stage (and task) contested, the grounds, a few attachments.
//! Arbitrators review it and decide it — upheld, carried by a practical correction made on the
//! normal signed path (head judge asks, supervisor or admin approves), or rejected — always with
//! a reason. Finalisation waits for every decision ([`undecided`]); a re-publication's changes
//! name the upheld decisions' reasons ([`reasons`]).
//!
//! An appellant sees only the appeals of the contestants they answer for; nothing about
//! appeals reaches a public route.

use super::appeal_rules::{
    self as rules, AppealStatus, FileRefusal, MAX_GROUNDS, MAX_REASON, Outcome, Published,
    TextRefusal, WindowRefusal,
};
use super::appellants;
use super::entity::{appeal, appeal_file, appeal_grant, contestant, publication, stage};
use super::{AppealId, CompetitionId, ContestantId, EventId, GroupId, PublicationState};
use crate::audit::{self, Actor};
use crate::auth::appellant::{Appellant, AppellantAuth};
use crate::db::{begin_write, stmt};
use crate::error::{AppError, AppResult, ErrorCode, Text};
use actix_web::http::StatusCode;
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

fn err(status: StatusCode, code: ErrorCode, zh: &str, en: &str) -> AppError {
    AppError::text(status, code, Text::new(zh, en))
}

/// 404 for an appeal that does not exist or is not the asker's.
pub fn appeal_not_found() -> AppError {
    err(
        StatusCode::NOT_FOUND,
        ErrorCode::AppealNotFound,
        "找不到该申诉。",
        "no such appeal",
    )
}

fn not_yours() -> AppError {
    err(
        StatusCode::FORBIDDEN,
        ErrorCode::NotYourContestant,
        "只能为本人或本队选手提出申诉。",
        "appeals are filed by the contestant or their team leader only",
    )
}

fn window_refusal(r: WindowRefusal) -> AppError {
    match r {
        WindowRefusal::NotPublished => err(
            StatusCode::CONFLICT,
            ErrorCode::NotPublished,
            "成绩尚未公示，不能申诉。",
            "no provisional results are published yet",
        ),
        WindowRefusal::AlreadyFinal => err(
            StatusCode::CONFLICT,
            ErrorCode::AlreadyFinal,
            "成绩已为最终成绩，不再受理申诉。",
            "the results are final; no more appeals",
        ),
        WindowRefusal::AppealWindowClosed => err(
            StatusCode::CONFLICT,
            ErrorCode::AppealWindowClosed,
            "申诉期已结束。",
            "the appeal window has closed",
        ),
    }
}

/// An attachment as sent: a name and the bytes in base64.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewAttachment {
    /// File name.
    pub name: String,
    /// The bytes, base64 (standard alphabet).
    pub data: String,
}

/// An appeal as filed.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewAppeal {
    /// The contestant (a leader must name one; a contestant may omit it).
    pub contestant_id: Option<i32>,
    /// The stage contested.
    pub stage_id: i32,
    /// The task (module) contested, if one (free text, at most 100 characters).
    #[serde(default)]
    pub task: String,
    /// What is wrong (required, at most 2,000 characters).
    pub grounds: String,
    /// Images (PNG, JPEG, WebP) or PDFs: at most 3, 200 KB each.
    #[serde(default)]
    pub attachments: Vec<NewAttachment>,
}

/// An attachment as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentInfo {
    /// Id.
    pub id: i32,
    /// File name.
    pub name: String,
    /// Media type, sniffed.
    pub mime: String,
    /// Bytes.
    pub size: i32,
}

/// An appeal as shown to its appellant and to the arbitration group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppealView {
    /// Id.
    pub id: i32,
    /// The competition.
    pub competition_id: i32,
    /// The event.
    pub event_id: i32,
    /// The group.
    pub group_id: i32,
    /// The contestant.
    pub contestant_id: i32,
    /// Their number (参赛证号).
    pub contestant_number: String,
    /// Their name.
    pub contestant_name: String,
    /// The stage contested.
    pub stage_id: i32,
    /// Its name.
    pub stage_name: String,
    /// The task named.
    pub task: String,
    /// The provisional publication it was filed against.
    pub publication_id: i32,
    /// Grounds.
    pub grounds: String,
    /// Filed.
    pub filed_at: DateTime<Utc>,
    /// `contestant` or `leader`.
    pub filed_by_kind: String,
    /// Their name.
    pub filed_by_name: String,
    /// Where it stands.
    pub status: AppealStatus,
    /// The decision's reason (once decided).
    pub decision_reason: Option<String>,
    /// Decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// The arbitrator who decided (staff views only).
    pub decided_by: Option<i32>,
    /// The practical correction carrying an upheld decision (staff views only).
    pub correction_id: Option<i32>,
    /// Attachments.
    pub attachments: Vec<AttachmentInfo>,
}

async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<appeal::Model>,
    staff: bool,
) -> AppResult<Vec<AppealView>> {
    let ids: Vec<i32> = rows.iter().map(|a| a.id).collect();
    let kids: Vec<i32> = rows.iter().map(|a| a.contestant_id).collect();
    let sids: Vec<i32> = rows.iter().map(|a| a.stage_id).collect();
    let mut files: HashMap<i32, Vec<AttachmentInfo>> = HashMap::new();
    // The bytes stay out of the list.
    for f in appeal_file::Entity::find()
        .select_only()
        .columns([
            appeal_file::Column::Id,
            appeal_file::Column::AppealId,
            appeal_file::Column::Name,
            appeal_file::Column::Mime,
            appeal_file::Column::Size,
        ])
        .filter(appeal_file::Column::AppealId.is_in(ids))
        .order_by_asc(appeal_file::Column::Id)
        .into_tuple::<(i32, i32, String, String, i32)>()
        .all(db)
        .await?
    {
        files.entry(f.1).or_default().push(AttachmentInfo {
            id: f.0,
            name: f.2,
            mime: f.3,
            size: f.4,
        });
    }
    let people: HashMap<i32, contestant::Model> = contestant::Entity::find()
        .filter(contestant::Column::Id.is_in(kids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let stages: HashMap<i32, String> = stage::Entity::find()
        .filter(stage::Column::Id.is_in(sids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|a| {
            let status = AppealStatus::parse(&a.status).unwrap_or(AppealStatus::Filed);
            let k = people.get(&a.contestant_id);
            AppealView {
                id: a.id,
                competition_id: a.competition_id,
                event_id: a.event_id,
                group_id: a.group_id,
                contestant_id: a.contestant_id,
                contestant_number: k.and_then(|k| k.number.clone()).unwrap_or_default(),
                contestant_name: k.map(|k| k.name.clone()).unwrap_or_default(),
                stage_id: a.stage_id,
                stage_name: stages.get(&a.stage_id).cloned().unwrap_or_default(),
                task: a.task,
                publication_id: a.publication_id,
                grounds: a.grounds,
                filed_at: a.filed_at,
                filed_by_kind: a.filed_by_kind,
                filed_by_name: a.filed_by_name,
                status,
                decision_reason: status.decided().then_some(a.decision_reason),
                decided_at: a.decided_at,
                decided_by: a.decided_by.filter(|_| staff),
                correction_id: a.correction_id.filter(|_| staff),
                attachments: files.remove(&a.id).unwrap_or_default(),
            }
        })
        .collect())
}

use sea_orm::QuerySelect;

async fn row(db: &impl ConnectionTrait, id: AppealId) -> AppResult<appeal::Model> {
    appeal::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(appeal_not_found)
}

async fn one(db: &impl ConnectionTrait, id: AppealId, staff: bool) -> AppResult<AppealView> {
    let a = row(db, id).await?;
    views(db, vec![a], staff)
        .await?
        .pop()
        .ok_or_else(appeal_not_found)
}

fn decode(files: &[NewAttachment]) -> AppResult<Vec<(String, Vec<u8>)>> {
    if files.len() > rules::MAX_FILES {
        return Err(file_refusal(rules::MAX_FILES, FileRefusal::TooMany));
    }
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            base64::engine::general_purpose::STANDARD
                .decode(f.data.trim())
                .map(|b| (rules::file_name(&f.name), b))
                .map_err(|_| file_refusal(i, FileRefusal::Type))
        })
        .collect()
}

fn file_refusal(i: usize, r: FileRefusal) -> AppError {
    let e = match r {
        FileRefusal::TooMany => err(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::TooManyAttachments,
            "附件最多 3 个。",
            "at most 3 attachments",
        ),
        FileRefusal::TooLarge => err(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::AttachmentTooLarge,
            "附件为空或超过 200 KB。",
            "an attachment is empty or larger than 200 KB",
        ),
        FileRefusal::Type => err(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::AttachmentType,
            "附件只能是图片（PNG、JPEG、WebP）或 PDF。",
            "attachments must be images (PNG, JPEG, WebP) or PDFs",
        ),
    };
    e.with_details(json!({"attachment": i}))
}

fn grounds_refusal(r: TextRefusal) -> AppError {
    match r {
        TextRefusal::Empty => err(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::GroundsRequired,
            "请写明申诉理由。",
            "state the grounds of the appeal",
        ),
        TextRefusal::TooLong => err(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::GroundsTooLong,
            "申诉理由过长（最多 2000 字）。",
            "the grounds are too long (at most 2,000 characters)",
        ),
    }
}

/// The newest publication's row of an event × group. Read from the table, not through
/// `publication` (which calls [`undecided`] and [`reasons`]): the two stay one-way.
pub(super) async fn newest(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
) -> AppResult<Option<(i32, PublicationState, Option<DateTime<Utc>>)>> {
    Ok(publication::Entity::find()
        .filter(publication::Column::EventId.eq(event.0))
        .filter(publication::Column::GroupId.eq(group.0))
        .order_by_desc(publication::Column::Version)
        .one(db)
        .await?
        .map(|p| {
            let state = PublicationState::parse(&p.state).unwrap_or(PublicationState::Final);
            (p.id, state, p.appeal_closes_at)
        }))
}

/// Where the event × group's results stand, for the window rules.
pub async fn published(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
) -> AppResult<(Published, Option<i32>)> {
    Ok(standing(newest(db, event, group).await?))
}

/// The window rules' view of the newest publication's row.
pub(super) fn standing(
    newest: Option<(i32, PublicationState, Option<DateTime<Utc>>)>,
) -> (Published, Option<i32>) {
    match newest {
        None => (Published::Nothing, None),
        Some((id, PublicationState::Final, _)) => (Published::Final, Some(id)),
        Some((id, _, closes)) => (Published::Provisional(closes), Some(id)),
    }
}

/// Files an appeal: one transaction, audited. Refusals change nothing.
pub async fn file(
    db: &DatabaseConnection,
    who: &AppellantAuth,
    req: &NewAppeal,
    now: DateTime<Utc>,
) -> AppResult<AppealView> {
    let covered = appellants::covered(db, who).await?;
    let k = match (req.contestant_id, &who.who) {
        (Some(id), _) => covered.iter().find(|c| c.id == id),
        (None, Appellant::Contestant(_)) => covered.first(),
        (None, Appellant::Leader(_)) if covered.len() == 1 => covered.first(),
        (None, Appellant::Leader(_)) => None,
    }
    .ok_or_else(not_yours)?
    .clone();
    let st = stage::Entity::find_by_id(req.stage_id)
        .one(db)
        .await?
        .filter(|s| s.event_id == k.event_id)
        .ok_or_else(|| {
            err(
                StatusCode::NOT_FOUND,
                ErrorCode::StageNotFound,
                "该选手的赛项没有这个竞赛阶段。",
                "the contestant's event has no such stage",
            )
        })?;
    let grounds = rules::clean_text(&req.grounds, MAX_GROUNDS).map_err(grounds_refusal)?;
    let task: String = req.task.trim().chars().take(100).collect();
    let files = decode(&req.attachments)?;
    let mimes = {
        let refs: Vec<&[u8]> = files.iter().map(|(_, b)| b.as_slice()).collect();
        rules::check_files(&refs).map_err(|(i, r)| file_refusal(i, r))?
    };
    let count = files.len();

    let txn = begin_write(db).await?;
    // The contestant and their leader filing at once on PostgreSQL: one waits for the other,
    // so the limit below counts both.
    crate::db::lock_row(&txn, "competition_contestants", k.id).await?;
    let (state, publication_id) = published(&txn, EventId(k.event_id), GroupId(k.group_id)).await?;
    rules::window(state, now).map_err(window_refusal)?;
    let publication_id =
        publication_id.ok_or_else(|| window_refusal(WindowRefusal::NotPublished))?;
    let filed = appeal::Entity::find()
        .filter(appeal::Column::ContestantId.eq(k.id))
        .filter(appeal::Column::StageId.eq(st.id))
        .count(&txn)
        .await?;
    let granted = appeal_grant::Entity::find()
        .filter(appeal_grant::Column::ContestantId.eq(k.id))
        .filter(appeal_grant::Column::StageId.eq(st.id))
        .count(&txn)
        .await?;
    if !rules::within_limit(filed, granted) {
        return Err(err(
            StatusCode::CONFLICT,
            ErrorCode::AppealLimitReached,
            "该选手在本阶段已提出过申诉；如需再次申诉，请联系赛务人员。",
            "this contestant has already appealed this stage; staff may allow another",
        ));
    }
    let kind = match who.who {
        Appellant::Contestant(_) => "contestant",
        Appellant::Leader(_) => "leader",
    };
    let a = appeal::ActiveModel {
        competition_id: Set(k.competition_id),
        event_id: Set(k.event_id),
        group_id: Set(k.group_id),
        contestant_id: Set(k.id),
        stage_id: Set(st.id),
        publication_id: Set(publication_id),
        task: Set(task),
        grounds: Set(grounds),
        filed_at: Set(now),
        filed_by_kind: Set(kind.into()),
        filed_by_name: Set(who.name.clone()),
        status: Set(AppealStatus::Filed.as_str().into()),
        review_at: Set(None),
        review_by: Set(None),
        decision_reason: Set(String::new()),
        correction_id: Set(None),
        decided_at: Set(None),
        decided_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for ((name, bytes), mime) in files.into_iter().zip(mimes) {
        appeal_file::ActiveModel {
            appeal_id: Set(a.id),
            name: Set(name),
            mime: Set(mime.into()),
            size: Set(i32::try_from(bytes.len()).unwrap_or(i32::MAX)),
            bytes: Set(bytes),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        &Actor {
            id: None,
            name: format!("{kind}:{}", who.name),
        },
        "competition.appeal_file",
        "competition_appeal",
        &a.id.to_string(),
        json!({"contestant_id": k.id, "stage_id": st.id, "publication_id": publication_id,
               "attachments": count}),
    )
    .await?;
    let out = one(&txn, AppealId(a.id), false).await?;
    txn.commit().await?;
    Ok(out)
}

/// The appeals of the contestants an appellant answers for, newest first.
pub async fn mine(db: &impl ConnectionTrait, who: &AppellantAuth) -> AppResult<Vec<AppealView>> {
    let ids: Vec<i32> = appellants::covered(db, who)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    let rows = appeal::Entity::find()
        .filter(appeal::Column::ContestantId.is_in(ids))
        .order_by_desc(appeal::Column::Id)
        .all(db)
        .await?;
    views(db, rows, false).await
}

/// One of an appellant's appeals; 404 for anyone else's.
pub async fn mine_one(
    db: &impl ConnectionTrait,
    who: &AppellantAuth,
    id: AppealId,
) -> AppResult<AppealView> {
    let a = row(db, id).await?;
    let covered = appellants::covered(db, who).await?;
    if !covered.iter().any(|c| c.id == a.contestant_id) {
        return Err(appeal_not_found());
    }
    views(db, vec![a], false)
        .await?
        .pop()
        .ok_or_else(appeal_not_found)
}

/// A competition's appeals, newest first (arbitration group).
pub async fn list(db: &impl ConnectionTrait, id: CompetitionId) -> AppResult<Vec<AppealView>> {
    let rows = appeal::Entity::find()
        .filter(appeal::Column::CompetitionId.eq(id.0))
        .order_by_desc(appeal::Column::Id)
        .all(db)
        .await?;
    views(db, rows, true).await
}

/// One appeal (arbitration group).
pub async fn get(db: &impl ConnectionTrait, id: AppealId) -> AppResult<AppealView> {
    one(db, id, true).await
}

/// An attachment's name, type and bytes (arbitration group).
pub async fn attachment(
    db: &impl ConnectionTrait,
    id: AppealId,
    file: i32,
) -> AppResult<appeal_file::Model> {
    appeal_file::Entity::find_by_id(file)
        .one(db)
        .await?
        .filter(|f| f.appeal_id == id.0)
        .ok_or_else(|| {
            err(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "找不到该附件。",
                "no such attachment",
            )
        })
}

fn decided() -> AppError {
    err(
        StatusCode::CONFLICT,
        ErrorCode::AppealDecided,
        "该申诉已有裁决，不能再次裁决。",
        "the appeal is already decided",
    )
}

/// Marks an appeal as under review (审查中), so the appellant sees it is being looked at;
/// again changes nothing. Audited.
pub async fn review(db: &DatabaseConnection, actor: &Actor, id: AppealId) -> AppResult<AppealView> {
    let txn = begin_write(db).await?;
    let a = row(&txn, id).await?;
    match AppealStatus::parse(&a.status) {
        Some(AppealStatus::Filed) => {
            let mut m: appeal::ActiveModel = a.into();
            m.status = Set(AppealStatus::UnderReview.as_str().into());
            m.review_at = Set(Some(Utc::now()));
            m.review_by = Set(actor.id);
            m.update(&txn).await?;
            audit::record(
                &txn,
                actor,
                "competition.appeal_review",
                "competition_appeal",
                &id.0.to_string(),
                json!({}),
            )
            .await?;
        }
        Some(s) if s.decided() => return Err(decided()),
        _ => {}
    }
    let out = one(&txn, id, true).await?;
    txn.commit().await?;
    Ok(out)
}

/// The arbitration group's decision.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Decision {
    /// `upheld` or `rejected`.
    pub outcome: Outcome,
    /// Why (required, at most 1,000 characters).
    pub reason: String,
    /// For an upheld appeal: the approved practical correction (head judge's request,
    /// supervisor's approval) that carries it, if the result changes through one.
    pub correction_id: Option<i32>,
    /// For an upheld appeal against a theory question: the question it names, which is flagged
    /// (back to review with the decision's reason). Ignored when the appeal is rejected.
    #[serde(default)]
    pub question: Option<NamedQuestion>,
}

/// A question named by its bank's code and its identifier in the bank (e.g. `LAW`, `LAW-0012`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NamedQuestion {
    /// Bank code.
    pub bank: String,
    /// Identifier in the bank.
    pub ident: String,
}

/// Checks that correction `cid` is approved and concerns the appeal's contestant on its stage.
async fn correction_fits(db: &impl ConnectionTrait, a: &appeal::Model, cid: i32) -> AppResult<()> {
    let found = db
        .query_one_raw(stmt(
            db,
            "SELECT k.id FROM practical_corrections k JOIN competition_anon m \
             ON m.candidate_id = k.candidate_id WHERE k.id = ? AND k.status = 'approved' \
             AND m.stage_id = ? AND m.contestant_id = ?",
            [cid.into(), a.stage_id.into(), a.contestant_id.into()],
        ))
        .await?;
    if found.is_none() {
        return Err(err(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::CorrectionNotForAppeal,
            "该更正不存在、尚未批准，或不是本申诉选手在本阶段的成绩。",
            "the correction does not exist, is not approved, or is not this contestant's on this stage",
        ));
    }
    Ok(())
}

/// Records the decision: upheld or rejected, with its reason; once. Its own transaction,
/// audited. The ranking changes when the results are re-published or finalised.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    id: AppealId,
    d: &Decision,
) -> AppResult<AppealView> {
    let reason = rules::clean_text(&d.reason, MAX_REASON).map_err(|r| match r {
        TextRefusal::Empty => err(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ReasonRequired,
            "裁决必须写明理由。",
            "a decision needs a reason",
        ),
        TextRefusal::TooLong => err(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ReasonTooLong,
            "理由过长（最多 1000 字）。",
            "the reason is too long (at most 1,000 characters)",
        ),
    })?;
    let txn = begin_write(db).await?;
    let a = row(&txn, id).await?;
    if AppealStatus::parse(&a.status).is_some_and(AppealStatus::decided) {
        return Err(decided());
    }
    if let Some(cid) = d.correction_id {
        if d.outcome != Outcome::Upheld {
            return Err(err(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::CorrectionNotForAppeal,
                "驳回的申诉不关联成绩更正。",
                "a rejected appeal carries no correction",
            ));
        }
        correction_fits(&txn, &a, cid).await?;
    }
    let now = Utc::now();
    // Guarded on the status, so two arbitrators deciding at once cannot both succeed.
    let updated = txn
        .execute_raw(stmt(
            &txn,
            "UPDATE competition_appeals SET status = ?, decision_reason = ?, correction_id = ?, \
             decided_at = ?, decided_by = ? WHERE id = ? AND status IN ('filed', 'under_review')",
            [
                d.outcome.status().as_str().into(),
                reason.clone().into(),
                d.correction_id.into(),
                now.into(),
                actor.id.into(),
                id.0.into(),
            ],
        ))
        .await?
        .rows_affected();
    if updated == 0 {
        return Err(decided());
    }
    // An upheld appeal that names a question puts it back in review, in the same transaction.
    let named = d.question.as_ref().filter(|_| d.outcome == Outcome::Upheld);
    if let Some(q) = named {
        crate::bank::review::flag_named(
            &txn,
            actor,
            &q.bank,
            &q.ident,
            crate::bank::review::FlagSource::Appeal,
            &format!("申诉 {} 成立 / appeal {} upheld: {reason}", id.0, id.0),
        )
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "competition.appeal_decide",
        "competition_appeal",
        &id.0.to_string(),
        json!({"contestant_id": a.contestant_id, "outcome": d.outcome.as_str(), "reason": reason,
               "correction_id": d.correction_id,
               "question": named.map(|q| json!({"bank": q.bank, "ident": q.ident}))}),
    )
    .await?;
    let out = one(&txn, id, true).await?;
    txn.commit().await?;
    Ok(out)
}

/// Staff allow a contestant one more appeal on a stage.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Grant {
    /// The contestant.
    pub contestant_id: i32,
    /// The stage.
    pub stage_id: i32,
    /// Why (required).
    pub reason: String,
}

/// An extra appeal as recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantView {
    /// Id.
    pub id: i32,
    /// The contestant.
    pub contestant_id: i32,
    /// The stage.
    pub stage_id: i32,
    /// Why.
    pub reason: String,
    /// When.
    pub granted_at: DateTime<Utc>,
}

/// Grants one more appeal: one transaction, audited.
pub async fn grant(
    db: &DatabaseConnection,
    actor: &Actor,
    competition: CompetitionId,
    g: &Grant,
) -> AppResult<GrantView> {
    let reason = rules::clean_text(&g.reason, MAX_REASON).map_err(|_| {
        err(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ReasonRequired,
            "请写明理由（最多 1000 字）。",
            "give a reason (at most 1,000 characters)",
        )
    })?;
    let k = super::registration::find(db, ContestantId(g.contestant_id)).await?;
    if k.competition_id != competition.0 {
        return Err(AppError::not_found(
            ErrorCode::ContestantNotFound,
            "no such contestant in this competition",
        )
        .with_zh("本竞赛没有该选手。"));
    }
    stage::Entity::find_by_id(g.stage_id)
        .one(db)
        .await?
        .filter(|s| s.event_id == k.event_id)
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::StageNotFound,
                "the contestant's event has no such stage",
            )
            .with_zh("该选手的赛项没有这个竞赛阶段。")
        })?;
    let txn = begin_write(db).await?;
    let r = appeal_grant::ActiveModel {
        contestant_id: Set(k.id),
        stage_id: Set(g.stage_id),
        reason: Set(reason.clone()),
        granted_at: Set(Utc::now()),
        granted_by: Set(actor.id),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.appeal_grant",
        "competition_contestant",
        &k.id.to_string(),
        json!({"stage_id": g.stage_id, "reason": reason}),
    )
    .await?;
    txn.commit().await?;
    Ok(GrantView {
        id: r.id,
        contestant_id: r.contestant_id,
        stage_id: r.stage_id,
        reason: r.reason,
        granted_at: r.granted_at,
    })
}

/// How many appeals of the event × group are not yet decided (finalisation waits for none).
pub async fn undecided(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
) -> AppResult<u64> {
    Ok(appeal::Entity::find()
        .filter(appeal::Column::EventId.eq(event.0))
        .filter(appeal::Column::GroupId.eq(group.0))
        .filter(appeal::Column::Status.is_in([
            AppealStatus::Filed.as_str(),
            AppealStatus::UnderReview.as_str(),
        ]))
        .count(db)
        .await?)
}

/// Per contestant, the reasons of their upheld appeals (in the order decided), for a
/// re-publication's `why`.
pub async fn reasons(
    db: &impl ConnectionTrait,
    event: EventId,
    group: GroupId,
) -> AppResult<HashMap<i32, String>> {
    let mut out: HashMap<i32, String> = HashMap::new();
    for a in appeal::Entity::find()
        .filter(appeal::Column::EventId.eq(event.0))
        .filter(appeal::Column::GroupId.eq(group.0))
        .filter(appeal::Column::Status.eq(AppealStatus::Upheld.as_str()))
        .order_by_asc(appeal::Column::DecidedAt)
        .order_by_asc(appeal::Column::Id)
        .all(db)
        .await?
    {
        let why = format!("申诉成立（第 {} 号）：{}", a.id, a.decision_reason);
        out.entry(a.contestant_id)
            .and_modify(|s| {
                s.push('；');
                s.push_str(&why);
            })
            .or_insert(why);
    }
    Ok(out)
}
