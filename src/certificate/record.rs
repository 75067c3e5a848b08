//! A stored certificate as staff and holders read it.

use super::entity::certificate;
use super::repo;
use super::status::Status;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use utoipa::ToSchema;

/// Typed id of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateId(pub i32);

/// A certificate, or 404.
pub async fn get(db: &impl ConnectionTrait, id: CertificateId) -> AppResult<certificate::Model> {
    repo::by_id(db, id.0)
        .await?
        .ok_or_else(|| AppError::not_found("certificate_not_found", "no such certificate"))
}

/// A certificate as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificateDto {
    /// Id.
    pub id: i32,
    /// Number.
    pub number: String,
    /// Type id.
    pub type_id: i32,
    /// Session.
    pub session_id: Option<i32>,
    /// Candidate.
    pub candidate_id: Option<i32>,
    /// Attempt.
    pub attempt_id: Option<i32>,
    /// Holder's name.
    pub holder_name: String,
    /// Masked ID number.
    pub id_masked: Option<String>,
    /// Course.
    pub course: String,
    /// Level.
    pub level: String,
    /// Result as printed.
    pub result: String,
    /// Issue date.
    #[schema(value_type = String)]
    pub issued_on: NaiveDate,
    /// Expiry date.
    #[schema(value_type = Option<String>)]
    pub expires_on: Option<NaiveDate>,
    /// Status.
    pub status: Status,
    /// Why the status last changed.
    pub status_reason: Option<String>,
    /// When it last changed.
    pub status_changed_at: Option<DateTime<Utc>>,
    /// The certificate this one corrects.
    pub replaces: Option<i32>,
    /// The certificate that corrects this one.
    pub superseded_by: Option<i32>,
    /// Signing key.
    pub key_id: i32,
    /// Status-list index.
    pub status_index: i64,
    /// The QR text.
    pub qr_text: String,
    /// Issued.
    pub created_at: DateTime<Utc>,
}

impl From<certificate::Model> for CertificateDto {
    fn from(c: certificate::Model) -> Self {
        CertificateDto {
            id: c.id,
            status: reason_of_status(&c.status),
            number: c.number,
            type_id: c.type_id,
            session_id: c.session_id,
            candidate_id: c.candidate_id,
            attempt_id: c.attempt_id,
            holder_name: c.holder_name,
            id_masked: c.id_masked,
            course: c.course,
            level: c.level,
            result: c.result,
            issued_on: c.issued_on,
            expires_on: c.expires_on,
            status_reason: c.status_reason,
            status_changed_at: c.status_changed_at,
            replaces: c.replaces,
            superseded_by: c.superseded_by,
            key_id: c.key_id,
            status_index: c.status_index,
            qr_text: c.qr_text,
            created_at: c.created_at,
        }
    }
}

/// The current certificate of a candidate (the holder's own download), refusing one that is
/// not in force.
pub async fn of_holder(
    db: &DatabaseConnection,
    candidate_id: i32,
) -> AppResult<certificate::Model> {
    let c = repo::of_candidate(db, candidate_id)
        .await?
        .into_iter()
        .find(|c| c.status != Status::Superseded.code())
        .ok_or_else(|| {
            AppError::not_found(
                "certificate_not_found",
                "no certificate has been issued to you",
            )
        })?;
    if c.status != Status::Valid.code() {
        return Err(AppError::conflict(
            "certificate_not_valid",
            format!("your certificate is {}; ask the issuer", c.status),
        ));
    }
    Ok(c)
}

pub(super) fn reason_of_status(s: &str) -> Status {
    Status::parse(s).unwrap_or(Status::Revoked)
}
