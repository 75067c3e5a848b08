//! What item analytics is fed: a session's (or several sessions') final responses as an
//! [`analytics::ResponseSet`](crate::analytics::ResponseSet).
//!
//! Only submitted attempts with a final result count: an attempt whose answers still wait for a
//! marker is left out (its score would change), and so is one a proctor ended for misconduct
//! (its answers stop wherever it was ended). Both are counted in [`Feed`] so reports can say so.
//!
//! Stored answers already name AUTHORED option indices (the save maps the tablet's opaque option
//! ids back through the paper's seed), so a shuffled paper's option order needs no undoing here.
//! Attempts keep no time per question, so `seconds` is always `None`.

use super::attempt_repo as repo;
use super::entity::attempt::{AttemptStatus, SubmittedBy};
use super::entity::session;
use super::grading::{AttemptResult, ItemResult};
use super::paper::Paper;
use super::scoring::Response as Answer;
use crate::analytics::dif::{self, DifResult};
use crate::analytics::{ItemMeta, Person, Response, ResponseSet, store};
use crate::bank::model::{Key, QuestionBody};
use crate::db::query_in;
use crate::error::{AppError, AppResult, ErrorCode};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// The responses with what was left out.
#[derive(Debug, Clone, Default)]
pub struct Feed {
    /// The final responses.
    pub set: ResponseSet,
    /// Submitted attempts left out: answers still wait for a marker.
    pub pending: usize,
    /// Submitted attempts left out: ended for misconduct.
    pub terminated: usize,
    /// The sessions read.
    pub sessions: Vec<i32>,
}

/// Which group each sitting falls in for differential item functioning.
#[derive(Debug, Clone, Default)]
pub enum Grouping {
    /// No groups.
    #[default]
    None,
    /// The candidate's employer (工作单位) as written on the roster.
    Employer,
    /// Given per candidate id (e.g. a competition's 职工组 / 学生组); candidates not named
    /// have none.
    ByCandidate(HashMap<i32, String>),
}

/// What analytics needs of a question version: option count and key bitmask over the authored
/// options. True/false counts as two options, 对 (0) and 错 (1), so it has a distractor too.
pub fn item_meta(version_id: i32, question_id: i32, q: &QuestionBody) -> ItemMeta {
    let (option_count, key_mask) = match &q.key {
        Key::Choice { correct } => (
            q.options.len().min(16) as u8,
            correct
                .iter()
                .filter(|&&i| i < 16)
                .fold(0u16, |m, &i| m | 1 << i),
        ),
        Key::TrueFalse { value } => (2, if *value { 1 } else { 2 }),
        _ => (0, 0),
    };
    ItemMeta {
        version_id,
        question_id,
        option_count,
        key_mask,
    }
}

/// The options a stored answer chose, as a bitmask of authored indices (true/false as in
/// [`item_meta`]).
pub fn chosen_mask(answer: Option<&Answer>) -> u16 {
    match answer {
        Some(Answer::Choice { selected }) => selected
            .iter()
            .filter(|&&i| i < 16)
            .fold(0u16, |m, &i| m | 1 << i),
        Some(Answer::TrueFalse { value }) => {
            if *value {
                1
            } else {
                2
            }
        }
        _ => 0,
    }
}

/// One graded item as a response of person `person` to item `item`; none for an item worth no
/// points.
pub fn response_of(
    person: u32,
    item: u32,
    r: &ItemResult,
    answer: Option<&Answer>,
) -> Option<Response> {
    if r.max <= 0.0 {
        return None;
    }
    let answer = answer.filter(|a| !a.is_empty());
    Some(Response {
        person,
        item,
        score: r.earned.unwrap_or(0.0).clamp(0.0, r.max) as f32,
        max: r.max as f32,
        chosen: chosen_mask(answer),
        omitted: !r.answered || answer.is_none(),
        seconds: None,
    })
}

/// A session's final responses.
pub async fn session(
    db: &impl ConnectionTrait,
    session_id: i32,
    grouping: &Grouping,
) -> AppResult<Feed> {
    let mut b = Builder::default();
    b.add_session(db, session_id, grouping).await?;
    b.finish(db).await
}

/// Several sessions' final responses in one set (for pooled calibration); no groups.
pub async fn sessions(db: &impl ConnectionTrait, session_ids: &[i32]) -> AppResult<Feed> {
    let mut b = Builder::default();
    for &s in session_ids {
        b.add_session(db, s, &Grouping::None).await?;
    }
    b.finish(db).await
}

/// Records a session's statistics in the caller's transaction (the release's, or a recompute's),
/// then recalibrates over the recent sessions of the banks its questions come from. Nothing is
/// recorded while no attempt has a final result.
pub async fn record(
    db: &impl ConnectionTrait,
    session_id: i32,
) -> AppResult<Option<store::Recorded>> {
    let settings = store::settings(db).await?;
    let feed = session(db, session_id, &Grouping::None).await?;
    if feed.set.persons.is_empty() {
        return Ok(None);
    }
    let recorded =
        store::record_session(db, session_id, &feed.set, feed.pending, &settings).await?;
    let versions: Vec<i32> = feed.set.items.iter().map(|i| i.version_id).collect();
    let over = store::calibration_sessions(db, &versions).await?;
    if !over.is_empty() {
        let pooled = sessions(db, &over).await?;
        store::record_calibration(db, &pooled.set, &over, &settings).await?;
    }
    Ok(Some(recorded))
}

/// A session's statistics: as recorded (on release or recompute) when they were, otherwise
/// computed now from its submitted attempts and stored nowhere, so staff see figures as soon
/// as candidates finish.
pub async fn session_report(
    db: &impl ConnectionTrait,
    s: &session::Model,
) -> AppResult<store::Report> {
    let scope = store::Scope {
        kind: "session",
        id: s.id,
        title: format!("{} {} {}", s.name, s.number, s.venue)
            .trim()
            .to_string(),
    };
    // Stored figures need only the count of terminated sittings, not every response again.
    if let Some(r) = store::session_report(db, scope.clone(), terminated(db, s.id).await?).await? {
        return Ok(r);
    }
    let feed = session(db, s.id, &Grouping::None).await?;
    store::live_report(db, scope, &feed.set, feed.pending, feed.terminated).await
}

/// How many of a session's sittings a proctor ended for misconduct (left out of the figures).
async fn terminated(db: &impl ConnectionTrait, session_id: i32) -> AppResult<usize> {
    use super::entity::attempt;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let n = attempt::Entity::find()
        .filter(attempt::Column::SessionId.eq(session_id))
        .filter(attempt::Column::SubmittedBy.eq(SubmittedBy::Terminated))
        .count(db)
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// How to split a session's candidates for differential item functioning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DifBy {
    /// The employer (工作单位) on the roster.
    Employer,
    /// The competition group (组别) of a theory stage run on the session.
    Group,
}

/// A group and how many final sittings are in it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DifGroup {
    /// The group's name.
    pub name: String,
    /// Final sittings in it.
    pub persons: usize,
}

/// One item's DIF result with the question named.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DifRow {
    /// Question identifier in its bank.
    pub ident: String,
    /// The Mantel–Haenszel figures and ETS class.
    pub result: DifResult,
}

/// Mantel–Haenszel DIF between two groups of a session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DifReport {
    /// How candidates were grouped.
    pub by: DifBy,
    /// Every group found, largest first.
    pub groups: Vec<DifGroup>,
    /// The reference group compared.
    pub reference: Option<String>,
    /// The focal group compared.
    pub focal: Option<String>,
    /// Per item (empty until two groups are chosen).
    pub items: Vec<DifRow>,
}

/// The groups of a session and, with two different groups named, the DIF of every item
/// between them. Without names the two largest groups are compared. The caller says how
/// candidates are grouped: by employer, or by a competition's groups (competition sits above
/// exam, so it hands the candidate → group map in).
pub async fn dif(
    db: &impl ConnectionTrait,
    s: &session::Model,
    by: DifBy,
    grouping: &Grouping,
    reference: Option<&str>,
    focal: Option<&str>,
) -> AppResult<DifReport> {
    let feed = session(db, s.id, grouping).await?;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for p in &feed.set.persons {
        if let Some(g) = &p.group {
            *counts.entry(g.clone()).or_default() += 1;
        }
    }
    let mut groups: Vec<DifGroup> = counts
        .into_iter()
        .map(|(name, persons)| DifGroup { name, persons })
        .collect();
    groups.sort_by(|a, b| b.persons.cmp(&a.persons).then(a.name.cmp(&b.name)));
    let (reference, focal) = match (reference, focal) {
        (Some(r), Some(f)) => (Some(r.to_string()), Some(f.to_string())),
        (None, None) if groups.len() >= 2 => {
            (Some(groups[0].name.clone()), Some(groups[1].name.clone()))
        }
        (None, None) => (None, None),
        _ => {
            return Err(AppError::unprocessable(
                ErrorCode::BadDifGroups,
                "name both groups, or neither",
            ));
        }
    };
    let mut items = Vec::new();
    if let (Some(r), Some(f)) = (&reference, &focal) {
        let known = |g: &str| groups.iter().any(|x| x.name == g);
        if r == f || !known(r) || !known(f) {
            return Err(AppError::unprocessable(
                ErrorCode::BadDifGroups,
                "the two groups must differ and each have final sittings",
            ));
        }
        let qids: Vec<i32> = feed.set.items.iter().map(|i| i.question_id).collect();
        let idents = idents(db, &qids).await?;
        items = dif::mantel_haenszel(&feed.set, r, f)
            .into_iter()
            .map(|result| DifRow {
                ident: idents.get(&result.question_id).cloned().unwrap_or_default(),
                result,
            })
            .collect();
    }
    Ok(DifReport {
        by,
        groups,
        reference,
        focal,
        items,
    })
}

async fn idents(db: &impl ConnectionTrait, ids: &[i32]) -> AppResult<HashMap<i32, String>> {
    let mut out = HashMap::new();
    for r in query_in(
        db,
        "SELECT id, ident FROM questions WHERE id IN ({ids})",
        ids,
    )
    .await?
    {
        out.insert(r.try_get("", "id")?, r.try_get("", "ident")?);
    }
    Ok(out)
}

#[derive(Default)]
struct Builder {
    feed: Feed,
    /// version id → (item index, question id)
    items: HashMap<i32, (u32, i32)>,
    order: Vec<(i32, i32)>,
}

impl Builder {
    async fn add_session(
        &mut self,
        db: &impl ConnectionTrait,
        session_id: i32,
        grouping: &Grouping,
    ) -> AppResult<()> {
        self.feed.sessions.push(session_id);
        let employers: HashMap<i32, String> = match grouping {
            Grouping::Employer => super::repo::candidates(db, session_id)
                .await?
                .into_iter()
                .map(|c| (c.id, c.employer))
                .collect(),
            _ => HashMap::new(),
        };
        let mut sittings = Vec::new();
        for a in repo::attempts_in_session(db, session_id).await? {
            if a.status != AttemptStatus::Submitted {
                continue;
            }
            if a.submitted_by == Some(SubmittedBy::Terminated) {
                self.feed.terminated += 1;
                continue;
            }
            let result: Option<AttemptResult> = a
                .result
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok());
            let Some(result) = result.filter(|r| r.is_final) else {
                self.feed.pending += 1;
                continue;
            };
            let paper: Paper = serde_json::from_str(&a.paper).map_err(AppError::internal)?;
            sittings.push((a, paper, result));
        }
        let ids: Vec<i32> = sittings.iter().map(|(a, ..)| a.id).collect();
        let mut answers = answers_of(db, &ids).await?;
        for (a, paper, result) in sittings {
            let group = match grouping {
                Grouping::None => None,
                Grouping::Employer => employers
                    .get(&a.candidate_id)
                    .filter(|e| !e.trim().is_empty())
                    .cloned(),
                Grouping::ByCandidate(m) => m.get(&a.candidate_id).cloned(),
            };
            let person = self.feed.set.persons.len() as u32;
            self.feed.set.persons.push(Person {
                attempt_id: a.id,
                group,
            });
            let mine = answers.remove(&a.id).unwrap_or_default();
            for it in &paper.items {
                let Some(r) = result
                    .items
                    .iter()
                    .find(|r| r.question_id == it.question_id)
                else {
                    continue;
                };
                let next = self.order.len() as u32;
                let (index, _) = *self
                    .items
                    .entry(it.version_id)
                    .or_insert_with(|| (next, it.question_id));
                if index == next {
                    self.order.push((it.version_id, it.question_id));
                }
                if let Some(resp) = response_of(person, index, r, mine.get(&it.question_id)) {
                    self.feed.set.responses.push(resp);
                }
            }
        }
        Ok(())
    }

    async fn finish(mut self, db: &impl ConnectionTrait) -> AppResult<Feed> {
        let ids: Vec<i32> = self.order.iter().map(|(v, _)| *v).collect();
        let bodies: HashMap<i32, QuestionBody> = repo::version_bodies(db, &ids)
            .await?
            .into_iter()
            .filter_map(|(id, body)| Some((id, serde_json::from_str(&body).ok()?)))
            .collect();
        self.feed.set.items = self
            .order
            .iter()
            .map(|&(v, q)| match bodies.get(&v) {
                Some(body) => item_meta(v, q, body),
                None => ItemMeta {
                    version_id: v,
                    question_id: q,
                    option_count: 0,
                    key_mask: 0,
                },
            })
            .collect();
        Ok(self.feed)
    }
}

/// Stored answers of these attempts: attempt id → question id → answer.
async fn answers_of(
    db: &impl ConnectionTrait,
    attempt_ids: &[i32],
) -> AppResult<HashMap<i32, HashMap<i32, Answer>>> {
    let mut out: HashMap<i32, HashMap<i32, Answer>> = HashMap::new();
    for r in query_in(
        db,
        "SELECT attempt_id, question_id, response FROM answers WHERE attempt_id IN ({ids})",
        attempt_ids,
    )
    .await?
    {
        let attempt: i32 = r.try_get("", "attempt_id")?;
        let question: i32 = r.try_get("", "question_id")?;
        let text: String = r.try_get("", "response")?;
        // An answer that no longer parses counts as no answer rather than failing the report.
        if let Ok(a) = serde_json::from_str::<Answer>(&text) {
            out.entry(attempt).or_default().insert(question, a);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::model::QuestionKind;

    fn result(earned: Option<f64>, answered: bool) -> ItemResult {
        ItemResult {
            question_id: 7,
            section: 0,
            max: 2.0,
            earned,
            correct: None,
            manual: false,
            answered,
        }
    }

    #[test]
    fn a_choice_question_keeps_its_authored_options_and_key_as_bits() {
        let q = QuestionBody::new(
            QuestionKind::Multiple,
            "选出",
            &["甲", "乙", "丙", "丁"],
            Key::Choice {
                correct: vec![0, 2],
            },
        );
        let m = item_meta(3, 7, &q);
        assert_eq!((m.option_count, m.key_mask), (4, 0b0101));
    }

    #[test]
    fn true_false_counts_as_two_options_true_first() {
        let q = QuestionBody::new(
            QuestionKind::TrueFalse,
            "对吗",
            &[],
            Key::TrueFalse { value: false },
        );
        assert_eq!(item_meta(1, 1, &q).key_mask, 0b10);
        assert_eq!(chosen_mask(Some(&Answer::TrueFalse { value: true })), 0b01);
    }

    #[test]
    fn a_chosen_option_maps_to_its_authored_bit() {
        let a = Answer::Choice {
            selected: vec![3, 1],
        };
        assert_eq!(chosen_mask(Some(&a)), 0b1010);
        let r = response_of(0, 0, &result(Some(0.0), true), Some(&a)).expect("a response");
        assert_eq!(
            (r.chosen, r.omitted, r.score, r.max),
            (0b1010, false, 0.0, 2.0)
        );
    }

    #[test]
    fn an_empty_answer_is_an_omission_and_earns_nothing() {
        let empty = Answer::Choice { selected: vec![] };
        let r = response_of(1, 2, &result(None, false), Some(&empty)).expect("a response");
        assert!(r.omitted);
        assert_eq!((r.chosen, r.score), (0, 0.0));
    }

    #[test]
    fn an_item_worth_nothing_is_no_response() {
        let mut r = result(Some(0.0), true);
        r.max = 0.0;
        assert!(response_of(0, 0, &r, None).is_none());
    }
}
