//! One error type for every request path, rendered as `{"error": {"code", "message", "details"}}`
//! with a stable snake_case code.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use utoipa::ToSchema;

/// An error a request ends with.
#[derive(Debug)]
pub struct AppError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable snake_case code.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
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
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Extra machine-readable detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

impl AppError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            status,
            code,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }
    /// 400: the request is malformed.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    /// 401: no valid credentials.
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }
    /// 403: valid credentials, not allowed.
    pub fn forbidden(message: impl Into<String>) -> AppError {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// 403 with a code of its own (e.g. `session_not_open`).
    pub fn forbidden_code(code: &'static str, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }
    /// 404: no such thing.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
    /// 409: conflicts with what is stored.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::CONFLICT, code, message)
    }
    /// 422: well-formed but not acceptable.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> AppError {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
    /// 429: too many attempts; try again after `seconds`.
    pub fn too_many(message: impl Into<String>, seconds: u64) -> AppError {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", message);
        e.retry_after = Some(seconds);
        e
    }
    /// 500: logged in full, shown without internals.
    pub fn internal(context: impl fmt::Display) -> AppError {
        tracing::error!("internal error: {context}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "something went wrong on the server; it has been logged",
        )
    }
    /// 503: the storage failed for a moment (lock wait, disk full, lost connection); nothing was
    /// changed and the same request may be sent again (tablets keep the answer queued).
    pub fn unavailable(kind: crate::db::Unavailable, context: impl fmt::Display) -> AppError {
        tracing::warn!("storage unavailable ({kind:?}): {context}");
        let (code, message) = match kind {
            crate::db::Unavailable::Busy => (
                "server_busy",
                "服务器繁忙，未保存任何更改，请稍后重试 / The server is busy; nothing was changed, try again shortly",
            ),
            crate::db::Unavailable::Storage => (
                "storage_unavailable",
                "数据暂时无法写入，未保存任何更改，请稍后重试 / The data cannot be written at the moment; nothing was changed, try again shortly",
            ),
        };
        let mut e = Self::new(StatusCode::SERVICE_UNAVAILABLE, code, message);
        e.retry_after = Some(2);
        e
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
        res.json(ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message.clone(),
                details: self.details.clone(),
            },
        })
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(m)) = e.sql_err() {
            return AppError::conflict("already_exists", format!("already exists: {m}"));
        }
        match crate::db::unavailable(&e) {
            Some(kind) => AppError::unavailable(kind, e),
            None => AppError::internal(e),
        }
    }
}

impl From<crate::bank::format::FormatError> for AppError {
    fn from(e: crate::bank::format::FormatError) -> Self {
        let status = match e.code {
            "unsupported_format" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        AppError::new(status, e.code, e.message)
    }
}

impl From<crate::bank::model::QuestionError> for AppError {
    fn from(e: crate::bank::model::QuestionError) -> Self {
        AppError::unprocessable("invalid_question", e.to_string()).with_details(e.details())
    }
}

/// Result of a request path.
pub type AppResult<T> = Result<T, AppError>;
