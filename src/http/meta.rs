//! Health and the OpenAPI document.

use super::dto::Health;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use sea_orm::ConnectionTrait;
use utoipa::OpenApi;

/// Answers whether the server and its database are up.
#[utoipa::path(get, path = "/api/health", tag = "meta",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let db_ok = state.db.execute_unprepared("SELECT 1").await.is_ok();
    let body = Health {
        status: if db_ok { "ok" } else { "database_unavailable" }.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: match state.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => "postgres",
            _ => "sqlite",
        }
        .into(),
    };
    if db_ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// The OpenAPI 3 document of this API.
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(super::ApiDoc::openapi())
}
