//! The competition's tables.

pub mod awards;
pub mod competition;
pub mod conflict;
pub mod contestant;
pub mod event;
pub mod group;
pub mod publication;
pub mod recheck;
pub mod recheck_entry;
pub mod stage;
pub mod stage_entry;
pub mod team;
