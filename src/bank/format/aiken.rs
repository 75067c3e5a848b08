//! Placeholder until the aiken reader/writer lands.
use super::{FormatError, ParsedFile};
use crate::bank::model::Question;

/// Reads a aiken file.
pub fn read(_bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    Err(FormatError::new("unsupported_format", "aiken import is not available yet"))
}

/// Writes questions as aiken.
pub fn write(_questions: &[Question]) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::new("unsupported_format", "aiken export is not available yet"))
}
