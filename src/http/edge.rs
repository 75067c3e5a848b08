//! The edge every request passes before its handler, so that no handler has to remember it:
//!
//! - text in the decoded path, the query string and every string and key of a JSON body is
//!   checked for control characters ([`crate::input`]), refused with 422 `control_character`;
//! - a request body must keep arriving: after a grace period it must average a minimum rate,
//!   or it is cut off with 408 `body_timeout` (actix's own timeouts cover the head only);
//! - every error under `/api/` leaves as the JSON error body, also the ones actix writes itself
//!   (405 without a route, 413 of a raw body, extractor errors without a handler).

use crate::error::{AppError, ErrorCode};
use crate::input::{self, Found};
use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

/// Largest JSON body, checked here and by the JSON extractor.
pub const JSON_LIMIT: usize = 1024 * 1024;
/// After the grace period a body must have averaged at least this many bytes a second.
const MIN_BODY_RATE: f64 = 16.0 * 1024.0;

/// How the edge behaves (from the config).
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    /// Seconds any body may take before the minimum rate applies.
    pub body_grace: Duration,
}

/// The middleware; wrap the whole app with it.
pub async fn check(
    edge: Edge,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let api = is_api(req.path());
    if let Some(e) = uri_control_character(&req) {
        return Ok(req.error_response(e));
    }
    let timed_out = Rc::new(Cell::new(false));
    if has_body(&req) {
        let timed = Timed::new(req.take_payload(), edge.body_grace, timed_out.clone());
        if is_json(&req) {
            match buffer_json(timed).await {
                Buffered::Whole(bytes) => {
                    if let Some(found) = input::json_may_hold_forbidden(&bytes)
                        .then(|| serde_json::from_slice(&bytes).ok())
                        .flatten()
                        .and_then(|v| input::find_in_json(&v))
                    {
                        return Ok(req.error_response(control_error("the JSON body", &found)));
                    }
                    req.set_payload(Payload::from(bytes));
                }
                // Over the JSON limit: passed on unread, the extractor refuses it with 413.
                Buffered::Partial(rest) => req.set_payload(Payload::Stream { payload: rest }),
                Buffered::Failed(_) if timed_out.get() => {
                    return Ok(req.error_response(body_timeout()));
                }
                Buffered::Failed(e) => {
                    return Ok(req.error_response(AppError::bad_request(
                        ErrorCode::BodyUnreadable,
                        format!("the request body could not be read: {e}"),
                    )));
                }
            }
        } else {
            req.set_payload(Payload::Stream {
                payload: Box::pin(timed),
            });
        }
    }
    // No clone of the request may be kept across the call: routing needs it unshared.
    let res = match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(_) if timed_out.get() => return Err(body_timeout().into()),
        Err(e) => {
            let status = e.as_response_error().status_code();
            let json = json_type(e.error_response().headers().get(header::CONTENT_TYPE));
            return Err(if api && !json {
                error_for(status).into()
            } else {
                e
            });
        }
    };
    if timed_out.get() {
        return Ok(res.error_response(body_timeout()));
    }
    if api
        && (res.status().is_client_error() || res.status().is_server_error())
        && !is_json_body(&res)
    {
        return Ok(as_json_error(res));
    }
    Ok(res)
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path.starts_with("/.well-known/")
}

fn body_timeout() -> AppError {
    AppError::new(
        StatusCode::REQUEST_TIMEOUT,
        ErrorCode::BodyTimeout,
        "the request body arrived too slowly and was cut off; send it again",
    )
}

/// The 422 for a control character found in `what`.
pub fn control_error(what: &str, found: &Found) -> AppError {
    let place = if found.at.is_empty() {
        String::new()
    } else {
        format!(" at {}", found.at)
    };
    let zh_place = if found.at.is_empty() {
        String::new()
    } else {
        format!("（位置 {}）", found.at)
    };
    AppError::unprocessable(
        ErrorCode::ControlCharacter,
        format!(
            "{what} holds the control character {}{place}; text may hold tabs and line breaks but no other control characters",
            found.code_point()
        ),
    )
    .with_zh(format!(
        "内容中含有控制字符 {}{zh_place}；文字中可以有制表符和换行，不能有其他控制字符",
        found.code_point()
    ))
    .with_details(serde_json::json!({"at": found.at, "char": found.code_point()}))
}

/// Percent-decodes a path or query part (`+` is a space in a query), keeping malformed escapes.
fn decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn uri_control_character(req: &ServiceRequest) -> Option<AppError> {
    let path = decode(req.path(), false);
    if let Some(c) = input::first_forbidden(&path) {
        let found = Found {
            at: String::new(),
            char: c,
        };
        return Some(control_error("the path", &found));
    }
    for part in req.query_string().split('&') {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let (k, v) = (decode(k, true), decode(v, true));
        if let Some(c) = input::first_forbidden(&k).or_else(|| input::first_forbidden(&v)) {
            let found = Found { at: k, char: c };
            return Some(control_error("the query parameter", &found));
        }
    }
    None
}

fn has_body(req: &ServiceRequest) -> bool {
    let h = req.headers();
    h.get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > 0)
        || h.contains_key(header::TRANSFER_ENCODING)
}

fn json_type(v: Option<&HeaderValue>) -> bool {
    v.and_then(|v| v.to_str().ok())
        .map(|v| {
            let essence = v
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            essence.ends_with("/json") || essence.ends_with("+json")
        })
        .unwrap_or(false)
}

fn is_json(req: &ServiceRequest) -> bool {
    json_type(req.headers().get(header::CONTENT_TYPE))
}

fn is_json_body(res: &ServiceResponse<BoxBody>) -> bool {
    json_type(res.headers().get(header::CONTENT_TYPE))
}

/// Rewrites an error response that is not JSON (actix's own plain-text or empty bodies) into
/// the JSON error body with a code for its status, keeping `Allow` and `Retry-After`.
fn as_json_error(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let keep: Vec<(header::HeaderName, HeaderValue)> = [header::ALLOW, header::RETRY_AFTER]
        .into_iter()
        .filter_map(|name| res.headers().get(&name).map(|v| (name, v.clone())))
        .collect();
    let status = res.status();
    let mut res = res.error_response(error_for(status));
    for (name, value) in keep {
        res.headers_mut().insert(name, value);
    }
    res
}

/// The error with a code for a status that came without one.
fn error_for(status: StatusCode) -> AppError {
    let (code, message) = match status {
        StatusCode::BAD_REQUEST => (ErrorCode::BadRequest, "the request is malformed"),
        StatusCode::UNAUTHORIZED => (ErrorCode::Unauthorized, "log in first"),
        StatusCode::FORBIDDEN => (ErrorCode::Forbidden, "this is not allowed"),
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "this endpoint does not take that method",
        ),
        StatusCode::REQUEST_TIMEOUT => (ErrorCode::RequestTimeout, "the request took too long"),
        StatusCode::LENGTH_REQUIRED => (ErrorCode::LengthRequired, "send a Content-Length"),
        StatusCode::PAYLOAD_TOO_LARGE => {
            (ErrorCode::PayloadTooLarge, "the request body is too large")
        }
        StatusCode::URI_TOO_LONG => (ErrorCode::UriTooLong, "the address is too long"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "the body's content type is not accepted here",
        ),
        StatusCode::SERVICE_UNAVAILABLE => (
            ErrorCode::ServerBusy,
            "the server is busy; try again in a moment",
        ),
        s if s.is_server_error() => (
            ErrorCode::InternalError,
            "something went wrong on the server; it has been logged",
        ),
        _ => (ErrorCode::RequestRefused, "the request was refused"),
    };
    AppError::new(status, code, message)
}

/// What reading a JSON body gave.
enum Buffered {
    /// The whole body, within the limit.
    Whole(Bytes),
    /// Over the limit: what was read, then the rest, as one stream.
    Partial(Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>),
    /// Reading failed (the client went away, or too slow).
    Failed(PayloadError),
}

async fn buffer_json(mut body: Timed) -> Buffered {
    let mut buf = BytesMut::new();
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(c) => {
                buf.extend_from_slice(&c);
                if buf.len() > JSON_LIMIT {
                    let head = futures_util::stream::once(async move { Ok(buf.freeze()) });
                    return Buffered::Partial(Box::pin(head.chain(body)));
                }
            }
            Err(e) => return Buffered::Failed(e),
        }
    }
    Buffered::Whole(buf.freeze())
}

/// A request body that must keep arriving: `grace` after it starts, and from then on it must
/// have averaged [`MIN_BODY_RATE`], or it ends with an error (and `fired` is set).
struct Timed {
    inner: Payload,
    started: tokio::time::Instant,
    received: u64,
    grace: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
    fired: Rc<Cell<bool>>,
    done: bool,
}

impl Timed {
    fn new(inner: Payload, grace: Duration, fired: Rc<Cell<bool>>) -> Timed {
        let started = tokio::time::Instant::now();
        Timed {
            inner,
            started,
            received: 0,
            grace,
            sleep: Box::pin(tokio::time::sleep_until(started + grace)),
            fired,
            done: false,
        }
    }
}

impl Stream for Timed {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.received += chunk.len() as u64;
                let allowed =
                    this.grace + Duration::from_secs_f64(this.received as f64 / MIN_BODY_RATE);
                this.sleep.as_mut().reset(this.started + allowed);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Pending => match this.sleep.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.done = true;
                    this.fired.set(true);
                    Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the request body arrived too slowly",
                    )))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_queries_are_percent_decoded_before_the_check() {
        assert_eq!(decode("/api/banks/%00x", false), "/api/banks/\0x");
        assert_eq!(decode("a+b%2", true), "a b%2");
        assert_eq!(decode("%e4%b8%ad", false), "中");
        assert_eq!(decode("%zz%", false), "%zz%");
    }
}
