//! Helpers over roxmltree nodes and over paths inside a package, which reading shares.

use crate::bank::format::FormatError;
use roxmltree::{Document, Node};

pub(super) fn parse_xml(text: &str) -> Result<Document<'_>, FormatError> {
    crate::bank::format::xml::parse(text)
}

pub(super) fn line(node: Node) -> usize {
    node.document().text_pos_at(node.range().start).row as usize
}

pub(super) fn is(node: &Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

pub(super) fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(c, name))
}

pub(super) fn children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| is(c, name))
}

/// All text inside a node, trimmed.
pub(super) fn plain(node: Node) -> String {
    let s: String = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    s.trim().to_string()
}

pub(super) fn attr<'a>(node: Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name).unwrap_or("")
}

pub(super) fn has_class(node: Node, class: &str) -> bool {
    attr(node, "class").split_whitespace().any(|c| c == class)
}

pub(super) fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Joins a relative reference to a folder, resolving `.` and `..`.
pub(super) fn join_path(dir: &str, rel: &str) -> String {
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

pub(super) fn percent_decode(s: &str) -> String {
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

pub(super) fn is_external(src: &str) -> bool {
    src.starts_with('/') || src.contains("://") || src.starts_with("data:")
}
