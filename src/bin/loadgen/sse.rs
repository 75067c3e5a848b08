//! An incremental Server-Sent Events parser for the live room view.

/// The kinds of Server-Sent Events the room view sends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SseEvent {
    /// Every tile (the first frame, and again after the stream fell behind).
    Snapshot,
    /// The tiles that changed.
    Tiles,
    /// Anything else (ignored).
    Other,
}

/// Longest event line kept (a snapshot of 99,999 tiles is about 40 MB); a longer one is dropped.
const MAX_SSE_LINE: usize = 64 << 20;

/// An incremental Server-Sent Events parser: chunks in, complete events out, with buffers that
/// are reused from one event to the next.
#[derive(Default)]
pub(crate) struct Sse {
    /// Received bytes not yet parsed (the start of an incomplete line).
    pub(crate) buf: Vec<u8>,
    /// `buf[..scanned]` holds no newline.
    pub(crate) scanned: usize,
    /// The current event's name and data.
    pub(crate) event: Option<SseEvent>,
    pub(crate) data: Vec<u8>,
    pub(crate) has_data: bool,
    /// Every byte received, and the comment lines (keep-alives) among them.
    pub(crate) bytes: u64,
    pub(crate) comments: u64,
    /// Lines dropped for being too long.
    pub(crate) dropped: u64,
}

impl Sse {
    /// Feeds a chunk; calls `on_event` with each event it completes.
    pub(crate) fn push(&mut self, chunk: &[u8], mut on_event: impl FnMut(SseEvent, &[u8])) {
        self.bytes += chunk.len() as u64;
        self.buf.extend_from_slice(chunk);
        let mut start = 0;
        let mut from = self.scanned;
        while let Some(p) = self.buf[from..].iter().position(|&b| b == b'\n') {
            let end = from + p;
            let mut line = &self.buf[start..end];
            if let Some(l) = line.strip_suffix(b"\r") {
                line = l;
            }
            if line.is_empty() {
                if self.has_data {
                    on_event(self.event.unwrap_or(SseEvent::Other), &self.data);
                }
                self.data.clear();
                self.has_data = false;
                self.event = None;
            } else if line[0] == b':' {
                self.comments += 1;
            } else {
                let (field, value) = match line.iter().position(|&b| b == b':') {
                    Some(c) => {
                        let v = &line[c + 1..];
                        (&line[..c], v.strip_prefix(b" ").unwrap_or(v))
                    }
                    None => (line, &[][..]),
                };
                match field {
                    b"event" => {
                        self.event = Some(match value {
                            b"snapshot" => SseEvent::Snapshot,
                            b"tiles" => SseEvent::Tiles,
                            _ => SseEvent::Other,
                        });
                    }
                    b"data" => {
                        if self.has_data {
                            self.data.push(b'\n');
                        }
                        self.data.extend_from_slice(value);
                        self.has_data = true;
                    }
                    _ => {}
                }
            }
            start = end + 1;
            from = start;
        }
        self.buf.drain(..start);
        if self.buf.len() > MAX_SSE_LINE {
            self.buf.clear();
            self.dropped += 1;
        }
        self.scanned = self.buf.len();
    }
}
