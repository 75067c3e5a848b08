//! After the exam: the short-answer marking queue, a session's results table (ranked, with
//! CSV and XLSX export), releasing results to candidates, and the paper audit that re-derives
//! a paper from its seed.

use super::attempt::ExamRuntime;
use super::attempt::{self, Frozen};
use super::attempt_repo as repo;
use super::entity::{attempt as attempt_entity, session};
use super::identity::IdNumber;
use super::practical_part::{self, PracticalColumn};
use super::ranking;
use super::session::SessionId;
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

/// Typed id of a mark (one answer in the marking queue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkId(pub i32);

/// One answer in the marking queue, with what the marker needs. Candidates appear by an
/// anonymous work code, never by name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MarkingItem {
    /// The mark's id (what to PUT the points to).
    pub id: i32,
    /// Anonymous work code of the attempt.
    pub work_code: String,
    /// The question.
    pub question_id: i32,
    /// The stem.
    pub stem: String,
    /// The reference answer.
    pub reference: String,
    /// The rubric (评分标准).
    pub rubric: String,
    /// What the candidate wrote.
    pub answer: String,
    /// False when the candidate left it blank (未作答): it still needs a marker's mark.
    pub answered: bool,
    /// Points available on this paper.
    pub max_points: f64,
    /// The question's points in its bank (what the rubric is usually written for); the
    /// marker scales when the paper weighs it differently.
    pub question_points: f64,
    /// Points given, once marked.
    pub points: Option<f64>,
    /// The marker's comment.
    pub comment: String,
    /// When it was marked.
    pub marked_at: Option<DateTime<Utc>>,
}

/// An attempt's anonymous work code: stable, short, and not the candidate's ticket.
fn work_code(attempt_id: i32, seed: i64) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(format!("work-{attempt_id}-{seed}").as_bytes());
    format!("W{}", hex::encode_upper(&h[..4]))
}

/// The marking queue of a session (only unmarked answers when `pending`).
pub async fn marking_queue(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    session: SessionId,
    pending: bool,
) -> AppResult<Vec<MarkingItem>> {
    let marks = repo::marks_in_session(db, session.0, pending).await?;
    let versions: Vec<i32> = marks.iter().map(|m| m.version_id).collect();
    let questions = rt.questions(db, &versions).await?;
    let mut out = Vec::with_capacity(marks.len());
    let mut attempts: HashMap<i32, attempt_entity::Model> = HashMap::new();
    for m in marks {
        if !attempts.contains_key(&m.attempt_id)
            && let Some(a) = repo::attempt(db, m.attempt_id).await?
        {
            attempts.insert(a.id, a);
        }
        let Some(a) = attempts.get(&m.attempt_id) else {
            continue;
        };
        let response = repo::answers(db, a.id)
            .await?
            .into_iter()
            .find(|r| r.question_id == m.question_id)
            .and_then(|r| serde_json::from_str::<super::scoring::Response>(&r.response).ok())
            .filter(|r| !r.is_empty());
        let answered = response.is_some();
        let answer = response
            .map(|r| match r {
                super::scoring::Response::Text { text } => text,
                other => serde_json::to_string(&other).unwrap_or_default(),
            })
            .unwrap_or_default();
        let q = questions.get(&m.version_id);
        out.push(MarkingItem {
            id: m.id,
            work_code: work_code(a.id, a.seed),
            question_id: m.question_id,
            stem: q.map(|q| q.stem.clone()).unwrap_or_default(),
            reference: q
                .map(|q| match &q.key {
                    crate::bank::model::Key::Open { reference } => reference.clone(),
                    _ => String::new(),
                })
                .unwrap_or_default(),
            rubric: q.map(|q| q.rubric.clone()).unwrap_or_default(),
            answer,
            answered,
            max_points: m.max_points,
            question_points: q.map(|q| q.points).unwrap_or(m.max_points),
            points: m.points,
            comment: m.comment,
            marked_at: m.marked_at,
        });
    }
    Ok(out)
}

/// A checked mark, with what re-grading its attempt needs: made by [`plan_mark`] outside any
/// transaction, written by [`apply_mark`] inside the caller's.
pub struct MarkPlan {
    mark: super::entity::mark::Model,
    attempt: attempt_entity::Model,
    session: session::Model,
    frozen: std::sync::Arc<Frozen>,
    sitting: std::sync::Arc<attempt::Sitting>,
    points: f64,
    comment: String,
}

impl MarkPlan {
    /// The session of the marked answer.
    pub fn session(&self) -> &session::Model {
        &self.session
    }

    /// The candidate whose answer it is.
    pub fn candidate_id(&self) -> i32 {
        self.attempt.candidate_id
    }

    /// The mark.
    pub fn mark_id(&self) -> MarkId {
        MarkId(self.mark.id)
    }
}

/// Checks a marker's points for one answer (0 to the points on the paper, a comment of at
/// most 2,000 characters) and loads what re-grading needs.
pub async fn plan_mark(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    id: MarkId,
    points: f64,
    comment: &str,
) -> AppResult<MarkPlan> {
    let m = repo::mark(db, id.0)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::MarkNotFound, format!("no mark {}", id.0)))?;
    if !(points.is_finite() && (0.0..=m.max_points + 1e-9).contains(&points)) {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidPoints,
            format!("points must be from 0 to {}", m.max_points),
        ));
    }
    let points = (points * 100.0).round() / 100.0;
    if comment.chars().count() > 2000 {
        return Err(AppError::unprocessable(
            ErrorCode::CommentTooLong,
            "a comment holds at most 2,000 characters",
        ));
    }
    let a = repo::attempt(db, m.attempt_id)
        .await?
        .ok_or_else(|| AppError::internal("mark without attempt"))?;
    let s = super::repo::session(db, a.session_id)
        .await?
        .ok_or_else(|| AppError::internal("attempt without session"))?;
    let frozen = rt.frozen(db, &s).await?;
    let sitting = rt.sitting(db, &a).await?;
    Ok(MarkPlan {
        mark: m,
        attempt: a,
        session: s,
        frozen,
        sitting,
        points,
        comment: comment.trim().to_string(),
    })
}

/// Records the planned mark and re-grades its attempt inside the caller's transaction; the
/// result becomes final (pass or fail decided) when its last hand-marked item is marked.
/// Audited.
pub async fn apply_mark(
    txn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    p: &MarkPlan,
) -> AppResult<super::grading::AttemptResult> {
    let a = &p.attempt;
    repo::set_mark(txn, p.mark.id, p.points, &p.comment, actor.id).await?;
    let marks: HashMap<i32, Option<f64>> = repo::marks_of(txn, a.id)
        .await?
        .into_iter()
        .map(|m| (m.question_id, m.points))
        .collect();
    let answers = attempt::parse_answers(&repo::answers(txn, a.id).await?)?;
    let result = attempt::grade(&p.frozen, &p.sitting, &answers, &marks);
    attempt::store(txn, a.id, &result).await?;
    audit::record(
        txn,
        actor,
        "attempt.mark",
        "attempt",
        &a.id.to_string(),
        json!({"mark": p.mark.id, "question_id": p.mark.question_id, "points": p.points, "was": p.mark.points, "final": result.is_final}),
    )
    .await?;
    Ok(result)
}

/// One item of the marking queue, as it stands now.
pub async fn marking_item(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    session: SessionId,
    id: MarkId,
) -> AppResult<MarkingItem> {
    marking_queue(db, rt, session, false)
        .await?
        .into_iter()
        .find(|i| i.id == id.0)
        .ok_or_else(|| AppError::internal("mark vanished"))
}

/// One row of a session's results table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResultRow {
    /// Rank by score among final results (equal scores share a rank).
    pub rank: Option<usize>,
    /// Ticket number.
    pub ticket: String,
    /// Name.
    pub name: String,
    /// ID number, masked.
    pub id_number: String,
    /// Employer.
    pub employer: String,
    /// Room name.
    pub room: String,
    /// Seat.
    pub seat: i32,
    /// The attempt counted (the latest).
    pub attempt_id: Option<i32>,
    /// `not_started` (the session is still open), `absent` (it has closed), `in_progress`,
    /// `paused`, `submitted` (waiting for marking), `final` or `terminated` (ended for
    /// misconduct: not passed, no rank).
    pub status: String,
    /// Points earned.
    pub score: Option<f64>,
    /// Points available.
    pub max: Option<f64>,
    /// Pass or fail, once final.
    pub passed: Option<bool>,
    /// Points per section, in paper order.
    pub sections: Vec<f64>,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// With a practical part: the theory points (as `score`), else none.
    pub theory_score: Option<f64>,
    /// With a practical part: whether the theory passed, once final.
    pub theory_passed: Option<bool>,
    /// The practical score out of 100, once recorded.
    pub practical_score: Option<f64>,
    /// The practical result is final (every task locked).
    pub practical_final: bool,
    /// Whether the practical part passed, once final.
    pub practical_passed: Option<bool>,
    /// Each practical task's score out of 100, in the order of `practical_tasks`.
    pub practical_tasks: Vec<Option<f64>>,
}

/// A session's results with its totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionResults {
    /// The session.
    pub session_id: i32,
    /// Section titles, in paper order.
    pub section_titles: Vec<String>,
    /// Candidates on the roster.
    pub candidates: usize,
    /// Candidates who started.
    pub sat: usize,
    /// Candidates with a final result.
    pub final_results: usize,
    /// Candidates who passed.
    pub passed: usize,
    /// Passed / final results (0 when there are none).
    pub pass_rate: f64,
    /// Mean final score.
    pub mean: Option<f64>,
    /// When results were released to candidates (or `at_submit`).
    pub released: bool,
    /// Points needed to pass (none before anyone has sat).
    pub pass_line: Option<f64>,
    /// The session has a practical part: a result needs both parts (`practical_pending`
    /// until the practical result is final).
    pub has_practical: bool,
    /// The practical tasks scored so far, in task order.
    pub practical_tasks: Vec<PracticalColumn>,
    /// One row per candidate, by rank, then ticket.
    pub rows: Vec<ResultRow>,
}

/// The results table of a session.
pub async fn session_results(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    s: &session::Model,
) -> AppResult<SessionResults> {
    let outcomes = super::outcome::of_session(db, s).await?;
    let rooms: HashMap<i32, String> = super::repo::rooms(db, s.id)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let sat = outcomes.iter().filter(|o| o.attempt.is_some()).count();
    let frozen: Option<std::sync::Arc<Frozen>> = if sat == 0 {
        None
    } else {
        Some(rt.frozen(db, s).await?)
    };
    let titles: Vec<String> = frozen
        .as_ref()
        .map(|f| {
            f.definition
                .blueprint
                .sections
                .iter()
                .map(|s| s.title.clone())
                .collect()
        })
        .unwrap_or_default();
    let has_practical = outcomes.iter().any(|o| o.has_practical);
    let columns = practical_part::columns(outcomes.iter().filter_map(|o| o.practical.as_ref()));
    let mut rows: Vec<ResultRow> = outcomes
        .iter()
        .map(|o| {
            let c = &o.candidate;
            let a = o.attempt.as_ref();
            let result: Option<super::grading::AttemptResult> = a
                .and_then(|a| a.result.as_deref())
                .and_then(|r| serde_json::from_str(r).ok());
            ResultRow {
                rank: None,
                ticket: c.ticket.clone(),
                name: c.name.clone(),
                id_number: IdNumber::parse(&c.id_number)
                    .map(|i| i.masked())
                    .unwrap_or_else(|_| "******".into()),
                employer: c.employer.clone(),
                room: rooms.get(&c.room_id).cloned().unwrap_or_default(),
                seat: c.seat,
                attempt_id: a.map(|a| a.id),
                score: a.and_then(|a| a.score),
                max: a.map(|a| a.max_score),
                passed: o.passed(),
                sections: result
                    .map(|r| r.sections.iter().map(|s| s.earned).collect())
                    .unwrap_or_default(),
                submitted_at: a
                    .and_then(|a| a.submitted_ms)
                    .and_then(|ms| Utc.timestamp_millis_opt(ms).single()),
                status: o.standing.code().to_string(),
                theory_score: o.has_practical.then(|| a.and_then(|a| a.score)).flatten(),
                theory_passed: o.has_practical.then(|| o.theory_passed()).flatten(),
                practical_score: o.practical.as_ref().map(|p| p.score),
                practical_final: o.practical.as_ref().is_some_and(|p| p.final_),
                practical_passed: o.practical.as_ref().filter(|p| p.final_).map(|p| p.passed),
                practical_tasks: o
                    .practical
                    .as_ref()
                    .map(|p| practical_part::task_scores(p, &columns))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let finals: Vec<Option<f64>> = rows
        .iter()
        .map(|r| if r.status == "final" { r.score } else { None })
        .collect();
    for (row, rank) in rows.iter_mut().zip(ranking::ranks(&finals)) {
        row.rank = rank;
    }
    rows.sort_by(|a, b| {
        a.rank
            .unwrap_or(usize::MAX)
            .cmp(&b.rank.unwrap_or(usize::MAX))
            .then(a.ticket.cmp(&b.ticket))
    });
    let final_scores: Vec<f64> = finals.iter().flatten().copied().collect();
    let passed = rows.iter().filter(|r| r.passed == Some(true)).count();
    let released = frozen
        .as_ref()
        .is_some_and(|f| attempt::released(&f.definition, s))
        || s.results_released_at.is_some();
    Ok(SessionResults {
        session_id: s.id,
        section_titles: titles,
        candidates: outcomes.len(),
        sat,
        final_results: final_scores.len(),
        passed,
        pass_rate: if final_scores.is_empty() {
            0.0
        } else {
            (passed as f64 / final_scores.len() as f64 * 10_000.0).round() / 10_000.0
        },
        mean: (!final_scores.is_empty()).then(|| {
            (final_scores.iter().sum::<f64>() / final_scores.len() as f64 * 100.0).round() / 100.0
        }),
        released,
        pass_line: frozen.as_ref().map(|f| f.definition.pass_line),
        has_practical,
        practical_tasks: columns,
        rows,
    })
}

fn status_zh(s: &str) -> &'static str {
    match s {
        "not_started" => "未开始",
        "absent" => "缺考",
        "in_progress" => "考试中",
        "paused" => "暂停",
        "submitted" => "待阅卷",
        "final" => "已出分",
        "practical_pending" => "实操待评",
        "terminated" => "违纪终止",
        _ => "",
    }
}

fn pass_text(p: Option<bool>) -> String {
    match p {
        Some(true) => "合格".into(),
        Some(false) => "不合格".into(),
        None => String::new(),
    }
}

/// Which columns of [`table`] hold numbers (rank, seat, points, sections, practical scores).
fn numeric_columns(r: &SessionResults) -> Vec<bool> {
    let mut cols = vec![
        true, false, false, false, false, false, true, false, true, true, false,
    ];
    cols.extend(r.section_titles.iter().map(|_| true));
    if r.has_practical {
        cols.extend([true, false, true, false]);
        cols.extend(r.practical_tasks.iter().map(|_| true));
    }
    cols.push(false);
    cols
}

/// The results table as text rows (header first), for CSV and XLSX.
pub fn table(r: &SessionResults) -> Vec<Vec<String>> {
    let mut header: Vec<String> = [
        "名次",
        "准考证号",
        "姓名",
        "身份证号",
        "工作单位",
        "考场",
        "座号",
        "状态",
        "得分",
        "满分",
        "是否合格",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(r.section_titles.iter().enumerate().map(|(i, t)| {
        if t.is_empty() {
            format!("第{}部分", i + 1)
        } else {
            t.clone()
        }
    }));
    if r.has_practical {
        header.extend(["理论成绩", "理论是否合格", "实操成绩", "实操是否合格"].map(String::from));
        header.extend(
            r.practical_tasks
                .iter()
                .map(|t| format!("实操：{}", t.title)),
        );
    }
    header.push("交卷时间".into());
    let mut out = vec![header];
    let num = |x: Option<f64>| x.map(|v| format!("{v}")).unwrap_or_default();
    for row in &r.rows {
        let mut line = vec![
            row.rank.map(|r| r.to_string()).unwrap_or_default(),
            row.ticket.clone(),
            row.name.clone(),
            row.id_number.clone(),
            row.employer.clone(),
            row.room.clone(),
            row.seat.to_string(),
            status_zh(&row.status).to_string(),
            num(row.score),
            num(row.max),
            pass_text(row.passed),
        ];
        for i in 0..r.section_titles.len() {
            line.push(num(row.sections.get(i).copied()));
        }
        if r.has_practical {
            line.push(num(row.theory_score));
            line.push(pass_text(row.theory_passed));
            line.push(num(row.practical_score));
            line.push(pass_text(row.practical_passed));
            for i in 0..r.practical_tasks.len() {
                line.push(num(row.practical_tasks.get(i).copied().flatten()));
            }
        }
        line.push(row.submitted_at.map(beijing_time).unwrap_or_default());
        out.push(line);
    }
    out
}

/// A time as staff read it: Beijing time (UTC+8), to the second.
pub fn beijing_time(t: DateTime<Utc>) -> String {
    match chrono::FixedOffset::east_opt(8 * 3600) {
        Some(tz) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string(),
        None => t.to_rfc3339(),
    }
}

/// The results as CSV (UTF-8 with a byte-order mark, so Excel on Chinese Windows reads it;
/// cells defused against formulas).
pub fn to_csv(r: &SessionResults) -> AppResult<Vec<u8>> {
    let mut w = crate::spreadsheet::CsvWriter::new();
    for line in table(r) {
        w.row(&line).map_err(AppError::internal)?;
    }
    w.finish().map_err(AppError::internal)
}

/// The results as an XLSX workbook with one sheet.
pub fn to_xlsx(r: &SessionResults) -> AppResult<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("成绩").map_err(AppError::internal)?;
    let numeric_cols = numeric_columns(r);
    for (i, line) in table(r).iter().enumerate() {
        for (j, cell) in line.iter().enumerate() {
            // Numbers go in as numbers so staff can sort and sum; the rest as text.
            let numeric = i > 0 && numeric_cols.get(j).copied().unwrap_or(false);
            match cell.parse::<f64>() {
                Ok(v) if numeric => {
                    sheet
                        .write_number(i as u32, j as u16, v)
                        .map_err(AppError::internal)?;
                }
                _ => {
                    sheet
                        .write_string(i as u32, j as u16, cell)
                        .map_err(AppError::internal)?;
                }
            }
        }
    }
    book.save_to_buffer().map_err(AppError::internal)
}

/// Releases a session's results to its candidates (once; repeating changes nothing). Audited.
pub async fn release(db: &DatabaseConnection, actor: &Actor, s: &session::Model) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    repo::release_results(&txn, s.id).await?;
    audit::record(
        &txn,
        actor,
        "session.release_results",
        "session",
        &s.id.to_string(),
        json!({"already": s.results_released_at.is_some()}),
    )
    .await?;
    // The released results' item statistics, in the release's transaction (a repeated
    // release changes nothing; staff recompute explicitly).
    if s.results_released_at.is_none() {
        super::item_feed::record(&txn, s.id).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// What the paper audit found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaperAudit {
    /// The attempt.
    pub attempt_id: i32,
    /// The stored seed (a u64, as text so no JSON reader rounds it).
    pub seed: String,
    /// The algorithm version it was drawn with.
    pub algorithm_version: i32,
    /// The exam version frozen for the session.
    pub exam_version: i32,
    /// Questions avoided because earlier sittings showed them.
    pub avoided: usize,
    /// True when re-drawing from the seed gives exactly the stored paper.
    pub identical: bool,
    /// Question ids in the stored paper's order.
    pub stored: Vec<i32>,
    /// Question ids in the re-drawn paper's order.
    pub regenerated: Vec<i32>,
    /// The stored paper's expected score (%) under effective facility (version 2 on).
    pub expected_score: Option<f64>,
    /// The stored paper's pass mark when the exam equates: θ_cut, each question's b, the raw
    /// mark, or why the nominal mark applies.
    pub pass_mark: Option<super::paper::PassMark>,
}

/// Re-draws an attempt's paper from its stored seed, algorithm version, the session's frozen
/// pool and the questions of the candidate's earlier sittings, and compares.
pub async fn audit_paper(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    a: &attempt_entity::Model,
) -> AppResult<PaperAudit> {
    let s = super::repo::session(db, a.session_id)
        .await?
        .ok_or_else(|| AppError::internal("attempt without session"))?;
    let frozen = rt.frozen(db, &s).await?;
    let stored: super::paper::Paper = serde_json::from_str(&a.paper).map_err(AppError::internal)?;
    let avoid = if frozen.definition.avoid_seen_on_retake {
        attempt::seen_before(&repo::attempts_of(db, a.candidate_id).await?, a.number)?
    } else {
        HashSet::new()
    };
    // Every version up to the current one is still drawn (DrawIndex::draw_version).
    if !(1..=super::paper::ALGORITHM_VERSION as i32).contains(&a.algorithm_version) {
        return Err(AppError::conflict(
            ErrorCode::AlgorithmRetired,
            format!(
                "the paper was drawn with algorithm version {}, this server runs version {}",
                a.algorithm_version,
                super::paper::ALGORITHM_VERSION
            ),
        ));
    }
    let again = frozen
        .index
        .draw_version(a.algorithm_version as u32, a.seed as u64, &avoid)
        .map_err(|e| AppError::conflict(ErrorCode::PaperUnavailable, e.to_string()))?;
    Ok(PaperAudit {
        attempt_id: a.id,
        seed: (a.seed as u64).to_string(),
        algorithm_version: a.algorithm_version,
        exam_version: frozen.exam_version,
        avoided: avoid.len(),
        identical: again == stored,
        stored: stored.items.iter().map(|i| i.question_id).collect(),
        regenerated: again.items.iter().map(|i| i.question_id).collect(),
        expected_score: stored.expected_score,
        pass_mark: stored.pass_mark,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_codes_are_stable_and_do_not_show_the_attempt_id() {
        assert_eq!(work_code(7, 99), work_code(7, 99));
        assert_ne!(work_code(7, 99), work_code(8, 99));
        assert_eq!(work_code(7, 99).len(), 9);
    }

    fn results(has_practical: bool) -> SessionResults {
        SessionResults {
            session_id: 1,
            section_titles: vec!["单选".into()],
            candidates: 1,
            sat: 1,
            final_results: 0,
            passed: 0,
            pass_rate: 0.0,
            mean: None,
            released: false,
            pass_line: Some(60.0),
            has_practical,
            practical_tasks: vec![PracticalColumn {
                task_id: 4,
                title: "摄像机安装".into(),
            }],
            rows: vec![ResultRow {
                rank: None,
                ticket: "T1".into(),
                name: "张三".into(),
                id_number: "******".into(),
                employer: String::new(),
                room: "一".into(),
                seat: 1,
                attempt_id: Some(1),
                status: "practical_pending".into(),
                score: Some(80.0),
                max: Some(100.0),
                passed: None,
                sections: vec![80.0],
                submitted_at: None,
                theory_score: Some(80.0),
                theory_passed: Some(true),
                practical_score: Some(55.5),
                practical_final: false,
                practical_passed: None,
                practical_tasks: vec![Some(55.5)],
            }],
        }
    }

    #[test]
    fn a_session_with_a_practical_part_exports_both_parts_and_each_task() {
        let t = table(&results(true));
        let header = &t[0];
        for col in [
            "理论成绩",
            "理论是否合格",
            "实操成绩",
            "实操是否合格",
            "实操：摄像机安装",
        ] {
            assert!(header.iter().any(|h| h == col), "{col} missing");
        }
        let at = |name: &str| header.iter().position(|h| h == name).unwrap_or(usize::MAX);
        assert_eq!(t[1][at("实操成绩")], "55.5");
        assert_eq!(t[1][at("实操：摄像机安装")], "55.5");
        assert_eq!(t[1][at("理论是否合格")], "合格");
        assert_eq!(t[1][at("状态")], "实操待评");
        assert_eq!(numeric_columns(&results(true)).len(), header.len());
        assert!(numeric_columns(&results(true))[at("实操成绩")]);
    }

    #[test]
    fn a_theory_only_session_exports_no_practical_columns() {
        let t = table(&results(false));
        assert!(!t[0].iter().any(|h| h.contains("实操")));
        assert_eq!(numeric_columns(&results(false)).len(), t[0].len());
    }
}
