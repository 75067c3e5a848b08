//! What every request handler can reach.

use crate::auth::limiter::LoginGuard;
use crate::auth::token::JwtKeys;
use crate::config::Config;
use crate::exam::attempt::ExamRuntime;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Settings.
    pub config: Arc<Config>,
    /// JWT keys.
    pub keys: Arc<JwtKeys>,
    /// Staff login limits (per account and address; see `auth::limiter`).
    pub limiter: Arc<LoginGuard>,
    /// The exam domain's caches, autosave writer and candidate login limits.
    pub exams: Arc<ExamRuntime>,
    /// Live changes and room views (proctoring).
    pub live: Arc<crate::proctor::live::Live>,
}
