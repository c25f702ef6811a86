//! A resolved ticket waits for the customer's verdict. When the customer does not answer, the
//! ticket is brought back to them once after `remind_after` working days (its owner calls, the
//! contact is e-mailed) and closed without acceptance after `close_after` working days, counted
//! apart from the accepted ones. Working days are the business calendar's: weekends and holidays
//! do not count, make-up working days do. A day counts once it has begun in the calendar's time
//! zone: a ticket resolved on Monday is one working day old on Tuesday.

use super::sla::Calendar;
use chrono::{DateTime, NaiveDate, Utc};

/// What the scan does with a resolved ticket nobody has answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unanswered {
    /// Not yet due for anything.
    Wait,
    /// Bring it back to the customer (once).
    Remind,
    /// Close it without acceptance.
    Close,
}

/// The working days that have begun since `from`'s date, up to and including `to`'s date (the
/// date of `from` itself does not count).
pub fn working_days_between(cal: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
    let (first, last) = (cal.local_date(from), cal.local_date(to));
    let mut day: NaiveDate = first;
    let mut n = 0u32;
    while day < last {
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
        if cal.is_working_day(day) {
            n += 1;
        }
    }
    n
}

/// The local date on which a ticket resolved at `resolved_at` has waited `days` working days
/// (the day its closing is due). A calendar without working days stops looking after ten years.
pub fn due_day(cal: &Calendar, resolved_at: DateTime<Utc>, days: u32) -> NaiveDate {
    let mut day = cal.local_date(resolved_at);
    let mut n = 0u32;
    for _ in 0..3660 {
        if n >= days {
            break;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
        if cal.is_working_day(day) {
            n += 1;
        }
    }
    day
}

/// What is due for a ticket resolved at `resolved_at` and not answered by `now`. A `close_after`
/// of 0 turns the closing off, a `remind_after` of 0 the reminder.
pub fn unanswered(
    cal: &Calendar,
    resolved_at: DateTime<Utc>,
    reminded: bool,
    now: DateTime<Utc>,
    (remind_after, close_after): (u32, u32),
) -> Unanswered {
    let days = working_days_between(cal, resolved_at, now);
    if close_after > 0 && days >= close_after {
        Unanswered::Close
    } else if remind_after > 0 && days >= remind_after && !reminded {
        Unanswered::Remind
    } else {
        Unanswered::Wait
    }
}

#[cfg(test)]
mod tests {
    use super::super::sla::DayOverride;
    use super::*;

    fn cal() -> Calendar {
        Calendar::standard(chrono_tz::Asia::Shanghai)
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn weekends_do_not_count() {
        // Friday 2026-11-20 16:00 in Shanghai; the next Monday is one working day later.
        let fri = at("2026-11-20T08:00:00Z");
        assert_eq!(working_days_between(&cal(), fri, at("2026-11-22T08:00:00Z")), 0);
        assert_eq!(working_days_between(&cal(), fri, at("2026-11-23T01:00:00Z")), 1);
        assert_eq!(working_days_between(&cal(), fri, at("2026-11-25T01:00:00Z")), 3);
    }

    #[test]
    fn the_day_begins_in_the_calendars_time_zone() {
        // Monday 23:30 in Shanghai is still Monday; Tuesday 00:10 in Shanghai is Monday 16:10 UTC.
        let mon = at("2026-11-23T03:00:00Z");
        assert_eq!(working_days_between(&cal(), mon, at("2026-11-23T15:30:00Z")), 0);
        assert_eq!(working_days_between(&cal(), mon, at("2026-11-23T16:10:00Z")), 1);
    }

    #[test]
    fn holidays_do_not_count_and_make_up_days_do() {
        let mut c = cal();
        c.overrides.insert(date(2026, 11, 24), DayOverride::Holiday);
        c.overrides.insert(date(2026, 11, 28), DayOverride::Working);
        let mon = at("2026-11-23T03:00:00Z");
        // Tue is a holiday, Wed Thu Fri count, Sat is a make-up working day.
        assert_eq!(working_days_between(&c, mon, at("2026-11-28T03:00:00Z")), 4);
    }

    #[test]
    fn a_silent_customer_is_reminded_once_then_the_ticket_closes() {
        let c = cal();
        let mon = at("2026-11-23T03:00:00Z");
        let days = (3, 7);
        // Thursday: three working days.
        let thu = at("2026-11-26T03:00:00Z");
        assert_eq!(
            unanswered(&c, mon, false, at("2026-11-25T03:00:00Z"), days),
            Unanswered::Wait
        );
        assert_eq!(unanswered(&c, mon, false, thu, days), Unanswered::Remind);
        assert_eq!(unanswered(&c, mon, true, thu, days), Unanswered::Wait);
        // The next Tuesday is six working days, Wednesday seven.
        assert_eq!(
            unanswered(&c, mon, true, at("2026-12-01T03:00:00Z"), days),
            Unanswered::Wait
        );
        assert_eq!(
            unanswered(&c, mon, true, at("2026-12-02T03:00:00Z"), days),
            Unanswered::Close
        );
        // Closing does not wait for a reminder that never went out.
        assert_eq!(
            unanswered(&c, mon, false, at("2026-12-02T03:00:00Z"), days),
            Unanswered::Close
        );
        assert_eq!(due_day(&c, mon, 7), date(2026, 12, 2));
        assert_eq!(due_day(&c, mon, 3), date(2026, 11, 26));
        // Zero turns each off.
        assert_eq!(
            unanswered(&c, mon, false, at("2026-12-02T03:00:00Z"), (3, 0)),
            Unanswered::Remind
        );
        assert_eq!(
            unanswered(&c, mon, false, at("2026-12-02T03:00:00Z"), (0, 0)),
            Unanswered::Wait
        );
    }
}
