use super::*;
use crate::bank::model::Band;
use crate::pdf::font::{self, Metrics};
use chrono::TimeZone;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 10, h, m, 0)
        .single()
        .unwrap_or_default()
}

fn equipment(name: &str, quantity: f64, unit: &str) -> Equipment {
    Equipment {
        name: name.into(),
        spec: "200 万像素".into(),
        quantity,
        unit: unit.into(),
    }
}

fn notice() -> Notice {
    Notice {
        session: "2026 第一期 安防系统安装维护员 广州考点".into(),
        tasks: vec![NoticeTask {
            title: "前端摄像机安装与调试".into(),
            minutes: 90,
            stations: 6,
            equipment: vec![
                equipment("网络摄像机", 2.0, "台"),
                equipment("网线", 1.5, "米"),
            ],
        }],
        slots: vec![
            SlotTime {
                slot: 1,
                starts_at: Some(at(1, 0)),
                ends_at: Some(at(2, 30)),
            },
            SlotTime {
                slot: 2,
                starts_at: Some(at(2, 30)),
                ends_at: Some(at(4, 0)),
            },
        ],
        slot_minutes: 90,
        made_at: at(0, 0),
    }
}

fn aspect(group: &str, text: &str, points: f64, kind: AspectKind) -> Aspect {
    Aspect {
        group: group.into(),
        text: text.into(),
        points,
        kind,
    }
}

fn record() -> ScoreRecord {
    ScoreRecord {
        session: "2026 第一期".into(),
        task: "前端摄像机安装与调试".into(),
        aggregation: "平均 mean".into(),
        code: "K7QX2M".into(),
        ticket: "2026010001".into(),
        name: "张三".into(),
        place: Some((1, 3)),
        judges: vec![
            RecordJudge {
                name: "李评委".into(),
                submitted_at: Some(at(3, 0)),
            },
            RecordJudge {
                name: "王评委".into(),
                submitted_at: Some(at(3, 5)),
            },
        ],
        aspects: vec![
            RecordAspect {
                aspect: aspect(
                    "A 摄像机安装",
                    "安装牢固，角度正确",
                    3.0,
                    AspectKind::Judgement {
                        descriptors: vec!["0".into(), "1".into(), "2".into(), "3".into()],
                    },
                ),
                entries: vec![Some(2.0), Some(3.0)],
                mark: 2.5,
            },
            RecordAspect {
                aspect: aspect(
                    "A 摄像机安装",
                    "安装高度",
                    2.0,
                    AspectKind::Measurement {
                        unit: "mm".into(),
                        bands: vec![Band {
                            within: 5.0,
                            fraction: 1.0,
                        }],
                    },
                ),
                entries: vec![Some(3.0), None],
                mark: 2.0,
            },
            RecordAspect {
                aspect: aspect(
                    "A 摄像机安装",
                    "工具乱放",
                    2.0,
                    AspectKind::Deduction { per: 0.5 },
                ),
                entries: vec![Some(1.0), Some(1.0)],
                mark: 0.5,
            },
        ],
        points: 4.0,
        max_points: 5.0,
        score: 80.0,
        head_judge: "赵裁判长".into(),
        locked_at: Some(at(3, 30)),
        made_at: at(4, 0),
    }
}

/// Every character of every line is in the embedded font (nothing prints as "?").
fn printable(lines: &[(String, f32, f32)]) {
    let m = Metrics::of(font::font().unwrap_or_else(|| panic!("no font")));
    for (text, _, _) in lines {
        assert_eq!(m.missing(text), None, "{text}");
    }
}

/// The text pdftotext reads from a PDF; none when poppler-utils is not installed (outside CI).
fn pdf_text(pdf: &[u8]) -> Option<String> {
    use std::process::Command;
    if Command::new("pdftotext").arg("-v").output().is_err() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "pdftotext missing"
        );
        return None;
    }
    let dir = tempfile::tempdir().ok()?;
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).ok()?;
    let out = Command::new("pdftotext")
        .args(["-layout", file.to_str()?, "-"])
        .output()
        .ok()?;
    assert!(out.status.success(), "pdftotext failed");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_notice_lists_each_tasks_equipment_per_station_and_in_all_with_beijing_slot_times() {
    let lines = notice_lines(&notice());
    printable(&lines);
    let text: Vec<&str> = lines.iter().map(|(t, _, _)| t.as_str()).collect();
    assert!(text.contains(&"1. 网络摄像机（200 万像素）：2 台 × 6 = 12 台"));
    assert!(text.contains(&"2. 网线（200 万像素）：1.5 米 × 6 = 9 米"));
    assert!(text.contains(&"考核时间 Time allowed：90 分钟 minutes"));
    // 01:00 UTC is 09:00 in Beijing.
    assert!(text.contains(&"第 1 场 Slot 1：2026-12-10 09:00 – 10:30"));
    let pdf = notice_pdf(&notice()).unwrap_or_default();
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(t) = pdf_text(&pdf) {
        for want in [
            "考核准备通知单",
            "前端摄像机安装与调试",
            "网络摄像机",
            "10:30",
        ] {
            assert!(t.contains(want), "{want} not in {t}");
        }
    }
}

#[test]
fn the_schedule_shows_the_work_code_once_checked_in_and_the_ticket_before() {
    let d = ScheduleDoc {
        session: "2026 第一期".into(),
        drawn_at: Some(at(0, 30)),
        slots: vec![ScheduleSlot {
            time: SlotTime {
                slot: 1,
                starts_at: Some(at(1, 0)),
                ends_at: None,
            },
            places: vec![
                SchedulePlace {
                    task: "布线".into(),
                    station: 1,
                    code: Some("K7QX2M".into()),
                    ticket: "2026010001".into(),
                    name: "张三".into(),
                },
                SchedulePlace {
                    task: "布线".into(),
                    station: 2,
                    code: None,
                    ticket: "2026010002".into(),
                    name: "李四".into(),
                },
            ],
        }],
        unplaced: 1,
        made_at: at(0, 40),
    };
    let lines = schedule_lines(&d);
    printable(&lines);
    let text: Vec<&str> = lines.iter().map(|(t, _, _)| t.as_str()).collect();
    assert!(text.contains(&"工位 Station  1　检录号 Code K7QX2M　张三"));
    assert!(text.contains(&"工位 Station  2　准考证号 Ticket 2026010002　李四"));
    assert!(text.iter().any(|t| t.contains("尚未抽签")));
    let pdf = schedule_pdf(&d).unwrap_or_default();
    if let Some(t) = pdf_text(&pdf) {
        for want in ["场次安排表", "K7QX2M", "李四", "09:00"] {
            assert!(t.contains(want), "{want} not in {t}");
        }
    }
}

#[test]
fn a_score_record_shows_every_judges_entry_the_aggregate_deductions_and_the_signatures() {
    let lines = record_lines(&record());
    printable(&lines);
    let text: Vec<&str> = lines.iter().map(|(t, _, _)| t.as_str()).collect();
    assert!(text.contains(&"评委1 2 级 → 2；评委2 3 级 → 3"));
    assert!(text.contains(&"评委1 3mm → 2；评委2 —"));
    assert!(text.contains(&"评委1 1 次 → -0.5；评委2 1 次 → -0.5"));
    assert!(text.contains(&"扣分 Deducted：-0.5 分"));
    assert!(text.contains(&"A 摄像机安装（小计 subtotal 4 分）"));
    assert!(text.contains(&"本项目得分 Task points：4 / 5 分　成绩 Score：80 / 100"));
    assert!(
        text.iter()
            .any(|t| t
                .starts_with("裁判长 Head judge：赵裁判长（签核 signed off 2026-12-10 11:30）"))
    );
    let pdf = records_pdf(&[record(), record()]).unwrap_or_default();
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(t) = pdf_text(&pdf) {
        for want in ["考核评分记录表", "K7QX2M", "王评委", "赵裁判长", "11:30"] {
            assert!(t.contains(want), "{want} not in {t}");
        }
        assert_eq!(t.matches("考核评分记录表").count(), 2);
    }
}
