//! Major faults: what a notice must hold, and the fault's times.

use super::validate;
use super::Invalid;
use chrono::{DateTime, Duration, Utc};

pub const LOCATION_MAX: usize = 500;
pub const SYMPTOMS_MAX: usize = 4000;
pub const PLAN_MAX: usize = 4000;
pub const NOTE_MAX: usize = 4000;
pub const REASON_MAX: usize = 2000;
/// Further addresses one fault may notify.
pub const EXTRA_RECIPIENTS_MAX: usize = 20;

/// How far ahead of the server's clock a reported time may be (the reporter's clock may run fast).
fn skew() -> Duration {
    Duration::minutes(1)
}

/// The fault's details as the reporter gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub occurred_at: DateTime<Utc>,
    pub location: String,
    pub symptoms: String,
    pub handling_plan: String,
}

impl Details {
    /// Every field required and bounded; `occurred_at` not in the future and a plausible moment.
    pub fn parse(
        occurred_at: DateTime<Utc>,
        location: &str,
        symptoms: &str,
        handling_plan: &str,
        now: DateTime<Utc>,
    ) -> Result<Details, Invalid> {
        if occurred_at > now + skew() {
            return Err(Invalid::new("occurred_at", "must not be in the future"));
        }
        validate::moment("occurred_at", occurred_at, now)?;
        Ok(Details {
            occurred_at,
            location: validate::text("location", location, LOCATION_MAX)?,
            symptoms: validate::multiline("symptoms", symptoms, SYMPTOMS_MAX)?,
            handling_plan: validate::multiline("handling_plan", handling_plan, PLAN_MAX)?,
        })
    }
}

/// When the fault ended: not in the future and not before it occurred.
pub fn check_end(occurred_at: DateTime<Utc>, ended_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), Invalid> {
    if ended_at > now + skew() {
        return Err(Invalid::new("ended_at", "must not be in the future"));
    }
    if ended_at < occurred_at {
        return Err(Invalid::new(
            "ended_at",
            format!("must not be before the fault occurred ({})", occurred_at.to_rfc3339()),
        ));
    }
    Ok(())
}

/// Minutes from the occurrence to the end, or to now while the fault is open (never negative).
pub fn elapsed_minutes(occurred_at: DateTime<Utc>, ended_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> i64 {
    (ended_at.unwrap_or(now) - occurred_at).num_minutes().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn details_are_required_bounded_and_not_in_the_future() {
        let now = t("2026-11-20T08:50:00Z");
        let ok = Details::parse(
            t("2026-11-20T08:00:00Z"),
            " Line 1 depot ",
            "UPS down\nno power",
            "swap",
            now,
        )
        .unwrap();
        assert_eq!(ok.location, "Line 1 depot");
        assert_eq!(ok.symptoms, "UPS down\nno power", "several lines are kept");
        let field = |r: Result<Details, Invalid>| r.unwrap_err().field;
        assert_eq!(
            field(Details::parse(t("2026-11-20T09:00:00Z"), "a", "b", "c", now)),
            "occurred_at"
        );
        assert_eq!(field(Details::parse(now, " ", "b", "c", now)), "location");
        assert_eq!(field(Details::parse(now, "a", "", "c", now)), "symptoms");
        assert_eq!(
            field(Details::parse(now, "a", "b", &"x".repeat(4001), now)),
            "handling_plan"
        );
        assert_eq!(
            field(Details::parse(now, "a\nb", "b", "c", now)),
            "location",
            "one line"
        );
        assert!(
            Details::parse(now + Duration::seconds(30), "a", "b", "c", now).is_ok(),
            "a little skew is fine"
        );
        assert_eq!(
            field(Details::parse(t("0001-01-01T00:00:00Z"), "a", "b", "c", now)),
            "occurred_at",
            "year 1 is no time a fault occurred"
        );
    }

    #[test]
    fn an_end_lies_between_the_occurrence_and_now() {
        let (occurred, now) = (t("2026-11-20T08:00:00Z"), t("2026-11-20T10:00:00Z"));
        assert!(check_end(occurred, t("2026-11-20T09:00:00Z"), now).is_ok());
        assert!(check_end(occurred, occurred, now).is_ok());
        assert_eq!(
            check_end(occurred, t("2026-11-20T07:59:00Z"), now).unwrap_err().field,
            "ended_at"
        );
        assert_eq!(
            check_end(occurred, t("2026-11-20T11:00:00Z"), now).unwrap_err().field,
            "ended_at"
        );
    }

    #[test]
    fn elapsed_time_runs_until_the_end() {
        let occurred = t("2026-11-20T08:00:00Z");
        assert_eq!(elapsed_minutes(occurred, None, t("2026-11-20T09:30:00Z")), 90);
        assert_eq!(
            elapsed_minutes(occurred, Some(t("2026-11-20T08:45:00Z")), t("2026-11-21T00:00:00Z")),
            45
        );
        assert_eq!(elapsed_minutes(occurred, None, t("2026-11-20T07:00:00Z")), 0);
    }
}
