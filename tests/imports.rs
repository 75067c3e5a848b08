//! Importing and exporting banks over HTTP and from the command line: every public fixture,
//! dry runs, bad files, conflicts, encodings, images and round trips in every format.

mod common;

use common::{TestApp, fixture};
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
