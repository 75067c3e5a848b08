//! An event's stages (理论初赛 → 实操决赛), saved as one list so every save checks that the
//! weights sum to 1 and the theory stages stay within the competition's cap. A stage that has
//! started (a session, entries or a confirmed cut) keeps its kind and cut and is not removed.

use super::entity::{stage, stage_entry};
use super::setup::{
    EventView, WEIGHT_TOLERANCE, event_view, find, find_event, in_use, invalid, over_cap,
    text_field,
};
use super::{
    CompetitionId, CutRule, DEFAULT_RECHECK_ERROR_LIMIT, DEFAULT_RECHECK_SHARE,
    DEFAULT_RECHECK_TOP, EventId, StageKind,
};
use crate::audit::{self, Actor};
use crate::auth::{Role, Roles};
use crate::error::{AppError, AppResult, ErrorCode, Text};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

/// One stage of an event's list, in order (the first is position 0).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct StageInput {
    /// Name, e.g. 理论初赛.
    pub name: String,
    /// `theory` or `practical`.
    pub kind: String,
    /// Weight in the total (all stages of the event sum to 1).
    pub weight: f64,
    /// The cut that admits contestants to this stage: `none` (everyone; the first stage's),
    /// `top_n`, `top_percent` or `score_line`.
    #[serde(default)]
    pub cut_kind: Option<String>,
    /// N, the percentage (0–100] or the score line (0–100).
    #[serde(default)]
    pub cut_value: Option<f64>,
    /// 加密裁判 (practical stages): a staff user.
    #[serde(default)]
    pub encryptor_id: Option<i32>,
    /// 监督 (practical stages): a user with the supervisor role.
    #[serde(default)]
    pub supervisor_id: Option<i32>,
    /// Recheck every contestant in the top N of each group (10 when absent).
    #[serde(default)]
    pub recheck_top: Option<i32>,
    /// Recheck at least this share of the rest (0.15 when absent).
    #[serde(default)]
    pub recheck_share: Option<f64>,
    /// Error rate above which the event is re-marked (0.05 when absent).
    #[serde(default)]
    pub recheck_error_limit: Option<f64>,
}

/// A stage list, checked (pure): kinds, weights summing to 1, the theory cap, cut rules (the
/// first stage admits everyone), recheck settings, key holders only on practical stages.
pub fn check_stages(list: &[StageInput], theory_cap: f64) -> AppResult<Vec<CheckedStage>> {
    if list.is_empty() || list.len() > 6 {
        return Err(invalid(
            "一个赛项须有 1–6 个比赛阶段",
            "an event needs 1–6 stages",
        ));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, s) in list.iter().enumerate() {
        let at = |zh: &str, en: &str| {
            invalid(
                format!("第 {} 阶段：{zh}", i + 1),
                format!("stage {}: {en}", i + 1),
            )
        };
        let name = text_field(&s.name, "阶段名称", "the stage's name", 100)?;
        let kind = StageKind::parse(s.kind.trim()).ok_or_else(|| {
            at(
                "类型须为 theory（理论）或 practical（实操）",
                "kind must be theory or practical",
            )
        })?;
        if !(s.weight.is_finite() && s.weight > 0.0 && s.weight <= 1.0) {
            return Err(at(
                "权重须在 0–1 之间且大于 0",
                "the weight must be in (0, 1]",
            ));
        }
        let cut = CutRule::parse(
            s.cut_kind.as_deref().map(str::trim).unwrap_or("none"),
            s.cut_value.unwrap_or(0.0),
        )
        .ok_or_else(|| {
            at(
                "晋级规则无效（none、top_n 取正整数、top_percent 取 0–100、score_line 取 0–100）",
                "the cut must be none, top_n (a positive whole number), top_percent (0–100] or score_line (0–100)",
            )
        })?;
        if i == 0 && cut != CutRule::None {
            return Err(at(
                "第一个阶段不设晋级线",
                "the first stage admits everyone (cut none)",
            ));
        }
        if kind == StageKind::Theory && (s.encryptor_id.is_some() || s.supervisor_id.is_some()) {
            return Err(at(
                "理论阶段不设加密裁判和监督",
                "a theory stage has no encryptor or supervisor",
            ));
        }
        if let (Some(a), Some(b)) = (s.encryptor_id, s.supervisor_id)
            && a == b
        {
            return Err(at(
                "加密裁判和监督须为两个不同的人",
                "the encryptor and the supervisor must be two people",
            ));
        }
        let recheck_top = s.recheck_top.unwrap_or(DEFAULT_RECHECK_TOP);
        let recheck_share = s.recheck_share.unwrap_or(DEFAULT_RECHECK_SHARE);
        let recheck_error_limit = s.recheck_error_limit.unwrap_or(DEFAULT_RECHECK_ERROR_LIMIT);
        if !(0..=1000).contains(&recheck_top)
            || !(0.0..=1.0).contains(&recheck_share)
            || !(0.0..=1.0).contains(&recheck_error_limit)
        {
            return Err(at(
                "复核设置无效（前 N 名 0–1000，抽查比例和差错率 0–1）",
                "recheck settings: top 0–1000, share and error limit 0–1",
            ));
        }
        out.push(CheckedStage {
            name,
            kind,
            weight: s.weight,
            cut,
            encryptor_id: s.encryptor_id,
            supervisor_id: s.supervisor_id,
            recheck_top,
            recheck_share,
            recheck_error_limit,
        });
    }
    let total: f64 = out.iter().map(|s| s.weight).sum();
    if (total - 1.0).abs() > WEIGHT_TOLERANCE {
        return Err(AppError::text(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::WeightsNotOne,
            Text::new(
                format!("各阶段权重合计 {total:.4}，须为 1"),
                format!("the stages' weights sum to {total:.4}, not 1"),
            ),
        ));
    }
    let theory: f64 = out
        .iter()
        .filter(|s| s.kind == StageKind::Theory)
        .map(|s| s.weight)
        .sum();
    if theory > theory_cap + WEIGHT_TOLERANCE {
        return Err(over_cap(theory, theory_cap));
    }
    Ok(out)
}

/// A stage of a list, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedStage {
    name: String,
    kind: StageKind,
    weight: f64,
    cut: CutRule,
    encryptor_id: Option<i32>,
    supervisor_id: Option<i32>,
    recheck_top: i32,
    recheck_share: f64,
    recheck_error_limit: f64,
}

async fn check_holder(
    db: &impl ConnectionTrait,
    id: Option<i32>,
    role: Option<Role>,
) -> AppResult<()> {
    let Some(id) = id else { return Ok(()) };
    let ok = crate::auth::repo::find(db, id).await?.is_some_and(|u| {
        !u.disabled && role.is_none_or(|r| Roles::from_stored(&u.roles).allows(r))
    });
    if ok {
        Ok(())
    } else {
        Err(match role {
            Some(_) => invalid(
                format!("用户 {id} 不是可用的监督账号"),
                format!("user {id} is not an active supervisor"),
            ),
            None => invalid(
                format!("用户 {id} 不是可用的工作人员账号"),
                format!("user {id} is not an active staff account"),
            ),
        })
    }
}

/// Replaces an event's stage list. Stages keep their ids by position; a stage that runs on a
/// session, has entries or a confirmed cut keeps its kind and cut, and is not removed.
pub async fn put_stages(
    db: &DatabaseConnection,
    actor: &Actor,
    id: EventId,
    list: Vec<StageInput>,
) -> AppResult<EventView> {
    let txn = crate::db::begin_write(db).await?;
    let e = find_event(&txn, id).await?;
    let c = find(&txn, CompetitionId(e.competition_id)).await?;
    let checked = check_stages(&list, c.theory_cap)?;
    for s in &checked {
        check_holder(&txn, s.encryptor_id, None).await?;
        check_holder(&txn, s.supervisor_id, Some(Role::Supervisor)).await?;
    }
    let existing = stage::Entity::find()
        .filter(stage::Column::EventId.eq(id.0))
        .order_by_asc(stage::Column::Position)
        .all(&txn)
        .await?;
    for old in &existing {
        let entries = stage_entry::Entity::find()
            .filter(stage_entry::Column::StageId.eq(old.id))
            .count(&txn)
            .await?;
        let started = old.session_id.is_some() || entries > 0 || old.cut_confirmed_at.is_some();
        if !started {
            continue;
        }
        let same = checked.get(old.position as usize).is_some_and(|n| {
            n.kind.as_str() == old.kind
                && CutRule::parse(&old.cut_kind, old.cut_value) == Some(n.cut)
        });
        if !same {
            return Err(in_use(
                format!(
                    "阶段“{}”已开始（已建考试场次或已有选手），不能删除或更改类型和晋级规则",
                    old.name
                ),
                format!(
                    "stage {:?} has started (a session or entries): it cannot be removed nor its kind or cut changed",
                    old.name
                ),
            ));
        }
    }
    for (pos, s) in checked.iter().enumerate() {
        let (cut_kind, cut_value) = (s.cut.kind(), s.cut.value());
        match existing.iter().find(|o| o.position == pos as i32) {
            Some(old) => {
                let mut a: stage::ActiveModel = old.clone().into();
                a.name = Set(s.name.clone());
                a.kind = Set(s.kind.as_str().to_string());
                a.weight = Set(s.weight);
                a.cut_kind = Set(cut_kind.to_string());
                a.cut_value = Set(cut_value);
                a.encryptor_id = Set(s.encryptor_id);
                a.supervisor_id = Set(s.supervisor_id);
                a.recheck_top = Set(s.recheck_top);
                a.recheck_share = Set(s.recheck_share);
                a.recheck_error_limit = Set(s.recheck_error_limit);
                a.update(&txn).await?;
            }
            None => {
                stage::ActiveModel {
                    event_id: Set(id.0),
                    position: Set(pos as i32),
                    name: Set(s.name.clone()),
                    kind: Set(s.kind.as_str().to_string()),
                    weight: Set(s.weight),
                    session_id: Set(None),
                    cut_kind: Set(cut_kind.to_string()),
                    cut_value: Set(cut_value),
                    cut_confirmed_at: Set(None),
                    cut_confirmed_by: Set(None),
                    encryptor_id: Set(s.encryptor_id),
                    supervisor_id: Set(s.supervisor_id),
                    recheck_top: Set(s.recheck_top),
                    recheck_share: Set(s.recheck_share),
                    recheck_error_limit: Set(s.recheck_error_limit),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    for old in existing
        .iter()
        .filter(|o| o.position as usize >= checked.len())
    {
        stage::Entity::delete_by_id(old.id).exec(&txn).await?;
    }
    audit::record(
        &txn,
        actor,
        "competition.stages.set",
        "competition_event",
        &id.0.to_string(),
        json!({"stages": checked.iter().map(|s| json!({"name": s.name, "kind": s.kind.as_str(), "weight": s.weight})).collect::<Vec<_>>()}),
    )
    .await?;
    txn.commit().await?;
    event_view(db, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(kind: &str, weight: f64) -> StageInput {
        StageInput {
            name: format!("{kind} stage"),
            kind: kind.into(),
            weight,
            cut_kind: None,
            cut_value: None,
            encryptor_id: None,
            supervisor_id: None,
            recheck_top: None,
            recheck_share: None,
            recheck_error_limit: None,
        }
    }

    fn code(r: AppResult<Vec<CheckedStage>>) -> ErrorCode {
        r.unwrap_err().code
    }

    #[test]
    fn theory_thirty_and_practical_seventy_is_a_valid_stage_list() {
        let mut final_ = stage("practical", 0.7);
        final_.cut_kind = Some("top_percent".into());
        final_.cut_value = Some(30.0);
        let out = check_stages(&[stage("theory", 0.3), final_], 0.3).unwrap();
        assert_eq!(out[1].cut, CutRule::TopPercent(30.0));
        assert_eq!(out[0].recheck_top, 10);
    }

    #[test]
    fn weights_that_do_not_sum_to_one_are_refused() {
        assert_eq!(
            code(check_stages(
                &[stage("theory", 0.3), stage("practical", 0.6)],
                0.3
            )),
            ErrorCode::WeightsNotOne
        );
        // Rounding within a millionth is accepted.
        assert!(check_stages(&[stage("theory", 0.1 + 0.2), stage("practical", 0.7)], 0.3).is_ok());
    }

    #[test]
    fn a_theory_weight_over_the_cap_is_refused() {
        assert_eq!(
            code(check_stages(
                &[stage("theory", 0.4), stage("practical", 0.6)],
                0.3
            )),
            ErrorCode::TheoryWeightOverCap
        );
    }

    #[test]
    fn the_first_stage_admits_everyone_and_a_cut_needs_a_sensible_value() {
        let mut first = stage("theory", 0.3);
        first.cut_kind = Some("top_n".into());
        first.cut_value = Some(10.0);
        assert_eq!(
            code(check_stages(&[first, stage("practical", 0.7)], 0.3)),
            ErrorCode::InvalidCompetition
        );
        let mut bad = stage("practical", 0.7);
        bad.cut_kind = Some("top_percent".into());
        bad.cut_value = Some(150.0);
        assert_eq!(
            code(check_stages(&[stage("theory", 0.3), bad], 0.3)),
            ErrorCode::InvalidCompetition
        );
    }

    #[test]
    fn key_holders_belong_to_practical_stages_and_are_two_people() {
        let mut t = stage("theory", 0.3);
        t.encryptor_id = Some(4);
        assert!(check_stages(&[t, stage("practical", 0.7)], 0.3).is_err());
        let mut p = stage("practical", 0.7);
        p.encryptor_id = Some(4);
        p.supervisor_id = Some(4);
        assert!(check_stages(&[stage("theory", 0.3), p], 0.3).is_err());
    }
}
