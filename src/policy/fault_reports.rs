//! Who may mark, follow and end major faults, and who may write, review, send and read fault
//! analysis reports.
//!
//! Major faults: anyone in the office acts on any ticket's major fault; a technician only on a
//! ticket they own or are assigned, and another ticket is "not found" to them. The managers
//! track the list of major faults; technicians do not.
//!
//! Fault reports: supervisors lead them (start, review, send, correct); the author (a supervisor
//! or a technician) writes and submits; a report is reviewed by a supervisor other than its
//! author. Supervisors and managers read every report, an account manager the reports of the customers they
//! manage, a technician the reports they author; anyone else is refused, and a report outside
//! the caller's reach is "not found".

use super::{allows, grant as grant_of, roles, Action, Caller, Facts, Grant, Tie, OFFICE};
use crate::error::AppError;
use fieldline_mobile_api::Role;

pub const AREA: &str = "Major faults and fault reports";

/// The users told when a report waits for review.
pub const REVIEWERS: Role = Role::Supervisor;

/// The users (besides the customer's account manager) told of every major fault: the
/// department managers.
pub const MAJOR_FAULT_MANAGERS: Role = Role::Manager;

/// The roles that lead fault reports.
const LEADS: &[Role] = &[Role::Supervisor];

/// The roles that read every fault report: those who lead them, and the department managers
/// who track the major faults the reports close.
const READERS: &[Role] = &[Role::Supervisor, Role::Manager];

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Mark a ticket a major fault (the notice goes out at once).
    DeclareMajorFault,
    /// Read a ticket's major fault.
    ReadMajorFault,
    /// Give an open major fault a new handling plan.
    UpdateMajorFault,
    /// End a major fault.
    EndMajorFault,
    /// The list of major faults.
    ListMajorFaults,
    /// Start a ticket's fault report.
    CreateReport,
    /// Read a fault report (and list the reports within reach).
    ReadReport,
    /// Change a draft or returned report.
    EditReport,
    /// Hand a report in for review.
    SubmitReport,
    /// Approve a submitted report (not one's own).
    ApproveReport,
    /// Return a submitted report to its author (not one's own).
    ReturnReport,
    /// E-mail an approved report.
    SendReport,
    /// Start a corrected revision.
    ReviseReport,
    /// Name someone else a report's author.
    NameAuthor,
    /// Be named a report's author (a property of the named user's role).
    AuthorReport,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::DeclareMajorFault,
        Act::ReadMajorFault,
        Act::UpdateMajorFault,
        Act::EndMajorFault,
        Act::ListMajorFaults,
        Act::CreateReport,
        Act::ReadReport,
        Act::EditReport,
        Act::SubmitReport,
        Act::ApproveReport,
        Act::ReturnReport,
        Act::SendReport,
        Act::ReviseReport,
        Act::NameAuthor,
        Act::AuthorReport,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::DeclareMajorFault => "Mark a ticket a major fault",
            Act::ReadMajorFault => "Read a ticket's major fault",
            Act::UpdateMajorFault => "Update a major fault's handling plan",
            Act::EndMajorFault => "End a major fault",
            Act::ListMajorFaults => "List the major faults",
            Act::CreateReport => "Start a fault analysis report",
            Act::ReadReport => "Read a fault analysis report",
            Act::EditReport => "Change a draft or returned fault report",
            Act::SubmitReport => "Submit a fault report for review",
            Act::ApproveReport => "Approve a fault report (not their own)",
            Act::ReturnReport => "Return a fault report to its author (not their own)",
            Act::SendReport => "Send an approved fault report",
            Act::ReviseReport => "Start a corrected revision of a fault report",
            Act::NameAuthor => "Name another author of a fault report",
            Act::AuthorReport => "Be named a fault report's author",
        }
    }

    /// The verb of a step on a report, as the refusals say it.
    fn verb(self) -> &'static str {
        match self {
            Act::EditReport => "edit",
            Act::SubmitReport => "submit",
            Act::ApproveReport => "approve",
            Act::ReturnReport => "return",
            Act::SendReport => "send",
            Act::ReviseReport => "revise",
            _ => "change",
        }
    }
}

pub fn grant(role: Role, act: Act) -> Grant {
    match act {
        Act::DeclareMajorFault | Act::ReadMajorFault | Act::UpdateMajorFault | Act::EndMajorFault => {
            if role == Role::Technician {
                Grant::Tied(Tie::OwnerOrAssignee)
            } else {
                Grant::Yes
            }
        }
        Act::ListMajorFaults => roles(role, OFFICE),
        Act::CreateReport
        | Act::ApproveReport
        | Act::ReturnReport
        | Act::SendReport
        | Act::ReviseReport
        | Act::NameAuthor => roles(role, LEADS),
        Act::ReadReport => match role {
            Role::Technician => Grant::Tied(Tie::Author),
            Role::AccountManager => Grant::Tied(Tie::AccountManager),
            _ => roles(role, READERS),
        },
        Act::EditReport | Act::SubmitReport => match role {
            Role::Technician | Role::AccountManager => Grant::Tied(Tie::Author),
            _ => roles(role, LEADS),
        },
        Act::AuthorReport => roles(role, &[Role::Supervisor, Role::Technician]),
    }
}

fn may(caller: &Caller, act: Act, facts: &Facts) -> bool {
    allows(caller, Action::FaultReports(act), facts)
}

// ---------------------------------------------------------------- major faults

/// Whether the caller may take `act` on the major fault of a ticket with this owner and
/// assignee. A technician who is not involved does not learn that the ticket exists (404).
pub fn major_fault(
    caller: &Caller,
    act: Act,
    ticket_id: i64,
    owner: i64,
    assignee: Option<i64>,
) -> Result<(), AppError> {
    let facts = Facts {
        owner: Some(owner),
        assignee,
        ..Facts::default()
    };
    if may(caller, act, &facts) {
        Ok(())
    } else if matches!(grant_of(caller.role, Action::FaultReports(act)), Grant::Tied(_)) {
        Err(AppError::not_found("ticket", ticket_id))
    } else {
        Err(AppError::Forbidden(format!(
            "the {} role may not do this to a ticket it does not own",
            caller.role
        )))
    }
}

/// The list of major faults.
pub fn list_major_faults(caller: &Caller) -> Result<(), AppError> {
    super::require(caller, Action::FaultReports(Act::ListMajorFaults))
}

// ---------------------------------------------------------------- fault reports

/// Starting a report.
pub fn create_report(caller: &Caller) -> Result<(), AppError> {
    match grant_of(caller.role, Action::FaultReports(Act::CreateReport)) {
        Grant::Yes => Ok(()),
        _ => Err(AppError::Forbidden(format!(
            "the {} role may not start a fault analysis report",
            caller.role
        ))),
    }
}

fn may_not_read(role: Role) -> AppError {
    AppError::Forbidden(format!("the {role} role may not read fault analysis reports"))
}

/// Which reports a caller reads: all of them (`None`), or those they are tied to.
pub fn read_scope(caller: &Caller) -> Result<Option<Tie>, AppError> {
    match grant_of(caller.role, Action::FaultReports(Act::ReadReport)) {
        Grant::Yes => Ok(None),
        Grant::Tied(tie) => Ok(Some(tie)),
        Grant::With(g) if caller.holds(g) => Ok(None),
        Grant::No | Grant::With(_) => Err(may_not_read(caller.role)),
    }
}

/// Reading one report: refused (403) for a role that reads none, "not found" for a report
/// outside the caller's reach.
pub fn read_report(caller: &Caller, report_id: i64, author: i64, account_manager: Option<i64>) -> Result<(), AppError> {
    read_scope(caller)?;
    let facts = Facts {
        author: Some(author),
        account_manager,
        ..Facts::default()
    };
    if may(caller, Act::ReadReport, &facts) {
        Ok(())
    } else {
        Err(AppError::not_found("fault report", report_id))
    }
}

/// A step on a report by `author` (edit, submit, approve, return, send, revise): the role must
/// be granted it (the author edits and submits their own), and a reviewer is not the author.
pub fn report_step(caller: &Caller, act: Act, author: i64) -> Result<(), AppError> {
    let facts = Facts {
        author: Some(author),
        ..Facts::default()
    };
    if !may(caller, act, &facts) {
        return Err(AppError::Forbidden(format!(
            "the {} role may not {} a fault report",
            caller.role,
            act.verb()
        )));
    }
    if matches!(act, Act::ApproveReport | Act::ReturnReport) && caller.id.0 == author {
        return Err(AppError::Forbidden(format!(
            "the author may not {} their own report; another supervisor reviews it",
            act.verb()
        )));
    }
    Ok(())
}

/// Naming another author of a report.
pub fn name_author(caller: &Caller) -> Result<(), AppError> {
    match grant_of(caller.role, Action::FaultReports(Act::NameAuthor)) {
        Grant::Yes => Ok(()),
        _ => Err(AppError::Forbidden("only a supervisor names a report's author".into())),
    }
}

/// Whether a user of this role may be named a report's author.
pub fn may_author(role: Role) -> bool {
    grant_of(role, Action::FaultReports(Act::AuthorReport)) == Grant::Yes
}

/// A user's role as stored, and whether it may author a report; `None` for an unknown role.
pub fn author_role(stored: &str) -> Option<(Role, bool)> {
    Role::parse(stored).map(|r| (r, may_author(r)))
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;
    use fieldline_mobile_api::UserId;

    /// Written by hand, not from `grant`: cells per role as `assert_table` reads them.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::FaultReports(*a)).collect();
        let f = Action::FaultReports;
        #[rustfmt::skip]
        let table: &[(Action, &str)] = &[
            //                            adm ag  re  di  tech sup am   mgr
            (f(Act::DeclareMajorFault), "Y   Y   Y   Y   own+ Y   Y    Y"),
            (f(Act::ReadMajorFault),    "Y   Y   Y   Y   own+ Y   Y    Y"),
            (f(Act::UpdateMajorFault),  "Y   Y   Y   Y   own+ Y   Y    Y"),
            (f(Act::EndMajorFault),     "Y   Y   Y   Y   own+ Y   Y    Y"),
            (f(Act::ListMajorFaults),   "Y   Y   Y   Y   -    Y   Y    Y"),
            (f(Act::CreateReport),      "Y   -   -   -   -    Y   -    -"),
            (f(Act::ReadReport),        "Y   -   -   -   auth Y   am   Y"),
            (f(Act::EditReport),        "Y   -   -   -   auth Y   auth -"),
            (f(Act::SubmitReport),      "Y   -   -   -   auth Y   auth -"),
            (f(Act::ApproveReport),     "Y   -   -   -   -    Y   -    -"),
            (f(Act::ReturnReport),      "Y   -   -   -   -    Y   -    -"),
            (f(Act::SendReport),        "Y   -   -   -   -    Y   -    -"),
            (f(Act::ReviseReport),      "Y   -   -   -   -    Y   -    -"),
            (f(Act::NameAuthor),        "Y   -   -   -   -    Y   -    -"),
            (f(Act::AuthorReport),      "Y   -   -   -   Y    Y   -    -"),
        ];
        assert_table(&all, table);
    }

    fn caller(id: i64, role: Role) -> Caller {
        Caller::new(UserId(id), role)
    }

    fn status(e: AppError) -> String {
        match e {
            AppError::Forbidden(m) => format!("403 {m}"),
            AppError::NotFound(m) => format!("404 {m}"),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_technician_not_involved_does_not_see_the_ticket() {
        let tech = caller(5, Role::Technician);
        for act in [Act::ReadMajorFault, Act::UpdateMajorFault, Act::EndMajorFault] {
            assert!(major_fault(&tech, act, 1, 5, None).is_ok(), "owner");
            assert!(major_fault(&tech, act, 1, 6, Some(5)).is_ok(), "assignee");
            assert!(status(major_fault(&tech, act, 1, 6, Some(7)).unwrap_err()).starts_with("404"));
            assert!(major_fault(&caller(9, Role::Agent), act, 1, 6, None).is_ok());
        }
        assert!(list_major_faults(&tech).is_err());
        assert!(list_major_faults(&caller(9, Role::Manager)).is_ok());
    }

    #[test]
    fn the_author_cannot_review_their_own_report() {
        let (author, other) = (7, 8);
        let own = report_step(&caller(author, Role::Supervisor), Act::ApproveReport, author).unwrap_err();
        assert_eq!(
            status(own),
            "403 the author may not approve their own report; another supervisor reviews it"
        );
        assert!(report_step(&caller(author, Role::Supervisor), Act::ReturnReport, author).is_err());
        assert!(report_step(&caller(other, Role::Supervisor), Act::ApproveReport, author).is_ok());
        assert!(report_step(&caller(other, Role::Admin), Act::ReturnReport, author).is_ok());
        assert!(report_step(&caller(author, Role::Admin), Act::ApproveReport, author).is_err());
    }

    #[test]
    fn who_may_do_what() {
        let (author, other) = (7, 8);
        // A technician named as the author writes and submits, nothing more.
        for act in [Act::EditReport, Act::SubmitReport] {
            assert!(report_step(&caller(author, Role::Technician), act, author).is_ok());
            assert!(report_step(&caller(other, Role::Technician), act, author).is_err());
        }
        for act in [
            Act::ApproveReport,
            Act::ReturnReport,
            Act::SendReport,
            Act::ReviseReport,
        ] {
            let e = report_step(&caller(author, Role::Technician), act, author).unwrap_err();
            assert_eq!(
                status(e),
                format!("403 the technician role may not {} a fault report", act.verb())
            );
        }
        // Any supervisor edits, submits, sends and revises.
        for act in [Act::EditReport, Act::SubmitReport, Act::SendReport, Act::ReviseReport] {
            assert!(report_step(&caller(other, Role::Supervisor), act, author).is_ok());
            assert!(report_step(&caller(author, Role::Supervisor), act, author).is_ok());
        }
        // Account managers read; they change nothing.
        for act in [
            Act::EditReport,
            Act::SubmitReport,
            Act::ApproveReport,
            Act::SendReport,
            Act::ReviseReport,
        ] {
            assert!(report_step(&caller(other, Role::AccountManager), act, author).is_err());
        }
        assert!(create_report(&caller(1, Role::Supervisor)).is_ok() && create_report(&caller(1, Role::Admin)).is_ok());
        assert!(create_report(&caller(1, Role::Technician)).is_err());
        assert!(create_report(&caller(1, Role::AccountManager)).is_err());
        assert!(may_author(Role::Technician) && may_author(Role::Supervisor) && !may_author(Role::Agent));
        assert_eq!(author_role("technician"), Some((Role::Technician, true)));
        assert_eq!(author_role("agent"), Some((Role::Agent, false)));
        assert_eq!(author_role("nobody"), None);
        assert!(
            name_author(&caller(1, Role::Supervisor)).is_ok() && name_author(&caller(1, Role::Technician)).is_err()
        );
    }

    #[test]
    fn who_reads_which_report() {
        let (author, am) = (7, 9);
        assert!(read_report(&caller(1, Role::Supervisor), 3, author, None).is_ok());
        assert!(read_report(&caller(author, Role::Technician), 3, author, None).is_ok());
        assert!(status(read_report(&caller(8, Role::Technician), 3, author, None).unwrap_err()).starts_with("404"));
        assert!(read_report(&caller(am, Role::AccountManager), 3, author, Some(am)).is_ok());
        assert!(
            status(read_report(&caller(am, Role::AccountManager), 3, author, Some(2)).unwrap_err()).starts_with("404")
        );
        assert_eq!(
            status(read_report(&caller(1, Role::Agent), 3, author, None).unwrap_err()),
            "403 the agent role may not read fault analysis reports"
        );
        assert_eq!(read_scope(&caller(1, Role::Admin)).unwrap(), None);
        assert_eq!(read_scope(&caller(1, Role::Technician)).unwrap(), Some(Tie::Author));
        assert_eq!(
            read_scope(&caller(1, Role::Manager)).unwrap(),
            None,
            "managers read every report"
        );
    }
}
