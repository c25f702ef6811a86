//! The rules of a day plan, pure: which stretch of the day a technician works, when their lunch
//! break may fall, which arrival times a visit accepts, how skills (with levels) and regions
//! become the tags the solver matches, and how much a technician may still take that day.
//!
//! - A technician works the day's stretch of their weekly hours (the business calendar's
//!   holidays off), stretched by any on-duty shift that overlaps the day; with neither, they are
//!   not in the plan. A plan of today starts no earlier than now.
//! - The lunch break starts between `from` and `until - minutes` (local), when that lies inside
//!   the working stretch; otherwise the day has no break.
//! - A visit's arrival falls inside its agreed window, and before the ticket's SLA due time when
//!   that falls inside the window (a due time before the window cannot be met by any plan, so the
//!   agreed window holds).
//! - A skill at level L is held as the tags `skill@1` .. `skill@L`, so a visit needing `skill@n`
//!   matches everyone at level n or above; a region is the tag `region:<id>`, held by those who
//!   serve it (or serve every region).

use super::sla::{Calendar, WorkingHours};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

/// A stretch of time.
pub type Span = (DateTime<Utc>, DateTime<Utc>);

/// The stretch of `day` a technician works: their weekly hours that day (holidays off) and the
/// duty shifts overlapping the day, as one stretch from the earliest start to the latest end,
/// clipped to the day; `None` when they neither work nor are on duty. Today's starts at `now`.
pub fn working_stretch(
    week: &[Option<WorkingHours>; 7],
    cal: &Calendar,
    duty: &[Span],
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Option<Span> {
    let (day_start, day_end) = (cal.day_start(day), cal.day_start(day + Duration::days(1)));
    let own = Calendar {
        week: *week,
        ..cal.clone()
    };
    let parts = own
        .working_interval(day)
        .into_iter()
        .chain(duty.iter().copied())
        .filter(|(s, e)| *s < day_end && *e > day_start);
    let (mut start, mut end) = (None::<DateTime<Utc>>, None::<DateTime<Utc>>);
    for (s, e) in parts {
        start = Some(start.map_or(s, |x| x.min(s)));
        end = Some(end.map_or(e, |x| x.max(e)));
    }
    let start = start?.max(day_start).max(now);
    let end = end?.min(day_end);
    (start < end).then_some((start, end))
}

/// When the lunch break may start, and how long it is: between `from` and `until - minutes` of
/// the day, if that lies inside the working stretch and the break is not 0 minutes.
pub fn lunch_window(
    cal: &Calendar,
    day: NaiveDate,
    (from, until, minutes): (NaiveTime, NaiveTime, i64),
    (work_start, work_end): Span,
) -> Option<(Span, Duration)> {
    if minutes <= 0 {
        return None;
    }
    let length = Duration::minutes(minutes);
    let earliest = cal.local_instant(day.and_time(from)).max(work_start);
    let latest = (cal.local_instant(day.and_time(until)) - length).min(work_end - length);
    (earliest <= latest).then_some(((earliest, latest), length))
}

/// The arrival times a visit accepts: its window, ending at the SLA due time when that falls
/// inside it.
pub fn arrival_window((start, end): Span, due: Option<DateTime<Utc>>) -> Span {
    match due {
        Some(d) if d > start && d < end => (start, d),
        _ => (start, end),
    }
}

/// The solver's tag of a skill at a level.
pub fn skill_tag(skill: &str, level: i32) -> String {
    format!("{skill}@{level}")
}

/// The tags of the skills a technician holds: each skill at its level and every level below.
pub fn skill_tags(skills: &[(String, i32)]) -> Vec<String> {
    skills
        .iter()
        .flat_map(|(s, level)| (1..=*level).map(move |l| skill_tag(s, l)))
        .collect()
}

/// The solver's tag of a region.
pub fn region_tag(region: i64) -> String {
    format!("region:{region}")
}

/// The region tags a technician holds: those they serve, or all of `present` when they serve
/// every region (an empty list).
pub fn region_tags(serves: &[i64], present: &[i64]) -> Vec<String> {
    let all = if serves.is_empty() { present } else { serves };
    all.iter().map(|r| region_tag(*r)).collect()
}

/// How many visits a technician may still be given: the daily capacity less the visits of the
/// day they hold outside the plan (started, done, or left out of it).
pub fn visits_left(daily_capacity: i32, held_elsewhere: usize) -> usize {
    (daily_capacity.max(0) as usize).saturating_sub(held_elsewhere)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn cal() -> Calendar {
        Calendar::standard(chrono_tz::Asia::Shanghai)
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        // 2026-12-07 is a Monday; Shanghai is UTC+8.
        chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(2026, 12, 7, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    fn nine_to_six() -> [Option<WorkingHours>; 7] {
        let h = WorkingHours::new(
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        );
        [h, h, h, h, h, None, None]
    }

    #[test]
    fn the_working_stretch_is_the_days_hours_stretched_by_duty_and_starts_now_today() {
        let early = at(0, 0) - Duration::days(1);
        assert_eq!(
            working_stretch(&nine_to_six(), &cal(), &[], day(), early),
            Some((at(9, 0), at(18, 0)))
        );
        let duty = [(at(17, 0), at(22, 0))];
        assert_eq!(
            working_stretch(&nine_to_six(), &cal(), &duty, day(), early),
            Some((at(9, 0), at(22, 0)))
        );
        assert_eq!(
            working_stretch(&nine_to_six(), &cal(), &[], day(), at(11, 0)),
            Some((at(11, 0), at(18, 0)))
        );
        assert_eq!(working_stretch(&nine_to_six(), &cal(), &[], day(), at(19, 0)), None);
        let off = [None; 7];
        assert_eq!(working_stretch(&off, &cal(), &[], day(), early), None);
        // A night duty from the evening before counts for the morning of the day.
        let night = [(at(20, 0) - Duration::days(1), at(8, 0))];
        assert_eq!(
            working_stretch(&off, &cal(), &night, day(), early),
            Some((at(0, 0), at(8, 0)))
        );
    }

    #[test]
    fn the_lunch_break_starts_inside_its_window_and_inside_the_working_stretch() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let work = (at(9, 0), at(18, 0));
        let (window, length) = lunch_window(&cal(), day(), (t(11, 30), t(13, 30), 45), work).unwrap();
        assert_eq!(window, (at(11, 30), at(12, 45)));
        assert_eq!(length, Duration::minutes(45));
        assert_eq!(lunch_window(&cal(), day(), (t(11, 30), t(13, 30), 0), work), None);
        // Working only until noon leaves no room for a 45-minute break from 11:30.
        assert_eq!(
            lunch_window(&cal(), day(), (t(11, 30), t(13, 30), 45), (at(9, 0), at(12, 0))),
            None
        );
        let (late, _) = lunch_window(&cal(), day(), (t(11, 30), t(13, 30), 45), (at(12, 0), at(18, 0))).unwrap();
        assert_eq!(late.0, at(12, 0));
    }

    #[test]
    fn arrival_ends_at_the_sla_due_time_only_when_it_falls_inside_the_window() {
        let w = (at(9, 0), at(12, 0));
        assert_eq!(arrival_window(w, Some(at(10, 0))), (at(9, 0), at(10, 0)));
        assert_eq!(arrival_window(w, Some(at(13, 0))), w);
        assert_eq!(
            arrival_window(w, Some(at(8, 0))),
            w,
            "a due time before the window cannot be met"
        );
        assert_eq!(arrival_window(w, None), w);
    }

    #[test]
    fn a_skill_level_holds_every_level_below_and_regions_default_to_all() {
        let tags = skill_tags(&[("ups".into(), 3), ("hvac".into(), 1)]);
        assert_eq!(tags, ["ups@1", "ups@2", "ups@3", "hvac@1"]);
        assert!(tags.contains(&skill_tag("ups", 2)));
        assert!(!tags.contains(&skill_tag("ups", 4)));
        assert_eq!(region_tags(&[], &[1, 2]), ["region:1", "region:2"]);
        assert_eq!(region_tags(&[2], &[1, 2]), ["region:2"]);
        assert_eq!(visits_left(6, 2), 4);
        assert_eq!(visits_left(2, 5), 0);
    }
}
