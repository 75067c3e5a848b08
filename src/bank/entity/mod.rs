//! Tables of the bank domain.

pub mod bank;
pub mod category;
pub mod media;
pub mod question;
pub mod review;
pub mod version;
