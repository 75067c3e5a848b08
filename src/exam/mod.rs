//! Exams: definitions (blueprint and rules), seeded paper drawing, scoring, candidate identity.
//! Sessions, attempts and autosave build on these (issue 3).

pub mod blueprint;
pub mod definition;
pub mod entity;
pub mod identity;
pub mod paper;
pub mod repo;
pub mod roster;
pub mod scoring;
pub mod service;
pub mod session;
