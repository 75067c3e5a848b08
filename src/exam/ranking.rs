//! Ranking a session's results. Pure.
//!
//! Standard competition ranking ("1224"): equal scores share a rank and the next rank skips.
//! Scores are compared after rounding to 2 decimals, as they are shown, so binary noise never
//! separates two candidates who see the same score. Candidates without a final score (absent,
//! still sitting, or waiting for a marker) get no rank.

/// Ranks for `scores` in the same order as given: `None` for a score that is not final.
pub fn ranks(scores: &[Option<f64>]) -> Vec<Option<usize>> {
    let key = |s: f64| (s * 100.0).round() as i64;
    let mut order: Vec<(usize, i64)> = scores
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.filter(|v| v.is_finite()).map(|v| (i, key(v))))
        .collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = vec![None; scores.len()];
    let mut rank = 0;
    let mut previous = None;
    for (pos, (i, k)) in order.into_iter().enumerate() {
        if previous != Some(k) {
            rank = pos + 1;
            previous = Some(k);
        }
        out[i] = Some(rank);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_scores_share_a_rank_and_the_next_rank_skips() {
        let r = ranks(&[Some(80.0), Some(95.0), Some(80.0), Some(60.0)]);
        assert_eq!(r, vec![Some(2), Some(1), Some(2), Some(4)]);
    }

    #[test]
    fn scores_that_differ_only_in_binary_noise_tie() {
        let r = ranks(&[Some(0.1 + 0.2), Some(0.3)]);
        assert_eq!(r, vec![Some(1), Some(1)]);
    }

    #[test]
    fn candidates_without_a_final_score_get_no_rank() {
        let r = ranks(&[None, Some(70.0), Some(f64::NAN), Some(90.0)]);
        assert_eq!(r, vec![None, Some(2), None, Some(1)]);
        assert!(ranks(&[]).is_empty());
    }
}
