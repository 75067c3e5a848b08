use super::*;
use crate::bank::format::text::MEDIA_PREFIX;
use crate::bank::format::text::map_image_refs;
use crate::bank::format::{Attachment, ParsedItem, Skip};
use crate::bank::model::Aspect;
use crate::bank::model::{Key, Question, QuestionBody, QuestionKind};
use crate::error::ErrorCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};

const NESTED: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/moodle/nested_categories_with_questions.xml"
));

fn body(item: &ParsedItem) -> &QuestionBody {
    item.result.as_ref().unwrap()
}

fn skip(item: &ParsedItem) -> &Skip {
    item.result.as_ref().unwrap_err()
}

#[test]
fn the_nested_categories_fixture_reads_every_question_with_its_category() {
    let f = read(NESTED).unwrap();
    let idents: Vec<&str> = f.items.iter().map(|i| i.ident.as_str()).collect();
    assert_eq!(
        idents,
        [
            "Iota Question",
            "Kappa Essay Question",
            "Kappa Question",
            "Lambda Question",
            "Mu Question"
        ]
    );
    let lines: Vec<usize> = f.items.iter().map(|i| i.line.unwrap()).collect();
    assert_eq!(lines, [14, 52, 79, 117, 155]);
    let categories: Vec<Vec<String>> = f.items.iter().map(|i| body(i).category.clone()).collect();
    assert_eq!(
        categories,
        [
            vec!["Iota"],
            vec!["Iota", "Kappa"],
            vec!["Iota", "Kappa"],
            vec!["Iota", "Kappa", "Lambda"],
            vec!["Iota", "Mu"],
        ]
    );
    let iota = body(&f.items[0]);
    assert_eq!(iota.kind, QuestionKind::TrueFalse);
    assert_eq!(iota.key, Key::TrueFalse { value: true });
    assert_eq!(iota.stem, "Testing Iota Question");
    assert_eq!(iota.ident, "");
    assert_eq!(iota.points, 1.0);
    let essay = body(&f.items[1]);
    assert_eq!(essay.kind, QuestionKind::Short);
    assert_eq!(essay.stem, "Testing Kappa Essay Question");
    assert_eq!(
        essay.key,
        Key::Open {
            reference: String::new()
        }
    );
    for item in &f.items {
        assert!(Question::parse(body(item).clone()).is_ok());
        assert!(item.warnings.is_empty());
    }
}

#[test]
fn malformed_xml_is_refused_with_its_line() {
    let err = read(b"<?xml version=\"1.0\"?>\n<quiz>\n<question type=\"truefalse\">\n</quiz>\n")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MalformedXml);
    assert!(err.message.contains("line 4"), "{}", err.message);
}

#[test]
fn a_file_that_is_not_a_quiz_is_refused() {
    let err = read(b"<assessmentItem/>").unwrap_err();
    assert_eq!(err.code, ErrorCode::MalformedXml);
    assert!(err.message.contains("<quiz>"));
}

#[test]
fn an_empty_quiz_has_no_items() {
    assert!(read(b"<quiz></quiz>").unwrap().items.is_empty());
    let only_category = b"<quiz><question type=\"category\"><category><text>$course$/top/A</text></category></question></quiz>";
    assert!(read(only_category).unwrap().items.is_empty());
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn sample() -> String {
    let png = B64.encode(PNG);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
<category><text>$system$/top/法规/条例</text></category>
  </question>
  <question type="multichoice">
<name><text>LAW-1</text></name>
<questiontext format="html">
  <text><![CDATA[<p>看图回答：</p><p><img src="@@PLUGINFILE@@/my%20sign.png" alt="标志"></p>]]></text>
  <file name="my sign.png" path="/" encoding="base64">{png}</file>
</questiontext>
<generalfeedback format="html"><text>&lt;p&gt;第十六条&lt;/p&gt;</text></generalfeedback>
<defaultgrade>2.0000000</defaultgrade>
<idnumber></idnumber>
<single>true</single>
<answer fraction="100" format="html"><text>&lt;p&gt;禁止&lt;/p&gt;</text></answer>
<answer fraction="50" format="html"><text>允许</text></answer>
<answer fraction="0" format="html"><text>视情况</text></answer>
<tags><tag><text>标志</text></tag><tag><text>必考</text></tag></tags>
  </question>
  <question type="multichoice">
<name><text>多选题</text></name>
<questiontext format="html"><text>以下哪些属于安防系统？ &lt;img src="@@PLUGINFILE@@/gone.png"&gt;</text></questiontext>
<idnumber>SEC-2</idnumber>
<single>false</single>
<answer fraction="50"><text>视频监控</text></answer>
<answer fraction="50"><text>门禁</text></answer>
<answer fraction="-100"><text>空调</text></answer>
  </question>
  <question type="shortanswer">
<name><text>视频监控系统由___…</text></name>
<questiontext format="html"><text>视频监控系统由___、传输和显示组成</text></questiontext>
<answer fraction="100"><text>前端</text></answer>
<answer fraction="100"><text>前端设备</text></answer>
<answer fraction="0"><text>*</text></answer>
  </question>
  <question type="numerical">
<name><text>exact</text></name>
<questiontext format="plain_text"><text>1+1=?</text></questiontext>
<answer fraction="100"><text>2</text><tolerance>0</tolerance></answer>
  </question>
  <question type="numerical">
<name><text>range</text></name>
<questiontext format="plain_text"><text>About pi?</text></questiontext>
<answer fraction="100"><text>3.14</text><tolerance>0.01</tolerance></answer>
  </question>
  <question type="essay">
<name><text>essay</text></name>
<questiontext format="html"><text>简述保安员的职责。</text></questiontext>
<graderinfo format="html"><text>&lt;p&gt;要点齐全得满分&lt;/p&gt;&lt;p&gt;参考答案：守护、巡逻&lt;/p&gt;</text></graderinfo>
  </question>
  <question type="cloze">
<name><text>cloze</text></name>
<questiontext format="html"><text><![CDATA[<p>{{1:SHORTANSWER:=北京~%50%京}}是首都，{{1:SA:=上海\}}}}是城市</p>]]></text></questiontext>
  </question>
  <question type="cloze">
<name><text>cloze mc</text></name>
<questiontext format="html"><text>{{1:MULTICHOICE:=a~b}}</text></questiontext>
  </question>
  <question type="matching">
<name><text>match</text></name>
<questiontext format="html"><text>Match</text></questiontext>
  </question>
  <question type="description">
<name><text>intro</text></name>
<questiontext format="html"><text>Read this first.</text></questiontext>
  </question>
  <question type="ddwtos">
<questiontext format="html"><text>Drag</text></questiontext>
  </question>
</quiz>
"#
    )
}

#[test]
fn each_supported_type_maps_to_its_kind() {
    let f = read(sample().as_bytes()).unwrap();
    assert_eq!(f.items.len(), 11);

    let single = body(&f.items[0]);
    assert_eq!(single.ident, "LAW-1");
    assert_eq!(single.category, ["法规", "条例"]);
    assert_eq!(single.kind, QuestionKind::Single);
    assert_eq!(single.stem, "看图回答：\n![标志](my sign.png)");
    assert_eq!(single.options, ["禁止", "允许", "视情况"]);
    assert_eq!(single.key, Key::Choice { correct: vec![0] });
    assert_eq!(single.explanation, "第十六条");
    assert_eq!(single.points, 2.0);
    assert_eq!(single.tags, ["标志", "必考"]);
    assert_eq!(f.items[0].warnings.len(), 1, "partial credit is reported");
    assert_eq!(f.attachments.len(), 1);
    assert_eq!(f.attachments[0].name, "my sign.png");
    assert_eq!(f.attachments[0].mime, "image/png");
    assert_eq!(f.attachments[0].data, PNG);

    let multiple = body(&f.items[1]);
    assert_eq!(multiple.ident, "SEC-2");
    assert_eq!(multiple.kind, QuestionKind::Multiple);
    assert_eq!(
        multiple.key,
        Key::Choice {
            correct: vec![0, 1]
        }
    );
    assert_eq!(multiple.stem, "以下哪些属于安防系统？ ![](gone.png)");

    let fill = body(&f.items[2]);
    assert_eq!(fill.kind, QuestionKind::Fill);
    assert_eq!(
        fill.key,
        Key::Blanks {
            accepted: vec![vec!["前端".into(), "前端设备".into()]]
        }
    );
    assert_eq!(
        fill.ident, "",
        "a name that repeats the stem is no identifier"
    );
    assert_eq!(f.items[2].warnings.len(), 1);

    assert_eq!(
        body(&f.items[3]).key,
        Key::Blanks {
            accepted: vec![vec!["2".into()]]
        }
    );
    assert_eq!(skip(&f.items[4]).code, ErrorCode::UnsupportedType);
    assert!(skip(&f.items[4]).reason.contains("tolerance"));

    let essay = body(&f.items[5]);
    assert_eq!(essay.kind, QuestionKind::Short);
    assert_eq!(essay.rubric, "要点齐全得满分");
    assert_eq!(
        essay.key,
        Key::Open {
            reference: "守护、巡逻".into()
        }
    );

    let cloze = body(&f.items[6]);
    assert_eq!(cloze.stem, "___是首都，___是城市");
    assert_eq!(
        cloze.key,
        Key::Blanks {
            accepted: vec![vec!["北京".into()], vec!["上海}".into()]]
        }
    );
    assert!(skip(&f.items[7]).reason.contains("MULTICHOICE"));
    assert_eq!(skip(&f.items[8]).code, ErrorCode::UnsupportedType);
    assert!(skip(&f.items[8]).reason.contains("matching"));
    assert_eq!(skip(&f.items[9]).code, ErrorCode::NotAQuestion);
    assert_eq!(skip(&f.items[10]).code, ErrorCode::UnsupportedType);
    assert_eq!(f.items[10].ident, "question 11");

    for item in f.items.iter().filter(|i| i.result.is_ok()) {
        assert!(
            Question::parse(body(item).clone()).is_ok(),
            "{}",
            item.ident
        );
    }
}

#[test]
fn two_images_with_the_same_name_but_different_bytes_both_survive() {
    let xml = format!(
        r#"<quiz>
<question type="truefalse"><questiontext format="html"><text>&lt;img src="@@PLUGINFILE@@/a.png"&gt;</text><file name="a.png" encoding="base64">{}</file></questiontext><answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
<question type="truefalse"><questiontext format="html"><text>&lt;img src="@@PLUGINFILE@@/a.png"&gt;</text><file name="a.png" encoding="base64">{}</file></questiontext><answer fraction="0"><text>true</text></answer><answer fraction="100"><text>false</text></answer></question>
</quiz>"#,
        B64.encode(b"one"),
        B64.encode(b"two")
    );
    let f = read(xml.as_bytes()).unwrap();
    assert_eq!(body(&f.items[0]).stem, "![](a.png)");
    assert_eq!(body(&f.items[1]).stem, "![](a-2.png)");
    assert_eq!(body(&f.items[1]).key, Key::TrueFalse { value: false });
    assert_eq!(f.attachments.len(), 2);
    assert_eq!(f.attachments[1].data, b"two");
}

#[test]
fn a_gbk_encoded_file_with_chinese_text_reads_correctly() {
    let xml = "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<quiz><question type=\"truefalse\"><name><text>判断一</text></name><questiontext format=\"plain_text\"><text>保安员可以查验身份证。</text></questiontext><answer fraction=\"0\"><text>true</text></answer><answer fraction=\"100\"><text>false</text></answer></question></quiz>";
    let (bytes, _, _) = encoding_rs::GBK.encode(xml);
    let f = read(&bytes).unwrap();
    assert_eq!(f.items[0].ident, "判断一");
    assert_eq!(body(&f.items[0]).stem, "保安员可以查验身份证。");
    assert_eq!(body(&f.items[0]).key, Key::TrueFalse { value: false });
}

fn question(kind: QuestionKind, stem: &str, options: &[&str], key: Key) -> Question {
    Question::parse(QuestionBody::new(kind, stem, options, key)).unwrap()
}

fn edit(q: Question, f: impl FnOnce(&mut QuestionBody)) -> Question {
    let mut b = q.into_body();
    f(&mut b);
    Question::parse(b).unwrap()
}

/// Reads a written file back the way the importer stores it: attachments become
/// `/api/media/<sha256>` targets.
fn read_back(bytes: &[u8]) -> Vec<Question> {
    let f = read(bytes).unwrap();
    f.items
        .into_iter()
        .map(|i| {
            let mut b = i.result.unwrap();
            b.stem = map_image_refs(&b.stem, |r| {
                let a = f.attachments.iter().find(|a| a.name == r.target)?;
                Some(format!(
                    "{MEDIA_PREFIX}{}",
                    hex::encode(Sha256::digest(&a.data))
                ))
            });
            Question::parse(b).unwrap()
        })
        .collect()
}

#[test]
fn writing_then_reading_gives_the_same_questions() {
    let hash = hex::encode(Sha256::digest(PNG));
    let attachments = vec![Attachment {
        name: hash.clone(),
        mime: "image/png".into(),
        data: PNG.to_vec(),
    }];
    let qs = vec![
        edit(
            question(
                QuestionKind::Single,
                &format!("看图回答 <禁止> & “标志”：\n![禁止标志](/api/media/{hash})"),
                &["禁止通行", "允许通行", "a < b"],
                Key::Choice { correct: vec![0] },
            ),
            |b| {
                b.ident = "SIGN-01".into();
                b.category = vec!["标志".into(), "道路/交通".into()];
                b.explanation = "见《道路交通标志》]]> 第三条".into();
                b.points = 2.5;
                b.tags = vec!["图".into(), "必考".into()];
            },
        ),
        edit(
            question(
                QuestionKind::Multiple,
                "以下哪些属于安防系统？",
                &["视频监控", "入侵报警", "空调"],
                Key::Choice {
                    correct: vec![0, 1],
                },
            ),
            |b| b.category = vec!["标志".into(), "道路/交通".into()],
        ),
        question(
            QuestionKind::TrueFalse,
            "保安员可以查验身份证。",
            &[],
            Key::TrueFalse { value: false },
        ),
        edit(
            question(
                QuestionKind::Fill,
                "视频监控系统由___、传输和显示组成",
                &[],
                Key::Blanks {
                    accepted: vec![vec!["前端".into(), "前端<设备>".into()]],
                },
            ),
            |b| b.category = vec!["器材".into()],
        ),
        question(
            QuestionKind::Fill,
            "___由___和显示组成",
            &[],
            Key::Blanks {
                accepted: vec![vec!["系统".into()], vec!["前端}".into(), "a~b#c\\d".into()]],
            },
        ),
        edit(
            question(
                QuestionKind::Short,
                "简述保安员的职责。",
                &[],
                Key::Open {
                    reference: "守护、巡逻\n随身护卫".into(),
                },
            ),
            |b| {
                b.rubric = "要点齐全得满分".into();
                b.points = 10.0;
            },
        ),
    ];
    let out = write(&qs, &attachments).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(
        text.contains(&format!("@@PLUGINFILE@@/{hash}.png")),
        "{text}"
    );
    assert!(text.contains("$course$/top/标志/道路//交通"), "{text}");
    assert_eq!(read(&out).unwrap().attachments.len(), 1);
    assert_eq!(read_back(&out), qs, "{text}");
}

#[test]
fn a_practical_task_is_written_as_an_essay_with_its_scheme_for_the_graders() {
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
            b.scheme = vec![
                Aspect {
                    group: String::new(),
                    kind: Default::default(),
                    text: "动作规范".into(),
                    points: 6.0,
                },
                Aspect {
                    group: String::new(),
                    kind: Default::default(),
                    text: "用时合理".into(),
                    points: 4.0,
                },
            ];
        },
    );
    let out = write(&[practical], &[]).unwrap();
    let back = read_back(&out);
    assert_eq!(back[0].kind, QuestionKind::Short);
    assert_eq!(back[0].points, 10.0);
    assert!(
        back[0].rubric.contains("1. 动作规范（6分，"),
        "{}",
        back[0].rubric
    );
    assert_eq!(
        back[0].key,
        Key::Open {
            reference: "拔销、握管、压把".into()
        }
    );
}

#[test]
fn category_paths_lose_their_context_marker_and_top() {
    assert_eq!(category_path("$course$/top/A/B"), ["A", "B"]);
    assert_eq!(category_path("$cat1$/top"), Vec::<String>::new());
    assert_eq!(category_path("top/A//B/C"), ["A/B", "C"]);
    assert_eq!(category_path("法规"), ["法规"]);
    assert_eq!(
        category_path(&category_text(&["a/b".into(), "c".into()])),
        ["a/b", "c"]
    );
}
