//! Award policies (奖项设置) as data, pure: parsing a policy's JSON, checking it against the
//! competition's groups and the certificate types, and evaluating it on a published ranking.
//!
//! Decisions (documented in the README):
//! - Prize bands (一/二/三等奖) take a share of those who sat the final (rows with a rank and a
//!   total), in the order first, second, third. Each band's count is `percent × sat / 100`
//!   rounded by the policy's `rounding` (`round`: half up, the default; `floor`; `ceil`), with no
//!   minimum: a band that rounds to 0 awards nobody (a small group does not get 100 % prizes).
//! - Ties at a boundary (`ties`): `higher` (default) gives every row tied at a boundary the
//!   better award (the next band then starts where it would have: it is not enlarged); `lower`
//!   gives them the worse one. The same rule applies to top-N titles (技术能手, 五一 list).
//! - 技术能手 follows the national rules (第一届全国职业技能大赛, 2020, cited in
//!   /work/shared/reference/competitions-analytics-background.md §1.5 "Awards, national"): the
//!   top 5 in individual events, the top 3 teams in pair events, the top 2 in trios; the policy
//!   says it per team size (`top_by_team_size`).
//! - 专项职业能力证书: every finalist whose every stage score is ≥ `threshold` (default 60). A
//!   team's stage scores are the members' mean (the caller scales summed team scores).

use super::standings::RankedRow;
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

coded_enum! {
    /// What a rule awards.
    AwardKind {
        /// 一等奖.
        FirstPrize = "first_prize",
        /// 二等奖.
        SecondPrize = "second_prize",
        /// 三等奖.
        ThirdPrize = "third_prize",
        /// 技术能手 (a title, by rank).
        TechnicalExpert = "technical_expert",
        /// 五一劳动奖章 recommendation (a list, not the title).
        MayDayMedal = "may_day_medal",
        /// 专项职业能力证书 (every stage ≥ the threshold).
        SkillCertificate = "skill_certificate",
    }
}

impl AwardKind {
    /// Printed name, Chinese and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            AwardKind::FirstPrize => ("一等奖", "First prize"),
            AwardKind::SecondPrize => ("二等奖", "Second prize"),
            AwardKind::ThirdPrize => ("三等奖", "Third prize"),
            AwardKind::TechnicalExpert => ("技术能手", "Technical expert"),
            AwardKind::MayDayMedal => ("五一劳动奖章推荐", "May Day Labour Medal recommendation"),
            AwardKind::SkillCertificate => {
                ("专项职业能力证书", "Special vocational ability certificate")
            }
        }
    }

    /// A prize band (share of those who sat).
    pub fn is_band(self) -> bool {
        matches!(
            self,
            AwardKind::FirstPrize | AwardKind::SecondPrize | AwardKind::ThirdPrize
        )
    }
}

coded_enum! {
    /// How a band's count is rounded.
    Rounding {
        /// Half up (the default).
        Round = "round",
        /// Down.
        Floor = "floor",
        /// Up.
        Ceil = "ceil",
    }
}

coded_enum! {
    /// Which award rows tied at a boundary get.
    Ties {
        /// All tied share the better award (the default).
        Higher = "higher",
        /// All tied get the worse one.
        Lower = "lower",
    }
}

/// A policy as written (JSON). Kept as text in storage; [`parse`] reads and checks its shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// `round` (default), `floor` or `ceil`.
    #[serde(default)]
    pub rounding: Option<String>,
    /// `higher` (default) or `lower`.
    #[serde(default)]
    pub ties: Option<String>,
    /// The rules.
    pub awards: Vec<RawRule>,
}

/// One rule as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// An [`AwardKind`] code.
    pub kind: String,
    /// Group names it applies to (empty: every group).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Bands: percent of those who sat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// Titles: the best N.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<i64>,
    /// Titles: the best N by team size ("1": individuals, "2": pairs, "3": trios).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_by_team_size: Option<BTreeMap<String, i64>>,
    /// Certificates: the score every stage must reach (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// The certificate type code issued for it (none: no certificate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
}

/// How many a title goes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Count {
    /// A share (bands).
    Percent(f64),
    /// The best N.
    Top(u32),
    /// The best N by team size; a size not named awards nobody.
    TopBySize(BTreeMap<u32, u32>),
    /// Everyone at or above a score in every stage.
    Threshold(f64),
}

/// A checked rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// What it awards.
    pub kind: AwardKind,
    /// Group names (empty: all).
    pub groups: Vec<String>,
    /// How many.
    pub count: Count,
    /// Certificate type code.
    pub certificate: Option<String>,
}

/// A parsed policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Band rounding.
    pub rounding: Rounding,
    /// Ties at a boundary.
    pub ties: Ties,
    /// Rules, in the order written.
    pub rules: Vec<Rule>,
}

/// Why a policy was refused: the code, the field (`awards[2].percent`) and a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyError {
    /// The code.
    pub code: ErrorCode,
    /// The field at fault.
    pub field: String,
    /// 中文.
    pub zh: String,
    /// English.
    pub en: String,
}

fn refuse(code: ErrorCode, field: impl Into<String>, zh: String, en: String) -> PolicyError {
    PolicyError {
        code,
        field: field.into(),
        zh,
        en,
    }
}

/// Reads a policy's JSON and checks its shape (kinds, counts, shares). Names of groups and
/// certificate types are checked by [`check_names`], which needs the stored ones.
pub fn parse(text: &str) -> Result<(RawPolicy, Policy), PolicyError> {
    let raw: RawPolicy = serde_json::from_str(text).map_err(|e| {
        refuse(
            ErrorCode::BadPolicy,
            "",
            format!("奖项设置不是有效的 JSON：{e}"),
            format!("the policy is not valid JSON: {e}"),
        )
    })?;
    let policy = from_raw(&raw)?;
    Ok((raw, policy))
}

fn from_raw(raw: &RawPolicy) -> Result<Policy, PolicyError> {
    let rounding = match raw.rounding.as_deref() {
        None => Rounding::Round,
        Some(s) => Rounding::parse(s).ok_or_else(|| {
            refuse(
                ErrorCode::BadPolicy,
                "rounding",
                format!("rounding 须为 round、floor 或 ceil，而不是 “{s}”"),
                format!("rounding must be round, floor or ceil, not “{s}”"),
            )
        })?,
    };
    let ties = match raw.ties.as_deref() {
        None => Ties::Higher,
        Some(s) => Ties::parse(s).ok_or_else(|| {
            refuse(
                ErrorCode::BadPolicy,
                "ties",
                format!("ties 须为 higher 或 lower，而不是 “{s}”"),
                format!("ties must be higher or lower, not “{s}”"),
            )
        })?,
    };
    let mut rules = vec![];
    for (i, r) in raw.awards.iter().enumerate() {
        let at = |f: &str| format!("awards[{i}].{f}");
        let kind = AwardKind::parse(&r.kind).ok_or_else(|| {
            refuse(
                ErrorCode::UnknownAwardKind,
                at("kind"),
                format!("{}：未知的奖项类别 “{}”", at("kind"), r.kind),
                format!("{}: unknown award kind “{}”", at("kind"), r.kind),
            )
        })?;
        let bad_count = |f: &str| {
            refuse(
                ErrorCode::PolicyBadCount,
                at(f),
                format!("{}：人数或比例须大于 0", at(f)),
                format!("{}: a count or share must be above 0", at(f)),
            )
        };
        let misplaced = |f: &str| {
            refuse(
                ErrorCode::BadPolicy,
                at(f),
                format!("{}：该奖项类别不使用此字段", at(f)),
                format!("{}: this award kind does not take this field", at(f)),
            )
        };
        let count = if kind.is_band() {
            if r.top.is_some() || r.top_by_team_size.is_some() {
                return Err(misplaced("top"));
            }
            match r.percent {
                Some(p) if p.is_finite() && p > 0.0 && p <= 100.0 => Count::Percent(p),
                Some(p) if p.is_finite() && p > 100.0 => {
                    return Err(refuse(
                        ErrorCode::PolicyOver100,
                        at("percent"),
                        format!("{}：比例超过 100%", at("percent")),
                        format!("{}: the share is over 100 %", at("percent")),
                    ));
                }
                Some(_) => return Err(bad_count("percent")),
                None => return Err(missing(&at("percent"))),
            }
        } else if kind == AwardKind::SkillCertificate {
            if r.percent.is_some() {
                return Err(misplaced("percent"));
            }
            let t = r.threshold.unwrap_or(60.0);
            if !(t.is_finite() && (0.0..=100.0).contains(&t)) {
                return Err(refuse(
                    ErrorCode::PolicyBadCount,
                    at("threshold"),
                    format!("{}：分数线须在 0 到 100 之间", at("threshold")),
                    format!("{}: the threshold must be from 0 to 100", at("threshold")),
                ));
            }
            Count::Threshold(t)
        } else {
            if r.percent.is_some() {
                return Err(misplaced("percent"));
            }
            match (&r.top, &r.top_by_team_size) {
                (Some(n), None) => Count::Top(positive(*n).ok_or_else(|| bad_count("top"))?),
                (None, Some(m)) => {
                    let mut by = BTreeMap::new();
                    for (size, n) in m {
                        let f = format!("top_by_team_size.{size}");
                        let s = size
                            .parse::<u32>()
                            .ok()
                            .filter(|s| (1..=10).contains(s))
                            .ok_or_else(|| {
                                refuse(
                                    ErrorCode::BadPolicy,
                                    at(&f),
                                    format!("{}：团队人数须为 1–10", at(&f)),
                                    format!("{}: a team size is 1 to 10", at(&f)),
                                )
                            })?;
                        by.insert(s, positive(*n).ok_or_else(|| bad_count(&f))?);
                    }
                    if by.is_empty() {
                        return Err(missing(&at("top_by_team_size")));
                    }
                    Count::TopBySize(by)
                }
                (Some(_), Some(_)) => return Err(misplaced("top_by_team_size")),
                (None, None) => return Err(missing(&at("top"))),
            }
        };
        rules.push(Rule {
            kind,
            groups: r.groups.iter().map(|g| g.trim().to_string()).collect(),
            count,
            certificate: r
                .certificate
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
        });
    }
    let policy = Policy {
        rounding,
        ties,
        rules,
    };
    check_bands(&policy)?;
    Ok(policy)
}

fn missing(field: &str) -> PolicyError {
    refuse(
        ErrorCode::BadPolicy,
        field,
        format!("{field}：缺少此字段"),
        format!("{field}: missing"),
    )
}

fn positive(n: i64) -> Option<u32> {
    u32::try_from(n).ok().filter(|n| *n > 0)
}

fn applies(r: &Rule, group: &str) -> bool {
    r.groups.is_empty() || r.groups.iter().any(|g| g == group)
}

/// The bands of one group add up to 100 % at most, and each band kind appears once per group.
fn check_bands(p: &Policy) -> Result<(), PolicyError> {
    // Every group a rule names, plus "" standing for a group no rule names.
    let mut names: Vec<&str> = p
        .rules
        .iter()
        .flat_map(|r| r.groups.iter().map(String::as_str))
        .collect();
    names.push("\u{0}");
    for g in names {
        let mut sum = 0.0;
        let mut seen = vec![];
        for (i, r) in p.rules.iter().enumerate() {
            let Count::Percent(v) = r.count else { continue };
            if !applies(r, g) {
                continue;
            }
            if seen.contains(&r.kind) {
                return Err(refuse(
                    ErrorCode::BadPolicy,
                    format!("awards[{i}].kind"),
                    format!("awards[{i}].kind：同一组别的 {} 重复", r.kind.label().0),
                    format!("awards[{i}].kind: {} twice for one group", r.kind.as_str()),
                ));
            }
            seen.push(r.kind);
            sum += v;
            if sum > 100.0 + 1e-9 {
                return Err(refuse(
                    ErrorCode::PolicyOver100,
                    format!("awards[{i}].percent"),
                    format!("awards[{i}].percent：各等奖比例之和超过 100%（{sum}%）"),
                    format!("awards[{i}].percent: the prize shares add up to over 100 % ({sum} %)"),
                ));
            }
        }
    }
    Ok(())
}

/// Checks the names a policy uses against the competition's groups and the certificate types.
pub fn check_names(
    p: &Policy,
    groups: &[String],
    certificate_types: &[String],
) -> Result<(), PolicyError> {
    for (i, r) in p.rules.iter().enumerate() {
        for (j, g) in r.groups.iter().enumerate() {
            if !groups.iter().any(|k| k == g) {
                return Err(refuse(
                    ErrorCode::UnknownGroup,
                    format!("awards[{i}].groups[{j}]"),
                    format!("awards[{i}].groups[{j}]：本竞赛没有名为 “{g}” 的组别"),
                    format!("awards[{i}].groups[{j}]: the competition has no group “{g}”"),
                ));
            }
        }
        if let Some(c) = &r.certificate
            && !certificate_types.iter().any(|k| k == c)
        {
            return Err(refuse(
                ErrorCode::UnknownCertificateType,
                format!("awards[{i}].certificate"),
                format!("awards[{i}].certificate：没有代码为 “{c}” 的证书类型"),
                format!("awards[{i}].certificate: no certificate type has the code “{c}”"),
            ));
        }
    }
    Ok(())
}

/// One award.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Award {
    /// The row in the ranking it goes to.
    pub row: usize,
    /// What.
    pub kind: AwardKind,
    /// The row's rank.
    pub rank: Option<u32>,
    /// The certificate type code to issue, if any.
    pub certificate: Option<String>,
}

fn band_count(rounding: Rounding, percent: f64, sat: usize) -> usize {
    let v = percent * sat as f64 / 100.0;
    // The epsilon keeps 0.1 × 30 = 3.0000000000000004 from rounding up under `ceil`.
    let n = match rounding {
        Rounding::Round => (v + 0.5 + 1e-9).floor(),
        Rounding::Floor => (v + 1e-9).floor(),
        Rounding::Ceil => (v - 1e-9).ceil(),
    };
    n.max(0.0) as usize
}

fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// Evaluates a policy on a group's ranked rows (in rank order, as published): the awards in
/// row order, and per row in rule order. Only rows with a rank and a total are finalists.
pub fn evaluate(p: &Policy, group_name: &str, team_size: u32, rows: &[RankedRow]) -> Vec<Award> {
    let ranked: Vec<usize> = (0..rows.len())
        .filter(|i| rows[*i].rank.is_some() && rows[*i].total.is_some_and(f64::is_finite))
        .collect();
    let sat = ranked.len();
    // For each finalist, the position that decides its award: the first or the last of the
    // rows sharing its rank.
    let mut decisive = vec![0usize; sat];
    let mut start = 0;
    while start < sat {
        let mut end = start;
        while end + 1 < sat && rows[ranked[end + 1]].rank == rows[ranked[start]].rank {
            end += 1;
        }
        for d in decisive.iter_mut().take(end + 1).skip(start) {
            *d = match p.ties {
                Ties::Higher => start,
                Ties::Lower => end,
            };
        }
        start = end + 1;
    }
    // Bands of this group, in kind order, as cumulative ends.
    let mut bands: Vec<(&Rule, f64)> = p
        .rules
        .iter()
        .filter(|r| applies(r, group_name))
        .filter_map(|r| match r.count {
            Count::Percent(v) => Some((r, v)),
            _ => None,
        })
        .collect();
    bands.sort_by_key(|(r, _)| AwardKind::ALL.iter().position(|k| *k == r.kind));
    let mut ends = vec![];
    let mut acc = 0;
    for (r, v) in &bands {
        acc = (acc + band_count(p.rounding, *v, sat)).min(sat);
        ends.push((*r, acc));
    }
    let mut out = vec![];
    for (pos, &i) in ranked.iter().enumerate() {
        let row = &rows[i];
        let d = decisive[pos];
        for r in p.rules.iter().filter(|r| applies(r, group_name)) {
            let wins = match &r.count {
                Count::Percent(_) => {
                    // The first band whose end lies past the decisive position.
                    ends.iter()
                        .find(|(_, end)| d < *end)
                        .is_some_and(|(b, _)| std::ptr::eq(*b, r))
                }
                Count::Top(n) => d < *n as usize,
                Count::TopBySize(m) => m.get(&team_size).is_some_and(|n| d < *n as usize),
                Count::Threshold(t) => {
                    !row.stages.is_empty()
                        && row
                            .stages
                            .iter()
                            .all(|s| s.is_some_and(|v| cents(v) >= cents(*t)))
                }
            };
            if wins {
                out.push(Award {
                    row: i,
                    kind: r.kind,
                    rank: row.rank,
                    certificate: r.certificate.clone(),
                });
            }
        }
    }
    out
}

/// The policy a new event starts from (the console's template and the demo's), with the given
/// certificate type codes and the employees' group name.
pub fn template(award_type: &str, skill_type: &str, employees: &str) -> String {
    serde_json::json!({
        "rounding": "round",
        "ties": "higher",
        "awards": [
            {"kind": "first_prize", "percent": 10, "certificate": award_type},
            {"kind": "second_prize", "percent": 20, "certificate": award_type},
            {"kind": "third_prize", "percent": 30, "certificate": award_type},
            {"kind": "technical_expert", "groups": [employees],
             "top_by_team_size": {"1": 5, "2": 3, "3": 2}},
            {"kind": "may_day_medal", "top": 1},
            {"kind": "skill_certificate", "threshold": 60, "certificate": skill_type}
        ]
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(rank: Option<u32>, total: Option<f64>, stages: &[Option<f64>]) -> RankedRow {
        RankedRow {
            rank,
            shared: false,
            above: None,
            below: None,
            note_zh: None,
            note_en: None,
            contestant_id: Some(1),
            team_id: None,
            number: String::new(),
            name: String::new(),
            members: vec![],
            organisation: String::new(),
            total,
            stages: stages.to_vec(),
            modules: vec![],
            time_secs: None,
        }
    }

    /// `n` rows with distinct ranks 1..=n.
    fn distinct(n: u32) -> Vec<RankedRow> {
        (1..=n)
            .map(|r| row(Some(r), Some(100.0 - f64::from(r)), &[Some(80.0)]))
            .collect()
    }

    /// Rows with the given ranks (shared ranks repeat).
    fn ranks(rs: &[u32]) -> Vec<RankedRow> {
        rs.iter()
            .map(|r| row(Some(*r), Some(100.0 - f64::from(*r)), &[Some(80.0)]))
            .collect()
    }

    fn policy(text: &str) -> Policy {
        parse(text).unwrap().1
    }

    fn bands(extra: &str) -> Policy {
        policy(&format!(
            r#"{{{extra}"awards":[{{"kind":"first_prize","percent":10}},{{"kind":"second_prize","percent":20}},{{"kind":"third_prize","percent":30}}]}}"#
        ))
    }

    fn kinds(awards: &[Award], kind: AwardKind) -> Vec<usize> {
        awards
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.row)
            .collect()
    }

    #[test]
    fn bands_of_twenty_give_two_four_and_six() {
        let a = evaluate(&bands(""), "学生组", 1, &distinct(20));
        assert_eq!(kinds(&a, AwardKind::FirstPrize), vec![0, 1]);
        assert_eq!(
            kinds(&a, AwardKind::SecondPrize),
            (2..6).collect::<Vec<_>>()
        );
        assert_eq!(
            kinds(&a, AwardKind::ThirdPrize),
            (6..12).collect::<Vec<_>>()
        );
        assert_eq!(a.len(), 12);
    }

    #[test]
    fn rounding_is_half_up_by_default_and_floor_or_ceil_when_the_policy_says() {
        // 15 sat: 1.5 / 3 / 4.5.
        let rows = distinct(15);
        let count = |p: &Policy| {
            let a = evaluate(p, "g", 1, &rows);
            [
                AwardKind::FirstPrize,
                AwardKind::SecondPrize,
                AwardKind::ThirdPrize,
            ]
            .map(|k| kinds(&a, k).len())
        };
        assert_eq!(count(&bands("")), [2, 3, 5]);
        assert_eq!(count(&bands(r#""rounding":"round","#)), [2, 3, 5]);
        assert_eq!(count(&bands(r#""rounding":"floor","#)), [1, 3, 4]);
        assert_eq!(count(&bands(r#""rounding":"ceil","#)), [2, 3, 5]);
        // 30 sat: 3 / 6 / 9 exactly, whatever the rounding (no float noise).
        let rows = distinct(30);
        for extra in ["", r#""rounding":"floor","#, r#""rounding":"ceil","#] {
            let a = evaluate(&bands(extra), "g", 1, &rows);
            assert_eq!(kinds(&a, AwardKind::FirstPrize).len(), 3, "{extra}");
            assert_eq!(kinds(&a, AwardKind::ThirdPrize).len(), 9, "{extra}");
        }
    }

    #[test]
    fn a_band_that_rounds_to_nothing_awards_nobody() {
        // 4 sat: 0.4 → 0 first prizes, 0.8 → 1 second, 1.2 → 1 third.
        let a = evaluate(&bands(""), "g", 1, &distinct(4));
        assert!(kinds(&a, AwardKind::FirstPrize).is_empty());
        assert_eq!(kinds(&a, AwardKind::SecondPrize), vec![0]);
        assert_eq!(kinds(&a, AwardKind::ThirdPrize), vec![1]);
    }

    #[test]
    fn ties_at_the_first_boundary_share_the_higher_award_and_the_next_band_is_not_enlarged() {
        // 20 sat, first prize 2: ranks 1, 2, 2 → rows 0–2 first prize; second prize ends at 6.
        let rows = ranks(&[
            1, 2, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        ]);
        let a = evaluate(&bands(""), "g", 1, &rows);
        assert_eq!(kinds(&a, AwardKind::FirstPrize), vec![0, 1, 2]);
        assert_eq!(kinds(&a, AwardKind::SecondPrize), vec![3, 4, 5]);
    }

    #[test]
    fn ties_at_the_first_boundary_take_the_lower_award_when_the_policy_says_lower() {
        let rows = ranks(&[
            1, 2, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        ]);
        let a = evaluate(&bands(r#""ties":"lower","#), "g", 1, &rows);
        assert_eq!(kinds(&a, AwardKind::FirstPrize), vec![0]);
        assert_eq!(kinds(&a, AwardKind::SecondPrize), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn ties_at_the_last_boundary_go_in_when_higher_and_out_when_lower() {
        // 20 sat, prizes end at 12: ranks 12, 12, 12 at rows 11–13.
        let mut rs: Vec<u32> = (1..=11).collect();
        rs.extend([12, 12, 12]);
        rs.extend(15..=20);
        let rows = ranks(&rs);
        let higher = evaluate(&bands(""), "g", 1, &rows);
        assert_eq!(
            kinds(&higher, AwardKind::ThirdPrize),
            (6..14).collect::<Vec<_>>()
        );
        let lower = evaluate(&bands(r#""ties":"lower","#), "g", 1, &rows);
        assert_eq!(
            kinds(&lower, AwardKind::ThirdPrize),
            (6..11).collect::<Vec<_>>()
        );
    }

    #[test]
    fn ties_at_the_middle_boundary_both_ways() {
        // 20 sat, second prize ends at 6: ranks 6, 6 at rows 5–6.
        let mut rs: Vec<u32> = (1..=5).collect();
        rs.extend([6, 6]);
        rs.extend(8..=20);
        let rows = ranks(&rs);
        let higher = evaluate(&bands(""), "g", 1, &rows);
        assert_eq!(kinds(&higher, AwardKind::SecondPrize), vec![2, 3, 4, 5, 6]);
        assert_eq!(
            kinds(&higher, AwardKind::ThirdPrize),
            (7..12).collect::<Vec<_>>()
        );
        let lower = evaluate(&bands(r#""ties":"lower","#), "g", 1, &rows);
        assert_eq!(kinds(&lower, AwardKind::SecondPrize), vec![2, 3, 4]);
        assert_eq!(
            kinds(&lower, AwardKind::ThirdPrize),
            (5..12).collect::<Vec<_>>()
        );
    }

    #[test]
    fn everyone_tied_shares_one_award() {
        let rows = ranks(&[1; 10]);
        let a = evaluate(&bands(""), "g", 1, &rows);
        assert_eq!(kinds(&a, AwardKind::FirstPrize).len(), 10);
        let a = evaluate(&bands(r#""ties":"lower","#), "g", 1, &rows);
        assert!(a.is_empty(), "position 10 lies past every band: {a:?}");
    }

    #[test]
    fn unranked_rows_count_for_nothing_and_get_nothing() {
        let mut rows = distinct(10);
        rows.push(row(None, None, &[Some(90.0), None]));
        rows.push(row(None, None, &[]));
        let a = evaluate(&bands(""), "g", 1, &rows);
        // 10 sat, not 12: 1 / 2 / 3.
        assert_eq!(kinds(&a, AwardKind::FirstPrize), vec![0]);
        assert_eq!(kinds(&a, AwardKind::ThirdPrize), vec![3, 4, 5]);
        assert!(a.iter().all(|x| x.row < 10));
    }

    #[test]
    fn an_empty_group_awards_nothing() {
        let p = policy(&template("AWARD", "SKILL", "职工组"));
        assert!(evaluate(&p, "职工组", 1, &[]).is_empty());
    }

    #[test]
    fn technical_expert_goes_to_the_top_five_individuals_three_pairs_two_trios() {
        // National rules: 第一届全国职业技能大赛 (2020), see the reference notes §1.5.
        let p = policy(&template("AWARD", "SKILL", "职工组"));
        let rows = distinct(20);
        for (size, n) in [(1, 5), (2, 3), (3, 2), (4, 0)] {
            let a = evaluate(&p, "职工组", size, &rows);
            assert_eq!(
                kinds(&a, AwardKind::TechnicalExpert),
                (0..n).collect::<Vec<_>>(),
                "team size {size}"
            );
        }
        // Only the employees' group.
        let a = evaluate(&p, "学生组", 1, &rows);
        assert!(kinds(&a, AwardKind::TechnicalExpert).is_empty());
    }

    #[test]
    fn a_tie_at_fifth_place_gives_every_tied_row_the_title_unless_ties_are_lower() {
        let rows = ranks(&[1, 2, 3, 4, 5, 5, 7]);
        let p = policy(r#"{"awards":[{"kind":"technical_expert","top":5}]}"#);
        assert_eq!(evaluate(&p, "g", 1, &rows).len(), 6);
        let p = policy(r#"{"ties":"lower","awards":[{"kind":"technical_expert","top":5}]}"#);
        assert_eq!(evaluate(&p, "g", 1, &rows).len(), 4);
    }

    #[test]
    fn the_may_day_list_is_rank_one_and_shared_first_places_are_all_on_it() {
        let p = policy(&template("AWARD", "SKILL", "职工组"));
        let a = evaluate(&p, "学生组", 1, &ranks(&[1, 1, 3]));
        assert_eq!(kinds(&a, AwardKind::MayDayMedal), vec![0, 1]);
    }

    #[test]
    fn the_certificate_needs_every_stage_at_or_above_the_threshold() {
        let p = policy(&template("AWARD", "SKILL", "职工组"));
        let rows = vec![
            row(Some(1), Some(90.0), &[Some(60.0), Some(95.0)]),
            row(Some(2), Some(80.0), &[Some(59.996), Some(99.0)]),
            row(Some(3), Some(70.0), &[Some(59.99), Some(99.0)]),
            row(None, None, &[Some(90.0), None]),
        ];
        let a = evaluate(&p, "g", 1, &rows);
        // 59.996 shows as 60.00: what is shown decides, as in the ranking.
        assert_eq!(kinds(&a, AwardKind::SkillCertificate), vec![0, 1]);
        assert!(
            a.iter().all(|x| x.kind != AwardKind::SkillCertificate
                || x.certificate.as_deref() == Some("SKILL"))
        );
        let p = policy(r#"{"awards":[{"kind":"skill_certificate","threshold":80}]}"#);
        assert_eq!(evaluate(&p, "g", 1, &rows).len(), 0);
    }

    #[test]
    fn awards_carry_the_rank_and_the_certificate_type() {
        let p = policy(&template("AWARD", "SKILL", "职工组"));
        let a = evaluate(&p, "职工组", 1, &distinct(10));
        let first = &a[0];
        assert_eq!(
            (
                first.row,
                first.kind,
                first.rank,
                first.certificate.as_deref()
            ),
            (0, AwardKind::FirstPrize, Some(1), Some("AWARD"))
        );
    }

    fn refused(text: &str) -> (ErrorCode, String) {
        let e = parse(text).unwrap_err();
        (e.code, e.field)
    }

    #[test]
    fn bad_policies_are_refused_with_their_code_and_field() {
        use ErrorCode::*;
        assert_eq!(refused("{").0, BadPolicy);
        assert_eq!(refused(r#"{"awards":[],"extra":1}"#).0, BadPolicy);
        assert_eq!(
            refused(r#"{"awards":[{"kind":"gold"}]}"#),
            (UnknownAwardKind, "awards[0].kind".into())
        );
        assert_eq!(
            refused(
                r#"{"awards":[{"kind":"first_prize","percent":50},{"kind":"second_prize","percent":40},{"kind":"third_prize","percent":20}]}"#
            ),
            (PolicyOver100, "awards[2].percent".into())
        );
        assert_eq!(
            refused(r#"{"awards":[{"kind":"first_prize","percent":120}]}"#).0,
            PolicyOver100
        );
        assert_eq!(
            refused(r#"{"awards":[{"kind":"first_prize","percent":0}]}"#),
            (PolicyBadCount, "awards[0].percent".into())
        );
        assert_eq!(
            refused(r#"{"awards":[{"kind":"first_prize","percent":-5}]}"#).0,
            PolicyBadCount
        );
        assert_eq!(
            refused(r#"{"awards":[{"kind":"technical_expert","top":0}]}"#),
            (PolicyBadCount, "awards[0].top".into())
        );
        assert_eq!(
            refused(r#"{"awards":[{"kind":"technical_expert","top_by_team_size":{"2":-1}}]}"#),
            (PolicyBadCount, "awards[0].top_by_team_size.2".into())
        );
        assert_eq!(
            refused(r#"{"awards":[{"kind":"technical_expert"}]}"#),
            (BadPolicy, "awards[0].top".into())
        );
        assert_eq!(
            refused(r#"{"rounding":"up","awards":[]}"#),
            (BadPolicy, "rounding".into())
        );
        assert_eq!(
            refused(r#"{"ties":"both","awards":[]}"#),
            (BadPolicy, "ties".into())
        );
        assert_eq!(
            refused(r#"{"awards":[{"kind":"skill_certificate","threshold":101}]}"#).0,
            PolicyBadCount
        );
    }

    #[test]
    fn bands_add_up_per_group_so_two_groups_may_each_use_their_hundred() {
        let ok = r#"{"awards":[{"kind":"first_prize","percent":60,"groups":["A"]},{"kind":"first_prize","percent":60,"groups":["B"]}]}"#;
        assert!(parse(ok).is_ok());
        let over = r#"{"awards":[{"kind":"first_prize","percent":60},{"kind":"second_prize","percent":50,"groups":["B"]}]}"#;
        assert_eq!(refused(over).0, ErrorCode::PolicyOver100);
    }

    #[test]
    fn names_are_checked_against_the_groups_and_certificate_types() {
        let (_, p) = parse(&template("AWARD", "SKILL", "职工组")).unwrap();
        let groups = vec!["职工组".to_string(), "学生组".to_string()];
        let types = vec!["AWARD".to_string(), "SKILL".to_string()];
        assert!(check_names(&p, &groups, &types).is_ok());
        let e = check_names(&p, &["学生组".to_string()], &types).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_str()),
            (ErrorCode::UnknownGroup, "awards[3].groups[0]")
        );
        let e = check_names(&p, &groups, &["AWARD".to_string()]).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_str()),
            (ErrorCode::UnknownCertificateType, "awards[5].certificate")
        );
    }
}
