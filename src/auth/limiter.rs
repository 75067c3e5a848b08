//! Login limiting: a guesser is slowed, and nobody can lock the genuine user out.
//!
//! # What is counted, and why
//!
//! A login is guarded by two counters, both in memory:
//!
//! - **The pair** of who is tried (a ticket number, a username) and the address it comes from.
//!   Every try on a pair counts before the credentials are checked (so a burst of parallel tries
//!   cannot slip past the count); a correct login clears the pair. After
//!   `failures_before_wait` tries the pair must wait before its next try is even looked at:
//!   5 s, then 10 s, 20 s, … up to `max_wait` (the lockout setting, 5 minutes by default).
//!   One failure is forgiven per `forgive_every` without a new one, so the long-run rate a
//!   guesser gets is one try per `forgive_every` per pair: about 300 a day against an ID
//!   number space of well over ten million. A refused try is a 429 with `Retry-After`.
//! - **The address** alone (all names tried from it). It never refuses anyone: a venue's
//!   tablets often share one address behind NAT, and before this design 100 typos there locked
//!   every tablet out. An address over its threshold (many failures on many names: someone
//!   spraying) loses the free tries on every pair from it, so each name tried from it waits
//!   after its first failure, and its failures are answered after a short hold.
//!
//! Nothing counts per name alone, because that is what let anyone lock a candidate out with
//! five wrong ID numbers on their (sequential, guessable) ticket, or lock any staff account
//! with five wrong passwords: the guesser's pair waits, the genuine user on their own tablet
//! is a different pair and gets in at the first try. The one case left is a guesser behind the
//! same address as the genuine candidate (the same venue): the proctor's unlock action clears
//! every pair of that ticket, and the candidate's next correct try succeeds.
//!
//! Input is checked before anything is counted: a ticket or username that cannot exist is a
//! 422 and leaves no entry, and a key is never longer than [`MAX_KEY_BYTES`] (a longer one is
//! stored as a fixed-size digest). The table holds at most `max_entries` entries and
//! `max_bytes` bytes; entries are dropped once forgiven (swept every [`SWEEP_EVERY`]) and,
//! when full, the least telling quarter is evicted first (not waiting, fewest failures,
//! oldest), so a flood of one-off names cannot push a guesser's waiting pair out.
//!
//! With several instances each keeps its own counts, which still bounds guessing; an unlock
//! reaches the others through the live bus.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Longest key stored as it is; longer keys are stored as a 33-byte digest.
pub const MAX_KEY_BYTES: usize = 96;
/// How often forgiven entries are swept out.
pub const SWEEP_EVERY: Duration = Duration::from_secs(30);
/// The first wait once a pair's free tries are used; each further failure doubles it.
pub const FIRST_WAIT: Duration = Duration::from_secs(5);
/// What an entry costs besides its key: the entry, the boxed key's pointer and length, and the
/// hash table's slot and control byte (rounded up).
const ENTRY_OVERHEAD: usize = std::mem::size_of::<Entry>() + std::mem::size_of::<Box<str>>() + 8;

/// How a counter slows a key down.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures (or tries) before the first wait.
    pub failures_before_wait: u32,
    /// The first wait; each further failure doubles it.
    pub first_wait: Duration,
    /// The longest wait.
    pub max_wait: Duration,
    /// One failure is forgiven per this long without a new one.
    pub forgive_every: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
    until: Option<Instant>,
}

struct Table {
    map: HashMap<Box<str>, Entry>,
    bytes: usize,
    swept: Instant,
    hasher: RandomState,
}

/// Failure counts per key with waits that grow, bounded in entries and bytes.
pub struct Limiter {
    policy: Policy,
    max_entries: usize,
    max_bytes: usize,
    table: Mutex<Table>,
}

/// Whole seconds to tell a client to wait (at least 1).
pub fn retry_after(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// The address a client is counted under: an IPv4 address as it is, an IPv6 address by its
/// /64 (one subscriber usually holds a whole /64, so counting single addresses would give them
/// billions of fresh counters). Anything else (no peer address) is counted as `unknown`.
pub fn address_key(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Err(_) => "unknown".into(),
    }
}

impl Table {
    fn key(&self, key: &str) -> Box<str> {
        if key.len() <= MAX_KEY_BYTES {
            key.into()
        } else {
            let a = self.hasher.hash_one((0u8, key));
            let b = self.hasher.hash_one((1u8, key));
            format!("#{a:016x}{b:016x}").into()
        }
    }

    fn remove(&mut self, key: &str) -> bool {
        match self.map.remove(key) {
            Some(_) => {
                self.bytes -= key.len() + ENTRY_OVERHEAD;
                true
            }
            None => false,
        }
    }
}

impl Limiter {
    /// A limiter holding at most `max_entries` keys and about `max_bytes` bytes.
    pub fn new(policy: Policy, max_entries: usize, max_bytes: usize) -> Limiter {
        Limiter {
            policy: Policy {
                failures_before_wait: policy.failures_before_wait.max(1),
                forgive_every: policy.forgive_every.max(Duration::from_millis(1)),
                ..policy
            },
            max_entries: max_entries.max(4),
            max_bytes: max_bytes.max(4 * (MAX_KEY_BYTES + ENTRY_OVERHEAD)),
            table: Mutex::new(Table {
                map: HashMap::new(),
                bytes: 0,
                swept: Instant::now(),
                hasher: RandomState::new(),
            }),
        }
    }

    /// The policy.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The failures of an entry still counted at `now`.
    fn counted(&self, e: &Entry, now: Instant) -> u32 {
        let forgiven =
            now.saturating_duration_since(e.last).as_nanos() / self.policy.forgive_every.as_nanos();
        e.failures
            .saturating_sub(u32::try_from(forgiven).unwrap_or(u32::MAX))
    }

    fn waiting(e: &Entry, now: Instant) -> Option<Duration> {
        e.until.filter(|u| *u > now).map(|u| u - now)
    }

    fn wait_for(&self, failures: u32, allowed: u32) -> Option<Duration> {
        let over = failures.checked_sub(allowed)?;
        let factor = 1u32 << over.min(20);
        Some(
            self.policy
                .first_wait
                .saturating_mul(factor)
                .min(self.policy.max_wait),
        )
    }

    /// Drops entries that are forgiven and not waiting.
    fn sweep(&self, t: &mut Table, now: Instant) {
        t.swept = now;
        let mut freed = 0;
        t.map.retain(|k, e| {
            let keep = Self::waiting(e, now).is_some() || self.counted(e, now) > 0;
            if !keep {
                freed += k.len() + ENTRY_OVERHEAD;
            }
            keep
        });
        t.bytes -= freed;
    }

    /// Makes room for one more key of `len` bytes: sweeps, then evicts the least telling
    /// quarter (not waiting, fewest failures, oldest) if still full.
    fn make_room(&self, t: &mut Table, now: Instant, len: usize) {
        let full = |t: &Table| {
            t.map.len() >= self.max_entries || t.bytes + len + ENTRY_OVERHEAD > self.max_bytes
        };
        if !full(t) {
            return;
        }
        self.sweep(t, now);
        if !full(t) {
            return;
        }
        let mut ranked: Vec<((bool, u32, Instant), Box<str>)> = t
            .map
            .iter()
            .map(|(k, e)| {
                (
                    (
                        Self::waiting(e, now).is_some(),
                        self.counted(e, now),
                        e.last,
                    ),
                    k.clone(),
                )
            })
            .collect();
        let n = (ranked.len() / 4).max(1);
        ranked.select_nth_unstable_by(n - 1, |a, b| a.0.cmp(&b.0));
        for (_, k) in ranked.into_iter().take(n) {
            t.remove(&k);
        }
    }

    fn count_at(&self, key: &str, allowed: u32, now: Instant, respect_wait: bool) -> Hit {
        let mut t = self.lock();
        if now.saturating_duration_since(t.swept) >= SWEEP_EVERY {
            self.sweep(&mut t, now);
        }
        let k = t.key(key);
        if let Some(e) = t.map.get(&k)
            && respect_wait
            && let Some(w) = Self::waiting(e, now)
        {
            return Hit::Wait(w);
        }
        if !t.map.contains_key(&k) {
            self.make_room(&mut t, now, k.len());
            t.bytes += k.len() + ENTRY_OVERHEAD;
        }
        let previous = t.map.get(&k).copied();
        let failures = previous
            .map_or(0, |e| self.counted(&e, now))
            .saturating_add(1);
        let until = match self.wait_for(failures, allowed.max(1)) {
            Some(w) => Some(now + w),
            None => previous.and_then(|e| e.until),
        };
        t.map.insert(
            k,
            Entry {
                failures,
                last: now,
                until,
            },
        );
        Hit::Counted(failures)
    }

    /// Counts a try on `key` unless it must wait: refused with the time left, or counted (and
    /// made to wait once it has had `allowed` tries).
    pub fn try_count(&self, key: &str, allowed: u32) -> Result<u32, Duration> {
        self.try_count_at(key, allowed, Instant::now())
    }

    fn try_count_at(&self, key: &str, allowed: u32, now: Instant) -> Result<u32, Duration> {
        match self.count_at(key, allowed, now, true) {
            Hit::Counted(n) => Ok(n),
            Hit::Wait(w) => Err(w),
        }
    }

    /// Counts a failure on `key` whether or not it is waiting; returns the failures counted.
    pub fn count(&self, key: &str) -> u32 {
        self.count_at_now(key, Instant::now())
    }

    fn count_at_now(&self, key: &str, now: Instant) -> u32 {
        match self.count_at(key, self.policy.failures_before_wait, now, false) {
            Hit::Counted(n) => n,
            Hit::Wait(_) => 0,
        }
    }

    /// How long `key` must still wait, if it must.
    pub fn wait(&self, key: &str) -> Option<Duration> {
        self.wait_at(key, Instant::now())
    }

    fn wait_at(&self, key: &str, now: Instant) -> Option<Duration> {
        let t = self.lock();
        t.map.get(&t.key(key)).and_then(|e| Self::waiting(e, now))
    }

    /// The failures counted for `key` now.
    pub fn failures(&self, key: &str) -> u32 {
        self.failures_at(key, Instant::now())
    }

    fn failures_at(&self, key: &str, now: Instant) -> u32 {
        let t = self.lock();
        t.map.get(&t.key(key)).map_or(0, |e| self.counted(e, now))
    }

    /// Forgets `key` (after a correct login).
    pub fn clear(&self, key: &str) {
        let mut t = self.lock();
        let k = t.key(key);
        t.remove(&k);
    }

    /// Forgets every key that starts with `prefix`; returns how many there were.
    pub fn clear_prefix(&self, prefix: &str) -> usize {
        let mut t = self.lock();
        let keys: Vec<Box<str>> = t
            .map
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect();
        for k in &keys {
            t.remove(k);
        }
        keys.len()
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the entries take, by the limiter's own accounting.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }
}

enum Hit {
    Counted(u32),
    Wait(Duration),
}

/// The two counters of a login (see the module documentation): per (name, address) pair, which
/// makes a guesser wait, and per address, which only takes the free tries away from a noisy one.
pub struct LoginGuard {
    pairs: Limiter,
    addresses: Limiter,
    noisy_after: u32,
    hold: Duration,
}

/// Why a login try is not even looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MustWait(pub Duration);

impl MustWait {
    /// Whole seconds for `Retry-After`.
    pub fn seconds(self) -> u64 {
        retry_after(self.0)
    }
}

/// Largest number of entries in one counter of a [`LoginGuard`].
pub const GUARD_MAX_ENTRIES: usize = 50_000;
/// Largest size of one counter of a [`LoginGuard`], in bytes (keys and entries).
pub const GUARD_MAX_BYTES: usize = 8 * 1024 * 1024;

impl LoginGuard {
    /// A guard: `pairs` for (name, address) pairs; an address with `noisy_after` failures
    /// (one forgiven per `address_forgive_every`) loses the free tries and has its failures
    /// held for `hold`.
    pub fn new(
        pairs: Policy,
        noisy_after: u32,
        address_forgive_every: Duration,
        hold: Duration,
    ) -> LoginGuard {
        LoginGuard {
            pairs: Limiter::new(pairs, GUARD_MAX_ENTRIES, GUARD_MAX_BYTES),
            addresses: Limiter::new(
                Policy {
                    failures_before_wait: u32::MAX,
                    first_wait: Duration::ZERO,
                    max_wait: Duration::ZERO,
                    forgive_every: address_forgive_every,
                },
                GUARD_MAX_ENTRIES,
                GUARD_MAX_BYTES,
            ),
            noisy_after: noisy_after.max(1),
            hold,
        }
    }

    fn pair_policy(max_failures: u32, lockout: Duration) -> Policy {
        Policy {
            failures_before_wait: max_failures,
            first_wait: FIRST_WAIT.min(lockout),
            max_wait: lockout,
            forgive_every: lockout,
        }
    }

    /// Staff logins: an address is noisy after 30 failures (one forgiven per 20 s), far more
    /// than an office of people mistyping their own passwords.
    pub fn for_staff(max_failures: u32, lockout: Duration) -> LoginGuard {
        Self::new(
            Self::pair_policy(max_failures, lockout),
            30,
            Duration::from_secs(20),
            Duration::from_secs(1),
        )
    }

    /// Candidate logins: a venue's tablets share an address, so it is noisy only after 100
    /// failures (one forgiven per 3 s: a room of 200 mistyping at the start stays well below).
    pub fn for_candidates(max_failures: u32, lockout: Duration) -> LoginGuard {
        Self::new(
            Self::pair_policy(max_failures, lockout),
            100,
            Duration::from_secs(3),
            Duration::from_secs(1),
        )
    }

    fn pair(who: &str, address: &str) -> String {
        format!("{who}@{}", address_key(address))
    }

    /// Counts a try of `who` (an already parsed name, e.g. `ticket:BA202400042X`) from
    /// `address`, or refuses it while that pair must wait.
    pub fn begin(&self, who: &str, address: &str) -> Result<(), MustWait> {
        self.begin_at(who, address, Instant::now())
    }

    fn begin_at(&self, who: &str, address: &str, now: Instant) -> Result<(), MustWait> {
        let noisy = self.addresses.failures_at(&address_key(address), now) >= self.noisy_after;
        let allowed = if noisy {
            1
        } else {
            self.pairs.policy.failures_before_wait
        };
        self.pairs
            .try_count_at(&Self::pair(who, address), allowed, now)
            .map(|_| ())
            .map_err(MustWait)
    }

    /// Records that the try failed; returns how long to hold the answer (only when the address
    /// is noisy).
    pub fn failed(&self, address: &str) -> Duration {
        self.failed_at(address, Instant::now())
    }

    fn failed_at(&self, address: &str, now: Instant) -> Duration {
        if self.addresses.count_at_now(&address_key(address), now) >= self.noisy_after {
            self.hold
        } else {
            Duration::ZERO
        }
    }

    /// Forgets the pair after a correct login.
    pub fn succeeded(&self, who: &str, address: &str) {
        self.pairs.clear(&Self::pair(who, address));
    }

    /// Forgets every pair of `who`, from any address (a proctor's unlock); returns how many.
    pub fn unlock(&self, who: &str) -> usize {
        self.pairs.clear_prefix(&format!("{who}@"))
    }

    /// Entries and bytes held by both counters.
    pub fn footprint(&self) -> (usize, usize) {
        (
            self.pairs.len() + self.addresses.len(),
            self.pairs.bytes() + self.addresses.bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    fn policy(before: u32) -> Policy {
        Policy {
            failures_before_wait: before,
            first_wait: FIRST_WAIT,
            max_wait: 5 * MIN,
            forgive_every: 5 * MIN,
        }
    }

    fn guard() -> LoginGuard {
        LoginGuard::new(
            policy(5),
            100,
            Duration::from_secs(3),
            Duration::from_secs(1),
        )
    }

    #[test]
    fn a_key_waits_after_its_allowed_tries_and_the_wait_doubles_up_to_the_limit() {
        let l = Limiter::new(policy(3), 100, 1 << 20);
        let t0 = Instant::now();
        for _ in 0..2 {
            assert!(l.try_count_at("k", 3, t0).is_ok());
        }
        assert_eq!(l.wait_at("k", t0), None);
        l.try_count_at("k", 3, t0).unwrap();
        assert_eq!(l.try_count_at("k", 3, t0), Err(FIRST_WAIT));
        assert_eq!(l.wait_at("other", t0), None);
        // After the wait: one more try, which waits twice as long.
        let t1 = t0 + FIRST_WAIT;
        l.try_count_at("k", 3, t1).unwrap();
        assert_eq!(l.wait_at("k", t1), Some(2 * FIRST_WAIT));
        let mut t = t1;
        for _ in 0..12 {
            t += l.wait_at("k", t).unwrap_or_default();
            l.try_count_at("k", 3, t).unwrap();
        }
        assert_eq!(l.wait_at("k", t), Some(5 * MIN), "capped");
    }

    #[test]
    fn failures_are_forgiven_one_per_interval_and_forgiven_entries_are_swept() {
        let l = Limiter::new(policy(3), 100, 1 << 20);
        let t0 = Instant::now();
        for _ in 0..3 {
            l.count_at_now("k", t0);
        }
        assert_eq!(l.failures_at("k", t0), 3);
        assert_eq!(l.failures_at("k", t0 + 5 * MIN), 2);
        assert_eq!(l.failures_at("k", t0 + 15 * MIN), 0);
        assert_eq!(l.len(), 1);
        // Any call after the sweep interval sweeps out what is forgiven.
        l.count_at_now("other", t0 + 16 * MIN);
        assert_eq!(l.len(), 1, "the forgiven key is gone, the new one stays");
        assert_eq!(l.bytes(), "other".len() + ENTRY_OVERHEAD);
    }

    #[test]
    fn a_long_key_is_stored_as_a_short_digest() {
        let l = Limiter::new(policy(3), 100, 1 << 20);
        let huge = "x".repeat(1 << 20);
        let now = Instant::now();
        l.count_at_now(&huge, now);
        l.count_at_now(&huge, now);
        assert_eq!(l.failures_at(&huge, now), 2);
        assert_eq!(l.len(), 1);
        assert!(l.bytes() <= MAX_KEY_BYTES + ENTRY_OVERHEAD);
        let mut other = huge.clone();
        other.push('y');
        assert_eq!(l.failures_at(&other, now), 0);
    }

    #[test]
    fn the_table_never_grows_past_its_entries_or_bytes_and_keeps_waiting_keys() {
        let l = Limiter::new(policy(3), 1000, 64 * 1024);
        let now = Instant::now();
        for _ in 0..3 {
            l.try_count_at("guesser", 3, now).unwrap();
        }
        for i in 0..100_000 {
            l.count_at_now(&format!("flood-{i:06}-{}", "z".repeat(80)), now);
            assert!(l.len() <= 1000);
            assert!(l.bytes() <= 64 * 1024);
        }
        assert!(
            l.wait_at("guesser", now).is_some(),
            "the waiting key was not evicted"
        );
    }

    #[test]
    fn clearing_a_prefix_forgets_only_those_keys() {
        let l = Limiter::new(policy(3), 100, 1 << 20);
        let now = Instant::now();
        for k in [
            "ticket:A1@1.2.3.4",
            "ticket:A1@5.6.7.8",
            "ticket:A10@1.2.3.4",
        ] {
            l.count_at_now(k, now);
        }
        assert_eq!(l.clear_prefix("ticket:A1@"), 2);
        assert_eq!(l.len(), 1);
    }

    #[test]
    fn a_guesser_waits_but_the_same_name_from_another_address_does_not() {
        let g = guard();
        let now = Instant::now();
        for _ in 0..5 {
            g.begin_at("ticket:T1", "10.0.0.9", now).unwrap();
            g.failed_at("10.0.0.9", now);
        }
        assert!(g.begin_at("ticket:T1", "10.0.0.9", now).is_err());
        assert!(g.begin_at("ticket:T1", "10.0.0.1", now).is_ok());
        g.succeeded("ticket:T1", "10.0.0.1");
        assert!(g.begin_at("ticket:T1", "10.0.0.9", now).is_err());
    }

    #[test]
    fn a_noisy_address_is_never_refused_outright_but_loses_its_free_tries() {
        let g = guard();
        let now = Instant::now();
        for i in 0..100 {
            let who = format!("ticket:S{i}");
            g.begin_at(&who, "10.0.0.9", now).unwrap();
            g.failed_at("10.0.0.9", now);
        }
        // A new name from the same address is still looked at (the genuine candidate gets in)...
        g.begin_at("ticket:NEW", "10.0.0.9", now).unwrap();
        assert_eq!(g.failed_at("10.0.0.9", now), Duration::from_secs(1));
        // ...but after one failure it waits, and an untouched name is still looked at.
        assert!(g.begin_at("ticket:NEW", "10.0.0.9", now).is_err());
        assert!(g.begin_at("ticket:OTHER", "10.0.0.9", now).is_ok());
        // A quiet address keeps its free tries.
        for _ in 0..4 {
            g.begin_at("ticket:NEW", "10.0.0.1", now).unwrap();
        }
    }

    #[test]
    fn an_unlock_clears_every_pair_of_the_name() {
        let g = guard();
        let now = Instant::now();
        for addr in ["10.0.0.9", "10.0.0.8"] {
            for _ in 0..5 {
                g.begin_at("ticket:T1", addr, now).unwrap();
            }
        }
        assert!(g.begin_at("ticket:T1", "10.0.0.9", now).is_err());
        assert_eq!(g.unlock("ticket:T1"), 2);
        assert!(g.begin_at("ticket:T1", "10.0.0.9", now).is_ok());
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_and_mapped_v4_as_v4() {
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1"),
            address_key("2001:db8:1:2:bbbb::2")
        );
        assert_ne!(
            address_key("2001:db8:1:2::1"),
            address_key("2001:db8:1:3::1")
        );
        assert_eq!(address_key("::ffff:10.1.2.3"), "10.1.2.3");
        assert_eq!(address_key("10.1.2.3"), "10.1.2.3");
        assert_eq!(address_key(&"9".repeat(1000)), "unknown");
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after(Duration::from_millis(1)), 1);
        assert_eq!(retry_after(Duration::from_millis(4001)), 5);
        assert_eq!(retry_after(Duration::from_secs(5)), 5);
        assert_eq!(retry_after(Duration::ZERO), 1);
    }
}
