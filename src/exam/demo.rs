//! Demo data for `exam-platform demo`: an exam on the shipped banks, an open session and a few
//! candidates with valid, stable ID numbers, so someone trying the platform can sit an exam at once.

use super::blueprint::{Blueprint, Cell, DEFAULT_TOLERANCE, Section};
use super::definition::{ExamDefinition, Release, Review};
use super::identity::id_check_char;
use super::roster::{self, RosterRow};
use super::scoring::MultiplePolicy;
use super::session::{self, NewRoom, NewSession, SessionId};
use super::{repo, service};
use crate::audit::Actor;
use crate::bank::model::QuestionKind;
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

/// Name of the demo exam.
pub const EXAM_NAME: &str = "安防从业人员继续教育培训考试（演示）";
/// Name of the demo session; with [`SESSION_NUMBER`] and [`SESSION_VENUE`] it identifies the
/// session on a later start.
pub const SESSION_NAME: &str = "安防从业人员继续教育培训(演示)";
/// Number (期) of the demo session.
pub const SESSION_NUMBER: &str = "第七十四期";
/// Venue (站) of the demo session.
pub const SESSION_VENUE: &str = "广州站";
/// The demo session's rooms and their seats.
pub const ROOMS: [(&str, i32); 2] = [("第一考场", 30), ("第二考场", 30)];

/// Name, male?, region (6 digits) and birth date (YYYYMMDD) of each demo candidate.
const PEOPLE: [(&str, bool, &str, &str); 10] = [
    ("张伟", true, "440106", "19850312"),
    ("王芳", false, "440104", "19900521"),
    ("李强", true, "440105", "19781108"),
    ("刘敏", false, "440103", "19921203"),
    ("陈杰", true, "440111", "19880617"),
    ("杨丽", false, "440112", "19950129"),
    ("黄涛", true, "440113", "19830904"),
    ("赵静", false, "440114", "19910715"),
    ("周磊", true, "440115", "19870220"),
    ("吴婷", false, "440118", "19961030"),
];
const EMPLOYERS: [&str; 3] = [
    "广州示例安防工程有限公司",
    "广州示例保安服务有限公司",
    "广州示例智能系统有限公司",
];
/// How many candidates sit in the first room; the rest sit in the second.
const FIRST_ROOM: usize = 6;

/// A demo candidate as stored: what they log in with and where they sit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCandidate {
    /// Name.
    pub name: String,
    /// Ticket number (准考证号).
    pub ticket: String,
    /// The full ID number (generated, so safe to print).
    pub id_number: String,
    /// Room name.
    pub room: String,
    /// Seat.
    pub seat: i32,
}

/// The demo exam and session, made now or found from an earlier start.
#[derive(Debug, Clone)]
pub struct Demo {
    /// The exam's id.
    pub exam_id: i32,
    /// The session's id.
    pub session_id: i32,
    /// False when the session already existed and nothing was written.
    pub created: bool,
    /// When the session's window closes.
    pub ends_at: DateTime<Utc>,
    /// The candidates by room and seat.
    pub candidates: Vec<DemoCandidate>,
}

fn cell(bank: &str, kind: QuestionKind, count: usize, points: f64) -> Cell {
    Cell {
        bank: bank.into(),
        category: None,
        kind,
        min_difficulty: 1,
        max_difficulty: 5,
        count,
        points,
    }
}

fn section(title: &str, cells: Vec<Cell>) -> Section {
    Section {
        title: title.into(),
        cells,
        shuffle_questions: true,
    }
}

/// The demo exam: 100 points over the four shipped banks, pass line 60, 60 minutes.
pub fn exam_definition() -> ExamDefinition {
    use QuestionKind::*;
    let spread = |kind: QuestionKind, counts: [usize; 4], points: f64| -> Vec<Cell> {
        ["LAW", "STD", "ACC", "VID"]
            .into_iter()
            .zip(counts)
            .map(|(bank, n)| cell(bank, kind, n, points))
            .collect()
    };
    ExamDefinition {
        name: EXAM_NAME.into(),
        blueprint: Blueprint {
            sections: vec![
                section("一、单项选择题", spread(Single, [5, 5, 5, 5], 2.0)),
                section("二、多项选择题", spread(Multiple, [3, 2, 2, 3], 2.0)),
                section("三、判断题", spread(TrueFalse, [3, 2, 2, 3], 1.0)),
                section(
                    "四、填空题",
                    vec![
                        cell("LAW", Fill, 1, 5.0),
                        cell("STD", Fill, 1, 5.0),
                        cell("VID", Fill, 1, 5.0),
                    ],
                ),
                section("五、简答题", vec![cell("VID", Short, 1, 15.0)]),
            ],
            target_difficulty: None,
            tolerance: DEFAULT_TOLERANCE,
            draw: Default::default(),
        },
        time_limit_minutes: 60,
        pass_line: 60.0,
        multiple_policy: MultiplePolicy::Proportional,
        shuffle_options: true,
        attempts_allowed: 1,
        avoid_seen_on_retake: true,
        release: Release::AtSubmit,
        show_explanations: true,
        review: Review::AfterClose,
        equated_pass_mark: false,
    }
}

/// The demo candidates' ID numbers, in roster order: region, birth date, a sequence whose last
/// digit is odd for men and even for women (as on real cards), and the check character.
pub fn id_numbers() -> Vec<String> {
    PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (_, male, region, birth))| {
            let seq = 10 * (i + 1) + if *male { 1 } else { 2 };
            let first17 = format!("{region}{birth}{seq:03}");
            // 17 ASCII digits by construction, so a check character always exists.
            let check = id_check_char(&first17).unwrap_or('0');
            format!("{first17}{check}")
        })
        .collect()
}

/// The demo roster: six candidates in the first room, four in the second.
pub fn roster_rows() -> Vec<RosterRow> {
    PEOPLE
        .iter()
        .zip(id_numbers())
        .enumerate()
        .map(|(i, ((name, ..), id))| {
            let room = ROOMS[usize::from(i >= FIRST_ROOM)].0;
            RosterRow {
                line: 0,
                ident: (*name).to_string(),
                result: roster::check(name, &id, EMPLOYERS[i % EMPLOYERS.len()], "", Some(room)),
            }
        })
        .collect()
}

/// Makes the demo exam, session and candidates, or finds them when a session with the demo's
/// name, number and venue already exists (so a persistent database never gets a second one).
/// The session's window runs from ten minutes before `now` to a day after. Needs the shipped
/// banks loaded; the exam is refused with `blueprint_infeasible` otherwise.
pub async fn ensure(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<Demo> {
    let existing = repo::sessions(db)
        .await?
        .into_iter()
        .find(|s| s.name == SESSION_NAME && s.number == SESSION_NUMBER && s.venue == SESSION_VENUE);
    if let Some(s) = existing {
        return Ok(Demo {
            exam_id: s.exam_id,
            session_id: s.id,
            created: false,
            ends_at: s.ends_at,
            candidates: candidates(db, s.id).await?,
        });
    }
    let s = seat(
        db,
        exam_definition(),
        (SESSION_NAME, SESSION_NUMBER, SESSION_VENUE),
        now,
    )
    .await?;
    Ok(Demo {
        exam_id: s.exam_id,
        session_id: s.id,
        created: true,
        ends_at: s.ends_at,
        candidates: candidates(db, s.id).await?,
    })
}

/// Makes a demo session for an exam (reusing an exam of the same name left by an interrupted
/// earlier start) in the demo rooms, open from ten minutes before `now` for a day, and seats the
/// demo roster. Every demo session is made this way.
pub async fn seat(
    db: &DatabaseConnection,
    definition: ExamDefinition,
    (name, number, venue): (&str, &str, &str),
    now: DateTime<Utc>,
) -> AppResult<super::entity::session::Model> {
    let exam_id = match service::list(db)
        .await?
        .into_iter()
        .find(|e| e.row.name == definition.name)
    {
        Some(e) => e.row.id,
        None => {
            service::create(db, &Actor::system(), definition)
                .await?
                .0
                .row
                .id
        }
    };
    let new = NewSession {
        exam_id,
        name: name.into(),
        number: number.into(),
        venue: venue.into(),
        starts_at: now - Duration::minutes(10),
        ends_at: now + Duration::days(1),
        rooms: ROOMS
            .iter()
            .map(|(name, seats)| NewRoom {
                name: (*name).into(),
                seats: *seats,
                proctors: vec![],
            })
            .collect(),
    };
    let (s, _) = session::create(db, &Actor::system(), new).await?;
    let report =
        session::add_candidates(db, &Actor::system(), SessionId(s.id), roster_rows(), false)
            .await?;
    if report.skipped > 0 {
        let reasons: Vec<String> = report
            .rows
            .iter()
            .filter_map(|r| Some(format!("{}: {}", r.ident, r.reason.as_deref()?)))
            .collect();
        return Err(AppError::unprocessable(
            ErrorCode::DemoRosterRejected,
            format!("demo candidates were refused: {}", reasons.join("; ")),
        ));
    }
    Ok(s)
}

async fn candidates(db: &DatabaseConnection, session_id: i32) -> AppResult<Vec<DemoCandidate>> {
    let rooms = repo::rooms(db, session_id).await?;
    Ok(repo::candidates(db, session_id)
        .await?
        .into_iter()
        .map(|c| DemoCandidate {
            room: rooms
                .iter()
                .find(|r| r.id == c.room_id)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            name: c.name,
            ticket: c.ticket,
            id_number: c.id_number,
            seat: c.seat,
        })
        .collect())
}

/// Has every candidate of a session sit its exam now, as a tablet would (login, one save per
/// question, submit), answering each question right with the probability `skill(i)` gives the
/// i-th candidate (by seat order) and wrong otherwise, from a seeded generator so a demo is the
/// same every time. For demos whose exam must already have been sat (a competition's theory
/// preliminary); the scores and results are the platform's own.
pub async fn sit_all(
    db: &DatabaseConnection,
    rt: &super::attempt::ExamRuntime,
    session_id: SessionId,
    skill: impl Fn(usize) -> f64,
    seed: u64,
) -> AppResult<usize> {
    use super::attempt::{self, AttemptId, SaveRequest};
    use super::delivery::to_tablet;
    use super::entity::attempt::SubmittedBy;
    use super::paper::Paper;
    use super::scoring::Response;
    use crate::bank::model::Key;
    use rand::{Rng, SeedableRng};
    use sea_orm::EntityTrait;

    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut sat = 0;
    for (i, c) in candidates(db, session_id.0).await?.into_iter().enumerate() {
        let login = attempt::login(db, rt, &c.ticket, &c.id_number, "demo").await?;
        let a = super::entity::attempt::Entity::find_by_id(login.attempt.id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal("the demo attempt vanished"))?;
        let paper: Paper = serde_json::from_str(&a.paper).map_err(AppError::internal)?;
        let versions: Vec<i32> = paper.items.iter().map(|it| it.version_id).collect();
        let questions = rt.questions(db, &versions).await?;
        let p = skill(i).clamp(0.0, 1.0);
        for (n, item) in paper.items.iter().enumerate() {
            let Some(q) = questions.get(&item.version_id) else {
                continue;
            };
            let right = rng.random_bool(p);
            let response = match &q.key {
                Key::Choice { correct } if right => Response::Choice {
                    selected: correct.clone(),
                },
                Key::Choice { correct } => Response::Choice {
                    selected: (0..q.options.len())
                        .filter(|o| !correct.contains(o))
                        .take(1)
                        .collect(),
                },
                Key::TrueFalse { value } => Response::TrueFalse {
                    value: *value == right,
                },
                Key::Blanks { accepted } => Response::Blanks {
                    values: accepted
                        .iter()
                        .map(|a| match a.first() {
                            Some(s) if right => s.clone(),
                            _ => "—".into(),
                        })
                        .collect(),
                },
                Key::Open { .. } => continue,
            };
            let request = SaveRequest {
                response: to_tablet(a.seed as u64, item.question_id, &response),
                seq: n as i64 + 1,
            };
            attempt::save(
                db,
                rt,
                &login.auth,
                AttemptId(a.id),
                item.question_id,
                request,
            )
            .await?;
        }
        let a = super::entity::attempt::Entity::find_by_id(a.id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::internal("the demo attempt vanished"))?;
        attempt::finish(db, rt, &a, SubmittedBy::Candidate).await?;
        sat += 1;
    }
    Ok(sat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::identity::IdNumber;

    #[test]
    fn the_generated_id_numbers_are_valid_distinct_and_stable() {
        let ids = id_numbers();
        assert_eq!(ids.len(), PEOPLE.len());
        for (id, (_, male, region, birth)) in ids.iter().zip(PEOPLE) {
            let parsed = IdNumber::parse(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(parsed.as_str(), id);
            assert!(id.starts_with(region) && id[6..14] == *birth);
            let sex_digit = id.as_bytes()[16] - b'0';
            assert_eq!(sex_digit % 2 == 1, male, "{id}: sex digit");
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
        assert_eq!(ids, id_numbers());
    }

    #[test]
    fn every_roster_row_is_accepted_and_names_a_demo_room() {
        for row in roster_rows() {
            let c = row
                .result
                .unwrap_or_else(|e| panic!("{}: {}", row.ident, e.reason));
            let room = c.room.expect("a room");
            assert!(ROOMS.iter().any(|(r, _)| *r == room));
        }
    }

    #[test]
    fn the_demo_exam_is_a_valid_100_point_paper() {
        let def = ExamDefinition::parse(exam_definition()).expect("valid definition");
        assert_eq!(def.blueprint.total_points(), 100.0);
        assert_eq!(def.blueprint.total_count(), 44);
        assert_eq!(def.banks(), vec!["ACC", "LAW", "STD", "VID"]);
    }
}
