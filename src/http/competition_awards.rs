//! Awards (issue 15, part B): an event's award policy in versions, the awards evaluated on the
//! final publication of a group, their certificates, and the results documents (成绩公示表,
//! 获奖名单, 技术能手 and 五一劳动奖章 lists) as PDF and XLSX. Organisers (authors or admins)
//! write; supervisors may also read.

use crate::auth::{Role, Staff};
use crate::competition::award_documents::{self, AwardList};
use crate::competition::awards::{self, AwardView, IssueSummary, PolicyVersion};
use crate::competition::{EventId, GroupId, StageId, judge_sheets, publication, setup};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn readers(staff: &Staff) -> AppResult<()> {
    staff.require_any(&[Role::Author, Role::Supervisor])
}

/// Every version of the event's award policy, newest first.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path)),
    responses((status = 200, body = [PolicyVersion]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/events/{eid}/award-policies")]
pub async fn policies(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
) -> AppResult<web::Json<Vec<PolicyVersion>>> {
    readers(&staff)?;
    Ok(web::Json(awards::policies(&state.db, EventId(*eid)).await?))
}

/// Saves the event's award policy (JSON body). A changed policy becomes a new version (201);
/// the same as the latest returns it (200). 422 `bad_policy`, `policy_over_100`,
/// `policy_bad_count`, `unknown_award_kind`, `unknown_group`, `unknown_certificate_type`, each
/// with `details.field`; nothing is saved then.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path)), request_body(content = Object, content_type = "application/json"),
    responses((status = 201, body = PolicyVersion), (status = 200, body = PolicyVersion), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/competitions/events/{eid}/award-policy")]
pub async fn save_policy(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    staff.require(Role::Author)?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        AppError::unprocessable(ErrorCode::BadPolicy, "the policy is not UTF-8 text")
            .with_zh("奖项设置不是 UTF-8 文本")
    })?;
    let (v, created) = awards::save_policy(&state.db, &staff.actor(), EventId(*eid), text).await?;
    Ok(if created {
        HttpResponse::Created().json(v)
    } else {
        HttpResponse::Ok().json(v)
    })
}

/// Which group.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupQuery {
    /// The group (组别).
    pub group: i32,
}

/// The group's awards as last evaluated.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), GroupQuery),
    responses((status = 200, body = [AwardView]), (status = 403, body = ErrorBody)))]
#[get("/competitions/events/{eid}/awards")]
pub async fn group_awards(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    q: web::Query<GroupQuery>,
) -> AppResult<web::Json<Vec<AwardView>>> {
    readers(&staff)?;
    setup::find_event(&state.db, EventId(*eid)).await?;
    Ok(web::Json(
        awards::list(&state.db, EventId(*eid), GroupId(q.group)).await?,
    ))
}

/// 评定奖项: evaluates the current policy on the final publication and replaces the group's
/// awards. 409 `not_final`, `no_award_policy`, `certificates_issued`.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), GroupQuery),
    responses((status = 200, body = [AwardView]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/competitions/events/{eid}/awards")]
pub async fn evaluate(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    q: web::Query<GroupQuery>,
) -> AppResult<web::Json<Vec<AwardView>>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        awards::evaluate(&state.db, &staff.actor(), EventId(*eid), GroupId(q.group)).await?,
    ))
}

/// 颁发证书: issues the missing certificates of the group's awards (idempotent).
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), GroupQuery),
    responses((status = 200, body = IssueSummary), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/competitions/events/{eid}/awards/certificates")]
pub async fn issue(
    state: web::Data<AppState>,
    staff: Staff,
    eid: web::Path<i32>,
    q: web::Query<GroupQuery>,
) -> AppResult<web::Json<IssueSummary>> {
    staff.require(Role::Author)?;
    Ok(web::Json(
        awards::issue_certificates(
            &state.db,
            &state.issuer,
            &staff.actor(),
            EventId(*eid),
            GroupId(q.group),
        )
        .await?,
    ))
}

fn file(content_type: &str, name: String, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes)
}

/// A document's group, list and format.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocQuery {
    /// The group (组别).
    pub group: i32,
    /// `prizes` (default), `technical_expert`, `may_day_medal` or `skill_certificate`.
    pub list: Option<String>,
    /// The publication's version (成绩公示表; default the latest).
    pub version: Option<i32>,
}

/// Which format.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Pdf,
    Xlsx,
}

fn format_of(ext: &str) -> AppResult<Format> {
    match ext {
        "pdf" => Ok(Format::Pdf),
        "xlsx" => Ok(Format::Xlsx),
        _ => Err(AppError::not_found(ErrorCode::NotFound, "pdf or xlsx")),
    }
}

/// The document as the format asks: the XLSX made here, the PDF laid out off the runtime's
/// threads (a long list takes a while).
async fn document(
    fmt: Format,
    name: String,
    xlsx: impl FnOnce() -> AppResult<Vec<u8>>,
    pdf: impl FnOnce() -> Result<Vec<u8>, crate::pdf::PdfError> + Send + 'static,
) -> AppResult<HttpResponse> {
    Ok(match fmt {
        Format::Xlsx => file(XLSX, format!("{name}.xlsx"), xlsx()?),
        Format::Pdf => {
            let bytes = tokio::task::spawn_blocking(pdf)
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?;
            file("application/pdf", format!("{name}.pdf"), bytes)
        }
    })
}

/// A list of awards (获奖名单 and the recommendation lists) as PDF or XLSX.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), ("ext" = String, Path, description = "pdf or xlsx"), DocQuery),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/events/{eid}/awards/list.{ext}")]
pub async fn award_list(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, String)>,
    q: web::Query<DocQuery>,
) -> AppResult<HttpResponse> {
    readers(&staff)?;
    let (eid, ext) = path.into_inner();
    let fmt = format_of(&ext)?;
    let list = match q.list.as_deref() {
        None => AwardList::Prizes,
        Some(s) => AwardList::parse(s).ok_or_else(|| {
            AppError::bad_request(ErrorCode::NotFound, "unknown list").with_zh("没有这种名单")
        })?,
    };
    let ev = setup::find_event(&state.db, EventId(eid)).await?;
    let g = setup::find_group(&state.db, GroupId(q.group)).await?;
    let all = awards::list(&state.db, EventId(eid), GroupId(q.group)).await?;
    let heading = format!("{} · {}", ev.name, g.name);
    let name = format!(
        "awards-{eid}-{}-{}",
        q.group,
        q.list.as_deref().unwrap_or("prizes")
    );
    let chosen: Vec<_> = awards::of_kinds(&all, list.kinds())
        .into_iter()
        .cloned()
        .collect();
    let for_pdf = chosen.clone();
    let title = heading.clone();
    document(
        fmt,
        name,
        || award_documents::awards_xlsx(list, &title, &chosen.iter().collect::<Vec<_>>()),
        move || {
            let refs: Vec<&AwardView> = for_pdf.iter().collect();
            award_documents::awards_pdf(list, &heading, &refs)
        },
    )
    .await
}

/// 成绩公示表 of a publication (provisional or final; default the latest) as PDF or XLSX.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("eid" = i32, Path), ("ext" = String, Path, description = "pdf or xlsx"), DocQuery),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/competitions/events/{eid}/results/list.{ext}")]
pub async fn results_list(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, String)>,
    q: web::Query<DocQuery>,
) -> AppResult<HttpResponse> {
    readers(&staff)?;
    let (eid, ext) = path.into_inner();
    let fmt = format_of(&ext)?;
    let history = publication::history(&state.db, EventId(eid), GroupId(q.group)).await?;
    let p = history
        .into_iter()
        .find(|p| q.version.is_none_or(|v| v == p.version))
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::NotFound, "no such publication")
                .with_zh("该组别尚未公布成绩（或没有该版本）")
        })?;
    let name = format!("results-{eid}-{}-v{}", q.group, p.version);
    let for_pdf = p.clone();
    document(
        fmt,
        name,
        || award_documents::publication_xlsx(&p),
        move || award_documents::publication_pdf(&for_pdf),
    )
    .await
}

/// Each judge's score sheets (裁判评分表) of a final as PDF or XLSX: codes, tasks, aspects and
/// entries with signature and date fields; names only after the decryption. 409
/// `task_not_locked` before every task is signed off.
#[utoipa::path(tag = "competitions", security(("bearer" = [])),
    params(("sid" = i32, Path), ("ext" = String, Path, description = "pdf or xlsx")),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[get("/competitions/stages/{sid}/judge-sheets.{ext}")]
pub async fn judge_sheets_file(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i32, String)>,
) -> AppResult<HttpResponse> {
    readers(&staff)?;
    let (sid, ext) = path.into_inner();
    let fmt = format_of(&ext)?;
    let (stage, sheets) = judge_sheets::load_sheets(&state.db, StageId(sid)).await?;
    let name = format!("judge-sheets-{sid}");
    let for_pdf = sheets.clone();
    document(
        fmt,
        name,
        || judge_sheets::sheets_xlsx(&sheets),
        move || judge_sheets::sheets_pdf(&stage, &for_pdf),
    )
    .await
}

/// Registers the awards routes under `/api`, each with its OpenAPI entry.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(policies)
        .service(save_policy)
        .service(group_awards)
        .service(evaluate)
        .service(issue)
        .service(award_list)
        .service(results_list)
        .service(judge_sheets_file);
}
