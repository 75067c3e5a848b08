//! Appeals (申诉) and arbitration (仲裁): the appellants' routes (a contestant or team leader,
//! with an appellant token) under `/api/appeals`, and the staff's under `/api/competitions`:
//! leader codes and extra appeals (organisers), the arbitration group's list, view, review,
//! decision and the appeal register (arbitrators and admins).

use crate::auth::appellant::{self, AppellantAuth};
use crate::auth::{Role, Staff};
use crate::competition::AppealId;
use crate::competition::CompetitionId;
use crate::competition::appeals::{self, AppealView, Decision, Grant, GrantView, NewAppeal};
use crate::competition::appellant_home::{self, AppellantHome};
use crate::competition::appellants::{
    self, ContestantLogin, IssueCode, IssuedCode, LeaderAccount, LeaderLogin,
};
use crate::competition::arbitration::{self, ArbitrationView};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::http::client_ip;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// An appellant's login.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppellantSession {
    /// The appellant token (audience `appellant`).
    pub token: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// Who, and the contestants they answer for.
    pub home: AppellantHome,
}

async fn session(state: &AppState, auth: AppellantAuth) -> AppResult<web::Json<AppellantSession>> {
    let now = Utc::now();
    let token = appellant::sign(&state.keys, &auth, now.timestamp())?;
    Ok(web::Json(AppellantSession {
        token,
        expires_at: now + chrono::Duration::seconds(appellant::APPELLANT_TOKEN_SECONDS),
        home: appellant_home::home(&state.db, &auth, now).await?,
    }))
}

/// A contestant logs in to appeal: 参赛证号 + ID-card number. One generic 401 for any
/// mismatch; 429 after repeated failures.
#[utoipa::path(tag = "appeals", request_body = ContestantLogin,
    responses((status = 200, body = AppellantSession), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/appeals/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<ContestantLogin>,
) -> AppResult<web::Json<AppellantSession>> {
    let auth =
        appellants::login_contestant(&state.db, &state.appellants, &body, &client_ip(&req)).await?;
    session(&state, auth).await
}

/// A team leader (领队) logs in to appeal: the access code staff issued + their name.
#[utoipa::path(tag = "appeals", request_body = LeaderLogin,
    responses((status = 200, body = AppellantSession), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/appeals/leader-login")]
pub async fn leader_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LeaderLogin>,
) -> AppResult<web::Json<AppellantSession>> {
    let auth =
        appellants::login_leader(&state.db, &state.appellants, &body, &client_ip(&req)).await?;
    session(&state, auth).await
}

/// The appellant's contestants and where their results stand.
#[utoipa::path(tag = "appeals", security(("bearer" = [])),
    responses((status = 200, body = AppellantHome), (status = 401, body = ErrorBody)))]
#[get("/appeals/me")]
pub async fn me(
    state: web::Data<AppState>,
    who: AppellantAuth,
) -> AppResult<web::Json<AppellantHome>> {
    Ok(web::Json(
        appellant_home::home(&state.db, &who, Utc::now()).await?,
    ))
}

/// The appellant's own appeals (their contestants' only), newest first.
#[utoipa::path(tag = "appeals", security(("bearer" = [])),
    responses((status = 200, body = [AppealView]), (status = 401, body = ErrorBody)))]
#[get("/appeals/mine")]
pub async fn mine(
    state: web::Data<AppState>,
    who: AppellantAuth,
) -> AppResult<web::Json<Vec<AppealView>>> {
    Ok(web::Json(appeals::mine(&state.db, &who).await?))
}

/// One of the appellant's appeals; 404 for anyone else's.
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, body = AppealView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/appeals/mine/{id}")]
pub async fn mine_one(
    state: web::Data<AppState>,
    who: AppellantAuth,
    id: web::Path<i32>,
) -> AppResult<web::Json<AppealView>> {
    Ok(web::Json(
        appeals::mine_one(&state.db, &who, AppealId(*id)).await?,
    ))
}

/// Files an appeal while the provisional window is open. 409 `not_published`,
/// `already_final`, `appeal_window_closed`, `appeal_limit_reached`; 403 `not_your_contestant`;
/// 422 `grounds_required`; 413/415/422 for attachments.
#[utoipa::path(tag = "appeals", security(("bearer" = [])), request_body = NewAppeal,
    responses((status = 201, body = AppealView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/appeals")]
pub async fn file(
    state: web::Data<AppState>,
    who: AppellantAuth,
    body: web::Json<NewAppeal>,
) -> AppResult<HttpResponse> {
    let a = appeals::file(&state.db, &who, &body, Utc::now()).await?;
    Ok(HttpResponse::Created().json(a))
}

/// The competition's team leaders (领队) and whether each has a code (organisers).
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, body = [LeaderAccount]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/{id}/leaders")]
pub async fn leaders(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<Vec<LeaderAccount>>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        appellants::leaders(&state.db, CompetitionId(*id)).await?,
    ))
}

/// Issues a leader's access code, shown this once (re-issuing ends the old one; organisers).
/// 422 `unknown_leader`.
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path)), request_body = IssueCode,
    responses((status = 200, body = IssuedCode), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/{id}/leaders/code")]
pub async fn issue_code(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<IssueCode>,
) -> AppResult<web::Json<IssuedCode>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        appellants::issue(&state.db, &staff.actor(), CompetitionId(*id), &body).await?,
    ))
}

/// Allows a contestant one more appeal on a stage, with a reason (organisers).
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path)), request_body = Grant,
    responses((status = 200, body = GrantView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/{id}/appeal-grants")]
pub async fn grant(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<Grant>,
) -> AppResult<web::Json<GrantView>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        appeals::grant(&state.db, &staff.actor(), CompetitionId(*id), &body).await?,
    ))
}

/// A competition's appeals, newest first (arbitration group, admins).
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, body = [AppealView]), (status = 403, body = ErrorBody)))]
#[get("/competitions/{id}/appeals")]
pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<Vec<AppealView>>> {
    staff.require(Role::Arbitrator)?;
    Ok(web::Json(
        appeals::list(&state.db, CompetitionId(*id)).await?,
    ))
}

/// 申诉登记表 as PDF (arbitration group, organisers).
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = ErrorBody)))]
#[get("/competitions/{id}/appeals.pdf")]
pub async fn register_pdf(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    staff.require_any(&[Role::Arbitrator, Role::Author])?;
    let c = crate::competition::setup::find(&state.db, CompetitionId(*id)).await?;
    let rows = arbitration::register(&state.db, CompetitionId(*id)).await?;
    let bytes = tokio::task::spawn_blocking(move || arbitration::register_pdf(&c.name, &rows))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"appeals-{}.pdf\"", *id),
        ))
        .body(bytes))
}

/// 申诉登记表 as XLSX (arbitration group, organisers).
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
#[get("/competitions/{id}/appeals.xlsx")]
pub async fn register_xlsx(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    staff.require_any(&[Role::Arbitrator, Role::Author])?;
    let rows = arbitration::register(&state.db, CompetitionId(*id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"appeals-{}.xlsx\"", *id),
        ))
        .body(arbitration::register_xlsx(&rows)?))
}

/// One appeal with what the arbitration group needs: the published result, the sheets, the
/// corrections and the audit trail (arbitration group, admins).
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, body = ArbitrationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/appeals/{id}")]
pub async fn view(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<ArbitrationView>> {
    staff.require(Role::Arbitrator)?;
    Ok(web::Json(
        arbitration::view(&state.db, AppealId(*id)).await?,
    ))
}

/// An appeal's attachment (arbitration group, admins), as a download: never shown inline.
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path), ("file" = i32, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/appeals/{id}/files/{file}")]
pub async fn attachment(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
) -> AppResult<HttpResponse> {
    staff.require(Role::Arbitrator)?;
    let (id, fid) = path.into_inner();
    let f = appeals::attachment(&state.db, AppealId(id), fid).await?;
    Ok(HttpResponse::Ok()
        .content_type(f.mime.as_str())
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"appeal-{id}-{fid}\""),
        ))
        .body(f.bytes))
}

/// Marks an appeal under review (审查中); again changes nothing. 409 `appeal_decided`.
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, body = AppealView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/appeals/{id}/review")]
pub async fn review(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<AppealView>> {
    staff.require(Role::Arbitrator)?;
    Ok(web::Json(
        appeals::review(&state.db, &staff.actor(), AppealId(*id)).await?,
    ))
}

/// Decides an appeal: upheld (optionally with the approved correction that carries it) or
/// rejected, with a reason. 422 `reason_required`, `correction_not_for_appeal`; 409
/// `appeal_decided`.
#[utoipa::path(tag = "appeals", security(("bearer" = [])), params(("id" = i32, Path)), request_body = Decision,
    responses((status = 200, body = AppealView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/appeals/{id}/decision")]
pub async fn decide(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<Decision>,
) -> AppResult<web::Json<AppealView>> {
    staff.require(Role::Arbitrator)?;
    Ok(web::Json(
        appeals::decide(&state.db, &staff.actor(), AppealId(*id), &body).await?,
    ))
}

/// Registers the appeal routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(leader_login)
        .service(me)
        .service(mine)
        .service(mine_one)
        .service(file)
        .service(leaders)
        .service(issue_code)
        .service(grant)
        .service(list)
        .service(register_pdf)
        .service(register_xlsx)
        .service(view)
        .service(attachment)
        .service(review)
        .service(decide);
}
