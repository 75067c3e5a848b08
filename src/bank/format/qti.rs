//! IMS QTI 2.1: single `assessmentItem` files, `assessmentTest` files with the items they
//! reference, and content packages (a ZIP with `imsmanifest.xml`).
//!
//! What is read:
//! - `choiceInteraction` → single choice (`maxChoices="1"`) or multiple choice; two choices that
//!   read as true and false (对/错, True/False, …) → true/false. Options keep authored order.
//! - `textEntryInteraction`s → fill in the blank, one `___` per interaction at its place (none
//!   when a single entry box stands in its own paragraph); accepted answers from
//!   `correctResponse` and positive `mapEntry`s. Numeric entries are taken when scored by exact
//!   value, skipped when scored by a tolerance or comparison ("numeric range").
//! - `extendedTextInteraction` → short answer (reference answer from `correctResponse`).
//! - one `inlineChoiceInteraction` → single choice with `___` in the stem at its place.
//! - `rubricBlock view="scorer"` → rubric; the first `modalFeedback` → explanation;
//!   outcome `MAXSCORE` (or the mapping's upper bound) → points.
//! - every other interaction, items mixing kinds of interaction, and several choice
//!   interactions in one item are skipped as `unsupported_interaction`.
//! - an `assessmentTest` turns its section titles into category paths; a referenced item file
//!   that is not available is skipped as `missing_item_file`.
//! - a package's manifest LOM metadata (identifier of catalog `exam-platform`, keywords,
//!   difficulty, life-cycle status, `isbasedon` relation) fills identifier, tags, difficulty,
//!   status and source.
//!
//! What is written: a ZIP content package with `imsmanifest.xml`, `test.xml` (an
//! `assessmentTest` whose nested sections are the categories), one item file per question in
//! `items/` and the stems' images in `images/`. True/false questions become a choice between
//! 对 and 错 (read back as true/false); a practical task becomes an `extendedTextInteraction`
//! with its marking scheme in a scorer `rubricBlock` of class `practical-scheme` (read back as
//! practical). Runs of spaces and empty lines in texts collapse, as HTML does.

use super::text::{decode_text, image_mime, media_hash, mime_extension, sniff_image};
use super::{Attachment, FormatError, MAX_ITEM_BYTES, ParsedFile, ParsedItem, Skip, html};
use crate::bank::model::{
    Aspect, BLANK_MARKER, Key, Question, QuestionBody, QuestionKind, QuestionStatus,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use roxmltree::{Document, Node};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Read, Write};

/// The LOM identifier catalog under which the writer records the platform's own identifier.
const CATALOG: &str = "exam-platform";
/// The class of the scorer rubric block that carries a practical task's marking scheme.
const SCHEME_CLASS: &str = "practical-scheme";
/// Largest file taken out of a package (the package was checked against these before).
const MAX_ENTRY_BYTES: u64 = super::zip_limits::QTI.entry;
/// Reads an option text as true or false only when it is one of the words that mean exactly
/// that; letters and digits such as `x`, `y`, `1`, `0` stay ordinary options.
fn true_false_word(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "对" | "正确" | "是" | "√" | "✓" | "true" => Some(true),
        "错" | "错误" | "否" | "×" | "✗" | "false" => Some(false),
        _ => None,
    }
}

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
/// Most bytes read from all entries of one ZIP package together, counting an entry each time
/// it is read (a test may refer to one item file many times).
const MAX_PACKAGE_BYTES: u64 = super::zip_limits::QTI.total;

/// Reads a QTI 2.1 `assessmentItem` or `assessmentTest` XML file, or a content package (ZIP).
/// Files that a plain XML file references (items of a test, images) are not available here,
/// so they are reported as missing; use [`read_package`] to supply them.
pub fn read(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    if bytes.starts_with(b"PK") {
        return read_zip(bytes);
    }
    read_package(bytes, &|_| None)
}

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

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

fn parse_xml(text: &str) -> Result<Document<'_>, FormatError> {
    super::xml::parse(text)
}

fn line(node: Node) -> usize {
    node.document().text_pos_at(node.range().start).row as usize
}

fn is(node: &Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(c, name))
}

fn children<'a, 'i: 'a>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| is(c, name))
}

/// All text inside a node, trimmed.
fn plain(node: Node) -> String {
    let s: String = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    s.trim().to_string()
}

fn attr<'a>(node: Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name).unwrap_or("")
}

fn has_class(node: Node, class: &str) -> bool {
    attr(node, "class").split_whitespace().any(|c| c == class)
}

fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Joins a relative reference to a folder, resolving `.` and `..`.
fn join_path(dir: &str, rel: &str) -> String {
    let rel = rel.replace('\\', "/");
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let mut up = 0;
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    up += 1;
                }
            }
            s => parts.push(s),
        }
    }
    format!("{}{}", "../".repeat(up), parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_external(src: &str) -> bool {
    src.starts_with('/') || src.contains("://") || src.starts_with("data:")
}

/// A response declaration.
#[derive(Default)]
struct Decl {
    cardinality: String,
    base_type: String,
    correct: Vec<String>,
    mapped: Vec<(String, f64)>,
    upper_bound: Option<f64>,
}

impl Decl {
    /// The key of a choice interaction: the declared correct response; only without one, the
    /// mapped choices worth the most (a choice with partial credit is not a correct answer).
    fn choice_key(&self) -> Vec<String> {
        let correct: Vec<String> = self
            .correct
            .iter()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        if !correct.is_empty() {
            return correct;
        }
        let top = self.mapped.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
        self.mapped
            .iter()
            .filter(|(_, v)| top > 0.0 && *v >= top)
            .map(|(k, _)| k.trim().to_string())
            .collect()
    }

    /// The correct values, then the mapped keys worth points, without repeats: every accepted
    /// answer, as a text entry wants them.
    fn answers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mapped = self.mapped.iter().filter(|(_, v)| *v > 0.0).map(|(k, _)| k);
        for v in self.correct.iter().chain(mapped) {
            let v = v.trim();
            if !v.is_empty() && !out.iter().any(|o| o == v) {
                out.push(v.to_string());
            }
        }
        out
    }
}

fn declarations(item: Node) -> HashMap<String, Decl> {
    let mut map = HashMap::new();
    for d in children(item, "responseDeclaration") {
        let mut decl = Decl {
            cardinality: attr(d, "cardinality").to_string(),
            base_type: attr(d, "baseType").to_string(),
            ..Decl::default()
        };
        if let Some(c) = child(d, "correctResponse") {
            decl.correct = children(c, "value").map(plain).collect();
        }
        if let Some(m) = child(d, "mapping") {
            decl.upper_bound = m
                .attribute("upperBound")
                .and_then(|v| v.trim().parse().ok());
            for e in children(m, "mapEntry") {
                if let (Some(k), Some(v)) = (
                    e.attribute("mapKey"),
                    e.attribute("mappedValue")
                        .and_then(|v| v.trim().parse::<f64>().ok()),
                ) {
                    decl.mapped.push((k.to_string(), v));
                }
            }
        }
        map.insert(attr(d, "identifier").to_string(), decl);
    }
    map
}

fn max_score(item: Node) -> Option<f64> {
    children(item, "outcomeDeclaration")
        .find(|o| attr(*o, "identifier") == "MAXSCORE")
        .and_then(|o| child(o, "defaultValue"))
        .and_then(|d| child(d, "value"))
        .and_then(|v| plain(v).parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0)
}

/// How a numeric response is scored when that is not by exact value.
fn numeric_range(item: Node, response: &str) -> Option<String> {
    let rp = child(item, "responseProcessing")?;
    for n in rp.descendants().filter(Node::is_element) {
        let name = n.tag_name().name();
        let what = match name {
            "equal" => match n.attribute("toleranceMode") {
                Some("absolute" | "relative") => "equal with a tolerance".to_string(),
                _ => continue,
            },
            "equalRounded" | "lt" | "lte" | "gt" | "gte" => name.to_string(),
            _ => continue,
        };
        if n.descendants()
            .any(|v| is(&v, "variable") && attr(v, "identifier") == response)
        {
            return Some(what);
        }
    }
    None
}

/// Answers of a numeric entry: the plain number first ("4"), then the value as written ("4.0").
fn numeric_forms(v: &str) -> Vec<String> {
    let v = v.trim();
    match v.parse::<f64>() {
        Ok(f) if f.is_finite() => {
            let canon = if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", f as i64)
            } else {
                format!("{f}")
            };
            if canon == v {
                vec![canon]
            } else {
                vec![canon, v.to_string()]
            }
        }
        _ => vec![v.to_string()],
    }
}

fn describe(interaction: &str) -> &'static str {
    match interaction {
        "matchInteraction" => "matching",
        "associateInteraction" => "association",
        "orderInteraction" => "ordering",
        "gapMatchInteraction" => "gap match",
        "hotspotInteraction" => "hotspot on an image",
        "graphicOrderInteraction" => "ordering on an image",
        "graphicAssociateInteraction" => "association on an image",
        "graphicGapMatchInteraction" => "gap match on an image",
        "selectPointInteraction" => "selecting a point on an image",
        "positionObjectInteraction" => "positioning an object",
        "sliderInteraction" => "slider",
        "uploadInteraction" => "file upload",
        "drawingInteraction" => "drawing",
        "mediaInteraction" => "media playback",
        "hottextInteraction" => "hot text selection",
        "customInteraction" => "custom interaction",
        "endAttemptInteraction" => "end-attempt button",
        _ => "interaction",
    }
}

fn unsupported(reason: impl Into<String>) -> Skip {
    Skip::new("unsupported_interaction", reason)
}

/// Turns item body XHTML into HTML for [`html::to_text`], noting the images it refers to.
struct Html<'d> {
    /// Folder of the item file, relative to the package base.
    dir: &'d str,
    /// Image targets (package-relative) in the order met.
    images: Vec<String>,
    /// Images carried inline as data: URIs.
    inline: Vec<Attachment>,
    /// The item has a single text entry: standing alone in its paragraph it leaves no marker.
    lone_blank: bool,
}

impl<'d> Html<'d> {
    fn new(dir: &'d str) -> Self {
        Html {
            dir,
            images: Vec::new(),
            inline: Vec::new(),
            lone_blank: false,
        }
    }

    fn text_of(&mut self, node: Node) -> String {
        let mut out = String::new();
        self.children(node, &mut out);
        html::to_text(&out)
    }

    fn children(&mut self, node: Node, out: &mut String) {
        for c in node.children() {
            self.node(c, out);
        }
    }

    fn image(&mut self, src: &str, alt: &str, out: &mut String) {
        let target = self.target(src.trim());
        let alt: String = alt
            .chars()
            .map(|c| match c {
                '[' => '(',
                ']' => ')',
                c if c.is_whitespace() => ' ',
                c => c,
            })
            .collect();
        let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!(
            "<img src=\"{}\" alt=\"{}\">",
            html::escape(&target),
            html::escape(&alt)
        ));
    }

    /// The image target as the stem will carry it: relative to the package base.
    fn target(&mut self, src: &str) -> String {
        if let Some(data) = src.strip_prefix("data:") {
            if let Some(a) = data_uri(data) {
                let name = a.name.clone();
                if !self.inline.iter().any(|i| i.name == name) {
                    self.inline.push(a);
                }
                return name;
            }
            return src.to_string();
        }
        let target = if is_external(src) {
            src.to_string()
        } else {
            join_path(self.dir, src)
        };
        if !self.images.contains(&target) {
            self.images.push(target.clone());
        }
        target
    }

    fn node(&mut self, node: Node, out: &mut String) {
        if node.is_text() {
            let t = node.text().unwrap_or("");
            if node.ancestors().any(|a| is(&a, "pre")) {
                out.push_str(&html::escape(t));
            } else {
                // Source line breaks and indentation are spaces, as in HTML.
                let mut collapsed = String::with_capacity(t.len());
                for c in t.chars() {
                    if c.is_ascii_whitespace() {
                        if !collapsed.ends_with(' ') {
                            collapsed.push(' ');
                        }
                    } else {
                        collapsed.push(c);
                    }
                }
                out.push_str(&html::escape(&collapsed));
            }
            return;
        }
        if !node.is_element() {
            return;
        }
        let name = node.tag_name().name();
        match name {
            "textEntryInteraction" => {
                let lone = self.lone_blank
                    && node.parent().is_some_and(|p| {
                        p.children().all(|c| {
                            c == node || (c.is_text() && c.text().unwrap_or("").trim().is_empty())
                        })
                    });
                if !lone {
                    if out.ends_with('_') {
                        out.push(' ');
                    }
                    let label = attr(node, "label");
                    if label.len() >= 3 && label.chars().all(|c| c == '_') {
                        out.push_str(label);
                    } else {
                        out.push_str(BLANK_MARKER);
                    }
                }
            }
            "inlineChoiceInteraction" => {
                if out.ends_with('_') {
                    out.push(' ');
                }
                out.push_str(BLANK_MARKER);
            }
            _ if name.ends_with("Interaction") => {
                if let Some(p) = child(node, "prompt") {
                    out.push_str("<p>");
                    self.children(p, out);
                    out.push_str("</p>");
                }
            }
            "rubricBlock" => {
                if attr(node, "view")
                    .split_whitespace()
                    .any(|v| v == "candidate")
                {
                    out.push_str("<div>");
                    self.children(node, out);
                    out.push_str("</div>");
                }
            }
            "feedbackBlock" | "feedbackInline" | "modalFeedback" | "templateBlock"
            | "templateInline" | "printedVariable" | "stylesheet" | "script" | "style" => {}
            "img" => {
                let src = attr(node, "src");
                if !src.is_empty() {
                    self.image(src, attr(node, "alt"), out);
                }
            }
            "object" => {
                let data = attr(node, "data");
                let is_image = attr(node, "type").starts_with("image/")
                    || (attr(node, "type").is_empty() && image_mime(data).is_some());
                if is_image && !data.is_empty() {
                    let mut fallback = String::new();
                    let mut inner = Html::new(self.dir);
                    inner.children(node, &mut fallback);
                    let alt = html::to_text(&fallback);
                    self.image(data, &alt, out);
                } else {
                    self.children(node, out);
                }
            }
            "br" => out.push_str("<br>"),
            _ => {
                out.push('<');
                out.push_str(name);
                out.push('>');
                self.children(node, out);
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
        }
    }
}

/// An image in a `data:` URI (the part after `data:`), named by its SHA-256.
fn data_uri(data: &str) -> Option<Attachment> {
    let (meta, payload) = data.split_once(',')?;
    let mime = meta.strip_suffix(";base64")?;
    let cleaned: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = B64.decode(cleaned).ok()?;
    let mime = if mime.is_empty() {
        sniff_image(&bytes)?.to_string()
    } else {
        mime.to_string()
    };
    let name = format!(
        "{}.{}",
        hex::encode(Sha256::digest(&bytes)),
        mime_extension(&mime)
    );
    Some(Attachment {
        name,
        mime,
        data: bytes,
    })
}

/// Metadata a package's manifest gives an item.
#[derive(Default, Clone)]
struct Meta {
    ident: Option<String>,
    difficulty: Option<u8>,
    status: Option<QuestionStatus>,
    tags: Vec<String>,
    source: Option<String>,
}

impl Meta {
    fn from_lom(lom: Node) -> Meta {
        let mut m = Meta::default();
        for n in lom.descendants().filter(Node::is_element) {
            match n.tag_name().name() {
                "identifier"
                    if n.parent().is_some_and(|p| p.tag_name().name() == "general")
                        && child(n, "catalog").map(plain).as_deref() == Some(CATALOG) =>
                {
                    m.ident = Some(child(n, "entry").map(plain).unwrap_or_default());
                }
                "keyword" => m.tags.extend(children(n, "string").map(plain)),
                "difficulty" => {
                    m.difficulty = child(n, "value").and_then(|v| {
                        Some(match plain(v).to_ascii_lowercase().as_str() {
                            "very easy" => 1,
                            "easy" => 2,
                            "medium" => 3,
                            "difficult" => 4,
                            "very difficult" => 5,
                            _ => return None,
                        })
                    })
                }
                "status"
                    if n.parent()
                        .is_some_and(|p| p.tag_name().name() == "lifeCycle") =>
                {
                    m.status = child(n, "value").and_then(|v| {
                        Some(match plain(v).to_ascii_lowercase().as_str() {
                            "draft" => QuestionStatus::Draft,
                            "final" | "revised" => QuestionStatus::Active,
                            "unavailable" => QuestionStatus::Retired,
                            _ => return None,
                        })
                    })
                }
                "relation" => {
                    let kind = child(n, "kind").and_then(|k| child(k, "value")).map(plain);
                    if kind.as_deref() == Some("isbasedon") {
                        m.source = child(n, "resource")
                            .and_then(|r| child(r, "description"))
                            .and_then(|d| child(d, "string"))
                            .map(plain);
                    }
                }
                _ => {}
            }
        }
        m.tags.retain(|t| !t.is_empty());
        m
    }

    fn apply(&self, body: &mut QuestionBody) {
        if let Some(i) = &self.ident {
            body.ident = i.clone();
        }
        if let Some(d) = self.difficulty {
            body.difficulty = d;
        }
        if let Some(s) = self.status {
            body.status = s;
        }
        if !self.tags.is_empty() {
            body.tags = self.tags.clone();
        }
        if let Some(s) = &self.source {
            body.source = s.clone();
        }
    }
}

/// Reading state: where referenced files come from, what was found.
struct Package<'r> {
    resolve: &'r dyn Fn(&str) -> Option<Vec<u8>>,
    attachments: Vec<Attachment>,
    meta: HashMap<String, Meta>,
    read_items: HashSet<String>,
    /// Section files being read, outermost first: a reference back into one is a cycle.
    open_sections: Vec<String>,
}

impl<'r> Package<'r> {
    fn new(resolve: &'r dyn Fn(&str) -> Option<Vec<u8>>) -> Self {
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
    fn read_root(
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
                "unsupported_format",
                "this is QTI 1.2 (questestinterop); only QTI 2.x assessmentItem and assessmentTest files can be read",
            )),
            other => Err(FormatError::new(
                "unsupported_format",
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
        let skip = |code: &str, reason: String| ParsedItem {
            ident: if ident.is_empty() {
                href.to_string()
            } else {
                ident.clone()
            },
            line: Some(line(node)),
            result: Err(Skip::new(code, reason)),
            warnings: vec![],
        };
        if self.open_sections.contains(&target) || self.open_sections.len() >= MAX_SECTION_DEPTH {
            file.push(skip(
                "circular_reference",
                format!("the section file {href} refers back into itself or nests too deeply"),
            ));
            return;
        }
        let Some(bytes) = self.fetch(&target) else {
            file.push(skip(
                "missing_item_file",
                format!(
                    "the referenced section file {href} is not included, so its items were not read"
                ),
            ));
            return;
        };
        let parsed = decode_text(&bytes).and_then(|text| {
            let doc = parse_xml(&text)?;
            let root = doc.root_element();
            if root.tag_name().name() != "assessmentSection" {
                return Err(FormatError::new(
                    "unsupported_format",
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
            file.items
                .push(skip(e.code, format!("{href}: {}", e.message)));
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
        let skipped = |code: &str, reason: String| ParsedItem {
            ident: fallback.clone(),
            line: Some(line(node)),
            result: Err(Skip::new(code, reason)),
            warnings: vec![],
        };
        let Some(bytes) = self.fetch(&target) else {
            return Some(skipped(
                "missing_item_file",
                format!("the referenced item file {href} is not available"),
            ));
        };
        let text = match decode_text(&bytes) {
            Ok(t) => t,
            Err(e) => return Some(skipped(e.code, format!("{href}: {}", e.message))),
        };
        let doc = match parse_xml(&text) {
            Ok(d) => d,
            Err(e) => return Some(skipped(e.code, format!("{href}: {}", e.message))),
        };
        let root = doc.root_element();
        if root.tag_name().name() != "assessmentItem" {
            return Some(skipped(
                "unsupported_format",
                format!("{href} is not an assessmentItem"),
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
    ) -> (Result<QuestionBody, Skip>, Vec<String>) {
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
                "too_deeply_nested",
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

/// Reads an assessmentItem into a body, or says why it cannot become one.
fn item_body(item: Node, h: &mut Html) -> Result<QuestionBody, Skip> {
    let ident = attr(item, "identifier").trim().to_string();
    let body_node = child(item, "itemBody")
        .ok_or_else(|| unsupported("the item has no itemBody, so nothing can be answered"))?;
    let interactions: Vec<Node> = body_node
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name().ends_with("Interaction"))
        .collect();
    let mut names: Vec<&str> = Vec::new();
    for i in &interactions {
        let n = i.tag_name().name();
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let name = match names.as_slice() {
        [] => return Err(unsupported("the item has no interaction to answer")),
        [one] => *one,
        many => {
            return Err(unsupported(format!(
                "composite item: it combines {}; only items with one kind of interaction can be imported",
                many.join(" and ")
            )));
        }
    };
    let count = interactions.len();
    let decls = declarations(item);
    let empty = Decl::default();
    let decl_of = |n: &Node| decls.get(attr(*n, "responseIdentifier")).unwrap_or(&empty);
    let first = interactions[0];
    let mut options = Vec::new();
    let mut scheme = Vec::new();
    let kind;
    let key;
    match name {
        "choiceInteraction" | "inlineChoiceInteraction" => {
            if count > 1 {
                return Err(unsupported(format!(
                    "{count} {name}s in one item; only one can become a choice question"
                )));
            }
            let decl = decl_of(&first);
            let choice_name = if name == "choiceInteraction" {
                "simpleChoice"
            } else {
                "inlineChoice"
            };
            let choices: Vec<Node> = children(first, choice_name).collect();
            let wanted = decl.choice_key();
            if wanted.is_empty() {
                return Err(Skip::new(
                    "missing_key",
                    format!(
                        "no correct response is declared for {}",
                        attr(first, "responseIdentifier")
                    ),
                ));
            }
            let correct: Vec<usize> = choices
                .iter()
                .enumerate()
                .filter(|(_, c)| wanted.iter().any(|w| w == attr(**c, "identifier")))
                .map(|(i, _)| i)
                .collect();
            if correct.is_empty() {
                return Err(Skip::new(
                    "missing_key",
                    format!(
                        "the correct response {} names none of the choices",
                        wanted.join(", ")
                    ),
                ));
            }
            let single = match first
                .attribute("maxChoices")
                .and_then(|m| m.trim().parse::<usize>().ok())
            {
                Some(m) => m == 1,
                None => name == "inlineChoiceInteraction" || decl.cardinality != "multiple",
            };
            options = choices.iter().map(|c| h.text_of(*c)).collect();
            let tf = match options.as_slice() {
                [a, b] if single && name == "choiceInteraction" && correct.len() == 1 => {
                    match (true_false_word(a), true_false_word(b)) {
                        (Some(x), Some(y)) if x != y => Some(if correct[0] == 0 { x } else { y }),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some(value) = tf {
                options.clear();
                kind = QuestionKind::TrueFalse;
                key = Key::TrueFalse { value };
            } else {
                kind = if single {
                    QuestionKind::Single
                } else {
                    QuestionKind::Multiple
                };
                key = Key::Choice { correct };
            }
        }
        "textEntryInteraction" => {
            let mut accepted = Vec::with_capacity(count);
            for (i, te) in interactions.iter().enumerate() {
                let response = attr(*te, "responseIdentifier");
                let decl = decl_of(te);
                let numeric = matches!(decl.base_type.as_str(), "float" | "integer");
                if numeric && let Some(how) = numeric_range(item, response) {
                    return Err(unsupported(format!(
                        "textEntryInteraction {response} is scored by a numeric range ({how}); numeric ranges are not supported"
                    )));
                }
                let mut answers: Vec<String> = Vec::new();
                for a in decl.answers() {
                    let forms = if numeric { numeric_forms(&a) } else { vec![a] };
                    for f in forms {
                        if !answers.contains(&f) {
                            answers.push(f);
                        }
                    }
                }
                if answers.is_empty() {
                    return Err(Skip::new(
                        "missing_key",
                        format!("blank {} ({response}) has no correct response", i + 1),
                    ));
                }
                accepted.push(answers);
            }
            h.lone_blank = count == 1;
            kind = QuestionKind::Fill;
            key = Key::Blanks { accepted };
        }
        "extendedTextInteraction" => {
            if count > 1 {
                return Err(unsupported(format!(
                    "{count} extendedTextInteractions in one item; only one can become a short-answer question"
                )));
            }
            let reference = decl_of(&first).correct.join("\n");
            let scheme_block = body_node
                .descendants()
                .find(|n| is(n, "rubricBlock") && has_class(*n, SCHEME_CLASS));
            if let Some(block) = scheme_block {
                kind = QuestionKind::Practical;
                for li in block.descendants().filter(|n| is(n, "li")) {
                    let span = |class: &str| {
                        li.descendants()
                            .find(|n| is(n, "span") && has_class(*n, class))
                    };
                    let text = span("aspect").map(|s| h.text_of(s));
                    let points = span("points").and_then(|s| plain(s).parse::<f64>().ok());
                    if let (Some(text), Some(points)) = (text, points) {
                        scheme.push(Aspect { text, points });
                    }
                }
            } else {
                kind = QuestionKind::Short;
            }
            key = Key::Open { reference };
        }
        other => {
            return Err(unsupported(format!(
                "{other} ({}) is not supported",
                describe(other)
            )));
        }
    }
    let mut html_stem = String::new();
    h.children(body_node, &mut html_stem);
    let stem = html::to_text(&html_stem);
    let rubric = body_node
        .descendants()
        .filter(|n| {
            is(n, "rubricBlock")
                && !has_class(*n, SCHEME_CLASS)
                && attr(*n, "view").split_whitespace().any(|v| v == "scorer")
        })
        .map(|n| h.text_of(n))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let explanation = children(item, "modalFeedback")
        .map(|n| h.text_of(n))
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    let bounds: Option<Vec<f64>> = interactions
        .iter()
        .map(|i| decl_of(i).upper_bound.filter(|b| b.is_finite() && *b > 0.0))
        .collect();
    let points = max_score(item)
        .or_else(|| bounds.map(|b| b.iter().sum()))
        .unwrap_or(1.0);
    Ok(QuestionBody {
        ident,
        kind,
        category: Vec::new(),
        stem,
        options,
        key,
        rubric,
        scheme,
        points,
        difficulty: 3,
        explanation,
        source: String::new(),
        tags: Vec::new(),
        status: QuestionStatus::Active,
    })
}

// ---------------------------------------------------------------------------------------------
// Content packages
// ---------------------------------------------------------------------------------------------

/// A QTI resource listed in a manifest.
struct Resource {
    kind: String,
    path: String,
}

fn read_zip(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    super::zip_limits::check(bytes, &super::zip_limits::QTI)?;
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        FormatError::new(
            "malformed_zip",
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
        let doc = parse_xml(&text)
            .map_err(|e| FormatError::new(e.code, format!("imsmanifest.xml: {}", e.message)))?;
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
                    "missing_item_file",
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
                result: Err(Skip::new(e.code, format!("{}: {}", r.path, e.message))),
                warnings: vec![],
            });
        }
    }
    if file.items.is_empty() && resources.is_empty() {
        return Err(FormatError::new(
            "unsupported_format",
            "the ZIP holds no QTI assessmentItem or assessmentTest",
        ));
    }
    file.attachments = std::mem::take(&mut pkg.attachments);
    Ok(file)
}

fn zip_files(files: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, FormatError> {
    let fail = |e: &dyn std::fmt::Display| FormatError::new("export_failed", e.to_string());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        zip.start_file(name, opts).map_err(|e| fail(&e))?;
        zip.write_all(&data).map_err(|e| fail(&e))?;
    }
    zip.finish().map(Cursor::into_inner).map_err(|e| fail(&e))
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

const QTI_NS: &str = "xmlns=\"http://www.imsglobal.org/xsd/imsqti_v2p1\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd\"";

/// One question as it goes into the package.
struct Entry<'q> {
    id: String,
    href: String,
    images: Vec<String>,
    question: &'q Question,
}

fn esc(s: &str) -> String {
    html::escape(s)
}

fn number(p: f64) -> String {
    if p.fract() == 0.0 && p.abs() < 1e15 {
        format!("{}", p as i64)
    } else {
        format!("{p}")
    }
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

/// Platform text to XHTML: escaped text, `<br/>` for line breaks, `<img/>` for images.
fn xhtml(text: &str, src: &mut dyn FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    let push_plain = |out: &mut String, s: &str| {
        out.push_str(&esc(s).replace('\n', "<br/>"));
    };
    while let Some(start) = rest.find("![") {
        let after = &rest[start + 2..];
        let parsed = after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end))
        });
        match parsed {
            Some((close, te)) if !after[..close].contains('\n') => {
                push_plain(&mut out, &rest[..start]);
                let alt = &after[..close];
                let target = after[close + 2..te].trim();
                out.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\"/>",
                    esc(&src(target)),
                    esc(alt)
                ));
                rest = &after[te + 1..];
            }
            _ => {
                push_plain(&mut out, &rest[..start + 2]);
                rest = after;
            }
        }
    }
    push_plain(&mut out, rest);
    out
}

/// Splits a fill stem at its blank markers (runs of three or more underscores).
fn split_blanks(stem: &str) -> (Vec<&str>, Vec<&str>) {
    let mut texts = Vec::new();
    let mut markers = Vec::new();
    let mut last = 0;
    let bytes = stem.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'_' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'_' {
                i += 1;
            }
            if i - start >= 3 {
                texts.push(&stem[last..start]);
                markers.push(&stem[start..i]);
                last = i;
            }
        } else {
            i += 1;
        }
    }
    texts.push(&stem[last..]);
    (texts, markers)
}

fn title_of(q: &Question) -> String {
    let first = q.stem.lines().next().unwrap_or("");
    let first = first.split("![").next().unwrap_or("");
    let t: String = first.chars().take(40).collect();
    let t = t.trim();
    if t.is_empty() {
        q.ident.clone()
    } else {
        t.to_string()
    }
}

fn outcome(out: &mut String, id: &str, base_type: &str, default: Option<&str>) {
    out.push_str(&format!(
        "  <outcomeDeclaration identifier=\"{id}\" cardinality=\"single\" baseType=\"{base_type}\""
    ));
    match default {
        Some(v) => out.push_str(&format!(
            "><defaultValue><value>{}</value></defaultValue></outcomeDeclaration>\n",
            esc(v)
        )),
        None => out.push_str("/>\n"),
    }
}

fn item_xml(q: &Question, id: &str, src: &mut dyn FnMut(&str) -> String) -> String {
    let mut x = String::with_capacity(1024 + q.stem.len() * 2);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<assessmentItem {QTI_NS} identifier=\"{}\" title=\"{}\" adaptive=\"false\" timeDependent=\"false\">\n",
        esc(id),
        esc(&title_of(q))
    ));
    // Response declarations.
    let mut blanks_in_stem = 0;
    match &q.key {
        Key::Choice { correct } => {
            let card = if q.kind == QuestionKind::Multiple {
                "multiple"
            } else {
                "single"
            };
            x.push_str(&format!("  <responseDeclaration identifier=\"RESPONSE\" cardinality=\"{card}\" baseType=\"identifier\">\n    <correctResponse>"));
            for &i in correct {
                x.push_str(&format!("<value>{}</value>", choice_id(i)));
            }
            x.push_str("</correctResponse>\n  </responseDeclaration>\n");
        }
        Key::TrueFalse { value } => {
            x.push_str(&format!("  <responseDeclaration identifier=\"RESPONSE\" cardinality=\"single\" baseType=\"identifier\">\n    <correctResponse><value>{value}</value></correctResponse>\n  </responseDeclaration>\n"));
        }
        Key::Blanks { accepted } => {
            blanks_in_stem = split_blanks(&q.stem).1.len();
            for (i, alts) in accepted.iter().enumerate() {
                x.push_str(&format!(
                    "  <responseDeclaration identifier=\"RESPONSE_{}\" cardinality=\"single\" baseType=\"string\">\n    <correctResponse><value>{}</value></correctResponse>\n    <mapping defaultValue=\"0\" upperBound=\"1\">",
                    i + 1,
                    esc(alts.first().map(String::as_str).unwrap_or(""))
                ));
                for a in alts {
                    x.push_str(&format!(
                        "<mapEntry mapKey=\"{}\" mappedValue=\"1\" caseSensitive=\"true\"/>",
                        esc(a)
                    ));
                }
                x.push_str("</mapping>\n  </responseDeclaration>\n");
            }
        }
        Key::Open { reference } => {
            x.push_str("  <responseDeclaration identifier=\"RESPONSE\" cardinality=\"single\" baseType=\"string\"");
            if reference.is_empty() {
                x.push_str("/>\n");
            } else {
                x.push_str(&format!(
                    ">\n    <correctResponse><value>{}</value></correctResponse>\n  </responseDeclaration>\n",
                    esc(reference)
                ));
            }
        }
    }
    outcome(&mut x, "SCORE", "float", Some("0"));
    outcome(&mut x, "MAXSCORE", "float", Some(&number(q.points)));
    if !q.explanation.is_empty() {
        outcome(&mut x, "FEEDBACK", "identifier", None);
    }
    // Item body.
    x.push_str("  <itemBody>\n");
    match &q.key {
        Key::Blanks { accepted } => {
            let (texts, markers) = split_blanks(&q.stem);
            x.push_str("    <div>");
            for (i, t) in texts.iter().enumerate() {
                x.push_str(&xhtml(t, src));
                if let Some(m) = markers.get(i) {
                    x.push_str(&format!(
                        "<textEntryInteraction responseIdentifier=\"RESPONSE_{}\" expectedLength=\"{}\"",
                        i + 1,
                        expected_length(accepted.get(i))
                    ));
                    if *m != BLANK_MARKER {
                        x.push_str(&format!(" label=\"{m}\""));
                    }
                    x.push_str("/>");
                }
            }
            x.push_str("</div>\n");
            if blanks_in_stem == 0 {
                x.push_str(&format!(
                    "    <div><textEntryInteraction responseIdentifier=\"RESPONSE_1\" expectedLength=\"{}\"/></div>\n",
                    expected_length(accepted.first())
                ));
            }
        }
        _ => {
            x.push_str(&format!("    <div>{}</div>\n", xhtml(&q.stem, src)));
        }
    }
    match &q.key {
        Key::Choice { .. } => {
            let max = if q.kind == QuestionKind::Multiple {
                0
            } else {
                1
            };
            x.push_str(&format!("    <choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"false\" maxChoices=\"{max}\">\n"));
            for (i, o) in q.options.iter().enumerate() {
                x.push_str(&format!(
                    "      <simpleChoice identifier=\"{}\">{}</simpleChoice>\n",
                    choice_id(i),
                    xhtml(o, src)
                ));
            }
            x.push_str("    </choiceInteraction>\n");
        }
        Key::TrueFalse { .. } => {
            x.push_str("    <choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"false\" maxChoices=\"1\">\n      <simpleChoice identifier=\"true\">对</simpleChoice>\n      <simpleChoice identifier=\"false\">错</simpleChoice>\n    </choiceInteraction>\n");
        }
        Key::Open { .. } => {
            x.push_str("    <extendedTextInteraction responseIdentifier=\"RESPONSE\"/>\n");
        }
        Key::Blanks { .. } => {}
    }
    if !q.rubric.is_empty() {
        x.push_str(&format!(
            "    <rubricBlock view=\"scorer\"><p>{}</p></rubricBlock>\n",
            xhtml(&q.rubric, src)
        ));
    }
    if q.kind == QuestionKind::Practical {
        x.push_str(&format!(
            "    <rubricBlock view=\"scorer\" class=\"{SCHEME_CLASS}\"><p>评分细则</p><ul>"
        ));
        for a in &q.scheme {
            x.push_str(&format!(
                "<li><span class=\"aspect\">{}</span> <span class=\"points\">{}</span></li>",
                xhtml(&a.text, src),
                number(a.points)
            ));
        }
        x.push_str("</ul></rubricBlock>\n");
    }
    x.push_str("  </itemBody>\n");
    // Response processing: full marks (MAXSCORE) for a correct answer; blanks share them.
    x.push_str("  <responseProcessing>\n");
    match &q.key {
        Key::Choice { .. } | Key::TrueFalse { .. } => {
            x.push_str("    <responseCondition><responseIf><match><variable identifier=\"RESPONSE\"/><correct identifier=\"RESPONSE\"/></match><setOutcomeValue identifier=\"SCORE\"><variable identifier=\"MAXSCORE\"/></setOutcomeValue></responseIf></responseCondition>\n");
        }
        Key::Blanks { accepted } => {
            x.push_str("    <setOutcomeValue identifier=\"SCORE\"><product><variable identifier=\"MAXSCORE\"/><divide><sum>");
            for i in 0..accepted.len() {
                x.push_str(&format!("<mapResponse identifier=\"RESPONSE_{}\"/>", i + 1));
            }
            x.push_str(&format!(
                "</sum><baseValue baseType=\"float\">{}</baseValue></divide></product></setOutcomeValue>\n",
                accepted.len()
            ));
        }
        Key::Open { .. } => {}
    }
    if !q.explanation.is_empty() {
        x.push_str("    <setOutcomeValue identifier=\"FEEDBACK\"><baseValue baseType=\"identifier\">EXPLANATION</baseValue></setOutcomeValue>\n");
    }
    x.push_str("  </responseProcessing>\n");
    if !q.explanation.is_empty() {
        x.push_str(&format!(
            "  <modalFeedback outcomeIdentifier=\"FEEDBACK\" identifier=\"EXPLANATION\" showHide=\"show\" title=\"解析\">{}</modalFeedback>\n",
            xhtml(&q.explanation, src)
        ));
    }
    x.push_str("</assessmentItem>\n");
    x
}

fn choice_id(i: usize) -> char {
    crate::bank::model::option_label(i)
}

fn expected_length(answers: Option<&Vec<String>>) -> usize {
    answers
        .and_then(|a| a.iter().map(|s| s.chars().count()).max())
        .unwrap_or(10)
        .clamp(4, 60)
}

/// A section of the written test: a title, then items and subsections in order.
#[derive(Default)]
struct Section {
    title: String,
    parts: Vec<Part>,
}

enum Part {
    Item(usize),
    Section(Section),
}

impl Section {
    /// Files item `n` under `path`, reusing the last subsection when it has the same title so
    /// that the test lists the items in their original order.
    fn add(&mut self, path: &[String], n: usize) {
        let Some((first, rest)) = path.split_first() else {
            self.parts.push(Part::Item(n));
            return;
        };
        if let Some(Part::Section(s)) = self.parts.last_mut()
            && &s.title == first
        {
            s.add(rest, n);
            return;
        }
        let mut s = Section {
            title: first.clone(),
            parts: Vec::new(),
        };
        s.add(rest, n);
        self.parts.push(Part::Section(s));
    }

    fn write(&self, x: &mut String, entries: &[Entry], depth: usize, counter: &mut usize) {
        for p in &self.parts {
            let indent = "  ".repeat(depth + 2);
            match p {
                Part::Item(n) => {
                    let e = &entries[*n];
                    x.push_str(&format!(
                        "{indent}<assessmentItemRef identifier=\"{}\" href=\"{}\"/>\n",
                        esc(&e.id),
                        esc(&e.href)
                    ));
                }
                Part::Section(s) => {
                    *counter += 1;
                    x.push_str(&format!(
                        "{indent}<assessmentSection identifier=\"section-{}\" title=\"{}\" visible=\"true\">\n",
                        *counter,
                        esc(&s.title)
                    ));
                    s.write(x, entries, depth + 1, counter);
                    x.push_str(&format!("{indent}</assessmentSection>\n"));
                }
            }
        }
    }
}

fn test_xml(bank_name: &str, entries: &[Entry]) -> String {
    let mut root = Section::default();
    for (n, e) in entries.iter().enumerate() {
        root.add(&e.question.category, n);
    }
    // Items without a category sit in an untitled section (a test part holds only sections).
    let mut top = Section::default();
    for p in root.parts {
        match p {
            Part::Section(s) => top.parts.push(Part::Section(s)),
            Part::Item(n) => {
                if let Some(Part::Section(s)) = top.parts.last_mut()
                    && s.title.is_empty()
                {
                    s.parts.push(Part::Item(n));
                } else {
                    top.parts.push(Part::Section(Section {
                        title: String::new(),
                        parts: vec![Part::Item(n)],
                    }));
                }
            }
        }
    }
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<assessmentTest {QTI_NS} identifier=\"bank\" title=\"{}\">\n",
        esc(bank_name)
    ));
    x.push_str("  <testPart identifier=\"part-1\" navigationMode=\"nonlinear\" submissionMode=\"individual\">\n");
    let mut counter = 0;
    top.write(&mut x, entries, 0, &mut counter);
    x.push_str("  </testPart>\n</assessmentTest>\n");
    x
}

fn lom_value(x: &mut String, element: &str, value: &str) {
    x.push_str(&format!(
        "<imsmd:{element}><imsmd:source>LOMv1.0</imsmd:source><imsmd:value>{value}</imsmd:value></imsmd:{element}>"
    ));
}

fn manifest_xml(entries: &[Entry]) -> String {
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<manifest xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\" xmlns:imsmd=\"http://ltsc.ieee.org/xsd/LOM\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" identifier=\"MANIFEST-bank\">\n");
    x.push_str("  <metadata><schema>QTIv2.1 Package</schema><schemaversion>1.0.0</schemaversion></metadata>\n");
    x.push_str("  <organizations/>\n  <resources>\n");
    x.push_str(
        "    <resource identifier=\"TEST\" type=\"imsqti_test_xmlv2p1\" href=\"test.xml\">\n      <file href=\"test.xml\"/>\n",
    );
    for e in entries {
        x.push_str(&format!(
            "      <dependency identifierref=\"RES-{}\"/>\n",
            esc(&e.id)
        ));
    }
    x.push_str("    </resource>\n");
    for e in entries {
        let q = e.question;
        x.push_str(&format!(
            "    <resource identifier=\"RES-{}\" type=\"imsqti_item_xmlv2p1\" href=\"{}\">\n      <metadata><imsmd:lom><imsmd:general>",
            esc(&e.id),
            esc(&e.href)
        ));
        x.push_str(&format!(
            "<imsmd:identifier><imsmd:catalog>{CATALOG}</imsmd:catalog><imsmd:entry>{}</imsmd:entry></imsmd:identifier>",
            esc(&q.ident)
        ));
        x.push_str(&format!(
            "<imsmd:title><imsmd:string>{}</imsmd:string></imsmd:title>",
            esc(&title_of(q))
        ));
        for t in &q.tags {
            x.push_str(&format!(
                "<imsmd:keyword><imsmd:string>{}</imsmd:string></imsmd:keyword>",
                esc(t)
            ));
        }
        x.push_str("</imsmd:general><imsmd:lifeCycle>");
        lom_value(
            &mut x,
            "status",
            match q.status {
                QuestionStatus::Draft => "draft",
                QuestionStatus::Active => "final",
                QuestionStatus::Retired => "unavailable",
            },
        );
        x.push_str("</imsmd:lifeCycle><imsmd:educational>");
        lom_value(
            &mut x,
            "difficulty",
            match q.difficulty {
                1 => "very easy",
                2 => "easy",
                4 => "difficult",
                5 => "very difficult",
                _ => "medium",
            },
        );
        x.push_str("</imsmd:educational>");
        if !q.source.is_empty() {
            x.push_str("<imsmd:relation>");
            lom_value(&mut x, "kind", "isbasedon");
            x.push_str(&format!(
                "<imsmd:resource><imsmd:description><imsmd:string>{}</imsmd:string></imsmd:description></imsmd:resource></imsmd:relation>",
                esc(&q.source)
            ));
        }
        x.push_str("</imsmd:lom></metadata>\n");
        x.push_str(&format!("      <file href=\"{}\"/>\n", esc(&e.href)));
        for img in &e.images {
            x.push_str(&format!("      <file href=\"{}\"/>\n", esc(img)));
        }
        x.push_str("    </resource>\n");
    }
    x.push_str("  </resources>\n</manifest>\n");
    x
}

#[cfg(test)]
mod hostile_input_tests {
    use super::*;
    use std::io::Write;

    fn zip(files: &[(&str, String)]) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            for (name, text) in files {
                z.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                z.write_all(text.as_bytes()).unwrap();
            }
            z.finish().unwrap();
        }
        buf.into_inner()
    }

    const NS: &str = "xmlns=\"http://www.imsglobal.org/xsd/imsqti_v2p1\"";

    #[test]
    fn a_section_that_refers_to_itself_is_reported_not_followed_forever() {
        let test = format!(
            r#"<assessmentTest {NS} identifier="t" title="t"><testPart identifier="p"><assessmentSectionRef identifier="s" href="s.xml"/></testPart></assessmentTest>"#
        );
        let section = format!(
            r#"<assessmentSection {NS} identifier="s" title="x"><assessmentSectionRef identifier="s" href="s.xml"/></assessmentSection>"#
        );
        let f = read(&zip(&[("test.xml", test), ("s.xml", section)])).unwrap();
        assert!(
            f.items
                .iter()
                .any(|i| matches!(&i.result, Err(s) if s.code == "circular_reference"))
        );
    }

    #[test]
    fn a_deeply_nested_item_body_is_skipped_not_recursed_into() {
        let open = "<div>".repeat(5000);
        let close = "</div>".repeat(5000);
        let item = format!(
            r#"<assessmentItem {NS} identifier="deep" title="d"><responseDeclaration identifier="R" cardinality="single" baseType="string"><correctResponse><value>a</value></correctResponse></responseDeclaration><itemBody>{open}<textEntryInteraction responseIdentifier="R"/>{close}</itemBody></assessmentItem>"#
        );
        let f = read(item.as_bytes()).unwrap();
        assert_eq!(
            f.items[0].result.as_ref().unwrap_err().code,
            "too_deeply_nested"
        );
    }

    #[test]
    fn two_choices_named_x_and_y_stay_a_single_choice() {
        let item = format!(
            r#"<assessmentItem {NS} identifier="xy" title="xy"><responseDeclaration identifier="R" cardinality="single" baseType="identifier"><correctResponse><value>A</value></correctResponse></responseDeclaration><itemBody><choiceInteraction responseIdentifier="R" maxChoices="1"><prompt>Which axis is horizontal?</prompt><simpleChoice identifier="A">x</simpleChoice><simpleChoice identifier="B">y</simpleChoice></choiceInteraction></itemBody></assessmentItem>"#
        );
        let f = read(item.as_bytes()).unwrap();
        let b = f.items[0].result.as_ref().unwrap();
        assert_eq!(b.kind, QuestionKind::Single);
        assert_eq!(b.key, Key::Choice { correct: vec![0] });
    }

    #[test]
    fn partial_credit_in_a_mapping_does_not_make_an_option_correct() {
        let item = format!(
            r#"<assessmentItem {NS} identifier="m" title="m"><responseDeclaration identifier="R" cardinality="multiple" baseType="identifier"><correctResponse><value>A</value><value>C</value></correctResponse><mapping><mapEntry mapKey="A" mappedValue="1"/><mapEntry mapKey="B" mappedValue="0.5"/><mapEntry mapKey="C" mappedValue="1"/></mapping></responseDeclaration><itemBody><choiceInteraction responseIdentifier="R" maxChoices="0"><simpleChoice identifier="A">a</simpleChoice><simpleChoice identifier="B">b</simpleChoice><simpleChoice identifier="C">c</simpleChoice></choiceInteraction></itemBody></assessmentItem>"#
        );
        let f = read(item.as_bytes()).unwrap();
        assert_eq!(
            f.items[0].result.as_ref().unwrap().key,
            Key::Choice {
                correct: vec![0, 2]
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::format::text;
    use crate::bank::model::option_label;

    macro_rules! fixture {
        ($name:literal) => {
            std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/qti21/",
                $name
            ))
            .unwrap()
        };
    }

    fn folder_resolver(rel: &str) -> Option<Vec<u8>> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/qti21/");
        std::fs::read(format!("{dir}{rel}")).ok()
    }

    /// Reads a one-item file and gives back its only item.
    fn one(bytes: &[u8]) -> ParsedItem {
        let f = read(bytes).unwrap();
        assert_eq!(f.items.len(), 1);
        f.items.into_iter().next().unwrap()
    }

    fn valid(item: &ParsedItem) -> Question {
        Question::parse(item.result.clone().unwrap()).unwrap()
    }

    fn skipped(item: &ParsedItem) -> &Skip {
        item.result.as_ref().unwrap_err()
    }

    #[test]
    fn the_single_choice_sample_reads_with_prompt_and_picture_in_the_stem() {
        let item = one(&fixture!("choice.xml"));
        assert_eq!(item.ident, "choice");
        assert_eq!(item.line, Some(3));
        let q = valid(&item);
        assert_eq!(q.ident, "choice");
        assert_eq!(q.kind, QuestionKind::Single);
        assert_eq!(
            q.stem,
            "Look at the text in the picture.\n![NEVER LEAVE LUGGAGE UNATTENDED](images/sign.png)\nWhat does it say?"
        );
        assert_eq!(
            q.options,
            vec![
                "You must stay with your luggage at all times.",
                "Do not let someone else look after your luggage.",
                "Remember your luggage when you leave.",
            ]
        );
        assert_eq!(q.key, Key::Choice { correct: vec![0] });
        assert_eq!(q.points, 1.0);
        assert!(item.warnings.is_empty(), "{:?}", item.warnings);
    }

    #[test]
    fn a_shuffled_choice_with_a_fixed_option_keeps_the_authored_order() {
        let q = valid(&one(&fixture!("choice_fixed.xml")));
        assert_eq!(q.kind, QuestionKind::Single);
        assert_eq!(q.options.len(), 4);
        assert_eq!(q.options[3], "None of the above.");
        assert_eq!(q.key, Key::Choice { correct: vec![0] });
    }

    #[test]
    fn the_multiple_choice_sample_takes_its_points_from_the_mapping_upper_bound() {
        let q = valid(&one(&fixture!("choice_multiple.xml")));
        assert_eq!(q.ident, "choiceMultiple");
        assert_eq!(q.kind, QuestionKind::Multiple);
        assert_eq!(
            q.stem,
            "Which of the following elements are used to form water?"
        );
        assert_eq!(
            q.options,
            vec![
                "Hydrogen", "Helium", "Carbon", "Oxygen", "Nitrogen", "Chlorine"
            ]
        );
        assert_eq!(
            q.key,
            Key::Choice {
                correct: vec![0, 3]
            }
        );
        assert_eq!(q.points, 2.0);
    }

    #[test]
    fn the_extended_text_sample_becomes_a_short_answer_with_the_postcard_as_picture() {
        let item = one(&fixture!("extended_text.xml"));
        let q = valid(&item);
        assert_eq!(q.kind, QuestionKind::Short);
        assert_eq!(
            q.key,
            Key::Open {
                reference: String::new()
            }
        );
        assert!(q.stem.starts_with("Read this postcard from your English pen-friend, Sam.\n![Here is a postcard of my town."), "{}", q.stem);
        assert!(q.stem.contains("Sam.](images/postcard.png)"), "{}", q.stem);
        assert!(
            q.stem
                .ends_with("Write Sam a postcard. Answer the questions. Write 25-35 words."),
            "{}",
            q.stem
        );
        assert!(item.warnings.is_empty(), "{:?}", item.warnings);
    }

    #[test]
    fn one_inline_choice_becomes_a_single_choice_with_a_blank_at_its_place() {
        let q = valid(&one(&fixture!("inline_choice.xml")));
        assert_eq!(q.ident, "inlineChoice");
        assert_eq!(q.kind, QuestionKind::Single);
        assert!(
            q.stem
                .contains("Made glorious summer by this sun of ___;\nAnd all the clouds"),
            "{}",
            q.stem
        );
        assert!(
            q.stem.starts_with("Identify the missing word"),
            "{}",
            q.stem
        );
        assert_eq!(q.options, vec!["Gloucester", "Lancaster", "York"]);
        assert_eq!(q.key, Key::Choice { correct: vec![2] });
    }

    #[test]
    fn a_text_entry_becomes_a_fill_blank_accepting_every_mapped_answer() {
        let q = valid(&one(&fixture!("text_entry.xml")));
        assert_eq!(q.ident, "textEntry");
        assert_eq!(q.kind, QuestionKind::Fill);
        assert!(
            q.stem.contains("this sun of ___;\nAnd all the clouds"),
            "{}",
            q.stem
        );
        assert_eq!(
            q.key,
            Key::Blanks {
                accepted: vec![vec!["York".into(), "york".into()]]
            }
        );
    }

    #[test]
    fn match_and_order_items_are_skipped_naming_the_interaction() {
        for (bytes, ident, name) in [
            (fixture!("match.xml"), "match", "matchInteraction"),
            (fixture!("order.xml"), "order", "orderInteraction"),
        ] {
            let item = one(&bytes);
            assert_eq!(item.ident, ident);
            let skip = skipped(&item);
            assert_eq!(skip.code, "unsupported_interaction");
            assert!(skip.reason.contains(name), "{}", skip.reason);
        }
    }

    #[test]
    fn the_sachsen_true_false_item_stays_a_single_choice_with_its_feedback_as_explanation() {
        let item = one(&fixture!("Choicetruefalse_176040516.xml"));
        assert_eq!(item.ident, "Choicetruefalse_176040516");
        let q = valid(&item);
        assert_eq!(q.kind, QuestionKind::Single);
        assert_eq!(q.options, vec!["Richtig", "Falsch"]);
        assert_eq!(q.key, Key::Choice { correct: vec![0] });
        assert!(
            q.stem
                .starts_with("Das Bundesland Sachsen ist eines der neuen"),
            "{}",
            q.stem
        );
        assert!(
            q.explanation.starts_with("Am 7. Oktober 1949"),
            "{}",
            q.explanation
        );
    }

    #[test]
    fn the_sachsen_single_choice_has_pictures_as_options() {
        let item = one(&fixture!("Choicesingle_853928446.xml"));
        let q = valid(&item);
        assert_eq!(q.kind, QuestionKind::Single);
        assert_eq!(q.stem, "Das Bundesland Sachsen hat die folgende Flagge...");
        assert_eq!(
            q.options[0],
            "![flag](media/3d92a0b7b7be4480a582f62ce823d908.jpg)"
        );
        assert_eq!(q.options.len(), 4);
        assert_eq!(q.key, Key::Choice { correct: vec![0] });
        assert_eq!(
            q.explanation,
            "Die sächsischen Landesfarben sind weiß-grün."
        );
        assert!(item.warnings.is_empty());
    }

    #[test]
    fn the_sachsen_multiple_choice_reads_with_max_choices_zero() {
        let q = valid(&one(&fixture!("Choicemultiple_2014410822.xml")));
        assert_eq!(q.kind, QuestionKind::Multiple);
        assert_eq!(
            q.stem,
            "Welche Städte verfügen nicht über einen Internationalen Flughafen?"
        );
        assert_eq!(q.options, vec!["Leipzig", "Chemnitz", "Dresden", "Zwickau"]);
        assert_eq!(
            q.key,
            Key::Choice {
                correct: vec![1, 3]
            }
        );
    }

    #[test]
    fn the_sachsen_text_entry_puts_the_blank_in_the_sentence() {
        let q = valid(&one(&fixture!("TextEntry_883368511.xml")));
        assert_eq!(q.kind, QuestionKind::Fill);
        assert_eq!(
            q.stem,
            "Mit 1215 Metern ist der ___ die höchste Erhebung im Bundesland Sachsen."
        );
        assert_eq!(
            q.key,
            Key::Blanks {
                accepted: vec![vec!["Fichtelberg".into()]]
            }
        );
    }

    #[test]
    fn exact_numeric_entries_become_blanks_accepting_the_plain_number() {
        let q = valid(&one(&fixture!("TextEntrynumeric_2040297025.xml")));
        assert_eq!(q.kind, QuestionKind::Fill);
        assert_eq!(
            q.stem,
            "Das Bundesland Sachsen grenzt an ___ andere deutsche Bundesländer und ___ Länder außerhalb Deutschlands."
        );
        assert_eq!(
            q.key,
            Key::Blanks {
                accepted: vec![
                    vec!["4".into(), "4.0".into()],
                    vec!["2".into(), "2.0".into()]
                ]
            }
        );
        assert_eq!(q.points, 2.0);
    }

    #[test]
    fn the_sachsen_test_reads_every_reference_with_its_section_as_category() {
        let f = read_package(
            &fixture!("interaction_mix_sachsen_test.xml"),
            &folder_resolver,
        )
        .unwrap();
        assert_eq!(f.bank_name.as_deref(), Some("Interaction Mix (Sachsen)"));
        let idents: Vec<&str> = f.items.iter().map(|i| i.ident.as_str()).collect();
        assert_eq!(
            idents,
            vec![
                "Choicetruefalse_176040516",
                "Choicesingle_853928446",
                "Choicemultiple_2014410822",
                "Choicemultiple_871212949",
                "Hotspot_278940407",
                "Order_913967682",
                "Matchsingle_143114773",
                "Matchmultiple_1038910213",
                "TextEntry_883368511",
                "TextEntrynumeric_2040297025",
                "TextEntrynumeric_770468849",
                "TextEntrysubset_806481421",
                "Hottext_801974120",
            ]
        );
        let kinds: Vec<Option<QuestionKind>> = f
            .items
            .iter()
            .map(|i| i.result.as_ref().ok().map(|b| b.kind))
            .collect();
        use QuestionKind::*;
        assert_eq!(
            kinds,
            vec![
                Some(Single),
                Some(Single),
                Some(Multiple),
                None,
                None,
                None,
                None,
                None,
                Some(Fill),
                Some(Fill),
                None,
                None,
                None
            ]
        );
        for item in &f.items {
            match &item.result {
                Ok(b) => {
                    assert_eq!(b.category, vec!["Sektion"]);
                    assert_eq!(b.ident, item.ident);
                    Question::parse(b.clone()).unwrap();
                }
                Err(skip) => {
                    assert_eq!(skip.code, "missing_item_file");
                    assert!(
                        skip.reason.contains(&format!("{}.xml", item.ident)),
                        "{}",
                        skip.reason
                    );
                }
            }
        }
        assert_eq!(f.items[4].line, Some(28));
        // The flags of the single choice are not in the folder: the importer warns about them.
        assert!(f.items[1].warnings.is_empty());
        assert!(f.attachments.is_empty());
    }

    #[test]
    fn a_test_read_without_its_folder_reports_every_item_file_missing() {
        let f = read(&fixture!("interaction_mix_sachsen_test.xml")).unwrap();
        assert_eq!(f.items.len(), 13);
        assert!(
            f.items
                .iter()
                .all(|i| skipped(i).code == "missing_item_file")
        );
    }

    #[test]
    fn images_found_by_the_resolver_become_attachments_named_as_in_the_stem() {
        let png = b"\x89PNG\r\n\x1a\nfake".to_vec();
        let resolver = |rel: &str| (rel == "images/sign.png").then(|| png.clone());
        let f = read_package(&fixture!("choice.xml"), &resolver).unwrap();
        assert!(f.items[0].warnings.is_empty());
        assert_eq!(
            f.attachments,
            vec![Attachment {
                name: "images/sign.png".into(),
                mime: "image/png".into(),
                data: png.clone(),
            }]
        );
        let stem = &f.items[0].result.as_ref().unwrap().stem;
        assert!(stem.contains("](images/sign.png)"));
    }

    #[test]
    fn malformed_xml_is_refused_with_its_line() {
        let err = read(b"<?xml version=\"1.0\"?>\n<assessmentItem identifier=\"x\">\n<itemBody>\n</assessmentItem>")
            .unwrap_err();
        assert_eq!(err.code, "malformed_xml");
        assert!(err.message.contains("line 4"), "{}", err.message);
    }

    #[test]
    fn a_root_that_is_not_qti_is_refused() {
        assert_eq!(read(b"<quiz/>").unwrap_err().code, "unsupported_format");
    }

    const TOLERANCE: &str = r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="pi" title="pi">
  <responseDeclaration identifier="R" cardinality="single" baseType="float">
    <correctResponse><value>3.14</value></correctResponse>
  </responseDeclaration>
  <itemBody><p>π ≈ <textEntryInteraction responseIdentifier="R"/></p></itemBody>
  <responseProcessing><responseCondition><responseIf>
    <equal toleranceMode="absolute" tolerance="0.01"><variable identifier="R"/><correct identifier="R"/></equal>
    <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
  </responseIf></responseCondition></responseProcessing>
</assessmentItem>"#;

    #[test]
    fn a_numeric_entry_scored_with_a_tolerance_is_skipped_as_a_numeric_range() {
        let item = one(TOLERANCE.as_bytes());
        assert_eq!(item.ident, "pi");
        let skip = skipped(&item);
        assert_eq!(skip.code, "unsupported_interaction");
        assert!(skip.reason.contains("numeric range"), "{}", skip.reason);
    }

    #[test]
    fn an_item_mixing_kinds_of_interaction_is_skipped_as_composite() {
        let xml = r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="mix">
  <responseDeclaration identifier="A" cardinality="single" baseType="identifier"><correctResponse><value>x</value></correctResponse></responseDeclaration>
  <responseDeclaration identifier="B" cardinality="single" baseType="string"><correctResponse><value>y</value></correctResponse></responseDeclaration>
  <itemBody>
    <choiceInteraction responseIdentifier="A" maxChoices="1"><simpleChoice identifier="x">X</simpleChoice><simpleChoice identifier="z">Z</simpleChoice></choiceInteraction>
    <p>and <textEntryInteraction responseIdentifier="B"/></p>
  </itemBody>
</assessmentItem>"#;
        let skip = one(xml.as_bytes()).result.unwrap_err();
        assert_eq!(skip.code, "unsupported_interaction");
        assert!(skip.reason.contains("composite item"), "{}", skip.reason);
        assert!(skip.reason.contains("choiceInteraction"), "{}", skip.reason);
    }

    #[test]
    fn two_choices_reading_true_and_false_become_a_true_false_question() {
        let xml = r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="tf">
  <responseDeclaration identifier="R" cardinality="single" baseType="identifier"><correctResponse><value>f</value></correctResponse></responseDeclaration>
  <itemBody><p>保安员可以扣押他人证件。</p>
    <choiceInteraction responseIdentifier="R" maxChoices="1"><simpleChoice identifier="t">正确</simpleChoice><simpleChoice identifier="f">错误</simpleChoice></choiceInteraction>
  </itemBody>
</assessmentItem>"#;
        let q = valid(&one(xml.as_bytes()));
        assert_eq!(q.kind, QuestionKind::TrueFalse);
        assert_eq!(q.key, Key::TrueFalse { value: false });
        assert!(q.options.is_empty());
    }

    fn sample_questions() -> Vec<Question> {
        let base = QuestionBody {
            ident: "LAW-0001".into(),
            kind: QuestionKind::Single,
            category: vec!["保安服务管理条例".into(), "保安员".into()],
            stem: "保安员应当年满多少周岁？".into(),
            options: vec!["16周岁".into(), "18周岁".into(), "20周岁 & <以上>".into()],
            key: Key::Choice { correct: vec![1] },
            rubric: String::new(),
            scheme: vec![],
            points: 2.0,
            difficulty: 2,
            explanation: "《保安服务管理条例》第十六条：年满18周岁。".into(),
            source: "《保安服务管理条例》第十六条".into(),
            tags: vec!["法规".into(), "入职".into()],
            status: QuestionStatus::Active,
        };
        let bodies = vec![
            base.clone(),
            QuestionBody {
                ident: "LAW-0002".into(),
                kind: QuestionKind::Multiple,
                stem: "下列哪些属于保安服务？\n（多选）".into(),
                options: vec!["门卫".into(), "巡逻".into(), "守护".into(), "侦查".into()],
                key: Key::Choice {
                    correct: vec![0, 1, 2],
                },
                points: 1.5,
                difficulty: 4,
                tags: vec![],
                source: String::new(),
                status: QuestionStatus::Draft,
                ..base.clone()
            },
            QuestionBody {
                ident: "1号判断".into(),
                kind: QuestionKind::TrueFalse,
                stem: "保安员可以扣押他人证件。".into(),
                options: vec![],
                key: Key::TrueFalse { value: false },
                category: vec![],
                explanation: String::new(),
                status: QuestionStatus::Retired,
                ..base.clone()
            },
            QuestionBody {
                ident: "LAW-0004".into(),
                kind: QuestionKind::TrueFalse,
                stem: "保安员应当遵纪守法。".into(),
                options: vec![],
                key: Key::TrueFalse { value: true },
                category: vec!["保安服务管理条例".into()],
                ..base.clone()
            },
            QuestionBody {
                ident: "VID-0001".into(),
                kind: QuestionKind::Fill,
                stem: "视频监控系统由___、传输、_____和显示四部分组成".into(),
                options: vec![],
                key: Key::Blanks {
                    accepted: vec![vec!["前端".into(), "前端设备".into()], vec!["存储".into()]],
                },
                category: vec!["安全防范".into(), "视频监控".into()],
                difficulty: 5,
                ..base.clone()
            },
            QuestionBody {
                ident: "VID-0002".into(),
                kind: QuestionKind::Fill,
                stem: "一级风险防护单位的视频图像保存期不少于多少天？".into(),
                options: vec![],
                key: Key::Blanks {
                    accepted: vec![vec!["90".into(), "九十".into()]],
                },
                category: vec!["安全防范".into(), "视频监控".into()],
                ..base.clone()
            },
            QuestionBody {
                ident: "VID-0003".into(),
                kind: QuestionKind::Short,
                stem: "简述巡逻的基本要求。".into(),
                options: vec![],
                key: Key::Open {
                    reference: "定时、定线、定点；\n发现问题及时报告。".into(),
                },
                rubric: "要点各 2 分".into(),
                points: 4.0,
                category: vec!["安全防范".into()],
                ..base.clone()
            },
            QuestionBody {
                ident: "PRA-0001".into(),
                kind: QuestionKind::Practical,
                stem: "演示手提式干粉灭火器的使用。".into(),
                options: vec![],
                key: Key::Open {
                    reference: "提、拔、握、压".into(),
                },
                rubric: "按步骤给分".into(),
                scheme: vec![
                    Aspect {
                        text: "拔保险销".into(),
                        points: 4.0,
                    },
                    Aspect {
                        text: "对准火焰根部".into(),
                        points: 6.5,
                    },
                ],
                points: 10.5,
                category: vec!["安全防范".into(), "消防".into()],
                ..base.clone()
            },
            QuestionBody {
                ident: "PRA-0002".into(),
                kind: QuestionKind::Practical,
                stem: "现场处置可疑包裹。".into(),
                options: vec![],
                key: Key::Open {
                    reference: String::new(),
                },
                explanation: String::new(),
                source: String::new(),
                tags: vec![],
                category: vec![],
                ..base
            },
        ];
        bodies
            .into_iter()
            .map(|b| Question::parse(b).unwrap())
            .collect()
    }

    fn read_back(bytes: &[u8]) -> (ParsedFile, Vec<Question>) {
        let f = read(bytes).unwrap();
        let qs = f.items.iter().map(valid).collect();
        (f, qs)
    }

    #[test]
    fn writing_then_reading_a_package_gives_the_same_questions() {
        let qs = sample_questions();
        let bytes = write("保安员题库", &qs, &[]).unwrap();
        assert!(bytes.starts_with(b"PK"));
        let (f, back) = read_back(&bytes);
        assert_eq!(f.bank_name.as_deref(), Some("保安员题库"));
        assert_eq!(back.len(), qs.len());
        for (a, b) in back.iter().zip(&qs) {
            assert_eq!(a, b);
        }
        assert_eq!(f.items[2].ident, "1号判断");
    }

    #[test]
    fn the_package_holds_a_manifest_a_test_and_one_file_per_item() {
        let qs = sample_questions();
        let bytes = write("题库", &qs, &[]).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = zip.file_names().map(str::to_string).collect();
        assert!(names.contains(&"imsmanifest.xml".to_string()));
        assert!(names.contains(&"test.xml".to_string()));
        assert!(names.contains(&"items/LAW-0001.xml".to_string()));
        assert!(names.contains(&"items/item-3.xml".to_string()));
        // Each item file is a QTI assessmentItem that reads on its own.
        let mut item = String::new();
        zip.by_name("items/VID-0001.xml")
            .unwrap()
            .read_to_string(&mut item)
            .unwrap();
        let q = valid(&one(item.as_bytes()));
        assert_eq!(q.stem, qs[4].stem);
        assert_eq!(q.key, qs[4].key);
    }

    #[test]
    fn images_go_into_the_package_and_come_back_as_attachments() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-image-bytes".to_vec();
        let hash = hex::encode(Sha256::digest(&png));
        let stem = format!("看图回答：\n![禁止标志](/api/media/{hash})\n这个标志是什么意思？");
        let q = Question::parse(QuestionBody {
            ident: "IMG-1".into(),
            kind: QuestionKind::Single,
            category: vec!["标志".into()],
            stem,
            options: vec!["禁止吸烟".into(), "禁止通行".into()],
            key: Key::Choice { correct: vec![0] },
            rubric: String::new(),
            scheme: vec![],
            points: 1.0,
            difficulty: 3,
            explanation: String::new(),
            source: String::new(),
            tags: vec![],
            status: QuestionStatus::Active,
        })
        .unwrap();
        let attachment = Attachment {
            name: format!("{hash}.png"),
            mime: "image/png".into(),
            data: png.clone(),
        };
        let bytes = write("图", std::slice::from_ref(&q), &[attachment]).unwrap();
        let f = read(&bytes).unwrap();
        assert!(f.items[0].warnings.is_empty(), "{:?}", f.items[0].warnings);
        let name = format!("images/{hash}.png");
        assert_eq!(f.attachments.len(), 1);
        assert_eq!(f.attachments[0].name, name);
        assert_eq!(f.attachments[0].mime, "image/png");
        assert_eq!(f.attachments[0].data, png);
        // Storing the attachment and pointing the stem at it gives the question back.
        let mut body = f.items[0].result.clone().unwrap();
        assert!(
            body.stem.contains(&format!("![禁止标志]({name})")),
            "{}",
            body.stem
        );
        body.stem = text::map_image_refs(&body.stem, |r| {
            let a = f.attachments.iter().find(|a| a.name == r.target)?;
            Some(format!(
                "{}{}",
                text::MEDIA_PREFIX,
                hex::encode(Sha256::digest(&a.data))
            ))
        });
        assert_eq!(Question::parse(body).unwrap(), q);
    }

    #[test]
    fn a_zip_without_a_manifest_is_read_item_by_item_with_its_images() {
        let png = b"\x89PNG\r\n\x1a\nsign".to_vec();
        let bytes = zip_files(vec![
            ("pack/choice.xml".into(), fixture!("choice.xml")),
            ("pack/images/sign.png".into(), png.clone()),
            ("pack/order.xml".into(), fixture!("order.xml")),
            ("readme.txt".into(), b"not QTI".to_vec()),
        ])
        .unwrap();
        let f = read(&bytes).unwrap();
        assert_eq!(f.items.len(), 2);
        assert_eq!(f.items[0].ident, "choice");
        assert!(f.items[0].warnings.is_empty(), "{:?}", f.items[0].warnings);
        let stem = &f.items[0].result.as_ref().unwrap().stem;
        assert!(stem.contains("](pack/images/sign.png)"), "{stem}");
        assert_eq!(f.attachments[0].name, "pack/images/sign.png");
        assert_eq!(f.attachments[0].data, png);
        assert_eq!(skipped(&f.items[1]).code, "unsupported_interaction");
    }

    #[test]
    fn a_broken_zip_is_refused() {
        assert_eq!(read(b"PK\x03\x04broken").unwrap_err().code, "malformed_zip");
    }

    #[test]
    fn option_letters_are_the_choice_identifiers_written() {
        let qs = sample_questions();
        let xml = item_xml(&qs[1], "LAW-0002", &mut |t: &str| t.to_string());
        for i in 0..4 {
            assert!(xml.contains(&format!(
                "<simpleChoice identifier=\"{}\">",
                option_label(i)
            )));
        }
        assert!(xml.contains("maxChoices=\"0\""));
        Document::parse(&xml).unwrap();
    }
}
