//! Demo data for the 视频监控技术应用专项职业能力 assessment: a theory exam on the shipped VID bank,
//! a session with a practical part on the shipped practical tasks (PRA-0001 camera installation
//! and debugging, PRA-0002 platform configuration), three judges and a head judge, and every
//! candidate checked in, so a newcomer can open the judge app and mark at once.

use super::checkin;
use super::part::{self, SetupInput, TaskInput};
use super::{Aggregation, DEFAULT_SPREAD, DrawMode};
use crate::audit::Actor;
use crate::auth::service::{Username, create_user};
use crate::auth::{Role, Roles};
use crate::bank::model::QuestionKind;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::blueprint::{Blueprint, Cell, DEFAULT_TOLERANCE, Section};
use crate::exam::definition::{ExamDefinition, Release, Review};
use crate::exam::scoring::MultiplePolicy;
use crate::exam::session::SessionId;
use crate::exam::{demo as exam_demo, repo};
use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

/// Name of the assessment's theory exam.
pub const EXAM_NAME: &str = "视频监控技术应用专项职业能力 理论知识（演示）";
/// Name of the assessment session.
pub const SESSION_NAME: &str = "视频监控技术应用专项职业能力考核(演示)";
/// Its number.
pub const SESSION_NUMBER: &str = "2026年第四季度";
/// Its venue.
pub const SESSION_VENUE: &str = "广州实训基地";
/// Password of every demo judge account.
pub const JUDGE_PASSWORD: &str = "demo-judge";
/// The demo judges: login, name, affiliation. The first is the head judge (考评组长). The third
/// works where some candidates work, so the demo shows a conflict of interest (回避).
pub const JUDGES: [(&str, &str, &str); 4] = [
    ("zuzhang", "考评组长 陈国华", "广东省安全技术防范行业协会"),
    ("kaoping1", "考评员 林志明", "广东省职业技能鉴定指导中心"),
    ("kaoping2", "考评员 何晓燕", "广州市某职业技术学院"),
    ("kaoping3", "考评员 郑伟", "广州示例安防工程有限公司"),
];
/// The shipped practical tasks the demo uses.
pub const TASKS: [&str; 2] = ["PRA-0001", "PRA-0002"];

/// What the demo made or found.
#[derive(Debug, Clone)]
pub struct PracticalDemo {
    /// The session.
    pub session_id: i32,
    /// False when it existed already.
    pub created: bool,
    /// Checked-in candidates: ticket, name, work code.
    pub codes: Vec<(String, String, String)>,
}

fn cell(kind: QuestionKind, count: usize, points: f64) -> Cell {
    Cell {
        bank: "VID".into(),
        category: None,
        kind,
        min_difficulty: 1,
        max_difficulty: 5,
        count,
        points,
    }
}

/// The theory exam: 100 points on the VID bank, pass line 60, 60 minutes.
pub fn exam_definition() -> ExamDefinition {
    use QuestionKind::*;
    let section = |title: &str, cells| Section {
        title: title.into(),
        cells,
        shuffle_questions: true,
    };
    ExamDefinition {
        name: EXAM_NAME.into(),
        blueprint: Blueprint {
            sections: vec![
                section("一、单项选择题", vec![cell(Single, 30, 2.0)]),
                section("二、多项选择题", vec![cell(Multiple, 10, 2.0)]),
                section("三、判断题", vec![cell(TrueFalse, 10, 2.0)]),
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
        release: Release::ByStaff,
        show_explanations: false,
        review: Review::AfterClose,
        equated_pass_mark: false,
    }
}

async fn judge_ids(db: &DatabaseConnection) -> AppResult<Vec<i32>> {
    let mut ids = vec![];
    for (login, name, affiliation) in JUDGES {
        let id = match crate::auth::repo::find_by_username(db, login).await? {
            Some(u) => u.id,
            None => {
                let roles =
                    Roles::new(vec![Role::Judge]).ok_or_else(|| AppError::internal("no roles"))?;
                create_user(
                    db,
                    &Actor::system(),
                    Username::parse(login)?,
                    name,
                    JUDGE_PASSWORD,
                    roles,
                    affiliation,
                )
                .await?
                .id
            }
        };
        ids.push(id);
    }
    Ok(ids)
}

/// The shipped practical tasks the demos use ([`TASKS`]), as question ids.
pub async fn task_ids(db: &DatabaseConnection) -> AppResult<Vec<i32>> {
    let missing = || {
        AppError::unprocessable(
            ErrorCode::NotAPracticalTask,
            "the shipped practical bank (PRA) is not loaded",
        )
        .with_zh("未载入自带的实操题库（PRA）")
    };
    let bank = crate::bank::repo::bank_by_code(db, "PRA")
        .await?
        .ok_or_else(missing)?;
    let mut ids = vec![];
    for ident in TASKS {
        let q = crate::bank::repo::question_by_ident(db, bank.id, ident)
            .await?
            .ok_or_else(missing)?;
        ids.push(q.id);
    }
    Ok(ids)
}

/// Makes the assessment session, or finds it from an earlier start. The theory window runs from
/// ten minutes before `now` to a day after; the practical slots start at the next full hour.
pub async fn ensure(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<PracticalDemo> {
    let existing = repo::sessions(db)
        .await?
        .into_iter()
        .find(|s| s.name == SESSION_NAME && s.number == SESSION_NUMBER && s.venue == SESSION_VENUE);
    let (session_id, created) = match existing {
        Some(s) => (s.id, false),
        None => (create(db, now).await?, true),
    };
    let sched = checkin::schedule(db, SessionId(session_id)).await?;
    Ok(PracticalDemo {
        session_id,
        created,
        codes: sched
            .rows
            .into_iter()
            .map(|r| (r.ticket, r.name, r.code.unwrap_or_default()))
            .collect(),
    })
}

async fn create(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<i32> {
    let s = exam_demo::seat(
        db,
        exam_definition(),
        (SESSION_NAME, SESSION_NUMBER, SESSION_VENUE),
        now,
    )
    .await?;
    let judges = judge_ids(db).await?;
    let first_slot = now + Duration::hours(1) - Duration::seconds(now.timestamp() % 3600);
    let tasks = task_ids(db)
        .await?
        .into_iter()
        .map(|question_id| TaskInput {
            question_id,
            weight: 1.0,
            aggregation: Aggregation::Mean,
            spread: DEFAULT_SPREAD,
            judges: judges.clone(),
            head_judge: judges[0],
        })
        .collect();
    part::set(
        db,
        &Actor::system(),
        SessionId(s.id),
        SetupInput {
            stations: 3,
            slots: 0,
            slot_minutes: 90,
            first_slot_at: Some(first_slot),
            draw_mode: DrawMode::CheckIn,
            pass_line: super::DEFAULT_PASS_LINE,
            tasks,
        },
    )
    .await?;
    for c in repo::candidates(db, s.id).await? {
        checkin::check_in(db, &Actor::system(), SessionId(s.id), &c.ticket).await?;
    }
    Ok(s.id)
}
