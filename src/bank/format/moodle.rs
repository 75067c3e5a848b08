//! Placeholder until the Moodle XML reader/writer lands.
use super::{Attachment, FormatError, ParsedFile};
use crate::bank::model::Question;

/// Reads a Moodle XML file.
pub fn read(_bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    Err(FormatError::new("unsupported_format", "Moodle XML import is not available yet"))
}

/// Writes questions as Moodle XML.
pub fn write(_questions: &[Question], _attachments: &[Attachment]) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::new("unsupported_format", "Moodle XML export is not available yet"))
}
