//! The package's `test.xml` (an `assessmentTest` whose nested sections are the categories) and
//! its `imsmanifest.xml` (one resource per item, with LOM metadata).

use super::CATALOG;
use super::write_item::title_of;
use super::{Entry, QTI_NS, esc};
use crate::bank::model::QuestionStatus;

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

pub(super) fn test_xml(bank_name: &str, entries: &[Entry]) -> String {
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

pub(super) fn manifest_xml(entries: &[Entry]) -> String {
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
                // LOM has no review states: not yet (or no longer) approved reads as a draft.
                QuestionStatus::Draft | QuestionStatus::InReview | QuestionStatus::Flagged => {
                    "draft"
                }
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
