//! Tests of the native format.

use super::*;

const SAMPLE: &str = r#"
[bank]
code = "T"
name = "测试"

[[question]]
id = "T-1"
type = "单选"
category = "法规/条例"
stem = "保安员应当年满多少周岁？"
options = ["16", "18", "20", 22]
answer = "B"
difficulty = 2
explanation = "第十六条"
source = "《保安服务管理条例》第十六条"

[[question]]
id = "T-2"
type = "fill"
stem = "由___和___组成"
answer = [["前端", "前端设备"], "后端"]

[[question]]
id = "T-3"
type = "single"
stem = "无答案"
options = ["a", "b"]
colour = "red"
"#;

#[test]
fn a_native_file_reads_into_items_with_lines() {
    let f = read(SAMPLE.as_bytes()).unwrap();
    assert_eq!(f.bank_code.as_deref(), Some("T"));
    assert_eq!(f.items.len(), 3);
    let b = f.items[0].result.as_ref().unwrap();
    assert_eq!(b.category, vec!["法规", "条例"]);
    assert_eq!(b.options[3], "22");
    assert_eq!(b.key, Key::Choice { correct: vec![1] });
    assert_eq!(f.items[0].line, Some(6));
    let fill = f.items[1].result.as_ref().unwrap();
    assert_eq!(
        fill.key,
        Key::Blanks {
            accepted: vec![vec!["前端".into(), "前端设备".into()], vec!["后端".into()]]
        }
    );
    let skip = f.items[2].result.as_ref().unwrap_err();
    assert_eq!(skip.code, ErrorCode::InvalidAnswer);
    assert_eq!(
        f.items[2].warnings,
        vec![Text::new(
            "未知字段“colour”已忽略",
            "unknown field \"colour\" ignored"
        )]
    );
}

#[test]
fn malformed_toml_names_the_line() {
    let err = read(b"[bank]\nname = \n").unwrap_err();
    assert_eq!(err.code, ErrorCode::MalformedToml);
    assert!(err.message.contains("line 2"), "{}", err.message);
    let text = format!("{SAMPLE}\n[[question]]\nid = \"T-9\"\nstem = \"unterminated\n");
    let err = read(text.as_bytes()).unwrap_err();
    let line = SAMPLE.lines().count() + 4;
    assert!(
        err.message.contains(&format!("line {line}")),
        "{}",
        err.message
    );
}

#[test]
fn a_stem_with_lines_that_look_like_headers_survives_a_round_trip() {
    let mut b = QuestionBody::new(
        QuestionKind::TrueFalse,
        "看下表\n[注] 单位为米\n[[question]]\n问：对吗？",
        &[],
        Key::TrueFalse { value: true },
    );
    b.ident = "T-1".into();
    let q = Question::parse(b).unwrap();
    let out = write_bank(
        Some("T"),
        "测试",
        None,
        false,
        std::slice::from_ref(&q),
        &[],
    )
    .unwrap();
    assert!(
        String::from_utf8_lossy(&out).contains("\n[注]"),
        "written as a multi-line string"
    );
    let back = read(&out).unwrap();
    assert_eq!(back.items.len(), 1);
    assert_eq!(
        Question::parse(back.items[0].result.clone().unwrap()).unwrap(),
        q
    );
}

#[test]
fn media_after_the_questions_and_sub_tables_inside_them_are_read() {
    let text = format!(
        "{SAMPLE}\n[[question]]\nid = \"P-1\"\ntype = \"practical\"\nstem = \"接线\"\npoints = 10\n\
             [[question.scheme]]\ntext = \"接线正确\"\npoints = 10\n\n[media.\"a.png\"]\nmime = \"image/png\"\nbase64 = \"AQID\"\n"
    );
    let f = read(text.as_bytes()).unwrap();
    assert_eq!(f.items.len(), 4);
    assert_eq!(f.items[3].result.as_ref().unwrap().scheme.len(), 1);
    assert_eq!(f.attachments[0].data, vec![1, 2, 3]);
    assert_eq!(f.bank_code.as_deref(), Some("T"));
}

#[test]
fn writing_then_reading_gives_the_same_questions() {
    let f = read(SAMPLE.as_bytes()).unwrap();
    let qs: Vec<Question> = f
        .items
        .into_iter()
        .filter_map(|i| i.result.ok())
        .map(|b| Question::parse(b).unwrap())
        .collect();
    let out = write_bank(Some("T"), "测试", None, false, &qs, &[]).unwrap();
    let back = read(&out).unwrap();
    let qs2: Vec<Question> = back
        .items
        .into_iter()
        .map(|i| Question::parse(i.result.unwrap()).unwrap())
        .collect();
    assert_eq!(qs, qs2);
}
