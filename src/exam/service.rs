//! Exam rules: saving a definition only when its blueprint can be filled from the banks, so a
//! shortage is found when the exam is written, never when candidates start.

use super::blueprint::{self, Shortage};
use super::definition::ExamDefinition;
use super::entity::exam as entity;
use super::repo;
use crate::audit::{self, Actor};
use crate::bank::model::QuestionKind;
use crate::error::{AppError, AppResult};
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
}

fn invalid(e: super::definition::DefinitionError) -> AppError {
    AppError::unprocessable("invalid_exam", e.to_string())
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
            "unknown_bank",
            format!("the blueprint names banks that do not exist: {unknown:?}"),
        ));
    }
    let pool = repo::pool(db, &banks).await?;
    let shortages = blueprint::feasibility(&def.blueprint, &pool)
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
                missing: s.needed.saturating_sub(s.available),
            }
        })
        .collect::<Vec<_>>();
    let f = Feasibility {
        feasible: shortages.is_empty(),
        questions: def.blueprint.total_count(),
        total_points: def.blueprint.total_points(),
        pool: pool.len(),
        shortages,
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
        "blueprint_infeasible",
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
            "version_conflict",
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
        .ok_or_else(|| AppError::not_found("exam_not_found", format!("no exam {}", id.0)))?;
    to_exam(row)
}

/// Every exam, newest first.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<Exam>> {
    repo::list(db).await?.into_iter().map(to_exam).collect()
}
