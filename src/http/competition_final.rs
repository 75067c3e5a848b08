//! A competition's practical final: preparing its anonymous session, the key holders' seals,
//! 检录 at the door, the supervisor's 二次加密, marking progress, the decryption ceremony and the
//! opened mapping (403 `mapping_sealed` before). Marking itself stays in `judging.rs`.

use crate::auth::{Role, Staff};
use crate::competition::StageId;
use crate::competition::checkin::{self, CheckInInput, DoorTicket};
use crate::competition::decryption::{self, MappingRow, Opened};
use crate::competition::encryption::{self, Encrypted};
use crate::competition::final_stage::{self, PrepareInput, Prepared};
use crate::competition::progress::Progress;
use crate::competition::seal::{self, SealState};
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use actix_web::{get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Makes the final's exam session and one anonymous candidate per finalist (authors). Set its
/// practical part next with PUT /api/sessions/{id}/practical.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)), request_body = PrepareInput,
    responses((status = 200, body = Prepared), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/stages/{sid}/prepare")]
pub async fn prepare(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
    body: web::Json<PrepareInput>,
) -> AppResult<web::Json<Prepared>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        final_stage::prepare(&state.db, &staff.actor(), StageId(*sid), body.into_inner()).await?,
    ))
}

/// Both layers' seals: holders, when taken, sealed and opened, commitments (organisers and the
/// stage's key holders). No key material.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)),
    responses((status = 200, body = SealState), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/stages/{sid}/seal")]
pub async fn seal_state(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<SealState>> {
    let s = final_stage::final_stage(&state.db, StageId(*sid)).await?;
    if s.encryptor_id != Some(staff.id) && s.supervisor_id != Some(staff.id) {
        staff.require(Role::Author)?;
    }
    Ok(web::Json(seal::state(&state.db, StageId(*sid)).await?))
}

/// A passphrase.
#[derive(Deserialize, ToSchema)]
pub struct PassphraseInput {
    /// At least 8 characters; never stored.
    pub passphrase: String,
}

/// The stage's 加密裁判 or supervisor takes their seal (their layer follows from who they are).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)), request_body = PassphraseInput,
    responses((status = 200, body = SealState), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/stages/{sid}/seal")]
pub async fn take_seal(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
    body: web::Json<PassphraseInput>,
) -> AppResult<web::Json<SealState>> {
    Ok(web::Json(
        seal::take(&state.db, &staff.actor(), StageId(*sid), &body.passphrase).await?,
    ))
}

/// 检录: identity check, lot and 检录号, shown once (organisers at the door).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)), request_body = CheckInInput,
    responses((status = 200, body = DoorTicket), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/stages/{sid}/checkin")]
pub async fn check_in(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
    body: web::Json<CheckInInput>,
) -> AppResult<web::Json<DoorTicket>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        checkin::check_in(&state.db, &staff.actor(), StageId(*sid), &body).await?,
    ))
}

/// 二次加密: closes check-in and makes the marking codes (the stage's supervisor only).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)),
    responses((status = 200, body = Encrypted), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/stages/{sid}/encrypt")]
pub async fn encrypt(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<Encrypted>> {
    Ok(web::Json(
        encryption::encrypt(&state.db, &staff.actor(), StageId(*sid)).await?,
    ))
}

/// Which layer to open.
#[derive(Deserialize, ToSchema)]
pub struct DecryptInput {
    /// 2 (the supervisor's) first, then 1 (the 加密裁判's).
    pub layer: i32,
    /// The holder's passphrase.
    pub passphrase: String,
}

/// Opens one layer (its holder, in order, once every task is locked).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)), request_body = DecryptInput,
    responses((status = 200, body = Opened), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/stages/{sid}/decrypt")]
pub async fn decrypt(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
    body: web::Json<DecryptInput>,
) -> AppResult<web::Json<Opened>> {
    Ok(web::Json(
        decryption::decrypt(
            &state.db,
            &staff.actor(),
            StageId(*sid),
            body.layer,
            &body.passphrase,
        )
        .await?,
    ))
}

/// Marking progress per task, counts only (organisers and supervisors).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)),
    responses((status = 200, body = Progress), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/stages/{sid}/progress")]
pub async fn final_progress(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<Progress>> {
    staff.require_any(&[Role::Author, Role::Supervisor])?;
    Ok(web::Json(
        crate::competition::progress::progress(&state.db, StageId(*sid)).await?,
    ))
}

/// Contestant ↔ codes ↔ anonymous candidate once both layers are open (organisers); 403
/// `mapping_sealed` before, admins included.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path)),
    responses((status = 200, body = Vec<MappingRow>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/stages/{sid}/mapping")]
pub async fn mapping(
    state: web::Data<AppState>,
    staff: Staff,
    sid: web::Path<i32>,
) -> AppResult<web::Json<Vec<MappingRow>>> {
    staff.require_any(&[Role::Author, Role::Supervisor])?;
    Ok(web::Json(
        decryption::mapping(&state.db, StageId(*sid)).await?,
    ))
}

/// Registers the final's routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(prepare)
        .service(seal_state)
        .service(take_seal)
        .service(check_in)
        .service(encrypt)
        .service(decrypt)
        .service(final_progress)
        .service(mapping);
}
