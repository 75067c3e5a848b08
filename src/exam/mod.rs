//! Exams: blueprints, seeded paper drawing, scoring, candidate identity. (Sessions, attempts and
//! autosave build on these; see issue 3.)

pub mod blueprint;
pub mod identity;
pub mod paper;
pub mod scoring;
