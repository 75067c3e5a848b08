//! The two key holders' seals (密封). The stage's 加密裁判 holds layer 1 (check-in code ↔
//! contestant), its supervisor (监督) layer 2 (check-in code ↔ marking code). Taking a seal makes
//! an X25519 key pair: the public key is stored, the secret key only wrapped (XChaCha20-Poly1305)
//! under a key derived from the holder's passphrase (Argon2id). The server can seal rows to a
//! layer at any time but read them only while the holder types the passphrase.
//!
//! Tamper evidence: every sealed row's plaintext carries a random salt; its SHA-256 digest is
//! stored beside the ciphertext and audited; a layer's commitment is the SHA-256 of its sorted
//! digests, recorded in the seal row and the audit log when the layer is sealed, and recomputed
//! from the decrypted rows when it is opened.

use super::StageId;
use super::final_stage::{self, Stage};
use crate::audit::{self, Actor};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Utc};
use crypto_box::aead::OsRng;
use crypto_box::{PublicKey, SecretKey};
use rand::RngCore;
use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// Shortest passphrase accepted.
pub const MIN_PASSPHRASE: usize = 8;

/// A layer of codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// 一次加密: contestant ↔ check-in code (检录号), held by the 加密裁判.
    First,
    /// 二次加密: check-in code ↔ marking code, held by the supervisor.
    Second,
}

impl Layer {
    /// 1 or 2, as stored and sent.
    pub fn number(self) -> i32 {
        match self {
            Layer::First => 1,
            Layer::Second => 2,
        }
    }
    /// Reads 1 or 2.
    pub fn parse(n: i32) -> Option<Self> {
        match n {
            1 => Some(Layer::First),
            2 => Some(Layer::Second),
            _ => None,
        }
    }
    /// The holder of this layer's key for a stage.
    pub fn holder(self, stage: &Stage) -> Option<i32> {
        match self {
            Layer::First => stage.encryptor_id,
            Layer::Second => stage.supervisor_id,
        }
    }
}

/// A new seal: what is stored.
#[derive(Debug, Clone)]
pub struct NewSeal {
    /// The X25519 public key, base64.
    pub public_key: String,
    /// `salt.nonce.ciphertext` (base64 each): the secret key wrapped under the passphrase.
    pub wrapped_key: String,
}

fn passphrase_key(passphrase: &str, salt: &[u8]) -> Option<[u8; 32]> {
    let mut key = [0u8; 32];
    argon2::Argon2::default()
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .ok()?;
    Some(key)
}

/// Makes a key pair and wraps its secret key under the passphrase.
pub fn make_seal(passphrase: &str) -> AppResult<NewSeal> {
    if passphrase.chars().count() < MIN_PASSPHRASE {
        return Err(AppError::unprocessable(
            ErrorCode::PassphraseTooShort,
            format!("the passphrase needs at least {MIN_PASSPHRASE} characters"),
        )
        .with_zh(format!("口令至少 {MIN_PASSPHRASE} 个字符")));
    }
    let secret = SecretKey::generate(&mut OsRng);
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    rand::rng().fill_bytes(&mut salt);
    rand::rng().fill_bytes(&mut nonce);
    let key = passphrase_key(passphrase, &salt)
        .ok_or_else(|| AppError::internal("passphrase key derivation failed"))?;
    let wrapped = XChaCha20Poly1305::new(&key.into())
        .encrypt(&XNonce::from(nonce), secret.to_bytes().as_slice())
        .map_err(|_| AppError::internal("wrapping the secret key failed"))?;
    Ok(NewSeal {
        public_key: B64.encode(secret.public_key().as_bytes()),
        wrapped_key: format!(
            "{}.{}.{}",
            B64.encode(salt),
            B64.encode(nonce),
            B64.encode(wrapped)
        ),
    })
}

/// The secret key behind a wrapped key, if the passphrase is right.
pub fn unwrap_secret(wrapped_key: &str, passphrase: &str) -> Option<SecretKey> {
    let mut parts = wrapped_key.split('.');
    let salt = B64.decode(parts.next()?).ok()?;
    let nonce = B64.decode(parts.next()?).ok()?;
    let ct = B64.decode(parts.next()?).ok()?;
    let nonce: [u8; 24] = nonce.try_into().ok()?;
    let key = passphrase_key(passphrase, &salt)?;
    let plain = XChaCha20Poly1305::new(&key.into())
        .decrypt(&XNonce::from(nonce), ct.as_slice())
        .ok()?;
    let bytes: [u8; 32] = plain.try_into().ok()?;
    Some(SecretKey::from(bytes))
}

/// The hex SHA-256 of a row's plaintext.
pub fn digest(plaintext: &[u8]) -> String {
    hex::encode(Sha256::digest(plaintext))
}

/// A layer's commitment: the SHA-256 of its rows' digests in sorted order (so it does not
/// depend on row order, and any changed, added or removed row changes it).
pub fn commitment(digests: &[String]) -> String {
    let mut sorted: Vec<&str> = digests.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    let mut h = Sha256::new();
    for d in sorted {
        h.update(d.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// A row as sealed: its fields as JSON with a random salt, so its digest cannot be guessed from
/// the few values a row can take.
pub fn salted(mut row: serde_json::Value) -> Vec<u8> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    if let Some(o) = row.as_object_mut() {
        o.insert("salt".into(), json!(hex::encode(salt)));
    }
    row.to_string().into_bytes()
}

/// Seals a plaintext to a public key (base64): the ciphertext (base64) and the plaintext's digest.
pub fn seal_row(public_key: &str, plaintext: &[u8]) -> AppResult<(String, String)> {
    let pk = B64
        .decode(public_key)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .map(PublicKey::from)
        .ok_or_else(|| AppError::internal("stored public key unreadable"))?;
    let ct = pk
        .seal(&mut OsRng, plaintext)
        .map_err(|_| AppError::internal("sealing a row failed"))?;
    Ok((B64.encode(ct), digest(plaintext)))
}

/// Opens a sealed row; none if it was not sealed to this key or was altered.
pub fn open_row(secret: &SecretKey, ciphertext: &str) -> Option<Vec<u8>> {
    let ct = B64.decode(ciphertext).ok()?;
    secret.unseal(&ct).ok()
}

/// A stored seal.
#[derive(Debug, Clone)]
pub struct Seal {
    /// The layer.
    pub layer: Layer,
    /// Its key holder.
    pub holder_id: i32,
    /// Public key (base64).
    pub public_key: String,
    /// Wrapped secret key.
    pub wrapped_key: String,
    /// When it was taken.
    pub created_at: DateTime<Utc>,
    /// The layer's commitment, once sealed.
    pub commitment: Option<String>,
    /// Rows sealed, once sealed.
    pub row_count: Option<i32>,
    /// When the layer was sealed (check-in closed).
    pub sealed_at: Option<DateTime<Utc>>,
    /// When it was opened.
    pub opened_at: Option<DateTime<Utc>>,
}

fn seal_of(r: &QueryResult) -> Result<Seal, sea_orm::DbErr> {
    let layer: i32 = r.try_get("", "layer")?;
    Ok(Seal {
        layer: Layer::parse(layer).unwrap_or(Layer::First),
        holder_id: r.try_get("", "holder_id")?,
        public_key: r.try_get("", "public_key")?,
        wrapped_key: r.try_get("", "wrapped_key")?,
        created_at: r.try_get("", "created_at")?,
        commitment: r.try_get("", "commitment")?,
        row_count: r.try_get("", "row_count")?,
        sealed_at: r.try_get("", "sealed_at")?,
        opened_at: r.try_get("", "opened_at")?,
    })
}

/// A stage's seal of one layer, if taken.
pub async fn get(
    db: &impl ConnectionTrait,
    stage: StageId,
    layer: Layer,
) -> AppResult<Option<Seal>> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT layer, holder_id, public_key, wrapped_key, created_at, commitment, row_count, \
             sealed_at, opened_at FROM competition_seals WHERE stage_id = ? AND layer = ?",
            [stage.0.into(), layer.number().into()],
        ))
        .await?;
    Ok(row.as_ref().map(seal_of).transpose()?)
}

/// A layer's seal or 409 `seal_not_set`.
pub async fn require(db: &impl ConnectionTrait, stage: StageId, layer: Layer) -> AppResult<Seal> {
    get(db, stage, layer).await?.ok_or_else(|| {
        let (zh, en) = match layer {
            Layer::First => (
                "加密裁判尚未设定口令（一次加密密封）",
                "the encryption judge has not taken the first layer's seal",
            ),
            Layer::Second => (
                "监督尚未设定口令（二次加密密封）",
                "the supervisor has not taken the second layer's seal",
            ),
        };
        AppError::conflict(ErrorCode::SealNotSet, en).with_zh(zh)
    })
}

/// 403 `wrong_key_holder`.
pub fn wrong_holder() -> AppError {
    AppError::forbidden_code(
        ErrorCode::WrongKeyHolder,
        "you do not hold this layer's key",
    )
    .with_zh("您不是该层编码的持有人")
}

/// The layer the actor holds for a stage, or 403 `wrong_key_holder`; 422 `same_key_holder` when
/// one person is set as both holders.
pub fn layer_of(stage: &Stage, user: Option<i32>) -> AppResult<Layer> {
    if stage.encryptor_id.is_some() && stage.encryptor_id == stage.supervisor_id {
        return Err(AppError::unprocessable(
            ErrorCode::SameKeyHolder,
            "the encryption judge and the supervisor must be two different people",
        )
        .with_zh("加密裁判和监督必须是两个不同的人"));
    }
    match user {
        Some(u) if stage.encryptor_id == Some(u) => Ok(Layer::First),
        Some(u) if stage.supervisor_id == Some(u) => Ok(Layer::Second),
        _ => Err(wrong_holder()),
    }
}

/// One layer as anyone may see it: no key material, no codes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LayerState {
    /// 1 (一次加密) or 2 (二次加密).
    pub layer: i32,
    /// Who holds it (the stage's 加密裁判 or supervisor).
    pub holder_id: Option<i32>,
    /// When the holder took the seal; none before.
    pub taken_at: Option<DateTime<Utc>>,
    /// When the layer was sealed (check-in closed).
    pub sealed_at: Option<DateTime<Utc>>,
    /// Rows sealed.
    pub rows: i64,
    /// SHA-256 commitment over the layer's rows, once sealed.
    pub commitment: Option<String>,
    /// When it was opened.
    pub opened_at: Option<DateTime<Utc>>,
}

/// A stage's seals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SealState {
    /// The stage.
    pub stage_id: i32,
    /// Layer 1 then layer 2.
    pub layers: Vec<LayerState>,
}

/// Both layers' state.
pub async fn state(db: &impl ConnectionTrait, stage_id: StageId) -> AppResult<SealState> {
    let stage = final_stage::stage(db, stage_id).await?;
    let mut layers = vec![];
    for layer in [Layer::First, Layer::Second] {
        let s = get(db, stage_id, layer).await?;
        let rows: i64 = db
            .query_one_raw(stmt(
                db,
                "SELECT COUNT(*) AS n FROM competition_sealed_rows WHERE stage_id = ? AND layer = ?",
                [stage_id.0.into(), layer.number().into()],
            ))
            .await?
            .map(|r| r.try_get("", "n"))
            .transpose()?
            .unwrap_or(0);
        layers.push(LayerState {
            layer: layer.number(),
            holder_id: s.as_ref().map(|s| s.holder_id).or(layer.holder(&stage)),
            taken_at: s.as_ref().map(|s| s.created_at),
            sealed_at: s.as_ref().and_then(|s| s.sealed_at),
            rows,
            commitment: s.as_ref().and_then(|s| s.commitment.clone()),
            opened_at: s.as_ref().and_then(|s| s.opened_at),
        });
    }
    Ok(SealState {
        stage_id: stage_id.0,
        layers,
    })
}

/// The stage's key holder takes their seal with a passphrase (once: 409 `seal_exists`).
pub async fn take(
    db: &DatabaseConnection,
    actor: &Actor,
    stage_id: StageId,
    passphrase: &str,
) -> AppResult<SealState> {
    let stage = final_stage::stage(db, stage_id).await?;
    let layer = layer_of(&stage, actor.id)?;
    // Argon2 outside the write transaction: it takes a while and needs no lock.
    let new = make_seal(passphrase)?;
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "competition_stages", stage_id.0).await?;
    if get(&txn, stage_id, layer).await?.is_some() {
        return Err(AppError::conflict(
            ErrorCode::SealExists,
            "this layer's seal is already taken",
        )
        .with_zh("该层密封已设置，不能重设"));
    }
    txn.execute_raw(stmt(
        &txn,
        "INSERT INTO competition_seals (stage_id, layer, holder_id, public_key, wrapped_key, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
        [
            stage_id.0.into(),
            layer.number().into(),
            actor.id.unwrap_or_default().into(),
            new.public_key.clone().into(),
            new.wrapped_key.into(),
            Utc::now().into(),
        ],
    ))
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.seal_take",
        "competition_stage",
        &stage_id.0.to_string(),
        json!({"layer": layer.number(), "public_key": new.public_key}),
    )
    .await?;
    let out = state(&txn, stage_id).await?;
    txn.commit().await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_row_opens_only_with_the_holders_passphrase() {
        let seal = make_seal("correct horse").expect("seal");
        let (ct, d) = seal_row(&seal.public_key, b"row").expect("sealed");
        let sk = unwrap_secret(&seal.wrapped_key, "correct horse").expect("right passphrase");
        assert_eq!(open_row(&sk, &ct).as_deref(), Some(&b"row"[..]));
        assert_eq!(d, digest(b"row"));
        assert!(unwrap_secret(&seal.wrapped_key, "wrong horse!").is_none());
    }

    #[test]
    fn a_short_passphrase_is_refused() {
        assert!(make_seal("short").is_err());
    }

    #[test]
    fn the_commitment_ignores_row_order_but_not_a_changed_added_or_removed_row() {
        let rows: Vec<String> = ["a", "b", "c"]
            .iter()
            .map(|s| digest(s.as_bytes()))
            .collect();
        let c = commitment(&rows);
        let mut reordered = rows.clone();
        reordered.reverse();
        assert_eq!(commitment(&reordered), c);
        assert_ne!(commitment(&rows[..2]), c);
        let mut added = rows.clone();
        added.push(rows[0].clone());
        assert_ne!(commitment(&added), c);
        let mut changed = rows.clone();
        changed[1] = digest(b"x");
        assert_ne!(commitment(&changed), c);
    }

    #[test]
    fn salted_rows_of_the_same_fields_have_different_digests() {
        let a = salted(json!({"contestant_id": 1}));
        let b = salted(json!({"contestant_id": 1}));
        assert_ne!(digest(&a), digest(&b));
    }

    #[test]
    fn one_person_cannot_hold_both_layers() {
        let mut s = Stage::test(Some(5), Some(5));
        assert!(layer_of(&s, Some(5)).is_err());
        s.supervisor_id = Some(6);
        assert_eq!(layer_of(&s, Some(5)).ok(), Some(Layer::First));
        assert_eq!(layer_of(&s, Some(6)).ok(), Some(Layer::Second));
        assert!(layer_of(&s, Some(7)).is_err());
    }
}
