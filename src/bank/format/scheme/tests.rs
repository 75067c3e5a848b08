//! A full practical task (every kind of aspect, separators inside texts, time and equipment)
//! through every format that keeps it, and bad schemes refused by each format that reads one.

use super::cells::{equipment_cell, parse_equipment_cell, parse_scheme_cell, scheme_cell};
use crate::bank::format::{Format, ParsedFile, read, write};
use crate::bank::model::{
    Aspect, AspectKind, Band, Equipment, Key, Question, QuestionBody, QuestionKind,
};
use crate::error::ErrorCode;

fn aspect(group: &str, text: &str, points: f64, kind: AspectKind) -> Aspect {
    Aspect {
        group: group.into(),
        text: text.into(),
        points,
        kind,
    }
}

fn levels(words: [&str; 4]) -> AspectKind {
    AspectKind::Judgement {
        descriptors: words.iter().map(|w| w.to_string()).collect(),
    }
}

fn task_body() -> QuestionBody {
    let mut b = QuestionBody::new(
        QuestionKind::Practical,
        "前端摄像机安装与调试\n按图纸在立杆上安装枪型网络摄像机。",
        &[],
        Key::Open {
            reference: String::new(),
        },
    );
    b.ident = "PRA-T1".into();
    b.points = 20.0;
    b.minutes = 60;
    b.equipment = vec![
        Equipment {
            name: "网络摄像机".into(),
            spec: "400 万像素 | PoE 供电".into(),
            quantity: 1.0,
            unit: "台".into(),
        },
        Equipment {
            name: "超五类网线".into(),
            spec: String::new(),
            quantity: 2.5,
            unit: "米".into(),
        },
    ];
    b.scheme = vec![
        aspect(
            "A 安装",
            "安装高度偏差",
            4.0,
            AspectKind::Measurement {
                unit: "mm".into(),
                bands: vec![
                    Band {
                        within: 20.0,
                        fraction: 1.0,
                    },
                    Band {
                        within: 50.0,
                        fraction: 0.5,
                    },
                ],
            },
        ),
        aspect("A 安装", "支架牢固", 2.0, AspectKind::default()),
        aspect(
            "A 安装",
            "水平倾斜",
            2.0,
            AspectKind::Measurement {
                unit: "°".into(),
                bands: vec![],
            },
        ),
        aspect(
            "A 安装",
            "不戴安全帽登高",
            2.0,
            AspectKind::Deduction { per: 1.0 },
        ),
        aspect(
            "B 调试",
            "IP/掩码/网关 设置\n与图纸一致",
            12.0,
            levels([
                "0 未设置",
                "1 部分正确 | 不能访问",
                "2 可访问/但网关错",
                "3 全部正确；可远程访问\\",
            ]),
        ),
    ];
    b
}

fn task() -> Question {
    Question::parse(task_body()).unwrap()
}

fn first(file: ParsedFile) -> Question {
    let item = file.items.into_iter().next().unwrap();
    Question::parse(item.result.unwrap()).unwrap()
}

#[test]
fn a_full_scheme_with_time_and_equipment_round_trips_through_native_csv_xlsx_and_qti() {
    let q = task();
    for format in [Format::Native, Format::Csv, Format::Xlsx, Format::Qti] {
        let bytes = write(format, "实操", std::slice::from_ref(&q), &[]).unwrap();
        assert_eq!(first(read(format, &bytes).unwrap()), q, "{format:?}");
    }
}

#[test]
fn the_spreadsheet_cells_read_as_a_keeper_writes_them() {
    let cell = "A 安装|安装高度偏差|4|测量|±20mm=1;±50mm=50%\n\n\
                A 安装|支架牢固|2\n\
                A 安装｜不戴安全帽登高｜2｜扣分项｜每次扣1分\n\
                B 调试|IP 设置|12|评判|0 未设置/1 部分/2 基本/3 全部";
    let scheme = parse_scheme_cell(cell).unwrap();
    assert_eq!(scheme.len(), 4);
    assert_eq!(scheme[0].kind, task_body().scheme[0].kind);
    assert_eq!(scheme[1].kind, AspectKind::default());
    assert_eq!(scheme[2].kind, AspectKind::Deduction { per: 1.0 });
    assert_eq!(scheme[3].kind.code(), "judgement");
    let eq = parse_equipment_cell("网络摄像机|400 万像素|1|台\n水晶头|10").unwrap();
    assert_eq!(eq[1].quantity, 10.0);
    assert_eq!(eq[1].spec, "");
}

#[test]
fn texts_holding_the_separators_are_written_escaped_and_read_back_the_same() {
    let b = task_body();
    let cell = scheme_cell(&b.scheme);
    assert!(cell.contains("2 可访问\\/但网关错"), "{cell}");
    assert!(cell.contains("1 部分正确 \\| 不能访问"), "{cell}");
    assert_eq!(parse_scheme_cell(&cell).unwrap(), b.scheme);
    assert_eq!(
        parse_equipment_cell(&equipment_cell(&b.equipment)).unwrap(),
        b.equipment
    );
}

#[test]
fn a_cell_line_that_is_not_a_scheme_line_is_refused_naming_the_line() {
    let skip = parse_scheme_cell("A|x|2\nA|y|二").unwrap_err();
    assert_eq!(skip.code, ErrorCode::BadScheme);
    assert!(skip.reason_zh.contains("第 2 行"), "{}", skip.reason_zh);
    let skip = parse_scheme_cell("A|x|2|目测").unwrap_err();
    assert!(skip.reason.contains("目测"), "{}", skip.reason);
    let skip = parse_scheme_cell("A|x|2|扣分|酌情").unwrap_err();
    assert!(skip.reason_zh.contains("每次扣1分"), "{}", skip.reason_zh);
    let skip = parse_scheme_cell("A|x|2|测量|±2mm=1;±5cm=0.5").unwrap_err();
    assert!(skip.reason_zh.contains("单位"), "{}", skip.reason_zh);
}

/// Bad schemes of each kind, as a keeper might write them, with the code they are refused with.
fn bad_schemes() -> Vec<(&'static str, Vec<Aspect>, ErrorCode)> {
    let band = |within, fraction| Band { within, fraction };
    vec![
        (
            "bands out of order",
            vec![aspect(
                "A",
                "高度",
                20.0,
                AspectKind::Measurement {
                    unit: "mm".into(),
                    bands: vec![band(50.0, 0.5), band(20.0, 1.0)],
                },
            )],
            ErrorCode::BadScheme,
        ),
        (
            "three descriptors",
            vec![aspect(
                "A",
                "工艺",
                20.0,
                AspectKind::Judgement {
                    descriptors: vec!["差".into(), "中".into(), "好".into()],
                },
            )],
            ErrorCode::BadScheme,
        ),
        (
            "deduction alone",
            vec![
                aspect("A", "安装", 20.0, AspectKind::default()),
                aspect("B", "违规", 2.0, AspectKind::Deduction { per: 1.0 }),
            ],
            ErrorCode::BadScheme,
        ),
        (
            "sum mismatch",
            vec![aspect("A", "安装", 19.0, AspectKind::default())],
            ErrorCode::SchemeMismatch,
        ),
    ]
}

#[test]
fn bad_schemes_are_refused_after_reading_native_csv_and_xlsx() {
    for (what, scheme, code) in bad_schemes() {
        let mut body = task_body();
        body.scheme = scheme;
        // The writers take checked questions only; write a good one and put the bad scheme in
        // the way each format spells it.
        let native = {
            let mut q = toml::Table::new();
            q.insert("type".into(), "practical".into());
            q.insert("stem".into(), "装".into());
            q.insert("points".into(), 20.into());
            let list = body.scheme.iter().map(super::toml::aspect_table).collect();
            q.insert("scheme".into(), toml::Value::Array(list));
            let mut doc = toml::Table::new();
            doc.insert("question".into(), toml::Value::Array(vec![q.into()]));
            read(Format::Native, toml::to_string(&doc).unwrap().as_bytes()).unwrap()
        };
        let csv = {
            let cell = scheme_cell(&body.scheme).replace('"', "\"\"");
            let text = format!("题型,题干,答案,分值,评分细则\n实操,装,,20,\"{cell}\"\n");
            read(Format::Csv, text.as_bytes()).unwrap()
        };
        let xlsx = {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            for (c, (head, cell)) in [
                ("题型", "实操".to_string()),
                ("题干", "装".to_string()),
                ("分值", "20".to_string()),
                ("评分细则", scheme_cell(&body.scheme)),
            ]
            .into_iter()
            .enumerate()
            {
                sheet.write_string(0, c as u16, head).unwrap();
                sheet.write_string(1, c as u16, cell).unwrap();
            }
            sheet.write_string(0, 4, "答案").unwrap();
            read(Format::Xlsx, &book.save_to_buffer().unwrap()).unwrap()
        };
        for (format, file) in [("native", native), ("csv", csv), ("xlsx", xlsx)] {
            let item = file.items.into_iter().next().unwrap();
            let body = item
                .result
                .unwrap_or_else(|s| panic!("{format} {what}: {s:?}"));
            let err = Question::parse(body).unwrap_err();
            assert_eq!(err.code(), code, "{format}: {what}");
        }
    }
}

#[test]
fn a_native_scheme_entry_with_a_wrong_type_or_a_parameter_of_another_kind_is_a_skip() {
    let entry = |extra: &str| {
        let text = format!(
            "[[question]]\nid = \"B-1\"\ntype = \"practical\"\nstem = \"装\"\npoints = 2\n\
             [[question.scheme]]\ntext = \"装\"\npoints = 2\n{extra}\n"
        );
        read(Format::Native, text.as_bytes()).unwrap().items[0]
            .result
            .clone()
    };
    assert!(entry("").is_ok());
    let skip = entry("type = \"guess\"").unwrap_err();
    assert_eq!(skip.code, ErrorCode::BadScheme);
    assert!(skip.reason_zh.contains("第 1 项"), "{}", skip.reason_zh);
    let skip = entry("per = 1").unwrap_err();
    assert!(skip.reason.contains("per"), "{}", skip.reason);
    let skip = entry("type = \"judgement\"").unwrap_err();
    assert!(skip.reason.contains("descriptors"), "{}", skip.reason);
    let skip = entry("bands = [{ within = 2 }]").unwrap_err();
    assert!(skip.reason.contains("fraction"), "{}", skip.reason);
}

#[test]
fn gift_and_moodle_print_bands_descriptors_and_deductions_for_graders() {
    let q = task();
    for format in [Format::Gift, Format::MoodleXml] {
        let text = String::from_utf8(write(format, "实操", std::slice::from_ref(&q), &[]).unwrap())
            .unwrap();
        for part in [
            "偏差≤20mm得4分",
            "偏差≤50mm得2分",
            "0级 0 未设置",
            "每次扣1分，最多扣2分",
            "【B 调试】",
            "考核时间：60 分钟",
            "网络摄像机",
        ] {
            assert!(text.contains(part), "{format:?} lacks {part}: {text}");
        }
    }
}

#[test]
fn the_shipped_practical_bank_reads_and_every_task_has_a_full_scheme() {
    let file = read(
        Format::Native,
        include_bytes!("../../../../question-bank/practical.toml"),
    )
    .unwrap();
    assert_eq!(file.bank_code.as_deref(), Some("PRA"));
    assert!(file.items.len() >= 2);
    for item in file.items {
        assert!(
            item.warnings.is_empty(),
            "{}: {:?}",
            item.ident,
            item.warnings
        );
        let q = Question::parse(item.result.unwrap()).unwrap();
        let groups: std::collections::BTreeSet<&str> =
            q.scheme.iter().map(|a| a.group.as_str()).collect();
        assert!((8..=15).contains(&q.scheme.len()), "{}", q.ident);
        assert!((3..=5).contains(&groups.len()), "{}", q.ident);
        assert_eq!(crate::bank::model::scheme_sum(&q.scheme), q.points);
        assert!(q.minutes > 0 && !q.equipment.is_empty(), "{}", q.ident);
        for kind in ["measurement", "judgement", "deduction"] {
            assert!(
                q.scheme.iter().any(|a| a.kind.code() == kind),
                "{} lacks a {kind}",
                q.ident
            );
        }
        assert!(
            q.scheme.iter().any(|a| matches!(
                &a.kind,
                AspectKind::Measurement { bands, .. } if !bands.is_empty()
            )),
            "{} has no tolerance bands",
            q.ident
        );
    }
}
