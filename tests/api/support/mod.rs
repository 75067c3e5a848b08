//! What the tests share: the app under test, servers of the real binary and the hostile-file
//! builders.

mod app;
pub mod hostile;

pub use app::*;
