//! Live room views. One feed per watched session: a task that listens to the bus, re-reads the
//! tiles of the attempts that changed every 250 ms and the whole session every 2 s, and sends
//! the tiles that differ to every proctor watching, as Server-Sent Events. The feed stops when
//! the last proctor leaves. A tablet gets its own small stream of its attempt's state, so a
//! pause or extra time reaches it at once.

use super::repo;
use super::room::{self, Tile, Totals};
use crate::auth::CandidateAuth;
use crate::exam::attempt::{self, AttemptId, ExamRuntime};
use crate::live::{Bus, Change};
use actix_web::web::Bytes;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::broadcast;

/// How often changed attempts are re-read.
const PARTIAL_EVERY: Duration = Duration::from_millis(250);
/// How often the whole session is re-read (offline and idle come from the passing of time).
const FULL_EVERY: Duration = Duration::from_secs(2);
/// A comment line this often keeps proxies from closing an idle stream.
const PING_EVERY: Duration = Duration::from_secs(15);
/// Live streams one token may hold open at once; opening another closes its oldest.
pub const STREAMS_PER_TOKEN: usize = 4;

/// One SSE frame of a room view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Frame {
    /// The server's clock when the frame was made (Unix ms): the view counts time left and
    /// seconds since the heartbeat on from here.
    pub server_time_ms: i64,
    /// True for a complete picture (the first frame, and after a lag).
    pub full: bool,
    /// Tiles that changed (all of them when `full`).
    pub tiles: Vec<Tile>,
    /// The session's totals after the change.
    pub totals: Totals,
    /// When the oldest change in this frame was published (for delivery-latency figures).
    pub published_at_ms: Option<i64>,
}

/// A watched session's feed.
pub struct Feed {
    tx: broadcast::Sender<Bytes>,
    /// The latest complete picture, for a proctor who joins.
    latest: Mutex<Option<Bytes>>,
}

/// The live views of this instance: the bus and the feeds of watched sessions.
pub struct Live {
    /// The bus changes arrive on.
    pub bus: Bus,
    feeds: Mutex<HashMap<i32, Weak<Feed>>>,
    /// The open streams per token.
    pub streams: Streams,
}

type OpenStreams = HashMap<[u8; 32], Vec<(u64, tokio::sync::oneshot::Sender<()>)>>;

/// The live streams open per token, at most [`STREAMS_PER_TOKEN`] each. Opening one more
/// closes the oldest rather than refusing the new one: a tablet whose Wi-Fi dropped reconnects
/// while the server may not have noticed the old connection is dead yet, and it must get in.
#[derive(Default)]
pub struct Streams {
    open: Arc<Mutex<OpenStreams>>,
    next: std::sync::atomic::AtomicU64,
}

/// A stream's place among its token's streams; dropping it (the stream ends) frees the place.
pub struct StreamSlot {
    open: Arc<Mutex<OpenStreams>>,
    key: [u8; 32],
    id: u64,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(list) = open.get_mut(&self.key) {
            list.retain(|(id, _)| *id != self.id);
            if list.is_empty() {
                open.remove(&self.key);
            }
        }
    }
}

impl Streams {
    /// Wraps a stream opened with `token`: it ends when it is the oldest of the token's streams
    /// and another one opens beyond the limit.
    pub fn limit<S>(
        &self,
        token: &str,
        stream: S,
    ) -> impl futures_util::Stream<Item = S::Item> + use<S>
    where
        S: futures_util::Stream,
    {
        use futures_util::StreamExt;
        use sha2::{Digest, Sha256};
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let id = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        {
            let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
            let list = open.entry(key).or_default();
            list.push((id, tx));
            while list.len() > STREAMS_PER_TOKEN {
                // Dropping the sender ends that stream.
                list.remove(0);
            }
        }
        let slot = StreamSlot {
            open: self.open.clone(),
            key,
            id,
        };
        stream.take_until(rx).map(move |item| {
            let _held = &slot;
            item
        })
    }
}

fn sse(event: &str, data: &str) -> Bytes {
    Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}

impl Live {
    /// A live hub on a bus.
    pub fn new(bus: Bus) -> Live {
        Live {
            bus,
            feeds: Mutex::new(HashMap::new()),
            streams: Streams::default(),
        }
    }

    /// The feed of a session, starting it if nobody watches it yet.
    fn feed(self: &Arc<Self>, db: &DatabaseConnection, session: i32) -> Arc<Feed> {
        let mut feeds = self.feeds.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = feeds.get(&session).and_then(Weak::upgrade) {
            return f;
        }
        let (tx, _) = broadcast::channel(256);
        let f = Arc::new(Feed {
            tx,
            latest: Mutex::new(None),
        });
        feeds.insert(session, Arc::downgrade(&f));
        tokio::spawn(run_feed(
            db.clone(),
            self.clone(),
            session,
            Arc::downgrade(&f),
        ));
        f
    }

    /// The SSE stream of a session's room view: a full frame first, then changes.
    pub async fn watch(
        self: &Arc<Self>,
        db: &DatabaseConnection,
        session: i32,
    ) -> crate::error::AppResult<
        impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> + use<>,
    > {
        let feed = self.feed(db, session);
        let rx = feed.tx.subscribe();
        let first = {
            let latest = feed
                .latest
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            match latest {
                Some(b) => b,
                None => {
                    let (tiles, totals) = full(db, session).await?;
                    frame_bytes(&tiles, totals, true, None)
                }
            }
        };
        Ok(stream(feed, rx, first))
    }
}

fn frame_bytes(tiles: &[Tile], totals: Totals, full: bool, published: Option<i64>) -> Bytes {
    let f = Frame {
        server_time_ms: chrono::Utc::now().timestamp_millis(),
        full,
        tiles: tiles.to_vec(),
        totals,
        published_at_ms: published,
    };
    sse(
        if full { "snapshot" } else { "tiles" },
        &serde_json::to_string(&f).unwrap_or_default(),
    )
}

/// Tiles of the whole session.
pub async fn full(
    db: &DatabaseConnection,
    session: i32,
) -> crate::error::AppResult<(Vec<Tile>, Totals)> {
    let now = chrono::Utc::now().timestamp_millis();
    let tiles: Vec<Tile> = repo::rows(db, session, None)
        .await?
        .iter()
        .map(|r| room::tile(r, now))
        .collect();
    let totals = room::totals(&tiles);
    Ok((tiles, totals))
}

fn stream(
    feed: Arc<Feed>,
    rx: broadcast::Receiver<Bytes>,
    first: Bytes,
) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
    let ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    futures_util::stream::unfold(
        (Some(first), rx, ping, feed),
        |(first, mut rx, mut ping, feed)| async move {
            if let Some(b) = first {
                return Some((Ok(b), (None, rx, ping, feed)));
            }
            loop {
                tokio::select! {
                    m = rx.recv() => match m {
                        Ok(b) => return Some((Ok(b), (None, rx, ping, feed))),
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            // Behind: start again from the latest complete picture.
                            let latest = feed.latest.lock().unwrap_or_else(|p| p.into_inner()).clone();
                            if let Some(b) = latest {
                                return Some((Ok(b), (None, rx, ping, feed)));
                            }
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = ping.tick() => return Some((Ok(Bytes::from_static(b": ping\n\n")), (None, rx, ping, feed))),
                }
            }
        },
    )
}

/// Tile fields that change by themselves with the clock are left out when deciding whether a
/// tile changed; the view counts them on from the frame's server time.
fn same(a: &Tile, b: &Tile) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    a.remaining_seconds = a.remaining_seconds.map(|_| 0);
    b.remaining_seconds = b.remaining_seconds.map(|_| 0);
    a.since_heartbeat = a.since_heartbeat.map(|_| 0);
    b.since_heartbeat = b.since_heartbeat.map(|_| 0);
    a == b
}

async fn run_feed(db: DatabaseConnection, live: Arc<Live>, session: i32, feed: Weak<Feed>) {
    let mut bus = live.bus.subscribe();
    let mut tiles: HashMap<i32, Tile> = HashMap::new();
    let mut pending: HashSet<i32> = HashSet::new();
    let mut oldest: Option<i64> = None;
    let mut partial = tokio::time::interval(PARTIAL_EVERY);
    let mut whole = tokio::time::interval(FULL_EVERY);
    partial.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    whole.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut need_full = true;
    loop {
        let Some(f) = feed.upgrade() else {
            break;
        };
        tokio::select! {
            m = bus.recv() => match m {
                Ok(Change { session: s, attempts, at_ms, .. }) if s == session => {
                    if attempts.is_empty() { need_full = true; } else { pending.extend(attempts); }
                    oldest = Some(oldest.map_or(at_ms, |o: i64| o.min(at_ms)));
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => need_full = true,
                Err(broadcast::error::RecvError::Closed) => break,
            },
            _ = partial.tick() => {
                if need_full || pending.is_empty() { continue; }
                let ids: Vec<i32> = pending.drain().collect();
                let now = chrono::Utc::now().timestamp_millis();
                match repo::rows(&db, session, Some(&ids)).await {
                    Ok(rows) => {
                        let changed: Vec<Tile> = rows.iter().map(|r| room::tile(r, now)).collect();
                        for t in &changed { tiles.insert(t.candidate_id, t.clone()); }
                        let all: Vec<Tile> = tiles.values().cloned().collect();
                        let _ = f.tx.send(frame_bytes(&changed, room::totals(&all), false, oldest.take()));
                    }
                    Err(e) => { tracing::warn!("room view of session {session}: {e}"); need_full = true; }
                }
            },
            _ = whole.tick() => need_full = true,
        }
        if need_full {
            need_full = false;
            pending.clear();
            match full(&db, session).await {
                Ok((all, totals)) => {
                    let first = tiles.is_empty();
                    let changed: Vec<Tile> = all
                        .iter()
                        .filter(|t| tiles.get(&t.candidate_id).is_none_or(|old| !same(old, t)))
                        .cloned()
                        .collect();
                    tiles = all.iter().map(|t| (t.candidate_id, t.clone())).collect();
                    let snapshot = frame_bytes(&all, totals.clone(), true, None);
                    *f.latest.lock().unwrap_or_else(|p| p.into_inner()) = Some(snapshot);
                    if first || !changed.is_empty() || oldest.is_some() {
                        let _ =
                            f.tx.send(frame_bytes(&changed, totals, false, oldest.take()));
                    }
                }
                Err(e) => tracing::warn!("room view of session {session}: {e}"),
            }
        }
    }
    let mut feeds = live.feeds.lock().unwrap_or_else(|p| p.into_inner());
    if feeds.get(&session).is_some_and(|w| w.upgrade().is_none()) {
        feeds.remove(&session);
    }
}

/// The SSE stream of one attempt for its tablet: its state (status, time) now and after every
/// change that concerns it (pause, extra time, submission, another device taking over).
pub fn attempt_stream(
    db: DatabaseConnection,
    exams: Arc<ExamRuntime>,
    auth: CandidateAuth,
) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
    let rx = exams.bus.subscribe();
    let ping = tokio::time::interval(PING_EVERY);
    futures_util::stream::unfold(
        (true, rx, ping, (db, exams), auth),
        |(first, mut rx, mut ping, rt, auth)| async move {
            let id = AttemptId(auth.attempt_id);
            let mut send_state = first;
            loop {
                if send_state {
                    let data = match attempt::clock_state(&rt.0, &rt.1, &auth, id).await {
                        Ok(s) => sse("state", &serde_json::to_string(&s).unwrap_or_default()),
                        Err(e) if e.code == "taken_over" => sse("taken_over", "{}"),
                        Err(_) => return None,
                    };
                    return Some((Ok(data), (false, rx, ping, rt, auth)));
                }
                tokio::select! {
                    m = rx.recv() => match m {
                        Ok(c) if c.attempts.contains(&auth.attempt_id) && c.kind != "saved" && c.kind != "event" => send_state = true,
                        Ok(_) => {}
                        Err(broadcast::error::RecvError::Lagged(_)) => send_state = true,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = ping.tick() => return Some((Ok(Bytes::from_static(b": ping\n\n")), (false, rx, ping, rt, auth))),
                }
            }
        },
    )
}
