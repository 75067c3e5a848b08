//! Awards (奖项): each event's award policy in versions (saving a changed policy makes a new
//! one; old ones stay readable), evaluation on the FINAL publication of an event × group (the
//! pure [`super::award_policy::evaluate`]), the awards stored with the policy version and the
//! publication, and their certificates issued through the certificate module.

use super::award_policy::{self, AwardKind, PolicyError};
use super::entity::awards::{award, policy};
use super::entity::{competition, contestant, event, group};
use super::publication::{self, Publication};
use super::{EventId, GroupId, TeamScore, setup};
use crate::audit::{self, Actor};
use crate::certificate::issuer::Issuer;
use crate::certificate::standalone::{self, Standalone};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// A saved policy version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyVersion {
    /// Row id.
    pub id: i32,
    /// The event.
    pub event_id: i32,
    /// 1, 2, … per event.
    pub version: i32,
    /// The policy as saved (JSON).
    #[schema(value_type = Object)]
    pub policy: serde_json::Value,
    /// Who saved it.
    pub created_by: Option<i32>,
    /// When.
    pub created_at: DateTime<Utc>,
}

fn version_of(m: policy::Model) -> PolicyVersion {
    PolicyVersion {
        id: m.id,
        event_id: m.event_id,
        version: m.version,
        policy: serde_json::from_str(&m.body).unwrap_or(serde_json::Value::Null),
        created_by: m.created_by,
        created_at: m.created_at,
    }
}

/// One stored award.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AwardView {
    /// Id.
    pub id: i32,
    /// The final publication it was evaluated on.
    pub publication_id: i32,
    /// The event.
    pub event_id: i32,
    /// The group.
    pub group_id: i32,
    /// The policy version used.
    pub policy_version: i32,
    /// The contestant (individual events).
    pub contestant_id: Option<i32>,
    /// The team (team events).
    pub team_id: Option<i32>,
    /// 参赛证号.
    pub number: String,
    /// Name.
    pub name: String,
    /// Employer or school.
    pub organisation: String,
    /// The award's kind code.
    pub kind: String,
    /// Printed name, Chinese.
    pub label_zh: String,
    /// Printed name, English.
    pub label_en: String,
    /// The rank as published.
    pub rank: Option<i32>,
    /// Certificate type code to issue.
    pub certificate_type: Option<String>,
    /// Certificate number(s) once issued.
    pub certificate_number: Option<String>,
}

fn view(m: award::Model) -> AwardView {
    AwardView {
        id: m.id,
        publication_id: m.publication_id,
        event_id: m.event_id,
        group_id: m.group_id,
        policy_version: m.policy_version,
        contestant_id: m.contestant_id,
        team_id: m.team_id,
        number: m.number,
        name: m.name,
        organisation: m.organisation,
        kind: m.kind,
        label_zh: m.label_zh,
        label_en: m.label_en,
        rank: m.rank,
        certificate_type: m.certificate_type,
        certificate_number: m.certificate_number,
    }
}

fn refused(e: PolicyError) -> AppError {
    AppError::unprocessable(e.code, e.en)
        .with_zh(e.zh)
        .with_details(json!({ "field": e.field }))
}

/// Checks and saves an event's policy (organisers). A changed policy becomes the next version
/// (`true`); the same policy as the latest returns it unchanged (`false`). Every refusal is a
/// 422 naming the field, and saves nothing.
pub async fn save_policy(
    db: &DatabaseConnection,
    actor: &Actor,
    event: EventId,
    text: &str,
) -> AppResult<(PolicyVersion, bool)> {
    let ev = setup::find_event(db, event).await?;
    let (raw, p) = award_policy::parse(text).map_err(refused)?;
    let groups: Vec<String> = group::Entity::find()
        .filter(group::Column::CompetitionId.eq(ev.competition_id))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.name)
        .collect();
    let types = standalone::type_codes(db).await?;
    award_policy::check_names(&p, &groups, &types).map_err(refused)?;
    let body = serde_json::to_string(&raw).map_err(AppError::internal)?;
    let txn = crate::db::begin_write(db).await?;
    let latest = latest_policy(&txn, event).await?;
    if let Some(l) = latest.as_ref().filter(|l| l.body == body) {
        return Ok((version_of(l.clone()), false));
    }
    let version = latest.map_or(1, |l| l.version + 1);
    let m = policy::ActiveModel {
        event_id: Set(ev.id),
        version: Set(version),
        body: Set(body),
        created_by: Set(actor.id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.award_policy",
        "competition_event",
        &ev.id.to_string(),
        json!({"version": version, "policy_id": m.id}),
    )
    .await?;
    txn.commit().await?;
    Ok((version_of(m), true))
}

async fn latest_policy(
    db: &impl ConnectionTrait,
    event: EventId,
) -> AppResult<Option<policy::Model>> {
    Ok(policy::Entity::find()
        .filter(policy::Column::EventId.eq(event.0))
        .order_by_desc(policy::Column::Version)
        .one(db)
        .await?)
}

/// Every saved version of an event's policy, newest first.
pub async fn policies(db: &impl ConnectionTrait, event: EventId) -> AppResult<Vec<PolicyVersion>> {
    setup::find_event(db, event).await?;
    Ok(policy::Entity::find()
        .filter(policy::Column::EventId.eq(event.0))
        .order_by_desc(policy::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(version_of)
        .collect())
}

async fn stored(
    db: &impl ConnectionTrait,
    event: EventId,
    g: GroupId,
) -> AppResult<Vec<award::Model>> {
    Ok(award::Entity::find()
        .filter(award::Column::EventId.eq(event.0))
        .filter(award::Column::GroupId.eq(g.0))
        .order_by_asc(award::Column::Id)
        .all(db)
        .await?)
}

/// The awards of an event × group as last evaluated (empty before).
pub async fn list(
    db: &impl ConnectionTrait,
    event: EventId,
    g: GroupId,
) -> AppResult<Vec<AwardView>> {
    Ok(stored(db, event, g).await?.into_iter().map(view).collect())
}

/// The final publication, or 409 `not_final`.
pub async fn final_publication(
    db: &DatabaseConnection,
    event: EventId,
    g: GroupId,
) -> AppResult<Publication> {
    publication::final_of(db, event, g).await?.ok_or_else(|| {
        AppError::conflict(ErrorCode::NotFinal, "the results are not final yet")
            .with_zh("成绩尚未最终公布，不能评定奖项")
    })
}

/// Evaluates the event's current policy on the final publication of a group and replaces the
/// group's awards (one transaction, audited with the previous and the new policy version).
/// 409 `not_final` before the final publication, `no_award_policy` without a policy,
/// `certificates_issued` once certificates were issued for the group.
pub async fn evaluate(
    db: &DatabaseConnection,
    actor: &Actor,
    event: EventId,
    g: GroupId,
) -> AppResult<Vec<AwardView>> {
    let ev = setup::find_event(db, event).await?;
    let publication = final_publication(db, event, g).await?;
    let Some(pol) = latest_policy(db, event).await? else {
        return Err(AppError::conflict(
            ErrorCode::NoAwardPolicy,
            "the event has no award policy yet",
        )
        .with_zh("本赛项还没有奖项设置"));
    };
    let (_, parsed) = award_policy::parse(&pol.body).map_err(refused)?;
    let team_size = u32::try_from(ev.team_size.max(1)).unwrap_or(1);
    let rows = member_scaled(&ev, &publication.ranking.rows);
    let awards = award_policy::evaluate(&parsed, &publication.ranking.group_name, team_size, &rows);
    let txn = crate::db::begin_write(db).await?;
    let before = stored(&txn, event, g).await?;
    if before.iter().any(|a| a.certificate_number.is_some()) {
        return Err(AppError::conflict(
            ErrorCode::CertificatesIssued,
            "certificates were issued for this group; the awards stand",
        )
        .with_zh("本组别已颁发证书，不能重新评定奖项"));
    }
    let previous = before.first().map(|a| a.policy_version);
    award::Entity::delete_many()
        .filter(award::Column::EventId.eq(event.0))
        .filter(award::Column::GroupId.eq(g.0))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    let mut out = vec![];
    for a in &awards {
        let row = &publication.ranking.rows[a.row];
        let (zh, en) = a.kind.label();
        let m = award::ActiveModel {
            publication_id: Set(publication.id),
            event_id: Set(event.0),
            group_id: Set(g.0),
            policy_id: Set(pol.id),
            policy_version: Set(pol.version),
            contestant_id: Set(row.contestant_id),
            team_id: Set(row.team_id),
            number: Set(row.number.clone()),
            name: Set(if row.members.is_empty() {
                row.name.clone()
            } else {
                format!("{}（{}）", row.name, row.members.join("、"))
            }),
            organisation: Set(row.organisation.clone()),
            kind: Set(a.kind.as_str().to_string()),
            label_zh: Set(zh.to_string()),
            label_en: Set(en.to_string()),
            rank: Set(a.rank.and_then(|r| i32::try_from(r).ok())),
            certificate_type: Set(a.certificate.clone()),
            certificate_number: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        out.push(view(m));
    }
    audit::record(
        &txn,
        actor,
        "competition.evaluate_awards",
        "competition_event",
        &event.0.to_string(),
        json!({"group_id": g.0, "publication_id": publication.id,
               "publication_version": publication.version,
               "policy_version": pol.version, "previous_policy_version": previous,
               "awards": out.len(), "replaced": before.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// A team's stage scores as its members' mean: a summed team's are divided by the team size,
/// so a certificate threshold means the same in every event.
fn member_scaled(
    ev: &event::Model,
    rows: &[super::standings::RankedRow],
) -> Vec<super::standings::RankedRow> {
    let sum = TeamScore::parse(&ev.team_score) == Some(TeamScore::Sum) && ev.team_size > 1;
    rows.iter()
        .cloned()
        .map(|mut r| {
            if sum && r.team_id.is_some() {
                let n = f64::from(ev.team_size);
                r.stages = r.stages.iter().map(|s| s.map(|v| v / n)).collect();
            }
            r
        })
        .collect()
}

/// What one issuing run did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct IssueSummary {
    /// Certificates issued by this run.
    pub issued: usize,
    /// Awards whose certificates were already issued.
    pub already_issued: usize,
    /// The numbers issued by this run.
    pub numbers: Vec<String>,
}

/// Issues the certificates of a group's awards that name a certificate type: one per holder (a
/// team's members each get one), issue key `award:<award id>` (`award:<id>:<contestant>` in a
/// team), so re-running never issues twice. One transaction, audited.
pub async fn issue_certificates(
    db: &DatabaseConnection,
    issuer: &Issuer,
    actor: &Actor,
    event: EventId,
    g: GroupId,
) -> AppResult<IssueSummary> {
    let ev = setup::find_event(db, event).await?;
    final_publication(db, event, g).await?;
    issuer.require_public_url()?;
    let comp = competition::Entity::find_by_id(ev.competition_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("event without competition"))?;
    let grp = setup::find_group(db, g).await?;
    let label = format!("{}{}{}", comp.name, ev.name, grp.name);
    let txn = crate::db::begin_write(db).await?;
    let mut summary = IssueSummary::default();
    for a in stored(&txn, event, g).await? {
        let Some(code) = a.certificate_type.clone() else {
            continue;
        };
        if a.certificate_number.is_some() {
            summary.already_issued += 1;
            continue;
        }
        let holders = match (a.contestant_id, a.team_id) {
            (Some(c), _) => contestant::Entity::find_by_id(c)
                .one(&txn)
                .await?
                .into_iter()
                .collect::<Vec<_>>(),
            (None, Some(t)) => {
                contestant::Entity::find()
                    .filter(contestant::Column::TeamId.eq(t))
                    .order_by_asc(contestant::Column::Id)
                    .all(&txn)
                    .await?
            }
            (None, None) => vec![],
        };
        let result = if a.kind == AwardKind::SkillCertificate.as_str() {
            "合格".to_string()
        } else {
            a.label_zh.clone()
        };
        let mut numbers = vec![];
        for h in &holders {
            let issue_key = if a.team_id.is_some() {
                format!("award:{}:{}", a.id, h.id)
            } else {
                format!("award:{}", a.id)
            };
            let (c, new) = standalone::issue(
                &txn,
                issuer,
                actor,
                Standalone {
                    type_code: code.clone(),
                    issue_key,
                    holder_name: h.name.clone(),
                    id_number: h.id_number.clone(),
                    course: ev.name.clone(),
                    result: result.clone(),
                    label: label.clone(),
                },
            )
            .await?;
            if new {
                summary.issued += 1;
                summary.numbers.push(c.number.clone());
            }
            numbers.push(c.number);
        }
        if numbers.is_empty() {
            continue;
        }
        let mut m: award::ActiveModel = a.into();
        m.certificate_number = Set(Some(numbers.join(",")));
        m.update(&txn).await?;
    }
    audit::record(
        &txn,
        actor,
        "competition.issue_award_certificates",
        "competition_event",
        &event.0.to_string(),
        json!({"group_id": g.0, "issued": summary.issued, "already_issued": summary.already_issued}),
    )
    .await?;
    txn.commit().await?;
    Ok(summary)
}

/// The awards of the given kinds (a document lists one set).
pub fn of_kinds<'a>(awards: &'a [AwardView], kinds: &[AwardKind]) -> Vec<&'a AwardView> {
    awards
        .iter()
        .filter(|a| kinds.iter().any(|k| k.as_str() == a.kind))
        .collect()
}
