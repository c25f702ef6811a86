//! Stalled work (工单滞留): work is stalled when nothing has happened on it for a rule's number of
//! working hours while it stays in one state (seed 001: the shift lead "掌握工单滞留及各工位回单情况，
//! 及时催促完工").
//!
//! - A ticket's state is its rung and status ([`ticket_state`]); a visit's, its status
//!   ([`visit_state`]). An on-site ticket with an open visit is followed by its visit, not twice.
//! - "Nothing has happened" is counted from the last timeline event that is work on it: chasing,
//!   answering a chase and the SLA scan's alerts are not ([`is_work`]). A visit counts from its
//!   last change; an accepted visit at the earliest from the start of its agreed window (waiting
//!   for the agreed time is not stalling).
//! - Hours are working hours on the business calendar: a weekend or a public holiday does not make
//!   work stalled.
//! - A chase asks the holder for an answer by a due time: four working hours by default
//!   ([`default_chase_due`]), after now and within 30 days ([`chase_due`]).

use super::sla::Calendar;
use super::Invalid;
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{
    LadderTier, ReportChaseGroup, ReportChases, StallState, StallWaitsFor, TicketStatus, VisitStatus,
};
use std::collections::BTreeMap;

/// The shipped limit of each state, in working hours (the business day is 08:30-17:00, eight and
/// a half hours); None: never stalled. The reasons are in docs/rules/stalled-work.md.
pub fn default_hours(s: StallState) -> Option<i32> {
    Some(match s {
        // A new request nobody has touched for two working hours: the response targets are 1 to 8 hours.
        StallState::HotlineNew => 2,
        // Half a working day without a note on a question the hotline is working on.
        StallState::HotlineInProgress => 4,
        StallState::RemoteNew => 4,
        // A remote diagnosis may take a working day.
        StallState::RemoteInProgress => 8,
        // An on-site ticket without a visit waits for a dispatcher: half a working day.
        StallState::OnsiteNew => 4,
        StallState::OnsiteInProgress => 8,
        // A reopened ticket is a customer already let down: two working hours.
        StallState::Reopened => 2,
        // The SLA clock is paused, but three working days without calling the customer back is stalling.
        StallState::WaitingOnCustomer => 24,
        // An unassigned visit: two working hours to assign it.
        StallState::VisitScheduled => 2,
        // An assigned visit not accepted for two working hours.
        StallState::VisitAssigned => 2,
        // An hour into the agreed window and not yet on the way.
        StallState::VisitAccepted => 1,
        // A journey of more than three working hours without arriving.
        StallState::VisitEnRoute => 3,
        // A working day on site without finishing.
        StallState::VisitOnSite => 8,
    })
}

/// The highest limit an admin may set (about seven weeks of working days).
pub const MAX_HOURS: i32 = 400;

/// Checks a limit an admin sets.
pub fn limit(hours: Option<i32>) -> Result<Option<i32>, Invalid> {
    match hours {
        Some(h) if !(1..=MAX_HOURS).contains(&h) => Err(Invalid::out_of_range("hours", 1, MAX_HOURS)),
        h => Ok(h),
    }
}

/// The stall state of a ticket on this rung with this status, given whether a visit is open on
/// it; None for a ticket that cannot stall (resolved, closed, cancelled, or followed by its visit).
pub fn ticket_state(tier: LadderTier, status: TicketStatus, open_visit: bool) -> Option<StallState> {
    use StallState as S;
    match (status, tier) {
        (TicketStatus::Resolved | TicketStatus::Closed | TicketStatus::Cancelled, _) => None,
        (_, LadderTier::Onsite) if open_visit => None,
        (TicketStatus::WaitingOnCustomer, _) => Some(S::WaitingOnCustomer),
        (TicketStatus::Reopened, _) => Some(S::Reopened),
        (TicketStatus::New, LadderTier::Hotline) => Some(S::HotlineNew),
        (TicketStatus::InProgress, LadderTier::Hotline) => Some(S::HotlineInProgress),
        (TicketStatus::New, LadderTier::Remote) => Some(S::RemoteNew),
        (TicketStatus::InProgress, LadderTier::Remote) => Some(S::RemoteInProgress),
        (TicketStatus::New, LadderTier::Onsite) => Some(S::OnsiteNew),
        (TicketStatus::InProgress, LadderTier::Onsite) => Some(S::OnsiteInProgress),
    }
}

/// The stall state of a visit; None for a finished or cancelled one.
pub fn visit_state(status: VisitStatus) -> Option<StallState> {
    use StallState as S;
    match status {
        VisitStatus::Scheduled => Some(S::VisitScheduled),
        VisitStatus::Assigned => Some(S::VisitAssigned),
        VisitStatus::Accepted => Some(S::VisitAccepted),
        VisitStatus::EnRoute => Some(S::VisitEnRoute),
        VisitStatus::OnSite => Some(S::VisitOnSite),
        VisitStatus::Completed
        | VisitStatus::Failed
        | VisitStatus::NeedsRevisit
        | VisitStatus::Cancelled
        | VisitStatus::DeclinedByCustomer => None,
    }
}

/// The visit statuses that may stall (an open visit).
pub const OPEN_VISITS: &[VisitStatus] = &[
    VisitStatus::Scheduled,
    VisitStatus::Assigned,
    VisitStatus::Accepted,
    VisitStatus::EnRoute,
    VisitStatus::OnSite,
];

/// What work in a state waits for.
pub fn waits_for(s: StallState) -> StallWaitsFor {
    use StallState as S;
    match s {
        S::WaitingOnCustomer => StallWaitsFor::Customer,
        S::OnsiteNew | S::VisitScheduled => StallWaitsFor::Dispatcher,
        S::VisitAssigned => StallWaitsFor::TechnicianAcceptance,
        S::VisitAccepted | S::VisitEnRoute | S::VisitOnSite => StallWaitsFor::Technician,
        S::HotlineNew
        | S::HotlineInProgress
        | S::RemoteNew
        | S::RemoteInProgress
        | S::OnsiteInProgress
        | S::Reopened => StallWaitsFor::Holder,
    }
}

/// The timeline events that are not work on a ticket: they do not end a stall.
pub const NOT_WORK: &[&str] = &["chased", "chase_answered", "chase_climbed", "sla_breach", "sla_alert"];

/// Whether a timeline event of this kind is work on the ticket.
pub fn is_work(kind: &str) -> bool {
    !NOT_WORK.contains(&kind)
}

/// Where a visit's stall clock starts: its last change, and for an accepted visit at the
/// earliest the start of its agreed window.
pub fn visit_since(state: StallState, last_change: DateTime<Utc>, window_start: DateTime<Utc>) -> DateTime<Utc> {
    if state == StallState::VisitAccepted {
        last_change.max(window_start)
    } else {
        last_change
    }
}

/// How long work has stood still, in working time, and whether that is past the limit (at the
/// limit exactly it is stalled).
pub fn stalled(cal: &Calendar, since: DateTime<Utc>, now: DateTime<Utc>, limit_hours: Option<i32>) -> (Duration, bool) {
    let idle = cal.business_between(since, now);
    let past = limit_hours.is_some_and(|h| idle >= Duration::hours(h as i64));
    (idle, past)
}

/// Working hours as shown: one decimal.
pub fn hours(d: Duration) -> f64 {
    (d.num_seconds() as f64 / 360.0).round() / 10.0
}

/// The default time to answer a chase, in working hours: half a working day.
pub const DEFAULT_CHASE_HOURS: i64 = 4;

/// The default due time of a chase made at `now`.
pub fn default_chase_due(cal: &Calendar, now: DateTime<Utc>) -> DateTime<Utc> {
    cal.add_business(now, Duration::hours(DEFAULT_CHASE_HOURS))
}

/// The longest a chase may give for an answer.
pub const MAX_CHASE_DAYS: i64 = 30;

/// A chase's due time: the one asked (after now, within 30 days) or the default.
pub fn chase_due(cal: &Calendar, now: DateTime<Utc>, asked: Option<DateTime<Utc>>) -> Result<DateTime<Utc>, Invalid> {
    match asked {
        None => Ok(default_chase_due(cal, now)),
        Some(d) if d <= now => Err(Invalid::new("due_at", "must be after now")),
        Some(d) if d > now + Duration::days(MAX_CHASE_DAYS) => {
            Err(Invalid::new("due_at", format!("must be within {MAX_CHASE_DAYS} days")))
        }
        Some(d) => Ok(d),
    }
}

// ---------------------------------------------------------------- the report's figures

/// A chase made in a report's period.
#[derive(Debug, Clone, PartialEq)]
pub struct ChaseFact {
    pub holder: i64,
    pub holder_name: String,
    /// The holder's team when chased.
    pub team: Option<i64>,
    pub team_name: Option<String>,
    pub due_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub climbed_at: Option<DateTime<Utc>>,
}

impl ChaseFact {
    /// Answered by `end`.
    fn answered(&self, end: DateTime<Utc>) -> bool {
        self.answered_at.is_some_and(|a| a < end)
    }

    /// Its due time passed before an answer, as of `end`.
    fn overdue(&self, end: DateTime<Utc>) -> bool {
        self.due_at < end && self.answered_at.is_none_or(|a| a > self.due_at)
    }
}

/// The chases of a period: made, answered, overdue and climbed as of `end` (the period's end, or
/// now when earlier), by holder and by team (names sorted; no team last).
pub fn report_chases(facts: &[ChaseFact], end: DateTime<Utc>) -> ReportChases {
    let count = |f: &[&ChaseFact]| ReportChaseGroup {
        key: String::new(),
        label: String::new(),
        made: f.len() as i64,
        answered: f.iter().filter(|c| c.answered(end)).count() as i64,
        overdue: f.iter().filter(|c| c.overdue(end)).count() as i64,
    };
    let group = |key: &dyn Fn(&ChaseFact) -> (String, String)| {
        let mut groups: BTreeMap<(String, String), Vec<&ChaseFact>> = BTreeMap::new();
        for f in facts {
            let (k, label) = key(f);
            groups.entry((label, k)).or_default().push(f);
        }
        let mut out: Vec<ReportChaseGroup> = groups
            .into_iter()
            .map(|((label, key), fs)| ReportChaseGroup {
                key,
                label,
                ..count(&fs)
            })
            .collect();
        out.sort_by_key(|g| g.key == "none");
        out
    };
    let all: Vec<&ChaseFact> = facts.iter().collect();
    let total = count(&all);
    ReportChases {
        made: total.made,
        answered: total.answered,
        overdue: total.overdue,
        climbed: facts.iter().filter(|c| c.climbed_at.is_some_and(|t| t < end)).count() as i64,
        by_agent: group(&|f| (f.holder.to_string(), f.holder_name.clone())),
        by_team: group(&|f| match f.team {
            Some(t) => (t.to_string(), f.team_name.clone().unwrap_or_default()),
            None => ("none".into(), String::new()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sla::DayOverride;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn shanghai() -> Calendar {
        Calendar::standard(chrono_tz::Asia::Shanghai)
    }

    #[test]
    fn every_state_has_a_limit_and_a_waiter() {
        for s in StallState::ALL {
            assert!(default_hours(*s).is_some_and(|h| h > 0 && h <= MAX_HOURS), "{s}");
            let _ = waits_for(*s);
        }
    }

    #[test]
    fn tickets_take_their_rung_and_status() {
        use LadderTier::*;
        assert_eq!(
            ticket_state(Hotline, TicketStatus::New, false),
            Some(StallState::HotlineNew)
        );
        assert_eq!(
            ticket_state(Remote, TicketStatus::InProgress, false),
            Some(StallState::RemoteInProgress)
        );
        assert_eq!(
            ticket_state(Remote, TicketStatus::WaitingOnCustomer, false),
            Some(StallState::WaitingOnCustomer)
        );
        assert_eq!(
            ticket_state(Hotline, TicketStatus::Reopened, false),
            Some(StallState::Reopened)
        );
        assert_eq!(
            ticket_state(Onsite, TicketStatus::New, false),
            Some(StallState::OnsiteNew)
        );
        assert_eq!(
            ticket_state(Onsite, TicketStatus::InProgress, true),
            None,
            "its visit is followed"
        );
        for s in [TicketStatus::Resolved, TicketStatus::Closed, TicketStatus::Cancelled] {
            assert_eq!(ticket_state(Hotline, s, false), None);
        }
        assert_eq!(visit_state(VisitStatus::Assigned), Some(StallState::VisitAssigned));
        assert_eq!(visit_state(VisitStatus::Completed), None);
        for v in OPEN_VISITS {
            assert!(visit_state(*v).is_some());
        }
    }

    #[test]
    fn a_weekend_and_a_holiday_do_not_make_work_stalled() {
        let cal = shanghai();
        // Friday 16:50 local: ten working minutes left that day.
        let friday = at("2026-11-20T08:50:00Z");
        let (idle, past) = stalled(&cal, friday, at("2026-11-22T08:50:00Z"), Some(2));
        assert_eq!(
            (idle, past),
            (Duration::minutes(10), false),
            "Sunday: ten minutes of work time"
        );
        // Monday 10:30 local: 10 min + 2 h.
        let (idle, past) = stalled(&cal, friday, at("2026-11-23T02:30:00Z"), Some(2));
        assert_eq!((idle, past), (Duration::minutes(130), true));
        // With Monday a public holiday, still not stalled on Monday.
        let mut holiday = cal.clone();
        holiday
            .overrides
            .insert("2026-11-23".parse().unwrap(), DayOverride::Holiday);
        let (idle, past) = stalled(&holiday, friday, at("2026-11-23T02:30:00Z"), Some(2));
        assert_eq!((idle, past), (Duration::minutes(10), false));
        // No limit: never stalled.
        assert!(!stalled(&cal, friday, at("2026-12-23T02:30:00Z"), None).1);
    }

    #[test]
    fn an_accepted_visit_waits_for_its_window() {
        let (changed, window) = (at("2026-11-20T01:00:00Z"), at("2026-11-23T01:00:00Z"));
        assert_eq!(visit_since(StallState::VisitAccepted, changed, window), window);
        assert_eq!(visit_since(StallState::VisitAssigned, changed, window), changed);
    }

    #[test]
    fn chasing_is_not_work() {
        assert!(!is_work("chased") && !is_work("sla_alert"));
        assert!(is_work("note") && is_work("escalated"));
    }

    #[test]
    fn a_chase_is_due_in_four_working_hours_unless_asked() {
        let cal = shanghai();
        let friday = at("2026-11-20T08:50:00Z");
        // Ten minutes on Friday, 3 h 50 on Monday from 08:30: Monday 12:20 local.
        assert_eq!(chase_due(&cal, friday, None).unwrap(), at("2026-11-23T04:20:00Z"));
        assert_eq!(chase_due(&cal, friday, Some(friday)).unwrap_err().field, "due_at");
        assert!(chase_due(&cal, friday, Some(friday + Duration::days(31))).is_err());
        let asked = friday + Duration::hours(1);
        assert_eq!(chase_due(&cal, friday, Some(asked)).unwrap(), asked);
        assert_eq!(limit(Some(0)).unwrap_err().field, "hours");
        assert_eq!(limit(None).unwrap(), None);
        assert_eq!(hours(Duration::minutes(130)), 2.2);
    }

    #[test]
    fn the_report_counts_chases_by_agent_and_team() {
        let due = at("2026-11-23T04:00:00Z");
        let fact = |holder: i64, team: Option<i64>, answered: Option<&str>, climbed: bool| ChaseFact {
            holder,
            holder_name: format!("Agent {holder}"),
            team,
            team_name: team.map(|t| format!("Shift {t}")),
            due_at: due,
            answered_at: answered.map(at),
            climbed_at: climbed.then(|| due + Duration::minutes(5)),
        };
        let facts = [
            fact(1, Some(7), Some("2026-11-23T03:00:00Z"), false),
            fact(1, Some(7), Some("2026-11-23T05:00:00Z"), true),
            fact(2, None, None, true),
            fact(2, None, None, false),
        ];
        let r = report_chases(&facts, at("2026-11-30T00:00:00Z"));
        assert_eq!((r.made, r.answered, r.overdue, r.climbed), (4, 2, 3, 2));
        assert_eq!(r.by_agent.len(), 2);
        assert_eq!(
            (r.by_agent[0].key.as_str(), r.by_agent[0].made, r.by_agent[0].overdue),
            ("1", 2, 1)
        );
        assert_eq!((r.by_team[0].label.as_str(), r.by_team[0].answered), ("Shift 7", 2));
        assert_eq!(r.by_team[1].key, "none");
        // Before the due time nothing is overdue yet.
        let early = report_chases(&facts, due - Duration::minutes(1));
        assert_eq!((early.answered, early.overdue, early.climbed), (1, 0, 0));
    }
}
