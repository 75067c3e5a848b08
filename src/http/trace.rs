//! One tracing span per request, so every log line written while a request is handled names it:
//! `request{id=… method=… path=…}`. The id is the caller's `X-Request-Id` when it is a short safe
//! token (a proxy or a load test can then follow its own requests), else a new one; either way it
//! goes back in the response's `X-Request-Id`. When the response head is ready the span gets the
//! status and the latency in milliseconds (for a live stream: until the stream opened), and one
//! event is logged in it: at debug level for successes (an exam's autosaves would flood the log),
//! info for 4xx, warn for 5xx. The path is logged without its query, which may hold names.
//!
//! A small middleware of ours rather than `tracing-actix-web`: that crate always makes a new
//! request id (a UUID), neither takes the caller's nor returns it, so we would need a middleware
//! of ours beside it anyway, and we use none of its OpenTelemetry fields.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use std::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

/// The header that carries the request id both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest caller-chosen id we keep (a UUID is 36).
const MAX_ID_LEN: usize = 64;

/// The middleware; wrap the whole app with it, outermost, so that what the inner middleware
/// answers by itself (the edge's refusals) is traced too.
pub async fn request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_safe_id(v))
        .map(str::to_owned)
        .unwrap_or_else(new_id);
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.path(),
        status = Empty,
        ms = Empty,
    );
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    // An inner service that failed instead of answering (the edge, for a body cut off) leaves
    // the response to actix, with no request to attach it to, so that one carries no id header.
    let status = match &result {
        Ok(res) => res.status(),
        Err(e) => e.as_response_error().status_code(),
    }
    .as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    span.record("status", status);
    span.record("ms", format_args!("{ms:.1}"));
    span.in_scope(|| match status {
        500.. => tracing::warn!("request failed"),
        400..500 => tracing::info!("request refused"),
        _ => tracing::debug!("request done"),
    });
    let mut res = result?;
    // The id is a safe token (checked, or ours), so this cannot fail; were it to, no header is
    // better than a panic.
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    Ok(res)
}

/// A caller's id is used only when it cannot break a log line or a header: 1 to 64 letters,
/// digits, `-`, `_` or `.`.
fn is_safe_id(v: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// 64 random bits in hex: enough to tell apart the requests of any one log.
fn new_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_token_from_the_caller_is_kept() {
        assert!(is_safe_id("3f2c9a1e-7b4d-4c1a-9e8f-0a1b2c3d4e5f"));
        assert!(is_safe_id("loadgen.42_a"));
    }

    #[test]
    fn an_id_that_could_forge_a_log_line_or_is_too_long_is_replaced() {
        assert!(!is_safe_id(""));
        assert!(!is_safe_id("a b"));
        assert!(!is_safe_id("a\"b"));
        assert!(!is_safe_id("x}: forged"));
        assert!(!is_safe_id(&"a".repeat(MAX_ID_LEN + 1)));
    }

    async fn answer(sent: Option<&str>) -> Option<String> {
        use actix_web::{App, HttpResponse, test, web};
        let app = test::init_service(
            App::new()
                .wrap(actix_web::middleware::from_fn(request))
                .route("/", web::get().to(HttpResponse::Ok)),
        )
        .await;
        let mut req = test::TestRequest::get().uri("/");
        if let Some(id) = sent {
            req = req.insert_header((REQUEST_ID, id));
        }
        let res = test::call_service(&app, req.to_request()).await;
        res.headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    #[actix_web::test]
    async fn the_response_carries_the_callers_id_or_a_new_one() {
        assert_eq!(answer(Some("abc-123")).await.as_deref(), Some("abc-123"));
        let replaced = answer(Some("a b")).await.unwrap_or_default();
        assert!(replaced != "a b" && is_safe_id(&replaced));
        let fresh = answer(None).await.unwrap_or_default();
        assert!(is_safe_id(&fresh));
    }

    #[test]
    fn new_ids_are_safe_and_differ() {
        let (a, b) = (new_id(), new_id());
        assert!(is_safe_id(&a) && a.len() == 16);
        assert_ne!(a, b);
    }
}
