//! The signed-in appellant: a contestant (参赛证号 + ID number) or a team leader (领队: access
//! code + name) of one competition, filing appeals (申诉) against provisional results. Which
//! contestants a leader covers is the competition's business; this only carries who it is.

use super::token::{APPELLANT_AUDIENCE, AppellantClaims, JwtKeys};
use crate::error::{AppError, ErrorCode};

/// Who an appellant token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appellant {
    /// A contestant, by registration id.
    Contestant(i32),
    /// A team leader, by access-code id.
    Leader(i32),
}

/// The signed-in appellant, from an appellant token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppellantAuth {
    /// Who.
    pub who: Appellant,
    /// The competition.
    pub competition_id: i32,
    /// The contestant's or leader's name.
    pub name: String,
}

/// How long an appellant token lasts: long enough to write an appeal with its attachments.
pub const APPELLANT_TOKEN_SECONDS: i64 = 2 * 3600;

/// An appellant token for `auth`, issued at `now` (Unix seconds).
pub fn sign(keys: &JwtKeys, auth: &AppellantAuth, now: i64) -> Result<String, AppError> {
    let sub = match auth.who {
        Appellant::Contestant(id) => format!("c{id}"),
        Appellant::Leader(id) => format!("l{id}"),
    };
    keys.sign_appellant(&AppellantClaims {
        sub,
        aud: APPELLANT_AUDIENCE.into(),
        cmp: auth.competition_id,
        name: auth.name.clone(),
        iat: now,
        exp: now + APPELLANT_TOKEN_SECONDS,
    })
    .map_err(AppError::internal)
}

/// The appellant a token names (signature, expiry, audience).
pub fn appellant_from_token(keys: &JwtKeys, token: &str) -> Result<AppellantAuth, AppError> {
    let invalid = || AppError::unauthorized(ErrorCode::InvalidToken, "the token is not valid");
    let claims = keys.verify_appellant(token).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature => AppError::unauthorized(
                ErrorCode::TokenExpired,
                "the login has expired; log in again",
            ),
            _ => invalid(),
        }
    })?;
    let (kind, id) = claims.sub.split_at_checked(1).ok_or_else(invalid)?;
    let id: i32 = id.parse().map_err(|_| invalid())?;
    let who = match kind {
        "c" => Appellant::Contestant(id),
        "l" => Appellant::Leader(id),
        _ => return Err(invalid()),
    };
    Ok(AppellantAuth {
        who,
        competition_id: claims.cmp,
        name: claims.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leader_token_reads_back_as_the_same_leader() {
        let keys = JwtKeys::new(b"secret-secret-secret-secret-0001");
        let a = AppellantAuth {
            who: Appellant::Leader(4),
            competition_id: 2,
            name: "王领队".into(),
        };
        let t = sign(&keys, &a, chrono::Utc::now().timestamp()).unwrap();
        assert_eq!(appellant_from_token(&keys, &t).unwrap(), a);
    }
}
