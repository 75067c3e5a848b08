//! The analytics tables: statistics per session and question version, pooled figures and
//! calibrations, the settings, and what the draw reads from them.
//!
//! A session's statistics are recorded once its results are final (on release, or when staff
//! ask to recompute) from the [`ResponseSet`] exam gathers. Pooled figures per question version
//! are combined from the stored per-session rows with [`pooling::pool`], so a finished session's
//! responses are never read again for classical statistics; only a Rasch calibration re-reads
//! the recent sessions it runs over.

use super::ctt::{self, Analysis, ItemStats, TestStats};
use super::entity::{calibration, item_stats, settings as settings_entity, test_stats};
use super::flags::{self, Flag, FlagCode, Thresholds};
use super::rasch::{self, RaschOptions};
use super::{ResponseSet, pooling};
use crate::bank::review::{self, FlagSource};
use crate::bank::service::QuestionId;
use crate::db::{placeholders, query_in, stmt};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, Value,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// What the draw knows about a question version from real responses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// Responses the figures rest on (pooled across sessions).
    pub responses: u32,
    /// Observed facility: mean fraction of the points earned, 0–1.
    pub facility: f64,
    /// Rasch difficulty (logits) and its standard error, when calibrated.
    pub rasch: Option<(f64, f64)>,
}

/// How many recent sessions a calibration runs over.
pub const CALIBRATION_SESSIONS: usize = 20;

/// The analytics settings staff may change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Settings {
    /// When an item is flagged (with the fewest responses before flags count).
    pub thresholds: Thresholds,
    /// Fewest responses before a question version is calibrated.
    pub min_responses_calibration: u32,
    /// Put flagged questions back in review automatically when statistics are recorded.
    pub auto_flag: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            thresholds: Thresholds::default(),
            min_responses_calibration: 30,
            auto_flag: false,
        }
    }
}

/// Why settings are refused, or none. Rates lie in 0–1, the facility band is not empty, and the
/// minimums are at least 1 (and at most a million, so nobody types a phone number).
pub fn check_settings(s: &Settings) -> Result<(), String> {
    let t = &s.thresholds;
    let rate = |name: &str, v: f64| {
        if v.is_finite() && (0.0..=1.0).contains(&v) {
            Ok(())
        } else {
            Err(format!("{name} must be from 0 to 1, not {v}"))
        }
    };
    rate("min_facility", t.min_facility)?;
    rate("max_facility", t.max_facility)?;
    if t.min_facility >= t.max_facility {
        return Err("min_facility must be below max_facility".into());
    }
    if !(t.min_item_rest_r.is_finite() && (-1.0..=1.0).contains(&t.min_item_rest_r)) {
        return Err("min_item_rest_r must be from -1 to 1".into());
    }
    if let Some(v) = t.min_distractor_rate {
        rate("min_distractor_rate", v)?;
    }
    if let Some(v) = t.min_discriminative_efficiency {
        rate("min_discriminative_efficiency", v)?;
    }
    for (name, v) in [
        ("thresholds.min_responses", t.min_responses),
        ("min_responses_calibration", s.min_responses_calibration),
    ] {
        if !(1..=1_000_000).contains(&v) {
            return Err(format!("{name} must be from 1 to 1,000,000"));
        }
    }
    Ok(())
}

/// The settings (defaults until staff save some).
pub async fn settings(db: &impl ConnectionTrait) -> Result<Settings, DbErr> {
    let Some(row) = settings_entity::Entity::find_by_id(1).one(db).await? else {
        return Ok(Settings::default());
    };
    Ok(Settings {
        thresholds: serde_json::from_str(&row.thresholds).unwrap_or_default(),
        min_responses_calibration: row.min_responses_calibration.max(1) as u32,
        auto_flag: row.auto_flag,
    })
}

/// Checks and saves the settings in the caller's transaction; refused ones change nothing.
pub async fn save_settings(
    db: &impl ConnectionTrait,
    s: &Settings,
    by: Option<i32>,
) -> AppResult<()> {
    check_settings(s).map_err(|m| AppError::unprocessable(ErrorCode::BadThresholds, m))?;
    let row = settings_entity::ActiveModel {
        id: Set(1),
        thresholds: Set(serde_json::to_string(&s.thresholds).map_err(AppError::internal)?),
        min_responses_calibration: Set(s.min_responses_calibration as i32),
        auto_flag: Set(s.auto_flag),
        updated_at: Set(Utc::now()),
        updated_by: Set(by),
    };
    if settings_entity::Entity::find_by_id(1)
        .one(db)
        .await?
        .is_some()
    {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(())
}

/// The flags that count: none below the minimum responses but `few_responses`.
pub fn counted_flags(stats: &ItemStats, t: &Thresholds) -> Vec<Flag> {
    flags::flags(stats, t)
}

/// Whether a flag should put its question back in review (not a mere lack of responses).
pub fn flag_for_review(f: &Flag) -> bool {
    f.code != FlagCode::FewResponses
}

/// The review reason for these flags, Chinese then English.
pub fn review_reason(flags: &[Flag]) -> String {
    let zh: Vec<String> = flags
        .iter()
        .map(|f| format!("{}（{}）", f.text().zh, f.detail))
        .collect();
    let en: Vec<String> = flags
        .iter()
        .map(|f| format!("{} ({})", f.text().en, f.detail))
        .collect();
    format!(
        "统计标记：{} / Statistics: {}",
        zh.join("；"),
        en.join("; ")
    )
}

/// What recording a session's statistics did.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The statistics.
    pub analysis: Analysis,
    /// Questions flagged with enough responses (question id, reason).
    pub flagged: Vec<(i32, String)>,
    /// Questions put back in review (auto-flag on).
    pub sent_to_review: usize,
}

/// Records a session's statistics in the caller's transaction, replacing earlier ones, and
/// with auto-flag on puts flagged questions back in review.
pub async fn record_session(
    db: &impl ConnectionTrait,
    session_id: i32,
    set: &ResponseSet,
    left_out: usize,
    settings: &Settings,
) -> AppResult<Recorded> {
    let analysis = ctt::analyse(set);
    let now = Utc::now();
    item_stats::Entity::delete_many()
        .filter(item_stats::Column::SessionId.eq(session_id))
        .exec(db)
        .await?;
    test_stats::Entity::delete_by_id(session_id)
        .exec(db)
        .await?;
    let mut flagged = Vec::new();
    for it in &analysis.items {
        let f = counted_flags(it, &settings.thresholds);
        let review: Vec<Flag> = f.iter().filter(|f| flag_for_review(f)).cloned().collect();
        if !review.is_empty() && it.n >= settings.thresholds.min_responses {
            flagged.push((it.question_id, review_reason(&review)));
        }
        item_stats::ActiveModel {
            session_id: Set(session_id),
            version_id: Set(it.version_id),
            question_id: Set(it.question_id),
            n: Set(it.n as i32),
            facility: Set(finite(it.facility)),
            sd: Set(finite(it.sd)),
            item_rest_r: Set(it.item_rest_r.filter(|v| v.is_finite())),
            upper_lower_d: Set(it.upper_lower_d.filter(|v| v.is_finite())),
            discriminative_efficiency: Set(it.discriminative_efficiency.filter(|v| v.is_finite())),
            omission_rate: Set(finite(it.omission_rate)),
            mean_seconds: Set(it.mean_seconds.filter(|v| v.is_finite())),
            stats: Set(serde_json::to_string(it).map_err(AppError::internal)?),
            flags: Set(serde_json::to_string(&f).map_err(AppError::internal)?),
            computed_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let t = &analysis.test;
    test_stats::ActiveModel {
        session_id: Set(session_id),
        persons: Set(t.persons as i32),
        mean: Set(finite(t.mean)),
        sd: Set(finite(t.sd)),
        alpha: Set(t.alpha.filter(|v| v.is_finite())),
        sem: Set(t.sem.filter(|v| v.is_finite())),
        stats: Set(serde_json::to_string(t).map_err(AppError::internal)?),
        left_out: Set(left_out as i32),
        computed_at: Set(now),
    }
    .insert(db)
    .await?;
    let mut sent_to_review = 0;
    if settings.auto_flag {
        for (q, reason) in &flagged {
            if review::flag(db, QuestionId(*q), FlagSource::Statistics, reason).await? {
                sent_to_review += 1;
            }
        }
    }
    Ok(Recorded {
        analysis,
        flagged,
        sent_to_review,
    })
}

fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// The sessions a calibration of these versions runs over: the most recent (by id) sessions
/// with stored statistics on questions of the same banks, at most [`CALIBRATION_SESSIONS`].
pub async fn calibration_sessions(
    db: &impl ConnectionTrait,
    version_ids: &[i32],
) -> Result<Vec<i32>, DbErr> {
    if version_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut banks: Vec<i32> = Vec::new();
    for r in query_in(db, "SELECT DISTINCT q.bank_id AS bank_id FROM question_versions v JOIN questions q ON q.id = v.question_id WHERE v.id IN ({ids})", version_ids).await? {
        let b: i32 = r.try_get("", "bank_id")?;
        if !banks.contains(&b) {
            banks.push(b);
        }
    }
    if banks.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT DISTINCT s.session_id AS session_id FROM analytics_item_stats s JOIN questions q ON q.id = s.question_id WHERE q.bank_id IN ({}) ORDER BY s.session_id DESC",
                placeholders(banks.len())
            ),
            banks.iter().map(|&i| Value::from(i)),
        ))
        .await?;
    let mut out = Vec::new();
    for r in rows.into_iter().take(CALIBRATION_SESSIONS) {
        out.push(r.try_get::<i32>("", "session_id")?);
    }
    Ok(out)
}

/// Calibrates the versions of `set` with enough responses and records them (history kept; the
/// newest per version counts). Returns how many were calibrated.
pub async fn record_calibration(
    db: &impl ConnectionTrait,
    set: &ResponseSet,
    sessions: &[i32],
    settings: &Settings,
) -> AppResult<usize> {
    let c = rasch::calibrate(
        set,
        &RaschOptions {
            min_responses: settings.min_responses_calibration,
            ..RaschOptions::default()
        },
    );
    let now = Utc::now();
    let over = serde_json::to_string(sessions).map_err(AppError::internal)?;
    let mut n = 0;
    for it in &c.items {
        if ![it.b, it.se, it.infit, it.outfit]
            .iter()
            .all(|v| v.is_finite())
        {
            continue;
        }
        calibration::ActiveModel {
            version_id: Set(it.version_id),
            question_id: Set(it.question_id),
            b: Set(it.b),
            se: Set(it.se),
            infit: Set(it.infit),
            outfit: Set(it.outfit),
            n: Set(it.n as i32),
            calibrated_at: Set(now),
            sessions: Set(over.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        n += 1;
    }
    Ok(n)
}

/// The newest calibration per version.
pub async fn calibrations(
    db: &impl ConnectionTrait,
    version_ids: &[i32],
) -> Result<HashMap<i32, calibration::Model>, DbErr> {
    let mut out: HashMap<i32, calibration::Model> = HashMap::new();
    for chunk in version_ids.chunks(500) {
        for row in calibration::Entity::find()
            .filter(calibration::Column::VersionId.is_in(chunk.iter().copied()))
            .order_by_asc(calibration::Column::Id)
            .all(db)
            .await?
        {
            out.insert(row.version_id, row);
        }
    }
    Ok(out)
}

/// Measured figures for these question versions (pooled n and attempt-weighted facility over
/// every stored session; Rasch b and SE from the newest calibration); versions never measured
/// are absent.
pub async fn measured(
    db: &impl ConnectionTrait,
    version_ids: &[i32],
) -> Result<HashMap<i32, Measured>, DbErr> {
    let mut sums: HashMap<i32, (u32, f64)> = HashMap::new();
    for r in query_in(
        db,
        "SELECT version_id, n, facility FROM analytics_item_stats WHERE version_id IN ({ids})",
        version_ids,
    )
    .await?
    {
        let v: i32 = r.try_get("", "version_id")?;
        let n: i32 = r.try_get("", "n")?;
        let f: f64 = r.try_get("", "facility")?;
        let e = sums.entry(v).or_default();
        e.0 += n.max(0) as u32;
        e.1 += n.max(0) as f64 * f;
    }
    let cal = calibrations(db, version_ids).await?;
    let mut out = HashMap::new();
    for (v, (n, weighted)) in sums {
        if n == 0 {
            continue;
        }
        out.insert(
            v,
            Measured {
                responses: n,
                facility: weighted / n as f64,
                rasch: cal.get(&v).map(|c| (c.b, c.se)),
            },
        );
    }
    Ok(out)
}

/// A flag as the screens show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlagView {
    /// Stable code.
    pub code: FlagCode,
    /// The figures.
    pub detail: String,
    /// 中文.
    pub zh: String,
    /// English.
    pub en: String,
}

impl From<&Flag> for FlagView {
    fn from(f: &Flag) -> FlagView {
        let t = f.text();
        FlagView {
            code: f.code,
            detail: f.detail.clone(),
            zh: t.zh,
            en: t.en,
        }
    }
}

/// A question version's newest calibration.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalibrationView {
    /// Difficulty b (logits).
    pub b: f64,
    /// Its standard error.
    pub se: f64,
    /// Infit mean square.
    pub infit: f64,
    /// Outfit mean square.
    pub outfit: f64,
    /// Responses.
    pub n: i32,
    /// When.
    pub calibrated_at: DateTime<Utc>,
    /// Sessions it ran over.
    pub sessions: Vec<i32>,
}

/// One question version's row in a report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemRow {
    /// Bank code.
    pub bank: String,
    /// Question identifier in its bank.
    pub ident: String,
    /// Kind code.
    pub kind: String,
    /// Lifecycle status code.
    pub status: String,
    /// The stem (at most 120 characters).
    pub stem: String,
    /// Sessions the figures come from.
    pub sessions: u32,
    /// The statistics (pooled for exam and bank reports).
    pub stats: ItemStats,
    /// Flags under the current settings.
    pub flags: Vec<FlagView>,
    /// The newest calibration.
    pub calibration: Option<CalibrationView>,
}

/// One session's test statistics in a report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionTest {
    /// The session.
    pub session_id: i32,
    /// Its name, number and venue.
    pub title: String,
    /// The figures.
    pub test: TestStats,
    /// Attempts left out (answers waiting for a marker).
    pub left_out: i32,
    /// When computed.
    pub computed_at: DateTime<Utc>,
}

/// Statistics for a session, an exam or a bank.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    /// `session`, `exam` or `bank`.
    pub scope: String,
    /// The session's, exam's or bank's id.
    pub id: i32,
    /// Its name.
    pub title: String,
    /// `stored` (recorded at release or recompute), `live` (computed now from submitted
    /// attempts, not stored) or `pooled` (combined from stored sessions).
    pub source: String,
    /// When the figures were computed.
    pub computed_at: DateTime<Utc>,
    /// The test statistics (a session's), if any.
    pub test: Option<TestStats>,
    /// Each session's test statistics (exam and bank reports).
    pub sessions: Vec<SessionTest>,
    /// The items.
    pub items: Vec<ItemRow>,
    /// Submitted attempts left out because answers still wait for a marker.
    pub pending: usize,
    /// Submitted attempts left out because a proctor ended them for misconduct.
    pub terminated: usize,
    /// The settings the flags were raised under.
    pub settings: Settings,
}

struct QuestionInfo {
    bank: String,
    ident: String,
    kind: String,
    status: String,
    stem: String,
}

async fn question_info(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, QuestionInfo>, DbErr> {
    let mut out = HashMap::new();
    for r in query_in(db, "SELECT q.id AS id, b.code AS bank, q.ident AS ident, q.kind AS kind, q.status AS status, q.stem AS stem FROM questions q JOIN banks b ON b.id = q.bank_id WHERE q.id IN ({ids})", ids).await? {
        let stem: String = r.try_get("", "stem")?;
        out.insert(
            r.try_get::<i32>("", "id")?,
            QuestionInfo {
                bank: r.try_get("", "bank")?,
                ident: r.try_get("", "ident")?,
                kind: r.try_get("", "kind")?,
                status: r.try_get("", "status")?,
                stem: stem.chars().take(120).collect(),
            },
        );
    }
    Ok(out)
}

/// Rows for these statistics, with question facts, flags and calibration, in bank and ident
/// order.
async fn rows(
    db: &impl ConnectionTrait,
    stats: Vec<(ItemStats, u32)>,
    t: &Thresholds,
) -> Result<Vec<ItemRow>, DbErr> {
    let qids: Vec<i32> = stats.iter().map(|(s, _)| s.question_id).collect();
    let vids: Vec<i32> = stats.iter().map(|(s, _)| s.version_id).collect();
    let info = question_info(db, &qids).await?;
    let cal = calibrations(db, &vids).await?;
    let mut out: Vec<ItemRow> = stats
        .into_iter()
        .map(|(s, sessions)| {
            let i = info.get(&s.question_id);
            ItemRow {
                bank: i.map(|i| i.bank.clone()).unwrap_or_default(),
                ident: i.map(|i| i.ident.clone()).unwrap_or_default(),
                kind: i.map(|i| i.kind.clone()).unwrap_or_default(),
                status: i.map(|i| i.status.clone()).unwrap_or_default(),
                stem: i.map(|i| i.stem.clone()).unwrap_or_default(),
                sessions,
                flags: counted_flags(&s, t).iter().map(FlagView::from).collect(),
                calibration: cal.get(&s.version_id).map(|c| CalibrationView {
                    b: c.b,
                    se: c.se,
                    infit: c.infit,
                    outfit: c.outfit,
                    n: c.n,
                    calibrated_at: c.calibrated_at,
                    sessions: serde_json::from_str(&c.sessions).unwrap_or_default(),
                }),
                stats: s,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.bank.as_str(), a.ident.as_str(), a.stats.version_id).cmp(&(
            b.bank.as_str(),
            b.ident.as_str(),
            b.stats.version_id,
        ))
    });
    Ok(out)
}

/// Where a report's figures come from and what it is called.
#[derive(Debug, Clone)]
pub struct Scope {
    /// `session`, `exam` or `bank`.
    pub kind: &'static str,
    /// Its id.
    pub id: i32,
    /// Its name.
    pub title: String,
}

/// A report computed now from a response set, stored nowhere (a session whose results are not
/// yet recorded).
pub async fn live_report(
    db: &impl ConnectionTrait,
    scope: Scope,
    set: &ResponseSet,
    pending: usize,
    terminated: usize,
) -> AppResult<Report> {
    let settings = settings(db).await?;
    let a = ctt::analyse(set);
    let items = rows(
        db,
        a.items.into_iter().map(|s| (s, 1)).collect(),
        &settings.thresholds,
    )
    .await?;
    Ok(Report {
        scope: scope.kind.into(),
        id: scope.id,
        title: scope.title,
        source: "live".into(),
        computed_at: Utc::now(),
        test: (a.test.persons > 0).then_some(a.test),
        sessions: vec![],
        items,
        pending,
        terminated,
        settings,
    })
}

/// A session's stored report, when its statistics were recorded.
pub async fn session_report(
    db: &impl ConnectionTrait,
    scope: Scope,
    terminated: usize,
) -> AppResult<Option<Report>> {
    let Some(t) = test_stats::Entity::find_by_id(scope.id).one(db).await? else {
        return Ok(None);
    };
    let settings = settings(db).await?;
    let stats: Vec<(ItemStats, u32)> = item_stats::Entity::find()
        .filter(item_stats::Column::SessionId.eq(scope.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| Some((serde_json::from_str(&r.stats).ok()?, 1)))
        .collect();
    let items = rows(db, stats, &settings.thresholds).await?;
    Ok(Some(Report {
        scope: scope.kind.into(),
        id: scope.id,
        title: scope.title,
        source: "stored".into(),
        computed_at: t.computed_at,
        test: serde_json::from_str(&t.stats).ok(),
        sessions: vec![],
        items,
        pending: t.left_out.max(0) as usize,
        terminated,
        settings,
    }))
}

/// Pooled figures over the stored rows of these sessions (an exam's), or of every session
/// that showed a question of this bank: each version's per-session statistics combined with
/// [`pooling::pool`], each session's test statistics listed.
pub async fn pooled_report(db: &impl ConnectionTrait, scope: Scope) -> AppResult<Report> {
    let settings = settings(db).await?;
    let (sql, arg) = match scope.kind {
        "exam" => (
            "SELECT s.session_id, s.version_id, s.stats FROM analytics_item_stats s JOIN exam_sessions e ON e.id = s.session_id WHERE e.exam_id = ? ORDER BY s.session_id, s.version_id",
            scope.id,
        ),
        _ => (
            "SELECT s.session_id, s.version_id, s.stats FROM analytics_item_stats s JOIN questions q ON q.id = s.question_id WHERE q.bank_id = ? ORDER BY s.session_id, s.version_id",
            scope.id,
        ),
    };
    let found = db.query_all_raw(stmt(db, sql, [Value::from(arg)])).await?;
    let mut per_version: BTreeMap<i32, Vec<ItemStats>> = BTreeMap::new();
    let mut session_ids: Vec<i32> = Vec::new();
    for r in found {
        let sid: i32 = r.try_get("", "session_id")?;
        let v: i32 = r.try_get("", "version_id")?;
        let text: String = r.try_get("", "stats")?;
        if let Ok(s) = serde_json::from_str::<ItemStats>(&text) {
            per_version.entry(v).or_default().push(s);
        }
        if !session_ids.contains(&sid) {
            session_ids.push(sid);
        }
    }
    let stats: Vec<(ItemStats, u32)> = per_version
        .into_values()
        .map(|v| (pooling::pool(&v), v.len() as u32))
        .collect();
    let items = rows(db, stats, &settings.thresholds).await?;
    let sessions = session_tests(db, &session_ids).await?;
    let computed_at = sessions
        .iter()
        .map(|s| s.computed_at)
        .max()
        .unwrap_or_else(Utc::now);
    Ok(Report {
        scope: scope.kind.into(),
        id: scope.id,
        title: scope.title,
        source: "pooled".into(),
        computed_at,
        test: None,
        pending: sessions.iter().map(|s| s.left_out.max(0) as usize).sum(),
        terminated: 0,
        sessions,
        items,
        settings,
    })
}

async fn session_tests(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<SessionTest>, DbErr> {
    let mut out = Vec::new();
    for r in query_in(db, "SELECT t.session_id, t.stats, t.left_out, t.computed_at, e.name, e.number, e.venue FROM analytics_test_stats t JOIN exam_sessions e ON e.id = t.session_id WHERE t.session_id IN ({ids}) ORDER BY t.session_id", ids).await? {
        let text: String = r.try_get("", "stats")?;
        let Ok(test) = serde_json::from_str::<TestStats>(&text) else {
            continue;
        };
        let name: String = r.try_get("", "name")?;
        let number: String = r.try_get("", "number")?;
        let venue: String = r.try_get("", "venue")?;
        out.push(SessionTest {
            session_id: r.try_get("", "session_id")?,
            title: format!("{name} {number} {venue}").trim().to_string(),
            test,
            left_out: r.try_get("", "left_out")?,
            computed_at: r.try_get("", "computed_at")?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_settings_pass_their_own_check() {
        assert_eq!(check_settings(&Settings::default()), Ok(()));
    }

    #[test]
    fn a_facility_band_upside_down_is_refused() {
        let mut s = Settings::default();
        s.thresholds.min_facility = 0.9;
        s.thresholds.max_facility = 0.2;
        assert!(check_settings(&s).is_err());
    }

    #[test]
    fn rates_outside_zero_to_one_and_zero_minimums_are_refused() {
        let mut s = Settings::default();
        s.thresholds.max_facility = 1.5;
        assert!(check_settings(&s).is_err());
        let mut s = Settings::default();
        s.thresholds.min_facility = f64::NAN;
        assert!(check_settings(&s).is_err());
        let s = Settings {
            min_responses_calibration: 0,
            ..Settings::default()
        };
        assert!(check_settings(&s).is_err());
        let mut s = Settings::default();
        s.thresholds.min_distractor_rate = Some(-0.1);
        assert!(check_settings(&s).is_err());
    }

    #[test]
    fn few_responses_alone_never_sends_a_question_to_review() {
        let few = Flag {
            code: FlagCode::FewResponses,
            detail: "n = 3".into(),
        };
        let hard = Flag {
            code: FlagCode::TooHard,
            detail: "p = 0.05".into(),
        };
        assert!(!flag_for_review(&few));
        assert!(flag_for_review(&hard));
        let reason = review_reason(&[hard]);
        assert!(reason.starts_with("统计标记") && reason.contains("p = 0.05"));
    }
}
