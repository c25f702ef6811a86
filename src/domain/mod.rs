//! Pure business rules: no I/O, no database, no HTTP. Each rule is unit-tested beside its code.

pub mod acceptance;
pub mod cadence;
pub mod complaint;
pub mod day_plan;
pub mod dispatch;
pub mod escalation;
pub mod fault_report;
pub mod geo;
pub mod import;
pub mod inbound_mail;
pub mod inspection;
pub mod knowledge;
pub mod ladder;
pub mod language;
pub mod major_fault;
pub mod notice;
pub mod org;
pub mod outbox;
pub mod privacy;
pub mod quality;
pub mod quote;
pub mod report;
pub mod revisit;
pub mod roster;
pub mod sla;
pub mod stall;
pub mod survey;
pub mod validate;
pub mod visit;

use fieldline_mobile_api::ProblemReason;

/// A value that breaks a rule, naming the field it came from: the English text (`reason`)
/// and, for clients that translate, a reason code (`code`) with its parameters (`params`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    /// The English text (the problem's `detail`).
    pub reason: String,
    /// The finer reason code (the problem's `reason`).
    pub code: ProblemReason,
    /// The values the reason's message needs (an object).
    pub params: serde_json::Value,
}

impl Invalid {
    /// A value broken in a way no finer reason names (`invalid`).
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Invalid {
            field: field.into(),
            reason: reason.into(),
            code: ProblemReason::Invalid,
            params: serde_json::json!({}),
        }
    }

    /// The same problem with a finer reason code and its parameters.
    pub fn because(mut self, code: ProblemReason, params: serde_json::Value) -> Self {
        self.code = code;
        self.params = params;
        self
    }

    /// Empty, blank or not given.
    pub fn required(field: impl Into<String>) -> Self {
        Invalid::new(field, "must not be empty").because(ProblemReason::Required, serde_json::json!({}))
    }

    /// Longer than `max` characters (or items).
    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        Invalid::new(field, format!("must be at most {max} characters"))
            .because(ProblemReason::TooLong, serde_json::json!({ "max": max }))
    }

    /// Shorter than `min` characters.
    pub fn too_short(field: impl Into<String>, min: usize) -> Self {
        Invalid::new(field, format!("must be at least {min} characters"))
            .because(ProblemReason::TooShort, serde_json::json!({ "min": min }))
    }

    /// A number outside `min..=max`.
    pub fn out_of_range(field: impl Into<String>, min: impl std::fmt::Display, max: impl std::fmt::Display) -> Self {
        let (lo, hi) = (min.to_string(), max.to_string());
        let num = |s: &str| {
            s.parse::<i64>()
                .map(serde_json::Value::from)
                .or_else(|_| s.parse::<f64>().map(serde_json::Value::from))
                .unwrap_or_else(|_| serde_json::Value::from(s))
        };
        let params = serde_json::json!({ "min": num(&lo), "max": num(&hi) });
        Invalid::new(field, format!("must be between {lo} and {hi}")).because(ProblemReason::OutOfRange, params)
    }

    /// The referenced object (`what` with `id`) does not exist.
    pub fn not_found(field: impl Into<String>, what: &str, id: i64) -> Self {
        Invalid::new(field, format!("no {what} with id {id}"))
            .because(ProblemReason::NotFound, serde_json::json!({ "id": id }))
    }

    /// The referenced object belongs to another customer, site or ticket.
    pub fn mismatch(field: impl Into<String>, id: i64, detail: impl Into<String>) -> Self {
        Invalid::new(field, detail).because(ProblemReason::Mismatch, serde_json::json!({ "id": id }))
    }

    /// A window whose end is not after its start.
    pub fn window_end_before_start(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Invalid::new(field, detail).because(ProblemReason::WindowEndBeforeStart, serde_json::json!({}))
    }

    /// A window that ends in the past.
    pub fn window_in_past(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Invalid::new(field, detail).because(ProblemReason::WindowInPast, serde_json::json!({}))
    }

    /// A value not allowed here.
    pub fn not_allowed(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Invalid::new(field, detail).because(ProblemReason::NotAllowed, serde_json::json!({}))
    }

    /// Not in the form the field takes.
    pub fn format(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Invalid::new(field, detail).because(ProblemReason::InvalidFormat, serde_json::json!({}))
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for Invalid {}
