//! Database access for exams, the question pool their blueprints draw from, sessions, rooms
//! and candidates.

use super::blueprint::{PoolItem, PoolMeasure};
use super::entity::exam as entity;
use super::entity::{candidate, room, session};
use crate::bank::model::QuestionKind;
use crate::db::stmt;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// The active questions of the named banks, as a blueprint sees them: current version id,
/// bank, category path, kind, author difficulty and option count.
pub async fn pool(db: &impl ConnectionTrait, banks: &[String]) -> Result<Vec<PoolItem>, DbErr> {
    if banks.is_empty() {
        return Ok(vec![]);
    }
    let option_count = match db.get_database_backend() {
        DbBackend::Postgres => "COALESCE(json_array_length((v.body::json)->'options'), 0)",
        _ => "COALESCE(json_array_length(v.body, '$.options'), 0)",
    };
    let marks = crate::db::placeholders(banks.len());
    let sql = format!(
        "SELECT q.id AS question_id, v.id AS version_id, b.code AS bank, \
         COALESCE(c.path, '') AS category, q.kind AS kind, q.difficulty AS difficulty, \
         CAST({option_count} AS BIGINT) AS option_count \
         FROM questions q JOIN banks b ON b.id = q.bank_id \
         JOIN question_versions v ON v.question_id = q.id AND v.version = q.version \
         LEFT JOIN categories c ON c.id = q.category_id \
         WHERE q.status = 'active' AND b.code IN ({marks}) ORDER BY q.id"
    );
    let rows = db
        .query_all_raw(stmt(db, &sql, banks.iter().map(|b| b.clone().into())))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let kind: String = r.try_get("", "kind")?;
        let Some(kind) = QuestionKind::parse(&kind) else {
            continue;
        };
        let difficulty: i16 = r.try_get("", "difficulty")?;
        let options: i64 = r.try_get("", "option_count")?;
        out.push(PoolItem {
            version_id: r.try_get("", "version_id")?,
            question_id: r.try_get("", "question_id")?,
            bank: r.try_get("", "bank")?,
            category: r.try_get("", "category")?,
            kind,
            difficulty: f64::from(difficulty),
            option_count: usize::try_from(options).unwrap_or(0),
            measured: None,
            exposure: 0,
        });
    }
    Ok(out)
}

/// Days since 1970-01-01 (UTC) of a time: the unit exposure is counted in.
pub fn exposure_day(t: chrono::DateTime<chrono::Utc>) -> i32 {
    t.timestamp().div_euclid(86_400) as i32
}

/// Fills in what the draw weighs beyond the author's rating: each version's measured figures
/// ([`crate::analytics::store::measured`]) and each question's papers from day `since_day`
/// (inclusive) on. Called when a session's pool is frozen, so the snapshot holds them.
pub async fn annotate_pool(
    db: &impl ConnectionTrait,
    pool: &mut [PoolItem],
    since_day: i32,
) -> Result<(), DbErr> {
    let versions: Vec<i32> = pool.iter().map(|p| p.version_id).collect();
    let measured = crate::analytics::store::measured(db, &versions).await?;
    let exposure = exposure_since(db, since_day).await?;
    for p in pool.iter_mut() {
        p.measured = measured.get(&p.version_id).map(|m| PoolMeasure {
            responses: m.responses,
            facility: m.facility,
            rasch_b: m.rasch.map(|(b, _)| b),
            rasch_se: m.rasch.map(|(_, se)| se),
        });
        p.exposure = exposure.get(&p.question_id).copied().unwrap_or(0);
    }
    Ok(())
}

/// Papers per question from day `since_day` (inclusive) on.
pub async fn exposure_since(
    db: &impl ConnectionTrait,
    since_day: i32,
) -> Result<HashMap<i32, u32>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT question_id, CAST(SUM(papers) AS BIGINT) AS papers FROM question_exposure \
             WHERE day >= ? GROUP BY question_id",
            [since_day.into()],
        ))
        .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let papers: i64 = r.try_get("", "papers")?;
        out.insert(
            r.try_get("", "question_id")?,
            u32::try_from(papers).unwrap_or(u32::MAX),
        );
    }
    Ok(out)
}

/// Counts one paper holding `question_ids` on `day`: one statement whatever the paper's length
/// (a login burst writes one row set per paper, not a statement per question). Ids are sorted
/// so concurrent PostgreSQL transactions lock shared rows in the same order and never deadlock.
pub async fn count_exposure(
    db: &impl ConnectionTrait,
    question_ids: &[i32],
    day: i32,
) -> Result<(), DbErr> {
    let mut ids = question_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let rows = vec!["(?, ?, 1)"; ids.len()].join(", ");
    let sql = format!(
        "INSERT INTO question_exposure (question_id, day, papers) VALUES {rows} \
         ON CONFLICT (question_id, day) DO UPDATE SET papers = question_exposure.papers + 1"
    );
    let values = ids.into_iter().flat_map(|q| [q.into(), day.into()]);
    db.execute_raw(stmt(db, &sql, values)).await?;
    Ok(())
}

/// Inserts an exam.
pub async fn insert(
    db: &impl ConnectionTrait,
    name: &str,
    definition: &str,
    created_by: Option<i32>,
) -> Result<entity::Model, DbErr> {
    let now = chrono::Utc::now();
    entity::ActiveModel {
        name: Set(name.into()),
        definition: Set(definition.into()),
        version: Set(1),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Replaces an exam's definition, one version up.
pub async fn update(
    db: &impl ConnectionTrait,
    current: &entity::Model,
    name: &str,
    definition: &str,
) -> Result<entity::Model, DbErr> {
    entity::ActiveModel {
        id: Set(current.id),
        name: Set(name.into()),
        definition: Set(definition.into()),
        version: Set(current.version + 1),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await
}

/// An exam by id.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<entity::Model>, DbErr> {
    entity::Entity::find_by_id(id).one(db).await
}

/// Every exam, newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<entity::Model>, DbErr> {
    entity::Entity::find()
        .order_by_desc(entity::Column::Id)
        .all(db)
        .await
}

/// Inserts a session with its rooms.
pub async fn insert_session(
    db: &impl ConnectionTrait,
    s: session::ActiveModel,
    rooms: Vec<(String, i32, String)>,
) -> Result<(session::Model, Vec<room::Model>), DbErr> {
    let s = s.insert(db).await?;
    let mut out = Vec::with_capacity(rooms.len());
    for (name, seats, proctors) in rooms {
        out.push(
            room::ActiveModel {
                session_id: Set(s.id),
                name: Set(name),
                seats: Set(seats),
                proctors: Set(proctors),
                ..Default::default()
            }
            .insert(db)
            .await?,
        );
    }
    Ok((s, out))
}

/// A session by id.
pub async fn session(db: &impl ConnectionTrait, id: i32) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find_by_id(id).one(db).await
}

/// Every session, newest first.
pub async fn sessions(db: &impl ConnectionTrait) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .order_by_desc(session::Column::Id)
        .all(db)
        .await
}

/// A session's rooms in order.
pub async fn rooms(db: &impl ConnectionTrait, session_id: i32) -> Result<Vec<room::Model>, DbErr> {
    room::Entity::find()
        .filter(room::Column::SessionId.eq(session_id))
        .order_by_asc(room::Column::Id)
        .all(db)
        .await
}

/// A session's candidates by room and seat.
pub async fn candidates(
    db: &impl ConnectionTrait,
    session_id: i32,
) -> Result<Vec<candidate::Model>, DbErr> {
    candidate::Entity::find()
        .filter(candidate::Column::SessionId.eq(session_id))
        .order_by_asc(candidate::Column::RoomId)
        .order_by_asc(candidate::Column::Seat)
        .all(db)
        .await
}

/// Candidates of any session with this ticket or this ID number (as stored), newest first.
pub async fn candidates_by_ticket_or_id(
    db: &impl ConnectionTrait,
    ticket: Option<&str>,
    id_number: Option<&str>,
) -> Result<Vec<candidate::Model>, DbErr> {
    let mut any = sea_orm::Condition::any();
    if let Some(t) = ticket {
        any = any.add(candidate::Column::Ticket.eq(t));
    }
    if let Some(i) = id_number {
        any = any.add(candidate::Column::IdNumber.eq(i));
    }
    if ticket.is_none() && id_number.is_none() {
        return Ok(vec![]);
    }
    candidate::Entity::find()
        .filter(any)
        .order_by_desc(candidate::Column::Id)
        .all(db)
        .await
}

/// Inserts candidates.
pub async fn insert_candidates(
    db: &impl ConnectionTrait,
    rows: Vec<candidate::ActiveModel>,
) -> Result<(), DbErr> {
    for chunk in rows.chunks(500) {
        candidate::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
