//! Server-authoritative exam time. Pure: every function takes `now` in Unix milliseconds.
//!
//! deadline = start + limit + extensions + time spent paused. While paused the clock stands:
//! the time left stays what it was when the pause began, and resuming moves the deadline on by
//! the length of the pause.

use serde::Serialize;

/// The time fields of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// Started.
    pub started_ms: i64,
    /// Time allowed.
    pub limit_ms: i64,
    /// Extra time given (may be several extensions added up).
    pub extension_ms: i64,
    /// Time spent in finished pauses.
    pub paused_ms: i64,
    /// Since when the clock stands, if it does.
    pub paused_since_ms: Option<i64>,
}

/// Longest extension one action may give (a whole day would be a mistake, not an extension).
pub const MAX_EXTENSION_MS: i64 = 6 * 60 * 60 * 1000;

impl Clock {
    /// A clock started at `now` with `limit_ms` allowed.
    pub fn start(now: i64, limit_ms: i64) -> Clock {
        Clock {
            started_ms: now,
            limit_ms,
            extension_ms: 0,
            paused_ms: 0,
            paused_since_ms: None,
        }
    }

    /// The deadline as if the clock ran from now on: for a paused clock, the deadline it
    /// would have if resumed at `now`.
    pub fn deadline_ms(&self, now: i64) -> i64 {
        let running_pause = self.paused_since_ms.map_or(0, |p| (now - p).max(0));
        self.started_ms
            .saturating_add(self.limit_ms)
            .saturating_add(self.extension_ms)
            .saturating_add(self.paused_ms)
            .saturating_add(running_pause)
    }

    /// The deadline to store: for a paused clock, as of the moment the pause began (the save
    /// guard refuses paused attempts anyway; resuming stores the moved deadline).
    pub fn stored_deadline_ms(&self) -> i64 {
        self.deadline_ms(self.paused_since_ms.unwrap_or(self.started_ms))
    }

    /// Milliseconds left at `now`, never negative. Stands still while paused.
    pub fn remaining_ms(&self, now: i64) -> i64 {
        let at = self.paused_since_ms.map_or(now, |p| p.min(now));
        (self.deadline_ms(at) - at).max(0)
    }

    /// Whether time is up at `now` (never while paused).
    pub fn is_up(&self, now: i64) -> bool {
        self.paused_since_ms.is_none() && self.deadline_ms(now) <= now
    }

    /// Stops the clock at `now`; pausing a paused clock changes nothing.
    pub fn pause(mut self, now: i64) -> Clock {
        if self.paused_since_ms.is_none() {
            self.paused_since_ms = Some(now);
        }
        self
    }

    /// Starts the clock again at `now`; the pause's length is added to the deadline.
    pub fn resume(mut self, now: i64) -> Clock {
        if let Some(p) = self.paused_since_ms.take() {
            self.paused_ms += (now - p).max(0);
        }
        self
    }

    /// Adds time, up to [`MAX_EXTENSION_MS`] per call; a non-positive amount changes nothing.
    pub fn extend(mut self, ms: i64) -> Clock {
        self.extension_ms += ms.clamp(0, MAX_EXTENSION_MS);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn the_deadline_is_start_plus_limit_and_time_left_counts_down() {
        let c = Clock::start(1_000, 60 * MIN);
        assert_eq!(c.deadline_ms(1_000), 1_000 + 60 * MIN);
        assert_eq!(c.remaining_ms(1_000 + 10 * MIN), 50 * MIN);
        assert!(!c.is_up(60 * MIN));
        assert!(c.is_up(1_000 + 60 * MIN));
        assert_eq!(c.remaining_ms(1_000 + 90 * MIN), 0, "never negative");
    }

    #[test]
    fn a_paused_clock_stands_still_and_resuming_moves_the_deadline_by_the_pause() {
        let c = Clock::start(0, 60 * MIN).pause(10 * MIN);
        assert_eq!(c.remaining_ms(10 * MIN), 50 * MIN);
        assert_eq!(
            c.remaining_ms(40 * MIN),
            50 * MIN,
            "time stops while paused"
        );
        assert!(!c.is_up(100 * MIN), "a paused attempt is never out of time");
        assert_eq!(c.stored_deadline_ms(), 60 * MIN);
        let c = c.resume(25 * MIN);
        assert_eq!(c.paused_ms, 15 * MIN);
        assert_eq!(c.deadline_ms(25 * MIN), 75 * MIN);
        assert_eq!(c.stored_deadline_ms(), 75 * MIN);
        assert_eq!(c.remaining_ms(25 * MIN), 50 * MIN);
    }

    #[test]
    fn pausing_twice_keeps_the_first_pause_and_resuming_a_running_clock_changes_nothing() {
        let c = Clock::start(0, 60 * MIN).pause(10 * MIN).pause(20 * MIN);
        assert_eq!(c.paused_since_ms, Some(10 * MIN));
        let running = Clock::start(0, 60 * MIN);
        assert_eq!(running.resume(30 * MIN), running);
    }

    #[test]
    fn extensions_add_up_and_are_bounded() {
        let c = Clock::start(0, 60 * MIN).extend(5 * MIN).extend(10 * MIN);
        assert_eq!(c.deadline_ms(0), 75 * MIN);
        assert_eq!(
            c.extend(-5 * MIN),
            c,
            "a negative extension changes nothing"
        );
        let huge = Clock::start(0, 60 * MIN).extend(i64::MAX);
        assert_eq!(huge.extension_ms, MAX_EXTENSION_MS);
    }

    #[test]
    fn an_extension_during_a_pause_counts_once_resumed() {
        let c = Clock::start(0, 60 * MIN)
            .pause(30 * MIN)
            .extend(10 * MIN)
            .resume(40 * MIN);
        assert_eq!(c.deadline_ms(40 * MIN), 80 * MIN);
        assert_eq!(c.remaining_ms(40 * MIN), 40 * MIN);
    }
}
