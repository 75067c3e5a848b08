//! Writing questions as a QTI 2.1 content package: one item file per question, the images the
//! stems use, the test and the manifest, zipped.

use super::Entry;
use super::package::zip_files;
use super::write_item::item_xml;
use super::write_test::{manifest_xml, test_xml};
use crate::bank::format::text::{media_hash, mime_extension};
use crate::bank::format::{Attachment, FormatError};
use crate::bank::model::Question;
use std::collections::{BTreeMap, HashSet};

/// Writes the questions as a QTI 2.1 content package (ZIP): `imsmanifest.xml`, `test.xml`
/// with one section per category, `items/<id>.xml` and the images the stems use.
pub fn write(
    bank_name: &str,
    questions: &[Question],
    attachments: &[Attachment],
) -> Result<Vec<u8>, FormatError> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut images: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut used = HashSet::new();
    let mut entries = Vec::with_capacity(questions.len());
    for (n, q) in questions.iter().enumerate() {
        let id = unique_id(&q.ident, n + 1, &mut used);
        let href = format!("items/{id}.xml");
        let mut item_images = Vec::new();
        let xml = item_xml(q, &id, &mut |target: &str| {
            let Some(hash) = media_hash(target) else {
                return target.to_string();
            };
            let Some(a) = attachments.iter().find(|a| a.name.starts_with(hash)) else {
                return target.to_string();
            };
            let path = format!("images/{hash}.{}", mime_extension(&a.mime));
            images.entry(path.clone()).or_insert_with(|| a.data.clone());
            if !item_images.contains(&path) {
                item_images.push(path.clone());
            }
            format!("../{path}")
        });
        files.push((href.clone(), xml.into_bytes()));
        entries.push(Entry {
            id,
            href,
            images: item_images,
            question: q,
        });
    }
    let mut out = Vec::with_capacity(files.len() + images.len() + 2);
    out.push((
        "imsmanifest.xml".to_string(),
        manifest_xml(&entries).into_bytes(),
    ));
    out.push((
        "test.xml".to_string(),
        test_xml(bank_name, &entries).into_bytes(),
    ));
    out.extend(files);
    out.extend(images);
    zip_files(out)
}

/// A QTI identifier (and file name) for a question: its own identifier when that is a plain
/// ASCII name, else `item-N`; made unique.
fn unique_id(ident: &str, n: usize, used: &mut HashSet<String>) -> String {
    let plain = !ident.is_empty()
        && ident.len() <= 64
        && ident
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && ident
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let base = if plain {
        ident.to_string()
    } else {
        format!("item-{n}")
    };
    let mut id = base.clone();
    let mut k = 2;
    while !used.insert(id.to_ascii_lowercase()) {
        id = format!("{base}-{k}");
        k += 1;
    }
    id
}
