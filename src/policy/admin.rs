//! Who may use users, service settings (SLA policies, calendar, regions), the audit trail, the
//! outbox and the jobs; and the rules about roles that go with them: who the first user is, who
//! may not demote themself, who may be a customer's account manager, who hears of dead e-mails.

use super::{roles, Caller, Grant, Tie, OFFICE};
use crate::error::AppError;
use fieldline_mobile_api::{Role, TeamKind};

pub const AREA: &str = "Administration";

/// The role of the account made on an empty database, so someone can manage users.
pub const FIRST_USER_ROLE: Role = Role::Admin;

/// Who is told in their inbox that an e-mail could not be sent (nobody else would notice).
pub const DEAD_MAIL_AUDIENCE: Role = Role::Admin;

/// The role a customer's account manager must have.
pub const ACCOUNT_MANAGER_ROLE: Role = Role::AccountManager;

/// The role that manages users; one who has it may not give it up or disable themself.
const USER_MANAGER_ROLE: Role = Role::Admin;

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Read the signed-in user's own account.
    ReadOwnAccount,
    /// Choose the language of their own account.
    ChangeOwnLanguage,
    /// List the users.
    ListUsers,
    /// Read the staff directory: the active colleagues' names and roles.
    ReadDirectory,
    /// Read one user's account (their own, or anyone's).
    ReadUser,
    /// Create a user with a role.
    CreateUser,
    /// Change a user's details, role, password or whether they are active.
    ChangeUser,
    /// Read the SLA policies, the business calendar and its holidays.
    ReadSlaSettings,
    /// Change an SLA policy's targets.
    ChangeSlaPolicies,
    /// Replace the business calendar, add or remove holidays.
    ChangeCalendar,
    /// Draw, rename, reclassify or redraw a service region.
    EditRegions,
    /// Read the audit trail.
    ReadAudit,
    /// Read the e-mail outbox.
    ReadOutbox,
    /// Put a dead e-mail back in the queue.
    RetryMail,
    /// Send a pending e-mail now instead of after its backoff wait.
    SendMailNow,
    /// Read the service's operational figures (`/metrics`, the detail of `/ready`).
    ReadOperations,
    /// Run a scheduled job by hand.
    RunJobs,
    /// Read the record of the jobs' runs.
    ReadJobRuns,
    /// Read the warranty terms of the product models.
    ReadWarrantyTerms,
    /// Add, change or remove a product model's warranty terms.
    ChangeWarrantyTerms,
    /// Import customers, contacts, sites, assets or technicians from a CSV file.
    ImportData,
    /// Read the teams and their leads.
    ReadTeams,
    /// Create a team, change it, name its lead.
    ManageTeams,
    /// Set a user's team, supervisor, level and grants.
    SetOrganisation,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::ReadOwnAccount,
        Act::ChangeOwnLanguage,
        Act::ListUsers,
        Act::ReadDirectory,
        Act::ReadUser,
        Act::CreateUser,
        Act::ChangeUser,
        Act::ReadSlaSettings,
        Act::ChangeSlaPolicies,
        Act::ChangeCalendar,
        Act::EditRegions,
        Act::ReadAudit,
        Act::ReadOutbox,
        Act::RetryMail,
        Act::SendMailNow,
        Act::ReadOperations,
        Act::RunJobs,
        Act::ReadJobRuns,
        Act::ReadWarrantyTerms,
        Act::ChangeWarrantyTerms,
        Act::ImportData,
        Act::ReadTeams,
        Act::ManageTeams,
        Act::SetOrganisation,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::ReadOwnAccount => "Read their own account",
            Act::ChangeOwnLanguage => "Choose their own language",
            Act::ListUsers => "List users",
            Act::ReadDirectory => "Read the staff directory (colleagues' names and roles)",
            Act::ReadUser => "Read a user's account",
            Act::CreateUser => "Create a user",
            Act::ChangeUser => "Change a user",
            Act::ReadSlaSettings => "Read SLA policies and the calendar",
            Act::ChangeSlaPolicies => "Change SLA policies",
            Act::ChangeCalendar => "Change the calendar and holidays",
            Act::EditRegions => "Draw or change a service region",
            Act::ReadAudit => "Read the audit trail",
            Act::ReadOutbox => "Read the e-mail outbox",
            Act::RetryMail => "Retry a dead e-mail",
            Act::SendMailNow => "Send a pending e-mail now",
            Act::ReadOperations => "Read the operational figures (metrics, readiness detail)",
            Act::RunJobs => "Run a scheduled job",
            Act::ReadJobRuns => "Read the jobs' runs",
            Act::ReadWarrantyTerms => "Read the product models' warranty terms",
            Act::ChangeWarrantyTerms => "Add, change or remove a product model's warranty terms",
            Act::ImportData => "Import customers, contacts, sites, assets or technicians from CSV",
            Act::ReadTeams => "Read the teams and their leads",
            Act::ManageTeams => "Create or change a team, name its lead",
            Act::SetOrganisation => "Set a user's team, supervisor, level and grants",
        }
    }
}

pub fn grant(role: Role, act: Act) -> Grant {
    match act {
        Act::ReadOwnAccount | Act::ChangeOwnLanguage => Grant::Yes,
        // A user's own account is theirs: the facts name it as its owner.
        Act::ReadUser if role != Role::Admin => Grant::Tied(Tie::Owner),
        Act::ReadSlaSettings | Act::ReadWarrantyTerms | Act::ReadDirectory | Act::ReadTeams => roles(role, OFFICE),
        Act::ReadUser
        | Act::ListUsers
        | Act::CreateUser
        | Act::ChangeUser
        | Act::ChangeSlaPolicies
        | Act::ChangeCalendar
        | Act::EditRegions
        | Act::ReadAudit
        | Act::ReadOutbox
        | Act::RetryMail
        | Act::SendMailNow
        | Act::ReadOperations
        | Act::RunJobs
        | Act::ReadJobRuns
        | Act::ChangeWarrantyTerms
        | Act::ImportData
        | Act::ManageTeams
        | Act::SetOrganisation => roles(role, &[]),
    }
}

/// Refuses a change by which the caller would stop being able to manage users (disabling
/// themself, or giving themself another role), so there is always someone who can.
pub fn check_self_change(caller: &Caller, user: i64, disables: bool, new_role: Option<Role>) -> Result<(), AppError> {
    if user == caller.id.0 && (disables || new_role.is_some_and(|r| r != USER_MANAGER_ROLE)) {
        return Err(AppError::Conflict("an admin cannot disable or demote themself".into()));
    }
    Ok(())
}

/// Whether a user of `role` may lead a team of `kind`: a hotline shift is led by office staff,
/// never a technician (the shift lead answers for the desk: the calls, the stalled work, the
/// handover); any role may lead the other teams.
pub fn may_lead(kind: TeamKind, role: Role) -> bool {
    kind != TeamKind::HotlineShift || role != Role::Technician
}

/// Whether a user with this role, active or not, may be a customer's account manager.
pub fn may_manage_accounts(role: Option<Role>, active: bool) -> bool {
    active && role == Some(ACCOUNT_MANAGER_ROLE)
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;
    use fieldline_mobile_api::UserId;

    /// Written by hand, not from `grant`: cells per role as `assert_table` reads them.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Admin(*a)).collect();
        let a = Action::Admin;
        //                                       adm agt rem dsp tec sup am  mgr
        let table: &[(Action, &str)] = &[
            (a(Act::ReadOwnAccount), "Y Y Y Y Y Y Y Y"),
            (a(Act::ChangeOwnLanguage), "Y Y Y Y Y Y Y Y"),
            (a(Act::ListUsers), "Y - - - - - - -"),
            (a(Act::ReadDirectory), "Y Y Y Y - Y Y Y"),
            (a(Act::ReadUser), "Y own own own own own own own"),
            (a(Act::CreateUser), "Y - - - - - - -"),
            (a(Act::ChangeUser), "Y - - - - - - -"),
            (a(Act::ReadSlaSettings), "Y Y Y Y - Y Y Y"),
            (a(Act::ChangeSlaPolicies), "Y - - - - - - -"),
            (a(Act::ChangeCalendar), "Y - - - - - - -"),
            (a(Act::EditRegions), "Y - - - - - - -"),
            (a(Act::ReadAudit), "Y - - - - - - -"),
            (a(Act::ReadOutbox), "Y - - - - - - -"),
            (a(Act::RetryMail), "Y - - - - - - -"),
            (a(Act::SendMailNow), "Y - - - - - - -"),
            (a(Act::ReadOperations), "Y - - - - - - -"),
            (a(Act::RunJobs), "Y - - - - - - -"),
            (a(Act::ReadJobRuns), "Y - - - - - - -"),
            (a(Act::ReadWarrantyTerms), "Y Y Y Y - Y Y Y"),
            (a(Act::ChangeWarrantyTerms), "Y - - - - - - -"),
            (a(Act::ImportData), "Y - - - - - - -"),
            (a(Act::ReadTeams), "Y Y Y Y - Y Y Y"),
            (a(Act::ManageTeams), "Y - - - - - - -"),
            (a(Act::SetOrganisation), "Y - - - - - - -"),
        ];
        assert_table(&all, table);
    }

    #[test]
    fn a_technician_leads_a_field_team_but_not_a_hotline_shift() {
        assert!(may_lead(TeamKind::FieldRegion, Role::Technician));
        assert!(may_lead(TeamKind::HotlineShift, Role::Agent));
        assert!(!may_lead(TeamKind::HotlineShift, Role::Technician));
    }

    #[test]
    fn an_admin_may_not_disable_or_demote_themself() {
        let me = Caller::new(UserId(1), Role::Admin);
        assert!(check_self_change(&me, 1, true, None).is_err());
        assert!(check_self_change(&me, 1, false, Some(Role::Manager)).is_err());
        assert!(check_self_change(&me, 1, false, Some(Role::Admin)).is_ok());
        assert!(check_self_change(&me, 1, false, None).is_ok());
        assert!(check_self_change(&me, 2, true, Some(Role::Agent)).is_ok());
    }

    #[test]
    fn only_an_active_account_manager_manages_accounts() {
        assert!(may_manage_accounts(Some(Role::AccountManager), true));
        assert!(!may_manage_accounts(Some(Role::AccountManager), false));
        assert!(!may_manage_accounts(Some(Role::Supervisor), true));
        assert!(!may_manage_accounts(None, true));
    }

    #[test]
    fn a_user_reads_their_own_account_only() {
        let me = Caller::new(UserId(5), Role::Agent);
        let own = super::super::Facts {
            owner: Some(5),
            ..Default::default()
        };
        let other = super::super::Facts {
            owner: Some(6),
            ..Default::default()
        };
        assert!(super::super::allows(&me, Action::Admin(Act::ReadUser), &own));
        assert!(!super::super::allows(&me, Action::Admin(Act::ReadUser), &other));
        let admin = Caller::new(UserId(1), Role::Admin);
        assert!(super::super::allows(&admin, Action::Admin(Act::ReadUser), &other));
    }
}
