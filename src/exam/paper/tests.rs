use super::rng::{Rng, splitmix64};
use super::*;
use crate::bank::model::QuestionKind;
use crate::exam::blueprint::{Blueprint, Cell, PoolItem, Section};
use std::collections::HashSet;

fn item(id: i32, category: &str, kind: QuestionKind, difficulty: f64) -> PoolItem {
    PoolItem {
        version_id: 10_000 + id,
        question_id: id,
        bank: "SEC".into(),
        category: category.into(),
        kind,
        difficulty,
        option_count: match kind {
            QuestionKind::Single => 4,
            QuestionKind::Multiple => 5,
            _ => 0,
        },
    }
}

fn cell(category: Option<&str>, kind: QuestionKind, count: usize) -> Cell {
    Cell {
        bank: "SEC".into(),
        category: category.map(str::to_string),
        kind,
        min_difficulty: 1,
        max_difficulty: 5,
        count,
        points: 2.0,
    }
}

fn blueprint(sections: Vec<Vec<Cell>>) -> Blueprint {
    Blueprint {
        sections: sections
            .into_iter()
            .enumerate()
            .map(|(i, cells)| Section {
                title: format!("第{}部分", i + 1),
                cells,
                shuffle_questions: true,
            })
            .collect(),
        target_difficulty: None,
        tolerance: 0.3,
    }
}

/// 4 categories × 3 kinds × difficulties 1–5, 3 questions each: 180 questions.
fn pool() -> Vec<PoolItem> {
    let mut out = Vec::new();
    let mut id = 1;
    for category in ["法规/条例", "法规/办法", "技能", "法规类"] {
        for kind in [
            QuestionKind::Single,
            QuestionKind::Multiple,
            QuestionKind::TrueFalse,
        ] {
            for d in 1..=5 {
                for _ in 0..3 {
                    out.push(item(id, category, kind, f64::from(d)));
                    id += 1;
                }
            }
        }
    }
    out
}

fn standard() -> Blueprint {
    let mut narrow = cell(Some("法规/条例"), QuestionKind::Single, 3);
    narrow.min_difficulty = 2;
    narrow.max_difficulty = 4;
    blueprint(vec![
        vec![narrow, cell(Some("法规"), QuestionKind::Single, 8)],
        vec![cell(None, QuestionKind::Multiple, 5)],
        vec![cell(Some("技能"), QuestionKind::TrueFalse, 4)],
    ])
}

fn none() -> HashSet<i32> {
    HashSet::new()
}

fn ids(paper: &Paper) -> Vec<i32> {
    paper.items.iter().map(|i| i.question_id).collect()
}

#[test]
fn splitmix64_reproduces_its_published_outputs() {
    let mut state = 0;
    let got: Vec<u64> = (0..3).map(|_| splitmix64(&mut state)).collect();
    assert_eq!(
        got,
        [
            0xE220_A839_7B1D_CDAF,
            0x6E78_9E6A_A1B9_65F4,
            0x06C4_5D18_8009_454F
        ]
    );
}

#[test]
fn xoshiro256_star_star_reproduces_its_published_outputs() {
    let mut rng = Rng { s: [1, 2, 3, 4] };
    let got: Vec<u64> = (0..6).map(|_| rng.next_u64()).collect();
    assert_eq!(
        got,
        [
            11520,
            0,
            1509978240,
            1215971899390074240,
            1216172134540287360,
            607988272756665600
        ]
    );
}

#[test]
fn attempt_generators_are_pinned_and_distinct() {
    // Pins step 1 of version 1: if this changes, ALGORITHM_VERSION must change too.
    let mut a = Rng::for_attempt(42, 1);
    let mut b = Rng::for_attempt(42, 2);
    let first = a.next_u64();
    assert_ne!(first, b.next_u64());
    assert_eq!(first, PINNED_SEED_42_ATTEMPT_1);
}

const PINNED_SEED_42_ATTEMPT_1: u64 = 6_361_458_328_680_127_711;

#[test]
fn uniform_integers_stay_below_the_bound_and_cover_it_evenly() {
    let mut rng = Rng::for_attempt(7, 1);
    let mut counts = [0u32; 10];
    for _ in 0..100_000 {
        counts[rng.below(10)] += 1;
    }
    for c in counts {
        assert!((9_500..10_500).contains(&c), "{counts:?}");
    }
    assert_eq!(rng.below(1), 0);
}

#[test]
fn a_draw_has_no_duplicates_and_the_right_count_per_cell() {
    let bp = standard();
    let pool = pool();
    let index = DrawIndex::build(&bp, &pool);
    assert!(index.shortages().is_empty());
    for seed in 0..300 {
        let paper = index.draw(seed, &none()).unwrap();
        assert_eq!(paper.items.len(), 20);
        let unique: HashSet<i32> = ids(&paper).into_iter().collect();
        assert_eq!(unique.len(), 20, "seed {seed}");
        let per_section: Vec<usize> = (0..3)
            .map(|s| paper.items.iter().filter(|i| i.section == s).count())
            .collect();
        assert_eq!(per_section, [11, 5, 4]);
        let by_id = |id: i32| pool.iter().find(|p| p.question_id == id).unwrap();
        // Section 0 holds 3 from 法规/条例 (levels 2–4) and 8 more from under 法规.
        let section0: Vec<&PoolItem> = paper
            .items
            .iter()
            .filter(|i| i.section == 0)
            .map(|i| by_id(i.question_id))
            .collect();
        assert!(
            section0
                .iter()
                .all(|p| p.kind == QuestionKind::Single && p.category.starts_with("法规/"))
        );
        let narrow = section0
            .iter()
            .filter(|p| p.category == "法规/条例" && (2.0..=4.0).contains(&p.difficulty))
            .count();
        assert!(narrow >= 3, "seed {seed}");
        for i in paper.items.iter().filter(|i| i.section == 2) {
            let p = by_id(i.question_id);
            assert_eq!(
                (p.kind, p.category.as_str()),
                (QuestionKind::TrueFalse, "技能")
            );
        }
        assert_eq!(paper.total_points(), 40.0);
        assert_eq!(paper.repeats, 0);
        assert_eq!(paper.tries, 1);
        assert_eq!(paper.algorithm_version, ALGORITHM_VERSION);
    }
}

#[test]
fn overlapping_cells_never_put_one_question_twice_in_a_paper() {
    // 法规 and everything single under it, twice: the second cell must avoid the first's picks.
    let pool: Vec<PoolItem> = (1..=6)
        .map(|i| item(i, "法规", QuestionKind::Single, 3.0))
        .collect();
    let bp = blueprint(vec![
        vec![cell(Some("法规"), QuestionKind::Single, 3)],
        vec![cell(None, QuestionKind::Single, 3)],
    ]);
    let index = DrawIndex::build(&bp, &pool);
    for seed in 0..200 {
        let mut got = ids(&index.draw(seed, &none()).unwrap());
        got.sort_unstable();
        assert_eq!(got, [1, 2, 3, 4, 5, 6]);
    }
}

#[test]
fn the_same_seed_gives_the_same_paper() {
    let bp = standard();
    let pool = pool();
    let index = DrawIndex::build(&bp, &pool);
    // Two sets with the same ids, built in different orders (and different hash seeds).
    let avoid_a: HashSet<i32> = (1..60).step_by(3).collect();
    let avoid_b: HashSet<i32> = (1..60).step_by(3).rev().collect();
    for seed in [0, 1, 42, u64::MAX] {
        let a = index.draw(seed, &avoid_a).unwrap();
        let b = DrawIndex::build(&bp, &pool).draw(seed, &avoid_b).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.seed, seed);
    }
}

#[test]
fn the_order_of_the_pool_does_not_change_the_paper() {
    let bp = standard();
    let pool = pool();
    let mut reversed = pool.clone();
    reversed.reverse();
    let a = DrawIndex::build(&bp, &pool);
    let b = DrawIndex::build(&bp, &reversed);
    for seed in 0..20 {
        assert_eq!(a.draw(seed, &none()), b.draw(seed, &none()));
    }
}

#[test]
fn different_seeds_give_different_papers() {
    let index = DrawIndex::build(&standard(), &pool());
    let papers: HashSet<Vec<i32>> = (0..50)
        .map(|seed| ids(&index.draw(seed, &none()).unwrap()))
        .collect();
    assert_eq!(papers.len(), 50);
}

#[test]
fn over_200_seeds_every_eligible_question_of_a_small_cell_is_picked() {
    let pool = pool();
    let mut small = cell(Some("技能"), QuestionKind::Multiple, 2);
    small.min_difficulty = 5;
    small.max_difficulty = 5;
    let eligible: HashSet<i32> = pool
        .iter()
        .filter(|p| small.matches(p))
        .map(|p| p.question_id)
        .collect();
    assert_eq!(eligible.len(), 3);
    let index = DrawIndex::build(&blueprint(vec![vec![small]]), &pool);
    let mut picked = HashSet::new();
    for seed in 0..200 {
        picked.extend(ids(&index.draw(seed, &none()).unwrap()));
    }
    assert_eq!(picked, eligible);
}

#[test]
fn each_candidate_is_picked_about_equally_often() {
    let pool: Vec<PoolItem> = (0..10)
        .map(|i| item(i, "法规", QuestionKind::TrueFalse, 3.0))
        .collect();
    let index = DrawIndex::build(
        &blueprint(vec![vec![cell(None, QuestionKind::TrueFalse, 3)]]),
        &pool,
    );
    let mut counts = [0u32; 10];
    for seed in 0..10_000 {
        for id in ids(&index.draw(seed, &none()).unwrap()) {
            counts[id as usize] += 1;
        }
    }
    // Expected 3,000 each; the standard deviation is about 46.
    for c in counts {
        assert!((2_800..3_200).contains(&c), "{counts:?}");
    }
}

#[test]
fn the_avoid_set_is_honoured_when_the_bank_allows() {
    let pool: Vec<PoolItem> = (1..=10)
        .map(|i| item(i, "法规", QuestionKind::Single, 3.0))
        .collect();
    let index = DrawIndex::build(
        &blueprint(vec![vec![cell(None, QuestionKind::Single, 3)]]),
        &pool,
    );
    let avoid: HashSet<i32> = (1..=7).collect();
    for seed in 0..100 {
        let paper = index.draw(seed, &avoid).unwrap();
        let mut got = ids(&paper);
        got.sort_unstable();
        assert_eq!(got, [8, 9, 10]);
        assert_eq!(paper.repeats, 0);
    }
}

#[test]
fn seen_questions_are_reused_and_counted_only_when_a_cell_would_be_short() {
    let pool: Vec<PoolItem> = (1..=10)
        .map(|i| item(i, "法规", QuestionKind::Single, 3.0))
        .collect();
    let index = DrawIndex::build(
        &blueprint(vec![vec![cell(None, QuestionKind::Single, 3)]]),
        &pool,
    );
    let avoid: HashSet<i32> = (1..=9).collect();
    let mut repeated = HashSet::new();
    for seed in 0..100 {
        let paper = index.draw(seed, &avoid).unwrap();
        assert_eq!(paper.repeats, 2);
        let got = ids(&paper);
        assert!(got.contains(&10));
        repeated.extend(got.into_iter().filter(|&id| id != 10));
    }
    // The repeats are themselves random among the seen questions.
    assert_eq!(repeated.len(), 9);
}

#[test]
fn a_target_far_from_the_pool_mean_gives_not_parallel() {
    let pool: Vec<PoolItem> = (1..=20)
        .map(|i| item(i, "法规", QuestionKind::Single, f64::from(1 + i % 2)))
        .collect();
    let mut bp = blueprint(vec![vec![cell(None, QuestionKind::Single, 5)]]);
    bp.target_difficulty = Some(4.5);
    let err = DrawIndex::build(&bp, &pool).draw(3, &none()).unwrap_err();
    assert_eq!(err.code(), "not_parallel");
    let DrawError::NotParallel { best } = err else {
        panic!("{err:?}")
    };
    assert!((1.0..=2.0).contains(&best), "{best}");
}

#[test]
fn a_paper_off_target_is_redrawn_and_the_attempt_recorded() {
    // One question from {easy, hard}, target hard with no slack: about half the first
    // attempts miss, and every paper handed out is the hard one.
    let pool = vec![
        item(1, "法规", QuestionKind::Single, 1.0),
        item(2, "法规", QuestionKind::Single, 5.0),
    ];
    let mut bp = blueprint(vec![vec![cell(None, QuestionKind::Single, 1)]]);
    bp.target_difficulty = Some(5.0);
    bp.tolerance = 0.0;
    let index = DrawIndex::build(&bp, &pool);
    let mut redrawn = 0;
    for seed in 0..100 {
        let paper = index.draw(seed, &none()).unwrap();
        assert_eq!(ids(&paper), [2]);
        assert_eq!(paper.expected_difficulty, 5.0);
        if paper.tries > 1 {
            redrawn += 1;
            assert_eq!(index.draw(seed, &none()).unwrap(), paper);
        }
    }
    assert!((25..75).contains(&redrawn), "{redrawn}");
}

#[test]
fn option_orders_are_permutations_and_identity_for_non_choice() {
    let index = DrawIndex::build(&standard(), &pool());
    let mut shuffled = 0;
    for seed in 0..50 {
        for item in index.draw(seed, &none()).unwrap().items {
            let mut sorted = item.option_order.clone();
            sorted.sort_unstable();
            let n = sorted.len();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>());
            match item.section {
                0 => assert_eq!(n, 4),
                1 => assert_eq!(n, 5),
                _ => assert_eq!(n, 0),
            }
            if item.option_order != sorted {
                shuffled += 1;
            }
        }
    }
    assert!(shuffled > 500, "{shuffled}");
}

#[test]
fn a_draw_respects_category_prefix_matching() {
    let pool = vec![
        item(1, "法规", QuestionKind::Single, 3.0),
        item(2, "法规/条例", QuestionKind::Single, 3.0),
        item(3, "法规类", QuestionKind::Single, 3.0),
        item(4, "法规/条例/细则", QuestionKind::Single, 3.0),
    ];
    let index = DrawIndex::build(
        &blueprint(vec![vec![cell(Some("法规"), QuestionKind::Single, 3)]]),
        &pool,
    );
    for seed in 0..50 {
        let mut got = ids(&index.draw(seed, &none()).unwrap());
        got.sort_unstable();
        assert_eq!(got, [1, 2, 4]);
    }
    let index = DrawIndex::build(
        &blueprint(vec![vec![cell(Some("法规"), QuestionKind::Single, 4)]]),
        &pool,
    );
    assert_eq!(
        index.draw(0, &none()),
        Err(DrawError::Shortage(vec![Shortage {
            section: 0,
            cell: 0,
            needed: 4,
            available: 3
        }]))
    );
}

#[test]
fn questions_are_shuffled_within_sections_only_when_asked() {
    let pool = pool();
    let mut bp = blueprint(vec![
        vec![
            cell(Some("技能"), QuestionKind::Single, 4),
            cell(Some("法规"), QuestionKind::Single, 4),
        ],
        vec![
            cell(Some("技能"), QuestionKind::Multiple, 4),
            cell(Some("法规"), QuestionKind::Multiple, 4),
        ],
    ]);
    bp.sections[0].shuffle_questions = false;
    let index = DrawIndex::build(&bp, &pool);
    let category = |id: i32| {
        pool.iter()
            .find(|p| p.question_id == id)
            .unwrap()
            .category
            .clone()
    };
    let mut interleaved = 0;
    for seed in 0..50 {
        let paper = index.draw(seed, &none()).unwrap();
        let sections: Vec<usize> = paper.items.iter().map(|i| i.section).collect();
        assert_eq!(sections, [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
        let first: Vec<String> = paper.items[..8]
            .iter()
            .map(|i| category(i.question_id))
            .collect();
        assert!(first[..4].iter().all(|c| c == "技能"));
        let second: Vec<bool> = paper.items[8..]
            .iter()
            .map(|i| category(i.question_id) == "技能")
            .collect();
        if second != [true, true, true, true, false, false, false, false] {
            interleaved += 1;
        }
    }
    assert!(interleaved > 40, "{interleaved}");
}

#[test]
fn draw_errors_have_stable_codes_and_name_the_cells() {
    let err = DrawError::Shortage(vec![Shortage {
        section: 1,
        cell: 0,
        needed: 4,
        available: 1,
    }]);
    assert_eq!(err.code(), "shortage");
    assert_eq!(
        err.to_string(),
        "the question pool cannot fill section 2 cell 1 (needs 4, has 1)"
    );
    assert_eq!(DrawError::NotParallel { best: 2.0 }.code(), "not_parallel");
}

#[test]
fn version_1_draws_this_exact_paper_for_seed_42() {
    // A tripwire for the whole algorithm: if this changes, bump ALGORITHM_VERSION.
    let paper = DrawIndex::build(&standard(), &pool())
        .draw(42, &none())
        .unwrap();
    let got: Vec<(i32, Vec<usize>)> = paper
        .items
        .iter()
        .map(|i| (i.question_id, i.option_order.clone()))
        .collect();
    let want: Vec<(i32, Vec<usize>)> = vec![
        (6, vec![0, 1, 3, 2]),
        (7, vec![0, 2, 3, 1]),
        (51, vec![3, 0, 1, 2]),
        (13, vec![0, 3, 2, 1]),
        (4, vec![3, 1, 0, 2]),
        (52, vec![1, 2, 3, 0]),
        (3, vec![2, 3, 1, 0]),
        (11, vec![3, 1, 0, 2]),
        (49, vec![0, 1, 2, 3]),
        (56, vec![2, 0, 1, 3]),
        (14, vec![0, 1, 2, 3]),
        (118, vec![0, 1, 2, 3, 4]),
        (159, vec![0, 3, 1, 4, 2]),
        (29, vec![2, 0, 3, 4, 1]),
        (65, vec![1, 2, 3, 0, 4]),
        (61, vec![2, 4, 0, 3, 1]),
        (129, vec![]),
        (133, vec![]),
        (127, vec![]),
        (131, vec![]),
    ];
    assert_eq!(got, want);
}

#[test]
fn a_paper_round_trips_through_json() {
    let paper = DrawIndex::build(&standard(), &pool())
        .draw(9, &none())
        .unwrap();
    let again: Paper = serde_json::from_str(&serde_json::to_string(&paper).unwrap()).unwrap();
    assert_eq!(again, paper);
}
