//! Placeholder until the QTI 2.1 reader/writer lands.
use super::{Attachment, FormatError, ParsedFile};
use crate::bank::model::Question;

/// Reads a QTI 2.1 assessmentItem or assessmentTest.
pub fn read(_bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    Err(FormatError::new("unsupported_format", "QTI import is not available yet"))
}

/// Writes questions as QTI 2.1.
pub fn write(_bank_name: &str, _questions: &[Question], _attachments: &[Attachment]) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::new("unsupported_format", "QTI export is not available yet"))
}
