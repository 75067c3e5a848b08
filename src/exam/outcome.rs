//! The final result of each candidate in a session: which attempt counts (the latest), whether
//! it is final (submitted with nothing left to mark), whether it passed (never when it was
//! ended for misconduct), and whether results are released (by staff, or at submit by the
//! exam's rule). The results table, certificates and competitions all read it here.

use super::attempt_repo;
use super::definition::{ExamDefinition, Release};
use super::entity::attempt::{AttemptStatus, SubmittedBy};
use super::entity::{attempt, candidate, session};
use super::practical_part::{self, PracticalRecord};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

/// Whether a session's results are visible to its candidates (and so may carry a
/// certificate): staff released them, or the exam releases each result at submit.
pub fn released(def: &ExamDefinition, s: &session::Model) -> bool {
    def.release == Release::AtSubmit || s.results_released_at.is_some()
}

/// [`released`] read from the database: the session's frozen exam decides the release rule
/// (before anyone sat there is nothing frozen, and only a staff release counts).
pub async fn released_in_db(db: &impl ConnectionTrait, s: &session::Model) -> Result<bool, DbErr> {
    if s.results_released_at.is_some() {
        return Ok(true);
    }
    Ok(attempt_repo::snapshot(db, s.id)
        .await?
        .and_then(|snap| serde_json::from_str::<ExamDefinition>(&snap.definition).ok())
        .is_some_and(|def| released(&def, s)))
}

/// Whether a session has closed at `now`: its window has ended.
pub fn closed(s: &session::Model, now: DateTime<Utc>) -> bool {
    now >= s.ends_at
}

/// Where a candidate stands in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Not started yet, while the session is still open.
    NotStarted,
    /// Never started, and the session has closed (缺考).
    Absent,
    /// Sitting now.
    InProgress,
    /// Sitting, clock stopped by a proctor.
    Paused,
    /// Submitted, with answers still to mark.
    AwaitingMarks,
    /// Submitted and fully marked: the score and pass/fail are final (in a session with a
    /// practical part, the practical result is final too).
    Final,
    /// The theory is final but the practical part is not yet (实操待评): a task is still being
    /// judged.
    PracticalPending,
    /// Ended by a proctor for misconduct: not passed, no rank, whatever it scored.
    Terminated,
}

impl Standing {
    /// Stable code, as the results table shows it.
    pub fn code(self) -> &'static str {
        match self {
            Standing::NotStarted => "not_started",
            Standing::Absent => "absent",
            Standing::InProgress => "in_progress",
            Standing::Paused => "paused",
            Standing::AwaitingMarks => "submitted",
            Standing::Final => "final",
            Standing::PracticalPending => "practical_pending",
            Standing::Terminated => "terminated",
        }
    }

    /// Where the candidate whose latest attempt is `a` stands; without one they are absent
    /// only once the session has `closed`.
    pub fn of(a: Option<&attempt::Model>, closed: bool) -> Standing {
        match a {
            None if closed => Standing::Absent,
            None => Standing::NotStarted,
            Some(a) if a.submitted_by == Some(SubmittedBy::Terminated) => Standing::Terminated,
            Some(a) => match a.status {
                AttemptStatus::Submitted if a.pending_marks == 0 => Standing::Final,
                AttemptStatus::Submitted => Standing::AwaitingMarks,
                AttemptStatus::Paused => Standing::Paused,
                AttemptStatus::InProgress => Standing::InProgress,
            },
        }
    }
}

/// One candidate's result in a session.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The candidate.
    pub candidate: candidate::Model,
    /// The attempt that counts: the latest, if they sat.
    pub attempt: Option<attempt::Model>,
    /// Where they stand.
    pub standing: Standing,
    /// The session has a practical part: the result needs both parts.
    pub has_practical: bool,
    /// The candidate's practical result, once recorded.
    pub practical: Option<PracticalRecord>,
}

impl Outcome {
    /// Passed or failed once final (with a practical part: both parts passed); failed when
    /// terminated; unknown before.
    pub fn passed(&self) -> Option<bool> {
        match self.standing {
            Standing::Final => {
                let theory = self.attempt.as_ref().and_then(|a| a.passed)?;
                if !self.has_practical {
                    return Some(theory);
                }
                let practical = self.practical.as_ref().filter(|p| p.final_)?;
                Some(theory && practical.passed)
            }
            Standing::Terminated => Some(false),
            _ => None,
        }
    }

    /// Whether the theory part (the attempt) passed, once it is final.
    pub fn theory_passed(&self) -> Option<bool> {
        match self.standing {
            Standing::Final | Standing::PracticalPending => {
                self.attempt.as_ref().and_then(|a| a.passed)
            }
            Standing::Terminated => Some(false),
            _ => None,
        }
    }

    /// Combines the theory outcome with the session's practical part: a final theory result
    /// waits for a final practical one. Without a part nothing changes.
    pub fn with_practical(mut self, has_part: bool, record: Option<PracticalRecord>) -> Self {
        self.has_practical = has_part;
        if !has_part {
            return self;
        }
        if self.standing == Standing::Final && !record.as_ref().is_some_and(|p| p.final_) {
            self.standing = Standing::PracticalPending;
        }
        self.practical = record;
        self
    }

    /// The attempt, when it is final and passed.
    pub fn passing_attempt(&self) -> Option<&attempt::Model> {
        (self.standing == Standing::Final && self.passed() == Some(true))
            .then_some(self.attempt.as_ref())
            .flatten()
    }
}

/// The latest attempt of each candidate (by attempt number).
pub fn latest_attempts(attempts: Vec<attempt::Model>) -> HashMap<i32, attempt::Model> {
    let mut latest: HashMap<i32, attempt::Model> = HashMap::new();
    for a in attempts {
        match latest.get(&a.candidate_id) {
            Some(b) if b.number >= a.number => {}
            _ => {
                latest.insert(a.candidate_id, a);
            }
        }
    }
    latest
}

/// Each candidate of the roster with the attempt that counts and where they stand, in roster
/// order; `closed` tells whether the session has closed (absent, not merely not started).
pub fn outcomes(
    candidates: Vec<candidate::Model>,
    attempts: Vec<attempt::Model>,
    closed: bool,
) -> Vec<Outcome> {
    let mut latest = latest_attempts(attempts);
    candidates
        .into_iter()
        .map(|c| {
            let attempt = latest.remove(&c.id);
            Outcome {
                standing: Standing::of(attempt.as_ref(), closed),
                candidate: c,
                attempt,
                has_practical: false,
                practical: None,
            }
        })
        .collect()
}

/// The outcomes of a session's roster, read from the database, as they stand now.
pub async fn of_session(
    db: &impl ConnectionTrait,
    s: &session::Model,
) -> Result<Vec<Outcome>, DbErr> {
    let candidates = super::repo::candidates(db, s.id).await?;
    let attempts = attempt_repo::attempts_in_session(db, s.id).await?;
    let all = outcomes(candidates, attempts, closed(s, Utc::now()));
    if !practical_part::has_part(db, s.id).await? {
        return Ok(all);
    }
    let mut records = practical_part::of_session(db, s.id).await?;
    Ok(all
        .into_iter()
        .map(|o| {
            let r = records.remove(&o.candidate.id);
            o.with_practical(true, r)
        })
        .collect())
}

/// The outcome of one candidate of a session (empty when the candidate is not on its roster):
/// what [`of_session`] says of them, without reading the whole roster.
pub async fn of_candidate(
    db: &impl ConnectionTrait,
    s: &session::Model,
    candidate_id: i32,
) -> Result<Vec<Outcome>, DbErr> {
    let Some(c) = attempt_repo::candidate(db, candidate_id).await? else {
        return Ok(Vec::new());
    };
    if c.session_id != s.id {
        return Ok(Vec::new());
    }
    let attempts = attempt_repo::attempts_of(db, candidate_id).await?;
    let all = outcomes(vec![c], attempts, closed(s, Utc::now()));
    if !practical_part::has_part(db, s.id).await? {
        return Ok(all);
    }
    let record = practical_part::of_candidate(db, candidate_id).await?;
    Ok(all
        .into_iter()
        .map(|o| o.with_practical(true, record.clone()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(candidate: i32, number: i32, status: AttemptStatus) -> attempt::Model {
        attempt::Model {
            id: candidate * 100 + number,
            session_id: 1,
            candidate_id: candidate,
            number,
            status,
            seed: 0,
            algorithm_version: 1,
            paper: "{}".into(),
            device_gen: 1,
            started_ms: 0,
            limit_ms: 0,
            extension_ms: 0,
            paused_ms: 0,
            paused_since_ms: None,
            deadline_ms: 0,
            last_save_ms: None,
            submitted_ms: None,
            submitted_by: None,
            score: Some(9.0),
            max_score: 10.0,
            passed: Some(true),
            pending_marks: 0,
            result: None,
            last_seen_ms: None,
            question_count: 10,
        }
    }

    fn candidate(id: i32) -> candidate::Model {
        candidate::Model {
            id,
            session_id: 1,
            ticket: format!("T{id}"),
            name: "张三".into(),
            id_number: String::new(),
            employer: String::new(),
            phone: String::new(),
            room_id: 1,
            seat: id,
            created_at: chrono::DateTime::UNIX_EPOCH,
            checked_in_at: None,
        }
    }

    #[test]
    fn the_latest_attempt_of_each_candidate_counts() {
        let latest = latest_attempts(vec![
            attempt(1, 2, AttemptStatus::Submitted),
            attempt(1, 1, AttemptStatus::Submitted),
            attempt(2, 1, AttemptStatus::InProgress),
        ]);
        assert_eq!(latest[&1].number, 2);
        assert_eq!(latest[&2].number, 1);
    }

    #[test]
    fn a_terminated_attempt_never_passes_whatever_it_scored() {
        let mut a = attempt(1, 1, AttemptStatus::Submitted);
        a.submitted_by = Some(SubmittedBy::Terminated);
        let o = &outcomes(vec![candidate(1)], vec![a], false)[0];
        assert_eq!(o.standing, Standing::Terminated);
        assert_eq!(o.passed(), Some(false));
        assert!(o.passing_attempt().is_none());
    }

    #[test]
    fn a_submitted_attempt_is_final_only_when_nothing_is_left_to_mark() {
        let mut a = attempt(1, 1, AttemptStatus::Submitted);
        a.pending_marks = 2;
        let waiting = &outcomes(vec![candidate(1)], vec![a.clone()], false)[0];
        assert_eq!(waiting.standing, Standing::AwaitingMarks);
        assert_eq!(waiting.passed(), None);
        a.pending_marks = 0;
        let done = &outcomes(vec![candidate(1)], vec![a], false)[0];
        assert_eq!(done.standing, Standing::Final);
        assert!(done.passing_attempt().is_some());
    }

    #[test]
    fn a_candidate_who_never_sat_is_absent_once_closed_and_a_paused_one_is_paused() {
        let all = outcomes(
            vec![candidate(1), candidate(2)],
            vec![attempt(2, 1, AttemptStatus::Paused)],
            true,
        );
        assert_eq!(all[0].standing, Standing::Absent);
        assert_eq!(all[1].standing, Standing::Paused);
        assert_eq!(all[1].standing.code(), "paused");
    }

    fn practical(final_: bool, passed: bool) -> PracticalRecord {
        PracticalRecord {
            candidate_id: 1,
            session_id: 1,
            score: if passed { 80.0 } else { 40.0 },
            tasks: vec![],
            final_,
            passed,
        }
    }

    fn final_theory(passed: bool) -> Outcome {
        let mut a = attempt(1, 1, AttemptStatus::Submitted);
        a.passed = Some(passed);
        outcomes(vec![candidate(1)], vec![a], true).remove(0)
    }

    #[test]
    fn with_a_practical_part_a_final_theory_waits_for_a_final_practical_result() {
        let none = final_theory(true).with_practical(true, None);
        assert_eq!(none.standing, Standing::PracticalPending);
        assert_eq!(none.standing.code(), "practical_pending");
        assert_eq!(none.passed(), None);
        assert_eq!(none.theory_passed(), Some(true));
        assert!(none.passing_attempt().is_none());
        let open = final_theory(true).with_practical(true, Some(practical(false, false)));
        assert_eq!(open.standing, Standing::PracticalPending);
        assert!(open.passing_attempt().is_none());
    }

    #[test]
    fn with_a_practical_part_a_candidate_passes_only_when_both_parts_pass() {
        let both = final_theory(true).with_practical(true, Some(practical(true, true)));
        assert_eq!(both.standing, Standing::Final);
        assert_eq!(both.passed(), Some(true));
        assert!(both.passing_attempt().is_some());
        let practical_failed =
            final_theory(true).with_practical(true, Some(practical(true, false)));
        assert_eq!(practical_failed.passed(), Some(false));
        assert!(practical_failed.passing_attempt().is_none());
        let theory_failed = final_theory(false).with_practical(true, Some(practical(true, true)));
        assert_eq!(theory_failed.passed(), Some(false));
    }

    #[test]
    fn without_a_practical_part_the_theory_alone_decides() {
        let o = final_theory(true).with_practical(false, None);
        assert_eq!(o.standing, Standing::Final);
        assert_eq!(o.passed(), Some(true));
    }

    #[test]
    fn a_theory_not_yet_final_stays_as_it_is_whatever_the_practical_part_says() {
        let mut a = attempt(1, 1, AttemptStatus::Submitted);
        a.pending_marks = 1;
        let o = outcomes(vec![candidate(1)], vec![a], true)
            .remove(0)
            .with_practical(true, Some(practical(true, true)));
        assert_eq!(o.standing, Standing::AwaitingMarks);
        assert_eq!(o.passed(), None);
    }

    #[test]
    fn a_candidate_who_has_not_started_is_not_absent_while_the_session_is_open() {
        let all = outcomes(vec![candidate(1)], vec![], false);
        assert_eq!(all[0].standing, Standing::NotStarted);
        assert_eq!(all[0].standing.code(), "not_started");
        assert_eq!(all[0].passed(), None);
    }
}
