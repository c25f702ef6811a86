//! Who reads, writes, reviews and rates the knowledge base.
//!
//! Every office role reads the published articles (staff-only and customer-facing), rates them
//! and links them to the tickets they solved. Editors (any role holding the `editor` grant) write
//! and change articles, submit them for review, retire them and read the ratings; a review is
//! done by a second editor (the domain refuses the article's last editor) or by a supervisor, who
//! also reads drafts and the ratings. Customers read customer-facing articles in the portal
//! (`policy::portal`).

use super::{roles, Grant, OFFICE};
use fieldline_mobile_api::{Role, StaffGrant};

pub const AREA: &str = "Knowledge base";

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Search and read published articles; ask for suggestions.
    Read,
    /// Rate an article and leave feedback.
    Rate,
    /// Link an article to a ticket it solved.
    LinkTicket,
    /// Read drafts, articles in review and retired ones, with their versions.
    ReadDrafts,
    /// Write or change an article, submit it for review.
    Write,
    /// Approve (publish) or send back an article in review.
    Review,
    /// Retire a published article or bring a retired one back as a draft.
    Retire,
    /// Read the ratings and feedback, worst-rated first.
    ReadRatings,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::Read,
        Act::Rate,
        Act::LinkTicket,
        Act::ReadDrafts,
        Act::Write,
        Act::Review,
        Act::Retire,
        Act::ReadRatings,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::Read => "Search and read published articles",
            Act::Rate => "Rate an article",
            Act::LinkTicket => "Link an article to a ticket it solved",
            Act::ReadDrafts => "Read unpublished articles and versions",
            Act::Write => "Write or change an article",
            Act::Review => "Review an article (publish or send back)",
            Act::Retire => "Retire or reopen an article",
            Act::ReadRatings => "Read ratings and feedback",
        }
    }
}

pub fn grant(role: Role, act: Act) -> Grant {
    let editors = |supervisors_too: bool| match role {
        Role::Admin => Grant::Yes,
        Role::Supervisor if supervisors_too => Grant::Yes,
        _ => Grant::With(StaffGrant::Editor),
    };
    match act {
        Act::Read | Act::Rate | Act::LinkTicket => roles(role, OFFICE),
        Act::Write => editors(false),
        Act::ReadDrafts | Act::Review | Act::Retire | Act::ReadRatings => editors(true),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{assert_table, Action};
    use super::*;

    /// Written by hand, not from `grant`.
    #[test]
    fn every_role_and_action_is_as_written() {
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Knowledge(*a)).collect();
        let k = Action::Knowledge;
        //                                adm agt rem dsp tec sup am  mgr
        let table: &[(Action, &str)] = &[
            (k(Act::Read), "Y Y Y Y - Y Y Y"),
            (k(Act::Rate), "Y Y Y Y - Y Y Y"),
            (k(Act::LinkTicket), "Y Y Y Y - Y Y Y"),
            (k(Act::ReadDrafts), "Y ed ed ed ed Y ed ed"),
            (k(Act::Write), "Y ed ed ed ed ed ed ed"),
            (k(Act::Review), "Y ed ed ed ed Y ed ed"),
            (k(Act::Retire), "Y ed ed ed ed Y ed ed"),
            (k(Act::ReadRatings), "Y ed ed ed ed Y ed ed"),
        ];
        assert_table(&all, table);
    }
}
