//! Attempts: a candidate logs in with ticket and ID number, gets their own paper, saves answers
//! (idempotent, crash-safe), and submits, or the sweeper submits when time is up.
//!
//! The hot paths (paper, save) run from memory: each session's exam definition and question
//! pool are frozen at its first login (stored, so a paper can be re-derived from its seed
//! later and edits to banks or the exam never change a running session), each attempt's paper
//! and question versions are cached once read (versions are immutable), and saves go through
//! the group-commit writer. Every state that matters (status, deadline, login generation) is
//! checked in the database, in the save's own guarded statement, never from the cache.

use super::attempt_repo::{self as repo, Refusal, SaveOutcome, Snapshot};
use super::autosave::{SaveError, Saver};
use super::blueprint::PoolItem;
use super::clock::Clock;
use super::definition::{ExamDefinition, Release, Review};
use super::delivery::{self, DeliveredQuestion, TabletResponse};
use super::entity::{attempt, candidate, mark, session};
use super::grading::{self, AttemptResult};
use super::identity::{IdNumber, TicketNumber};
use super::paper::{ALGORITHM_VERSION, DrawIndex, Paper};
use super::scoring::Response;
use super::service::ExamId;
use crate::auth::CandidateAuth;
use crate::auth::limiter::LoginGuard;
use crate::bank::model::{Question, QuestionBody};
use crate::error::{AppError, AppResult};
use crate::live::Bus;
use actix_web::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use utoipa::ToSchema;

/// Typed id of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptId(pub i32);

/// The live-bus kind that tells every instance a proctor unlocked a ticket's logins.
const UNLOCK_KIND: &str = "unlock_login:";
/// How long a candidate token lasts beyond the time limit (to read a released result).
const TOKEN_SLACK_SECONDS: i64 = 12 * 3600;
/// How often the sweeper looks for attempts out of time.
const SWEEP_EVERY: Duration = Duration::from_secs(2);

/// A session's frozen exam and the index papers are drawn from.
pub struct Frozen {
    /// The exam definition as frozen.
    pub definition: ExamDefinition,
    /// The exam's version when frozen.
    pub exam_version: i32,
    /// The pool's draw index.
    pub index: DrawIndex,
}

/// An attempt's paper and its question versions, as cached.
pub struct Sitting {
    /// The attempt.
    pub id: i32,
    /// Its candidate.
    pub candidate_id: i32,
    /// Its session.
    pub session_id: i32,
    /// The paper.
    pub paper: Paper,
    /// The question versions of the paper by version id.
    pub questions: HashMap<i32, Arc<Question>>,
}

/// What the exam domain keeps in memory per process: caches, the autosave writer and the
/// candidate login limits.
pub struct ExamRuntime {
    questions: RwLock<HashMap<i32, Arc<Question>>>,
    sessions: RwLock<HashMap<i32, Arc<Frozen>>>,
    sittings: RwLock<HashMap<i32, Arc<Sitting>>>,
    freezing: tokio::sync::Mutex<()>,
    saver: Saver,
    logins: Arc<LoginGuard>,
    /// The live bus, to tell proctors (here and on other instances) what changed.
    pub bus: Bus,
    /// Per-attempt throttle of reported events.
    pub events: super::events::Throttle,
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}
fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

impl ExamRuntime {
    /// Starts the autosave writer and the listener for other instances' login unlocks; call
    /// inside the runtime.
    pub fn start(db: &DatabaseConnection, logins: LoginGuard, bus: Bus) -> ExamRuntime {
        let logins = Arc::new(logins);
        let mut changes = bus.subscribe();
        let guard = Arc::downgrade(&logins);
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match changes.recv().await {
                    Ok(c) => {
                        let Some(g) = guard.upgrade() else { break };
                        if let Some(ticket) = c.kind.strip_prefix(UNLOCK_KIND) {
                            g.unlock(&ticket_who(ticket));
                        }
                    }
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                }
            }
        });
        ExamRuntime {
            questions: RwLock::new(HashMap::new()),
            sessions: RwLock::new(HashMap::new()),
            sittings: RwLock::new(HashMap::new()),
            freezing: tokio::sync::Mutex::new(()),
            saver: Saver::start(db.clone(), bus.clone()),
            bus,
            logins,
            events: Default::default(),
        }
    }

    /// Question versions by id, from the cache or the database.
    pub async fn questions(
        &self,
        db: &impl ConnectionTrait,
        ids: &[i32],
    ) -> AppResult<HashMap<i32, Arc<Question>>> {
        let mut out = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        {
            let cache = read(&self.questions);
            for id in ids {
                match cache.get(id) {
                    Some(q) => {
                        out.insert(*id, q.clone());
                    }
                    None => missing.push(*id),
                }
            }
        }
        if !missing.is_empty() {
            let rows = repo::version_bodies(db, &missing).await?;
            let mut cache = write(&self.questions);
            for (id, body) in rows {
                let body: QuestionBody = serde_json::from_str(&body).map_err(AppError::internal)?;
                let q = Arc::new(Question::parse(body).map_err(AppError::internal)?);
                cache.insert(id, q.clone());
                out.insert(id, q);
            }
        }
        Ok(out)
    }

    /// The session's frozen exam, freezing it now (definition and active pool) if this is its
    /// first use. The first instance to freeze wins; the others read what it stored.
    pub async fn frozen(
        &self,
        db: &DatabaseConnection,
        s: &session::Model,
    ) -> AppResult<Arc<Frozen>> {
        if let Some(f) = read(&self.sessions).get(&s.id) {
            return Ok(f.clone());
        }
        let _guard = self.freezing.lock().await;
        if let Some(f) = read(&self.sessions).get(&s.id) {
            return Ok(f.clone());
        }
        let snap = match repo::snapshot(db, s.id).await? {
            Some(snap) => snap,
            None => {
                let exam = super::service::get(db, ExamId(s.exam_id)).await?;
                let pool = super::repo::pool(db, &exam.definition.banks()).await?;
                let snap = Snapshot {
                    exam_version: exam.row.version,
                    definition: serde_json::to_string(&exam.definition)
                        .map_err(AppError::internal)?,
                    pool: serde_json::to_string(&pool).map_err(AppError::internal)?,
                };
                repo::insert_snapshot(db, s.id, &snap).await?;
                repo::snapshot(db, s.id)
                    .await?
                    .ok_or_else(|| AppError::internal("snapshot vanished"))?
            }
        };
        let definition: ExamDefinition =
            serde_json::from_str(&snap.definition).map_err(AppError::internal)?;
        let pool: Vec<PoolItem> = serde_json::from_str(&snap.pool).map_err(AppError::internal)?;
        let index = DrawIndex::build(&definition.blueprint, &pool);
        let f = Arc::new(Frozen {
            definition,
            exam_version: snap.exam_version,
            index,
        });
        write(&self.sessions).insert(s.id, f.clone());
        Ok(f)
    }

    /// An attempt's paper and questions, from the cache or the database.
    pub async fn sitting(
        &self,
        db: &impl ConnectionTrait,
        a: &attempt::Model,
    ) -> AppResult<Arc<Sitting>> {
        if let Some(s) = read(&self.sittings).get(&a.id) {
            return Ok(s.clone());
        }
        let paper: Paper = serde_json::from_str(&a.paper).map_err(AppError::internal)?;
        let ids: Vec<i32> = paper.items.iter().map(|i| i.version_id).collect();
        let questions = self.questions(db, &ids).await?;
        let s = Arc::new(Sitting {
            id: a.id,
            candidate_id: a.candidate_id,
            session_id: a.session_id,
            paper,
            questions,
        });
        write(&self.sittings).insert(a.id, s.clone());
        Ok(s)
    }

    /// Forgets every failed login on a ticket, from any address, here and (through the live
    /// bus) on the other instances; returns how many address pairs were waiting or counted here.
    pub async fn unlock_logins(&self, session: i32, ticket: &str) -> usize {
        let cleared = self.logins.unlock(&ticket_who(ticket));
        self.bus
            .publish(session, vec![], &format!("{UNLOCK_KIND}{ticket}"))
            .await;
        cleared
    }

    /// Drops a cached sitting (after submission nothing saves to it any more).
    fn forget(&self, id: i32) {
        write(&self.sittings).remove(&id);
    }
}

fn taken_over() -> AppError {
    AppError::unauthorized(
        "taken_over",
        "this exam was continued on another device; log in again here to continue on this one",
    )
}

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
    pub status: String,
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
    pub submitted_by: Option<String>,
    /// The result, once released.
    pub result: Option<ResultView>,
}

fn at(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn clock_of(a: &attempt::Model) -> Clock {
    Clock {
        started_ms: a.started_ms,
        limit_ms: a.limit_ms,
        extension_ms: a.extension_ms,
        paused_ms: a.paused_ms,
        paused_since_ms: a.paused_since_ms,
    }
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// What a successful candidate login gives; the caller signs the token for `auth`.
pub struct CandidateLogin {
    /// Who the token names: candidate, attempt, login generation.
    pub auth: CandidateAuth,
    /// When the token is issued (Unix seconds).
    pub issued_at: i64,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// The candidate.
    pub candidate: candidate::Model,
    /// Their room's name.
    pub room: String,
    /// The attempt's state.
    pub attempt: AttemptState,
}

/// Logs a candidate in with ticket and ID number: starts their attempt (drawing their paper)
/// or resumes it, taking it over from any other device. Wrong credentials make that ticket wait
/// from that address only (see [`crate::auth::limiter`]), so a guesser elsewhere never locks
/// the candidate out.
pub async fn login(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    ticket: &str,
    id_number: &str,
    client: &str,
) -> AppResult<CandidateLogin> {
    // Malformed input is refused before anything is counted: it cannot match a candidate, and
    // counting it would let any text become a limiter key.
    let t = TicketNumber::parse(ticket).map_err(|e| {
        AppError::unprocessable(
            "invalid_ticket",
            format!("the ticket number is not valid: {e}"),
        )
        .with_details(json!({"reason": e.code()}))
    })?;
    let idn = IdNumber::parse(id_number).map_err(|e| {
        AppError::unprocessable(
            "invalid_id_number",
            format!("the ID number is not valid: {e}"),
        )
        .with_details(json!({"reason": e.code()}))
    })?;
    let who = ticket_who(t.as_str());
    if let Err(wait) = rt.logins.begin(&who, client) {
        return Err(AppError::too_many(
            format!(
                "too many failed logins for this ticket from this address; try again in {} seconds or ask the proctor",
                wait.seconds()
            ),
            wait.seconds(),
        ));
    }
    let c = match repo::candidate_by_ticket(db, t.as_str()).await? {
        Some(c) if c.id_number == idn.as_str() => c,
        _ => {
            tokio::time::sleep(rt.logins.failed(client)).await;
            return Err(AppError::unauthorized(
                "invalid_credentials",
                "the ticket number and ID number do not match a candidate",
            ));
        }
    };
    rt.logins.succeeded(&who, client);
    let s = super::repo::session(db, c.session_id)
        .await?
        .ok_or_else(|| AppError::internal("candidate without session"))?;
    let attempts = repo::attempts_of(db, c.id).await?;
    let a = match attempts.last() {
        Some(a) => resume(db, a, client).await?,
        None => start(db, rt, &s, &c, 1, &HashSet::new(), client).await?,
    };
    rt.bus.publish(s.id, vec![a.id], "login").await;
    signed_in(db, rt, &s, c, &a).await
}

/// The limiter name of a ticket (already parsed, so bounded and canonical).
fn ticket_who(ticket: &str) -> String {
    format!("ticket:{ticket}")
}

/// The token and state a login or retake answers with: a candidate token for the attempt's
/// current login generation, valid for the time limit plus a margin to read the result.
async fn signed_in(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    s: &session::Model,
    c: candidate::Model,
    a: &attempt::Model,
) -> AppResult<CandidateLogin> {
    let frozen = rt.frozen(db, s).await?;
    let room = super::repo::rooms(db, s.id)
        .await?
        .into_iter()
        .find(|r| r.id == c.room_id)
        .map(|r| r.name)
        .unwrap_or_default();
    let now = Utc::now().timestamp();
    let exp = now + i64::from(frozen.definition.time_limit_minutes) * 60 + TOKEN_SLACK_SECONDS;
    let attempt = view(db, rt, s, a).await?;
    Ok(CandidateLogin {
        auth: CandidateAuth {
            candidate_id: c.id,
            attempt_id: a.id,
            device_gen: a.device_gen,
        },
        issued_at: now,
        expires_at: Utc.timestamp_opt(exp, 0).single().unwrap_or_default(),
        candidate: c,
        room,
        attempt,
    })
}

/// A new login on an attempt: the previous device's token stops working.
async fn resume(
    db: &DatabaseConnection,
    a: &attempt::Model,
    client: &str,
) -> AppResult<attempt::Model> {
    let txn = crate::db::begin_write(db).await?;
    let generation = repo::bump_device(&txn, a.id).await?;
    repo::record_event(
        &txn,
        a.id,
        now_ms(),
        if generation > 1 { "takeover" } else { "login" },
        json!({"device_gen": generation, "takeover": generation > 1, "address": client}),
    )
    .await?;
    let fresh = repo::attempt(&txn, a.id)
        .await?
        .ok_or_else(|| AppError::internal("attempt vanished"))?;
    txn.commit().await?;
    Ok(fresh)
}

/// Starts attempt `number` of a candidate: draws the paper (avoiding `seen` questions where
/// the exam says so and the bank allows), starts the clock.
async fn start(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    s: &session::Model,
    c: &candidate::Model,
    number: i32,
    seen: &HashSet<i32>,
    client: &str,
) -> AppResult<attempt::Model> {
    let now = Utc::now();
    if now < s.starts_at {
        return Err(AppError::forbidden_code(
            "session_not_open",
            format!("the session opens at {}", s.starts_at.to_rfc3339()),
        ));
    }
    if now >= s.ends_at {
        return Err(AppError::forbidden_code(
            "session_closed",
            format!("the session closed at {}", s.ends_at.to_rfc3339()),
        ));
    }
    let frozen = rt.frozen(db, s).await?;
    let def = &frozen.definition;
    let avoid = if def.avoid_seen_on_retake {
        seen.clone()
    } else {
        HashSet::new()
    };
    let seed: u64 = rand::random();
    let paper = frozen.index.draw(seed, &avoid).map_err(|e| {
        AppError::conflict("paper_unavailable", format!("no paper can be drawn: {e}"))
            .with_details(json!({"reason": e.code()}))
    })?;
    let ms = now.timestamp_millis();
    let clock = Clock::start(ms, i64::from(def.time_limit_minutes) * 60_000);
    let row = attempt::ActiveModel {
        session_id: Set(s.id),
        candidate_id: Set(c.id),
        number: Set(number),
        status: Set(repo::IN_PROGRESS.into()),
        seed: Set(seed as i64),
        algorithm_version: Set(ALGORITHM_VERSION as i32),
        paper: Set(serde_json::to_string(&paper).map_err(AppError::internal)?),
        device_gen: Set(1),
        started_ms: Set(clock.started_ms),
        limit_ms: Set(clock.limit_ms),
        extension_ms: Set(0),
        paused_ms: Set(0),
        paused_since_ms: Set(None),
        deadline_ms: Set(clock.stored_deadline_ms()),
        last_save_ms: Set(None),
        submitted_ms: Set(None),
        submitted_by: Set(None),
        score: Set(None),
        max_score: Set(paper.total_points()),
        passed: Set(None),
        pending_marks: Set(0),
        result: Set(None),
        last_seen_ms: Set(Some(ms)),
        question_count: Set(paper.items.len() as i32),
        ..Default::default()
    };
    let txn = crate::db::begin_write(db).await?;
    let inserted = repo::insert_attempt(&txn, row).await;
    let a = match inserted {
        Ok(a) => a,
        // Two tablets logging in at the same moment: the other one created it; resume that.
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            drop(txn);
            let existing = repo::attempts_of(db, c.id)
                .await?
                .into_iter()
                .find(|a| a.number == number)
                .ok_or_else(|| AppError::internal("attempt vanished"))?;
            return resume(db, &existing, client).await;
        }
        Err(e) => return Err(e.into()),
    };
    repo::record_event(
        &txn,
        a.id,
        ms,
        "started",
        json!({"seed": seed.to_string(), "tries": paper.tries, "expected_difficulty": paper.expected_difficulty, "repeats": paper.repeats, "address": client}),
    )
    .await?;
    txn.commit().await?;
    Ok(a)
}

/// Starts a retake for a candidate whose last attempt is submitted, if the exam allows more
/// sittings; avoids the questions of earlier papers where the bank allows.
pub async fn retake(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    client: &str,
) -> AppResult<CandidateLogin> {
    let c = repo::candidate(db, auth.candidate_id)
        .await?
        .ok_or_else(|| AppError::unauthorized("invalid_token", "the candidate no longer exists"))?;
    let attempts = repo::attempts_of(db, c.id).await?;
    let last = attempts
        .last()
        .ok_or_else(|| AppError::conflict("no_attempt", "log in to start the first sitting"))?;
    if last.id != auth.attempt_id || last.device_gen != auth.device_gen {
        return Err(taken_over());
    }
    if last.status != repo::SUBMITTED {
        return Err(AppError::conflict(
            "attempt_in_progress",
            "the current sitting is not submitted yet",
        ));
    }
    let s = super::repo::session(db, c.session_id)
        .await?
        .ok_or_else(|| AppError::internal("candidate without session"))?;
    let frozen = rt.frozen(db, &s).await?;
    if attempts.len() as u32 >= frozen.definition.attempts_allowed {
        return Err(AppError::conflict(
            "no_attempts_left",
            format!(
                "this exam allows {} sitting(s)",
                frozen.definition.attempts_allowed
            ),
        ));
    }
    let seen = seen_before(&attempts, last.number + 1)?;
    let a = start(db, rt, &s, &c, last.number + 1, &seen, client).await?;
    signed_in(db, rt, &s, c, &a).await
}

/// The questions a candidate's sittings before sitting `number` showed.
pub fn seen_before(attempts: &[attempt::Model], number: i32) -> AppResult<HashSet<i32>> {
    let mut seen = HashSet::new();
    for a in attempts.iter().filter(|a| a.number < number) {
        let p: Paper = serde_json::from_str(&a.paper).map_err(AppError::internal)?;
        seen.extend(p.items.iter().map(|i| i.question_id));
    }
    Ok(seen)
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
        .ok_or_else(|| AppError::not_found("attempt_not_found", "no such attempt"))?;
    if a.device_gen != auth.device_gen {
        return Err(taken_over());
    }
    Ok(a)
}

async fn session_of(db: &DatabaseConnection, a: &attempt::Model) -> AppResult<session::Model> {
    super::repo::session(db, a.session_id)
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
            pass_line: def.pass_line,
        },
        sections,
        questions,
    })
}

/// What a save request carries.
pub struct SaveRequest {
    /// The answer.
    pub response: TabletResponse,
    /// The client's sequence number.
    pub seq: i64,
}

/// Saves one answer. Idempotent: a repeated or older sequence number changes nothing and
/// returns the stored one. Returns only once the save is committed.
pub async fn save(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
    question_id: i32,
    req: SaveRequest,
) -> AppResult<(i64, bool)> {
    auth.opens(id.0)?;
    if req.seq < 1 {
        return Err(AppError::unprocessable(
            "invalid_seq",
            "seq must be a whole number from 1 up",
        ));
    }
    // The guard must be gone before any await: `sitting` takes the write lock on a miss.
    let cached = read(&rt.sittings).get(&id.0).cloned();
    let sitting = match cached {
        Some(s) => s,
        None => {
            let a = repo::attempt(db, id.0)
                .await?
                .ok_or_else(|| AppError::not_found("attempt_not_found", "no such attempt"))?;
            rt.sitting(db, &a).await?
        }
    };
    if sitting.candidate_id != auth.candidate_id {
        return Err(AppError::forbidden("this token does not open that attempt"));
    }
    let item = delivery::item_for(&sitting.paper, question_id).ok_or_else(|| {
        AppError::not_found(
            "question_not_on_paper",
            format!("question {question_id} is not on this paper"),
        )
    })?;
    let q = sitting
        .questions
        .get(&item.version_id)
        .ok_or_else(|| AppError::internal("question version missing"))?;
    let response = delivery::to_response(sitting.paper.seed, item, q, req.response)
        .map_err(|e| AppError::unprocessable(e.code(), e.to_string()))?;
    let outcome = rt
        .saver
        .save(repo::PendingSave {
            attempt_id: id.0,
            session_id: sitting.session_id,
            device_gen: auth.device_gen,
            question_id,
            response: serde_json::to_string(&response).map_err(AppError::internal)?,
            seq: req.seq,
        })
        .await
        .map_err(|e| match e {
            SaveError::Busy => {
                let mut e = AppError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "server_busy",
                    "the server is busy; the answer stays on the tablet and is sent again",
                );
                e.retry_after = Some(1);
                e
            }
            SaveError::Database(e) => AppError::unavailable(
                crate::db::unavailable(&e).unwrap_or(crate::db::Unavailable::Storage),
                e,
            ),
        })?;
    match outcome {
        SaveOutcome::Saved { saved_seq, applied } => Ok((saved_seq, applied)),
        SaveOutcome::Refused(r) => Err(refusal(r)),
    }
}

fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::Submitted => AppError::conflict(
            "attempt_submitted",
            "the exam has been submitted; answers can no longer change",
        ),
        Refusal::Paused => AppError::conflict(
            "attempt_paused",
            "the proctor has paused this exam; the answer stays on the tablet until it resumes",
        ),
        Refusal::TimeUp => {
            AppError::conflict("time_up", "time is up; answers can no longer change")
        }
        Refusal::TakenOver => taken_over(),
        Refusal::Missing => AppError::not_found("attempt_not_found", "no such attempt"),
    }
}

/// The attempt's state for its tablet. An attempt found out of time is submitted first, so a
/// tablet coming back after the deadline sees the final state without waiting for the sweeper.
pub async fn get(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
) -> AppResult<AttemptState> {
    let mut a = own_attempt(db, auth, id).await?;
    let s = session_of(db, &a).await?;
    if a.status == repo::IN_PROGRESS && clock_of(&a).is_up(now_ms()) {
        a = finish(db, rt, &a, "timeout").await?;
    }
    view(db, rt, &s, &a).await
}

/// Submits the candidate's attempt; repeating it changes nothing.
pub async fn submit(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
) -> AppResult<AttemptState> {
    let a = own_attempt(db, auth, id).await?;
    let s = session_of(db, &a).await?;
    let by = if clock_of(&a).is_up(now_ms()) {
        "timeout"
    } else {
        "candidate"
    };
    let a = finish(db, rt, &a, by).await?;
    view(db, rt, &s, &a).await
}

/// Submits an attempt (unless already submitted) and scores it, in one transaction: the
/// status change comes first, so no save can land after the answers are read.
pub async fn finish(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    a: &attempt::Model,
    by: &str,
) -> AppResult<attempt::Model> {
    finish_audited(db, rt, a, by, None).await
}

/// [`finish`] with an audit entry written in the same transaction (a proctor's force-submit or
/// termination): who, the action, and the detail (with the reason).
pub async fn finish_audited(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    a: &attempt::Model,
    by: &str,
    audit: Option<(&crate::audit::Actor, &str, serde_json::Value)>,
) -> AppResult<attempt::Model> {
    if a.status == repo::SUBMITTED {
        return Ok(a.clone());
    }
    let s = session_of(db, a).await?;
    let frozen = rt.frozen(db, &s).await?;
    let sitting = rt.sitting(db, a).await?;
    let now = now_ms();
    let txn = crate::db::begin_write(db).await?;
    if repo::claim_submit(&txn, a.id, now, by).await? {
        let answers = parse_answers(&repo::answers(&txn, a.id).await?)?;
        let result = grade(&frozen, &sitting, &answers, &HashMap::new());
        store(&txn, a.id, &result).await?;
        let queue: Vec<mark::ActiveModel> = grading::needs_marking(&result)
            .filter_map(|i| {
                let item = delivery::item_for(&sitting.paper, i.question_id)?;
                Some(mark::ActiveModel {
                    attempt_id: Set(a.id),
                    session_id: Set(a.session_id),
                    question_id: Set(i.question_id),
                    version_id: Set(item.version_id),
                    section: Set(item.section as i32),
                    max_points: Set(i.max),
                    points: Set(None),
                    comment: Set(String::new()),
                    marker_id: Set(None),
                    marked_at: Set(None),
                    ..Default::default()
                })
            })
            .collect();
        repo::insert_marks(&txn, queue).await?;
        repo::record_event(
            &txn,
            a.id,
            now,
            "submitted",
            json!({"by": by, "score": result.total, "pending_marks": result.pending}),
        )
        .await?;
        if let Some((actor, action, detail)) = audit {
            crate::audit::record(&txn, actor, action, "attempt", &a.id.to_string(), detail).await?;
        }
    }
    let fresh = repo::attempt(&txn, a.id)
        .await?
        .ok_or_else(|| AppError::internal("attempt vanished"))?;
    txn.commit().await?;
    rt.forget(a.id);
    rt.bus.publish(a.session_id, vec![a.id], "submitted").await;
    Ok(fresh)
}

/// Parses stored answers into the scorer's terms by question id.
pub fn parse_answers(rows: &[repo::StoredAnswer]) -> AppResult<HashMap<i32, Response>> {
    rows.iter()
        .map(|r| {
            serde_json::from_str(&r.response)
                .map(|resp| (r.question_id, resp))
                .map_err(AppError::internal)
        })
        .collect()
}

/// Grades a sitting with the frozen exam's rules.
pub fn grade(
    frozen: &Frozen,
    sitting: &Sitting,
    answers: &HashMap<i32, Response>,
    marks: &HashMap<i32, Option<f64>>,
) -> AttemptResult {
    let titles: Vec<String> = frozen
        .definition
        .blueprint
        .sections
        .iter()
        .map(|s| s.title.clone())
        .collect();
    grading::grade(
        &sitting.paper,
        &sitting.questions,
        answers,
        marks,
        frozen.definition.multiple_policy,
        frozen.definition.pass_line,
        &titles,
    )
}

/// Stores a graded result on its attempt.
pub async fn store(db: &impl ConnectionTrait, id: i32, r: &AttemptResult) -> AppResult<()> {
    let json = serde_json::to_string(r).map_err(AppError::internal)?;
    repo::store_result(db, id, r.total, r.max, r.passed, r.pending as i32, &json).await?;
    Ok(())
}

/// Whether a session's results are visible to its candidates.
pub fn released(def: &ExamDefinition, s: &session::Model) -> bool {
    def.release == Release::AtSubmit || s.results_released_at.is_some()
}

async fn view(
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
    let submitted = a.status == repo::SUBMITTED;
    let frozen = rt.frozen(db, s).await?;
    let result = match (&a.result, submitted && released(&frozen.definition, s)) {
        (Some(json), true) => {
            let r: AttemptResult = serde_json::from_str(json).map_err(AppError::internal)?;
            let withheld = review_state(db, rt, &frozen.definition, s, a).await?;
            Some(review(&frozen.definition, &sitting, seed, r, withheld))
        }
        _ => None,
    };
    Ok(AttemptState {
        id: a.id,
        status: a.status.clone(),
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
        submitted_by: a.submitted_by.clone(),
        result,
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
        let running = all.iter().any(|x| x.status != repo::SUBMITTED);
        (all.len(), running)
    };
    Ok(review_withheld(def, used, sitting_now, closed))
}

fn review(
    def: &ExamDefinition,
    sitting: &Sitting,
    seed: u64,
    r: AttemptResult,
    withheld: Option<&'static str>,
) -> ResultView {
    use crate::bank::model::Key;
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
        pass_line: def.pass_line,
        sections: r.sections,
        items,
        review_withheld: withheld,
    }
}

/// Submits every attempt whose time is up, in batches, until none is left.
pub async fn sweep(db: &DatabaseConnection, rt: &ExamRuntime) -> AppResult<usize> {
    let mut done = 0;
    loop {
        let due = repo::overdue(db, now_ms(), 100).await?;
        if due.is_empty() {
            return Ok(done);
        }
        let n = due.len();
        for id in due {
            if let Some(a) = repo::attempt(db, id).await? {
                finish(db, rt, &a, "timeout").await?;
                done += 1;
            }
        }
        if n < 100 {
            return Ok(done);
        }
    }
}

/// Runs [`sweep`] every few seconds for as long as the server runs; errors are logged and
/// the next round tries again.
pub fn spawn_sweeper(db: DatabaseConnection, rt: Arc<ExamRuntime>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sweep(&db, &rt).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("submitted {n} attempt(s) whose time was up"),
                Err(e) => tracing::warn!("sweeper: {e}"),
            }
        }
    });
}

/// A change to an attempt's clock made by staff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockAction {
    /// Stop the clock; saves are refused until it resumes.
    Pause,
    /// Start it again; the deadline moves on by the pause.
    Resume,
    /// Add minutes (1–360).
    Extend(u32),
}

impl ClockAction {
    /// Stable code, as recorded.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pause => "paused",
            Self::Resume => "resumed",
            Self::Extend(_) => "extended",
        }
    }
}

/// Pauses, resumes or extends one attempt, in one audited transaction. Refused for a
/// submitted attempt, one whose time is already up, or a pause of a paused one.
pub async fn change_clock(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    actor: &crate::audit::Actor,
    id: AttemptId,
    action: ClockAction,
    reason: &str,
) -> AppResult<attempt::Model> {
    check_extension(action)?;
    let txn = crate::db::begin_write(db).await?;
    let fresh = change_clock_in(&txn, actor, id, action, reason).await?;
    txn.commit().await?;
    rt.bus
        .publish(fresh.session_id, vec![fresh.id], action.code())
        .await;
    Ok(fresh)
}

/// Refuses an extension outside 1–360 minutes.
pub fn check_extension(action: ClockAction) -> AppResult<()> {
    if let ClockAction::Extend(m) = action
        && !(1..=360).contains(&m)
    {
        return Err(AppError::unprocessable(
            "invalid_extension",
            "an extension is 1–360 minutes",
        ));
    }
    Ok(())
}

/// [`change_clock`] inside the caller's transaction (room-wide actions change many attempts
/// in one). The attempt row is locked first.
pub async fn change_clock_in(
    txn: &impl ConnectionTrait,
    actor: &crate::audit::Actor,
    id: AttemptId,
    action: ClockAction,
    reason: &str,
) -> AppResult<attempt::Model> {
    let now = now_ms();
    let a = repo::lock_attempt(txn, id.0)
        .await?
        .ok_or_else(|| AppError::not_found("attempt_not_found", "no such attempt"))?;
    if a.status == repo::SUBMITTED {
        return Err(AppError::conflict(
            "attempt_submitted",
            "the attempt is already submitted; its time can no longer change",
        ));
    }
    let clock = clock_of(&a);
    if clock.is_up(now) {
        return Err(AppError::conflict(
            "time_up",
            "time is already up for this attempt",
        ));
    }
    let paused = a.status == repo::PAUSED;
    let (status, clock) = match action {
        ClockAction::Pause if paused => {
            return Err(AppError::conflict(
                "already_paused",
                "the attempt is already paused",
            ));
        }
        ClockAction::Resume if !paused => {
            return Err(AppError::conflict(
                "not_paused",
                "the attempt is not paused",
            ));
        }
        ClockAction::Pause => (repo::PAUSED, clock.pause(now)),
        ClockAction::Resume => (repo::IN_PROGRESS, clock.resume(now)),
        ClockAction::Extend(m) => (a.status.as_str(), clock.extend(i64::from(m) * 60_000)),
    };
    repo::store_clock(txn, a.id, status, &clock).await?;
    let detail = json!({"action": action.code(), "minutes": match action { ClockAction::Extend(m) => m, _ => 0 },
        "reason": reason, "by": actor.name, "deadline_ms": clock.deadline_ms(now)});
    repo::record_event(txn, a.id, now, action.code(), detail.clone()).await?;
    crate::audit::record(
        txn,
        actor,
        &format!("attempt.{}", action.code()),
        "attempt",
        &a.id.to_string(),
        detail,
    )
    .await?;
    repo::attempt(txn, a.id)
        .await?
        .ok_or_else(|| AppError::internal("attempt vanished"))
}

/// An attempt's status and time, as its tablet's live stream sends them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClockState {
    /// The attempt.
    pub id: i32,
    /// `in_progress`, `paused` or `submitted`.
    pub status: String,
    /// The server's clock.
    pub server_time: DateTime<Utc>,
    /// When time is up (while paused: if resumed now).
    pub deadline: DateTime<Utc>,
    /// Seconds left.
    pub remaining_seconds: i64,
    /// Who submitted: `candidate`, `timeout`, `staff` or `terminated`.
    pub submitted_by: Option<String>,
}

/// The attempt's status and time for its tablet.
pub async fn clock_state(
    db: &DatabaseConnection,
    _rt: &ExamRuntime,
    auth: &CandidateAuth,
    id: AttemptId,
) -> AppResult<ClockState> {
    let a = own_attempt(db, auth, id).await?;
    let (deadline, left) = time_left(&a);
    Ok(ClockState {
        id: a.id,
        server_time: Utc::now(),
        deadline,
        remaining_seconds: if a.status == repo::SUBMITTED { 0 } else { left },
        status: a.status,
        submitted_by: a.submitted_by,
    })
}

/// An attempt's deadline and seconds left as of now.
pub fn time_left(a: &attempt::Model) -> (DateTime<Utc>, i64) {
    let now = now_ms();
    let c = clock_of(a);
    (at(c.deadline_ms(now)), c.remaining_ms(now) / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(review: &str, attempts: u32) -> ExamDefinition {
        serde_json::from_value(json!({
            "name": "复考", "time_limit_minutes": 30, "pass_line": 6, "attempts_allowed": attempts,
            "release": "at_submit", "review": review,
            "blueprint": {"sections": [{"cells": [{"bank": "LAW", "kind": "true_false", "count": 15, "points": 1}]}]}
        }))
        .unwrap()
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
