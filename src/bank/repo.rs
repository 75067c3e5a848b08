//! Database access for banks, categories, questions, versions and images. Every function takes
//! a connection or a transaction; the service decides the transaction.

use super::entity::{bank, category, media, question, version};
use super::import::{Existing, NewMedia};
use super::lifecycle;
use super::model::{Question, QuestionKind, QuestionStatus};
use crate::db::stmt;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Rows per multi-row INSERT: under SQLite's bound-parameter limit for every table here.
const CHUNK: usize = 1000;

/// A bank by id.
pub async fn bank(db: &impl ConnectionTrait, id: i32) -> Result<Option<bank::Model>, DbErr> {
    bank::Entity::find_by_id(id).one(db).await
}

/// A bank by its code.
pub async fn bank_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<bank::Model>, DbErr> {
    bank::Entity::find()
        .filter(bank::Column::Code.eq(code))
        .one(db)
        .await
}

/// Code prefix of the hidden banks an import stages its new questions in. A real bank's code
/// cannot start with it (see `BankCode`), so no request can name one.
pub const STAGING_PREFIX: &str = "~IMPORT-";

/// Where a staged import stands, kept in its hidden bank's description so that a restart can
/// finish or undo it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Staging {
    /// The bank the questions are for.
    pub target: i32,
    /// How far it got.
    pub state: StagingState,
    /// Categories the import created in the target bank (removed again if the import is undone
    /// and they are still empty).
    pub categories: Vec<i32>,
}

/// How far a staged import got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StagingState {
    /// Questions are being written: a restart undoes it.
    Staging,
    /// All written and checked against the bank: a restart finishes the move.
    Publishing,
}

/// Creates the hidden bank an import stages its new questions in.
pub async fn create_staging(
    db: &impl ConnectionTrait,
    staging: &Staging,
) -> Result<bank::Model, DbErr> {
    let now = chrono::Utc::now();
    let code = format!(
        "{STAGING_PREFIX}{}-{:08x}",
        staging.target,
        rand::random::<u32>()
    );
    bank::ActiveModel {
        code: Set(code),
        name: Set("import staging".into()),
        description: Set(serde_json::to_string(staging).map_err(|e| DbErr::Custom(e.to_string()))?),
        synthetic: Set(true),
        review_required: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Records a staged import's state.
pub async fn set_staging(
    db: &impl ConnectionTrait,
    id: i32,
    staging: &Staging,
) -> Result<(), DbErr> {
    bank::ActiveModel {
        id: Set(id),
        description: Set(serde_json::to_string(staging).map_err(|e| DbErr::Custom(e.to_string()))?),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// The hidden staging banks left by imports that did not finish, with their state.
pub async fn stagings(db: &impl ConnectionTrait) -> Result<Vec<(bank::Model, Staging)>, DbErr> {
    Ok(bank::Entity::find()
        .filter(bank::Column::Code.starts_with(STAGING_PREFIX))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|b| {
            let s = serde_json::from_str(&b.description).ok()?;
            Some((b, s))
        })
        .collect())
}

/// Moves up to `limit` staged questions into their bank; returns how many moved.
pub async fn move_staged(
    db: &impl ConnectionTrait,
    staging: i32,
    target: i32,
    limit: usize,
) -> Result<u64, DbErr> {
    let r = db
        .execute_raw(stmt(
            db,
            &format!(
                "UPDATE questions SET bank_id = ? WHERE id IN \
                 (SELECT id FROM questions WHERE bank_id = ? ORDER BY id LIMIT {limit})"
            ),
            [target.into(), staging.into()],
        ))
        .await?;
    Ok(r.rows_affected())
}

/// Deletes up to `limit` staged questions with their versions; returns how many went.
pub async fn delete_staged(
    db: &impl ConnectionTrait,
    staging: i32,
    limit: usize,
) -> Result<u64, DbErr> {
    let ids = format!("SELECT id FROM questions WHERE bank_id = ? ORDER BY id LIMIT {limit}");
    db.execute_raw(stmt(
        db,
        &format!("DELETE FROM question_versions WHERE question_id IN ({ids})"),
        [staging.into()],
    ))
    .await?;
    let r = db
        .execute_raw(stmt(
            db,
            &format!("DELETE FROM questions WHERE id IN ({ids})"),
            [staging.into()],
        ))
        .await?;
    Ok(r.rows_affected())
}

/// Deletes a staging bank (its questions gone) and those of `categories` that hold nothing.
pub async fn drop_staging(
    db: &impl ConnectionTrait,
    staging: i32,
    categories: &[i32],
) -> Result<(), DbErr> {
    for c in categories.iter().rev() {
        db.execute_raw(stmt(
            db,
            "DELETE FROM categories WHERE id = ? \
             AND NOT EXISTS (SELECT 1 FROM questions WHERE category_id = ?) \
             AND NOT EXISTS (SELECT 1 FROM categories WHERE parent_id = ?)",
            [(*c).into(), (*c).into(), (*c).into()],
        ))
        .await?;
    }
    bank::Entity::delete_by_id(staging).exec(db).await?;
    Ok(())
}

/// Every bank by code, with how many questions each holds.
pub async fn banks_with_counts(
    db: &impl ConnectionTrait,
) -> Result<Vec<(bank::Model, i64)>, DbErr> {
    let banks = bank::Entity::find()
        .filter(bank::Column::Code.not_like(format!("{STAGING_PREFIX}%")))
        .order_by_asc(bank::Column::Code)
        .all(db)
        .await?;
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT bank_id, COUNT(*) AS n FROM questions GROUP BY bank_id",
            [],
        ))
        .await?;
    let mut counts = HashMap::new();
    for r in rows {
        counts.insert(r.try_get::<i32>("", "bank_id")?, r.try_get::<i64>("", "n")?);
    }
    Ok(banks
        .into_iter()
        .map(|b| {
            let n = counts.get(&b.id).copied().unwrap_or(0);
            (b, n)
        })
        .collect())
}

/// Bank id → code, for labelling search results.
pub async fn bank_codes(db: &impl ConnectionTrait) -> Result<HashMap<i32, String>, DbErr> {
    Ok(bank::Entity::find()
        .select_only()
        .column(bank::Column::Id)
        .column(bank::Column::Code)
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// How many questions a bank holds (any status).
pub async fn question_count(db: &impl ConnectionTrait, bank_id: i32) -> Result<i64, DbErr> {
    question::Entity::find()
        .filter(question::Column::BankId.eq(bank_id))
        .count(db)
        .await
        .map(|n| n as i64)
}

/// Inserts a bank.
pub async fn insert_bank(
    db: &impl ConnectionTrait,
    code: &str,
    name: &str,
    description: &str,
    synthetic: bool,
) -> Result<bank::Model, DbErr> {
    let now = chrono::Utc::now();
    bank::ActiveModel {
        code: Set(code.into()),
        name: Set(name.into()),
        description: Set(description.into()),
        synthetic: Set(synthetic),
        // New banks start without the two-person rule; staff turn it on per bank.
        review_required: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Saves a bank's changed fields.
pub async fn update_bank(
    db: &impl ConnectionTrait,
    mut am: bank::ActiveModel,
) -> Result<bank::Model, DbErr> {
    am.updated_at = Set(chrono::Utc::now());
    am.update(db).await
}

/// Every category of a bank, by path.
pub async fn categories(
    db: &impl ConnectionTrait,
    bank_id: i32,
) -> Result<Vec<category::Model>, DbErr> {
    category::Entity::find()
        .filter(category::Column::BankId.eq(bank_id))
        .order_by_asc(category::Column::Path)
        .all(db)
        .await
}

/// Questions per category of a bank (direct members only).
pub async fn category_counts(
    db: &impl ConnectionTrait,
    bank_id: i32,
) -> Result<HashMap<Option<i32>, i64>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT category_id, COUNT(*) AS n FROM questions WHERE bank_id = ? GROUP BY category_id",
            [bank_id.into()],
        ))
        .await?;
    let mut out = HashMap::new();
    for r in rows {
        out.insert(
            r.try_get::<Option<i32>>("", "category_id")?,
            r.try_get::<i64>("", "n")?,
        );
    }
    Ok(out)
}

/// Makes sure every path (and each of its prefixes) exists; returns path → category id.
pub async fn ensure_categories(
    db: &impl ConnectionTrait,
    bank_id: i32,
    paths: impl IntoIterator<Item = Vec<String>>,
) -> Result<HashMap<String, i32>, DbErr> {
    let mut known: HashMap<String, i32> = categories(db, bank_id)
        .await?
        .into_iter()
        .map(|c| (c.path, c.id))
        .collect();
    for path in paths {
        let mut parent: Option<i32> = None;
        let mut prefix = String::new();
        for name in path {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(&name);
            let id = match known.get(&prefix) {
                Some(id) => *id,
                None => {
                    let c = category::ActiveModel {
                        bank_id: Set(bank_id),
                        parent_id: Set(parent),
                        name: Set(name.clone()),
                        path: Set(prefix.clone()),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?;
                    known.insert(prefix.clone(), c.id);
                    c.id
                }
            };
            parent = Some(id);
        }
    }
    Ok(known)
}

/// Identifier → stored state, for every question of a bank.
pub async fn existing(
    db: &impl ConnectionTrait,
    bank_id: i32,
) -> Result<HashMap<String, Existing>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT q.id, q.ident, q.version, v.fingerprint FROM questions q \
             JOIN question_versions v ON v.question_id = q.id AND v.version = q.version \
             WHERE q.bank_id = ?",
            [bank_id.into()],
        ))
        .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        out.insert(
            r.try_get::<String>("", "ident")?,
            Existing {
                id: r.try_get("", "id")?,
                version: r.try_get("", "version")?,
                fingerprint: r.try_get("", "fingerprint")?,
            },
        );
    }
    Ok(out)
}

fn body_json(q: &Question) -> Result<String, DbErr> {
    serde_json::to_string(q.body()).map_err(|e| DbErr::Custom(e.to_string()))
}

fn category_of(q: &Question, categories: &HashMap<String, i32>) -> Option<i32> {
    (!q.category.is_empty())
        .then(|| categories.get(&q.category.join("/")).copied())
        .flatten()
}

/// Inserts new questions with their first version, in batches. `progress` is told how many
/// questions are written so far. Each row's status follows from the status its body was written
/// with and whether the bank requires review ([`lifecycle::on_entry`]).
pub async fn insert_questions(
    db: &impl ConnectionTrait,
    bank_id: i32,
    questions: &[Question],
    categories: &HashMap<String, i32>,
    created_by: Option<i32>,
    review_required: bool,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(), DbErr> {
    let now = chrono::Utc::now();
    for chunk in questions.chunks(CHUNK) {
        let rows = chunk.iter().map(|q| question::ActiveModel {
            bank_id: Set(bank_id),
            ident: Set(q.ident.clone()),
            category_id: Set(category_of(q, categories)),
            kind: Set(q.kind.code().into()),
            status: Set(lifecycle::on_entry(q.status, review_required).code().into()),
            difficulty: Set(q.difficulty.into()),
            points: Set(q.points),
            stem: Set(q.stem.clone()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        question::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    let mut done = 0;
    for chunk in questions.chunks(CHUNK) {
        // Only this chunk's ids: an import written in many transactions must not re-read the
        // whole bank each time.
        let ids: HashMap<String, i32> = question::Entity::find()
            .select_only()
            .column(question::Column::Ident)
            .column(question::Column::Id)
            .filter(question::Column::BankId.eq(bank_id))
            .filter(question::Column::Ident.is_in(chunk.iter().map(|q| q.ident.clone())))
            .into_tuple::<(String, i32)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let mut rows = Vec::with_capacity(chunk.len());
        for q in chunk {
            let id = *ids
                .get(&q.ident)
                .ok_or_else(|| DbErr::Custom(format!("question {} vanished", q.ident)))?;
            rows.push(version::ActiveModel {
                question_id: Set(id),
                version: Set(1),
                body: Set(body_json(q)?),
                fingerprint: Set(q.fingerprint()),
                created_by: Set(created_by),
                created_at: Set(now),
                ..Default::default()
            });
        }
        version::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        done += chunk.len();
        progress(done);
    }
    Ok(())
}

/// Writes a new version of a question and makes it current, with the row's lifecycle status
/// `status` (the body keeps the status it was written with).
pub async fn add_version(
    db: &impl ConnectionTrait,
    question_id: i32,
    version_no: i32,
    q: &Question,
    categories: &HashMap<String, i32>,
    created_by: Option<i32>,
    status: QuestionStatus,
) -> Result<question::Model, DbErr> {
    let now = chrono::Utc::now();
    version::ActiveModel {
        question_id: Set(question_id),
        version: Set(version_no),
        body: Set(body_json(q)?),
        fingerprint: Set(q.fingerprint()),
        created_by: Set(created_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    question::ActiveModel {
        id: Set(question_id),
        ident: Set(q.ident.clone()),
        category_id: Set(category_of(q, categories)),
        kind: Set(q.kind.code().into()),
        status: Set(status.code().into()),
        difficulty: Set(q.difficulty.into()),
        points: Set(q.points),
        stem: Set(q.stem.clone()),
        version: Set(version_no),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
}

/// The lifecycle status of each question of a bank, by question id.
pub async fn row_statuses(
    db: &impl ConnectionTrait,
    bank_id: i32,
) -> Result<HashMap<i32, QuestionStatus>, DbErr> {
    let rows: Vec<(i32, String)> = question::Entity::find()
        .select_only()
        .column(question::Column::Id)
        .column(question::Column::Status)
        .filter(question::Column::BankId.eq(bank_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, s)| QuestionStatus::parse(&s).map(|st| (id, st)))
        .collect())
}

/// Stores an image unless the same bytes are stored already.
pub async fn store_media(db: &impl ConnectionTrait, m: &NewMedia) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "INSERT INTO media (sha256, mime, size, data, created_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (sha256) DO NOTHING",
        [
            m.sha256.clone().into(),
            m.mime.clone().into(),
            (m.data.len() as i64).into(),
            m.data.clone().into(),
            chrono::Utc::now().into(),
        ],
    ))
    .await
    .map(|_| ())
}

/// A stored image.
pub async fn media(db: &impl ConnectionTrait, sha256: &str) -> Result<Option<media::Model>, DbErr> {
    media::Entity::find_by_id(sha256.to_string()).one(db).await
}

/// Stored images by hash.
pub async fn media_many(
    db: &impl ConnectionTrait,
    hashes: Vec<String>,
) -> Result<Vec<media::Model>, DbErr> {
    if hashes.is_empty() {
        return Ok(vec![]);
    }
    media::Entity::find()
        .filter(media::Column::Sha256.is_in(hashes))
        .all(db)
        .await
}

/// A question's row.
pub async fn question(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<question::Model>, DbErr> {
    question::Entity::find_by_id(id).one(db).await
}

/// One version of a question.
pub async fn version(
    db: &impl ConnectionTrait,
    question_id: i32,
    version_no: i32,
) -> Result<Option<version::Model>, DbErr> {
    version::Entity::find()
        .filter(version::Column::QuestionId.eq(question_id))
        .filter(version::Column::Version.eq(version_no))
        .one(db)
        .await
}

/// Every version of a question, oldest first.
pub async fn versions(
    db: &impl ConnectionTrait,
    question_id: i32,
) -> Result<Vec<version::Model>, DbErr> {
    version::Entity::find()
        .filter(version::Column::QuestionId.eq(question_id))
        .order_by_asc(version::Column::Version)
        .all(db)
        .await
}

/// The current version of every question of a bank, in identifier order (for export).
pub async fn current_versions(
    db: &impl ConnectionTrait,
    bank_id: i32,
) -> Result<Vec<version::Model>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT v.id, v.question_id, v.version, v.body, v.fingerprint, v.created_by, v.created_at \
             FROM questions q JOIN question_versions v ON v.question_id = q.id AND v.version = q.version \
             WHERE q.bank_id = ? ORDER BY q.ident",
            [bank_id.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(version::Model {
                id: r.try_get("", "id")?,
                question_id: r.try_get("", "question_id")?,
                version: r.try_get("", "version")?,
                body: r.try_get("", "body")?,
                fingerprint: r.try_get("", "fingerprint")?,
                created_by: r.try_get("", "created_by")?,
                created_at: r.try_get("", "created_at")?,
            })
        })
        .collect()
}

/// What to look for in a question search.
#[derive(Debug, Default, Clone)]
pub struct Search {
    /// Only this bank.
    pub bank_id: Option<i32>,
    /// Only these categories (a category and its descendants, resolved by the caller).
    pub category_ids: Option<Vec<i32>>,
    /// Text in the stem or identifier.
    pub text: Option<String>,
    /// Only this kind.
    pub kind: Option<QuestionKind>,
    /// Only this status.
    pub status: Option<QuestionStatus>,
    /// Only this difficulty.
    pub difficulty: Option<u8>,
}

/// One page of questions matching a search, and the total count.
pub async fn search(
    db: &impl ConnectionTrait,
    s: &Search,
    page: u64,
    per_page: u64,
) -> Result<(u64, Vec<question::Model>), DbErr> {
    let mut q = question::Entity::find();
    match s.bank_id {
        Some(b) => q = q.filter(question::Column::BankId.eq(b)),
        // Not the questions an import is still staging.
        None => {
            q = q.filter(sea_orm::sea_query::Expr::cust(format!(
                "bank_id NOT IN (SELECT id FROM banks WHERE code LIKE '{STAGING_PREFIX}%')"
            )))
        }
    }
    if let Some(ids) = &s.category_ids {
        q = q.filter(question::Column::CategoryId.is_in(ids.clone()));
    }
    if let Some(t) = &s.text {
        let like = format!("%{t}%");
        q = q.filter(
            Condition::any()
                .add(question::Column::Stem.like(like.clone()))
                .add(question::Column::Ident.like(like)),
        );
    }
    if let Some(k) = s.kind {
        q = q.filter(question::Column::Kind.eq(k.code()));
    }
    if let Some(st) = s.status {
        q = q.filter(question::Column::Status.eq(st.code()));
    }
    if let Some(d) = s.difficulty {
        q = q.filter(question::Column::Difficulty.eq(i16::from(d)));
    }
    let total = q.clone().count(db).await?;
    let items = q
        .order_by_asc(question::Column::BankId)
        .order_by_asc(question::Column::Ident)
        // Any page number is accepted; past the end it is simply empty (never an overflow).
        .offset(
            page.saturating_sub(1)
                .saturating_mul(per_page)
                .min(i64::MAX as u64),
        )
        .limit(per_page)
        .all(db)
        .await?;
    Ok((total, items))
}

/// A question's row by bank and identifier.
pub async fn question_by_ident(
    db: &impl ConnectionTrait,
    bank_id: i32,
    ident: &str,
) -> Result<Option<question::Model>, DbErr> {
    question::Entity::find()
        .filter(question::Column::BankId.eq(bank_id))
        .filter(question::Column::Ident.eq(ident))
        .one(db)
        .await
}
