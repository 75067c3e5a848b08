//! The signed-in candidate: a candidate token names one candidate, the attempt it opens and the
//! login (device) it came from. Signing and checking those tokens lives here; whether the attempt
//! is still open is the exam's business.

use super::token::{CANDIDATE_AUDIENCE, CandidateClaims, JwtKeys};
use crate::error::AppError;

/// The signed-in candidate, from a candidate token.
#[derive(Debug, Clone, Copy)]
pub struct CandidateAuth {
    /// The candidate.
    pub candidate_id: i32,
    /// The attempt the token opens.
    pub attempt_id: i32,
    /// The login generation the token came from.
    pub device_gen: i32,
}

impl CandidateAuth {
    /// Refuses with 403 unless the token opens attempt `id`.
    pub fn opens(&self, id: i32) -> Result<(), AppError> {
        if self.attempt_id == id {
            Ok(())
        } else {
            Err(AppError::forbidden("this token does not open that attempt"))
        }
    }
}

/// A candidate token for `auth`, issued at `now` and expiring at `exp` (Unix seconds).
pub fn sign(keys: &JwtKeys, auth: CandidateAuth, now: i64, exp: i64) -> Result<String, AppError> {
    keys.sign_candidate(&CandidateClaims {
        sub: auth.candidate_id.to_string(),
        aud: CANDIDATE_AUDIENCE.into(),
        att: auth.attempt_id,
        dev: auth.device_gen,
        iat: now,
        exp,
    })
    .map_err(AppError::internal)
}

/// The candidate a token names (signature, expiry, audience); see [`super::staff::staff_from_token`] for why
/// a token may come from the query.
pub fn candidate_from_token(keys: &JwtKeys, token: &str) -> Result<CandidateAuth, AppError> {
    let claims = keys.verify_candidate(token).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature => {
                AppError::unauthorized("token_expired", "the login has expired; log in again")
            }
            _ => AppError::unauthorized("invalid_token", "the token is not valid"),
        }
    })?;
    let candidate_id = claims
        .sub
        .parse()
        .map_err(|_| AppError::unauthorized("invalid_token", "the token is not valid"))?;
    Ok(CandidateAuth {
        candidate_id,
        attempt_id: claims.att,
        device_gen: claims.dev,
    })
}
