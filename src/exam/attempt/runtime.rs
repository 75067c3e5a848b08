//! What the exam domain keeps in memory per process: frozen sessions, papers, question
//! versions, the autosave writer, the live bus and the candidate login limits.

use super::ticket_who;
use crate::auth::limiter::LoginGuard;
use crate::bank::model::{Question, QuestionBody};
use crate::error::{AppError, AppResult};
use crate::exam::attempt_repo::{self as repo, Snapshot};
use crate::exam::autosave::Saver;
use crate::exam::blueprint::PoolItem;
use crate::exam::definition::ExamDefinition;
use crate::exam::entity::{attempt, session};
use crate::exam::paper::{DrawIndex, Paper};
use crate::exam::service::ExamId;
use crate::live::{Bus, ChangeKind};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

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
    pub(super) sittings: RwLock<HashMap<i32, Arc<Sitting>>>,
    freezing: tokio::sync::Mutex<()>,
    pub(super) saver: Saver,
    pub(super) logins: Arc<LoginGuard>,
    /// The live bus, to tell proctors (here and on other instances) what changed.
    pub bus: Bus,
    /// Per-attempt throttle of reported events.
    pub events: crate::exam::event_throttle::Throttle,
}

pub(super) fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}
pub(super) fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
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
                        if let ChangeKind::UnlockLogin(ticket) = &c.kind {
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
                let exam = crate::exam::service::get(db, ExamId(s.exam_id)).await?;
                let mut pool = crate::exam::repo::pool(db, &exam.definition.banks()).await?;
                // Measured figures and exposure are frozen with the pool, so every paper of
                // the session can be re-derived from its seed.
                let period = i32::try_from(exam.definition.blueprint.draw.exposure_period_days)
                    .unwrap_or(i32::MAX);
                let since = crate::exam::repo::exposure_day(chrono::Utc::now()) - period + 1;
                crate::exam::repo::annotate_pool(db, &mut pool, since).await?;
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
        let mut index = DrawIndex::build(&definition.blueprint, &pool);
        if definition.equated_pass_mark {
            index = index.equate(definition.pass_line);
        }
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
            .publish(session, vec![], ChangeKind::UnlockLogin(ticket.to_string()))
            .await;
        cleared
    }

    /// Drops a cached sitting (after submission nothing saves to it any more).
    pub(super) fn forget(&self, id: i32) {
        write(&self.sittings).remove(&id);
    }
}
