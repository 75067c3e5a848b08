//! Competitions (竞赛): set-up (events, groups, stages), registration and review, bulk import,
//! teams, declared conflicts, and the theory stage's session and seating. Organisers (authors,
//! admins) write; supervisors may read. ID numbers are masked for everyone but admins.

use crate::auth::{Role, Staff};
use crate::competition::bulk::{self, ImportReport};
use crate::competition::conflicts::{self, ConflictInput, ConflictView};
use crate::competition::events::{self, EventInput, GroupInput};
use crate::competition::registration::{
    self, ListQuery, Registration, RegistrationInput, RegistrationPage,
};
use crate::competition::review::{self, AcceptFilter, AcceptReport, ReviewInput};
use crate::competition::setup::{
    self, CompetitionInput, CompetitionSummary, CompetitionView, EventView, GroupView, StageView,
};
use crate::competition::stages::{self, StageInput};
use crate::competition::teams::{self, TeamInput, TeamView};
use crate::competition::theory::{self, SeatReport, TheoryScore, TheorySessionInput};
use crate::competition::{CompetitionId, ContestantId, EventId, GroupId, StageId};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

fn organiser(staff: &Staff) -> AppResult<()> {
    staff.require(Role::Author)
}

fn reader(staff: &Staff) -> AppResult<()> {
    staff.require_any(&[Role::Author, Role::Supervisor])
}

/// The list and a competition's setup, also for the arbitration group (监督仲裁组), who pick the
/// competition whose appeals they decide; nothing with ID numbers.
fn arbitration_reader(staff: &Staff) -> AppResult<()> {
    staff.require_any(&[Role::Author, Role::Supervisor, Role::Arbitrator])
}

/// Whether the reader sees whole ID numbers.
fn full(staff: &Staff) -> bool {
    staff.roles.allows(Role::Admin)
}

fn shown(staff: &Staff, mut r: Registration) -> Registration {
    if !full(staff) {
        r.id_number = registration::mask(&r.id_number);
    }
    r
}

/// Every competition (organisers and supervisors).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    responses((status = 200, body = [CompetitionSummary]), (status = 403, body = ErrorBody)))]
#[get("/competitions")]
pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
) -> AppResult<web::Json<Vec<CompetitionSummary>>> {
    arbitration_reader(&staff)?;
    Ok(web::Json(setup::list(&state.db).await?))
}

/// Creates a competition (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), request_body = CompetitionInput,
    responses((status = 201, body = CompetitionView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<CompetitionInput>,
) -> AppResult<HttpResponse> {
    organiser(&staff)?;
    let v = setup::create(&state.db, &staff.actor(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(v))
}

/// A competition with its events, stages and groups.
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, body = CompetitionView), (status = 404, body = ErrorBody)))]
#[get("/competitions/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<CompetitionView>> {
    arbitration_reader(&staff)?;
    Ok(web::Json(setup::load(&state.db, CompetitionId(*id)).await?))
}

/// Changes a competition (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("id" = i32, Path)),
    request_body = CompetitionInput,
    responses((status = 200, body = CompetitionView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/competitions/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<CompetitionInput>,
) -> AppResult<web::Json<CompetitionView>> {
    organiser(&staff)?;
    Ok(web::Json(
        setup::update(
            &state.db,
            &staff.actor(),
            CompetitionId(*id),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Adds an event (赛项) (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("id" = i32, Path)),
    request_body = EventInput,
    responses((status = 201, body = EventView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/{id}/events")]
pub async fn add_event(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<EventInput>,
) -> AppResult<HttpResponse> {
    organiser(&staff)?;
    let v = events::add_event(
        &state.db,
        &staff.actor(),
        CompetitionId(*id),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Changes an event (organisers); kind and team size stay once anyone is accepted.
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("eid" = i32, Path)),
    request_body = EventInput,
    responses((status = 200, body = EventView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/competitions/events/{eid}")]
pub async fn update_event(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    body: web::Json<EventInput>,
) -> AppResult<web::Json<EventView>> {
    organiser(&staff)?;
    Ok(web::Json(
        events::update_event(&state.db, &staff.actor(), EventId(*eid), body.into_inner()).await?,
    ))
}

/// Sets an event's whole stage list (organisers): weights sum to 1, theory within the cap.
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("eid" = i32, Path)),
    request_body = Vec<StageInput>,
    responses((status = 200, body = EventView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/competitions/events/{eid}/stages")]
pub async fn put_stages(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    body: web::Json<Vec<StageInput>>,
) -> AppResult<web::Json<EventView>> {
    organiser(&staff)?;
    Ok(web::Json(
        stages::put_stages(&state.db, &staff.actor(), EventId(*eid), body.into_inner()).await?,
    ))
}

/// The teams of an event with their members.
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("eid" = i32, Path)),
    responses((status = 200, body = [TeamView]), (status = 404, body = ErrorBody)))]
#[get("/competitions/events/{eid}/teams")]
pub async fn event_teams(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
) -> AppResult<web::Json<Vec<TeamView>>> {
    reader(&staff)?;
    setup::find_event(&state.db, EventId(*eid)).await?;
    Ok(web::Json(
        teams::list(&state.db, EventId(*eid), full(&staff)).await?,
    ))
}

/// Adds a group (组别) with its eligibility rules (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("id" = i32, Path)),
    request_body = GroupInput,
    responses((status = 201, body = GroupView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/{id}/groups")]
pub async fn add_group(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<GroupInput>,
) -> AppResult<HttpResponse> {
    organiser(&staff)?;
    let v = events::add_group(
        &state.db,
        &staff.actor(),
        CompetitionId(*id),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Changes a group (organisers); its rules stay once anyone in it is accepted.
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("gid" = i32, Path)),
    request_body = GroupInput,
    responses((status = 200, body = GroupView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/competitions/groups/{gid}")]
pub async fn update_group(
    state: web::Data<AppState>,
    staff: Staff,
    gid: web::Path<i32>,
    body: web::Json<GroupInput>,
) -> AppResult<web::Json<GroupView>> {
    organiser(&staff)?;
    Ok(web::Json(
        events::update_group(&state.db, &staff.actor(), GroupId(*gid), body.into_inner()).await?,
    ))
}

/// Registrations, filtered and paged (ID numbers masked unless admin).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("id" = i32, Path), ListQuery),
    responses((status = 200, body = RegistrationPage), (status = 404, body = ErrorBody)))]
#[get("/competitions/{id}/registrations")]
pub async fn registrations(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<ListQuery>,
) -> AppResult<web::Json<RegistrationPage>> {
    reader(&staff)?;
    Ok(web::Json(
        registration::list(&state.db, CompetitionId(*id), &q, full(&staff)).await?,
    ))
}

/// Registers one contestant (pending) (organisers): 422 `ineligible`, 409
/// `duplicate_registration`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("id" = i32, Path)),
    request_body = RegistrationInput,
    responses((status = 201, body = Registration), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/{id}/registrations")]
pub async fn register(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<RegistrationInput>,
) -> AppResult<HttpResponse> {
    organiser(&staff)?;
    let r = registration::register(
        &state.db,
        &staff.actor(),
        CompetitionId(*id),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(shown(&staff, r)))
}

/// Registers a team, all members together (organisers): 422 `team_size_mismatch`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("id" = i32, Path)),
    request_body = TeamInput,
    responses((status = 201, body = TeamView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/{id}/teams")]
pub async fn register_team(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<TeamInput>,
) -> AppResult<HttpResponse> {
    organiser(&staff)?;
    let mut t = teams::register_team(
        &state.db,
        &staff.actor(),
        CompetitionId(*id),
        body.into_inner(),
    )
    .await?;
    t.members = t.members.into_iter().map(|m| shown(&staff, m)).collect();
    Ok(HttpResponse::Created().json(t))
}

/// How to read a registration file.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// csv or xlsx; guessed from `filename` or the content when absent.
    pub format: Option<String>,
    /// The uploaded file's name.
    pub filename: Option<String>,
    /// Accept every row at once (each is checked against its group's rules anyway).
    #[serde(default)]
    pub accept: bool,
}

/// Imports registrations from an XLSX (or CSV) file, all or nothing (organisers): 422
/// `bad_registration_file` with every row's errors in `details.errors`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("id" = i32, Path), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ImportReport), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/{id}/registrations/import")]
pub async fn import(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    q: web::Query<ImportQuery>,
    body: web::Bytes,
) -> AppResult<web::Json<ImportReport>> {
    organiser(&staff)?;
    if body.is_empty() {
        return Err(
            AppError::bad_request(ErrorCode::EmptyFile, "the request body holds no file")
                .with_zh("请求中没有文件"),
        );
    }
    let xlsx = match q.format.as_deref() {
        Some("xlsx") => true,
        Some("csv") => false,
        Some(other) => {
            return Err(AppError::bad_request(
                ErrorCode::UnknownFormat,
                format!("format {other:?} is not csv or xlsx"),
            )
            .with_zh("文件格式须为 csv 或 xlsx"));
        }
        None => {
            body.starts_with(b"PK")
                || q.filename
                    .as_deref()
                    .is_some_and(|f| f.to_ascii_lowercase().ends_with(".xlsx"))
        }
    };
    // A workbook of thousands of rows: read it off the async workers.
    let rows = tokio::task::spawn_blocking(move || bulk::read(&body, xlsx))
        .await
        .map_err(AppError::internal)??;
    Ok(web::Json(
        bulk::import(
            &state.db,
            &staff.actor(),
            CompetitionId(*id),
            rows,
            q.accept,
        )
        .await?,
    ))
}

/// The registration template (XLSX: the header row and a sample row).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, description = "the template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ErrorBody)))]
#[get("/competitions/{id}/registrations/template.xlsx")]
pub async fn template(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    reader(&staff)?;
    let ctx = registration::Ctx::load(&state.db, CompetitionId(*id)).await?;
    let bytes = bulk::template(&ctx)?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"registrations.xlsx\"",
        ))
        .body(bytes))
}

/// Accepts every pending registration that meets its group's rules (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("id" = i32, Path)),
    request_body = AcceptFilter,
    responses((status = 200, body = AcceptReport), (status = 404, body = ErrorBody)))]
#[post("/competitions/{id}/registrations/accept-all")]
pub async fn accept_all(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<AcceptFilter>,
) -> AppResult<web::Json<AcceptReport>> {
    organiser(&staff)?;
    Ok(web::Json(
        review::accept_all(
            &state.db,
            &staff.actor(),
            CompetitionId(*id),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Reviews a pending registration (a team's for a team member) (organisers): accept gives the
/// number; refuse needs a reason (422 `refusal_needs_reason`); 409 `registration_not_pending`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("rid" = i32, Path)),
    request_body = ReviewInput,
    responses((status = 200, body = [Registration]), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/registrations/{rid}/review")]
pub async fn review_registration(
    state: web::Data<AppState>,
    staff: Staff,
    rid: web::Path<i32>,
    body: web::Json<ReviewInput>,
) -> AppResult<web::Json<Vec<Registration>>> {
    organiser(&staff)?;
    let out = review::review(
        &state.db,
        &staff.actor(),
        ContestantId(*rid),
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(
        out.into_iter().map(|r| shown(&staff, r)).collect(),
    ))
}

/// Withdraws a registration (a team's for a team member) (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("rid" = i32, Path)),
    responses((status = 200, body = [Registration]), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/registrations/{rid}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    staff: Staff,
    rid: web::Path<i32>,
) -> AppResult<web::Json<Vec<Registration>>> {
    organiser(&staff)?;
    let out = review::withdraw(&state.db, &staff.actor(), ContestantId(*rid)).await?;
    Ok(web::Json(
        out.into_iter().map(|r| shown(&staff, r)).collect(),
    ))
}

/// Declared conflicts of interest (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("id" = i32, Path)),
    responses((status = 200, body = [ConflictView]), (status = 404, body = ErrorBody)))]
#[get("/competitions/{id}/conflicts")]
pub async fn list_conflicts(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
) -> AppResult<web::Json<Vec<ConflictView>>> {
    organiser(&staff)?;
    Ok(web::Json(
        conflicts::list(&state.db, CompetitionId(*id)).await?,
    ))
}

/// Declares a judge conflicted with a contestant (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("id" = i32, Path)),
    request_body = ConflictInput,
    responses((status = 201, body = ConflictView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/{id}/conflicts")]
pub async fn add_conflict(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i32>,
    body: web::Json<ConflictInput>,
) -> AppResult<HttpResponse> {
    organiser(&staff)?;
    let v = conflicts::add(
        &state.db,
        &staff.actor(),
        CompetitionId(*id),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Removes a declared conflict (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("id" = i32, Path), ("cid" = i32, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/competitions/{id}/conflicts/{cid}")]
pub async fn remove_conflict(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, i32)>,
) -> AppResult<HttpResponse> {
    organiser(&staff)?;
    let (id, cid) = path.into_inner();
    conflicts::remove(&state.db, &staff.actor(), CompetitionId(id), cid).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Makes a theory stage's exam session from an exam, a window and rooms (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("sid" = i32, Path)),
    request_body = TheorySessionInput,
    responses((status = 201, body = StageView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/stages/{sid}/session")]
pub async fn stage_session(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
    body: web::Json<TheorySessionInput>,
) -> AppResult<HttpResponse> {
    organiser(&staff)?;
    let v =
        theory::create_session(&state.db, &staff.actor(), StageId(*sid), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(v))
}

/// Seats everyone admitted to a theory stage who is not seated yet (organisers).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("sid" = i32, Path)),
    responses((status = 200, body = SeatReport), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/stages/{sid}/seat")]
pub async fn seat(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<SeatReport>> {
    organiser(&staff)?;
    Ok(web::Json(
        theory::seat(&state.db, &staff.actor(), StageId(*sid)).await?,
    ))
}

/// Each seated contestant's theory result out of 100 (organisers and supervisors).
#[utoipa::path(tag = "competitions", security(("bearer" = [])), params(("sid" = i32, Path)),
    responses((status = 200, body = [TheoryScore]), (status = 404, body = ErrorBody)))]
#[get("/competitions/stages/{sid}/theory-scores")]
pub async fn theory_scores(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<Vec<TheoryScore>>> {
    reader(&staff)?;
    Ok(web::Json(theory::scores(&state.db, StageId(*sid)).await?))
}

/// Registers the competition set-up and registration routes under `/api`.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(update)
        .service(add_event)
        .service(update_event)
        .service(put_stages)
        .service(event_teams)
        .service(add_group)
        .service(update_group)
        .service(registrations)
        .service(register)
        .service(register_team)
        .service(import)
        .service(template)
        .service(accept_all)
        .service(review_registration)
        .service(withdraw)
        .service(list_conflicts)
        .service(add_conflict)
        .service(remove_conflict)
        .service(stage_session)
        .service(seat)
        .service(theory_scores);
}
