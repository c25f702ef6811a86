//! Who may read and write the shift handover log and the desk's equipment checks.
//!
//! The desk's people and their managers read the log. A shift lead (the lead of an active hotline
//! shift team) rostered on a shift writes its handover, or a supervisor; the incoming lead (a
//! shift lead, or a supervisor) acknowledges it, never its writer. The desk's agents, remote
//! engineers and supervisors record the equipment checks.

use super::{roles, Action, Caller, Facts, Grant, Tie};
use crate::error::AppError;
use fieldline_mobile_api::Role;

pub const AREA: &str = "Hotline desk: shift handover and equipment checks";

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// The handover log, a shift's prefill, the equipment checks.
    ReadHandovers,
    /// Write the handover of a shift.
    WriteHandover,
    /// Acknowledge a handover as the incoming lead.
    AcknowledgeHandover,
    /// Record an equipment check.
    RecordCheck,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::ReadHandovers,
        Act::WriteHandover,
        Act::AcknowledgeHandover,
        Act::RecordCheck,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::ReadHandovers => "Read the handover log, a shift's prefill and the equipment checks",
            Act::WriteHandover => "Write the handover of a shift",
            Act::AcknowledgeHandover => "Acknowledge a handover as the incoming lead",
            Act::RecordCheck => "Record an equipment check of the desk",
        }
    }
}

/// The desk's people and their managers.
const READERS: &[Role] = &[Role::Agent, Role::RemoteEngineer, Role::Supervisor, Role::Manager];
/// The roles a shift lead may have besides a supervisor's.
const LEADS: &[Role] = &[Role::Agent, Role::RemoteEngineer];
/// Who records the equipment checks.
const CHECKERS: &[Role] = &[Role::Agent, Role::RemoteEngineer, Role::Supervisor];

/// The role a handover unacknowledged past its grace alerts when the writer has no supervisor.
pub const ALERT_TO: Role = Role::Supervisor;

pub fn grant(role: Role, act: Act) -> Grant {
    match act {
        Act::ReadHandovers => roles(role, READERS),
        Act::WriteHandover | Act::AcknowledgeHandover if LEADS.contains(&role) => Grant::Tied(Tie::ShiftLead),
        Act::WriteHandover | Act::AcknowledgeHandover => roles(role, &[Role::Supervisor]),
        Act::RecordCheck => roles(role, CHECKERS),
    }
}

/// Checks an action that is not about one handover.
pub fn require(caller: &Caller, act: Act) -> Result<(), AppError> {
    super::require(caller, Action::Handover(act))
}

/// Whether the caller may write or acknowledge (`act`) a handover, being a shift lead in the
/// place it asks for (`shift_lead`) or not.
pub fn may(caller: &Caller, act: Act, shift_lead: bool) -> bool {
    let facts = Facts {
        shift_lead,
        ..Facts::default()
    };
    super::allows(caller, Action::Handover(act), &facts)
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;
    use fieldline_mobile_api::UserId;

    /// Written by hand, not from `grant`: cells per role as `assert_table` reads them.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Handover(*a)).collect();
        let f = Action::Handover;
        let table: &[(Action, &str)] = &[
            //                                   adm  ag   re   dis  tec  sup  am   man
            (
                f(Act::ReadHandovers),
                "            Y    Y    Y    -    -    Y    -    Y",
            ),
            (
                f(Act::WriteHandover),
                "            Y    shl  shl  -    -    Y    -    -",
            ),
            (
                f(Act::AcknowledgeHandover),
                "      Y    shl  shl  -    -    Y    -    -",
            ),
            (
                f(Act::RecordCheck),
                "              Y    Y    Y    -    -    Y    -    -",
            ),
        ];
        assert_table(&all, table);
    }

    #[test]
    fn a_shift_lead_writes_only_in_their_place() {
        let lead = Caller::new(UserId(5), Role::Agent);
        assert!(may(&lead, Act::WriteHandover, true));
        assert!(!may(&lead, Act::WriteHandover, false));
        assert!(may(
            &Caller::new(UserId(1), Role::Supervisor),
            Act::AcknowledgeHandover,
            false
        ));
        assert!(!may(&Caller::new(UserId(2), Role::Manager), Act::WriteHandover, true));
        assert!(!may(
            &Caller::new(UserId(3), Role::Dispatcher),
            Act::AcknowledgeHandover,
            true
        ));
    }
}
