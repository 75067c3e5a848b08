//! The decryption ceremony (解密): once every task of the final is locked (and the recheck is
//! finished), the supervisor opens layer 2 with their passphrase, then the 加密裁判 layer 1
//! with theirs. Each opening recomputes the layer's commitment from the decrypted rows: any row
//! changed, added or removed refuses the opening (409 `mapping_tampered`) and nothing opens.
//! Once both are open the mapping contestant → anonymous candidate is stored and readable.

use super::final_stage;
use super::seal::{self, Layer};
use super::{ContestantId, StageId};
use crate::audit::{self, Actor};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;
use utoipa::ToSchema;

/// A layer opened.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Opened {
    /// 1 or 2.
    pub layer: i32,
    /// Rows opened.
    pub rows: usize,
    /// The commitment they matched.
    pub commitment: String,
    /// When.
    pub opened_at: DateTime<Utc>,
}

fn tampered() -> AppError {
    AppError::conflict(
        ErrorCode::MappingTampered,
        "the sealed code table does not match its commitment (a row was changed, added or removed): nothing opens",
    )
    .with_zh("密封的编码表与封存时的摘要不符（有记录被改动、增加或删除），不予解密")
}

fn out_of_order(en: &str, zh: &str) -> AppError {
    AppError::conflict(ErrorCode::DecryptionOutOfOrder, en).with_zh(zh)
}

/// Opens one layer (its holder, with their passphrase).
pub async fn decrypt(
    db: &DatabaseConnection,
    actor: &Actor,
    stage_id: StageId,
    layer: i32,
    passphrase: &str,
) -> AppResult<Opened> {
    let layer = Layer::parse(layer).ok_or_else(|| {
        AppError::bad_request(ErrorCode::BadRequest, "layer is 1 or 2").with_zh("层只能是 1 或 2")
    })?;
    let s = final_stage::final_stage(db, stage_id).await?;
    let mine = seal::get(db, stage_id, layer).await?;
    let second = seal::require(db, stage_id, Layer::Second).await?;
    if second.sealed_at.is_none() {
        return Err(AppError::conflict(
            ErrorCode::CodesNotFinal,
            "the second encryption is not done: there is nothing to decrypt",
        )
        .with_zh("二次加密尚未完成，无可解密"));
    }
    if !final_stage::all_locked(db, stage_id).await? {
        return Err(AppError::conflict(
            ErrorCode::TasksNotLocked,
            "some tasks of the final are not signed off and locked",
        )
        .with_zh("还有实操项目未签字锁定，不能解密"));
    }
    // The recheck (复核) runs on the locked marks by code; decryption comes after it.
    if !super::recheck::finished(db, stage_id).await? {
        return Err(AppError::conflict(
            ErrorCode::RecheckPending,
            "the recheck of the locked marks is not finished",
        )
        .with_zh("复核尚未完成，不能解密"));
    }
    match layer {
        Layer::Second if second.opened_at.is_some() => {
            return Err(out_of_order("layer 2 is already open", "二次加密已经解开"));
        }
        Layer::First if second.opened_at.is_none() => {
            return Err(out_of_order(
                "the supervisor opens layer 2 first",
                "须先由监督解开二次加密，再解一次加密",
            ));
        }
        Layer::First if mine.as_ref().is_some_and(|m| m.opened_at.is_some()) => {
            return Err(out_of_order("layer 1 is already open", "一次加密已经解开"));
        }
        _ => {}
    }
    let seal = mine.ok_or_else(|| AppError::internal("a sealed stage without its first seal"))?;
    if seal::layer_of(&s, actor.id)? != layer || actor.id != Some(seal.holder_id) {
        return Err(seal::wrong_holder());
    }
    // Argon2 and the decryption outside the write transaction; the rows are read again inside.
    let secret = seal::unwrap_secret(&seal.wrapped_key, passphrase).ok_or_else(|| {
        AppError::forbidden_code(ErrorCode::WrongPassphrase, "wrong passphrase")
            .with_zh("口令不正确")
    })?;
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "competition_stages", stage_id.0).await?;
    // A second opening that raced this one finds the layer open.
    if seal::get(&txn, stage_id, layer)
        .await?
        .is_some_and(|s| s.opened_at.is_some())
    {
        return Err(out_of_order("this layer is already open", "该层已经解开"));
    }
    let rows: Vec<(i32, String)> = txn
        .query_all_raw(stmt(
            &txn,
            "SELECT id, ciphertext FROM competition_sealed_rows WHERE stage_id = ? AND layer = ?",
            [s.id.into(), layer.number().into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "ciphertext")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?;
    let mut opened = vec![];
    let mut digests = vec![];
    for (id, ct) in &rows {
        let plain = seal::open_row(&secret, ct).ok_or_else(tampered)?;
        digests.push(seal::digest(&plain));
        let v: Value = serde_json::from_slice(&plain).map_err(|_| tampered())?;
        opened.push((*id, v));
    }
    let commitment = seal::commitment(&digests);
    if seal.commitment.as_deref() != Some(commitment.as_str()) {
        return Err(tampered());
    }
    for (id, v) in &opened {
        txn.execute_raw(stmt(
            &txn,
            "UPDATE competition_sealed_rows SET opened = ? WHERE id = ?",
            [v.to_string().into(), (*id).into()],
        ))
        .await?;
    }
    if layer == Layer::First {
        link(&txn, &s, &opened).await?;
    }
    let now = Utc::now();
    txn.execute_raw(stmt(
        &txn,
        "UPDATE competition_seals SET opened_at = ?, opened_by = ? WHERE stage_id = ? AND layer = ?",
        [
            now.into(),
            actor.id.into(),
            s.id.into(),
            layer.number().into(),
        ],
    ))
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.open_layer",
        "competition_stage",
        &s.id.to_string(),
        json!({"layer": layer.number(), "commitment": commitment, "rows": rows.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(Opened {
        layer: layer.number(),
        rows: rows.len(),
        commitment,
        opened_at: now,
    })
}

/// Joins layer 1 (contestant → 检录号) with the opened layer 2 (检录号 → marking code) and the
/// marking codes' candidates, and stores contestant ↔ candidate.
async fn link(
    txn: &impl ConnectionTrait,
    s: &final_stage::Stage,
    first: &[(i32, Value)],
) -> AppResult<()> {
    let mut marking: HashMap<String, String> = HashMap::new();
    for r in txn
        .query_all_raw(stmt(
            txn,
            "SELECT opened FROM competition_sealed_rows WHERE stage_id = ? AND layer = 2",
            [s.id.into()],
        ))
        .await?
    {
        let text: Option<String> = r.try_get("", "opened")?;
        let v: Value = text
            .and_then(|t| serde_json::from_str(&t).ok())
            .ok_or_else(tampered)?;
        if let (Some(c), Some(m)) = (v["code"].as_str(), v["marking_code"].as_str()) {
            marking.insert(c.to_string(), m.to_string());
        }
    }
    let session = s.session()?;
    let by_code: HashMap<String, i32> = txn
        .query_all_raw(stmt(
            txn,
            "SELECT candidate_id, code FROM practical_codes WHERE session_id = ?",
            [session.0.into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "code")?, r.try_get("", "candidate_id")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?;
    for (_, v) in first {
        let contestant = v["contestant_id"].as_i64().ok_or_else(tampered)?;
        let candidate = v["code"]
            .as_str()
            .and_then(|c| marking.get(c))
            .and_then(|m| by_code.get(m))
            .ok_or_else(tampered)?;
        txn.execute_raw(stmt(
            txn,
            "UPDATE competition_anon SET contestant_id = ? WHERE candidate_id = ? AND stage_id = ?",
            [(contestant as i32).into(), (*candidate).into(), s.id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Whether both layers are open.
async fn both_open(db: &impl ConnectionTrait, stage: StageId) -> AppResult<bool> {
    Ok(seal::get(db, stage, Layer::First)
        .await?
        .is_some_and(|s| s.opened_at.is_some())
        && seal::get(db, stage, Layer::Second)
            .await?
            .is_some_and(|s| s.opened_at.is_some()))
}

/// Contestant → anonymous practical candidate, only once both layers are open (none before).
pub async fn opened(
    db: &impl ConnectionTrait,
    stage: StageId,
) -> AppResult<Option<HashMap<ContestantId, i32>>> {
    if !both_open(db, stage).await? {
        return Ok(None);
    }
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT contestant_id, candidate_id FROM competition_anon \
             WHERE stage_id = ? AND contestant_id IS NOT NULL",
            [stage.0.into()],
        ))
        .await?;
    let mut out = HashMap::new();
    for r in rows {
        out.insert(
            ContestantId(r.try_get("", "contestant_id")?),
            r.try_get("", "candidate_id")?,
        );
    }
    Ok(Some(out))
}

/// One line of the opened mapping.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MappingRow {
    /// The contestant.
    pub contestant_id: i32,
    /// 参赛证号.
    pub number: String,
    /// Name.
    pub name: String,
    /// Group.
    pub group_id: i32,
    /// 检录号 (一次加密号).
    pub checkin_code: String,
    /// Marking code (二次加密号).
    pub marking_code: String,
    /// The anonymous practical candidate.
    pub candidate_id: i32,
    /// Its placeholder ticket (the draw's roster order is the ticket order).
    pub ticket: String,
}

/// The opened mapping, or 403 `mapping_sealed` before both layers are open (admins included).
pub async fn mapping(db: &impl ConnectionTrait, stage: StageId) -> AppResult<Vec<MappingRow>> {
    final_stage::final_stage(db, stage).await?;
    if !both_open(db, stage).await? {
        return Err(AppError::forbidden_code(
            ErrorCode::MappingSealed,
            "before both layers are opened nobody may see which contestant is behind a code",
        )
        .with_zh("解密前任何人（包括管理员）都不能查看选手与编码的对应关系"));
    }
    let mut codes: HashMap<String, String> = HashMap::new();
    for r in db
        .query_all_raw(stmt(
            db,
            "SELECT opened FROM competition_sealed_rows WHERE stage_id = ? AND layer = 2",
            [stage.0.into()],
        ))
        .await?
    {
        let text: Option<String> = r.try_get("", "opened")?;
        if let Some(v) = text.and_then(|t| serde_json::from_str::<Value>(&t).ok())
            && let (Some(c), Some(m)) = (v["code"].as_str(), v["marking_code"].as_str())
        {
            codes.insert(m.to_string(), c.to_string());
        }
    }
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT a.contestant_id, c.number, c.name, a.group_id, a.candidate_id, cd.ticket, pc.code \
             FROM competition_anon a JOIN competition_contestants c ON c.id = a.contestant_id \
             JOIN candidates cd ON cd.id = a.candidate_id \
             JOIN practical_codes pc ON pc.candidate_id = a.candidate_id \
             WHERE a.stage_id = ? ORDER BY c.number",
            [stage.0.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            let marking: String = r.try_get("", "code")?;
            Ok(MappingRow {
                contestant_id: r.try_get("", "contestant_id")?,
                number: r
                    .try_get::<Option<String>>("", "number")?
                    .unwrap_or_default(),
                name: r.try_get("", "name")?,
                group_id: r.try_get("", "group_id")?,
                checkin_code: codes.get(&marking).cloned().unwrap_or_default(),
                marking_code: marking,
                candidate_id: r.try_get("", "candidate_id")?,
                ticket: r.try_get("", "ticket")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(Into::into)
}
