//! The hotline's shifts and duty roster: when a shift of a day runs, and which shifts run at an
//! instant.

use super::sla::Calendar;
use super::Invalid;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};

/// A shift's local start and end; one that ends at or before its start runs past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftTimes {
    pub starts: NaiveTime,
    pub ends: NaiveTime,
}

/// Reads a local time of day written `HH:MM`.
pub fn time_of_day(field: &str, text: &str) -> Result<NaiveTime, Invalid> {
    let ok = text.len() == 5 && text.as_bytes()[2] == b':';
    ok.then(|| NaiveTime::parse_from_str(text, "%H:%M").ok())
        .flatten()
        .ok_or_else(|| Invalid::new(field, "must be a local time of day written HH:MM, e.g. 08:00"))
}

impl ShiftTimes {
    /// Reads a shift's start and end; a shift cannot start and end at the same minute.
    pub fn parse(starts: &str, ends: &str) -> Result<ShiftTimes, Invalid> {
        let t = ShiftTimes {
            starts: time_of_day("starts", starts)?,
            ends: time_of_day("ends", ends)?,
        };
        if t.starts == t.ends {
            return Err(Invalid::new("ends", "a shift cannot end when it starts"));
        }
        Ok(t)
    }

    /// Whether the shift runs past midnight into the next day.
    pub fn overnight(&self) -> bool {
        self.ends <= self.starts
    }

    /// When the shift of `day` starts and ends.
    pub fn interval(&self, cal: &Calendar, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let end_day = if self.overnight() {
            day.checked_add_days(Days::new(1)).unwrap_or(day)
        } else {
            day
        };
        (
            cal.local_instant(day.and_time(self.starts)),
            cal.local_instant(end_day.and_time(self.ends)),
        )
    }

    /// The day whose shift runs at `at`, if any (a night shift's early hours belong to the day
    /// before).
    pub fn day_at(&self, cal: &Calendar, at: DateTime<Utc>) -> Option<NaiveDate> {
        let today = cal.local_date(at);
        [today.pred_opt(), Some(today)].into_iter().flatten().find(|d| {
            let (from, to) = self.interval(cal, *d);
            from <= at && at < to
        })
    }
}

/// The shifts (by key) running at `at`, each with the day it belongs to.
pub fn running_at<K: Copy>(cal: &Calendar, shifts: &[(K, ShiftTimes)], at: DateTime<Utc>) -> Vec<(K, NaiveDate)> {
    shifts
        .iter()
        .filter_map(|(k, t)| t.day_at(cal, at).map(|d| (*k, d)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Asia::Shanghai;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Shanghai
            .with_ymd_and_hms(2026, 12, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn times_are_read_as_hh_mm_and_a_shift_has_a_length() {
        assert!(ShiftTimes::parse("08:00", "20:00").is_ok());
        assert!(ShiftTimes::parse("20:00", "08:00").unwrap().overnight());
        for bad in ["8:00", "08:60", "24:00", "0800", "08:00:00", "", "ab:cd"] {
            assert_eq!(ShiftTimes::parse(bad, "20:00").unwrap_err().field, "starts", "{bad}");
        }
        assert_eq!(ShiftTimes::parse("08:00", "08:00").unwrap_err().field, "ends");
    }

    #[test]
    fn a_night_shift_belongs_to_the_day_it_starts() {
        let cal = Calendar::standard(Shanghai);
        let night = ShiftTimes::parse("20:00", "08:00").unwrap();
        assert_eq!(night.interval(&cal, day(6)), (at(6, 20, 0), at(7, 8, 0)));
        assert_eq!(night.day_at(&cal, at(7, 3, 0)), Some(day(6)));
        assert_eq!(night.day_at(&cal, at(7, 21, 0)), Some(day(7)));
        assert_eq!(night.day_at(&cal, at(7, 8, 0)), None);
        let dayshift = ShiftTimes::parse("08:00", "20:00").unwrap();
        let shifts = [(1, dayshift), (2, night)];
        assert_eq!(running_at(&cal, &shifts, at(7, 8, 0)), vec![(1, day(7))]);
        assert_eq!(running_at(&cal, &shifts, at(7, 19, 59)), vec![(1, day(7))]);
        assert_eq!(running_at(&cal, &shifts, at(7, 20, 0)), vec![(2, day(7))]);
    }
}
