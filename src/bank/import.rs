//! Planning an import: from what a reader got out of a file, and what the bank already holds,
//! decide item by item what happens. Pure; the service writes the plan in one transaction.

use super::format::text::{MEDIA_PREFIX, map_image_refs, media_hash};
use super::format::{Attachment, Format, ParsedFile};
use super::model::{Question, QuestionStatus};
use crate::error::{ErrorCode, Text};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use utoipa::ToSchema;

/// What to do with an item whose identifier the bank already has, with other content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnConflict {
    /// Refuse the whole import (409) and change nothing.
    #[default]
    Reject,
    /// Keep the stored question and report the item as skipped.
    Skip,
    /// Store the item as a new version of the question.
    Update,
}

/// Where the items a file marks (or leaves) active land: as written, as drafts (导入为草稿), or
/// submitted for review (导入后待审核). Other statuses in the file are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Landing {
    /// As the file says.
    #[default]
    AsWritten,
    /// As drafts.
    Draft,
    /// In review.
    InReview,
}

/// How an item fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ImportOutcome)]
pub enum Outcome {
    /// A new question (or would be, in a dry run).
    Imported,
    /// A new version of an existing question.
    Updated,
    /// Same content as stored; nothing to do.
    Unchanged,
    /// Not imported; `code` and `reason` say why.
    Skipped,
}

/// One line of the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemReport {
    /// The item's identifier in the file (or `row 7`, `question 3`).
    pub ident: String,
    /// The identifier the question has in the bank, when imported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// Line (text formats) or row (spreadsheets).
    pub line: Option<usize>,
    /// What happened.
    pub outcome: Outcome,
    /// Why it was skipped (stable code).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub code: Option<ErrorCode>,
    /// Why it was skipped (for people, in English).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why it was skipped, in Chinese; labels (option letters, column names) as the file
    /// writes them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_zh: Option<String>,
    /// Things the keeper should know that did not stop the item (English).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The same warnings in Chinese, in the same order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings_zh: Vec<String>,
}

impl ItemReport {
    /// Marks the item skipped, with its code and reason.
    fn skip(&mut self, code: ErrorCode, reason: Text) {
        self.outcome = Outcome::Skipped;
        self.code = Some(code);
        self.reason = Some(reason.en);
        self.reason_zh = Some(reason.zh);
    }

    /// Sets the warnings, in both languages.
    fn set_warnings(&mut self, warnings: Vec<Text>) {
        (self.warnings_zh, self.warnings) = warnings.into_iter().map(|t| (t.zh, t.en)).unzip();
    }
}

/// The report of an import, real or dry run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// The file's format.
    pub format: Format,
    /// The bank's code.
    pub bank: String,
    /// True when nothing was written.
    pub dry_run: bool,
    /// Items in the file.
    pub total: usize,
    /// New questions.
    pub imported: usize,
    /// New versions of existing questions.
    pub updated: usize,
    /// Items identical to what is stored.
    pub unchanged: usize,
    /// Items not imported.
    pub skipped: usize,
    /// Identifiers that already exist with other content, under `on_conflict = reject`.
    pub conflicts: usize,
    /// Images stored (or that would be).
    pub images: usize,
    /// Every item in file order.
    pub items: Vec<ItemReport>,
}

/// A stored question, as far as planning needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    /// Its id.
    pub id: i32,
    /// Its current version number.
    pub version: i32,
    /// Fingerprint of the current version.
    pub fingerprint: String,
}

/// An image to store: content hash, type, bytes.
#[derive(Debug, Clone)]
pub struct NewMedia {
    /// Hex SHA-256.
    pub sha256: String,
    /// MIME type.
    pub mime: String,
    /// The bytes.
    pub data: Vec<u8>,
}

/// What to write.
#[derive(Debug)]
pub struct Plan {
    /// The report (counts as if written).
    pub report: ImportReport,
    /// Questions to insert.
    pub new: Vec<Question>,
    /// New versions: (question id, new version number, content).
    pub changed: Vec<(i32, i32, Question)>,
    /// Images the planned questions use.
    pub media: Vec<NewMedia>,
}

/// Decides every item. `existing` maps identifiers in the target bank to their stored state.
pub fn plan(
    file: ParsedFile,
    format: Format,
    bank: &str,
    existing: &HashMap<String, Existing>,
    on_conflict: OnConflict,
    dry_run: bool,
    landing: Landing,
) -> Plan {
    let mut by_name: HashMap<String, NewMedia> = HashMap::new();
    for a in file.attachments {
        by_name.insert(normalize_name(&a.name), to_media(a));
    }
    let mut report = ImportReport {
        format,
        bank: bank.to_string(),
        dry_run,
        total: file.items.len(),
        imported: 0,
        updated: 0,
        unchanged: 0,
        skipped: 0,
        conflicts: 0,
        images: 0,
        items: Vec::with_capacity(file.items.len()),
    };
    let mut new = Vec::new();
    let mut changed = Vec::new();
    // Images are collected by reference and copied once at the end: one picture shared by many
    // items must not be cloned per item.
    let mut used_media: HashMap<&str, &NewMedia> = HashMap::new();
    let mut seen: HashMap<String, Option<usize>> = HashMap::new();

    for item in file.items {
        let mut warnings = item.warnings;
        let mut line = ItemReport {
            ident: item.ident,
            question: None,
            line: item.line,
            outcome: Outcome::Skipped,
            code: None,
            reason: None,
            reason_zh: None,
            warnings: vec![],
            warnings_zh: vec![],
        };
        let skip = |line: &mut ItemReport, code: ErrorCode, reason: Text| line.skip(code, reason);
        let mut body = match item.result {
            Ok(b) => b,
            Err(s) => {
                line.set_warnings(warnings);
                skip(&mut line, s.code, Text::new(s.reason_zh, s.reason));
                report.skipped += 1;
                report.items.push(line);
                continue;
            }
        };
        // PostgreSQL cannot store NUL and no view shows a control character: such an item is
        // skipped while planning, so a dry run reports exactly what the import does.
        if let Some(found) = serde_json::to_value(&body)
            .ok()
            .and_then(|v| crate::input::find_in_json(&v))
        {
            let reason = Text::new(
                format!("{} 处的文字含有控制字符 {}", found.at, found.code_point()),
                format!(
                    "the text at {} holds the control character {}",
                    found.at,
                    found.code_point()
                ),
            );
            line.set_warnings(warnings);
            skip(&mut line, ErrorCode::ControlCharacter, reason);
            report.skipped += 1;
            report.items.push(line);
            continue;
        }
        let mut item_media = Vec::new();
        body.stem = attach_images(&body.stem, &by_name, &mut item_media, &mut warnings);
        for o in &mut body.options {
            *o = attach_images(o, &by_name, &mut item_media, &mut warnings);
        }
        body.explanation =
            attach_images(&body.explanation, &by_name, &mut item_media, &mut warnings);
        body.rubric = attach_images(&body.rubric, &by_name, &mut item_media, &mut warnings);
        line.set_warnings(warnings);
        let question = match Question::parse(body) {
            Ok(q) => q,
            Err(e) => {
                skip(&mut line, e.code(), e.text());
                report.skipped += 1;
                report.items.push(line);
                continue;
            }
        };
        // Taken in as drafts on request; a question nobody could mark is never active.
        let question = if question.status == QuestionStatus::Active && !question.markable() {
            line.warnings.push(
                "无法评分（缺少参考答案或评分细则），已作为草稿导入 / cannot be marked (no \
                 reference answer or marking scheme): imported as a draft"
                    .into(),
            );
            question.into_draft()
        } else if question.status == QuestionStatus::Active && landing == Landing::Draft {
            question.into_draft()
        } else if question.status == QuestionStatus::Active && landing == Landing::InReview {
            question.into_review()
        } else {
            question
        };
        let question = if question.ident.is_empty() {
            let ident = format!("Q-{}", question.fingerprint());
            match question.with_ident(ident) {
                Ok(q) => q,
                Err(e) => {
                    skip(&mut line, e.code(), e.text());
                    report.skipped += 1;
                    report.items.push(line);
                    continue;
                }
            }
        } else {
            question
        };
        let ident = question.ident.clone();
        line.question = Some(ident.clone());
        if let Some(first) = seen.get(&ident) {
            let (zh_at, en_at) = first
                .map(|l| (format!("（第 {l} 行）"), format!(" (line {l})")))
                .unwrap_or_default();
            skip(
                &mut line,
                ErrorCode::DuplicateIdentifier,
                Text::new(
                    format!("编号 {ident} 在本文件前面已经用过{zh_at}"),
                    format!("identifier {ident} was already used earlier in this file{en_at}"),
                ),
            );
            report.skipped += 1;
            report.items.push(line);
            continue;
        }
        seen.insert(ident.clone(), line.line);
        match existing.get(&ident) {
            None => {
                line.outcome = Outcome::Imported;
                report.imported += 1;
                new.push(question);
            }
            Some(e) if e.fingerprint == question.fingerprint() => {
                line.outcome = Outcome::Unchanged;
                report.unchanged += 1;
                item_media.clear();
            }
            Some(e) => match on_conflict {
                OnConflict::Update => {
                    line.outcome = Outcome::Updated;
                    report.updated += 1;
                    changed.push((e.id, e.version + 1, question));
                }
                OnConflict::Skip | OnConflict::Reject => {
                    if on_conflict == OnConflict::Reject {
                        report.conflicts += 1;
                    }
                    skip(
                        &mut line,
                        ErrorCode::IdentifierExists,
                        Text::new(
                            format!(
                                "题库中已有编号为 {ident} 的试题，内容不同（第 {} 版）",
                                e.version
                            ),
                            format!(
                                "the bank already has {ident} with other content (version {})",
                                e.version
                            ),
                        ),
                    );
                    report.skipped += 1;
                    item_media.clear();
                }
            },
        }
        for m in item_media {
            used_media.entry(m.sha256.as_str()).or_insert(m);
        }
        report.items.push(line);
    }
    report.images = used_media.len();
    let mut media: Vec<NewMedia> = used_media.into_values().cloned().collect();
    media.sort_by(|a, b| a.sha256.cmp(&b.sha256));
    Plan {
        report,
        new,
        changed,
        media,
    }
}

/// Points the images a text shows at their stored copies (`/api/media/<sha256>`), collecting
/// the files to store; an image the file does not carry is kept as written, with a warning.
fn attach_images<'m>(
    text: &str,
    by_name: &'m HashMap<String, NewMedia>,
    used: &mut Vec<&'m NewMedia>,
    warnings: &mut Vec<Text>,
) -> String {
    if !text.contains("![") {
        return text.to_string();
    }
    map_image_refs(text, |r| {
        if media_hash(&r.target).is_some() {
            return None;
        }
        match by_name.get(&normalize_name(&r.target)) {
            Some(m) => {
                used.push(m);
                Some(format!("{MEDIA_PREFIX}{}", m.sha256))
            }
            None => {
                if !r.target.starts_with("http://") && !r.target.starts_with("https://") {
                    warnings.push(Text::new(
                        format!("图片 {} 不在文件中", r.target),
                        format!("image {} is not included in the file", r.target),
                    ));
                }
                None
            }
        }
    })
}

fn normalize_name(name: &str) -> String {
    name.trim().trim_start_matches("./").to_string()
}

/// Hashes an attachment for storage.
pub fn to_media(a: Attachment) -> NewMedia {
    NewMedia {
        sha256: hex::encode(Sha256::digest(&a.data)),
        mime: a.mime,
        data: a.data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::format::{ParsedItem, Skip};
    use crate::bank::model::{Key, QuestionBody, QuestionKind};

    fn body(ident: &str, stem: &str) -> QuestionBody {
        let mut b = QuestionBody::new(
            QuestionKind::TrueFalse,
            stem,
            &[],
            Key::TrueFalse { value: true },
        );
        b.ident = ident.into();
        b
    }

    fn item(n: usize, r: Result<QuestionBody, Skip>) -> ParsedItem {
        ParsedItem {
            ident: format!("item {n}"),
            line: Some(n),
            result: r,
            warnings: vec![],
        }
    }

    fn file(items: Vec<ParsedItem>) -> ParsedFile {
        ParsedFile {
            items,
            ..Default::default()
        }
    }

    #[test]
    fn every_item_gets_a_line_in_the_report_in_file_order() {
        let f = file(vec![
            item(1, Ok(body("A", "甲"))),
            item(
                2,
                Err(Skip::new(ErrorCode::UnsupportedType, "匹配题", "matching")),
            ),
            item(3, Ok(body("", ""))),
        ]);
        let p = plan(
            f,
            Format::Gift,
            "T",
            &HashMap::new(),
            OnConflict::Reject,
            true,
            Landing::AsWritten,
        );
        let outcomes: Vec<_> = p.report.items.iter().map(|i| i.outcome).collect();
        assert_eq!(
            outcomes,
            vec![Outcome::Imported, Outcome::Skipped, Outcome::Skipped]
        );
        assert_eq!(p.report.items[1].code, Some(ErrorCode::UnsupportedType));
        assert_eq!(p.report.items[2].code, Some(ErrorCode::EmptyStem));
        assert_eq!(p.new.len(), 1);
    }

    #[test]
    fn an_item_with_a_control_character_is_skipped_in_a_dry_run_and_for_real_alike() {
        for dry_run in [true, false] {
            let f = file(vec![
                item(1, Ok(body("A", "题干\u{0}"))),
                item(2, Ok(body("B", "正常\t题干"))),
            ]);
            let p = plan(
                f,
                Format::Csv,
                "T",
                &HashMap::new(),
                OnConflict::Reject,
                dry_run,
                Landing::AsWritten,
            );
            assert_eq!(p.report.items[0].code, Some(ErrorCode::ControlCharacter));
            assert!(p.report.items[0].reason.as_ref().unwrap().contains("/stem"));
            assert_eq!(p.report.items[1].outcome, Outcome::Imported);
            assert_eq!(p.new.len(), 1);
        }
    }

    #[test]
    fn a_repeated_identifier_in_one_file_is_skipped_naming_the_first_line() {
        let f = file(vec![
            item(1, Ok(body("A", "甲"))),
            item(5, Ok(body("A", "乙"))),
        ]);
        let p = plan(
            f,
            Format::Gift,
            "T",
            &HashMap::new(),
            OnConflict::Reject,
            true,
            Landing::AsWritten,
        );
        assert_eq!(p.report.items[1].code, Some(ErrorCode::DuplicateIdentifier));
        assert!(
            p.report.items[1]
                .reason
                .as_ref()
                .unwrap()
                .contains("line 1")
        );
    }

    #[test]
    fn items_without_identifier_are_named_by_their_content() {
        let f = file(vec![item(1, Ok(body("", "甲")))]);
        let p = plan(
            f,
            Format::Gift,
            "T",
            &HashMap::new(),
            OnConflict::Reject,
            true,
            Landing::AsWritten,
        );
        assert!(p.new[0].ident.starts_with("Q-"));
    }

    #[test]
    fn stored_identifiers_are_unchanged_updated_or_conflicts_by_policy() {
        let q = Question::parse(body("A", "甲")).unwrap();
        let mut existing = HashMap::new();
        existing.insert(
            "A".to_string(),
            Existing {
                id: 9,
                version: 2,
                fingerprint: q.fingerprint(),
            },
        );
        existing.insert(
            "B".to_string(),
            Existing {
                id: 10,
                version: 1,
                fingerprint: "other".into(),
            },
        );
        let items = || {
            file(vec![
                item(1, Ok(body("A", "甲"))),
                item(2, Ok(body("B", "乙"))),
            ])
        };
        let p = plan(
            items(),
            Format::Native,
            "T",
            &existing,
            OnConflict::Reject,
            false,
            Landing::AsWritten,
        );
        assert_eq!(p.report.unchanged, 1);
        assert_eq!(p.report.conflicts, 1);
        let p = plan(
            items(),
            Format::Native,
            "T",
            &existing,
            OnConflict::Update,
            false,
            Landing::AsWritten,
        );
        assert_eq!(p.changed.len(), 1);
        assert_eq!((p.changed[0].0, p.changed[0].1), (10, 2));
        let p = plan(
            items(),
            Format::Native,
            "T",
            &existing,
            OnConflict::Skip,
            false,
            Landing::AsWritten,
        );
        assert_eq!((p.report.skipped, p.report.conflicts), (1, 0));
    }

    #[test]
    fn images_in_the_file_are_stored_once_and_missing_ones_are_warned_about() {
        let mut with_option = body("C", "选哪面旗？");
        with_option.kind = QuestionKind::Single;
        with_option.options = vec!["![德国](images/sign.png)".into(), "其他".into()];
        with_option.key = Key::Choice { correct: vec![0] };
        let mut f = file(vec![
            item(1, Ok(body("A", "看图 ![标志](images/sign.png)"))),
            item(
                2,
                Ok(body("B", "再看 ![标志](./images/sign.png) ![无](gone.png)")),
            ),
            item(3, Ok(with_option)),
        ]);
        f.attachments.push(Attachment {
            name: "images/sign.png".into(),
            mime: "image/png".into(),
            data: vec![1, 2, 3],
        });
        let p = plan(
            f,
            Format::Qti,
            "T",
            &HashMap::new(),
            OnConflict::Reject,
            false,
            Landing::AsWritten,
        );
        assert_eq!(p.media.len(), 1);
        assert!(
            p.new[0]
                .stem
                .contains(&format!("/api/media/{}", p.media[0].sha256))
        );
        assert_eq!(
            p.report.items[1].warnings,
            vec!["image gone.png is not included in the file"]
        );
        assert_eq!(
            p.report.items[2].outcome,
            Outcome::Imported,
            "{:?}",
            p.report.items[2]
        );
        assert!(
            p.new[2].options[0].contains("/api/media/"),
            "images in options too"
        );
    }
}
