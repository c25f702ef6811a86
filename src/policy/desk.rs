//! Who may read and keep the hotline's shifts and duty roster.
//!
//! Office roles read the roster. Supervisors and managers roster anyone who may be rostered; a
//! shift lead or team lead of another role rosters the people they lead (members of the teams
//! they lead and their direct reports). Admins set the shifts. Those the roster holds ask to swap
//! their own entries and agree to swaps asked of them; a person's lead approves (or refuses) their
//! side of a swap, and a supervisor or manager stands in for a missing lead and reads every swap.

use super::{roles, Action, Caller, Facts, Grant, Tie, OFFICE};
use crate::error::AppError;
use fieldline_mobile_api::Role;

pub const AREA: &str = "Hotline desk: shifts and duty roster";

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// The shifts and the roster.
    ReadRoster,
    /// Put a person on a shift of a day, or take them off.
    EditRoster,
    /// Create or change a shift.
    EditShifts,
    /// Ask to swap one's own entry with a colleague's, agree to a swap asked of one, cancel one's
    /// own request.
    AskSwap,
    /// Approve or refuse a swap as the lead of one of its two people.
    ApproveSwap,
    /// Approve or refuse a swap for a person who has no lead, and read every swap.
    StandInForLead,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::ReadRoster,
        Act::EditRoster,
        Act::EditShifts,
        Act::AskSwap,
        Act::ApproveSwap,
        Act::StandInForLead,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::ReadRoster => "Read the hotline's shifts and duty roster",
            Act::EditRoster => "Put people on the duty roster or take them off",
            Act::EditShifts => "Create or change the hotline's shifts",
            Act::AskSwap => "Ask to swap one's own roster entry, agree to or cancel a swap",
            Act::ApproveSwap => "Approve or refuse a swap as a lead of one of its people",
            Act::StandInForLead => "Approve or refuse a swap for a person without a lead; read every swap",
        }
    }
}

/// Who rosters anyone.
const ROSTERING: &[Role] = &[Role::Supervisor, Role::Manager];
/// The roles a shift lead or team lead may have besides a supervisor's.
const LEADS: &[Role] = &[Role::Agent, Role::RemoteEngineer];

/// The roles the hotline roster holds: the agents, the remote engineers of the second line and
/// the supervisors who may stand as the lead on duty.
pub const ROSTERED: &[Role] = &[Role::Agent, Role::RemoteEngineer, Role::Supervisor];

pub fn grant(role: Role, act: Act) -> Grant {
    match act {
        Act::ReadRoster => roles(role, OFFICE),
        Act::EditRoster if LEADS.contains(&role) => Grant::Tied(Tie::Lead),
        Act::EditRoster => roles(role, ROSTERING),
        Act::EditShifts => roles(role, &[]),
        Act::AskSwap if ROSTERED.contains(&role) => Grant::Tied(Tie::Owner),
        Act::AskSwap => Grant::No,
        Act::ApproveSwap if ROSTERED.contains(&role) || role == Role::Manager => Grant::Tied(Tie::Lead),
        Act::ApproveSwap => Grant::No,
        Act::StandInForLead => roles(role, ROSTERING),
    }
}

/// Checks an action that is not about one person.
pub fn require(caller: &Caller, act: Act) -> Result<(), AppError> {
    super::require(caller, Action::Desk(act))
}

/// Whether the caller may roster a person they lead (`led`) or not.
pub fn may_roster(caller: &Caller, led: bool) -> bool {
    let facts = Facts {
        led,
        ..Facts::default()
    };
    super::allows(caller, Action::Desk(Act::EditRoster), &facts)
}

/// Whether the caller may take part in a swap as one of its two people (`own`: the caller is
/// that person).
pub fn may_swap_as(caller: &Caller, person: i64) -> bool {
    let facts = Facts {
        owner: Some(person),
        ..Facts::default()
    };
    super::allows(caller, Action::Desk(Act::AskSwap), &facts)
}

/// Whether the caller may approve (or refuse) one side of a swap: as the person's lead (`led`),
/// or standing in when the person has no lead (`no_lead`).
pub fn may_approve_side(caller: &Caller, led: bool, no_lead: bool) -> bool {
    let facts = Facts {
        led,
        ..Facts::default()
    };
    super::allows(caller, Action::Desk(Act::ApproveSwap), &facts)
        || (no_lead && super::allows(caller, Action::Desk(Act::StandInForLead), &Facts::default()))
}

/// Whether the caller reads every swap (not only their own and those they decide).
pub fn reads_all_swaps(caller: &Caller) -> bool {
    super::allows(caller, Action::Desk(Act::StandInForLead), &Facts::default())
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;
    use fieldline_mobile_api::UserId;

    /// Written by hand, not from `grant`: cells per role as `assert_table` reads them.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Desk(*a)).collect();
        let f = Action::Desk;
        let table: &[(Action, &str)] = &[
            //                          adm  ag   re   dis  tec  sup  am   man
            (f(Act::ReadRoster), "      Y    Y    Y    Y    -    Y    Y    Y"),
            (f(Act::EditRoster), "      Y    lead lead -    -    Y    -    Y"),
            (f(Act::EditShifts), "      Y    -    -    -    -    -    -    -"),
            (f(Act::AskSwap), "         -    own  own  -    -    own  -    -"),
            (f(Act::ApproveSwap), "     -    lead lead -    -    lead -    lead"),
            (f(Act::StandInForLead), "  Y    -    -    -    -    Y    -    Y"),
        ];
        assert_table(&all, table);
    }

    #[test]
    fn a_lead_rosters_the_people_they_lead_only() {
        let lead = Caller::new(UserId(5), Role::Agent);
        assert!(may_roster(&lead, true));
        assert!(!may_roster(&lead, false));
        assert!(may_roster(&Caller::new(UserId(1), Role::Supervisor), false));
        assert!(!may_roster(&Caller::new(UserId(2), Role::Dispatcher), true));
    }

    #[test]
    fn a_swap_side_is_approved_by_the_lead_or_a_stand_in_when_there_is_none() {
        let lead = Caller::new(UserId(5), Role::Agent);
        assert!(may_approve_side(&lead, true, false));
        assert!(!may_approve_side(&lead, false, true));
        let sup = Caller::new(UserId(6), Role::Supervisor);
        assert!(may_approve_side(&sup, false, true));
        assert!(!may_approve_side(&sup, false, false));
        assert!(may_swap_as(&lead, 5));
        assert!(!may_swap_as(&lead, 6));
        assert!(!may_swap_as(&Caller::new(UserId(7), Role::Dispatcher), 7));
        assert!(reads_all_swaps(&sup) && !reads_all_swaps(&lead));
    }
}
