//! Slows and then locks out repeated failed logins, per account and per client address.
//! Kept in memory: with several instances each counts its own share, which still bounds guessing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failures per key within a window.
pub struct LoginLimiter {
    max_failures: u32,
    lockout: Duration,
    state: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    failures: u32,
    first: Instant,
    locked_until: Option<Instant>,
}

impl LoginLimiter {
    /// A limiter that locks a key for `lockout` after `max_failures` failures inside `lockout`.
    pub fn new(max_failures: u32, lockout: Duration) -> LoginLimiter {
        LoginLimiter {
            max_failures: max_failures.max(1),
            lockout,
            state: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds left on a lockout of any of the keys, if one is locked.
    pub fn locked(&self, keys: &[&str]) -> Option<u64> {
        let now = Instant::now();
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|k| state.get(*k)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| (until - now).as_secs().max(1))
            .max()
    }

    /// Records a failure for each key; returns how long to hold the answer (grows with failures).
    pub fn failed(&self, keys: &[&str]) -> Duration {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.len() > 100_000 {
            state.retain(|_, e| now.duration_since(e.first) < self.lockout);
        }
        let mut worst = 0;
        for k in keys {
            let e = state.entry((*k).to_string()).or_insert(Entry {
                failures: 0,
                first: now,
                locked_until: None,
            });
            if now.duration_since(e.first) > self.lockout {
                *e = Entry {
                    failures: 0,
                    first: now,
                    locked_until: None,
                };
            }
            e.failures += 1;
            if e.failures >= self.max_failures {
                e.locked_until = Some(now + self.lockout);
            }
            worst = worst.max(e.failures);
        }
        Duration::from_millis(u64::from(worst.min(10)) * 200)
    }

    /// Clears the account key after a successful login.
    pub fn succeeded(&self, key: &str) {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_locked_after_the_allowed_failures_and_others_are_not() {
        let l = LoginLimiter::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            l.failed(&["user:a"]);
        }
        assert_eq!(l.locked(&["user:a"]), None);
        l.failed(&["user:a"]);
        assert!(l.locked(&["user:a"]).is_some());
        assert_eq!(l.locked(&["user:b"]), None);
    }

    #[test]
    fn success_clears_the_count() {
        let l = LoginLimiter::new(2, Duration::from_secs(60));
        l.failed(&["user:a"]);
        l.succeeded("user:a");
        l.failed(&["user:a"]);
        assert_eq!(l.locked(&["user:a"]), None);
    }
}
