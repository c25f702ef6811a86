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
