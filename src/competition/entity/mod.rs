//! The competition's tables.

pub mod appeal;
pub mod appeal_file;
pub mod appeal_grant;
pub mod awards;
pub mod competition;
pub mod conflict;
pub mod contestant;
pub mod event;
pub mod group;
pub mod leader_code;
pub mod publication;
pub mod recheck;
pub mod recheck_entry;
pub mod stage;
pub mod stage_entry;
pub mod team;
