//! Revoking, suspending and reinstating a certificate (audited, with a reason).

use super::entity::certificate;
use super::record::{CertificateId, get, reason_of_status};
use super::status::Status;
use super::types::invalid;
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use serde_json::json;

/// Checks a reason given for a status change: required, at most 500 characters.
pub fn reason(s: &str) -> AppResult<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(invalid("reason_required", "give a reason"));
    }
    if t.chars().count() > 500 {
        return Err(invalid(
            "reason_too_long",
            "a reason holds at most 500 characters",
        ));
    }
    Ok(t.to_string())
}

/// A status change staff can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    /// Valid or suspended → revoked (final).
    Revoke,
    /// Valid → suspended.
    Suspend,
    /// Suspended → valid.
    Reinstate,
}

/// Changes a certificate's status with a reason (authors; audited). The next status list
/// and every verification show it at once.
pub async fn set_status(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CertificateId,
    action: StatusAction,
    why: &str,
) -> AppResult<certificate::Model> {
    let why = reason(why)?;
    let txn = crate::db::begin_write(db).await?;
    let c = get(&txn, id).await?;
    let from = reason_of_status(&c.status);
    let to = match (action, from) {
        (StatusAction::Revoke, Status::Valid | Status::Suspended) => Status::Revoked,
        (StatusAction::Suspend, Status::Valid) => Status::Suspended,
        (StatusAction::Reinstate, Status::Suspended) => Status::Valid,
        _ => {
            return Err(AppError::conflict(
                "status_conflict",
                format!("a {} certificate cannot be changed that way", from.code()),
            ));
        }
    };
    let mut a: certificate::ActiveModel = c.clone().into();
    a.status = Set(to.code().into());
    a.status_reason = Set(Some(why.clone()));
    a.status_changed_at = Set(Some(Utc::now()));
    let c = a.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        match action {
            StatusAction::Revoke => "certificate.revoke",
            StatusAction::Suspend => "certificate.suspend",
            StatusAction::Reinstate => "certificate.reinstate",
        },
        "certificate",
        &c.id.to_string(),
        json!({"number": c.number, "from": from.code(), "to": to.code(), "reason": why}),
    )
    .await?;
    txn.commit().await?;
    Ok(c)
}
