//! What every task of a run reads: the request kinds, the rate steps and their save grid, and
//! the blur times candidates and watchers share without locks.

use reqwest::Client;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The request kinds, in report order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    Login = 0,
    Paper = 1,
    Save = 2,
    Submit = 3,
    /// A heartbeat event from the tablet.
    Heartbeat = 4,
    /// A window-blur event from the tablet.
    Blur = 5,
    /// A proctor opening the live room view: request until its first frame (the snapshot).
    Watch = 6,
}

/// How many kinds there are.
pub(crate) const PHASE_COUNT: usize = 7;

pub(crate) const PHASES: [(Phase, &str); PHASE_COUNT] = [
    (Phase::Login, "login"),
    (Phase::Paper, "paper"),
    (Phase::Save, "save"),
    (Phase::Submit, "submit"),
    (Phase::Heartbeat, "hbeat"),
    (Phase::Blur, "blur"),
    (Phase::Watch, "watch"),
];

/// One rate step of the save phase.
#[derive(Clone, Copy)]
pub(crate) struct Step {
    /// Each candidate saves once per interval.
    pub(crate) interval: Duration,
    /// Saves per second over all candidates.
    pub(crate) target_rate: f64,
    /// When the step starts and ends (saves are scheduled on a grid anchored at `start`).
    pub(crate) start: Instant,
    pub(crate) end: Instant,
}

/// What every task reads: the client, the schedule and the shared error log.
pub(crate) struct Plan {
    pub(crate) client: Client,
    /// The servers; candidate `i` talks to `bases[i % bases.len()]`.
    pub(crate) bases: Vec<String>,
    pub(crate) t0: Instant,
    pub(crate) ramp: Duration,
    pub(crate) steps: Vec<Step>,
    pub(crate) end: Instant,
    pub(crate) n: usize,
    pub(crate) submit: bool,
    pub(crate) seed: u64,
    /// Saves each task may make, to size its latency vector once.
    pub(crate) saves_hint: usize,
    /// Heartbeat and window-blur intervals of each candidate, when they send any.
    pub(crate) heartbeat: Option<Duration>,
    pub(crate) focus: Option<Duration>,
    /// What candidates and watchers share: who is who, and when each blur was sent.
    pub(crate) shared: Arc<Shared>,
    /// Failed requests (rare, so a lock is fine): phase, time since t0 in ms, label.
    pub(crate) errors: Mutex<Vec<(Phase, u32, String)>>,
}

/// Window blurs remembered per candidate (a watcher that falls this far behind counts the
/// older ones as lost).
pub(crate) const BLUR_RING: usize = 8;

/// The blurs one candidate sent: how many, and when the latest ones left.
#[derive(Default)]
pub(crate) struct BlurSlot {
    /// Blurs sent so far (only the candidate's task writes it).
    pub(crate) count: AtomicU32,
    /// Send time of blur `k` (counting from 1) at `k % BLUR_RING`, in ns since `Shared::epoch`.
    pub(crate) sent_ns: [AtomicU64; BLUR_RING],
}

/// Read by candidates and watchers alike, without locks.
pub(crate) struct Shared {
    /// Candidate index by ticket, to find a tile's candidate.
    pub(crate) tickets: HashMap<Box<str>, u32>,
    /// One slot per candidate.
    pub(crate) blurs: Box<[BlurSlot]>,
    /// The origin of `BlurSlot::sent_ns`.
    pub(crate) epoch: Instant,
    /// How many servers the candidates are spread over.
    pub(crate) bases: usize,
}

impl Shared {
    pub(crate) fn ns(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.epoch)
            .as_nanos()
            .min(u128::from(u64::MAX)) as u64
    }
}

impl Plan {
    pub(crate) fn ms(&self, at: Instant) -> u32 {
        at.saturating_duration_since(self.t0).as_millis() as u32
    }

    pub(crate) fn error(&self, phase: Phase, at: Instant, label: String) {
        if let Ok(mut e) = self.errors.lock() {
            e.push((phase, self.ms(at), label));
        }
    }

    /// The next time strictly after `now` on a grid of `interval` anchored at the common start,
    /// at `offset` (0..1 of an interval); `None` without an interval or when the run is over.
    pub(crate) fn next_tick(
        &self,
        interval: Option<Duration>,
        offset: f64,
        now: Instant,
    ) -> Option<Instant> {
        let t = interval?.as_secs_f64();
        let x = now.saturating_duration_since(self.t0).as_secs_f64() / t - offset;
        let k = if now < self.t0 || x < 0.0 {
            0.0
        } else {
            x.floor() + 1.0
        };
        let at = self.t0 + Duration::from_secs_f64((offset + k) * t);
        (at < self.end).then_some(at)
    }

    /// The next save time strictly after `now` for a candidate at `offset` (0..1 of an interval),
    /// or `None` when the run is over.
    pub(crate) fn next_save(&self, now: Instant, offset: f64) -> Option<Instant> {
        for step in &self.steps {
            if now >= step.end {
                continue;
            }
            let t = step.interval.as_secs_f64();
            let x = now.saturating_duration_since(step.start).as_secs_f64() / t - offset;
            let k = if now < step.start || x < 0.0 {
                0.0
            } else {
                x.floor() + 1.0
            };
            let at = step.start + Duration::from_secs_f64((offset + k) * t);
            if at < step.end {
                return Some(at);
            }
            // No slot left in this step: the next step's grid takes over.
        }
        None
    }
}
