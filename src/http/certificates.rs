//! Certificates over HTTP: types, a session's type, issuing, status changes, correction by
//! reissue, downloads (staff: one or a session's ZIP; holders: their own) and keys. The public
//! verification is in `verification.rs`.

use crate::auth::CandidateAuth;
use crate::auth::{Role, Staff};
use crate::certificate::download;
use crate::certificate::issue::{self as issuing, IssueReport};
use crate::certificate::issuer::UrlSource;
use crate::certificate::keys::{self, KeyId};
use crate::certificate::lifecycle::{self, StatusAction};
use crate::certificate::online;
use crate::certificate::record::{self, CertificateDto, CertificateId};
use crate::certificate::reissue::{self as correcting, Correction};
use crate::certificate::types::{self, NewType, TypeDto, TypeId};
use crate::certificate::verify::{KeysDocument, PublishedKey};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::exam::attempt::AttemptId;
use crate::exam::session::SessionId;
use crate::state::AppState;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, web};
use actix_web::{get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

fn pdf_response(name: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"certificate.pdf\"; filename*=UTF-8''{}",
                percent(name)
            ),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(bytes)
}

/// RFC 5987 encoding of a file name for Content-Disposition.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The certificate types.
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    responses((status = 200, body = [TypeDto])))]
#[get("/certificate-types")]
pub async fn list_types(
    state: web::Data<AppState>,
    staff: Staff,
) -> AppResult<web::Json<Vec<TypeDto>>> {
    staff.require(Role::Author)?;
    let types = crate::certificate::repo::types(&state.db).await?;
    Ok(web::Json(types.into_iter().map(TypeDto::from).collect()))
}

/// Creates a certificate type (authors).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    request_body = NewType,
    responses((status = 201, body = TypeDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/certificate-types")]
pub async fn create_type(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<NewType>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let t = types::create_type(&state.db, &staff.actor(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(TypeDto::from(t)))
}

/// One certificate type.
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)), responses((status = 200, body = TypeDto), (status = 404, body = ErrorBody)))]
#[get("/certificate-types/{id}")]
pub async fn get_type(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<TypeDto>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        types::get_type(&state.db, TypeId(*id)).await?.into(),
    ))
}

/// Replaces a certificate type (authors); its code is fixed once certificates carry it.
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = NewType,
    responses((status = 200, body = TypeDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/certificate-types/{id}")]
pub async fn update_type(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<NewType>,
) -> AppResult<web::Json<TypeDto>> {
    staff.require(Role::Author)?;
    let t = types::update_type(&state.db, &staff.actor(), TypeId(*id), body.into_inner()).await?;
    Ok(web::Json(t.into()))
}

/// Which certificate type a session issues.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct SessionTypeRequest {
    /// The type (null: the session issues no certificates).
    pub certificate_type_id: Option<i32>,
}

/// The certificate type a session issues (authors).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = SessionTypeRequest), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/certificate-type")]
pub async fn get_session_type(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<SessionTypeRequest>> {
    staff.require(Role::Author)?;
    crate::exam::session::get(&state.db, SessionId(*id)).await?;
    Ok(web::Json(SessionTypeRequest {
        certificate_type_id: crate::certificate::repo::session_type(&state.db, *id).await?,
    }))
}

/// Sets the certificate type a session issues on releasing its results (authors).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = SessionTypeRequest,
    responses((status = 200, body = SessionTypeRequest), (status = 404, body = ErrorBody)))]
#[put("/sessions/{id}/certificate-type")]
pub async fn set_session_type(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<SessionTypeRequest>,
) -> AppResult<web::Json<SessionTypeRequest>> {
    staff.require(Role::Author)?;
    let t = types::set_session_type(
        &state.db,
        &staff.actor(),
        SessionId(*id),
        body.certificate_type_id.map(TypeId),
    )
    .await?;
    Ok(web::Json(SessionTypeRequest {
        certificate_type_id: t.map(|t| t.id),
    }))
}

/// Issues the session's missing certificates in a batch (authors); idempotent.
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = IssueReport), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/sessions/{id}/certificates")]
pub async fn issue(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<IssueReport>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        issuing::issue_for_session(&state.db, &state.issuer, &staff.actor(), SessionId(*id))
            .await?,
    ))
}

/// How to list a session's certificates.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionCertificatesQuery {
    /// `json` (default) or `zip` (the PDFs in force).
    pub format: Option<String>,
}

/// A session's certificates as JSON, or their PDFs as one ZIP (authors).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path), SessionCertificatesQuery),
    responses((status = 200, body = [CertificateDto]), (status = 404, body = ErrorBody)))]
#[get("/sessions/{id}/certificates")]
pub async fn of_session(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<SessionCertificatesQuery>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    crate::exam::session::get(&state.db, SessionId(*id)).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => {
            let list = crate::certificate::repo::of_session(&state.db, *id).await?;
            Ok(HttpResponse::Ok().json(
                list.into_iter()
                    .map(CertificateDto::from)
                    .collect::<Vec<_>>(),
            ))
        }
        "zip" => {
            let rx = download::session_zip(&state.db, SessionId(*id)).await?;
            let body = futures_util::stream::unfold(rx, |mut rx| async move {
                rx.recv().await.map(|chunk| {
                    (
                        chunk
                            .map(actix_web::web::Bytes::from)
                            .map_err(actix_web::error::ErrorInternalServerError),
                        rx,
                    )
                })
            });
            Ok(HttpResponse::Ok()
                .content_type("application/zip")
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"certificates-session-{}.zip\"", *id),
                ))
                .streaming(body))
        }
        other => Err(AppError::bad_request(
            ErrorCode::UnknownFormat,
            format!("format {other:?} is not json or zip"),
        )),
    }
}

/// Finding certificates.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindQuery {
    /// Certificate number (exact); other filters are ignored when given.
    pub number: Option<String>,
    /// Only this session's certificates.
    pub session_id: Option<i32>,
    /// Only certificates with this status.
    pub status: Option<crate::certificate::status::Status>,
    /// At most this many, newest first (default 500, at most 5000).
    pub limit: Option<u64>,
}

/// Lists certificates, newest first: by number, or filtered by session and status (authors).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(FindQuery), responses((status = 200, body = [CertificateDto]), (status = 400, body = ErrorBody)))]
#[get("/certificates")]
pub async fn find(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<FindQuery>,
) -> AppResult<web::Json<Vec<CertificateDto>>> {
    staff.require(Role::Author)?;
    if let Some(number) = q.number.as_deref().filter(|n| !n.trim().is_empty()) {
        let Ok(n) = crate::certificate::number::CertificateNumber::parse(number) else {
            return Ok(web::Json(vec![]));
        };
        let found = crate::certificate::repo::by_number(&state.db, n.as_str()).await?;
        return Ok(web::Json(
            found.into_iter().map(CertificateDto::from).collect(),
        ));
    }
    let limit = q.limit.unwrap_or(500).clamp(1, 5000);
    let found = crate::certificate::repo::search(&state.db, q.session_id, q.status, limit).await?;
    Ok(web::Json(
        found.into_iter().map(CertificateDto::from).collect(),
    ))
}

/// What certificates issued now would carry, for the console.
#[derive(Serialize, ToSchema)]
pub struct CertificateSettings {
    /// The address QR codes point to (empty when there is none).
    pub public_url: String,
    /// Where it comes from.
    pub source: UrlSource,
    /// True when issuing is possible; otherwise `problem` says why.
    pub usable: bool,
    /// Why issuing is refused (Chinese, then English), when it is.
    pub problem: Option<String>,
    /// The issuer's name on the published keys.
    pub issuer_name: String,
}

/// The address certificates will carry and whether issuing is possible (authors).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    responses((status = 200, body = CertificateSettings), (status = 403, body = ErrorBody)))]
#[get("/certificate-settings")]
pub async fn settings(
    state: web::Data<AppState>,
    staff: Staff,
) -> AppResult<web::Json<CertificateSettings>> {
    staff.require(Role::Author)?;
    let i = &state.issuer;
    Ok(web::Json(CertificateSettings {
        public_url: i.public_url.clone(),
        source: i.source,
        usable: i.usable,
        problem: i.require_public_url().err().map(|e| e.message),
        issuer_name: i.name.clone(),
    }))
}

/// A sample certificate of an unsaved type, as a PDF (authors): the console's live preview.
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    request_body = NewType,
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 422, body = ErrorBody)))]
#[post("/certificate-types/preview")]
pub async fn preview_type(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<NewType>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let t = types::unsaved(body.into_inner())?;
    let bytes = download::preview(t, &state.issuer.public_url).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", "inline; filename=\"preview.pdf\""))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(bytes))
}

/// One certificate (authors).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)), responses((status = 200, body = CertificateDto), (status = 404, body = ErrorBody)))]
#[get("/certificates/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<CertificateDto>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        record::get(&state.db, CertificateId(*id)).await?.into(),
    ))
}

/// The PDF of one certificate (authors).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/certificates/{id}/pdf")]
pub async fn pdf(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let c = record::get(&state.db, CertificateId(*id)).await?;
    let bytes = download::pdf(&state.db, &c).await?;
    Ok(pdf_response(&download::file_name(&c), bytes))
}

/// A reason for a status change.
#[derive(Deserialize, ToSchema)]
pub struct ReasonRequest {
    /// Why (required, recorded in the audit log).
    pub reason: String,
}

async fn change(
    state: &AppState,
    staff: &Staff,
    id: i32,
    action: StatusAction,
    reason: &str,
) -> AppResult<web::Json<CertificateDto>> {
    staff.require(Role::Author)?;
    let c =
        lifecycle::set_status(&state.db, &staff.actor(), CertificateId(id), action, reason).await?;
    Ok(web::Json(c.into()))
}

/// Revokes a certificate (authors; final).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = ReasonRequest,
    responses((status = 200, body = CertificateDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/certificates/{id}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<ReasonRequest>,
) -> AppResult<web::Json<CertificateDto>> {
    change(&state, &staff, *id, StatusAction::Revoke, &body.reason).await
}

/// Suspends a certificate (authors).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = ReasonRequest,
    responses((status = 200, body = CertificateDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/certificates/{id}/suspend")]
pub async fn suspend(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<ReasonRequest>,
) -> AppResult<web::Json<CertificateDto>> {
    change(&state, &staff, *id, StatusAction::Suspend, &body.reason).await
}

/// Reinstates a suspended certificate (authors).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = ReasonRequest,
    responses((status = 200, body = CertificateDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/certificates/{id}/reinstate")]
pub async fn reinstate(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<ReasonRequest>,
) -> AppResult<web::Json<CertificateDto>> {
    change(&state, &staff, *id, StatusAction::Reinstate, &body.reason).await
}

/// Corrects a certificate by reissuing it (authors): the old one becomes superseded.
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = Correction,
    responses((status = 201, body = CertificateDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/certificates/{id}/reissue")]
pub async fn reissue(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<Correction>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let c = correcting::reissue(
        &state.db,
        &state.issuer,
        &staff.actor(),
        CertificateId(*id),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(CertificateDto::from(c)))
}

/// The holder's own certificate.
#[derive(Serialize, ToSchema)]
pub struct HolderCertificate {
    /// Number.
    pub number: String,
    /// Name.
    pub holder_name: String,
    /// Course.
    pub course: String,
    /// Result.
    pub result: String,
    /// Issue date.
    #[schema(value_type = String)]
    pub issued_on: chrono::NaiveDate,
    /// Expiry date.
    #[schema(value_type = Option<String>)]
    pub expires_on: Option<chrono::NaiveDate>,
    /// The verification link in its QR code.
    pub qr_text: String,
}

/// The candidate's own certificate (candidate token).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    responses((status = 200, body = HolderCertificate), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[get("/candidate/certificate")]
pub async fn mine(
    state: web::Data<AppState>,
    auth: CandidateAuth,
) -> AppResult<web::Json<HolderCertificate>> {
    current_login(&state, &auth).await?;
    let c = record::of_holder(&state.db, auth.candidate_id).await?;
    Ok(web::Json(HolderCertificate {
        number: c.number,
        holder_name: c.holder_name,
        course: c.course,
        result: c.result,
        issued_on: c.issued_on,
        expires_on: c.expires_on,
        qr_text: c.qr_text,
    }))
}

/// Refuses a candidate token like the attempt endpoints do: 401 `taken_over` once the attempt
/// was continued on another device.
async fn current_login(state: &AppState, auth: &CandidateAuth) -> AppResult<()> {
    crate::exam::attempt::own_attempt(&state.db, auth, AttemptId(auth.attempt_id)).await?;
    Ok(())
}

/// The PDF of the candidate's own certificate (candidate token).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[get("/candidate/certificate/pdf")]
pub async fn my_pdf(state: web::Data<AppState>, auth: CandidateAuth) -> AppResult<HttpResponse> {
    current_login(&state, &auth).await?;
    let c = record::of_holder(&state.db, auth.candidate_id).await?;
    let bytes = download::pdf(&state.db, &c).await?;
    Ok(pdf_response(&download::file_name(&c), bytes))
}

/// Every signing key with its dates (admins).
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    responses((status = 200, body = KeysDocument)))]
#[get("/certificate-keys")]
pub async fn list_keys(
    state: web::Data<AppState>,
    staff: Staff,
) -> AppResult<web::Json<KeysDocument>> {
    staff.require(Role::Admin)?;
    Ok(web::Json(
        online::keys_document(&state.db, &state.issuer).await?,
    ))
}

/// Rotates the signing key (admins): the current key is retired, a new one signs from now.
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    responses((status = 201, body = PublishedKey)))]
#[post("/certificate-keys/rotate")]
pub async fn rotate_key(state: web::Data<AppState>, staff: Staff) -> AppResult<HttpResponse> {
    staff.require(Role::Admin)?;
    let k = keys::rotate(&state.db, &staff.actor()).await?;
    Ok(HttpResponse::Created().json(keys::published(&k)))
}

/// Revokes a signing key (admins): nothing it signed verifies any more.
#[utoipa::path(tag = "certificates", security(("bearer" = [])),
    params(("id" = u16, Path)), request_body = ReasonRequest,
    responses((status = 200, body = PublishedKey), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/certificate-keys/{id}/revoke")]
pub async fn revoke_key(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<u16>,
    body: web::Json<ReasonRequest>,
) -> AppResult<web::Json<PublishedKey>> {
    staff.require(Role::Admin)?;
    let k = keys::revoke(&state.db, &staff.actor(), KeyId(*id), &body.reason).await?;
    Ok(web::Json(keys::published(&k)))
}

/// Registers the certificates routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(settings)
        .service(preview_type)
        .service(list_types)
        .service(create_type)
        .service(get_type)
        .service(update_type)
        .service(get_session_type)
        .service(set_session_type)
        .service(issue)
        .service(of_session)
        .service(find)
        .service(get)
        .service(pdf)
        .service(revoke)
        .service(suspend)
        .service(reinstate)
        .service(reissue)
        .service(mine)
        .service(my_pdf)
        .service(list_keys)
        .service(rotate_key)
        .service(revoke_key);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_percent_encoded() {
        assert_eq!(percent("GD-1 张.pdf"), "GD-1%20%E5%BC%A0.pdf");
    }
}
