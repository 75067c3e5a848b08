//! Who may enter a group (组别): the group's rules (`competition_groups.rules`, JSON) and the
//! check of one registration against them. Pure: the caller reads the group, the competition's
//! registered schools and its first day, and gets back every rule the entrant fails.

use super::OrgKind;
use crate::error::Text;
use crate::exam::identity::IdNumber;
use crate::practical::conflict::normalise;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Oldest age limit a group may set; beyond it a limit is a typo.
pub const MAX_AGE_LIMIT: u32 = 120;

/// A group's rules as stored and sent: `{"org_kind": "school"|"employer"|null,
/// "registered_school": bool, "min_age": n|null, "max_age": n|null}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesJson {
    /// `school` (学生组) or `employer` (职工组); any when null.
    #[serde(default)]
    pub org_kind: Option<String>,
    /// The school must be one of the competition's registered schools.
    #[serde(default)]
    pub registered_school: bool,
    /// Youngest age allowed (full years on the competition's first day).
    #[serde(default)]
    pub min_age: Option<u32>,
    /// Oldest age allowed (full years on the competition's first day).
    #[serde(default)]
    pub max_age: Option<u32>,
}

/// A group's rules, checked.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Eligibility {
    /// The kind of organisation entrants come from; any when `None`.
    pub org_kind: Option<OrgKind>,
    /// A student of a registered school (implies `org_kind` school).
    pub registered_school: bool,
    /// Youngest age allowed.
    pub min_age: Option<u32>,
    /// Oldest age allowed.
    pub max_age: Option<u32>,
}

impl Eligibility {
    /// Checks rules as sent or stored.
    pub fn from_json(raw: &RulesJson) -> Result<Eligibility, Text> {
        let org_kind = match raw.org_kind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(OrgKind::parse(s).ok_or_else(|| {
                Text::new(
                    format!("单位类型“{s}”无效，应为 school（学校）或 employer（单位）"),
                    format!("org_kind {s:?} is neither school nor employer"),
                )
            })?),
        };
        if raw.registered_school && org_kind == Some(OrgKind::Employer) {
            return Err(Text::new(
                "“须为登记学校的学生”只能用于学校组别",
                "registered_school needs org_kind school (or none)",
            ));
        }
        for age in [raw.min_age, raw.max_age].into_iter().flatten() {
            if age > MAX_AGE_LIMIT {
                return Err(Text::new(
                    format!("年龄限制须在 0–{MAX_AGE_LIMIT} 岁之间"),
                    format!("age limits must be 0–{MAX_AGE_LIMIT}"),
                ));
            }
        }
        if let (Some(lo), Some(hi)) = (raw.min_age, raw.max_age)
            && lo > hi
        {
            return Err(Text::new(
                "最小年龄大于最大年龄",
                "min_age is greater than max_age",
            ));
        }
        Ok(Eligibility {
            org_kind: if raw.registered_school {
                Some(OrgKind::School)
            } else {
                org_kind
            },
            registered_school: raw.registered_school,
            min_age: raw.min_age,
            max_age: raw.max_age,
        })
    }

    /// Reads the stored JSON text (a malformed one is reported as such).
    pub fn parse(text: &str) -> Result<Eligibility, Text> {
        if text.trim().is_empty() {
            return Ok(Eligibility::default());
        }
        let raw: RulesJson = serde_json::from_str(text).map_err(|e| {
            Text::new(
                "组别报名条件格式不正确",
                format!("the group's rules are not valid: {e}"),
            )
        })?;
        Eligibility::from_json(&raw)
    }

    /// The JSON form.
    pub fn to_json(&self) -> RulesJson {
        RulesJson {
            org_kind: self.org_kind.map(|k| k.as_str().to_string()),
            registered_school: self.registered_school,
            min_age: self.min_age,
            max_age: self.max_age,
        }
    }

    /// The stored text.
    pub fn to_stored(&self) -> String {
        serde_json::to_string(&self.to_json()).unwrap_or_else(|_| "{}".into())
    }
}

/// Who is entering, as far as the rules look.
#[derive(Debug, Clone, Copy)]
pub struct Entrant<'a> {
    /// Employer or school.
    pub org_kind: OrgKind,
    /// Its name (工作单位/学校).
    pub organisation: &'a str,
    /// The checked ID number (the birth date is in it).
    pub id_number: &'a IdNumber,
}

/// A rule the entrant fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The group is for another kind of organisation.
    OrgKind {
        /// What the group wants.
        wanted: OrgKind,
    },
    /// The school is not one of the competition's registered schools.
    NotRegisteredSchool {
        /// The school as given.
        school: String,
    },
    /// Younger than the group's minimum on the first day.
    TooYoung {
        /// Full years.
        age: u32,
        /// The minimum.
        min: u32,
    },
    /// Older than the group's maximum on the first day.
    TooOld {
        /// Full years.
        age: u32,
        /// The maximum.
        max: u32,
    },
}

fn kind_zh(k: OrgKind) -> &'static str {
    match k {
        OrgKind::School => "学校学生",
        OrgKind::Employer => "在职职工",
    }
}

fn kind_en(k: OrgKind) -> &'static str {
    match k {
        OrgKind::School => "students",
        OrgKind::Employer => "employees",
    }
}

impl Refusal {
    /// Stable code of the rule (the `details.rules[].rule` of an `ineligible` error).
    pub fn rule(&self) -> &'static str {
        match self {
            Refusal::OrgKind { .. } => "org_kind",
            Refusal::NotRegisteredSchool { .. } => "registered_school",
            Refusal::TooYoung { .. } => "min_age",
            Refusal::TooOld { .. } => "max_age",
        }
    }

    /// The sentence people read.
    pub fn text(&self) -> Text {
        match self {
            Refusal::OrgKind { wanted } => Text::new(
                format!("该组别仅限{}报名", kind_zh(*wanted)),
                format!("this group is for {} only", kind_en(*wanted)),
            ),
            Refusal::NotRegisteredSchool { school } => Text::new(
                format!("“{school}”不是本竞赛登记的学校"),
                format!("{school:?} is not a school registered for this competition"),
            ),
            Refusal::TooYoung { age, min } => Text::new(
                format!("竞赛首日年龄 {age} 岁，未满该组别最低年龄 {min} 岁"),
                format!("aged {age} on the first day, under the group's minimum of {min}"),
            ),
            Refusal::TooOld { age, max } => Text::new(
                format!("竞赛首日年龄 {age} 岁，超过该组别最高年龄 {max} 岁"),
                format!("aged {age} on the first day, over the group's maximum of {max}"),
            ),
        }
    }
}

/// The calendar day a competition starts, in China (UTC+8), where ages are counted.
pub fn first_day(held_on: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(8 * 3600) {
        Some(china) => held_on.with_timezone(&china).date_naive(),
        None => held_on.date_naive(),
    }
}

/// Full years from `birth` to `on` (the birthday itself counts; someone born on 29 February
/// turns a year older on 1 March in a common year).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Every rule of `rules` the entrant fails (empty: eligible). `schools` are the competition's
/// registered schools; `on` its first day.
pub fn check(
    rules: &Eligibility,
    who: &Entrant<'_>,
    schools: &[String],
    on: NaiveDate,
) -> Vec<Refusal> {
    let mut out = Vec::new();
    if let Some(wanted) = rules.org_kind
        && who.org_kind != wanted
    {
        out.push(Refusal::OrgKind { wanted });
    }
    if rules.registered_school {
        let mine = normalise(who.organisation);
        if mine.is_empty() || !schools.iter().any(|s| normalise(s) == mine) {
            out.push(Refusal::NotRegisteredSchool {
                school: who.organisation.trim().to_string(),
            });
        }
    }
    let age = age_on(who.id_number.birth_date(), on);
    if let Some(min) = rules.min_age
        && age < min
    {
        out.push(Refusal::TooYoung { age, min });
    }
    if let Some(max) = rules.max_age
        && age > max
    {
        out.push(Refusal::TooOld { age, max });
    }
    out
}

/// The refusals joined into one sentence per language.
pub fn summary(refusals: &[Refusal]) -> Text {
    let texts: Vec<Text> = refusals.iter().map(Refusal::text).collect();
    Text::new(
        texts
            .iter()
            .map(|t| t.zh.as_str())
            .collect::<Vec<_>>()
            .join("；"),
        texts
            .iter()
            .map(|t| t.en.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A valid ID number born on the given date (region 110105, serial 002).
    fn id_born(y: i32, m: u32, d: u32) -> IdNumber {
        let first17 = format!("110105{y:04}{m:02}{d:02}002");
        let check = crate::exam::identity::id_check_char(&first17).unwrap();
        IdNumber::parse(&format!("{first17}{check}")).unwrap()
    }

    fn student_rules() -> Eligibility {
        Eligibility::parse(r#"{"org_kind":"school","registered_school":true,"max_age":25}"#)
            .unwrap()
    }

    #[test]
    fn age_counts_full_years_and_the_birthday_itself() {
        assert_eq!(age_on(date(2000, 12, 10), date(2026, 12, 10)), 26);
        assert_eq!(age_on(date(2000, 12, 11), date(2026, 12, 10)), 25);
        assert_eq!(age_on(date(2004, 2, 29), date(2026, 2, 28)), 21);
        assert_eq!(age_on(date(2004, 2, 29), date(2026, 3, 1)), 22);
        assert_eq!(age_on(date(2030, 1, 1), date(2026, 3, 1)), 0);
    }

    #[test]
    fn the_first_day_is_counted_in_china_time() {
        let held = "2026-12-09T17:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(first_day(held), date(2026, 12, 10));
    }

    #[test]
    fn a_student_of_a_registered_school_written_differently_is_eligible() {
        let id = id_born(2004, 5, 1);
        let who = Entrant {
            org_kind: OrgKind::School,
            organisation: "广东 安防 职业 技术学院",
            id_number: &id,
        };
        let schools = vec!["广东安防职业技术学院".to_string()];
        assert!(check(&student_rules(), &who, &schools, date(2026, 12, 10)).is_empty());
    }

    #[test]
    fn a_student_of_an_unregistered_school_who_is_too_old_fails_both_rules() {
        let id = id_born(1990, 5, 1);
        let who = Entrant {
            org_kind: OrgKind::School,
            organisation: "某某大学",
            id_number: &id,
        };
        let out = check(
            &student_rules(),
            &who,
            &["甲学院".into()],
            date(2026, 12, 10),
        );
        assert_eq!(
            out,
            vec![
                Refusal::NotRegisteredSchool {
                    school: "某某大学".into()
                },
                Refusal::TooOld { age: 36, max: 25 }
            ]
        );
        let text = summary(&out);
        assert!(text.zh.contains("不是本竞赛登记的学校") && text.zh.contains("36"));
        assert_eq!(out[1].rule(), "max_age");
    }

    #[test]
    fn an_employee_entering_a_student_group_is_refused_for_the_kind() {
        let id = id_born(2004, 5, 1);
        let who = Entrant {
            org_kind: OrgKind::Employer,
            organisation: "甲学院",
            id_number: &id,
        };
        let out = check(
            &student_rules(),
            &who,
            &["甲学院".into()],
            date(2026, 12, 10),
        );
        assert_eq!(
            out,
            vec![Refusal::OrgKind {
                wanted: OrgKind::School
            }]
        );
    }

    #[test]
    fn someone_under_the_minimum_age_on_the_first_day_is_refused() {
        let rules = Eligibility::parse(r#"{"org_kind":"employer","min_age":18}"#).unwrap();
        let id = id_born(2008, 12, 11);
        let who = Entrant {
            org_kind: OrgKind::Employer,
            organisation: "某公司",
            id_number: &id,
        };
        assert_eq!(
            check(&rules, &who, &[], date(2026, 12, 10)),
            vec![Refusal::TooYoung { age: 17, min: 18 }]
        );
        assert!(check(&rules, &who, &[], date(2026, 12, 11)).is_empty());
    }

    #[test]
    fn rules_that_contradict_themselves_are_refused() {
        assert!(Eligibility::parse(r#"{"min_age":30,"max_age":20}"#).is_err());
        assert!(Eligibility::parse(r#"{"org_kind":"employer","registered_school":true}"#).is_err());
        assert!(Eligibility::parse(r#"{"org_kind":"club"}"#).is_err());
        assert!(Eligibility::parse(r#"{"min_age":200}"#).is_err());
        assert!(Eligibility::parse(r#"{"unknown":1}"#).is_err());
    }

    #[test]
    fn empty_rules_let_everyone_in_and_round_trip() {
        let rules = Eligibility::parse("{}").unwrap();
        assert_eq!(rules, Eligibility::default());
        let r = student_rules();
        assert_eq!(Eligibility::parse(&r.to_stored()).unwrap(), r);
    }
}
