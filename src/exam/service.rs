//! Exam rules: saving a definition only when its blueprint can be filled from the banks, so a
//! shortage is found when the exam is written, never when candidates start.

use super::blueprint::{self, Shortage};
use super::definition::ExamDefinition;
use super::entity::exam as entity;
use super::repo;
use crate::audit::{self, Actor};
use crate::bank::model::QuestionKind;
use crate::error::{AppError, AppResult, ErrorCode};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// Typed id of an exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExamId(pub i32);

/// A cell the banks cannot fill, named so staff can find it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CellShortage {
    /// Section number, from 1.
    pub section: usize,
    /// Cell number within the section, from 1.
    pub cell: usize,
    /// The cell's bank.
    pub bank: String,
    /// The cell's category prefix, if any.
    pub category: Option<String>,
    /// The cell's kind.
    pub kind: QuestionKind,
    /// Difficulty band.
    pub difficulty: [u8; 2],
    /// Questions the cell draws.
    pub needed: usize,
    /// Questions surely available to it.
    pub available: usize,
    /// How many are missing.
    pub missing: usize,
}

/// Whether a definition's blueprint can be filled, and what it adds up to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Feasibility {
    /// True when every cell can be filled in every draw.
    pub feasible: bool,
    /// Questions per paper.
    pub questions: usize,
    /// Points per paper.
    pub total_points: f64,
    /// Active questions in the banks the blueprint uses.
    pub pool: usize,
    /// Every cell that cannot be filled.
    pub shortages: Vec<CellShortage>,
    /// What staff should know that does not stop the exam being saved.
    pub warnings: Vec<ExamWarning>,
}

/// A warning about a definition that can be saved as it is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExamWarning {
    /// `retake_repeats`: the pool cannot give every allowed sitting new questions, so a retake
    /// repeats some (the cells say where; `missing` is how many repeat at least). Or
    /// `retake_not_avoiding`: retakes are drawn without avoiding questions already seen.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
    /// Sittings allowed.
    pub sittings: u32,
    /// Questions the later sittings repeat at least, over all sittings.
    pub repeats: usize,
    /// Per cell: `needed` counts every sitting, `missing` the questions that must repeat.
    pub cells: Vec<CellShortage>,
}

fn cell_shortages(def: &ExamDefinition, found: Vec<Shortage>, per: usize) -> Vec<CellShortage> {
    found
        .into_iter()
        .map(|s: Shortage| {
            let c = &def.blueprint.sections[s.section].cells[s.cell];
            CellShortage {
                section: s.section + 1,
                cell: s.cell + 1,
                bank: c.bank.clone(),
                category: c.category.clone(),
                kind: c.kind,
                difficulty: [c.min_difficulty, c.max_difficulty],
                needed: s.needed,
                available: s.available,
                missing: s.needed.saturating_sub(s.available).min(c.count * per),
            }
        })
        .collect()
}

/// Whether retakes can draw new questions: every sitting's cells together must fit in the pool
/// (counted in the worst case, like the feasibility of one paper), or a retake repeats questions
/// the candidate has already seen, and perhaps seen the keys of.
fn retake_warnings(def: &ExamDefinition, pool: &[blueprint::PoolItem]) -> Vec<ExamWarning> {
    let sittings = def.attempts_allowed;
    if sittings < 2 {
        return vec![];
    }
    if !def.avoid_seen_on_retake {
        return vec![ExamWarning {
            code: "retake_not_avoiding",
            message: format!(
                "{sittings} sittings are allowed and retakes do not avoid questions already seen"
            ),
            sittings,
            repeats: 0,
            cells: vec![],
        }];
    }
    let mut all = def.blueprint.clone();
    for c in all.sections.iter_mut().flat_map(|s| s.cells.iter_mut()) {
        c.count *= sittings as usize;
    }
    let cells = cell_shortages(
        def,
        blueprint::feasibility(&all, pool),
        sittings as usize - 1,
    );
    if cells.is_empty() {
        return vec![];
    }
    let repeats = cells.iter().map(|c| c.missing).sum();
    vec![ExamWarning {
        code: "retake_repeats",
        message: format!(
            "the pool cannot give each of the {sittings} sittings new questions: at least {repeats} question(s) repeat on retakes"
        ),
        sittings,
        repeats,
        cells,
    }]
}

fn invalid(e: super::definition::DefinitionError) -> AppError {
    AppError::text(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidExam,
        e.text(),
    )
    .with_details(json!({ "reason": e.code() }))
}

/// Checks a definition against the banks as they are now.
pub async fn check(
    db: &impl ConnectionTrait,
    raw: ExamDefinition,
) -> AppResult<(ExamDefinition, Feasibility)> {
    let def = ExamDefinition::parse(raw).map_err(invalid)?;
    let banks = def.banks();
    let known = crate::bank::repo::bank_codes(db).await?;
    let unknown: Vec<&String> = banks
        .iter()
        .filter(|b| !known.values().any(|k| k == *b))
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::UnknownBank,
            format!("the blueprint names banks that do not exist: {unknown:?}"),
        ));
    }
    let pool = repo::pool(db, &banks).await?;
    let shortages = cell_shortages(&def, blueprint::feasibility(&def.blueprint, &pool), 1);
    let warnings = if shortages.is_empty() {
        retake_warnings(&def, &pool)
    } else {
        vec![]
    };
    let f = Feasibility {
        feasible: shortages.is_empty(),
        questions: def.blueprint.total_count(),
        total_points: def.blueprint.total_points(),
        pool: pool.len(),
        shortages,
        warnings,
    };
    Ok((def, f))
}

fn infeasible(f: &Feasibility) -> AppError {
    let first = f
        .shortages
        .first()
        .map(|s| {
            format!(
                "; section {} cell {} ({} {}) needs {} but only {} are available",
                s.section, s.cell, s.bank, s.kind, s.needed, s.available
            )
        })
        .unwrap_or_default();
    AppError::unprocessable(
        ErrorCode::BlueprintInfeasible,
        format!("{} cell(s) cannot be filled{first}", f.shortages.len()),
    )
    .with_details(f)
}

/// A stored exam with its checked definition.
pub struct Exam {
    /// The row.
    pub row: entity::Model,
    /// The definition.
    pub definition: ExamDefinition,
}

fn to_exam(row: entity::Model) -> AppResult<Exam> {
    let definition = serde_json::from_str(&row.definition).map_err(AppError::internal)?;
    Ok(Exam { row, definition })
}

/// Saves a new exam if its blueprint can be filled.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    raw: ExamDefinition,
) -> AppResult<(Exam, Feasibility)> {
    let txn = crate::db::begin_write(db).await?;
    let (def, f) = check(&txn, raw).await?;
    if !f.feasible {
        return Err(infeasible(&f));
    }
    let text = serde_json::to_string(&def).map_err(AppError::internal)?;
    let row = repo::insert(&txn, &def.name, &text, actor.id).await?;
    audit::record(
        &txn,
        actor,
        "exam.create",
        "exam",
        &row.id.to_string(),
        json!({"name": def.name}),
    )
    .await?;
    txn.commit().await?;
    Ok((
        Exam {
            row,
            definition: def,
        },
        f,
    ))
}

/// Replaces an exam's definition if its blueprint can be filled; `expected_version`, when given,
/// must be the current one.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ExamId,
    raw: ExamDefinition,
    expected_version: Option<i32>,
) -> AppResult<(Exam, Feasibility)> {
    let txn = crate::db::begin_write(db).await?;
    let current = get(&txn, id).await?;
    if let Some(v) = expected_version
        && v != current.row.version
    {
        return Err(AppError::conflict(
            ErrorCode::VersionConflict,
            format!(
                "the exam is at version {}, not {v}; reload it and edit again",
                current.row.version
            ),
        ));
    }
    let (def, f) = check(&txn, raw).await?;
    if !f.feasible {
        return Err(infeasible(&f));
    }
    let text = serde_json::to_string(&def).map_err(AppError::internal)?;
    let row = repo::update(&txn, &current.row, &def.name, &text).await?;
    audit::record(
        &txn,
        actor,
        "exam.update",
        "exam",
        &row.id.to_string(),
        json!({"name": def.name, "version": row.version}),
    )
    .await?;
    txn.commit().await?;
    Ok((
        Exam {
            row,
            definition: def,
        },
        f,
    ))
}

/// An exam, or 404.
pub async fn get(db: &impl ConnectionTrait, id: ExamId) -> AppResult<Exam> {
    let row = repo::find(db, id.0)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::ExamNotFound, format!("no exam {}", id.0)))?;
    to_exam(row)
}

/// Every exam, newest first.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<Exam>> {
    repo::list(db).await?.into_iter().map(to_exam).collect()
}
