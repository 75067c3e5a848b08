//! Password hashing with Argon2id, and the rules a new password must meet.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

/// A password that meets the rules (8–128 characters, not all one character class of digits).
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Checks a proposed password.
    pub fn parse(s: &str) -> Result<NewPassword, &'static str> {
        let n = s.chars().count();
        if n < 8 {
            return Err("a password needs at least 8 characters");
        }
        if n > 128 {
            return Err("a password may have at most 128 characters");
        }
        if s.chars().all(|c| c.is_ascii_digit()) {
            return Err("a password cannot be digits only");
        }
        Ok(NewPassword(s.to_string()))
    }

    /// A random password for a new account (printed once).
    pub fn random() -> NewPassword {
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        NewPassword(
            bytes
                .iter()
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .collect(),
        )
    }

    /// The plain text (to print once, or to hash).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Hashes a password as a PHC string. CPU-heavy: call from a blocking thread.
pub fn hash(password: &NewPassword) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.0.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored hash. CPU-heavy: call from a blocking thread.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a random password, checked against when the account does not exist so that a
/// wrong username takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&NewPassword::random()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let p = NewPassword::parse("correct horse").unwrap();
        let h = hash(&p).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", &h));
        assert!(!verify("correct horsE", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("12345678").is_err());
        assert!(NewPassword::parse("安防协会考试平台").is_ok());
    }
}
