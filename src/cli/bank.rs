//! `import`, `export` and `gen-bank`: question banks from and to files.

use super::config;
use exam_platform::audit::Actor;
use exam_platform::bank::format::{self, Format};
use exam_platform::bank::import::{ImportReport, OnConflict, Outcome};
use exam_platform::bank::{repo, service, synthetic};
use exam_platform::error::{ErrorCode, Text};
use exam_platform::startup;
use std::path::PathBuf;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The yes/no switches of `import`.
#[derive(Debug, Clone, Copy)]
pub struct ImportFlags {
    /// Check and report, write nothing.
    pub dry_run: bool,
    /// Take every question in as a draft.
    pub as_drafts: bool,
}

pub async fn import(
    file: PathBuf,
    bank: Option<String>,
    name: Option<String>,
    format_arg: Option<String>,
    flags: ImportFlags,
    on_conflict: &str,
    report_path: Option<PathBuf>,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    let dry_run = flags.dry_run;
    let on_conflict = match on_conflict {
        "reject" => OnConflict::Reject,
        "skip" => OnConflict::Skip,
        "update" => OnConflict::Update,
        other => {
            return Err(format!(
                "--on-conflict {other:?} is not reject, skip or update"
            ));
        }
    };
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let format = match format_arg {
        Some(f) => Format::parse(&f).ok_or_else(|| format!("unknown format {f:?}"))?,
        None => format::guess(file.file_name().and_then(|n| n.to_str()), &bytes)
            .ok_or("cannot tell the file's format; pass --format")?,
    };
    let parsed =
        format::read(format, &bytes).map_err(|e| format!("{}: {}", e.code, e.message_text()))?;
    drop(bytes);
    let code = bank
        .or_else(|| parsed.bank_code.clone())
        .ok_or("say which bank: --bank CODE")?;
    let code = service::BankCode::parse(&code).map_err(|e| e.message)?;
    let mut config = config()?;
    config.announce = true;
    let db = &startup::open_database(&config)
        .await
        .map_err(|e| e.to_string())?;
    let bank = match repo::bank_by_code(db, code.as_str())
        .await
        .map_err(|e| e.to_string())?
    {
        Some(b) => b,
        None if dry_run => {
            return Err(format!(
                "bank {} does not exist yet; a dry run needs an existing bank",
                code.as_str()
            ));
        }
        None => {
            let n = name
                .or_else(|| parsed.bank_name.clone())
                .unwrap_or_else(|| code.as_str().to_string());
            service::create_bank(db, &Actor::system(), code.clone(), &n, "")
                .await
                .map_err(|e| e.message)?
        }
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} ({eta})")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    bar.set_message(format!("importing {}", file.display()));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let options = service::ImportOptions {
        on_conflict,
        dry_run,
        landing: if flags.as_drafts {
            exam_platform::bank::import::Landing::Draft
        } else {
            exam_platform::bank::import::Landing::AsWritten
        },
    };
    let report = service::import_parsed(
        db,
        &Actor::system(),
        &bank,
        format,
        parsed,
        options,
        &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )
    .await;
    bar.finish_and_clear();
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            if let Some(d) = &e.details {
                print_skips(d);
            }
            return Err(match &e.message_zh {
                Some(zh) => format!("{}: {zh} ({})", e.code, e.message),
                None => format!("{}: {}", e.code, e.message),
            });
        }
    };
    print_report(&report);
    if let Some(p) = report_path {
        let json = serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(&p, json).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    println!(
        "elapsed_ms={} peak_rss_mb={:.1}",
        started.elapsed().as_millis(),
        peak_rss_mb().unwrap_or(f64::NAN)
    );
    Ok(())
}

fn print_skips(report: &serde_json::Value) {
    if let Some(items) = report.get("items").and_then(|i| i.as_array()) {
        for i in items
            .iter()
            .filter(|i| i.get("outcome").and_then(|o| o.as_str()) == Some("skipped"))
        {
            let text = |k: &str| i.get(k).and_then(|v| v.as_str()).unwrap_or("");
            let line = i.get("line").map(|v| v.to_string()).unwrap_or_default();
            println!(
                "  未导入 skipped {} (第 {line} 行 line {line}): {} — {}",
                i.get("ident").and_then(|v| v.as_str()).unwrap_or("?"),
                text("code"),
                Text::new(text("reason_zh"), text("reason"))
            );
        }
    }
}

fn print_report(r: &ImportReport) {
    println!(
        "{}{}：共 {} 题 — 新增 {}，更新 {}，未变 {}，未导入 {}，图片 {}",
        if r.dry_run { "【试导入】" } else { "" },
        r.bank,
        r.total,
        r.imported,
        r.updated,
        r.unchanged,
        r.skipped,
        r.images
    );
    println!(
        "{}{}: {} items — {} imported, {} updated, {} unchanged, {} skipped, {} images",
        if r.dry_run { "DRY RUN " } else { "" },
        r.bank,
        r.total,
        r.imported,
        r.updated,
        r.unchanged,
        r.skipped,
        r.images
    );
    for i in r
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Skipped)
        .take(200)
    {
        let at = i
            .line
            .map(|l| format!("第 {l} 行 line {l}"))
            .unwrap_or_default();
        let reason = Text::new(
            i.reason_zh.as_deref().unwrap_or(""),
            i.reason.as_deref().unwrap_or(""),
        );
        println!(
            "  未导入 skipped {} ({at}): {} — {reason}",
            i.ident,
            i.code.map(ErrorCode::as_str).unwrap_or(""),
        );
    }
    let warned = r.items.iter().filter(|i| !i.warnings.is_empty()).count();
    if warned > 0 {
        println!(
            "  {warned} 题导入时有提醒（见 --report）/ {warned} item(s) imported with warnings (see --report)"
        );
    }
}

pub async fn export(bank: &str, format: &str, output: PathBuf) -> Result<(), String> {
    let format = Format::parse(format).ok_or_else(|| format!("unknown format {format:?}"))?;
    let mut config = config()?;
    config.announce = false;
    let db = startup::open_database(&config)
        .await
        .map_err(|e| e.to_string())?;
    let b = service::get_bank(&db, bank).await.map_err(|e| e.message)?;
    let bytes = service::export(&db, &b, format)
        .await
        .map_err(|e| e.message)?;
    std::fs::write(&output, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    println!("wrote {} ({} bytes)", output.display(), bytes.len());
    Ok(())
}

pub fn gen_bank(n: usize, format: &str, seed: u64, output: PathBuf) -> Result<(), String> {
    let questions = synthetic::generate(n, seed);
    let bytes = match Format::parse(format) {
        Some(Format::Native) => format::native::write_bank(
            Some("SYN"),
            "合成题库（仅供性能测试）",
            Some("Synthetic questions for benchmarks and load tests; never use in a real exam."),
            true,
            &questions,
            &[],
        ),
        Some(f @ (Format::Csv | Format::Xlsx)) => format::write(f, "SYN", &questions, &[]),
        _ => {
            return Err(format!(
                "gen-bank writes native, csv or xlsx, not {format:?}"
            ));
        }
    }
    .map_err(|e| e.to_string())?;
    std::fs::write(&output, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    println!(
        "wrote {} synthetic questions to {} ({} bytes)",
        questions.len(),
        output.display(),
        bytes.len()
    );
    Ok(())
}
