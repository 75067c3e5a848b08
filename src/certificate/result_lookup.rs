//! The public result lookup: after a session has closed (or its results are released), a
//! candidate finds their own result and certificate with their ticket (or ID number) and full
//! name. Only that candidate's entries are shown, the score and pass/fail only once released;
//! a wrong pair is one indistinguishable "not found" (the route counts it against the caller's
//! address, with the certificate lookup's limiter).

use super::repo;
use super::status::Status;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::identity::{IdNumber, TicketNumber};
use crate::exam::outcome::{self, Standing};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;

/// One session's result of the candidate who asked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicResult {
    /// Session name.
    pub session: String,
    /// Session number (期).
    pub session_number: String,
    /// Venue.
    pub venue: String,
    /// The session's window opened.
    pub starts_at: DateTime<Utc>,
    /// True once results are released (by staff, or at submit by the exam's rule).
    pub released: bool,
    /// `absent`, `not_started`, `in_progress`, `paused`, `submitted`, `final` or `terminated`.
    pub status: String,
    /// Points earned (only once released and final).
    pub score: Option<f64>,
    /// Points available (only once released and final).
    pub max: Option<f64>,
    /// Pass or fail (only once released and final).
    pub passed: Option<bool>,
    /// The certificate in force or suspended, if one was issued.
    pub certificate: Option<PublicCertificate>,
}

/// A certificate as its holder sees it in the lookup.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicCertificate {
    /// Number.
    pub number: String,
    /// `valid`, `suspended` or `revoked`.
    pub status: Status,
    /// The verification address (what its QR code holds).
    pub verify_url: String,
}

fn not_found() -> AppError {
    AppError::not_found(
        ErrorCode::ResultNotFound,
        "未找到该准考证号（或身份证号）与姓名对应的成绩 · no result matches this ticket (or ID number) and name",
    )
}

/// The results of the candidate with this ticket or ID number and this full name, newest
/// first, in sessions that have closed or released their results. None: 404 `result_not_found`.
pub async fn lookup(
    db: &DatabaseConnection,
    ticket_or_id: &str,
    name: &str,
) -> AppResult<Vec<PublicResult>> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 || ticket_or_id.chars().count() > 40 {
        return Err(not_found());
    }
    let ticket = TicketNumber::parse(ticket_or_id).ok();
    let id = IdNumber::parse(ticket_or_id).ok();
    let found = crate::exam::repo::candidates_by_ticket_or_id(
        db,
        ticket.as_ref().map(|t| t.as_str()),
        id.as_ref().map(|i| i.as_str()),
    )
    .await?;
    let now = Utc::now();
    let mut out = vec![];
    for c in found.into_iter().filter(|c| c.name.trim() == name) {
        let Some(s) = crate::exam::repo::session(db, c.session_id).await? else {
            continue;
        };
        let released = outcome::released_in_db(db, &s).await?;
        let closed = outcome::closed(&s, now);
        if !(released || closed) {
            continue;
        }
        let mine = outcome::of_session(db, &s)
            .await?
            .into_iter()
            .find(|o| o.candidate.id == c.id);
        let Some(o) = mine else { continue };
        let decided = released && matches!(o.standing, Standing::Final | Standing::Terminated);
        let attempt = o.attempt.as_ref().filter(|_| decided);
        let certificate = repo::of_candidate(db, c.id)
            .await?
            .into_iter()
            .find(|x| x.status != Status::Superseded)
            .map(|x| PublicCertificate {
                number: x.number,
                status: x.status,
                verify_url: x.qr_text,
            });
        out.push(PublicResult {
            session: s.name.clone(),
            session_number: s.number.clone(),
            venue: s.venue.clone(),
            starts_at: s.starts_at,
            released,
            status: o.standing.code().to_string(),
            score: attempt.and_then(|a| a.score),
            max: attempt.map(|a| a.max_score),
            passed: if decided { o.passed() } else { None },
            certificate,
        });
    }
    if out.is_empty() {
        return Err(not_found());
    }
    Ok(out)
}
