//! What every judging request loads first: the task with its frozen scheme, its panel with
//! the judges' affiliations, the candidates placed on it under their work codes; and the checks
//! that refuse a judge not on the panel or conflicted with the candidate.

use super::conflict::conflicts;
use super::{Aggregation, TaskId};
use crate::bank::model::{Aspect, EntryError, QuestionBody};
use crate::db::stmt;
use crate::error::{AppError, AppResult, ErrorCode, Text};
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, QueryResult};
use std::collections::{HashMap, HashSet};

/// A practical task with what marking it needs.
#[derive(Debug, Clone)]
pub struct Task {
    /// The task.
    pub id: i32,
    /// Its session.
    pub session_id: i32,
    /// The session's name and number.
    pub session_name: String,
    /// Order within the part.
    pub position: i32,
    /// Weight in the practical score.
    pub weight: f64,
    /// How the panel's marks are aggregated.
    pub aggregation: Aggregation,
    /// Allowed spread of a judgement aspect.
    pub spread: f64,
    /// The head judge.
    pub head_judge_id: Option<i32>,
    /// Who signed it off.
    pub signed_off_by: Option<i32>,
    /// When it was locked.
    pub locked_at: Option<DateTime<Utc>>,
    /// The question version marked: instructions, scheme, points, time allowed.
    pub body: QuestionBody,
    /// Stations per task of the part.
    pub stations: i32,
    /// The part's pass line.
    pub pass_line: f64,
    /// Whether the part is a competition final marked by code.
    pub anonymous: bool,
    /// When its marking codes were made final (二次加密).
    pub codes_final_at: Option<DateTime<Utc>>,
}

impl Task {
    /// First line of the instructions, at most 60 characters.
    pub fn title(&self) -> String {
        title_of(&self.body.stem)
    }
    /// The marking scheme.
    pub fn scheme(&self) -> &[Aspect] {
        &self.body.scheme
    }
    /// Whether it is signed off and locked.
    pub fn locked(&self) -> bool {
        self.locked_at.is_some()
    }
    /// Whether this user is its head judge.
    pub fn is_head(&self, user: i32) -> bool {
        self.head_judge_id == Some(user)
    }
    /// The aspect at a position of the scheme, or 404 `unknown_aspect`.
    pub fn aspect(&self, i: i32) -> AppResult<&Aspect> {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.body.scheme.get(i))
            .ok_or_else(|| {
                AppError::text(
                    StatusCode::NOT_FOUND,
                    ErrorCode::UnknownAspect,
                    Text::new(
                        format!("评分细则中没有第 {i} 项"),
                        format!("the marking scheme has no aspect {i}"),
                    ),
                )
            })
    }
    /// Refuses an anonymous part's marking before its codes are final (409 `codes_not_final`):
    /// until the 二次加密 the codes are the check-in codes the door has seen.
    pub fn require_codes_final(&self) -> AppResult<()> {
        codes_final(self.anonymous, self.codes_final_at.is_some())
    }
    /// Refuses once locked (409 `task_locked`).
    pub fn require_open(&self) -> AppResult<()> {
        if self.locked() {
            Err(AppError::text(
                StatusCode::CONFLICT,
                ErrorCode::TaskLocked,
                Text::new(
                    "本项目已签字锁定，分数只能通过更正修改",
                    "the task is signed off and locked; its marks change only through a correction",
                ),
            ))
        } else {
            Ok(())
        }
    }
}

/// 409 `codes_not_final` for an anonymous part whose codes are not final.
pub fn codes_final(anonymous: bool, final_: bool) -> AppResult<()> {
    if anonymous && !final_ {
        Err(AppError::text(
            StatusCode::CONFLICT,
            ErrorCode::CodesNotFinal,
            Text::new(
                "二次加密尚未完成，不能开始评分",
                "the second encryption is not done yet: marking cannot start",
            ),
        ))
    } else {
        Ok(())
    }
}

/// A task's title: the first line of its instructions, at most 60 characters (with `…` when
/// cut): the title every screen and document shows.
pub fn title_of(stem: &str) -> String {
    let line = stem.lines().next().unwrap_or_default().trim();
    let mut t: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        t.push('…');
    }
    t
}

/// Reads a question body stored as JSON.
pub fn parse_body(body: &str) -> Result<QuestionBody, DbErr> {
    serde_json::from_str(body).map_err(|e| DbErr::Custom(format!("question body: {e}")))
}

const TASK_SQL: &str = "SELECT t.id, t.session_id, t.position, t.weight, t.aggregation, t.spread, \
     t.head_judge_id, t.signed_off_by, t.locked_at, v.body, s.name AS session_name, \
     s.number AS session_number, p.stations, p.pass_line, p.anonymous, p.codes_final_at \
     FROM practical_tasks t JOIN question_versions v ON v.id = t.version_id \
     JOIN exam_sessions s ON s.id = t.session_id \
     LEFT JOIN practical_parts p ON p.session_id = t.session_id";

fn task_row(r: &QueryResult) -> Result<Task, DbErr> {
    let aggregation: String = r.try_get("", "aggregation")?;
    let name: String = r.try_get("", "session_name")?;
    let number: String = r.try_get("", "session_number")?;
    Ok(Task {
        id: r.try_get("", "id")?,
        session_id: r.try_get("", "session_id")?,
        session_name: format!("{name} {number}").trim().to_string(),
        position: r.try_get("", "position")?,
        weight: r.try_get("", "weight")?,
        aggregation: Aggregation::parse(&aggregation).unwrap_or_default(),
        spread: r.try_get("", "spread")?,
        head_judge_id: r.try_get("", "head_judge_id")?,
        signed_off_by: r.try_get("", "signed_off_by")?,
        locked_at: r.try_get("", "locked_at")?,
        body: parse_body(&r.try_get::<String>("", "body")?)?,
        stations: r.try_get::<Option<i32>>("", "stations")?.unwrap_or(0),
        pass_line: r
            .try_get::<Option<f64>>("", "pass_line")?
            .unwrap_or(super::DEFAULT_PASS_LINE),
        anonymous: r.try_get::<Option<bool>>("", "anonymous")?.unwrap_or(false),
        codes_final_at: r.try_get("", "codes_final_at")?,
    })
}

/// A task, or 404 `task_not_found`.
pub async fn task(db: &impl ConnectionTrait, id: TaskId) -> AppResult<Task> {
    let row = db
        .query_one_raw(stmt(
            db,
            &format!("{TASK_SQL} WHERE t.id = ?"),
            [id.0.into()],
        ))
        .await?
        .ok_or_else(task_not_found)?;
    Ok(task_row(&row)?)
}

/// Every task of a session's part, in order.
pub async fn tasks_of_session(db: &impl ConnectionTrait, session: i32) -> Result<Vec<Task>, DbErr> {
    db.query_all_raw(stmt(
        db,
        &format!("{TASK_SQL} WHERE t.session_id = ? ORDER BY t.position, t.id"),
        [session.into()],
    ))
    .await?
    .iter()
    .map(task_row)
    .collect()
}

/// 404 `task_not_found`.
pub fn task_not_found() -> AppError {
    AppError::text(
        StatusCode::NOT_FOUND,
        ErrorCode::TaskNotFound,
        Text::new("找不到该实操项目", "no such practical task"),
    )
}

/// A judge on a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Judge {
    /// The account.
    pub id: i32,
    /// The name shown.
    pub name: String,
    /// Employer or school.
    pub affiliation: String,
}

/// A task's panel, by id.
pub async fn panel(db: &impl ConnectionTrait, task: i32) -> Result<Vec<Judge>, DbErr> {
    db.query_all_raw(stmt(
        db,
        "SELECT u.id, u.display_name, u.affiliation FROM practical_panel p \
         JOIN users u ON u.id = p.user_id WHERE p.task_id = ? ORDER BY u.id",
        [task.into()],
    ))
    .await?
    .iter()
    .map(|r| {
        Ok(Judge {
            id: r.try_get("", "id")?,
            name: r.try_get("", "display_name")?,
            affiliation: r.try_get("", "affiliation")?,
        })
    })
    .collect()
}

/// The judge on the panel, or 403 `not_on_panel`.
pub fn on_panel(panel: &[Judge], user: i32) -> AppResult<&Judge> {
    panel.iter().find(|j| j.id == user).ok_or_else(not_on_panel)
}

/// 403 `not_on_panel`.
pub fn not_on_panel() -> AppError {
    AppError::text(
        StatusCode::FORBIDDEN,
        ErrorCode::NotOnPanel,
        Text::new("您不是本项目的考评员", "you are not on this task's panel"),
    )
}

/// Judges barred from marking one candidate beyond the same employer (`practical_conflicts`:
/// a competition records trainers, declared conflicts and the contestant's organisation there,
/// since an anonymous candidate row carries no employer).
pub async fn barred(db: &impl ConnectionTrait, candidate: i32) -> Result<HashSet<i32>, DbErr> {
    db.query_all_raw(stmt(
        db,
        "SELECT judge_id FROM practical_conflicts WHERE candidate_id = ?",
        [candidate.into()],
    ))
    .await?
    .iter()
    .map(|r| r.try_get("", "judge_id"))
    .collect()
}

/// The barred judges of every candidate placed on a task.
pub async fn barred_on_task(
    db: &impl ConnectionTrait,
    task: i32,
) -> Result<HashMap<i32, HashSet<i32>>, DbErr> {
    let mut out: HashMap<i32, HashSet<i32>> = HashMap::new();
    for r in db
        .query_all_raw(stmt(
            db,
            "SELECT pc.candidate_id, pc.judge_id FROM practical_conflicts pc \
             JOIN practical_places pl ON pl.candidate_id = pc.candidate_id WHERE pl.task_id = ?",
            [task.into()],
        ))
        .await?
    {
        out.entry(r.try_get("", "candidate_id")?)
            .or_default()
            .insert(r.try_get("", "judge_id")?);
    }
    Ok(out)
}

/// Refuses a judge conflicted with the candidate (403 `conflict_of_interest`).
pub fn no_conflict(affiliation: &str, employer: &str) -> AppResult<()> {
    no_conflict_or_barred(affiliation, employer, false)
}

/// Refuses a judge conflicted with the candidate by employer or barred for them (403
/// `conflict_of_interest`).
pub fn no_conflict_or_barred(affiliation: &str, employer: &str, barred: bool) -> AppResult<()> {
    if barred {
        // Says no more than that: the reason (trainer, organisation, declared) could identify
        // the contestant behind a code.
        Err(AppError::text(
            StatusCode::FORBIDDEN,
            ErrorCode::ConflictOfInterest,
            Text::new(
                "您须回避该考生（利益冲突），不能为其评分",
                "you must stand aside for this candidate (conflict of interest): you may not mark them",
            ),
        ))
    } else if conflicts(affiliation, employer) {
        Err(AppError::text(
            StatusCode::FORBIDDEN,
            ErrorCode::ConflictOfInterest,
            Text::new(
                "您与该考生来自同一单位（利益冲突），不能为其评分",
                "you and this candidate share an employer (conflict of interest): you may not mark them",
            ),
        ))
    } else {
        Ok(())
    }
}

/// 422 `mark_out_of_range`, saying what the aspect takes.
pub fn out_of_range(e: EntryError) -> AppError {
    let (zh, en) = e.allowed();
    AppError::text(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::MarkOutOfRange,
        Text::new(
            format!("分值超出范围：{zh}"),
            format!("mark out of range: {en}"),
        ),
    )
}

/// A candidate placed on a task who has checked in.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The candidate.
    pub candidate_id: i32,
    /// Work code.
    pub code: String,
    /// Name (shown only once the task is locked).
    pub name: String,
    /// Employer (for conflicts).
    pub employer: String,
    /// Time slot.
    pub slot: i32,
    /// Station.
    pub station: i32,
}

const PLACED_SQL: &str = "SELECT pl.candidate_id, c.code, cd.name, cd.employer, pl.slot, pl.station \
     FROM practical_places pl \
     JOIN practical_codes c ON c.candidate_id = pl.candidate_id \
     JOIN candidates cd ON cd.id = pl.candidate_id WHERE pl.task_id = ?";

fn placed_row(r: &QueryResult) -> Result<Placed, DbErr> {
    Ok(Placed {
        candidate_id: r.try_get("", "candidate_id")?,
        code: r.try_get("", "code")?,
        name: r.try_get("", "name")?,
        employer: r.try_get("", "employer")?,
        slot: r.try_get("", "slot")?,
        station: r.try_get("", "station")?,
    })
}

/// The checked-in candidates placed on a task, by slot and station.
pub async fn placed(db: &impl ConnectionTrait, task: i32) -> Result<Vec<Placed>, DbErr> {
    db.query_all_raw(stmt(
        db,
        &format!("{PLACED_SQL} ORDER BY pl.slot, pl.station"),
        [task.into()],
    ))
    .await?
    .iter()
    .map(placed_row)
    .collect()
}

/// Normalises a work code as typed (trimmed, upper case).
pub fn clean_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// The candidate placed on the task under this work code, or 404 `unknown_code`.
pub async fn by_code(db: &impl ConnectionTrait, task: i32, code: &str) -> AppResult<Placed> {
    let row = db
        .query_one_raw(stmt(
            db,
            &format!("{PLACED_SQL} AND c.code = ?"),
            [task.into(), clean_code(code).into()],
        ))
        .await?
        .ok_or_else(unknown_code)?;
    Ok(placed_row(&row)?)
}

/// 404 `unknown_code`.
pub fn unknown_code() -> AppError {
    AppError::text(
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownCode,
        Text::new(
            "本项目没有这个检录号",
            "no candidate with this work code does this task",
        ),
    )
}

/// The candidate by id among those placed (for corrections and records).
pub async fn placed_candidate(
    db: &impl ConnectionTrait,
    task: i32,
    candidate: i32,
) -> Result<Option<Placed>, DbErr> {
    db.query_one_raw(stmt(
        db,
        &format!("{PLACED_SQL} AND pl.candidate_id = ?"),
        [task.into(), candidate.into()],
    ))
    .await?
    .as_ref()
    .map(placed_row)
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_the_first_line_cut_at_sixty_characters() {
        assert_eq!(
            title_of(" 前端摄像机安装与调试 \n要求……"),
            "前端摄像机安装与调试"
        );
        assert_eq!(title_of(&"长".repeat(80)), format!("{}…", "长".repeat(60)));
        assert_eq!(title_of(""), "");
    }
}
