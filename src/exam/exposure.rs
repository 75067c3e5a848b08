//! Per-session reports on the draw: how often each question was on the session's papers and
//! how much two candidates' papers share ([`crate::analytics::exposure`]), and what measured
//! difficulty changed in the spread of expected scores ([`super::paper::draw_report`]).

use super::attempt::ExamRuntime;
use super::attempt_repo;
use super::blueprint::BlueprintError;
use super::entity::session;
use super::paper::{DrawIndex, DrawReport, Paper};
use super::service::ExamId;
use crate::analytics::exposure::{self, Overlap};
use crate::error::{AppError, AppResult};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;

/// One question's exposure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionExposure {
    /// The question.
    pub question_id: i32,
    /// Papers of this session holding it.
    pub papers: u32,
    /// Share of the session's papers holding it (0–1).
    pub share: f64,
    /// Papers holding it in the blueprint's exposure period up to now, all sessions.
    pub period_papers: u32,
}

/// Exposure and overlap in a session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionExposure {
    /// The session.
    pub session_id: i32,
    /// Questions per paper.
    pub per_paper: usize,
    /// Overlap between two candidates' papers (mean shared fraction over every pair).
    pub overlap: Overlap,
    /// The blueprint's exposure period in days and its cap, if any.
    pub period_days: u32,
    /// At most this many papers per period per question.
    pub cap: Option<u32>,
    /// Papers holding a question over its cap (a cell would otherwise have been short).
    pub papers_over_cap: u32,
    /// Per question on any paper, most exposed first.
    pub questions: Vec<QuestionExposure>,
}

/// The session's exposure per question and the overlap rate of its papers.
pub async fn session_exposure(
    db: &DatabaseConnection,
    s: &session::Model,
) -> AppResult<SessionExposure> {
    let definition = match attempt_repo::snapshot(db, s.id).await? {
        Some(snap) => serde_json::from_str::<super::definition::ExamDefinition>(&snap.definition)
            .map_err(AppError::internal)?,
        None => super::service::get(db, ExamId(s.exam_id)).await?.definition,
    };
    let papers: Vec<Paper> = attempt_repo::attempts_in_session(db, s.id)
        .await?
        .iter()
        .map(|a| serde_json::from_str(&a.paper).map_err(AppError::internal))
        .collect::<AppResult<_>>()?;
    let lists: Vec<Vec<i32>> = papers
        .iter()
        .map(|p| p.items.iter().map(|i| i.question_id).collect())
        .collect();
    let counts = exposure::counts(lists.iter().map(Vec::as_slice));
    let per_paper = definition.blueprint.total_count();
    let n = papers.len() as u32;
    let rule = &definition.blueprint.draw;
    let period = i32::try_from(rule.exposure_period_days).unwrap_or(i32::MAX);
    let since = super::repo::exposure_day(chrono::Utc::now()) - period + 1;
    let period_counts = super::repo::exposure_since(db, since).await?;
    let just: Vec<u32> = counts.iter().map(|&(_, c)| c).collect();
    let mut questions: Vec<QuestionExposure> = counts
        .iter()
        .map(|&(question_id, c)| QuestionExposure {
            question_id,
            papers: c,
            share: if n > 0 {
                f64::from(c) / f64::from(n)
            } else {
                0.0
            },
            period_papers: period_counts.get(&question_id).copied().unwrap_or(0),
        })
        .collect();
    questions.sort_by(|a, b| {
        b.papers
            .cmp(&a.papers)
            .then(a.question_id.cmp(&b.question_id))
    });
    Ok(SessionExposure {
        session_id: s.id,
        per_paper,
        overlap: exposure::overlap(&just, n, per_paper),
        period_days: rule.exposure_period_days,
        cap: rule.exposure_cap,
        papers_over_cap: papers.iter().filter(|p| p.over_cap > 0).count() as u32,
        questions,
    })
}

/// What measuring changed in a session's draw.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionDrawReport {
    /// The session.
    pub session_id: i32,
    /// Whether the pool is the session's frozen one; otherwise the pool as a freeze now would
    /// take it (nothing is frozen by asking).
    pub frozen: bool,
    /// Questions in the pool, and how many of them carry measurements.
    pub pool: usize,
    /// Of which measured.
    pub measured: usize,
    /// The spreads before and after.
    pub report: DrawReport,
}

/// A parallel-paper target to try instead of the blueprint's, on its 1–5 scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WhatIfTarget {
    target: f64,
    tolerance: f64,
}

impl WhatIfTarget {
    /// Checks the values as a blueprint would; the tolerance defaults to the blueprint default.
    pub fn parse(target: f64, tolerance: Option<f64>) -> Result<Self, BlueprintError> {
        let tolerance = tolerance.unwrap_or(super::blueprint::DEFAULT_TOLERANCE);
        if !(tolerance.is_finite() && tolerance >= 0.0) {
            return Err(BlueprintError::BadTolerance(tolerance));
        }
        if !(1.0..=5.0).contains(&target) {
            return Err(BlueprintError::BadTarget(target));
        }
        Ok(Self { target, tolerance })
    }
}

/// Draws `papers` papers from the session's pool by the author's difficulty alone and with
/// measured facility, and reports the spread of expected scores of both under the measured
/// facility; with `what_if`, both ways aim at that target instead of the blueprint's.
pub async fn draw_report(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    s: &session::Model,
    papers: u32,
    what_if: Option<WhatIfTarget>,
) -> AppResult<SessionDrawReport> {
    let (index, measured, frozen) = match attempt_repo::snapshot(db, s.id).await? {
        Some(snap) => {
            let pool: Vec<super::blueprint::PoolItem> =
                serde_json::from_str(&snap.pool).map_err(AppError::internal)?;
            let measured = pool.iter().filter(|p| p.measured.is_some()).count();
            let f = rt.frozen(db, s).await?;
            (f.index.clone(), measured, true)
        }
        None => {
            let exam = super::service::get(db, ExamId(s.exam_id)).await?;
            let mut pool = super::repo::pool(db, &exam.definition.banks()).await?;
            let period = i32::try_from(exam.definition.blueprint.draw.exposure_period_days)
                .unwrap_or(i32::MAX);
            let since = super::repo::exposure_day(chrono::Utc::now()) - period + 1;
            super::repo::annotate_pool(db, &mut pool, since).await?;
            let measured = pool.iter().filter(|p| p.measured.is_some()).count();
            (
                DrawIndex::build(&exam.definition.blueprint, &pool),
                measured,
                false,
            )
        }
    };
    let index = match what_if {
        Some(w) => index.with_target(w.target, w.tolerance),
        None => index,
    };
    let pool = index.pool_size();
    let report = tokio::task::spawn_blocking(move || super::paper::draw_report(&index, papers))
        .await
        .map_err(AppError::internal)?;
    Ok(SessionDrawReport {
        session_id: s.id,
        frozen,
        pool,
        measured,
        report,
    })
}
