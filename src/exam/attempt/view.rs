//! What a candidate's tablet reads: the paper (no key), the attempt's state, and the result
//! and review once released.

use super::runtime::{ExamRuntime, Sitting};
use super::{AttemptId, at, clock_of, now_ms, taken_over};
use crate::auth::CandidateAuth;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::attempt_repo::{self as repo};
use crate::exam::definition::{ExamDefinition, Review};
use crate::exam::delivery::{self, DeliveredQuestion, TabletResponse};
use crate::exam::entity::attempt::{AttemptStatus, SubmittedBy};
use crate::exam::entity::{attempt, session};
use crate::exam::grading::{self, AttemptResult};
use crate::exam::practical_part::{self, CandidatePractical};
use crate::exam::scoring::Response;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// One saved answer as the tablet sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedAnswer {
    /// The question.
    pub question_id: i32,
    /// The answer, in the tablet's terms.
    pub response: TabletResponse,
    /// Its sequence number.
    pub seq: i64,
    /// When it was saved.
    pub saved_at: DateTime<Utc>,
}

/// A result as a candidate sees it once released.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResultView {
    /// Points earned.
    pub total: f64,
    /// Points available.
    pub max: f64,
    /// Pass or fail; none while answers wait for marking.
    pub passed: Option<bool>,
    /// True when nothing waits for marking.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The pass line.
    pub pass_line: f64,
    /// Per section.
    pub sections: Vec<grading::SectionResult>,
    /// Per question: earned, right or not, and (if the exam shows them) the key and the
    /// explanation. Empty while the review is withheld.
    pub items: Vec<ReviewItem>,
    /// Why the review (keys, explanations, right or wrong per question) is not shown yet:
    /// `sittings_left` (the candidate may sit again, or is sitting) or `session_open` (the exam
    /// shows it once the session has closed); none once it is shown.
    pub review_withheld: Option<&'static str>,
    /// While answers wait for marking: whether the points still to be marked could lift the
    /// total to the pass line (false: the candidate cannot pass whatever the marker gives).
    /// None once the result is final.
    pub can_still_pass: Option<bool>,
    /// With a practical part: whether the theory (this paper) passed; `passed` and `final` are
    /// then the assessment's, both parts together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theory_passed: Option<bool>,
    /// With a practical part: the practical score and each task's (no judges' names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practical: Option<CandidatePractical>,
}

/// One question of a released result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewItem {
    /// The question.
    pub question_id: i32,
    /// Points earned; none while waiting for a marker.
    pub earned: Option<f64>,
    /// Points available.
    pub max: f64,
    /// Fully right (objective questions).
    pub correct: Option<bool>,
    /// The key in the tablet's terms (option ids, true/false, accepted blanks), when the exam
    /// shows explanations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<serde_json::Value>,
    /// The explanation (解析), when the exam shows explanations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

/// An attempt's state as its tablet sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptState {
    /// The attempt.
    pub id: i32,
    /// `in_progress`, `paused` or `submitted`.
    #[schema(value_type = String)]
    pub status: AttemptStatus,
    /// The server's clock (tablets count down from this, not their own clock).
    pub server_time: DateTime<Utc>,
    /// Started.
    pub started_at: DateTime<Utc>,
    /// When time is up (while paused: if resumed now).
    pub deadline: DateTime<Utc>,
    /// Seconds left (stands still while paused; 0 once submitted).
    pub remaining_seconds: i64,
    /// Questions answered.
    pub answered: usize,
    /// Questions on the paper.
    pub total: usize,
    /// Every saved answer.
    pub answers: Vec<SavedAnswer>,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Who submitted: `candidate`, `timeout` or `staff`.
    #[schema(value_type = Option<String>)]
    pub submitted_by: Option<SubmittedBy>,
    /// The result, once released.
    pub result: Option<ResultView>,
    /// While paused: the reason the proctor gave, which the tablet shows over the paper.
    pub pause_reason: Option<String>,
    /// Whole minutes of extra time given so far (the tablet announces each increase).
    pub extended_minutes: i64,
    /// The flagged questions and the current one, so a new tablet opens where the old one was.
    pub position: super::Position,
}

/// The exam as the paper header shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaperExam {
    /// Name.
    pub name: String,
    /// Time allowed.
    pub time_limit_minutes: u32,
    /// Points on the paper.
    pub total_points: f64,
    /// Points needed to pass.
    pub pass_line: f64,
}

/// A section header.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaperSection {
    /// Index (0-based).
    pub index: usize,
    /// Title.
    pub title: String,
    /// Questions in it.
    pub count: usize,
    /// Points in it.
    pub points: f64,
}

/// The paper as the tablet gets it: no key, options under opaque ids.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaperView {
    /// The attempt.
    pub attempt_id: i32,
    /// The exam.
    pub exam: PaperExam,
    /// Section headers.
    pub sections: Vec<PaperSection>,
    /// The questions in the candidate's order.
    pub questions: Vec<DeliveredQuestion>,
}

/// The attempt a candidate token opens, if its login is still the newest.
pub async fn own_attempt(
    db: &DatabaseConnection,
    auth: &CandidateAuth,
    id: AttemptId,
) -> AppResult<attempt::Model> {
    auth.opens(id.0)?;
    let a = repo::attempt(db, id.0)
        .await?
        .filter(|a| a.candidate_id == auth.candidate_id)
        .ok_or_else(|| AppError::not_found(ErrorCode::AttemptNotFound, "no such attempt"))?;
    if a.device_gen != auth.device_gen {
        return Err(taken_over());
    }
    Ok(a)
}

pub(super) async fn session_of(
    db: &DatabaseConnection,
    a: &attempt::Model,
) -> AppResult<session::Model> {
    crate::exam::repo::session(db, a.session_id)
        .await?
        .ok_or_else(|| AppError::internal("attempt without session"))
}

/// The candidate's paper.
pub async fn paper(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
) -> AppResult<PaperView> {
    let a = own_attempt(db, auth, id).await?;
    let s = session_of(db, &a).await?;
    let frozen = rt.frozen(db, &s).await?;
    let sitting = rt.sitting(db, &a).await?;
    let def = &frozen.definition;
    let mut questions = Vec::with_capacity(sitting.paper.items.len());
    for (n, item) in sitting.paper.items.iter().enumerate() {
        let q = sitting.questions.get(&item.version_id).ok_or_else(|| {
            AppError::internal(format!("question version {} missing", item.version_id))
        })?;
        questions.push(delivery::deliver_item(a.seed as u64, n + 1, item, q));
    }
    let sections = def
        .blueprint
        .sections
        .iter()
        .enumerate()
        .map(|(i, sec)| {
            let items = sitting.paper.items.iter().filter(|it| it.section == i);
            PaperSection {
                index: i,
                title: sec.title.clone(),
                count: items.clone().count(),
                points: items.map(|it| it.points).sum(),
            }
        })
        .collect();
    Ok(PaperView {
        attempt_id: a.id,
        exam: PaperExam {
            name: def.name.clone(),
            time_limit_minutes: def.time_limit_minutes,
            total_points: sitting.paper.total_points(),
            // An equated paper's own pass mark (see exam::paper).
            pass_line: sitting.paper.pass_line(def.pass_line),
        },
        sections,
        questions,
    })
}

/// Whether a session's results are visible to its candidates ([`crate::exam::outcome::released`]).
pub fn released(def: &ExamDefinition, s: &session::Model) -> bool {
    crate::exam::outcome::released(def, s)
}

pub(super) async fn view(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    s: &session::Model,
    a: &attempt::Model,
) -> AppResult<AttemptState> {
    let rows = repo::answers(db, a.id).await?;
    let seed = a.seed as u64;
    let sitting = rt.sitting(db, a).await?;
    let answers = rows
        .iter()
        .map(|r| {
            let resp: Response = serde_json::from_str(&r.response).map_err(AppError::internal)?;
            Ok(SavedAnswer {
                question_id: r.question_id,
                response: delivery::to_tablet(seed, r.question_id, &resp),
                seq: r.seq,
                saved_at: at(r.saved_ms),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let now = now_ms();
    let clock = clock_of(a);
    let submitted = a.status == AttemptStatus::Submitted;
    let frozen = rt.frozen(db, s).await?;
    let result = match (&a.result, submitted && released(&frozen.definition, s)) {
        (Some(json), true) => {
            let r: AttemptResult = serde_json::from_str(json).map_err(AppError::internal)?;
            let withheld = review_state(db, rt, &frozen.definition, s, a).await?;
            let mut v = review(&frozen.definition, &sitting, seed, r, withheld);
            if practical_part::has_part(db, s.id).await? {
                let p = CandidatePractical::of(
                    practical_part::of_candidate(db, a.candidate_id)
                        .await?
                        .as_ref(),
                );
                v.theory_passed = v.passed;
                (v.passed, v.is_final) = p.combined(v.passed, v.is_final);
                v.practical = Some(p);
            }
            Some(v)
        }
        _ => None,
    };
    Ok(AttemptState {
        id: a.id,
        status: a.status,
        server_time: at(now),
        started_at: at(a.started_ms),
        deadline: at(clock.deadline_ms(now)),
        remaining_seconds: if submitted {
            0
        } else {
            clock.remaining_ms(now) / 1000
        },
        answered: rows
            .iter()
            .filter(|r| serde_json::from_str::<Response>(&r.response).is_ok_and(|r| !r.is_empty()))
            .count(),
        total: sitting.paper.items.len(),
        answers,
        submitted_at: a.submitted_ms.map(at),
        submitted_by: a.submitted_by,
        result,
        pause_reason: super::pause_reason(db, a).await?,
        extended_minutes: super::extended_minutes(a),
        position: super::position_of(db, a.id).await?,
    })
}

/// Why a candidate may not see the review of a submitted paper yet, or none when they may.
/// Pure: `sittings_used` counts the candidate's attempts, `sitting_now` is true while one of
/// them still runs (an earlier paper's keys would help with it), `session_closed` is true once
/// the session's window has passed and none of its attempts still runs.
pub fn review_withheld(
    def: &ExamDefinition,
    sittings_used: usize,
    sitting_now: bool,
    session_closed: bool,
) -> Option<&'static str> {
    if session_closed {
        return None;
    }
    let all_used = sittings_used as u64 >= u64::from(def.attempts_allowed);
    match def.review {
        Review::AfterClose => Some("session_open"),
        Review::NoSittingsLeft if all_used && !sitting_now => None,
        Review::NoSittingsLeft => Some("sittings_left"),
    }
}

/// Whether a result that waits for marking can still reach the pass line: the points earned
/// plus every point still waiting for a marker. None once final (`passed` says it then).
pub fn can_still_pass(r: &AttemptResult, pass_line: f64) -> Option<bool> {
    if r.is_final {
        return None;
    }
    let waiting: f64 = r
        .items
        .iter()
        .filter(|i| i.earned.is_none())
        .map(|i| i.max)
        .sum();
    // Points are sums of halves and the like; a hair of tolerance keeps 59.999… from failing 60.
    Some(r.total + waiting + 1e-6 >= pass_line)
}

/// [`review_withheld`] for a candidate's attempt, read from the database.
async fn review_state(
    db: &DatabaseConnection,
    _rt: &ExamRuntime,
    def: &ExamDefinition,
    s: &session::Model,
    a: &attempt::Model,
) -> AppResult<Option<&'static str>> {
    let closed = Utc::now() >= s.ends_at && repo::open_in_session(db, s.id).await? == 0;
    let (used, sitting_now) = if closed || def.review == Review::AfterClose {
        (0, false)
    } else {
        let all = repo::attempts_of(db, a.candidate_id).await?;
        let running = all.iter().any(|x| x.status != AttemptStatus::Submitted);
        (all.len(), running)
    };
    Ok(review_withheld(def, used, sitting_now, closed))
}

pub(super) fn review(
    def: &ExamDefinition,
    sitting: &Sitting,
    seed: u64,
    r: AttemptResult,
    withheld: Option<&'static str>,
) -> ResultView {
    use crate::bank::model::Key;
    let pass_line = sitting.paper.pass_line(def.pass_line);
    let can_still_pass = can_still_pass(&r, pass_line);
    // While withheld, not even right or wrong per question: with a true/false paper that is the key.
    let shown = if withheld.is_none() {
        &r.items[..]
    } else {
        &[]
    };
    let items = shown
        .iter()
        .map(|i| {
            let q = delivery::item_for(&sitting.paper, i.question_id)
                .and_then(|it| sitting.questions.get(&it.version_id));
            let (key, explanation) = match (def.show_explanations, q) {
                (true, Some(q)) => {
                    let key = match &q.key {
                        Key::Choice { correct } => Some(json!({"selected": correct
                            .iter()
                            .map(|&c| delivery::option_id(seed, i.question_id, c))
                            .collect::<Vec<_>>()})),
                        Key::TrueFalse { value } => Some(json!({"value": value})),
                        Key::Blanks { accepted } => Some(json!({"accepted": accepted})),
                        Key::Open { reference } => Some(json!({"reference": reference})),
                    };
                    (key, Some(q.explanation.clone()))
                }
                _ => (None, None),
            };
            ReviewItem {
                question_id: i.question_id,
                earned: i.earned,
                max: i.max,
                correct: i.correct,
                key,
                explanation,
            }
        })
        .collect();
    ResultView {
        total: r.total,
        max: r.max,
        passed: r.passed,
        is_final: r.is_final,
        pass_line,
        sections: r.sections,
        items,
        review_withheld: withheld,
        can_still_pass,
        theory_passed: None,
        practical: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def(review: &str, attempts: u32) -> ExamDefinition {
        serde_json::from_value(json!({
            "name": "复考", "time_limit_minutes": 30, "pass_line": 6, "attempts_allowed": attempts,
            "release": "at_submit", "review": review,
            "blueprint": {"sections": [{"cells": [{"bank": "LAW", "kind": "true_false", "count": 15, "points": 1}]}]}
        }))
        .unwrap()
    }

    fn result(total: f64, waiting: &[f64], is_final: bool) -> AttemptResult {
        let mut items = vec![grading::ItemResult {
            question_id: 1,
            section: 0,
            max: total,
            earned: Some(total),
            correct: Some(true),
            manual: false,
            answered: true,
        }];
        for (n, m) in waiting.iter().enumerate() {
            items.push(grading::ItemResult {
                question_id: n as i32 + 2,
                section: 0,
                max: *m,
                earned: None,
                correct: None,
                manual: true,
                answered: true,
            });
        }
        AttemptResult {
            total,
            max: total + waiting.iter().sum::<f64>(),
            passed: None,
            is_final,
            pending: waiting.len(),
            sections: vec![],
            items,
        }
    }

    #[test]
    fn a_result_waiting_for_marking_says_whether_the_pass_line_is_still_in_reach() {
        assert_eq!(
            can_still_pass(&result(50.0, &[5.0, 5.0], false), 60.0),
            Some(true)
        );
        assert_eq!(
            can_still_pass(&result(49.5, &[5.0, 5.0], false), 60.0),
            Some(false),
            "even full marks on both short answers leave it at 59.5"
        );
        assert_eq!(
            can_still_pass(&result(59.9, &[0.1], false), 60.0),
            Some(true)
        );
        assert_eq!(
            can_still_pass(&result(70.0, &[], true), 60.0),
            None,
            "final"
        );
    }

    #[test]
    fn the_review_waits_for_the_last_sitting_or_the_close_of_the_session() {
        let d = def("no_sittings_left", 2);
        assert_eq!(review_withheld(&d, 1, false, false), Some("sittings_left"));
        assert_eq!(
            review_withheld(&d, 2, true, false),
            Some("sittings_left"),
            "not while the last sitting runs: the first paper's keys would help"
        );
        assert_eq!(review_withheld(&d, 2, false, false), None);
        assert_eq!(
            review_withheld(&d, 1, false, true),
            None,
            "nobody can sit again"
        );
        let d = def("after_close", 1);
        assert_eq!(review_withheld(&d, 1, false, false), Some("session_open"));
        assert_eq!(review_withheld(&d, 1, false, true), None);
    }
}
