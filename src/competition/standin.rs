//! STAND-INS for functions owned by parts A and B, with their contract signatures, so part C
//! builds and tests on its own. At merge the lead points the callers at
//! `competition::theory::scores`, `competition::final_stage::{anonymous_groups, all_locked}`
//! and `competition::decryption::opened`, and deletes this file.

use super::{ContestantId, GroupId, StageId};
use crate::db::stmt;
use crate::error::AppResult;
use crate::exam::outcome::{self, Standing};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

/// A contestant's theory stage result (A: `theory::scores`).
#[derive(Debug, Clone, PartialEq)]
pub struct TheoryScore {
    /// The contestant.
    pub contestant: ContestantId,
    /// Their group.
    pub group: GroupId,
    /// Score out of 100, once final.
    pub score: Option<f64>,
    /// Seconds used.
    pub time_used_secs: Option<i64>,
    /// Submitted and fully marked.
    pub finished: bool,
}

/// A: every contestant seated in a theory stage with their result.
pub async fn theory_scores(
    db: &impl ConnectionTrait,
    stage: StageId,
) -> AppResult<Vec<TheoryScore>> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT e.contestant_id, e.candidate_id, c.group_id, s.session_id \
             FROM competition_stage_entries e \
             JOIN competition_contestants c ON c.id = e.contestant_id \
             JOIN competition_stages s ON s.id = e.stage_id WHERE e.stage_id = ? ORDER BY e.contestant_id",
            [stage.0.into()],
        ))
        .await?;
    let Some(session_id) = rows
        .first()
        .map(|r| r.try_get::<Option<i32>>("", "session_id"))
        .transpose()?
        .flatten()
    else {
        return Ok(vec![]);
    };
    let Some(session) = crate::exam::repo::session(db, session_id).await? else {
        return Ok(vec![]);
    };
    let outcomes: HashMap<i32, outcome::Outcome> = outcome::of_session(db, &session)
        .await?
        .into_iter()
        .map(|o| (o.candidate.id, o))
        .collect();
    let mut out = vec![];
    for r in rows {
        let candidate: Option<i32> = r.try_get("", "candidate_id")?;
        let o = candidate.and_then(|c| outcomes.get(&c));
        // The theory attempt is final even while a practical part of the same session is not.
        let finished =
            o.is_some_and(|o| matches!(o.standing, Standing::Final | Standing::PracticalPending));
        let a = o.and_then(|o| o.attempt.as_ref()).filter(|_| finished);
        out.push(TheoryScore {
            contestant: ContestantId(r.try_get("", "contestant_id")?),
            group: GroupId(r.try_get("", "group_id")?),
            score: a.and_then(|a| {
                let s = a.score?;
                Some(if a.max_score > 0.0 {
                    crate::practical::score::round2(s / a.max_score * 100.0)
                } else {
                    0.0
                })
            }),
            time_used_secs: a
                .and_then(|a| Some((a.submitted_ms? - a.started_ms - a.paused_ms).max(0) / 1000)),
            finished,
        });
    }
    Ok(out)
}

/// B: every anonymous candidate of the final with their group.
pub async fn anonymous_groups(
    db: &impl ConnectionTrait,
    stage: StageId,
) -> AppResult<Vec<(i32, GroupId)>> {
    Ok(db
        .query_all_raw(stmt(
            db,
            "SELECT candidate_id, group_id FROM competition_anon WHERE stage_id = ? ORDER BY candidate_id",
            [stage.0.into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get("", "candidate_id")?, GroupId(r.try_get("", "group_id")?))))
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// B: contestant → anonymous candidate, once both layers are open.
pub async fn opened(
    db: &impl ConnectionTrait,
    stage: StageId,
) -> AppResult<Option<HashMap<ContestantId, i32>>> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT candidate_id, contestant_id FROM competition_anon WHERE stage_id = ?",
            [stage.0.into()],
        ))
        .await?;
    let mut map = HashMap::new();
    for r in rows {
        let Some(c) = r.try_get::<Option<i32>>("", "contestant_id")? else {
            return Ok(None);
        };
        map.insert(ContestantId(c), r.try_get("", "candidate_id")?);
    }
    Ok((!map.is_empty()).then_some(map))
}

/// B: every task of the final's session is locked.
pub async fn all_locked(db: &impl ConnectionTrait, stage: StageId) -> AppResult<bool> {
    let r = db
        .query_one_raw(stmt(
            db,
            "SELECT COUNT(t.id) AS n, COUNT(t.locked_at) AS locked FROM practical_tasks t \
             JOIN competition_stages s ON s.session_id = t.session_id WHERE s.id = ?",
            [stage.0.into()],
        ))
        .await?;
    let (n, locked): (i64, i64) = match r {
        Some(r) => (r.try_get("", "n")?, r.try_get("", "locked")?),
        None => (0, 0),
    };
    Ok(n > 0 && n == locked)
}
