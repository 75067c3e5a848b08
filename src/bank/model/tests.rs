use super::*;
use crate::error::ErrorCode;

fn single(options: &[&str], correct: Vec<usize>) -> QuestionBody {
    QuestionBody {
        ident: "Q1".into(),
        kind: QuestionKind::Single,
        category: vec!["法规".into()],
        stem: "题干".into(),
        options: options.iter().map(|s| s.to_string()).collect(),
        key: Key::Choice { correct },
        rubric: String::new(),
        scheme: vec![],
        minutes: 0,
        equipment: vec![],
        points: 1.0,
        difficulty: 3,
        explanation: String::new(),
        source: String::new(),
        tags: vec![],
        status: QuestionStatus::Active,
    }
}

#[test]
fn a_well_formed_single_choice_question_parses() {
    assert!(Question::parse(single(&["甲", "乙", "丙"], vec![1])).is_ok());
}

#[test]
fn a_key_naming_a_missing_option_is_refused() {
    let err = Question::parse(single(&["甲", "乙"], vec![3])).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeyOutOfRange);
}

#[test]
fn single_choice_with_two_correct_options_is_refused() {
    let err = Question::parse(single(&["甲", "乙"], vec![0, 1])).unwrap_err();
    assert_eq!(err.code(), ErrorCode::SingleNeedsOneCorrect);
}

#[test]
fn duplicate_option_texts_are_refused() {
    let err = Question::parse(single(&["甲", " 甲"], vec![0])).unwrap_err();
    assert_eq!(err, QuestionError::DuplicateOption('A', 'B'));
}

#[test]
fn a_true_false_key_on_a_choice_question_is_refused() {
    let mut b = single(&["甲", "乙"], vec![0]);
    b.key = Key::TrueFalse { value: true };
    assert_eq!(
        Question::parse(b).unwrap_err().code(),
        ErrorCode::KeyKindMismatch
    );
}

#[test]
fn fill_blanks_must_match_the_markers_in_the_stem() {
    let mut b = single(&[], vec![]);
    b.kind = QuestionKind::Fill;
    b.stem = "视频监控系统由___、传输、___和显示四部分组成".into();
    b.key = Key::Blanks {
        accepted: vec![vec!["前端".into()]],
    };
    assert_eq!(
        Question::parse(b.clone()).unwrap_err().code(),
        ErrorCode::BlankCountMismatch
    );
    b.key = Key::Blanks {
        accepted: vec![vec!["前端".into()], vec!["存储".into(), "记录".into()]],
    };
    assert!(Question::parse(b).is_ok());
}

#[test]
fn letters_parse_in_every_form_bank_keepers_write() {
    assert_eq!(parse_letters("ACD"), Some(vec![0, 2, 3]));
    assert_eq!(parse_letters("a、c"), Some(vec![0, 2]));
    assert_eq!(parse_letters("ＢＡ"), Some(vec![0, 1]));
    assert_eq!(parse_letters("Z"), None);
    assert_eq!(parse_letters(""), None);
}

#[test]
fn kinds_read_from_chinese_names() {
    assert_eq!(QuestionKind::parse("单选题"), Some(QuestionKind::Single));
    assert_eq!(QuestionKind::parse("判断"), Some(QuestionKind::TrueFalse));
    assert_eq!(
        QuestionKind::parse("multiple"),
        Some(QuestionKind::Multiple)
    );
    assert_eq!(QuestionKind::parse("论述"), None);
}

#[test]
fn a_text_over_its_limit_is_refused_with_the_field_and_the_limit() {
    let mut b = single(&["甲", "乙"], vec![0]);
    b.options[1] = "乙".repeat(limits::OPTION + 1);
    let err = Question::parse(b.clone()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::FieldTooLong);
    assert_eq!(err.details()["field"], "options");
    assert!(err.text().zh.contains("选项B"), "{err}");
    assert!(err.to_string().contains("option B"), "{err}");
    // Spaces around a text do not count, as they are trimmed.
    b.options[1] = format!("  {}  ", "乙".repeat(limits::OPTION));
    assert!(check_limits(&b).is_ok());
    assert!(Question::parse(b).is_ok());
}

#[test]
fn all_texts_together_have_a_limit_and_lists_a_length() {
    let mut b = single(&["甲", "乙"], vec![0]);
    b.stem = "题".repeat(limits::STEM);
    b.explanation = "解".repeat(limits::EXPLANATION);
    b.rubric = "评".repeat(limits::RUBRIC);
    b.source = "出".repeat(limits::SOURCE);
    b.options = (0..8)
        .map(|i| format!("{i}{}", "选".repeat(1_999)))
        .collect();
    b.tags = (0..limits::TAGS)
        .map(|i| format!("{i:02}{}", "t".repeat(48)))
        .collect();
    b.category = (0..limits::CATEGORY_DEPTH)
        .map(|_| "类".repeat(100))
        .collect();
    assert_eq!(
        Question::parse(b).unwrap_err().code(),
        ErrorCode::ItemTooLarge
    );
    let mut b = single(&["甲", "乙"], vec![0]);
    b.tags = (0..=limits::TAGS).map(|i| format!("t{i}")).collect();
    assert_eq!(
        Question::parse(b).unwrap_err().code(),
        ErrorCode::TooManyEntries
    );
}

#[test]
fn the_fingerprint_ignores_the_identifier_but_not_the_content() {
    let a = Question::parse(single(&["甲", "乙"], vec![0])).unwrap();
    let mut b = single(&["甲", "乙"], vec![0]);
    b.ident = "OTHER".into();
    let b = Question::parse(b).unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
    let c = Question::parse(single(&["甲", "乙"], vec![1])).unwrap();
    assert_ne!(a.fingerprint(), c.fingerprint());
}
