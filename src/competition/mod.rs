//! Skills competitions (职业技能竞赛): a competition's events (赛项), groups (组别) ranked on
//! their own, and stages (a theory preliminary as an exam session, a practical final on the
//! practical engine); registration with eligibility and review; the final's check-in with
//! lots and two layers of codes held by two people; rechecks; and rankings with tie chains.
//!
//! Before the decryption ceremony nothing here shows which contestant is behind a code.

// Issue 15, part A: appeals (申诉) and arbitration (仲裁).
pub mod appeal_rules;
pub mod appeals;
pub mod appellant_home;
pub mod appellants;
pub mod arbitration;
pub mod bulk;
pub mod checkin;
pub mod conflicts;
pub mod cut;
pub mod decryption;
pub mod demo;
pub mod dif_groups;
pub mod documents;
pub mod eligibility;
pub mod encryption;
pub mod entity;
pub mod events;
pub mod final_stage;
pub mod progress;
pub mod publication;
pub mod ranking;
pub mod recheck;
pub mod recheck_rules;
pub mod registration;
pub mod review;
pub mod seal;
pub mod setup;
pub mod stages;
pub mod standings;
pub mod teams;
pub mod theory;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i32);
    )*};
}

typed_id! {
    /// A competition.
    CompetitionId;
    /// An event (赛项) of a competition.
    EventId;
    /// A group (组别) of a competition.
    GroupId;
    /// A stage of an event.
    StageId;
    /// A registration, a contestant once accepted.
    ContestantId;
    /// A team of a team event.
    TeamId;
    /// A publication of an event group's results.
    PublicationId;
}

typed_id! {
    /// An appeal (申诉).
    AppealId;
}

/// Declares a field-less enum stored and sent as a stable snake_case code.
macro_rules! coded_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant,)* }

        impl $name {
            /// Every value, in order.
            pub const ALL: &[$name] = &[$($name::$variant),*];

            /// The stable code stored and sent.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            /// Reads a code.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

coded_enum! {
    /// Whether published results can still be appealed.
    PublicationState {
        /// 公示: provisional, open to appeals until the window closes.
        Provisional = "provisional",
        /// 最终成绩: final; awards and certificates follow from it.
        Final = "final",
    }
}

coded_enum! {
    /// Whether an event is contested by individuals or by teams.
    EventKind {
        /// One contestant.
        Individual = "individual",
        /// A team of `team_size` registered together.
        Team = "team",
    }
}

coded_enum! {
    /// How a team's score comes from its members'.
    TeamScore {
        /// The sum (e.g. three members' totals added, as many 赛项规程 do).
        Sum = "sum",
        /// The mean.
        Mean = "mean",
    }
}

coded_enum! {
    /// What a stage is run on.
    StageKind {
        /// An exam session on tablets (blueprint, proctoring).
        Theory = "theory",
        /// The practical engine (tasks, stations, judges).
        Practical = "practical",
    }
}

coded_enum! {
    /// Status of a registration.
    RegistrationStatus {
        /// Waiting for review (审核).
        Pending = "pending",
        /// Accepted: has a contestant number.
        Accepted = "accepted",
        /// Refused, with a reason.
        Refused = "refused",
        /// Withdrawn.
        Withdrawn = "withdrawn",
    }
}

coded_enum! {
    /// Where a contestant comes from.
    OrgKind {
        /// An employer (工作单位).
        Employer = "employer",
        /// A school (学校).
        School = "school",
    }
}

coded_enum! {
    /// One link of a tie chain: what decides between contestants with the same total.
    TieKey {
        /// The practical stage's score, higher first.
        Practical = "practical",
        /// The practical tasks' (modules') scores one by one in task order, higher first.
        Modules = "modules",
        /// The theory stage's score, higher first.
        Theory = "theory",
        /// Time used, shorter first.
        Time = "time",
    }
}

// Issue 15, part A: appeals (rules and texts in `appeal_rules`).
coded_enum! {
    /// Where an appeal stands.
    AppealStatus {
        /// Filed, not yet looked at.
        Filed = "filed",
        /// An arbitrator is reviewing it.
        UnderReview = "under_review",
        /// Decided in the appellant's favour: the result is corrected.
        Upheld = "upheld",
        /// Decided against.
        Rejected = "rejected",
    }
}

coded_enum! {
    /// What the arbitration group decides.
    Outcome {
        /// The appeal is upheld (申诉成立).
        Upheld = "upheld",
        /// The appeal is rejected (申诉不成立).
        Rejected = "rejected",
    }
}

/// The qualifying cut from a stage to the next, per group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum CutRule {
    /// Everyone goes on (or the last stage).
    None,
    /// The best N, and everyone tied with the N-th.
    TopN(u32),
    /// The best share (percent of those who sat, rounded up), and everyone tied at the cut.
    TopPercent(f64),
    /// Everyone at or above the score line.
    ScoreLine(f64),
}

impl CutRule {
    /// The stored kind code.
    pub fn kind(self) -> &'static str {
        match self {
            CutRule::None => "none",
            CutRule::TopN(_) => "top_n",
            CutRule::TopPercent(_) => "top_percent",
            CutRule::ScoreLine(_) => "score_line",
        }
    }

    /// The stored value.
    pub fn value(self) -> f64 {
        match self {
            CutRule::None => 0.0,
            CutRule::TopN(n) => f64::from(n),
            CutRule::TopPercent(v) | CutRule::ScoreLine(v) => v,
        }
    }

    /// Reads a stored (kind, value), refusing values that make no sense: N from 1, a
    /// percentage in (0, 100], a score line in [0, 100].
    pub fn parse(kind: &str, value: f64) -> Option<CutRule> {
        if !value.is_finite() {
            return None;
        }
        match kind {
            "none" => Some(CutRule::None),
            "top_n" if value >= 1.0 && value.fract() == 0.0 && value <= f64::from(u32::MAX) => {
                Some(CutRule::TopN(value as u32))
            }
            "top_percent" if value > 0.0 && value <= 100.0 => Some(CutRule::TopPercent(value)),
            "score_line" if (0.0..=100.0).contains(&value) => Some(CutRule::ScoreLine(value)),
            _ => None,
        }
    }
}

// Issue 15 part C: the live scoreboard (declared after the macros it uses).
pub mod scoreboard;
pub mod scoreboard_live;
pub mod scoreboard_rules;

/// Default cap on a theory stage's weight: the rules put theory at 30 % of the total at most.
pub const DEFAULT_THEORY_CAP: f64 = 0.3;
/// Default recheck: everyone in the top 10 of each group…
pub const DEFAULT_RECHECK_TOP: i32 = 10;
/// …plus at least 15 % of the others…
pub const DEFAULT_RECHECK_SHARE: f64 = 0.15;
/// …and the whole event is re-marked above a 5 % error rate.
pub const DEFAULT_RECHECK_ERROR_LIMIT: f64 = 0.05;

// After the macros: these modules use `coded_enum!`.
// Issue 15, part B: award policies, awards, results documents.
pub mod award_documents;
pub mod award_policy;
pub mod awards;
pub mod judge_sheets;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself() {
        for k in TieKey::ALL {
            assert_eq!(TieKey::parse(k.as_str()), Some(*k));
        }
        assert_eq!(EventKind::parse("team"), Some(EventKind::Team));
        assert_eq!(OrgKind::parse("company"), None);
    }

    #[test]
    fn a_cut_rule_refuses_numbers_that_make_no_sense() {
        assert_eq!(CutRule::parse("top_n", 10.0), Some(CutRule::TopN(10)));
        assert_eq!(CutRule::parse("top_n", 0.0), None);
        assert_eq!(CutRule::parse("top_n", 2.5), None);
        assert_eq!(CutRule::parse("top_percent", 0.0), None);
        assert_eq!(CutRule::parse("top_percent", 150.0), None);
        assert_eq!(CutRule::parse("score_line", 101.0), None);
        assert_eq!(CutRule::parse("score_line", f64::NAN), None);
        assert_eq!(CutRule::parse("bottom_n", 3.0), None);
        let r = CutRule::TopPercent(40.0);
        assert_eq!(CutRule::parse(r.kind(), r.value()), Some(r));
    }
}
