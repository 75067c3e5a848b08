//! HTTP wiring: routes, extractor limits and error shapes, the OpenAPI document, request tracing
//! (`trace`). Handlers are thin: extract, call the domain, map to a DTO. Each handler carries its
//! route and its OpenAPI entry in one place (`#[utoipa::path]` over `#[get("…")]`), and each
//! area's `configure` registers its handlers, which adds them to the document too.

pub mod analytics;
pub mod attempts;
pub mod audit;
pub mod auth;
pub mod banks;
pub mod certificates;
pub mod competition_appeals;
pub mod competition_board;
pub mod competition_final;
pub mod competition_publication;
pub mod competition_results;
// Issue 15, part B.
pub mod competition_awards;
pub mod competitions;
pub mod dto;
pub mod edge;
pub mod exams;
pub mod extract;
pub mod frontend;
pub mod judging;
pub mod media;
pub mod meta;
pub mod practical;
pub mod practical_documents;
pub mod proctor;
pub mod question_review;
pub mod questions;
pub mod results;
pub mod sessions;
pub mod trace;
pub mod users;
pub mod verification;

use crate::error::{AppError, ErrorCode};
use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::{App, HttpRequest, HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, scope};

/// What the OpenAPI document holds besides the routes, which each area's `configure` adds as it
/// registers them (so a route cannot be served without its entry).
#[derive(OpenApi)]
#[openapi(
    info(title = "Exam platform API", description = "Question banks, exams, proctoring, competitions and certificates."),
    // OnConflict is only named by a query parameter, which does not carry its schema along.
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

/// Adds every route to `app`, with the extractor configs that turn bad input into clear 4xx
/// errors, and the OpenAPI document built from the routes as they were registered.
pub fn routes<T>(app: App<T>, max_upload: usize) -> App<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    let (app, doc) = app
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(configure(max_upload))
        .split_for_parts();
    app.app_data(web::Data::new(doc))
}

/// The extractor configs, then the routes: the public ones, `/api` by area, the browser app.
/// Within an area the order matters only where a path also fits another route's pattern (noted
/// there); no two areas share such a pair.
fn configure(max_upload: usize) -> impl FnOnce(&mut ServiceConfig) {
    move |cfg| {
        cfg.app_data(
            web::JsonConfig::default()
                .limit(edge::JSON_LIMIT)
                .error_handler(|err, _| {
                    use actix_web::error::JsonPayloadError as E;
                    let e = match &err {
                        E::OverflowKnownLength { .. } | E::Overflow { .. } => AppError::new(
                            actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                            ErrorCode::PayloadTooLarge,
                            "the JSON body is too large",
                        ),
                        E::ContentType => AppError::new(
                            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                            ErrorCode::UnsupportedMediaType,
                            "send the body as application/json",
                        ),
                        E::Deserialize(d) if d.is_data() => {
                            AppError::unprocessable(ErrorCode::InvalidBody, d.to_string())
                        }
                        _ => AppError::bad_request(ErrorCode::MalformedJson, err.to_string()),
                    };
                    e.into()
                }),
        )
        .app_data(web::PayloadConfig::default().limit(max_upload))
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            AppError::bad_request(ErrorCode::InvalidQuery, err.to_string()).into()
        }))
        .app_data(web::PathConfig::default().error_handler(|err, _| {
            AppError::not_found(ErrorCode::NotFound, format!("no such resource: {err}")).into()
        }))
        .configure(verification::configure_public)
        .service(
            scope("/api")
                .configure(meta::configure)
                .configure(auth::configure)
                .configure(users::configure)
                .configure(banks::configure)
                .configure(questions::configure)
                .configure(question_review::configure)
                .configure(media::configure)
                .configure(audit::configure)
                .configure(exams::configure)
                .configure(sessions::configure)
                .configure(results::configure)
                .configure(practical::configure)
                .configure(practical_documents::configure)
                .configure(certificates::configure)
                .configure(verification::configure)
                .configure(attempts::configure)
                .configure(proctor::configure)
                .configure(judging::configure)
                .configure(competitions::configure)
                .configure(competition_final::configure)
                .configure(competition_results::configure)
                .configure(competition_publication::configure)
                .configure(competition_appeals::configure)
                .configure(competition_board::configure)
                .configure(competition_awards::configure)
                .configure(analytics::configure)
                .default_service(web::to(not_found)),
        )
        // The browser app last: its pages are not API operations.
        .map(|cfg| cfg.configure(frontend::configure));
    }
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::not_found(
        ErrorCode::NotFound,
        "no such API endpoint",
    ))
}
