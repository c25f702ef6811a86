//! The hotline's shifts and duty roster: when a shift of a day runs, and which shifts run at an
//! instant.

use super::sla::Calendar;
use super::Invalid;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};
use std::collections::HashSet;

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

/// One side of a swap as the rules read it: the person, their role and level, and the entry's
/// day and start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwapSide {
    pub user: i64,
    pub name: String,
    pub role: String,
    pub level: i32,
    pub day: NaiveDate,
    pub starts_at: DateTime<Utc>,
    /// Whether the person has an entry on the other side's day (other than this one).
    pub rostered_on_other_day: bool,
    /// The days of the person's other live swaps (requested or approved), two per swap.
    pub other_swap_days: Vec<[NaiveDate; 2]>,
}

/// The most swaps (requested or approved) a person has in one calendar month.
pub const SWAPS_PER_MONTH: usize = 2;

/// Checks a swap of the requester's entry with the counterpart's against the rules of the swap
/// regulation (换班制度), at the request and again at the final approval. `holidays` holds the
/// public holidays among the two days. Each refusal names the rule.
pub fn check_swap(
    requester: &SwapSide,
    counterpart: &SwapSide,
    holidays: &HashSet<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<(), Invalid> {
    const MINE: &str = "entry_id";
    const THEIRS: &str = "counterpart_entry_id";
    if requester.user == counterpart.user {
        return Err(Invalid::new(THEIRS, "a swap is between two different people"));
    }
    for (side, field) in [(requester, MINE), (counterpart, THEIRS)] {
        if side.starts_at <= now {
            return Err(Invalid::new(
                field,
                format!("only future shifts are swapped: the shift of {} has started", side.day),
            ));
        }
    }
    if requester.role != counterpart.role || requester.level != counterpart.level {
        return Err(Invalid::new(
            THEIRS,
            "swaps are only between people of the same work and level",
        ));
    }
    for (side, field) in [(requester, MINE), (counterpart, THEIRS)] {
        if holidays.contains(&side.day) {
            return Err(Invalid::new(
                field,
                format!("nobody on holiday duty may swap: {} is a public holiday", side.day),
            ));
        }
    }
    if requester.day != counterpart.day {
        for (side, other, field) in [(requester, counterpart, THEIRS), (counterpart, requester, MINE)] {
            if side.rostered_on_other_day {
                return Err(Invalid::new(
                    field,
                    format!("{} is on the roster of {} already", side.name, other.day),
                ));
            }
        }
    }
    let days = [requester.day, counterpart.day];
    for (side, field) in [(requester, MINE), (counterpart, THEIRS)] {
        check_month(side, &days, field)?;
        check_adjacent(side, &days, field)?;
    }
    Ok(())
}

/// At most two swaps per person in a calendar month (a swap counts in the month of each of its
/// days).
fn check_month(side: &SwapSide, days: &[NaiveDate; 2], field: &str) -> Result<(), Invalid> {
    for d in days {
        let month = (d.year(), d.month());
        let taken = side
            .other_swap_days
            .iter()
            .filter(|s| s.iter().any(|e| (e.year(), e.month()) == month))
            .count();
        if taken >= SWAPS_PER_MONTH {
            return Err(Invalid::new(
                field,
                format!(
                    "at most {SWAPS_PER_MONTH} swaps per person per month: {} has {taken} in {}-{:02} already",
                    side.name, month.0, month.1
                ),
            ));
        }
    }
    Ok(())
}

/// No back-to-back swaps: a day of this swap may not be the day of, before or after a day the
/// person swaps already.
fn check_adjacent(side: &SwapSide, days: &[NaiveDate; 2], field: &str) -> Result<(), Invalid> {
    for d in days {
        let near = side
            .other_swap_days
            .iter()
            .flatten()
            .find(|e| (**e - *d).num_days().abs() <= 1);
        if let Some(e) = near {
            return Err(Invalid::new(
                field,
                format!("no back-to-back swaps: {} swaps {e} already, next to {d}", side.name),
            ));
        }
    }
    Ok(())
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

    fn side(user: i64, d: u32) -> SwapSide {
        SwapSide {
            user,
            name: format!("P{user}"),
            role: "agent".into(),
            level: 2,
            day: day(d),
            starts_at: at(d, 8, 0),
            rostered_on_other_day: false,
            other_swap_days: Vec::new(),
        }
    }

    fn refusal(a: &SwapSide, b: &SwapSide, holidays: &[u32]) -> (String, String) {
        let h: HashSet<NaiveDate> = holidays.iter().map(|d| day(*d)).collect();
        let e = check_swap(a, b, &h, at(1, 9, 0)).unwrap_err();
        (e.field, e.reason)
    }

    #[test]
    fn a_swap_between_like_people_on_ordinary_future_days_passes() {
        assert!(check_swap(&side(1, 10), &side(2, 12), &HashSet::new(), at(1, 9, 0)).is_ok());
        // The same day: the two exchange shifts; being on that day's roster is the point.
        let (mut a, mut b) = (side(1, 10), side(2, 10));
        a.rostered_on_other_day = true;
        b.rostered_on_other_day = true;
        assert!(check_swap(&a, &b, &HashSet::new(), at(1, 9, 0)).is_ok());
    }

    #[test]
    fn each_rule_refuses_with_its_reason() {
        let (a, b) = (side(1, 10), side(2, 12));
        assert!(refusal(&a, &side(1, 12), &[]).1.contains("two different people"));
        let past = SwapSide {
            starts_at: at(1, 8, 0),
            ..side(2, 1)
        };
        assert_eq!(refusal(&a, &past, &[]).0, "counterpart_entry_id");
        assert!(refusal(&a, &past, &[]).1.contains("only future shifts"));
        let senior = SwapSide { level: 3, ..b.clone() };
        assert_eq!(
            refusal(&a, &senior, &[]).1,
            "swaps are only between people of the same work and level"
        );
        let engineer = SwapSide {
            role: "remote_engineer".into(),
            ..b.clone()
        };
        assert!(refusal(&a, &engineer, &[]).1.contains("same work and level"));
        let (field, why) = refusal(&a, &b, &[10]);
        assert_eq!(field, "entry_id");
        assert!(why.contains("nobody on holiday duty may swap"), "{why}");
        assert_eq!(refusal(&a, &b, &[12]).0, "counterpart_entry_id");
        let busy = SwapSide {
            rostered_on_other_day: true,
            ..a.clone()
        };
        assert!(refusal(&busy, &b, &[])
            .1
            .contains("on the roster of 2026-12-12 already"));
        let full = SwapSide {
            other_swap_days: vec![[day(3), day(5)], [day(20), day(22)]],
            ..a.clone()
        };
        let (field, why) = refusal(&full, &b, &[]);
        assert_eq!(field, "entry_id");
        assert!(why.contains("at most 2 swaps per person per month"), "{why}");
        let one = SwapSide {
            other_swap_days: vec![[day(20), day(22)]],
            ..b.clone()
        };
        assert!(check_swap(&a, &one, &HashSet::new(), at(1, 9, 0)).is_ok());
        let next_door = SwapSide {
            other_swap_days: vec![[day(13), day(25)]],
            ..b.clone()
        };
        let (field, why) = refusal(&a, &next_door, &[]);
        assert_eq!(field, "counterpart_entry_id");
        assert!(why.contains("no back-to-back swaps"), "{why}");
        let day_before = SwapSide {
            other_swap_days: vec![[day(9), day(25)]],
            ..a.clone()
        };
        assert!(refusal(&day_before, &b, &[]).1.contains("back-to-back"));
    }
}
