//! Rate limiting for the public lookup by number and name, so numbers cannot be enumerated.
//! One limiter per process (the lookup has no state of its own in `AppState`); its keys carry
//! the database URL, so several apps in one process (the tests) never share counts.

use crate::auth::limiter::LoginLimiter;
use std::sync::OnceLock;
use std::time::Duration;

static LIMITER: OnceLock<LoginLimiter> = OnceLock::new();

/// The lookup limiter, made with the first caller's settings.
pub fn limiter(max_failures: u32, window_seconds: u64) -> &'static LoginLimiter {
    LIMITER.get_or_init(|| LoginLimiter::new(max_failures, Duration::from_secs(window_seconds)))
}

/// The limiter key of a client address on a database.
pub fn key(database_url: &str, ip: &str) -> String {
    format!("cert-lookup:{database_url}:{ip}")
}
