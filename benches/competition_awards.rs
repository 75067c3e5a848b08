//! Awards benchmark: 2,000 finalists of one group (every tenth pair tied), the demo's policy
//! (一/二/三等奖 10/20/30 %, 技术能手, 五一 list, 专项职业能力证书 at 60). Times the pure evaluation
//! and the 获奖名单 PDF of the resulting prizes (1,200 lines), and prints the median and p99.
//!
//! Run: `cargo bench --bench competition_awards` (RUNS=… overrides the number of runs).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use exam_platform::competition::award_documents::{AwardList, awards_pdf};
use exam_platform::competition::award_policy::{self, AwardKind};
use exam_platform::competition::awards::{AwardView, of_kinds};
use exam_platform::competition::standings::RankedRow;
use std::hint::black_box;
use std::time::{Duration, Instant};

const FINALISTS: usize = 2_000;

fn rows() -> Vec<RankedRow> {
    let mut out = Vec::with_capacity(FINALISTS);
    let mut rank = 1;
    for i in 0..FINALISTS {
        // Every tenth row shares the rank above it.
        if i > 0 && i % 10 != 0 {
            rank = i as u32 + 1;
        }
        let total = 100.0 - i as f64 * 0.04;
        out.push(RankedRow {
            rank: Some(rank),
            shared: i % 10 == 0,
            above: None,
            below: None,
            note_zh: None,
            note_en: None,
            contestant_id: Some(i as i32 + 1),
            team_id: None,
            number: format!("PACS26-AZ{:04}", i + 1),
            name: format!("选手{i}"),
            members: vec![],
            organisation: format!("示例单位{}", i % 50),
            total: Some(total),
            stages: vec![Some(total), Some(total - 5.0)],
            modules: vec![],
            time_secs: None,
        });
    }
    out
}

fn stats(mut d: Vec<Duration>) -> (Duration, Duration) {
    d.sort();
    let p99 = d[((d.len() as f64 * 0.99).ceil() as usize).saturating_sub(1)];
    (d[d.len() / 2], p99)
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let rows = rows();
    let (_, policy) =
        award_policy::parse(&award_policy::template("PACS-AWARD", "PACS-ZXNL", "职工组")).unwrap();
    let mut eval = vec![];
    let mut awards = vec![];
    for _ in 0..runs {
        let t = Instant::now();
        awards = black_box(award_policy::evaluate(&policy, "职工组", 1, &rows));
        eval.push(t.elapsed());
    }
    let views: Vec<AwardView> = awards
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let r = &rows[a.row];
            let (zh, en) = a.kind.label();
            AwardView {
                id: i as i32 + 1,
                publication_id: 1,
                event_id: 1,
                group_id: 1,
                policy_version: 1,
                contestant_id: r.contestant_id,
                team_id: None,
                number: r.number.clone(),
                name: r.name.clone(),
                organisation: r.organisation.clone(),
                kind: a.kind.as_str().into(),
                label_zh: zh.into(),
                label_en: en.into(),
                rank: a.rank.map(|r| r as i32),
                certificate_type: a.certificate.clone(),
                certificate_number: None,
            }
        })
        .collect();
    let prizes = of_kinds(&views, AwardList::Prizes.kinds());
    let pdf_runs = runs.clamp(1, 10);
    let mut pdf = vec![];
    let mut size = 0;
    for _ in 0..pdf_runs {
        let t = Instant::now();
        let bytes = awards_pdf(
            AwardList::Prizes,
            "视频监控系统安装与调试 · 职工组",
            &prizes,
        )
        .unwrap();
        pdf.push(t.elapsed());
        size = bytes.len();
    }
    let (m, p) = stats(eval);
    println!(
        "evaluate {FINALISTS} finalists: {} awards ({} prizes, {} certificates); median {:.3} ms, p99 {:.3} ms over {runs} runs",
        awards.len(),
        prizes.len(),
        awards
            .iter()
            .filter(|a| a.kind == AwardKind::SkillCertificate)
            .count(),
        m.as_secs_f64() * 1e3,
        p.as_secs_f64() * 1e3
    );
    let (m, p) = stats(pdf);
    println!(
        "获奖名单 PDF of {} prizes: {} KB; median {:.1} ms, p99 {:.1} ms over {pdf_runs} runs",
        prizes.len(),
        size / 1024,
        m.as_secs_f64() * 1e3,
        p.as_secs_f64() * 1e3
    );
}
