//! A past session for the demo (第七十三期): about 200 simulated sittings of the demo exam, sat
//! through the platform's own services (login, saves, submit, marking, release), so the item
//! analytics of the demo have pooled figures, calibrations and measured difficulty to show.
//!
//! Responses follow a Rasch-like model from a seeded generator: each candidate has an ability
//! θ ~ N(0, 1); each question a difficulty from its author's rating (1–5 → −1.6…+1.6 logits)
//! plus a fixed per-question offset, so measured facility differs from the author's guess the
//! way it does in practice. A few questions answer at chance whatever the ability (the kind of
//! item the flags catch). Wrong choices favour the first distractor, as real ones do.

use super::attempt::{self, AttemptId, ExamRuntime, SaveRequest};
use super::delivery::to_tablet;
use super::entity::attempt::SubmittedBy;
use super::paper::Paper;
use super::results::{self, MarkId};
use super::roster::{self, RosterRow};
use super::scoring::Response;
use super::session::{self, NewRoom, NewSession, SessionId};
use super::{demo, repo, service};
use crate::audit::Actor;
use crate::bank::model::{Key, Question};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{DatabaseConnection, EntityTrait};

/// Number (期) of the past demo session.
pub const SESSION_NUMBER: &str = "第七十三期";
/// Venue of the past demo session.
pub const SESSION_VENUE: &str = "佛山站";
/// How many sittings it has.
pub const SITTINGS: usize = 200;
const SEED: u64 = 73;

const SURNAMES: [&str; 20] = [
    "陈", "李", "黄", "张", "梁", "刘", "林", "何", "王", "吴", "罗", "郑", "杨", "谢", "冯", "邓",
    "曾", "彭", "苏", "卢",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "强", "敏", "杰", "丽", "涛", "静", "磊", "婷", "俊", "华", "斌", "燕", "鹏", "琳",
    "健", "霞", "宇", "洁",
];
const EMPLOYERS: [&str; 6] = [
    "佛山示例安防工程有限公司",
    "佛山示例保安服务有限公司",
    "佛山示例智能科技有限公司",
    "广州示例安防工程有限公司",
    "顺德示例物业管理有限公司",
    "南海示例系统集成有限公司",
];
/// Districts of 佛山 (region codes), for plausible ID numbers.
const REGIONS: [&str; 4] = ["440604", "440605", "440606", "440607"];

/// What was made, or found from an earlier start.
#[derive(Debug, Clone)]
pub struct PastSession {
    /// The session.
    pub session_id: i32,
    /// Sittings with a final result.
    pub sittings: usize,
    /// False when it already existed.
    pub created: bool,
}

/// The roster: names, valid ID numbers (check character computed), employers.
pub fn roster_rows() -> Vec<RosterRow> {
    (0..SITTINGS)
        .map(|i| {
            let name = format!(
                "{}{}{}",
                SURNAMES[i % SURNAMES.len()],
                GIVEN[(i / SURNAMES.len()) % GIVEN.len()],
                GIVEN[(i * 7 + 3) % GIVEN.len()]
            );
            let birth = format!(
                "19{:02}{:02}{:02}",
                70 + i % 30,
                1 + i % 12,
                1 + (i * 3) % 28
            );
            let first17 = format!("{}{birth}{:03}", REGIONS[i % REGIONS.len()], 100 + i % 900);
            let check = super::identity::id_check_char(&first17).unwrap_or('0');
            let id = format!("{first17}{check}");
            RosterRow {
                line: i + 1,
                ident: name.clone(),
                result: roster::check(&name, &id, EMPLOYERS[i % EMPLOYERS.len()], "", None),
            }
        })
        .collect()
}

/// A standard normal draw (Box–Muller), from the seeded generator.
fn normal(rng: &mut StdRng) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    let v: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// A fixed offset in −0.9…0.9 logits per question (from its id), so measured difficulty
/// departs from the author's rating.
fn offset(question_id: i32) -> f64 {
    let h = (question_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    (h % 1801) as f64 / 1000.0 - 0.9
}

/// The chance a candidate of ability `theta` answers this question right.
pub fn p_right(theta: f64, question_id: i32, author_difficulty: u8) -> f64 {
    // About one question in 19 works at chance: nobody knows it better than anybody else.
    if question_id % 19 == 0 {
        return 0.35;
    }
    let b = (author_difficulty.clamp(1, 5) as f64 - 3.0) * 0.8 + offset(question_id) - 0.6;
    1.0 / (1.0 + (b - theta).exp())
}

/// A simulated answer: right with probability `p`, otherwise a plausible wrong one (the first
/// distractor more often than the rest); none for an open question.
fn answer(q: &Question, right: bool, rng: &mut StdRng) -> Option<Response> {
    Some(match &q.key {
        Key::Choice { correct } if right => Response::Choice {
            selected: correct.clone(),
        },
        Key::Choice { correct } => {
            let wrong: Vec<usize> = (0..q.options.len())
                .filter(|o| !correct.contains(o))
                .collect();
            if wrong.is_empty() {
                return None;
            }
            // Weights 3, 2, 1, 1, …: the first distractor attracts most.
            let weights: Vec<u32> = (0..wrong.len())
                .map(|k| match k {
                    0 => 3,
                    1 => 2,
                    _ => 1,
                })
                .collect();
            let mut roll = rng.random_range(0..weights.iter().sum::<u32>());
            let mut pick = wrong[0];
            for (w, o) in weights.iter().zip(&wrong) {
                if roll < *w {
                    pick = *o;
                    break;
                }
                roll -= w;
            }
            let mut selected = if correct.len() > 1 {
                // A multiple choice half right: all but one key, plus the distractor.
                correct[..correct.len() - 1].to_vec()
            } else {
                vec![]
            };
            selected.push(pick);
            selected.sort_unstable();
            Response::Choice { selected }
        }
        Key::TrueFalse { value } => Response::TrueFalse {
            value: *value == right,
        },
        Key::Blanks { accepted } => Response::Blanks {
            values: accepted
                .iter()
                .map(|a| match a.first() {
                    Some(s) if right => s.clone(),
                    _ => "不清楚".into(),
                })
                .collect(),
        },
        Key::Open { .. } => Response::Text {
            text: "应按设计要求逐项检查设备安装、线缆敷设与系统功能，并做好记录。".into(),
        },
    })
}

/// Makes the past session once (found by its name, number and venue on later starts): seats
/// the roster, has everyone sit the demo exam, marks the short answers, releases the results
/// (which records the statistics and calibrations) and moves the window into the past.
pub async fn ensure(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    now: DateTime<Utc>,
) -> AppResult<PastSession> {
    if let Some(s) = repo::sessions(db).await?.into_iter().find(|s| {
        s.name == demo::SESSION_NAME && s.number == SESSION_NUMBER && s.venue == SESSION_VENUE
    }) {
        return Ok(PastSession {
            session_id: s.id,
            sittings: super::attempt_repo::attempts_in_session(db, s.id)
                .await?
                .len(),
            created: false,
        });
    }
    let exam_id = service::list(db)
        .await?
        .into_iter()
        .find(|e| e.row.name == demo::EXAM_NAME)
        .map(|e| e.row.id)
        .ok_or_else(|| AppError::internal("the demo exam is made first"))?;
    let system = Actor::system();
    let (s, _) = session::create(
        db,
        &system,
        NewSession {
            exam_id,
            name: demo::SESSION_NAME.into(),
            number: SESSION_NUMBER.into(),
            venue: SESSION_VENUE.into(),
            starts_at: now - Duration::minutes(10),
            ends_at: now + Duration::days(1),
            rooms: ["第一考场", "第二考场", "第三考场", "第四考场"]
                .into_iter()
                .map(|name| NewRoom {
                    name: name.into(),
                    seats: 60,
                    proctors: vec![],
                })
                .collect(),
        },
    )
    .await?;
    let report =
        session::add_candidates(db, &system, SessionId(s.id), roster_rows(), false).await?;
    if report.skipped > 0 {
        return Err(AppError::unprocessable(
            ErrorCode::DemoRosterRejected,
            format!("{} past-session candidates were refused", report.skipped),
        ));
    }
    let mut rng = StdRng::seed_from_u64(SEED);
    let candidates = repo::candidates(db, s.id).await?;
    let mut abilities = std::collections::HashMap::new();
    for c in &candidates {
        let theta = normal(&mut rng);
        abilities.insert(c.id, theta);
        let login = attempt::login(db, rt, &c.ticket, &c.id_number, "demo").await?;
        let a = super::entity::attempt::Entity::find_by_id(login.attempt.id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal("the demo attempt vanished"))?;
        let paper: Paper = serde_json::from_str(&a.paper).map_err(AppError::internal)?;
        let versions: Vec<i32> = paper.items.iter().map(|it| it.version_id).collect();
        let questions = rt.questions(db, &versions).await?;
        for (n, item) in paper.items.iter().enumerate() {
            let Some(q) = questions.get(&item.version_id) else {
                continue;
            };
            // A few questions left blank, more by the weaker candidates.
            if rng.random_bool((0.04 - 0.02 * theta).clamp(0.0, 0.1)) {
                continue;
            }
            let right = rng.random_bool(p_right(theta, item.question_id, q.difficulty));
            let Some(response) = answer(q, right, &mut rng) else {
                continue;
            };
            attempt::save(
                db,
                rt,
                &login.auth,
                AttemptId(a.id),
                item.question_id,
                SaveRequest {
                    response: to_tablet(a.seed as u64, item.question_id, &response),
                    seq: n as i64 + 1,
                },
            )
            .await?;
        }
        let a = super::entity::attempt::Entity::find_by_id(a.id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal("the demo attempt vanished"))?;
        attempt::finish(db, rt, &a, SubmittedBy::Candidate).await?;
    }
    // The short answers, marked as a marker would: better candidates earn more.
    let marker = Actor::system();
    for m in super::attempt_repo::marks_in_session(db, s.id, true).await? {
        let theta = match super::attempt_repo::attempt(db, m.attempt_id).await? {
            Some(a) => abilities.get(&a.candidate_id).copied().unwrap_or(0.0),
            None => 0.0,
        };
        let share =
            (1.0 / (1.0 + (-theta - 0.3).exp()) + rng.random_range(-0.15..0.15)).clamp(0.0, 1.0);
        let points = (m.max_points * share).round();
        let plan = results::plan_mark(db, rt, MarkId(m.id), points, "").await?;
        let txn = crate::db::begin_write(db).await?;
        results::apply_mark(&txn, &marker, &plan).await?;
        txn.commit().await?;
    }
    let fresh = repo::session(db, s.id)
        .await?
        .ok_or_else(|| AppError::internal("the past session vanished"))?;
    results::release(db, &system, &fresh).await?;
    // Into the past: it was held two months ago (the sittings keep their own times).
    let held = now - Duration::days(60);
    let txn = crate::db::begin_write(db).await?;
    sea_orm::ConnectionTrait::execute_raw(
        &txn,
        crate::db::stmt(
            &txn,
            "UPDATE exam_sessions SET starts_at = ?, ends_at = ? WHERE id = ?",
            [held.into(), (held + Duration::hours(3)).into(), s.id.into()],
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(PastSession {
        session_id: s.id,
        sittings: candidates.len(),
        created: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_past_candidate_is_accepted_with_a_distinct_id_number() {
        let rows = roster_rows();
        assert_eq!(rows.len(), SITTINGS);
        let mut ids = std::collections::HashSet::new();
        for r in rows {
            let c = r
                .result
                .unwrap_or_else(|e| panic!("{}: {}", r.ident, e.reason));
            assert!(ids.insert(c.id_number.as_str().to_string()), "{}", r.ident);
        }
    }

    #[test]
    fn abler_candidates_answer_right_more_often_except_on_chance_items() {
        assert!(p_right(1.5, 7, 3) > p_right(-1.5, 7, 3));
        assert!(p_right(0.0, 7, 5) < p_right(0.0, 7, 1));
        assert_eq!(p_right(2.0, 38, 3), p_right(-2.0, 38, 3));
    }
}
