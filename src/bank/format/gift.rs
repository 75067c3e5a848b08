//! Placeholder until the gift reader/writer lands.
use super::{FormatError, ParsedFile};
use crate::bank::model::Question;

/// Reads a gift file.
pub fn read(_bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    Err(FormatError::new("unsupported_format", "gift import is not available yet"))
}

/// Writes questions as gift.
pub fn write(_questions: &[Question]) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::new("unsupported_format", "gift export is not available yet"))
}
