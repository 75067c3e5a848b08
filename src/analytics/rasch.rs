//! Dichotomous Rasch calibration by joint maximum likelihood with the (L − 1)/L bias correction.

use super::ResponseSet;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Calibration settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct RaschOptions {
    /// Items with fewer responses are left out.
    pub min_responses: u32,
    /// Stop after this many iterations.
    pub max_iterations: u32,
    /// Converged when no estimate moves by more than this (logits).
    pub tolerance: f64,
}

impl Default for RaschOptions {
    fn default() -> Self {
        RaschOptions {
            min_responses: 30,
            max_iterations: 500,
            tolerance: 1e-6,
        }
    }
}

/// One calibrated item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RaschItem {
    /// The question version.
    pub version_id: i32,
    /// The question.
    pub question_id: i32,
    /// Responses used.
    pub n: u32,
    /// Difficulty b (logits; items centred at 0).
    pub b: f64,
    /// Standard error of b.
    pub se: f64,
    /// Infit (information-weighted) mean square.
    pub infit: f64,
    /// Outfit (unweighted) mean square.
    pub outfit: f64,
}

/// One person's ability.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RaschPerson {
    /// The attempt.
    pub attempt_id: i32,
    /// Ability θ (logits).
    pub theta: f64,
    /// Standard error of θ.
    pub se: f64,
}

/// Why an item or a person was left out of the estimation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Excluded {
    /// Fewer responses than the minimum.
    FewResponses,
    /// Everyone (remaining) got it right / everything right.
    AllCorrect,
    /// Everyone (remaining) got it wrong / everything wrong.
    AllWrong,
}

/// An item left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExcludedItem {
    /// The question version.
    pub version_id: i32,
    /// The question.
    pub question_id: i32,
    /// Responses it had.
    pub n: u32,
    /// Why.
    pub reason: Excluded,
}

/// A person left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExcludedPerson {
    /// The attempt.
    pub attempt_id: i32,
    /// Why.
    pub reason: Excluded,
}

/// The result of a calibration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Calibration {
    /// Calibrated items, in the set's item order.
    pub items: Vec<RaschItem>,
    /// Persons with an estimate, in the set's person order.
    pub persons: Vec<RaschPerson>,
    /// Iterations run.
    pub iterations: u32,
    /// Whether the tolerance was reached.
    pub converged: bool,
    /// Items left out, with why.
    #[serde(default)]
    pub excluded_items: Vec<ExcludedItem>,
    /// Persons left out, with why.
    #[serde(default)]
    pub excluded_persons: Vec<ExcludedPerson>,
}

/// Largest Newton step (logits) per iteration: keeps early iterations from overshooting.
const MAX_STEP: f64 = 1.0;

/// Rasch difficulties and abilities of `set` (a response counts as correct when score == max).
///
/// Joint maximum likelihood (JMLE), as Winsteps does, rather than CMLE or MML: it handles
/// sparse random papers directly (CMLE needs the elementary symmetric functions of every
/// distinct paper; MML needs a population model and quadrature), costs O(responses) per
/// iteration, and its known bias is corrected by the usual factor (L − 1)/L on b (Wright &
/// Douglas 1977), L the mean number of calibrated items per person.
///
/// Steps: items with fewer than `min_responses` responses, then persons with all right or all
/// wrong and items everyone got right or wrong, are left out and reported, repeatedly until
/// none remain (leaving one out can make another extreme). Then alternating Newton steps for
/// every θ and every b (each capped at one logit), items centred at mean b = 0 after each
/// iteration, until no estimate moves more than `tolerance`. Then b is multiplied by
/// (L − 1)/L, each θ is re-estimated by maximum likelihood with b fixed, and the SEs
/// (1/√information) and infit/outfit mean squares are computed at those final values.
pub fn calibrate(set: &ResponseSet, options: &RaschOptions) -> Calibration {
    let (ni, np) = (set.items.len(), set.persons.len());
    let mut item_on = vec![true; ni];
    let mut person_on = vec![true; np];
    let mut excluded_items = Vec::new();
    let mut excluded_persons = Vec::new();
    // Dichotomised responses, flat.
    let mut rp = Vec::with_capacity(set.responses.len());
    let mut ri = Vec::with_capacity(set.responses.len());
    let mut rx = Vec::with_capacity(set.responses.len());
    for r in &set.responses {
        if (r.item as usize) < ni && (r.person as usize) < np {
            rp.push(r.person);
            ri.push(r.item);
            rx.push(u8::from(r.max > 0.0 && r.score >= r.max));
        }
    }
    let mut n_item = vec![0u32; ni];
    let mut s_item = vec![0u32; ni];
    let mut n_person = vec![0u32; np];
    let mut s_person = vec![0u32; np];
    let count = |item_on: &[bool],
                 person_on: &[bool],
                 n_item: &mut [u32],
                 s_item: &mut [u32],
                 n_person: &mut [u32],
                 s_person: &mut [u32]| {
        n_item.fill(0);
        s_item.fill(0);
        n_person.fill(0);
        s_person.fill(0);
        for ((&p, &i), &x) in rp.iter().zip(&ri).zip(&rx) {
            let (p, i) = (p as usize, i as usize);
            if item_on[i] && person_on[p] {
                n_item[i] += 1;
                s_item[i] += u32::from(x);
                n_person[p] += 1;
                s_person[p] += u32::from(x);
            }
        }
    };
    loop {
        count(
            &item_on,
            &person_on,
            &mut n_item,
            &mut s_item,
            &mut n_person,
            &mut s_person,
        );
        let mut changed = false;
        for i in 0..ni {
            if !item_on[i] {
                continue;
            }
            let reason = if n_item[i] < options.min_responses.max(1) {
                Some(Excluded::FewResponses)
            } else if s_item[i] == 0 {
                Some(Excluded::AllWrong)
            } else if s_item[i] == n_item[i] {
                Some(Excluded::AllCorrect)
            } else {
                None
            };
            if let Some(reason) = reason {
                item_on[i] = false;
                changed = true;
                excluded_items.push(ExcludedItem {
                    version_id: set.items[i].version_id,
                    question_id: set.items[i].question_id,
                    n: n_item[i],
                    reason,
                });
            }
        }
        if changed {
            continue;
        }
        for p in 0..np {
            if !person_on[p] {
                continue;
            }
            let reason = if n_person[p] == 0 {
                // No calibrated item on the paper: nothing to estimate, nothing extreme.
                person_on[p] = false;
                None
            } else if s_person[p] == 0 {
                Some(Excluded::AllWrong)
            } else if s_person[p] == n_person[p] {
                Some(Excluded::AllCorrect)
            } else {
                None
            };
            if let Some(reason) = reason {
                person_on[p] = false;
                changed = true;
                excluded_persons.push(ExcludedPerson {
                    attempt_id: set.persons[p].attempt_id,
                    reason,
                });
            }
        }
        if !changed {
            break;
        }
    }
    // Keep only the responses that take part.
    let keep: Vec<usize> = (0..rp.len())
        .filter(|&j| item_on[ri[j] as usize] && person_on[rp[j] as usize])
        .collect();
    let rp: Vec<u32> = keep.iter().map(|&j| rp[j]).collect();
    let ri: Vec<u32> = keep.iter().map(|&j| ri[j]).collect();
    let items_on = item_on.iter().filter(|&&on| on).count();
    let persons_on = person_on.iter().filter(|&&on| on).count();
    let mut out = Calibration {
        excluded_items,
        excluded_persons,
        ..Calibration::default()
    };
    if items_on < 2 || persons_on == 0 {
        return out;
    }

    let logit = |s: u32, n: u32| (f64::from(s) / f64::from(n - s)).ln();
    let mut theta: Vec<f64> = (0..np)
        .map(|p| {
            if person_on[p] {
                logit(s_person[p], n_person[p])
            } else {
                0.0
            }
        })
        .collect();
    let mut b: Vec<f64> = (0..ni)
        .map(|i| {
            if item_on[i] {
                -logit(s_item[i], n_item[i])
            } else {
                0.0
            }
        })
        .collect();
    centre(&mut b, &mut theta, &item_on, items_on);
    let mut expected = vec![0.0f64; np.max(ni)];
    let mut info = vec![0.0f64; np.max(ni)];
    let mut converged = false;
    let mut iterations = 0;
    while iterations < options.max_iterations {
        iterations += 1;
        // Persons.
        expected[..np].fill(0.0);
        info[..np].fill(0.0);
        for (&p, &i) in rp.iter().zip(&ri) {
            let pr = prob(theta[p as usize], b[i as usize]);
            expected[p as usize] += pr;
            info[p as usize] += pr * (1.0 - pr);
        }
        let mut moved: f64 = 0.0;
        for p in (0..np).filter(|&p| person_on[p]) {
            let step =
                ((f64::from(s_person[p]) - expected[p]) / info[p]).clamp(-MAX_STEP, MAX_STEP);
            theta[p] += step;
            moved = moved.max(step.abs());
        }
        // Items.
        expected[..ni].fill(0.0);
        info[..ni].fill(0.0);
        for (&p, &i) in rp.iter().zip(&ri) {
            let pr = prob(theta[p as usize], b[i as usize]);
            expected[i as usize] += pr;
            info[i as usize] += pr * (1.0 - pr);
        }
        for i in (0..ni).filter(|&i| item_on[i]) {
            let step = ((expected[i] - f64::from(s_item[i])) / info[i]).clamp(-MAX_STEP, MAX_STEP);
            b[i] += step;
            moved = moved.max(step.abs());
        }
        centre(&mut b, &mut theta, &item_on, items_on);
        if moved < options.tolerance {
            converged = true;
            break;
        }
    }
    // Bias correction, then θ by maximum likelihood against the corrected b.
    let l = rp.len() as f64 / persons_on as f64;
    let factor = (l - 1.0) / l;
    for i in (0..ni).filter(|&i| item_on[i]) {
        b[i] *= factor;
    }
    for _ in 0..100 {
        expected[..np].fill(0.0);
        info[..np].fill(0.0);
        for (&p, &i) in rp.iter().zip(&ri) {
            let pr = prob(theta[p as usize], b[i as usize]);
            expected[p as usize] += pr;
            info[p as usize] += pr * (1.0 - pr);
        }
        let mut moved: f64 = 0.0;
        for p in (0..np).filter(|&p| person_on[p]) {
            let step =
                ((f64::from(s_person[p]) - expected[p]) / info[p]).clamp(-MAX_STEP, MAX_STEP);
            theta[p] += step;
            moved = moved.max(step.abs());
        }
        if moved < 1e-10 {
            break;
        }
    }
    // Information and fit at the final values.
    let mut p_info = vec![0.0f64; np];
    let mut i_info = vec![0.0f64; ni];
    let mut i_sq_resid = vec![0.0f64; ni];
    let mut i_z2 = vec![0.0f64; ni];
    let rx: Vec<u8> = keep.iter().map(|&j| rx[j]).collect();
    for ((&p, &i), &x) in rp.iter().zip(&ri).zip(&rx) {
        let (p, i) = (p as usize, i as usize);
        let pr = prob(theta[p], b[i]);
        let w = pr * (1.0 - pr);
        let resid = f64::from(x) - pr;
        p_info[p] += w;
        i_info[i] += w;
        i_sq_resid[i] += resid * resid;
        i_z2[i] += resid * resid / w;
    }
    out.items = (0..ni)
        .filter(|&i| item_on[i])
        .map(|i| RaschItem {
            version_id: set.items[i].version_id,
            question_id: set.items[i].question_id,
            n: n_item[i],
            b: b[i],
            se: 1.0 / i_info[i].sqrt(),
            infit: i_sq_resid[i] / i_info[i],
            outfit: i_z2[i] / f64::from(n_item[i]),
        })
        .collect();
    out.persons = (0..np)
        .filter(|&p| person_on[p])
        .map(|p| RaschPerson {
            attempt_id: set.persons[p].attempt_id,
            theta: theta[p],
            se: 1.0 / p_info[p].sqrt(),
        })
        .collect();
    out.iterations = iterations;
    out.converged = converged;
    out
}

/// P(correct | θ, b).
#[inline]
fn prob(theta: f64, b: f64) -> f64 {
    1.0 / (1.0 + (b - theta).exp())
}

/// Shifts the scale so the calibrated items' mean b is 0 (θ shifted alike: the model only sees
/// θ − b).
fn centre(b: &mut [f64], theta: &mut [f64], item_on: &[bool], items_on: usize) {
    let mean = b
        .iter()
        .zip(item_on)
        .filter(|(_, on)| **on)
        .map(|(b, _)| b)
        .sum::<f64>()
        / items_on as f64;
    b.iter_mut().for_each(|x| *x -= mean);
    theta.iter_mut().for_each(|x| *x -= mean);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::{ItemMeta, Person, Response};
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// `persons` candidates, each answering `per_paper` items drawn from a pool of `pool`
    /// whose difficulties are spread evenly over [−2, 2]; abilities uniform on [−2, 2].
    pub(crate) fn simulate(
        persons: usize,
        pool: usize,
        per_paper: usize,
        seed: u64,
    ) -> (ResponseSet, Vec<f64>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let b: Vec<f64> = (0..pool)
            .map(|i| -2.0 + 4.0 * i as f64 / (pool - 1) as f64)
            .collect();
        let mut set = ResponseSet {
            items: (0..pool as i32)
                .map(|v| ItemMeta {
                    version_id: v,
                    question_id: v,
                    option_count: 4,
                    key_mask: 1,
                })
                .collect(),
            ..ResponseSet::default()
        };
        let mut idx: Vec<usize> = (0..pool).collect();
        for p in 0..persons {
            set.persons.push(Person {
                attempt_id: p as i32,
                group: None,
            });
            let theta: f64 = rng.random_range(-2.0..2.0);
            for k in 0..per_paper {
                let j = rng.random_range(k..pool);
                idx.swap(k, j);
                let i = idx[k];
                let right = rng.random::<f64>() < 1.0 / (1.0 + (b[i] - theta).exp());
                set.responses.push(Response {
                    person: p as u32,
                    item: i as u32,
                    score: if right { 1.0 } else { 0.0 },
                    max: 1.0,
                    chosen: if right { 1 } else { 2 },
                    omitted: false,
                    seconds: None,
                });
            }
        }
        (set, b)
    }

    #[test]
    fn converges_on_a_thousand_candidates_by_a_hundred_items_and_recovers_difficulty() {
        let (set, truth) = simulate(1000, 100, 100, 1);
        let c = calibrate(&set, &RaschOptions::default());
        assert!(c.converged, "{} iterations", c.iterations);
        assert_eq!(c.items.len(), 100);
        let worst = c
            .items
            .iter()
            .map(|it| (it.b - truth[it.version_id as usize]).abs())
            .fold(0.0, f64::max);
        assert!(worst < 0.35, "worst |b − truth| = {worst}");
        assert!(c.items.iter().all(|it| (0.7..1.3).contains(&it.infit)));
        assert!(
            c.items.iter().map(|it| it.b).sum::<f64>().abs() < 1e-9,
            "centred"
        );
    }

    #[test]
    fn converges_on_sparse_random_papers_from_a_larger_pool() {
        let (set, _) = simulate(1000, 300, 100, 2);
        let c = calibrate(&set, &RaschOptions::default());
        assert!(c.converged);
        assert!(c.items.iter().all(|it| it.se > 0.0 && it.se < 0.5));
    }

    #[test]
    fn extreme_persons_and_items_and_rare_items_are_left_out_and_reported() {
        let (mut set, _) = simulate(200, 10, 10, 3);
        for r in set.responses.iter_mut() {
            if r.person == 0 || r.item == 4 {
                r.score = 1.0;
            }
        }
        set.items.push(ItemMeta {
            version_id: 99,
            question_id: 99,
            option_count: 4,
            key_mask: 1,
        });
        let c = calibrate(&set, &RaschOptions::default());
        let reasons: Vec<(i32, Excluded)> = c
            .excluded_items
            .iter()
            .map(|e| (e.version_id, e.reason))
            .collect();
        assert!(reasons.contains(&(99, Excluded::FewResponses)));
        assert!(reasons.contains(&(4, Excluded::AllCorrect)));
        assert!(
            c.excluded_persons
                .iter()
                .any(|e| e.attempt_id == 0 && e.reason == Excluded::AllCorrect)
        );
        assert!(
            c.items
                .iter()
                .all(|it| it.version_id != 4 && it.version_id != 99)
        );
        assert!(
            c.persons
                .iter()
                .all(|p| p.attempt_id != 0 && p.theta.is_finite())
        );
    }
}
