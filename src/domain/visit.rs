//! A visit's life on the technician's phone: assigned -> accepted (or declined, back to
//! dispatch) -> en route -> on site -> completed, failed, or needing another visit. Pure.

use super::geo::Location;
use super::Invalid;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use fieldline_mobile_api::{PartUsed, VisitStatus};

/// What a step carries, after validation.
#[derive(Debug, Clone)]
pub enum StepData {
    Accept,
    Decline { reason: String },
    EnRoute,
    CheckIn { at: Location, reason: Option<String> },
    Complete(Done),
    Fail { reason: String, needs_revisit: bool },
}

/// What the technician reports of a finished job.
#[derive(Debug, Clone)]
pub struct Done {
    pub work_notes: String,
    pub parts: Vec<PartUsed>,
    pub time_spent_minutes: i32,
    /// The price the customer was told, for work outside the warranty.
    pub quote_amount: Option<f64>,
    pub signoff_name: String,
    pub signature_png: Vec<u8>,
    /// What the signer said of the result, if they said it.
    pub satisfied: Option<bool>,
}

impl StepData {
    /// The step this is.
    pub fn step(&self) -> Step {
        match self {
            StepData::Accept => Step::Accept,
            StepData::Decline { .. } => Step::Decline,
            StepData::EnRoute => Step::EnRoute,
            StepData::CheckIn { .. } => Step::CheckIn,
            StepData::Complete(_) => Step::Complete,
            StepData::Fail { needs_revisit, .. } => Step::Fail {
                needs_revisit: *needs_revisit,
            },
        }
    }
}

/// What the technician does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Accept,
    Decline,
    EnRoute,
    CheckIn,
    Complete,
    Fail { needs_revisit: bool },
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Accept => "accept",
            Step::Decline => "decline",
            Step::EnRoute => "en_route",
            Step::CheckIn => "check_in",
            Step::Complete => "complete",
            Step::Fail { needs_revisit: false } => "fail",
            Step::Fail { needs_revisit: true } => "needs_revisit",
        }
    }
}

/// The status after a step, or None when the step is not allowed now.
pub fn next(status: VisitStatus, step: Step) -> Option<VisitStatus> {
    use VisitStatus::*;
    match (status, step) {
        (Assigned, Step::Accept) => Some(Accepted),
        (Assigned | Accepted, Step::Decline) => Some(Scheduled),
        (Accepted, Step::EnRoute) => Some(EnRoute),
        (Accepted | EnRoute, Step::CheckIn) => Some(OnSite),
        (OnSite, Step::Complete) => Some(Completed),
        (OnSite, Step::Fail { needs_revisit: false }) => Some(Failed),
        (OnSite, Step::Fail { needs_revisit: true }) => Some(NeedsRevisit),
        _ => None,
    }
}

/// How far back an agreed on-site window may start, in hours: a window agreed a little late
/// (the visit began this morning) is fine, one from last week is a typing error.
pub const WINDOW_MAX_HOURS_PAST: i64 = 24;
/// How long an on-site window may last, in hours: a technician booked for it is blocked for
/// all of it, so a window is a working day at most.
pub const WINDOW_MAX_HOURS: i64 = 24;
/// How far ahead an on-site window may start, in days.
pub const WINDOW_MAX_DAYS_AHEAD: i64 = 365;

/// The agreed window of an on-site visit: ends after it starts and in the future, starts at
/// most `WINDOW_MAX_HOURS_PAST` hours ago and at most `WINDOW_MAX_DAYS_AHEAD` days ahead, lasts
/// at most `WINDOW_MAX_HOURS` hours.
pub fn window(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Invalid> {
    if start < now - Duration::hours(WINDOW_MAX_HOURS_PAST) {
        return Err(Invalid::new(
            "window_start",
            format!("must be at most {WINDOW_MAX_HOURS_PAST} hours in the past"),
        ));
    }
    if start > now + Duration::days(WINDOW_MAX_DAYS_AHEAD) {
        return Err(Invalid::new(
            "window_start",
            format!("must be at most {WINDOW_MAX_DAYS_AHEAD} days ahead"),
        ));
    }
    if end <= start {
        return Err(Invalid::new("window_end", "must be after window_start"));
    }
    if end - start > Duration::hours(WINDOW_MAX_HOURS) {
        return Err(Invalid::new(
            "window_end",
            format!("a window lasts at most {WINDOW_MAX_HOURS} hours"),
        ));
    }
    if end <= now {
        return Err(Invalid::new("window_end", "must be in the future"));
    }
    Ok((start, end))
}

/// A check-in this far from the site (metres) is accepted without a reason.
pub fn within_radius(distance_m: f64, radius_m: f64) -> bool {
    distance_m <= radius_m
}

/// PNG files start with these eight bytes.
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A])
}

/// What a completed visit was for, as its billing sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Work {
    /// A repair of a ticket, on an asset whose warranty ends on that day (None: no warranty
    /// known, or no asset).
    Repair { warranty_end: Option<NaiveDate> },
    /// Planned service: neither free under warranty nor billed (problems found become tickets).
    Inspection,
}

/// How a completed visit is billed, as stored on the visit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Billing {
    /// For a repair, whether the asset was under warranty that day; None for an inspection.
    pub under_warranty: Option<bool>,
    /// The price the customer was told, for a repair outside the warranty only.
    pub quote_amount: Option<f64>,
}

/// A repair out of warranty needs the price the customer was told beforehand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteMissing;

/// A repair is free under the asset's warranty (up to its last day) and billable at the quote
/// told beforehand outside it; an inspection is neither.
pub fn billing(work: Work, today: NaiveDate, quote: Option<f64>) -> Result<Billing, QuoteMissing> {
    match work {
        Work::Inspection => Ok(Billing {
            under_warranty: None,
            quote_amount: None,
        }),
        Work::Repair { warranty_end } => {
            let under_warranty = warranty_end.is_some_and(|w| w >= today);
            if !under_warranty && quote.is_none() {
                return Err(QuoteMissing);
            }
            Ok(Billing {
                under_warranty: Some(under_warranty),
                quote_amount: if under_warranty { None } else { quote },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use VisitStatus::*;

    #[test]
    fn the_happy_path() {
        let mut s = Assigned;
        for (step, expect) in [
            (Step::Accept, Accepted),
            (Step::EnRoute, EnRoute),
            (Step::CheckIn, OnSite),
            (Step::Complete, Completed),
        ] {
            s = next(s, step).unwrap();
            assert_eq!(s, expect);
        }
    }

    #[test]
    fn declining_returns_to_dispatch_and_outcomes_end_the_visit() {
        assert_eq!(next(Assigned, Step::Decline), Some(Scheduled));
        assert_eq!(next(Accepted, Step::Decline), Some(Scheduled));
        assert_eq!(next(OnSite, Step::Fail { needs_revisit: true }), Some(NeedsRevisit));
        assert_eq!(next(OnSite, Step::Fail { needs_revisit: false }), Some(Failed));
        assert_eq!(
            next(Accepted, Step::CheckIn),
            Some(OnSite),
            "straight to check-in is fine"
        );
    }

    #[test]
    fn out_of_order_steps_are_refused() {
        for (s, step) in [
            (Scheduled, Step::Accept),
            (Assigned, Step::CheckIn),
            (Assigned, Step::Complete),
            (EnRoute, Step::Decline),
            (OnSite, Step::Accept),
            (Completed, Step::Complete),
            (Completed, Step::Fail { needs_revisit: true }),
            (Failed, Step::CheckIn),
        ] {
            assert_eq!(next(s, step), None, "{s} {step:?}");
        }
    }

    #[test]
    fn a_window_is_bounded() {
        let t = |s: &str| -> DateTime<Utc> { s.parse().unwrap() };
        let now = t("2026-12-03T08:00:00Z");
        let field = |a: &str, b: &str| window(t(a), t(b), now).unwrap_err().field;
        assert!(window(t("2026-12-03T09:00:00Z"), t("2026-12-03T12:00:00Z"), now).is_ok());
        assert!(
            window(t("2026-12-02T08:00:00Z"), t("2026-12-03T08:00:00Z"), now).is_err(),
            "a window that has ended"
        );
        assert!(
            window(
                t("2026-12-02T08:00:00Z"),
                t("2026-12-03T08:00:00Z") + Duration::seconds(1),
                now
            )
            .is_err(),
            "longer than a day"
        );
        assert!(
            window(t("2026-12-02T09:00:00Z"), t("2026-12-03T09:00:00Z"), now).is_ok(),
            "from a day back, a day long, ending in the future"
        );
        assert!(window(t("2027-12-03T08:00:00Z"), t("2027-12-03T10:00:00Z"), now).is_ok());
        assert_eq!(field("0001-01-01T00:00:00Z", "2026-12-03T12:00:00Z"), "window_start");
        assert_eq!(field("2026-12-02T07:59:59Z", "2026-12-03T12:00:00Z"), "window_start");
        assert_eq!(field("2027-12-03T08:00:01Z", "2027-12-03T10:00:00Z"), "window_start");
        assert_eq!(field("2026-12-03T12:00:00Z", "2026-12-03T12:00:00Z"), "window_end");
        assert_eq!(field("2026-12-03T12:00:00Z", "2026-12-04T12:00:01Z"), "window_end");
        assert_eq!(field("2026-12-03T06:00:00Z", "2026-12-03T08:00:00Z"), "window_end");
        assert_eq!(field("2026-12-03T09:00:00Z", "9999-12-31T00:00:00Z"), "window_end");
    }

    #[test]
    fn radius_and_png() {
        assert!(within_radius(499.9, 500.0));
        assert!(!within_radius(500.1, 500.0));
        assert!(is_png(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]));
        assert!(!is_png(b"GIF89a"));
    }

    #[test]
    fn a_repair_under_warranty_is_free_and_outside_it_billed_at_the_quote() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let repair = |end: Option<NaiveDate>| Work::Repair { warranty_end: end };
        assert_eq!(
            billing(repair(Some(day)), day, Some(90.0)),
            Ok(Billing {
                under_warranty: Some(true),
                quote_amount: None
            }),
            "the warranty's last day still counts, and a quote is not kept"
        );
        assert_eq!(
            billing(repair(day.pred_opt()), day, Some(90.0)),
            Ok(Billing {
                under_warranty: Some(false),
                quote_amount: Some(90.0)
            })
        );
        assert_eq!(billing(repair(None), day, None), Err(QuoteMissing));
        assert_eq!(billing(repair(day.pred_opt()), day, None), Err(QuoteMissing));
    }

    #[test]
    fn an_inspection_is_neither_free_nor_billed() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let none = Billing {
            under_warranty: None,
            quote_amount: None,
        };
        assert_eq!(billing(Work::Inspection, day, None), Ok(none));
        assert_eq!(billing(Work::Inspection, day, Some(5.0)), Ok(none));
    }
}
