//! Staff account rules: logging in, the first admin, creating and changing accounts.

use super::entity;
use super::limiter::LoginGuard;
use super::password::{self, NewPassword};
use super::repo;
use super::role::Roles;
use super::token::JwtKeys;
use super::token::{StaffClaims, StaffGrant};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use sea_orm::{ActiveValue::Set, DatabaseConnection, IntoActiveModel};
use serde_json::json;
use std::sync::Arc;

/// A login name: 3–32 characters of a–z, 0–9, `.`, `_`, `-`; stored lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// Checks and lowercases a proposed name.
    pub fn parse(s: &str) -> Result<Username, AppError> {
        let s = s.trim().to_ascii_lowercase();
        let ok = (3..=32).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if ok {
            Ok(Username(s))
        } else {
            Err(AppError::unprocessable(
                ErrorCode::InvalidUsername,
                "a username has 3–32 characters: letters a–z, digits, '.', '_' or '-'",
            ))
        }
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What staff logins need at run time: the signing keys, the login limits, and how long a token
/// and a whole login last.
pub struct StaffLogins {
    /// The token signing keys (shared with candidate tokens).
    pub keys: Arc<JwtKeys>,
    /// Failed-login limits per account and address.
    pub limiter: LoginGuard,
    /// Minutes a token lasts before it must be refreshed.
    pub token_minutes: i64,
    /// Seconds a login lasts at most, refreshes included.
    pub session_seconds: i64,
}

/// A successful login.
pub struct LoggedIn {
    /// The bearer token.
    pub token: String,
    /// When it expires (Unix seconds).
    pub expires_at: i64,
    /// The account.
    pub user: entity::Model,
}

async fn hash(p: NewPassword) -> AppResult<String> {
    tokio::task::spawn_blocking(move || password::hash(&p))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

async fn verify(p: String, stored: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || password::verify(&p, &stored))
        .await
        .map_err(AppError::internal)
}

/// Whether `password` is the account's current password: a logged-in user proving who they are
/// again before a sensitive change (a correction after a practical task is locked). A missing or
/// disabled account never matches.
pub async fn password_matches(
    db: &impl sea_orm::ConnectionTrait,
    id: i32,
    password: &str,
) -> AppResult<bool> {
    let (stored, usable) = match repo::find(db, id).await? {
        Some(u) if !u.disabled => (u.password_hash, true),
        _ => (password::dummy_hash().to_string(), false),
    };
    Ok(verify(password.to_string(), stored).await? && usable)
}

fn bad_password(msg: &'static str) -> AppError {
    AppError::unprocessable(ErrorCode::WeakPassword, msg)
}

/// Issues a token for an account at its current token generation, for a login that proved
/// who the user is at `auth_time` (Unix seconds).
pub fn issue(logins: &StaffLogins, user: entity::Model, auth_time: i64) -> AppResult<LoggedIn> {
    let roles = Roles::from_stored(&user.roles);
    let claims = StaffClaims::new(
        user.id,
        &user.username,
        &roles,
        StaffGrant {
            generation: user.token_generation,
            auth_time,
            minutes: logins.token_minutes,
            max_session_seconds: logins.session_seconds,
        },
    );
    let token = logins
        .keys
        .sign_staff(&claims)
        .map_err(AppError::internal)?;
    Ok(LoggedIn {
        token,
        expires_at: claims.exp,
        user,
    })
}

/// A fresh token for a login that proved who the user is at `auth_time`, unless the login has
/// reached its longest lifetime.
pub fn refresh(logins: &StaffLogins, user: entity::Model, auth_time: i64) -> AppResult<LoggedIn> {
    let age = chrono::Utc::now().timestamp().saturating_sub(auth_time);
    if age >= logins.session_seconds {
        return Err(AppError::unauthorized(
            ErrorCode::SessionTooOld,
            "this login has reached the longest time a login lasts; log in again",
        ));
    }
    issue(logins, user, auth_time)
}

/// Checks a username and password. Failures make that account wait from that address only
/// (see [`super::limiter`]), so a wrong password from elsewhere never locks the real user
/// out; a wrong name and a wrong password look the same.
pub async fn login(
    db: &DatabaseConnection,
    logins: &StaffLogins,
    username: &str,
    pass: &str,
    client: &str,
) -> AppResult<LoggedIn> {
    // A name that cannot exist is refused before anything is counted (it says nothing about
    // which accounts exist, and it keeps limiter keys short).
    let name = Username::parse(username)?;
    let who = format!("user:{}", name.as_str());
    if let Err(wait) = logins.limiter.begin(&who, client) {
        return Err(AppError::too_many(
            format!(
                "too many failed logins for this account from this address; try again in {} seconds",
                wait.seconds()
            ),
            wait.seconds(),
        ));
    }
    let user = repo::find_by_username(db, name.as_str()).await?;
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_string());
    let ok = verify(pass.to_string(), stored).await? && user.is_some();
    match user {
        Some(u) if ok && !u.disabled => {
            logins.limiter.succeeded(&who, client);
            issue(logins, u, chrono::Utc::now().timestamp())
        }
        Some(u) if ok && u.disabled => Err(AppError::forbidden("this account is disabled")),
        _ => {
            tokio::time::sleep(logins.limiter.failed(client)).await;
            Err(AppError::unauthorized(
                ErrorCode::InvalidCredentials,
                "wrong username or password",
            ))
        }
    }
}

/// On first start, creates `admin` with `ADMIN_PASSWORD` or a random password. Returns the
/// password when it was generated, so the caller can print it once.
pub async fn ensure_admin(
    db: &DatabaseConnection,
    configured: Option<&str>,
) -> AppResult<Option<String>> {
    if repo::count(db).await? > 0 {
        return Ok(None);
    }
    let (pw, generated) = match configured {
        Some(p) => (
            NewPassword::parse(p).map_err(|e| {
                AppError::internal(format!("ADMIN_PASSWORD is not acceptable: {e}"))
            })?,
            false,
        ),
        None => (NewPassword::random(), true),
    };
    let hashed = hash(pw.clone()).await?;
    let txn = crate::db::begin_write(db).await?;
    let user = repo::insert(&txn, "admin", "Administrator", &hashed, "admin").await?;
    audit::record(
        &txn,
        &Actor::system(),
        "user.create",
        "user",
        &user.id.to_string(),
        json!({"username": "admin", "roles": ["admin"], "first_start": true}),
    )
    .await?;
    txn.commit().await?;
    Ok(generated.then(|| pw.expose().to_string()))
}

/// Creates a staff account.
pub async fn create_user(
    db: &DatabaseConnection,
    actor: &Actor,
    username: Username,
    display_name: &str,
    pass: &str,
    roles: Roles,
    affiliation: &str,
) -> AppResult<entity::Model> {
    let pw = NewPassword::parse(pass).map_err(bad_password)?;
    let affiliation = parse_affiliation(affiliation)?;
    if repo::find_by_username(db, username.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::conflict(
            ErrorCode::UsernameTaken,
            format!("the username {} is taken", username.as_str()),
        ));
    }
    let display = display_name.trim();
    let display = if display.is_empty() {
        username.as_str()
    } else {
        display
    };
    let hashed = hash(pw).await?;
    let txn = crate::db::begin_write(db).await?;
    let mut user = repo::insert(
        &txn,
        username.as_str(),
        display,
        &hashed,
        &roles.to_stored(),
    )
    .await?;
    if !affiliation.is_empty() {
        let mut am = user.into_active_model();
        am.affiliation = Set(affiliation.clone());
        user = repo::update(&txn, am).await?;
    }
    audit::record(
        &txn,
        actor,
        "user.create",
        "user",
        &user.id.to_string(),
        json!({"username": user.username, "roles": roles, "affiliation": affiliation}),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// Longest employer or school name an account may carry.
pub const MAX_AFFILIATION: usize = 200;

fn parse_affiliation(a: &str) -> AppResult<String> {
    let a = a.trim();
    if a.chars().count() > MAX_AFFILIATION {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidField,
            format!("an affiliation has at most {MAX_AFFILIATION} characters"),
        )
        .with_zh(format!("工作单位或学校最多 {MAX_AFFILIATION} 个字")));
    }
    Ok(a.to_string())
}

/// Changes to an account; `None` leaves a field as it is.
pub struct UserChange {
    /// New display name.
    pub display_name: Option<String>,
    /// New roles.
    pub roles: Option<Roles>,
    /// New employer or school (for conflicts of interest).
    pub affiliation: Option<String>,
    /// Disable or enable.
    pub disabled: Option<bool>,
}

/// Applies a change to an account. An admin cannot disable or demote themself, so the platform
/// never loses its last way in by accident.
pub async fn update_user(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    change: UserChange,
) -> AppResult<entity::Model> {
    let txn = crate::db::begin_write(db).await?;
    let user = repo::find(&txn, id)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::UserNotFound, format!("no user {id}")))?;
    if actor.id == Some(id) {
        if change.disabled == Some(true) {
            return Err(AppError::conflict(
                ErrorCode::CannotDisableSelf,
                "you cannot disable your own account",
            ));
        }
        if let Some(r) = &change.roles
            && !r.allows(super::Role::Admin)
        {
            return Err(AppError::conflict(
                ErrorCode::CannotDemoteSelf,
                "you cannot remove the admin role from your own account",
            ));
        }
    }
    let mut detail = serde_json::Map::new();
    let mut am = user.clone().into_active_model();
    if let Some(d) = change.display_name {
        let d = d.trim().to_string();
        if d.is_empty() {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidDisplayName,
                "the display name cannot be empty",
            ));
        }
        detail.insert("display_name".into(), json!(d));
        am.display_name = Set(d);
    }
    if let Some(a) = change.affiliation {
        let a = parse_affiliation(&a)?;
        detail.insert("affiliation".into(), json!(a));
        am.affiliation = Set(a);
    }
    // A role change or a disable (or re-enable) ends the tokens issued before it: a token
    // must never carry more than the account was granted when it was issued.
    let mut end_tokens = false;
    if let Some(r) = change.roles {
        detail.insert("roles".into(), json!(r));
        detail.insert("previous_roles".into(), json!(user.roles));
        end_tokens |= r.to_stored() != user.roles;
        am.roles = Set(r.to_stored());
    }
    if let Some(dis) = change.disabled {
        detail.insert("disabled".into(), json!(dis));
        end_tokens |= dis != user.disabled;
        am.disabled = Set(dis);
    }
    if end_tokens {
        detail.insert("tokens_ended".into(), json!(true));
    }
    let mut user = repo::update(&txn, am).await?;
    if end_tokens {
        repo::end_tokens(&txn, id).await?;
        user.token_generation += 1;
    }
    audit::record(
        &txn,
        actor,
        "user.update",
        "user",
        &id.to_string(),
        serde_json::Value::Object(detail),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// Sets a new password for an account (an admin's reset, or the owner's change) and ends every
/// token issued to it before; returns the account as changed.
pub async fn set_password(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    pass: &str,
) -> AppResult<entity::Model> {
    let pw = NewPassword::parse(pass).map_err(bad_password)?;
    let hashed = hash(pw).await?;
    let txn = crate::db::begin_write(db).await?;
    let user = repo::find(&txn, id)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::UserNotFound, format!("no user {id}")))?;
    let mut am = user.into_active_model();
    am.password_hash = Set(hashed);
    repo::update(&txn, am).await?;
    repo::end_tokens(&txn, id).await?;
    let action = if actor.id == Some(id) {
        "user.change_password"
    } else {
        "user.reset_password"
    };
    audit::record(
        &txn,
        actor,
        action,
        "user",
        &id.to_string(),
        json!({"tokens_ended": true}),
    )
    .await?;
    let user = repo::find(&txn, id)
        .await?
        .ok_or_else(|| AppError::internal("user vanished"))?;
    txn.commit().await?;
    Ok(user)
}

/// Checks the current password before the owner changes it. Every earlier token of the account
/// ends (a stolen one included); the owner gets a fresh one, so they stay logged in here.
pub async fn change_own_password(
    db: &DatabaseConnection,
    logins: &StaffLogins,
    actor: &Actor,
    current: &str,
    new: &str,
) -> AppResult<LoggedIn> {
    let id = actor
        .id
        .ok_or_else(|| AppError::forbidden("only a user has a password"))?;
    let user = repo::find(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::UserNotFound, "no such user"))?;
    if !verify(current.to_string(), user.password_hash).await? {
        return Err(AppError::unauthorized(
            ErrorCode::InvalidCredentials,
            "the current password is wrong",
        ));
    }
    let user = set_password(db, actor, id, new).await?;
    issue(logins, user, chrono::Utc::now().timestamp())
}
