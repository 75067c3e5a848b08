//! Importing and exporting banks over HTTP and from the command line: every public fixture,
//! dry runs, bad files, conflicts, encodings, images and round trips in every format.

use crate::support::hostile::{
    qti_entity_bomb, qti_item, qti_package, xlsx_with_shared_string, zip_of,
};
use crate::support::{TestApp, error_code, fixture};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Outcome and code per reported identifier.
fn outcomes(report: &Value) -> BTreeMap<String, (String, String)> {
    report["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["ident"].as_str().unwrap().to_string(),
                (
                    i["outcome"].as_str().unwrap().to_string(),
                    i["code"].as_str().unwrap_or("").to_string(),
                ),
            )
        })
        .collect()
}

fn outcome_of<'a>(report: &'a Value, ident: &str) -> &'a Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ident"] == ident)
        .unwrap_or_else(|| panic!("{ident} not in the report: {report}"))
}

/// The stored question an item of a report became.
async fn question_of_item(
    app: &TestApp,
    t: &str,
    bank: &str,
    report: &Value,
    ident: &str,
) -> Value {
    let item = outcome_of(report, ident);
    let stored = item["question"]
        .as_str()
        .unwrap_or_else(|| panic!("{ident} was not stored: {item}"));
    question_by_ident(app, t, bank, stored).await
}

async fn question_by_ident(app: &TestApp, t: &str, bank: &str, ident: &str) -> Value {
    let page = app
        .get_json(t, &format!("/api/questions?bank={bank}&per_page=500"))
        .await;
    let id = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["ident"] == ident)
        .unwrap_or_else(|| panic!("{ident} not in bank {bank}"))["id"]
        .clone();
    app.get_json(t, &format!("/api/questions/{id}")).await["body"].clone()
}

#[tokio::test]
async fn the_gift_fixture_imports_every_supported_item_and_reports_the_rest() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "GIFT").await;
    let bytes = fixture("moodle/questions.gift.txt");
    let (status, dry) = app
        .import(&t, "GIFT", "format=gift&dry_run=true", bytes.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(app.count(&t, "GIFT").await, 0, "a dry run writes nothing");

    let (status, report) = app.import(&t, "GIFT", "format=gift", bytes).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let o = outcomes(&report);
    assert_eq!(o["Q2"].0, "imported");
    assert_eq!(o["colours"].0, "imported");
    assert_eq!(o["Q1"].0, "imported");
    assert_eq!(o["Q8"].0, "imported");
    assert_eq!(o["Shortanswer"].0, "imported");
    assert_eq!(
        o["Moodle activities"],
        ("skipped".into(), "unsupported_type".into())
    );
    assert_eq!(o["Q5"], ("skipped".into(), "unsupported_type".into()));
    // The second "2-08 TSL" repeats the first one's title.
    let tsl: Vec<&Value> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["ident"] == "2-08 TSL")
        .collect();
    assert_eq!(tsl.len(), 2);
    assert_eq!(tsl[0]["outcome"], "imported");
    assert_eq!(tsl[1]["code"], "duplicate_identifier");
    assert_eq!(
        report["total"].as_u64().unwrap(),
        report["items"].as_array().unwrap().len() as u64
    );
    assert_eq!(
        app.count(&t, "GIFT").await,
        report["imported"].as_u64().unwrap()
    );

    let q2 = question_by_ident(&app, &t, "GIFT", "Q2").await;
    assert_eq!(q2["kind"], "single");
    assert_eq!(
        q2["options"][q2["key"]["correct"][0].as_u64().unwrap() as usize],
        "yellow"
    );
    let colours = question_by_ident(&app, &t, "GIFT", "colours").await;
    assert_eq!(colours["kind"], "multiple");
    let picked: Vec<&str> = colours["key"]["correct"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            colours["options"][i.as_u64().unwrap() as usize]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(picked, vec!["yellow", "off-beige"]);
    let q1 = question_by_ident(&app, &t, "GIFT", "Q1").await;
    assert_eq!(q1["key"], json!({"type": "true_false", "value": false}));
    let short = question_by_ident(&app, &t, "GIFT", "Shortanswer").await;
    assert_eq!(short["kind"], "fill");
    assert_eq!(short["key"]["accepted"], json!([["Frog"]]));
    assert_eq!(
        question_by_ident(&app, &t, "GIFT", "Q8").await["kind"],
        "short"
    );
}

#[tokio::test]
async fn the_moodle_xml_fixture_imports_with_its_nested_categories() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "MDL").await;
    let (status, report) = app
        .import(
            &t,
            "MDL",
            "filename=nested_categories_with_questions.xml",
            fixture("moodle/nested_categories_with_questions.xml"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["format"], "moodle_xml");
    assert_eq!(report["imported"], 5, "{report}");
    assert_eq!(report["skipped"], 0);
    let tree = app.get_json(&t, "/api/banks/MDL/categories").await;
    let iota = &tree.as_array().unwrap()[0];
    assert_eq!(iota["name"], "Iota");
    assert_eq!(iota["questions"], 5);
    assert_eq!(iota["children"][0]["path"], "Iota/Kappa");
    let essay = question_of_item(&app, &t, "MDL", &report, "Kappa Essay Question").await;
    assert_eq!(essay["kind"], "short");
    assert_eq!(essay["category"], json!(["Iota", "Kappa"]));
    let tf = question_of_item(&app, &t, "MDL", &report, "Iota Question").await;
    assert_eq!(tf["stem"], "Testing Iota Question");
    assert_eq!(tf["key"], json!({"type": "true_false", "value": true}));
}

#[tokio::test]
async fn each_qti_item_fixture_imports_or_is_reported_as_unsupported() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    let expected = [
        ("choice.xml", "choice", Some("single")),
        ("choice_fixed.xml", "choice", Some("single")),
        ("choice_multiple.xml", "choiceMultiple", Some("multiple")),
        ("extended_text.xml", "extendedText", Some("short")),
        ("text_entry.xml", "textEntry", Some("fill")),
        ("inline_choice.xml", "inlineChoice", Some("single")),
        (
            "Choicesingle_853928446.xml",
            "Choicesingle_853928446",
            Some("single"),
        ),
        (
            "Choicemultiple_2014410822.xml",
            "Choicemultiple_2014410822",
            Some("multiple"),
        ),
        (
            "Choicetruefalse_176040516.xml",
            "Choicetruefalse_176040516",
            Some("single"),
        ),
        (
            "TextEntry_883368511.xml",
            "TextEntry_883368511",
            Some("fill"),
        ),
        ("match.xml", "match", None),
        ("order.xml", "order", None),
    ];
    for (n, (file, ident, kind)) in expected.into_iter().enumerate() {
        // Several samples share an identifier, so each goes into a bank of its own.
        let bank = format!("QTI{n}");
        app.create_bank(&t, &bank).await;
        let (status, report) = app
            .import(
                &t,
                &bank,
                &format!("filename={file}"),
                fixture(&format!("qti21/{file}")),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{file}: {report}");
        assert_eq!(report["format"], "qti", "{file}");
        let item = outcome_of(&report, ident);
        match kind {
            Some(k) => {
                assert_eq!(item["outcome"], "imported", "{file}: {item}");
                let q = question_of_item(&app, &t, &bank, &report, ident).await;
                assert_eq!(q["kind"], k, "{file}");
                if file == "choice.xml" {
                    // The picture is not in a lone XML upload: imported with a warning.
                    assert!(q["stem"].as_str().unwrap().contains("What does it say?"));
                    let key = q["key"]["correct"][0].as_u64().unwrap() as usize;
                    assert_eq!(
                        q["options"][key],
                        "You must stay with your luggage at all times."
                    );
                    assert!(!item["warnings"].as_array().unwrap().is_empty(), "{item}");
                }
            }
            None => {
                assert_eq!(item["outcome"], "skipped", "{file}");
                assert_eq!(item["code"], "unsupported_interaction", "{file}");
                assert!(!item["reason"].as_str().unwrap().is_empty());
            }
        }
    }
}

#[tokio::test]
async fn the_qti_assessment_test_as_a_package_imports_present_items_under_its_section() {
    use std::io::Write;
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "SAX").await;
    let dir = format!("{}/tests/fixtures/qti21", env!("CARGO_MANIFEST_DIR"));
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            zip.start_file(name, opts).unwrap();
            zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
        }
        zip.finish().unwrap();
    }
    let (status, report) = app.import(&t, "SAX", "format=qti", buf.into_inner()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let o = outcomes(&report);
    for present in [
        "Choicesingle_853928446",
        "Choicemultiple_2014410822",
        "Choicetruefalse_176040516",
        "TextEntry_883368511",
    ] {
        assert_eq!(o[present].0, "imported", "{present}: {report}");
    }
    for missing in [
        "Hotspot_278940407",
        "Order_913967682",
        "Matchsingle_143114773",
    ] {
        assert_eq!(
            o[missing],
            ("skipped".into(), "missing_item_file".into()),
            "{missing}"
        );
    }
    let q = question_by_ident(&app, &t, "SAX", "Choicesingle_853928446").await;
    assert_eq!(q["category"], json!(["Sektion"]));
}

#[tokio::test]
async fn a_malformed_file_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "BADF").await;
    let (status, body) = app
        .import(
            &t,
            "BADF",
            "format=moodle_xml",
            b"<quiz><question type=\"truefalse\"><name>".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "malformed_xml");
    let (status, body) = app
        .import(&t, "BADF", "format=xlsx", b"PK\x03\x04 not really".to_vec())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "malformed_xlsx");
    let (status, body) = app
        .import(&t, "BADF", "format=native", b"[[question]\nid=".to_vec())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "malformed_toml");
    let (status, body) = app
        .import(
            &t,
            "BADF",
            "format=csv",
            "名字,年龄\n张三,1\n".as_bytes().to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "missing_column");
    let (status, body) = app.import(&t, "BADF", "format=pdf", b"x".to_vec()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "unknown_format")
    );
    let (status, body) = app
        .import(&t, "BADF", "", b"\x00\x01\x02 who knows".to_vec())
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str().unwrap()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unknown_format")
    );
    let (status, _) = app.import(&t, "BADF", "format=gift", vec![]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app
        .import(&t, "NOSUCH", "format=gift", b"::a:: b {T}".to_vec())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count(&t, "BADF").await, 0);
}

#[tokio::test]
async fn an_oversized_upload_is_refused_with_413() {
    let app = TestApp::spawn_with(|c| c.max_upload_bytes = 10_000).await;
    let t = app.admin().await;
    app.create_bank(&t, "BIG").await;
    let big = "::q:: 这是一道很长的题 {T}\n\n".repeat(2000).into_bytes();
    let (status, _) = app.import(&t, "BIG", "format=gift", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count(&t, "BIG").await, 0);
}

#[tokio::test]
async fn a_gbk_csv_saved_by_excel_with_chinese_headers_imports_correctly() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "CSV").await;
    let text = "编号,题型,题干,选项A,选项B,选项C,选项D,答案,解析,难度,分类,分值\r\n\
        C-1,单选,H.265 相比 H.264 在同等画质下码率约降低多少？,约10%,约50%,约90%,不变,B,H.265 压缩效率约为 H.264 的两倍。,2,存储与编码,2\r\n\
        C-2,判断,RAID 5 可以容忍两块硬盘同时损坏。,,,,,错,RAID 5 只能容忍一块。,2,存储与编码/RAID,1\r\n\
        C-3,多选,下列属于视频编码标准的是,H.264,H.265,RAID 6,MJPEG,ABD,,3,存储与编码,2\r\n\
        C-4,单选,答案不在选项里,甲,乙,,,E,,3,存储与编码,1\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let (status, report) = app
        .import(&t, "CSV", "filename=题库.csv", gbk.into_owned())
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["format"], "csv");
    assert_eq!(report["imported"], 3, "{report}");
    let bad = outcome_of(&report, "C-4");
    assert_eq!(bad["outcome"], "skipped");
    assert_eq!(bad["line"], 5);
    let q = question_by_ident(&app, &t, "CSV", "C-1").await;
    assert_eq!(q["stem"], "H.265 相比 H.264 在同等画质下码率约降低多少？");
    assert_eq!(q["key"]["correct"], json!([1]));
    assert_eq!(q["points"], 2.0);
    let q = question_by_ident(&app, &t, "CSV", "C-2").await;
    assert_eq!(q["category"], json!(["存储与编码", "RAID"]));
    assert_eq!(q["key"]["value"], false);
}

#[tokio::test]
async fn a_conflicting_reimport_is_refused_whole_unless_update_or_skip_is_chosen() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let exported = app
        .get(&t, "/api/banks/VID/export?format=native")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    // The same file again changes nothing.
    let (status, report) = app
        .import(&t, "VID", "format=native", exported.clone())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["unchanged"], report["total"]);
    // One edited question (and one new) under the default policy: refused, nothing written.
    let text = String::from_utf8(exported).unwrap();
    let edited = text.replacen("difficulty = 2", "difficulty = 5", 1)
        + "\n[[question]]\nid = \"VID-NEW\"\ntype = \"true_false\"\nstem = \"新题\"\nanswer = true\n";
    let before = app.count(&t, "VID").await;
    let (status, body) = app
        .import(&t, "VID", "format=native", edited.clone().into_bytes())
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "identifier_exists");
    assert_eq!(body["error"]["details"]["conflicts"], 1);
    assert_eq!(app.count(&t, "VID").await, before);
    let (status, report) = app
        .import(
            &t,
            "VID",
            "format=native&on_conflict=skip",
            edited.clone().into_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (report["imported"].as_u64(), report["skipped"].as_u64()),
        (Some(1), Some(1))
    );
    let (status, report) = app
        .import(
            &t,
            "VID",
            "format=native&on_conflict=update",
            edited.into_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["updated"], 1);
    assert_eq!(app.count(&t, "VID").await, before + 1);
}

#[tokio::test]
async fn images_embedded_in_moodle_xml_are_stored_served_and_exported_again() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "PIC").await;
    let png: Vec<u8> = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-a-tiny-test-picture".to_vec();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>图像题</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>图中摄像机为半球机。</p><p><img src="@@PLUGINFILE@@/dome%20cam.png" alt="摄像机"></p>]]></text>
      <file name="dome cam.png" path="/" encoding="base64">{b64}</file>
    </questiontext>
    <defaultgrade>1</defaultgrade>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>"#
    );
    let (status, report) = app
        .import(&t, "PIC", "format=moodle_xml", xml.into_bytes())
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["images"], 1, "{report}");
    let q = question_by_ident(&app, &t, "PIC", "图像题").await;
    let stem = q["stem"].as_str().unwrap();
    let url = stem
        .split("](")
        .nth(1)
        .unwrap()
        .trim_end_matches(')')
        .to_string();
    assert!(url.starts_with("/api/media/"), "{stem}");
    let served = app
        .client
        .get(app.url(&url))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(served.to_vec(), png);
    // Native export carries the picture; importing it elsewhere gives the same stem.
    app.create_bank(&t, "PIC2").await;
    let native = app
        .get(&t, "/api/banks/PIC/export?format=native")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let (status, _) = app.import(&t, "PIC2", "format=native", native).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        question_by_ident(&app, &t, "PIC2", "图像题").await["stem"],
        stem
    );
    let moodle = app
        .get(&t, "/api/banks/PIC/export?format=moodle_xml")
        .await
        .text()
        .await
        .unwrap();
    assert!(moodle.contains(&b64));
}

/// The fields each format has a place for, beyond kind, stem, options and key.
fn kept_fields(format: &str) -> &'static [&'static str] {
    match format {
        "native" => &[
            "ident",
            "category",
            "points",
            "difficulty",
            "explanation",
            "source",
            "tags",
            "status",
            "rubric",
        ],
        "csv" | "xlsx" => &[
            "ident",
            "category",
            "points",
            "difficulty",
            "explanation",
            "source",
            "tags",
            "status",
        ],
        "qti" => &["ident", "category", "points"],
        "moodle_xml" => &["category", "points", "explanation", "tags"],
        "gift" => &["category", "explanation"],
        _ => &[],
    }
}

/// The content a format can carry, for comparing a round trip.
fn essence(q: &Value, format: &str) -> Value {
    let mut v =
        json!({"kind": q["kind"], "stem": q["stem"], "options": q["options"], "key": q["key"]});
    for f in kept_fields(format) {
        v[*f] = q[*f].clone();
    }
    if format == "gift" {
        // GIFT has one answer block per question: a fill-in with several blanks goes out as an
        // essay, and an essay has no place for a reference answer.
        let multi_blank = q["key"]["accepted"].as_array().is_some_and(|a| a.len() > 1);
        if multi_blank {
            v["kind"] = json!("short");
        }
        if multi_blank || q["key"]["type"] == "open" {
            v["key"] = json!({"type": "open"});
        }
    }
    v
}

async fn bank_bodies(app: &TestApp, t: &str, bank: &str) -> Vec<Value> {
    let page = app
        .get_json(t, &format!("/api/questions?bank={bank}&per_page=500"))
        .await;
    let mut out = Vec::new();
    for q in page["items"].as_array().unwrap() {
        out.push(
            app.get_json(t, &format!("/api/questions/{}", q["id"]))
                .await["body"]
                .clone(),
        );
    }
    out
}

#[tokio::test]
async fn export_then_import_gives_back_the_same_questions_in_every_format() {
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    let mut original = Vec::new();
    for bank in ["VID", "STD"] {
        original.extend(bank_bodies(&app, &t, bank).await);
    }
    for format in [
        "native",
        "gift",
        "moodle_xml",
        "aiken",
        "qti",
        "csv",
        "xlsx",
    ] {
        let target = format!("RT{}", format.to_uppercase().replace('_', ""));
        app.create_bank(&t, &target).await;
        for bank in ["VID", "STD"] {
            let r = app
                .get(&t, &format!("/api/banks/{bank}/export?format={format}"))
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{format}");
            let bytes = r.bytes().await.unwrap().to_vec();
            let (status, report) = app
                .import(&t, &target, &format!("format={format}"), bytes)
                .await;
            assert_eq!(status, StatusCode::OK, "{format}: {report}");
            assert_eq!(report["skipped"], 0, "{format}: {report}");
        }
        let back = bank_bodies(&app, &t, &target).await;
        let mut want: Vec<String> = original
            .iter()
            .filter(|q| format != "aiken" || q["kind"] == "single")
            .map(|q| essence(q, format).to_string())
            .collect();
        let mut got: Vec<String> = back
            .iter()
            .map(|q| essence(q, format).to_string())
            .collect();
        want.sort();
        got.sort();
        assert_eq!(want.len(), got.len(), "{format}: count");
        for (w, g) in want.iter().zip(&got) {
            assert_eq!(w, g, "{format}: a question changed on the way");
        }
    }
}

#[test]
fn the_import_command_shows_the_report_and_writes_the_bank() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let file = format!(
        "{}/tests/fixtures/moodle/questions.gift.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_exam-platform"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("BANK_DIR", "")
            .env("ADMIN_PASSWORD", "cli-admin-password")
            .output()
            .unwrap()
    };
    let out = run(&["import", &file, "--bank", "CLI", "--format", "gift"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("CLI: 9 items"), "{stdout}");
    assert!(stdout.contains("skipped Q5"), "{stdout}");
    assert!(stdout.contains("peak_rss_mb="), "{stdout}");
    let out = run(&[
        "export",
        "--bank",
        "CLI",
        "--format",
        "gift",
        "-o",
        &dir.path().join("out.gift").display().to_string(),
    ]);
    assert!(out.status.success());
    let again = run(&["import", &file, "--bank", "CLI", "--format", "gift"]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("6 unchanged"), "{stdout}");
    let bad = run(&["import", "/nonexistent.gift", "--bank", "CLI"]);
    assert!(!bad.status.success());
}

// ---------------------------------------------------------------------------------------------
// Hostile files: each is refused without the server holding what it would expand to, and
// every other item of a file still imports.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_xml_file_whose_doctype_declares_entities_is_refused_before_they_expand() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "DTD").await;
    let (status, body) = app
        .import(&t, "DTD", "format=qti", qti_entity_bomb(1000, 200))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("xml_entities_refused")
        ),
        "{body}"
    );
    let moodle = r#"<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>
<quiz><question type="truefalse"><name><text>T</text></name><questiontext format="html"><text>&b;</text></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question></quiz>"#;
    let (status, body) = app
        .import(&t, "DTD", "format=moodle_xml", moodle.as_bytes().to_vec())
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("xml_entities_refused")
        ),
        "{body}"
    );
    // The same item in a package: that item is refused, with the same code.
    let package = zip_of(&[
        (
            "imsmanifest.xml".into(),
            br#"<manifest><resources><resource identifier="R" type="imsqti_item_xmlv2p1" href="b.xml"/></resources></manifest>"#.to_vec(),
        ),
        ("b.xml".into(), qti_entity_bomb(1000, 200)),
    ]);
    let (status, body) = app.import(&t, "DTD", "format=qti", package).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["imported"], 0, "{body}");
    assert_eq!(body["items"][0]["code"], "xml_entities_refused", "{body}");
    // A plain DOCTYPE without entities is still read.
    let plain = qti_item(
        "PLAIN",
        "带 DOCTYPE 的题",
        r#"<!DOCTYPE assessmentItem SYSTEM "imsqti_v2p1.dtd">"#,
    );
    let (status, body) = app
        .import(&t, "DTD", "format=qti", plain.into_bytes())
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["imported"], 1, "{body}");
}

#[tokio::test]
async fn an_xlsx_whose_shared_string_unpacks_far_beyond_any_cell_is_refused_for_banks_and_rosters()
{
    let app = TestApp::spawn_with_banks().await;
    let t = app.admin().await;
    app.create_bank(&t, "XBOMB").await;
    // 4 MiB of one letter: a few kilobytes packed, more than Excel lets a cell hold unpacked.
    let long = "x".repeat(4 * 1024 * 1024);
    let bank = xlsx_with_shared_string(&["题型", "题干", "答案"], &["判断", "{}", "对"], &long);
    assert!(bank.len() < 64 * 1024, "{} bytes", bank.len());
    let (status, body) = app.import(&t, "XBOMB", "format=xlsx", bank).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("file_too_large_unpacked")
        ),
        "{body}"
    );
    assert_eq!(app.count(&t, "XBOMB").await, 0);

    let exam = app
        .post_json(
            &t,
            "/api/exams",
            &json!({"name": "继续教育考试", "time_limit_minutes": 60, "pass_line": 6,
                "blueprint": {"sections": [{"cells": [{"bank": "LAW", "kind": "single", "count": 10, "points": 1}]}]}}),
        )
        .await;
    assert_eq!(exam.status(), StatusCode::CREATED);
    let exam_id = exam.json::<Value>().await.unwrap()["id"].clone();
    let session = app
        .post_json(
            &t,
            "/api/sessions",
            &json!({"exam_id": exam_id, "name": "培训", "number": "第一期", "venue": "广州站",
                "starts_at": "2026-12-01T01:00:00Z", "ends_at": "2026-12-01T03:00:00Z",
                "rooms": [{"name": "第一考场", "seats": 10}]}),
        )
        .await;
    assert_eq!(session.status(), StatusCode::CREATED);
    let sid = session.json::<Value>().await.unwrap()["id"].clone();
    let roster = xlsx_with_shared_string(
        &["姓名", "身份证号", "工作单位"],
        &["张三", "11010519491231002X", "{}"],
        &long,
    );
    let r = app
        .post_bytes(
            &t,
            &format!("/api/sessions/{sid}/roster?format=xlsx"),
            roster,
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "file_too_large_unpacked".into()
        )
    );
    let seated = app
        .get_json(&t, &format!("/api/sessions/{sid}/candidates"))
        .await;
    assert_eq!(seated.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn an_item_with_an_oversized_field_is_skipped_with_its_field_and_limit_and_the_rest_import() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "LONG").await;
    let stem = "长".repeat(10_001);
    let gift = format!("::BIG:: {stem} {{T}}\n\n::OK:: 一道正常的题 {{F}}\n");
    let (status, report) = app
        .import(&t, "LONG", "format=gift", gift.into_bytes())
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let big = outcome_of(&report, "BIG");
    assert_eq!(big["code"], "field_too_long", "{big}");
    let (zh, en) = (
        big["reason_zh"].as_str().unwrap(),
        big["reason"].as_str().unwrap(),
    );
    assert!(zh.contains("题干") && zh.contains("10000"), "{zh}");
    assert!(en.contains("stem") && en.contains("10000"), "{en}");
    assert_eq!(outcome_of(&report, "OK")["outcome"], "imported");

    // Stems in a QTI package, and an option over its limit in a CSV row.
    let package = qti_package(&[("HUGE", "题".repeat(20_000)), ("FINE", "正常".into())]);
    let (status, report) = app.import(&t, "LONG", "format=qti", package).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(outcome_of(&report, "HUGE")["code"], "field_too_long");
    assert_eq!(outcome_of(&report, "FINE")["outcome"], "imported");
    let csv = format!(
        "编号,题型,题干,选项A,选项B,答案\nC1,单选,题,{},乙,A\nC2,单选,题二,甲,乙,B\n",
        "甲".repeat(2_001)
    );
    let (status, report) = app.import(&t, "LONG", "format=csv", csv.into_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let c1 = outcome_of(&report, "C1");
    assert_eq!(c1["code"], "field_too_long");
    assert!(c1["reason_zh"].as_str().unwrap().contains("选项A"), "{c1}");
    assert!(c1["reason"].as_str().unwrap().contains("option A"), "{c1}");
    assert_eq!(outcome_of(&report, "C2")["outcome"], "imported");

    // The JSON API refuses the same with 422 and says which field and limit.
    let q =
        json!({"kind": "true_false", "stem": stem, "key": {"type": "true_false", "value": true}});
    let r = app.post_json(&t, "/api/banks/LONG/questions", &q).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "invalid_question");
    assert_eq!(
        v["error"]["details"],
        json!({"reason": "field_too_long", "field": "stem", "limit": 10000, "found": 10001})
    );
    let many_tags: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
    let q = json!({"kind": "true_false", "stem": "标签太多", "tags": many_tags,
        "key": {"type": "true_false", "value": true}});
    let r = app.post_json(&t, "/api/banks/LONG/questions", &q).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["details"]["reason"], "too_many_entries", "{v}");
    assert_eq!(app.count(&t, "LONG").await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_checks_are_answered_while_big_files_are_parsed() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "SLOW").await;
    // A workbook of 150,000 rows without the bank's header: the reader takes seconds to load
    // the sheet before it finds no header (422, a small answer). As many at once as the server
    // has workers, so that every worker would be busy.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for r in 0..150_000u32 {
        ws.write_number(r, 0, r).unwrap();
        ws.write_number(r, 1, 2 * r).unwrap();
    }
    let file = wb.save_to_buffer().unwrap();
    let n = std::thread::available_parallelism().map_or(2, |n| n.get());
    let started = std::time::Instant::now();
    let mut imports = Vec::new();
    for _ in 0..n {
        let client = reqwest::Client::new();
        let url = app.url("/api/banks/SLOW/import?format=xlsx&dry_run=true");
        let (t, file) = (t.clone(), file.clone());
        imports.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(t)
                .body(file)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let body: Value = r.json().await.unwrap();
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(body["error"]["code"], "missing_column", "{body}");
        }));
    }
    let health = reqwest::Client::new();
    let mut slowest = std::time::Duration::ZERO;
    let (mut checks, mut failed) = (0, 0);
    while imports.iter().any(|i| !i.is_finished()) {
        let t0 = std::time::Instant::now();
        let ok = health
            .get(app.url("/api/health"))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK);
        slowest = slowest.max(t0.elapsed());
        checks += 1;
        failed += usize::from(!ok);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    for i in imports {
        i.await.unwrap();
    }
    assert!(
        failed == 0 && slowest < took / 3,
        "{failed} of {checks} health checks failed and the slowest took {slowest:?}, while {n} imports took {took:?}"
    );
}

#[tokio::test]
async fn a_gift_question_with_an_unclosed_brace_is_reported_alone_and_the_next_ones_import() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "BRACE").await;
    // No blank lines between questions, as many exported files have them.
    let mut gift = String::from("::Broken:: 缺少右括号的题 {=甲 ~乙\n");
    let n = 20_000;
    for i in 0..n {
        gift.push_str(&format!("::Q{i}:: 第 {i} 题 {{T}}\n"));
    }
    let started = std::time::Instant::now();
    let (status, report) = app
        .import(&t, "BRACE", "format=gift&dry_run=true", gift.into_bytes())
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(report["total"], n + 1);
    assert_eq!(report["imported"], n);
    let broken = outcome_of(&report, "Broken");
    assert_eq!(broken["code"], "invalid_question", "{broken}");
    assert_eq!(broken["line"], 1);
    assert_eq!(outcome_of(&report, "Q0")["outcome"], "imported");
}

#[tokio::test]
async fn an_aiken_option_wrapped_onto_a_second_line_refuses_its_question_with_a_code() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "WRAP").await;
    let aiken = "以下哪一项是正确的？\nA. 第一个选项很长，\n被编辑器折到了第二行\nB. 乙\nC. 丙\nANSWER: C\n\n\
                 下一题照常导入？\nA. 是\nB. 否\nANSWER: A\n\n\
                 标号错乱的题\nB. 乙\nC. 丙\nANSWER: C\n";
    let (status, report) = app
        .import(&t, "WRAP", "format=aiken", aiken.as_bytes().to_vec())
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["total"], 3, "{report}");
    let wrapped = outcome_of(&report, "question 1");
    assert_eq!(
        (&wrapped["outcome"], &wrapped["code"]),
        (&json!("skipped"), &json!("wrapped_option")),
        "{wrapped}"
    );
    assert!(
        wrapped["reason"]
            .as_str()
            .unwrap()
            .contains("被编辑器折到了第二行"),
        "{wrapped}"
    );
    assert_eq!(outcome_of(&report, "question 2")["outcome"], "imported");
    assert_eq!(
        outcome_of(&report, "question 3")["code"],
        "bad_option_labels"
    );
    assert_eq!(app.count(&t, "WRAP").await, 1);
}

#[tokio::test]
async fn the_bank_csv_export_defuses_formulas_and_reads_back_unchanged() {
    let app = TestApp::spawn().await;
    let t = app.admin().await;
    app.create_bank(&t, "FORM").await;
    let q = json!({"ident": "F-1", "kind": "single", "stem": "=HYPERLINK(\"http://evil\",\"点我\")",
        "options": ["-5℃", "@home", "+86", "'=already quoted"], "key": {"type": "choice", "correct": [0]},
        "explanation": "-这是解析", "tags": ["=tag"]});
    let r = app.post_json(&t, "/api/banks/FORM/questions", &q).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.get(&t, "/api/banks/FORM/export?format=csv").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let row = &rows[1];
    assert_eq!(&row[2], "'=HYPERLINK(\"http://evil\",\"点我\")");
    assert_eq!(&row[3], "'-5℃");
    assert_eq!(&row[4], "'@home");
    assert_eq!(&row[5], "'+86");
    assert_eq!(&row[6], "''=already quoted");
    for cell in row.iter() {
        assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell:?} is live");
    }
    app.create_bank(&t, "FORM2").await;
    let (status, report) = app.import(&t, "FORM2", "format=csv", bytes).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["imported"], 1, "{report}");
    let original = question_by_ident(&app, &t, "FORM", "F-1").await;
    let back = question_by_ident(&app, &t, "FORM2", "F-1").await;
    for field in ["stem", "options", "key", "explanation", "tags"] {
        assert_eq!(back[field], original[field], "{field}");
    }
}
