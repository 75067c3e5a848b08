use super::package::zip_files;
use super::write_item::item_xml;
use super::*;
use crate::bank::format::text;
use crate::bank::format::{Attachment, ParsedFile, ParsedItem, Skip};
use crate::bank::model::option_label;
use crate::bank::model::{Aspect, Key, Question, QuestionBody, QuestionKind, QuestionStatus};
use crate::error::ErrorCode;
use roxmltree::Document;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read};

macro_rules! fixture {
    ($name:literal) => {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/qti21/",
            $name
        ))
        .unwrap()
    };
}

fn folder_resolver(rel: &str) -> Option<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/qti21/");
    std::fs::read(format!("{dir}{rel}")).ok()
}

/// Reads a one-item file and gives back its only item.
fn one(bytes: &[u8]) -> ParsedItem {
    let f = read(bytes).unwrap();
    assert_eq!(f.items.len(), 1);
    f.items.into_iter().next().unwrap()
}

fn valid(item: &ParsedItem) -> Question {
    Question::parse(item.result.clone().unwrap()).unwrap()
}

fn skipped(item: &ParsedItem) -> &Skip {
    item.result.as_ref().unwrap_err()
}

#[test]
fn the_single_choice_sample_reads_with_prompt_and_picture_in_the_stem() {
    let item = one(&fixture!("choice.xml"));
    assert_eq!(item.ident, "choice");
    assert_eq!(item.line, Some(3));
    let q = valid(&item);
    assert_eq!(q.ident, "choice");
    assert_eq!(q.kind, QuestionKind::Single);
    assert_eq!(
        q.stem,
        "Look at the text in the picture.\n![NEVER LEAVE LUGGAGE UNATTENDED](images/sign.png)\nWhat does it say?"
    );
    assert_eq!(
        q.options,
        vec![
            "You must stay with your luggage at all times.",
            "Do not let someone else look after your luggage.",
            "Remember your luggage when you leave.",
        ]
    );
    assert_eq!(q.key, Key::Choice { correct: vec![0] });
    assert_eq!(q.points, 1.0);
    assert!(item.warnings.is_empty(), "{:?}", item.warnings);
}

#[test]
fn a_shuffled_choice_with_a_fixed_option_keeps_the_authored_order() {
    let q = valid(&one(&fixture!("choice_fixed.xml")));
    assert_eq!(q.kind, QuestionKind::Single);
    assert_eq!(q.options.len(), 4);
    assert_eq!(q.options[3], "None of the above.");
    assert_eq!(q.key, Key::Choice { correct: vec![0] });
}

#[test]
fn the_multiple_choice_sample_takes_its_points_from_the_mapping_upper_bound() {
    let q = valid(&one(&fixture!("choice_multiple.xml")));
    assert_eq!(q.ident, "choiceMultiple");
    assert_eq!(q.kind, QuestionKind::Multiple);
    assert_eq!(
        q.stem,
        "Which of the following elements are used to form water?"
    );
    assert_eq!(
        q.options,
        vec![
            "Hydrogen", "Helium", "Carbon", "Oxygen", "Nitrogen", "Chlorine"
        ]
    );
    assert_eq!(
        q.key,
        Key::Choice {
            correct: vec![0, 3]
        }
    );
    assert_eq!(q.points, 2.0);
}

#[test]
fn the_extended_text_sample_becomes_a_short_answer_with_the_postcard_as_picture() {
    let item = one(&fixture!("extended_text.xml"));
    let q = valid(&item);
    assert_eq!(q.kind, QuestionKind::Short);
    assert_eq!(
        q.key,
        Key::Open {
            reference: String::new()
        }
    );
    assert!(q.stem.starts_with("Read this postcard from your English pen-friend, Sam.\n![Here is a postcard of my town."), "{}", q.stem);
    assert!(q.stem.contains("Sam.](images/postcard.png)"), "{}", q.stem);
    assert!(
        q.stem
            .ends_with("Write Sam a postcard. Answer the questions. Write 25-35 words."),
        "{}",
        q.stem
    );
    assert!(item.warnings.is_empty(), "{:?}", item.warnings);
}

#[test]
fn one_inline_choice_becomes_a_single_choice_with_a_blank_at_its_place() {
    let q = valid(&one(&fixture!("inline_choice.xml")));
    assert_eq!(q.ident, "inlineChoice");
    assert_eq!(q.kind, QuestionKind::Single);
    assert!(
        q.stem
            .contains("Made glorious summer by this sun of ___;\nAnd all the clouds"),
        "{}",
        q.stem
    );
    assert!(
        q.stem.starts_with("Identify the missing word"),
        "{}",
        q.stem
    );
    assert_eq!(q.options, vec!["Gloucester", "Lancaster", "York"]);
    assert_eq!(q.key, Key::Choice { correct: vec![2] });
}

#[test]
fn a_text_entry_becomes_a_fill_blank_accepting_every_mapped_answer() {
    let q = valid(&one(&fixture!("text_entry.xml")));
    assert_eq!(q.ident, "textEntry");
    assert_eq!(q.kind, QuestionKind::Fill);
    assert!(
        q.stem.contains("this sun of ___;\nAnd all the clouds"),
        "{}",
        q.stem
    );
    assert_eq!(
        q.key,
        Key::Blanks {
            accepted: vec![vec!["York".into(), "york".into()]]
        }
    );
}

#[test]
fn match_and_order_items_are_skipped_naming_the_interaction() {
    for (bytes, ident, name) in [
        (fixture!("match.xml"), "match", "matchInteraction"),
        (fixture!("order.xml"), "order", "orderInteraction"),
    ] {
        let item = one(&bytes);
        assert_eq!(item.ident, ident);
        let skip = skipped(&item);
        assert_eq!(skip.code, ErrorCode::UnsupportedInteraction);
        assert!(skip.reason.contains(name), "{}", skip.reason);
    }
}

#[test]
fn the_sachsen_true_false_item_stays_a_single_choice_with_its_feedback_as_explanation() {
    let item = one(&fixture!("Choicetruefalse_176040516.xml"));
    assert_eq!(item.ident, "Choicetruefalse_176040516");
    let q = valid(&item);
    assert_eq!(q.kind, QuestionKind::Single);
    assert_eq!(q.options, vec!["Richtig", "Falsch"]);
    assert_eq!(q.key, Key::Choice { correct: vec![0] });
    assert!(
        q.stem
            .starts_with("Das Bundesland Sachsen ist eines der neuen"),
        "{}",
        q.stem
    );
    assert!(
        q.explanation.starts_with("Am 7. Oktober 1949"),
        "{}",
        q.explanation
    );
}

#[test]
fn the_sachsen_single_choice_has_pictures_as_options() {
    let item = one(&fixture!("Choicesingle_853928446.xml"));
    let q = valid(&item);
    assert_eq!(q.kind, QuestionKind::Single);
    assert_eq!(q.stem, "Das Bundesland Sachsen hat die folgende Flagge...");
    assert_eq!(
        q.options[0],
        "![flag](media/3d92a0b7b7be4480a582f62ce823d908.jpg)"
    );
    assert_eq!(q.options.len(), 4);
    assert_eq!(q.key, Key::Choice { correct: vec![0] });
    assert_eq!(
        q.explanation,
        "Die sächsischen Landesfarben sind weiß-grün."
    );
    assert!(item.warnings.is_empty());
}

#[test]
fn the_sachsen_multiple_choice_reads_with_max_choices_zero() {
    let q = valid(&one(&fixture!("Choicemultiple_2014410822.xml")));
    assert_eq!(q.kind, QuestionKind::Multiple);
    assert_eq!(
        q.stem,
        "Welche Städte verfügen nicht über einen Internationalen Flughafen?"
    );
    assert_eq!(q.options, vec!["Leipzig", "Chemnitz", "Dresden", "Zwickau"]);
    assert_eq!(
        q.key,
        Key::Choice {
            correct: vec![1, 3]
        }
    );
}

#[test]
fn the_sachsen_text_entry_puts_the_blank_in_the_sentence() {
    let q = valid(&one(&fixture!("TextEntry_883368511.xml")));
    assert_eq!(q.kind, QuestionKind::Fill);
    assert_eq!(
        q.stem,
        "Mit 1215 Metern ist der ___ die höchste Erhebung im Bundesland Sachsen."
    );
    assert_eq!(
        q.key,
        Key::Blanks {
            accepted: vec![vec!["Fichtelberg".into()]]
        }
    );
}

#[test]
fn exact_numeric_entries_become_blanks_accepting_the_plain_number() {
    let q = valid(&one(&fixture!("TextEntrynumeric_2040297025.xml")));
    assert_eq!(q.kind, QuestionKind::Fill);
    assert_eq!(
        q.stem,
        "Das Bundesland Sachsen grenzt an ___ andere deutsche Bundesländer und ___ Länder außerhalb Deutschlands."
    );
    assert_eq!(
        q.key,
        Key::Blanks {
            accepted: vec![
                vec!["4".into(), "4.0".into()],
                vec!["2".into(), "2.0".into()]
            ]
        }
    );
    assert_eq!(q.points, 2.0);
}

#[test]
fn the_sachsen_test_reads_every_reference_with_its_section_as_category() {
    let f = read_package(
        &fixture!("interaction_mix_sachsen_test.xml"),
        &folder_resolver,
    )
    .unwrap();
    assert_eq!(f.bank_name.as_deref(), Some("Interaction Mix (Sachsen)"));
    let idents: Vec<&str> = f.items.iter().map(|i| i.ident.as_str()).collect();
    assert_eq!(
        idents,
        vec![
            "Choicetruefalse_176040516",
            "Choicesingle_853928446",
            "Choicemultiple_2014410822",
            "Choicemultiple_871212949",
            "Hotspot_278940407",
            "Order_913967682",
            "Matchsingle_143114773",
            "Matchmultiple_1038910213",
            "TextEntry_883368511",
            "TextEntrynumeric_2040297025",
            "TextEntrynumeric_770468849",
            "TextEntrysubset_806481421",
            "Hottext_801974120",
        ]
    );
    let kinds: Vec<Option<QuestionKind>> = f
        .items
        .iter()
        .map(|i| i.result.as_ref().ok().map(|b| b.kind))
        .collect();
    use QuestionKind::*;
    assert_eq!(
        kinds,
        vec![
            Some(Single),
            Some(Single),
            Some(Multiple),
            None,
            None,
            None,
            None,
            None,
            Some(Fill),
            Some(Fill),
            None,
            None,
            None
        ]
    );
    for item in &f.items {
        match &item.result {
            Ok(b) => {
                assert_eq!(b.category, vec!["Sektion"]);
                assert_eq!(b.ident, item.ident);
                Question::parse(b.clone()).unwrap();
            }
            Err(skip) => {
                assert_eq!(skip.code, ErrorCode::MissingItemFile);
                assert!(
                    skip.reason.contains(&format!("{}.xml", item.ident)),
                    "{}",
                    skip.reason
                );
            }
        }
    }
    assert_eq!(f.items[4].line, Some(28));
    // The flags of the single choice are not in the folder: the importer warns about them.
    assert!(f.items[1].warnings.is_empty());
    assert!(f.attachments.is_empty());
}

#[test]
fn a_test_read_without_its_folder_reports_every_item_file_missing() {
    let f = read(&fixture!("interaction_mix_sachsen_test.xml")).unwrap();
    assert_eq!(f.items.len(), 13);
    assert!(
        f.items
            .iter()
            .all(|i| skipped(i).code == ErrorCode::MissingItemFile)
    );
}

#[test]
fn images_found_by_the_resolver_become_attachments_named_as_in_the_stem() {
    let png = b"\x89PNG\r\n\x1a\nfake".to_vec();
    let resolver = |rel: &str| (rel == "images/sign.png").then(|| png.clone());
    let f = read_package(&fixture!("choice.xml"), &resolver).unwrap();
    assert!(f.items[0].warnings.is_empty());
    assert_eq!(
        f.attachments,
        vec![Attachment {
            name: "images/sign.png".into(),
            mime: "image/png".into(),
            data: png.clone(),
        }]
    );
    let stem = &f.items[0].result.as_ref().unwrap().stem;
    assert!(stem.contains("](images/sign.png)"));
}

#[test]
fn malformed_xml_is_refused_with_its_line() {
    let err = read(b"<?xml version=\"1.0\"?>\n<assessmentItem identifier=\"x\">\n<itemBody>\n</assessmentItem>")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MalformedXml);
    assert!(err.message.contains("line 4"), "{}", err.message);
}

#[test]
fn a_root_that_is_not_qti_is_refused() {
    assert_eq!(
        read(b"<quiz/>").unwrap_err().code,
        ErrorCode::UnsupportedFormat
    );
}

const TOLERANCE: &str = r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="pi" title="pi">
  <responseDeclaration identifier="R" cardinality="single" baseType="float">
<correctResponse><value>3.14</value></correctResponse>
  </responseDeclaration>
  <itemBody><p>π ≈ <textEntryInteraction responseIdentifier="R"/></p></itemBody>
  <responseProcessing><responseCondition><responseIf>
<equal toleranceMode="absolute" tolerance="0.01"><variable identifier="R"/><correct identifier="R"/></equal>
<setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
  </responseIf></responseCondition></responseProcessing>
</assessmentItem>"#;

#[test]
fn a_numeric_entry_scored_with_a_tolerance_is_skipped_as_a_numeric_range() {
    let item = one(TOLERANCE.as_bytes());
    assert_eq!(item.ident, "pi");
    let skip = skipped(&item);
    assert_eq!(skip.code, ErrorCode::UnsupportedInteraction);
    assert!(skip.reason.contains("numeric range"), "{}", skip.reason);
}

#[test]
fn an_item_mixing_kinds_of_interaction_is_skipped_as_composite() {
    let xml = r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="mix">
  <responseDeclaration identifier="A" cardinality="single" baseType="identifier"><correctResponse><value>x</value></correctResponse></responseDeclaration>
  <responseDeclaration identifier="B" cardinality="single" baseType="string"><correctResponse><value>y</value></correctResponse></responseDeclaration>
  <itemBody>
<choiceInteraction responseIdentifier="A" maxChoices="1"><simpleChoice identifier="x">X</simpleChoice><simpleChoice identifier="z">Z</simpleChoice></choiceInteraction>
<p>and <textEntryInteraction responseIdentifier="B"/></p>
  </itemBody>
</assessmentItem>"#;
    let skip = one(xml.as_bytes()).result.unwrap_err();
    assert_eq!(skip.code, ErrorCode::UnsupportedInteraction);
    assert!(skip.reason.contains("composite item"), "{}", skip.reason);
    assert!(skip.reason.contains("choiceInteraction"), "{}", skip.reason);
}

#[test]
fn two_choices_reading_true_and_false_become_a_true_false_question() {
    let xml = r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="tf">
  <responseDeclaration identifier="R" cardinality="single" baseType="identifier"><correctResponse><value>f</value></correctResponse></responseDeclaration>
  <itemBody><p>保安员可以扣押他人证件。</p>
<choiceInteraction responseIdentifier="R" maxChoices="1"><simpleChoice identifier="t">正确</simpleChoice><simpleChoice identifier="f">错误</simpleChoice></choiceInteraction>
  </itemBody>
</assessmentItem>"#;
    let q = valid(&one(xml.as_bytes()));
    assert_eq!(q.kind, QuestionKind::TrueFalse);
    assert_eq!(q.key, Key::TrueFalse { value: false });
    assert!(q.options.is_empty());
}

fn sample_questions() -> Vec<Question> {
    let base = QuestionBody {
        ident: "LAW-0001".into(),
        kind: QuestionKind::Single,
        category: vec!["保安服务管理条例".into(), "保安员".into()],
        stem: "保安员应当年满多少周岁？".into(),
        options: vec!["16周岁".into(), "18周岁".into(), "20周岁 & <以上>".into()],
        key: Key::Choice { correct: vec![1] },
        rubric: String::new(),
        scheme: vec![],
        minutes: 0,
        equipment: vec![],
        points: 2.0,
        difficulty: 2,
        explanation: "《保安服务管理条例》第十六条：年满18周岁。".into(),
        source: "《保安服务管理条例》第十六条".into(),
        tags: vec!["法规".into(), "入职".into()],
        status: QuestionStatus::Active,
    };
    let bodies = vec![
        base.clone(),
        QuestionBody {
            ident: "LAW-0002".into(),
            kind: QuestionKind::Multiple,
            stem: "下列哪些属于保安服务？\n（多选）".into(),
            options: vec!["门卫".into(), "巡逻".into(), "守护".into(), "侦查".into()],
            key: Key::Choice {
                correct: vec![0, 1, 2],
            },
            points: 1.5,
            difficulty: 4,
            tags: vec![],
            source: String::new(),
            status: QuestionStatus::Draft,
            ..base.clone()
        },
        QuestionBody {
            ident: "1号判断".into(),
            kind: QuestionKind::TrueFalse,
            stem: "保安员可以扣押他人证件。".into(),
            options: vec![],
            key: Key::TrueFalse { value: false },
            category: vec![],
            explanation: String::new(),
            status: QuestionStatus::Retired,
            ..base.clone()
        },
        QuestionBody {
            ident: "LAW-0004".into(),
            kind: QuestionKind::TrueFalse,
            stem: "保安员应当遵纪守法。".into(),
            options: vec![],
            key: Key::TrueFalse { value: true },
            category: vec!["保安服务管理条例".into()],
            ..base.clone()
        },
        QuestionBody {
            ident: "VID-0001".into(),
            kind: QuestionKind::Fill,
            stem: "视频监控系统由___、传输、_____和显示四部分组成".into(),
            options: vec![],
            key: Key::Blanks {
                accepted: vec![vec!["前端".into(), "前端设备".into()], vec!["存储".into()]],
            },
            category: vec!["安全防范".into(), "视频监控".into()],
            difficulty: 5,
            ..base.clone()
        },
        QuestionBody {
            ident: "VID-0002".into(),
            kind: QuestionKind::Fill,
            stem: "一级风险防护单位的视频图像保存期不少于多少天？".into(),
            options: vec![],
            key: Key::Blanks {
                accepted: vec![vec!["90".into(), "九十".into()]],
            },
            category: vec!["安全防范".into(), "视频监控".into()],
            ..base.clone()
        },
        QuestionBody {
            ident: "VID-0003".into(),
            kind: QuestionKind::Short,
            stem: "简述巡逻的基本要求。".into(),
            options: vec![],
            key: Key::Open {
                reference: "定时、定线、定点；\n发现问题及时报告。".into(),
            },
            rubric: "要点各 2 分".into(),
            points: 4.0,
            category: vec!["安全防范".into()],
            ..base.clone()
        },
        QuestionBody {
            ident: "PRA-0001".into(),
            kind: QuestionKind::Practical,
            stem: "演示手提式干粉灭火器的使用。".into(),
            options: vec![],
            key: Key::Open {
                reference: "提、拔、握、压".into(),
            },
            rubric: "按步骤给分".into(),
            scheme: vec![
                Aspect {
                    group: String::new(),
                    kind: Default::default(),
                    text: "拔保险销".into(),
                    points: 4.0,
                },
                Aspect {
                    group: String::new(),
                    kind: Default::default(),
                    text: "对准火焰根部".into(),
                    points: 6.5,
                },
            ],
            points: 10.5,
            category: vec!["安全防范".into(), "消防".into()],
            ..base.clone()
        },
        QuestionBody {
            ident: "PRA-0002".into(),
            kind: QuestionKind::Practical,
            stem: "现场处置可疑包裹。".into(),
            options: vec![],
            key: Key::Open {
                reference: String::new(),
            },
            explanation: String::new(),
            source: String::new(),
            tags: vec![],
            category: vec![],
            ..base
        },
    ];
    bodies
        .into_iter()
        .map(|b| Question::parse(b).unwrap())
        .collect()
}

fn read_back(bytes: &[u8]) -> (ParsedFile, Vec<Question>) {
    let f = read(bytes).unwrap();
    let qs = f.items.iter().map(valid).collect();
    (f, qs)
}

#[test]
fn writing_then_reading_a_package_gives_the_same_questions() {
    let qs = sample_questions();
    let bytes = write("保安员题库", &qs, &[]).unwrap();
    assert!(bytes.starts_with(b"PK"));
    let (f, back) = read_back(&bytes);
    assert_eq!(f.bank_name.as_deref(), Some("保安员题库"));
    assert_eq!(back.len(), qs.len());
    for (a, b) in back.iter().zip(&qs) {
        assert_eq!(a, b);
    }
    assert_eq!(f.items[2].ident, "1号判断");
}

#[test]
fn the_package_holds_a_manifest_a_test_and_one_file_per_item() {
    let qs = sample_questions();
    let bytes = write("题库", &qs, &[]).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    assert!(names.contains(&"imsmanifest.xml".to_string()));
    assert!(names.contains(&"test.xml".to_string()));
    assert!(names.contains(&"items/LAW-0001.xml".to_string()));
    assert!(names.contains(&"items/item-3.xml".to_string()));
    // Each item file is a QTI assessmentItem that reads on its own.
    let mut item = String::new();
    zip.by_name("items/VID-0001.xml")
        .unwrap()
        .read_to_string(&mut item)
        .unwrap();
    let q = valid(&one(item.as_bytes()));
    assert_eq!(q.stem, qs[4].stem);
    assert_eq!(q.key, qs[4].key);
}

#[test]
fn images_go_into_the_package_and_come_back_as_attachments() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-image-bytes".to_vec();
    let hash = hex::encode(Sha256::digest(&png));
    let stem = format!("看图回答：\n![禁止标志](/api/media/{hash})\n这个标志是什么意思？");
    let q = Question::parse(QuestionBody {
        ident: "IMG-1".into(),
        kind: QuestionKind::Single,
        category: vec!["标志".into()],
        stem,
        options: vec!["禁止吸烟".into(), "禁止通行".into()],
        key: Key::Choice { correct: vec![0] },
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
    })
    .unwrap();
    let attachment = Attachment {
        name: format!("{hash}.png"),
        mime: "image/png".into(),
        data: png.clone(),
    };
    let bytes = write("图", std::slice::from_ref(&q), &[attachment]).unwrap();
    let f = read(&bytes).unwrap();
    assert!(f.items[0].warnings.is_empty(), "{:?}", f.items[0].warnings);
    let name = format!("images/{hash}.png");
    assert_eq!(f.attachments.len(), 1);
    assert_eq!(f.attachments[0].name, name);
    assert_eq!(f.attachments[0].mime, "image/png");
    assert_eq!(f.attachments[0].data, png);
    // Storing the attachment and pointing the stem at it gives the question back.
    let mut body = f.items[0].result.clone().unwrap();
    assert!(
        body.stem.contains(&format!("![禁止标志]({name})")),
        "{}",
        body.stem
    );
    body.stem = text::map_image_refs(&body.stem, |r| {
        let a = f.attachments.iter().find(|a| a.name == r.target)?;
        Some(format!(
            "{}{}",
            text::MEDIA_PREFIX,
            hex::encode(Sha256::digest(&a.data))
        ))
    });
    assert_eq!(Question::parse(body).unwrap(), q);
}

#[test]
fn a_zip_without_a_manifest_is_read_item_by_item_with_its_images() {
    let png = b"\x89PNG\r\n\x1a\nsign".to_vec();
    let bytes = zip_files(vec![
        ("pack/choice.xml".into(), fixture!("choice.xml")),
        ("pack/images/sign.png".into(), png.clone()),
        ("pack/order.xml".into(), fixture!("order.xml")),
        ("readme.txt".into(), b"not QTI".to_vec()),
    ])
    .unwrap();
    let f = read(&bytes).unwrap();
    assert_eq!(f.items.len(), 2);
    assert_eq!(f.items[0].ident, "choice");
    assert!(f.items[0].warnings.is_empty(), "{:?}", f.items[0].warnings);
    let stem = &f.items[0].result.as_ref().unwrap().stem;
    assert!(stem.contains("](pack/images/sign.png)"), "{stem}");
    assert_eq!(f.attachments[0].name, "pack/images/sign.png");
    assert_eq!(f.attachments[0].data, png);
    assert_eq!(skipped(&f.items[1]).code, ErrorCode::UnsupportedInteraction);
}

#[test]
fn a_broken_zip_is_refused() {
    assert_eq!(
        read(b"PK\x03\x04broken").unwrap_err().code,
        ErrorCode::MalformedZip
    );
}

#[test]
fn option_letters_are_the_choice_identifiers_written() {
    let qs = sample_questions();
    let xml = item_xml(&qs[1], "LAW-0002", &mut |t: &str| t.to_string());
    for i in 0..4 {
        assert!(xml.contains(&format!(
            "<simpleChoice identifier=\"{}\">",
            option_label(i)
        )));
    }
    assert!(xml.contains("maxChoices=\"0\""));
    Document::parse(&xml).unwrap();
}
