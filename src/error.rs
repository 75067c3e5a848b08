//! One error type for every request path, rendered as `{"error": {"code", "message", "details"}}`
//! with a stable snake_case code.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use utoipa::ToSchema;

mod code;
mod text;
pub use code::{ErrorCode, Seen};
pub use text::{Text, english_run, has_cjk};

/// An error a request ends with.
#[derive(Debug)]
pub struct AppError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable snake_case code.
    pub code: ErrorCode,
    /// A sentence for people (English; see `message_zh`).
    pub message: String,
    /// The sentence in Chinese, where the server has it.
    pub message_zh: Option<String>,
    /// Extra machine-readable detail (e.g. an import report).
    pub details: Option<Value>,
    /// Seconds to wait before trying again (429).
    pub retry_after: Option<u64>,
}

/// The JSON body of an error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code.
    #[schema(value_type = String)]
    pub code: ErrorCode,
    /// A sentence for people, in English (kept for API compatibility).
    pub message: String,
    /// The same sentence in Chinese, which the console and the tablet show first. Absent when
    /// the server has no Chinese wording for it; the code's own text then stands alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_zh: Option<String>,
    /// Extra machine-readable detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

impl AppError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError {
            status,
            code,
            message: message.into(),
            message_zh: None,
            details: None,
            retry_after: None,
        }
    }
    /// An error whose sentence is given in both languages.
    pub fn text(status: StatusCode, code: ErrorCode, text: Text) -> AppError {
        Self::new(status, code, text.en).with_zh(text.zh)
    }
    /// Sets the Chinese sentence.
    pub fn with_zh(mut self, zh: impl Into<String>) -> AppError {
        self.message_zh = Some(zh.into());
        self
    }
    /// 400: the request is malformed.
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    /// 401: no valid credentials.
    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }
    /// 403: valid credentials, not allowed.
    pub fn forbidden(message: impl Into<String>) -> AppError {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }
    /// 403 with a code of its own (e.g. `session_not_open`).
    pub fn forbidden_code(code: ErrorCode, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }
    /// 404: no such thing.
    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
    /// 409: conflicts with what is stored.
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::CONFLICT, code, message)
    }
    /// 422: well-formed but not acceptable.
    pub fn unprocessable(code: ErrorCode, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
    /// 429: too many attempts; try again after `seconds`.
    pub fn too_many(message: impl Into<String>, seconds: u64) -> AppError {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyAttempts,
            message,
        );
        e.retry_after = Some(seconds);
        e
    }
    /// 500: logged in full, shown without internals.
    pub fn internal(context: impl fmt::Display) -> AppError {
        tracing::error!("internal error: {context}");
        Self::text(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalError,
            Text::new(
                "服务器出错，已记录在日志中",
                "something went wrong on the server; it has been logged",
            ),
        )
    }
    /// 503: the storage failed for a moment (lock wait, disk full, lost connection); nothing was
    /// changed and the same request may be sent again (tablets keep the answer queued).
    pub fn unavailable(kind: crate::db::Unavailable, context: impl fmt::Display) -> AppError {
        tracing::warn!("storage unavailable ({kind:?}): {context}");
        let (code, zh, en) = match kind {
            crate::db::Unavailable::Busy => (
                ErrorCode::ServerBusy,
                "服务器繁忙，未保存任何更改，请稍后重试",
                "The server is busy; nothing was changed, try again shortly",
            ),
            crate::db::Unavailable::Storage => (
                ErrorCode::StorageUnavailable,
                "数据暂时无法写入，未保存任何更改，请稍后重试",
                "The data cannot be written at the moment; nothing was changed, try again shortly",
            ),
        };
        let mut e = Self::text(StatusCode::SERVICE_UNAVAILABLE, code, Text::new(zh, en));
        e.retry_after = Some(2);
        e
    }
    /// The JSON body the error is sent as.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message.clone(),
                message_zh: self.message_zh.clone(),
                details: self.details.clone(),
            },
        }
    }
    /// Attaches machine-readable details.
    pub fn with_details(mut self, details: impl Serialize) -> AppError {
        self.details = serde_json::to_value(details).ok();
        self
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        if let Some(s) = self.retry_after {
            res.insert_header(("Retry-After", s.to_string()));
        }
        res.json(self.body())
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(m)) = e.sql_err() {
            return AppError::conflict(ErrorCode::AlreadyExists, format!("already exists: {m}"))
                .with_zh("已存在相同的记录");
        }
        match crate::db::unavailable(&e) {
            Some(kind) => AppError::unavailable(kind, e),
            None => AppError::internal(e),
        }
    }
}

/// Result of a request path.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const ZH: &str = include_str!("../frontend/assets/lang/zh.js");
    const EN: &str = include_str!("../frontend/assets/lang/en.js");

    /// The text of the `{ ... }` block that follows `opening` in `text`, quotes respected.
    fn block<'a>(text: &'a str, opening: &str) -> &'a str {
        let start = text.find(opening).expect(opening) + opening.len() - 1;
        let (mut depth, mut quote, mut escaped) = (0, None, false);
        for (i, c) in text[start..].char_indices() {
            match (quote, c) {
                (Some(_), _) if escaped => escaped = false,
                (Some(_), '\\') => escaped = true,
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"' | '`') => quote = Some(c),
                (None, '{') => depth += 1,
                (None, '}') => {
                    depth -= 1;
                    if depth == 0 {
                        return &text[start..=start + i];
                    }
                }
                _ => {}
            }
        }
        panic!("{opening} is not closed")
    }

    /// The keys of the console's map `name` (`errors` or `reasons`) in a language file.
    fn keys(lang: &str, name: &str) -> BTreeSet<String> {
        let console = block(lang, "\n  console: {");
        block(console, &format!("\n    {name}: {{"))
            .lines()
            .filter_map(|l| l.trim().split_once(':'))
            .filter(|(k, _)| {
                !k.is_empty()
                    && k.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            })
            .map(|(k, _)| k.to_string())
            .collect()
    }

    #[test]
    fn every_code_has_a_chinese_and_an_english_text_where_the_console_shows_it() {
        let mut missing = vec![];
        for (lang, text) in [("zh.js", ZH), ("en.js", EN)] {
            let (errors, reasons) = (keys(text, "errors"), keys(text, "reasons"));
            for &code in ErrorCode::ALL {
                let seen = code.seen();
                if matches!(seen, Seen::Error | Seen::Both) && !errors.contains(code.as_str()) {
                    missing.push(format!("{lang} console.errors.{code}"));
                }
                if matches!(seen, Seen::Reason | Seen::Both) && !reasons.contains(code.as_str()) {
                    missing.push(format!("{lang} console.reasons.{code}"));
                }
            }
        }
        assert!(missing.is_empty(), "codes without a text: {missing:#?}");
    }

    #[test]
    fn the_chinese_and_english_files_hold_the_same_error_texts() {
        for name in ["errors", "reasons"] {
            let (zh, en) = (keys(ZH, name), keys(EN, name));
            let only_zh: Vec<_> = zh.difference(&en).collect();
            let only_en: Vec<_> = en.difference(&zh).collect();
            assert!(
                only_zh.is_empty() && only_en.is_empty(),
                "console.{name}: only in zh.js {only_zh:?}, only in en.js {only_en:?}"
            );
        }
    }

    #[test]
    fn a_code_serialises_to_its_own_snake_case_string_and_back() {
        let mut seen = BTreeSet::new();
        for &code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            );
            assert_eq!(serde_json::to_value(code).unwrap(), Value::from(s));
            assert_eq!(
                serde_json::from_value::<ErrorCode>(Value::from(s)).unwrap(),
                code
            );
        }
    }

    #[test]
    fn an_error_body_carries_the_chinese_sentence_beside_the_english_one() {
        let e = AppError::text(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidQuestion,
            Text::new("题干为空", "the stem is empty"),
        );
        let body = serde_json::to_value(e.body()).unwrap();
        assert_eq!(body["error"]["message"], "the stem is empty");
        assert_eq!(body["error"]["message_zh"], "题干为空");
        let plain = AppError::bad_request(ErrorCode::BadRequest, "bad");
        assert_eq!(plain.message_zh, None);
    }

    #[test]
    fn an_error_body_carries_the_code_as_a_string() {
        let body = serde_json::to_value(ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::BankChanged,
                message: "changed".into(),
                message_zh: None,
                details: None,
            },
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"error": {"code": "bank_changed", "message": "changed"}})
        );
    }
}
