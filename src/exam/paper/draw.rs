//! Drawing papers: [`DrawIndex::build`] prepares a blueprint and pool once per exam,
//! [`DrawIndex::draw`] makes one candidate's paper from a seed.

use super::rng::Rng;
use super::{ALGORITHM_VERSION, DrawError, MAX_TRIES, Paper, PaperItem};
use crate::exam::blueprint::{
    Blueprint, PoolItem, Shortage, canonical_pool, cell_candidates, shortages,
};
use std::collections::HashSet;
use std::ops::Range;

/// What a draw needs to know about a pool item.
#[derive(Debug, Clone)]
struct Entry {
    version_id: i32,
    question_id: i32,
    difficulty: f64,
    option_count: usize,
}

/// One cell, flattened, with its candidates (positions in [`DrawIndex::entries`], ascending).
#[derive(Debug, Clone)]
struct CellPlan {
    section: usize,
    cell: usize,
    count: usize,
    points: f64,
    candidates: Vec<u32>,
}

/// A blueprint and pool prepared for fast drawing. Build it once per exam, draw once per
/// candidate.
#[derive(Debug, Clone)]
pub struct DrawIndex {
    entries: Vec<Entry>,
    cells: Vec<CellPlan>,
    /// Per section: whether to shuffle, and its cells' range in `cells`.
    sections: Vec<(bool, Range<usize>)>,
    target: Option<f64>,
    tolerance: f64,
    shortages: Vec<Shortage>,
    widest: usize,
    total: usize,
}

impl DrawIndex {
    /// Prepares `blueprint` over `pool`: one version per question (the highest version id),
    /// candidates per cell, and the [`crate::exam::blueprint::feasibility`] shortages. The
    /// blueprint should have passed [`Blueprint::parse`]; an unchecked one does not panic but may
    /// draw oddly.
    pub fn build(blueprint: &Blueprint, pool: &[PoolItem]) -> DrawIndex {
        let canonical = canonical_pool(pool);
        let candidates = cell_candidates(blueprint, pool, &canonical);
        let shortages = shortages(blueprint, &candidates);
        let entries = canonical
            .iter()
            .map(|&i| {
                let p = &pool[i];
                Entry {
                    version_id: p.version_id,
                    question_id: p.question_id,
                    difficulty: p.difficulty,
                    option_count: p.option_count,
                }
            })
            .collect();
        let mut cells = Vec::with_capacity(candidates.len());
        let mut sections = Vec::with_capacity(blueprint.sections.len());
        let mut candidates = candidates.into_iter();
        for (s, section) in blueprint.sections.iter().enumerate() {
            let start = cells.len();
            for (c, cell) in section.cells.iter().enumerate() {
                cells.push(CellPlan {
                    section: s,
                    cell: c,
                    count: cell.count,
                    points: cell.points,
                    candidates: candidates.next().unwrap_or_default(),
                });
            }
            sections.push((section.shuffle_questions, start..cells.len()));
        }
        let widest = cells.iter().map(|c| c.candidates.len()).max().unwrap_or(0);
        let total = cells.iter().map(|c| c.count).sum();
        DrawIndex {
            entries,
            cells,
            sections,
            target: blueprint.target_difficulty,
            tolerance: blueprint.tolerance,
            shortages,
            widest,
            total,
        }
    }

    /// The cells the pool cannot fill; a draw fails with these when there are any.
    pub fn shortages(&self) -> &[Shortage] {
        &self.shortages
    }

    /// How many questions a paper holds.
    pub fn total_count(&self) -> usize {
        self.total
    }

    /// How many distinct questions the pool holds.
    pub fn pool_size(&self) -> usize {
        self.entries.len()
    }

    /// Draws the paper for `seed`, preferring questions whose id is not in `avoid` (the ones the
    /// candidate already saw). Deterministic: the same index, seed and avoid set give the same
    /// paper. See the module docs for the algorithm.
    pub fn draw(&self, seed: u64, avoid: &HashSet<i32>) -> Result<Paper, DrawError> {
        if !self.shortages.is_empty() {
            return Err(DrawError::Shortage(self.shortages.clone()));
        }
        let mut scratch = Scratch {
            used: vec![0; self.entries.len().div_ceil(64)],
            order: Vec::with_capacity(self.widest),
            seen: Vec::new(),
            picks: Vec::with_capacity(self.total),
        };
        let mut best: Option<f64> = None;
        for attempt in 1..=MAX_TRIES {
            let mut rng = Rng::for_attempt(seed, attempt);
            let repeats = self.select(&mut rng, avoid, &mut scratch)?;
            let expected = if scratch.picks.is_empty() {
                0.0
            } else {
                scratch
                    .picks
                    .iter()
                    .map(|&(e, _)| self.entries[e as usize].difficulty)
                    .sum::<f64>()
                    / scratch.picks.len() as f64
            };
            if let Some(target) = self.target {
                let off = (expected - target).abs();
                // Written so that a NaN difference (or tolerance) counts as off target.
                let within = off <= self.tolerance;
                if !within {
                    if best.is_none_or(|b| off < (b - target).abs()) {
                        best = Some(expected);
                    }
                    continue;
                }
            }
            return Ok(self.finish(&mut rng, seed, attempt, expected, repeats, &mut scratch));
        }
        Err(DrawError::NotParallel {
            best: best.unwrap_or(f64::NAN),
        })
    }

    /// Step 2 of the algorithm: fills `scratch.picks` with (entry, cell) pairs in cell order and
    /// returns the number of repeats.
    fn select(
        &self,
        rng: &mut Rng,
        avoid: &HashSet<i32>,
        scratch: &mut Scratch,
    ) -> Result<usize, DrawError> {
        scratch.used.fill(0);
        scratch.picks.clear();
        let check_avoid = !avoid.is_empty();
        let mut repeats = 0;
        for (ci, cell) in self.cells.iter().enumerate() {
            let order = &mut scratch.order;
            order.clear();
            order.extend_from_slice(&cell.candidates);
            scratch.seen.clear();
            let n = order.len();
            let mut got = 0;
            let mut i = 0;
            while got < cell.count && i < n {
                let j = i + rng.below(n - i);
                order.swap(i, j);
                let e = order[i];
                i += 1;
                if is_set(&scratch.used, e) {
                    continue;
                }
                if check_avoid && avoid.contains(&self.entries[e as usize].question_id) {
                    scratch.seen.push(e);
                    continue;
                }
                set(&mut scratch.used, e);
                scratch.picks.push((e, ci as u32));
                got += 1;
            }
            // Short of unseen questions only once every candidate came up, so `seen` holds all
            // the unused seen ones, in random order.
            for &e in &scratch.seen {
                if got == cell.count {
                    break;
                }
                set(&mut scratch.used, e);
                scratch.picks.push((e, ci as u32));
                got += 1;
                repeats += 1;
            }
            if got < cell.count {
                // Cannot happen when `shortages` is empty; kept so a bug shows as an error.
                return Err(DrawError::Shortage(vec![Shortage {
                    section: cell.section,
                    cell: cell.cell,
                    needed: cell.count,
                    available: got,
                }]));
            }
        }
        Ok(repeats)
    }

    /// Step 4 of the algorithm: orders the picks and draws option orders.
    fn finish(
        &self,
        rng: &mut Rng,
        seed: u64,
        tries: u32,
        expected_difficulty: f64,
        repeats: usize,
        scratch: &mut Scratch,
    ) -> Paper {
        // Picks are in cell order, so each section's picks are one contiguous run.
        let picks = &mut scratch.picks;
        let mut start = 0;
        for (shuffle, cells) in &self.sections {
            let len: usize = self.cells[cells.clone()].iter().map(|c| c.count).sum();
            let end = (start + len).min(picks.len());
            if *shuffle {
                rng.shuffle(&mut picks[start..end]);
            }
            start = end;
        }
        let items = picks
            .iter()
            .map(|&(e, ci)| {
                let entry = &self.entries[e as usize];
                let cell = &self.cells[ci as usize];
                let mut option_order: Vec<usize> = (0..entry.option_count).collect();
                if entry.option_count >= 2 {
                    rng.shuffle(&mut option_order);
                }
                PaperItem {
                    section: cell.section,
                    version_id: entry.version_id,
                    question_id: entry.question_id,
                    points: cell.points,
                    option_order,
                }
            })
            .collect();
        Paper {
            seed,
            algorithm_version: ALGORITHM_VERSION,
            tries,
            expected_difficulty,
            repeats,
            items,
        }
    }
}

/// Buffers reused across the attempts of one draw.
struct Scratch {
    /// Bit per entry: taken by this attempt.
    used: Vec<u64>,
    /// The cell's candidates being shuffled.
    order: Vec<u32>,
    /// Candidates set aside because the candidate saw them.
    seen: Vec<u32>,
    /// (entry, cell) in draw order.
    picks: Vec<(u32, u32)>,
}

fn is_set(bits: &[u64], i: u32) -> bool {
    bits[(i / 64) as usize] & (1 << (i % 64)) != 0
}

fn set(bits: &mut [u64], i: u32) {
    bits[(i / 64) as usize] |= 1 << (i % 64);
}
