//! The scoreboard live: one feed per watched competition computes the public board ONCE per
//! change and hands the same bytes to every viewer (2,000 viewers are one database read, not
//! 2,000). A feed wakes on the bus (`ChangeKind::Board`), at a freeze time still to come, and
//! every few seconds as a fallback; it sends only when the bytes differ, so a change made while
//! the board is frozen sends nothing at all (not even a repeat that would say "something
//! happened"). A timer takes each snapshot at its freeze time even when nobody watches.
//!
//! The stream: `event: board`, `id:` the bytes' entity tag, `data:` the JSON (the same bytes as
//! `GET /api/board/{code}`), then the same after each change; a constant `: ping` comment every
//! 15 s from the moment of connecting. Nothing in it depends on the clock or on other viewers.

use super::CompetitionId;
use super::scoreboard;
use super::scoreboard_rules::etag;
use crate::live::{Bus, ChangeKind};
use actix_web::web::Bytes;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::{Notify, broadcast, watch};

/// The keep-alive comment's period.
const PING_EVERY: Duration = Duration::from_secs(15);
/// A feed re-reads its board this often even without a change on the bus (a lost NOTIFY, a
/// correction of a locked mark).
const FALLBACK_EVERY: Duration = Duration::from_secs(10);
/// The freeze timer looks again at least this often (a freeze set on another instance).
const TIMER_EVERY: Duration = Duration::from_secs(30);
/// Viewers one instance serves at most; beyond, a viewer is asked to retry (503).
pub const MAX_VIEWERS: usize = 20_000;

struct Feed {
    tx: watch::Sender<Option<Bytes>>,
}

/// The boards' live feeds of this instance.
pub struct BoardHub {
    bus: Bus,
    feeds: Mutex<HashMap<i32, Weak<Feed>>>,
    viewers: Arc<AtomicUsize>,
    timer: Notify,
}

/// The SSE frame of a board's bytes.
pub fn frame(bytes: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(bytes.len() + 64);
    out.extend_from_slice(b"event: board\nid: ");
    out.extend_from_slice(etag(bytes).trim_matches('"').as_bytes());
    out.extend_from_slice(b"\ndata: ");
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

struct Viewer(Arc<AtomicUsize>);

impl Drop for Viewer {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl BoardHub {
    /// A hub on the bus.
    pub fn new(bus: Bus) -> BoardHub {
        BoardHub {
            bus,
            feeds: Mutex::new(HashMap::new()),
            viewers: Arc::new(AtomicUsize::new(0)),
            timer: Notify::new(),
        }
    }

    /// Tells every instance's viewers of this competition's board that something changed
    /// (after the commit). Never fails the caller.
    pub async fn changed(&self, competition: i32) {
        self.bus
            .publish(0, vec![], ChangeKind::Board(competition))
            .await;
        self.timer.notify_one();
    }

    /// Tells the board of the competition whose final runs in this practical session, if any.
    pub async fn changed_session(&self, db: &DatabaseConnection, session: i32) {
        match scoreboard::of_session(db, session).await {
            Ok(Some(c)) => self.changed(c).await,
            Ok(None) => {}
            Err(e) => tracing::warn!("board of session {session}: {e}"),
        }
    }

    /// Tells the board of an event's competition (results published).
    pub async fn changed_event(&self, db: &DatabaseConnection, event: super::EventId) {
        match scoreboard::of_event(db, event).await {
            Ok(Some(c)) => self.changed(c).await,
            Ok(None) => {}
            Err(e) => tracing::warn!("board of event {}: {e}", event.0),
        }
    }

    fn feed(self: &Arc<Self>, db: &DatabaseConnection, cid: i32) -> Arc<Feed> {
        let mut feeds = self.feeds.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = feeds.get(&cid).and_then(Weak::upgrade) {
            return f;
        }
        let (tx, _) = watch::channel(None);
        let f = Arc::new(Feed { tx });
        feeds.insert(cid, Arc::downgrade(&f));
        tokio::spawn(run_feed(db.clone(), self.clone(), cid, Arc::downgrade(&f)));
        f
    }

    /// The SSE stream of a competition's public board, or 503 when the instance is full.
    pub fn watch(
        self: &Arc<Self>,
        db: &DatabaseConnection,
        cid: CompetitionId,
    ) -> crate::error::AppResult<
        impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> + use<>,
    > {
        if self.viewers.fetch_add(1, Ordering::Relaxed) >= MAX_VIEWERS {
            self.viewers.fetch_sub(1, Ordering::Relaxed);
            return Err(crate::error::AppError::unavailable(
                crate::db::Unavailable::Busy,
                "too many board viewers on this instance",
            ));
        }
        let viewer = Viewer(self.viewers.clone());
        let feed = self.feed(db, cid.0);
        let rx = feed.tx.subscribe();
        let ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
        Ok(futures_util::stream::unfold(
            (true, rx, ping, feed, viewer),
            |(first, mut rx, mut ping, feed, viewer)| async move {
                if first {
                    let b = rx.wait_for(Option::is_some).await.ok()?.clone();
                    let b = b?;
                    return Some((Ok(b), (false, rx, ping, feed, viewer)));
                }
                loop {
                    tokio::select! {
                        r = rx.changed() => {
                            r.ok()?;
                            let now = rx.borrow_and_update().clone();
                            if let Some(b) = now {
                                return Some((Ok(b), (false, rx, ping, feed, viewer)));
                            }
                        }
                        _ = ping.tick() => return Some((Ok(Bytes::from_static(b": ping\n\n")), (false, rx, ping, feed, viewer))),
                    }
                }
            },
        ))
    }

    /// Viewers connected now.
    pub fn viewers(&self) -> usize {
        self.viewers.load(Ordering::Relaxed)
    }

    /// Starts the freeze timer: at each freeze time it takes the snapshot (as of that time) and
    /// tells the board's viewers.
    pub fn start_timer(self: &Arc<Self>, db: DatabaseConnection) {
        let hub = self.clone();
        tokio::spawn(async move {
            loop {
                let wait = match due(&db, &hub).await {
                    Ok(w) => w,
                    Err(e) => {
                        tracing::warn!("board freeze timer: {e}");
                        TIMER_EVERY
                    }
                };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = hub.timer.notified() => {}
                }
            }
        });
    }
}

/// Takes the snapshots that are due; says how long until the next freeze time.
async fn due(db: &DatabaseConnection, hub: &BoardHub) -> crate::error::AppResult<Duration> {
    let now = Utc::now();
    let rows = db
        .query_all_raw(crate::db::stmt(
            db,
            "SELECT competition_id, freeze_at FROM competition_boards \
             WHERE freeze_at IS NOT NULL AND snapshot IS NULL",
            [],
        ))
        .await?;
    let mut wait = TIMER_EVERY;
    for r in rows {
        let cid: i32 = r.try_get("", "competition_id")?;
        let at: chrono::DateTime<Utc> = r.try_get("", "freeze_at")?;
        if at <= now {
            scoreboard::public_bytes(db, CompetitionId(cid), now).await?;
            hub.bus.publish(0, vec![], ChangeKind::Board(cid)).await;
        } else {
            wait = wait.min((at - now).to_std().unwrap_or_default());
        }
    }
    Ok(wait)
}

async fn run_feed(db: DatabaseConnection, hub: Arc<BoardHub>, cid: i32, feed: Weak<Feed>) {
    let mut bus = hub.bus.subscribe();
    let mut last: Option<Bytes> = None;
    loop {
        let Some(f) = feed.upgrade() else {
            break;
        };
        let deadline = match scoreboard::public_bytes(&db, CompetitionId(cid), Utc::now()).await {
            Ok((bytes, deadline)) => {
                let fr = frame(&bytes);
                if last.as_ref() != Some(&fr) {
                    last = Some(fr.clone());
                    f.tx.send_replace(Some(fr));
                }
                deadline
            }
            Err(e) => {
                tracing::warn!("board of competition {cid}: {e}");
                None
            }
        };
        drop(f);
        let until = deadline
            .and_then(|d| (d - Utc::now()).to_std().ok())
            .map_or(FALLBACK_EVERY, |d| d.min(FALLBACK_EVERY));
        let sleep = tokio::time::sleep(until);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                m = bus.recv() => match m {
                    Ok(c) if c.kind == ChangeKind::Board(cid) => break,
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = &mut sleep => break,
            }
        }
        // Changes that came together are one recompute.
        while bus.try_recv().is_ok() {}
    }
    let mut feeds = hub.feeds.lock().unwrap_or_else(|p| p.into_inner());
    if feeds.get(&cid).is_some_and(|w| w.upgrade().is_none()) {
        feeds.remove(&cid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_the_bytes_with_their_tag_as_the_event_id() {
        let f = frame(br#"{"a":1}"#);
        let text = std::str::from_utf8(&f).unwrap();
        assert!(text.starts_with("event: board\nid: "));
        assert!(text.ends_with("\ndata: {\"a\":1}\n\n"));
        assert_eq!(f, frame(br#"{"a":1}"#));
        assert_ne!(f, frame(br#"{"a":2}"#));
    }
}
