//! The staff member making a request: a valid staff token for an enabled account, re-read from
//! the database on every request so that disabling an account or changing roles takes effect at
//! once, and a token issued before the account's last password change, disable or role change is
//! refused.

use super::repo;
use super::role::{Role, Roles};
use super::token::JwtKeys;
use crate::audit::Actor;
use crate::error::AppError;
use sea_orm::DatabaseConnection;

/// The staff member making the request.
#[derive(Debug, Clone)]
pub struct Staff {
    /// User id.
    pub id: i32,
    /// Username.
    pub username: String,
    /// Current roles.
    pub roles: Roles,
    /// When this login proved who the user is (Unix seconds), carried on by refreshes.
    pub auth_time: i64,
}

impl Staff {
    /// Refuses with 403 unless the account has the role (admins have every role).
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.roles.allows(role) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "this needs the {} role",
                role.code()
            )))
        }
    }

    /// Refuses with 403 unless the account has one of the roles.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.iter().any(|r| self.roles.allows(*r)) {
            Ok(())
        } else {
            let names: Vec<_> = roles.iter().map(|r| r.code()).collect();
            Err(AppError::forbidden(format!(
                "this needs one of the roles: {}",
                names.join(", ")
            )))
        }
    }

    /// The staff member as the actor of an audited change.
    pub fn actor(&self) -> Actor {
        Actor {
            id: Some(self.id),
            name: self.username.clone(),
        }
    }
}

/// The staff member a token names, checked like the extractor does (signature, expiry,
/// audience, the account enabled now). For the few routes that cannot send a header
/// (Server-Sent Events from a browser's EventSource pass the token in the query).
pub async fn staff_from_token(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    token: &str,
) -> Result<Staff, AppError> {
    let claims = keys.verify_staff(token).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature => {
                AppError::unauthorized("token_expired", "the session has expired; log in again")
            }
            _ => AppError::unauthorized("invalid_token", "the token is not valid"),
        }
    })?;
    let id: i32 = claims
        .sub
        .parse()
        .map_err(|_| AppError::unauthorized("invalid_token", "the token is not valid"))?;
    let user = repo::find(db, id)
        .await?
        .ok_or_else(|| AppError::unauthorized("invalid_token", "the account no longer exists"))?;
    if user.disabled {
        return Err(AppError::unauthorized(
            "account_disabled",
            "this account has been disabled",
        ));
    }
    if claims.generation != user.token_generation {
        return Err(AppError::unauthorized(
            "token_revoked",
            "this login was ended by a change to the account (password, roles or access); log in again",
        ));
    }
    Ok(Staff {
        id: user.id,
        username: user.username,
        roles: Roles::from_stored(&user.roles),
        auth_time: claims.auth_time,
    })
}
