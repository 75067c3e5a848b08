//! What the tests share: the app under test, servers of the real binary, the live-stream reader
//! and the hostile-file builders.

mod app;
pub mod hostile;
mod sse;

pub use app::*;
pub use sse::Sse;
