//! Who may register and work tickets on the service ladder, and mark major faults; who may own
//! or be assigned a ticket; and who the SLA scan alerts at each step.

use super::{Caller, Facts, Grant, Tie, OFFICE};
use crate::error::AppError;
use fieldline_mobile_api::Role;

pub const AREA: &str = "Tickets";

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    List,
    Read,
    Register,
    Start,
    Wait,
    Resume,
    Escalate,
    Resolve,
    Accept,
    Cancel,
    RecordContact,
    Handoff,
    Assign,
    Authorize,
    RequestCallback,
    CallbackDone,
    Arrival,
    Update,
    ChangeKind,
    ListOnsiteRequests,
    Notifications,
    Intake,
    Reply,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::List,
        Act::Read,
        Act::Register,
        Act::Start,
        Act::Wait,
        Act::Resume,
        Act::Escalate,
        Act::Resolve,
        Act::Accept,
        Act::Cancel,
        Act::RecordContact,
        Act::Handoff,
        Act::Assign,
        Act::Authorize,
        Act::RequestCallback,
        Act::CallbackDone,
        Act::Arrival,
        Act::Update,
        Act::ChangeKind,
        Act::ListOnsiteRequests,
        Act::Notifications,
        Act::Intake,
        Act::Reply,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::List => "List tickets",
            Act::Read => "Read a ticket, its timeline and authorizations",
            Act::Register => "Register a ticket, preview its due times",
            Act::Start => "Start work on a ticket",
            Act::Wait => "Wait on the customer",
            Act::Resume => "Resume a waiting ticket",
            Act::Escalate => "Escalate a ticket",
            Act::Resolve => "Resolve a ticket",
            Act::Accept => "Record the customer's acceptance",
            Act::Cancel => "Cancel a ticket opened by mistake",
            Act::RecordContact => "Record a customer's further contact about a ticket",
            Act::Handoff => "Hand a ticket to another owner",
            Act::Assign => "Assign a ticket",
            Act::Authorize => "Record a remote authorization",
            Act::RequestCallback => "Promise a callback",
            Act::CallbackDone => "Record a callback made",
            Act::Arrival => "Record the arrival on site",
            Act::Update => "Change a ticket's priority, site or text",
            Act::ChangeKind => "Change a ticket's request kind, with a reason",
            Act::ListOnsiteRequests => "List on-site registrations",
            Act::Notifications => "Read and mark their notifications",
            Act::Intake => "Work the e-mail intake queue (convert to a ticket, discard)",
            Act::Reply => "Reply to a ticket's contact by e-mail",
        }
    }
}

/// Who registers tickets: the hotline, remote engineers and supervisors (inspections).
const REGISTRARS: &[Role] = &[Role::Agent, Role::RemoteEngineer, Role::Supervisor];

/// Who works any ticket, owned or not (besides the admin).
const LEADS: &[Role] = &[Role::Supervisor];

/// Who may own a ticket (the target of a handoff).
pub const TICKET_OWNERS: &[Role] = &[Role::Agent, Role::Supervisor, Role::RemoteEngineer];

/// Who may be assigned a ticket.
pub const TICKET_WORKERS: &[Role] = &[Role::Agent, Role::Supervisor, Role::RemoteEngineer, Role::Technician];

/// Whom the SLA scan alerts at its second step.
pub const SLA_STEP_2_AUDIENCE: Role = Role::Supervisor;

/// Whom the SLA scan alerts at its third step and after.
pub const SLA_STEP_3_AUDIENCE: Role = Role::Manager;

/// Who is told when an on-site ticket is flagged for dispatch first.
pub const DISPATCH_FLAG_AUDIENCE: Role = Role::Dispatcher;

/// Yes for the listed roles and the admin, the tie for everyone else.
fn or_tied(role: Role, yes: &[Role], tie: Tie) -> Grant {
    match super::roles(role, yes) {
        Grant::Yes => Grant::Yes,
        _ => Grant::Tied(tie),
    }
}

pub fn grant(role: Role, act: Act) -> Grant {
    match act {
        Act::List if role == Role::Technician => Grant::Tied(Tie::Assignee),
        Act::Read if role == Role::Technician => Grant::Tied(Tie::OwnerAssigneeOrVisit),
        Act::List | Act::Read | Act::ListOnsiteRequests => super::roles(role, OFFICE),
        Act::Register | Act::RecordContact | Act::Intake => super::roles(role, REGISTRARS),
        Act::Start
        | Act::Wait
        | Act::Resume
        | Act::Escalate
        | Act::Resolve
        | Act::Accept
        | Act::Authorize
        | Act::RequestCallback
        | Act::CallbackDone
        | Act::Update
        | Act::ChangeKind
        | Act::Reply => or_tied(role, LEADS, Tie::OwnerOrAssignee),
        Act::Handoff | Act::Cancel => or_tied(role, LEADS, Tie::Owner),
        Act::Assign | Act::Arrival => or_tied(role, &[Role::Supervisor, Role::Dispatcher], Tie::OwnerOrAssignee),
        Act::Notifications => Grant::Yes,
    }
}

/// The facts of a ticket the ties read: its owner and assignee.
pub fn facts(owner: i64, assignee: Option<i64>) -> Facts {
    Facts {
        owner: Some(owner),
        assignee,
        ..Facts::default()
    }
}

/// Whether the caller's open visits on the ticket must be looked up to judge them: only for a
/// technician who neither owns nor is assigned it (a visit on it lets them read it). When they
/// hold one, `Facts::visit_holder` is set to them.
pub fn needs_visit_lookup(caller: &Caller, facts: &Facts) -> bool {
    caller.is_technician() && !facts.ties(caller.id, Tie::OwnerOrAssignee)
}

/// A technician sees only the tickets they own or work or hold an open visit on: any other
/// ticket is "not found" to them (checked before whether they may take the action; one they
/// may only read is refused a change with 403).
pub fn hidden(caller: &Caller, facts: &Facts) -> bool {
    caller.is_technician() && !facts.ties(caller.id, Tie::OwnerAssigneeOrVisit)
}

/// Whether the caller may take a change on a ticket with these facts.
pub fn may(caller: &Caller, act: Act, facts: &Facts) -> bool {
    super::allows(caller, super::Action::Tickets(act), facts)
}

/// Checks a change of a ticket: hidden tickets are not found, others refused when not allowed.
/// `not_found` makes the "not found" answer of the ticket in hand.
pub fn check_change(
    caller: &Caller,
    action: super::Action,
    facts: &Facts,
    not_found: impl FnOnce() -> AppError,
) -> Result<(), AppError> {
    if hidden(caller, facts) {
        return Err(not_found());
    }
    if !super::allows(caller, action, facts) {
        return Err(AppError::Forbidden(format!(
            "the {} role may not do this to a ticket it does not own",
            caller.role
        )));
    }
    Ok(())
}

/// Checks reading a ticket: hidden tickets are not found, roles without the read refused.
pub fn check_read(caller: &Caller, facts: &Facts, not_found: impl FnOnce() -> AppError) -> Result<(), AppError> {
    if hidden(caller, facts) {
        return Err(not_found());
    }
    if !caller.is_technician() {
        super::require(caller, super::Action::Tickets(Act::Read))?;
    }
    Ok(())
}

/// The assignee a ticket list is limited to: a technician's list shows only their own tickets.
pub fn list_scope(caller: &Caller) -> Result<Option<i64>, AppError> {
    match grant(caller.role, Act::List) {
        Grant::Tied(Tie::Assignee) => Ok(Some(caller.id.0)),
        Grant::Yes => Ok(None),
        _ => Err(super::forbidden(caller.role)),
    }
}

/// Whether a user of this role may own a ticket (be handed it).
pub fn may_own(role: Role) -> bool {
    TICKET_OWNERS.contains(&role)
}

/// Whether a user of this role may be assigned a ticket.
pub fn may_work(role: Role) -> bool {
    TICKET_WORKERS.contains(&role)
}

/// A stored role name as a role.
pub fn role_named(name: &str) -> Option<Role> {
    Role::parse(name)
}

/// Who the SLA scan alerts at a step past the first (the first goes to the ticket's people):
/// the audience's name in the alert and its role.
pub fn sla_audience(step: i32) -> (&'static str, Role) {
    if step == 2 {
        ("supervisors", SLA_STEP_2_AUDIENCE)
    } else {
        ("managers", SLA_STEP_3_AUDIENCE)
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
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Tickets(*a)).collect();
        let t = Action::Tickets;
        let work = "Y own+ own+ own+ own+ Y own+ own+";
        let table: &[(Action, &str)] = &[
            //                                admin agent remote dispatcher tech supervisor am manager
            (t(Act::List), "Y Y Y Y asg Y Y Y"),
            (t(Act::Read), "Y Y Y Y own+v Y Y Y"),
            (t(Act::Register), "Y Y Y - - Y - -"),
            (t(Act::Start), work),
            (t(Act::Wait), work),
            (t(Act::Resume), work),
            (t(Act::Escalate), work),
            (t(Act::Resolve), work),
            (t(Act::Accept), work),
            (t(Act::Cancel), "Y own own own own Y own own"),
            (t(Act::RecordContact), "Y Y Y - - Y - -"),
            (t(Act::Handoff), "Y own own own own Y own own"),
            (t(Act::Assign), "Y own+ own+ Y own+ Y own+ own+"),
            (t(Act::Authorize), work),
            (t(Act::RequestCallback), work),
            (t(Act::CallbackDone), work),
            (t(Act::Arrival), "Y own+ own+ Y own+ Y own+ own+"),
            (t(Act::Update), work),
            (t(Act::ChangeKind), work),
            (t(Act::ListOnsiteRequests), "Y Y Y Y - Y Y Y"),
            (t(Act::Notifications), "Y Y Y Y Y Y Y Y"),
            (t(Act::Intake), "Y Y Y - - Y - -"),
            (t(Act::Reply), work),
        ];
        assert_table(&all, table);
    }

    fn caller(id: i64, role: Role) -> Caller {
        Caller::new(UserId(id), role)
    }

    #[test]
    fn a_technician_not_involved_does_not_find_the_ticket() {
        let f = facts(1, Some(2));
        let nf = || AppError::not_found("ticket", 9);
        let err = check_change(
            &caller(3, Role::Technician),
            super::super::Action::Tickets(Act::Start),
            &f,
            nf,
        )
        .unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{err:?}");
        assert!(check_change(
            &caller(2, Role::Technician),
            super::super::Action::Tickets(Act::Start),
            &f,
            nf
        )
        .is_ok());
        assert!(check_read(&caller(1, Role::Technician), &f, nf).is_ok());
        assert!(matches!(
            check_read(&caller(3, Role::Technician), &f, nf),
            Err(AppError::NotFound(_))
        ));
        // Anyone else not involved is refused, not kept in the dark.
        let err = check_change(
            &caller(3, Role::Agent),
            super::super::Action::Tickets(Act::Start),
            &f,
            nf,
        )
        .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");
        assert!(check_read(&caller(3, Role::Agent), &f, nf).is_ok());
    }

    #[test]
    fn a_technician_on_a_visit_reads_the_ticket_and_changes_nothing() {
        let nf = || AppError::not_found("ticket", 9);
        let tech = caller(3, Role::Technician);
        let plain = facts(1, Some(2));
        assert!(needs_visit_lookup(&tech, &plain));
        assert!(!needs_visit_lookup(&caller(2, Role::Technician), &plain));
        assert!(!needs_visit_lookup(&caller(3, Role::Agent), &plain));
        let on_visit = Facts {
            visit_holder: Some(3),
            ..plain
        };
        assert!(check_read(&tech, &on_visit, nf).is_ok());
        for act in [
            Act::Start,
            Act::Escalate,
            Act::Resolve,
            Act::Update,
            Act::Authorize,
            Act::Arrival,
        ] {
            let err = check_change(&tech, super::super::Action::Tickets(act), &on_visit, nf).unwrap_err();
            assert!(matches!(err, AppError::Forbidden(_)), "{act:?}: {err:?}");
        }
        // Another technician's visit does not open it to this one.
        let theirs = Facts {
            visit_holder: Some(4),
            ..plain
        };
        assert!(matches!(check_read(&tech, &theirs, nf), Err(AppError::NotFound(_))));
    }

    #[test]
    fn a_handoff_takes_the_owner_the_assignee_is_not_enough() {
        let f = facts(1, Some(2));
        assert!(may(&caller(1, Role::Agent), Act::Handoff, &f));
        assert!(!may(&caller(2, Role::Agent), Act::Handoff, &f));
        assert!(may(&caller(2, Role::Agent), Act::Assign, &f));
        assert!(may(&caller(5, Role::Supervisor), Act::Handoff, &f));
        assert!(may(&caller(5, Role::Dispatcher), Act::Arrival, &f));
        assert!(!may(&caller(5, Role::Dispatcher), Act::Handoff, &f));
    }

    #[test]
    fn a_technicians_list_is_their_own() {
        assert_eq!(list_scope(&caller(4, Role::Technician)).unwrap(), Some(4));
        assert_eq!(list_scope(&caller(4, Role::Manager)).unwrap(), None);
    }

    #[test]
    fn owners_and_workers_are_the_ticket_roles() {
        assert!(may_own(Role::RemoteEngineer));
        assert!(!may_own(Role::Technician));
        assert!(may_work(Role::Technician));
        assert!(!may_work(Role::Dispatcher));
        assert!(!may_work(Role::Admin));
    }

    #[test]
    fn the_sla_alerts_climb_to_supervisors_then_managers() {
        assert_eq!(sla_audience(2), ("supervisors", Role::Supervisor));
        assert_eq!(sla_audience(3), ("managers", Role::Manager));
        assert_eq!(DISPATCH_FLAG_AUDIENCE, Role::Dispatcher);
    }
}
