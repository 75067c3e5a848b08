//! A reader of Server-Sent Events: the proctor's room view and the tablet's live stream.

use reqwest::{Response, StatusCode};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Reads Server-Sent Events from a response.
pub struct Sse {
    resp: Response,
    buf: String,
}

impl Sse {
    /// Opens a stream; panics unless it is answered 200 as an event stream.
    pub async fn open(url: &str) -> Sse {
        let resp = reqwest::Client::new().get(url).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{url}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Sse::reading(resp)
    }

    /// Reads a response the test has already checked (or means not to).
    pub fn reading(resp: Response) -> Sse {
        Sse {
            resp,
            buf: String::new(),
        }
    }

    /// The next event (name, JSON data), skipping comments; panics after `within`.
    pub async fn next(&mut self, within: Duration) -> (String, Value) {
        let deadline = Instant::now() + within;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(n) = line.strip_prefix("event: ") {
                        name = n.to_string();
                    } else if let Some(d) = line.strip_prefix("data: ") {
                        data.push_str(d);
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return (name, serde_json::from_str(&data).unwrap());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let chunk = tokio::time::timeout(left, self.resp.chunk())
                .await
                .expect("an event within the time allowed")
                .unwrap()
                .expect("the stream stays open");
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The JSON data of the next event, whatever its name.
    pub async fn next_data(&mut self, within: Duration) -> Value {
        self.next(within).await.1
    }

    /// True when the server ends the stream within `within` (whatever it sends before).
    pub async fn ends_within(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.resp.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(_))) => continue,
                Ok(Ok(None)) | Ok(Err(_)) => return true,
            }
        }
    }

    /// Waits for a tiles frame whose tile for `attempt` satisfies `ok`; returns it.
    pub async fn tile_where(
        &mut self,
        attempt: i64,
        within: Duration,
        ok: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (_, frame) = self.next(left).await;
            if let Some(t) = frame["tiles"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["attempt_id"] == attempt && ok(t))
            {
                return t.clone();
            }
        }
    }
}
