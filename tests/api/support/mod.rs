//! What the tests share: the app under test, servers of the real binary, the session fixture,
//! the live-stream reader and the hostile-file builders.

mod app;
mod competition;
mod competition_final;
mod competition_results;
pub mod hostile;
mod practical;
mod server;
mod session;
mod sse;

pub use app::*;
pub use competition::*;
pub use competition_final::*;
pub use competition_results::*;
pub use practical::*;
pub use server::*;
pub use session::*;
pub use sse::Sse;
