//! Every sentence a reader gives a person reads in Chinese with no English left in it, and names
//! an option by the file's own letter.

use super::*;
use crate::error::{english_run, has_cjk};

fn chinese(what: &str, zh: &str, en: &str) {
    assert!(has_cjk(zh), "{what}: not Chinese: {zh}");
    assert_eq!(english_run(zh), None, "{what}: English left in: {zh}");
    assert!(!en.is_empty(), "{what}: no English text");
}

/// Checks every skip and warning of a file; returns how many skips there were.
fn check_items(what: &str, file: &ParsedFile) -> usize {
    let mut skips = 0;
    for item in &file.items {
        if let Err(s) = &item.result {
            chinese(&format!("{what} {}", item.ident), &s.reason_zh, &s.reason);
            skips += 1;
        }
        for w in &item.warnings {
            chinese(&format!("{what} {} warning", item.ident), &w.zh, &w.en);
        }
    }
    skips
}

fn file_error(what: &str, r: Result<ParsedFile, FormatError>) {
    match r {
        Ok(_) => panic!("{what}: read without an error"),
        Err(e) => chinese(what, &e.message_zh, &e.message),
    }
}

#[test]
fn every_file_level_error_reads_in_chinese() {
    file_error(
        "bad UTF-8",
        gift::read(&[0xEF, 0xBB, 0xBF, b'a', 0xFF, 0xFE]),
    );
    file_error("not GBK", aiken::read(&[0x81, 0x20, 0xFF, 0x20]));
    file_error("CSV header", csv::read("名字,说明\n甲,乙\n".as_bytes()));
    file_error("XML", moodle::read(b"<quiz><question></quiz>"));
    file_error("Moodle root", moodle::read(b"<foo/>"));
    file_error(
        "entities",
        moodle::read(b"<?xml version=\"1.0\"?><!DOCTYPE q [<!ENTITY a \"b\">]><quiz/>"),
    );
    file_error("TOML", native::read(b"[bank]\ncode = \n"));
    file_error(
        "TOML question",
        native::read(b"[bank]\ncode = \"X\"\n\n[[question]]\nid = \n"),
    );
    file_error("xls", xlsx::read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0]));
    file_error("not xlsx", xlsx::read(b"PK not really a zip"));
    file_error("QTI 1.2", qti::read(b"<questestinterop/>"));
    file_error("QTI root", qti::read(b"<foo/>"));
    file_error("export", Err(FormatError::export_failed("disk full")));
}

#[test]
fn every_skip_and_warning_of_a_text_format_reads_in_chinese() {
    let gift = "::a:: 只是说明，没有答案块\n\n\
                ::b:: 题 {=甲 ~乙} 又 {=丙}\n\n\
                ::c:: 匹配 {=甲 -> 乙 =丙 -> 丁 =戊 -> 己}\n\n\
                ::d:: 数值 {#}\n\n\
                ::e:: 数值 {#1:0.5}\n\n\
                ::f:: 数值 {#abc}\n\n\
                ::g:: 部分分 {=甲 ~%50%乙 ~丙}\n\n\
                ::h:: 填空 {=a* =%50%b =*}\n\n\
                ::i:: 括号 {=甲 ~乙\n";
    let f = gift::read(gift.as_bytes()).unwrap();
    assert!(check_items("GIFT", &f) >= 6);

    let aiken = "第一题\nA. 甲\nB. 乙\nANSWER: E\n\n\
                 第二题\nA. 甲\nB. 乙\nANSWER: A, B\n\n\
                 第三题\nA. 甲\nB. 乙\nANSWER:\n\n\
                 第四题\nA. 甲\nC. 乙\nANSWER: A\n\n\
                 第五题\nA. 甲\n接着写的一行\nB. 乙\nANSWER: A\n\n\
                 第六题\nANSWER: A\n\n\
                 第七题\nA. 甲\nB. 乙\n";
    let f = aiken::read(aiken.as_bytes()).unwrap();
    assert!(check_items("Aiken", &f) >= 6);

    let csv = "题型,题干,选项A,选项B,选项C,选项D,答案,难度,分值,状态\n\
               猜谜,题一,甲,乙,,,A,,,\n\
               单选,,甲,乙,,,A,,,\n\
               单选,题三,,乙,丙,,B,,,\n\
               单选,题四,甲,乙,,,第一个,,,\n\
               判断,题五,,,,,也许,,,\n\
               单选,题六,甲,乙,,,A,很难,,\n\
               单选,题七,甲,乙,,,A,,许多,\n\
               单选,题八,甲,乙,,,A,,,作废\n\
               单选,题九,甲,乙,丙,丁,E,,,\n\
               单选,题十,甲,乙,,,,,,\n\
               简答,题十一,甲,乙,,,参考答案,,,\n";
    let f = csv::read(csv.as_bytes()).unwrap();
    let skipped: Vec<_> = f
        .items
        .iter()
        .filter(|i| i.result.is_err())
        .map(|i| &i.ident)
        .collect();
    assert!(check_items("CSV", &f) >= 8, "{skipped:?}");

    let native = "[bank]\ncode = \"ZH\"\nname = \"中文\"\n\n\
                  [[question]]\nid = \"N1\"\nstem = \"缺题型\"\n\n\
                  [[question]]\nid = \"N2\"\ntype = \"猜谜\"\nstem = \"题\"\n\n\
                  [[question]]\nid = \"N3\"\ntype = \"single\"\nstem = \"题\"\noptions = \"甲乙\"\nanswer = \"A\"\n\n\
                  [[question]]\nid = \"N4\"\ntype = \"single\"\nstem = \"题\"\noptions = [\"甲\", 2]\nanswer = \"A\"\n\n\
                  [[question]]\nid = \"N5\"\ntype = \"single\"\nstem = \"题\"\noptions = [\"甲\", \"乙\"]\nanswer = \"第一\"\n\n\
                  [[question]]\nid = \"N6\"\ntype = \"true_false\"\nstem = \"题\"\nanswer = \"也许\"\n\n\
                  [[question]]\nid = \"N7\"\ntype = \"fill\"\nstem = \"题 ___\"\nanswer = 3.5\ncolour = \"红\"\n\n\
                  [[question]]\nid = \"N8\"\ntype = \"short\"\nstem = \"题\"\nanswer = [\"甲\"]\n\n\
                  [[question]]\nid = \"N9\"\ntype = \"practical\"\nstem = \"题\"\nscheme = \"全部\"\n\n\
                  [[question]]\nid = \"N10\"\ntype = \"practical\"\nstem = \"题\"\nscheme = [{ text = \"甲\" }]\n\n\
                  [[question]]\nid = \"N11\"\ntype = \"short\"\nstem = \"题\"\npoints = \"多\"\n\n\
                  [[question]]\nid = \"N12\"\ntype = \"short\"\nstem = \"题\"\ndifficulty = 2.5\n\n\
                  [[question]]\nid = \"N13\"\ntype = \"short\"\nstem = \"题\"\ntags = \"标签\"\n\n\
                  [[question]]\nid = \"N14\"\ntype = \"short\"\nstem = \"题\"\nstatus = \"作废\"\n\n\
                  [[question]]\nid = \"N15\"\ntype = \"short\"\nstem = \"题\"\ncategory = 3\n\n\
                  [[question]]\nid = \"N16\"\ntype = \"short\"\nstem = 3\n";
    let f = native::read(native.as_bytes()).unwrap();
    assert!(check_items("native", &f) >= 14);

    let moodle = r#"<quiz>
      <question type="description"><name><text>说明</text></name><questiontext><text>说明</text></questiontext></question>
      <question type="ddwtos"><name><text>拖放</text></name><questiontext><text>题</text></questiontext></question>
      <question type="weird"><name><text>怪</text></name><questiontext><text>题</text></questiontext></question>
      <question type="truefalse"><name><text>判断</text></name><questiontext><text>题</text></questiontext>
        <answer fraction="0"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
      <question type="numerical"><name><text>数值</text></name><questiontext><text>题</text></questiontext>
        <answer fraction="100"><text>abc</text></answer></question>
      <question type="numerical"><name><text>范围</text></name><questiontext><text>题</text></questiontext>
        <answer fraction="100"><text>3</text><tolerance>0.5</tolerance></answer></question>
      <question type="shortanswer"><name><text>填空</text></name><questiontext><text>题</text></questiontext>
        <defaultgrade>多</defaultgrade>
        <answer fraction="100"><text>*</text></answer><answer fraction="100"><text>a*b</text></answer>
        <answer fraction="50"><text>c</text></answer></question>
      <question type="multichoice"><name><text>部分分</text></name><questiontext><text>题</text></questiontext>
        <single>false</single>
        <answer fraction="50"><text>甲</text></answer><answer fraction="50"><text>乙</text></answer>
        <answer fraction="0"><text>丙</text></answer></question>
      <question type="cloze"><name><text>完形</text></name><questiontext><text>题 {1:MULTICHOICE:=甲~乙}</text></questiontext></question>
      <question type="cloze"><name><text>空</text></name><questiontext><text>没有空</text></questiontext></question>
    </quiz>"#;
    let f = moodle::read(moodle.as_bytes()).unwrap();
    assert!(check_items("Moodle", &f) >= 7);
}

#[test]
fn every_skip_of_the_public_qti_and_moodle_samples_reads_in_chinese() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    let mut skips = 0;
    for dir in ["qti21", "moodle"] {
        for entry in std::fs::read_dir(format!("{root}{dir}")).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let name = path.display().to_string();
            let read = match path.extension().and_then(|e| e.to_str()) {
                Some("xml") if dir == "qti21" => qti::read(&bytes),
                Some("xml") => moodle::read(&bytes),
                _ => gift::read(&bytes),
            };
            match read {
                Ok(f) => skips += check_items(&name, &f),
                Err(e) => chinese(&name, &e.message_zh, &e.message),
            }
        }
    }
    assert!(skips >= 2, "the samples hold unsupported items");
}

#[test]
fn a_key_naming_option_e_reports_e_in_both_languages() {
    let csv = "题型,题干,选项A,选项B,选项C,选项D,答案\n单选,题,甲,乙,丙,丁,E\n";
    let f = csv::read(csv.as_bytes()).unwrap();
    let body = f.items[0].result.clone().unwrap();
    let e = crate::bank::model::Question::parse(body).unwrap_err();
    let t = e.text();
    assert!(
        t.zh.contains("选项 E") && t.en.contains("option E"),
        "{t:?}"
    );
    assert!(!t.zh.contains('4') && !t.en.contains('4'), "{t:?}");

    let aiken = "题\nA. 甲\nB. 乙\nC. 丙\nD. 丁\nANSWER: E\n";
    let f = aiken::read(aiken.as_bytes()).unwrap();
    let s = f.items[0].result.as_ref().unwrap_err();
    assert!(
        s.reason_zh.contains("选项 E") && s.reason.contains("ANSWER: E"),
        "{s:?}"
    );
}
