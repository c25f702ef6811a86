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
    /// A mailbox the service reads (e-mail intake) could not be read; the service's log says why.
    MailboxUnreachable,
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
            ErrorCode::MailboxUnreachable => "mailbox_unreachable",
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
            ErrorCode::MailboxUnreachable => 502,
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
            ErrorCode::MailboxUnreachable => "Mailbox unreachable",
            ErrorCode::Internal => "Internal error",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The finer reason of a `validation_failed` error, so that a client can say what went wrong
/// in its own language without reading `detail` (which stays English). `params` holds the
/// values the message needs; the table in docs/api.md#errors lists each reason with its params.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemReason {
    /// The value is empty or blank, or a needed value was not given. No params.
    Required,
    /// The field is missing from the body. No params.
    MissingField,
    /// The body has a field the operation does not take. Params: `allowed` (the field names,
    /// when known).
    UnknownField,
    /// The value has the wrong JSON type. Params: `expected` (`string`, `integer`, `number`,
    /// `boolean`, `array`, `object`, or the type's name).
    WrongType,
    /// The value is not one of the enumeration's. Params: `allowed` (the values).
    UnknownValue,
    /// Longer than allowed. Params: `max` (characters, or items for a list).
    TooLong,
    /// Shorter than allowed. Params: `min`.
    TooShort,
    /// A number outside its bounds. Params: `min`, `max`.
    OutOfRange,
    /// A date or moment outside the plausible range. Params: `min`, `max` (dates).
    DateOutOfRange,
    /// A moment in the future where only past ones are taken. No params.
    InFuture,
    /// A moment too far back. Params: `max_days` (how many days back are taken).
    TooOld,
    /// Control characters in a line of text. No params.
    ControlCharacters,
    /// Not an e-mail address. No params.
    InvalidEmail,
    /// Not a phone number. No params.
    InvalidPhone,
    /// Not in the form the field takes (a username, an `If-Match`, base64, a format name).
    /// No params.
    InvalidFormat,
    /// A window whose end is not after its start. No params.
    WindowEndBeforeStart,
    /// A window that ends in the past. No params.
    WindowInPast,
    /// The referenced object does not exist (e.g. `customer_id` names no customer). Params:
    /// `id`.
    NotFound,
    /// The referenced object exists but belongs to another customer, site or ticket. Params:
    /// `id`.
    Mismatch,
    /// Two fields given that exclude each other. Params: `other` (the other field).
    Exclusive,
    /// The value is not allowed here (e.g. a disabled user, a role that cannot own tickets, a
    /// channel no one registers with). No params.
    NotAllowed,
    /// Any other invalid value; `detail` says why. No params.
    Invalid,
}

impl ProblemReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemReason::Required => "required",
            ProblemReason::MissingField => "missing_field",
            ProblemReason::UnknownField => "unknown_field",
            ProblemReason::WrongType => "wrong_type",
            ProblemReason::UnknownValue => "unknown_value",
            ProblemReason::TooLong => "too_long",
            ProblemReason::TooShort => "too_short",
            ProblemReason::OutOfRange => "out_of_range",
            ProblemReason::DateOutOfRange => "date_out_of_range",
            ProblemReason::InFuture => "in_future",
            ProblemReason::TooOld => "too_old",
            ProblemReason::ControlCharacters => "control_characters",
            ProblemReason::InvalidEmail => "invalid_email",
            ProblemReason::InvalidPhone => "invalid_phone",
            ProblemReason::InvalidFormat => "invalid_format",
            ProblemReason::WindowEndBeforeStart => "window_end_before_start",
            ProblemReason::WindowInPast => "window_in_past",
            ProblemReason::NotFound => "not_found",
            ProblemReason::Mismatch => "mismatch",
            ProblemReason::Exclusive => "exclusive",
            ProblemReason::NotAllowed => "not_allowed",
            ProblemReason::Invalid => "invalid",
        }
    }

    /// Every reason, in the order of the documentation.
    pub const ALL: [ProblemReason; 22] = [
        ProblemReason::Required,
        ProblemReason::MissingField,
        ProblemReason::UnknownField,
        ProblemReason::WrongType,
        ProblemReason::UnknownValue,
        ProblemReason::TooLong,
        ProblemReason::TooShort,
        ProblemReason::OutOfRange,
        ProblemReason::DateOutOfRange,
        ProblemReason::InFuture,
        ProblemReason::TooOld,
        ProblemReason::ControlCharacters,
        ProblemReason::InvalidEmail,
        ProblemReason::InvalidPhone,
        ProblemReason::InvalidFormat,
        ProblemReason::WindowEndBeforeStart,
        ProblemReason::WindowInPast,
        ProblemReason::NotFound,
        ProblemReason::Mismatch,
        ProblemReason::Exclusive,
        ProblemReason::NotAllowed,
        ProblemReason::Invalid,
    ];
}

impl fmt::Display for ProblemReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error response (`application/problem+json`, RFC 9457).
///
/// A `validation_failed` body also has `field`, `reason` and `params` (an object); a client
/// translates those and never parses `detail`, which stays English. The reasons and their
/// params: `required` (none); `missing_field` (none); `unknown_field` (`allowed`: the field
/// names); `wrong_type` (`expected`: `string`, `integer`, `number`, `boolean`, `array`, `object`
/// or a type's name); `unknown_value` (`allowed`: the values); `too_long` (`max`; `unit`
/// `hours` for a visit window); `too_short` (`min`); `out_of_range` (`min`, `max`, `max` null
/// when unbounded); `date_out_of_range` (`min`, `max`); `in_future` (none); `too_old`
/// (`max_days`); `control_characters` (none); `invalid_email` (none); `invalid_phone` (none);
/// `invalid_format` (none); `window_end_before_start` (none); `window_in_past` (none);
/// `not_found` (`id` of the object referred to); `mismatch` (`id`); `exclusive` (`other`: the
/// other field); `not_allowed` (none); `invalid` (none: any other rule, `detail` says which).
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
    /// For `validation_failed`: the finer reason (see `ProblemReason`), which a client translates
    /// with `params` instead of reading `detail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ProblemReason>,
    /// For `validation_failed`: the values the reason's message needs (`max`, `min`,
    /// `allowed`, `expected`, `id`, `other`, `max_days`); an object, empty when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub params: Option<serde_json::Value>,
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
            reason: None,
            params: None,
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
