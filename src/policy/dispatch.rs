//! Who may manage technicians, visits and assignment, and what a technician does from the phone.
//!
//! The office reads technicians, visits and the board; dispatchers and supervisors change them.
//! A technician reads their own profile and roster and the visits given to them; a visit of
//! someone else is "not found" to them rather than forbidden. The phone's endpoints are for
//! technicians alone (not even an admin acts as a technician).

use super::{Caller, Facts, Grant, Tie, OFFICE};
use crate::error::AppError;
use fieldline_mobile_api::Role;

pub const AREA: &str = "Dispatch and visits";

/// Who dispatches: dispatchers and supervisors (and admins).
pub const DISPATCHERS: &[Role] = &[Role::Dispatcher, Role::Supervisor];

/// Who moves or cancels a visit by agreement with the customer, makes a quote for paid work and
/// records the customer's answer to it: those who dispatch, and the hotline agents who speak with
/// the customer (seed 003 §三.4, §一.3).
pub const VISIT_AGREEMENTS: &[Role] = &[Role::Dispatcher, Role::Supervisor, Role::Agent];

/// Who is told when a technician declines a visit.
pub const DECLINE_AUDIENCE: Role = Role::Dispatcher;

/// The role whose users are ranked for visits and hold technician profiles.
pub const TECHNICIAN: Role = Role::Technician;

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    ListTechnicians,
    ReadTechnician,
    PutTechnician,
    ReadDuty,
    AddDuty,
    CreateVisit,
    ReadVisit,
    Candidates,
    Assign,
    AutoAssign,
    Unassign,
    RescheduleVisit,
    CancelVisit,
    Board,
    ReadPlans,
    MakePlan,
    ApplyPlan,
    SendPositions,
    ListOwnVisits,
    ReadOwnVisit,
    AcceptVisit,
    DeclineVisit,
    SetOff,
    CheckIn,
    CompleteVisit,
    FailVisit,
    RecordFinding,
    AttachPhoto,
    MakeQuote,
    RecordQuoteAnswer,
    QuoteOnPhone,
    RecordQuoteAnswerOnPhone,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::ListTechnicians,
        Act::ReadTechnician,
        Act::PutTechnician,
        Act::ReadDuty,
        Act::AddDuty,
        Act::CreateVisit,
        Act::ReadVisit,
        Act::Candidates,
        Act::Assign,
        Act::AutoAssign,
        Act::Unassign,
        Act::RescheduleVisit,
        Act::CancelVisit,
        Act::Board,
        Act::ReadPlans,
        Act::MakePlan,
        Act::ApplyPlan,
        Act::SendPositions,
        Act::ListOwnVisits,
        Act::ReadOwnVisit,
        Act::AcceptVisit,
        Act::DeclineVisit,
        Act::SetOff,
        Act::CheckIn,
        Act::CompleteVisit,
        Act::FailVisit,
        Act::RecordFinding,
        Act::AttachPhoto,
        Act::MakeQuote,
        Act::RecordQuoteAnswer,
        Act::QuoteOnPhone,
        Act::RecordQuoteAnswerOnPhone,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::ListTechnicians => "List technicians",
            Act::ReadTechnician => "Read a technician's profile",
            Act::PutTechnician => "Set up a technician's profile",
            Act::ReadDuty => "Read a technician's duty roster",
            Act::AddDuty => "Put a technician on duty",
            Act::CreateVisit => "Make a visit of an on-site registration",
            Act::ReadVisit => "Read a visit",
            Act::Candidates => "Rank the candidates for a visit",
            Act::Assign => "Assign a visit",
            Act::AutoAssign => "Assign a visit to the best candidate",
            Act::Unassign => "Take the technician off a visit",
            Act::RescheduleVisit => "Move a visit to a new window agreed with the customer",
            Act::CancelVisit => "Cancel a visit",
            Act::Board => "See the dispatch board",
            Act::ReadPlans => "Read the day plans of technicians' routes",
            Act::MakePlan => "Plan the technicians' routes of a day",
            Act::ApplyPlan => "Apply a day plan (book its visits)",
            Act::SendPositions => "Send the phone's positions",
            Act::ListOwnVisits => "List their visits on the phone",
            Act::ReadOwnVisit => "Read a visit's job on the phone",
            Act::AcceptVisit => "Accept a visit",
            Act::DeclineVisit => "Decline a visit",
            Act::SetOff => "Set off for a visit",
            Act::CheckIn => "Check in on site",
            Act::CompleteVisit => "Complete a visit",
            Act::FailVisit => "Fail a visit or ask for another",
            Act::RecordFinding => "Report a finding of their inspection visit",
            Act::AttachPhoto => "Attach a photo to their visit",
            Act::MakeQuote => "Make a quote for paid work on a visit",
            Act::RecordQuoteAnswer => "Record the customer's approval or decline of a quote",
            Act::QuoteOnPhone => "Make a quote on their visit from the phone",
            Act::RecordQuoteAnswerOnPhone => "Record the customer's answer to a quote on the phone",
        }
    }
}

pub fn grant(role: Role, act: Act) -> Grant {
    match act {
        Act::ListTechnicians | Act::Board | Act::ReadPlans => super::roles(role, OFFICE),
        // A technician reads their own profile and roster.
        Act::ReadTechnician | Act::ReadDuty if role == Role::Technician => Grant::Tied(Tie::Owner),
        Act::ReadTechnician | Act::ReadDuty => super::roles(role, OFFICE),
        Act::ReadVisit if role == Role::Technician => Grant::Tied(Tie::Assignee),
        Act::ReadVisit => super::roles(role, OFFICE),
        Act::PutTechnician
        | Act::AddDuty
        | Act::CreateVisit
        | Act::Candidates
        | Act::Assign
        | Act::AutoAssign
        | Act::MakePlan
        | Act::ApplyPlan
        | Act::Unassign => super::roles(role, DISPATCHERS),
        Act::RescheduleVisit | Act::CancelVisit | Act::MakeQuote | Act::RecordQuoteAnswer => {
            super::roles(role, VISIT_AGREEMENTS)
        }
        // The phone acts for the signed-in technician; an admin is no technician.
        _ if role != Role::Technician => Grant::No,
        Act::SendPositions | Act::ListOwnVisits => Grant::Yes,
        Act::ReadOwnVisit
        | Act::AcceptVisit
        | Act::DeclineVisit
        | Act::SetOff
        | Act::CheckIn
        | Act::CompleteVisit
        | Act::FailVisit
        | Act::RecordFinding
        | Act::AttachPhoto
        | Act::QuoteOnPhone
        | Act::RecordQuoteAnswerOnPhone => Grant::Tied(Tie::Assignee),
    }
}

fn action(act: Act) -> super::Action {
    super::Action::Dispatch(act)
}

/// Checks an action that is not about one object (a list, a create): the role must have `Yes`.
pub fn require(caller: &Caller, act: Act) -> Result<(), AppError> {
    super::require(caller, action(act))
}

/// Checks an action on one technician's profile or roster (`id` is the technician's user id).
/// A technician reads their own (the profile's owner is its technician).
pub fn require_on_technician(caller: &Caller, act: Act, id: i64) -> Result<(), AppError> {
    let facts = Facts {
        owner: Some(id),
        ..Facts::default()
    };
    if super::allows(caller, action(act), &facts) {
        Ok(())
    } else {
        Err(super::forbidden(caller.role))
    }
}

/// Checks reading visit `id`, whose technician is `assignee`: a technician not on it is told it
/// does not exist; another role that may not read visits is refused.
pub fn require_on_visit(caller: &Caller, act: Act, id: i64, assignee: Option<i64>) -> Result<(), AppError> {
    let facts = Facts {
        assignee,
        ..Facts::default()
    };
    if super::allows(caller, action(act), &facts) {
        Ok(())
    } else if caller.is_technician() {
        Err(AppError::not_found("visit", id))
    } else {
        Err(super::forbidden(caller.role))
    }
}

/// The technician a list of visits is limited to: a technician reads only the visits given to
/// them (None: every visit); a role that may not read visits is refused.
pub fn visit_list_scope(caller: &Caller) -> Result<Option<i64>, AppError> {
    match grant(caller.role, Act::ReadVisit) {
        Grant::Yes => Ok(None),
        Grant::Tied(Tie::Assignee) => Ok(Some(caller.id.0)),
        _ => Err(super::forbidden(caller.role)),
    }
}

/// The refusal of the phone's endpoints to anyone but a technician.
fn not_a_technician() -> AppError {
    AppError::Forbidden("the mobile API is for technicians".into())
}

/// Checks that the caller may use the phone's `act` at all (before any object is read).
pub fn require_phone(caller: &Caller, act: Act) -> Result<(), AppError> {
    match grant(caller.role, act) {
        Grant::No => Err(not_a_technician()),
        Grant::With(g) if !caller.holds(g) => Err(not_a_technician()),
        Grant::Yes | Grant::Tied(_) | Grant::With(_) => Ok(()),
    }
}

/// Checks the phone's `act` on visit `id`, whose technician is `assignee`: anyone else's visit is
/// "not found".
pub fn require_phone_visit(caller: &Caller, act: Act, id: i64, assignee: Option<i64>) -> Result<(), AppError> {
    require_phone(caller, act)?;
    let facts = Facts {
        assignee,
        ..Facts::default()
    };
    if super::allows(caller, action(act), &facts) {
        Ok(())
    } else {
        Err(AppError::not_found("visit", id))
    }
}

/// Whether a user whose stored role is `role` may hold a technician profile.
pub fn may_hold_technician_profile(role: &str) -> bool {
    role == TECHNICIAN.as_str()
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;
    use fieldline_mobile_api::UserId;

    /// Written by hand, not from `grant`: cells per role as `assert_table` reads them.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Dispatch(*a)).collect();
        use Act::*;
        let d = Action::Dispatch;
        #[rustfmt::skip]
        let table: &[(Action, &str)] = &[
            //                       admin agent remote disp tech   super am  manager
            (d(ListTechnicians), "Y     Y     Y      Y    -      Y     Y   Y"),
            (d(ReadTechnician),  "Y     Y     Y      Y    own    Y     Y   Y"),
            (d(PutTechnician),   "Y     -     -      Y    -      Y     -   -"),
            (d(ReadDuty),        "Y     Y     Y      Y    own    Y     Y   Y"),
            (d(AddDuty),         "Y     -     -      Y    -      Y     -   -"),
            (d(CreateVisit),     "Y     -     -      Y    -      Y     -   -"),
            (d(ReadVisit),       "Y     Y     Y      Y    asg    Y     Y   Y"),
            (d(Candidates),      "Y     -     -      Y    -      Y     -   -"),
            (d(Assign),          "Y     -     -      Y    -      Y     -   -"),
            (d(AutoAssign),      "Y     -     -      Y    -      Y     -   -"),
            (d(Unassign),        "Y     -     -      Y    -      Y     -   -"),
            (d(RescheduleVisit), "Y     Y     -      Y    -      Y     -   -"),
            (d(CancelVisit),     "Y     Y     -      Y    -      Y     -   -"),
            (d(Board),           "Y     Y     Y      Y    -      Y     Y   Y"),
            (d(ReadPlans),       "Y     Y     Y      Y    -      Y     Y   Y"),
            (d(MakePlan),        "Y     -     -      Y    -      Y     -   -"),
            (d(ApplyPlan),       "Y     -     -      Y    -      Y     -   -"),
            (d(SendPositions),   "-     -     -      -    Y      -     -   -"),
            (d(ListOwnVisits),   "-     -     -      -    Y      -     -   -"),
            (d(ReadOwnVisit),    "-     -     -      -    asg    -     -   -"),
            (d(AcceptVisit),     "-     -     -      -    asg    -     -   -"),
            (d(DeclineVisit),    "-     -     -      -    asg    -     -   -"),
            (d(SetOff),          "-     -     -      -    asg    -     -   -"),
            (d(CheckIn),         "-     -     -      -    asg    -     -   -"),
            (d(CompleteVisit),   "-     -     -      -    asg    -     -   -"),
            (d(FailVisit),       "-     -     -      -    asg    -     -   -"),
            (d(RecordFinding),   "-     -     -      -    asg    -     -   -"),
            (d(AttachPhoto),     "-     -     -      -    asg    -     -   -"),
            (d(MakeQuote),       "Y     Y     -      Y    -      Y     -   -"),
            (d(RecordQuoteAnswer), "Y   Y     -      Y    -      Y     -   -"),
            (d(QuoteOnPhone),    "-     -     -      -    asg    -     -   -"),
            (d(RecordQuoteAnswerOnPhone), "- - -      -    asg    -     -   -"),
        ];
        assert_table(&all, table);
    }

    fn caller(id: i64, role: Role) -> Caller {
        Caller::new(UserId(id), role)
    }

    #[test]
    fn anyone_reads_their_own_profile_and_a_technician_no_one_elses() {
        let tech = caller(7, Role::Technician);
        assert!(require_on_technician(&tech, Act::ReadTechnician, 7).is_ok());
        assert!(require_on_technician(&tech, Act::ReadDuty, 7).is_ok());
        assert!(matches!(
            require_on_technician(&tech, Act::ReadTechnician, 8),
            Err(AppError::Forbidden(_))
        ));
        assert!(require_on_technician(&caller(1, Role::Agent), Act::ReadDuty, 8).is_ok());
    }

    #[test]
    fn a_technician_not_on_a_visit_is_told_it_does_not_exist() {
        let tech = caller(7, Role::Technician);
        assert!(require_on_visit(&tech, Act::ReadVisit, 3, Some(7)).is_ok());
        assert!(matches!(
            require_on_visit(&tech, Act::ReadVisit, 3, Some(8)),
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            require_on_visit(&tech, Act::ReadVisit, 3, None),
            Err(AppError::NotFound(_))
        ));
        assert!(require_on_visit(&caller(1, Role::Manager), Act::ReadVisit, 3, None).is_ok());
    }

    #[test]
    fn a_technicians_list_of_visits_holds_only_theirs() {
        assert_eq!(visit_list_scope(&caller(7, Role::Technician)).unwrap(), Some(7));
        for role in [Role::Admin, Role::Agent, Role::Dispatcher, Role::Manager] {
            assert_eq!(visit_list_scope(&caller(1, role)).unwrap(), None, "{role}");
        }
    }

    #[test]
    fn the_phone_is_for_technicians_only() {
        let admin = caller(1, Role::Admin);
        let err = require_phone(&admin, Act::SendPositions).unwrap_err();
        assert!(matches!(err, AppError::Forbidden(ref m) if m == "the mobile API is for technicians"));
        assert!(require_phone(&caller(2, Role::Dispatcher), Act::AcceptVisit).is_err());
        let tech = caller(7, Role::Technician);
        assert!(require_phone(&tech, Act::ListOwnVisits).is_ok());
        assert!(require_phone_visit(&tech, Act::CheckIn, 3, Some(7)).is_ok());
        assert!(matches!(
            require_phone_visit(&tech, Act::CheckIn, 3, Some(8)),
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            require_phone_visit(&admin, Act::CheckIn, 3, Some(1)),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn only_technicians_hold_profiles() {
        assert!(may_hold_technician_profile("technician"));
        assert!(!may_hold_technician_profile("dispatcher"));
        assert!(!may_hold_technician_profile("admin"));
    }
}
