//! Pure business rules: no I/O, no database, no HTTP. Each rule is unit-tested beside its code.

pub mod acceptance;
pub mod cadence;
pub mod dispatch;
pub mod escalation;
pub mod fault_report;
pub mod geo;
pub mod inspection;
pub mod ladder;
pub mod language;
pub mod major_fault;
pub mod outbox;
pub mod privacy;
pub mod quote;
pub mod report;
pub mod revisit;
pub mod sla;
pub mod survey;
pub mod validate;
pub mod visit;

/// A value that breaks a rule, naming the field it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub reason: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for Invalid {}
