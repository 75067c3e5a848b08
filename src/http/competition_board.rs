//! The scoreboard (成绩大屏) over HTTP. Public, by competition code: the board as JSON (GET and
//! HEAD, with an entity tag from the bytes alone and no Last-Modified) and live as Server-Sent
//! Events. While frozen every one of them serves the stored snapshot's bytes, so nothing newer
//! can show through a size, a tag or an event id. Admins: the console's view (live and public),
//! the freeze time, and the award ceremony reveal.

use crate::audit::Actor;
use crate::auth::{Role, Staff};
use crate::competition::CompetitionId;
use crate::competition::scoreboard::{self, Board, RevealProgress, StaffBoard};
use crate::competition::scoreboard_rules::etag;
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, route, web};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use utoipa::ToSchema;

/// The public board (no login): per event × group, marking codes with their locked task scores
/// before publication, the published results after; while frozen, the snapshot byte for byte.
/// `If-None-Match` with the current tag answers 304.
#[utoipa::path(method(get, head), path = "/board/{code}", tag = "competitions",
    params(("code" = String, Path, description = "the competition's code, e.g. DEMO26")),
    responses((status = 200, body = Board), (status = 304), (status = 404, body = ErrorBody)))]
#[route("/board/{code}", method = "GET", method = "HEAD")]
pub async fn public_board(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let cid = scoreboard::by_code(&state.db, &code).await?;
    let (bytes, _) = scoreboard::public_bytes(&state.db, cid, Utc::now()).await?;
    let tag = etag(&bytes);
    let matches = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    let mut res = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((ETAG, tag))
        .insert_header((CACHE_CONTROL, "no-cache"));
    if matches {
        return Ok(res.finish());
    }
    Ok(res
        .insert_header((CONTENT_TYPE, "application/json"))
        .body(bytes))
}

/// The public board live (no login), as Server-Sent Events: `board` with the same bytes as the
/// JSON route (its tag as the event id) now and after each change; `: ping` every 15 s.
#[utoipa::path(tag = "competitions",
    params(("code" = String, Path)),
    responses((status = 200, content_type = "text/event-stream", body = Board), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
#[get("/board/{code}/live")]
pub async fn public_live(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let cid = scoreboard::by_code(&state.db, &code).await?;
    let stream = state.boards.watch(&state.db, cid)?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/event-stream"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        // Identity keeps the compression middleware from buffering the stream.
        .insert_header((CONTENT_ENCODING, "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream))
}

async fn view(state: &AppState, cid: i32) -> AppResult<web::Json<StaffBoard>> {
    Ok(web::Json(
        scoreboard::staff_view(&state.db, CompetitionId(cid), Utc::now()).await?,
    ))
}

/// The console's board: live (whatever the freeze) and as the public sees it (admins).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = StaffBoard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/{id}/board")]
pub async fn staff_board(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<StaffBoard>> {
    staff.require(Role::Admin)?;
    view(&state, *id).await
}

/// An admin's board action: checks the role, runs it (its own transaction), then tells the
/// board's viewers, after the commit.
async fn act<T>(
    state: &AppState,
    staff: &Staff,
    id: i32,
    f: impl AsyncFnOnce(&DatabaseConnection, &Actor, CompetitionId, DateTime<Utc>) -> AppResult<T>,
) -> AppResult<T> {
    staff.require(Role::Admin)?;
    let cid = CompetitionId(id);
    let out = f(&state.db, &staff.actor(), cid, Utc::now()).await?;
    state.boards.changed(cid.0).await;
    Ok(out)
}

/// When the board freezes.
#[derive(Deserialize, ToSchema)]
pub struct FreezeRequest {
    /// The freeze time (封榜时间); a time already past freezes now.
    pub freeze_at: DateTime<Utc>,
}

/// Sets the freeze time (admins). 409 `board_frozen` once frozen, `reveal_in_progress`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("id" = i32, Path)), request_body = FreezeRequest,
    responses((status = 200, body = StaffBoard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[put("/competitions/{id}/board/freeze")]
pub async fn set_freeze(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<FreezeRequest>,
) -> AppResult<web::Json<StaffBoard>> {
    let at = body.freeze_at;
    act(&state, &staff, *id, async |db, a, c, now| {
        scoreboard::set_freeze(db, a, c, at, now).await
    })
    .await?;
    view(&state, *id).await
}

/// Lifts the freeze, or cancels one still to come (admins). 409 `reveal_in_progress`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = StaffBoard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/competitions/{id}/board/freeze")]
pub async fn lift_freeze(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<StaffBoard>> {
    act(&state, &staff, *id, scoreboard::lift_freeze).await?;
    view(&state, *id).await
}

/// Starts the award ceremony reveal (颁奖揭晓) from the frozen board (admins). 409
/// `board_not_frozen`, `reveal_in_progress`, `reveal_not_ready`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = RevealProgress), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/{id}/board/reveal")]
pub async fn reveal_start(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<RevealProgress>> {
    Ok(web::Json(
        act(&state, &staff, *id, scoreboard::start_reveal).await?,
    ))
}

/// The reveal's next step (下一步) (admins). 409 `reveal_not_started`, `reveal_done`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = RevealProgress), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/{id}/board/reveal/next")]
pub async fn reveal_next(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<RevealProgress>> {
    Ok(web::Json(
        act(&state, &staff, *id, scoreboard::next_step).await?,
    ))
}

/// Ends the reveal: the board unfreezes and shows the final results (admins). 409
/// `reveal_not_started`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = StaffBoard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/{id}/board/reveal/end")]
pub async fn reveal_end(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<StaffBoard>> {
    act(&state, &staff, *id, scoreboard::end_reveal).await?;
    view(&state, *id).await
}

/// Registers the board routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(public_board)
        .service(public_live)
        .service(staff_board)
        .service(set_freeze)
        .service(lift_freeze)
        .service(reveal_start)
        .service(reveal_next)
        .service(reveal_end);
}
