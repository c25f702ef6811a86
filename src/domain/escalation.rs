//! What the SLA scan does with a ticket: which due times it has just missed (each breach is
//! recorded once), and how far up the alert ladder it goes (owner, then supervisors, then
//! managers), one step per interval after the first breach. Pure; the scan records the answer.

use chrono::{DateTime, Duration, Utc};

/// One of a ticket's SLA clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaClock {
    Response,
    Arrival,
    Resolution,
    Callback,
}

impl SlaClock {
    pub const ALL: [SlaClock; 4] = [
        SlaClock::Response,
        SlaClock::Arrival,
        SlaClock::Resolution,
        SlaClock::Callback,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SlaClock::Response => "response",
            SlaClock::Arrival => "arrival",
            SlaClock::Resolution => "resolution",
            SlaClock::Callback => "callback",
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
    pub arrival: ClockState,
    pub resolution: ClockState,
    pub callback: ClockState,
    /// Set while waiting on the customer: clocks are stopped.
    pub paused_at: Option<DateTime<Utc>>,
    /// Resolved or closed: alerts stop.
    pub finished: bool,
    /// Alert steps already taken.
    pub step: i32,
}

impl SlaState {
    pub fn clock(&self, c: SlaClock) -> &ClockState {
        match c {
            SlaClock::Response => &self.response,
            SlaClock::Arrival => &self.arrival,
            SlaClock::Resolution => &self.resolution,
            SlaClock::Callback => &self.callback,
        }
    }

    /// When the first breach was recorded.
    fn first_breach(&self) -> Option<DateTime<Utc>> {
        SlaClock::ALL.iter().filter_map(|c| self.clock(*c).breached).min()
    }
}

/// What to do now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    /// Clocks whose breach is to be recorded now.
    pub breaches: Vec<SlaClock>,
    /// Alert steps to take now, in order (e.g. `[1]`, or `[2, 3]` after a long outage).
    pub steps: Vec<i32>,
}

/// Missed a due time: the moment it was met (or now) is after it.
pub fn late(due: DateTime<Utc>, at: DateTime<Utc>) -> bool {
    at > due
}

/// Decides the breaches and alert steps for `now`. A paused ticket records only breaches that
/// happened before the pause, and takes no steps; a finished one takes no steps.
pub fn decide(s: &SlaState, now: DateTime<Utc>, step_interval: Duration) -> Decision {
    let cutoff = s.paused_at.map_or(now, |p| p.min(now));
    let breaches: Vec<SlaClock> = SlaClock::ALL
        .into_iter()
        .filter(|c| s.clock(*c).pending().is_some_and(|due| late(due, cutoff)))
        .collect();
    let mut steps = Vec::new();
    if !s.finished && s.paused_at.is_none() {
        // A breach found now counts from now.
        let first = s.first_breach().or_else(|| (!breaches.is_empty()).then_some(now));
        if let Some(first) = first {
            let due_step = step_due_at(first, now, step_interval);
            steps = (s.step + 1..=due_step).collect();
        }
    }
    Decision { breaches, steps }
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
            arrival: ClockState::default(),
            resolution: ClockState {
                due: Some(t(resolution_due)),
                ..Default::default()
            },
            callback: ClockState::default(),
            paused_at: None,
            finished: false,
            step: 0,
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
}
