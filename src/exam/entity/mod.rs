//! Tables of the exam domain.

pub mod candidate;
pub mod exam;
pub mod room;
pub mod session;
