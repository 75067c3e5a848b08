//! Rate limiting for the public lookup by number and name, so numbers cannot be enumerated.
//! The lookup takes no runtime piece from the application, so limiters live here, one per database (several
//! apps in one process, as in the tests, never share counts or settings).

use crate::auth::limiter::{self, Limiter, Policy};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

static LIMITERS: LazyLock<Mutex<HashMap<String, Arc<Limiter>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The lookup limiter of a database, made with the first caller's settings: an address waits
/// `lockout_seconds` after `max_failures` failed lookups, and one failure is forgiven per
/// `lockout_seconds`. Bounded like every limiter (see [`crate::auth::limiter`]).
pub fn limiter(database_url: &str, max_failures: u32, lockout_seconds: u64) -> Arc<Limiter> {
    let mut all = LIMITERS.lock().unwrap_or_else(|p| p.into_inner());
    all.entry(database_url.to_string())
        .or_insert_with(|| {
            let lockout = Duration::from_secs(lockout_seconds);
            Arc::new(Limiter::new(
                Policy {
                    failures_before_wait: max_failures,
                    first_wait: lockout,
                    max_wait: lockout,
                    forgive_every: lockout,
                },
                limiter::GUARD_MAX_ENTRIES,
                limiter::GUARD_MAX_BYTES,
            ))
        })
        .clone()
}

/// The limiter key of a client address (an IPv6 address by its /64).
pub fn key(ip: &str) -> String {
    format!("cert-lookup:{}", limiter::address_key(ip))
}
