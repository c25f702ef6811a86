//! Who may register and work tickets on the service ladder, and mark major faults.

use super::Grant;
use fieldline_mobile_api::Role;

pub const AREA: &str = "Tickets";

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
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Tickets(*a)).collect();
        let table: &[(Action, &str)] = &[];
        assert_table(&all, table);
    }
}
