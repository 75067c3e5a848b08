//! Staff login, token refresh, own account, own password.

use super::client_ip;
use super::dto::{ChangePasswordRequest, LoginRequest, LoginResponse, UserDto};
use crate::auth::{Staff, repo, service};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpRequest, web};
use actix_web::{get, post};

/// Logs a staff member in.
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody),
              (status = 429, description = "too many failed logins", body = ErrorBody)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> AppResult<web::Json<LoginResponse>> {
    let ip = client_ip(&req);
    let l = service::login(&state.db, &state.staff, &body.username, &body.password, &ip).await?;
    Ok(web::Json(LoginResponse {
        token: l.token,
        expires_at: l.expires_at,
        user: l.user.into(),
    }))
}

/// Swaps a valid token for a fresh one (same account, new expiry), until the login reaches its
/// longest lifetime (`STAFF_SESSION_HOURS`); then 401 `session_too_old` and the user logs in again.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody)))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    staff: Staff,
) -> AppResult<web::Json<LoginResponse>> {
    let user = repo::find(&state.db, staff.id)
        .await?
        .ok_or_else(|| AppError::unauthorized("invalid_token", "the account no longer exists"))?;
    let l = service::refresh(&state.staff, user, staff.auth_time)?;
    Ok(web::Json(LoginResponse {
        token: l.token,
        expires_at: l.expires_at,
        user: l.user.into(),
    }))
}

/// The logged-in account.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserDto), (status = 401, body = ErrorBody)))]
#[get("/auth/me")]
pub async fn me(state: web::Data<AppState>, staff: Staff) -> AppResult<web::Json<UserDto>> {
    let user = repo::find(&state.db, staff.id)
        .await?
        .ok_or_else(|| AppError::unauthorized("invalid_token", "the account no longer exists"))?;
    Ok(web::Json(user.into()))
}

/// Changes one's own password (the current one is required). Every earlier token of the
/// account ends; the answer carries a fresh one, so this tab stays logged in.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<ChangePasswordRequest>,
) -> AppResult<web::Json<LoginResponse>> {
    let l = service::change_own_password(
        &state.db,
        &state.staff,
        &staff.actor(),
        &body.current_password,
        &body.new_password,
    )
    .await?;
    Ok(web::Json(LoginResponse {
        token: l.token,
        expires_at: l.expires_at,
        user: l.user.into(),
    }))
}

/// Registers the auth routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(me)
        .service(change_password);
}
