//! Grading a whole attempt: every paper item scored (or waiting for a marker), added up per
//! section, pass or fail once nothing waits. Pure; the attempt service feeds it what is stored.

use super::paper::Paper;
use super::scoring::{MultiplePolicy, Response, Scored, score, score_missing, summarize};
use crate::bank::model::Question;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// How one paper item fared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ItemResult {
    /// The question.
    pub question_id: i32,
    /// Section (0-based).
    pub section: usize,
    /// Points available.
    pub max: f64,
    /// Points earned; none while it waits for a marker.
    pub earned: Option<f64>,
    /// Fully right (objective questions only).
    pub correct: Option<bool>,
    /// Marked by hand (short answers, practical tasks).
    pub manual: bool,
    /// Whether the candidate answered it.
    pub answered: bool,
}

/// One section's points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SectionResult {
    /// Section (0-based).
    pub index: usize,
    /// Its title.
    pub title: String,
    /// Points earned.
    pub earned: f64,
    /// Points available.
    pub max: f64,
}

/// An attempt's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttemptResult {
    /// Points earned (items awaiting marking count 0 meanwhile).
    pub total: f64,
    /// Points available.
    pub max: f64,
    /// Pass or fail; none while anything awaits marking.
    pub passed: Option<bool>,
    /// True when nothing awaits marking.
    pub is_final: bool,
    /// Items awaiting a marker.
    pub pending: usize,
    /// Per section, in paper order.
    pub sections: Vec<SectionResult>,
    /// Per item, in paper order.
    pub items: Vec<ItemResult>,
}

/// Grades a paper. `questions` maps version ids to their content, `answers` question ids to
/// what was saved, `marks` question ids to a marker's points (absent or none: not yet marked).
/// A paper item whose question version is missing earns nothing; it cannot happen with
/// immutable versions but must not take the attempt down.
pub fn grade(
    paper: &Paper,
    questions: &HashMap<i32, std::sync::Arc<Question>>,
    answers: &HashMap<i32, Response>,
    marks: &HashMap<i32, Option<f64>>,
    policy: MultiplePolicy,
    pass_line: f64,
    section_titles: &[String],
) -> AttemptResult {
    let mut items = Vec::with_capacity(paper.items.len());
    for it in &paper.items {
        let answer = answers.get(&it.question_id).filter(|r| !r.is_empty());
        let scored = match (questions.get(&it.version_id), answer) {
            (Some(q), Some(r)) => score(q, r, it.points, policy),
            (Some(q), None) if !q.kind.is_objective() => Scored::Manual,
            _ => score_missing(),
        };
        let (earned, correct, manual) = match scored {
            Scored::Auto { earned, correct } => (Some(earned), Some(correct), false),
            Scored::Manual => {
                // Answered or not, a hand-marked item is decided by a marker only: nothing
                // that needs a marker is ever finalised without one.
                let earned = marks
                    .get(&it.question_id)
                    .copied()
                    .flatten()
                    .map(|p| p.clamp(0.0, it.points));
                (earned, None, true)
            }
        };
        items.push(ItemResult {
            question_id: it.question_id,
            section: it.section,
            max: it.points,
            earned,
            correct,
            manual,
            answered: answer.is_some(),
        });
    }
    let flat: Vec<(usize, Option<f64>, f64)> =
        items.iter().map(|i| (i.section, i.earned, i.max)).collect();
    let s = summarize(&flat, pass_line);
    let pending = items.iter().filter(|i| i.earned.is_none()).count();
    AttemptResult {
        total: s.total,
        max: s.max,
        passed: s.passed,
        is_final: pending == 0,
        pending,
        sections: s
            .per_section
            .into_iter()
            .map(|(index, earned, max)| SectionResult {
                index,
                title: section_titles.get(index).cloned().unwrap_or_default(),
                earned,
                max,
            })
            .collect(),
        items,
    }
}

/// The questions of a paper that need a marker: every short answer and practical task,
/// answered or not (an unanswered one reaches the marker as 未作答).
pub fn needs_marking(result: &AttemptResult) -> impl Iterator<Item = &ItemResult> {
    result.items.iter().filter(|i| i.manual)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::model::{Key, QuestionBody, QuestionKind};
    use crate::exam::paper::PaperItem;
    use std::sync::Arc;

    fn q(kind: QuestionKind, options: &[&str], key: Key, stem: &str) -> Arc<Question> {
        Arc::new(Question::parse(QuestionBody::new(kind, stem, options, key)).unwrap())
    }

    fn fixture() -> (Paper, HashMap<i32, Arc<Question>>) {
        let mut qs = HashMap::new();
        qs.insert(
            101,
            q(
                QuestionKind::Single,
                &["a", "b", "c"],
                Key::Choice { correct: vec![1] },
                "单选",
            ),
        );
        qs.insert(
            102,
            q(
                QuestionKind::Multiple,
                &["a", "b", "c", "d"],
                Key::Choice {
                    correct: vec![0, 2, 3],
                },
                "多选",
            ),
        );
        qs.insert(
            103,
            q(
                QuestionKind::Fill,
                &[],
                Key::Blanks {
                    accepted: vec![vec!["GB 50348".into()]],
                },
                "标准编号___",
            ),
        );
        qs.insert(
            104,
            q(
                QuestionKind::Short,
                &[],
                Key::Open {
                    reference: "要点".into(),
                },
                "简答",
            ),
        );
        let item = |section, version_id, question_id, points| PaperItem {
            section,
            version_id,
            question_id,
            points,
            option_order: vec![],
        };
        let paper = Paper {
            seed: 1,
            algorithm_version: 1,
            tries: 1,
            expected_difficulty: 3.0,
            repeats: 0,
            items: vec![
                item(0, 101, 1, 40.0),
                item(0, 102, 2, 30.0),
                item(1, 103, 3, 10.0),
                item(2, 104, 4, 20.0),
            ],
            expected_score: None,
            over_cap: 0,
            pass_mark: None,
        };
        (paper, qs)
    }

    fn titles() -> Vec<String> {
        vec![
            "一、选择题".into(),
            "二、填空题".into(),
            "三、简答题".into(),
        ]
    }

    #[test]
    fn objective_answers_are_scored_and_a_short_answer_waits_for_its_marker() {
        let (paper, qs) = fixture();
        let answers = HashMap::from([
            (1, Response::Choice { selected: vec![1] }),
            (
                2,
                Response::Choice {
                    selected: vec![0, 2],
                },
            ),
            (
                3,
                Response::Blanks {
                    values: vec!["ｇｂ５０３４８".into()],
                },
            ),
            (
                4,
                Response::Text {
                    text: "答案".into(),
                },
            ),
        ]);
        let r = grade(
            &paper,
            &qs,
            &answers,
            &HashMap::new(),
            MultiplePolicy::Proportional,
            60.0,
            &titles(),
        );
        assert_eq!(r.total, 70.0, "40 + 20 (two of three) + 10");
        assert_eq!(r.max, 100.0);
        assert_eq!(r.passed, None, "undecided while the short answer waits");
        assert!(!r.is_final);
        assert_eq!(r.pending, 1);
        assert_eq!(needs_marking(&r).count(), 1);
        assert_eq!(r.sections[1].title, "二、填空题");

        let marks = HashMap::from([(4, Some(25.0))]);
        let r = grade(
            &paper,
            &qs,
            &answers,
            &marks,
            MultiplePolicy::Proportional,
            60.0,
            &titles(),
        );
        assert_eq!(r.total, 90.0, "a mark above the points is capped at 20");
        assert_eq!(r.passed, Some(true));
        assert!(r.is_final);
    }

    #[test]
    fn an_empty_attempt_is_final_at_zero_and_fails() {
        let (paper, qs) = fixture();
        let r = grade(
            &paper,
            &qs,
            &HashMap::new(),
            &HashMap::new(),
            MultiplePolicy::AllOrNothing,
            60.0,
            &titles(),
        );
        assert_eq!(r.total, 0.0);
        assert_eq!(
            r.passed, None,
            "undecided until a marker has seen the short answer"
        );
        assert!(
            !r.is_final,
            "an unanswered short answer still needs a marker"
        );
        assert_eq!(needs_marking(&r).count(), 1);
        assert!(r.items.iter().all(|i| !i.answered));

        let marks = HashMap::from([(4, Some(0.0))]);
        let r = grade(
            &paper,
            &qs,
            &HashMap::new(),
            &marks,
            MultiplePolicy::AllOrNothing,
            60.0,
            &titles(),
        );
        assert!(r.is_final, "final once the marker has marked it");
        assert_eq!(r.passed, Some(false));
    }

    #[test]
    fn no_hand_marked_item_is_final_without_a_marker_answered_or_not() {
        let (paper, qs) = fixture();
        for answers in [
            HashMap::new(),
            HashMap::from([(
                4,
                Response::Text {
                    text: "答案".into(),
                },
            )]),
        ] {
            let r = grade(
                &paper,
                &qs,
                &answers,
                &HashMap::new(),
                MultiplePolicy::AllOrNothing,
                0.0,
                &titles(),
            );
            let item = r.items.iter().find(|i| i.question_id == 4).unwrap();
            assert!(item.manual);
            assert_eq!(item.earned, None);
            assert!(!r.is_final);
            assert_eq!(r.passed, None);
        }
    }

    #[test]
    fn a_cleared_answer_counts_as_unanswered_and_still_goes_to_the_marker() {
        let (paper, qs) = fixture();
        let answers = HashMap::from([
            (1, Response::Choice { selected: vec![] }),
            (
                4,
                Response::Text {
                    text: "  \n".into(),
                },
            ),
        ]);
        let r = grade(
            &paper,
            &qs,
            &answers,
            &HashMap::new(),
            MultiplePolicy::AllOrNothing,
            60.0,
            &titles(),
        );
        assert!(r.items.iter().all(|i| !i.answered));
        assert!(!r.is_final);
        assert_eq!(needs_marking(&r).count(), 1);
    }

    #[test]
    fn a_missing_question_version_earns_nothing_instead_of_failing() {
        let (paper, mut qs) = fixture();
        qs.remove(&101);
        let answers = HashMap::from([(1, Response::Choice { selected: vec![1] })]);
        let r = grade(
            &paper,
            &qs,
            &answers,
            &HashMap::new(),
            MultiplePolicy::AllOrNothing,
            0.0,
            &titles(),
        );
        assert_eq!(r.items[0].earned, Some(0.0));
    }
}
