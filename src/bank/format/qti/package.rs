//! ZIP content packages: reading one through its manifest (or, without one, every XML file in
//! it) within the size limits, and zipping the files the writer made.

use super::dom::{attr, child, is, join_path, parent_dir, parse_xml};
use super::read::Package;
use super::read_lom::Meta;
use crate::bank::format::text::decode_text;
use crate::bank::format::{FormatError, ParsedFile, ParsedItem, Skip, zip_limits};
use crate::error::ErrorCode;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

/// Largest file taken out of a package (the package was checked against these before).
const MAX_ENTRY_BYTES: u64 = zip_limits::QTI.entry;

/// Most bytes read from all entries of one ZIP package together, counting an entry each time
/// it is read (a test may refer to one item file many times).
const MAX_PACKAGE_BYTES: u64 = zip_limits::QTI.total;

/// A QTI resource listed in a manifest.
struct Resource {
    kind: String,
    path: String,
}

pub(super) fn read_zip(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    zip_limits::check(bytes, &zip_limits::QTI)?;
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        FormatError::new(
            ErrorCode::MalformedZip,
            "文件不是可读取的 ZIP 内容包",
            format!("not a readable ZIP content package: {e}"),
        )
    })?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut lower: HashMap<String, usize> = HashMap::new();
    let mut xml_names = Vec::new();
    for i in 0..archive.len() {
        let Some(name) = archive.name_for_index(i) else {
            continue;
        };
        if name.ends_with('/') {
            continue;
        }
        let norm = join_path("", name);
        if norm.to_ascii_lowercase().ends_with(".xml") {
            xml_names.push(norm.clone());
        }
        lower.entry(norm.to_lowercase()).or_insert(i);
        index.entry(norm).or_insert(i);
    }
    let archive = RefCell::new(archive);
    // All entries read from one package together stay under this, so a small upload cannot
    // expand into gigabytes; entries past it are reported as not included.
    let budget = std::cell::Cell::new(MAX_PACKAGE_BYTES);
    let fetch = |path: &str| -> Option<Vec<u8>> {
        let norm = join_path("", path);
        let i = index
            .get(&norm)
            .or_else(|| lower.get(&norm.to_lowercase()))?;
        let mut archive = archive.try_borrow_mut().ok()?;
        let entry = archive.by_index(*i).ok()?;
        if entry.size() > MAX_ENTRY_BYTES {
            return None;
        }
        let cap = MAX_ENTRY_BYTES.min(budget.get());
        // Sized from the declared size (checked before): growing by doubling would hold up to
        // one and a half times the entry while it is read.
        let mut data = Vec::with_capacity(usize::try_from(entry.size().min(cap)).unwrap_or(0));
        entry.take(cap).read_to_end(&mut data).ok()?;
        budget.set(budget.get().saturating_sub(data.len() as u64));
        (budget.get() > 0).then_some(data)
    };
    let mut pkg = Package::new(&fetch);
    let mut resources = Vec::new();
    let manifest = xml_names
        .iter()
        .filter(|n| n.rsplit('/').next() == Some("imsmanifest.xml"))
        .min_by_key(|n| n.len())
        .cloned();
    if let Some(m) = &manifest
        && let Some(bytes) = fetch(m)
    {
        let text = decode_text(&bytes)?;
        let doc =
            parse_xml(&text).map_err(|e| e.prefixed("imsmanifest.xml：", "imsmanifest.xml: "))?;
        let dir = parent_dir(m);
        for r in doc.descendants().filter(|n| is(n, "resource")) {
            let kind = attr(r, "type");
            let href = attr(r, "href");
            if href.is_empty() || !kind.starts_with("imsqti_") {
                continue;
            }
            let path = join_path(dir, href);
            if let Some(lom) =
                child(r, "metadata").and_then(|md| md.descendants().find(|n| is(n, "lom")))
            {
                pkg.meta.insert(path.clone(), Meta::from_lom(lom));
            }
            resources.push(Resource {
                kind: kind.to_string(),
                path,
            });
        }
    }
    if resources.is_empty() {
        // No manifest (or one without QTI resources): look at every XML file.
        for name in &xml_names {
            if Some(name) == manifest.as_ref() {
                continue;
            }
            let Some(bytes) = fetch(name) else { continue };
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
            let kind = if head.contains("<assessmentTest") || head.contains(":assessmentTest") {
                "imsqti_test"
            } else if head.contains("assessmentItem") {
                "imsqti_item"
            } else {
                continue;
            };
            resources.push(Resource {
                kind: kind.to_string(),
                path: name.clone(),
            });
        }
    }
    let mut file = ParsedFile::default();
    let tests = resources
        .iter()
        .filter(|r| r.kind.starts_with("imsqti_test"));
    let items = resources
        .iter()
        .filter(|r| r.kind.starts_with("imsqti_item"));
    for r in tests.chain(items) {
        if pkg.read_items.contains(&r.path) {
            continue;
        }
        let Some(bytes) = fetch(&r.path) else {
            file.push(ParsedItem {
                ident: r.path.clone(),
                line: None,
                result: Err(Skip::new(
                    ErrorCode::MissingItemFile,
                    format!("清单中列出了 {}，但文件包中没有这个文件", r.path),
                    format!(
                        "the manifest lists {} but the package does not hold it",
                        r.path
                    ),
                )),
                warnings: vec![],
            });
            continue;
        };
        let text = decode_text(&bytes);
        let outcome = text.and_then(|text| {
            let doc = parse_xml(&text)?;
            pkg.read_root(&doc, &r.path, &mut file)
        });
        if let Err(e) = outcome {
            file.push(ParsedItem {
                ident: r.path.clone(),
                line: None,
                result: Err(Skip::text(e.code, super::read::in_file(&e, &r.path))),
                warnings: vec![],
            });
        }
    }
    if file.items.is_empty() && resources.is_empty() {
        return Err(FormatError::new(
            ErrorCode::UnsupportedFormat,
            "ZIP 文件中没有 QTI 的 assessmentItem 或 assessmentTest",
            "the ZIP holds no QTI assessmentItem or assessmentTest",
        ));
    }
    file.attachments = std::mem::take(&mut pkg.attachments);
    Ok(file)
}

pub(super) fn zip_files(files: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, FormatError> {
    let fail = |e: &dyn std::fmt::Display| FormatError::export_failed(e);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        zip.start_file(name, opts).map_err(|e| fail(&e))?;
        zip.write_all(&data).map_err(|e| fail(&e))?;
    }
    zip.finish().map(Cursor::into_inner).map_err(|e| fail(&e))
}
