//! The watchers: proctors on the live room view, timing each window blur from its send to the
//! frame whose tile counts it.

use crate::http::{status_label, transport_label};
use crate::plan::{BLUR_RING, Plan, Shared};
use crate::sse::{Sse, SseEvent};
use chrono::Utc;
use reqwest::{Client, StatusCode};
use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The frame fields a watcher reads; the rest is skipped without being built.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum FrameField {
    ServerTimeMs,
    PublishedAtMs,
    Tiles,
    #[serde(other)]
    Other,
}

/// The tile fields a watcher reads, borrowed from the frame.
#[derive(Deserialize)]
struct TileRef<'a> {
    #[serde(borrow)]
    pub(crate) ticket: Cow<'a, str>,
    #[serde(default)]
    pub(crate) attempt_id: Option<i64>,
    #[serde(default)]
    pub(crate) focus_losses: i64,
}

/// What one watcher saw.
pub(crate) struct WatchState {
    /// The server this watcher is on (an index into the bases).
    pub(crate) base: usize,
    /// Blurs seen this late or never count as lost.
    pub(crate) lost_after: Duration,
    /// Set once the first frame gave each candidate's focus losses before the run.
    pub(crate) have_baseline: bool,
    pub(crate) baseline: Vec<i64>,
    /// Blurs of this run seen per candidate.
    pub(crate) seen: Vec<u32>,
    /// Delivery latencies (µs) of blurs sent through the same server as this watcher's, and
    /// through another one.
    pub(crate) same: Vec<u32>,
    pub(crate) cross: Vec<u32>,
    /// Blurs seen only after `lost_after` (or so late their send time was forgotten).
    pub(crate) late: u64,
    /// Increases beyond what was sent (a miscounted baseline, or someone else's events).
    pub(crate) unexpected: u64,
    /// Frames (events with data), tiles in them, frames that did not parse.
    pub(crate) frames: u64,
    pub(crate) tiles: u64,
    pub(crate) bad_frames: u64,
    /// Per `tiles` frame: the server's time from the oldest change in it to the frame
    /// (`server_time_ms − published_at_ms`), and from the frame to its arrival here, in ms;
    /// only for frames that arrive from `timed_from` on (before it, frames wait unread).
    pub(crate) build_ms: Vec<i32>,
    pub(crate) transit_ms: Vec<i32>,
    pub(crate) timed_from: Option<Instant>,
}

impl WatchState {
    pub(crate) fn new(base: usize, candidates: usize, lost_after: Duration) -> WatchState {
        WatchState {
            base,
            lost_after,
            have_baseline: false,
            baseline: vec![0; candidates],
            seen: vec![0; candidates],
            same: Vec::new(),
            cross: Vec::new(),
            late: 0,
            unexpected: 0,
            frames: 0,
            tiles: 0,
            bad_frames: 0,
            build_ms: Vec::new(),
            transit_ms: Vec::new(),
            timed_from: None,
        }
    }

    /// One complete event, which arrived at `now` (`now_ms` by the wall clock).
    pub(crate) fn frame(
        &mut self,
        kind: SseEvent,
        data: &[u8],
        now: Instant,
        now_ms: i64,
        shared: &Shared,
    ) {
        if kind == SseEvent::Other {
            return;
        }
        self.frames += 1;
        let mut de = serde_json::Deserializer::from_slice(data);
        let parsed = serde::Deserializer::deserialize_map(
            &mut de,
            FrameVisitor {
                st: self,
                shared,
                now,
            },
        )
        .and_then(|times| de.end().map(|()| times));
        match parsed {
            Ok((server_ms, published_ms)) => {
                self.have_baseline = true;
                // A snapshot may be a picture kept from earlier: its time says nothing of delivery.
                if kind == SseEvent::Tiles
                    && self.timed_from.is_some_and(|t| now >= t)
                    && let Some(s) = server_ms
                {
                    if let Some(p) = published_ms {
                        self.build_ms.push(clamp_ms(s - p));
                    }
                    self.transit_ms.push(clamp_ms(now_ms - s));
                }
            }
            Err(_) => self.bad_frames += 1,
        }
    }

    /// One tile of a frame: the first frame sets the baseline; later, a rise in focus losses
    /// to `k` delivers the candidate's blurs up to the k-th of this run.
    fn tile(&mut self, t: &TileRef, shared: &Shared, now: Instant) {
        self.tiles += 1;
        let Some(&i) = shared.tickets.get(&*t.ticket) else {
            return;
        };
        let i = i as usize;
        if !self.have_baseline {
            self.baseline[i] = if t.attempt_id.is_some() {
                t.focus_losses
            } else {
                0
            };
            return;
        }
        let k = t.focus_losses - self.baseline[i];
        let seen = i64::from(self.seen[i]);
        if k <= seen {
            return;
        }
        let slot = &shared.blurs[i];
        let sent = i64::from(slot.count.load(Ordering::Acquire));
        for j in seen + 1..=k {
            if j > sent {
                self.unexpected += 1;
                continue;
            }
            if j + BLUR_RING as i64 <= sent {
                self.late += 1;
                continue;
            }
            let ns = slot.sent_ns[j as usize % BLUR_RING].load(Ordering::Relaxed);
            let latency = now.saturating_duration_since(shared.epoch + Duration::from_nanos(ns));
            if latency > self.lost_after {
                self.late += 1;
            }
            let us = latency.as_micros().min(u128::from(u32::MAX)) as u32;
            if i % shared.bases == self.base {
                self.same.push(us);
            } else {
                self.cross.push(us);
            }
        }
        self.seen[i] = k.min(i64::from(u32::MAX)) as u32;
    }
}

fn clamp_ms(ms: i64) -> i32 {
    ms.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// Walks a frame's fields, handing each tile to the watcher as it is read (no tile vector).
struct FrameVisitor<'s> {
    pub(crate) st: &'s mut WatchState,
    pub(crate) shared: &'s Shared,
    pub(crate) now: Instant,
}

impl<'de> Visitor<'de> for FrameVisitor<'_> {
    /// The frame's `server_time_ms` and `published_at_ms`.
    type Value = (Option<i64>, Option<i64>);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a room-view frame")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let FrameVisitor { st, shared, now } = self;
        let (mut server, mut published) = (None, None);
        while let Some(field) = map.next_key::<FrameField>()? {
            match field {
                FrameField::ServerTimeMs => server = map.next_value()?,
                FrameField::PublishedAtMs => published = map.next_value()?,
                FrameField::Tiles => map.next_value_seed(TilesSeed {
                    st: &mut *st,
                    shared,
                    now,
                })?,
                FrameField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((server, published))
    }
}

struct TilesSeed<'s> {
    pub(crate) st: &'s mut WatchState,
    pub(crate) shared: &'s Shared,
    pub(crate) now: Instant,
}

impl<'de> DeserializeSeed<'de> for TilesSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TilesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of tiles")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(t) = seq.next_element::<TileRef<'de>>()? {
            self.st.tile(&t, self.shared, self.now);
        }
        Ok(())
    }
}

/// One proctor's live room view.
pub(crate) struct Watcher {
    pub(crate) url: String,
    /// The open stream, if any.
    pub(crate) resp: Option<reqwest::Response>,
    /// How long one request may last (the whole run).
    pub(crate) stream_timeout: Duration,
    pub(crate) sse: Sse,
    pub(crate) st: WatchState,
    /// Per connection: (ms since t0 of its first frame, µs from the request to it).
    pub(crate) rec: Vec<(u32, u32)>,
    /// Failures after the start: (ms since t0, label).
    pub(crate) errors: Vec<(u32, String)>,
    pub(crate) reconnects: u32,
}

impl Watcher {
    /// Feeds a chunk that arrived at `now`.
    fn feed(&mut self, chunk: &[u8], now: Instant, shared: &Shared) {
        let now_ms = Utc::now().timestamp_millis();
        let st = &mut self.st;
        self.sse.push(chunk, |kind, data| {
            st.frame(kind, data, now, now_ms, shared)
        });
    }

    /// Opens the stream and reads until its first frame (the snapshot; the first one on this
    /// watcher sets the baseline); returns how long that took.
    pub(crate) async fn connect(
        &mut self,
        client: &Client,
        shared: &Shared,
    ) -> Result<Duration, String> {
        let started = Instant::now();
        let resp = client
            .get(&self.url)
            .timeout(self.stream_timeout)
            .send()
            .await
            .map_err(|e| transport_label(&e))?;
        let status = resp.status();
        if status != StatusCode::OK {
            let body = resp.bytes().await.unwrap_or_default();
            return Err(status_label(status, &body));
        }
        // A fresh stream starts with a fresh event.
        self.sse.buf.clear();
        self.sse.scanned = 0;
        self.sse.data.clear();
        self.sse.has_data = false;
        self.sse.event = None;
        let mut resp = resp;
        let frames = self.st.frames;
        let deadline = started + Duration::from_secs(60);
        while self.st.frames == frames {
            let chunk = match tokio::time::timeout_at(deadline.into(), resp.chunk()).await {
                Err(_) => return Err("no snapshot within 60 s".into()),
                Ok(Err(e)) => return Err(transport_label(&e)),
                Ok(Ok(None)) => return Err("stream ended before its snapshot".into()),
                Ok(Ok(Some(c))) => c,
            };
            let now_ms = Utc::now().timestamp_millis();
            let st = &mut self.st;
            self.sse.push(&chunk, |kind, data| {
                st.frame(kind, data, Instant::now(), now_ms, shared)
            });
        }
        self.resp = Some(resp);
        Ok(started.elapsed())
    }

    /// Reads the stream until `stop`, reconnecting (after a second) when it breaks.
    pub(crate) async fn watch(
        mut self,
        shared: Arc<Shared>,
        plan: Arc<Plan>,
        stop: Instant,
    ) -> Watcher {
        self.st.timed_from = Some(plan.t0);
        loop {
            let Some(resp) = self.resp.as_mut() else {
                if Instant::now() + Duration::from_secs(1) >= stop {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                self.reconnects += 1;
                match tokio::time::timeout_at(stop.into(), self.connect(&plan.client, &shared))
                    .await
                {
                    Err(_) => break,
                    Ok(Ok(took)) => self.rec.push((plan.ms(Instant::now()), micros(took))),
                    Ok(Err(label)) => {
                        self.resp = None;
                        self.errors.push((plan.ms(Instant::now()), label));
                    }
                }
                continue;
            };
            match tokio::time::timeout_at(stop.into(), resp.chunk()).await {
                Err(_) => break,
                Ok(Ok(Some(chunk))) => self.feed(&chunk, Instant::now(), &shared),
                Ok(Ok(None)) => {
                    self.resp = None;
                    let at = plan.ms(Instant::now());
                    self.errors.push((at, "stream ended by the server".into()));
                }
                Ok(Err(e)) => {
                    self.resp = None;
                    let at = plan.ms(Instant::now());
                    self.errors.push((at, transport_label(&e)));
                }
            }
        }
        self.resp = None;
        self
    }
}

pub(crate) fn micros(d: Duration) -> u32 {
    d.as_micros().min(u128::from(u32::MAX)) as u32
}
