//! Issuing: numbering, signing and storing a certificate, and issuing a session's missing
//! certificates to every candidate whose final result passed.

use super::entity::{certificate, certificate_type};
use super::issuer::Issuer;
use super::keys;
use super::number::{CertificateNumber, NumberPattern};
use super::payload::{self, Payload};
use super::render;
use super::repo;
use super::status::Status;
use super::types::{TypeId, get_type, invalid};
use super::verify::local_date;
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::identity::IdNumber;
use crate::exam::outcome;
use crate::exam::session::SessionId;
use chrono::{Months, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use serde_json::json;
use std::collections::HashSet;
use utoipa::ToSchema;

/// What one issuing run did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct IssueReport {
    /// The session.
    pub session_id: i32,
    /// The session's certificate type (none: nothing is issued).
    pub certificate_type_id: Option<i32>,
    /// Certificates issued by this run.
    pub issued: usize,
    /// Passing results that already had their certificate.
    pub already_issued: usize,
    /// Candidates without a final passing result.
    pub not_passed: usize,
    /// The numbers issued by this run.
    pub numbers: Vec<String>,
}

/// What a new certificate says before it is numbered and signed.
pub(super) struct Draft {
    pub(super) issue_key: String,
    pub(super) session_id: Option<i32>,
    pub(super) candidate_id: Option<i32>,
    pub(super) attempt_id: Option<i32>,
    pub(super) holder_name: String,
    pub(super) id_masked: Option<String>,
    pub(super) course: String,
    pub(super) level: String,
    pub(super) result: String,
    pub(super) score: Option<f64>,
    pub(super) max_score: Option<f64>,
    pub(super) practical_score: Option<f64>,
    pub(super) session_label: String,
    pub(super) issued_on: NaiveDate,
    pub(super) expires_on: Option<NaiveDate>,
    pub(super) replaces: Option<i32>,
}

/// Numbers, signs and inserts one certificate inside the caller's transaction.
pub(super) async fn insert(
    txn: &impl ConnectionTrait,
    issuer: &Issuer,
    actor: &Actor,
    t: &certificate_type::Model,
    key: &keys::ActiveKey,
    d: Draft,
) -> AppResult<certificate::Model> {
    let pattern = NumberPattern::parse(&t.number_pattern)
        .map_err(|e| AppError::internal(format!("stored pattern: {e}")))?;
    let year = chrono::Datelike::year(&d.issued_on);
    let serial = repo::bump(
        txn,
        &format!(
            "serial:{}",
            pattern.counter_key(&t.issuer_code, &t.code, year)
        ),
    )
    .await?;
    let number =
        CertificateNumber::parse(&pattern.render(&t.issuer_code, &t.code, year, serial as u64))
            .map_err(|e| invalid(ErrorCode::InvalidNumberPattern, e.message))?;
    let index = repo::bump(txn, "status_index").await? - 1;
    let p = Payload {
        key_id: key.id.0,
        type_code: t.code.clone(),
        number: number.as_str().to_string(),
        holder: payload::mask_name(&d.holder_name),
        id_masked: d.id_masked.clone(),
        issued_on: d.issued_on,
        expires_on: d.expires_on,
        status_index: u32::try_from(index).map_err(AppError::internal)?,
    };
    let signed = p
        .sign(&key.signing)
        .map_err(|e| invalid(ErrorCode::PayloadTooLarge, e.to_string()))?;
    let qr_text = payload::url(issuer.require_public_url()?, &signed);
    super::qr::matrix(&qr_text).map_err(|e| {
        invalid(
            ErrorCode::QrTooLarge,
            format!("{e}; use a shorter CERT_PUBLIC_URL, type code or number pattern"),
        )
    })?;
    let now = Utc::now();
    let c = certificate::ActiveModel {
        number: Set(number.as_str().to_string()),
        issue_key: Set(d.issue_key),
        type_id: Set(t.id),
        session_id: Set(d.session_id),
        candidate_id: Set(d.candidate_id),
        attempt_id: Set(d.attempt_id),
        holder_name: Set(d.holder_name),
        id_masked: Set(d.id_masked),
        course: Set(d.course),
        level: Set(d.level),
        result: Set(d.result),
        score: Set(d.score),
        max_score: Set(d.max_score),
        practical_score: Set(d.practical_score),
        session_label: Set(d.session_label),
        issued_on: Set(d.issued_on),
        expires_on: Set(d.expires_on),
        key_id: Set(i32::from(key.id.0)),
        status_index: Set(index),
        status: Set(Status::Valid),
        status_reason: Set(None),
        status_changed_at: Set(None),
        replaces: Set(d.replaces),
        superseded_by: Set(None),
        qr_text: Set(qr_text),
        issued_by: Set(actor.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        if c.replaces.is_some() {
            "certificate.reissue"
        } else {
            "certificate.issue"
        },
        "certificate",
        &c.id.to_string(),
        json!({"number": c.number, "session_id": c.session_id, "candidate_id": c.candidate_id,
               "attempt_id": c.attempt_id, "replaces": c.replaces, "key_id": c.key_id}),
    )
    .await?;
    Ok(c)
}

pub(super) fn expiry(t: &certificate_type::Model, issued: NaiveDate) -> Option<NaiveDate> {
    t.validity_years
        .and_then(|y| issued.checked_add_months(Months::new(12 * y as u32)))
}

/// The result as printed: 合格, with the score when the type shows it (both parts' with a
/// practical part).
fn result_text(show_score: bool, theory: Option<f64>, practical: Option<f64>) -> String {
    match (show_score, theory, practical) {
        (true, Some(t), Some(p)) => format!(
            "合格（理论知识{}分，操作技能{}分）",
            render::score_text(t),
            render::score_text(p)
        ),
        (true, Some(score), None) => format!("合格（{}分）", render::score_text(score)),
        _ => "合格".to_string(),
    }
}

/// Issues the missing certificates of a session: one for each candidate whose latest attempt
/// is final and passed, for the session's certificate type. Re-running never issues a second
/// certificate for the same result (one issue key per candidate, unique in the database); a
/// session without a certificate type issues nothing. The results must be released, by staff
/// or at submit by the exam's rule ([`outcome::released_in_db`]), and the public address
/// usable ([`Issuer::require_public_url`]). One transaction, audited per certificate.
///
/// Called by the release route right after the release commits, so a failure here never
/// undoes a release; releasing again (or the batch endpoint) retries.
pub async fn issue_for_session(
    db: &DatabaseConnection,
    issuer: &Issuer,
    actor: &Actor,
    session: SessionId,
) -> AppResult<IssueReport> {
    let s = crate::exam::repo::session(db, session.0)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::SessionNotFound, "no such session"))?;
    let type_id = repo::session_type(db, s.id).await?;
    if type_id.is_none() {
        return Ok(IssueReport {
            session_id: s.id,
            ..Default::default()
        });
    }
    if !outcome::released_in_db(db, &s).await? {
        return Err(AppError::conflict(
            ErrorCode::ResultsNotReleased,
            "release the session's results first",
        ));
    }
    issuer.require_public_url()?;
    let txn = crate::db::begin_write(db).await?;
    // The first statement writes, so concurrent runs queue here (SQLite's write lock,
    // PostgreSQL's row lock) and the second sees what the first issued.
    repo::bump(&txn, "issue_runs").await?;
    let report = issue_in(&txn, issuer, actor, &s, None).await?;
    txn.commit().await?;
    Ok(report)
}

/// Whether a session issues certificates automatically now: it has a certificate type, its
/// results are released (either way) and the public address is usable. When the address is
/// not, the automatic issue skips quietly (logged); the console shows why.
pub async fn issues_automatically(
    db: &impl ConnectionTrait,
    issuer: &Issuer,
    s: &crate::exam::entity::session::Model,
) -> AppResult<bool> {
    if repo::session_type(db, s.id).await?.is_none() || !outcome::released_in_db(db, s).await? {
        return Ok(false);
    }
    if let Err(e) = issuer.require_public_url() {
        tracing::warn!(session = s.id, "certificates not issued: {}", e.message);
        return Ok(false);
    }
    Ok(true)
}

/// Issues, inside the caller's transaction, the missing certificates of a session (of one
/// candidate only, when `only` names one) for every final, passed result. The caller has
/// checked that results are released; a session without a type issues nothing.
pub async fn issue_in(
    txn: &impl ConnectionTrait,
    issuer: &Issuer,
    actor: &Actor,
    s: &crate::exam::entity::session::Model,
    only: Option<i32>,
) -> AppResult<IssueReport> {
    let mut report = IssueReport {
        session_id: s.id,
        certificate_type_id: repo::session_type(txn, s.id).await?,
        ..Default::default()
    };
    let Some(type_id) = report.certificate_type_id else {
        return Ok(report);
    };
    let t = get_type(txn, TypeId(type_id)).await?;
    // One candidate reads only their own rows (marking and submitting issue one at a time).
    let outcomes = match only {
        Some(id) => outcome::of_candidate(txn, s, id).await?,
        None => outcome::of_session(txn, s).await?,
    };
    let done: HashSet<String> = repo::issue_keys(txn, s.id).await?.into_iter().collect();
    let key = keys::active(txn).await?;
    let issued_on = local_date(Utc::now());
    let session_label = format!("{} {}", s.number, s.venue).trim().to_string();
    for o in &outcomes {
        let c = &o.candidate;
        if only.is_some_and(|id| id != c.id) {
            continue;
        }
        let Some(a) = o.passing_attempt() else {
            report.not_passed += 1;
            continue;
        };
        let issue_key = format!("candidate:{}", c.id);
        if done.contains(&issue_key) {
            report.already_issued += 1;
            continue;
        }
        // With a practical part the outcome passed both parts; the certificate keeps both.
        let practical_score = o.practical.as_ref().map(|p| p.score);
        let result = result_text(t.show_score, a.score, practical_score);
        let cert = insert(
            txn,
            issuer,
            actor,
            &t,
            &key,
            Draft {
                issue_key,
                session_id: Some(s.id),
                candidate_id: Some(c.id),
                attempt_id: Some(a.id),
                holder_name: c.name.trim().to_string(),
                id_masked: IdNumber::parse(&c.id_number).ok().map(|i| i.masked()),
                course: if t.course.is_empty() {
                    s.name.clone()
                } else {
                    t.course.clone()
                },
                level: t.level.clone(),
                result,
                score: a.score,
                max_score: Some(a.max_score),
                practical_score,
                session_label: session_label.clone(),
                issued_on,
                expires_on: expiry(&t, issued_on),
                replaces: None,
            },
        )
        .await?;
        report.issued += 1;
        report.numbers.push(cert.number);
    }
    if report.issued > 0 {
        audit::record(
            txn,
            actor,
            "session.issue_certificates",
            "session",
            &s.id.to_string(),
            json!({"issued": report.issued, "already_issued": report.already_issued, "type_id": t.id}),
        )
        .await?;
    }
    Ok(report)
}

/// Issues one candidate's certificate right after their submission committed, when the
/// exam releases results at submit and the result is final and passed: the same rule as a
/// staff release or the last mark ([`issues_automatically`]). Best effort: the submission
/// stands whatever happens here; a failure is logged and the console's batch issue retries.
pub async fn issue_after_submit(db: &DatabaseConnection, issuer: &Issuer, candidate_id: i32) {
    let run = async {
        let Some(c) = crate::exam::attempt_repo::candidate(db, candidate_id).await? else {
            return Ok(());
        };
        let Some(s) = crate::exam::repo::session(db, c.session_id).await? else {
            return Ok(());
        };
        if !issues_automatically(db, issuer, &s).await? {
            return Ok(());
        }
        let txn = crate::db::begin_write(db).await?;
        repo::bump(&txn, "issue_runs").await?;
        issue_in(&txn, issuer, &Actor::system(), &s, Some(candidate_id)).await?;
        txn.commit().await?;
        AppResult::Ok(())
    };
    if let Err(e) = run.await {
        tracing::warn!(
            candidate = candidate_id,
            "certificate not issued at submit: {}: {}",
            e.code,
            e.message
        );
    }
}

/// Issues a session's missing certificates after a practical task was signed off or a
/// practical correction approved (committed before), when the session issues automatically
/// ([`issues_automatically`]): results become final and passed there, not at submit or
/// marking. Best effort like [`issue_after_submit`]: logged, and the batch endpoint retries.
pub async fn issue_after_practical(
    db: &DatabaseConnection,
    issuer: &Issuer,
    actor: &Actor,
    session: SessionId,
) {
    let run = async {
        let Some(s) = crate::exam::repo::session(db, session.0).await? else {
            return Ok(());
        };
        if !issues_automatically(db, issuer, &s).await? {
            return Ok(());
        }
        let txn = crate::db::begin_write(db).await?;
        repo::bump(&txn, "issue_runs").await?;
        issue_in(&txn, issuer, actor, &s, None).await?;
        txn.commit().await?;
        AppResult::Ok(())
    };
    if let Err(e) = run.await {
        tracing::warn!(
            session = session.0,
            "certificates not issued after the practical result: {}: {}",
            e.code,
            e.message
        );
    }
}

/// [`issue_after_submit`] for each of these just-submitted attempts whose result is final and
/// passed (time-up submissions by the server, a proctor's forced submission); the others have
/// nothing to issue yet.
pub async fn issue_for_finished(
    db: &DatabaseConnection,
    issuer: &Issuer,
    done: &[crate::exam::entity::attempt::Model],
) {
    for a in done {
        if a.passed == Some(true) && a.pending_marks == 0 {
            issue_after_submit(db, issuer, a.candidate_id).await;
        }
    }
}

/// Marks one answer and, when that makes the candidate's result final and passed in a session
/// that issues certificates automatically ([`issues_automatically`]), issues the certificate
/// in the same transaction (under a savepoint, so a certificate problem never loses the mark).
/// Idempotent like every issue.
pub async fn mark_and_issue(
    db: &DatabaseConnection,
    issuer: &Issuer,
    actor: &Actor,
    plan: &crate::exam::results::MarkPlan,
) -> AppResult<()> {
    let auto = issues_automatically(db, issuer, plan.session()).await?;
    let txn = crate::db::begin_write(db).await?;
    let result = crate::exam::results::apply_mark(&txn, actor, plan).await?;
    if auto && result.is_final {
        // A savepoint: a certificate that cannot be made (a glyph the font lacks, a code too
        // long) never loses the mark; it is logged and the batch endpoint retries.
        let sp = txn.savepoint().await?;
        repo::bump(&sp, "issue_runs").await?;
        let only = Some(plan.candidate_id());
        match issue_in(&sp, issuer, actor, plan.session(), only).await {
            Ok(_) => sp.commit().await?,
            Err(e) => {
                tracing::warn!(
                    session = plan.session().id,
                    candidate = plan.candidate_id(),
                    "certificate not issued on marking: {}: {}",
                    e.code,
                    e.message
                );
                sp.rollback().await?;
            }
        }
    }
    txn.commit().await?;
    Ok(())
}
