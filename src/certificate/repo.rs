//! Database access for certificate types, certificates, counters and each session's
//! certificate type.

use super::entity::{certificate, certificate_type};
use crate::certificate::status::Status;
use crate::db::stmt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Every certificate type, by code.
pub async fn types(db: &impl ConnectionTrait) -> Result<Vec<certificate_type::Model>, DbErr> {
    certificate_type::Entity::find()
        .order_by_asc(certificate_type::Column::Code)
        .all(db)
        .await
}

/// A certificate type by id.
pub async fn type_by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<certificate_type::Model>, DbErr> {
    certificate_type::Entity::find_by_id(id).one(db).await
}

/// Raises a named counter by one and returns the new value (1 for a new counter). Inside a
/// transaction this also serializes concurrent issuers on the counter's row.
pub async fn bump(db: &impl ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(stmt(
            db,
            "INSERT INTO certificate_counters (name, value) VALUES (?, 1) \
             ON CONFLICT (name) DO UPDATE SET value = certificate_counters.value + 1 \
             RETURNING value",
            [name.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("counter returned no row".into()))?;
    row.try_get::<i64>("", "value")
}

/// The current value of a counter (0 if it was never raised).
pub async fn counter(db: &impl ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT value FROM certificate_counters WHERE name = ?",
            [name.into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<i64>("", "value")?,
        None => 0,
    })
}

/// The certificate type set for a session, if any.
pub async fn session_type(
    db: &impl ConnectionTrait,
    session_id: i32,
) -> Result<Option<i32>, DbErr> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT certificate_type_id FROM exam_sessions WHERE id = ?",
            [session_id.into()],
        ))
        .await?;
    match row {
        Some(r) => r.try_get::<Option<i32>>("", "certificate_type_id"),
        None => Ok(None),
    }
}

/// Sets (or clears) a session's certificate type.
pub async fn set_session_type(
    db: &impl ConnectionTrait,
    session_id: i32,
    type_id: Option<i32>,
) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "UPDATE exam_sessions SET certificate_type_id = ? WHERE id = ?",
        [type_id.into(), session_id.into()],
    ))
    .await
    .map(|_| ())
}

/// A certificate by id.
pub async fn by_id(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find_by_id(id).one(db).await
}

/// A certificate by number.
pub async fn by_number(
    db: &impl ConnectionTrait,
    number: &str,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number))
        .one(db)
        .await
}

/// The certificates of a session, by number.
pub async fn of_session(
    db: &impl ConnectionTrait,
    session_id: i32,
) -> Result<Vec<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::SessionId.eq(session_id))
        .order_by_asc(certificate::Column::Number)
        .all(db)
        .await
}

/// Certificates for the staff list: of one session and/or one status when given, newest
/// first, at most `limit`.
pub async fn search(
    db: &impl ConnectionTrait,
    session_id: Option<i32>,
    status: Option<Status>,
    limit: u64,
) -> Result<Vec<certificate::Model>, DbErr> {
    let mut q = certificate::Entity::find();
    if let Some(id) = session_id {
        q = q.filter(certificate::Column::SessionId.eq(id));
    }
    if let Some(st) = status {
        q = q.filter(certificate::Column::Status.eq(st));
    }
    q.order_by_desc(certificate::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The issue keys already used in a session.
pub async fn issue_keys(db: &impl ConnectionTrait, session_id: i32) -> Result<Vec<String>, DbErr> {
    certificate::Entity::find()
        .select_only()
        .column(certificate::Column::IssueKey)
        .filter(certificate::Column::SessionId.eq(session_id))
        .into_tuple::<String>()
        .all(db)
        .await
}

/// A candidate's certificates, newest first.
pub async fn of_candidate(
    db: &impl ConnectionTrait,
    candidate_id: i32,
) -> Result<Vec<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::CandidateId.eq(candidate_id))
        .order_by_desc(certificate::Column::Id)
        .all(db)
        .await
}

/// Every certificate's status index and status, for the status list.
pub async fn statuses(db: &impl ConnectionTrait) -> Result<Vec<(i64, Status)>, DbErr> {
    certificate::Entity::find()
        .select_only()
        .column(certificate::Column::StatusIndex)
        .column(certificate::Column::Status)
        .into_tuple::<(i64, Status)>()
        .all(db)
        .await
}

/// How many certificates use a type.
pub async fn count_of_type(db: &impl ConnectionTrait, type_id: i32) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    certificate::Entity::find()
        .filter(certificate::Column::TypeId.eq(type_id))
        .count(db)
        .await
}
