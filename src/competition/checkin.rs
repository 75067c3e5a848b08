//! 检录 at the final's door: the identity check against the registration, a random unused
//! anonymous candidate of the contestant's group (whose places the seeded schedule drew when
//! check-in opened), a fresh check-in code (检录号, 一次加密号) as its work code, the judges who
//! must stand aside recorded for that candidate, and the row (contestant, 检录号, places) sealed
//! to the 加密裁判's key. The check-in record keeps neither code nor candidate.

use super::StageId;
use super::final_stage::{self, Stage};
use super::seal::{self, Layer};
use crate::audit::{self, Actor};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::session::SessionId;
use crate::practical::DrawMode;
use crate::practical::checkin::{Place, places_of, titles};
use crate::practical::conflict::normalise;
use crate::practical::draw;
use crate::practical::entity::{part, place};
use crate::practical::part::get_part;
use chrono::{DateTime, Utc};
use rand::{Rng, RngCore};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashSet;
use utoipa::ToSchema;

/// Who stands at the door.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CheckInInput {
    /// 参赛证号.
    pub number: String,
    /// ID number (身份证号) as on the ID card shown.
    pub id_number: String,
}

/// What the door reads out, once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DoorTicket {
    /// 参赛证号.
    pub number: String,
    /// Name, for the desk to compare with the person.
    pub name: String,
    /// 检录号 (一次加密号): shown once, here; only the sealed layer keeps it.
    pub code: String,
    /// When.
    pub checked_in_at: DateTime<Utc>,
    /// Places by lot, in slot order.
    pub places: Vec<Place>,
}

/// A judge of the final's panels.
#[derive(Debug, Clone)]
pub struct PanelJudge {
    /// Account.
    pub id: i32,
    /// Username.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Employer or school.
    pub affiliation: String,
}

/// The judges who may not mark a contestant: same organisation as their affiliation, the
/// contestant's trainer (指导教师: one or more names, split on 、,，;； or spaces' absence), or a
/// declared conflict.
pub fn barred_judges(
    judges: &[PanelJudge],
    organisation: &str,
    trainer: &str,
    declared: &[i32],
) -> Vec<i32> {
    let trainers: HashSet<String> = trainer
        .split(['、', ',', '，', ';', '；', '/'])
        .map(normalise)
        .filter(|t| !t.is_empty())
        .collect();
    judges
        .iter()
        .filter(|j| {
            crate::practical::conflict::conflicts(&j.affiliation, organisation)
                || trainers.contains(&normalise(&j.display_name))
                || trainers.contains(&normalise(&j.username))
                || declared.contains(&j.id)
        })
        .map(|j| j.id)
        .collect()
}

/// An ID number as compared: trimmed, upper case (the check letter X).
fn clean_id(s: &str) -> String {
    s.trim().to_uppercase()
}

struct Contestant {
    id: i32,
    group_id: i32,
    name: String,
    id_number: String,
    organisation: String,
    trainer: String,
    number: String,
}

fn not_a_finalist(status: u16) -> AppError {
    let (en, zh) = (
        "this contestant number is not a finalist of this stage",
        "该参赛证号不是本决赛的入围选手",
    );
    if status == 404 {
        AppError::not_found(ErrorCode::NotAFinalist, en).with_zh(zh)
    } else {
        AppError::conflict(ErrorCode::NotAFinalist, en).with_zh(zh)
    }
}

async fn finalist(db: &impl ConnectionTrait, s: &Stage, number: &str) -> AppResult<Contestant> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT c.id, c.group_id, c.name, c.id_number, c.organisation, c.trainer, c.number, \
             c.status, se.qualified_at FROM competition_contestants c \
             LEFT JOIN competition_stage_entries se ON se.contestant_id = c.id AND se.stage_id = ? \
             WHERE c.event_id = ? AND c.number = ?",
            [s.id.into(), s.event_id.into(), number.trim().into()],
        ))
        .await?
        .ok_or_else(|| not_a_finalist(404))?;
    let status: String = row.try_get("", "status")?;
    let qualified: Option<DateTime<Utc>> = row.try_get("", "qualified_at")?;
    if status != "accepted" || qualified.is_none() {
        return Err(not_a_finalist(409));
    }
    Ok(Contestant {
        id: row.try_get("", "id")?,
        group_id: row.try_get("", "group_id")?,
        name: row.try_get("", "name")?,
        id_number: row.try_get("", "id_number")?,
        organisation: row.try_get("", "organisation")?,
        trainer: row.try_get("", "trainer")?,
        number: row
            .try_get::<Option<String>>("", "number")?
            .unwrap_or_default(),
    })
}

/// The final's part made anonymous, its schedule drawn over the anonymous candidates in their
/// (random placeholder) ticket order, on the first check-in; the part is fixed from then on.
async fn open_part(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    session: SessionId,
) -> AppResult<part::Model> {
    let p = get_part(txn, session).await?;
    if p.anonymous {
        return Ok(p);
    }
    let mut am = p.into_active_model();
    am.anonymous = Set(true);
    am.draw_mode = Set(DrawMode::Schedule.code().into());
    am.update(txn).await?;
    crate::practical::checkin::draw_in(txn, actor, session).await?;
    get_part(txn, session).await
}

async fn panel_judges(txn: &impl ConnectionTrait, session: i32) -> AppResult<Vec<PanelJudge>> {
    Ok(txn
        .query_all_raw(stmt(
            txn,
            "SELECT DISTINCT u.id, u.username, u.display_name, u.affiliation FROM practical_panel p \
             JOIN practical_tasks t ON t.id = p.task_id JOIN users u ON u.id = p.user_id \
             WHERE t.session_id = ?",
            [session.into()],
        ))
        .await?
        .iter()
        .map(|r| {
            Ok(PanelJudge {
                id: r.try_get("", "id")?,
                username: r.try_get("", "username")?,
                display_name: r.try_get("", "display_name")?,
                affiliation: r.try_get("", "affiliation")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// A fresh work code not used in the session, checked one at a time (a collision in 32⁶ codes
/// is rare), so a check-in does not read every code of a large final.
async fn unused_code(db: &impl ConnectionTrait, session: SessionId) -> AppResult<String> {
    loop {
        let mut bytes = [0u8; draw::CODE_LEN];
        rand::rng().fill_bytes(&mut bytes);
        let code = draw::work_code(bytes);
        let used = db
            .query_one_raw(stmt(
                db,
                "SELECT 1 AS x FROM practical_codes WHERE session_id = ? AND code = ?",
                [session.0.into(), code.clone().into()],
            ))
            .await?
            .is_some();
        if !used {
            return Ok(code);
        }
    }
}

/// Checks a finalist in at the door (organisers). One transaction.
pub async fn check_in(
    db: &DatabaseConnection,
    actor: &Actor,
    stage_id: StageId,
    input: &CheckInInput,
) -> AppResult<DoorTicket> {
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_row(&txn, "competition_stages", stage_id.0).await?;
    let s = final_stage::final_stage(&txn, stage_id).await?;
    let session = s.session()?;
    let first = seal::require(&txn, stage_id, Layer::First).await?;
    if first.sealed_at.is_some() {
        return Err(AppError::conflict(
            ErrorCode::CheckinClosed,
            "check-in is closed (the second encryption is done)",
        )
        .with_zh("检录已结束（二次加密已完成）"));
    }
    let c = finalist(&txn, &s, &input.number).await?;
    if clean_id(&c.id_number) != clean_id(&input.id_number) {
        return Err(AppError::unprocessable(
            ErrorCode::IdentityMismatch,
            "the ID number does not match this contestant number's registration",
        )
        .with_zh("身份证号与该参赛证号的报名信息不符"));
    }
    let done = txn
        .query_one_raw(stmt(
            &txn,
            "SELECT 1 AS x FROM competition_checkins WHERE stage_id = ? AND contestant_id = ?",
            [s.id.into(), c.id.into()],
        ))
        .await?
        .is_some();
    if done {
        return Err(AppError::conflict(
            ErrorCode::AlreadyCheckedIn,
            "this contestant has already checked in",
        )
        .with_zh("该选手已经检录；检录号只在检录时显示一次"));
    }
    let p = open_part(&txn, actor, session).await?;
    // The lot: a random unused anonymous candidate of the contestant's group (CSPRNG, not
    // recorded; only the sealed row says who took it). Counted, then one row at a random
    // offset, so a check-in reads no more than it needs at 5,000 finalists.
    let free_sql =
        "FROM competition_anon a WHERE a.stage_id = ? AND a.group_id = ? AND a.taken = ?";
    let free: i64 = txn
        .query_one_raw(stmt(
            &txn,
            &format!("SELECT COUNT(*) AS n {free_sql}"),
            [s.id.into(), c.group_id.into(), false.into()],
        ))
        .await?
        .map(|r| r.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    let no_place = || {
        AppError::conflict(
            ErrorCode::NotAFinalist,
            "no anonymous place of this group is left (was the contestant qualified after the final was prepared?)",
        )
        .with_zh("该组别已无空余的决赛位置（选手是否在生成决赛场次后才入围？）")
    };
    if free < 1 {
        return Err(no_place());
    }
    let offset = rand::rng().random_range(0..free);
    let candidate: i32 = txn
        .query_one_raw(stmt(
            &txn,
            &format!("SELECT a.candidate_id {free_sql} ORDER BY a.candidate_id LIMIT 1 OFFSET ?"),
            [s.id.into(), c.group_id.into(), false.into(), offset.into()],
        ))
        .await?
        .map(|r| r.try_get("", "candidate_id"))
        .transpose()?
        .ok_or_else(no_place)?;
    txn.execute_raw(stmt(
        &txn,
        "UPDATE competition_anon SET taken = ? WHERE candidate_id = ?",
        [true.into(), candidate.into()],
    ))
    .await?;
    let code = unused_code(&txn, session).await?;
    // Order and time are the same for every anonymous code, so the codes table cannot be
    // lined up with the check-in records.
    txn.execute_raw(stmt(
        &txn,
        "INSERT INTO practical_codes (candidate_id, session_id, code, draw_order, checked_in_at, checked_in_by) \
         VALUES (?, ?, ?, 0, ?, NULL)",
        [
            candidate.into(),
            session.0.into(),
            code.clone().into(),
            p.drawn_at.unwrap_or(p.created_at).into(),
        ],
    ))
    .await?;
    let declared: Vec<i32> = txn
        .query_all_raw(stmt(
            &txn,
            "SELECT judge_id FROM competition_conflicts WHERE competition_id = ? AND contestant_id = ?",
            [s.competition_id.into(), c.id.into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get("", "judge_id"))
        .collect::<Result<_, _>>()?;
    let judges = panel_judges(&txn, session.0).await?;
    for j in barred_judges(&judges, &c.organisation, &c.trainer, &declared) {
        txn.execute_raw(stmt(
            &txn,
            "INSERT INTO practical_conflicts (candidate_id, judge_id) VALUES (?, ?)",
            [candidate.into(), j.into()],
        ))
        .await?;
    }
    let rows = place::Entity::find()
        .filter(place::Column::CandidateId.eq(candidate))
        .all(&txn)
        .await?;
    let places = places_of(&p, &rows, &titles(&txn, session).await?);
    let plaintext = seal::salted(json!({
        "contestant_id": c.id,
        "number": c.number,
        "code": code,
        "places": rows.iter().map(|r| json!({"task_id": r.task_id, "slot": r.slot, "station": r.station}))
            .collect::<Vec<_>>(),
    }));
    let (ciphertext, digest) = seal::seal_row(&first.public_key, &plaintext)?;
    txn.execute_raw(stmt(
        &txn,
        "INSERT INTO competition_sealed_rows (stage_id, layer, ciphertext, digest) VALUES (?, 1, ?, ?)",
        [s.id.into(), ciphertext.into(), digest.clone().into()],
    ))
    .await?;
    let now = Utc::now();
    txn.execute_raw(stmt(
        &txn,
        "INSERT INTO competition_checkins (stage_id, contestant_id, at, by_user) VALUES (?, ?, ?, ?)",
        [s.id.into(), c.id.into(), now.into(), actor.id.into()],
    ))
    .await?;
    audit::record(
        &txn,
        actor,
        "competition.check_in",
        "competition_contestant",
        &c.id.to_string(),
        json!({"stage_id": s.id, "row_digest": digest}),
    )
    .await?;
    txn.commit().await?;
    Ok(DoorTicket {
        number: c.number,
        name: c.name,
        code,
        checked_in_at: now,
        places,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(id: i32, username: &str, name: &str, aff: &str) -> PanelJudge {
        PanelJudge {
            id,
            username: username.into(),
            display_name: name.into(),
            affiliation: aff.into(),
        }
    }

    #[test]
    fn a_judge_from_the_contestants_organisation_their_trainer_or_a_declared_conflict_stands_aside()
    {
        let judges = vec![
            judge(1, "li", "李明", "广州 某某 科技"),
            judge(2, "wang", "王 芳", "深圳学院"),
            judge(3, "zhao", "赵强", ""),
            judge(4, "chen", "陈晨", "佛山"),
        ];
        assert_eq!(barred_judges(&judges, "广州某某科技", "", &[]), vec![1]);
        assert_eq!(barred_judges(&judges, "某校", "王芳、刘洋", &[]), vec![2]);
        assert_eq!(barred_judges(&judges, "某校", "ZHAO", &[]), vec![3]);
        assert_eq!(barred_judges(&judges, "某校", "", &[4]), vec![4]);
        assert!(barred_judges(&judges, "某校", "", &[]).is_empty());
    }

    #[test]
    fn an_id_number_compares_without_spaces_and_with_either_case_of_x() {
        assert_eq!(
            clean_id(" 44010619900101123x "),
            clean_id("44010619900101123X")
        );
    }
}
