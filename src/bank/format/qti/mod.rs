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
//!
//! Where each part lives: [`read`] walks a file, a test and its sections (`read.rs`), one
//! `assessmentItem` becomes a question body in `read_item.rs`, its XHTML becomes the platform's
//! text in `read_body.rs`, a manifest's LOM metadata is read in `read_lom.rs`; `package.rs`
//! opens and writes ZIP content packages; [`write()`] assembles a package (`write.rs`) from item
//! files (`write_item.rs`), `test.xml` and `imsmanifest.xml` (`write_test.rs`); `dom.rs` holds
//! the node and path helpers reading shares.

mod dom;
mod package;
mod read;
mod read_body;
mod read_item;
mod read_lom;
mod write;
mod write_item;
mod write_test;

/// Reads a QTI 2.1 `assessmentItem` or `assessmentTest` XML file, or a content package (ZIP).
/// Files that a plain XML file references (items of a test, images) are not available here,
/// so they are reported as missing; use [`read_package`] to supply them.
pub fn read(bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    if bytes.starts_with(b"PK") {
        return read_zip(bytes);
    }
    read_package(bytes, &|_| None)
}

const QTI_NS: &str = "xmlns=\"http://www.imsglobal.org/xsd/imsqti_v2p1\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd\"";

/// One question as it goes into the package.
struct Entry<'q> {
    pub(super) id: String,
    pub(super) href: String,
    pub(super) images: Vec<String>,
    pub(super) question: &'q Question,
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

#[cfg(test)]
mod hostile_input_tests;
#[cfg(test)]
mod tests;

pub use read::read_package;
pub use write::write;

use crate::bank::format::{FormatError, ParsedFile, html};
use crate::bank::model::Question;
use package::read_zip;

/// The LOM identifier catalog under which the writer records the platform's own identifier.
const CATALOG: &str = "exam-platform";
/// The class of the scorer rubric block that carries a practical task's marking scheme.
const SCHEME_CLASS: &str = "practical-scheme";
