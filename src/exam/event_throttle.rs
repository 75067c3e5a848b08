//! Per-attempt limits on what a tablet reports: events per minute, and one written heartbeat
//! per attempt every few seconds. Kept in memory per process (see `attempt::ExamRuntime`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most events (heartbeats excluded) stored per attempt per minute.
pub const MAX_PER_MINUTE: u32 = 120;
/// At most one heartbeat per attempt is written this often. The tablet beats every 10 s and
/// the room view calls a tablet offline after 30 s, so nothing is lost; more frequent beats are
/// answered 200 without a write (a 429 would only make the tablet retry).
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);

/// Per-attempt counters for throttling.
#[derive(Default)]
pub struct Throttle {
    windows: Mutex<HashMap<i32, (Instant, u32)>>,
    beats: Mutex<HashMap<i32, Instant>>,
}

impl Throttle {
    /// Counts `n` events for an attempt; false when that would pass the per-minute limit.
    pub fn admit(&self, attempt: i32, n: u32) -> bool {
        let now = Instant::now();
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if w.len() > 50_000 {
            w.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let e = w.entry(attempt).or_insert((now, 0));
        if now.duration_since(e.0) >= Duration::from_secs(60) {
            *e = (now, 0);
        }
        if e.1 + n > MAX_PER_MINUTE {
            return false;
        }
        e.1 += n;
        true
    }

    /// True when an attempt's heartbeat is due to be written (and records it as written).
    pub fn beat_due(&self, attempt: i32) -> bool {
        let now = Instant::now();
        let mut b = self.beats.lock().unwrap_or_else(|p| p.into_inner());
        if b.len() > 50_000 {
            b.retain(|_, last| now.duration_since(*last) < HEARTBEAT_EVERY);
        }
        match b.get(&attempt) {
            Some(last) if now.duration_since(*last) < HEARTBEAT_EVERY => false,
            _ => {
                b.insert(attempt, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throttle_admits_up_to_the_limit_per_attempt_and_no_more() {
        let t = Throttle::default();
        assert!(t.admit(1, MAX_PER_MINUTE - 1));
        assert!(t.admit(1, 1));
        assert!(!t.admit(1, 1), "the 121st event in a minute is refused");
        assert!(t.admit(2, 10), "another tablet is not affected");
    }

    #[test]
    fn one_heartbeat_per_attempt_is_written_per_interval() {
        let t = Throttle::default();
        assert!(t.beat_due(1));
        assert!(!t.beat_due(1), "a second beat at once is not written");
        assert!(t.beat_due(2), "another tablet is not affected");
    }
}
