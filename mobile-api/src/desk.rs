//! The hotline desk: its shifts and the agents' duty roster.

use crate::ids::*;
use crate::types::Role;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A hotline shift (班次): a name and its local start and end (`HH:MM`, the business calendar's
/// zone). A shift that ends at or before its start runs past midnight; it belongs to the day it
/// starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskShift {
    pub id: ShiftId,
    pub name: String,
    pub starts: String,
    pub ends: String,
    pub active: bool,
}

/// One person on one shift of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterEntry {
    pub id: RosterEntryId,
    /// The day the shift starts.
    pub day: NaiveDate,
    pub shift_id: ShiftId,
    pub shift_name: String,
    pub user_id: UserId,
    pub user_name: String,
    pub role: Role,
    /// 1 (junior) to 5, as the organisation model has it.
    pub level: i32,
    /// Whether the person leads an active hotline shift team (a shift lead, 值班长).
    pub lead: bool,
    /// Whether the day is a public holiday in the business calendar (holiday duty).
    pub holiday: bool,
    /// When the shift starts and ends.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Puts a person on a shift of a day (`POST /roster`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRosterEntry {
    pub day: NaiveDate,
    pub shift_id: ShiftId,
    /// An active agent, supervisor or remote engineer; someone the caller leads unless the caller
    /// is a supervisor, manager or admin.
    pub user_id: UserId,
}

/// A shift as an admin writes it (`POST /desk/shifts`, `PUT /desk/shifts/{id}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShiftInput {
    /// Unique among the shifts.
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 40))]
    pub name: String,
    /// The local start, `HH:MM`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub starts: String,
    /// The local end, `HH:MM`; at or before the start, the shift runs past midnight. Not the
    /// start itself.
    #[cfg_attr(feature = "openapi", schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub ends: String,
    /// An inactive shift takes no new entries and is not on duty; left out: active.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

wire_enum!(
    /// Where a swap request stands: asked (`requested`, waiting for the counterpart's agreement
    /// and the leads' approval), done (`approved`: the two entries exchanged their people),
    /// `refused` (by the counterpart or a lead, with a reason) or `cancelled` by the requester.
    SwapStatus {
        Requested => "requested",
        Approved => "approved",
        Refused => "refused",
        Cancelled => "cancelled",
    }
);

/// A swap request between two people on the roster (换班申请), and once decided the swap record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterSwap {
    pub id: SwapId,
    pub status: SwapStatus,
    /// The requester's entry, as asked: its day and shift.
    pub requester_entry_id: RosterEntryId,
    pub requester_id: UserId,
    pub requester_name: String,
    pub requester_day: NaiveDate,
    pub requester_shift_id: ShiftId,
    pub requester_shift_name: String,
    /// The counterpart's entry, as asked.
    pub counterpart_entry_id: RosterEntryId,
    pub counterpart_id: UserId,
    pub counterpart_name: String,
    pub counterpart_day: NaiveDate,
    pub counterpart_shift_id: ShiftId,
    pub counterpart_shift_name: String,
    pub reason: String,
    /// When the counterpart agreed.
    pub agreed_at: Option<DateTime<Utc>>,
    /// Who approved for the requester's side (their lead, or a supervisor or manager standing in
    /// for a missing lead), and when.
    pub requester_lead_id: Option<UserId>,
    pub requester_lead_name: Option<String>,
    pub requester_lead_at: Option<DateTime<Utc>>,
    /// Who approved for the counterpart's side, and when.
    pub counterpart_lead_id: Option<UserId>,
    pub counterpart_lead_name: Option<String>,
    pub counterpart_lead_at: Option<DateTime<Utc>>,
    /// Who refused, and why.
    pub refused_by: Option<UserId>,
    pub refused_by_name: Option<String>,
    pub refusal: Option<String>,
    /// When the swap was approved, refused or cancelled.
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Whether the caller has an agreement or approval of this swap still to give.
    pub can_approve: bool,
    /// Whether the caller may refuse it (the counterpart or an approver, while requested).
    pub can_refuse: bool,
    /// Whether the caller may cancel it (the requester, while requested).
    pub can_cancel: bool,
}

/// Asks to swap one of the caller's future entries with a colleague's (`POST /roster/swaps`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRosterSwap {
    /// The caller's own entry.
    pub entry_id: RosterEntryId,
    /// The colleague's entry the caller would take.
    pub counterpart_entry_id: RosterEntryId,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 500))]
    pub reason: String,
}

/// Refuses a swap, saying why (`POST /roster/swaps/{id}/refuse`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SwapRefusal {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 500))]
    pub reason: String,
}

// ---------------------------------------------------------------- handover log

/// A ticket in a handover's prefill: its number, title and state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverTicketFact {
    pub ticket_id: TicketId,
    pub number: String,
    pub title: String,
    pub status: crate::types::TicketStatus,
    pub owner_id: UserId,
    pub owner_name: String,
    /// Whether one of its service times was missed.
    pub breached: bool,
}

/// An open major fault in a handover's prefill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverFaultFact {
    pub major_fault_id: MajorFaultId,
    pub ticket_id: TicketId,
    pub number: String,
    pub title: String,
    pub location: String,
    pub occurred_at: DateTime<Utc>,
}

/// The notices of an earlier handover (the incoming shift reads the latest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverNotice {
    pub handover_id: HandoverId,
    pub day: NaiveDate,
    pub shift_name: String,
    pub written_by_name: String,
    pub written_at: DateTime<Utc>,
    pub notices: String,
}

/// What a shift's handover is prefilled with (`GET /handovers/draft`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverDraft {
    pub day: NaiveDate,
    pub shift_id: ShiftId,
    pub shift_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The people rostered on the shift, by name.
    pub rostered: Vec<String>,
    /// `rostered`: the open tickets owned by the people rostered on the shift; `all`: nobody is
    /// rostered, so every open ticket of the hotline tier.
    pub scope: String,
    /// The open tickets of the scope, oldest first.
    pub open: Vec<HandoverTicketFact>,
    /// Those of them past a service time.
    pub breached: Vec<HandoverTicketFact>,
    /// Those of them waiting on the customer.
    pub waiting: Vec<HandoverTicketFact>,
    /// The open major faults (of every customer).
    pub major_faults: Vec<HandoverFaultFact>,
    /// The notices of the latest handovers, newest first.
    pub latest_notices: Vec<HandoverNotice>,
    /// The handover already written for this shift of this day, if any.
    pub written: Option<HandoverId>,
}

/// A hard problem's linked ticket in a handover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverTicket {
    pub ticket_id: TicketId,
    pub number: String,
    pub title: String,
    pub note: String,
}

/// One shift's handover (交接日志).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handover {
    pub id: HandoverId,
    pub day: NaiveDate,
    pub shift_id: ShiftId,
    pub shift_name: String,
    pub written_by: UserId,
    pub written_by_name: String,
    pub written_at: DateTime<Utc>,
    /// The state of the desk's equipment (phones, computers, systems).
    pub equipment: String,
    /// The open hard problems (疑难问题), with `tickets` linked.
    pub problems: String,
    /// Notices and business changes.
    pub notices: String,
    /// Staff changes (调班, leave).
    pub staff_changes: String,
    pub tickets: Vec<HandoverTicket>,
    pub acknowledged_by: Option<UserId>,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// When the supervisor was alerted that nobody acknowledged it in time.
    pub alerted_at: Option<DateTime<Utc>>,
}

/// A hard problem's ticket linked to a new handover.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewHandoverTicket {
    pub ticket_id: TicketId,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 500))]
    pub note: String,
}

/// A shift's handover (`POST /handovers`), written by a shift lead rostered on the shift or a
/// supervisor once the shift has started. Texts left empty say "nothing to hand over".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewHandover {
    pub day: NaiveDate,
    pub shift_id: ShiftId,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 4000))]
    pub equipment: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 4000))]
    pub problems: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 4000))]
    pub notices: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 4000))]
    pub staff_changes: String,
    /// At most 50, each once.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub tickets: Vec<NewHandoverTicket>,
}

// ---------------------------------------------------------------- equipment checks

wire_enum!(
    /// The result of an equipment check.
    CheckResult {
        Ok => "ok",
        Failed => "failed",
    }
);

/// One equipment check of the desk (the phone test, 电话测试).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EquipmentCheck {
    pub id: EquipmentCheckId,
    pub checked_at: DateTime<Utc>,
    pub checked_by: UserId,
    pub checked_by_name: String,
    pub equipment: String,
    pub result: CheckResult,
    pub note: String,
    /// The internal ticket a failed check opened.
    pub ticket_id: Option<TicketId>,
    pub ticket_number: Option<String>,
}

/// Records an equipment check (`POST /equipment-checks`); a failed one opens an internal ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEquipmentCheck {
    /// What was checked, e.g. `phones`.
    #[cfg_attr(feature = "openapi", schema(format = "text", min_length = 1, max_length = 100))]
    pub equipment: String,
    pub result: CheckResult,
    /// What was found; needed when the check failed.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 2000))]
    pub note: String,
}

/// Whether today's two checks were made (the phones are tested twice a day: in the morning,
/// before 12:00, and in the afternoon, from 12:00, local time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EquipmentChecksToday {
    pub day: NaiveDate,
    pub morning: Option<EquipmentCheck>,
    pub afternoon: Option<EquipmentCheck>,
}
