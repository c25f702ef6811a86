//! Inspections: what a plan must hold, when its visit is booked, how a visit's end moves the
//! inspection, and what a finding's ticket says. The dates themselves are in `cadence`.

use super::cadence::Every;
use super::sla::Calendar;
use super::validate;
use super::visit::Step;
use super::Invalid;
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use fieldline_mobile_api::{InspectionStatus, Priority};

/// The longest plan name, notes and list of assets.
pub const NAME_MAX: usize = 200;
pub const NOTES_MAX: usize = 4000;
pub const MAX_ASSETS: usize = 500;
/// The longest skill name (as for repair visits).
pub const SKILL_MAX: usize = 50;
/// The longest finding title and description.
pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 10_000;
/// A finding's ticket priority when none is given.
pub const FINDING_PRIORITY: Priority = Priority::P3;
/// Where an inspection visit ranks on the dispatch board beside tickets: routine work.
pub const BOARD_PRIORITY: Priority = Priority::P4;
/// How far ahead a visit day is looked for when the calendar has no working day sooner.
const MAX_DAYS_TO_WORKING_DAY: u64 = 366;

/// A plan's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFields {
    pub name: String,
    pub asset_ids: Vec<i64>,
    pub every: Every,
    pub required_skill: Option<String>,
    pub required_level: i32,
    pub starts_on: NaiveDate,
    pub notes: Option<String>,
}

/// The level of skill, 1 to 5.
pub fn level(v: i32) -> Result<i32, Invalid> {
    if (1..=5).contains(&v) {
        Ok(v)
    } else {
        Err(Invalid::new("required_level", "must be between 1 and 5"))
    }
}

/// The assets, each once, in the order given; at most `MAX_ASSETS`.
pub fn asset_ids(ids: &[i64]) -> Result<Vec<i64>, Invalid> {
    if ids.len() > MAX_ASSETS {
        return Err(Invalid::new("asset_ids", format!("at most {MAX_ASSETS} assets")));
    }
    let mut out: Vec<i64> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        if out.contains(id) {
            return Err(Invalid::new(
                format!("asset_ids[{i}]"),
                format!("asset {id} is listed twice"),
            ));
        }
        out.push(*id);
    }
    Ok(out)
}

pub fn name(v: &str) -> Result<String, Invalid> {
    validate::text("name", v, NAME_MAX)
}

/// An optional skill; blank is none.
pub fn skill(v: Option<&str>) -> Result<Option<String>, Invalid> {
    validate::optional(v, |s| validate::text("required_skill", s, SKILL_MAX))
}

/// Optional notes; blank is none.
pub fn notes(v: Option<&str>) -> Result<Option<String>, Invalid> {
    validate::optional(v, |s| validate::multiline("notes", s, NOTES_MAX))
}

impl PlanFields {
    pub fn parse(
        name_v: &str,
        assets: &[i64],
        frequency_months: i32,
        required_skill: Option<&str>,
        required_level: Option<i32>,
        starts_on: NaiveDate,
        notes_v: Option<&str>,
    ) -> Result<PlanFields, Invalid> {
        Ok(PlanFields {
            name: name(name_v)?,
            asset_ids: asset_ids(assets)?,
            every: Every::new("frequency_months", frequency_months)?,
            required_skill: skill(required_skill)?,
            required_level: level(required_level.unwrap_or(1))?,
            starts_on,
            notes: notes(notes_v)?,
        })
    }
}

/// The window an inspection visit is booked into: `length` from the opening of the first working
/// day on or after `earliest` (the due date, or today when that has passed), cut at the day's
/// close. None when the calendar has no working day within a year.
pub fn visit_window(cal: &Calendar, earliest: NaiveDate, length: Duration) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    (0..=MAX_DAYS_TO_WORKING_DAY)
        .filter_map(|n| earliest.checked_add_days(Days::new(n)))
        .find_map(|day| cal.working_interval(day))
        .map(|(open, close)| (open, (open + length).min(close)))
}

/// What a step of its visit does to the inspection: `Some(status)` when the inspection moves,
/// and whether it needs a new visit (the technician asked for another one).
pub fn after_step(step: Step) -> (Option<InspectionStatus>, bool) {
    match step {
        Step::Complete => (Some(InspectionStatus::Completed), false),
        Step::Fail { needs_revisit: false } => (Some(InspectionStatus::Failed), false),
        Step::Fail { needs_revisit: true } => (None, true),
        Step::Accept | Step::Decline | Step::EnRoute | Step::CheckIn => (None, false),
    }
}

/// A problem found on an inspection, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub title: String,
    pub description: String,
    pub priority: Priority,
}

impl Finding {
    pub fn parse(title: &str, description: &str, priority: Option<Priority>) -> Result<Finding, Invalid> {
        Ok(Finding {
            title: validate::text("title", title, TITLE_MAX)?,
            description: validate::multiline("description", description, DESCRIPTION_MAX)?,
            priority: priority.unwrap_or(FINDING_PRIORITY),
        })
    }

    /// The ticket's description: what was found, then where it was found.
    pub fn ticket_description(&self, about: &str) -> String {
        format!("{}\n\nFound on {about}.", self.description)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Weekday};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn plan_fields_name_the_field_that_is_wrong() {
        let ok = PlanFields::parse(
            " UPS check ",
            &[3, 4],
            6,
            Some(" ups "),
            None,
            d("2026-12-01"),
            Some("  "),
        )
        .unwrap();
        assert_eq!(ok.name, "UPS check");
        assert_eq!(ok.required_skill.as_deref(), Some("ups"));
        assert_eq!(ok.required_level, 1);
        assert_eq!(ok.notes, None);
        assert_eq!(ok.every.months(), 6);
        let field = |r: Result<PlanFields, Invalid>| r.unwrap_err().field;
        let start = d("2026-12-01");
        assert_eq!(field(PlanFields::parse("", &[], 6, None, None, start, None)), "name");
        assert_eq!(
            field(PlanFields::parse("x", &[], 0, None, None, start, None)),
            "frequency_months"
        );
        assert_eq!(
            field(PlanFields::parse("x", &[], 6, None, Some(6), start, None)),
            "required_level"
        );
        assert_eq!(
            field(PlanFields::parse("x", &[1, 2, 1], 6, None, None, start, None)),
            "asset_ids[2]"
        );
        assert_eq!(
            field(PlanFields::parse("x", &[], 6, Some(&"s".repeat(51)), None, start, None)),
            "required_skill"
        );
        assert_eq!(
            field(PlanFields::parse(
                "x",
                &[],
                6,
                None,
                None,
                start,
                Some(&"n".repeat(4001))
            )),
            "notes"
        );
        let many: Vec<i64> = (0..=MAX_ASSETS as i64).collect();
        assert_eq!(
            field(PlanFields::parse("x", &many, 6, None, None, start, None)),
            "asset_ids"
        );
    }

    #[test]
    fn the_visit_is_booked_on_the_first_working_day() {
        let cal = Calendar::standard(chrono_tz::Asia::Shanghai);
        // 2026-12-05 is a Saturday: the visit goes to Monday's working hours.
        assert_eq!(d("2026-12-05").weekday(), Weekday::Sat);
        let two_hours = Duration::hours(2);
        let (start, end) = visit_window(&cal, d("2026-12-05"), two_hours).unwrap();
        assert_eq!(cal.local_date(start), d("2026-12-07"));
        let (open, _) = cal.working_interval(d("2026-12-07")).unwrap();
        assert_eq!((start, end), (open, open + two_hours), "from the opening");
        let (start, _) = visit_window(&cal, d("2026-12-08"), two_hours).unwrap();
        assert_eq!(cal.local_date(start), d("2026-12-08"));
        // Never past the day's close.
        let (_, end) = visit_window(&cal, d("2026-12-08"), Duration::hours(12)).unwrap();
        assert_eq!(Some(end), cal.working_interval(d("2026-12-08")).map(|w| w.1));
    }

    #[test]
    fn the_visit_s_end_moves_the_inspection() {
        assert_eq!(after_step(Step::Complete), (Some(InspectionStatus::Completed), false));
        assert_eq!(
            after_step(Step::Fail { needs_revisit: false }),
            (Some(InspectionStatus::Failed), false)
        );
        assert_eq!(after_step(Step::Fail { needs_revisit: true }), (None, true));
        assert_eq!(after_step(Step::CheckIn), (None, false));
    }

    #[test]
    fn a_finding_needs_a_title_and_a_description() {
        let f = Finding::parse(" Battery swollen ", "Cell 3 bulges.\r\nReplace.", None).unwrap();
        assert_eq!(f.priority, FINDING_PRIORITY);
        assert_eq!(f.description, "Cell 3 bulges.\nReplace.");
        assert_eq!(
            f.ticket_description("inspection 4 (UPS check, due 2026-12-01)"),
            "Cell 3 bulges.\nReplace.\n\nFound on inspection 4 (UPS check, due 2026-12-01)."
        );
        assert_eq!(Finding::parse("", "x", None).unwrap_err().field, "title");
        assert_eq!(Finding::parse("t", " ", None).unwrap_err().field, "description");
        assert_eq!(
            Finding::parse("t", "x", Some(Priority::P1)).unwrap().priority,
            Priority::P1
        );
    }
}
