//! Who may see stalled work, chase it, answer a chase, and set the stall rules.
//!
//! Supervisors and managers see and chase all work; a shift lead or team lead of another role
//! (an agent, a remote engineer, a dispatcher) sees and chases the work held by the people they
//! lead (members of the teams they lead and their direct reports). Only the holder a chase is
//! addressed to answers it. Admins set the stall rules.

use super::{roles, Action, Caller, Facts, Grant, Tie, OFFICE};
use crate::error::AppError;
use fieldline_mobile_api::Role;

pub const AREA: &str = "Stalled work and chasing";

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// The stalled list.
    ReadStalled,
    /// Chase a ticket or a visit.
    Chase,
    /// Answer a chase.
    AnswerChase,
    /// Read the stall rules.
    ReadStallRules,
    /// Change a stall rule.
    EditStallRules,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::ReadStalled,
        Act::Chase,
        Act::AnswerChase,
        Act::ReadStallRules,
        Act::EditStallRules,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::ReadStalled => "Read the stalled work list",
            Act::Chase => "Chase stalled work",
            Act::AnswerChase => "Answer a chase addressed to them",
            Act::ReadStallRules => "Read the stall rules",
            Act::EditStallRules => "Change the stall rules",
        }
    }
}

/// Who sees and chases all work.
const SUPERVISION: &[Role] = &[Role::Supervisor, Role::Manager];
/// The roles a team lead or shift lead may have besides a supervisor's.
const LEADS: &[Role] = &[Role::Agent, Role::RemoteEngineer, Role::Dispatcher];

pub fn grant(role: Role, act: Act) -> Grant {
    match act {
        Act::ReadStalled | Act::Chase if LEADS.contains(&role) => Grant::Tied(Tie::Lead),
        Act::ReadStalled | Act::Chase => roles(role, SUPERVISION),
        // The holder is the chase's assignee.
        Act::AnswerChase => Grant::Tied(Tie::Assignee),
        Act::ReadStallRules => roles(role, OFFICE),
        Act::EditStallRules => roles(role, &[]),
    }
}

/// Whom an unanswered chase climbs to when its holder has no supervisor: every active
/// supervisor, and when that leaves nobody but the holder, every manager.
pub const CLIMB_TO: Role = Role::Supervisor;
pub const CLIMB_LAST: Role = Role::Manager;

/// Whose work a caller's stalled list and chases cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// All work.
    All,
    /// The work held by the people the caller leads (`org::led_by`).
    Led,
}

/// The scope of the caller's stalled list (a role that may not see it is refused).
pub fn stalled_scope(caller: &Caller, act: Act) -> Result<Scope, AppError> {
    match super::grant(caller.role, Action::Supervision(act)) {
        Grant::Yes => Ok(Scope::All),
        Grant::Tied(Tie::Lead) => Ok(Scope::Led),
        _ => Err(super::forbidden(caller.role)),
    }
}

/// Checks an action that is not about one object.
pub fn require(caller: &Caller, act: Act) -> Result<(), AppError> {
    super::require(caller, Action::Supervision(act))
}

/// Whether the caller may take the action on an object with these facts.
pub fn allows(caller: &Caller, act: Act, facts: &Facts) -> bool {
    super::allows(caller, Action::Supervision(act), facts)
}

/// The facts of a piece of work or a chase: its holder (as the assignee), and whether the caller
/// leads them.
pub fn facts(holder: i64, led: bool) -> Facts {
    Facts {
        assignee: Some(holder),
        led,
        ..Facts::default()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;
    use fieldline_mobile_api::UserId;

    /// Written by hand, not from `grant`: cells per role as `assert_table` reads them.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Supervision(*a)).collect();
        let f = Action::Supervision;
        let table: &[(Action, &str)] = &[
            //                              adm  ag   re   dis  tec  sup  am   man
            (f(Act::ReadStalled), "         Y    lead lead lead -    Y    -    Y"),
            (f(Act::Chase), "               Y    lead lead lead -    Y    -    Y"),
            (f(Act::AnswerChase), "         asg  asg  asg  asg  asg  asg  asg  asg"),
            (f(Act::ReadStallRules), "      Y    Y    Y    Y    -    Y    Y    Y"),
            (f(Act::EditStallRules), "      Y    -    -    -    -    -    -    -"),
        ];
        assert_table(&all, table);
    }

    #[test]
    fn a_lead_sees_the_work_of_their_people_only() {
        let lead = Caller::new(UserId(5), Role::Agent);
        assert_eq!(stalled_scope(&lead, Act::ReadStalled).unwrap(), Scope::Led);
        assert!(allows(&lead, Act::Chase, &facts(9, true)));
        assert!(!allows(&lead, Act::Chase, &facts(9, false)));
        let sup = Caller::new(UserId(1), Role::Supervisor);
        assert_eq!(stalled_scope(&sup, Act::ReadStalled).unwrap(), Scope::All);
        assert!(allows(&sup, Act::Chase, &facts(9, false)));
        assert!(stalled_scope(&Caller::new(UserId(2), Role::Technician), Act::ReadStalled).is_err());
        // Only the holder answers, whoever they are.
        assert!(allows(
            &Caller::new(UserId(9), Role::Technician),
            Act::AnswerChase,
            &facts(9, false)
        ));
        assert!(!allows(&sup, Act::AnswerChase, &facts(9, true)));
    }
}
