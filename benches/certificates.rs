//! Renders a batch of certificates as the session ZIP does: for each, a fresh signed QR
//! payload, the PDF with the CJK font subset to its glyphs, written into a streamed ZIP (to a
//! sink). Prints certificates per second (one thread, then every core) and peak memory.
//!
//! `cargo bench --bench certificates` (CERT_BENCH_COUNT, default 10000; CERT_BENCH_THREADS,
//! default every core; CERT_BENCH_SAMPLE=path.pdf also writes one certificate).

// A benchmark fails by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, Utc};
use ed25519_dalek::SigningKey;
use exam_platform::certificate::entity::{certificate, certificate_type};
use exam_platform::certificate::payload::{self, Payload};
use exam_platform::certificate::status::Status;
use exam_platform::certificate::{download, render};
use std::time::Instant;

// The server binary allocates with mimalloc (src/main.rs); so does its benchmark.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const NAMES: [&str; 12] = [
    "张三丰",
    "李四",
    "王小明",
    "欧阳娜娜",
    "陈建国",
    "赵丽颖",
    "刘德华",
    "黄晓明",
    "周杰伦",
    "吴彦祖",
    "郑秀文",
    "司马相如",
];

fn kind() -> certificate_type::Model {
    certificate_type::Model {
        id: 1,
        code: "GDAF-JXJY".into(),
        title: "广东省安防从业人员继续教育培训合格证".into(),
        title_en: "Certificate of Continuing Education for Security Practitioners".into(),
        wording: "{name}同志参加{course}（{session}），经考核成绩合格，特发此证。".into(),
        course: "安防从业人员继续教育培训".into(),
        level: String::new(),
        validity_years: Some(3),
        orientation: "landscape".into(),
        number_pattern: "{issuer}{year}{serial:6}".into(),
        issuer_code: "GDAF".into(),
        issuer_name: "广东省安全技术防范协会".into(),
        show_score: true,
        fields: "name,id_number,number,course,result,session,issued_on,expires_on,issuer".into(),
        accent: "#8B1A1A".into(),
        created_by: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn cert(i: usize, key: &SigningKey) -> certificate::Model {
    let issued_on = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let expires_on = NaiveDate::from_ymd_opt(2029, 12, 1);
    let number = format!("GDAF2026{:06}", i + 1);
    let name = format!(
        "{}{}",
        NAMES[i % NAMES.len()],
        ["", "一", "二", "三"][i % 4]
    );
    let id_masked = format!("440106********{:04}", i % 10_000);
    let p = Payload {
        key_id: 1,
        type_code: "GDAF-JXJY".into(),
        number: number.clone(),
        holder: payload::mask_name(&name),
        id_masked: Some(id_masked.clone()),
        issued_on,
        expires_on,
        status_index: i as u32,
    };
    let qr_text = payload::url(
        "https://cert.gdafxh.org.cn",
        &p.sign(key).unwrap_or_default(),
    );
    certificate::Model {
        id: i as i32 + 1,
        number,
        issue_key: format!("candidate:{i}"),
        type_id: 1,
        session_id: Some(1),
        candidate_id: Some(i as i32),
        attempt_id: Some(i as i32),
        holder_name: name,
        id_masked: Some(id_masked),
        course: "安防从业人员继续教育培训".into(),
        level: String::new(),
        result: format!("合格（{}分）", 60 + i % 41),
        score: Some((60 + i % 41) as f64),
        max_score: Some(100.0),
        practical_score: None,
        session_label: "第七十四期 广州站".into(),
        issued_on,
        expires_on,
        key_id: 1,
        status_index: i as i64,
        status: Status::Valid,
        status_reason: None,
        status_changed_at: None,
        replaces: None,
        superseded_by: None,
        qr_text,
        issued_by: None,
        created_at: Utc::now(),
    }
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Renders certificates `range` into a streamed ZIP that goes nowhere; returns (count, bytes,
/// largest).
fn batch(range: std::ops::Range<usize>, key: &SigningKey) -> (usize, u64, usize) {
    let t = kind();
    let mut zip = zip::ZipWriter::new_stream(std::io::sink());
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let (mut n, mut total, mut largest) = (0, 0u64, 0);
    for i in range {
        let c = cert(i, key);
        let pdf = match render::render(&download::view_for(&c, &t)) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("certificate {i}: {e}");
                continue;
            }
        };
        if zip.start_file(download::file_name(&c), opts).is_ok() {
            let _ = std::io::Write::write_all(&mut zip, &pdf);
        }
        n += 1;
        total += pdf.len() as u64;
        largest = largest.max(pdf.len());
    }
    let _ = zip.finish();
    (n, total, largest)
}

fn main() {
    let count: usize = std::env::var("CERT_BENCH_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads: usize = std::env::var("CERT_BENCH_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cores)
        .max(1);
    let key = SigningKey::from_bytes(&[42u8; 32]);
    if let Ok(path) = std::env::var("CERT_BENCH_SAMPLE") {
        match render::render(&download::view_for(&cert(0, &key), &kind())) {
            Ok(pdf) => {
                let _ = std::fs::write(&path, pdf);
                println!("sample certificate written to {path}");
            }
            Err(e) => eprintln!("sample: {e}"),
        }
    }
    let started = Instant::now();
    let warm = batch(0..1, &key);
    println!(
        "font parsed and first certificate in {:.0} ms; peak memory {:.0} MB",
        started.elapsed().as_secs_f64() * 1000.0,
        peak_rss_mb()
    );
    let _ = warm;

    let one = count.clamp(1, 1000);
    let t = Instant::now();
    let (n, _, _) = batch(0..one, &key);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "1 thread: {n} certificates in {secs:.2} s = {:.0} certificates/s; peak memory {:.0} MB",
        n as f64 / secs,
        peak_rss_mb()
    );

    let t = Instant::now();
    let per = count.div_ceil(threads);
    let results: Vec<(usize, u64, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let key = &key;
                s.spawn(move || batch(k * per..((k + 1) * per).min(count), key))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or((0, 0, 0)))
            .collect()
    });
    let secs = t.elapsed().as_secs_f64();
    let n: usize = results.iter().map(|r| r.0).sum();
    let bytes: u64 = results.iter().map(|r| r.1).sum();
    let largest = results.iter().map(|r| r.2).max().unwrap_or(0);
    println!(
        "{threads} threads: {n} certificates in {secs:.1} s = {:.0} certificates/s ({:.0} per core); \
         mean {:.1} KB, largest {:.1} KB; peak memory {:.0} MB",
        n as f64 / secs,
        n as f64 / secs / threads as f64,
        bytes as f64 / n.max(1) as f64 / 1024.0,
        largest as f64 / 1024.0,
        peak_rss_mb()
    );
}
