//! Stalled work and chasing (工单滞留 / 督办): the stall rules, the stalled list, chases and
//! their answers, and the report's chase figures.

use crate::ids::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

wire_enum!(
    /// A state work can stall in: a ticket's rung and status (on-site tickets only while no visit
    /// is open on them), or a visit's status. Resolved, closed and cancelled tickets and finished
    /// visits never stall.
    StallState {
        HotlineNew => "hotline_new",
        HotlineInProgress => "hotline_in_progress",
        RemoteNew => "remote_new",
        RemoteInProgress => "remote_in_progress",
        OnsiteNew => "onsite_new",
        OnsiteInProgress => "onsite_in_progress",
        Reopened => "reopened",
        WaitingOnCustomer => "waiting_on_customer",
        VisitScheduled => "visit_scheduled",
        VisitAssigned => "visit_assigned",
        VisitAccepted => "visit_accepted",
        VisitEnRoute => "visit_en_route",
        VisitOnSite => "visit_on_site",
    }
);

impl StallState {
    /// Whether the state is a visit's (else a ticket's).
    pub fn is_visit(self) -> bool {
        matches!(
            self,
            StallState::VisitScheduled
                | StallState::VisitAssigned
                | StallState::VisitAccepted
                | StallState::VisitEnRoute
                | StallState::VisitOnSite
        )
    }
}

wire_enum!(
    /// What stalled work waits for: its `holder` to act, the `customer`, a `dispatcher` (a visit to
    /// be made or assigned), the `technician_acceptance` of an assigned visit, or the `technician`
    /// to set off, arrive or finish.
    StallWaitsFor {
        Holder => "holder",
        Customer => "customer",
        Dispatcher => "dispatcher",
        TechnicianAcceptance => "technician_acceptance",
        Technician => "technician",
    }
);

wire_enum!(
    /// A chase's state: `open` (waiting for the holder's answer), `climbed` (unanswered past its
    /// due time and passed to the holder's supervisor; the holder may still answer), `answered`.
    ChaseStatus {
        Open => "open",
        Climbed => "climbed",
        Answered => "answered",
    }
);

/// A stall rule: how many working hours without a timeline event make work in this state stalled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallRule {
    pub state: StallState,
    /// Working hours on the business calendar; null: work in this state never counts as stalled.
    pub hours: Option<i32>,
    /// The shipped value (see docs/rules/stalled-work.md).
    pub default_hours: Option<i32>,
    /// When an admin last changed it; null while it is the shipped value.
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by_name: Option<String>,
}

/// A stall rule's new limit (`PUT /stall-rules/{state}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StallRuleInput {
    /// 1 to 400 working hours; null: no limit. Required (a body without it is refused, so an
    /// empty body never takes a limit away).
    #[serde(deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 400, required = true))]
    pub hours: Option<i32>,
}

/// A value that may be null but must be there.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    Option::<i32>::deserialize(d)
}

/// One piece of stalled work: a ticket or a visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StalledItem {
    /// The ticket (of a visit: the visit's ticket; null for an inspection visit).
    pub ticket_id: Option<TicketId>,
    pub ticket_number: Option<String>,
    pub title: Option<String>,
    pub customer_name: Option<String>,
    /// The visit, when the stalled work is a visit.
    pub visit_id: Option<VisitId>,
    pub state: StallState,
    /// The last timeline event (of a visit: its last change; of an accepted visit, at the
    /// earliest the start of its agreed window).
    pub since: DateTime<Utc>,
    /// Working hours since then, one decimal.
    pub stalled_hours: f64,
    /// The rule's limit, in working hours.
    pub limit_hours: i32,
    /// Who holds it: a ticket's assignee or else its owner; a visit's technician or else the
    /// dispatcher who made it.
    pub holder_id: UserId,
    pub holder_name: String,
    pub team_id: Option<TeamId>,
    pub team_name: Option<String>,
    pub waits_for: StallWaitsFor,
    /// The chase not yet answered, if any.
    pub open_chase: Option<Chase>,
}

/// A chase (催办/督办): a note to the holder of a piece of work with a time to answer by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Chase {
    pub id: ChaseId,
    pub ticket_id: Option<TicketId>,
    pub ticket_number: Option<String>,
    pub visit_id: Option<VisitId>,
    pub holder_id: UserId,
    pub holder_name: String,
    pub chased_by: UserId,
    pub chased_by_name: String,
    pub note: String,
    pub due_at: DateTime<Utc>,
    pub status: ChaseStatus,
    pub created_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// When the unanswered chase went to the holder's supervisor (or every supervisor).
    pub climbed_at: Option<DateTime<Utc>>,
}

/// A chase of a ticket or of a visit (`POST /chases`): exactly one of the two.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewChase {
    #[serde(default)]
    pub ticket_id: Option<TicketId>,
    #[serde(default)]
    pub visit_id: Option<VisitId>,
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 2000))]
    pub note: String,
    /// When an answer is due: after now and within 30 days. Left out: four working hours from
    /// now on the business calendar.
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
}

/// The holder's answer to a chase (`POST /chases/{id}/answer`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChaseAnswer {
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 2000))]
    pub note: String,
}

/// The report's chases: made in the period, and of those the ones answered, overdue (their due
/// time passed before an answer, as of the period's end) and climbed; by the agent chased and by
/// their team.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportChases {
    pub made: i64,
    pub answered: i64,
    pub overdue: i64,
    pub climbed: i64,
    /// By the holder chased (key: user id).
    pub by_agent: Vec<ReportChaseGroup>,
    /// By the holder's team when chased (key: team id, or `none`).
    pub by_team: Vec<ReportChaseGroup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportChaseGroup {
    pub key: String,
    pub label: String,
    pub made: i64,
    pub answered: i64,
    pub overdue: i64,
}
