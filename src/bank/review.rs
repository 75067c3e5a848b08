//! Review (审核) of questions: draft → in review → active → flagged → retired, the two-person
//! rule, comments kept with the version, and flags from statistics and upheld appeals.
//! (Being written.)

use super::service::QuestionId;
use crate::error::AppResult;
use sea_orm::ConnectionTrait;

/// Where a flag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagSource {
    /// Item statistics crossed a threshold.
    Statistics,
    /// An upheld appeal named the question.
    Appeal,
}

/// Puts an active question back in review (status `flagged`) with the reason, in the caller's
/// transaction. Returns false when it was not active (nothing changes).
pub async fn flag(
    _db: &impl ConnectionTrait,
    _question: QuestionId,
    _source: FlagSource,
    _reason: &str,
) -> AppResult<bool> {
    Ok(false)
}
