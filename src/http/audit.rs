//! Reading the audit log (admins only), as JSON or CSV.

use super::dto::AuditDto;
use crate::audit;
use crate::auth::{Role, Staff};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::state::AppState;
use actix_web::get;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// Paging and filter for the audit log.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries older than this id.
    pub before: Option<i64>,
    /// Only this kind of target (`user`, `bank`, `question`, …).
    pub target_type: Option<String>,
    /// Only this actor (username, or `system`).
    pub actor: Option<String>,
    /// Only actions starting with this (`session.` or `session.create`).
    pub action: Option<String>,
    /// Only entries about this session.
    pub session: Option<i32>,
    /// At or after this time (RFC 3339).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before this time (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// At most this many (default 100, max 10,000).
    pub limit: Option<u64>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// The newest audit entries first.
#[utoipa::path(tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = [AuditDto]), (status = 403, body = ErrorBody)))]
#[get("/audit")]
pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Admin)?;
    let limit = q.limit.unwrap_or(100).clamp(1, 10_000);
    let q = q.into_inner();
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let filter = audit::Filter {
        before: q.before,
        target_type: nonempty(q.target_type),
        actor: nonempty(q.actor),
        action: nonempty(q.action),
        session: q.session,
        from: q.from,
        to: q.to,
    };
    let rows = audit::list(&state.db, &filter, limit).await?;
    let items: Vec<AuditDto> = rows.into_iter().map(Into::into).collect();
    match q.format.as_deref() {
        None | Some("json") => Ok(HttpResponse::Ok().json(items)),
        Some("csv") => {
            let mut w = crate::spreadsheet::CsvWriter::new();
            let header = [
                "id",
                "at",
                "actor",
                "action",
                "target_type",
                "target_id",
                "detail",
            ];
            w.row(header).map_err(AppError::internal)?;
            for a in &items {
                w.row([
                    a.id.to_string(),
                    a.at.to_rfc3339(),
                    a.actor.clone(),
                    a.action.clone(),
                    a.target_type.clone(),
                    a.target_id.clone(),
                    a.detail.to_string(),
                ])
                .map_err(AppError::internal)?;
            }
            let bytes = w.finish().map_err(AppError::internal)?;
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header(("Content-Disposition", "attachment; filename=\"audit.csv\""))
                .body(bytes))
        }
        Some(other) => Err(AppError::bad_request(
            ErrorCode::UnknownFormat,
            format!("format {other:?} is not json or csv"),
        )),
    }
}

/// Registers the audit routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list);
}
