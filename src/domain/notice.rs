//! Notices to the customer: which notice a change causes, which per-customer switch governs it,
//! which of them are time-critical (urgent: not held back by the outbox's per-customer bound),
//! and the calendar invitation's sequence.
//!
//! - **Acknowledgement** with the ticket number at registration, for a request the customer
//!   made (every channel but `inspection`: a problem the service found itself is told to the
//!   customer by its visit).
//! - **Visit booked** when a technician is booked for it (and booked again: another technician),
//!   **moved** when its window changes, **cancelled** when it is cancelled, each with an
//!   iCalendar invitation (one switch, `visit_changes`, for all three: a calendar entry must
//!   not be created and then never cancelled).
//! - **On the way** when the technician's phone reports setting off, with the window.
//! - **Resolved** with the acceptance link, when a ticket is resolved and waits for the
//!   customer's acceptance (not when the customer accepted at once, on the technician's phone).
//!
//! **Urgent**: the technician on the way, always; a visit booked, moved or cancelled when the
//! visit's window (before or after the change) starts on the day of the change in the business
//! calendar's zone. The rest waits for the hourly bound like every message.
//!
//! **Sequence**: the invitation's `SEQUENCE` (RFC 5545 §3.8.7.4) is 0 for the first invitation
//! of a visit and raised by one on each later one, so a calendar applies the latest change.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use fieldline_mobile_api::{Channel, MailKind};

/// A notice to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Acknowledgement,
    VisitBooked,
    VisitMoved,
    VisitCancelled,
    OnTheWay,
    Resolved,
}

impl Notice {
    /// The outbox's kind of the notice.
    pub fn kind(self) -> MailKind {
        match self {
            Notice::Acknowledgement => MailKind::TicketAcknowledged,
            Notice::VisitBooked => MailKind::VisitBooked,
            Notice::VisitMoved => MailKind::VisitMoved,
            Notice::VisitCancelled => MailKind::VisitCancelled,
            Notice::OnTheWay => MailKind::TechnicianOnTheWay,
            Notice::Resolved => MailKind::TicketResolved,
        }
    }

    /// Whether the notice carries a calendar invitation.
    pub fn has_invitation(self) -> bool {
        matches!(self, Notice::VisitBooked | Notice::VisitMoved | Notice::VisitCancelled)
    }
}

/// A customer's switches; every notice is on unless switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Switches {
    pub acknowledgement: bool,
    pub visit_changes: bool,
    pub on_the_way: bool,
    pub resolved: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            acknowledgement: true,
            visit_changes: true,
            on_the_way: true,
            resolved: true,
        }
    }
}

impl Switches {
    /// Whether the customer is sent the notice.
    pub fn allows(&self, n: Notice) -> bool {
        match n {
            Notice::Acknowledgement => self.acknowledgement,
            Notice::VisitBooked | Notice::VisitMoved | Notice::VisitCancelled => self.visit_changes,
            Notice::OnTheWay => self.on_the_way,
            Notice::Resolved => self.resolved,
        }
    }
}

/// Whether a ticket registered on the channel is acknowledged to the customer.
pub fn acknowledges(channel: Channel) -> bool {
    channel != Channel::Inspection
}

/// Whether a visit notice is urgent: the technician on the way always; a visit booked, moved or
/// cancelled when one of `window_starts` (the window before and after the change) falls on the
/// local day of `now` in `tz`.
pub fn urgent(n: Notice, window_starts: &[DateTime<Utc>], now: DateTime<Utc>, tz: Tz) -> bool {
    let day = |t: DateTime<Utc>| -> NaiveDate { t.with_timezone(&tz).date_naive() };
    match n {
        Notice::OnTheWay => true,
        Notice::VisitBooked | Notice::VisitMoved | Notice::VisitCancelled => {
            window_starts.iter().any(|s| day(*s) == day(now))
        }
        Notice::Acknowledgement | Notice::Resolved => false,
    }
}

/// The invitation's next `SEQUENCE`, after the one last given (None: none yet).
pub fn next_sequence(last: Option<i32>) -> i32 {
    last.map_or(0, |s| s.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn each_switch_governs_its_notices() {
        let on = Switches::default();
        let all = [
            Notice::Acknowledgement,
            Notice::VisitBooked,
            Notice::VisitMoved,
            Notice::VisitCancelled,
            Notice::OnTheWay,
            Notice::Resolved,
        ];
        assert!(all.iter().all(|n| on.allows(*n)));
        let no_visits = Switches {
            visit_changes: false,
            ..on
        };
        assert!(!no_visits.allows(Notice::VisitBooked));
        assert!(!no_visits.allows(Notice::VisitCancelled));
        assert!(no_visits.allows(Notice::OnTheWay));
        assert!(!Switches { resolved: false, ..on }.allows(Notice::Resolved));
        assert!(!Switches {
            acknowledgement: false,
            ..on
        }
        .allows(Notice::Acknowledgement));
        assert!(!Switches {
            on_the_way: false,
            ..on
        }
        .allows(Notice::OnTheWay));
    }

    #[test]
    fn a_visit_changed_on_its_own_day_is_urgent() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        // 09:00 on Tuesday in Shanghai.
        let now = t("2026-11-24T01:00:00Z");
        let today_10 = t("2026-11-24T02:00:00Z");
        let tomorrow_10 = t("2026-11-25T02:00:00Z");
        // 07:30 in Shanghai on Tuesday is still Monday in UTC: the local day counts.
        let today_0730 = t("2026-11-23T23:30:00Z");
        assert!(urgent(Notice::OnTheWay, &[tomorrow_10], now, tz));
        assert!(
            urgent(Notice::VisitMoved, &[today_10, tomorrow_10], now, tz),
            "moved away from today"
        );
        assert!(
            urgent(Notice::VisitMoved, &[tomorrow_10, today_10], now, tz),
            "moved to today"
        );
        assert!(!urgent(Notice::VisitMoved, &[tomorrow_10], now, tz));
        assert!(urgent(Notice::VisitCancelled, &[today_0730], now, tz));
        assert!(!urgent(Notice::VisitCancelled, &[tomorrow_10], now, tz));
        assert!(urgent(Notice::VisitBooked, &[today_10], now, tz));
        assert!(!urgent(Notice::Resolved, &[today_10], now, tz));
        assert!(!urgent(Notice::Acknowledgement, &[today_10], now, tz));
    }

    #[test]
    fn the_sequence_starts_at_zero_and_rises() {
        assert_eq!(next_sequence(None), 0);
        assert_eq!(next_sequence(Some(0)), 1);
        assert_eq!(next_sequence(Some(4)), 5);
        assert_eq!(next_sequence(Some(i32::MAX)), i32::MAX);
    }

    #[test]
    fn requests_are_acknowledged_but_not_the_services_own_findings() {
        assert!(acknowledges(Channel::Phone));
        assert!(acknowledges(Channel::Email));
        assert!(acknowledges(Channel::Web));
        assert!(!acknowledges(Channel::Inspection));
    }
}
