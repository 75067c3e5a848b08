//! Reading a QTI file: a single item, or a test whose sections and item references are followed
//! through a resolver (a folder, or the entries of a ZIP package), with the images they use.

use super::dom::{attr, is_external, join_path, line, parent_dir, parse_xml, percent_decode};
use super::read_body::Html;
use super::read_item::item_body;
use super::read_lom::Meta;
use crate::bank::format::text::{decode_text, image_mime, media_hash, sniff_image};
use crate::bank::format::{Attachment, FormatError, MAX_ITEM_BYTES, ParsedFile, ParsedItem, Skip};
use crate::bank::model::QuestionBody;
use crate::error::{ErrorCode, Text};
use roxmltree::{Document, Node};
use std::collections::{HashMap, HashSet};

/// Whether an element nests deeper than [`MAX_BODY_DEPTH`] below `root`: the body is converted
/// recursively, so a hostile depth would otherwise overflow the stack.
fn too_deep(root: Node) -> bool {
    let mut depth: HashMap<roxmltree::NodeId, usize> = HashMap::new();
    depth.insert(root.id(), 0);
    for n in root.descendants().skip(1) {
        let d = n
            .parent()
            .and_then(|p| depth.get(&p.id()).copied())
            .unwrap_or(0)
            + 1;
        if d > MAX_BODY_DEPTH {
            return true;
        }
        depth.insert(n.id(), d);
    }
    false
}

/// Most levels of section files referring to section files.
const MAX_SECTION_DEPTH: usize = 32;
/// Most element nesting in an item body; deeper bodies are refused, not recursed into.
const MAX_BODY_DEPTH: usize = 100;

/// Reads a QTI file whose referenced files (item files of a test, images) are found by
/// `resolve`, which gets paths relative to the main file's folder (`items/q1.xml`,
/// `images/sign.png`). Images found become attachments named as the stem refers to them.
pub fn read_package(
    main: &[u8],
    resolve: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<ParsedFile, FormatError> {
    let text = decode_text(main)?;
    let doc = parse_xml(&text)?;
    let mut pkg = Package::new(resolve);
    let mut file = ParsedFile::default();
    pkg.read_root(&doc, "", &mut file)?;
    file.attachments = pkg.attachments;
    Ok(file)
}

/// Reading state: where referenced files come from, what was found.
pub(super) struct Package<'r> {
    resolve: &'r dyn Fn(&str) -> Option<Vec<u8>>,
    pub(super) attachments: Vec<Attachment>,
    pub(super) meta: HashMap<String, Meta>,
    pub(super) read_items: HashSet<String>,
    /// Section files being read, outermost first: a reference back into one is a cycle.
    open_sections: Vec<String>,
}

impl<'r> Package<'r> {
    pub(super) fn new(resolve: &'r dyn Fn(&str) -> Option<Vec<u8>>) -> Self {
        Package {
            resolve,
            attachments: Vec::new(),
            meta: HashMap::new(),
            read_items: HashSet::new(),
            open_sections: Vec::new(),
        }
    }

    fn fetch(&self, path: &str) -> Option<Vec<u8>> {
        (self.resolve)(path).or_else(|| {
            let decoded = percent_decode(path);
            if decoded != path {
                (self.resolve)(&decoded)
            } else {
                None
            }
        })
    }

    /// Reads a main document (item or test) found at `path` in the package.
    pub(super) fn read_root(
        &mut self,
        doc: &Document,
        path: &str,
        file: &mut ParsedFile,
    ) -> Result<(), FormatError> {
        let root = doc.root_element();
        match root.tag_name().name() {
            "assessmentItem" => {
                self.read_items.insert(path.to_string());
                let (result, warnings) = self.item(root, path, "");
                let ident = item_ident(&result, attr(root, "identifier"))
                    .unwrap_or_else(|| format!("item {}", file.items.len() + 1));
                file.push(ParsedItem {
                    ident,
                    line: Some(line(root)),
                    result,
                    warnings,
                });
                Ok(())
            }
            "assessmentTest" => {
                let title = attr(root, "title").trim();
                if !title.is_empty() && file.bank_name.is_none() {
                    file.bank_name = Some(title.to_string());
                }
                self.walk_test(root, path, &mut Vec::new(), file);
                Ok(())
            }
            "questestinterop" => Err(FormatError::new(
                ErrorCode::UnsupportedFormat,
                "这是 QTI 1.2（questestinterop）文件；只能读取 QTI 2.x 的 assessmentItem 和 assessmentTest 文件",
                "this is QTI 1.2 (questestinterop); only QTI 2.x assessmentItem and assessmentTest files can be read",
            )),
            other => Err(FormatError::new(
                ErrorCode::UnsupportedFormat,
                format!("根元素是 <{other}>，不是 QTI 2.x 的 assessmentItem 或 assessmentTest"),
                format!(
                    "the root element is <{other}>, not a QTI 2.x assessmentItem or assessmentTest"
                ),
            )),
        }
    }

    /// Walks a test or section: sections add their titles to the path, item references
    /// become items.
    fn walk_test(
        &mut self,
        node: Node,
        path: &str,
        category: &mut Vec<String>,
        file: &mut ParsedFile,
    ) {
        for c in node.children().filter(Node::is_element) {
            match c.tag_name().name() {
                "testPart" => self.walk_test(c, path, category, file),
                "assessmentSection" => {
                    let title = attr(c, "title").trim().to_string();
                    let pushed = !title.is_empty();
                    if pushed {
                        category.push(title);
                    }
                    self.walk_test(c, path, category, file);
                    if pushed {
                        category.pop();
                    }
                }
                "assessmentSectionRef" => self.section_ref(c, path, category, file),
                "assessmentItemRef" => {
                    let item = self.item_ref(c, path, category, file.items.len() + 1);
                    if let Some(item) = item {
                        file.push(item);
                    }
                }
                _ => {}
            }
        }
    }

    fn section_ref(
        &mut self,
        node: Node,
        path: &str,
        category: &mut Vec<String>,
        file: &mut ParsedFile,
    ) {
        let href = attr(node, "href");
        let target = join_path(parent_dir(path), href);
        let ident = attr(node, "identifier").to_string();
        let skip = |code: ErrorCode, reason: Text| ParsedItem {
            ident: if ident.is_empty() {
                href.to_string()
            } else {
                ident.clone()
            },
            line: Some(line(node)),
            result: Err(Skip::text(code, reason)),
            warnings: vec![],
        };
        if self.open_sections.contains(&target) || self.open_sections.len() >= MAX_SECTION_DEPTH {
            file.push(skip(
                ErrorCode::CircularReference,
                Text::new(
                    format!("章节文件 {href} 引用了自身，或嵌套层数过多"),
                    format!("the section file {href} refers back into itself or nests too deeply"),
                ),
            ));
            return;
        }
        let Some(bytes) = self.fetch(&target) else {
            file.push(skip(
                ErrorCode::MissingItemFile,
                Text::new(
                    format!("引用的章节文件 {href} 不在文件包中，其中的试题未读取"),
                    format!(
                        "the referenced section file {href} is not included, so its items were not read"
                    ),
                ),
            ));
            return;
        };
        let parsed = decode_text(&bytes).and_then(|text| {
            let doc = parse_xml(&text)?;
            let root = doc.root_element();
            if root.tag_name().name() != "assessmentSection" {
                return Err(FormatError::new(
                    ErrorCode::UnsupportedFormat,
                    format!("{href} 不是 assessmentSection"),
                    format!("{href} is not an assessmentSection"),
                ));
            }
            let title = attr(root, "title").trim().to_string();
            let pushed = !title.is_empty();
            if pushed {
                category.push(title);
            }
            self.open_sections.push(target.clone());
            self.walk_test(root, &target, category, file);
            self.open_sections.pop();
            if pushed {
                category.pop();
            }
            Ok(())
        });
        if let Err(e) = parsed {
            file.items.push(skip(e.code, in_file(&e, href)));
        }
    }

    fn item_ref(
        &mut self,
        node: Node,
        path: &str,
        category: &[String],
        position: usize,
    ) -> Option<ParsedItem> {
        let href = attr(node, "href");
        let ref_ident = attr(node, "identifier").trim();
        let target = join_path(parent_dir(path), href);
        if !self.read_items.insert(target.clone()) {
            return None; // the same item file referenced twice: read once
        }
        let fallback = if ref_ident.is_empty() {
            format!("item {position}")
        } else {
            ref_ident.to_string()
        };
        let skipped = |code: ErrorCode, reason: Text| ParsedItem {
            ident: fallback.clone(),
            line: Some(line(node)),
            result: Err(Skip::text(code, reason)),
            warnings: vec![],
        };
        let Some(bytes) = self.fetch(&target) else {
            return Some(skipped(
                ErrorCode::MissingItemFile,
                Text::new(
                    format!("引用的试题文件 {href} 不在文件包中"),
                    format!("the referenced item file {href} is not available"),
                ),
            ));
        };
        let text = match decode_text(&bytes) {
            Ok(t) => t,
            Err(e) => return Some(skipped(e.code, in_file(&e, href))),
        };
        let doc = match parse_xml(&text) {
            Ok(d) => d,
            Err(e) => return Some(skipped(e.code, in_file(&e, href))),
        };
        let root = doc.root_element();
        if root.tag_name().name() != "assessmentItem" {
            return Some(skipped(
                ErrorCode::UnsupportedFormat,
                Text::new(
                    format!("{href} 不是 assessmentItem"),
                    format!("{href} is not an assessmentItem"),
                ),
            ));
        }
        let (mut result, warnings) = self.item(root, &target, ref_ident);
        if let Ok(body) = &mut result {
            body.category = category.to_vec();
        }
        Some(ParsedItem {
            ident: item_ident(&result, ref_ident).unwrap_or(fallback),
            line: Some(line(node)),
            result,
            warnings,
        })
    }

    /// Reads one assessmentItem found at `path`; resolves its images.
    /// An empty identifier is filled from `fallback` unless the manifest gives one.
    fn item(
        &mut self,
        item: Node,
        path: &str,
        fallback: &str,
    ) -> (Result<QuestionBody, Skip>, Vec<Text>) {
        let mut h = Html::new(parent_dir(path));
        // Text nodes borrow from the file; an item whose text is over the size limit is
        // refused before any of it is copied (images in data: URIs are attributes, not text).
        let text_bytes: usize = item
            .descendants()
            .filter_map(|n| n.text().filter(|_| n.is_text()))
            .map(str::len)
            .sum();
        let mut result = if text_bytes > MAX_ITEM_BYTES {
            Err(Skip::item_too_large(text_bytes))
        } else if too_deep(item) {
            Err(Skip::new(
                ErrorCode::TooDeeplyNested,
                format!("试题正文的元素嵌套超过 {MAX_BODY_DEPTH} 层"),
                format!("the item body nests elements more than {MAX_BODY_DEPTH} levels deep"),
            ))
        } else {
            item_body(item, &mut h)
        };
        if let Ok(body) = &mut result
            && body.ident.is_empty()
        {
            body.ident = fallback.to_string();
        }
        let warnings = Vec::new();
        for a in h.inline {
            if !self.attachments.iter().any(|x| x.name == a.name) {
                self.attachments.push(a);
            }
        }
        for target in h.images {
            if self.attachments.iter().any(|a| a.name == target) || media_hash(&target).is_some() {
                continue;
            }
            let data = if is_external(&target) {
                None
            } else {
                self.fetch(&target)
            };
            // An image the file does not carry is reported by the importer.
            if let Some(data) = data {
                let mime = image_mime(&target)
                    .or_else(|| sniff_image(&data))
                    .unwrap_or("application/octet-stream");
                self.attachments.push(Attachment {
                    name: target,
                    mime: mime.to_string(),
                    data,
                });
            }
        }
        if let (Ok(body), Some(meta)) = (&mut result, self.meta.get(path)) {
            meta.apply(body);
        }
        (result, warnings)
    }
}

/// The identifier to report an item under: the body's, else the given one.
/// A file-level error inside a package, as the reason an item was skipped.
pub(super) fn in_file(e: &FormatError, path: &str) -> Text {
    e.message_text()
        .prefixed(&format!("{path}："), &format!("{path}: "))
}

fn item_ident(result: &Result<QuestionBody, Skip>, fallback: &str) -> Option<String> {
    let from_body = result
        .as_ref()
        .ok()
        .map(|b| b.ident.trim())
        .filter(|i| !i.is_empty());
    from_body
        .or(Some(fallback.trim()).filter(|i| !i.is_empty()))
        .map(str::to_string)
}
