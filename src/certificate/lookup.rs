//! Rate limiting for the public lookup by number and name, so numbers cannot be enumerated.
//! The lookup keeps no state in `AppState`, so limiters live here, one per database (several
//! apps in one process, as in the tests, never share counts or settings).

use crate::auth::limiter::LoginLimiter;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

static LIMITERS: LazyLock<Mutex<HashMap<String, Arc<LoginLimiter>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The lookup limiter of a database, made with the first caller's settings.
pub fn limiter(database_url: &str, max_failures: u32, lockout_seconds: u64) -> Arc<LoginLimiter> {
    let mut all = LIMITERS.lock().unwrap_or_else(|p| p.into_inner());
    all.entry(database_url.to_string())
        .or_insert_with(|| {
            Arc::new(LoginLimiter::new(
                max_failures,
                Duration::from_secs(lockout_seconds),
            ))
        })
        .clone()
}

/// The limiter key of a client address.
pub fn key(ip: &str) -> String {
    format!("cert-lookup:{ip}")
}
