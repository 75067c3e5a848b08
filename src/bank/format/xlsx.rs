//! Placeholder until the xlsx reader/writer lands.
use super::{FormatError, ParsedFile};
use crate::bank::model::Question;

/// Reads a xlsx file.
pub fn read(_bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    Err(FormatError::new("unsupported_format", "xlsx import is not available yet"))
}

/// Writes questions as xlsx.
pub fn write(_questions: &[Question]) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::new("unsupported_format", "xlsx export is not available yet"))
}
