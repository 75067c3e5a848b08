//! Tables of the exam domain. Answers, events and snapshots are read and written with raw SQL
//! in the repo (bulk upserts with guards), so they have no entity.

pub mod attempt;
pub mod candidate;
pub mod exam;
pub mod mark;
pub mod practical;
pub mod room;
pub mod session;
