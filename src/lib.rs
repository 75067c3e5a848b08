//! Exam and skills-competition platform.

pub mod bank;
