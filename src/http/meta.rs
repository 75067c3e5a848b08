//! Health and the OpenAPI document.

use super::dto::Health;
use crate::state::AppState;
use actix_web::get;
use actix_web::{HttpResponse, web};
use sea_orm::ConnectionTrait;

/// Answers whether the server and its database are up.
#[utoipa::path(tag = "meta",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
#[get("/health")]
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

/// The OpenAPI 3 document of this API, as the routes were registered.
pub async fn openapi(doc: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(&**doc)
}

/// Registers the health check and the document (which, as before, does not list itself).
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(health)
        .route("/openapi.json", web::get().to(openapi));
}
