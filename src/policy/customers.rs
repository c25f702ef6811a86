//! Who may read and change customers, their contacts, sites and assets, and read the service
//! regions.
//!
//! The office staff read them all; the customer editors (agents, supervisors, account managers)
//! register and change customers, contacts, sites and assets. Who manages an existing customer's
//! account is decided by those who lead the account managers and the service (supervisors,
//! department managers, admins): an account manager does not move a customer, theirs or another's,
//! since the account manager is what lets them read a customer's fault reports and survey answers.
//! Regions are drawn by admins (`admin::Act::EditRegions`). Only admins export a contact's personal
//! data or erase it (a request under the personal information law, answered by whoever holds the
//! records). A customer's notices to its contacts are switched on or off by its own account
//! manager (or an admin): the account manager knows what the customer wants to hear.

use super::{roles, Grant, Tie, OFFICE};
use fieldline_mobile_api::Role;

pub const AREA: &str = "Customers, sites and assets";

/// The staff who create and change customer records.
pub const CUSTOMER_EDITORS: &[Role] = &[Role::Agent, Role::Supervisor, Role::AccountManager];

/// The staff who give an existing customer another account manager: the service supervisors and
/// the department managers (and admins), who lead the account managers' and the service's work.
pub const ACCOUNT_ASSIGNERS: &[Role] = &[Role::Supervisor, Role::Manager];

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// List and read customers and their contacts.
    ReadCustomers,
    /// Register a customer (naming its first account manager, if any), or change its name or tier.
    EditCustomers,
    /// Give an existing customer another account manager.
    ReassignAccountManager,
    /// Switch the customer's notices to its contacts on or off.
    SetNotices,
    /// Add, change or remove a customer's contact.
    EditContacts,
    /// List and read sites.
    ReadSites,
    /// Register or change a site.
    EditSites,
    /// List and read assets.
    ReadAssets,
    /// Register or change an asset.
    EditAssets,
    /// List and read service regions.
    ReadRegions,
    /// Export everything held about a contact (their personal data).
    ExportPersonalData,
    /// Erase a contact's personal data wherever it is held.
    ErasePersonalData,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::ReadCustomers,
        Act::EditCustomers,
        Act::ReassignAccountManager,
        Act::SetNotices,
        Act::EditContacts,
        Act::ReadSites,
        Act::EditSites,
        Act::ReadAssets,
        Act::EditAssets,
        Act::ReadRegions,
        Act::ExportPersonalData,
        Act::ErasePersonalData,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::ReadCustomers => "Read customers and their contacts, look customers up",
            Act::EditCustomers => "Register or change a customer",
            Act::ReassignAccountManager => "Change a customer's account manager",
            Act::SetNotices => "Switch a customer's notices on or off",
            Act::EditContacts => "Add, change or remove a contact",
            Act::ReadSites => "Read sites",
            Act::EditSites => "Register or change a site",
            Act::ReadAssets => "Read assets",
            Act::EditAssets => "Register or change an asset",
            Act::ReadRegions => "Read service regions",
            Act::ExportPersonalData => "Export a contact's personal data",
            Act::ErasePersonalData => "Erase a contact's personal data",
        }
    }
}

pub fn grant(role: Role, act: Act) -> Grant {
    match act {
        Act::ReadCustomers | Act::ReadSites | Act::ReadAssets | Act::ReadRegions => roles(role, OFFICE),
        Act::EditCustomers | Act::EditContacts | Act::EditSites | Act::EditAssets => roles(role, CUSTOMER_EDITORS),
        Act::ExportPersonalData | Act::ErasePersonalData => roles(role, &[]),
        Act::ReassignAccountManager => roles(role, ACCOUNT_ASSIGNERS),
        Act::SetNotices => match role {
            Role::AccountManager => Grant::Tied(Tie::AccountManager),
            _ => roles(role, &[]),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;

    /// Written by hand, not from `grant`: cells per role as `assert_table` reads them.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Customers(*a)).collect();
        let c = Action::Customers;
        //                                   adm agt rem dsp tec sup am  mgr
        let table: &[(Action, &str)] = &[
            (c(Act::ReadCustomers), "Y Y Y Y - Y Y Y"),
            (c(Act::EditCustomers), "Y Y - - - Y Y -"),
            (c(Act::ReassignAccountManager), "Y - - - - Y - Y"),
            (c(Act::SetNotices), "Y - - - - - am -"),
            (c(Act::EditContacts), "Y Y - - - Y Y -"),
            (c(Act::ReadSites), "Y Y Y Y - Y Y Y"),
            (c(Act::EditSites), "Y Y - - - Y Y -"),
            (c(Act::ReadAssets), "Y Y Y Y - Y Y Y"),
            (c(Act::EditAssets), "Y Y - - - Y Y -"),
            (c(Act::ReadRegions), "Y Y Y Y - Y Y Y"),
            (c(Act::ExportPersonalData), "Y - - - - - - -"),
            (c(Act::ErasePersonalData), "Y - - - - - - -"),
        ];
        assert_table(&all, table);
    }
}
