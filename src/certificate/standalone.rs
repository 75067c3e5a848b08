//! Certificates not tied to an exam session (a competition's award certificates, its
//! 专项职业能力证书): numbered, signed and verifiable like every certificate, issued once per
//! issue key. Other domains call this; it never calls them.

use super::entity::certificate;
use super::issue::{Draft, expiry, insert};
use super::issuer::Issuer;
use super::keys;
use super::repo;
use super::verify::local_date;
use crate::audit::Actor;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::identity::IdNumber;
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// What a standalone certificate says.
#[derive(Debug, Clone)]
pub struct Standalone {
    /// The certificate type's code.
    pub type_code: String,
    /// What makes issuing idempotent, e.g. `award:<award id>`.
    pub issue_key: String,
    /// The holder's name.
    pub holder_name: String,
    /// The holder's ID number, full (only its masked form is kept).
    pub id_number: String,
    /// Course or event printed (empty: the type's course).
    pub course: String,
    /// The result as printed, e.g. 一等奖 or 合格.
    pub result: String,
    /// What stands for the session, e.g. the competition, event and group.
    pub label: String,
}

/// The codes of every certificate type (a policy names them).
pub async fn type_codes(db: &impl ConnectionTrait) -> AppResult<Vec<String>> {
    Ok(repo::types(db).await?.into_iter().map(|t| t.code).collect())
}

/// Issues one certificate inside the caller's transaction, or returns the one already issued
/// under the same issue key (then `false`). 422 `unknown_certificate_type` for an unknown code.
pub async fn issue(
    txn: &impl ConnectionTrait,
    issuer: &Issuer,
    actor: &Actor,
    s: Standalone,
) -> AppResult<(certificate::Model, bool)> {
    if let Some(c) = certificate::Entity::find()
        .filter(certificate::Column::IssueKey.eq(s.issue_key.as_str()))
        .one(txn)
        .await?
    {
        return Ok((c, false));
    }
    let t = repo::types(txn)
        .await?
        .into_iter()
        .find(|t| t.code == s.type_code)
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::UnknownCertificateType,
                format!("no certificate type has the code {}", s.type_code),
            )
            .with_zh(format!("没有代码为 {} 的证书类型", s.type_code))
        })?;
    let key = keys::active(txn).await?;
    let issued_on = local_date(Utc::now());
    let c = insert(
        txn,
        issuer,
        actor,
        &t,
        &key,
        Draft {
            issue_key: s.issue_key,
            session_id: None,
            candidate_id: None,
            attempt_id: None,
            holder_name: s.holder_name.trim().to_string(),
            id_masked: IdNumber::parse(&s.id_number).ok().map(|i| i.masked()),
            course: if t.course.is_empty() {
                s.course
            } else {
                t.course.clone()
            },
            level: t.level.clone(),
            result: s.result,
            score: None,
            max_score: None,
            practical_score: None,
            session_label: s.label,
            issued_on,
            expires_on: expiry(&t, issued_on),
            replaces: None,
        },
    )
    .await?;
    Ok((c, true))
}
