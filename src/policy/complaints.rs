//! Who may read complaints, work each level of the complaint ladder, and set its time limits.
//!
//! The first level is the first responder's (the ticket's owner, who keeps the complaint on
//! every level); supervisors and managers may step in. The escalated level is the supervisors'
//! (and managers'), the appeal the managers'. Working a level is stating its resolution to the
//! customer and recording the customer's answer; the level's handlers are also the ones told
//! when a complaint reaches it.

use super::{roles, Action, Caller, Facts, Grant, Tie, OFFICE};
use crate::error::AppError;
use fieldline_mobile_api::{ComplaintLevel, Role};

pub const AREA: &str = "Complaints";

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// The complaint list and one complaint with its ladder.
    Read,
    /// Name what a complaint from the portal or an e-mail is about.
    NameSubject,
    /// State the resolution and record the customer's answer at the complaint level.
    WorkComplaint,
    /// The same at the escalated level.
    WorkEscalated,
    /// The same at appeal.
    WorkAppeal,
    /// The level limits of each customer tier.
    EditLimits,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::Read,
        Act::NameSubject,
        Act::WorkComplaint,
        Act::WorkEscalated,
        Act::WorkAppeal,
        Act::EditLimits,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::Read => "Read complaints and their ladder",
            Act::NameSubject => "Name what a complaint is about",
            Act::WorkComplaint => "Work a complaint at the complaint level",
            Act::WorkEscalated => "Work a complaint at the escalated level",
            Act::WorkAppeal => "Work a complaint at appeal",
            Act::EditLimits => "Change the complaint level limits",
        }
    }

    /// The action of working a complaint at `level`.
    pub fn work(level: ComplaintLevel) -> Act {
        match level {
            ComplaintLevel::Complaint => Act::WorkComplaint,
            ComplaintLevel::Escalated => Act::WorkEscalated,
            ComplaintLevel::Appeal => Act::WorkAppeal,
        }
    }
}

/// Who steps in at the first level besides its owner.
const FIRST_LEVEL_LEADS: &[Role] = &[Role::Supervisor, Role::Manager];
/// The escalated level's handlers.
const ESCALATED_HANDLERS: &[Role] = &[Role::Supervisor, Role::Manager];
/// The appeal's handlers.
const APPEAL_HANDLERS: &[Role] = &[Role::Manager];

pub fn grant(role: Role, act: Act) -> Grant {
    match act {
        Act::Read => roles(role, OFFICE),
        Act::NameSubject | Act::WorkComplaint => match roles(role, FIRST_LEVEL_LEADS) {
            Grant::Yes => Grant::Yes,
            _ if super::tickets::may_own(role) => Grant::Tied(Tie::Owner),
            _ => Grant::No,
        },
        Act::WorkEscalated => roles(role, ESCALATED_HANDLERS),
        Act::WorkAppeal => roles(role, APPEAL_HANDLERS),
        Act::EditLimits => roles(role, &[]),
    }
}

/// Checks an action that is not about one complaint.
pub fn require(caller: &Caller, act: Act) -> Result<(), AppError> {
    super::require(caller, Action::Complaints(act))
}

/// Checks working the complaint at `level` (its owner given).
pub fn check_work(caller: &Caller, level: ComplaintLevel, owner: i64) -> Result<(), AppError> {
    let facts = Facts {
        owner: Some(owner),
        ..Facts::default()
    };
    if super::allows(caller, Action::Complaints(Act::work(level)), &facts) {
        return Ok(());
    }
    Err(AppError::Forbidden(format!(
        "the {} role may not work a complaint at the {level} level{}",
        caller.role,
        if level == ComplaintLevel::Complaint {
            " unless it owns it"
        } else {
            ""
        }
    )))
}

/// Checks naming a complaint's subject (its owner given).
pub fn check_name_subject(caller: &Caller, owner: i64) -> Result<(), AppError> {
    let facts = Facts {
        owner: Some(owner),
        ..Facts::default()
    };
    if super::allows(caller, Action::Complaints(Act::NameSubject), &facts) {
        Ok(())
    } else {
        Err(super::forbidden(caller.role))
    }
}

/// Whether the caller may work the complaint at `level` (for the screens' buttons).
pub fn may_work(caller: &Caller, level: ComplaintLevel, owner: i64) -> bool {
    check_work(caller, level, owner).is_ok()
}

/// The role whose active users handle a level when no one person does: every supervisor at the
/// escalated level (when the owner has no supervisor of their own), every manager at appeal.
pub fn level_audience(level: ComplaintLevel) -> Option<Role> {
    match level {
        ComplaintLevel::Complaint => None,
        ComplaintLevel::Escalated => Some(Role::Supervisor),
        ComplaintLevel::Appeal => Some(Role::Manager),
    }
}

/// Whether a user of this stored role can be named as the subject `staff` (anyone but a
/// technician, who is named as `technician`).
pub fn may_be_staff_subject(role: &str) -> bool {
    Role::parse(role).is_some_and(|r| r != Role::Technician)
}

/// Whether a user of this stored role can be named as the subject `technician`.
pub fn may_be_technician_subject(role: &str) -> bool {
    Role::parse(role) == Some(Role::Technician)
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;
    use fieldline_mobile_api::UserId;

    /// Written by hand, not from `grant`: cells per role as `assert_table` reads them.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Complaints(*a)).collect();
        let c = Action::Complaints;
        let table: &[(Action, &str)] = &[
            //                          adm ag  re  dis tec sup am  man
            (c(Act::Read), "            Y   Y   Y   Y   -   Y   Y   Y"),
            (c(Act::NameSubject), "     Y   own own -   -   Y   -   Y"),
            (c(Act::WorkComplaint), "   Y   own own -   -   Y   -   Y"),
            (c(Act::WorkEscalated), "   Y   -   -   -   -   Y   -   Y"),
            (c(Act::WorkAppeal), "      Y   -   -   -   -   -   -   Y"),
            (c(Act::EditLimits), "      Y   -   -   -   -   -   -   -"),
        ];
        assert_table(&all, table);
    }

    #[test]
    fn an_agent_works_only_their_own_complaint_and_only_at_the_first_level() {
        let agent = Caller::new(UserId(5), Role::Agent);
        assert!(may_work(&agent, ComplaintLevel::Complaint, 5));
        assert!(!may_work(&agent, ComplaintLevel::Complaint, 6));
        assert!(!may_work(&agent, ComplaintLevel::Escalated, 5));
        let sup = Caller::new(UserId(7), Role::Supervisor);
        assert!(may_work(&sup, ComplaintLevel::Escalated, 5));
        assert!(!may_work(&sup, ComplaintLevel::Appeal, 5));
        let manager = Caller::new(UserId(8), Role::Manager);
        assert!(may_work(&manager, ComplaintLevel::Appeal, 5));
        assert!(check_work(&agent, ComplaintLevel::Escalated, 5)
            .unwrap_err()
            .to_string()
            .contains("escalated"));
    }
}
