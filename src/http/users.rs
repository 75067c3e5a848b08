//! Staff accounts (admins only), and the staff directory authors pick proctors from.

use super::dto::{CreateUserRequest, ResetPasswordRequest, UpdateUserRequest, UserDto};
use crate::auth::service::{self, UserChange, Username};
use crate::auth::{Role, Roles, Staff, repo};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use actix_web::{get, patch, post};

fn roles(list: Vec<Role>) -> AppResult<Roles> {
    Roles::new(list).ok_or_else(|| {
        AppError::unprocessable(
            ErrorCode::InvalidRoles,
            "an account needs at least one role",
        )
    })
}

/// Every staff account.
#[utoipa::path(operation_id = "list", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = [UserDto]), (status = 403, body = ErrorBody)))]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    staff: Staff,
) -> AppResult<web::Json<Vec<UserDto>>> {
    staff.require(Role::Admin)?;
    let users = repo::list(&state.db).await?;
    Ok(web::Json(users.into_iter().map(Into::into).collect()))
}

/// Creates a staff account.
#[utoipa::path(tag = "users", security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses((status = 201, body = UserDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<CreateUserRequest>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Admin)?;
    let body = body.into_inner();
    let user = service::create_user(
        &state.db,
        &staff.actor(),
        Username::parse(&body.username)?,
        &body.display_name,
        &body.password,
        roles(body.roles)?,
        &body.affiliation,
    )
    .await?;
    Ok(HttpResponse::Created().json(UserDto::from(user)))
}

/// Changes an account's name, roles or disabled flag.
#[utoipa::path(tag = "users", security(("bearer" = [])),
    params(("id" = i32, Path, description = "user id")), request_body = UpdateUserRequest,
    responses((status = 200, body = UserDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[patch("/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<UpdateUserRequest>,
) -> AppResult<web::Json<UserDto>> {
    staff.require(Role::Admin)?;
    let body = body.into_inner();
    let change = UserChange {
        display_name: body.display_name,
        roles: body.roles.map(roles).transpose()?,
        disabled: body.disabled,
        affiliation: body.affiliation,
    };
    let user = service::update_user(&state.db, &staff.actor(), *id, change).await?;
    Ok(web::Json(user.into()))
}

/// Sets a new password for an account; every token issued to it before stops working.
#[utoipa::path(tag = "users", security(("bearer" = [])),
    params(("id" = i32, Path, description = "user id")), request_body = ResetPasswordRequest,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/users/{id}/password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<ResetPasswordRequest>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Admin)?;
    service::set_password(&state.db, &staff.actor(), *id, &body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An active staff member as the proctor picker shows them.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct StaffEntry {
    /// Id.
    pub id: i32,
    /// Login name.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// Employer or school (conflicts of interest for judges).
    pub affiliation: String,
}

/// Active staff accounts with their roles (authors: to assign proctors by name).
#[utoipa::path(tag = "users", security(("bearer" = [])),
    responses((status = 200, body = [StaffEntry]), (status = 403, body = ErrorBody)))]
#[get("/staff")]
pub async fn directory(
    state: web::Data<AppState>,
    staff: Staff,
) -> AppResult<web::Json<Vec<StaffEntry>>> {
    staff.require(Role::Author)?;
    let users = repo::list(&state.db).await?;
    Ok(web::Json(
        users
            .into_iter()
            .filter(|u| !u.disabled)
            .map(|u| StaffEntry {
                id: u.id,
                roles: Roles::from_stored(&u.roles).as_slice().to_vec(),
                username: u.username,
                display_name: u.display_name,
                affiliation: u.affiliation,
            })
            .collect(),
    ))
}

/// Registers the users routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users)
        .service(create)
        .service(update)
        .service(reset_password)
        .service(directory);
}
