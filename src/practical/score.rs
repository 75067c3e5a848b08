//! The practical part's results: what a task earns from its panel's marks, the practical score
//! from weighted tasks, the part's pass; a recompute of a whole event as a pure function over
//! loaded rows (one load query per table, see [`load_event`]); and the hand-over to the exam,
//! which owns a candidate's final result.

use super::Aggregation;
use super::aggregate::aggregate;
use crate::bank::model::{Aspect, task_points};
use std::collections::HashMap;

/// A task as the recompute needs it.
#[derive(Debug, Clone)]
pub struct TaskInput {
    /// The task.
    pub id: i32,
    /// Its title.
    pub title: String,
    /// Weight in the practical score.
    pub weight: f64,
    /// What the question is worth (the scheme adds up to it).
    pub points: f64,
    /// How the panel's marks are aggregated.
    pub aggregation: Aggregation,
    /// The marking scheme.
    pub scheme: Vec<Aspect>,
    /// Whether it is signed off and locked.
    pub locked: bool,
}

/// One judge's current mark (a row of `practical_marks`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarkRow {
    /// The task.
    pub task_id: i32,
    /// The candidate.
    pub candidate_id: i32,
    /// The judge.
    pub judge_id: i32,
    /// The aspect, from 0.
    pub aspect: i32,
    /// What the entry is worth (for a deduction: the points taken off).
    pub mark: f64,
}

/// What a candidate's task earns.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskOutcome {
    /// The panel's aggregated mark per aspect; none where no judge has marked it.
    pub aspects: Vec<Option<f64>>,
    /// Points after deductions (each sub-criterion never below zero).
    pub points: f64,
    /// Out of 100.
    pub score: f64,
}

/// Rounds to two decimals, as scores are shown and compared with the pass line.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A task's score out of 100 from its points (0 for a task worth nothing).
pub fn task_score(points: f64, of: f64) -> f64 {
    if of > 0.0 {
        round2((points / of * 100.0).clamp(0.0, 100.0))
    } else {
        0.0
    }
}

/// What a task earns from the judges' marks per aspect (`marks[i]`: every judge's mark for
/// aspect `i`, deductions as points off): each aspect aggregated, an aspect nobody marked
/// counting nothing, then the sub-criteria after deductions.
pub fn task_outcome(task: &TaskInput, marks: &[Vec<f64>]) -> TaskOutcome {
    let aspects: Vec<Option<f64>> = (0..task.scheme.len())
        .map(|i| {
            aggregate(
                task.aggregation,
                marks.get(i).map_or(&[][..], Vec::as_slice),
            )
        })
        .collect();
    let flat: Vec<f64> = aspects.iter().map(|m| m.unwrap_or(0.0)).collect();
    let points = task_points(&task.scheme, &flat);
    TaskOutcome {
        aspects,
        points: round2(points),
        score: task_score(points, task.points),
    }
}

/// The practical score out of 100: Σ weight · score / Σ weight over every task of the part
/// (`(weight, score)`; a task not yet earned counts 0). No weight at all: 0.
pub fn practical_score(tasks: &[(f64, f64)]) -> f64 {
    let total: f64 = tasks.iter().map(|(w, _)| w).sum();
    if total > 0.0 {
        round2(tasks.iter().map(|(w, s)| w * s).sum::<f64>() / total)
    } else {
        0.0
    }
}

/// Whether the practical part is passed: every task locked and the score at the pass line or
/// above.
pub fn part_passed(all_locked: bool, score: f64, pass_line: f64) -> bool {
    all_locked && score + 1e-9 >= pass_line
}

/// One candidate's result on one task.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateTask {
    /// The task.
    pub task_id: i32,
    /// What it earns.
    pub outcome: TaskOutcome,
    /// Whether the task is locked (the result final).
    pub locked: bool,
}

/// One candidate's practical part.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateResult {
    /// The candidate.
    pub candidate_id: i32,
    /// Per task of the part, in the part's order.
    pub tasks: Vec<CandidateTask>,
    /// Practical score out of 100 (locked tasks only; an unlocked one counts 0).
    pub score: f64,
    /// Every task locked.
    pub final_: bool,
    /// Final and at the pass line or above.
    pub passed: bool,
}

/// Recomputes every aggregate and result of an event from its rows: the tasks of the part (in
/// order), its candidates, and every judge's current mark. Marks of unknown tasks, candidates
/// or aspects are ignored.
pub fn recompute(
    tasks: &[TaskInput],
    candidates: &[i32],
    marks: &[MarkRow],
    pass_line: f64,
) -> Vec<CandidateResult> {
    let task_index: HashMap<i32, usize> =
        tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let cand_index: HashMap<i32, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, i))
        .collect();
    // grid[candidate][task][aspect] = the judges' marks.
    let mut grid: Vec<Vec<Vec<Vec<f64>>>> = candidates
        .iter()
        .map(|_| tasks.iter().map(|t| vec![vec![]; t.scheme.len()]).collect())
        .collect();
    for m in marks {
        let (Some(&t), Some(&c)) = (task_index.get(&m.task_id), cand_index.get(&m.candidate_id))
        else {
            continue;
        };
        if let Some(cell) = usize::try_from(m.aspect)
            .ok()
            .and_then(|a| grid[c][t].get_mut(a))
        {
            cell.push(m.mark);
        }
    }
    let all_locked = !tasks.is_empty() && tasks.iter().all(|t| t.locked);
    candidates
        .iter()
        .zip(grid)
        .map(|(&candidate_id, per_task)| {
            let own: Vec<CandidateTask> = tasks
                .iter()
                .zip(per_task)
                .map(|(t, marks)| CandidateTask {
                    task_id: t.id,
                    outcome: task_outcome(t, &marks),
                    locked: t.locked,
                })
                .collect();
            let weighted: Vec<(f64, f64)> = tasks
                .iter()
                .zip(&own)
                .map(|(t, ct)| (t.weight, if ct.locked { ct.outcome.score } else { 0.0 }))
                .collect();
            let score = practical_score(&weighted);
            CandidateResult {
                candidate_id,
                tasks: own,
                score,
                final_: all_locked,
                passed: part_passed(all_locked, score, pass_line),
            }
        })
        .collect()
}

// ---- Loading an event and handing its results over -------------------------------------------

use super::judging::{self, Task};
use crate::db::stmt;
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use utoipa::ToSchema;

/// A candidate of the session.
#[derive(Debug, Clone, PartialEq)]
pub struct EventCandidate {
    /// The candidate.
    pub id: i32,
    /// Ticket number.
    pub ticket: String,
    /// Name.
    pub name: String,
    /// Work code, once checked in.
    pub code: Option<String>,
}

/// A session's practical part as loaded for a recompute: one query per table.
#[derive(Debug, Clone)]
pub struct Event {
    /// The part's pass line.
    pub pass_line: f64,
    /// Its tasks in order.
    pub tasks: Vec<TaskInput>,
    /// The session's candidates.
    pub candidates: Vec<EventCandidate>,
    /// Every judge's current mark.
    pub marks: Vec<MarkRow>,
}

impl TaskInput {
    /// The recompute's view of a task.
    pub fn of(t: &Task) -> TaskInput {
        TaskInput {
            id: t.id,
            title: t.title(),
            weight: t.weight,
            points: t.body.points,
            aggregation: t.aggregation,
            scheme: t.body.scheme.clone(),
            locked: t.locked(),
        }
    }
}

/// Loads a session's part: its tasks, its candidates, every current mark.
pub async fn load_event(db: &impl ConnectionTrait, session: i32) -> Result<Event, DbErr> {
    let tasks = judging::tasks_of_session(db, session).await?;
    let pass_line = tasks
        .first()
        .map_or(super::DEFAULT_PASS_LINE, |t| t.pass_line);
    let candidates = db
        .query_all_raw(stmt(
            db,
            "SELECT c.id, c.ticket, c.name, pc.code FROM candidates c \
             LEFT JOIN practical_codes pc ON pc.candidate_id = c.id \
             WHERE c.session_id = ? ORDER BY c.id",
            [session.into()],
        ))
        .await?
        .iter()
        .map(|r| {
            Ok(EventCandidate {
                id: r.try_get("", "id")?,
                ticket: r.try_get("", "ticket")?,
                name: r.try_get("", "name")?,
                code: r.try_get("", "code")?,
            })
        })
        .collect::<Result<_, DbErr>>()?;
    // One row per candidate's task with every judge's marks packed (`judge:aspect:mark,…`):
    // the SQLite driver hands rows over one by one, so 30,000 rows cost far more than the
    // recompute itself; a few hundred packed rows do not.
    let packed = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        "string_agg(m.judge_id::text || ':' || m.aspect::text || ':' || m.mark::text, ',')"
    } else {
        "group_concat(m.judge_id || ':' || m.aspect || ':' || m.mark, ',')"
    };
    let mut marks = vec![];
    for r in db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT m.task_id, m.candidate_id, {packed} AS marks FROM practical_marks m \
                 JOIN practical_tasks t ON t.id = m.task_id WHERE t.session_id = ? \
                 GROUP BY m.task_id, m.candidate_id"
            ),
            [session.into()],
        ))
        .await?
    {
        let packed: Option<String> = r.try_get("", "marks")?;
        unpack_marks(
            r.try_get("", "task_id")?,
            r.try_get("", "candidate_id")?,
            packed.as_deref().unwrap_or(""),
            &mut marks,
        );
    }
    Ok(Event {
        pass_line,
        tasks: tasks.iter().map(TaskInput::of).collect(),
        candidates,
        marks,
    })
}

/// Reads a candidate's task's marks packed as `judge:aspect:mark,…` (what [`load_event`]
/// asks the database for); a malformed item is skipped.
pub fn unpack_marks(task_id: i32, candidate_id: i32, packed: &str, out: &mut Vec<MarkRow>) {
    for item in packed.split(',').filter(|i| !i.is_empty()) {
        let mut parts = item.split(':');
        let (Some(j), Some(a), Some(m), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if let (Ok(judge_id), Ok(aspect), Ok(mark)) =
            (j.trim().parse(), a.trim().parse(), m.trim().parse::<f64>())
        {
            out.push(MarkRow {
                task_id,
                candidate_id,
                judge_id,
                aspect,
                mark,
            });
        }
    }
}

impl Event {
    /// Every candidate's result.
    pub fn results(&self) -> Vec<CandidateResult> {
        let ids: Vec<i32> = self.candidates.iter().map(|c| c.id).collect();
        recompute(&self.tasks, &ids, &self.marks, self.pass_line)
    }
}

/// A task's column of the results.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ResultTask {
    /// The task.
    pub task_id: i32,
    /// Its title.
    pub title: String,
    /// Weight in the practical score.
    pub weight: f64,
    /// What it is worth.
    pub points: f64,
    /// Signed off and locked.
    pub locked: bool,
}

/// A candidate's result on one task.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ResultCell {
    /// The task.
    pub task_id: i32,
    /// Points after deductions.
    pub points: f64,
    /// Out of 100.
    pub score: f64,
    /// Whether the task is locked (the score final).
    pub locked: bool,
}

/// One candidate's practical part.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ResultRow {
    /// The candidate.
    pub candidate_id: i32,
    /// Ticket number.
    pub ticket: String,
    /// Name.
    pub name: String,
    /// Work code, once checked in.
    pub code: Option<String>,
    /// Per task, in the part's order.
    pub tasks: Vec<ResultCell>,
    /// Practical score out of 100 (a task not yet locked counts 0).
    pub score: f64,
    /// Every task locked.
    #[serde(rename = "final")]
    pub final_: bool,
    /// Final and at the pass line or above.
    pub passed: bool,
}

/// A session's practical results.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PracticalResults {
    /// The session.
    pub session_id: i32,
    /// The part's pass line.
    pub pass_line: f64,
    /// The tasks.
    pub tasks: Vec<ResultTask>,
    /// One row per candidate of the session.
    pub rows: Vec<ResultRow>,
}

/// A session's practical results, recomputed from the marks.
pub async fn session_results(
    db: &impl ConnectionTrait,
    session: i32,
) -> Result<PracticalResults, DbErr> {
    let ev = load_event(db, session).await?;
    let rows = ev
        .candidates
        .iter()
        .zip(ev.results())
        .map(|(c, r)| ResultRow {
            candidate_id: c.id,
            ticket: c.ticket.clone(),
            name: c.name.clone(),
            code: c.code.clone(),
            tasks: r
                .tasks
                .iter()
                .map(|t| ResultCell {
                    task_id: t.task_id,
                    points: t.outcome.points,
                    score: t.outcome.score,
                    locked: t.locked,
                })
                .collect(),
            score: r.score,
            final_: r.final_,
            passed: r.passed,
        })
        .collect();
    Ok(PracticalResults {
        session_id: session,
        pass_line: ev.pass_line,
        tasks: ev
            .tasks
            .iter()
            .map(|t| ResultTask {
                task_id: t.id,
                title: t.title.clone(),
                weight: t.weight,
                points: t.points,
                locked: t.locked,
            })
            .collect(),
        rows,
    })
}

/// Recomputes the session's part and hands each candidate's result (or only `only`'s) to the
/// exam, which owns the final result.
pub async fn record_session(
    db: &impl ConnectionTrait,
    session: i32,
    only: Option<i32>,
) -> Result<(), DbErr> {
    let ev = load_event(db, session).await?;
    for r in ev.results() {
        if only.is_some_and(|c| c != r.candidate_id) {
            continue;
        }
        hand_over(db, session, &ev.tasks, &r).await?;
    }
    Ok(())
}

/// The one call into the exam: the candidate's practical part as a record. Every task in the
/// part's order; a task not yet locked scores 0, as in the practical score.
async fn hand_over(
    db: &impl ConnectionTrait,
    session: i32,
    tasks: &[TaskInput],
    r: &CandidateResult,
) -> Result<(), DbErr> {
    use crate::exam::practical_part::{PracticalRecord, TaskScore, record};
    let scores = tasks
        .iter()
        .zip(&r.tasks)
        .map(|(t, ct)| TaskScore {
            task_id: t.id,
            title: t.title.clone(),
            score: if ct.locked { ct.outcome.score } else { 0.0 },
            weight: t.weight,
        })
        .collect();
    record(
        db,
        &PracticalRecord {
            candidate_id: r.candidate_id,
            session_id: session,
            score: r.score,
            tasks: scores,
            final_: r.final_,
            passed: r.passed,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::model::{AspectKind, Band};

    fn aspect(group: &str, points: f64, kind: AspectKind) -> Aspect {
        Aspect {
            group: group.into(),
            text: "x".into(),
            points,
            kind,
        }
    }

    fn judgement() -> AspectKind {
        AspectKind::Judgement {
            descriptors: vec!["0".into(), "1".into(), "2".into(), "3".into()],
        }
    }

    /// A: a judgement (6), a banded measurement (4: ±2 mm full, ±5 mm half), a deduction (1
    /// per occurrence, at most 5). B: a plain measurement (10).
    fn task(aggregation: Aggregation) -> TaskInput {
        TaskInput {
            id: 1,
            title: "安装".into(),
            weight: 1.0,
            points: 20.0,
            aggregation,
            scheme: vec![
                aspect("A", 6.0, judgement()),
                aspect(
                    "A",
                    4.0,
                    AspectKind::Measurement {
                        unit: "mm".into(),
                        bands: vec![
                            Band {
                                within: 2.0,
                                fraction: 1.0,
                            },
                            Band {
                                within: 5.0,
                                fraction: 0.5,
                            },
                        ],
                    },
                ),
                aspect("A", 5.0, AspectKind::Deduction { per: 1.0 }),
                aspect("B", 10.0, AspectKind::default()),
            ],
            locked: true,
        }
    }

    /// Each judge's marks for the four aspects, as `judge_mark` makes them from entries.
    fn marks(t: &TaskInput, entries: &[[f64; 4]]) -> Vec<Vec<f64>> {
        (0..4)
            .map(|i| {
                entries
                    .iter()
                    .map(|e| t.scheme[i].judge_mark(e[i]).unwrap())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_task_earns_its_aggregated_aspects_with_bands_and_deductions() {
        let t = task(Aggregation::Mean);
        // Levels 2, 3, 1 → mean 2 → 4 of 6; deviations 1, 3, 6 mm → 4, 2, 0 → 2; one
        // occurrence each → 1 off; met by all → 10.
        let m = marks(
            &t,
            &[
                [2.0, 1.0, 1.0, 1.0],
                [3.0, 3.0, 1.0, 1.0],
                [1.0, -6.0, 1.0, 1.0],
            ],
        );
        let o = task_outcome(&t, &m);
        assert_eq!(o.aspects, vec![Some(4.0), Some(2.0), Some(1.0), Some(10.0)]);
        assert_eq!(o.points, 15.0);
        assert_eq!(o.score, 75.0);
    }

    #[test]
    fn deductions_never_take_a_sub_criterion_below_zero_nor_the_task_below_zero() {
        let t = task(Aggregation::Median);
        // A earns 0 + 0 − 5 → 0, not −5; B earns nothing.
        let m = marks(&t, &[[0.0, 9.0, 7.0, 0.0], [0.0, 9.0, 5.0, 0.0]]);
        let o = task_outcome(&t, &m);
        assert_eq!(o.points, 0.0);
        assert_eq!(o.score, 0.0);
    }

    #[test]
    fn an_aspect_nobody_marked_counts_nothing() {
        let t = task(Aggregation::Mean);
        let o = task_outcome(&t, &[vec![6.0], vec![], vec![], vec![10.0]]);
        assert_eq!(o.aspects[1], None);
        assert_eq!(o.points, 16.0);
    }

    #[test]
    fn the_practical_score_weighs_each_task_and_rounds_to_two_decimals() {
        assert_eq!(practical_score(&[(1.0, 80.0), (3.0, 60.0)]), 65.0);
        assert_eq!(practical_score(&[(1.0, 100.0), (2.0, 0.0)]), 33.33);
        assert_eq!(practical_score(&[]), 0.0);
        assert_eq!(task_score(13.0, 20.0), 65.0);
        assert_eq!(task_score(1.0, 0.0), 0.0);
    }

    #[test]
    fn packed_marks_read_back_as_rows_and_a_malformed_item_is_skipped() {
        let mut out = vec![];
        unpack_marks(
            3,
            40,
            "5:0:2.66666666666667,6:1:4.0,bad,7:x:1,8:2:1e-3",
            &mut out,
        );
        assert_eq!(out.len(), 3);
        assert_eq!(
            out[0],
            MarkRow {
                task_id: 3,
                candidate_id: 40,
                judge_id: 5,
                aspect: 0,
                mark: 2.66666666666667
            }
        );
        assert_eq!((out[2].judge_id, out[2].mark), (8, 0.001));
        unpack_marks(3, 41, "", &mut out);
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn the_part_is_passed_only_with_every_task_locked_and_the_score_at_the_line() {
        assert!(part_passed(true, 60.0, 60.0));
        assert!(!part_passed(true, 59.99, 60.0));
        assert!(!part_passed(false, 90.0, 60.0));
    }

    #[test]
    fn a_recompute_scores_every_candidate_and_counts_an_unlocked_task_as_nothing_yet() {
        let mut a = task(Aggregation::Mean);
        let mut b = task(Aggregation::Mean);
        b.id = 2;
        b.weight = 3.0;
        b.locked = false;
        let row = |task_id, candidate_id, judge_id, aspect, mark| MarkRow {
            task_id,
            candidate_id,
            judge_id,
            aspect,
            mark,
        };
        let marks = vec![
            // Candidate 10, task 1: full marks from two judges except the judgement (2 and 4).
            row(1, 10, 5, 0, 2.0),
            row(1, 10, 6, 0, 4.0),
            row(1, 10, 5, 1, 4.0),
            row(1, 10, 6, 1, 4.0),
            row(1, 10, 5, 3, 10.0),
            row(1, 10, 6, 3, 10.0),
            // Candidate 10, task 2: full marks (not locked yet).
            row(2, 10, 5, 0, 6.0),
            row(2, 10, 5, 1, 4.0),
            row(2, 10, 5, 3, 10.0),
            // Noise: an unknown candidate, an unknown aspect.
            row(1, 99, 5, 0, 6.0),
            row(1, 11, 5, 9, 6.0),
        ];
        let r = recompute(&[a.clone(), b.clone()], &[10, 11], &marks, 60.0);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].tasks[0].outcome.points, 17.0);
        assert_eq!(r[0].tasks[0].outcome.score, 85.0);
        assert_eq!(r[0].tasks[1].outcome.score, 100.0);
        // (1 × 85 + 3 × 0) / 4 while task 2 is open.
        assert_eq!(r[0].score, 21.25);
        assert!(!r[0].final_ && !r[0].passed);
        assert_eq!(r[1].score, 0.0);
        b.locked = true;
        a.weight = 1.0;
        let r = recompute(&[a, b], &[10, 11], &marks, 60.0);
        assert_eq!(r[0].score, 96.25);
        assert!(r[0].final_ && r[0].passed);
        assert!(r[1].final_ && !r[1].passed);
    }
}
