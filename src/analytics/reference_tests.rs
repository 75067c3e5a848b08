//! The statistics compared with reference values computed offline with pandas, numpy, scipy,
//! pingouin and statsmodels (tools/analytics-reference/make_fixtures.py; its README says how).
//!
//! Tolerances: closed forms (CTT, α, SEM, Mantel–Haenszel, equating) 1e-9; Rasch (iterative:
//! the fixtures maximise the joint likelihood by trust-region Newton, we by alternating steps
//! to a 1e-10 tolerance) 1e-6.

use super::ctt::{self, ItemStats};
use super::{ResponseSet, dif, equating, pooling, rasch, reliability};
use serde::Deserialize;
use serde_json::{Value, json};

const CLOSED: f64 = 1e-9;
const ITERATIVE: f64 = 1e-6;

#[derive(Deserialize)]
struct Fixture {
    set: ResponseSet,
    expected: Value,
}

fn fixture(text: &str) -> Fixture {
    serde_json::from_str(text).expect("fixture parses")
}

fn fixed_form() -> Fixture {
    fixture(include_str!("fixtures/fixed_form.json"))
}

fn random_papers() -> Fixture {
    fixture(include_str!("fixtures/random_papers.json"))
}

/// Every key of `expected` (recursively) present in `actual` with the same value: numbers
/// within `tol` (relative above 1), null only for null.
fn same(expected: &Value, actual: &Value, tol: f64, path: &str) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                let got = a.get(k).unwrap_or_else(|| panic!("{path}.{k} missing"));
                same(v, got, tol, &format!("{path}.{k}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{path}: length");
            for (i, (v, got)) in e.iter().zip(a).enumerate() {
                same(v, got, tol, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().expect("number"), a.as_f64().expect("number"));
            assert!(
                (e - a).abs() <= tol * e.abs().max(1.0),
                "{path}: expected {e}, got {a}"
            );
        }
        _ => assert_eq!(expected, actual, "{path}"),
    }
}

fn test_value(set: &ResponseSet, test: &ctt::TestStats) -> Value {
    let mut v = serde_json::to_value(test).expect("serialises");
    v["histogram"] = json!(test.histogram.iter().map(|b| b.count).collect::<Vec<_>>());
    v["items_per_paper"] = json!(reliability::reliability(set).items_per_paper);
    v
}

fn check_ctt(f: &Fixture, name: &str) {
    let a = ctt::analyse(&f.set);
    let items = serde_json::to_value(&a.items).expect("serialises");
    same(
        &f.expected["items"],
        &items,
        CLOSED,
        &format!("{name}.items"),
    );
    let test = test_value(&f.set, &a.test);
    same(&f.expected["test"], &test, CLOSED, &format!("{name}.test"));
}

#[test]
fn item_and_test_statistics_of_a_fixed_form_match_the_reference() {
    check_ctt(&fixed_form(), "fixed_form");
}

#[test]
fn item_and_test_statistics_of_random_papers_match_the_reference() {
    check_ctt(&random_papers(), "random_papers");
}

#[test]
fn alpha_on_a_fixed_form_equals_pingouins_textbook_alpha() {
    let f = fixed_form();
    let r = reliability::reliability(&f.set);
    same(
        &f.expected["test"]["alpha"],
        &json!(r.alpha),
        CLOSED,
        "alpha",
    );
    same(&f.expected["test"]["sem"], &json!(r.sem), CLOSED, "sem");
}

#[test]
fn the_planted_bad_item_discriminates_negatively_and_is_flagged() {
    let f = fixed_form();
    let a = ctt::analyse(&f.set);
    let bad = &a.items[7];
    assert!(bad.item_rest_r.is_some_and(|r| r < 0.0));
    let flags = super::flags::flags(bad, &super::flags::Thresholds::default());
    assert!(
        flags
            .iter()
            .any(|f| f.code == super::flags::FlagCode::NegativeDiscrimination)
    );
}

fn check_dif(f: &Fixture, name: &str) {
    let got = dif::mantel_haenszel(&f.set, "职工组", "学生组");
    same(
        &f.expected["dif"],
        &serde_json::to_value(&got).expect("serialises"),
        CLOSED,
        &format!("{name}.dif"),
    );
}

#[test]
fn mantel_haenszel_matches_statsmodels_and_finds_the_planted_dif_item() {
    let f = fixed_form();
    check_dif(&f, "fixed_form");
    let got = dif::mantel_haenszel(&f.set, "职工组", "学生组");
    assert_eq!(got[12].class, dif::EtsClass::C);
    assert!(got[12].delta_mh.is_some_and(|d| d < -1.5));
}

#[test]
fn mantel_haenszel_on_random_papers_matches_statsmodels() {
    check_dif(&random_papers(), "random_papers");
}

fn check_rasch(f: &Fixture, name: &str) {
    let min = f.expected["rasch_min_responses"].as_u64().expect("min") as u32;
    let c = rasch::calibrate(
        &f.set,
        &rasch::RaschOptions {
            min_responses: min,
            max_iterations: 5000,
            tolerance: 1e-10,
        },
    );
    assert!(c.converged, "{name}: not converged in {}", c.iterations);
    let mut got = serde_json::to_value(&c).expect("serialises");
    got["max_gradient"] = f.expected["rasch"]["max_gradient"].clone();
    same(
        &f.expected["rasch"],
        &got,
        ITERATIVE,
        &format!("{name}.rasch"),
    );
}

#[test]
fn rasch_calibration_of_a_fixed_form_matches_an_independent_jmle() {
    check_rasch(&fixed_form(), "fixed_form");
}

#[test]
fn rasch_calibration_of_sparse_random_papers_matches_an_independent_jmle() {
    check_rasch(&random_papers(), "random_papers");
}

#[test]
fn equating_matches_scipys_root_finder() {
    let v: Value =
        serde_json::from_str(include_str!("fixtures/equating.json")).expect("fixture parses");
    let paper: Vec<(f64, f64)> = v["paper"]
        .as_array()
        .expect("paper")
        .iter()
        .map(|p| (p[0].as_f64().expect("b"), p[1].as_f64().expect("points")))
        .collect();
    for e in v["expected"].as_array().expect("expected") {
        let theta = e["theta"].as_f64().expect("theta");
        same(
            &e["score"],
            &json!(equating::expected_score(theta, &paper)),
            CLOSED,
            "expected_score",
        );
    }
    for e in v["theta_for"].as_array().expect("theta_for") {
        let target = e["target"].as_f64().expect("target");
        same(
            &e["theta"],
            &json!(equating::theta_for_score(target, &paper)),
            CLOSED,
            "theta_for_score",
        );
    }
}

/// The set restricted to some persons (indices renumbered).
fn persons_subset(set: &ResponseSet, keep: impl Fn(usize) -> bool) -> ResponseSet {
    let mut map = vec![u32::MAX; set.persons.len()];
    let mut out = ResponseSet {
        items: set.items.clone(),
        ..ResponseSet::default()
    };
    for (p, person) in set.persons.iter().enumerate() {
        if keep(p) {
            map[p] = out.persons.len() as u32;
            out.persons.push(person.clone());
        }
    }
    out.responses = set
        .responses
        .iter()
        .filter(|r| map[r.person as usize] != u32::MAX)
        .map(|r| super::Response {
            person: map[r.person as usize],
            ..*r
        })
        .collect();
    out
}

#[test]
fn pooling_two_sessions_gives_the_whole_sets_exact_figures() {
    let f = fixed_form();
    let whole = ctt::analyse(&f.set);
    let first = ctt::analyse(&persons_subset(&f.set, |p| p < 120));
    let second = ctt::analyse(&persons_subset(&f.set, |p| p >= 120));
    for (i, w) in whole.items.iter().enumerate() {
        let pooled: ItemStats = pooling::pool(&[first.items[i].clone(), second.items[i].clone()]);
        assert_eq!(pooled.n, w.n);
        assert_eq!(pooled.timed, w.timed);
        for (what, a, b) in [
            ("facility", pooled.facility, w.facility),
            ("sd", pooled.sd, w.sd),
            ("omission", pooled.omission_rate, w.omission_rate),
            (
                "seconds",
                pooled.mean_seconds.unwrap_or(0.0),
                w.mean_seconds.unwrap_or(0.0),
            ),
        ] {
            assert!((a - b).abs() < 1e-9, "item {i} {what}: {a} vs {b}");
        }
        for (po, wo) in pooled.options.iter().zip(&w.options) {
            assert!((po.overall - wo.overall).abs() < 1e-9, "item {i} option");
        }
        // Approximations stay close to the whole set's figure.
        let (pr, wr) = (
            pooled.item_rest_r.unwrap_or(0.0),
            w.item_rest_r.unwrap_or(0.0),
        );
        assert!((pr - wr).abs() < 0.1, "item {i} r: {pr} vs {wr}");
    }
}
