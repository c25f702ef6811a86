//! Who may work revisits, read surveys and reports, and plan inspections.
//!
//! Besides the grants: who may be given a revisit to call, whose weekly progress the revisit
//! board shows, whose customers a report covers, and who gets the service reports by e-mail.

use super::{forbidden, roles, Action, Caller, Facts, Grant, Tie, OFFICE};
use crate::error::AppError;
use fieldline_mobile_api::Role;

pub const AREA: &str = "Revisits, surveys, inspections and reports";

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// The revisit queue, one revisit, the revisit files.
    ReadRevisits,
    /// Record a revisit's outcome, take or give back a revisit.
    WorkRevisits,
    /// Work a revisit that is assigned to someone else.
    WorkOthersRevisit,
    /// Assign a revisit to someone other than oneself.
    AssignRevisitToOthers,
    /// Every agent's weekly progress.
    ReadRevisitProgress,
    /// Survey answers.
    ReadSurveys,
    /// Inspection plans and inspections.
    ReadInspections,
    /// Create, change, deactivate and activate inspection plans.
    EditInspectionPlans,
    /// Record a finding on an inspection from the web.
    RecordInspectionFindings,
    /// Service reports.
    ReadReports,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::ReadRevisits,
        Act::WorkRevisits,
        Act::WorkOthersRevisit,
        Act::AssignRevisitToOthers,
        Act::ReadRevisitProgress,
        Act::ReadSurveys,
        Act::ReadInspections,
        Act::EditInspectionPlans,
        Act::RecordInspectionFindings,
        Act::ReadReports,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::ReadRevisits => "Read revisits and revisit files",
            Act::WorkRevisits => "Record a revisit's outcome, take or give back a revisit",
            Act::WorkOthersRevisit => "Work a revisit assigned to someone else",
            Act::AssignRevisitToOthers => "Assign a revisit to someone else",
            Act::ReadRevisitProgress => "Read every agent's revisit progress",
            Act::ReadSurveys => "Read survey answers",
            Act::ReadInspections => "Read inspection plans and inspections",
            Act::EditInspectionPlans => "Create and change inspection plans",
            Act::RecordInspectionFindings => "Record an inspection finding from the web",
            Act::ReadReports => "Read service reports",
        }
    }
}

/// The revisit callers: agents work the queue, supervisors too and hand revisits out.
const REVISIT_WORKERS: &[Role] = &[Role::Agent, Role::Supervisor];
/// Who sees every agent's progress.
const PROGRESS_READERS: &[Role] = &[Role::Supervisor, Role::Manager];
/// Who reads plans and inspections: the plan editors, dispatchers and managers.
const INSPECTION_READERS: &[Role] = &[Role::Supervisor, Role::AccountManager, Role::Dispatcher, Role::Manager];

pub fn grant(role: Role, act: Act) -> Grant {
    let own_customers = Grant::Tied(Tie::AccountManager);
    match act {
        Act::ReadRevisits => roles(role, OFFICE),
        Act::WorkRevisits => roles(role, REVISIT_WORKERS),
        Act::WorkOthersRevisit | Act::AssignRevisitToOthers => roles(role, &[Role::Supervisor]),
        Act::ReadRevisitProgress => roles(role, PROGRESS_READERS),
        Act::ReadInspections => roles(role, INSPECTION_READERS),
        Act::ReadSurveys | Act::ReadReports if role == Role::AccountManager => own_customers,
        Act::ReadSurveys | Act::ReadReports => roles(role, &[Role::Supervisor, Role::Manager]),
        Act::EditInspectionPlans | Act::RecordInspectionFindings if role == Role::AccountManager => own_customers,
        Act::EditInspectionPlans => roles(role, &[Role::Supervisor]),
        Act::RecordInspectionFindings => roles(role, &[Role::Supervisor, Role::Dispatcher]),
    }
}

/// Checks an action whose objects are checked later (or whose lists are scoped): the role must
/// be able to take it on some objects at least.
pub fn require_some(caller: &Caller, act: Act) -> Result<(), AppError> {
    match super::grant(caller.role, Action::Followup(act)) {
        Grant::No => Err(forbidden(caller.role)),
        Grant::With(g) if !caller.holds(g) => Err(forbidden(caller.role)),
        Grant::Yes | Grant::Tied(_) | Grant::With(_) => Ok(()),
    }
}

/// Checks an action that is not about one object: the role must have `Yes`.
pub fn require(caller: &Caller, act: Act) -> Result<(), AppError> {
    super::require(caller, Action::Followup(act))
}

/// Whether the caller may take the action on an object with these facts.
pub fn allows(caller: &Caller, act: Act, facts: &Facts) -> bool {
    super::allows(caller, Action::Followup(act), facts)
}

/// The account manager a caller's lists of `act` are restricted to: their own id when they see
/// their customers' objects only, none when they see all.
pub fn own_customers_only(caller: &Caller, act: Act) -> Option<i64> {
    match super::grant(caller.role, Action::Followup(act)) {
        Grant::Tied(Tie::AccountManager) => Some(caller.id.0),
        _ => None,
    }
}

/// Whether the caller may work a revisit assigned to `assigned_to`: one unassigned or their
/// own, or any with [`Act::WorkOthersRevisit`].
pub fn may_work_revisit(caller: &Caller, assigned_to: Option<i64>) -> bool {
    assigned_to.is_none_or(|a| a == caller.id.0) || allows(caller, Act::WorkOthersRevisit, &Facts::default())
}

/// Whether the caller may give a revisit to `agent` (none: anyone): to themself or nobody, or to
/// anyone with [`Act::AssignRevisitToOthers`].
pub fn may_assign_revisit(caller: &Caller, agent: Option<i64>) -> bool {
    agent.is_none_or(|a| a == caller.id.0) || allows(caller, Act::AssignRevisitToOthers, &Facts::default())
}

/// The roles who can be given a revisit to call.
pub const REVISIT_ASSIGNEES: &[Role] = &[Role::Agent, Role::Supervisor];

/// Whether a user of this stored role can be given a revisit.
pub fn may_be_assigned_revisit(role: &str) -> bool {
    REVISIT_ASSIGNEES.iter().any(|r| r.as_str() == role)
}

/// Whose weekly revisit progress is shown even without an outcome that week (when active).
pub const REVISIT_AGENTS: &[Role] = &[Role::Agent];

/// The report scope a caller gets when asking for `asked` (an account manager's customers, or
/// none for every customer): an account manager their own customers only, whatever they asked.
pub fn report_scope(caller: &Caller, asked: Option<i64>) -> Result<Option<i64>, AppError> {
    require_some(caller, Act::ReadReports)?;
    match own_customers_only(caller, Act::ReadReports) {
        None => Ok(asked),
        Some(me) => match asked {
            None => Ok(Some(me)),
            Some(a) if a == me => Ok(Some(a)),
            Some(_) => Err(AppError::Forbidden(
                "an account manager sees the reports of their own customers only".into(),
            )),
        },
    }
}

/// Whose weekly revisit progress a caller reads: everyone's with [`Act::ReadRevisitProgress`]
/// (none: no restriction); a revisit caller without it, their own line only (their week against
/// the target on the revisit page).
pub fn progress_scope(caller: &Caller) -> Result<Option<i64>, AppError> {
    if allows(caller, Act::ReadRevisitProgress, &Facts::default()) {
        return Ok(None);
    }
    require(caller, Act::WorkRevisits)?;
    Ok(Some(caller.id.0))
}

/// The role whose users a report may be scoped to (their customers).
pub const REPORT_SCOPE_ROLE: Role = Role::AccountManager;

/// Who gets the service reports by e-mail: these roles the report of every customer ...
pub const REPORT_RECIPIENTS_ALL: &[Role] = &[Role::Manager];
/// ... and these the report of the customers they manage (when they manage any).
pub const REPORT_RECIPIENTS_OWN: &[Role] = &[Role::AccountManager];

/// Whether a recipient of this stored role gets the report of their own customers only.
pub fn report_of_own_customers(role: &str) -> bool {
    REPORT_RECIPIENTS_OWN.iter().any(|r| r.as_str() == role)
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;
    use fieldline_mobile_api::UserId;

    /// Written by hand, not from `grant`: cells per role as `assert_table` reads them.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Followup(*a)).collect();
        let f = Action::Followup;
        let table: &[(Action, &str)] = &[
            //                                   adm ag  re  dis tec sup am  man
            (f(Act::ReadRevisits), "             Y   Y   Y   Y   -   Y   Y   Y"),
            (f(Act::WorkRevisits), "             Y   Y   -   -   -   Y   -   -"),
            (f(Act::WorkOthersRevisit), "        Y   -   -   -   -   Y   -   -"),
            (f(Act::AssignRevisitToOthers), "    Y   -   -   -   -   Y   -   -"),
            (f(Act::ReadRevisitProgress), "      Y   -   -   -   -   Y   -   Y"),
            (f(Act::ReadSurveys), "              Y   -   -   -   -   Y   am  Y"),
            (f(Act::ReadInspections), "          Y   -   -   Y   -   Y   Y   Y"),
            (f(Act::EditInspectionPlans), "      Y   -   -   -   -   Y   am  -"),
            (f(Act::RecordInspectionFindings), " Y   -   -   Y   -   Y   am  -"),
            (f(Act::ReadReports), "              Y   -   -   -   -   Y   am  Y"),
        ];
        assert_table(&all, table);
    }

    fn caller(id: i64, role: Role) -> Caller {
        Caller::new(UserId(id), role)
    }

    #[test]
    fn an_agent_works_unassigned_and_own_revisits_only() {
        let agent = caller(5, Role::Agent);
        assert!(may_work_revisit(&agent, None));
        assert!(may_work_revisit(&agent, Some(5)));
        assert!(!may_work_revisit(&agent, Some(6)));
        assert!(may_work_revisit(&caller(1, Role::Supervisor), Some(6)));
        assert!(may_work_revisit(&caller(1, Role::Admin), Some(6)));
        assert!(may_assign_revisit(&agent, None));
        assert!(may_assign_revisit(&agent, Some(5)));
        assert!(!may_assign_revisit(&agent, Some(6)));
        assert!(may_assign_revisit(&caller(1, Role::Supervisor), Some(6)));
    }

    #[test]
    fn agents_and_supervisors_are_given_revisits() {
        assert!(may_be_assigned_revisit("agent"));
        assert!(may_be_assigned_revisit("supervisor"));
        assert!(!may_be_assigned_revisit("manager"));
        assert!(!may_be_assigned_revisit("admin"));
    }

    #[test]
    fn an_account_manager_reads_the_reports_of_their_customers_only() {
        let am = caller(7, Role::AccountManager);
        assert_eq!(report_scope(&am, None).unwrap(), Some(7));
        assert_eq!(report_scope(&am, Some(7)).unwrap(), Some(7));
        assert!(matches!(report_scope(&am, Some(8)), Err(AppError::Forbidden(_))));
        assert_eq!(report_scope(&caller(1, Role::Manager), Some(8)).unwrap(), Some(8));
        assert_eq!(report_scope(&caller(1, Role::Manager), None).unwrap(), None);
        assert!(matches!(
            report_scope(&caller(1, Role::Agent), None),
            Err(AppError::Forbidden(_))
        ));
        assert!(report_of_own_customers("account_manager"));
        assert!(!report_of_own_customers("manager"));
    }

    #[test]
    fn an_agent_reads_their_own_weekly_progress_only() {
        assert_eq!(progress_scope(&caller(5, Role::Agent)).unwrap(), Some(5));
        assert_eq!(progress_scope(&caller(1, Role::Supervisor)).unwrap(), None);
        assert_eq!(progress_scope(&caller(2, Role::Manager)).unwrap(), None);
        assert!(matches!(
            progress_scope(&caller(3, Role::Technician)),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            progress_scope(&caller(4, Role::Dispatcher)),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn lists_are_scoped_for_account_managers() {
        let am = caller(7, Role::AccountManager);
        assert_eq!(own_customers_only(&am, Act::ReadSurveys), Some(7));
        assert_eq!(own_customers_only(&caller(1, Role::Supervisor), Act::ReadSurveys), None);
        assert!(require_some(&am, Act::ReadSurveys).is_ok());
        assert!(require_some(&caller(2, Role::Dispatcher), Act::ReadSurveys).is_err());
        assert!(require_some(&caller(2, Role::Dispatcher), Act::RecordInspectionFindings).is_ok());
        assert!(require_some(&caller(2, Role::Dispatcher), Act::EditInspectionPlans).is_err());
    }
}
