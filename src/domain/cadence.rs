//! When a delivered project is revisited: the cadence of its revisit file, the next due date,
//! catching up after a gap, and the ISO weeks the agents' progress is counted in. Also when an
//! inspection plan's inspections are due (`Every`, `plan_dates`).
//!
//! A cadence is anchored on the acceptance date: the n-th revisit is due a whole number of months
//! after acceptance, never after the previous revisit, so a short month does not drag the later
//! dates along. Adding months keeps the day of the month and clamps it to the month's last day:
//! accepted on Jan 31, the revisits are due Feb 28 (Feb 29 in a leap year), Mar 31, Apr 30, ...
//!
//! During the first year the revisits come every `first_year_months` (monthly by default), up to
//! and including the first anniversary; after that every `later_months` (quarterly by default),
//! counted from the anniversary. With the defaults the offsets in months are 1, 2, ..., 12, 15,
//! 18, 21, 24, 27, ...
//!
//! Catching up: a file remembers the next date not yet generated. When the job finds several
//! dates within reach (it did not run for a while), only the latest of them becomes a revisit;
//! the earlier ones are skipped, never created, so a gap never turns into a storm of overdue
//! calls to one customer.

use super::Invalid;
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// The length of the first period, in months: the first anniversary of acceptance.
pub const FIRST_PERIOD_MONTHS: u32 = 12;

/// Bounds of an interval, in months.
pub const MIN_INTERVAL_MONTHS: u32 = 1;
pub const MAX_INTERVAL_MONTHS: u32 = 12;

/// The horizon (days before a due date that its revisit is created) must stay shorter than the
/// shortest interval (a month is at least 28 days), so that at most one date is ever in reach.
pub const MAX_HORIZON_DAYS: u32 = 27;

/// Gives up looking for a date after this many revisits (centuries of quarterly revisits).
const MAX_REVISITS: u32 = 10_000;

/// How often a file's revisits come: every `first_year_months` until the first anniversary,
/// every `later_months` after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    first_year_months: u32,
    later_months: u32,
}

/// Where in its life a project is on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Up to and including the first anniversary of acceptance.
    FirstYear,
    Later,
}

impl Default for Cadence {
    /// Monthly in the first year, quarterly after.
    fn default() -> Self {
        Cadence {
            first_year_months: 1,
            later_months: 3,
        }
    }
}

impl Cadence {
    /// A cadence whose intervals are each 1 to 12 months.
    pub fn new(first_year_months: u32, later_months: u32) -> Result<Cadence, Invalid> {
        let check = |field: &str, v: u32| {
            if (MIN_INTERVAL_MONTHS..=MAX_INTERVAL_MONTHS).contains(&v) {
                Ok(v)
            } else {
                Err(Invalid::new(
                    field,
                    format!("must be between {MIN_INTERVAL_MONTHS} and {MAX_INTERVAL_MONTHS} months"),
                ))
            }
        };
        Ok(Cadence {
            first_year_months: check("first_year_months", first_year_months)?,
            later_months: check("later_months", later_months)?,
        })
    }

    pub fn first_year_months(&self) -> u32 {
        self.first_year_months
    }

    pub fn later_months(&self) -> u32 {
        self.later_months
    }

    /// How many revisits fall within the first year (the anniversary included).
    fn first_year_count(&self) -> u32 {
        FIRST_PERIOD_MONTHS / self.first_year_months
    }

    /// Months from acceptance to the n-th revisit (n from 1).
    pub fn offset_months(&self, n: u32) -> Option<u32> {
        if n == 0 {
            return None;
        }
        let early = self.first_year_count();
        if n <= early {
            n.checked_mul(self.first_year_months)
        } else {
            (n - early)
                .checked_mul(self.later_months)?
                .checked_add(FIRST_PERIOD_MONTHS)
        }
    }

    /// The n-th revisit's due date (n from 1); None past the end of the calendar.
    pub fn nth(&self, accepted_on: NaiveDate, n: u32) -> Option<NaiveDate> {
        accepted_on.checked_add_months(Months::new(self.offset_months(n)?))
    }

    /// The first due date strictly after `after`.
    pub fn next_after(&self, accepted_on: NaiveDate, after: NaiveDate) -> Option<NaiveDate> {
        (1..=MAX_REVISITS)
            .map_while(|n| self.nth(accepted_on, n))
            .find(|d| *d > after)
    }

    /// The first due date on or after `day`: where a new file starts (nothing before the file
    /// existed is owed).
    pub fn first_on_or_after(&self, accepted_on: NaiveDate, day: NaiveDate) -> Option<NaiveDate> {
        match day.pred_opt() {
            Some(before) => self.next_after(accepted_on, before),
            None => self.nth(accepted_on, 1),
        }
    }

    /// Whether a date lies in the first year after acceptance (the anniversary included).
    pub fn phase(&self, accepted_on: NaiveDate, day: NaiveDate) -> Phase {
        match accepted_on.checked_add_months(Months::new(FIRST_PERIOD_MONTHS)) {
            Some(anniversary) if day > anniversary => Phase::Later,
            _ => Phase::FirstYear,
        }
    }
}

/// What the generation job does for one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation {
    /// The revisit to create.
    pub due_on: NaiveDate,
    /// Earlier dates within reach that are skipped (never created).
    pub skipped: u32,
    /// The file's next date after this one; None past the end of the calendar.
    pub next_due: Option<NaiveDate>,
}

/// The revisit to create for a file whose next ungenerated date is `next_due`, on `today`, when
/// revisits are created `horizon_days` before they are due: None while `next_due` is beyond the
/// horizon. Of the dates from `next_due` to the end of the horizon only the latest is created.
pub fn generate(
    cadence: &Cadence,
    accepted_on: NaiveDate,
    next_due: NaiveDate,
    today: NaiveDate,
    horizon_days: u32,
) -> Option<Generation> {
    let reach = today
        .checked_add_days(Days::new(horizon_days.into()))
        .unwrap_or(NaiveDate::MAX);
    if next_due > reach {
        return None;
    }
    let mut due_on = next_due;
    let mut skipped = 0;
    let next_due = loop {
        match cadence.next_after(accepted_on, due_on) {
            Some(next) if next <= reach => {
                due_on = next;
                skipped += 1;
            }
            other => break other,
        }
    };
    Some(Generation {
        due_on,
        skipped,
        next_due,
    })
}

// ---------------------------------------------------------------- inspection plans

/// The longest interval of an inspection plan, in months (five years).
pub const MAX_PLAN_MONTHS: u32 = 60;

/// The longest horizon of inspection generation, in days (a year and a day).
pub const MAX_PLAN_HORIZON_DAYS: u32 = 366;

/// An inspection plan's dates: its start date and every `months` months after it. Like a revisit
/// file's cadence the dates are anchored on the start, never on the previous date, and a day
/// past a month's end is clamped to it: starting Jan 31 every month gives Feb 28, Mar 31, Apr 30.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Every {
    months: u32,
}

impl Every {
    /// Every 1 to `MAX_PLAN_MONTHS` months; `field` names the value in the error.
    pub fn new(field: &str, months: i32) -> Result<Every, Invalid> {
        match u32::try_from(months) {
            Ok(m) if (1..=MAX_PLAN_MONTHS).contains(&m) => Ok(Every { months: m }),
            _ => Err(Invalid::new(
                field,
                format!("must be between 1 and {MAX_PLAN_MONTHS} months"),
            )),
        }
    }

    pub fn months(&self) -> u32 {
        self.months
    }

    /// The n-th date (n from 0: the start date itself); None past the end of the calendar.
    pub fn nth(&self, start: NaiveDate, n: u32) -> Option<NaiveDate> {
        start.checked_add_months(Months::new(n.checked_mul(self.months)?))
    }

    /// The first date strictly after `after`.
    pub fn next_after(&self, start: NaiveDate, after: NaiveDate) -> Option<NaiveDate> {
        if after < start {
            return Some(start);
        }
        // Whole months from the start to `after`: the date sought is at most one interval on.
        let months = (after.year() - start.year()) * 12 + after.month() as i32 - start.month() as i32;
        let from = u32::try_from(months).unwrap_or(0) / self.months;
        (from.saturating_sub(1)..=from.saturating_add(2))
            .map_while(|n| self.nth(start, n))
            .find(|d| *d > after)
    }

    /// The first date on or after `day`: where a new plan (or one whose dates changed) starts,
    /// so nothing before it is owed.
    pub fn first_on_or_after(&self, start: NaiveDate, day: NaiveDate) -> Option<NaiveDate> {
        match day.pred_opt() {
            Some(before) => self.next_after(start, before),
            None => Some(start),
        }
    }
}

/// What the generation job does for one plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRun {
    /// The dates to create inspections for, earliest first.
    pub due: Vec<NaiveDate>,
    /// Earlier dates already past that are skipped (never created).
    pub skipped: u32,
    /// The plan's next date after these; None past the end of the calendar.
    pub next_due: Option<NaiveDate>,
}

/// The inspections to create for a plan whose next ungenerated date is `next_due`, on `today`,
/// when inspections are created `horizon_days` ahead: every date from `next_due` up to today plus
/// the horizon, except that of the dates already past (the job did not run for a while) only the
/// latest is created, as an overdue inspection; the earlier ones are skipped, since one visit
/// inspects the installation as it is now. Empty while `next_due` is beyond the horizon.
pub fn plan_dates(
    every: &Every,
    start: NaiveDate,
    next_due: NaiveDate,
    today: NaiveDate,
    horizon_days: u32,
) -> PlanRun {
    let reach = today
        .checked_add_days(Days::new(horizon_days.into()))
        .unwrap_or(NaiveDate::MAX);
    let mut due = Vec::new();
    let mut skipped = 0;
    let mut next = Some(next_due);
    while let Some(d) = next.filter(|d| *d <= reach) {
        if d < today && due.last().is_some_and(|last| *last < today) {
            due.pop();
            skipped += 1;
        }
        due.push(d);
        next = every.next_after(start, d);
    }
    PlanRun {
        due,
        skipped,
        next_due: next,
    }
}

/// A week as ISO 8601 names it (`2026-W48`): Monday to Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoWeek {
    monday: NaiveDate,
}

impl IsoWeek {
    /// Parses `YYYY-Www` (`2026-W48`; `w` in lower case too). The week must exist in that year
    /// (week 53 only in long years).
    pub fn parse(field: &str, s: &str) -> Result<IsoWeek, Invalid> {
        let bad = || Invalid::new(field, format!("`{s}` is not an ISO week such as 2026-W48"));
        let (year, week) = s.trim().split_once(['W', 'w']).ok_or_else(bad)?;
        let year = year.strip_suffix('-').ok_or_else(bad)?;
        if year.len() != 4 || week.len() != 2 || !(year.chars().chain(week.chars())).all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let (year, week) = (year.parse().map_err(|_| bad())?, week.parse().map_err(|_| bad())?);
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
            .map(|monday| IsoWeek { monday })
            .ok_or_else(bad)
    }

    /// The week a date falls in.
    pub fn of(day: NaiveDate) -> IsoWeek {
        let back = u64::from(day.weekday().num_days_from_monday());
        IsoWeek {
            monday: day.checked_sub_days(Days::new(back)).unwrap_or(day),
        }
    }

    pub fn monday(&self) -> NaiveDate {
        self.monday
    }

    pub fn sunday(&self) -> NaiveDate {
        self.monday.checked_add_days(Days::new(6)).unwrap_or(NaiveDate::MAX)
    }
}

impl std::fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = self.monday.iso_week();
        write!(f, "{:04}-W{:02}", w.year(), w.week())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn dates(c: &Cadence, accepted: &str, n: u32) -> Vec<String> {
        (1..=n).map(|i| c.nth(d(accepted), i).unwrap().to_string()).collect()
    }

    #[test]
    fn monthly_in_the_first_year_then_quarterly_from_the_anniversary() {
        let c = Cadence::default();
        let got = dates(&c, "2026-03-10", 16);
        assert_eq!(
            got,
            [
                "2026-04-10",
                "2026-05-10",
                "2026-06-10",
                "2026-07-10",
                "2026-08-10",
                "2026-09-10",
                "2026-10-10",
                "2026-11-10",
                "2026-12-10",
                "2027-01-10",
                "2027-02-10",
                "2027-03-10",
                "2027-06-10",
                "2027-09-10",
                "2027-12-10",
                "2028-03-10",
            ]
        );
        assert_eq!(
            c.phase(d("2026-03-10"), d("2027-03-10")),
            Phase::FirstYear,
            "the anniversary"
        );
        assert_eq!(c.phase(d("2026-03-10"), d("2027-03-11")), Phase::Later);
        assert_eq!(c.phase(d("2026-03-10"), d("2027-06-10")), Phase::Later);
    }

    #[test]
    fn month_ends_clamp_without_drifting() {
        let c = Cadence::default();
        let got = dates(&c, "2026-01-31", 5);
        assert_eq!(
            got,
            ["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30"]
        );
        // Quarterly from a month end: anchored on acceptance, so May 31 follows Feb 28.
        let got: Vec<String> = (12..=16)
            .map(|n| c.nth(d("2026-11-30"), n).unwrap().to_string())
            .collect();
        assert_eq!(
            got,
            ["2027-11-30", "2028-02-29", "2028-05-30", "2028-08-30", "2028-11-30"]
        );
    }

    #[test]
    fn leap_years() {
        let c = Cadence::default();
        // Accepted on Jan 31 of a leap year: Feb 29.
        assert_eq!(c.nth(d("2028-01-31"), 1), Some(d("2028-02-29")));
        // Accepted on a leap day: the anniversary is Feb 28, the months after keep the 29th.
        let got = dates(&c, "2028-02-29", 13);
        assert_eq!(got[0], "2028-03-29");
        assert_eq!(got[11], "2029-02-28", "the first anniversary");
        assert_eq!(got[12], "2029-05-29");
        assert_eq!(
            c.nth(d("2028-02-29"), 24).unwrap(),
            d("2032-02-29"),
            "a leap year again"
        );
    }

    #[test]
    fn intervals_are_configurable_and_bounded() {
        let every_two_then_six = Cadence::new(2, 6).unwrap();
        let got = dates(&every_two_then_six, "2026-01-15", 8);
        assert_eq!(
            got,
            [
                "2026-03-15",
                "2026-05-15",
                "2026-07-15",
                "2026-09-15",
                "2026-11-15",
                "2027-01-15",
                "2027-07-15",
                "2028-01-15"
            ]
        );
        // An interval that does not divide the year: the anniversary is not itself a date, the
        // later interval counts from it.
        let five_then_three = Cadence::new(5, 3).unwrap();
        assert_eq!(
            dates(&five_then_three, "2026-01-15", 4),
            ["2026-06-15", "2026-11-15", "2027-04-15", "2027-07-15"]
        );
        assert_eq!(Cadence::new(0, 3).unwrap_err().field, "first_year_months");
        assert_eq!(Cadence::new(1, 13).unwrap_err().field, "later_months");
        assert!(Cadence::new(12, 12).is_ok());
        assert_eq!(Cadence::default().offset_months(0), None);
    }

    #[test]
    fn the_next_due_date_after_a_date() {
        let c = Cadence::default();
        let a = d("2026-01-31");
        assert_eq!(c.next_after(a, a), Some(d("2026-02-28")));
        assert_eq!(c.next_after(a, d("2026-02-27")), Some(d("2026-02-28")));
        assert_eq!(
            c.next_after(a, d("2026-02-28")),
            Some(d("2026-03-31")),
            "strictly after"
        );
        assert_eq!(
            c.next_after(a, d("2027-01-31")),
            Some(d("2027-04-30")),
            "after the anniversary"
        );
        assert_eq!(c.next_after(a, d("2027-05-01")), Some(d("2027-07-31")));
        // Before acceptance: the first date.
        assert_eq!(c.next_after(a, d("2020-01-01")), Some(d("2026-02-28")));
        assert_eq!(c.first_on_or_after(a, d("2026-03-31")), Some(d("2026-03-31")));
        assert_eq!(c.first_on_or_after(a, d("2026-04-01")), Some(d("2026-04-30")));
        // An old project that gets its file today starts from the next date.
        assert_eq!(
            c.first_on_or_after(d("2020-06-10"), d("2026-11-24")),
            Some(d("2026-12-10"))
        );
        // The end of the calendar: no date.
        assert_eq!(c.next_after(a, NaiveDate::MAX), None);
    }

    #[test]
    fn generation_waits_for_the_horizon() {
        let c = Cadence::default();
        let a = d("2026-01-31");
        assert_eq!(
            generate(&c, a, d("2026-02-28"), d("2026-02-20"), 7),
            None,
            "8 days ahead"
        );
        let g = generate(&c, a, d("2026-02-28"), d("2026-02-21"), 7).unwrap();
        assert_eq!(
            g,
            Generation {
                due_on: d("2026-02-28"),
                skipped: 0,
                next_due: Some(d("2026-03-31"))
            }
        );
        // A horizon of 0: created on the day it is due.
        assert_eq!(generate(&c, a, d("2026-02-28"), d("2026-02-27"), 0), None);
        assert_eq!(
            generate(&c, a, d("2026-02-28"), d("2026-02-28"), 0).unwrap().due_on,
            d("2026-02-28")
        );
    }

    #[test]
    fn catching_up_creates_only_the_latest_date_in_reach() {
        let c = Cadence::default();
        let a = d("2026-01-31");
        // The job was off from February to mid-May: Feb 28, Mar 31 and Apr 30 were missed.
        let g = generate(&c, a, d("2026-02-28"), d("2026-05-15"), 7).unwrap();
        assert_eq!(g.due_on, d("2026-04-30"), "one overdue revisit, not three");
        assert_eq!(g.skipped, 2);
        assert_eq!(g.next_due, Some(d("2026-05-31")));
        // Nothing more until the next date comes within reach.
        assert_eq!(generate(&c, a, d("2026-05-31"), d("2026-05-15"), 7), None);
        // When the next date is within reach too, that one is created and the overdue one skipped.
        let g = generate(&c, a, d("2026-02-28"), d("2026-05-25"), 7).unwrap();
        assert_eq!(
            (g.due_on, g.skipped, g.next_due),
            (d("2026-05-31"), 3, Some(d("2026-06-30")))
        );
        // Across the anniversary into the quarterly phase.
        let g = generate(&c, a, d("2026-11-30"), d("2027-03-01"), 7).unwrap();
        assert_eq!(
            (g.due_on, g.skipped, g.next_due),
            (d("2027-01-31"), 2, Some(d("2027-04-30")))
        );
        // With the longest horizon, still at most one future date is in reach.
        let g = generate(&c, a, d("2026-02-28"), d("2026-02-28"), MAX_HORIZON_DAYS).unwrap();
        assert_eq!((g.due_on, g.skipped), (d("2026-02-28"), 0));
    }

    #[test]
    fn inspection_dates_every_n_months_from_the_start() {
        let q = Every::new("frequency_months", 3).unwrap();
        let got: Vec<String> = (0..5).map(|n| q.nth(d("2026-01-31"), n).unwrap().to_string()).collect();
        assert_eq!(
            got,
            ["2026-01-31", "2026-04-30", "2026-07-31", "2026-10-31", "2027-01-31"],
            "month ends clamp without drifting"
        );
        let m = Every::new("frequency_months", 1).unwrap();
        let s = d("2028-01-31");
        assert_eq!(m.nth(s, 1), Some(d("2028-02-29")), "a leap year");
        assert_eq!(m.nth(s, 2), Some(d("2028-03-31")));
        assert_eq!(m.next_after(s, d("2020-01-01")), Some(s), "before the start: the start");
        assert_eq!(m.next_after(s, s), Some(d("2028-02-29")));
        assert_eq!(
            m.next_after(s, d("2028-02-29")),
            Some(d("2028-03-31")),
            "strictly after"
        );
        assert_eq!(m.next_after(s, d("2031-07-30")), Some(d("2031-07-31")));
        assert_eq!(m.first_on_or_after(s, d("2028-03-31")), Some(d("2028-03-31")));
        assert_eq!(m.first_on_or_after(s, d("2028-04-01")), Some(d("2028-04-30")));
        let y = Every::new("frequency_months", 12).unwrap();
        assert_eq!(y.next_after(d("2028-02-29"), d("2028-02-29")), Some(d("2029-02-28")));
        assert_eq!(y.next_after(d("2028-02-29"), d("2031-03-01")), Some(d("2032-02-29")));
        // Every date the long way round equals the direct answer.
        for every in [1, 2, 5, 12, 60] {
            let e = Every::new("f", every).unwrap();
            let start = d("2026-08-31");
            let mut day = d("2026-01-01");
            while day < d("2032-01-01") {
                let slow = (0..).map(|n| e.nth(start, n).unwrap()).find(|x| *x > day);
                assert_eq!(e.next_after(start, day), slow, "every {every}, after {day}");
                day = day.succ_opt().unwrap();
            }
        }
        assert_eq!(m.next_after(s, NaiveDate::MAX), None);
        for bad in [0, -1, 61] {
            assert_eq!(
                Every::new("frequency_months", bad).unwrap_err().field,
                "frequency_months"
            );
        }
        assert!(Every::new("frequency_months", 60).is_ok());
    }

    #[test]
    fn plan_dates_within_the_horizon() {
        let m = Every::new("f", 1).unwrap();
        let s = d("2026-12-10");
        // Not yet within reach.
        let r = plan_dates(&m, s, s, d("2026-11-01"), 30);
        assert_eq!(
            r,
            PlanRun {
                due: vec![],
                skipped: 0,
                next_due: Some(s)
            }
        );
        // Within reach: that date; a horizon of 60 days takes two.
        let r = plan_dates(&m, s, s, d("2026-11-24"), 30);
        assert_eq!((r.due, r.next_due), (vec![s], Some(d("2027-01-10"))));
        let r = plan_dates(&m, s, s, d("2026-11-24"), 60);
        assert_eq!(r.due, [s, d("2027-01-10")]);
        assert_eq!(r.next_due, Some(d("2027-02-10")));
        // A run the next day finds nothing new.
        assert!(plan_dates(&m, s, d("2027-02-10"), d("2026-11-25"), 60).due.is_empty());
        // Horizon 0: created on its day.
        assert_eq!(plan_dates(&m, s, s, s, 0).due, [s]);
    }

    #[test]
    fn plan_dates_after_downtime_keep_the_latest_past_date_and_those_ahead() {
        let m = Every::new("f", 1).unwrap();
        let s = d("2026-01-15");
        // Down from January to mid-April: Jan 15, Feb 15 and Mar 15 are past, Apr 15 is today,
        // May 15 within the horizon.
        let r = plan_dates(&m, s, s, d("2026-04-15"), 30);
        assert_eq!(r.due, [d("2026-03-15"), d("2026-04-15"), d("2026-05-15")]);
        assert_eq!(r.skipped, 2);
        assert_eq!(r.next_due, Some(d("2026-06-15")));
        // A yearly plan whose date passed while down: one overdue inspection.
        let y = Every::new("f", 12).unwrap();
        let r = plan_dates(&y, s, d("2026-01-15"), d("2026-02-01"), 30);
        assert_eq!((r.due, r.skipped, r.next_due), (vec![s], 0, Some(d("2027-01-15"))));
    }

    #[test]
    fn iso_weeks() {
        let w = IsoWeek::parse("week", "2026-W48").unwrap();
        assert_eq!(w.monday(), d("2026-11-23"));
        assert_eq!(w.sunday(), d("2026-11-29"));
        assert_eq!(w.to_string(), "2026-W48");
        assert_eq!(IsoWeek::parse("week", "2026-w01").unwrap().monday(), d("2025-12-29"));
        assert_eq!(IsoWeek::of(d("2026-11-29")), w);
        assert_eq!(IsoWeek::of(d("2026-11-23")), w);
        assert_eq!(IsoWeek::of(d("2026-01-01")).to_string(), "2026-W01");
        assert_eq!(
            IsoWeek::of(d("2027-01-01")).to_string(),
            "2026-W53",
            "2026 is a long year"
        );
        assert!(IsoWeek::parse("week", "2026-W53").is_ok());
        for bad in [
            "2025-W53", "2026-W00", "2026-W54", "2026W48", "2026-48", "26-W48", "2026-W4", "", "2026-W+4",
        ] {
            let e = IsoWeek::parse("week", bad).unwrap_err();
            assert_eq!(e.field, "week", "{bad}");
        }
    }
}
