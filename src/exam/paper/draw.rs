//! Drawing papers: [`DrawIndex::build`] prepares a blueprint and pool once per exam,
//! [`DrawIndex::draw`] makes one candidate's paper from a seed.

use super::rng::Rng;
use super::{ALGORITHM_VERSION, DrawError, MAX_TRIES, Paper, PaperItem, PassMark};
use crate::analytics::{equating, shrinkage};
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
    /// The author's difficulty (version 1 averages it).
    difficulty: f64,
    /// The effective facility: the author's prior shrunk toward the measurement (version 2
    /// averages it, weighted by points).
    facility: f64,
    /// Over its exposure cap when the pool was frozen.
    capped: bool,
    /// Rasch difficulty, when calibrated.
    b: Option<f64>,
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
    /// Per candidate, the weight of the less-exposed preference (version 2); none when every
    /// candidate is exposed alike (then the draw is uniform).
    weights: Option<Vec<f64>>,
}

/// The reference an equated pass mark is computed against (see the module docs).
#[derive(Debug, Clone, PartialEq)]
struct Equating {
    /// The exam's pass line, in points.
    nominal: f64,
    /// The ability whose expected score on the reference is the pass fraction; none when no
    /// question of the pool is calibrated.
    theta_cut: Option<f64>,
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
    total_points: f64,
    equating: Option<Equating>,
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
        let settings = &blueprint.draw;
        let entries: Vec<Entry> = canonical
            .iter()
            .map(|&i| {
                let p = &pool[i];
                Entry {
                    version_id: p.version_id,
                    question_id: p.question_id,
                    difficulty: p.difficulty,
                    facility: shrinkage::effective(
                        p.difficulty,
                        p.measured.map(|m| (m.responses, m.facility)),
                        settings.prior_weight,
                    ),
                    capped: settings.exposure_cap.is_some_and(|cap| p.exposure >= cap),
                    b: p.measured.and_then(|m| m.rasch_b).filter(|b| b.is_finite()),
                    option_count: p.option_count,
                }
            })
            .collect();
        let exposure: Vec<u32> = canonical.iter().map(|&i| pool[i].exposure).collect();
        let mut cells = Vec::with_capacity(candidates.len());
        let mut sections = Vec::with_capacity(blueprint.sections.len());
        let mut candidates = candidates.into_iter();
        for (s, section) in blueprint.sections.iter().enumerate() {
            let start = cells.len();
            for (c, cell) in section.cells.iter().enumerate() {
                let candidates = candidates.next().unwrap_or_default();
                let weights = if settings.prefer_less_exposed {
                    preference(&candidates, &exposure)
                } else {
                    None
                };
                cells.push(CellPlan {
                    section: s,
                    cell: c,
                    count: cell.count,
                    points: cell.points,
                    candidates,
                    weights,
                });
            }
            sections.push((section.shuffle_questions, start..cells.len()));
        }
        let widest = cells.iter().map(|c| c.candidates.len()).max().unwrap_or(0);
        let total = cells.iter().map(|c| c.count).sum();
        let total_points = cells.iter().map(|c| c.count as f64 * c.points).sum();
        DrawIndex {
            entries,
            cells,
            sections,
            target: blueprint.target_difficulty,
            tolerance: blueprint.tolerance,
            shortages,
            widest,
            total,
            total_points,
            equating: None,
        }
    }

    /// Turns on Rasch-equated pass marks with the exam's pass line `nominal` (in points): finds
    /// θ_cut on the reference, the pool's calibrated questions weighted as the blueprint draws
    /// them (each cell's `count × points` spread evenly over its calibrated candidates).
    pub fn equate(mut self, nominal: f64) -> DrawIndex {
        let mut reference = Vec::new();
        for cell in &self.cells {
            let calibrated: Vec<f64> = cell
                .candidates
                .iter()
                .filter_map(|&e| self.entries[e as usize].b)
                .collect();
            let weight = cell.count as f64 * cell.points / calibrated.len().max(1) as f64;
            reference.extend(calibrated.into_iter().map(|b| (b, weight)));
        }
        let theta_cut = (!reference.is_empty() && self.total_points > 0.0).then(|| {
            let weight: f64 = reference.iter().map(|&(_, w)| w).sum();
            let fraction = (nominal / self.total_points).clamp(0.0, 1.0);
            equating::theta_for_score(fraction * weight, &reference)
        });
        self.equating = Some(Equating { nominal, theta_cut });
        self
    }

    /// The blueprint's target as an expected score with its tolerance, both in % (version 2's
    /// reading of `target_difficulty`; see the module docs).
    pub fn target_score(&self) -> Option<(f64, f64)> {
        self.target.map(|t| {
            (
                tidy(100.0 * shrinkage::prior_facility(t)),
                tidy(100.0 * self.tolerance * shrinkage::facility_per_level()),
            )
        })
    }

    /// The same index with another parallel-paper target (1–5 scale) and tolerance: what the
    /// draw would accept had the blueprint asked for it. The caller checks both values.
    pub fn with_target(&self, target: f64, tolerance: f64) -> DrawIndex {
        let mut out = self.clone();
        out.target = Some(target);
        out.tolerance = tolerance;
        out
    }

    /// The ability θ_cut equated pass marks sit at; none unless [`DrawIndex::equate`] found one.
    pub fn theta_cut(&self) -> Option<f64> {
        self.equating.as_ref().and_then(|e| e.theta_cut)
    }

    /// The same index with every measurement ignored: each question's effective facility is its
    /// author's prior. Cells, caps and exposure weights stay as they are, so comparing the two
    /// shows what measuring changed.
    pub fn author_only(&self) -> DrawIndex {
        let mut out = self.clone();
        for e in &mut out.entries {
            e.facility = shrinkage::prior_facility(e.difficulty);
        }
        out
    }

    /// The expected score (%) of a paper under this index's effective facilities: Σ points·p /
    /// Σ points. Questions not in the pool count at facility 0; none for a paper without points.
    pub fn expected_score(&self, paper: &Paper) -> Option<f64> {
        let mut earned = 0.0;
        let mut total = 0.0;
        for item in &paper.items {
            total += item.points;
            if let Ok(i) = self
                .entries
                .binary_search_by_key(&item.question_id, |e| e.question_id)
            {
                earned += item.points * self.entries[i].facility;
            }
        }
        (total > 0.0).then(|| tidy(100.0 * earned / total))
    }

    /// Cells whose candidates under their exposure cap are fewer than the cell draws: their
    /// papers will hold questions over the cap. As (section, cell), 0-based.
    pub fn over_cap_cells(&self) -> Vec<(usize, usize)> {
        self.cells
            .iter()
            .filter(|c| {
                c.candidates
                    .iter()
                    .filter(|&&e| !self.entries[e as usize].capped)
                    .count()
                    < c.count
            })
            .map(|c| (c.section, c.cell))
            .collect()
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

    /// Draws the paper for `seed` with the current [`ALGORITHM_VERSION`], preferring questions
    /// whose id is not in `avoid` (the ones the candidate already saw). Deterministic: the same
    /// index, seed and avoid set give the same paper. See the module docs for the algorithm.
    pub fn draw(&self, seed: u64, avoid: &HashSet<i32>) -> Result<Paper, DrawError> {
        self.draw_version(ALGORITHM_VERSION, seed, avoid)
    }

    /// Draws with an earlier algorithm version, to re-derive a paper stored with it.
    pub fn draw_version(
        &self,
        version: u32,
        seed: u64,
        avoid: &HashSet<i32>,
    ) -> Result<Paper, DrawError> {
        if !(1..=ALGORITHM_VERSION).contains(&version) {
            return Err(DrawError::UnknownVersion(version));
        }
        let v2 = version >= 2;
        if !self.shortages.is_empty() {
            return Err(DrawError::Shortage(self.shortages.clone()));
        }
        let mut scratch = Scratch {
            used: vec![0; self.entries.len().div_ceil(64)],
            order: Vec::with_capacity(self.widest),
            keys: Vec::new(),
            seen: Vec::new(),
            picks: Vec::with_capacity(self.total),
        };
        // Version 2 compares on the facility scale: the target level's prior, and the
        // tolerance in levels converted at the mapping's slope.
        let target = self
            .target
            .map(|t| if v2 { shrinkage::prior_facility(t) } else { t });
        let tolerance = if v2 {
            self.tolerance * shrinkage::facility_per_level()
        } else {
            self.tolerance
        };
        let mut best: Option<f64> = None;
        for attempt in 1..=MAX_TRIES {
            let mut rng = Rng::for_attempt(seed, attempt);
            let (repeats, over_cap) = self.select(&mut rng, avoid, v2, &mut scratch)?;
            let expected = if v2 {
                self.mean_facility(&scratch.picks)
            } else {
                self.mean_difficulty(&scratch.picks)
            };
            if let Some(target) = target {
                let off = (expected - target).abs();
                // Written so that a NaN difference (or tolerance) counts as off target.
                let within = off <= tolerance + 1e-12;
                if !within {
                    if best.is_none_or(|b| off < (b - target).abs()) {
                        best = Some(expected);
                    }
                    continue;
                }
            }
            let mut paper = self.finish(&mut rng, seed, attempt, expected, repeats, &mut scratch);
            if v2 {
                paper.algorithm_version = version;
                paper.expected_difficulty = tidy(shrinkage::level_of(expected));
                paper.expected_score = Some(tidy(100.0 * expected));
                paper.over_cap = over_cap;
                paper.pass_mark = self.pass_mark(&paper);
            } else {
                paper.algorithm_version = 1;
            }
            return Ok(paper);
        }
        let best = best.unwrap_or(f64::NAN);
        Err(DrawError::NotParallel {
            best: if v2 {
                tidy(shrinkage::level_of(best))
            } else {
                best
            },
        })
    }

    /// Version 1's expected difficulty: the mean author difficulty of the picks.
    fn mean_difficulty(&self, picks: &[(u32, u32)]) -> f64 {
        if picks.is_empty() {
            return 0.0;
        }
        picks
            .iter()
            .map(|&(e, _)| self.entries[e as usize].difficulty)
            .sum::<f64>()
            / picks.len() as f64
    }

    /// Version 2's expected score as a fraction: Σ points·p_eff / Σ points over the picks.
    fn mean_facility(&self, picks: &[(u32, u32)]) -> f64 {
        let (mut earned, mut total) = (0.0, 0.0);
        for &(e, ci) in picks {
            let points = self.cells[ci as usize].points;
            earned += points * self.entries[e as usize].facility;
            total += points;
        }
        if total > 0.0 { earned / total } else { 0.0 }
    }

    /// The pass mark of a version-2 paper when the exam equates: the paper's expected score at
    /// θ_cut when every question on it is calibrated, the nominal pass line otherwise.
    fn pass_mark(&self, paper: &Paper) -> Option<PassMark> {
        let eq = self.equating.as_ref()?;
        let b: Vec<Option<f64>> = paper
            .items
            .iter()
            .map(|i| {
                self.entries
                    .binary_search_by_key(&i.question_id, |e| e.question_id)
                    .ok()
                    .and_then(|k| self.entries[k].b)
            })
            .collect();
        let uncalibrated: Vec<i32> = paper
            .items
            .iter()
            .zip(&b)
            .filter(|(_, b)| b.is_none())
            .map(|(i, _)| i.question_id)
            .collect();
        let raw = match eq.theta_cut {
            Some(theta) if uncalibrated.is_empty() => {
                let items: Vec<(f64, f64)> = paper
                    .items
                    .iter()
                    .zip(&b)
                    .filter_map(|(i, b)| b.map(|b| (b, i.points)))
                    .collect();
                // Hundredths of a point: what staff read and what grading compares.
                Some((equating::expected_score(theta, &items) * 100.0).round() / 100.0)
            }
            _ => None,
        };
        Some(PassMark {
            nominal: eq.nominal,
            raw: raw.unwrap_or(eq.nominal),
            equated: raw.is_some(),
            theta_cut: eq.theta_cut,
            b,
            uncalibrated,
        })
    }

    /// Step 2 of the algorithm: fills `scratch.picks` with (entry, cell) pairs in cell order and
    /// returns the number of repeats and of questions drawn over their exposure cap.
    fn select(
        &self,
        rng: &mut Rng,
        avoid: &HashSet<i32>,
        v2: bool,
        scratch: &mut Scratch,
    ) -> Result<(usize, usize), DrawError> {
        scratch.used.fill(0);
        scratch.picks.clear();
        let check_avoid = !avoid.is_empty();
        let seen = |e: u32| check_avoid && avoid.contains(&self.entries[e as usize].question_id);
        let (mut repeats, mut over_cap) = (0, 0);
        for (ci, cell) in self.cells.iter().enumerate() {
            let order = &mut scratch.order;
            order.clear();
            order.extend_from_slice(&cell.candidates);
            scratch.seen.clear();
            let n = order.len();
            // Weighted cells rank every candidate by its key but sort only as far as needed:
            // the first `count` unless set-aside ones force more (then the rest, once).
            let mut sorted = 0;
            let weighted = match (&cell.weights, v2) {
                (Some(w), true) => {
                    sampling_keys(rng, order, w, &mut scratch.keys);
                    sorted = rank_prefix(&mut scratch.keys, cell.count.min(n));
                    for (slot, &(_, e)) in order.iter_mut().zip(scratch.keys.iter()) {
                        *slot = e;
                    }
                    true
                }
                _ => false,
            };
            let mut got = 0;
            let mut i = 0;
            while got < cell.count && i < n {
                if !weighted {
                    let j = i + rng.below(n - i);
                    order.swap(i, j);
                } else if i == sorted {
                    let rest = &mut scratch.keys[i..];
                    rest.sort_unstable_by(by_key);
                    for (slot, &(_, e)) in order[i..].iter_mut().zip(rest.iter()) {
                        *slot = e;
                    }
                    sorted = n;
                }
                let e = order[i];
                i += 1;
                if is_set(&scratch.used, e) {
                    continue;
                }
                if seen(e) || (v2 && self.entries[e as usize].capped) {
                    scratch.seen.push(e);
                    continue;
                }
                set(&mut scratch.used, e);
                scratch.picks.push((e, ci as u32));
                got += 1;
            }
            // Short only once every candidate came up, so `seen` holds all the unused set-aside
            // ones, in drawn order. Questions only over their cap go before questions the
            // candidate saw (version 1 sets aside seen ones only, so the order is unchanged).
            for pass_seen in [false, true] {
                for &e in &scratch.seen {
                    if got == cell.count {
                        break;
                    }
                    let was_seen = seen(e);
                    if was_seen != pass_seen {
                        continue;
                    }
                    set(&mut scratch.used, e);
                    scratch.picks.push((e, ci as u32));
                    got += 1;
                    repeats += usize::from(was_seen);
                    over_cap += usize::from(v2 && self.entries[e as usize].capped);
                }
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
        Ok((repeats, over_cap))
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
            expected_score: None,
            over_cap: 0,
            pass_mark: None,
        }
    }
}

/// Rounds away the last bits of float noise from a linear map (60.00000000000001 → 60), so
/// reports and stored papers read as the figures they are. Nine decimals keep every real digit.
fn tidy(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// Weights of the less-exposed preference for a cell's candidates: `(ē + 1)/(e + 1)` for a
/// question on `e` papers when the cell's mean is `ē`, so a question exposed twice as often as
/// the cell's average comes up about half as often. None when all are exposed alike.
fn preference(candidates: &[u32], exposure: &[u32]) -> Option<Vec<f64>> {
    let first = exposure.get(*candidates.first()? as usize)?;
    if candidates
        .iter()
        .all(|&e| exposure.get(e as usize) == Some(first))
    {
        return None;
    }
    let e = |c: u32| f64::from(exposure.get(c as usize).copied().unwrap_or(0));
    let mean = candidates.iter().map(|&c| e(c)).sum::<f64>() / candidates.len() as f64;
    Some(
        candidates
            .iter()
            .map(|&c| (mean + 1.0) / (e(c) + 1.0))
            .collect(),
    )
}

/// Weighted sampling without replacement (Efraimidis & Spirakis): each of a cell's candidates
/// (canonical order) draws u in (0, 1] and gets the key ln(u)/w; ranking by key, highest first
/// (ties in canonical order), is the sampling order.
fn sampling_keys(rng: &mut Rng, order: &[u32], weights: &[f64], keys: &mut Vec<(f64, u32)>) {
    keys.clear();
    for (k, &e) in order.iter().enumerate() {
        // 53 random bits, shifted off zero so the logarithm is finite.
        let u = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
        let w = weights.get(k).copied().unwrap_or(1.0);
        keys.push((u.ln() / w, e));
    }
}

/// Highest key first; equal keys by entry (a total order, so the ranking is unique).
fn by_key(a: &(f64, u32), b: &(f64, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// Puts the `m` highest keys first, in rank order, and returns how many are ranked. The rest
/// stay unordered until [`DrawIndex::select`] needs them.
fn rank_prefix(keys: &mut [(f64, u32)], m: usize) -> usize {
    if m == 0 || m >= keys.len() {
        keys.sort_unstable_by(by_key);
        return keys.len();
    }
    keys.select_nth_unstable_by(m - 1, by_key);
    keys[..m].sort_unstable_by(by_key);
    m
}

/// Buffers reused across the attempts of one draw.
struct Scratch {
    /// Bit per entry: taken by this attempt.
    used: Vec<u64>,
    /// The cell's candidates being shuffled.
    order: Vec<u32>,
    /// Sampling keys of a weighted cell.
    keys: Vec<(f64, u32)>,
    /// Candidates set aside because the candidate saw them or they are over their cap.
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
