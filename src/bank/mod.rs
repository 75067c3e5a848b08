//! Question banks: the question model, categories, file formats, import and export.

pub mod entity;
pub mod format;
pub mod import;
pub mod lifecycle;
pub mod model;
pub mod repo;
pub mod review;
pub mod service;
pub mod synthetic;
