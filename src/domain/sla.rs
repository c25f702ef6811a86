//! Service levels: the business calendar, SLA clocks and the default targets.
//!
//! A clock runs either on business hours (only inside the working hours of a [`Calendar`]) or
//! continuously (24x7). Working hours are kept in the calendar's local time zone; every instant
//! that goes in or comes out is UTC.
//!
//! Local times that a daylight-saving change makes ambiguous or skips are mapped to one instant:
//! an ambiguous time (clocks turned back) takes the earlier of its two instants; a skipped time
//! (clocks turned forward) takes the first instant after the gap, the moment the clocks jumped.

use chrono::offset::LocalResult;
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use fieldline_mobile_api::{ClockMode, Priority, RegionClass, RequestKind, Tier, TierAction};
use std::collections::BTreeMap;

/// How many calendar days a business clock looks ahead before it gives up and falls back to
/// plain time (about ten years); it bounds the work done for a calendar without working days.
pub const MAX_SCAN_DAYS: u64 = 3660;

/// Opening hours of one day, in the calendar's time zone. end > start.
///
/// Hours whose end is not after their start count as no working hours that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl WorkingHours {
    /// Hours from `start` to `end`; `None` unless end is after start.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Option<WorkingHours> {
        (end > start).then_some(WorkingHours { start, end })
    }

    /// The length of the working day in wall-clock time (a daylight-saving change that day may
    /// make the real length differ).
    pub fn length(&self) -> Duration {
        (self.end - self.start).max(Duration::zero())
    }
}

/// A day that differs from the weekly pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOverride {
    /// A public holiday: no working hours that day.
    Holiday,
    /// A working day that would otherwise be off (e.g. a weekend made up for a holiday); it uses `Calendar::makeup_hours`.
    Working,
}

/// The business calendar: weekly working hours, a time zone, and dated overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// The zone the working hours and the override dates are read in.
    pub tz: chrono_tz::Tz,
    /// Monday first. None = no work that weekday.
    pub week: [Option<WorkingHours>; 7],
    /// The hours of a `DayOverride::Working` day.
    pub makeup_hours: WorkingHours,
    /// Local dates that differ from the weekly pattern; an override replaces that weekday's hours.
    pub overrides: BTreeMap<NaiveDate, DayOverride>,
}

/// Converts a local wall-clock time to UTC: an ambiguous time takes its earlier instant, a time
/// skipped by a daylight-saving change takes the first instant after the gap.
fn to_utc(tz: chrono_tz::Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => gap_end(tz, local),
    }
}

/// The first instant whose local time is at or after `local`, which lies in a gap: the moment the
/// clocks jumped forward. Found by bisection on whole seconds around the naive instant.
fn gap_end(tz: chrono_tz::Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let reaches = |secs: i64| match DateTime::<Utc>::from_timestamp(secs, 0) {
        Some(u) => u.with_timezone(&tz).naive_local() >= local,
        None => secs > 0,
    };
    // No zone is more than 30 hours off UTC, so the local time is not reached at `lo` and is
    // passed at `hi`.
    let guess = local.and_utc().timestamp();
    let (mut lo, mut hi) = (guess - 30 * 3600, guess + 30 * 3600);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if reaches(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::<Utc>::from_timestamp(hi, 0).unwrap_or_else(|| local.and_utc())
}

/// `start + amount`, saturating at the ends of the representable range.
fn plain_add(start: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
    start
        .checked_add_signed(amount)
        .unwrap_or(if amount < Duration::zero() {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
}

fn plus_days(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX)
}

impl Calendar {
    /// Mon-Fri 08:30-17:00 in the given zone, no overrides (makeup_hours 08:30-17:00).
    pub fn standard(tz: chrono_tz::Tz) -> Calendar {
        let hours = WorkingHours {
            start: NaiveTime::from_hms_opt(8, 30, 0).expect("valid time"),
            end: NaiveTime::from_hms_opt(17, 0, 0).expect("valid time"),
        };
        let mut week = [None; 7];
        for day in week.iter_mut().take(5) {
            *day = Some(hours);
        }
        Calendar {
            tz,
            week,
            makeup_hours: hours,
            overrides: BTreeMap::new(),
        }
    }

    /// The working hours on a local date, after overrides.
    pub fn hours_on(&self, day: NaiveDate) -> Option<WorkingHours> {
        let hours = match self.overrides.get(&day) {
            Some(DayOverride::Holiday) => None,
            Some(DayOverride::Working) => Some(self.makeup_hours),
            None => self.week[day.weekday().num_days_from_monday() as usize],
        };
        hours.filter(|h| h.end > h.start)
    }

    /// Whether the local date has working hours, after overrides.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.hours_on(day).is_some()
    }

    /// The working hours of a local date as UTC instants `[open, close)`; `None` on a day off
    /// (or when a daylight-saving change swallows the whole day's hours).
    pub fn working_interval(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let hours = self.hours_on(day)?;
        let open = to_utc(self.tz, day.and_time(hours.start));
        let close = to_utc(self.tz, day.and_time(hours.end));
        (close > open).then_some((open, close))
    }

    /// The instant of a local wall-clock time (an ambiguous one takes its earlier instant, one
    /// skipped by a clock change the first instant after the gap).
    pub fn local_instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        to_utc(self.tz, local)
    }

    /// The local date of an instant.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    /// The first instant of a local date (when a clock change skips midnight, the moment the
    /// clocks jumped).
    pub fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
        to_utc(self.tz, day.and_time(chrono::NaiveTime::MIN))
    }

    /// The first working date in `from..=last`. Skips straight through the overrides when the
    /// weekly pattern has no working day at all.
    fn next_working_day(&self, from: NaiveDate, last: NaiveDate) -> Option<NaiveDate> {
        if from > last {
            return None;
        }
        if self.week.iter().all(|h| h.is_none_or(|h| h.end <= h.start)) {
            return self
                .overrides
                .range(from..=last)
                .find(|(day, o)| **o == DayOverride::Working && self.is_working_day(**day))
                .map(|(day, _)| *day);
        }
        let mut day = from;
        loop {
            if self.is_working_day(day) {
                return Some(day);
            }
            if day >= last {
                return None;
            }
            day = day.succ_opt()?;
        }
    }

    /// `start` plus `amount` of working time: the clock runs only inside working hours. A start outside working hours counts from the next opening. amount zero returns start if inside hours, else the next opening.
    ///
    /// Working hours are half-open: an amount that ends exactly at a closing time returns that
    /// closing time, but a zero amount at the closing time moves to the next opening. A negative
    /// amount counts as zero.
    ///
    /// When no working time is found within [`MAX_SCAN_DAYS`] days of `start` (a calendar without
    /// working days, or an amount of many years) the clock falls back to plain time:
    /// `start + amount`.
    pub fn add_business(&self, start: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
        let amount = amount.max(Duration::zero());
        let fallback = || plain_add(start, amount);
        let today = self.local_date(start);
        // The day before too, in case a time-zone change pushes its hours past midnight.
        let mut day = today.pred_opt().unwrap_or(today);
        let last = plus_days(today, MAX_SCAN_DAYS);
        let mut remaining = amount;
        let mut cur = start;
        loop {
            let Some(d) = self.next_working_day(day, last) else {
                return fallback();
            };
            if let Some((open, close)) = self.working_interval(d) {
                if close > cur {
                    let from = open.max(cur);
                    let available = close - from;
                    if remaining <= available {
                        return from + remaining;
                    }
                    remaining -= available;
                    cur = close;
                }
            }
            match d.succ_opt() {
                Some(next) => day = next,
                None => return fallback(),
            }
        }
    }

    /// Working time between a and b (zero when b <= a).
    pub fn business_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if b <= a {
            return total;
        }
        let first = self.local_date(a);
        let mut day = first.pred_opt().unwrap_or(first);
        let last = self.local_date(b);
        while let Some(d) = self.next_working_day(day, last) {
            if let Some((open, close)) = self.working_interval(d) {
                let from = open.max(a);
                let to = close.min(b);
                if to > from {
                    total += to - from;
                }
            }
            match d.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }

    /// The closing time of the first working day at or after t: today's closing if t is before today's closing on a working day, else the next working day's closing. (An e-mailed request must be answered by then.)
    ///
    /// "Today" is t's local date. Without a working day within [`MAX_SCAN_DAYS`] days, falls back to
    /// t plus 24 hours.
    pub fn end_of_first_working_day(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let mut day = self.local_date(t);
        let last = plus_days(day, MAX_SCAN_DAYS);
        while let Some(d) = self.next_working_day(day, last) {
            if let Some((_, close)) = self.working_interval(d) {
                if close > t {
                    return close;
                }
            }
            match d.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        plain_add(t, Duration::hours(24))
    }
}

/// An SLA's targets, as durations of the clock's mode, and what passing a tier's limit does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    /// First response to the customer.
    pub response: Duration,
    /// The hotline tier's limit, counted from the request's arrival.
    pub hotline: Duration,
    /// The remote tier's limit, counted from the moment the ticket reached the remote tier.
    pub remote: Duration,
    /// A technician en route, counted from the moment the ticket reached the on-site tier.
    pub departure: Duration,
    /// A technician on site, counted from the moment the ticket reached the on-site tier.
    pub arrival: Duration,
    /// The fault repaired.
    pub resolution: Duration,
    /// The clock the durations run on.
    pub mode: ClockMode,
    /// What passing the hotline limit does.
    pub on_hotline: TierAction,
    /// What passing the remote limit does.
    pub on_remote: TierAction,
}

/// The longest a tier holds a request by default: a question the hotline cannot answer on the
/// call is answered within 24 hours (seed 004 §11).
pub const TIER_LIMIT_MAX_MINUTES: i64 = 24 * 60;

/// The shipped tier limits for a response target and the arrival and resolution limits: a tier
/// holds a request at most four times its response target, never more than
/// [`TIER_LIMIT_MAX_MINUTES`] nor the resolution limit; a technician sets off within half the
/// arrival limit (the other half is the journey). Minutes in, minutes out: (hotline, remote,
/// departure).
fn tier_limits(response: i64, arrival: i64, resolution: i64) -> (i64, i64, i64) {
    let tier = (4 * response).min(TIER_LIMIT_MAX_MINUTES).min(resolution);
    (tier, tier, (arrival / 2).max(1))
}

/// The shipped default policy for a customer tier, priority and region class (the seeds' figures):
/// resolution at most 48 h; urban sites at most 36 h, rural at most 48 h; VIP tiers (every tier but standard) get the
/// lower bound: urban 24 h, rural 36 h. P1 halves the resolution bound. Response: standard P1 1 h, P2 2 h, P3 4 h, P4 8 h;
/// VIP half of that. On-site arrival: urban P1 4 h, P2 8 h, P3 24 h, P4 24 h; rural double of urban; VIP half; never more than the resolution.
/// P1 and P2 run on a continuous (24x7) clock, P3 and P4 on business hours. The tier limits
/// follow [`tier_limits`]; passing the hotline limit climbs to remote (seed 000 §10.2.2: remote
/// service when the hotline cannot clear the fault), passing the remote limit alerts (an on-site
/// visit is agreed with the customer, seed 003 §三.4).
pub fn default_targets(tier: Tier, priority: Priority, class: RegionClass) -> Targets {
    const HOUR: i64 = 60;
    let vip = tier.is_vip();
    // Figures in minutes, so halving stays exact.
    let mut resolution = match (class, vip) {
        (RegionClass::Urban, false) => 36 * HOUR,
        (RegionClass::Rural, false) => 48 * HOUR,
        (RegionClass::Urban, true) => 24 * HOUR,
        (RegionClass::Rural, true) => 36 * HOUR,
    };
    if priority == Priority::P1 {
        resolution /= 2;
    }
    let mut response = match priority {
        Priority::P1 => HOUR,
        Priority::P2 => 2 * HOUR,
        Priority::P3 => 4 * HOUR,
        Priority::P4 => 8 * HOUR,
    };
    let mut arrival = match priority {
        Priority::P1 => 4 * HOUR,
        Priority::P2 => 8 * HOUR,
        Priority::P3 | Priority::P4 => 24 * HOUR,
    };
    if class == RegionClass::Rural {
        arrival *= 2;
    }
    if vip {
        response /= 2;
        arrival /= 2;
    }
    let arrival = arrival.min(resolution);
    let mode = match priority {
        Priority::P1 | Priority::P2 => ClockMode::Continuous,
        Priority::P3 | Priority::P4 => ClockMode::Business,
    };
    let (hotline, remote, departure) = tier_limits(response, arrival, resolution);
    Targets {
        response: Duration::minutes(response),
        hotline: Duration::minutes(hotline),
        remote: Duration::minutes(remote),
        departure: Duration::minutes(departure),
        arrival: Duration::minutes(arrival),
        resolution: Duration::minutes(resolution),
        mode,
        on_hotline: TierAction::Climb,
        on_remote: TierAction::Alert,
    }
}

/// The shipped policy of a complaint, whatever its priority and region (seed 001 gives
/// complaints a time limit of their own and VIP customers its lower bound, 投诉时限执行下限,
/// without figures): a continuous clock; response 2 h, resolution 48 h (the longest repair
/// limit of seed 001), on-site arrival 24 h; VIP customers half of each. Tier limits as
/// [`tier_limits`]; passing the hotline limit climbs, passing the remote limit alerts.
pub fn complaint_targets(tier: Tier) -> Targets {
    const HOUR: i64 = 60;
    let div = if tier.is_vip() { 2 } else { 1 };
    let (response, arrival, resolution) = (2 * HOUR / div, 24 * HOUR / div, 48 * HOUR / div);
    let (hotline, remote, departure) = tier_limits(response, arrival, resolution);
    Targets {
        response: Duration::minutes(response),
        hotline: Duration::minutes(hotline),
        remote: Duration::minutes(remote),
        departure: Duration::minutes(departure),
        arrival: Duration::minutes(arrival),
        resolution: Duration::minutes(resolution),
        mode: ClockMode::Continuous,
        on_hotline: TierAction::Climb,
        on_remote: TierAction::Alert,
    }
}

// ---------------------------------------------------------------- choosing a policy row

/// The tickets a policy row applies to: each part None for any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PolicyScope {
    pub kind: Option<RequestKind>,
    pub tier: Option<Tier>,
    pub priority: Option<Priority>,
    pub class: Option<RegionClass>,
}

/// What a ticket is, as far as choosing its policy goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketClass {
    pub kind: RequestKind,
    pub tier: Tier,
    pub priority: Priority,
    pub class: RegionClass,
}

impl PolicyScope {
    /// The row for exactly one ticket class.
    pub fn exact(t: TicketClass) -> PolicyScope {
        PolicyScope {
            kind: Some(t.kind),
            tier: Some(t.tier),
            priority: Some(t.priority),
            class: Some(t.class),
        }
    }

    /// Every part the row names is the ticket's.
    pub fn matches(&self, t: &TicketClass) -> bool {
        self.kind.is_none_or(|k| k == t.kind)
            && self.tier.is_none_or(|x| x == t.tier)
            && self.priority.is_none_or(|p| p == t.priority)
            && self.class.is_none_or(|c| c == t.class)
    }

    /// How specific the row is, compared part by part in this order: a row naming the kind is
    /// more specific than any row that does not; between those alike, one naming the customer
    /// tier; then the priority; then the region class.
    pub fn specificity(&self) -> [bool; 4] {
        [
            self.kind.is_some(),
            self.tier.is_some(),
            self.priority.is_some(),
            self.class.is_some(),
        ]
    }
}

/// The most specific of the rows that match the ticket (rows have different scopes), or None
/// when none does.
pub fn choose<T>(rows: impl IntoIterator<Item = (PolicyScope, T)>, t: &TicketClass) -> Option<T> {
    rows.into_iter()
        .filter(|(scope, _)| scope.matches(t))
        .max_by_key(|(scope, _)| scope.specificity())
        .map(|(_, v)| v)
}

/// The rows a new database starts with: one for every customer tier x priority x region class
/// (any kind, [`default_targets`]), and one per customer tier for complaints
/// ([`complaint_targets`]).
pub fn shipped_policies() -> Vec<(PolicyScope, Targets)> {
    let mut out = Vec::new();
    for &tier in Tier::ALL {
        for &priority in Priority::ALL {
            for &class in RegionClass::ALL {
                let scope = PolicyScope {
                    kind: None,
                    tier: Some(tier),
                    priority: Some(priority),
                    class: Some(class),
                };
                out.push((scope, default_targets(tier, priority, class)));
            }
        }
    }
    for &tier in Tier::ALL {
        let scope = PolicyScope {
            kind: Some(RequestKind::Complaint),
            tier: Some(tier),
            ..PolicyScope::default()
        };
        out.push((scope, complaint_targets(tier)));
    }
    out
}

/// The targets of a ticket class when no stored row matches it: the shipped row that would.
pub fn shipped_targets(t: &TicketClass) -> Targets {
    choose(shipped_policies(), t).unwrap_or_else(|| default_targets(t.tier, t.priority, t.class))
}

/// The callback promised for a hotline question that could not be answered on the call.
pub const CALLBACK_HOURS: i64 = 24;

/// `start` plus `amount` on the given clock: business time on the calendar, or plain time.
pub fn add(cal: &Calendar, mode: ClockMode, start: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
    match mode {
        ClockMode::Business => cal.add_business(start, amount),
        ClockMode::Continuous => plain_add(start, amount),
    }
}

/// Clock time between a and b on the given clock (zero when b <= a).
pub fn elapsed(cal: &Calendar, mode: ClockMode, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
    match mode {
        ClockMode::Business => cal.business_between(a, b),
        ClockMode::Continuous => (b - a).max(Duration::zero()),
    }
}

/// A ticket's due times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dues {
    pub response: DateTime<Utc>,
    pub resolution: DateTime<Utc>,
}

/// `target + paused`, with a negative pause counted as none and saturating on overflow.
fn extended(target: Duration, paused: Duration) -> Duration {
    target
        .checked_add(&paused.max(Duration::zero()))
        .unwrap_or(Duration::MAX)
}

/// Due times of a ticket opened at `opened` whose clock has been paused for `paused` (clock time, i.e. business time
/// for a business clock) while it waited on the customer: each due is `add(opened, target + paused)`.
/// Recomputing after a priority, tier or site change is calling this again with the new targets.
///
/// A negative pause counts as none.
pub fn dues(cal: &Calendar, t: &Targets, opened: DateTime<Utc>, paused: Duration) -> Dues {
    Dues {
        response: add(cal, t.mode, opened, extended(t.response, paused)),
        resolution: add(cal, t.mode, opened, extended(t.resolution, paused)),
    }
}

/// The on-site arrival due time, counted from the moment the ticket reached the on-site tier, extended by the pause since.
///
/// A negative pause counts as none.
pub fn arrival_due(cal: &Calendar, t: &Targets, onsite_since: DateTime<Utc>, paused_since: Duration) -> DateTime<Utc> {
    due_after(cal, t.mode, onsite_since, t.arrival, paused_since)
}

/// A limit counted from `since` on the clock `mode`, extended by the pause since then (a tier's
/// limit from the moment the ticket reached the tier, the departure from reaching on-site).
///
/// A negative pause counts as none.
pub fn due_after(
    cal: &Calendar,
    mode: ClockMode,
    since: DateTime<Utc>,
    limit: Duration,
    paused_since: Duration,
) -> DateTime<Utc> {
    add(cal, mode, since, extended(limit, paused_since))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Shanghai;
    use chrono_tz::Europe::Berlin;

    /// A local wall-clock time in `tz`, as UTC (the time must exist and be unambiguous).
    fn local(tz: chrono_tz::Tz, y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        tz.with_ymd_and_hms(y, m, d, h, mi, 0)
            .single()
            .expect("a plain local time")
            .with_timezone(&Utc)
    }

    /// A Shanghai local time in November 2026 (Mon 16, Tue 17, Wed 18, Thu 19, Fri 20, Sat 21,
    /// Sun 22, Mon 23).
    fn sh(d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        local(Shanghai, 2026, 11, d, h, mi)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn mins(m: i64) -> Duration {
        Duration::minutes(m)
    }

    fn hours(h: i64) -> Duration {
        Duration::hours(h)
    }

    fn shanghai() -> Calendar {
        Calendar::standard(Shanghai)
    }

    /// Thursday 2026-11-19 a holiday.
    fn with_thursday_holiday() -> Calendar {
        let mut cal = shanghai();
        cal.overrides.insert(date(2026, 11, 19), DayOverride::Holiday);
        cal
    }

    fn no_work(tz: chrono_tz::Tz) -> Calendar {
        let mut cal = Calendar::standard(tz);
        cal.week = [None; 7];
        cal
    }

    #[test]
    fn a_day_starts_at_local_midnight_or_when_a_skipped_midnight_ends() {
        let shanghai = Calendar::standard(chrono_tz::Asia::Shanghai);
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(
            shanghai.day_start(day),
            "2026-11-23T16:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        // Santiago moved its clocks from 00:00 to 01:00 on 2026-09-06.
        let santiago = Calendar::standard(chrono_tz::America::Santiago);
        let skipped = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(
            santiago.day_start(skipped),
            "2026-09-06T04:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn the_test_dates_fall_on_the_expected_weekdays() {
        assert_eq!(date(2026, 11, 16).weekday(), chrono::Weekday::Mon);
        assert_eq!(date(2026, 11, 20).weekday(), chrono::Weekday::Fri);
    }

    #[test]
    fn standard_calendar() {
        let cal = shanghai();
        assert!(cal.is_working_day(date(2026, 11, 20)));
        assert!(!cal.is_working_day(date(2026, 11, 21)));
        assert!(!cal.is_working_day(date(2026, 11, 22)));
        assert_eq!(
            cal.hours_on(date(2026, 11, 16)),
            WorkingHours::new(time(8, 30), time(17, 0))
        );
        assert_eq!(
            cal.working_interval(date(2026, 11, 16)),
            Some((sh(16, 8, 30), sh(16, 17, 0)))
        );
        assert!(cal.overrides.is_empty());
    }

    #[test]
    fn friday_afternoon_runs_into_monday() {
        let cal = shanghai();
        assert_eq!(cal.add_business(sh(20, 16, 50), hours(1)), sh(23, 9, 20));
    }

    #[test]
    fn a_holiday_in_the_middle_is_skipped() {
        let cal = with_thursday_holiday();
        assert!(!cal.is_working_day(date(2026, 11, 19)));
        // Wednesday 16:00-17:00 is one hour; the other seven start Friday 08:30.
        assert_eq!(cal.add_business(sh(18, 16, 0), hours(8)), sh(20, 15, 30));
        assert_eq!(cal.business_between(sh(18, 16, 0), sh(20, 15, 30)), hours(8));
    }

    #[test]
    fn a_makeup_saturday_is_counted() {
        let mut cal = shanghai();
        cal.overrides.insert(date(2026, 11, 21), DayOverride::Working);
        assert!(cal.is_working_day(date(2026, 11, 21)));
        assert_eq!(cal.add_business(sh(20, 16, 50), hours(1)), sh(21, 9, 20));

        // The makeup day keeps its own hours.
        cal.makeup_hours = WorkingHours::new(time(9, 0), time(12, 0)).unwrap();
        assert_eq!(cal.add_business(sh(20, 16, 50), hours(1)), sh(21, 9, 50));
        // 10 min Friday + 3 h Saturday, the remaining 50 min on Monday.
        assert_eq!(cal.add_business(sh(20, 16, 50), hours(4)), sh(23, 9, 20));
        assert_eq!(
            cal.business_between(sh(20, 0, 0), sh(23, 0, 0)),
            hours(8) + mins(30) + hours(3)
        );
    }

    #[test]
    fn a_pause_over_the_weekend_shifts_the_dues() {
        let cal = shanghai();
        let paused = cal.business_between(sh(20, 16, 0), sh(23, 10, 0));
        assert_eq!(paused, hours(2) + mins(30));

        let t = default_targets(Tier::Standard, Priority::P3, RegionClass::Urban);
        let opened = sh(20, 9, 0);
        let before = dues(&cal, &t, opened, Duration::zero());
        // 4 h response; 36 h resolution: Fri 8 h, Mon-Wed 25.5 h, Thu 2.5 h.
        assert_eq!(
            before,
            Dues {
                response: sh(20, 13, 0),
                resolution: sh(26, 11, 0)
            }
        );
        let after = dues(&cal, &t, opened, paused);
        assert_eq!(
            after,
            Dues {
                response: sh(20, 15, 30),
                resolution: sh(26, 13, 30)
            }
        );
        assert_eq!(after.resolution, cal.add_business(before.resolution, paused));
        assert_eq!(elapsed(&cal, t.mode, before.response, after.response), paused);
    }

    #[test]
    fn a_priority_change_recomputes_from_the_same_opening() {
        let cal = shanghai();
        let opened = sh(16, 10, 0);
        let pause = hours(2) + mins(30);
        let p3 = default_targets(Tier::Standard, Priority::P3, RegionClass::Urban);
        // Mon 7 h, Tue-Thu 25.5 h, Fri 3.5 h.
        assert_eq!(
            dues(&cal, &p3, opened, Duration::zero()),
            Dues {
                response: sh(16, 14, 0),
                resolution: sh(20, 12, 0)
            }
        );
        assert_eq!(
            dues(&cal, &p3, opened, pause),
            Dues {
                response: sh(16, 16, 30),
                resolution: sh(20, 14, 30)
            }
        );

        // Raised to P2: a continuous clock, 2 h response, 36 h resolution.
        let p2 = default_targets(Tier::Standard, Priority::P2, RegionClass::Urban);
        assert_eq!(p2.mode, ClockMode::Continuous);
        assert_eq!(
            dues(&cal, &p2, opened, Duration::zero()),
            Dues {
                response: sh(16, 12, 0),
                resolution: sh(17, 22, 0)
            }
        );
        assert_eq!(
            dues(&cal, &p2, opened, pause),
            Dues {
                response: sh(16, 14, 30),
                resolution: sh(18, 0, 30)
            }
        );

        // A gold customer at P2: 1 h response, 24 h resolution.
        let gold = default_targets(Tier::Gold, Priority::P2, RegionClass::Urban);
        assert_eq!(
            dues(&cal, &gold, opened, Duration::zero()),
            Dues {
                response: sh(16, 11, 0),
                resolution: sh(17, 10, 0)
            }
        );
    }

    #[test]
    fn arrival_counts_from_the_on_site_tier() {
        let cal = shanghai();
        let t = default_targets(Tier::Standard, Priority::P3, RegionClass::Urban);
        assert_eq!(t.arrival, hours(24));
        // Fri 1 h, Mon-Tue 17 h, Wed 6 h.
        assert_eq!(arrival_due(&cal, &t, sh(20, 16, 0), Duration::zero()), sh(25, 14, 30));
        assert_eq!(arrival_due(&cal, &t, sh(20, 16, 0), hours(1)), sh(25, 15, 30));
        let p1 = default_targets(Tier::Standard, Priority::P1, RegionClass::Rural);
        assert_eq!(arrival_due(&cal, &p1, sh(20, 16, 0), Duration::zero()), sh(21, 0, 0));
    }

    #[test]
    fn end_of_the_first_working_day() {
        let cal = with_thursday_holiday();
        assert_eq!(cal.end_of_first_working_day(sh(17, 10, 0)), sh(17, 17, 0));
        assert_eq!(cal.end_of_first_working_day(sh(17, 7, 0)), sh(17, 17, 0));
        assert_eq!(cal.end_of_first_working_day(sh(17, 18, 0)), sh(18, 17, 0));
        assert_eq!(cal.end_of_first_working_day(sh(17, 17, 0)), sh(18, 17, 0));
        assert_eq!(cal.end_of_first_working_day(sh(20, 18, 0)), sh(23, 17, 0));
        assert_eq!(cal.end_of_first_working_day(sh(21, 11, 0)), sh(23, 17, 0));
        // The day before the Thursday holiday.
        assert_eq!(cal.end_of_first_working_day(sh(18, 10, 0)), sh(18, 17, 0));
        assert_eq!(cal.end_of_first_working_day(sh(18, 18, 0)), sh(20, 17, 0));
        assert_eq!(cal.end_of_first_working_day(sh(19, 10, 0)), sh(20, 17, 0));
    }

    #[test]
    fn starts_outside_working_hours() {
        let cal = with_thursday_holiday();
        // Before opening.
        assert_eq!(cal.add_business(sh(17, 7, 0), hours(1)), sh(17, 9, 30));
        assert_eq!(cal.add_business(sh(17, 7, 0), Duration::zero()), sh(17, 8, 30));
        // On a holiday.
        assert_eq!(cal.add_business(sh(19, 10, 0), hours(1)), sh(20, 9, 30));
        assert_eq!(cal.add_business(sh(19, 10, 0), Duration::zero()), sh(20, 8, 30));
        // After closing and on a weekend.
        assert_eq!(cal.add_business(sh(17, 20, 0), mins(15)), sh(18, 8, 45));
        assert_eq!(cal.add_business(sh(22, 12, 0), hours(1)), sh(23, 9, 30));
        // Inside hours, a zero amount stays put; a day's worth ends at the closing.
        assert_eq!(cal.add_business(sh(17, 10, 0), Duration::zero()), sh(17, 10, 0));
        assert_eq!(cal.add_business(sh(17, 16, 0), hours(1)), sh(17, 17, 0));
        assert_eq!(cal.add_business(sh(17, 17, 0), Duration::zero()), sh(18, 8, 30));
        assert_eq!(cal.add_business(sh(17, 10, 0), -hours(3)), sh(17, 10, 0));
    }

    #[test]
    fn business_between_basics() {
        let cal = shanghai();
        assert_eq!(cal.business_between(sh(17, 10, 0), sh(17, 10, 0)), Duration::zero());
        assert_eq!(cal.business_between(sh(17, 12, 0), sh(17, 10, 0)), Duration::zero());
        assert_eq!(cal.business_between(sh(21, 0, 0), sh(23, 8, 30)), Duration::zero());
        assert_eq!(cal.business_between(sh(16, 0, 0), sh(23, 0, 0)), hours(42) + mins(30));
    }

    #[test]
    fn continuous_mode_ignores_the_calendar() {
        let cal = with_thursday_holiday();
        assert_eq!(
            add(&cal, ClockMode::Continuous, sh(20, 16, 50), hours(1)),
            sh(20, 17, 50)
        );
        assert_eq!(
            add(&cal, ClockMode::Continuous, sh(19, 10, 0), hours(24)),
            sh(20, 10, 0)
        );
        assert_eq!(
            elapsed(&cal, ClockMode::Continuous, sh(20, 16, 0), sh(23, 10, 0)),
            hours(66)
        );
        assert_eq!(
            elapsed(&cal, ClockMode::Continuous, sh(23, 10, 0), sh(20, 16, 0)),
            Duration::zero()
        );
        assert_eq!(add(&cal, ClockMode::Business, sh(20, 16, 50), hours(1)), sh(23, 9, 20));
        assert_eq!(
            elapsed(&cal, ClockMode::Business, sh(20, 16, 0), sh(23, 10, 0)),
            hours(2) + mins(30)
        );
    }

    #[test]
    fn default_targets_follow_the_seeds() {
        let std_urban_p3 = default_targets(Tier::Standard, Priority::P3, RegionClass::Urban);
        assert_eq!(std_urban_p3.resolution, hours(36));
        assert_eq!(std_urban_p3.mode, ClockMode::Business);

        let vip_rural_p2 = default_targets(Tier::Silver, Priority::P2, RegionClass::Rural);
        assert_eq!(vip_rural_p2.resolution, hours(36));
        assert_eq!(vip_rural_p2.mode, ClockMode::Continuous);

        let std_rural_p1 = default_targets(Tier::Standard, Priority::P1, RegionClass::Rural);
        assert_eq!(std_rural_p1.resolution, hours(24));
        assert_eq!(std_rural_p1.response, hours(1));
        assert_eq!(std_rural_p1.arrival, hours(8));

        assert_eq!(
            default_targets(Tier::Standard, Priority::P4, RegionClass::Rural).resolution,
            hours(48)
        );
        assert_eq!(
            default_targets(Tier::Platinum, Priority::P1, RegionClass::Urban).resolution,
            hours(12)
        );
        // Rural P3 would be 48 h on site, exactly its resolution bound.
        assert_eq!(
            default_targets(Tier::Standard, Priority::P3, RegionClass::Rural).arrival,
            hours(48)
        );
        assert_eq!(
            default_targets(Tier::Diamond, Priority::P1, RegionClass::Urban).arrival,
            hours(2)
        );

        for &tier in Tier::ALL {
            for &priority in Priority::ALL {
                for &class in RegionClass::ALL {
                    let t = default_targets(tier, priority, class);
                    let what = format!("{tier} {priority} {class}");
                    assert!(t.response > Duration::zero(), "{what}");
                    assert!(t.response <= t.arrival, "{what}: response above arrival");
                    assert!(t.arrival <= t.resolution, "{what}: arrival above resolution");
                    assert!(t.resolution <= hours(48), "{what}");
                    let expected_mode = if matches!(priority, Priority::P1 | Priority::P2) {
                        ClockMode::Continuous
                    } else {
                        ClockMode::Business
                    };
                    assert_eq!(t.mode, expected_mode, "{what}");
                    let standard = default_targets(Tier::Standard, priority, class);
                    if tier.is_vip() {
                        assert_eq!(t.response * 2, standard.response, "{what}: VIP response");
                        assert!(t.resolution < standard.resolution, "{what}: VIP resolution");
                        assert!(t.arrival <= standard.arrival, "{what}: VIP arrival");
                    } else {
                        assert_eq!(t, standard);
                    }
                }
            }
        }
    }

    #[test]
    fn business_time_round_trips() {
        let mut cal = with_thursday_holiday();
        cal.overrides.insert(date(2026, 11, 21), DayOverride::Working);
        cal.overrides.insert(date(2026, 12, 25), DayOverride::Holiday);
        let starts = [
            sh(16, 10, 0),
            sh(17, 7, 0),
            sh(18, 16, 59),
            sh(19, 12, 0),
            sh(20, 17, 0),
            sh(22, 23, 0),
        ];
        let amounts = [
            Duration::zero(),
            Duration::seconds(1),
            mins(10),
            hours(1),
            hours(8) + mins(30),
            hours(36),
            hours(200),
        ];
        for a in starts {
            for d in amounts {
                let due = cal.add_business(a, d);
                assert!(due >= a);
                assert_eq!(cal.business_between(a, due), d, "from {a} plus {d}");
                assert_eq!(
                    elapsed(&cal, ClockMode::Business, a, add(&cal, ClockMode::Business, a, d)),
                    d
                );
            }
        }
    }

    #[test]
    fn a_calendar_without_working_days_terminates() {
        let cal = no_work(Shanghai);
        let start = sh(20, 16, 50);
        assert!(!cal.is_working_day(date(2026, 11, 20)));
        assert_eq!(cal.add_business(start, hours(1)), start + hours(1));
        assert_eq!(cal.add_business(start, Duration::zero()), start);
        assert_eq!(
            cal.business_between(start, start + Duration::days(400)),
            Duration::zero()
        );
        assert_eq!(cal.end_of_first_working_day(start), start + hours(24));
        assert_eq!(cal.add_business(start, Duration::MAX), DateTime::<Utc>::MAX_UTC);

        // Only a single makeup day, found without walking the weeks.
        let mut one_day = no_work(Shanghai);
        one_day.overrides.insert(date(2027, 1, 9), DayOverride::Working);
        assert_eq!(
            one_day.add_business(start, hours(1)),
            local(Shanghai, 2027, 1, 9, 9, 30)
        );
        assert_eq!(
            one_day.end_of_first_working_day(start),
            local(Shanghai, 2027, 1, 9, 17, 0)
        );

        // Every working weekday a holiday for more than the scan limit: the plain-time fallback.
        let mut mondays_only = shanghai();
        mondays_only.week = [mondays_only.week[0], None, None, None, None, None, None];
        let mut day = date(2026, 11, 16);
        while day < date(2038, 1, 1) {
            mondays_only.overrides.insert(day, DayOverride::Holiday);
            day = day + Days::new(7);
        }
        assert_eq!(mondays_only.add_business(start, hours(1)), start + hours(1));
        assert_eq!(mondays_only.end_of_first_working_day(start), start + hours(24));

        // Hours that end before they start are no hours.
        let mut backwards = shanghai();
        backwards.week = [Some(WorkingHours {
            start: time(17, 0),
            end: time(8, 30),
        }); 7];
        assert!(!backwards.is_working_day(date(2026, 11, 16)));
        assert_eq!(backwards.add_business(start, hours(1)), start + hours(1));
        assert_eq!(WorkingHours::new(time(17, 0), time(8, 30)), None);
    }

    #[test]
    fn hours_are_read_in_local_time_across_daylight_saving_changes() {
        // Berlin: 2026-03-29 02:00 CET becomes 03:00 CEST; 2026-10-25 03:00 CEST becomes 02:00 CET.
        let utc = |m: u32, d: u32, h: u32, mi: u32| Utc.with_ymd_and_hms(2026, m, d, h, mi, 0).unwrap();
        let mut cal = Calendar::standard(Berlin);
        cal.week = [Some(WorkingHours {
            start: time(1, 0),
            end: time(5, 0),
        }); 7];
        // The spring day has three real hours: 00:00-03:00 UTC.
        assert_eq!(
            cal.working_interval(date(2026, 3, 29)),
            Some((utc(3, 29, 0, 0), utc(3, 29, 3, 0)))
        );
        assert_eq!(cal.business_between(utc(3, 28, 12, 0), utc(3, 29, 12, 0)), hours(3));
        // The autumn day has five: 23:00-04:00 UTC.
        assert_eq!(
            cal.working_interval(date(2026, 10, 25)),
            Some((utc(10, 24, 23, 0), utc(10, 25, 4, 0)))
        );
        assert_eq!(cal.business_between(utc(10, 24, 12, 0), utc(10, 25, 12, 0)), hours(5));
        // An ordinary summer and winter day.
        assert_eq!(
            cal.working_interval(date(2026, 7, 1)),
            Some((utc(6, 30, 23, 0), utc(7, 1, 3, 0)))
        );
        assert_eq!(
            cal.working_interval(date(2026, 12, 1)),
            Some((utc(12, 1, 0, 0), utc(12, 1, 4, 0)))
        );

        // An opening inside the spring gap opens when the clocks jump: 03:00 CEST, 01:00 UTC.
        cal.week = [Some(WorkingHours {
            start: time(2, 30),
            end: time(5, 0),
        }); 7];
        assert_eq!(
            cal.working_interval(date(2026, 3, 29)),
            Some((utc(3, 29, 1, 0), utc(3, 29, 3, 0)))
        );
        assert_eq!(cal.add_business(utc(3, 28, 23, 0), Duration::zero()), utc(3, 29, 1, 0));
        // An opening at the repeated hour takes the first of the two: 02:30 CEST, 00:30 UTC.
        assert_eq!(
            cal.working_interval(date(2026, 10, 25)),
            Some((utc(10, 25, 0, 30), utc(10, 25, 4, 0)))
        );

        // Working time across the spring change: Friday 16:00 CET plus 2 h lands Monday 09:30 CEST.
        let office = Calendar::standard(Berlin);
        let friday = local(Berlin, 2026, 3, 27, 16, 0);
        assert_eq!(office.add_business(friday, hours(2)), local(Berlin, 2026, 3, 30, 9, 30));
        assert_eq!(office.add_business(friday, hours(2)), utc(3, 30, 7, 30));
        assert_eq!(office.business_between(friday, utc(3, 30, 7, 30)), hours(2));
    }

    #[test]
    fn callback_is_a_day() {
        assert_eq!(CALLBACK_HOURS, 24);
    }

    fn class(kind: RequestKind, tier: Tier, priority: Priority, class: RegionClass) -> TicketClass {
        TicketClass {
            kind,
            tier,
            priority,
            class,
        }
    }

    fn scope(
        kind: Option<RequestKind>,
        tier: Option<Tier>,
        priority: Option<Priority>,
        class: Option<RegionClass>,
    ) -> PolicyScope {
        PolicyScope {
            kind,
            tier,
            priority,
            class,
        }
    }

    #[test]
    fn the_most_specific_matching_row_wins_kind_first() {
        use RequestKind::*;
        let rows = [
            (scope(None, None, None, None), "any"),
            (
                scope(None, Some(Tier::Gold), Some(Priority::P2), Some(RegionClass::Urban)),
                "gold p2 urban",
            ),
            (scope(None, Some(Tier::Gold), None, None), "gold"),
            (
                scope(None, None, Some(Priority::P2), Some(RegionClass::Urban)),
                "p2 urban",
            ),
            (scope(Some(Complaint), None, None, None), "complaint"),
            (scope(Some(Complaint), Some(Tier::Gold), None, None), "gold complaint"),
            (
                scope(Some(Enquiry), None, None, Some(RegionClass::Rural)),
                "rural enquiry",
            ),
        ];
        let pick = |t: TicketClass| choose(rows.iter().copied(), &t);
        // Every part named beats a row that leaves it open.
        assert_eq!(
            pick(class(Fault, Tier::Gold, Priority::P2, RegionClass::Urban)),
            Some("gold p2 urban")
        );
        // The customer tier counts before the priority and the region class.
        assert_eq!(
            pick(class(Fault, Tier::Gold, Priority::P3, RegionClass::Urban)),
            Some("gold")
        );
        assert_eq!(
            pick(class(Fault, Tier::Silver, Priority::P2, RegionClass::Urban)),
            Some("p2 urban")
        );
        assert_eq!(
            pick(class(Fault, Tier::Silver, Priority::P1, RegionClass::Rural)),
            Some("any")
        );
        // A row naming the kind beats every row that does not, however specific.
        assert_eq!(
            pick(class(Complaint, Tier::Gold, Priority::P2, RegionClass::Urban)),
            Some("gold complaint")
        );
        assert_eq!(
            pick(class(Complaint, Tier::Silver, Priority::P2, RegionClass::Urban)),
            Some("complaint")
        );
        // A kind row that does not match the rest does not apply.
        assert_eq!(
            pick(class(Enquiry, Tier::Gold, Priority::P2, RegionClass::Urban)),
            Some("gold p2 urban")
        );
        assert_eq!(
            pick(class(Enquiry, Tier::Gold, Priority::P2, RegionClass::Rural)),
            Some("rural enquiry")
        );
        // No row matches: none is chosen.
        assert_eq!(
            choose(
                rows[1..2].iter().copied(),
                &class(Fault, Tier::Standard, Priority::P2, RegionClass::Urban)
            ),
            None
        );
        assert!(
            scope(None, None, None, None).specificity()
                < scope(None, None, None, Some(RegionClass::Urban)).specificity()
        );
        assert!(
            scope(None, Some(Tier::Gold), Some(Priority::P1), Some(RegionClass::Urban)).specificity()
                < scope(Some(Fault), None, None, None).specificity()
        );
    }

    #[test]
    fn the_shipped_rows_give_complaints_their_own_targets() {
        let rows = shipped_policies();
        assert_eq!(rows.len(), 5 * 4 * 2 + 5);
        let distinct: std::collections::HashSet<PolicyScope> = rows.iter().map(|(s, _)| *s).collect();
        assert_eq!(distinct.len(), rows.len(), "one row per scope");
        for &tier in Tier::ALL {
            for &priority in Priority::ALL {
                for &rc in RegionClass::ALL {
                    let fault = shipped_targets(&class(RequestKind::Fault, tier, priority, rc));
                    assert_eq!(fault, default_targets(tier, priority, rc));
                    assert_eq!(shipped_targets(&class(RequestKind::Enquiry, tier, priority, rc)), fault);
                    let complaint = shipped_targets(&class(RequestKind::Complaint, tier, priority, rc));
                    assert_eq!(complaint, complaint_targets(tier));
                }
            }
        }
        let standard = complaint_targets(Tier::Standard);
        let vip = complaint_targets(Tier::Platinum);
        assert_eq!((standard.response, standard.resolution), (hours(2), hours(48)));
        assert_eq!(
            (vip.response, vip.resolution),
            (hours(1), hours(24)),
            "VIP: the lower bound"
        );
        assert_eq!(standard.mode, ClockMode::Continuous);
    }

    #[test]
    fn tier_limits_follow_the_response_and_the_24_hour_reply() {
        for &tier in Tier::ALL {
            for &priority in Priority::ALL {
                for &rc in RegionClass::ALL {
                    let t = default_targets(tier, priority, rc);
                    let what = format!("{tier} {priority} {rc}");
                    assert_eq!(t.hotline, (t.response * 4).min(hours(24)).min(t.resolution), "{what}");
                    assert_eq!(t.remote, t.hotline, "{what}");
                    assert_eq!(t.departure * 2, t.arrival, "{what}: half the arrival");
                    assert!(t.hotline <= hours(24) && t.hotline >= t.response, "{what}");
                    assert_eq!((t.on_hotline, t.on_remote), (TierAction::Climb, TierAction::Alert));
                }
            }
        }
        let p4 = default_targets(Tier::Standard, Priority::P4, RegionClass::Urban);
        assert_eq!(p4.hotline, hours(24), "capped at the seed's 24 hours");
        let p1 = default_targets(Tier::Standard, Priority::P1, RegionClass::Urban);
        assert_eq!((p1.hotline, p1.departure), (hours(4), hours(2)));
        let gold = default_targets(Tier::Gold, Priority::P1, RegionClass::Urban);
        assert_eq!((gold.hotline, gold.departure), (hours(2), hours(1)), "VIP: half");
    }

    #[test]
    fn a_limit_counts_from_its_start_and_moves_with_the_pause() {
        let cal = shanghai();
        assert_eq!(
            due_after(&cal, ClockMode::Business, sh(20, 16, 0), hours(2), Duration::zero()),
            sh(23, 9, 30)
        );
        assert_eq!(
            due_after(&cal, ClockMode::Continuous, sh(20, 16, 0), hours(2), hours(1)),
            sh(20, 19, 0)
        );
        assert_eq!(
            due_after(&cal, ClockMode::Continuous, sh(20, 16, 0), hours(2), -hours(1)),
            sh(20, 18, 0)
        );
    }
}
