//! PDF pieces shared by certificates and staff reports: the compiled-in CJK font with its
//! metrics, and a plain paginated text document.

pub mod document;
pub mod font;

pub use document::{PdfError, text_document};
