//! Demo data for `exam-platform demo`: a small 职业技能竞赛 a newcomer can walk through in
//! minutes. Two groups (职工组, 学生组), a theory preliminary already sat on tablets and its cut
//! confirmed, a practical final with two tasks and five judges: finalists checked in at the door,
//! codes sealed by the 加密裁判 and the supervisor, every sheet marked and signed off, the recheck
//! re-entered. What is left to do by hand: review two late registrations, finish the recheck, the
//! decryption ceremony (supervisor, then 加密裁判) and the ranking.
//!
//! Everything goes through the same services the console calls; nothing is written around them.

use super::checkin::{self, CheckInInput};
use super::eligibility::RulesJson;
use super::events::{self, EventInput, GroupInput};
use super::final_stage::{self, PrepareInput};
use super::recheck::{self, AspectEntry, SheetEntries};
use super::registration::{self, RegistrationInput};
use super::review::{self, AcceptFilter};
use super::setup::{self, CompetitionInput};
use super::stages::{self, StageInput};
use super::theory::{self, TheorySessionInput};
use super::{CompetitionId, StageId, cut, encryption, seal};
use crate::audit::Actor;
use crate::auth::service::{Username, create_user};
use crate::auth::{Role, Roles};
use crate::bank::model::AspectKind;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::exam::attempt::ExamRuntime;
use crate::exam::demo as exam_demo;
use crate::exam::identity::id_check_char;
use crate::exam::session::{NewRoom, SessionId};
use crate::practical::entity::code;
use crate::practical::part::{self, SetupInput, TaskInput};
use crate::practical::{Aggregation, DEFAULT_PASS_LINE, DEFAULT_SPREAD, DrawMode, TaskId};
use crate::practical::{demo as practical_demo, marking, signoff};
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// Name of the demo competition; a later start finds it by this name.
pub const NAME: &str = "平安城市-智慧守护智能安防职业技能竞赛（演示）";
/// Its code (contestant numbers start with it).
pub const CODE: &str = "DEMO26";
/// The event.
pub const EVENT: &str = "视频监控系统安装与调试";
/// Password of every demo competition account.
pub const PASSWORD: &str = "demo-judge";
/// The 加密裁判 (holds layer 1) and the supervisor (监督, holds layer 2; also the recheck team),
/// with their seal passphrases.
pub const HOLDERS: [(&str, &str, &str); 2] = [
    ("jiami", "加密裁判 宋立新", "jiami-2026"),
    ("jiandu", "监督 欧阳敏", "jiandu-2026"),
];
/// The five judges of the final (the first is the head judge, 裁判长). The fourth works where a
/// 职工组 finalist works, so the demo shows a judge standing aside (回避) behind the codes.
pub const JUDGES: [(&str, &str, &str); 5] = [
    ("caipan1", "裁判长 梁振华", "广东省安全技术防范行业协会"),
    ("caipan2", "裁判 李文博", "华南理工大学"),
    ("caipan3", "裁判 吴佳琪", "广东省职业技能鉴定指导中心"),
    ("caipan4", "裁判 陈国栋", "广州市某安防工程有限公司"),
    ("caipan5", "裁判 黄晓丽", "深圳市公共安全技术研究院"),
];
/// Registered schools (学生组 admits their students only).
const SCHOOLS: [&str; 2] = ["广州市某职业技术学院", "广东某技师学院"];
/// Contestants: name, group (0 职工组, 1 学生组), organisation, region, birth date, theory skill.
const PEOPLE: [(&str, usize, &str, &str, &str, f64); 10] = [
    (
        "冯志强",
        0,
        "广州市某安防工程有限公司",
        "440106",
        "19880312",
        0.92,
    ),
    (
        "邓丽君",
        0,
        "深圳某智能科技有限公司",
        "440304",
        "19910521",
        0.85,
    ),
    (
        "许文杰",
        0,
        "佛山市某电子工程有限公司",
        "440604",
        "19851108",
        0.78,
    ),
    (
        "曾凡星",
        0,
        "东莞某系统集成有限公司",
        "441900",
        "19930617",
        0.7,
    ),
    (
        "彭海燕",
        0,
        "珠海某安防服务有限公司",
        "440402",
        "19870204",
        0.6,
    ),
    ("罗嘉怡", 1, SCHOOLS[0], "440105", "20040129", 0.9),
    ("谢俊豪", 1, SCHOOLS[1], "440111", "20030904", 0.82),
    ("韩雨桐", 1, SCHOOLS[0], "440112", "20050715", 0.75),
    ("唐子轩", 1, SCHOOLS[1], "440113", "20041030", 0.66),
    ("蒋思琪", 1, SCHOOLS[0], "440114", "20040220", 0.55),
];
/// Late registrations left pending for the newcomer to review.
const LATE: [(&str, usize, &str, &str, &str); 2] = [
    ("潘宇航", 0, "中山某消防安防有限公司", "442000", "19900808"),
    ("朱晨曦", 1, "广东某技师学院", "440115", "20050505"),
];

/// What the demo made or found.
#[derive(Debug, Clone)]
pub struct CompetitionDemo {
    /// The competition.
    pub competition_id: i32,
    /// The final's stage (for the seal, recheck and decryption screens).
    pub final_stage: i32,
    /// False when it existed already.
    pub created: bool,
    /// Issue 15, part A: the arbitrator's login (监督仲裁组), the demo leader (领队) and the
    /// access code issued at this start (only its hash is stored, so each start issues anew).
    pub appeals: Option<(String, String, String)>,
}

/// The demo arbitrator (监督仲裁组) login.
pub const ARBITRATOR: (&str, &str, &str) = ("zhongcai", "仲裁员 周明", "");

/// Issue 15, part A: the arbitrator account and a fresh code for the employee group's leader.
async fn appeals_demo(
    db: &DatabaseConnection,
    id: CompetitionId,
) -> Option<(String, String, String)> {
    let run = async {
        staff(db, ARBITRATOR, Role::Arbitrator).await?;
        let leader = "领队 何建国".to_string();
        let issued = super::appellants::issue(
            db,
            &Actor::system(),
            id,
            &super::appellants::IssueCode {
                leader: leader.clone(),
            },
        )
        .await?;
        AppResult::Ok((ARBITRATOR.0.to_string(), leader, issued.code))
    };
    run.await.ok()
}

fn id_number(region: &str, birth: &str, i: usize) -> String {
    let first17 = format!("{region}{birth}{:03}", 100 + 2 * i + 1);
    // 17 ASCII digits by construction, so a check character always exists.
    let check = id_check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

async fn staff(
    db: &DatabaseConnection,
    (login, name, affiliation): (&str, &str, &str),
    role: Role,
) -> AppResult<Actor> {
    let id = match crate::auth::repo::find_by_username(db, login).await? {
        Some(u) => u.id,
        None => {
            let roles = Roles::new(vec![role]).ok_or_else(|| AppError::internal("no roles"))?;
            let username = Username::parse(login)?;
            create_user(
                db,
                &Actor::system(),
                username,
                name,
                PASSWORD,
                roles,
                affiliation,
            )
            .await?
            .id
        }
    };
    Ok(Actor {
        id: Some(id),
        name: login.into(),
    })
}

/// Makes the demo competition, or finds it from an earlier start.
pub async fn ensure(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    now: DateTime<Utc>,
) -> AppResult<CompetitionDemo> {
    if let Some(c) = setup::list(db).await?.into_iter().find(|c| c.name == NAME) {
        let view = setup::load(db, CompetitionId(c.id)).await?;
        let final_stage = view
            .events
            .first()
            .and_then(|e| e.stages.last())
            .map(|s| s.id.0)
            .unwrap_or_default();
        return Ok(CompetitionDemo {
            competition_id: c.id,
            final_stage,
            created: false,
            appeals: appeals_demo(db, CompetitionId(c.id)).await,
        });
    }
    create(db, rt, now).await
}

async fn create(
    db: &DatabaseConnection,
    rt: &ExamRuntime,
    now: DateTime<Utc>,
) -> AppResult<CompetitionDemo> {
    let organiser = Actor::system();
    let encryptor = staff(db, (HOLDERS[0].0, HOLDERS[0].1, ""), Role::Judge).await?;
    let supervisor = staff(db, (HOLDERS[1].0, HOLDERS[1].1, ""), Role::Supervisor).await?;
    let mut judges = vec![];
    for j in JUDGES {
        judges.push(staff(db, j, Role::Judge).await?);
    }
    let judge_ids: Vec<i32> = judges.iter().filter_map(|j| j.id).collect();

    // Set-up: one event, two groups, a theory preliminary (30 %) and a practical final (70 %)
    // admitting the best three of each group.
    let comp = setup::create(
        db,
        &organiser,
        CompetitionInput {
            name: NAME.into(),
            code: CODE.into(),
            held_on: now,
            theory_cap: None,
            schools: SCHOOLS.iter().map(|s| s.to_string()).collect(),
        },
    )
    .await?;
    let event = events::add_event(
        db,
        &organiser,
        comp.id,
        EventInput {
            name: EVENT.into(),
            code: "A".into(),
            kind: "individual".into(),
            team_size: None,
            team_score: None,
            tie_chain: Some(vec![
                "practical".into(),
                "modules".into(),
                "theory".into(),
                "time".into(),
            ]),
        },
    )
    .await?;
    let mut groups = vec![];
    for (name, code, rules) in [
        (
            "职工组",
            "Z",
            RulesJson {
                org_kind: Some("employer".into()),
                registered_school: false,
                min_age: Some(18),
                max_age: None,
            },
        ),
        (
            "学生组",
            "X",
            RulesJson {
                org_kind: Some("school".into()),
                registered_school: true,
                min_age: None,
                max_age: Some(25),
            },
        ),
    ] {
        let g = events::add_group(
            db,
            &organiser,
            comp.id,
            GroupInput {
                name: name.into(),
                code: code.into(),
                rules,
            },
        )
        .await?;
        groups.push(g.id.0);
    }
    let stage = |name: &str, kind: &str, weight: f64| StageInput {
        name: name.into(),
        kind: kind.into(),
        weight,
        cut_kind: None,
        cut_value: None,
        encryptor_id: None,
        supervisor_id: None,
        recheck_top: None,
        recheck_share: None,
        recheck_error_limit: None,
    };
    let event = stages::put_stages(
        db,
        &organiser,
        event.id,
        vec![
            stage("理论初赛", "theory", 0.3),
            StageInput {
                cut_kind: Some("top_n".into()),
                cut_value: Some(3.0),
                encryptor_id: encryptor.id,
                supervisor_id: supervisor.id,
                ..stage("实操决赛", "practical", 0.7)
            },
        ],
    )
    .await?;
    let (theory_stage, final_id) = match event.stages.as_slice() {
        [t, f] => (t.id, f.id),
        _ => return Err(AppError::internal("the demo event has not two stages")),
    };

    // Registration and review.
    let register =
        |(i, name, group, organisation, region, birth): (usize, &str, usize, &str, &str, &str)| {
            RegistrationInput {
                event_id: event.id.0,
                group_id: groups[group],
                name: name.into(),
                id_number: id_number(region, birth, i),
                phone: format!("1380000{:04}", 100 + i),
                organisation: organisation.into(),
                org_kind: None,
                leader: if group == 0 {
                    "领队 何建国".into()
                } else {
                    "领队 刘老师".into()
                },
                trainer: String::new(),
            }
        };
    for (i, p) in PEOPLE.iter().enumerate() {
        registration::register(
            db,
            &organiser,
            comp.id,
            register((i, p.0, p.1, p.2, p.3, p.4)),
        )
        .await?;
    }
    review::accept_all(
        db,
        &organiser,
        comp.id,
        AcceptFilter {
            event_id: None,
            group_id: None,
        },
    )
    .await?;
    for (k, p) in LATE.iter().enumerate() {
        let i = PEOPLE.len() + k;
        // Eligible, left pending for the newcomer to accept or refuse (with a reason).
        registration::register(
            db,
            &organiser,
            comp.id,
            register((i, p.0, p.1, p.2, p.3, p.4)),
        )
        .await?;
    }

    // The theory preliminary, sat on tablets (a seeded share of right answers per contestant),
    // then the cut confirmed.
    let exam_id = match crate::exam::service::list(db)
        .await?
        .into_iter()
        .find(|e| e.row.name == practical_demo::EXAM_NAME)
    {
        Some(e) => e.row.id,
        None => {
            crate::exam::service::create(db, &organiser, practical_demo::exam_definition())
                .await?
                .0
                .row
                .id
        }
    };
    let theory_view = theory::create_session(
        db,
        &organiser,
        theory_stage,
        TheorySessionInput {
            exam_id,
            name: Some(format!("{NAME} 理论初赛")),
            venue: "广州实训基地".into(),
            starts_at: now - Duration::minutes(10),
            ends_at: now + Duration::days(1),
            rooms: vec![NewRoom {
                name: "第一考场".into(),
                seats: 30,
                proctors: vec![],
            }],
        },
    )
    .await?;
    theory::seat(db, &organiser, theory_stage).await?;
    let theory_session = theory_view
        .session_id
        .ok_or_else(|| AppError::internal("the theory stage has no session"))?;
    // Seated in contestant-number order: 学生组 (X) before 职工组 (Z), registration order within.
    let mut order: Vec<(bool, usize)> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, p)| (p.1 == 0, i))
        .collect();
    order.sort_unstable();
    let skills: Vec<f64> = order.into_iter().map(|(_, i)| PEOPLE[i].5).collect();
    exam_demo::sit_all(
        db,
        rt,
        SessionId(theory_session),
        |i| skills.get(i).copied().unwrap_or(0.6),
        26,
    )
    .await?;
    cut::confirm(db, &organiser, theory_stage).await?;

    // The final: its session with one anonymous place per finalist, two tasks marked by all
    // five judges (trimmed mean), the seals, the door, 二次加密.
    let prepared = final_stage::prepare(
        db,
        &organiser,
        final_id,
        PrepareInput {
            starts_at: now,
            ends_at: now + Duration::days(1),
            venue: "广州实训基地 实操赛场".into(),
        },
    )
    .await?;
    let session = SessionId(prepared.session_id);
    let first_slot = now + Duration::hours(1) - Duration::seconds(now.timestamp() % 3600);
    let tasks: Vec<TaskInput> = practical_demo::task_ids(db)
        .await?
        .into_iter()
        .map(|question_id| TaskInput {
            question_id,
            weight: 1.0,
            aggregation: Aggregation::TrimmedMean,
            spread: DEFAULT_SPREAD,
            judges: judge_ids.clone(),
            head_judge: judge_ids[0],
        })
        .collect();
    part::set(
        db,
        &organiser,
        session,
        SetupInput {
            stations: 3,
            slots: 0,
            slot_minutes: 90,
            first_slot_at: Some(first_slot),
            draw_mode: DrawMode::CheckIn,
            pass_line: DEFAULT_PASS_LINE,
            tasks,
        },
    )
    .await?;
    seal::take(db, &encryptor, final_id, HOLDERS[0].2).await?;
    seal::take(db, &supervisor, final_id, HOLDERS[1].2).await?;
    let finalists: Vec<i32> = final_stage::finalists(db, final_id)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    for c in finalists {
        let r = registration::find(db, super::ContestantId(c)).await?;
        checkin::check_in(
            db,
            &organiser,
            final_id,
            &CheckInInput {
                number: r.number.unwrap_or_default(),
                id_number: r.id_number,
            },
        )
        .await?;
    }
    encryption::encrypt(db, &supervisor, final_id).await?;
    mark_everything(db, session, &judges, final_id, &supervisor).await?;
    awards_setup(db, &organiser, event.id).await?;
    Ok(CompetitionDemo {
        competition_id: comp.id.0,
        final_stage: final_id.0,
        created: true,
        appeals: appeals_demo(db, comp.id).await,
    })
}

/// Every judge marks every code they may (by code only: the demo never looks behind them),
/// submits, the head judge signs each task off, and the supervisor re-enters the sheets the
/// recheck selects exactly as marked, leaving the recheck to be finished by hand.
async fn mark_everything(
    db: &DatabaseConnection,
    session: SessionId,
    judges: &[Actor],
    stage: StageId,
    supervisor: &Actor,
) -> AppResult<()> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let mut entered: HashMap<(String, i32, i32), Vec<f64>> = HashMap::new();
    let tasks = part::tasks(db, session).await?;
    let codes: Vec<String> = code::Entity::find()
        .filter(code::Column::SessionId.eq(session.0))
        .order_by_asc(code::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let skill: HashMap<&str, f64> = codes
        .iter()
        .map(|c| (c.as_str(), rng.random_range(0.55..0.95)))
        .collect();
    for t in &tasks {
        let q = part::task_question(db, t).await?;
        let aspects = q.scheme.clone();
        for code in &codes {
            let s = skill.get(code.as_str()).copied().unwrap_or(0.7);
            for judge in judges {
                let mut sheet = vec![];
                for (a, aspect) in aspects.iter().enumerate() {
                    let good = rng.random_bool(s);
                    let entry = match &aspect.kind {
                        AspectKind::Measurement { bands, .. } if bands.is_empty() => {
                            f64::from(u8::from(good))
                        }
                        AspectKind::Measurement { bands, .. } => {
                            let widest = bands.iter().map(|b| b.within).fold(0.0, f64::max);
                            if good { 0.0 } else { widest * 1.5 }
                        }
                        // Within the allowed spread of one level, so no flag is raised.
                        AspectKind::Judgement { .. } => (3.0 * s).round().clamp(1.0, 3.0),
                        AspectKind::Deduction { .. } => f64::from(u8::from(!good)),
                    };
                    sheet.push(entry);
                    let saved =
                        marking::save(db, judge, TaskId(t.id), code, a as i32, entry, a as i64)
                            .await;
                    match saved {
                        Ok(_) => {}
                        // A judge standing aside for this code (回避): the panel works one short.
                        Err(e) if e.code == ErrorCode::ConflictOfInterest => {
                            sheet.clear();
                            break;
                        }
                        Err(e) => return Err(e),
                    }
                }
                if sheet.is_empty() {
                    continue;
                }
                marking::submit(db, judge, TaskId(t.id), code).await?;
                let judge_id = judge.id.unwrap_or_default();
                entered.insert((code.clone(), t.id, judge_id), sheet);
            }
        }
        signoff::sign_off(db, &judges[0], TaskId(t.id)).await?;
    }
    let view = recheck::start(db, supervisor, stage).await?;
    for c in &view.candidates {
        for s in &c.sheets {
            let Some(entries) = entered.get(&(c.code.clone(), s.task_id, s.judge_id)) else {
                continue;
            };
            let sheet = SheetEntries {
                code: c.code.clone(),
                task_id: s.task_id,
                judge_id: s.judge_id,
                entries: entries
                    .iter()
                    .enumerate()
                    .map(|(a, e)| AspectEntry {
                        aspect: a as i32,
                        entry: *e,
                    })
                    .collect(),
            };
            recheck::enter(db, supervisor, stage, &sheet).await?;
        }
    }
    Ok(())
}

// Issue 15, part B: award certificates and the award policy.

/// The demo's certificate type codes: 获奖证书 and 专项职业能力证书.
pub const AWARD_TYPES: [&str; 2] = ["PACS-AWARD", "PACS-ZXNL"];

/// The two certificate types the awards issue (made once) and the event's award policy (一/二/三
/// 等奖 10/20/30 %, 技术能手 for 职工组, the 五一 list, 专项职业能力证书 at 60 in every stage).
async fn awards_setup(
    db: &DatabaseConnection,
    actor: &Actor,
    event: super::EventId,
) -> AppResult<()> {
    use crate::certificate::types::{NewType, create_type};
    let existing = crate::certificate::standalone::type_codes(db).await?;
    let specs = [
        (
            AWARD_TYPES[0],
            "获奖证书",
            "Award Certificate",
            "{name}：荣获{session}{result}。特发此证。",
        ),
        (
            AWARD_TYPES[1],
            "视频监控技术应用专项职业能力证书",
            "Special Vocational Ability Certificate: Video Surveillance",
            "{name}参加{session}决赛，各部分成绩均达到 60 分，经考核{result}，特发此证。",
        ),
    ];
    for (code, title, title_en, wording) in specs {
        if existing.iter().any(|c| c == code) {
            continue;
        }
        let n: NewType = serde_json::from_value(serde_json::json!({
            "code": code, "title": title, "title_en": title_en, "wording": wording,
            "course": if code == AWARD_TYPES[1] { "视频监控技术应用" } else { "" },
            "issuer_code": "PACS", "issuer_name": "广东省安全技术防范协会"}))
        .map_err(AppError::internal)?;
        create_type(db, actor, n).await?;
    }
    super::awards::save_policy(
        db,
        actor,
        event,
        &super::award_policy::template(AWARD_TYPES[0], AWARD_TYPES[1], "职工组"),
    )
    .await?;
    Ok(())
}
