//! Certificate types: their wording, fields, validity, numbering and layout, checked once
//! when staff save them; a session's type.

use super::entity::certificate_type;
use super::number::{CertificateNumber, NumberPattern, TypeCode};
use super::render::{self, Field, Orientation};
use super::repo;
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::session::SessionId;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashSet;
use utoipa::ToSchema;

/// Typed id of a certificate type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeId(pub i32);

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

pub(super) fn invalid(code: ErrorCode, message: impl Into<String>) -> AppError {
    AppError::unprocessable(code, message)
}

pub(super) fn text(name: &str, s: &str, max: usize, required: bool) -> AppResult<String> {
    let t = s.trim();
    if required && t.is_empty() {
        return Err(invalid(
            ErrorCode::InvalidCertificateType,
            format!("{name} is required"),
        ));
    }
    if t.chars().count() > max || t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(
            ErrorCode::InvalidCertificateType,
            format!("{name} holds at most {max} characters and no control characters"),
        ));
    }
    Ok(t.to_string())
}

/// Checks a wording's placeholders.
pub(super) fn wording(s: &str) -> AppResult<String> {
    let t = text("wording", s, 500, true)?;
    let mut rest = t.as_str();
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            invalid(
                ErrorCode::InvalidWording,
                "a placeholder in the wording is not closed",
            )
        })?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(invalid(
                ErrorCode::InvalidWording,
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
                ErrorCode::InvalidCertificateType,
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
                ErrorCode::InvalidNumberPattern,
                format!("the pattern makes numbers like {longest}, which is not 4 to 32 characters of A-Z 0-9 -"),
            )
        })?;
        let validity_years = match n.validity_years {
            None => None,
            Some(y @ 1..=50) => Some(y as i32),
            Some(_) => {
                return Err(invalid(
                    ErrorCode::InvalidCertificateType,
                    "validity_years is from 1 to 50 (leave it out for no expiry)",
                ));
            }
        };
        let fields = n.fields.unwrap_or_else(|| Field::ALL.to_vec());
        let mut seen = HashSet::new();
        if fields.is_empty() || !fields.iter().all(|f| seen.insert(*f)) {
            return Err(invalid(
                ErrorCode::InvalidCertificateType,
                "fields lists each field at most once, and at least one",
            ));
        }
        let accent = n.accent.unwrap_or_else(|| "#8B1A1A".into());
        if render::parse_colour(&accent).is_none() {
            return Err(invalid(
                ErrorCode::InvalidCertificateType,
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
        if let Some(f) = crate::pdf::font::font() {
            let m = crate::pdf::font::Metrics::of(f);
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

pub(super) fn glyph_missing(c: char) -> AppError {
    invalid(
        ErrorCode::GlyphMissing,
        format!(
            "the certificate font cannot print {c:?} (U+{:04X})",
            u32::from(c)
        ),
    )
    .with_details(json!({"char": c.to_string(), "codepoint": format!("U+{:04X}", u32::from(c))}))
}

/// A type as it would be stored, checked like a saved one but not saved: what the console's
/// live preview renders.
pub fn unsaved(n: NewType) -> AppResult<certificate_type::Model> {
    use sea_orm::TryIntoModel;
    let spec = TypeSpec::parse(n)?;
    let mut a = certificate_type::ActiveModel {
        id: Set(0),
        created_by: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    spec.apply(&mut a);
    a.try_into_model().map_err(AppError::internal)
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
        e if e.code == ErrorCode::AlreadyExists => AppError::conflict(
            ErrorCode::TypeCodeExists,
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
            ErrorCode::TypeInUse,
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
        AppError::not_found(
            ErrorCode::CertificateTypeNotFound,
            "no such certificate type",
        )
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
        .ok_or_else(|| AppError::not_found(ErrorCode::SessionNotFound, "no such session"))?;
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
