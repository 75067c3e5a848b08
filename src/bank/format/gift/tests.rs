use super::*;
use crate::bank::format::{ParsedItem, Skip};
use crate::bank::model::{Aspect, Key, Question, QuestionBody, QuestionKind};
use crate::error::ErrorCode;

const FIXTURE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/moodle/questions.gift.txt"
));

fn body(item: &ParsedItem) -> &QuestionBody {
    item.result.as_ref().unwrap()
}

fn skip(item: &ParsedItem) -> &Skip {
    item.result.as_ref().unwrap_err()
}

fn question(kind: QuestionKind, stem: &str, options: &[&str], key: Key) -> Question {
    Question::parse(QuestionBody::new(kind, stem, options, key)).unwrap()
}

fn edit(q: Question, f: impl FnOnce(&mut QuestionBody)) -> Question {
    let mut b = q.into_body();
    f(&mut b);
    Question::parse(b).unwrap()
}

fn read_back(bytes: &[u8]) -> Vec<Question> {
    read(bytes)
        .unwrap()
        .items
        .into_iter()
        .map(|i| Question::parse(i.result.unwrap()).unwrap())
        .collect()
}

#[test]
fn the_moodle_fixture_yields_every_item_with_its_kind_and_line() {
    let f = read(FIXTURE).unwrap();
    let idents: Vec<&str> = f.items.iter().map(|i| i.ident.as_str()).collect();
    assert_eq!(
        idents,
        [
            "Q8",
            "Moodle activities",
            "Q2",
            "colours",
            "Q5",
            "Shortanswer",
            "Q1",
            "2-08 TSL",
            "2-08 TSL"
        ]
    );
    let lines: Vec<usize> = f.items.iter().map(|i| i.line.unwrap()).collect();
    assert_eq!(lines, [2, 5, 14, 22, 31, 34, 41, 46, 49]);

    let essay = body(&f.items[0]);
    assert_eq!(essay.kind, QuestionKind::Short);
    assert_eq!(essay.stem, "How are you?");
    assert_eq!(essay.ident, "Q8");

    assert_eq!(skip(&f.items[1]).code, ErrorCode::UnsupportedType);
    assert!(skip(&f.items[1]).reason.contains("matching"));

    let single = body(&f.items[2]);
    assert_eq!(single.kind, QuestionKind::Single);
    assert_eq!(single.options, ["yellow", "red", "blue"]);
    assert_eq!(single.key, Key::Choice { correct: vec![0] });

    let multiple = body(&f.items[3]);
    assert_eq!(multiple.kind, QuestionKind::Multiple);
    assert_eq!(multiple.options, ["yellow", "red", "off-beige", "blue"]);
    assert_eq!(
        multiple.key,
        Key::Choice {
            correct: vec![0, 2]
        }
    );

    assert_eq!(skip(&f.items[4]).code, ErrorCode::UnsupportedType);
    assert!(skip(&f.items[4]).reason.contains("tolerance"));

    let short = &f.items[5];
    assert_eq!(
        body(short).key,
        Key::Blanks {
            accepted: vec![vec!["Frog".into()]]
        }
    );
    assert_eq!(body(short).kind, QuestionKind::Fill);
    assert_eq!(short.warnings.len(), 2, "{:?}", short.warnings);

    let tf = body(&f.items[6]);
    assert_eq!(tf.kind, QuestionKind::TrueFalse);
    assert_eq!(tf.key, Key::TrueFalse { value: false });
    assert_eq!(
        tf.explanation,
        "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    );

    for item in &f.items[7..] {
        assert_eq!(body(item).key, Key::TrueFalse { value: true });
        assert_eq!(body(item).stem, "TSL is blablabla.");
    }
}

#[test]
fn every_supported_item_of_the_fixture_passes_the_model_checks() {
    let f = read(FIXTURE).unwrap();
    let ok: Vec<_> = f
        .items
        .iter()
        .filter_map(|i| i.result.clone().ok())
        .map(Question::parse)
        .collect();
    assert_eq!(ok.len(), 7);
    assert!(ok.iter().all(Result::is_ok), "{ok:?}");
}

#[test]
fn a_title_that_cannot_be_an_identifier_leaves_the_identifier_empty() {
    let f = read(FIXTURE).unwrap();
    assert_eq!(f.items[7].ident, "2-08 TSL");
    assert_eq!(body(&f.items[7]).ident, "");
}

#[test]
fn categories_apply_to_the_questions_that_follow() {
    let text = "$CATEGORY: $course$/top/法规/条例\n\n::A:: 甲 {T}\n\n// switch\n$CATEGORY: 器材\n::B:: 乙 {F}\n";
    let f = read(text.as_bytes()).unwrap();
    assert_eq!(f.items.len(), 2);
    assert_eq!(body(&f.items[0]).category, ["法规", "条例"]);
    assert_eq!(body(&f.items[1]).category, ["器材"]);
    assert_eq!(f.items[1].line, Some(7));
}

#[test]
fn missing_word_format_puts_a_blank_where_the_answer_block_was() {
    let text = "Grant is {~buried =entombed ~living} in Grant's tomb.\n\n视频监控系统由{=前端 =前端设备 =%50%摄像机}、传输和显示组成。";
    let f = read(text.as_bytes()).unwrap();
    let mc = body(&f.items[0]);
    assert_eq!(mc.stem, "Grant is ___ in Grant's tomb.");
    assert_eq!(mc.key, Key::Choice { correct: vec![1] });
    let fill = body(&f.items[1]);
    assert_eq!(fill.stem, "视频监控系统由___、传输和显示组成。");
    assert_eq!(
        fill.key,
        Key::Blanks {
            accepted: vec![vec!["前端".into(), "前端设备".into()]]
        }
    );
    assert!(Question::parse(fill.clone()).is_ok());
    assert_eq!(f.items[0].ident, "question 1");
}

#[test]
fn escaped_special_characters_are_read_literally() {
    let text = r"::a\:b:: Is 1 \= 1 \{really\}? \# C:\Windows {=yes\~sure ~no}";
    let f = read(text.as_bytes()).unwrap();
    let b = body(&f.items[0]);
    assert_eq!(f.items[0].ident, "a:b");
    assert_eq!(b.stem, r"Is 1 = 1 {really}? # C:\Windows");
    assert_eq!(b.options, ["yes~sure", "no"]);
}

#[test]
fn an_html_question_is_converted_to_plain_text() {
    let text = "[html]<p>Look at <b>this</b> &amp; <img src=\"a.png\" alt=\"sign\"></p>{\n=[html]<i>yes</i>\n~no\n####[html]<p>because</p>}";
    let f = read(text.as_bytes()).unwrap();
    let b = body(&f.items[0]);
    assert_eq!(b.stem, "Look at this & ![sign](a.png)");
    assert_eq!(b.options, ["yes", "no"]);
    assert_eq!(b.explanation, "because");
}

#[test]
fn a_gbk_encoded_file_with_chinese_text_reads_correctly() {
    let text = "// 保安法规\n$CATEGORY: 法规\n\n::LAW-1:: 保安员应当年满多少周岁？{\n=18周岁\n~16周岁\n####《保安服务管理条例》第十六条}\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    assert!(std::str::from_utf8(&bytes).is_err());
    let f = read(&bytes).unwrap();
    let b = body(&f.items[0]);
    assert_eq!(b.ident, "LAW-1");
    assert_eq!(b.category, ["法规"]);
    assert_eq!(b.stem, "保安员应当年满多少周岁？");
    assert_eq!(b.options, ["18周岁", "16周岁"]);
    assert_eq!(b.explanation, "《保安服务管理条例》第十六条");
}

#[test]
fn an_exact_number_becomes_a_fill_in_but_a_range_is_skipped() {
    let text = "When was Grant born?{#1822}\n\nAnd exactly?{#=1822:0 =%50%1821:0}\n\nRange{#1..5}\n\nBad{#abc}";
    let f = read(text.as_bytes()).unwrap();
    assert_eq!(
        body(&f.items[0]).key,
        Key::Blanks {
            accepted: vec![vec!["1822".into()]]
        }
    );
    assert_eq!(
        body(&f.items[1]).key,
        Key::Blanks {
            accepted: vec![vec!["1822".into()]]
        }
    );
    assert_eq!(f.items[1].warnings.len(), 1);
    assert_eq!(skip(&f.items[2]).code, ErrorCode::UnsupportedType);
    assert_eq!(skip(&f.items[3]).code, ErrorCode::InvalidQuestion);
}

#[test]
fn identifiers_and_tags_in_comments_are_read() {
    let text =
        "// question: 3  name: x\n// [id:SEC-01] [tag:法规] [tag:a\\]b]\n::Some title:: 甲 {TRUE}";
    let f = read(text.as_bytes()).unwrap();
    let b = body(&f.items[0]);
    assert_eq!(b.ident, "SEC-01");
    assert_eq!(b.tags, ["法规", "a]b"]);
    assert_eq!(f.items[0].ident, "Some title");
    assert_eq!(f.items[0].line, Some(3));
}

#[test]
fn a_description_and_an_unclosed_brace_are_items_skipped_with_reasons() {
    let text = "Just some text.\n\n::Broken:: What? {=a ~b\n\n::Two:: a {=x ~y} b {=z ~w}\n\n// only a comment\n";
    let f = read(text.as_bytes()).unwrap();
    assert_eq!(f.items.len(), 3);
    assert_eq!(skip(&f.items[0]).code, ErrorCode::NotAQuestion);
    assert_eq!(skip(&f.items[1]).code, ErrorCode::InvalidQuestion);
    assert_eq!(f.items[1].line, Some(3));
    assert_eq!(skip(&f.items[2]).code, ErrorCode::InvalidQuestion);
}

#[test]
fn questions_without_blank_lines_between_them_are_told_apart() {
    let text =
        "::A:: 甲 {T}\n// [tag:二]\n::B:: 乙 {\n=对\n~错\n}\n$CATEGORY: 法规\n::C:: 丙 {F}\n";
    let f = read(text.as_bytes()).unwrap();
    let idents: Vec<&str> = f.items.iter().map(|i| i.ident.as_str()).collect();
    assert_eq!(idents, ["A", "B", "C"]);
    assert!(body(&f.items[0]).tags.is_empty());
    assert_eq!(body(&f.items[1]).tags, ["二"]);
    assert_eq!(body(&f.items[1]).options, ["对", "错"]);
    assert_eq!(body(&f.items[2]).category, ["法规"]);
    assert_eq!(f.items[2].line, Some(8));
}

#[test]
fn an_empty_file_has_no_items() {
    assert!(read(b"").unwrap().items.is_empty());
    assert!(read(b"// nothing\n\n").unwrap().items.is_empty());
}

#[test]
fn writing_then_reading_gives_the_same_questions() {
    let qs = vec![
        edit(
            question(
                QuestionKind::Single,
                "保安员应当年满多少周岁？\n（单选）C:\\path {x} = y # z ~ w",
                &["16", "18", "%50% 以上", "[html]<b>"],
                Key::Choice { correct: vec![1] },
            ),
            |b| {
                b.ident = "LAW-0001".into();
                b.category = vec!["法规".into(), "条例".into()];
                b.explanation = "第十六条：年满十八周岁".into();
                b.tags = vec!["必考".into(), "a]b".into()];
            },
        ),
        edit(
            question(
                QuestionKind::Multiple,
                "以下哪些属于安防系统？",
                &["视频监控", "入侵报警", "空调", "门禁"],
                Key::Choice {
                    correct: vec![0, 1, 3],
                },
            ),
            |b| b.category = vec!["法规".into(), "条例".into()],
        ),
        question(
            QuestionKind::TrueFalse,
            "// 保安员可以查验身份证。",
            &[],
            Key::TrueFalse { value: false },
        ),
        edit(
            question(
                QuestionKind::Fill,
                "视频监控系统由___、传输和显示组成",
                &[],
                Key::Blanks {
                    accepted: vec![vec!["前端".into(), "%前端设备".into()]],
                },
            ),
            |b| {
                b.category = vec!["器材".into()];
                b.explanation = "见教材\n第三章".into();
            },
        ),
        question(
            QuestionKind::Fill,
            "答案在最后___",
            &[],
            Key::Blanks {
                accepted: vec![vec!["T".into()]],
            },
        ),
        question(
            QuestionKind::Short,
            "简述保安员的职责。\\",
            &[],
            Key::Open {
                reference: String::new(),
            },
        ),
    ];
    let out = write(&qs).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains("$CATEGORY: $course$/top/法规/条例"), "{text}");
    assert_eq!(read_back(&out), qs, "{text}");
}

#[test]
fn what_gift_cannot_hold_is_written_as_an_essay() {
    let practical = edit(
        question(
            QuestionKind::Practical,
            "现场操作灭火器",
            &[],
            Key::Open {
                reference: "拔销、握管、压把".into(),
            },
        ),
        |b| {
            b.points = 10.0;
            b.scheme = vec![Aspect {
                group: String::new(),
                kind: Default::default(),
                text: "动作规范".into(),
                points: 10.0,
            }];
        },
    );
    let fill = question(
        QuestionKind::Fill,
        "由___和___组成",
        &[],
        Key::Blanks {
            accepted: vec![vec!["甲".into()], vec!["乙".into()]],
        },
    );
    let out = write(&[practical, fill]).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(
        text.contains("// practical task written as an essay"),
        "{text}"
    );
    let back = read_back(&out);
    assert_eq!(back.len(), 2);
    assert!(back.iter().all(|q| q.kind == QuestionKind::Short));
    assert_eq!(back[1].stem, "由___和___组成");
}
