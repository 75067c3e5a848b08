//! Correcting a certificate by reissuing it: a new number, the old one superseded.

use super::entity::certificate;
use super::issue::{Draft, insert};
use super::issuer::Issuer;
use super::keys;
use super::lifecycle::reason;
use super::record::{CertificateId, get};
use super::repo;
use super::status::Status;
use super::types::{TypeId, get_type, glyph_missing, invalid, text};
use super::verify::local_date;
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

/// A correction: what changes on the reissued certificate.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Correction {
    /// Why (required, recorded).
    pub reason: String,
    /// The corrected name, if the name was wrong.
    pub holder_name: Option<String>,
    /// The corrected result, if it was wrong.
    pub result: Option<String>,
    /// The corrected course, if it was wrong.
    pub course: Option<String>,
    /// The corrected level, if it was wrong.
    pub level: Option<String>,
}

/// Corrects a certificate by reissuing it (authors; audited): a new certificate with a new
/// number, today's date, the current key and the original expiry; the old one becomes
/// `superseded` and points to the new one. One transaction.
pub async fn reissue(
    db: &DatabaseConnection,
    issuer: &Issuer,
    actor: &Actor,
    id: CertificateId,
    fix: Correction,
) -> AppResult<certificate::Model> {
    let why = reason(&fix.reason)?;
    let field = |name: &str, v: &Option<String>, max: usize| -> AppResult<Option<String>> {
        v.as_deref()
            .map(|s| {
                text(name, s, max, true)
                    .map_err(|e| invalid(ErrorCode::InvalidCorrection, e.message))
            })
            .transpose()
    };
    let holder_name = field("holder_name", &fix.holder_name, 40)?;
    let result = field("result", &fix.result, 30)?;
    let course = field("course", &fix.course, 60)?;
    let level = field("level", &fix.level, 30)?;
    if let Some(f) = crate::pdf::font::font() {
        let m = crate::pdf::font::Metrics::of(f);
        for t in [&holder_name, &result, &course, &level]
            .into_iter()
            .flatten()
        {
            if let Some(c) = m.missing(t) {
                return Err(glyph_missing(c));
            }
        }
    }
    let txn = crate::db::begin_write(db).await?;
    repo::bump(&txn, "issue_runs").await?;
    let old = get(&txn, id).await?;
    match old.status {
        Status::Valid | Status::Suspended => {}
        Status::Superseded => {
            return Err(AppError::conflict(
                ErrorCode::AlreadySuperseded,
                "this certificate was already corrected; correct the newest one",
            ));
        }
        Status::Revoked => {
            return Err(AppError::conflict(
                ErrorCode::CertificateRevoked,
                "a revoked certificate cannot be reissued",
            ));
        }
    }
    let issued_on = local_date(Utc::now());
    if old.expires_on.is_some_and(|e| e <= issued_on) {
        return Err(AppError::conflict(
            ErrorCode::CertificateExpired,
            "an expired certificate is not corrected; it needs a new result",
        ));
    }
    let t = get_type(&txn, TypeId(old.type_id)).await?;
    let key = keys::active(&txn).await?;
    let new = insert(
        &txn,
        issuer,
        actor,
        &t,
        &key,
        Draft {
            issue_key: format!("reissue:{}", old.id),
            session_id: old.session_id,
            candidate_id: old.candidate_id,
            attempt_id: old.attempt_id,
            holder_name: holder_name.unwrap_or_else(|| old.holder_name.clone()),
            id_masked: old.id_masked.clone(),
            course: course.unwrap_or_else(|| old.course.clone()),
            level: level.unwrap_or_else(|| old.level.clone()),
            result: result.unwrap_or_else(|| old.result.clone()),
            score: old.score,
            max_score: old.max_score,
            practical_score: old.practical_score,
            session_label: old.session_label.clone(),
            issued_on,
            // A correction does not extend the validity.
            expires_on: old.expires_on,
            replaces: Some(old.id),
        },
    )
    .await?;
    let mut a: certificate::ActiveModel = old.clone().into();
    a.status = Set(Status::Superseded);
    a.status_reason = Set(Some(why.clone()));
    a.status_changed_at = Set(Some(Utc::now()));
    a.superseded_by = Set(Some(new.id));
    a.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "certificate.supersede",
        "certificate",
        &old.id.to_string(),
        json!({"number": old.number, "superseded_by": new.number, "reason": why}),
    )
    .await?;
    txn.commit().await?;
    Ok(new)
}
