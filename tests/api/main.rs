//! The black-box tests: one binary, so the library is linked once for all of them. Each module
//! is one area of the API; `support` spawns apps and servers and builds the shared fixtures.
//!
//! `cargo test --test api` runs them all, `cargo test --test api proctor::` one area.

// A test fails by panicking, its helpers too (clippy.toml allows it only inside test functions).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

// Issue 16, part DATA: item analytics.
mod analytics;
mod attempts;
mod auth;
mod banks;
mod certificates;
// Issue 15, part A: appeals and arbitration.
mod competition_appeals;
// Issue 14, part A: competition set-up, registration and the theory stage.
mod competition_board;
// Issue 15, part B: award policies, awards, award certificates, documents.
mod competition_awards;
mod competition_final;
mod competition_publication;
mod competition_registration;
mod competition_results;
mod competition_setup;
mod console;
mod demo;
// Issue 16, part LOOP: measured difficulty, exposure and equated pass marks in the draw.
mod draw_measured;
mod durability;
mod edge;
mod exams;
mod imports;
mod instances;
mod judging;
mod openapi;
// Part bank (issue 13): practical tasks in the bank.
mod practical_bank;
// Part results (issue 13): the assessment on both parts, certificates, the practical documents.
mod practical_results;
mod practical_setup;
mod proctor;
// Issue 16, part REVIEW: the item lifecycle and two-person review.
mod question_review;
mod results_certificates;
mod sessions;
// Part tablet (issue 12).
mod tablet;
mod venue;
mod zh_messages;
