//! 二次加密 by the stage's supervisor: closes check-in; every checked-in anonymous candidate gets
//! a fresh marking code that replaces its check-in code (as work code and name); each pair
//! (检录号 → marking code) is sealed to the supervisor's key; both layers' commitments are
//! recorded in the seal rows and the audit log; the part's codes become final, so judges can
//! mark.

use super::StageId;
use super::final_stage;
use super::seal::{self, Layer};
use crate::audit::{self, Actor};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::practical::checkin::fresh_code;
use chrono::{DateTime, Utc};
use rand::seq::SliceRandom;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use serde_json::json;
use std::collections::HashSet;
use utoipa::ToSchema;

/// What sealing both layers recorded (no codes).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Encrypted {
    /// Contestants checked in (rows of each layer).
    pub rows: usize,
    /// Layer 1's commitment.
    pub first_commitment: String,
    /// Layer 2's commitment.
    pub second_commitment: String,
    /// When the codes became final.
    pub codes_final_at: DateTime<Utc>,
}

/// Closes check-in and makes the marking codes (the stage's supervisor only).
pub async fn encrypt(
    db: &DatabaseConnection,
    actor: &Actor,
    stage_id: StageId,
) -> AppResult<Encrypted> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "competition_stages", stage_id.0).await?;
    let s = final_stage::final_stage(&txn, stage_id).await?;
    if seal::layer_of(&s, actor.id)? != Layer::Second {
        return Err(seal::wrong_holder());
    }
    let session = s.session()?;
    let first = seal::require(&txn, stage_id, Layer::First).await?;
    let second = seal::require(&txn, stage_id, Layer::Second).await?;
    if second.sealed_at.is_some() {
        return Err(AppError::conflict(
            ErrorCode::CheckinClosed,
            "the second encryption is already done",
        )
        .with_zh("二次加密已经完成"));
    }
    let mut checked: Vec<(i32, String)> = txn
        .query_all_raw(stmt(
            &txn,
            "SELECT pc.candidate_id, pc.code FROM practical_codes pc \
             JOIN competition_anon a ON a.candidate_id = pc.candidate_id WHERE a.stage_id = ?",
            [s.id.into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "candidate_id")?, r.try_get("", "code")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?;
    // Rows are written in random order: their ids say nothing.
    checked.shuffle(&mut rand::rng());
    let mut taken: HashSet<String> = txn
        .query_all_raw(stmt(
            &txn,
            "SELECT code FROM practical_codes WHERE session_id = ?",
            [session.0.into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get("", "code"))
        .collect::<Result<_, _>>()?;
    let mut second_digests = vec![];
    for (candidate, checkin_code) in &checked {
        let marking = fresh_code(&taken);
        taken.insert(marking.clone());
        let plaintext = seal::salted(json!({"code": checkin_code, "marking_code": marking}));
        let (ciphertext, digest) = seal::seal_row(&second.public_key, &plaintext)?;
        txn.execute_raw(stmt(
            &txn,
            "INSERT INTO competition_sealed_rows (stage_id, layer, ciphertext, digest) VALUES (?, 2, ?, ?)",
            [s.id.into(), ciphertext.into(), digest.clone().into()],
        ))
        .await?;
        second_digests.push(digest);
        txn.execute_raw(stmt(
            &txn,
            "UPDATE practical_codes SET code = ? WHERE candidate_id = ?",
            [marking.clone().into(), (*candidate).into()],
        ))
        .await?;
        // The name shown once a task is locked is the marking code too.
        txn.execute_raw(stmt(
            &txn,
            "UPDATE candidates SET name = ? WHERE id = ?",
            [marking.into(), (*candidate).into()],
        ))
        .await?;
    }
    let first_digests: Vec<String> = txn
        .query_all_raw(stmt(
            &txn,
            "SELECT digest FROM competition_sealed_rows WHERE stage_id = ? AND layer = 1",
            [s.id.into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get("", "digest"))
        .collect::<Result<_, _>>()?;
    let now = Utc::now();
    let mut commitments = vec![];
    for (layer, digests) in [
        (first.layer, &first_digests),
        (Layer::Second, &second_digests),
    ] {
        let c = seal::commitment(digests);
        txn.execute_raw(stmt(
            &txn,
            "UPDATE competition_seals SET commitment = ?, row_count = ?, sealed_at = ? \
             WHERE stage_id = ? AND layer = ?",
            [
                c.clone().into(),
                (digests.len() as i32).into(),
                now.into(),
                s.id.into(),
                layer.number().into(),
            ],
        ))
        .await?;
        audit::record(
            &txn,
            actor,
            "competition.seal_layer",
            "competition_stage",
            &s.id.to_string(),
            json!({"layer": layer.number(), "commitment": c, "rows": digests.len()}),
        )
        .await?;
        commitments.push(c);
    }
    txn.execute_raw(stmt(
        &txn,
        "UPDATE practical_parts SET codes_final_at = ? WHERE session_id = ?",
        [now.into(), session.0.into()],
    ))
    .await?;
    txn.commit().await?;
    Ok(Encrypted {
        rows: checked.len(),
        second_commitment: commitments.pop().unwrap_or_default(),
        first_commitment: commitments.pop().unwrap_or_default(),
        codes_final_at: now,
    })
}
