use super::*;
use crate::bank::model::{QuestionBody, QuestionStatus};
use crate::error::ErrorCode;

fn question(kind: QuestionKind, stem: &str, options: &[&str], key: Key) -> Question {
    Question::parse(QuestionBody {
        ident: "Q1".into(),
        kind,
        category: vec![],
        stem: stem.into(),
        options: options.iter().map(|s| s.to_string()).collect(),
        key,
        rubric: String::new(),
        scheme: vec![],
        minutes: 0,
        equipment: vec![],
        points: 2.0,
        difficulty: 3,
        explanation: String::new(),
        source: String::new(),
        tags: vec![],
        status: QuestionStatus::Active,
    })
    .unwrap()
}

fn single() -> Question {
    question(
        QuestionKind::Single,
        "保安员上岗应当佩戴什么？",
        &["甲", "乙", "丙", "丁"],
        Key::Choice { correct: vec![1] },
    )
}

/// Key A, C, D of five options.
fn multiple() -> Question {
    question(
        QuestionKind::Multiple,
        "视频监控系统包括哪些部分？",
        &["前端", "打印", "传输", "显示", "收银"],
        Key::Choice {
            correct: vec![0, 2, 3],
        },
    )
}

fn true_false() -> Question {
    question(
        QuestionKind::TrueFalse,
        "保安员可以扣押他人证件。",
        &[],
        Key::TrueFalse { value: false },
    )
}

fn fill() -> Question {
    question(
        QuestionKind::Fill,
        "视频安防监控系统工程设计应符合___；系统由前端、___和显示组成。",
        &[],
        Key::Blanks {
            accepted: vec![
                vec!["GB 50395".into(), "GB50395-2007".into()],
                vec!["传输".into(), "传输部分".into()],
            ],
        },
    )
}

fn short() -> Question {
    question(
        QuestionKind::Short,
        "简述保安员的职责。",
        &[],
        Key::Open {
            reference: "维护秩序".into(),
        },
    )
}

fn choose(selected: &[usize]) -> Response {
    Response::Choice {
        selected: selected.to_vec(),
    }
}

fn blanks(values: &[&str]) -> Response {
    Response::Blanks {
        values: values.iter().map(|s| s.to_string()).collect(),
    }
}

fn earned(q: &Question, r: &Response, policy: MultiplePolicy) -> f64 {
    score(q, r, 2.0, policy).earned().unwrap()
}

// --- shape ---

#[test]
fn a_choice_response_to_a_fill_question_is_the_wrong_type() {
    let err = choose(&[0]).check_shape(&fill()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongResponseType);
    assert_eq!(
        err,
        ShapeError::WrongType {
            kind: QuestionKind::Fill,
            found: "choice"
        }
    );
}

#[test]
fn a_text_response_to_a_true_false_question_is_the_wrong_type() {
    let r = Response::Text { text: "对".into() };
    assert_eq!(
        r.check_shape(&true_false()).unwrap_err().code(),
        ErrorCode::WrongResponseType
    );
}

#[test]
fn a_selection_beyond_the_last_option_is_out_of_range() {
    let err = choose(&[0, 5]).check_shape(&multiple()).unwrap_err();
    assert_eq!(err, ShapeError::OptionOutOfRange(5));
    assert_eq!(err.code(), ErrorCode::OptionOutOfRange);
}

#[test]
fn selecting_the_same_option_twice_is_refused() {
    let err = choose(&[2, 0, 2]).check_shape(&multiple()).unwrap_err();
    assert_eq!(err, ShapeError::DuplicateSelection(2));
    assert_eq!(err.code(), ErrorCode::DuplicateSelection);
}

#[test]
fn two_selections_for_a_single_choice_question_are_refused() {
    let err = choose(&[0, 1]).check_shape(&single()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TooManySelections);
}

#[test]
fn an_empty_selection_is_a_valid_shape() {
    assert!(choose(&[]).check_shape(&single()).is_ok());
    assert!(choose(&[]).check_shape(&multiple()).is_ok());
}

#[test]
fn well_shaped_responses_pass_for_every_kind() {
    assert!(choose(&[1]).check_shape(&single()).is_ok());
    assert!(choose(&[3, 0]).check_shape(&multiple()).is_ok());
    assert!(
        Response::TrueFalse { value: true }
            .check_shape(&true_false())
            .is_ok()
    );
    assert!(blanks(&["a", "b"]).check_shape(&fill()).is_ok());
    assert!(
        Response::Text {
            text: "答案".into()
        }
        .check_shape(&short())
        .is_ok()
    );
}

#[test]
fn the_wrong_number_of_blanks_is_refused() {
    let err = blanks(&["GB 50395"]).check_shape(&fill()).unwrap_err();
    assert_eq!(
        err,
        ShapeError::BlankCountMismatch {
            expected: 2,
            found: 1
        }
    );
    assert_eq!(err.code(), ErrorCode::BlankCountMismatch);
}

#[test]
fn an_over_long_blank_is_refused() {
    let long = "字".repeat(MAX_BLANK_CHARS + 1);
    let err = blanks(&["a", &long]).check_shape(&fill()).unwrap_err();
    assert_eq!(err, ShapeError::BlankTooLong(1));
    assert_eq!(err.code(), ErrorCode::BlankTooLong);
}

#[test]
fn text_is_limited_to_twenty_thousand_characters_not_bytes() {
    let ok = Response::Text {
        text: "字".repeat(MAX_TEXT_CHARS),
    };
    assert!(ok.check_shape(&short()).is_ok());
    let too_long = Response::Text {
        text: "字".repeat(MAX_TEXT_CHARS + 1),
    };
    let err = too_long.check_shape(&short()).unwrap_err();
    assert_eq!(err, ShapeError::TextTooLong(MAX_TEXT_CHARS + 1));
    assert_eq!(err.code(), ErrorCode::TextTooLong);
}

#[test]
fn responses_read_and_write_json_tagged_by_type() {
    let r: Response = serde_json::from_str(r#"{"type":"choice","selected":[0,2]}"#).unwrap();
    assert_eq!(r, choose(&[0, 2]));
    let r: Response = serde_json::from_str(r#"{"type":"true_false","value":true}"#).unwrap();
    assert_eq!(r, Response::TrueFalse { value: true });
    assert_eq!(
        serde_json::to_value(blanks(&["x"])).unwrap(),
        serde_json::json!({"type": "blanks", "values": ["x"]})
    );
    let p: MultiplePolicy = serde_json::from_str(r#""all_or_nothing""#).unwrap();
    assert_eq!(p, MultiplePolicy::AllOrNothing);
    assert_eq!(
        serde_json::to_value(MultiplePolicy::Proportional).unwrap(),
        "proportional"
    );
}

// --- single choice and true/false ---

#[test]
fn single_choice_is_all_or_nothing_whatever_the_policy() {
    let q = single();
    for policy in [
        MultiplePolicy::AllOrNothing,
        MultiplePolicy::Proportional,
        MultiplePolicy::Penalty,
    ] {
        assert_eq!(
            score(&q, &choose(&[1]), 2.0, policy),
            Scored::Auto {
                earned: 2.0,
                correct: true
            }
        );
        assert_eq!(
            score(&q, &choose(&[0]), 2.0, policy),
            Scored::Auto {
                earned: 0.0,
                correct: false
            }
        );
        assert_eq!(earned(&q, &choose(&[]), policy), 0.0);
    }
}

#[test]
fn true_false_earns_full_points_only_when_it_matches_the_key() {
    let q = true_false();
    let right = Response::TrueFalse { value: false };
    let wrong = Response::TrueFalse { value: true };
    assert_eq!(
        score(&q, &right, 1.5, MultiplePolicy::AllOrNothing),
        Scored::Auto {
            earned: 1.5,
            correct: true
        }
    );
    assert_eq!(
        score(&q, &wrong, 1.5, MultiplePolicy::AllOrNothing),
        Scored::Auto {
            earned: 0.0,
            correct: false
        }
    );
}

#[test]
fn the_papers_points_override_the_questions_default() {
    // The question's default is 2; the paper says 5.
    assert_eq!(
        score(&single(), &choose(&[1]), 5.0, MultiplePolicy::AllOrNothing).earned(),
        Some(5.0)
    );
}

#[test]
fn non_positive_or_non_finite_points_earn_nothing() {
    for points in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(
            score(
                &single(),
                &choose(&[1]),
                points,
                MultiplePolicy::AllOrNothing
            )
            .earned(),
            Some(0.0)
        );
    }
}

// --- multiple choice policies (2 points, key ACD) ---

#[test]
fn all_or_nothing_gives_full_points_only_for_the_exact_set() {
    let q = multiple();
    let p = MultiplePolicy::AllOrNothing;
    assert_eq!(
        score(&q, &choose(&[3, 0, 2]), 2.0, p),
        Scored::Auto {
            earned: 2.0,
            correct: true
        }
    );
    assert_eq!(earned(&q, &choose(&[0, 2]), p), 0.0);
    assert_eq!(earned(&q, &choose(&[0, 2, 3, 1]), p), 0.0);
    assert_eq!(earned(&q, &choose(&[]), p), 0.0);
}

#[test]
fn proportional_pays_for_each_correct_pick_when_nothing_wrong_is_picked() {
    let q = multiple();
    let p = MultiplePolicy::Proportional;
    assert_eq!(earned(&q, &choose(&[0, 2, 3]), p), 2.0);
    // AC: 2 × 2/3 = 1.333… → 1.33
    assert_eq!(
        score(&q, &choose(&[0, 2]), 2.0, p),
        Scored::Auto {
            earned: 1.33,
            correct: false
        }
    );
    // A: 2 × 1/3 = 0.666… → 0.67
    assert_eq!(earned(&q, &choose(&[0]), p), 0.67);
}

#[test]
fn proportional_gives_nothing_when_any_wrong_option_is_picked() {
    let q = multiple();
    let p = MultiplePolicy::Proportional;
    // ACB: two right, one wrong → 0
    assert_eq!(earned(&q, &choose(&[0, 2, 1]), p), 0.0);
    // ACDB: all right plus a wrong one → 0
    assert_eq!(earned(&q, &choose(&[0, 2, 3, 1]), p), 0.0);
}

#[test]
fn penalty_subtracts_a_share_for_each_wrong_pick() {
    let q = multiple();
    let p = MultiplePolicy::Penalty;
    assert_eq!(earned(&q, &choose(&[0, 2, 3]), p), 2.0);
    // AC: 2/3 + 2/3 = 1.33
    assert_eq!(earned(&q, &choose(&[0, 2]), p), 1.33);
    // ACB: 2/3 + 2/3 − 2/3 = 0.67
    assert_eq!(earned(&q, &choose(&[0, 2, 1]), p), 0.67);
    // ACDB: 2 − 2/3 = 1.33, and not "correct"
    assert_eq!(
        score(&q, &choose(&[0, 2, 3, 1]), 2.0, p),
        Scored::Auto {
            earned: 1.33,
            correct: false
        }
    );
}

#[test]
fn penalty_never_goes_below_zero() {
    // ABE: 2/3 − 2/3 − 2/3 = −0.67 → 0
    assert_eq!(
        earned(&multiple(), &choose(&[0, 1, 4]), MultiplePolicy::Penalty),
        0.0
    );
    // BE: only wrong picks → 0
    assert_eq!(
        earned(&multiple(), &choose(&[1, 4]), MultiplePolicy::Penalty),
        0.0
    );
}

#[test]
fn the_default_policy_is_all_or_nothing() {
    assert_eq!(MultiplePolicy::default(), MultiplePolicy::AllOrNothing);
}

#[test]
fn duplicate_picks_count_once_when_scoring_unchecked_responses() {
    // Penalty must not be gamed by repeating a right pick.
    assert_eq!(
        earned(&multiple(), &choose(&[0, 0, 0, 1]), MultiplePolicy::Penalty),
        0.0
    );
}

// --- fill in the blanks ---

#[test]
fn normalizing_turns_full_width_into_half_width() {
    assert_eq!(normalize_blank("ＧＢ５０３４８"), "gb50348");
    assert_eq!(normalize_blank("ＧＢ　５０３４８"), "gb50348");
}

#[test]
fn normalizing_removes_every_kind_of_space() {
    assert_eq!(normalize_blank("  gb 50 348\t"), "gb50348");
    assert_eq!(normalize_blank("前\u{3000}端"), "前端");
    assert_eq!(normalize_blank("前\u{00A0}端\u{200B}"), "前端");
}

#[test]
fn normalizing_lowercases_ascii_and_leaves_chinese_alone() {
    assert_eq!(normalize_blank("Ip Camera"), "ipcamera");
    assert_eq!(normalize_blank("闭路电视CCTV"), "闭路电视cctv");
}

#[test]
fn normalizing_unifies_chinese_and_english_punctuation() {
    assert_eq!(normalize_blank("甲，乙。丙；丁：戊"), "甲,乙.丙;丁:戊");
    assert_eq!(normalize_blank("（二）"), "(二)");
    assert_eq!(normalize_blank("甲、乙"), "甲,乙");
    assert_eq!(normalize_blank("“安全”"), "\"安全\"");
    assert_eq!(normalize_blank("GB50395－2007"), "gb50395-2007");
}

#[test]
fn a_full_width_spaced_answer_matches_the_compact_key() {
    assert!(blank_matches("ＧＢ　５０３４８", &["gb50348".to_string()]));
    assert!(blank_matches("gb50348", &["ＧＢ　５０３４８".to_string()]));
    assert!(!blank_matches("gb50349", &["GB50348".to_string()]));
}

#[test]
fn an_empty_blank_never_matches() {
    assert!(!blank_matches("  \u{3000}", &["x".to_string()]));
}

#[test]
fn every_blank_right_earns_full_points() {
    assert_eq!(
        score(
            &fill(),
            &blanks(&["ｇｂ　50395", "传输部分"]),
            2.0,
            MultiplePolicy::AllOrNothing
        ),
        Scored::Auto {
            earned: 2.0,
            correct: true
        }
    );
}

#[test]
fn each_right_blank_earns_its_share_of_the_points() {
    let q = fill();
    // One of two blanks right: 3 × 1/2 = 1.5.
    assert_eq!(
        score(
            &q,
            &blanks(&["GB 50395-2007", "存储"]),
            3.0,
            MultiplePolicy::AllOrNothing
        ),
        Scored::Auto {
            earned: 1.5,
            correct: false
        }
    );
    // A blank is all or nothing: a near miss earns nothing for that blank.
    assert_eq!(
        score(
            &q,
            &blanks(&["GB 5039", "传"]),
            3.0,
            MultiplePolicy::AllOrNothing
        )
        .earned(),
        Some(0.0)
    );
}

#[test]
fn a_fill_share_is_rounded_to_two_decimals() {
    let q = question(
        QuestionKind::Fill,
        "___、___、___",
        &[],
        Key::Blanks {
            accepted: vec![vec!["甲".into()], vec!["乙".into()], vec!["丙".into()]],
        },
    );
    // 1 × 2/3 = 0.666… → 0.67
    assert_eq!(
        score(
            &q,
            &blanks(&["甲", "乙", "丁"]),
            1.0,
            MultiplePolicy::Penalty
        )
        .earned(),
        Some(0.67)
    );
}

// --- manual, missing, mismatched ---

#[test]
fn short_answers_and_practical_tasks_go_to_manual_marking() {
    let text = Response::Text {
        text: "维护秩序".into(),
    };
    assert_eq!(
        score(&short(), &text, 10.0, MultiplePolicy::AllOrNothing),
        Scored::Manual
    );
    let practical = question(
        QuestionKind::Practical,
        "安装一台摄像机。",
        &[],
        Key::Open {
            reference: String::new(),
        },
    );
    assert_eq!(
        score(&practical, &text, 10.0, MultiplePolicy::AllOrNothing),
        Scored::Manual
    );
    assert_eq!(Scored::Manual.earned(), None);
}

#[test]
fn an_unanswered_question_earns_zero_and_is_not_correct() {
    assert_eq!(
        score_missing(),
        Scored::Auto {
            earned: 0.0,
            correct: false
        }
    );
}

#[test]
fn a_response_of_the_wrong_type_scores_zero_instead_of_failing() {
    assert_eq!(
        score(&fill(), &choose(&[0]), 2.0, MultiplePolicy::AllOrNothing),
        Scored::Auto {
            earned: 0.0,
            correct: false
        }
    );
}

#[test]
fn scored_results_serialize_tagged_by_type() {
    assert_eq!(
        serde_json::to_value(Scored::Auto {
            earned: 1.5,
            correct: false
        })
        .unwrap(),
        serde_json::json!({"type": "auto", "earned": 1.5, "correct": false})
    );
    assert_eq!(
        serde_json::to_value(Scored::Manual).unwrap(),
        serde_json::json!({"type": "manual"})
    );
}

// --- summary ---

#[test]
fn a_summary_adds_up_per_section_in_section_order() {
    let items = [
        (2, Some(1.0), 2.0),
        (1, Some(1.0), 1.0),
        (1, Some(0.0), 1.0),
        (2, Some(2.0), 2.0),
    ];
    let s = summarize(&items, 3.0);
    assert_eq!(s.total, 4.0);
    assert_eq!(s.max, 6.0);
    assert_eq!(s.per_section, vec![(1, 1.0, 2.0), (2, 3.0, 4.0)]);
    assert_eq!(s.passed, Some(true));
}

#[test]
fn a_total_just_below_the_pass_line_fails() {
    let s = summarize(&[(0, Some(59.99), 100.0)], 60.0);
    assert_eq!(s.passed, Some(false));
}

#[test]
fn a_total_exactly_on_the_pass_line_passes_despite_float_noise() {
    // 0.1 + 0.2 is 0.30000000000000004 in binary; 0.33 × 3 is 0.9900000000000001.
    let s = summarize(&[(0, Some(0.1), 1.0), (0, Some(0.2), 1.0)], 0.3);
    assert_eq!(s.total, 0.3);
    assert_eq!(s.passed, Some(true));
    let s = summarize(
        &[
            (0, Some(0.33), 1.0),
            (0, Some(0.33), 1.0),
            (0, Some(0.33), 1.0),
        ],
        0.99,
    );
    assert_eq!(s.total, 0.99);
    assert_eq!(s.passed, Some(true));
}

#[test]
fn a_pending_manual_item_leaves_pass_undecided_and_counts_zero() {
    let items = [(0, Some(50.0), 60.0), (1, None, 40.0)];
    let s = summarize(&items, 60.0);
    assert_eq!(s.total, 50.0);
    assert_eq!(s.max, 100.0);
    assert_eq!(s.per_section, vec![(0, 50.0, 60.0), (1, 0.0, 40.0)]);
    assert_eq!(s.passed, None);
    // Even when the total already reaches the line, the verdict waits for the marker.
    let s = summarize(&[(0, Some(60.0), 60.0), (1, None, 40.0)], 60.0);
    assert_eq!(s.passed, None);
}

#[test]
fn an_empty_paper_summarizes_to_zero_and_passes_a_zero_line() {
    let s = summarize(&[], 0.0);
    assert_eq!(s.total, 0.0);
    assert_eq!(s.max, 0.0);
    assert!(s.per_section.is_empty());
    assert_eq!(s.passed, Some(true));
}

#[test]
fn scored_answers_feed_a_summary() {
    let items = [
        (
            0,
            score(&single(), &choose(&[1]), 2.0, MultiplePolicy::AllOrNothing).earned(),
            2.0,
        ),
        (
            0,
            score(
                &multiple(),
                &choose(&[0]),
                3.0,
                MultiplePolicy::Proportional,
            )
            .earned(),
            3.0,
        ),
        (1, score_missing().earned(), 2.0),
    ];
    let s = summarize(&items, 3.0);
    assert_eq!(s.total, 3.0);
    assert_eq!(s.per_section, vec![(0, 3.0, 5.0), (1, 0.0, 2.0)]);
    assert_eq!(s.passed, Some(true));
}
