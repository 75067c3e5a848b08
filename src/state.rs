//! What every request handler can reach. Only `http` and `startup` know this type: domain
//! services take a connection plus the one runtime piece they need (see each field).

use crate::auth::service::StaffLogins;
use crate::auth::token::JwtKeys;
use crate::certificate::issuer::Issuer;
use crate::config::Config;
use crate::exam::attempt::ExamRuntime;
use crate::proctor::live::Live;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Settings.
    pub config: Arc<Config>,
    /// Token signing keys (staff and candidate tokens).
    pub keys: Arc<JwtKeys>,
    /// Staff logins: keys, limits per account and address, token lifetimes.
    pub staff: Arc<StaffLogins>,
    /// The exam domain's caches, autosave writer, live bus and candidate login limits.
    pub exams: Arc<ExamRuntime>,
    /// Live room views (proctoring).
    pub live: Arc<Live>,
    /// Appellant logins (contestants and team leaders filing appeals): failures per name and
    /// address.
    pub appellants: Arc<crate::auth::limiter::LoginGuard>,
    /// Who issues certificates and where they are verified.
    pub issuer: Arc<Issuer>,
    /// The competitions' scoreboards live (成绩大屏): one feed per watched board.
    pub boards: Arc<crate::competition::scoreboard_live::BoardHub>,
}
