//! The item lifecycle (审核流程) as pure rules: which action moves a question from which status to
//! which, who may take it, and what an edit or an import does to the status. The service in
//! `review.rs` applies them in a transaction; nothing here touches the database.

use super::model::QuestionStatus;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What someone does to a question's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 提交审核: the author submits a draft (or a reviewer sends a flagged question) for review.
    Submit,
    /// 批准: a reviewer approves the version under review; it is drawn from now on.
    Approve,
    /// 退回: a reviewer returns it to the author as a draft, with a comment saying why.
    Return,
    /// 标记: statistics, an upheld appeal or staff question an active question (with a reason).
    Flag,
    /// 解除标记: a reviewer finds a flagged question sound; it is drawn again.
    Clear,
    /// 停用: withdrawn from any state, with a reason.
    Retire,
    /// 重新启用为草稿: a retired question becomes a draft again (to be edited and reviewed).
    Reopen,
    /// 直接启用: a draft goes straight to active; only in a bank without the two-person rule.
    Publish,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 8] = [
        Self::Submit,
        Self::Approve,
        Self::Return,
        Self::Flag,
        Self::Clear,
        Self::Retire,
        Self::Reopen,
        Self::Publish,
    ];

    /// The stable code (API, database, audit).
    pub fn code(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Return => "return",
            Self::Flag => "flag",
            Self::Clear => "clear",
            Self::Retire => "retire",
            Self::Reopen => "reopen",
            Self::Publish => "publish",
        }
    }

    /// Whether a comment (reason) must be given.
    pub fn needs_comment(self) -> bool {
        matches!(self, Self::Return | Self::Flag | Self::Retire)
    }

    /// Whether it is a reviewer's decision, to which the two-person rule applies.
    pub fn is_decision(self) -> bool {
        matches!(self, Self::Approve | Self::Clear)
    }
}

/// Who is acting and on which version: what the two-person rule needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Actors {
    /// Whether the bank requires a second person to approve (二人审核).
    pub review_required: bool,
    /// The user taking the action (none: the system, e.g. a statistics flag).
    pub actor: Option<i32>,
    /// Who wrote the version under review (none: the shipped banks, loaded by the system).
    pub author: Option<i32>,
    /// Who submitted it for review, if anyone did.
    pub submitter: Option<i32>,
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The action does not apply to the current status (409 `transition_not_allowed`).
    NotAllowed,
    /// The two-person rule: the reviewer wrote or submitted this version (403 `review_by_author`).
    OwnWork,
    /// A return, flag or retirement needs a comment (422 `reason_required`).
    CommentRequired,
    /// The bank requires review: a draft cannot go straight to active (409 `review_required`).
    ReviewRequired,
    /// A decision needs a person (the system may only flag).
    NoActor,
}

/// The status an action leads to from `from`, or why not.
pub fn transition(
    from: QuestionStatus,
    action: Action,
    who: &Actors,
    comment: &str,
) -> Result<QuestionStatus, Refusal> {
    use QuestionStatus::*;
    let to = match (action, from) {
        (Action::Submit, Draft | Flagged) => InReview,
        (Action::Approve, InReview) => Active,
        (Action::Return, InReview) => Draft,
        (Action::Flag, Active) => Flagged,
        (Action::Clear, Flagged) => Active,
        (Action::Retire, Draft | InReview | Active | Flagged) => Retired,
        (Action::Reopen, Retired) => Draft,
        (Action::Publish, Draft) if who.review_required => return Err(Refusal::ReviewRequired),
        (Action::Publish, Draft) => Active,
        _ => return Err(Refusal::NotAllowed),
    };
    if action.needs_comment() && comment.trim().is_empty() {
        return Err(Refusal::CommentRequired);
    }
    if action.is_decision() {
        let Some(actor) = who.actor else {
            return Err(Refusal::NoActor);
        };
        if who.review_required && (who.author == Some(actor) || who.submitter == Some(actor)) {
            return Err(Refusal::OwnWork);
        }
    }
    Ok(to)
}

/// The actions that `transition` would accept from a status, in display order, for a bank with
/// or without the two-person rule (the rule's check on the person is left to `transition`).
pub fn allowed(from: QuestionStatus, review_required: bool) -> Vec<Action> {
    let who = Actors {
        review_required,
        actor: Some(0),
        author: None,
        submitter: None,
    };
    Action::ALL
        .into_iter()
        .filter(|&a| transition(from, a, &who, "x").is_ok())
        .collect()
}

/// The status a newly written question gets from the status it was written or imported with:
/// under the two-person rule, anything meant to be used waits for review first.
pub fn on_entry(requested: QuestionStatus, review_required: bool) -> QuestionStatus {
    use QuestionStatus::*;
    match requested {
        Active if review_required => InReview,
        Flagged => InReview,
        other => other,
    }
}

/// The status after the content of a question changes (a new version). Under the two-person
/// rule the new version goes to review and the question is not drawn until it is approved;
/// without it the status stays as it was. Drafts stay drafts, retired questions retired.
pub fn after_edit(current: QuestionStatus, review_required: bool) -> QuestionStatus {
    use QuestionStatus::*;
    match current {
        InReview | Active | Flagged if review_required => InReview,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use QuestionStatus::*;

    const AUTHOR: i32 = 1;
    const REVIEWER: i32 = 2;

    fn by(actor: i32, review_required: bool) -> Actors {
        Actors {
            review_required,
            actor: Some(actor),
            author: Some(AUTHOR),
            submitter: Some(AUTHOR),
        }
    }

    #[test]
    fn every_status_and_action_leads_where_the_table_says() {
        // (from, action, to) for every accepted move; everything else is refused.
        let table = [
            (Draft, Action::Submit, InReview),
            (Flagged, Action::Submit, InReview),
            (InReview, Action::Approve, Active),
            (InReview, Action::Return, Draft),
            (Active, Action::Flag, Flagged),
            (Flagged, Action::Clear, Active),
            (Draft, Action::Retire, Retired),
            (InReview, Action::Retire, Retired),
            (Active, Action::Retire, Retired),
            (Flagged, Action::Retire, Retired),
            (Retired, Action::Reopen, Draft),
            (Draft, Action::Publish, Active),
        ];
        for from in QuestionStatus::ALL {
            for action in Action::ALL {
                let want = table
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|t| t.2);
                let got = transition(from, action, &by(REVIEWER, false), "why").ok();
                assert_eq!(got, want, "{from:?} --{action:?}-->");
            }
        }
    }

    #[test]
    fn the_author_cannot_approve_their_own_version_under_the_two_person_rule() {
        assert_eq!(
            transition(InReview, Action::Approve, &by(AUTHOR, true), ""),
            Err(Refusal::OwnWork)
        );
        assert_eq!(
            transition(Flagged, Action::Clear, &by(AUTHOR, true), ""),
            Err(Refusal::OwnWork)
        );
        assert_eq!(
            transition(InReview, Action::Approve, &by(REVIEWER, true), ""),
            Ok(Active)
        );
    }

    #[test]
    fn whoever_submitted_it_cannot_approve_it_either() {
        let who = Actors {
            review_required: true,
            actor: Some(3),
            author: Some(AUTHOR),
            submitter: Some(3),
        };
        assert_eq!(
            transition(InReview, Action::Approve, &who, ""),
            Err(Refusal::OwnWork)
        );
    }

    #[test]
    fn without_the_two_person_rule_the_author_may_approve() {
        assert_eq!(
            transition(InReview, Action::Approve, &by(AUTHOR, false), ""),
            Ok(Active)
        );
    }

    #[test]
    fn a_draft_goes_straight_to_active_only_without_the_two_person_rule() {
        assert_eq!(
            transition(Draft, Action::Publish, &by(AUTHOR, true), ""),
            Err(Refusal::ReviewRequired)
        );
        assert_eq!(
            transition(Draft, Action::Publish, &by(AUTHOR, false), ""),
            Ok(Active)
        );
    }

    #[test]
    fn return_flag_and_retire_need_a_comment() {
        for (from, action) in [
            (InReview, Action::Return),
            (Active, Action::Flag),
            (Active, Action::Retire),
        ] {
            assert_eq!(
                transition(from, action, &by(REVIEWER, true), "  "),
                Err(Refusal::CommentRequired)
            );
        }
    }

    #[test]
    fn a_bad_transition_is_refused_before_anything_else_is_checked() {
        assert_eq!(
            transition(Draft, Action::Approve, &by(AUTHOR, true), ""),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            transition(Retired, Action::Flag, &by(REVIEWER, true), ""),
            Err(Refusal::NotAllowed)
        );
    }

    #[test]
    fn the_system_may_flag_but_not_decide() {
        let system = Actors {
            review_required: true,
            ..Actors::default()
        };
        assert_eq!(
            transition(Active, Action::Flag, &system, "p = 0.12"),
            Ok(Flagged)
        );
        assert_eq!(
            transition(Flagged, Action::Clear, &system, ""),
            Err(Refusal::NoActor)
        );
    }

    #[test]
    fn allowed_actions_follow_the_table_and_the_bank_setting() {
        assert_eq!(allowed(Draft, true), vec![Action::Submit, Action::Retire]);
        assert_eq!(
            allowed(Draft, false),
            vec![Action::Submit, Action::Retire, Action::Publish]
        );
        assert_eq!(
            allowed(Flagged, true),
            vec![Action::Submit, Action::Clear, Action::Retire]
        );
        assert_eq!(allowed(Retired, true), vec![Action::Reopen]);
    }

    #[test]
    fn under_the_two_person_rule_new_content_waits_for_review() {
        assert_eq!(on_entry(Active, true), InReview);
        assert_eq!(on_entry(Active, false), Active);
        assert_eq!(on_entry(Draft, true), Draft);
        assert_eq!(on_entry(Flagged, false), InReview);
        assert_eq!(after_edit(Active, true), InReview);
        assert_eq!(after_edit(Flagged, true), InReview);
        assert_eq!(after_edit(Active, false), Active);
        assert_eq!(after_edit(Draft, true), Draft);
        assert_eq!(after_edit(Retired, true), Retired);
    }
}
