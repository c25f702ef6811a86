//! Who reviews handled tickets for quality (质检), who disputes and decides, and who reads the
//! monthly quality report.
//!
//! The reviewers are whoever holds the `reviewer` grant, whatever their role: they read the queue
//! and any review, score sampled tickets, decide disputes (a second reviewer, never the first: a
//! rule of the service, not of this table), draw a month's sample on demand and write the
//! training plan. The agent whose ticket was reviewed reads their own reviews and disputes one;
//! nobody else disputes for them, an admin neither. The monthly report is read by the reviewers
//! and by those it is handed to and who act on it: supervisors (the shift leads) and department
//! managers. Admins set the scorecard and the sample's size, and may do what a reviewer does.

use super::{roles, Grant, Tie};
use fieldline_mobile_api::{Role, StaffGrant};

pub const AREA: &str = "Quality review";

/// The actions of this area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Read the scorecard's criteria and the sample's settings.
    ReadScorecard,
    /// Add or change the scorecard's criteria and the sample's size.
    ConfigureScorecard,
    /// Draw a month's sample on demand.
    DrawSample,
    /// List the review queue and read any review.
    ReadReviews,
    /// Score a sampled ticket.
    Score,
    /// Decide a disputed review.
    Decide,
    /// Read one's own reviews.
    ReadOwnReviews,
    /// Dispute a review of one's own ticket.
    Dispute,
    /// Read the monthly quality report.
    ReadReport,
    /// Write a training plan entry.
    WriteTraining,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::ReadScorecard,
        Act::ConfigureScorecard,
        Act::DrawSample,
        Act::ReadReviews,
        Act::Score,
        Act::Decide,
        Act::ReadOwnReviews,
        Act::Dispute,
        Act::ReadReport,
        Act::WriteTraining,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Act::ReadScorecard => "Read the quality scorecard and the sample's size",
            Act::ConfigureScorecard => "Change the quality scorecard and the sample's size",
            Act::DrawSample => "Draw a month's quality sample",
            Act::ReadReviews => "Read the review queue and any review",
            Act::Score => "Score a sampled ticket",
            Act::Decide => "Decide a disputed review (a second reviewer)",
            Act::ReadOwnReviews => "Read one's own quality reviews",
            Act::Dispute => "Dispute a quality review of one's own ticket",
            Act::ReadReport => "Read the monthly quality report",
            Act::WriteTraining => "Write a training plan entry",
        }
    }
}

/// The staff whose handled tickets are reviewed, who read their own reviews (everyone but
/// technicians, whose work is reviewed by the visit's acceptance and fault reports).
const REVIEWED: &[Role] = &[
    Role::Agent,
    Role::RemoteEngineer,
    Role::Dispatcher,
    Role::Supervisor,
    Role::AccountManager,
    Role::Manager,
];

fn reviewer(role: Role) -> Grant {
    match role {
        Role::Admin => Grant::Yes,
        _ => Grant::With(StaffGrant::Reviewer),
    }
}

pub fn grant(role: Role, act: Act) -> Grant {
    match act {
        Act::ReadScorecard => roles(role, REVIEWED),
        Act::ConfigureScorecard => roles(role, &[]),
        Act::DrawSample | Act::ReadReviews | Act::Score | Act::Decide | Act::WriteTraining => reviewer(role),
        Act::ReadOwnReviews => roles(role, REVIEWED),
        Act::Dispute => match role {
            Role::Technician => Grant::No,
            _ => Grant::Tied(Tie::Owner),
        },
        Act::ReadReport => match role {
            Role::Admin | Role::Supervisor | Role::Manager => Grant::Yes,
            _ => Grant::With(StaffGrant::Reviewer),
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
        let all: Vec<Action> = Act::ALL.iter().map(|a| Action::Quality(*a)).collect();
        let q = Action::Quality;
        //                                   adm agt rem dsp tec sup am  mgr
        let table: &[(Action, &str)] = &[
            (q(Act::ReadScorecard), "Y Y Y Y - Y Y Y"),
            (q(Act::ConfigureScorecard), "Y - - - - - - -"),
            (q(Act::DrawSample), "Y rev rev rev rev rev rev rev"),
            (q(Act::ReadReviews), "Y rev rev rev rev rev rev rev"),
            (q(Act::Score), "Y rev rev rev rev rev rev rev"),
            (q(Act::Decide), "Y rev rev rev rev rev rev rev"),
            (q(Act::ReadOwnReviews), "Y Y Y Y - Y Y Y"),
            (q(Act::Dispute), "own own own own - own own own"),
            (q(Act::ReadReport), "Y rev rev rev rev Y rev Y"),
            (q(Act::WriteTraining), "Y rev rev rev rev rev rev rev"),
        ];
        assert_table(&all, table);
    }
}
