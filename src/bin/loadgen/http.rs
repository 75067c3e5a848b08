//! The HTTP side every phase shares: the loopback-only base URL, the one client, stable labels
//! for failed requests, and the staff API that setup, the watchers and the import log in with.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, Method, StatusCode, Url};
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

/// Parses `--base` and refuses anything but a loopback host: the generator must never load a
/// machine other than the one it runs on.
pub(crate) fn loopback_base(base: &str) -> Result<String, String> {
    let url = Url::parse(base).map_err(|e| format!("--base {base:?}: {e}"))?;
    if url.scheme() != "http" {
        return Err(format!("--base {base:?}: only http:// is supported"));
    }
    let host = url.host_str().unwrap_or("");
    let ok = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !ok {
        return Err(format!(
            "--base {base:?}: only loopback hosts (127.x.x.x, localhost, [::1]) are allowed"
        ));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(format!(
            "--base {base:?}: give the server root, without a path"
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// The one client every request goes through.
pub(crate) fn client(timeout: Duration, idle: Duration) -> Result<Client, String> {
    Client::builder()
        // An HTTP(S)_PROXY in the environment must not send loopback traffic elsewhere.
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(idle)
        .tcp_nodelay(true)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// A short, stable label for a failed request: `STATUS code` for an HTTP error, `transport: …`
/// otherwise. Labels are counted, so they must not carry per-request details.
pub(crate) fn status_label(status: StatusCode, body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Body {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        code: String,
    }
    let code = serde_json::from_slice::<Body>(body)
        .map(|b| b.error.code)
        .unwrap_or_else(|_| "-".into());
    format!("{} {code}", status.as_u16())
}

pub(crate) fn transport_label(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    };
    // The innermost cause is the informative part ("connection closed before message completed").
    let mut source: &dyn std::error::Error = e;
    while let Some(s) = source.source() {
        source = s;
    }
    let mut msg = source.to_string();
    msg.truncate(msg.floor_char_boundary(80));
    format!("transport {kind}: {msg}")
}

/// A staff session for setup: plain JSON calls with clear messages.
pub(crate) struct StaffApi {
    pub(crate) client: Client,
    pub(crate) base: String,
    pub(crate) token: String,
}

impl StaffApi {
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Result<(StatusCode, Value), String> {
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.base));
        if !self.token.is_empty() {
            req = req.bearer_auth(&self.token);
        }
        if let Some((content_type, bytes)) = body {
            req = req.header(CONTENT_TYPE, content_type).body(bytes);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| format!("{method} {path}: {}", transport_label(&e)))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| format!("{method} {path}: {}", transport_label(&e)))?;
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((status, value))
    }

    pub(crate) async fn json(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<(StatusCode, Value), String> {
        let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
        self.call(method, path, Some(("application/json", bytes)))
            .await
    }

    /// Like [`Self::json`] but any status other than `want` is an error naming the server's code.
    pub(crate) async fn expect(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        want: StatusCode,
    ) -> Result<Value, String> {
        let (status, v) = self.json(method.clone(), path, body).await?;
        if status != want {
            return Err(format!("{method} {path}: {status} {}", error_text(&v)));
        }
        Ok(v)
    }
}

pub(crate) fn error_text(v: &Value) -> String {
    let e = &v["error"];
    format!(
        "{} — {}",
        e["code"].as_str().unwrap_or("?"),
        e["message"].as_str().unwrap_or("")
    )
}
