//! The practical engine's tables.

pub mod code;
pub mod panel;
pub mod part;
pub mod place;
pub mod task;
