//! Question banks: the question model, categories, file formats, import and export.

pub mod format;
pub mod model;
