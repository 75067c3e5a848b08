//! Exam and skills-competition platform: question banks, randomized exams, live proctoring,
//! competitions and verifiable certificates.

pub mod analytics;
pub mod audit;
pub mod auth;
pub mod bank;
pub mod certificate;
pub mod competition;
pub mod config;
pub mod db;
pub mod error;
pub mod exam;
pub mod http;
pub mod input;
pub mod live;
pub mod pdf;
pub mod practical;
pub mod proctor;
pub mod spreadsheet;
pub mod startup;
pub mod state;
pub mod tls;
