//! Who may use users, service settings (SLA policies, calendar, regions), the audit trail, the outbox and the jobs.

use super::Grant;
use fieldline_mobile_api::Role;

pub const AREA: &str = "Administration";

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {}

impl Act {
    pub const ALL: &'static [Act] = &[];

    pub fn describe(self) -> &'static str {
        match self {}
    }
}

pub fn grant(_role: Role, act: Act) -> Grant {
    match act {}
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;

    /// Written by hand, not from `grant`: cells per role as `assert_table` reads them.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Admin(*a)).collect();
        let table: &[(Action, &str)] = &[];
        assert_table(&all, table);
    }
}
