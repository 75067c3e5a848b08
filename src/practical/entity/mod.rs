//! The practical engine's tables.

pub mod code;
pub mod correction;
pub mod flag;
pub mod mark;
pub mod mark_version;
pub mod panel;
pub mod part;
pub mod place;
pub mod sheet;
pub mod task;
