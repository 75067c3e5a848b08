//! Signing keys in the database: the first one is made on first use (first writer wins, so
//! instances starting together agree), rotation retires the current key and starts a new one,
//! revocation marks a key untrusted. The public halves are published with their dates.

use super::entity::key;
use super::verify::{KeysDocument, PublishedKey};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::Utc;
use ed25519_dalek::SigningKey;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryOrder,
};
use serde_json::json;

/// Typed id of a signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyId(pub u16);

/// The key that signs new certificates, with its id.
pub struct ActiveKey {
    /// Its id.
    pub id: KeyId,
    /// The secret key.
    pub signing: SigningKey,
}

fn new_secret() -> SigningKey {
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    SigningKey::from_bytes(&seed)
}

fn model(id: i32, k: &SigningKey) -> key::ActiveModel {
    key::ActiveModel {
        id: Set(id),
        public_key: Set(B64.encode(k.verifying_key().to_bytes())),
        secret_key: Set(hex::encode(k.to_bytes())),
        created_at: Set(Utc::now()),
        retired_at: Set(None),
        revoked_at: Set(None),
        revoke_reason: Set(None),
    }
}

/// Every key, oldest first.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<key::Model>, DbErr> {
    key::Entity::find()
        .order_by_asc(key::Column::Id)
        .all(db)
        .await
}

fn signing(m: &key::Model) -> AppResult<ActiveKey> {
    let seed: [u8; 32] = hex::decode(&m.secret_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| AppError::internal(format!("certificate key {} is malformed", m.id)))?;
    Ok(ActiveKey {
        id: KeyId(u16::try_from(m.id).map_err(AppError::internal)?),
        signing: SigningKey::from_bytes(&seed),
    })
}

/// The current key (neither retired nor revoked), made if there is none yet.
pub async fn active(db: &impl ConnectionTrait) -> AppResult<ActiveKey> {
    let keys = all(db).await?;
    if let Some(k) = keys
        .iter()
        .rev()
        .find(|k| k.retired_at.is_none() && k.revoked_at.is_none())
    {
        return signing(k);
    }
    if keys.is_empty() {
        // The first key: a concurrent first start inserts the same id, and the loser's
        // insert is ignored, so both end up signing with the one stored key.
        let k = new_secret();
        let m = model(1, &k);
        key::Entity::insert(m)
            .on_conflict_do_nothing_on([key::Column::Id])
            .exec(db)
            .await?;
        let first = key::Entity::find_by_id(1)
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal("the first certificate key vanished"))?;
        return signing(&first);
    }
    Err(AppError::conflict(
        "no_signing_key",
        "every certificate key is revoked; rotate to make a new one",
    ))
}

/// Retires the current key and makes a new one (admin, audited). Certificates signed before
/// stay valid: the old key is still published, with the date it was retired.
pub async fn rotate(db: &DatabaseConnection, actor: &Actor) -> AppResult<key::Model> {
    let txn = crate::db::begin_write(db).await?;
    let keys = all(&txn).await?;
    let next = keys.last().map(|k| k.id + 1).unwrap_or(1);
    if next > i32::from(u16::MAX) {
        return Err(AppError::conflict("too_many_keys", "no key ids left"));
    }
    let now = Utc::now();
    for k in keys.iter().filter(|k| k.retired_at.is_none()) {
        let mut a: key::ActiveModel = k.clone().into();
        a.retired_at = Set(Some(now));
        a.update(&txn).await?;
    }
    let made = model(next, &new_secret()).insert(&txn).await?;
    audit::record(
        &txn,
        actor,
        "certificate_key.rotate",
        "certificate_key",
        &next.to_string(),
        json!({"retired": keys.iter().filter(|k| k.retired_at.is_none()).map(|k| k.id).collect::<Vec<_>>()}),
    )
    .await?;
    txn.commit().await?;
    Ok(made)
}

/// Revokes a key (admin, audited): nothing it signed verifies any more, so its certificates
/// need reissuing. If it was the current key, a new one is made at once.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: &Actor,
    id: KeyId,
    reason: &str,
) -> AppResult<key::Model> {
    let reason = super::lifecycle::reason(reason)?;
    let txn = crate::db::begin_write(db).await?;
    let k = key::Entity::find_by_id(i32::from(id.0))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("key_not_found", format!("no key {}", id.0)))?;
    if k.revoked_at.is_some() {
        return Err(AppError::conflict(
            "already_revoked",
            "the key is already revoked",
        ));
    }
    let now = Utc::now();
    let was_current = k.retired_at.is_none();
    let mut a: key::ActiveModel = k.clone().into();
    a.revoked_at = Set(Some(now));
    a.revoke_reason = Set(Some(reason.clone()));
    if was_current {
        a.retired_at = Set(Some(now));
    }
    let revoked = a.update(&txn).await?;
    if was_current {
        let next = all(&txn).await?.last().map(|k| k.id + 1).unwrap_or(1);
        model(next, &new_secret()).insert(&txn).await?;
    }
    audit::record(
        &txn,
        actor,
        "certificate_key.revoke",
        "certificate_key",
        &k.id.to_string(),
        json!({"reason": reason, "was_current": was_current}),
    )
    .await?;
    txn.commit().await?;
    Ok(revoked)
}

/// A key as published (no secret).
pub fn published(k: &key::Model) -> PublishedKey {
    PublishedKey {
        id: u16::try_from(k.id).unwrap_or(u16::MAX),
        algorithm: "Ed25519".into(),
        public_key: k.public_key.clone(),
        created_at: k.created_at,
        retired_at: k.retired_at,
        revoked_at: k.revoked_at,
        revoke_reason: k.revoke_reason.clone(),
    }
}

/// The published key document: every key with its dates, and the type titles.
pub async fn document(
    db: &impl ConnectionTrait,
    issuer: &str,
    public_url: &str,
) -> AppResult<KeysDocument> {
    // Made here too, so the keys are published before the first certificate is issued.
    active(db).await.ok();
    let keys = all(db).await?;
    let types = super::repo::types(db)
        .await?
        .into_iter()
        .map(|t| (t.code, t.title))
        .collect();
    Ok(KeysDocument {
        issuer: issuer.to_string(),
        public_url: public_url.trim_end_matches('/').to_string(),
        keys: keys.iter().map(published).collect(),
        types,
    })
}
