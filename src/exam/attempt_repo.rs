//! Database access for attempts: the session's frozen pool, attempts, saved answers (bulk,
//! guarded upserts for the autosave writer), events, marks and results.

use super::entity::{attempt, candidate, mark};
use crate::db::stmt;
use crate::exam::entity::attempt::{AttemptStatus, SubmittedBy};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Value,
};

/// The session's frozen exam definition and pool.
pub struct Snapshot {
    /// Exam version frozen.
    pub exam_version: i32,
    /// The definition as JSON.
    pub definition: String,
    /// The pool as JSON.
    pub pool: String,
}

/// The frozen snapshot of a session, if it has one.
pub async fn snapshot(
    db: &impl ConnectionTrait,
    session_id: i32,
) -> Result<Option<Snapshot>, DbErr> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT exam_version, definition, pool FROM session_snapshots WHERE session_id = ?",
            [session_id.into()],
        ))
        .await?;
    row.map(|r| {
        Ok(Snapshot {
            exam_version: r.try_get("", "exam_version")?,
            definition: r.try_get("", "definition")?,
            pool: r.try_get("", "pool")?,
        })
    })
    .transpose()
}

/// Stores a snapshot unless the session has one (the first instance to freeze wins).
pub async fn insert_snapshot(
    db: &impl ConnectionTrait,
    session_id: i32,
    s: &Snapshot,
) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "INSERT INTO session_snapshots (session_id, exam_version, definition, pool, frozen_at) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id) DO NOTHING",
        [
            session_id.into(),
            s.exam_version.into(),
            s.definition.clone().into(),
            s.pool.clone().into(),
            chrono::Utc::now().into(),
        ],
    ))
    .await
    .map(|_| ())
}

/// A candidate by ticket number.
pub async fn candidate_by_ticket(
    db: &impl ConnectionTrait,
    ticket: &str,
) -> Result<Option<candidate::Model>, DbErr> {
    candidate::Entity::find()
        .filter(candidate::Column::Ticket.eq(ticket))
        .one(db)
        .await
}

/// A candidate by id.
pub async fn candidate(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<candidate::Model>, DbErr> {
    candidate::Entity::find_by_id(id).one(db).await
}

/// A candidate's attempts, first sitting first.
pub async fn attempts_of(
    db: &impl ConnectionTrait,
    candidate_id: i32,
) -> Result<Vec<attempt::Model>, DbErr> {
    attempt::Entity::find()
        .filter(attempt::Column::CandidateId.eq(candidate_id))
        .order_by_asc(attempt::Column::Number)
        .all(db)
        .await
}

/// A session's attempts.
pub async fn attempts_in_session(
    db: &impl ConnectionTrait,
    session_id: i32,
) -> Result<Vec<attempt::Model>, DbErr> {
    attempt::Entity::find()
        .filter(attempt::Column::SessionId.eq(session_id))
        .order_by_asc(attempt::Column::Id)
        .all(db)
        .await
}

/// How many attempts of a session are still running (in progress or paused).
pub async fn open_in_session(db: &impl ConnectionTrait, session_id: i32) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    attempt::Entity::find()
        .filter(attempt::Column::SessionId.eq(session_id))
        .filter(attempt::Column::Status.ne(AttemptStatus::Submitted))
        .count(db)
        .await
}

/// An attempt by id.
pub async fn attempt(db: &impl ConnectionTrait, id: i32) -> Result<Option<attempt::Model>, DbErr> {
    attempt::Entity::find_by_id(id).one(db).await
}

/// Inserts an attempt.
pub async fn insert_attempt(
    db: &impl ConnectionTrait,
    a: attempt::ActiveModel,
) -> Result<attempt::Model, DbErr> {
    a.insert(db).await
}

/// Starts a new login generation on an attempt; returns the new generation. Written first in
/// its transaction so SQLite takes the write lock before reading.
pub async fn bump_device(db: &impl ConnectionTrait, id: i32) -> Result<i32, DbErr> {
    db.execute_raw(stmt(
        db,
        "UPDATE attempts SET device_gen = device_gen + 1 WHERE id = ?",
        [id.into()],
    ))
    .await?;
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT device_gen FROM attempts WHERE id = ?",
            [id.into()],
        ))
        .await?;
    match row {
        Some(r) => r.try_get("", "device_gen"),
        None => Err(DbErr::RecordNotFound(format!("attempt {id}"))),
    }
}

/// Appends an event to an attempt's timeline.
pub async fn record_event(
    db: &impl ConnectionTrait,
    attempt_id: i32,
    at_ms: i64,
    kind: &str,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "INSERT INTO attempt_events (attempt_id, at_ms, kind, detail) VALUES (?, ?, ?, ?)",
        [
            attempt_id.into(),
            at_ms.into(),
            kind.into(),
            detail.to_string().into(),
        ],
    ))
    .await
    .map(|_| ())
}

/// An attempt's events, oldest first: (at_ms, kind, detail JSON).
pub async fn events(
    db: &impl ConnectionTrait,
    attempt_id: i32,
) -> Result<Vec<(i64, String, String)>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT at_ms, kind, detail FROM attempt_events WHERE attempt_id = ? ORDER BY id",
            [attempt_id.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok((
                r.try_get("", "at_ms")?,
                r.try_get("", "kind")?,
                r.try_get("", "detail")?,
            ))
        })
        .collect()
}

/// One stored answer.
#[derive(Debug, Clone)]
pub struct StoredAnswer {
    /// The question.
    pub question_id: i32,
    /// The scorer's response, as JSON.
    pub response: String,
    /// The client's sequence number.
    pub seq: i64,
    /// When it was saved.
    pub saved_ms: i64,
}

/// An attempt's saved answers.
pub async fn answers(
    db: &impl ConnectionTrait,
    attempt_id: i32,
) -> Result<Vec<StoredAnswer>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT question_id, response, seq, saved_ms FROM answers WHERE attempt_id = ? ORDER BY question_id",
            [attempt_id.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(StoredAnswer {
                question_id: r.try_get("", "question_id")?,
                response: r.try_get("", "response")?,
                seq: r.try_get("", "seq")?,
                saved_ms: r.try_get("", "saved_ms")?,
            })
        })
        .collect()
}

/// Answer counts per attempt of a session.
pub async fn answer_counts(
    db: &impl ConnectionTrait,
    attempt_ids: &[i32],
) -> Result<std::collections::HashMap<i32, i64>, DbErr> {
    let mut out = std::collections::HashMap::new();
    for chunk in attempt_ids.chunks(500) {
        let marks = crate::db::placeholders(chunk.len());
        let rows = db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT attempt_id, COUNT(*) AS n FROM answers WHERE attempt_id IN ({marks}) GROUP BY attempt_id"
                ),
                chunk.iter().map(|&i| i.into()),
            ))
            .await?;
        for r in rows {
            out.insert(
                r.try_get::<i32>("", "attempt_id")?,
                r.try_get::<i64>("", "n")?,
            );
        }
    }
    Ok(out)
}

/// One save for [`save_batch`].
#[derive(Debug, Clone)]
pub struct PendingSave {
    /// The attempt.
    pub attempt_id: i32,
    /// Its session (not stored; for the live room view).
    pub session_id: i32,
    /// The login generation of the token that sent it.
    pub device_gen: i32,
    /// The question.
    pub question_id: i32,
    /// The scorer's response, as JSON.
    pub response: String,
    /// The client's sequence number (≥ 1).
    pub seq: i64,
}

/// Why the attempt of a save would not take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Already submitted.
    Submitted,
    /// Paused by a proctor.
    Paused,
    /// The deadline has passed.
    TimeUp,
    /// A newer login (another tablet) holds the attempt.
    TakenOver,
    /// No such attempt.
    Missing,
}

/// How one save fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Stored: the highest sequence number now stored, and whether this save was it.
    Saved {
        /// The stored sequence number.
        saved_seq: i64,
        /// False when an equal or newer save was already stored (nothing changed).
        applied: bool,
    },
    /// Refused, nothing changed.
    Refused(Refusal),
}

/// Writes a batch of saves in the caller's transaction and says how each fared, in order.
///
/// Three or four statements whatever the batch size: (1) one guarded UPDATE of the attempts
/// that are open (in progress, before the deadline) returning their login generation; it
/// comes first so SQLite takes the write lock before reading, and on PostgreSQL it locks the
/// attempt rows so a concurrent submit either sees these answers or makes this guard fail;
/// (2) one multi-row upsert that only replaces an answer with a higher sequence number,
/// returning what it wrote; (3) the stored sequence numbers of the saves it did not write;
/// (4) the status of attempts the guard refused, to say why.
pub async fn save_batch(
    db: &impl ConnectionTrait,
    saves: &[PendingSave],
    now_ms: i64,
) -> Result<Vec<SaveOutcome>, DbErr> {
    use std::collections::{BTreeMap, HashMap, HashSet};
    let mut ids: Vec<i32> = saves.iter().map(|s| s.attempt_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut values: Vec<Value> = vec![now_ms.into()];
    values.extend(ids.iter().map(|&i| Value::from(i)));
    values.push(now_ms.into());
    let open: HashMap<i32, i32> = db
        .query_all_raw(stmt(
            db,
            &format!(
                "UPDATE attempts SET last_save_ms = ? WHERE id IN ({}) AND status = 'in_progress' \
                 AND deadline_ms > ? RETURNING id, device_gen",
                crate::db::placeholders(ids.len())
            ),
            values,
        ))
        .await?
        .into_iter()
        .map(|r| {
            Ok((
                r.try_get::<i32>("", "id")?,
                r.try_get::<i32>("", "device_gen")?,
            ))
        })
        .collect::<Result<_, DbErr>>()?;
    let accepted = |s: &PendingSave| open.get(&s.attempt_id) == Some(&s.device_gen);

    // The highest seq per (attempt, question) among accepted saves: one row each, since an
    // upsert may not touch the same row twice.
    let mut best: BTreeMap<(i32, i32), usize> = BTreeMap::new();
    for (i, s) in saves.iter().enumerate() {
        if accepted(s) {
            let e = best.entry((s.attempt_id, s.question_id)).or_insert(i);
            if s.seq > saves[*e].seq {
                *e = i;
            }
        }
    }
    let mut written: HashMap<(i32, i32), i64> = HashMap::new();
    if !best.is_empty() {
        let mut values: Vec<Value> = Vec::with_capacity(best.len() * 5);
        for &i in best.values() {
            let s = &saves[i];
            values.push(s.attempt_id.into());
            values.push(s.question_id.into());
            values.push(s.response.clone().into());
            values.push(s.seq.into());
            values.push(now_ms.into());
        }
        let rows = vec!["(?, ?, ?, ?, ?)"; best.len()].join(", ");
        for r in db
            .query_all_raw(stmt(
                db,
                &format!(
                    "INSERT INTO answers (attempt_id, question_id, response, seq, saved_ms) VALUES {rows} \
                     ON CONFLICT (attempt_id, question_id) DO UPDATE SET response = excluded.response, \
                     seq = excluded.seq, saved_ms = excluded.saved_ms WHERE excluded.seq > answers.seq \
                     RETURNING attempt_id, question_id, seq"
                ),
                values,
            ))
            .await?
        {
            written.insert(
                (r.try_get("", "attempt_id")?, r.try_get("", "question_id")?),
                r.try_get("", "seq")?,
            );
        }
    }
    let mut stored = written.clone();
    let unknown: HashSet<(i32, i32)> = best
        .keys()
        .filter(|k| !written.contains_key(k))
        .copied()
        .collect();
    if !unknown.is_empty() {
        let cond = vec!["(attempt_id = ? AND question_id = ?)"; unknown.len()].join(" OR ");
        let values = unknown
            .iter()
            .flat_map(|(a, q)| [Value::from(*a), Value::from(*q)]);
        for r in db
            .query_all_raw(stmt(
                db,
                &format!("SELECT attempt_id, question_id, seq FROM answers WHERE {cond}"),
                values,
            ))
            .await?
        {
            stored.insert(
                (r.try_get("", "attempt_id")?, r.try_get("", "question_id")?),
                r.try_get("", "seq")?,
            );
        }
    }
    let refused_ids: Vec<i32> = ids
        .iter()
        .copied()
        .filter(|i| saves.iter().any(|s| s.attempt_id == *i && !accepted(s)))
        .collect();
    let mut why: HashMap<i32, (AttemptStatus, i32, i64)> = HashMap::new();
    if !refused_ids.is_empty() {
        for r in db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT id, status, device_gen, deadline_ms FROM attempts WHERE id IN ({})",
                    crate::db::placeholders(refused_ids.len())
                ),
                refused_ids.iter().map(|&i| Value::from(i)),
            ))
            .await?
        {
            why.insert(
                r.try_get("", "id")?,
                (
                    r.try_get("", "status")?,
                    r.try_get("", "device_gen")?,
                    r.try_get("", "deadline_ms")?,
                ),
            );
        }
    }
    Ok(saves
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if accepted(s) {
                let key = (s.attempt_id, s.question_id);
                let saved_seq = stored.get(&key).copied().unwrap_or(s.seq);
                let applied = best.get(&key) == Some(&i) && written.contains_key(&key);
                return SaveOutcome::Saved { saved_seq, applied };
            }
            SaveOutcome::Refused(match why.get(&s.attempt_id) {
                None => Refusal::Missing,
                Some((status, _, _)) if *status == AttemptStatus::Submitted => Refusal::Submitted,
                Some((_, generation, _)) if *generation != s.device_gen => Refusal::TakenOver,
                Some((status, _, _)) if *status == AttemptStatus::Paused => Refusal::Paused,
                Some(_) => Refusal::TimeUp,
            })
        })
        .collect())
}

/// Marks an attempt submitted unless it already is; true when this call did it. Written first
/// in its transaction (write lock on SQLite, row lock on PostgreSQL) before the answers are read.
pub async fn claim_submit(
    db: &impl ConnectionTrait,
    id: i32,
    now_ms: i64,
    by: SubmittedBy,
) -> Result<bool, DbErr> {
    let r = db
        .execute_raw(stmt(
            db,
            "UPDATE attempts SET status = 'submitted', submitted_ms = ?, submitted_by = ?, \
             paused_since_ms = NULL WHERE id = ? AND status <> 'submitted'",
            [now_ms.into(), by.into(), id.into()],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Stores an attempt's result.
pub async fn store_result(
    db: &impl ConnectionTrait,
    id: i32,
    score: f64,
    max: f64,
    passed: Option<bool>,
    pending: i32,
    result_json: &str,
) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "UPDATE attempts SET score = ?, max_score = ?, passed = ?, pending_marks = ?, result = ? WHERE id = ?",
        [
            score.into(),
            max.into(),
            passed.into(),
            pending.into(),
            result_json.into(),
            id.into(),
        ],
    ))
    .await
    .map(|_| ())
}

/// Attempts in progress whose deadline has passed.
pub async fn overdue(
    db: &impl ConnectionTrait,
    now_ms: i64,
    limit: u64,
) -> Result<Vec<i32>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT id FROM attempts WHERE status = 'in_progress' AND deadline_ms <= ? ORDER BY deadline_ms LIMIT {limit}"
            ),
            [now_ms.into()],
        ))
        .await?;
    rows.into_iter().map(|r| r.try_get("", "id")).collect()
}

/// Question versions' bodies by version id.
pub async fn version_bodies(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<(i32, String)>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT id, body FROM question_versions WHERE id IN ({})",
                    crate::db::placeholders(chunk.len())
                ),
                chunk.iter().map(|&i| Value::from(i)),
            ))
            .await?;
        for r in rows {
            out.push((r.try_get("", "id")?, r.try_get("", "body")?));
        }
    }
    Ok(out)
}

/// Queues answers for marking (one row per question; a repeat changes nothing).
pub async fn insert_marks(
    db: &impl ConnectionTrait,
    rows: Vec<mark::ActiveModel>,
) -> Result<(), DbErr> {
    for m in rows {
        m.insert(db).await?;
    }
    Ok(())
}

/// An attempt's marks.
pub async fn marks_of(
    db: &impl ConnectionTrait,
    attempt_id: i32,
) -> Result<Vec<mark::Model>, DbErr> {
    mark::Entity::find()
        .filter(mark::Column::AttemptId.eq(attempt_id))
        .all(db)
        .await
}

/// A session's marks, oldest first; only unmarked ones when `pending`.
pub async fn marks_in_session(
    db: &impl ConnectionTrait,
    session_id: i32,
    pending: bool,
) -> Result<Vec<mark::Model>, DbErr> {
    let mut q = mark::Entity::find().filter(mark::Column::SessionId.eq(session_id));
    if pending {
        q = q.filter(mark::Column::Points.is_null());
    }
    q.order_by_asc(mark::Column::Id).all(db).await
}

/// A mark by id.
pub async fn mark(db: &impl ConnectionTrait, id: i32) -> Result<Option<mark::Model>, DbErr> {
    mark::Entity::find_by_id(id).one(db).await
}

/// Records a marker's points on a mark.
pub async fn set_mark(
    db: &impl ConnectionTrait,
    id: i32,
    points: f64,
    comment: &str,
    marker_id: Option<i32>,
) -> Result<(), DbErr> {
    mark::ActiveModel {
        id: Set(id),
        points: Set(Some(points)),
        comment: Set(comment.to_string()),
        marker_id: Set(marker_id),
        marked_at: Set(Some(chrono::Utc::now())),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Records when a session's results were released.
pub async fn release_results(db: &impl ConnectionTrait, session_id: i32) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "UPDATE exam_sessions SET results_released_at = ? WHERE id = ? AND results_released_at IS NULL",
        [chrono::Utc::now().into(), session_id.into()],
    ))
    .await
    .map(|_| ())
}

/// Takes the attempt's row for a read-modify-write: a no-op write first, so SQLite takes its
/// write lock and PostgreSQL its row lock before the row is read.
pub async fn lock_attempt(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<attempt::Model>, DbErr> {
    db.execute_raw(stmt(
        db,
        "UPDATE attempts SET device_gen = device_gen WHERE id = ?",
        [id.into()],
    ))
    .await?;
    attempt(db, id).await
}

/// Stores an attempt's clock and status (pause, resume, extension).
pub async fn store_clock(
    db: &impl ConnectionTrait,
    id: i32,
    status: AttemptStatus,
    clock: &super::clock::Clock,
) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "UPDATE attempts SET status = ?, extension_ms = ?, paused_ms = ?, paused_since_ms = ?, \
         deadline_ms = ? WHERE id = ? AND status <> 'submitted'",
        [
            status.into(),
            clock.extension_ms.into(),
            clock.paused_ms.into(),
            clock.paused_since_ms.into(),
            clock.stored_deadline_ms().into(),
            id.into(),
        ],
    ))
    .await
    .map(|_| ())
}

/// Notes that an attempt's tablet was heard from.
pub async fn touch_seen(db: &impl ConnectionTrait, id: i32, now_ms: i64) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "UPDATE attempts SET last_seen_ms = ? WHERE id = ?",
        [now_ms.into(), id.into()],
    ))
    .await
    .map(|_| ())
}
