//! Public verification: the published keys and status list, checking a scanned code, looking a
//! certificate up by number and name, a candidate's own result by ticket and name, and the pages
//! people open for these (anyone may ask; lookups are rate limited per address).

use crate::certificate::online::{self, OnlineVerification};
use crate::certificate::result_lookup::{self, PublicResult};
use crate::certificate::status::StatusList;
use crate::certificate::verify::KeysDocument;
use crate::certificate::{lookup, page};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::state::AppState;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The published keys (anyone; cached briefly).
#[utoipa::path(tag = "verification",
    responses((status = 200, body = KeysDocument)))]
#[get("/.well-known/exam-certificate-keys.json")]
pub async fn published_keys(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "public, max-age=300"))
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .json(online::keys_document(&state.db, &state.issuer).await?))
}

/// The signed status list (anyone).
#[utoipa::path(tag = "verification",
    responses((status = 200, body = StatusList)))]
#[get("/.well-known/exam-certificate-status.json")]
pub async fn status_list(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "public, max-age=60"))
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .json(online::status_list(&state.db, &state.issuer).await?))
}

/// Verifies a QR payload (what follows `/V/` in the code): the verdict and each check, as the
/// verify page shows them. A forged or garbled payload is `not_valid` with a reason, not an
/// error.
#[utoipa::path(tag = "verification",
    params(("payload" = String, Path)), responses((status = 200, body = OnlineVerification)))]
#[get("/verify/{payload}")]
pub async fn verify_json(
    state: web::Data<AppState>,
    payload: web::Path<String>,
) -> AppResult<web::Json<OnlineVerification>> {
    Ok(web::Json(
        online::verify_online(&state.db, &state.issuer, &payload).await?,
    ))
}

/// A scanned QR text.
#[derive(Deserialize, ToSchema)]
pub struct VerifyRequest {
    /// The whole text of the QR code.
    pub text: String,
}

/// Verifies a whole scanned QR text (including the address check).
#[utoipa::path(tag = "verification",
    request_body = VerifyRequest, responses((status = 200, body = OnlineVerification)))]
#[post("/verify")]
pub async fn verify_text(
    state: web::Data<AppState>,
    body: web::Json<VerifyRequest>,
) -> AppResult<web::Json<OnlineVerification>> {
    Ok(web::Json(
        online::verify_online(&state.db, &state.issuer, &body.text).await?,
    ))
}

/// A lookup by number and name.
#[derive(Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupRequest {
    /// Certificate number.
    #[serde(default)]
    pub number: String,
    /// The holder's full name.
    #[serde(default)]
    pub name: String,
}

/// Runs a public lookup and counts its "not found" answers per client address (one limiter
/// for certificate and result lookups), so numbers and names cannot be enumerated: a wrong
/// pair is a 404, and after too many a 429.
async fn rate_limited<T>(
    state: &AppState,
    req: &HttpRequest,
    not_found: ErrorCode,
    run: impl std::future::Future<Output = AppResult<T>>,
) -> AppResult<T> {
    let limiter = lookup::limiter(
        &state.config.database_url,
        state.config.cert_lookup_max_failures,
        state.config.cert_lookup_lockout_seconds,
    );
    let key = lookup::key(&crate::http::client_ip(req));
    if let Some(wait) = limiter.wait(&key) {
        return Err(AppError::too_many(
            "查询失败次数过多，请稍后再试 · too many failed lookups from this address; try again later",
            crate::auth::limiter::retry_after(wait),
        ));
    }
    match run.await {
        Err(e) if e.code == not_found => {
            limiter.count(&key);
            Err(e)
        }
        other => other,
    }
}

/// Looks a certificate up by number and name, rate limited.
async fn limited_lookup(
    state: &AppState,
    req: &HttpRequest,
    q: &LookupRequest,
) -> AppResult<OnlineVerification> {
    rate_limited(
        state,
        req,
        ErrorCode::CertificateNotFound,
        online::lookup(&state.db, &state.issuer, &q.number, &q.name),
    )
    .await
}

/// A public result lookup.
#[derive(Deserialize, ToSchema)]
pub struct ResultLookupRequest {
    /// Ticket number or ID number.
    #[serde(default)]
    pub who: String,
    /// Full name.
    #[serde(default)]
    pub name: String,
}

/// A candidate's own results and certificates, by ticket (or ID number) and full name, after
/// the session has closed or results are released (anyone; rate limited per address like the
/// certificate lookup; a wrong pair is 404 `result_not_found`).
#[utoipa::path(tag = "verification",
    request_body = ResultLookupRequest,
    responses((status = 200, body = [PublicResult]), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/results/lookup")]
pub async fn result_lookup_json(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<ResultLookupRequest>,
) -> AppResult<web::Json<Vec<PublicResult>>> {
    Ok(web::Json(
        rate_limited(
            &state,
            &req,
            ErrorCode::ResultNotFound,
            result_lookup::lookup(&state.db, &body.who, &body.name),
        )
        .await?,
    ))
}

/// The public result page: the form.
pub async fn result_page() -> HttpResponse {
    html(
        actix_web::http::StatusCode::OK,
        page::result_form("", "", None),
    )
}

/// The public result page: the answer to the form (rate limited per address).
pub async fn result_page_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<ResultLookupRequest>,
) -> HttpResponse {
    let run = result_lookup::lookup(&state.db, &form.who, &form.name);
    match rate_limited(&state, &req, ErrorCode::ResultNotFound, run).await {
        Ok(list) => html(actix_web::http::StatusCode::OK, page::result_list(&list)),
        Err(e) => {
            let msg = failed_lookup(
                &e,
                "未找到该准考证号（或身份证号）与姓名对应的成绩；考试结束或成绩公布后才能查询 · \
                 No result matches this ticket (or ID number) and name; results can be looked up \
                 once the session has closed or results are released",
            );
            html(
                e.status,
                page::result_form(&form.who, &form.name, Some(msg)),
            )
        }
    }
}

/// Looks a certificate up by number and the holder's full name (rate limited per address).
#[utoipa::path(tag = "verification",
    request_body = LookupRequest,
    responses((status = 200, body = OnlineVerification), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/verify/lookup")]
pub async fn lookup_json(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LookupRequest>,
) -> AppResult<web::Json<OnlineVerification>> {
    Ok(web::Json(limited_lookup(&state, &req, &body).await?))
}

/// What a lookup page says when the lookup failed: `not_found` for a wrong pair (the limiter
/// counts those), the wait after too many, or to try again later.
fn failed_lookup(e: &AppError, not_found: &'static str) -> &'static str {
    match e.code {
        ErrorCode::CertificateNotFound | ErrorCode::ResultNotFound => not_found,
        ErrorCode::TooManyAttempts => {
            "查询失败次数过多，请稍后再试 · Too many failed lookups; try again later"
        }
        _ => "暂时无法查询，请稍后再试 · Cannot look up right now, try again later",
    }
}

fn html(status: actix_web::http::StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((CONTENT_SECURITY_POLICY, page::CSP))
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(body)
}

/// The verify page a scanned code opens (`/V/{payload}`, also `/verify/{payload}`).
pub async fn verify_page(state: web::Data<AppState>, payload: web::Path<String>) -> HttpResponse {
    match online::verify_online(&state.db, &state.issuer, &payload).await {
        Ok(v) => html(actix_web::http::StatusCode::OK, page::verification(&v)),
        Err(e) => html(
            e.status,
            page::lookup_form(
                "",
                "",
                Some("暂时无法查验，请稍后再试 · Cannot check right now, try again later"),
            ),
        ),
    }
}

/// The lookup page: a form, or the result of `?number=&name=` (rate limited per address).
pub async fn lookup_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    q: web::Query<LookupRequest>,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    if q.number.trim().is_empty() && q.name.trim().is_empty() {
        return html(StatusCode::OK, page::lookup_form("", "", None));
    }
    match limited_lookup(&state, &req, &q).await {
        Ok(v) => html(StatusCode::OK, page::verification(&v)),
        Err(e) => {
            let msg = failed_lookup(
                &e,
                "未找到该编号和姓名的证书 · No certificate has this number and name",
            );
            html(e.status, page::lookup_form(&q.number, &q.name, Some(msg)))
        }
    }
}

/// Registers the public routes outside `/api`: the well-known files (documented) and the verify
/// pages (HTML for people, so not in the OpenAPI document).
pub fn configure_public(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(published_keys)
        .service(status_list)
        .route("/V/{payload}", web::get().to(verify_page))
        .route("/v/{payload}", web::get().to(verify_page))
        .route("/verify/{payload}", web::get().to(verify_page))
        .route("/verify", web::get().to(lookup_page))
        .route("/result", web::get().to(result_page))
        .route("/result", web::post().to(result_page_post));
}

/// Registers the verification routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(verify_text)
        .service(result_lookup_json)
        // Before `/verify/{payload}`, which would also match it.
        .service(lookup_json)
        .service(verify_json);
}
