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

/// Audience of appellant tokens (a contestant or team leader filing appeals).
pub const APPELLANT_AUDIENCE: &str = "appellant";

/// What an appellant's token says: a contestant (`sub` = `c<contestant id>`) or a team leader
/// (`sub` = `l<access code id>`, `name` = the leader), in one competition.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppellantClaims {
    /// Who, with its kind as first letter.
    pub sub: String,
    /// Always [`APPELLANT_AUDIENCE`].
    pub aud: String,
    /// The competition.
    pub cmp: i32,
    /// The contestant's or leader's name.
    pub name: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

impl JwtKeys {
    /// Signs appellant claims.
    pub fn sign_appellant(&self, claims: &AppellantClaims) -> Result<String, String> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// Checks an appellant token: signature, expiry and audience.
    pub fn verify_appellant(
        &self,
        token: &str,
    ) -> Result<AppellantClaims, jsonwebtoken::errors::Error> {
        decode::<AppellantClaims>(token, &self.decoding, &Self::validation(APPELLANT_AUDIENCE))
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
    /// The account's token generation when issued; a password change or reset, a disable or a
    /// role change moves the account on, which ends every token issued before. Tokens from
    /// before this claim existed read as 0, the generation every account starts with.
    #[serde(default, rename = "gen")]
    pub generation: i32,
    /// When the user last proved who they are (logged in or changed their password), Unix
    /// seconds; refreshes carry it on, so a login has an absolute lifetime. Tokens from before
    /// this claim existed read as 0 and cannot be refreshed.
    #[serde(default)]
    pub auth_time: i64,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
}

/// What a staff token is issued for.
#[derive(Debug, Clone, Copy)]
pub struct StaffGrant {
    /// The account's token generation.
    pub generation: i32,
    /// When the user last proved who they are (Unix seconds).
    pub auth_time: i64,
    /// Lifetime of one token, in minutes.
    pub minutes: i64,
    /// The longest a login lasts through refreshes, in seconds from `auth_time`.
    pub max_session_seconds: i64,
}

impl StaffClaims {
    /// Claims for a user: valid for `grant.minutes`, but never past `auth_time` plus the
    /// longest session.
    pub fn new(user_id: i32, username: &str, roles: &Roles, grant: StaffGrant) -> StaffClaims {
        let now = chrono::Utc::now().timestamp();
        StaffClaims {
            sub: user_id.to_string(),
            aud: STAFF_AUDIENCE.into(),
            name: username.into(),
            roles: roles.to_stored(),
            generation: grant.generation,
            auth_time: grant.auth_time,
            iat: now,
            exp: (now + grant.minutes * 60)
                .min(grant.auth_time.saturating_add(grant.max_session_seconds)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(minutes: i64) -> StaffGrant {
        StaffGrant {
            generation: 0,
            auth_time: chrono::Utc::now().timestamp(),
            minutes,
            max_session_seconds: 12 * 3600,
        }
    }

    #[test]
    fn a_token_never_outlives_the_longest_session() {
        let mut g = grant(60);
        g.auth_time -= 12 * 3600 - 120;
        let c = StaffClaims::new(7, "admin", &Roles::from_stored("admin"), g);
        assert_eq!(c.exp, g.auth_time + 12 * 3600);
        assert!(c.exp - c.iat <= 120);
    }

    #[test]
    fn a_token_without_the_new_claims_reads_as_generation_zero_and_no_login_time() {
        let keys = JwtKeys::new(b"secret-secret-secret-secret-0001");
        let now = chrono::Utc::now().timestamp();
        let old = serde_json::json!({"sub": "7", "aud": "staff", "name": "admin", "roles": "admin",
            "iat": now, "exp": now + 60});
        let t = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &old,
            &EncodingKey::from_secret(b"secret-secret-secret-secret-0001"),
        )
        .unwrap();
        let c = keys.verify_staff(&t).unwrap();
        assert_eq!((c.generation, c.auth_time), (0, 0));
    }

    #[test]
    fn a_signed_staff_token_verifies_and_a_tampered_one_does_not() {
        let keys = JwtKeys::new(b"secret-secret-secret-secret-0001");
        let c = StaffClaims::new(7, "admin", &Roles::from_stored("admin"), grant(5));
        let t = keys.sign_staff(&c).unwrap();
        assert_eq!(keys.verify_staff(&t).unwrap().sub, "7");
        let other = JwtKeys::new(b"another-secret-another-secret-02");
        assert!(other.verify_staff(&t).is_err());
    }

    #[test]
    fn an_expired_staff_token_is_refused() {
        let keys = JwtKeys::new(b"secret-secret-secret-secret-0001");
        let mut c = StaffClaims::new(7, "admin", &Roles::from_stored("admin"), grant(5));
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
                grant(5),
            ))
            .unwrap();
        assert!(keys.verify_candidate(&staff).is_err());
    }

    #[test]
    fn an_appellant_token_opens_neither_staff_nor_candidate_doors() {
        let keys = JwtKeys::new(b"secret-secret-secret-secret-0001");
        let now = chrono::Utc::now().timestamp();
        let c = AppellantClaims {
            sub: "c3".into(),
            aud: APPELLANT_AUDIENCE.into(),
            cmp: 1,
            name: "选手".into(),
            iat: now,
            exp: now + 600,
        };
        let t = keys.sign_appellant(&c).unwrap();
        assert_eq!(keys.verify_appellant(&t).unwrap().sub, "c3");
        assert!(keys.verify_staff(&t).is_err());
        assert!(keys.verify_candidate(&t).is_err());
    }

    #[test]
    fn a_token_for_another_audience_is_refused() {
        let keys = JwtKeys::new(b"secret-secret-secret-secret-0001");
        let mut c = StaffClaims::new(7, "admin", &Roles::from_stored("admin"), grant(5));
        c.aud = "candidate".into();
        let t = keys.sign_staff(&c).unwrap();
        assert!(keys.verify_staff(&t).is_err());
    }
}
