//! Database access for staff accounts and settings.

use super::entity::{self, Entity as Users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Statement,
};

/// A user by id.
pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<entity::Model>, DbErr> {
    Users::find_by_id(id).one(db).await
}

/// A user by username.
pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<entity::Model>, DbErr> {
    Users::find()
        .filter(entity::Column::Username.eq(username))
        .one(db)
        .await
}

/// Every user, by username.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<entity::Model>, DbErr> {
    Users::find()
        .order_by_asc(entity::Column::Username)
        .all(db)
        .await
}

/// How many users exist.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Users::find().count(db).await
}

/// Inserts a user.
pub async fn insert(
    db: &impl ConnectionTrait,
    username: &str,
    display_name: &str,
    password_hash: &str,
    roles: &str,
) -> Result<entity::Model, DbErr> {
    let now = chrono::Utc::now();
    entity::ActiveModel {
        username: Set(username.into()),
        display_name: Set(display_name.into()),
        password_hash: Set(password_hash.into()),
        roles: Set(roles.into()),
        disabled: Set(false),
        token_generation: Set(0),
        affiliation: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Saves changed fields of a user.
pub async fn update(
    db: &impl ConnectionTrait,
    mut model: entity::ActiveModel,
) -> Result<entity::Model, DbErr> {
    model.updated_at = Set(chrono::Utc::now());
    model.update(db).await
}

/// Ends every token issued to a user so far (moves the token generation on, in the database,
/// so two changes at once both count).
pub async fn end_tokens(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        crate::db::sql(
            db,
            "UPDATE users SET token_generation = token_generation + 1 WHERE id = ?",
        ),
        [id.into()],
    ))
    .await?;
    Ok(())
}

/// A setting's value.
pub async fn setting(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            crate::db::sql(db, "SELECT value FROM settings WHERE key = ?"),
            [key.into()],
        ))
        .await?;
    row.map(|r| r.try_get::<String>("", "value")).transpose()
}

/// Stores a setting unless it exists; returns the stored value (first writer wins, so
/// instances starting together agree).
pub async fn setting_or_insert(
    db: &impl ConnectionTrait,
    key: &str,
    value: &str,
) -> Result<String, DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        crate::db::sql(
            db,
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
        ),
        [key.into(), value.into()],
    ))
    .await?;
    Ok(setting(db, key).await?.unwrap_or_else(|| value.to_string()))
}
