//! The LOM metadata a package's manifest gives an item: identifier, tags, difficulty, status
//! and source.

use super::CATALOG;
use super::dom::{child, children, plain};
use crate::bank::model::{QuestionBody, QuestionStatus};
use roxmltree::Node;

/// Metadata a package's manifest gives an item.
#[derive(Default, Clone)]
pub(super) struct Meta {
    ident: Option<String>,
    difficulty: Option<u8>,
    status: Option<QuestionStatus>,
    tags: Vec<String>,
    source: Option<String>,
}

impl Meta {
    pub(super) fn from_lom(lom: Node) -> Meta {
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

    pub(super) fn apply(&self, body: &mut QuestionBody) {
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
