//! Exams: definitions (blueprint and rules), seeded paper drawing, scoring, candidate identity.
//! Sessions, attempts, autosave, marking and results build on these.

pub mod attempt;
pub mod attempt_repo;
pub mod autosave;
pub mod blueprint;
pub mod clock;
pub mod definition;
pub mod delivery;
pub mod demo;
pub mod demo_history;
pub mod editing;
pub mod entity;
pub mod event_throttle;
pub mod events;
pub mod exposure;
pub mod grading;
pub mod identity;
pub mod item_feed;
pub mod outcome;
pub mod paper;
pub mod pii;
pub mod practical_part;
pub mod ranking;
pub mod repo;
pub mod results;
pub mod roster;
pub mod scoring;
pub mod service;
pub mod session;
