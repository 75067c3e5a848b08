//! The final result of each candidate in a session: which attempt counts (the latest), whether
//! it is final (submitted with nothing left to mark), and whether it passed (never when it was
//! ended for misconduct). The results table, certificates and competitions all read it here.

use super::attempt_repo::{self, IN_PROGRESS, PAUSED, SUBMITTED};
use super::entity::{attempt, candidate};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

/// Where a candidate stands in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Never started.
    Absent,
    /// Sitting now.
    InProgress,
    /// Sitting, clock stopped by a proctor.
    Paused,
    /// Submitted, with answers still to mark.
    AwaitingMarks,
    /// Submitted and fully marked: the score and pass/fail are final.
    Final,
    /// Ended by a proctor for misconduct: not passed, no rank, whatever it scored.
    Terminated,
}

impl Standing {
    /// Stable code, as the results table shows it.
    pub fn code(self) -> &'static str {
        match self {
            Standing::Absent => "absent",
            Standing::InProgress => IN_PROGRESS,
            Standing::Paused => PAUSED,
            Standing::AwaitingMarks => SUBMITTED,
            Standing::Final => "final",
            Standing::Terminated => "terminated",
        }
    }

    /// Where the candidate whose latest attempt is `a` stands.
    pub fn of(a: Option<&attempt::Model>) -> Standing {
        match a {
            None => Standing::Absent,
            Some(a) if a.submitted_by.as_deref() == Some("terminated") => Standing::Terminated,
            Some(a) if a.status == SUBMITTED && a.pending_marks == 0 => Standing::Final,
            Some(a) if a.status == SUBMITTED => Standing::AwaitingMarks,
            Some(a) if a.status == PAUSED => Standing::Paused,
            Some(_) => Standing::InProgress,
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
}

impl Outcome {
    /// Passed or failed once final; failed when terminated; unknown before.
    pub fn passed(&self) -> Option<bool> {
        match self.standing {
            Standing::Final => self.attempt.as_ref().and_then(|a| a.passed),
            Standing::Terminated => Some(false),
            _ => None,
        }
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
/// order.
pub fn outcomes(candidates: Vec<candidate::Model>, attempts: Vec<attempt::Model>) -> Vec<Outcome> {
    let mut latest = latest_attempts(attempts);
    candidates
        .into_iter()
        .map(|c| {
            let attempt = latest.remove(&c.id);
            Outcome {
                standing: Standing::of(attempt.as_ref()),
                candidate: c,
                attempt,
            }
        })
        .collect()
}

/// The outcomes of a session's roster, read from the database.
pub async fn of_session(db: &impl ConnectionTrait, session_id: i32) -> Result<Vec<Outcome>, DbErr> {
    let candidates = super::repo::candidates(db, session_id).await?;
    let attempts = attempt_repo::attempts_in_session(db, session_id).await?;
    Ok(outcomes(candidates, attempts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(candidate: i32, number: i32, status: &str) -> attempt::Model {
        attempt::Model {
            id: candidate * 100 + number,
            session_id: 1,
            candidate_id: candidate,
            number,
            status: status.into(),
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
            attempt(1, 2, SUBMITTED),
            attempt(1, 1, SUBMITTED),
            attempt(2, 1, IN_PROGRESS),
        ]);
        assert_eq!(latest[&1].number, 2);
        assert_eq!(latest[&2].number, 1);
    }

    #[test]
    fn a_terminated_attempt_never_passes_whatever_it_scored() {
        let mut a = attempt(1, 1, SUBMITTED);
        a.submitted_by = Some("terminated".into());
        let o = &outcomes(vec![candidate(1)], vec![a])[0];
        assert_eq!(o.standing, Standing::Terminated);
        assert_eq!(o.passed(), Some(false));
        assert!(o.passing_attempt().is_none());
    }

    #[test]
    fn a_submitted_attempt_is_final_only_when_nothing_is_left_to_mark() {
        let mut a = attempt(1, 1, SUBMITTED);
        a.pending_marks = 2;
        let waiting = &outcomes(vec![candidate(1)], vec![a.clone()])[0];
        assert_eq!(waiting.standing, Standing::AwaitingMarks);
        assert_eq!(waiting.passed(), None);
        a.pending_marks = 0;
        let done = &outcomes(vec![candidate(1)], vec![a])[0];
        assert_eq!(done.standing, Standing::Final);
        assert!(done.passing_attempt().is_some());
    }

    #[test]
    fn a_candidate_who_never_sat_is_absent_and_a_paused_one_is_paused() {
        let all = outcomes(
            vec![candidate(1), candidate(2)],
            vec![attempt(2, 1, PAUSED)],
        );
        assert_eq!(all[0].standing, Standing::Absent);
        assert_eq!(all[1].standing, Standing::Paused);
        assert_eq!(all[1].standing.code(), "paused");
    }
}
