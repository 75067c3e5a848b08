//! Images used in stems: upload (authors) and serving (anyone: the hash is the name).

use super::dto::MediaDto;
use crate::auth::{Role, Staff};
use crate::bank::format::text::MEDIA_PREFIX;
use crate::bank::{repo, service};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use actix_web::{get, post};

/// Stores an image sent as the raw request body; returns the URL to use in stems.
#[utoipa::path(tag = "media", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = MediaDto), (status = 415, body = ErrorBody)))]
#[post("/media")]
pub async fn upload(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let (sha256, mime) = service::store_image(&state.db, &staff.actor(), body.to_vec()).await?;
    Ok(HttpResponse::Created().json(MediaDto {
        url: format!("{MEDIA_PREFIX}{sha256}"),
        sha256,
        mime,
    }))
}

/// Serves a stored image. Its content never changes, so it may be cached for good.
#[utoipa::path(tag = "media",
    params(("sha256" = String, Path)), responses((status = 200, description = "the image"), (status = 404, body = ErrorBody)))]
#[get("/media/{sha256}")]
pub async fn get(state: web::Data<AppState>, sha: web::Path<String>) -> AppResult<HttpResponse> {
    let sha = sha
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let m = if sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        repo::media(&state.db, &sha).await?
    } else {
        None
    };
    let m = m.ok_or_else(|| AppError::not_found("media_not_found", "no such image"))?;
    Ok(HttpResponse::Ok()
        .content_type(m.mime)
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        // An imported SVG could carry script; served inert, it cannot run in our origin.
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ))
        .body(m.data))
}

/// Registers the media routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(upload).service(get);
}
