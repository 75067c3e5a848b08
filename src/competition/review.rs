//! Review (审核) of registrations: accept (the group's rules checked again, a contestant number
//! given) or refuse with a reason, one registration or a whole team at a time; accept every
//! pending eligible registration at once; withdraw.

use super::entity::contestant;
use super::registration::{
    Ctx, Entry, FieldError, Numbering, Registration, find, ineligible, short_text,
};
use super::{CompetitionId, ContestantId, EventId, GroupId, OrgKind, RegistrationStatus};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::identity::IdNumber;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

/// A review decision.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReviewInput {
    /// `accept` or `refuse`.
    pub decision: String,
    /// Why (required to refuse).
    #[serde(default)]
    pub reason: String,
}

/// The rows a decision about `c` applies to: the contestant, or the whole team.
async fn unit(
    db: &impl ConnectionTrait,
    c: &contestant::Model,
) -> AppResult<Vec<contestant::Model>> {
    match c.team_id {
        None => Ok(vec![c.clone()]),
        Some(t) => Ok(contestant::Entity::find()
            .filter(contestant::Column::TeamId.eq(t))
            .order_by_asc(contestant::Column::Id)
            .all(db)
            .await?),
    }
}

fn entry_of(c: &contestant::Model) -> Option<Entry> {
    Some(Entry {
        name: c.name.clone(),
        id_number: IdNumber::parse(&c.id_number).ok()?,
        phone: c.phone.clone(),
        organisation: c.organisation.clone(),
        org_kind: OrgKind::parse(&c.org_kind)?,
        leader: c.leader.clone(),
        trainer: c.trainer.clone(),
    })
}

/// Reviews a pending registration (a team member's decision is the team's): accept gives each
/// a number after checking the group's rules again; refuse needs a reason.
pub async fn review(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ContestantId,
    input: ReviewInput,
) -> AppResult<Vec<Registration>> {
    let accept = match input.decision.trim() {
        "accept" => true,
        "refuse" => false,
        other => {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidBody,
                format!("decision {other:?} is neither accept nor refuse"),
            )
            .with_zh("审核结果须为 accept（通过）或 refuse（不通过）"));
        }
    };
    let reason = short_text("理由", &input.reason, 500).map_err(FieldError::into_error)?;
    if !accept && reason.is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::RefusalNeedsReason,
            "a refusal needs a reason",
        )
        .with_zh("不通过须填写理由"));
    }
    let txn = crate::db::begin_write(db).await?;
    let c = find(&txn, id).await?;
    crate::db::lock_row(&txn, "competitions", c.competition_id).await?;
    let rows = unit(&txn, &c).await?;
    if rows
        .iter()
        .any(|r| r.status != RegistrationStatus::Pending.as_str())
    {
        return Err(AppError::conflict(
            ErrorCode::RegistrationNotPending,
            format!("registration {} is {}, not pending", c.id, c.status),
        )
        .with_zh("该报名已审核或已撤回，不能再审核"));
    }
    let ctx = Ctx::load(&txn, CompetitionId(c.competition_id)).await?;
    let (_, group) = ctx.place(EventId(c.event_id), GroupId(c.group_id))?;
    let mut numbering = if accept {
        for r in &rows {
            let refusals = entry_of(r)
                .map(|e| ctx.refusals(group, &e))
                .unwrap_or_default();
            if !refusals.is_empty() {
                return Err(ineligible(&r.name, &refusals));
            }
        }
        Some(Numbering::load(&txn, &ctx).await?)
    } else {
        None
    };
    let now = Utc::now();
    let mut out = Vec::new();
    for r in rows {
        let mut a: contestant::ActiveModel = r.into();
        match numbering.as_mut() {
            Some(n) => {
                a.status = Set(RegistrationStatus::Accepted.as_str().to_string());
                a.number = Set(Some(n.take(EventId(c.event_id), GroupId(c.group_id))));
                a.reason = Set(String::new());
            }
            None => {
                a.status = Set(RegistrationStatus::Refused.as_str().to_string());
                a.reason = Set(reason.clone());
            }
        }
        a.reviewed_at = Set(Some(now));
        a.reviewed_by = Set(actor.id);
        let saved = a.update(&txn).await?;
        audit::record(
            &txn,
            actor,
            if accept {
                "competition.accept"
            } else {
                "competition.refuse"
            },
            "competition_contestant",
            &saved.id.to_string(),
            json!({"number": saved.number, "reason": saved.reason}),
        )
        .await?;
        out.push(Registration::of(saved, true, None));
    }
    txn.commit().await?;
    Ok(out)
}

/// What a bulk acceptance did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcceptReport {
    /// Registrations accepted now.
    pub accepted: usize,
    /// Pending registrations left pending because they fail a rule (or a team member does).
    pub ineligible: Vec<i32>,
}

/// Which registrations a bulk acceptance takes.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AcceptFilter {
    /// Only this event.
    #[serde(default)]
    pub event_id: Option<i32>,
    /// Only this group.
    #[serde(default)]
    pub group_id: Option<i32>,
}

/// Accepts every pending registration that meets its group's rules (whole teams only), in
/// registration order, in one transaction.
pub async fn accept_all(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CompetitionId,
    filter: AcceptFilter,
) -> AppResult<AcceptReport> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "competitions", id.0).await?;
    let ctx = Ctx::load(&txn, id).await?;
    let mut q = contestant::Entity::find()
        .filter(contestant::Column::CompetitionId.eq(id.0))
        .filter(contestant::Column::Status.eq(RegistrationStatus::Pending.as_str()));
    if let Some(e) = filter.event_id {
        q = q.filter(contestant::Column::EventId.eq(e));
    }
    if let Some(g) = filter.group_id {
        q = q.filter(contestant::Column::GroupId.eq(g));
    }
    let rows = q
        .order_by_asc(contestant::Column::RegisteredAt)
        .order_by_asc(contestant::Column::Id)
        .all(&txn)
        .await?;
    let mut bad_teams = std::collections::HashSet::new();
    let mut ok = Vec::new();
    let mut ineligible = Vec::new();
    for r in rows {
        let fails = ctx
            .view
            .group(GroupId(r.group_id))
            .map(|g| entry_of(&r).is_none_or(|e| !ctx.refusals(g, &e).is_empty()))
            .unwrap_or(true);
        if fails && let Some(t) = r.team_id {
            bad_teams.insert(t);
        }
        if fails {
            ineligible.push(r.id);
        } else {
            ok.push(r);
        }
    }
    let (ok, held): (Vec<_>, Vec<_>) = ok
        .into_iter()
        .partition(|r| r.team_id.is_none_or(|t| !bad_teams.contains(&t)));
    ineligible.extend(held.iter().map(|r| r.id));
    let mut numbering = Numbering::load(&txn, &ctx).await?;
    let now = Utc::now();
    let accepted = ok.len();
    for r in ok {
        let (e, g) = (EventId(r.event_id), GroupId(r.group_id));
        let mut a: contestant::ActiveModel = r.into();
        a.status = Set(RegistrationStatus::Accepted.as_str().to_string());
        a.number = Set(Some(numbering.take(e, g)));
        a.reviewed_at = Set(Some(now));
        a.reviewed_by = Set(actor.id);
        a.update(&txn).await?;
    }
    audit::record(
        &txn,
        actor,
        "competition.accept_all",
        "competition",
        &id.0.to_string(),
        json!({"accepted": accepted, "ineligible": ineligible.len(), "event_id": filter.event_id, "group_id": filter.group_id}),
    )
    .await?;
    txn.commit().await?;
    ineligible.sort_unstable();
    Ok(AcceptReport {
        accepted,
        ineligible,
    })
}

/// Withdraws a pending or accepted registration (a team member withdraws the team). The
/// number given is kept and never given again.
pub async fn withdraw(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ContestantId,
) -> AppResult<Vec<Registration>> {
    let txn = crate::db::begin_write(db).await?;
    let c = find(&txn, id).await?;
    let rows = unit(&txn, &c).await?;
    if rows.iter().any(|r| {
        r.status != RegistrationStatus::Pending.as_str()
            && r.status != RegistrationStatus::Accepted.as_str()
    }) {
        return Err(AppError::conflict(
            ErrorCode::RegistrationNotPending,
            format!("registration {} is {}", c.id, c.status),
        )
        .with_zh("只有待审核或已录取的报名可以撤回"));
    }
    let mut out = Vec::new();
    for r in rows {
        let mut a: contestant::ActiveModel = r.into();
        a.status = Set(RegistrationStatus::Withdrawn.as_str().to_string());
        let saved = a.update(&txn).await?;
        audit::record(
            &txn,
            actor,
            "competition.withdraw",
            "competition_contestant",
            &saved.id.to_string(),
            json!({}),
        )
        .await?;
        out.push(Registration::of(saved, true, None));
    }
    txn.commit().await?;
    Ok(out)
}
