//! Verification against this server: the published keys, the signed status list, checking a
//! scanned code, and the number-and-name lookup.

use super::entity::certificate;
use super::issuer::Issuer;
use super::keys;
use super::number::CertificateNumber;
use super::payload::{self};
use super::record::reason_of_status;
use super::repo;
use super::status::{self, Status, StatusList};
use super::verify::{self, KeysDocument, StatusAnswer, Verification, local_date};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;

/// The key document as published.
pub async fn keys_document(db: &DatabaseConnection, issuer: &Issuer) -> AppResult<KeysDocument> {
    keys::document(db, &issuer.name, &issuer.public_url).await
}

/// The signed status list, as of now.
pub async fn status_list(db: &DatabaseConnection, issuer: &Issuer) -> AppResult<StatusList> {
    let key = keys::active(db).await?;
    let size =
        u32::try_from(repo::counter(db, "status_index").await?).map_err(AppError::internal)?;
    let entries = repo::statuses(db)
        .await?
        .into_iter()
        .filter_map(|(i, s)| Some((u32::try_from(i).ok()?, Status::parse(&s)?)));
    Ok(status::sign(
        &issuer.name,
        Utc::now(),
        size,
        entries,
        key.id.0,
        &key.signing,
    ))
}

/// An online verification: the checks, and what the registry adds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OnlineVerification {
    /// The checks and verdict.
    #[serde(flatten)]
    pub verification: Verification,
    /// The issuer (发证机构) of the type.
    pub issuer_name: Option<String>,
    /// The type's title.
    pub type_title: Option<String>,
    /// The type's English title.
    pub type_title_en: Option<String>,
    /// When the status changed (revoked, suspended, superseded).
    pub status_changed_at: Option<DateTime<Utc>>,
    /// The number of the certificate that replaces this one.
    pub superseded_by: Option<String>,
}

/// Verifies a QR text (or its payload) against this server's keys and registry.
pub async fn verify_online(
    db: &DatabaseConnection,
    issuer: &Issuer,
    qr_text: &str,
) -> AppResult<OnlineVerification> {
    let doc = keys_document(db, issuer).await?;
    // Read the record first, so the pure check stays synchronous.
    let scanned_payload = payload::split_url(qr_text)
        .map(|(_, p)| p.to_ascii_uppercase())
        .unwrap_or_else(|_| qr_text.trim().to_ascii_uppercase());
    let record = match payload::decode(&scanned_payload) {
        Ok(s) => repo::by_number(db, &s.payload.number).await?,
        Err(_) => None,
    };
    let now = Utc::now();
    let v = verify::verify(qr_text, &doc, local_date(now), |p| match &record {
        Some(r)
            if r.status_index == i64::from(p.status_index)
                && payload::split_url(&r.qr_text)
                    .map(|(_, stored)| stored.eq_ignore_ascii_case(&scanned_payload))
                    .unwrap_or(false) =>
        {
            StatusAnswer::Known(reason_of_status(&r.status), now)
        }
        _ => StatusAnswer::NotFound,
    });
    online(db, v, record).await
}

async fn online(
    db: &DatabaseConnection,
    v: Verification,
    record: Option<certificate::Model>,
) -> AppResult<OnlineVerification> {
    let genuine = v.certificate.is_some() && v.reason.as_deref() != Some("unknown_certificate");
    let record = record.filter(|_| genuine);
    let t = match &record {
        Some(r) => repo::type_by_id(db, r.type_id).await?,
        None => None,
    };
    let superseded_by = match record.as_ref().and_then(|r| r.superseded_by) {
        Some(id) => repo::by_id(db, id).await?.map(|c| c.number),
        None => None,
    };
    Ok(OnlineVerification {
        issuer_name: t.as_ref().map(|t| t.issuer_name.clone()),
        type_title: t.as_ref().map(|t| t.title.clone()),
        type_title_en: t.as_ref().map(|t| t.title_en.clone()),
        status_changed_at: record.as_ref().and_then(|r| r.status_changed_at),
        superseded_by,
        verification: v,
    })
}

/// Looks a certificate up by number and holder's name, as licensing offices do. Either wrong
/// gives the same 404, so neither can be probed alone; failures are rate limited per client
/// address by the caller.
pub async fn lookup(
    db: &DatabaseConnection,
    issuer: &Issuer,
    number: &str,
    name: &str,
) -> AppResult<OnlineVerification> {
    let not_found = || {
        AppError::not_found(
            "certificate_not_found",
            "no certificate has this number and name",
        )
    };
    let number = CertificateNumber::parse(number).map_err(|_| not_found())?;
    let c = repo::by_number(db, number.as_str())
        .await?
        .filter(|c| c.holder_name == name.trim())
        .ok_or_else(not_found)?;
    verify_online(db, issuer, &c.qr_text).await
}
