//! Certificate status and the signed status list: two bits per certificate, indexed by the
//! status index its QR payload carries, signed with the issuer's current key so that an offline
//! checker holding a copy can trust it as of its date. Pure functions.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sea_orm::entity::prelude::{DeriveActiveEnum, EnumIter, StringLen};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Prepended to the list before signing (never confusable with a payload signature).
pub const SIGNING_CONTEXT: &[u8] = b"EXAM-CERT-STATUS-V1\0";

/// The status of one certificate; stored (the `certificates.status` column) as its code.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    /// In force.
    #[sea_orm(string_value = "valid")]
    Valid,
    /// Suspended (暂停): may be reinstated.
    #[sea_orm(string_value = "suspended")]
    Suspended,
    /// Revoked (撤销): final.
    #[sea_orm(string_value = "revoked")]
    Revoked,
    /// Replaced by a corrected reissue (已被更正证书取代).
    #[sea_orm(string_value = "superseded")]
    Superseded,
}

impl Status {
    /// The stored and JSON code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
            Self::Superseded => "superseded",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "valid" => Self::Valid,
            "suspended" => Self::Suspended,
            "revoked" => Self::Revoked,
            "superseded" => Self::Superseded,
            _ => return None,
        })
    }

    fn bits(self) -> u8 {
        match self {
            Self::Valid => 0,
            Self::Suspended => 1,
            Self::Revoked => 2,
            Self::Superseded => 3,
        }
    }

    fn from_bits(b: u8) -> Status {
        match b & 3 {
            0 => Self::Valid,
            1 => Self::Suspended,
            2 => Self::Revoked,
            _ => Self::Superseded,
        }
    }
}

/// The published, signed status list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusList {
    /// Who publishes it.
    pub issuer: String,
    /// When it was made (RFC 3339, UTC); an offline checker knows the status as of this.
    pub updated_at: String,
    /// How many entries it holds.
    pub size: u32,
    /// What `statuses` holds.
    pub encoding: String,
    /// Two bits per certificate, entry i in bits 2·(i mod 4) of byte i/4: 0 valid,
    /// 1 suspended, 2 revoked, 3 superseded. Base64.
    pub statuses: String,
    /// The signing key.
    pub key_id: u16,
    /// Ed25519 signature (Base64) over the context, `updated_at`, a zero byte, `size` as four
    /// big-endian bytes and the status bytes.
    pub signature: String,
}

/// What the `encoding` field says.
pub const ENCODING: &str = "2 bits per certificate by status index, low bits first: 0 valid, 1 suspended, 2 revoked, 3 superseded";

fn message(updated_at: &str, size: u32, bytes: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(SIGNING_CONTEXT.len() + updated_at.len() + 5 + bytes.len());
    m.extend_from_slice(SIGNING_CONTEXT);
    m.extend_from_slice(updated_at.as_bytes());
    m.push(0);
    m.extend_from_slice(&size.to_be_bytes());
    m.extend_from_slice(bytes);
    m
}

/// Packs `(index, status)` pairs into the list's bytes; unlisted indexes read as valid.
pub fn pack(size: u32, entries: impl IntoIterator<Item = (u32, Status)>) -> Vec<u8> {
    let mut bytes = vec![0u8; (size as usize).div_ceil(4)];
    for (i, s) in entries {
        if i < size {
            let (byte, shift) = ((i / 4) as usize, (i % 4) * 2);
            bytes[byte] = (bytes[byte] & !(3 << shift)) | (s.bits() << shift);
        }
    }
    bytes
}

/// Makes and signs a list.
pub fn sign(
    issuer: &str,
    updated_at: DateTime<Utc>,
    size: u32,
    entries: impl IntoIterator<Item = (u32, Status)>,
    key_id: u16,
    key: &SigningKey,
) -> StatusList {
    let bytes = pack(size, entries);
    let at = updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let signature = key.sign(&message(&at, size, &bytes));
    StatusList {
        issuer: issuer.to_string(),
        updated_at: at,
        size,
        encoding: ENCODING.into(),
        statuses: B64.encode(&bytes),
        key_id,
        signature: B64.encode(signature.to_bytes()),
    }
}

/// Why a status list is not to be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    /// Malformed fields.
    #[error("the status list is malformed: {0}")]
    Malformed(&'static str),
    /// The signature does not match.
    #[error("the status list's signature is not valid")]
    BadSignature,
}

/// A status list whose signature was checked.
#[derive(Debug, Clone)]
pub struct VerifiedList {
    /// When it was made.
    pub updated_at: DateTime<Utc>,
    size: u32,
    bytes: Vec<u8>,
}

impl StatusList {
    /// Checks the signature with `key` and returns a list that can be read.
    pub fn verify(&self, key: &VerifyingKey) -> Result<VerifiedList, ListError> {
        let bytes = B64
            .decode(&self.statuses)
            .map_err(|_| ListError::Malformed("statuses"))?;
        if bytes.len() != (self.size as usize).div_ceil(4) {
            return Err(ListError::Malformed("size"));
        }
        let sig: [u8; 64] = B64
            .decode(&self.signature)
            .ok()
            .and_then(|s| s.try_into().ok())
            .ok_or(ListError::Malformed("signature"))?;
        key.verify_strict(
            &message(&self.updated_at, self.size, &bytes),
            &Signature::from_bytes(&sig),
        )
        .map_err(|_| ListError::BadSignature)?;
        let updated_at = DateTime::parse_from_rfc3339(&self.updated_at)
            .map_err(|_| ListError::Malformed("updated_at"))?
            .with_timezone(&Utc);
        Ok(VerifiedList {
            updated_at,
            size: self.size,
            bytes,
        })
    }
}

impl VerifiedList {
    /// The status at an index, or `None` when the list is older than the certificate.
    pub fn get(&self, index: u32) -> Option<Status> {
        if index >= self.size {
            return None;
        }
        let b = self.bytes.get((index / 4) as usize)?;
        Some(Status::from_bits(b >> ((index % 4) * 2)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_list_reads_back_every_status() {
        let key = SigningKey::from_bytes(&[9u8; 32]);
        let entries = vec![
            (0, Status::Valid),
            (1, Status::Revoked),
            (2, Status::Suspended),
            (5, Status::Superseded),
        ];
        let list = sign("协会", Utc::now(), 7, entries, 2, &key);
        let v = list.verify(&key.verifying_key()).unwrap();
        assert_eq!(v.get(0), Some(Status::Valid));
        assert_eq!(v.get(1), Some(Status::Revoked));
        assert_eq!(v.get(2), Some(Status::Suspended));
        assert_eq!(v.get(3), Some(Status::Valid));
        assert_eq!(v.get(5), Some(Status::Superseded));
        assert_eq!(v.get(7), None, "newer than the list");
    }

    #[test]
    fn a_changed_list_or_another_key_fails_the_signature() {
        let key = SigningKey::from_bytes(&[9u8; 32]);
        let list = sign("协会", Utc::now(), 8, vec![(1, Status::Revoked)], 2, &key);
        let mut changed = list.clone();
        changed.statuses = B64.encode(pack(8, vec![]));
        assert_eq!(
            changed.verify(&key.verifying_key()).unwrap_err(),
            ListError::BadSignature
        );
        let mut later = list.clone();
        later.updated_at = "2099-01-01T00:00:00Z".into();
        assert!(later.verify(&key.verifying_key()).is_err());
        let other = SigningKey::from_bytes(&[1u8; 32]);
        assert!(list.verify(&other.verifying_key()).is_err());
        let mut bad = list;
        bad.size = 1000;
        assert_eq!(
            bad.verify(&key.verifying_key()).unwrap_err(),
            ListError::Malformed("size")
        );
    }
}
