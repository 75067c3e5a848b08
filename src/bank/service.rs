//! Bank rules: creating banks, importing and exporting files, writing and versioning questions,
//! loading the shipped banks. Each user action is one transaction.

use super::entity::{bank, question, version};
use super::format::text::{image_refs, media_hash};
use super::format::{self, Attachment, Format};
use super::import::{self, ImportReport, Landing, OnConflict};
use super::lifecycle;
use super::model::{Question, QuestionBody, QuestionStatus};
use super::repo;
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, IntoActiveModel};
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;

/// A bank code: 1–32 characters of A–Z, 0–9, `-`, `_`; stored uppercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankCode(String);

impl BankCode {
    /// Checks and uppercases a proposed code.
    pub fn parse(s: &str) -> AppResult<BankCode> {
        let s = s.trim().to_ascii_uppercase();
        let ok = (1..=32).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if ok {
            Ok(BankCode(s))
        } else {
            Err(AppError::unprocessable(
                ErrorCode::InvalidBankCode,
                "a bank code has 1–32 characters: letters A–Z, digits, '-' or '_'",
            )
            .with_zh("题库代码须为 1–32 个字符：大写字母 A–Z、数字、“-”或“_”"))
        }
    }
    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Typed id of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct QuestionId(pub i32);

/// A bank by code, or 404.
pub async fn get_bank(db: &impl ConnectionTrait, code: &str) -> AppResult<bank::Model> {
    let code = BankCode::parse(code)
        .map_err(|_| AppError::not_found(ErrorCode::BankNotFound, format!("no bank {code:?}")))?;
    repo::bank_by_code(db, code.as_str()).await?.ok_or_else(|| {
        AppError::not_found(
            ErrorCode::BankNotFound,
            format!("no bank {}", code.as_str()),
        )
    })
}

/// Creates a bank; 409 if the code is taken.
pub async fn create_bank(
    db: &DatabaseConnection,
    actor: &Actor,
    code: BankCode,
    name: &str,
    description: &str,
) -> AppResult<bank::Model> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidBankName,
            "a bank needs a name",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    if repo::bank_by_code(&txn, code.as_str()).await?.is_some() {
        return Err(AppError::conflict(
            ErrorCode::BankExists,
            format!("a bank with code {} exists", code.as_str()),
        ));
    }
    let b = repo::insert_bank(&txn, code.as_str(), name, description.trim(), false).await?;
    audit::record(
        &txn,
        actor,
        "bank.create",
        "bank",
        &b.code,
        json!({"name": b.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(b)
}

/// Renames or re-describes a bank.
pub async fn update_bank(
    db: &DatabaseConnection,
    actor: &Actor,
    code: &str,
    name: Option<String>,
    description: Option<String>,
) -> AppResult<bank::Model> {
    let txn = crate::db::begin_write(db).await?;
    let b = get_bank(&txn, code).await?;
    let mut am = b.clone().into_active_model();
    if let Some(n) = &name {
        if n.trim().is_empty() {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidBankName,
                "a bank needs a name",
            ));
        }
        am.name = Set(n.trim().to_string());
    }
    if let Some(d) = &description {
        am.description = Set(d.trim().to_string());
    }
    let b = repo::update_bank(&txn, am).await?;
    audit::record(
        &txn,
        actor,
        "bank.update",
        "bank",
        &b.code,
        json!({"name": name, "description": description}),
    )
    .await?;
    txn.commit().await?;
    Ok(b)
}

/// How an import runs.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// What to do with identifiers the bank holds with other content.
    pub on_conflict: OnConflict,
    /// Report only; write nothing.
    pub dry_run: bool,
    /// Where items the file marks active land: as written, as drafts or in review (nobody
    /// draws a draft or a question in review). In a bank with the two-person rule, items that
    /// land active go to review anyway (see [`lifecycle::on_entry`]).
    pub landing: Landing,
}

/// Reads a file and imports it into a bank (see [`import_parsed`]).
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    bank: &bank::Model,
    format: Format,
    bytes: impl AsRef<[u8]> + Send + 'static,
    options: ImportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<ImportReport> {
    let parsed = read_off_workers(format, bytes).await?;
    import_parsed(db, actor, bank, format, parsed, options, progress).await
}

/// Reads a file on a blocking thread: a big file takes seconds to parse, and on an async
/// worker that would stall every other request the worker holds (saves, health checks).
pub async fn read_off_workers(
    format: Format,
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> AppResult<format::ParsedFile> {
    let parsed = tokio::task::spawn_blocking(move || format::read(format, bytes.as_ref()))
        .await
        .map_err(AppError::internal)??;
    Ok(parsed)
}

/// Imports what a reader got out of a file: all of it in one transaction, or (on a conflict
/// under `reject`, or a dry run) nothing. `progress(done, total)` follows the writing.
///
/// The plan (every item checked against the bank) is made before the write transaction, on a
/// blocking thread, so the database's write lock (SQLite has one for everything, candidates'
/// saves included) is held only while rows are written. Inside the transaction the bank is read
/// again; if it changed meanwhile, nothing is written and the caller is told to send it again.
pub async fn import_parsed(
    db: &DatabaseConnection,
    actor: &Actor,
    bank: &bank::Model,
    format: Format,
    parsed: format::ParsedFile,
    options: ImportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<ImportReport> {
    let ImportOptions {
        on_conflict,
        dry_run,
        landing,
    } = options;
    let existing = repo::existing(db, bank.id).await?;
    let code = bank.code.clone();
    let (plan, existing) = tokio::task::spawn_blocking(move || {
        let plan = import::plan(
            parsed,
            format,
            &code,
            &existing,
            on_conflict,
            dry_run,
            landing,
        );
        (plan, existing)
    })
    .await
    .map_err(AppError::internal)?;
    if on_conflict == OnConflict::Reject && plan.report.conflicts > 0 {
        let n = plan.report.conflicts;
        return Err(AppError::conflict(
            ErrorCode::IdentifierExists,
            format!(
                "{n} item(s) have identifiers the bank already holds with other content; \
                 nothing was imported (choose on_conflict=update or skip)"
            ),
        )
        .with_zh(format!(
            "有 {n} 道题的编号在题库中已存在且内容不同，未导入任何题目（可选择“更新”或“跳过”）"
        ))
        .with_details(&plan.report));
    }
    if dry_run {
        return Ok(plan.report);
    }
    let total = plan.new.len() + plan.changed.len();
    progress(0, total);
    let paths = plan
        .new
        .iter()
        .chain(plan.changed.iter().map(|(_, _, q)| q))
        .filter(|q| !q.category.is_empty())
        .map(|q| q.category.clone())
        .collect::<std::collections::BTreeSet<_>>();

    // 1. Images, categories and a hidden bank to stage the new questions in.
    let txn = crate::db::begin_write(db).await?;
    for m in &plan.media {
        repo::store_media(&txn, m).await?;
    }
    let before: std::collections::HashSet<i32> = repo::categories(&txn, bank.id)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let categories = repo::ensure_categories(&txn, bank.id, paths).await?;
    let mut staging = repo::Staging {
        target: bank.id,
        state: repo::StagingState::Staging,
        categories: categories
            .values()
            .copied()
            .filter(|id| !before.contains(id))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    let hidden = repo::create_staging(&txn, &staging).await?;
    txn.commit().await?;

    // 2. The new questions, a short transaction per chunk so that other writers (candidates'
    //    saves above all) get the lock in between. Nobody sees them yet.
    let staged = async {
        let n = stage_chunk(db);
        for (k, chunk) in plan.new.chunks(n).enumerate() {
            let txn = crate::db::begin_write(db).await?;
            repo::insert_questions(
                &txn,
                hidden.id,
                chunk,
                &categories,
                actor.id,
                bank.review_required,
                &|_| {},
            )
            .await?;
            txn.commit().await?;
            progress(k * n + chunk.len(), total);
        }
        // 3. Still the bank the plan was made against? Then nothing can stop the import now.
        let txn = crate::db::begin_write(db).await?;
        if repo::existing(&txn, bank.id).await? != existing {
            return Err(AppError::conflict(
                ErrorCode::BankChanged,
                "The bank changed while the file was being read; nothing was imported, send the \
                 file again",
            )
            .with_zh("题库在读取文件期间被修改，未导入任何题目，请重新提交"));
        }
        staging.state = repo::StagingState::Publishing;
        repo::set_staging(&txn, hidden.id, &staging).await?;
        txn.commit().await?;
        Ok(())
    }
    .await;
    if let Err(e) = staged {
        // Undo what was staged; if even that fails, the next start does it.
        if let Err(undo) = undo_staging(db, hidden.id, &staging.categories).await {
            tracing::warn!(
                "import into {}: undo of the staged questions failed: {undo}",
                bank.code
            );
        }
        return Err(e);
    }

    // 4. Publish: move the staged questions into the bank, then the new versions of changed
    //    ones, in short transactions; a restart in between finishes the move (see
    //    `recover_imports`).
    publish_staging(db, hidden.id, bank.id).await?;
    let n = stage_chunk(db) / 4;
    for (k, chunk) in plan.changed.chunks(n).enumerate() {
        let txn = crate::db::begin_write(db).await?;
        for (id, version_no, q) in chunk {
            let status = lifecycle::on_entry(q.status, bank.review_required);
            repo::add_version(&txn, *id, *version_no, q, &categories, actor.id, status).await?;
        }
        txn.commit().await?;
        progress(plan.new.len() + k * n + chunk.len(), total);
    }
    let txn = crate::db::begin_write(db).await?;
    repo::drop_staging(&txn, hidden.id, &[]).await?;
    let r = &plan.report;
    audit::record(
        &txn,
        actor,
        "bank.import",
        "bank",
        &bank.code,
        json!({"format": format, "total": r.total, "imported": r.imported, "updated": r.updated,
               "unchanged": r.unchanged, "skipped": r.skipped, "images": r.images}),
    )
    .await?;
    txn.commit().await?;
    Ok(plan.report)
}

/// Questions written (or moved) per transaction by an import. SQLite has one write lock for
/// everything: small enough that a candidate's save waits only milliseconds for it. PostgreSQL
/// locks rows, so larger chunks there only save round trips.
fn stage_chunk(db: &DatabaseConnection) -> usize {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => 5000,
        _ => 500,
    }
}

/// Moves every staged question of a hidden bank into its bank, a chunk per transaction.
async fn publish_staging(db: &DatabaseConnection, hidden: i32, target: i32) -> AppResult<()> {
    loop {
        let txn = crate::db::begin_write(db).await?;
        let moved = repo::move_staged(&txn, hidden, target, stage_chunk(db)).await?;
        txn.commit().await?;
        if moved == 0 {
            return Ok(());
        }
    }
}

/// Deletes what an import staged, a chunk per transaction, and the categories it made.
async fn undo_staging(db: &DatabaseConnection, hidden: i32, categories: &[i32]) -> AppResult<()> {
    loop {
        let txn = crate::db::begin_write(db).await?;
        let gone = repo::delete_staged(&txn, hidden, stage_chunk(db)).await?;
        if gone == 0 {
            repo::drop_staging(&txn, hidden, categories).await?;
            txn.commit().await?;
            return Ok(());
        }
        txn.commit().await?;
    }
}

/// Finishes or undoes the imports a stop interrupted: one whose questions were all written and
/// checked is published, any other is removed with the categories it made. Runs at start, on
/// stagings untouched for `min_age` (with several instances on PostgreSQL another one may be
/// importing right now; SQLite has one server).
pub async fn recover_imports(
    db: &DatabaseConnection,
    min_age: std::time::Duration,
) -> AppResult<usize> {
    let cutoff = chrono::Utc::now() - chrono::Duration::from_std(min_age).unwrap_or_default();
    let stagings: Vec<_> = repo::stagings(db)
        .await?
        .into_iter()
        .filter(|(b, _)| b.updated_at <= cutoff)
        .collect();
    for (hidden, s) in &stagings {
        if s.state == repo::StagingState::Publishing {
            publish_staging(db, hidden.id, s.target).await?;
            let txn = crate::db::begin_write(db).await?;
            repo::drop_staging(&txn, hidden.id, &[]).await?;
            txn.commit().await?;
        } else {
            undo_staging(db, hidden.id, &s.categories).await?;
        }
    }
    Ok(stagings.len())
}

/// Checks that every stored image a stem names exists.
async fn check_images(db: &impl ConnectionTrait, q: &Question) -> AppResult<()> {
    for r in image_refs(&q.stem) {
        match media_hash(&r.target) {
            Some(h) if repo::media(db, h).await?.is_some() => {}
            _ => {
                return Err(AppError::unprocessable(
                    ErrorCode::UnknownImage,
                    format!(
                        "the stem shows {}, which is not a stored image; upload it to /api/media first",
                        r.target
                    ),
                )
                .with_zh(format!("题干中的图片 {} 尚未上传，请先上传图片", r.target)));
            }
        }
    }
    Ok(())
}

/// A question that is (or waits to be) drawn must be markable (see [`Question::markable`]):
/// 422 `question_not_markable` otherwise; a draft may be saved unfinished.
pub fn refuse_unmarkable(q: &Question, status: QuestionStatus) -> AppResult<()> {
    if matches!(status, QuestionStatus::Active | QuestionStatus::InReview) && !q.markable() {
        return Err(AppError::unprocessable(
            ErrorCode::QuestionNotMarkable,
            "简答题需要参考答案，实操题需要参考答案或评分细则，才能启用 / a short answer needs a \
             reference answer and a practical task a reference answer or marking scheme before \
             it can be active",
        ));
    }
    Ok(())
}

/// Adds one question to a bank.
pub async fn create_question(
    db: &DatabaseConnection,
    actor: &Actor,
    bank: &bank::Model,
    body: QuestionBody,
) -> AppResult<question::Model> {
    let mut q = Question::parse(body)?;
    refuse_unmarkable(&q, lifecycle::on_entry(q.status, bank.review_required))?;
    if q.ident.is_empty() {
        let ident = format!("Q-{}", q.fingerprint());
        q = q.with_ident(ident)?;
    }
    let txn = crate::db::begin_write(db).await?;
    check_images(&txn, &q).await?;
    if repo::question_by_ident(&txn, bank.id, &q.ident)
        .await?
        .is_some()
    {
        return Err(AppError::conflict(
            ErrorCode::IdentifierExists,
            format!("the bank already has a question {}", q.ident),
        ));
    }
    let cats = repo::ensure_categories(&txn, bank.id, [q.category.clone()]).await?;
    repo::insert_questions(
        &txn,
        bank.id,
        std::slice::from_ref(&q),
        &cats,
        actor.id,
        bank.review_required,
        &|_| {},
    )
    .await?;
    let row = repo::question_by_ident(&txn, bank.id, &q.ident)
        .await?
        .ok_or_else(|| AppError::internal("inserted question not found"))?;
    audit::record(
        &txn,
        actor,
        "question.create",
        "question",
        &row.id.to_string(),
        json!({"bank": bank.code, "ident": q.ident}),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// A question with its current content.
pub struct QuestionDetail {
    /// The row.
    pub row: question::Model,
    /// The bank's code.
    pub bank: String,
    /// The current version's content, with the row's lifecycle status.
    pub question: Question,
    /// The status the current version's body was written with (part of its fingerprint).
    pub written_status: QuestionStatus,
    /// The current version's fingerprint.
    pub fingerprint: String,
}

impl QuestionDetail {
    /// The lifecycle status (the row's).
    pub fn status(&self) -> QuestionStatus {
        self.question.status
    }
}

/// A stored version's content as a checked question (stored bodies were checked when written).
pub fn parse_stored(v: &version::Model) -> AppResult<Question> {
    let body: QuestionBody = serde_json::from_str(&v.body).map_err(AppError::internal)?;
    Question::parse(body).map_err(AppError::internal)
}

/// A question's row and current content, or 404.
pub async fn question_detail(
    db: &impl ConnectionTrait,
    id: QuestionId,
) -> AppResult<QuestionDetail> {
    let row = repo::question(db, id.0).await?.ok_or_else(|| {
        AppError::not_found(ErrorCode::QuestionNotFound, format!("no question {}", id.0))
    })?;
    let v = repo::version(db, row.id, row.version)
        .await?
        .ok_or_else(|| AppError::internal(format!("question {} lacks its version", row.id)))?;
    let b = repo::bank(db, row.bank_id)
        .await?
        .ok_or_else(|| AppError::internal("question without bank"))?;
    let stored = parse_stored(&v)?;
    let written_status = stored.status;
    let status = QuestionStatus::parse(&row.status).ok_or_else(|| {
        AppError::internal(format!("question {} has status {}", row.id, row.status))
    })?;
    Ok(QuestionDetail {
        question: stored.with_status(status),
        row,
        bank: b.code,
        written_status,
        fingerprint: v.fingerprint,
    })
}

/// One stored version of a question, or 404.
pub async fn question_version(
    db: &impl ConnectionTrait,
    id: QuestionId,
    version_no: i32,
) -> AppResult<(version::Model, Question)> {
    let v = repo::version(db, id.0, version_no).await?.ok_or_else(|| {
        AppError::not_found(
            ErrorCode::VersionNotFound,
            format!("question {} has no version {version_no}", id.0),
        )
    })?;
    let q = parse_stored(&v)?;
    Ok((v, q))
}

/// Saves an edit as a new version (old versions stay as they were, for the attempts that used
/// them). `expected_version`, when given, must be the current one, so two editors cannot
/// silently overwrite each other. An edit that changes nothing makes no version.
///
/// The body's status is not the editor's to change here (that is what the review actions are
/// for): the new version's status follows [`lifecycle::after_edit`], so under the two-person
/// rule an edited active question goes back to review and is not drawn until approved.
pub async fn update_question(
    db: &DatabaseConnection,
    actor: &Actor,
    id: QuestionId,
    mut body: QuestionBody,
    expected_version: Option<i32>,
) -> AppResult<QuestionDetail> {
    let txn = crate::db::begin_write(db).await?;
    let current = question_detail(&txn, id).await?;
    if let Some(v) = expected_version
        && v != current.row.version
    {
        return Err(AppError::conflict(
            ErrorCode::VersionConflict,
            format!(
                "the question is at version {}, not {v}; reload it and edit again",
                current.row.version
            ),
        )
        .with_zh(format!(
            "试题已是第 {} 版（您编辑的是第 {v} 版），请重新打开后再修改",
            current.row.version
        )));
    }
    if body.ident.trim().is_empty() {
        body.ident = current.row.ident.clone();
    }
    // Compared (and stored) with the status the current version was written with, so the
    // fingerprint tells content changes only.
    body.status = current.written_status;
    let q = Question::parse(body)?;
    if q.fingerprint() == current.fingerprint && q.ident == current.row.ident {
        return Ok(current);
    }
    let bank = repo::bank(&txn, current.row.bank_id)
        .await?
        .ok_or_else(|| AppError::internal("question without bank"))?;
    let status = lifecycle::after_edit(current.status(), bank.review_required);
    refuse_unmarkable(&q, status)?;
    if q.ident != current.row.ident
        && repo::question_by_ident(&txn, current.row.bank_id, &q.ident)
            .await?
            .is_some()
    {
        return Err(AppError::conflict(
            ErrorCode::IdentifierExists,
            format!("the bank already has a question {}", q.ident),
        ));
    }
    check_images(&txn, &q).await?;
    let cats = repo::ensure_categories(&txn, current.row.bank_id, [q.category.clone()]).await?;
    let next = current.row.version + 1;
    let row = repo::add_version(&txn, id.0, next, &q, &cats, actor.id, status).await?;
    if status != current.status() {
        super::review::record_edit(&txn, actor, id, next, current.status(), status).await?;
    }
    audit::record(
        &txn,
        actor,
        "question.update",
        "question",
        &id.0.to_string(),
        json!({"bank": current.bank, "ident": q.ident, "version": next, "status": status.code()}),
    )
    .await?;
    txn.commit().await?;
    let fingerprint = q.fingerprint();
    Ok(QuestionDetail {
        row,
        bank: current.bank,
        written_status: q.status,
        question: q.with_status(status),
        fingerprint,
    })
}

/// Writes a bank's current questions in a format, with the images they use.
pub async fn export(
    db: &impl ConnectionTrait,
    bank: &bank::Model,
    format: Format,
) -> AppResult<Vec<u8>> {
    let versions = repo::current_versions(db, bank.id).await?;
    // The lifecycle status is the row's; a file written from the bank says where each
    // question stands now.
    let statuses = repo::row_statuses(db, bank.id).await?;
    let questions = versions
        .iter()
        .map(|v| {
            let q = parse_stored(v)?;
            Ok(match statuses.get(&v.question_id) {
                Some(&st) => q.with_status(st),
                None => q,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let hashes: Vec<String> = questions
        .iter()
        .flat_map(|q| image_refs(&q.stem))
        .filter_map(|r| media_hash(&r.target).map(str::to_string))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let attachments: Vec<Attachment> = repo::media_many(db, hashes)
        .await?
        .into_iter()
        .map(|m| Attachment {
            name: m.sha256,
            mime: m.mime,
            data: m.data,
        })
        .collect();
    let out = if format == Format::Native {
        format::native::write_bank(
            Some(&bank.code),
            &bank.name,
            Some(&bank.description)
                .filter(|d| !d.is_empty())
                .map(|d| d.as_str()),
            bank.synthetic,
            &questions,
            &attachments,
        )
    } else {
        format::write(format, &bank.name, &questions, &attachments)
    };
    Ok(out?)
}

/// Stores an uploaded image; returns its hash.
pub async fn store_image(
    db: &DatabaseConnection,
    actor: &Actor,
    data: Vec<u8>,
) -> AppResult<(String, String)> {
    let mime = format::text::sniff_image(&data).ok_or_else(|| {
        AppError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedImage,
            "only PNG, JPEG, GIF, WebP and BMP images are accepted",
        )
        .with_zh("只接受 PNG、JPEG、GIF、WebP 和 BMP 格式的图片")
    })?;
    let m = import::to_media(Attachment {
        name: String::new(),
        mime: mime.to_string(),
        data,
    });
    let txn = crate::db::begin_write(db).await?;
    repo::store_media(&txn, &m).await?;
    audit::record(
        &txn,
        actor,
        "media.upload",
        "media",
        &m.sha256,
        json!({"mime": mime, "size": m.data.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok((m.sha256, m.mime))
}

/// What loading one shipped bank file did.
pub struct Loaded {
    /// The file.
    pub file: String,
    /// The import report.
    pub report: ImportReport,
}

/// Loads every `*.toml` bank in a folder: creates missing banks, adds new questions, stores
/// changed ones as new versions, leaves unchanged ones alone. Synthetic banks are not loaded.
pub async fn load_shipped(db: &DatabaseConnection, dir: &Path) -> AppResult<Vec<Loaded>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| AppError::internal(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let name = path.display().to_string();
        let bytes = std::fs::read(&path)
            .map_err(|e| AppError::internal(format!("cannot read {name}: {e}")))?;
        let parsed =
            format::native::read(&bytes).map_err(|e| AppError::internal(format!("{name}: {e}")))?;
        if parsed.synthetic {
            continue;
        }
        let code = parsed
            .bank_code
            .as_deref()
            .ok_or_else(|| AppError::internal(format!("{name}: [bank] has no code")))?;
        let code = BankCode::parse(code)?;
        let bank_name = parsed
            .bank_name
            .clone()
            .unwrap_or_else(|| code.as_str().into());
        let description = parsed.bank_description.clone().unwrap_or_default();
        let bank = match repo::bank_by_code(db, code.as_str()).await? {
            Some(b) if b.name == bank_name && b.description == description => b,
            Some(b) => {
                let mut am = b.into_active_model();
                am.name = Set(bank_name);
                am.description = Set(description);
                repo::update_bank(db, am).await?
            }
            None => repo::insert_bank(db, code.as_str(), &bank_name, &description, false).await?,
        };
        // The shipped banks are active as written: their review is question-bank/REVIEW.md.
        let options = ImportOptions {
            on_conflict: OnConflict::Update,
            dry_run: false,
            landing: Landing::AsWritten,
        };
        let report = import_parsed(
            db,
            &Actor::system(),
            &bank,
            Format::Native,
            parsed,
            options,
            &|_, _| {},
        )
        .await?;
        out.push(Loaded { file: name, report });
    }
    Ok(out)
}

/// Category ids of a path and everything below it.
pub async fn category_subtree(
    db: &impl ConnectionTrait,
    bank_id: i32,
    path: &str,
) -> AppResult<Vec<i32>> {
    let path = path.trim().trim_matches('/');
    let prefix = format!("{path}/");
    Ok(repo::categories(db, bank_id)
        .await?
        .into_iter()
        .filter(|c| c.path == path || c.path.starts_with(&prefix))
        .map(|c| c.id)
        .collect())
}

/// Questions per category path of a bank, counting descendants.
pub async fn category_tree_counts(
    db: &impl ConnectionTrait,
    bank_id: i32,
) -> AppResult<(Vec<super::entity::category::Model>, HashMap<i32, i64>)> {
    let cats = repo::categories(db, bank_id).await?;
    let direct = repo::category_counts(db, bank_id).await?;
    let by_id: HashMap<i32, &super::entity::category::Model> =
        cats.iter().map(|c| (c.id, c)).collect();
    let mut totals: HashMap<i32, i64> = HashMap::new();
    for (cat, n) in direct {
        let mut cur = cat;
        while let Some(id) = cur {
            *totals.entry(id).or_default() += n;
            cur = by_id.get(&id).and_then(|c| c.parent_id);
        }
    }
    Ok((cats, totals))
}
