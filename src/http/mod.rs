//! HTTP wiring: routes, extractor limits and error shapes, the OpenAPI document. Handlers are
//! thin: extract, call the domain, map to a DTO.

pub mod attempts;
pub mod audit;
pub mod auth;
pub mod banks;
pub mod certificates;
pub mod dto;
pub mod edge;
pub mod exams;
pub mod extract;
pub mod frontend;
pub mod media;
pub mod meta;
pub mod proctor;
pub mod questions;
pub mod results;
pub mod sessions;
pub mod users;

use crate::error::AppError;
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The OpenAPI description of every route.
#[derive(OpenApi)]
#[openapi(
    info(title = "Exam platform API", description = "Question banks, exams, proctoring, competitions and certificates."),
    paths(
        meta::health,
        auth::login, auth::refresh, auth::me, auth::change_password,
        users::list, users::create, users::update, users::reset_password,
        banks::list, banks::create, banks::get, banks::update, banks::categories, banks::import, banks::export,
        questions::search, questions::create, questions::get, questions::update, questions::set_status,
        questions::versions, questions::version,
        media::upload, media::get,
        audit::list,
        exams::check, exams::create, exams::list, exams::get, exams::update,
        sessions::create, sessions::list, sessions::get, sessions::add_candidate,
        sessions::import_roster, sessions::candidates,
        attempts::login, attempts::retake, attempts::paper, attempts::save, attempts::get,
        attempts::submit, attempts::audit, attempts::pause, attempts::resume, attempts::extend, attempts::events,
        results::list, results::release, results::queue, results::mark,
        proctor::room, proctor::live, proctor::attempt_live, proctor::pause_room, proctor::resume_room,
        proctor::extend_room, proctor::force_submit, proctor::terminate, proctor::release_device,
        proctor::check_in, proctor::unlock_login, proctor::add_incident, proctor::incidents, proctor::close_incident, proctor::report,
        certificates::list_types, certificates::create_type, certificates::get_type, certificates::update_type,
        certificates::set_session_type, certificates::issue, certificates::of_session, certificates::find,
        certificates::get, certificates::pdf, certificates::revoke, certificates::suspend, certificates::reinstate,
        certificates::reissue, certificates::mine, certificates::my_pdf, certificates::list_keys,
        certificates::rotate_key, certificates::revoke_key, certificates::published_keys, certificates::status_list,
        certificates::verify_json, certificates::verify_text, certificates::lookup_json,
    ),
    components(schemas(crate::error::ErrorBody, crate::bank::model::QuestionBody, crate::bank::import::OnConflict)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The client's address, for rate limiting.
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Registers every route and the extractor configs that turn bad input into clear 4xx errors.
pub fn configure(max_upload: usize) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(
            web::JsonConfig::default()
                .limit(edge::JSON_LIMIT)
                .error_handler(|err, _| {
                    use actix_web::error::JsonPayloadError as E;
                    let e = match &err {
                        E::OverflowKnownLength { .. } | E::Overflow { .. } => AppError::new(
                            actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                            "payload_too_large",
                            "the JSON body is too large",
                        ),
                        E::ContentType => AppError::new(
                            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                            "unsupported_media_type",
                            "send the body as application/json",
                        ),
                        E::Deserialize(d) if d.is_data() => {
                            AppError::unprocessable("invalid_body", d.to_string())
                        }
                        _ => AppError::bad_request("malformed_json", err.to_string()),
                    };
                    e.into()
                }),
        )
        .app_data(web::PayloadConfig::default().limit(max_upload))
        .app_data(
            web::QueryConfig::default().error_handler(|err, _| {
                AppError::bad_request("invalid_query", err.to_string()).into()
            }),
        )
        .app_data(web::PathConfig::default().error_handler(|err, _| {
            AppError::not_found("not_found", format!("no such resource: {err}")).into()
        }))
        .configure(certificates::configure_public)
        .service(
            web::scope("/api")
                .route("/health", web::get().to(meta::health))
                .route("/openapi.json", web::get().to(meta::openapi))
                .route("/auth/login", web::post().to(auth::login))
                .route("/auth/refresh", web::post().to(auth::refresh))
                .route("/auth/me", web::get().to(auth::me))
                .route("/auth/password", web::post().to(auth::change_password))
                .route("/users", web::get().to(users::list))
                .route("/users", web::post().to(users::create))
                .route("/users/{id}", web::patch().to(users::update))
                .route(
                    "/users/{id}/password",
                    web::post().to(users::reset_password),
                )
                .route("/banks", web::get().to(banks::list))
                .route("/banks", web::post().to(banks::create))
                .route("/banks/{code}", web::get().to(banks::get))
                .route("/banks/{code}", web::patch().to(banks::update))
                .route("/banks/{code}/categories", web::get().to(banks::categories))
                .route("/banks/{code}/import", web::post().to(banks::import))
                .route("/banks/{code}/export", web::get().to(banks::export))
                .route("/banks/{code}/questions", web::post().to(questions::create))
                .route("/questions", web::get().to(questions::search))
                .route("/questions/{id}", web::get().to(questions::get))
                .route("/questions/{id}", web::put().to(questions::update))
                .route(
                    "/questions/{id}/status",
                    web::post().to(questions::set_status),
                )
                .route(
                    "/questions/{id}/versions",
                    web::get().to(questions::versions),
                )
                .route(
                    "/questions/{id}/versions/{version}",
                    web::get().to(questions::version),
                )
                .route("/media", web::post().to(media::upload))
                .route("/media/{sha256}", web::get().to(media::get))
                .route("/audit", web::get().to(audit::list))
                .route("/exams/check", web::post().to(exams::check))
                .route("/exams", web::get().to(exams::list))
                .route("/exams", web::post().to(exams::create))
                .route("/exams/{id}", web::get().to(exams::get))
                .route("/exams/{id}", web::put().to(exams::update))
                .route("/sessions", web::get().to(sessions::list))
                .route("/sessions", web::post().to(sessions::create))
                .route("/sessions/{id}", web::get().to(sessions::get))
                .route(
                    "/sessions/{id}/candidates",
                    web::get().to(sessions::candidates),
                )
                .route(
                    "/sessions/{id}/candidates",
                    web::post().to(sessions::add_candidate),
                )
                .route(
                    "/sessions/{id}/roster",
                    web::post().to(sessions::import_roster),
                )
                .route("/sessions/{id}/results", web::get().to(results::list))
                .route("/sessions/{id}/release", web::post().to(results::release))
                .route("/sessions/{id}/marking", web::get().to(results::queue))
                .route("/marks/{id}", web::put().to(results::mark))
                .route(
                    "/certificate-types",
                    web::get().to(certificates::list_types),
                )
                .route(
                    "/certificate-types",
                    web::post().to(certificates::create_type),
                )
                .route(
                    "/certificate-types/{id}",
                    web::get().to(certificates::get_type),
                )
                .route(
                    "/certificate-types/{id}",
                    web::put().to(certificates::update_type),
                )
                .route(
                    "/sessions/{id}/certificate-type",
                    web::put().to(certificates::set_session_type),
                )
                .route(
                    "/sessions/{id}/certificates",
                    web::post().to(certificates::issue),
                )
                .route(
                    "/sessions/{id}/certificates",
                    web::get().to(certificates::of_session),
                )
                .route("/certificates", web::get().to(certificates::find))
                .route("/certificates/{id}", web::get().to(certificates::get))
                .route("/certificates/{id}/pdf", web::get().to(certificates::pdf))
                .route(
                    "/certificates/{id}/revoke",
                    web::post().to(certificates::revoke),
                )
                .route(
                    "/certificates/{id}/suspend",
                    web::post().to(certificates::suspend),
                )
                .route(
                    "/certificates/{id}/reinstate",
                    web::post().to(certificates::reinstate),
                )
                .route(
                    "/certificates/{id}/reissue",
                    web::post().to(certificates::reissue),
                )
                .route("/candidate/certificate", web::get().to(certificates::mine))
                .route(
                    "/candidate/certificate/pdf",
                    web::get().to(certificates::my_pdf),
                )
                .route("/certificate-keys", web::get().to(certificates::list_keys))
                .route(
                    "/certificate-keys/rotate",
                    web::post().to(certificates::rotate_key),
                )
                .route(
                    "/certificate-keys/{id}/revoke",
                    web::post().to(certificates::revoke_key),
                )
                .route("/verify", web::post().to(certificates::verify_text))
                .route("/verify/lookup", web::post().to(certificates::lookup_json))
                .route(
                    "/verify/{payload}",
                    web::get().to(certificates::verify_json),
                )
                .route("/candidate/login", web::post().to(attempts::login))
                .route("/candidate/retake", web::post().to(attempts::retake))
                .route("/attempts/{id}", web::get().to(attempts::get))
                .route("/attempts/{id}/paper", web::get().to(attempts::paper))
                .route(
                    "/attempts/{id}/answers/{question_id}",
                    web::put().to(attempts::save),
                )
                .route("/attempts/{id}/submit", web::post().to(attempts::submit))
                .route("/attempts/{id}/audit", web::get().to(attempts::audit))
                .route("/attempts/{id}/events", web::post().to(attempts::events))
                .route("/attempts/{id}/live", web::get().to(proctor::attempt_live))
                .route(
                    "/attempts/{id}/force-submit",
                    web::post().to(proctor::force_submit),
                )
                .route(
                    "/attempts/{id}/terminate",
                    web::post().to(proctor::terminate),
                )
                .route(
                    "/attempts/{id}/release-device",
                    web::post().to(proctor::release_device),
                )
                .route("/sessions/{id}/room", web::get().to(proctor::room))
                .route("/sessions/{id}/live", web::get().to(proctor::live))
                .route("/sessions/{id}/pause", web::post().to(proctor::pause_room))
                .route(
                    "/sessions/{id}/resume",
                    web::post().to(proctor::resume_room),
                )
                .route(
                    "/sessions/{id}/extend",
                    web::post().to(proctor::extend_room),
                )
                .route(
                    "/sessions/{id}/candidates/{candidate_id}/check-in",
                    web::post().to(proctor::check_in),
                )
                .route(
                    "/sessions/{id}/candidates/{candidate_id}/unlock",
                    web::post().to(proctor::unlock_login),
                )
                .route(
                    "/sessions/{id}/incidents",
                    web::get().to(proctor::incidents),
                )
                .route(
                    "/sessions/{id}/incidents",
                    web::post().to(proctor::add_incident),
                )
                .route(
                    "/sessions/{id}/incidents/{incident_id}/close",
                    web::post().to(proctor::close_incident),
                )
                .route("/sessions/{id}/report", web::get().to(proctor::report))
                .route("/attempts/{id}/pause", web::post().to(attempts::pause))
                .route("/attempts/{id}/resume", web::post().to(attempts::resume))
                .route("/attempts/{id}/extend", web::post().to(attempts::extend))
                .default_service(web::to(not_found)),
        );
    }
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::not_found("not_found", "no such API endpoint"))
}
