//! An item body's XHTML into the HTML that [`html::to_text`] reads, with the images it refers
//! to (files of the package, or `data:` URIs).

use super::dom::{attr, child, is, is_external, join_path};
use crate::bank::format::text::{image_mime, mime_extension, sniff_image};
use crate::bank::format::{Attachment, html};
use crate::bank::model::BLANK_MARKER;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use roxmltree::Node;
use sha2::{Digest, Sha256};

/// Turns item body XHTML into HTML for [`html::to_text`], noting the images it refers to.
pub(super) struct Html<'d> {
    /// Folder of the item file, relative to the package base.
    dir: &'d str,
    /// Image targets (package-relative) in the order met.
    pub(super) images: Vec<String>,
    /// Images carried inline as data: URIs.
    pub(super) inline: Vec<Attachment>,
    /// The item has a single text entry: standing alone in its paragraph it leaves no marker.
    pub(super) lone_blank: bool,
}

impl<'d> Html<'d> {
    pub(super) fn new(dir: &'d str) -> Self {
        Html {
            dir,
            images: Vec::new(),
            inline: Vec::new(),
            lone_blank: false,
        }
    }

    pub(super) fn text_of(&mut self, node: Node) -> String {
        let mut out = String::new();
        self.children(node, &mut out);
        html::to_text(&out)
    }

    pub(super) fn children(&mut self, node: Node, out: &mut String) {
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
