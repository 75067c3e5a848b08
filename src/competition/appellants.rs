//! Who may file appeals (申诉): a contestant logs in with their contestant number (参赛证号)
//! and ID-card number; a team leader (领队) with the access code staff issued them for the
//! competition and their name, and answers for every accepted contestant whose `leader` field
//! is that name. Codes are shown once and stored only as a hash. Every failed login gets the
//! same answer and counts against the name from that address ([`crate::auth::limiter`]).

use super::entity::{competition, contestant, leader_code};
use super::{CompetitionId, RegistrationStatus};
use crate::audit::{self, Actor};
use crate::auth::appellant::{Appellant, AppellantAuth};
use crate::auth::limiter::LoginGuard;
use crate::db::begin_write;
use crate::error::{AppError, AppResult, ErrorCode, Text};
use crate::exam::identity::IdNumber;
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Letters and digits that cannot be misread for one another (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters in a code: 12 of 31, about 59 bits, far beyond guessing at the login's pace.
const CODE_LEN: usize = 12;
/// Longest leader name or contestant number accepted at the login.
const MAX_NAME: usize = 50;

/// A contestant's login.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ContestantLogin {
    /// 参赛证号.
    pub number: String,
    /// ID-card number.
    pub id_number: String,
}

/// A team leader's login.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct LeaderLogin {
    /// The access code staff issued (dashes and spaces ignored).
    pub code: String,
    /// The leader's name as registered.
    pub leader: String,
}

fn generic() -> AppError {
    AppError::text(
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
        Text::new(
            "登录信息不正确，请核对后重试。",
            "the login details do not match; check them and try again",
        ),
    )
}

fn must_wait(seconds: u64) -> AppError {
    AppError::too_many(
        format!("too many failed logins; try again in {seconds} seconds"),
        seconds,
    )
    .with_zh(format!("失败次数过多，请 {seconds} 秒后再试。"))
}

/// A code as typed, in its stored form: letters upper-cased, dashes and blanks dropped.
pub fn normalise_code(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// The stored hash of a (normalised) code.
pub fn hash_code(code: &str) -> String {
    hex::encode(Sha256::digest(normalise_code(code).as_bytes()))
}

/// A new code, in groups of four for reading aloud.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    let raw: Vec<char> = (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    raw.chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Logs a contestant in. Malformed input is refused like a wrong one, but not counted (it
/// cannot match anyone, and counting it would let any text become a limiter key).
pub async fn login_contestant(
    db: &DatabaseConnection,
    guard: &LoginGuard,
    req: &ContestantLogin,
    client: &str,
) -> AppResult<AppellantAuth> {
    let number = req.number.trim().to_uppercase();
    let idn = IdNumber::parse(&req.id_number).map_err(|_| generic())?;
    if number.is_empty() || number.chars().count() > MAX_NAME {
        return Err(generic());
    }
    let who = format!("appeal:{number}");
    guard
        .begin(&who, client)
        .map_err(|w| must_wait(w.seconds()))?;
    let found = contestant::Entity::find()
        .filter(contestant::Column::Number.eq(number.as_str()))
        .filter(contestant::Column::Status.eq(RegistrationStatus::Accepted.as_str()))
        .all(db)
        .await?
        .into_iter()
        .find(|c| c.id_number == idn.as_str());
    let Some(c) = found else {
        tokio::time::sleep(guard.failed(client)).await;
        return Err(generic());
    };
    guard.succeeded(&who, client);
    Ok(AppellantAuth {
        who: Appellant::Contestant(c.id),
        competition_id: c.competition_id,
        name: c.name,
    })
}

/// Logs a team leader in.
pub async fn login_leader(
    db: &DatabaseConnection,
    guard: &LoginGuard,
    req: &LeaderLogin,
    client: &str,
) -> AppResult<AppellantAuth> {
    let leader = req.leader.trim();
    let code = normalise_code(&req.code);
    if leader.is_empty() || leader.chars().count() > MAX_NAME || code.len() != CODE_LEN {
        return Err(generic());
    }
    let who = format!("leader:{leader}");
    guard
        .begin(&who, client)
        .map_err(|w| must_wait(w.seconds()))?;
    let row = leader_code::Entity::find()
        .filter(leader_code::Column::CodeHash.eq(hash_code(&code)))
        .one(db)
        .await?
        .filter(|r| r.leader == leader);
    let Some(r) = row else {
        tokio::time::sleep(guard.failed(client)).await;
        return Err(generic());
    };
    guard.succeeded(&who, client);
    Ok(AppellantAuth {
        who: Appellant::Leader(r.id),
        competition_id: r.competition_id,
        name: r.leader,
    })
}

/// The accepted contestants an appellant answers for: themselves, or a leader's contestants
/// in the competition. A leader whose code was withdrawn or re-issued to another name covers
/// no one.
pub async fn covered(
    db: &impl ConnectionTrait,
    who: &AppellantAuth,
) -> AppResult<Vec<contestant::Model>> {
    let q = contestant::Entity::find()
        .filter(contestant::Column::CompetitionId.eq(who.competition_id))
        .filter(contestant::Column::Status.eq(RegistrationStatus::Accepted.as_str()));
    Ok(match who.who {
        Appellant::Contestant(id) => q.filter(contestant::Column::Id.eq(id)).all(db).await?,
        Appellant::Leader(code) => {
            let still = leader_code::Entity::find_by_id(code)
                .one(db)
                .await?
                .is_some_and(|r| r.leader == who.name && r.competition_id == who.competition_id);
            if !still {
                return Ok(vec![]);
            }
            q.filter(contestant::Column::Leader.eq(who.name.as_str()))
                .order_by_asc(contestant::Column::Number)
                .all(db)
                .await?
        }
    })
}

/// A leader of a competition as the console lists them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaderAccount {
    /// The leader's name.
    pub leader: String,
    /// Accepted contestants they answer for.
    pub contestants: u32,
    /// When their current code was issued (none: no code yet).
    pub issued_at: Option<DateTime<Utc>>,
}

/// A code just issued: shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedCode {
    /// The leader.
    pub leader: String,
    /// The code (only now; the platform keeps its hash).
    pub code: String,
}

/// Which leader a code is for.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct IssueCode {
    /// The leader's name, as in the contestants' registrations.
    pub leader: String,
}

async fn competition_exists(db: &impl ConnectionTrait, id: CompetitionId) -> AppResult<()> {
    competition::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(|_| ())
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::CompetitionNotFound, "no such competition")
                .with_zh("找不到该竞赛。")
        })
}

/// The leaders named by a competition's accepted contestants, with their codes' dates.
pub async fn leaders(
    db: &impl ConnectionTrait,
    id: CompetitionId,
) -> AppResult<Vec<LeaderAccount>> {
    competition_exists(db, id).await?;
    let mut by: BTreeMap<String, LeaderAccount> = BTreeMap::new();
    for c in contestant::Entity::find()
        .filter(contestant::Column::CompetitionId.eq(id.0))
        .filter(contestant::Column::Status.eq(RegistrationStatus::Accepted.as_str()))
        .all(db)
        .await?
    {
        let name = c.leader.trim();
        if name.is_empty() {
            continue;
        }
        by.entry(name.to_string())
            .or_insert_with(|| LeaderAccount {
                leader: name.to_string(),
                contestants: 0,
                issued_at: None,
            })
            .contestants += 1;
    }
    for r in leader_code::Entity::find()
        .filter(leader_code::Column::CompetitionId.eq(id.0))
        .all(db)
        .await?
    {
        if let Some(l) = by.get_mut(&r.leader) {
            l.issued_at = Some(r.created_at);
        }
    }
    Ok(by.into_values().collect())
}

/// Issues (or re-issues, ending the old one) a leader's code; one transaction, audited.
pub async fn issue(
    db: &DatabaseConnection,
    actor: &Actor,
    id: CompetitionId,
    req: &IssueCode,
) -> AppResult<IssuedCode> {
    let leader = req.leader.trim().to_string();
    let known = leaders(db, id).await?.iter().any(|l| l.leader == leader);
    if !known {
        return Err(AppError::text(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::UnknownLeader,
            Text::new(
                "本竞赛没有以此人为领队的录取选手。",
                "no accepted contestant of this competition names this leader",
            ),
        ));
    }
    let code = new_code();
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let old = leader_code::Entity::find()
        .filter(leader_code::Column::CompetitionId.eq(id.0))
        .filter(leader_code::Column::Leader.eq(leader.as_str()))
        .one(&txn)
        .await?;
    let row = match old {
        Some(o) => {
            let mut a: leader_code::ActiveModel = o.into();
            a.code_hash = Set(hash_code(&code));
            a.created_at = Set(now);
            a.created_by = Set(actor.id);
            a.update(&txn).await?
        }
        None => {
            leader_code::ActiveModel {
                competition_id: Set(id.0),
                leader: Set(leader.clone()),
                code_hash: Set(hash_code(&code)),
                created_at: Set(now),
                created_by: Set(actor.id),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        actor,
        "competition.leader_code_issue",
        "competition_leader_code",
        &row.id.to_string(),
        json!({"competition_id": id.0, "leader": leader}),
    )
    .await?;
    txn.commit().await?;
    Ok(IssuedCode { leader, code })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_typed_back_whatever_its_case_and_dashes() {
        let c = new_code();
        assert_eq!(c.len(), CODE_LEN + 2);
        assert_eq!(normalise_code(&c).len(), CODE_LEN);
        assert_eq!(
            hash_code(&c),
            hash_code(&c.to_lowercase().replace('-', " "))
        );
        assert_ne!(hash_code(&c), hash_code(&new_code()));
        assert!(
            c.chars()
                .all(|ch| ch == '-' || CODE_ALPHABET.contains(&(ch as u8)))
        );
    }
}
