//! Staff authentication: accounts, roles, password hashing, tokens and the request extractor.

pub mod entity;
pub mod extract;
pub mod limiter;
pub mod password;
pub mod repo;
pub mod role;
pub mod service;
pub mod token;

pub use extract::Staff;
pub use role::{Role, Roles};
