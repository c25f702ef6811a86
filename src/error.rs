//! The one error type of the service and its one mapping to HTTP (`application/problem+json`).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use fieldline_mobile_api::{ErrorCode, Problem, ProblemReason};

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A value that breaks a rule: the field, the English text, the finer reason code and its
    /// parameters (an object).
    #[error("{field}: {detail}")]
    Validation {
        field: String,
        detail: String,
        reason: ProblemReason,
        params: serde_json::Value,
    },
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("token expired")]
    TokenExpired,
    #[error("token invalid: {0}")]
    TokenInvalid(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// The methods the resource does answer go in the `Allow` header (RFC 9110 15.5.6).
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("duplicate: {detail}")]
    Duplicate { field: Option<String>, detail: String },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("technician booked: {0}")]
    TechnicianBooked(String),
    /// A registration for an asset (or site) with open tickets, without saying how it relates.
    #[error("open tickets exist")]
    OpenTicketsExist { tickets: serde_json::Value },
    #[error("quote not approved: {0}")]
    QuoteNotApproved(String),
    #[error("invalid transition: {0}")]
    InvalidTransition(String),
    #[error("body larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// An uploaded file over its size limit: 413 `payload_too_large` naming the field.
    #[error("{field}: larger than {max} bytes")]
    FileTooLarge { field: String, max: usize },
    #[error("address longer than {0} bytes")]
    UriTooLong(usize),
    #[error("stale version")]
    PreconditionFailed { current: serde_json::Value },
    #[error("If-Match required")]
    PreconditionRequired,
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    #[error("link expired: {0}")]
    LinkExpired(String),
    #[error("link used: {0}")]
    LinkUsed(String),
    #[error("survey answered: {0}")]
    SurveyAnswered(String),
    #[error("too many requests; retry after {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Mailboxes of e-mail intake that could not be read: their names (configuration, no
    /// secret); why is in the log.
    #[error("mailboxes not read: {}", .0.join(", "))]
    MailboxUnreachable(Vec<String>),
    #[error("internal: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A validation error no finer reason names (`invalid`); `because` gives it one.
    pub fn validation(field: impl Into<String>, detail: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.into(),
            detail: detail.into(),
            reason: ProblemReason::Invalid,
            params: serde_json::json!({}),
        }
    }

    /// A validation error with its finer reason code and parameters; other errors unchanged.
    pub fn because(self, code: ProblemReason, with: serde_json::Value) -> Self {
        match self {
            AppError::Validation { field, detail, .. } => AppError::Validation {
                field,
                detail,
                reason: code,
                params: with,
            },
            other => other,
        }
    }

    pub fn not_found(what: impl std::fmt::Display, id: impl std::fmt::Display) -> Self {
        AppError::NotFound(format!("no {what} with id {id}"))
    }

    pub fn duplicate(field: impl Into<String>, detail: impl Into<String>) -> Self {
        AppError::Duplicate {
            field: Some(field.into()),
            detail: detail.into(),
        }
    }

    pub fn internal(msg: impl std::fmt::Display) -> Self {
        AppError::Internal(anyhow::anyhow!("{msg}"))
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Validation { .. } => ErrorCode::ValidationFailed,
            AppError::MalformedJson(_) => ErrorCode::MalformedJson,
            AppError::BadRequest(_) => ErrorCode::BadRequest,
            AppError::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            AppError::Unauthorized(_) => ErrorCode::Unauthorized,
            AppError::InvalidCredentials => ErrorCode::InvalidCredentials,
            AppError::TokenExpired => ErrorCode::TokenExpired,
            AppError::TokenInvalid(_) => ErrorCode::TokenInvalid,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            AppError::Duplicate { .. } => ErrorCode::Duplicate,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::TechnicianBooked(_) => ErrorCode::TechnicianBooked,
            AppError::OpenTicketsExist { .. } => ErrorCode::OpenTicketsExist,
            AppError::QuoteNotApproved(_) => ErrorCode::QuoteNotApproved,
            AppError::InvalidTransition(_) => ErrorCode::InvalidTransition,
            AppError::PayloadTooLarge(_) | AppError::FileTooLarge { .. } => ErrorCode::PayloadTooLarge,
            AppError::UriTooLong(_) => ErrorCode::UriTooLong,
            AppError::PreconditionFailed { .. } => ErrorCode::PreconditionFailed,
            AppError::PreconditionRequired => ErrorCode::PreconditionRequired,
            AppError::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            AppError::LinkExpired(_) => ErrorCode::LinkExpired,
            AppError::LinkUsed(_) => ErrorCode::LinkUsed,
            AppError::SurveyAnswered(_) => ErrorCode::SurveyAnswered,
            AppError::TooManyRequests { .. } => ErrorCode::TooManyRequests,
            AppError::Unavailable(_) => ErrorCode::Unavailable,
            AppError::MailboxUnreachable(_) => ErrorCode::MailboxUnreachable,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The body sent to the client. Internal and availability errors never carry their cause.
    pub fn problem(&self) -> Problem {
        let code = self.code();
        let (detail, field) = match self {
            AppError::Validation { field, detail, .. } => (detail.clone(), Some(field.clone())),
            AppError::MalformedJson(d)
            | AppError::BadRequest(d)
            | AppError::UnsupportedMediaType(d)
            | AppError::Unauthorized(d)
            | AppError::TokenInvalid(d)
            | AppError::Forbidden(d)
            | AppError::NotFound(d)
            | AppError::Conflict(d)
            | AppError::TechnicianBooked(d)
            | AppError::InvalidTransition(d)
            | AppError::LinkExpired(d)
            | AppError::LinkUsed(d)
            | AppError::SurveyAnswered(d) => (d.clone(), None),
            AppError::Duplicate { field, detail } => (detail.clone(), field.clone()),
            AppError::QuoteNotApproved(d) => (d.clone(), Some("quote".into())),
            AppError::InvalidCredentials => ("username or password is wrong".into(), None),
            AppError::TokenExpired => ("the access token has expired; refresh it".into(), None),
            AppError::MethodNotAllowed { allow } => (
                format!("this method is not allowed on this path; it allows {allow}"),
                None,
            ),
            AppError::PayloadTooLarge(n) => (format!("the body is larger than {n} bytes"), None),
            AppError::FileTooLarge { field, max } => {
                (format!("the file is larger than {max} bytes"), Some(field.clone()))
            }
            AppError::UriTooLong(n) => (
                format!("the path and query are longer than {n} bytes; send the data in a body"),
                None,
            ),
            AppError::PreconditionFailed { .. } => (
                "the object changed since that version; `current` holds it as it is now".into(),
                None,
            ),
            AppError::OpenTicketsExist { .. } => (
                "the customer already has open tickets here (`open_tickets`): record this contact on one of them, or register with `related_ticket_id` or `unrelated_reason`".into(),
                None,
            ),
            AppError::PreconditionRequired => (
                "send `If-Match` with the version from the object's ETag".into(),
                Some("If-Match".into()),
            ),
            AppError::IdempotencyKeyReused => (
                "this Idempotency-Key was used for a different request".into(),
                Some("Idempotency-Key".into()),
            ),
            AppError::TooManyRequests { retry_after } => {
                (format!("too many attempts; try again in {retry_after} s"), None)
            }
            AppError::Unavailable(_) => ("the database is not reachable right now; try again".into(), None),
            AppError::MailboxUnreachable(names) => (
                format!("the mailbox {} could not be read; the service's log says why", names.join(", ")),
                None,
            ),
            AppError::Internal(_) => ("an internal error occurred; it has been logged".into(), None),
        };
        let mut p = Problem::new(code, detail, field);
        match self {
            AppError::Validation { reason, params, .. } => {
                p.reason = Some(*reason);
                p.params = Some(params.clone());
            }
            AppError::PreconditionFailed { current } => p.current = Some(current.clone()),
            AppError::OpenTicketsExist { tickets } => p.open_tickets = Some(tickets.clone()),
            _ => {}
        }
        p
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(e) => tracing::error!(error = %format!("{e:#}"), "internal error"),
            AppError::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
            _ => {}
        }
        let mut resp = HttpResponse::build(self.status_code());
        resp.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let AppError::TooManyRequests { retry_after } = self {
            resp.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        if let AppError::MethodNotAllowed { allow } = self {
            resp.insert_header((header::ALLOW, allow.as_str()));
        }
        if matches!(
            self,
            AppError::Unauthorized(_) | AppError::TokenExpired | AppError::TokenInvalid(_)
        ) {
            resp.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        resp.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound("not found".into()),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => AppError::Duplicate {
                field: None,
                detail: format!("a unique value is already taken ({})", info.message()),
            },
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                AppError::Conflict("the change refers to an object that does not exist or is still referred to".into())
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::Conflict("the change collided with another; try again".into())
            }
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::internal(e)
    }
}

impl From<crate::domain::Invalid> for AppError {
    fn from(e: crate::domain::Invalid) -> Self {
        AppError::Validation {
            field: e.field,
            detail: e.reason,
            reason: e.code,
            params: e.params,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let e = AppError::internal("password=hunter2 at /secret/path");
        let p = e.problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("hunter2"));
    }

    #[test]
    fn a_validation_carries_its_reason_and_params() {
        let p = AppError::from(crate::domain::Invalid::too_long("title", 200)).problem();
        assert_eq!(p.field.as_deref(), Some("title"));
        assert_eq!(p.detail, "must be at most 200 characters");
        assert_eq!(p.reason, Some(ProblemReason::TooLong));
        assert_eq!(p.params, Some(serde_json::json!({"max": 200})));
        let p = AppError::from(crate::domain::Invalid::not_found("customer_id", "customer", 7)).problem();
        assert_eq!(p.reason, Some(ProblemReason::NotFound));
        assert_eq!(p.params, Some(serde_json::json!({"id": 7})));
        // Without a finer reason: `invalid`, no params.
        let p = AppError::validation("x", "is wrong").problem();
        assert_eq!(
            (p.reason, p.params),
            (Some(ProblemReason::Invalid), Some(serde_json::json!({})))
        );
        let p = AppError::validation("x", "is wrong")
            .because(ProblemReason::Exclusive, serde_json::json!({"other": "y"}))
            .problem();
        assert_eq!(p.reason, Some(ProblemReason::Exclusive));
        // Other errors carry none, and `because` leaves them as they are.
        let p = AppError::Conflict("x".into())
            .because(ProblemReason::Invalid, serde_json::json!({}))
            .problem();
        assert_eq!((p.reason, p.params), (None, None));
    }

    #[test]
    fn every_reason_is_documented() {
        let api = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/api.md")).unwrap();
        for r in ProblemReason::ALL {
            let wire = serde_json::to_value(r).unwrap();
            assert_eq!(wire, serde_json::json!(r.as_str()));
            assert!(api.contains(&format!("| `{r}` |")), "docs/api.md#errors lacks `{r}`");
        }
    }

    #[test]
    fn validation_names_the_field() {
        let p = AppError::validation("latitude", "must be between -90 and 90").problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.code, ErrorCode::ValidationFailed);
        assert_eq!(p.field.as_deref(), Some("latitude"));
    }
}
