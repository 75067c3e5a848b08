//! Exposure: how many papers a question has been on, and how much two candidates' papers share.
//!
//! The overlap rate of a session is the mean, over every pair of its papers, of the fraction of
//! a paper the two share (shared questions / questions per paper). Summing over pairs is
//! quadratic; counting per question is not: a question on `c` papers is shared by `c(c−1)/2`
//! pairs, so the total shared count over all pairs is `Σ c(c−1)/2`, and the rate is that over
//! `N(N−1)/2 · L` for `N` papers of `L` questions. With random papers drawn uniformly from
//! cells of size `n` taking `k`, the expected rate is `k/n` per cell, which is the figure to
//! compare against (and what a cap or the less-exposed preference pushes down across sessions).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Overlap between the papers of a session.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Overlap {
    /// Papers compared.
    pub papers: u32,
    /// Pairs of papers.
    pub pairs: u64,
    /// Mean fraction of a paper two candidates share (0–1); none with fewer than two papers.
    pub rate: Option<f64>,
}

/// The overlap rate from per-question counts (`counts[q]` = papers question `q` is on) for
/// `papers` papers of `per_paper` questions each, in O(questions). See the module docs.
pub fn overlap(counts: &[u32], papers: u32, per_paper: usize) -> Overlap {
    let n = u64::from(papers);
    let pairs = n * n.saturating_sub(1) / 2;
    let rate = (pairs > 0 && per_paper > 0).then(|| {
        let shared: u64 = counts
            .iter()
            .map(|&c| {
                let c = u64::from(c);
                c * c.saturating_sub(1) / 2
            })
            .sum();
        shared as f64 / (pairs as f64 * per_paper as f64)
    });
    Overlap {
        papers,
        pairs,
        rate,
    }
}

/// Per-question counts over papers given as lists of question ids: (question id, papers),
/// ascending by id. A question listed twice on one paper counts once.
pub fn counts<'a>(papers: impl IntoIterator<Item = &'a [i32]>) -> Vec<(i32, u32)> {
    let mut map = std::collections::BTreeMap::<i32, u32>::new();
    for paper in papers {
        let mut ids = paper.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for q in ids {
            *map.entry(q).or_default() += 1;
        }
    }
    map.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, pair by pair.
    fn brute_force(papers: &[Vec<i32>], per_paper: usize) -> Option<f64> {
        let mut total = 0.0;
        let mut pairs = 0u64;
        for i in 0..papers.len() {
            for j in i + 1..papers.len() {
                let shared = papers[i].iter().filter(|q| papers[j].contains(q)).count();
                total += shared as f64 / per_paper as f64;
                pairs += 1;
            }
        }
        (pairs > 0).then(|| total / pairs as f64)
    }

    fn rate_of(papers: &[Vec<i32>], per_paper: usize) -> Option<f64> {
        let c: Vec<u32> = counts(papers.iter().map(Vec::as_slice))
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        overlap(&c, papers.len() as u32, per_paper).rate
    }

    #[test]
    fn identical_papers_overlap_fully_and_disjoint_ones_not_at_all() {
        let same = vec![vec![1, 2, 3]; 4];
        assert_eq!(rate_of(&same, 3), Some(1.0));
        let apart = vec![vec![1, 2], vec![3, 4], vec![5, 6]];
        assert_eq!(rate_of(&apart, 2), Some(0.0));
    }

    #[test]
    fn fewer_than_two_papers_have_no_overlap_rate() {
        assert_eq!(rate_of(&[vec![1, 2]], 2), None);
        assert_eq!(overlap(&[], 0, 10).rate, None);
    }

    #[test]
    fn the_count_formula_agrees_with_comparing_every_pair() {
        // Deterministic pseudo-random papers of 10 from 30 questions.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as i32
        };
        for papers in [2usize, 3, 17, 60] {
            let all: Vec<Vec<i32>> = (0..papers)
                .map(|_| {
                    let mut p = Vec::new();
                    while p.len() < 10 {
                        let q = next(30);
                        if !p.contains(&q) {
                            p.push(q);
                        }
                    }
                    p
                })
                .collect();
            let fast = rate_of(&all, 10).unwrap();
            let slow = brute_force(&all, 10).unwrap();
            assert!((fast - slow).abs() < 1e-12, "{papers}: {fast} vs {slow}");
            // Uniform papers of 10 from 30 share a third on average.
            if papers == 60 {
                assert!((fast - 1.0 / 3.0).abs() < 0.05, "{fast}");
            }
        }
    }

    #[test]
    fn counts_are_per_question_and_ignore_a_repeat_within_one_paper() {
        let papers = [vec![3, 1, 1], vec![1, 2]];
        assert_eq!(
            counts(papers.iter().map(Vec::as_slice)),
            vec![(1, 2), (2, 1), (3, 1)]
        );
    }
}
