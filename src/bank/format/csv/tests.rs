use super::row::parse_difficulty;
use super::*;
use crate::bank::model::{Aspect, Key, QuestionBody, QuestionKind, QuestionStatus};
use crate::error::ErrorCode;

fn questions() -> Vec<Question> {
    let base = QuestionBody {
        ident: "LAW-0001".into(),
        kind: QuestionKind::Single,
        category: vec!["保安服务管理条例".into(), "保安员".into()],
        stem: "保安员应当年满多少周岁？".into(),
        options: vec!["16周岁".into(), "18周岁".into(), "20周岁".into()],
        key: Key::Choice { correct: vec![1] },
        rubric: String::new(),
        scheme: vec![],
        minutes: 0,
        equipment: vec![],
        points: 2.0,
        difficulty: 2,
        explanation: "《保安服务管理条例》第十六条。".into(),
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
            status: QuestionStatus::Draft,
            ..base.clone()
        },
        QuestionBody {
            ident: "LAW-0003".into(),
            kind: QuestionKind::TrueFalse,
            stem: "保安员可以扣押他人证件。".into(),
            options: vec![],
            key: Key::TrueFalse { value: false },
            category: vec![],
            status: QuestionStatus::Retired,
            ..base.clone()
        },
        QuestionBody {
            ident: "VID-0001".into(),
            kind: QuestionKind::Fill,
            stem: "视频监控系统由___、传输、___和显示四部分组成".into(),
            options: vec![],
            key: Key::Blanks {
                accepted: vec![vec!["前端".into(), "前端设备".into()], vec!["存储".into()]],
            },
            ..base.clone()
        },
        QuestionBody {
            ident: "VID-0002".into(),
            kind: QuestionKind::Short,
            stem: "简述巡逻的基本要求。".into(),
            options: vec![],
            key: Key::Open {
                reference: "定时、定线、定点；\n发现问题及时报告。".into(),
            },
            rubric: "要点各 2 分".into(),
            points: 4.0,
            ..base.clone()
        },
        QuestionBody {
            ident: "PRA-0001".into(),
            kind: QuestionKind::Practical,
            stem: "演示灭火器的使用。".into(),
            options: vec![],
            key: Key::Open {
                reference: "提、拔、握、压".into(),
            },
            rubric: "按步骤给分".into(),
            points: 10.0,
            difficulty: 5,
            ..base
        },
    ];
    bodies
        .into_iter()
        .map(|b| Question::parse(b).unwrap())
        .collect()
}

fn bodies(file: ParsedFile) -> Vec<Question> {
    file.items
        .into_iter()
        .map(|i| Question::parse(i.result.unwrap()).unwrap())
        .collect()
}

#[test]
fn writing_then_reading_gives_the_same_questions() {
    let qs = questions();
    let bytes = write(&qs).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert_eq!(bodies(read(&bytes).unwrap()), qs);
}

#[test]
fn a_practical_scheme_equipment_and_time_come_back_from_csv() {
    let mut b = questions()[5].clone().into_body();
    b.minutes = 30;
    b.equipment = vec![crate::bank::model::Equipment {
        name: "灭火器".into(),
        spec: "4kg 干粉".into(),
        quantity: 1.0,
        unit: "具".into(),
    }];
    b.scheme = vec![
        Aspect {
            group: "操作".into(),
            kind: Default::default(),
            text: "拔保险销".into(),
            points: 4.0,
        },
        Aspect {
            group: "操作".into(),
            kind: crate::bank::model::AspectKind::Deduction { per: 2.0 },
            text: "喷射方向错误".into(),
            points: 4.0,
        },
        Aspect {
            group: String::new(),
            kind: Default::default(),
            text: "对准火焰根部".into(),
            points: 6.0,
        },
    ];
    let q = Question::parse(b).unwrap();
    let bytes = write(std::slice::from_ref(&q)).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("操作|喷射方向错误|4|扣分|每次扣2分"),
        "{text}"
    );
    assert_eq!(bodies(read(&bytes).unwrap())[0], q);
}

#[test]
fn an_old_free_text_scheme_column_becomes_the_rubric() {
    let text = "题型,题干,答案,分值,评分细则\n实操,操作灭火器,拔销压把,10,动作规范得分\n";
    let f = read(text.as_bytes()).unwrap();
    let b = f.items[0].result.as_ref().unwrap();
    assert_eq!(b.rubric, "动作规范得分");
    assert!(b.scheme.is_empty());
    assert_eq!(f.items[0].warnings.len(), 1);
}

#[test]
fn a_gbk_encoded_csv_with_chinese_headers_reads_correctly() {
    let text = "题型,题干,选项A,选项B,选项C,答案,解析,难度,分类,分值\r\n\
                单选题,保安员应当年满多少周岁？,16,18,20,B,第十六条,较易,法规>条例,2\r\n\
                判断,保安员可以扣押他人证件。,,,,错,,,,\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    assert!(std::str::from_utf8(&gbk).is_err());
    let f = read(&gbk).unwrap();
    assert_eq!(f.items.len(), 2);
    assert_eq!(f.items[0].ident, "row 2");
    assert_eq!(f.items[0].line, Some(2));
    let b = f.items[0].result.as_ref().unwrap();
    assert_eq!(b.kind, QuestionKind::Single);
    assert_eq!(b.stem, "保安员应当年满多少周岁？");
    assert_eq!(b.options, vec!["16", "18", "20"]);
    assert_eq!(b.key, Key::Choice { correct: vec![1] });
    assert_eq!(b.difficulty, 2);
    assert_eq!(b.category, vec!["法规", "条例"]);
    assert_eq!(b.points, 2.0);
    let tf = f.items[1].result.as_ref().unwrap();
    assert_eq!(tf.key, Key::TrueFalse { value: false });
    assert!(Question::parse(tf.clone()).is_ok());
}

#[test]
fn header_variants_are_recognized() {
    let text = "\u{FEFF} ID ,题型*,题干（必填）,Ａ,选项Ｂ,option c,正确答案,标签\n\
                Q-7,多选,哪些是颜色？,红,绿,圆,AB,\"颜色，基础\"\n";
    let f = read(text.as_bytes()).unwrap();
    let b = f.items[0].result.as_ref().unwrap();
    assert_eq!(f.items[0].ident, "Q-7");
    assert_eq!(b.ident, "Q-7");
    assert_eq!(b.options, vec!["红", "绿", "圆"]);
    assert_eq!(
        b.key,
        Key::Choice {
            correct: vec![0, 1]
        }
    );
    assert_eq!(b.tags, vec!["颜色", "基础"]);
}

#[test]
fn a_file_without_the_required_columns_is_refused_naming_them() {
    let err = read("题型,题目说明\n单选,x\n".as_bytes()).unwrap_err();
    assert_eq!(err.code, ErrorCode::MissingColumn);
    assert!(err.message.contains("题干"), "{}", err.message);
    assert!(err.message.contains("答案"), "{}", err.message);
    assert!(!err.message.contains("题型"), "{}", err.message);
    assert_eq!(read(b"").unwrap_err().code, ErrorCode::MissingColumn);
}

#[test]
fn a_bad_row_is_skipped_with_its_reason_and_row_number_and_empty_rows_are_passed_over() {
    let text = "题型,题干,选项A,选项B,答案,难度,分值\n\
                单选,甲,a,b,A,3,1\n\
                ,,,,,,\n\
                单选,乙,a,b,Z,3,1\n\
                论述题外,丙,,,x,,\n\
                单选,丁,a,b,A,极难,1\n\
                单选,戊,a,b,A,3,两分\n\
                填空,己,,,,,\n";
    let f = read(text.as_bytes()).unwrap();
    assert_eq!(f.items.len(), 6, "the empty row is not an item");
    assert!(f.items[0].result.is_ok());
    let bad = &f.items[1];
    assert_eq!(bad.ident, "row 4");
    assert_eq!(bad.line, Some(4));
    let skip = bad.result.as_ref().unwrap_err();
    assert_eq!(skip.code, ErrorCode::InvalidRow);
    assert!(skip.reason.contains("答案"), "{}", skip.reason);
    let reasons: Vec<String> = f.items[2..]
        .iter()
        .map(|i| i.result.as_ref().unwrap_err().reason.clone())
        .collect();
    assert!(reasons[0].contains("题型"), "{}", reasons[0]);
    assert!(reasons[1].contains("难度"), "{}", reasons[1]);
    assert!(reasons[2].contains("分值"), "{}", reasons[2]);
    assert_eq!(
        f.items[5].result.as_ref().unwrap_err().code,
        ErrorCode::MissingField
    );
}

#[test]
fn fill_answers_split_into_blanks_and_alternatives() {
    let text = "题型,题干,答案\n填空,由___和___组成,前端|前端设备；后端\n";
    let f = read(text.as_bytes()).unwrap();
    assert_eq!(
        f.items[0].result.as_ref().unwrap().key,
        Key::Blanks {
            accepted: vec![vec!["前端".into(), "前端设备".into()], vec!["后端".into()]]
        }
    );
}

#[test]
fn a_true_false_answer_may_name_the_option_that_says_true_or_false() {
    let text = "题型,题干,选项A,选项B,答案\n判断题,地球是圆的,正确,错误,A\n";
    let f = read(text.as_bytes()).unwrap();
    let b = f.items[0].result.as_ref().unwrap();
    assert_eq!(b.key, Key::TrueFalse { value: true });
    assert!(b.options.is_empty());
}

#[test]
fn a_title_row_above_the_header_and_tab_separated_text_are_read() {
    let text = "保安员题库\t\t\n题型\t题干\t答案\n简答\t说说你自己\t\n";
    let f = read(text.as_bytes()).unwrap();
    assert_eq!(f.items.len(), 1);
    assert_eq!(f.items[0].ident, "row 3");
    let b = f.items[0].result.as_ref().unwrap();
    assert_eq!(b.kind, QuestionKind::Short);
    assert_eq!(
        b.key,
        Key::Open {
            reference: String::new()
        }
    );
}

#[test]
fn difficulty_words_and_numbers_are_read() {
    assert_eq!(parse_difficulty("易"), Some(1));
    assert_eq!(parse_difficulty("较难"), Some(4));
    assert_eq!(parse_difficulty("3.0"), Some(3));
    assert_eq!(parse_difficulty("６"), None);
}
