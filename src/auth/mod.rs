//! Who is asking: staff accounts, roles, password hashing, tokens and logins; candidate tokens.

pub mod appellant;
pub mod candidate;
pub mod entity;
pub mod limiter;
pub mod password;
pub mod repo;
pub mod role;
pub mod service;
pub mod staff;
pub mod token;

pub use appellant::AppellantAuth;
pub use candidate::CandidateAuth;
pub use role::{Role, Roles};
pub use staff::Staff;
