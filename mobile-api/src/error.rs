//! Error codes and the `application/problem+json` body every error response carries.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A stable, machine-readable error code. Clients match on this, never on the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request body is not well-formed JSON.
    MalformedJson,
    /// A field is missing, has the wrong type, or holds a value that is not allowed.
    ValidationFailed,
    /// The request is not understood (bad query string, bad path parameter, bad header).
    BadRequest,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// No credentials were given, or they are not a bearer token.
    Unauthorized,
    /// Username or password is wrong, or the account is disabled.
    InvalidCredentials,
    /// The access token has expired; refresh it.
    TokenExpired,
    /// The token is not valid (bad signature, wrong issuer or audience, bad algorithm, revoked).
    TokenInvalid,
    /// The caller's role may not do this.
    Forbidden,
    /// No such object, or not one the caller may see.
    NotFound,
    /// The HTTP method is not allowed on this path.
    MethodNotAllowed,
    /// The object already exists (a unique value is taken).
    Duplicate,
    /// The request conflicts with the object's current state.
    Conflict,
    /// The technician is already booked in an overlapping window (a technician is never
    /// double-booked).
    TechnicianBooked,
    /// The customer already has open tickets on the same asset (or site): record the contact on
    /// one of them, or register with `related_ticket_id` or `unrelated_reason`; `open_tickets`
    /// lists them.
    OpenTicketsExist,
    /// Billable work (out of warranty) cannot be completed before the customer approved a quote
    /// for it (the charge is told to the customer beforehand); `field` is `quote`.
    QuoteNotApproved,
    /// The ticket's state does not allow this step (e.g. escalating a closed ticket, or remote
    /// service without the customer's authorization).
    InvalidTransition,
    /// The body is larger than the service accepts.
    PayloadTooLarge,
    /// The request's address (path and query) is longer than the service accepts.
    UriTooLong,
    /// `If-Match` names an older version; `current` holds the object as it is now.
    PreconditionFailed,
    /// The change needs `If-Match` with the version from the object's `ETag`.
    PreconditionRequired,
    /// The `Idempotency-Key` was used before for a different request.
    IdempotencyKeyReused,
    /// Too many attempts; wait for the time in `Retry-After`.
    TooManyRequests,
    /// The survey link has expired.
    LinkExpired,
    /// The survey link was already used to answer.
    LinkUsed,
    /// The ticket's satisfaction survey is already answered (e.g. on the revisit call).
    SurveyAnswered,
    /// The service cannot reach its database right now.
    Unavailable,
    /// Something failed inside the service; the details are in its log.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::TokenInvalid => "token_invalid",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Duplicate => "duplicate",
            ErrorCode::Conflict => "conflict",
            ErrorCode::TechnicianBooked => "technician_booked",
            ErrorCode::OpenTicketsExist => "open_tickets_exist",
            ErrorCode::QuoteNotApproved => "quote_not_approved",
            ErrorCode::InvalidTransition => "invalid_transition",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UriTooLong => "uri_too_long",
            ErrorCode::PreconditionFailed => "precondition_failed",
            ErrorCode::PreconditionRequired => "precondition_required",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::TooManyRequests => "too_many_requests",
            ErrorCode::LinkExpired => "link_expired",
            ErrorCode::LinkUsed => "link_used",
            ErrorCode::SurveyAnswered => "survey_answered",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::MalformedJson | ErrorCode::BadRequest => 400,
            ErrorCode::Unauthorized
            | ErrorCode::InvalidCredentials
            | ErrorCode::TokenExpired
            | ErrorCode::TokenInvalid => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Duplicate
            | ErrorCode::Conflict
            | ErrorCode::TechnicianBooked
            | ErrorCode::OpenTicketsExist
            | ErrorCode::QuoteNotApproved
            | ErrorCode::InvalidTransition
            | ErrorCode::LinkUsed
            | ErrorCode::SurveyAnswered => 409,
            ErrorCode::LinkExpired => 410,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UriTooLong => 414,
            ErrorCode::PreconditionFailed => 412,
            ErrorCode::PreconditionRequired => 428,
            ErrorCode::IdempotencyKeyReused => 422,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::ValidationFailed => 422,
            ErrorCode::TooManyRequests => 429,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
        }
    }

    /// A short human title for the code.
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::MalformedJson => "Malformed JSON",
            ErrorCode::ValidationFailed => "Validation failed",
            ErrorCode::BadRequest => "Bad request",
            ErrorCode::UnsupportedMediaType => "Unsupported media type",
            ErrorCode::Unauthorized => "Unauthorized",
            ErrorCode::InvalidCredentials => "Invalid credentials",
            ErrorCode::TokenExpired => "Token expired",
            ErrorCode::TokenInvalid => "Token invalid",
            ErrorCode::Forbidden => "Forbidden",
            ErrorCode::NotFound => "Not found",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::Duplicate => "Duplicate",
            ErrorCode::Conflict => "Conflict",
            ErrorCode::TechnicianBooked => "Technician already booked",
            ErrorCode::OpenTicketsExist => "Open tickets exist",
            ErrorCode::QuoteNotApproved => "Quote not approved",
            ErrorCode::InvalidTransition => "Invalid transition",
            ErrorCode::PayloadTooLarge => "Payload too large",
            ErrorCode::UriTooLong => "URI too long",
            ErrorCode::PreconditionFailed => "Precondition failed",
            ErrorCode::PreconditionRequired => "Precondition required",
            ErrorCode::IdempotencyKeyReused => "Idempotency key reused",
            ErrorCode::TooManyRequests => "Too many requests",
            ErrorCode::LinkExpired => "Link expired",
            ErrorCode::LinkUsed => "Link already used",
            ErrorCode::SurveyAnswered => "Survey already answered",
            ErrorCode::Unavailable => "Service unavailable",
            ErrorCode::Internal => "Internal error",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error response (`application/problem+json`, RFC 9457).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// `urn:fieldline:problem:<code>`
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub code: ErrorCode,
    pub detail: String,
    /// The offending field, for validation errors (a dotted path such as `contacts[0].email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `precondition_failed`: the object as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub current: Option<serde_json::Value>,
    /// For `open_tickets_exist`: the open tickets of the same asset (or site), newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Object>>))]
    pub open_tickets: Option<serde_json::Value>,
}

impl Problem {
    pub fn new(code: ErrorCode, detail: impl Into<String>, field: Option<String>) -> Self {
        Problem {
            type_: format!("urn:fieldline:problem:{code}"),
            title: code.title().to_string(),
            status: code.status(),
            code,
            detail: detail.into(),
            field,
            current: None,
            open_tickets: None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.status, self.code, self.detail)?;
        if let Some(field) = &self.field {
            write!(f, " [field {field}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}
