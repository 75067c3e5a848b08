//! Certificate use cases: types, a session's certificate type, issuing (automatic on release or
//! in a batch; idempotent), revoking, suspending, reinstating, correcting by reissue, online
//! verification and lookup, the status list, and PDFs one by one or as a session's ZIP.

use super::entity::{certificate, certificate_type};
use super::keys;
use super::number::{CertificateNumber, NumberPattern, TypeCode};
use super::payload::{self, Payload};
use super::render::{self, CertificateView, Field, Orientation, RenderError};
use super::repo;
use super::status::{self, Status, StatusList};
use super::verify::{self, KeysDocument, StatusAnswer, Verification, local_date};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult};
use crate::exam::attempt_repo;
use crate::exam::identity::IdNumber;
use crate::exam::session::SessionId;
use crate::state::AppState;
use chrono::{DateTime, Months, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

/// Typed id of a certificate type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeId(pub i32);

/// Typed id of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateId(pub i32);

/// Placeholders the wording may use.
pub const PLACEHOLDERS: [&str; 7] = [
    "name",
    "course",
    "level",
    "result",
    "session",
    "issued_on",
    "number",
];

/// A certificate type as staff send it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewType {
    /// Type code (1–16 of `A-Z 0-9 -`), carried in the QR payload.
    pub code: String,
    /// Title, e.g. 广东省安防从业人员继续教育培训合格证.
    pub title: String,
    /// English title.
    #[serde(default)]
    pub title_en: String,
    /// Body text; placeholders `{name} {course} {level} {result} {session} {issued_on} {number}`.
    pub wording: String,
    /// Occupation or course (empty: the session's name).
    #[serde(default)]
    pub course: String,
    /// Level (等级), may be empty.
    #[serde(default)]
    pub level: String,
    /// Years of validity (continuing education: e.g. 3); absent = does not expire.
    pub validity_years: Option<u32>,
    /// `landscape` (default) or `portrait`.
    pub orientation: Option<Orientation>,
    /// Number pattern (default `{issuer}{year}{serial:6}`).
    pub number_pattern: Option<String>,
    /// Issuer code used in numbers (`A-Z 0-9`, up to 12).
    pub issuer_code: String,
    /// Issuer (发证机构) printed on the certificate.
    pub issuer_name: String,
    /// Print the score with the result (default false).
    #[serde(default)]
    pub show_score: bool,
    /// Printed fields in order (default: all).
    pub fields: Option<Vec<Field>>,
    /// Accent colour `#RRGGBB` (default `#8B1A1A`).
    pub accent: Option<String>,
}

/// A certificate type as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TypeDto {
    /// Id.
    pub id: i32,
    /// Type code.
    pub code: String,
    /// Title.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// Wording.
    pub wording: String,
    /// Course.
    pub course: String,
    /// Level.
    pub level: String,
    /// Years of validity.
    pub validity_years: Option<i32>,
    /// Orientation.
    pub orientation: String,
    /// Number pattern.
    pub number_pattern: String,
    /// Issuer code.
    pub issuer_code: String,
    /// Issuer.
    pub issuer_name: String,
    /// Score printed.
    pub show_score: bool,
    /// Printed fields.
    pub fields: Vec<String>,
    /// Accent colour.
    pub accent: String,
}

impl From<certificate_type::Model> for TypeDto {
    fn from(t: certificate_type::Model) -> Self {
        TypeDto {
            id: t.id,
            code: t.code,
            title: t.title,
            title_en: t.title_en,
            wording: t.wording,
            course: t.course,
            level: t.level,
            validity_years: t.validity_years,
            orientation: t.orientation,
            number_pattern: t.number_pattern,
            issuer_code: t.issuer_code,
            issuer_name: t.issuer_name,
            show_score: t.show_score,
            fields: t.fields.split(',').map(str::to_string).collect(),
            accent: t.accent,
        }
    }
}

/// A checked certificate type, ready to store.
struct TypeSpec {
    code: TypeCode,
    title: String,
    title_en: String,
    wording: String,
    course: String,
    level: String,
    validity_years: Option<i32>,
    orientation: Orientation,
    pattern: NumberPattern,
    issuer_code: String,
    issuer_name: String,
    show_score: bool,
    fields: Vec<Field>,
    accent: String,
}

fn invalid(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::unprocessable(code, message)
}

fn text(name: &str, s: &str, max: usize, required: bool) -> AppResult<String> {
    let t = s.trim();
    if required && t.is_empty() {
        return Err(invalid(
            "invalid_certificate_type",
            format!("{name} is required"),
        ));
    }
    if t.chars().count() > max || t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(
            "invalid_certificate_type",
            format!("{name} holds at most {max} characters and no control characters"),
        ));
    }
    Ok(t.to_string())
}

/// Checks a wording's placeholders.
fn wording(s: &str) -> AppResult<String> {
    let t = text("wording", s, 500, true)?;
    let mut rest = t.as_str();
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            invalid(
                "invalid_wording",
                "a placeholder in the wording is not closed",
            )
        })?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(invalid(
                "invalid_wording",
                format!(
                    "unknown placeholder {{{name}}}; use {}",
                    PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ")
                ),
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(t)
}

impl TypeSpec {
    fn parse(n: NewType) -> AppResult<TypeSpec> {
        let code = TypeCode::parse(&n.code).map_err(|e| invalid(e.code, e.message))?;
        let issuer_code = n.issuer_code.trim().to_ascii_uppercase();
        if issuer_code.is_empty()
            || issuer_code.len() > 12
            || !issuer_code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return Err(invalid(
                "invalid_certificate_type",
                "issuer_code has 1 to 12 letters or digits",
            ));
        }
        let pattern = NumberPattern::parse(
            n.number_pattern
                .as_deref()
                .unwrap_or("{issuer}{year}{serial:6}"),
        )
        .map_err(|e| invalid(e.code, e.message))?;
        // The longest number this type makes must still be a valid number.
        let longest = pattern.render(&issuer_code, code.as_str(), 2099, 0);
        CertificateNumber::parse(&longest).map_err(|_| {
            invalid(
                "invalid_number_pattern",
                format!("the pattern makes numbers like {longest}, which is not 4 to 32 characters of A-Z 0-9 -"),
            )
        })?;
        let validity_years = match n.validity_years {
            None => None,
            Some(y @ 1..=50) => Some(y as i32),
            Some(_) => {
                return Err(invalid(
                    "invalid_certificate_type",
                    "validity_years is from 1 to 50 (leave it out for no expiry)",
                ));
            }
        };
        let fields = n.fields.unwrap_or_else(|| Field::ALL.to_vec());
        let mut seen = HashSet::new();
        if fields.is_empty() || !fields.iter().all(|f| seen.insert(*f)) {
            return Err(invalid(
                "invalid_certificate_type",
                "fields lists each field at most once, and at least one",
            ));
        }
        let accent = n.accent.unwrap_or_else(|| "#8B1A1A".into());
        if render::parse_colour(&accent).is_none() {
            return Err(invalid(
                "invalid_certificate_type",
                "accent is a colour like #8B1A1A",
            ));
        }
        let spec = TypeSpec {
            code,
            title: text("title", &n.title, 40, true)?,
            title_en: text("title_en", &n.title_en, 100, false)?,
            wording: wording(&n.wording)?,
            course: text("course", &n.course, 60, false)?,
            level: text("level", &n.level, 30, false)?,
            validity_years,
            orientation: n.orientation.unwrap_or(Orientation::Landscape),
            pattern,
            issuer_code,
            issuer_name: text("issuer_name", &n.issuer_name, 40, true)?,
            show_score: n.show_score,
            fields,
            accent: accent.to_ascii_uppercase(),
        };
        // Every fixed text must be printable in the certificate font.
        if let Some(f) = super::font::font() {
            let m = super::font::Metrics::of(f);
            for t in [
                &spec.title,
                &spec.title_en,
                &spec.wording,
                &spec.course,
                &spec.level,
                &spec.issuer_name,
            ] {
                if let Some(c) = m.missing(t) {
                    return Err(glyph_missing(c));
                }
            }
        }
        Ok(spec)
    }

    fn apply(self, a: &mut certificate_type::ActiveModel) {
        a.code = Set(self.code.as_str().to_string());
        a.title = Set(self.title);
        a.title_en = Set(self.title_en);
        a.wording = Set(self.wording);
        a.course = Set(self.course);
        a.level = Set(self.level);
        a.validity_years = Set(self.validity_years);
        a.orientation = Set(self.orientation.code().into());
        a.number_pattern = Set(self.pattern.as_str().into());
        a.issuer_code = Set(self.issuer_code);
        a.issuer_name = Set(self.issuer_name);
        a.show_score = Set(self.show_score);
        a.fields = Set(self
            .fields
            .iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
            .join(","));
        a.accent = Set(self.accent);
        a.updated_at = Set(Utc::now());
    }
}

fn glyph_missing(c: char) -> AppError {
    invalid(
        "glyph_missing",
        format!(
            "the certificate font cannot print {c:?} (U+{:04X})",
            u32::from(c)
        ),
    )
    .with_details(json!({"char": c.to_string(), "codepoint": format!("U+{:04X}", u32::from(c))}))
}

/// Creates a certificate type (authors; audited).
pub async fn create_type(
    db: &DatabaseConnection,
    actor: &Actor,
    n: NewType,
) -> AppResult<certificate_type::Model> {
    let spec = TypeSpec::parse(n)?;
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let mut a = certificate_type::ActiveModel {
        created_by: Set(actor.id),
        created_at: Set(now),
        ..Default::default()
    };
    spec.apply(&mut a);
    let t = a.insert(&txn).await.map_err(|e| match AppError::from(e) {
        e if e.code == "already_exists" => AppError::conflict(
            "type_code_exists",
            "a certificate type with this code exists",
        ),
        e => e,
    })?;
    audit::record(
        &txn,
        actor,
        "certificate_type.create",
        "certificate_type",
        &t.id.to_string(),
        json!({"code": t.code, "title": t.title}),
    )
    .await?;
    txn.commit().await?;
    Ok(t)
}

/// Replaces a certificate type (authors; audited). Its code cannot change once certificates
/// carry it, since their QR payloads name it.
pub async fn update_type(
    db: &DatabaseConnection,
    actor: &Actor,
    id: TypeId,
    n: NewType,
) -> AppResult<certificate_type::Model> {
    let spec = TypeSpec::parse(n)?;
    let txn = crate::db::begin_write(db).await?;
    let old = get_type(&txn, id).await?;
    if old.code != spec.code.as_str() && repo::count_of_type(&txn, id.0).await? > 0 {
        return Err(AppError::conflict(
            "type_in_use",
            "certificates of this type were issued; its code cannot change",
        ));
    }
    let mut a: certificate_type::ActiveModel = old.clone().into();
    spec.apply(&mut a);
    let t = a.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "certificate_type.update",
        "certificate_type",
        &t.id.to_string(),
        json!({"code": t.code, "title": t.title, "was": {"code": old.code, "title": old.title}}),
    )
    .await?;
    txn.commit().await?;
    Ok(t)
}

/// A certificate type, or 404.
pub async fn get_type(db: &impl ConnectionTrait, id: TypeId) -> AppResult<certificate_type::Model> {
    repo::type_by_id(db, id.0).await?.ok_or_else(|| {
        AppError::not_found("certificate_type_not_found", "no such certificate type")
    })
}

/// Sets or clears the certificate type of a session (authors; audited).
pub async fn set_session_type(
    db: &DatabaseConnection,
    actor: &Actor,
    session: SessionId,
    type_id: Option<TypeId>,
) -> AppResult<Option<certificate_type::Model>> {
    let txn = crate::db::begin_write(db).await?;
    crate::exam::repo::session(&txn, session.0)
        .await?
        .ok_or_else(|| AppError::not_found("session_not_found", "no such session"))?;
    let t = match type_id {
        Some(id) => Some(get_type(&txn, id).await?),
        None => None,
    };
    let was = repo::session_type(&txn, session.0).await?;
    repo::set_session_type(&txn, session.0, type_id.map(|t| t.0)).await?;
    audit::record(
        &txn,
        actor,
        "session.certificate_type",
        "session",
        &session.0.to_string(),
        json!({"certificate_type_id": type_id.map(|t| t.0), "was": was}),
    )
    .await?;
    txn.commit().await?;
    Ok(t)
}

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

fn reason_of_status(s: &str) -> Status {
    Status::parse(s).unwrap_or(Status::Revoked)
}

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

/// What a new certificate says before it is numbered and signed.
struct Draft {
    issue_key: String,
    session_id: Option<i32>,
    candidate_id: Option<i32>,
    attempt_id: Option<i32>,
    holder_name: String,
    id_masked: Option<String>,
    course: String,
    level: String,
    result: String,
    score: Option<f64>,
    max_score: Option<f64>,
    session_label: String,
    issued_on: NaiveDate,
    expires_on: Option<NaiveDate>,
    replaces: Option<i32>,
}

/// Numbers, signs and inserts one certificate inside the caller's transaction.
async fn insert(
    txn: &impl ConnectionTrait,
    state: &AppState,
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
            .map_err(|e| invalid("invalid_number_pattern", e.message))?;
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
        .map_err(|e| invalid("payload_too_large", e.to_string()))?;
    let qr_text = payload::url(&state.config.cert_public_url, &signed);
    super::qr::matrix(&qr_text).map_err(|e| {
        invalid(
            "qr_too_large",
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
        session_label: Set(d.session_label),
        issued_on: Set(d.issued_on),
        expires_on: Set(d.expires_on),
        key_id: Set(i32::from(key.id.0)),
        status_index: Set(index),
        status: Set(Status::Valid.code().into()),
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

fn expiry(t: &certificate_type::Model, issued: NaiveDate) -> Option<NaiveDate> {
    t.validity_years
        .and_then(|y| issued.checked_add_months(Months::new(12 * y as u32)))
}

fn score_text(score: f64) -> String {
    let s = format!("{score:.1}");
    s.trim_end_matches(".0").to_string()
}

/// Issues the missing certificates of a session: one for each candidate whose latest attempt
/// is final and passed, for the session's certificate type. Re-running never issues a second
/// certificate for the same result (one issue key per candidate, unique in the database); a
/// session without a certificate type issues nothing. The results must be released. One
/// transaction, audited per certificate.
///
/// Called by [`crate::exam::results::release`] right after its transaction commits, so a
/// failure here never undoes a release; releasing again (or the batch endpoint) retries.
pub async fn issue_for_session(
    state: &AppState,
    actor: &Actor,
    session: SessionId,
) -> AppResult<IssueReport> {
    let db = &state.db;
    let s = crate::exam::repo::session(db, session.0)
        .await?
        .ok_or_else(|| AppError::not_found("session_not_found", "no such session"))?;
    let mut report = IssueReport {
        session_id: s.id,
        certificate_type_id: repo::session_type(db, s.id).await?,
        ..Default::default()
    };
    let Some(type_id) = report.certificate_type_id else {
        return Ok(report);
    };
    if s.results_released_at.is_none() {
        return Err(AppError::conflict(
            "results_not_released",
            "release the session's results first",
        ));
    }
    let t = get_type(db, TypeId(type_id)).await?;
    let candidates = crate::exam::repo::candidates(db, s.id).await?;
    let mut latest: HashMap<i32, crate::exam::entity::attempt::Model> = HashMap::new();
    for a in attempt_repo::attempts_in_session(db, s.id).await? {
        match latest.get(&a.candidate_id) {
            Some(b) if b.number >= a.number => {}
            _ => {
                latest.insert(a.candidate_id, a);
            }
        }
    }
    let txn = crate::db::begin_write(db).await?;
    // The first statement writes, so concurrent runs queue here (SQLite's write lock,
    // PostgreSQL's row lock) and the second sees what the first issued.
    repo::bump(&txn, "issue_runs").await?;
    let done: HashSet<String> = repo::issue_keys(&txn, s.id).await?.into_iter().collect();
    let key = keys::active(&txn).await?;
    let issued_on = local_date(Utc::now());
    let session_label = format!("{} {}", s.number, s.venue).trim().to_string();
    for c in &candidates {
        let passing = latest.get(&c.id).filter(|a| {
            a.status == attempt_repo::SUBMITTED
                && a.pending_marks == 0
                && a.passed == Some(true)
                // An attempt ended for misconduct never passes, whatever it scored.
                && a.submitted_by.as_deref() != Some("terminated")
        });
        let Some(a) = passing else {
            report.not_passed += 1;
            continue;
        };
        let issue_key = format!("candidate:{}", c.id);
        if done.contains(&issue_key) {
            report.already_issued += 1;
            continue;
        }
        let result = match (t.show_score, a.score) {
            (true, Some(score)) => format!("合格（{}分）", score_text(score)),
            _ => "合格".to_string(),
        };
        let cert = insert(
            &txn,
            state,
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
            &txn,
            actor,
            "session.issue_certificates",
            "session",
            &s.id.to_string(),
            json!({"issued": report.issued, "already_issued": report.already_issued, "type_id": t.id}),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(report)
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
    state: &AppState,
    actor: &Actor,
    id: CertificateId,
    fix: Correction,
) -> AppResult<certificate::Model> {
    let why = reason(&fix.reason)?;
    let field = |name: &str, v: &Option<String>, max: usize| -> AppResult<Option<String>> {
        v.as_deref()
            .map(|s| text(name, s, max, true).map_err(|e| invalid("invalid_correction", e.message)))
            .transpose()
    };
    let holder_name = field("holder_name", &fix.holder_name, 40)?;
    let result = field("result", &fix.result, 30)?;
    let course = field("course", &fix.course, 60)?;
    let level = field("level", &fix.level, 30)?;
    if let Some(f) = super::font::font() {
        let m = super::font::Metrics::of(f);
        for t in [&holder_name, &result, &course, &level]
            .into_iter()
            .flatten()
        {
            if let Some(c) = m.missing(t) {
                return Err(glyph_missing(c));
            }
        }
    }
    let db = &state.db;
    let txn = crate::db::begin_write(db).await?;
    repo::bump(&txn, "issue_runs").await?;
    let old = get(&txn, id).await?;
    match reason_of_status(&old.status) {
        Status::Valid | Status::Suspended => {}
        Status::Superseded => {
            return Err(AppError::conflict(
                "already_superseded",
                "this certificate was already corrected; correct the newest one",
            ));
        }
        Status::Revoked => {
            return Err(AppError::conflict(
                "certificate_revoked",
                "a revoked certificate cannot be reissued",
            ));
        }
    }
    let issued_on = local_date(Utc::now());
    if old.expires_on.is_some_and(|e| e <= issued_on) {
        return Err(AppError::conflict(
            "certificate_expired",
            "an expired certificate is not corrected; it needs a new result",
        ));
    }
    let t = get_type(&txn, TypeId(old.type_id)).await?;
    let key = keys::active(&txn).await?;
    let new = insert(
        &txn,
        state,
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
            session_label: old.session_label.clone(),
            issued_on,
            // A correction does not extend the validity.
            expires_on: old.expires_on,
            replaces: Some(old.id),
        },
    )
    .await?;
    let mut a: certificate::ActiveModel = old.clone().into();
    a.status = Set(Status::Superseded.code().into());
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

/// The key document as published.
pub async fn keys_document(state: &AppState) -> AppResult<KeysDocument> {
    keys::document(
        &state.db,
        &state.config.cert_issuer,
        &state.config.cert_public_url,
    )
    .await
}

/// The signed status list, as of now.
pub async fn status_list(state: &AppState) -> AppResult<StatusList> {
    let db = &state.db;
    let key = keys::active(db).await?;
    let size =
        u32::try_from(repo::counter(db, "status_index").await?).map_err(AppError::internal)?;
    let entries = repo::statuses(db)
        .await?
        .into_iter()
        .filter_map(|(i, s)| Some((u32::try_from(i).ok()?, Status::parse(&s)?)));
    Ok(status::sign(
        &state.config.cert_issuer,
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
pub async fn verify_online(state: &AppState, qr_text: &str) -> AppResult<OnlineVerification> {
    let db = &state.db;
    let doc = keys_document(state).await?;
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
pub async fn lookup(state: &AppState, number: &str, name: &str) -> AppResult<OnlineVerification> {
    let not_found = || {
        AppError::not_found(
            "certificate_not_found",
            "no certificate has this number and name",
        )
    };
    let number = CertificateNumber::parse(number).map_err(|_| not_found())?;
    let c = repo::by_number(&state.db, number.as_str())
        .await?
        .filter(|c| c.holder_name == name.trim())
        .ok_or_else(not_found)?;
    verify_online(state, &c.qr_text).await
}

fn view(c: &certificate::Model, t: &certificate_type::Model) -> CertificateView {
    let fill = |w: &str| {
        w.replace("{name}", &c.holder_name)
            .replace("{course}", &c.course)
            .replace("{level}", &c.level)
            .replace("{result}", &c.result)
            .replace("{session}", &c.session_label)
            .replace("{issued_on}", &render::date_zh(c.issued_on))
            .replace("{number}", &c.number)
    };
    CertificateView {
        title: t.title.clone(),
        title_en: t.title_en.clone(),
        wording: fill(&t.wording),
        holder_name: c.holder_name.clone(),
        id_masked: c.id_masked.clone(),
        number: c.number.clone(),
        course: c.course.clone(),
        level: c.level.clone(),
        result: c.result.clone(),
        session_label: c.session_label.clone(),
        issued_on: c.issued_on,
        expires_on: c.expires_on,
        issuer_name: t.issuer_name.clone(),
        qr_text: c.qr_text.clone(),
        orientation: Orientation::parse(&t.orientation).unwrap_or(Orientation::Landscape),
        accent: render::parse_colour(&t.accent).unwrap_or((0.55, 0.1, 0.1)),
        fields: t.fields.split(',').filter_map(Field::parse).collect(),
    }
}

fn render_error(e: RenderError) -> AppError {
    match e {
        RenderError::MissingGlyph(c, _) => glyph_missing(c),
        RenderError::QrTooLarge(m) => invalid("qr_too_large", m),
        RenderError::NoFont => AppError::internal("the certificate font could not be loaded"),
    }
}

/// The PDF of a certificate (rendered off the async workers).
pub async fn pdf(db: &DatabaseConnection, c: &certificate::Model) -> AppResult<Vec<u8>> {
    let t = get_type(db, TypeId(c.type_id)).await?;
    let v = view(c, &t);
    tokio::task::spawn_blocking(move || render::render(&v))
        .await
        .map_err(AppError::internal)?
        .map_err(render_error)
}

/// A file name for a certificate's PDF: its number and the holder's name.
pub fn file_name(c: &certificate::Model) -> String {
    let name: String = c
        .holder_name
        .chars()
        .filter(|ch| !ch.is_control() && !"/\\:*?\"<>|".contains(*ch))
        .collect();
    format!("{}-{}.pdf", c.number, name)
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

/// Streams the PDFs of a session's certificates in force (not revoked, not superseded) as a
/// ZIP: rendered one at a time on a blocking thread and written out as they come, so memory
/// stays flat however large the session.
pub async fn session_zip(
    db: &DatabaseConnection,
    session: SessionId,
) -> AppResult<tokio::sync::mpsc::Receiver<Result<Vec<u8>, String>>> {
    let certs: Vec<certificate::Model> = repo::of_session(db, session.0)
        .await?
        .into_iter()
        .filter(|c| c.status == Status::Valid.code() || c.status == Status::Suspended.code())
        .collect();
    let mut types = HashMap::new();
    for c in &certs {
        if let std::collections::hash_map::Entry::Vacant(e) = types.entry(c.type_id) {
            e.insert(get_type(db, TypeId(c.type_id)).await?);
        }
    }
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    tokio::task::spawn_blocking(move || {
        let sink = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(64 * 1024),
        };
        let mut zip = zip::ZipWriter::new_stream(sink);
        // PDFs are compressed already.
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let run = || -> Result<(), String> {
            for c in &certs {
                let t = types.get(&c.type_id).ok_or("type vanished")?;
                let bytes =
                    render::render(&view(c, t)).map_err(|e| format!("{}: {e}", c.number))?;
                zip.start_file(file_name(c), opts)
                    .map_err(|e| e.to_string())?;
                std::io::Write::write_all(&mut zip, &bytes).map_err(|e| e.to_string())?;
            }
            let mut sink = zip.finish().map_err(|e| e.to_string())?;
            std::io::Write::flush(&mut sink).map_err(|e| e.to_string())?;
            Ok(())
        };
        if let Err(e) = run() {
            tracing::error!("certificate ZIP of session {} failed: {e}", session.0);
            let _ = tx.blocking_send(Err(e));
        }
    });
    Ok(rx)
}

/// A `Write` that sends 64 KiB chunks down a channel (blocking when the client reads slowly).
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Vec<u8>, String>>,
    buf: Vec<u8>,
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 64 * 1024 {
            self.flush()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(64 * 1024));
            self.tx
                .blocking_send(Ok(chunk))
                .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))?;
        }
        Ok(())
    }
}

/// The view of a certificate for rendering outside the service (the benchmark).
pub fn view_for(c: &certificate::Model, t: &certificate_type::Model) -> CertificateView {
    view(c, t)
}
