//! Complaints and their own ladder: complaint (投诉处理) → escalated complaint (升级投诉处理) →
//! appeal (申诉处理), each level with its time limit by customer tier, its handlers, and its end
//! (a resolution stated to the customer, then the customer's confirmation or refusal).

use crate::ids::*;
use crate::types::Tier;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

wire_enum!(
    /// A complaint's level: `complaint` (the first responder handles it), `escalated` (a
    /// supervisor), `appeal` (a manager; the last level).
    ComplaintLevel {
        Complaint => "complaint",
        Escalated => "escalated",
        Appeal => "appeal",
    }
);

wire_enum!(
    /// What a complaint is about: a ticket, a visit, a technician or a staff member.
    ComplaintSubjectKind {
        Ticket => "ticket",
        Visit => "visit",
        Technician => "technician",
        Staff => "staff",
    }
);

wire_enum!(
    /// Where a complaint stands: `open` (the level's handler works on it), `awaiting_answer` (a
    /// resolution was stated to the customer, whose confirmation or refusal is awaited),
    /// `resolved` (the customer confirmed it: closed), `unresolved` (refused at appeal: closed).
    ComplaintState {
        Open => "open",
        AwaitingAnswer => "awaiting_answer",
        Resolved => "resolved",
        Unresolved => "unresolved",
    }
);

impl ComplaintState {
    /// Resolved or unresolved: the complaint is over.
    pub fn is_closed(self) -> bool {
        matches!(self, ComplaintState::Resolved | ComplaintState::Unresolved)
    }
}

wire_enum!(
    /// How a complaint reached a level: at `registration`, by the customer's `refusal` of the
    /// level below's resolution, or because the level below missed its time `limit`.
    ComplaintEntry {
        Registration => "registration",
        Refusal => "refusal",
        Limit => "limit",
    }
);

wire_enum!(
    /// The customer's answer to a stated resolution.
    ComplaintAnswer {
        Confirmed => "confirmed",
        Refused => "refused",
    }
);

/// What a complaint is about, as named at registration (or when a ticket becomes a complaint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ComplaintSubjectRef {
    pub kind: ComplaintSubjectKind,
    /// The ticket's, visit's or user's id: a ticket or visit of the same customer, an active
    /// technician (`technician`), an active staff member other than a technician (`staff`).
    pub id: i64,
}

/// What a complaint is about, with its name for a screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintSubject {
    pub kind: ComplaintSubjectKind,
    pub id: i64,
    /// The ticket's number, the visit's ticket number and window, or the person's name.
    pub name: String,
    /// The ticket the subject belongs to (the ticket itself, or a visit's ticket), for a link.
    pub ticket_id: Option<TicketId>,
}

/// A person who may handle the complaint at its level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintHandler {
    pub user_id: UserId,
    pub display_name: String,
}

/// One level a complaint reached, with what happened on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintStep {
    pub level: ComplaintLevel,
    pub entered_by: ComplaintEntry,
    pub started_at: DateTime<Utc>,
    /// The level's time limit, on the business calendar: a resolution is to be stated by then.
    pub due_at: DateTime<Utc>,
    /// When the scan recorded the limit as missed.
    pub breached_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    pub resolution_by: Option<UserId>,
    pub resolution_by_name: Option<String>,
    pub resolution_at: Option<DateTime<Utc>>,
    pub answer: Option<ComplaintAnswer>,
    /// Who gave the answer, in the customer's words (a contact's name).
    pub answered_by: Option<String>,
    pub answer_comment: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The staff member who recorded the answer; null when the contact answered in the portal.
    pub answer_recorded_by: Option<UserId>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// A complaint: its ticket, subject, level, handlers and the levels it went through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Complaint {
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub title: String,
    pub customer_id: CustomerId,
    pub customer_name: Option<String>,
    pub customer_tier: Tier,
    /// The first responder, who keeps the complaint's ownership on every level.
    pub owner_id: UserId,
    pub owner_name: Option<String>,
    /// Null only for a complaint that came from the portal or an e-mail, until staff name it.
    pub subject: Option<ComplaintSubject>,
    pub level: ComplaintLevel,
    pub state: ComplaintState,
    /// The current level's time limit.
    pub level_due_at: DateTime<Utc>,
    /// Who may state the resolution and record the answer at this level.
    pub handlers: Vec<ComplaintHandler>,
    /// Every level reached, the first first.
    pub steps: Vec<ComplaintStep>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The resolution stated to the customer at the complaint's level.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ComplaintResolutionRequest {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 4000))]
    pub resolution: String,
}

/// The customer's confirmation or refusal of the stated resolution, recorded on their word.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ComplaintAnswerRequest {
    pub answer: ComplaintAnswer,
    /// Who answered for the customer (a contact's name).
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub answered_by: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub comment: Option<String>,
}

/// Names what a complaint registered from the portal or an e-mail is about.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ComplaintSubjectRequest {
    pub subject: ComplaintSubjectRef,
}

/// The complaint ladder's time limits of a customer tier, in working minutes on the business
/// calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintLimits {
    pub customer_tier: Tier,
    pub complaint_minutes: i32,
    pub escalated_minutes: i32,
    pub appeal_minutes: i32,
    /// Null while the tier has the shipped defaults.
    pub updated_at: Option<DateTime<Utc>>,
}

/// New limits for a customer tier (admin); complaints reaching a level afterwards use them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ComplaintLimitsInput {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 43200))]
    pub complaint_minutes: i32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 43200))]
    pub escalated_minutes: i32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 43200))]
    pub appeal_minutes: i32,
}

/// One complaint level in a report: complaints that reached it in the period, and of those whose
/// limit is settled, how many had a resolution stated in time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportComplaintLevel {
    pub level: ComplaintLevel,
    pub reached: i64,
    pub limit_met: i64,
    pub limit_missed: i64,
    /// Neither yet: no resolution stated and the limit not passed.
    pub still_open: i64,
}

/// Complaints registered in the period about one kind of subject (`none`: not named yet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportComplaintSubject {
    pub subject: String,
    pub received: i64,
}

/// Complaints closed in the period with one outcome at one level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportComplaintOutcome {
    /// `resolved` or `unresolved`.
    pub outcome: ComplaintState,
    pub level: ComplaintLevel,
    pub count: i64,
}

/// The complaint figures of a service report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportComplaints {
    /// Complaints registered in the period.
    pub received: i64,
    /// Every level, in ladder order.
    pub by_level: Vec<ReportComplaintLevel>,
    /// Every subject kind, in order, then `none` when there are such.
    pub by_subject: Vec<ReportComplaintSubject>,
    /// Resolved at each level, then unresolved at appeal.
    pub by_outcome: Vec<ReportComplaintOutcome>,
}
