//! Placeholder until the csv reader/writer lands.
use super::{FormatError, ParsedFile};
use crate::bank::model::Question;

/// Reads a csv file.
pub fn read(_bytes: &[u8]) -> Result<ParsedFile, FormatError> {
    Err(FormatError::new("unsupported_format", "csv import is not available yet"))
}

/// Writes questions as csv.
pub fn write(_questions: &[Question]) -> Result<Vec<u8>, FormatError> {
    Err(FormatError::new("unsupported_format", "csv export is not available yet"))
}
