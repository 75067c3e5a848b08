//! JWTs, with a separate claims type and audience per purpose so a token made for one use is
//! refused for any other.

use super::role::Roles;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

/// Audience of staff session tokens.
pub const STAFF_AUDIENCE: &str = "staff";
/// Audience of candidate attempt tokens.
pub const CANDIDATE_AUDIENCE: &str = "candidate";

/// The signing keys (HMAC-SHA256 with a secret kept in the database or given by `JWT_SECRET`).
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    /// Keys from a secret.
    pub fn new(secret: &[u8]) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    fn validation(audience: &str) -> Validation {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[audience]);
        v.leeway = 5;
        v.set_required_spec_claims(&["exp", "aud", "sub"]);
        v
    }

    /// Signs staff claims.
    pub fn sign_staff(&self, claims: &StaffClaims) -> Result<String, String> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// Checks a staff token: signature, expiry and audience.
    pub fn verify_staff(&self, token: &str) -> Result<StaffClaims, jsonwebtoken::errors::Error> {
        decode::<StaffClaims>(token, &self.decoding, &Self::validation(STAFF_AUDIENCE))
            .map(|d| d.claims)
    }
}

/// What a candidate's token says: who, which attempt, and which login (device) it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CandidateClaims {
    /// The candidate id.
    pub sub: String,
    /// Always [`CANDIDATE_AUDIENCE`].
    pub aud: String,
    /// The attempt this token opens.
    pub att: i32,
    /// The login generation; a newer login on another tablet makes older tokens stale.
    pub dev: i32,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

impl JwtKeys {
    /// Signs candidate claims.
    pub fn sign_candidate(&self, claims: &CandidateClaims) -> Result<String, String> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// Checks a candidate token: signature, expiry and audience.
    pub fn verify_candidate(
        &self,
        token: &str,
    ) -> Result<CandidateClaims, jsonwebtoken::errors::Error> {
        decode::<CandidateClaims>(token, &self.decoding, &Self::validation(CANDIDATE_AUDIENCE))
            .map(|d| d.claims)
    }
}

/// What a staff session token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffClaims {
    /// The user id.
    pub sub: String,
    /// Always [`STAFF_AUDIENCE`].
    pub aud: String,
    /// Username, for logs.
    pub name: String,
    /// Roles when the token was issued (re-checked against the database on each request).
    pub roles: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

impl StaffClaims {
    /// Claims for a user, valid for `minutes`.
    pub fn new(user_id: i32, username: &str, roles: &Roles, minutes: i64) -> StaffClaims {
        let now = chrono::Utc::now().timestamp();
        StaffClaims {
            sub: user_id.to_string(),
            aud: STAFF_AUDIENCE.into(),
            name: username.into(),
            roles: roles.to_stored(),
            iat: now,
            exp: now + minutes * 60,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_staff_token_verifies_and_a_tampered_one_does_not() {
        let keys = JwtKeys::new(b"secret-secret-secret-secret-0001");
        let c = StaffClaims::new(7, "admin", &Roles::from_stored("admin"), 5);
        let t = keys.sign_staff(&c).unwrap();
        assert_eq!(keys.verify_staff(&t).unwrap().sub, "7");
        let other = JwtKeys::new(b"another-secret-another-secret-02");
        assert!(other.verify_staff(&t).is_err());
    }

    #[test]
    fn an_expired_staff_token_is_refused() {
        let keys = JwtKeys::new(b"secret-secret-secret-secret-0001");
        let mut c = StaffClaims::new(7, "admin", &Roles::from_stored("admin"), 5);
        c.exp = chrono::Utc::now().timestamp() - 60;
        let t = keys.sign_staff(&c).unwrap();
        assert!(keys.verify_staff(&t).is_err());
    }

    #[test]
    fn a_candidate_token_opens_no_staff_door_and_a_staff_token_no_attempt() {
        let keys = JwtKeys::new(b"secret-secret-secret-secret-0001");
        let now = chrono::Utc::now().timestamp();
        let c = CandidateClaims {
            sub: "3".into(),
            aud: CANDIDATE_AUDIENCE.into(),
            att: 9,
            dev: 2,
            iat: now,
            exp: now + 600,
        };
        let t = keys.sign_candidate(&c).unwrap();
        assert_eq!(keys.verify_candidate(&t).unwrap().att, 9);
        assert!(keys.verify_staff(&t).is_err());
        let staff = keys
            .sign_staff(&StaffClaims::new(
                7,
                "admin",
                &Roles::from_stored("admin"),
                5,
            ))
            .unwrap();
        assert!(keys.verify_candidate(&staff).is_err());
    }

    #[test]
    fn a_token_for_another_audience_is_refused() {
        let keys = JwtKeys::new(b"secret-secret-secret-secret-0001");
        let mut c = StaffClaims::new(7, "admin", &Roles::from_stored("admin"), 5);
        c.aud = "candidate".into();
        let t = keys.sign_staff(&c).unwrap();
        assert!(keys.verify_staff(&t).is_err());
    }
}
