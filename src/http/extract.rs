//! Request extractors for who is asking: [`Staff`] from a staff token, [`CandidateAuth`] from a
//! candidate token (the checks themselves live in `auth`).

use crate::auth::appellant::{AppellantAuth, appellant_from_token};
use crate::auth::candidate::{CandidateAuth, candidate_from_token};
use crate::auth::staff::{Staff, staff_from_token};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use std::future::Future;
use std::pin::Pin;

/// The bearer token of a request, if it has one.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequest for Staff {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Staff, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req).map(str::to_string);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal("app state missing"))?;
            let token = token.ok_or_else(|| {
                AppError::unauthorized(
                    ErrorCode::MissingToken,
                    "log in first: no bearer token was sent",
                )
            })?;
            staff_from_token(&state.db, &state.keys, &token).await
        })
    }
}

/// Checks the request's bearer token with the app's keys (no database read).
fn with_bearer<T>(
    req: &HttpRequest,
    check: impl FnOnce(&crate::auth::token::JwtKeys, &str) -> AppResult<T>,
) -> AppResult<T> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("app state missing"))?;
    let token = bearer(req).ok_or_else(|| {
        AppError::unauthorized(
            ErrorCode::MissingToken,
            "log in first: no bearer token was sent",
        )
    })?;
    check(&state.keys, token)
}

impl FromRequest for CandidateAuth {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    /// A valid candidate token. Nothing is read from the database here: whether the attempt is
    /// still open and the token's login is the newest is checked where it matters, in the
    /// save's own guarded statement or when the attempt is read.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(with_bearer(req, candidate_from_token))
    }
}

impl FromRequest for AppellantAuth {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    /// A valid appellant token; what it may see is checked by the appeals domain.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(with_bearer(req, appellant_from_token))
    }
}
