//! What the SLA scan does with a ticket: which due times it has just missed (each breach is
//! recorded once), whether a missed tier limit climbs the ticket to the next tier on its own,
//! and how far up the alert ladder it goes (owner, then supervisors, then managers), one step
//! per interval after the first breach that alerts. Pure; the scan records the answer.
//!
//! A missed tier limit (hotline or remote) alerts while the ticket stays on that tier; a climb,
//! by the scan or by a person, ends it. Every other missed clock alerts until the ticket is
//! resolved.

use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{LadderTier, TierAction};

/// One of a ticket's SLA clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaClock {
    Response,
    /// The hotline tier's limit.
    Hotline,
    /// The remote tier's limit.
    Remote,
    /// A technician en route.
    Departure,
    Arrival,
    Resolution,
    Callback,
}

impl SlaClock {
    pub const ALL: [SlaClock; 7] = [
        SlaClock::Response,
        SlaClock::Hotline,
        SlaClock::Remote,
        SlaClock::Departure,
        SlaClock::Arrival,
        SlaClock::Resolution,
        SlaClock::Callback,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SlaClock::Response => "response",
            SlaClock::Hotline => "hotline",
            SlaClock::Remote => "remote",
            SlaClock::Departure => "departure",
            SlaClock::Arrival => "arrival",
            SlaClock::Resolution => "resolution",
            SlaClock::Callback => "callback",
        }
    }

    /// The tier whose limit the clock is.
    pub fn tier(self) -> Option<LadderTier> {
        match self {
            SlaClock::Hotline => Some(LadderTier::Hotline),
            SlaClock::Remote => Some(LadderTier::Remote),
            _ => None,
        }
    }
}

/// One clock: when it is due, when it was met, when its breach was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClockState {
    pub due: Option<DateTime<Utc>>,
    pub met: Option<DateTime<Utc>>,
    pub breached: Option<DateTime<Utc>>,
}

impl ClockState {
    /// Due, not met and not yet recorded as breached.
    fn pending(&self) -> Option<DateTime<Utc>> {
        match (self.due, self.met, self.breached) {
            (Some(d), None, None) => Some(d),
            _ => None,
        }
    }
}

/// The highest alert step: 1 owner, 2 supervisors, 3 managers.
pub const LAST_STEP: i32 = 3;

/// What the scan knows of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaState {
    pub response: ClockState,
    /// Met when the ticket leaves the hotline tier (or is resolved).
    pub hotline: ClockState,
    /// Met when the ticket leaves the remote tier (or is resolved).
    pub remote: ClockState,
    /// Met when a technician sets off (or arrives, or the ticket is resolved).
    pub departure: ClockState,
    pub arrival: ClockState,
    pub resolution: ClockState,
    pub callback: ClockState,
    /// Set while waiting on the customer: clocks are stopped.
    pub paused_at: Option<DateTime<Utc>>,
    /// Resolved or closed: alerts stop.
    pub finished: bool,
    /// Alert steps already taken.
    pub step: i32,
    /// The tier the ticket stands on.
    pub tier: LadderTier,
    /// The customer's authorization for remote access is on record.
    pub remote_authorized: bool,
    /// What passing the hotline limit does.
    pub on_hotline: TierAction,
    /// What passing the remote limit does.
    pub on_remote: TierAction,
}

impl SlaState {
    pub fn clock(&self, c: SlaClock) -> &ClockState {
        match c {
            SlaClock::Response => &self.response,
            SlaClock::Hotline => &self.hotline,
            SlaClock::Remote => &self.remote,
            SlaClock::Departure => &self.departure,
            SlaClock::Arrival => &self.arrival,
            SlaClock::Resolution => &self.resolution,
            SlaClock::Callback => &self.callback,
        }
    }

    /// Whether a recorded breach of the clock keeps alerting: a tier limit only while the
    /// ticket stays on its tier.
    fn alerts(&self, c: SlaClock) -> bool {
        c.tier().is_none() || self.clock(c).met.is_none()
    }

    /// When the first breach that alerts was recorded.
    fn first_breach(&self) -> Option<DateTime<Utc>> {
        SlaClock::ALL
            .iter()
            .filter(|c| self.alerts(**c))
            .filter_map(|c| self.clock(*c).breached)
            .min()
    }

    /// What passing a tier's limit does.
    fn action(&self, tier: LadderTier) -> TierAction {
        match tier {
            LadderTier::Hotline => self.on_hotline,
            LadderTier::Remote => self.on_remote,
            LadderTier::Onsite => TierAction::Alert,
        }
    }
}

/// Why an automatic climb did not happen.
pub const NO_AUTHORIZATION: &str = "remote service needs the customer's authorization on record";

/// A climb the scan makes (or would make) because a tier's limit passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Climb {
    /// The missed tier limit.
    pub clock: SlaClock,
    pub from: LadderTier,
    pub to: LadderTier,
    /// Why it cannot climb; then the breach alerts instead.
    pub blocked: Option<&'static str>,
}

/// What to do now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    /// Clocks whose breach is to be recorded now.
    pub breaches: Vec<SlaClock>,
    /// The climb a missed tier limit calls for, made or blocked.
    pub climb: Option<Climb>,
    /// Alert steps to take now, in order (e.g. `[1]`, or `[2, 3]` after a long outage).
    pub steps: Vec<i32>,
}

/// Missed a due time: the moment it was met (or now) is after it.
pub fn late(due: DateTime<Utc>, at: DateTime<Utc>) -> bool {
    at > due
}

/// The climb a missed tier limit calls for: to the next tier when the row says `climb` and the
/// ticket still stands on that tier; to remote only with the customer's authorization.
fn climb_for(s: &SlaState, clock: SlaClock) -> Option<Climb> {
    let from = clock.tier()?;
    if s.tier != from || s.action(from) != TierAction::Climb {
        return None;
    }
    let to = match from {
        LadderTier::Hotline => LadderTier::Remote,
        _ => LadderTier::Onsite,
    };
    let blocked = (to == LadderTier::Remote && !s.remote_authorized).then_some(NO_AUTHORIZATION);
    Some(Climb {
        clock,
        from,
        to,
        blocked,
    })
}

/// Decides the breaches, the climb and the alert steps for `now`. A paused ticket records only
/// breaches that happened before the pause, and neither climbs nor takes steps; a finished one
/// takes no steps. A missed tier limit that climbs does not alert; one that cannot climb alerts.
pub fn decide(s: &SlaState, now: DateTime<Utc>, step_interval: Duration) -> Decision {
    let cutoff = s.paused_at.map_or(now, |p| p.min(now));
    let breaches: Vec<SlaClock> = SlaClock::ALL
        .into_iter()
        .filter(|c| s.clock(*c).pending().is_some_and(|due| late(due, cutoff)))
        .collect();
    let active = !s.finished && s.paused_at.is_none();
    let climb = if active {
        breaches.iter().find_map(|c| climb_for(s, *c))
    } else {
        None
    };
    let climbed = |c: SlaClock| climb.is_some_and(|x| x.clock == c && x.blocked.is_none());
    let mut steps = Vec::new();
    if active {
        // A breach found now counts from now.
        let alerting_now = breaches.iter().any(|c| !climbed(*c));
        let first = s.first_breach().or_else(|| alerting_now.then_some(now));
        if let Some(first) = first {
            let due_step = step_due_at(first, now, step_interval);
            steps = (s.step + 1..=due_step).collect();
        }
    }
    Decision { breaches, climb, steps }
}

/// The step the time since the first breach calls for: 1 at once, then one more per interval.
fn step_due_at(first: DateTime<Utc>, now: DateTime<Utc>, interval: Duration) -> i32 {
    if now < first {
        return 0;
    }
    let intervals = if interval <= Duration::zero() {
        i64::from(LAST_STEP)
    } else {
        (now - first).num_seconds() / interval.num_seconds().max(1)
    };
    (1 + intervals).min(i64::from(LAST_STEP)) as i32
}

/// The visit window an automatic climb on site proposes: from the departure due time (or now)
/// to the arrival due time, at most [`crate::domain::visit::WINDOW_MAX_HOURS`] long (its end
/// kept).
pub fn proposed_window(
    now: DateTime<Utc>,
    departure_due: DateTime<Utc>,
    arrival_due: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let end = arrival_due.max(now + Duration::hours(1));
    let longest = Duration::hours(crate::domain::visit::WINDOW_MAX_HOURS);
    let earliest = now.max(end - longest);
    let start = departure_due.max(earliest);
    (if start < end { start } else { earliest }, end)
}

/// When the scan must next look at the ticket (the earliest pending due time or alert step),
/// or None when nothing can happen until someone acts.
pub fn next_check(s: &SlaState, step_interval: Duration) -> Option<DateTime<Utc>> {
    if s.paused_at.is_some() {
        return None;
    }
    let due = SlaClock::ALL.iter().filter_map(|c| s.clock(*c).pending()).min();
    let step = if !s.finished && s.step < LAST_STEP {
        s.first_breach().map(|first| first + step_interval * s.step)
    } else {
        None
    };
    [due, step].into_iter().flatten().min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z").unwrap().to_utc() + Duration::hours(h)
    }

    fn open(response_due: i64, resolution_due: i64) -> SlaState {
        SlaState {
            response: ClockState {
                due: Some(t(response_due)),
                ..Default::default()
            },
            hotline: ClockState::default(),
            remote: ClockState::default(),
            departure: ClockState::default(),
            arrival: ClockState::default(),
            resolution: ClockState {
                due: Some(t(resolution_due)),
                ..Default::default()
            },
            callback: ClockState::default(),
            paused_at: None,
            finished: false,
            step: 0,
            tier: LadderTier::Hotline,
            remote_authorized: false,
            on_hotline: TierAction::Alert,
            on_remote: TierAction::Alert,
        }
    }

    const HOUR: Duration = Duration::hours(1);

    #[test]
    fn nothing_happens_before_a_due_time() {
        let s = open(1, 24);
        assert_eq!(decide(&s, t(1), HOUR), Decision::default());
        assert_eq!(next_check(&s, HOUR), Some(t(1)));
    }

    #[test]
    fn a_missed_response_is_a_breach_and_alerts_the_owner() {
        let s = open(1, 24);
        let d = decide(&s, t(2), HOUR);
        assert_eq!(d.breaches, vec![SlaClock::Response]);
        assert_eq!(d.steps, vec![1]);
    }

    #[test]
    fn steps_climb_one_per_interval_and_never_repeat() {
        let mut s = open(1, 24);
        s.response.breached = Some(t(2));
        s.step = 1;
        assert_eq!(decide(&s, t(2) + Duration::minutes(59), HOUR).steps, Vec::<i32>::new());
        assert_eq!(next_check(&s, HOUR), Some(t(3)));
        assert_eq!(decide(&s, t(3), HOUR).steps, vec![2]);
        s.step = 2;
        assert_eq!(decide(&s, t(4), HOUR).steps, vec![3]);
        s.step = 3;
        assert_eq!(decide(&s, t(10), HOUR), Decision::default());
        assert_eq!(next_check(&s, HOUR), Some(t(24)), "only the resolution clock is left");
    }

    #[test]
    fn a_long_outage_takes_the_missing_steps_at_once() {
        let s = open(1, 24);
        let d = decide(&s, t(30), HOUR);
        assert_eq!(d.breaches, vec![SlaClock::Response, SlaClock::Resolution]);
        assert_eq!(
            d.steps,
            vec![1],
            "the first breach is counted from now, when it is found"
        );
        let mut s = s;
        s.response.breached = Some(t(2));
        s.resolution.breached = Some(t(30));
        s.step = 1;
        assert_eq!(decide(&s, t(30), HOUR).steps, vec![2, 3]);
    }

    #[test]
    fn met_clocks_do_not_breach() {
        let mut s = open(1, 24);
        s.response.met = Some(t(0));
        assert_eq!(decide(&s, t(5), HOUR), Decision::default());
        assert_eq!(next_check(&s, HOUR), Some(t(24)));
    }

    #[test]
    fn a_paused_ticket_waits() {
        let mut s = open(1, 24);
        s.paused_at = Some(t(0));
        assert_eq!(decide(&s, t(30), HOUR), Decision::default());
        assert_eq!(next_check(&s, HOUR), None);
        // A breach that happened before the pause is still recorded, but no alerts run.
        s.paused_at = Some(t(3));
        let d = decide(&s, t(30), HOUR);
        assert_eq!(d.breaches, vec![SlaClock::Response]);
        assert!(d.steps.is_empty());
    }

    #[test]
    fn a_finished_ticket_takes_no_steps() {
        let mut s = open(1, 24);
        s.finished = true;
        s.response.met = Some(t(0));
        s.resolution.met = Some(t(5));
        assert_eq!(decide(&s, t(30), HOUR), Decision::default());
        assert_eq!(next_check(&s, HOUR), None);
    }

    #[test]
    fn callbacks_and_arrivals_are_clocks_too() {
        let mut s = open(100, 200);
        s.callback.due = Some(t(24));
        s.arrival.due = Some(t(8));
        assert_eq!(next_check(&s, HOUR), Some(t(8)));
        assert_eq!(
            decide(&s, t(25), HOUR).breaches,
            vec![SlaClock::Arrival, SlaClock::Callback]
        );
    }

    /// A ticket on the hotline whose tier limit is due at `h`, the row saying `climb`.
    fn on_hotline(h: i64) -> SlaState {
        let mut s = open(100, 200);
        s.hotline.due = Some(t(h));
        s.on_hotline = TierAction::Climb;
        s
    }

    #[test]
    fn a_missed_hotline_limit_climbs_to_remote_when_authorized_and_does_not_alert() {
        let mut s = on_hotline(4);
        s.remote_authorized = true;
        assert_eq!(decide(&s, t(4), HOUR), Decision::default());
        let d = decide(&s, t(5), HOUR);
        assert_eq!(d.breaches, vec![SlaClock::Hotline]);
        assert_eq!(
            d.climb,
            Some(Climb {
                clock: SlaClock::Hotline,
                from: LadderTier::Hotline,
                to: LadderTier::Remote,
                blocked: None
            })
        );
        assert!(d.steps.is_empty(), "a climb is not an alert");
        // Recorded and climbed: the breach no longer alerts, nothing is left to do.
        s.hotline.breached = Some(t(5));
        s.hotline.met = Some(t(5));
        s.tier = LadderTier::Remote;
        assert_eq!(decide(&s, t(9), HOUR), Decision::default());
        assert_eq!(next_check(&s, HOUR), Some(t(100)));
    }

    #[test]
    fn without_an_authorization_the_missed_limit_alerts_and_says_why() {
        let mut s = on_hotline(4);
        let d = decide(&s, t(5), HOUR);
        assert_eq!(d.breaches, vec![SlaClock::Hotline]);
        assert_eq!(d.climb.and_then(|c| c.blocked), Some(NO_AUTHORIZATION));
        assert_eq!(d.steps, vec![1]);
        // It keeps alerting while the ticket stays on the hotline...
        s.hotline.breached = Some(t(5));
        s.step = 1;
        let d = decide(&s, t(6), HOUR);
        assert_eq!((d.climb, d.steps), (None, vec![2]), "the climb is tried once");
        // ...and stops once a person escalates it.
        s.hotline.met = Some(t(6));
        s.tier = LadderTier::Remote;
        assert_eq!(decide(&s, t(8), HOUR), Decision::default());
    }

    #[test]
    fn an_alert_row_alerts_and_a_climb_to_on_site_needs_no_authorization() {
        let mut s = on_hotline(4);
        s.on_hotline = TierAction::Alert;
        let d = decide(&s, t(5), HOUR);
        assert_eq!((d.climb, d.steps), (None, vec![1]));

        let mut r = open(100, 200);
        r.tier = LadderTier::Remote;
        r.remote.due = Some(t(3));
        r.on_remote = TierAction::Climb;
        let d = decide(&r, t(4), HOUR);
        assert_eq!(d.climb.map(|c| (c.to, c.blocked)), Some((LadderTier::Onsite, None)));
        assert!(d.steps.is_empty());
        // A tier limit of a tier the ticket has left does not climb it.
        r.tier = LadderTier::Onsite;
        assert_eq!(decide(&r, t(4), HOUR).climb, None);
    }

    #[test]
    fn a_waiting_ticket_does_not_climb() {
        let mut s = on_hotline(4);
        s.remote_authorized = true;
        s.paused_at = Some(t(6));
        let d = decide(&s, t(8), HOUR);
        assert_eq!(d.breaches, vec![SlaClock::Hotline]);
        assert_eq!((d.climb, d.steps.len()), (None, 0));
    }

    #[test]
    fn the_proposed_window_ends_at_the_arrival_due_time() {
        assert_eq!(proposed_window(t(0), t(2), t(4)), (t(2), t(4)));
        // Never longer than a window may be, never starting in the past.
        assert_eq!(proposed_window(t(0), t(1), t(48)), (t(24), t(48)));
        assert_eq!(proposed_window(t(3), t(1), t(4)), (t(3), t(4)));
        // A departure due after the arrival (a policy so edited) starts the window at once.
        assert_eq!(proposed_window(t(0), t(5), t(4)), (t(0), t(4)));
        let (s, e) = proposed_window(t(0), t(0), t(0));
        assert!(s < e && e > t(0));
    }

    #[test]
    fn a_missed_departure_is_a_breach_that_alerts() {
        let mut s = open(100, 200);
        s.tier = LadderTier::Onsite;
        s.departure.due = Some(t(2));
        s.arrival.due = Some(t(4));
        assert_eq!(next_check(&s, HOUR), Some(t(2)));
        let d = decide(&s, t(3), HOUR);
        assert_eq!(
            (d.breaches, d.climb, d.steps),
            (vec![SlaClock::Departure], None, vec![1])
        );
        s.departure.met = Some(t(1));
        assert_eq!(decide(&s, t(3), HOUR), Decision::default());
    }
}
