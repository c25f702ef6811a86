//! A visit's life on the technician's phone: assigned -> accepted (or declined, back to
//! dispatch) -> en route -> on site -> completed, failed, or needing another visit. Until work
//! starts (check-in) the office may move it to another window agreed with the customer or cancel
//! it (seed 003 §三.4: the visit time is agreed with the customer). A customer who declines the
//! quote for paid work ends it as declined by the customer, without work. Its billing: free under
//! the asset's warranty (its own end, or its model's terms), decided on the business calendar's
//! date; billable outside it under a quote approved beforehand. The photos the technician
//! attaches to it: JPEG or PNG only, told by their first bytes. Pure.

use super::geo::Location;
use super::Invalid;
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use fieldline_mobile_api::{PartUsed, ProblemReason, VisitStatus, WarrantyCountedFrom};

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
    /// The amount finally charged, for work outside the warranty (absent: the approved quote's).
    pub amount_charged: Option<f64>,
    /// Why the amount charged differs from the approved quote.
    pub charge_difference_reason: Option<String>,
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
        return Err(Invalid::window_in_past(
            "window_start",
            format!("must be at most {WINDOW_MAX_HOURS_PAST} hours in the past"),
        ));
    }
    if start > now + Duration::days(WINDOW_MAX_DAYS_AHEAD) {
        let (first, last) = (
            now - Duration::hours(WINDOW_MAX_HOURS_PAST),
            now + Duration::days(WINDOW_MAX_DAYS_AHEAD),
        );
        return Err(Invalid::new(
            "window_start",
            format!("must be at most {WINDOW_MAX_DAYS_AHEAD} days ahead"),
        )
        .because(
            ProblemReason::DateOutOfRange,
            serde_json::json!({"min": first.to_rfc3339(), "max": last.to_rfc3339()}),
        ));
    }
    if end <= start {
        return Err(Invalid::window_end_before_start(
            "window_end",
            "must be after window_start",
        ));
    }
    if end - start > Duration::hours(WINDOW_MAX_HOURS) {
        return Err(
            Invalid::new("window_end", format!("a window lasts at most {WINDOW_MAX_HOURS} hours")).because(
                ProblemReason::TooLong,
                serde_json::json!({"max": WINDOW_MAX_HOURS, "unit": "hours"}),
            ),
        );
    }
    if end <= now {
        return Err(Invalid::window_in_past("window_end", "must be in the future"));
    }
    Ok((start, end))
}

/// Whether the office may still move the visit to another window or cancel it: work has not
/// started (not checked in on site, not finished, not cancelled).
pub fn not_started(status: VisitStatus) -> bool {
    use VisitStatus::*;
    matches!(status, Scheduled | Assigned | Accepted | EnRoute)
}

/// The status of a visit given a new window: a technician who keeps it is to accept the new
/// window again (assigned); without one it waits for dispatch (scheduled).
pub fn after_reschedule(keeps_technician: bool) -> VisitStatus {
    if keeps_technician {
        VisitStatus::Assigned
    } else {
        VisitStatus::Scheduled
    }
}

/// How far back the customer's agreement to a new window may be dated, in days.
pub const AGREED_MAX_DAYS_PAST: i64 = 30;
/// How far ahead of the service's clock an agreement may be dated (a phone's or PC's clock a
/// little fast), in minutes.
pub const AGREED_MAX_MINUTES_AHEAD: i64 = 5;

/// When the customer agreed to a new window: not in the future, at most
/// `AGREED_MAX_DAYS_PAST` days ago.
pub fn agreed_at(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, Invalid> {
    if at > now + Duration::minutes(AGREED_MAX_MINUTES_AHEAD) {
        return Err(Invalid::new("agreed_at", "must not be in the future")
            .because(ProblemReason::InFuture, serde_json::json!({})));
    }
    if at < now - Duration::days(AGREED_MAX_DAYS_PAST) {
        return Err(
            Invalid::new("agreed_at", format!("must be at most {AGREED_MAX_DAYS_PAST} days ago")).because(
                ProblemReason::TooOld,
                serde_json::json!({"max_days": AGREED_MAX_DAYS_PAST}),
            ),
        );
    }
    Ok(at)
}

/// The images a visit's photo may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    Jpeg,
    Png,
}

impl Image {
    pub fn content_type(self) -> &'static str {
        match self {
            Image::Jpeg => "image/jpeg",
            Image::Png => "image/png",
        }
    }

    /// The image type a `Content-Type` header names (`image/jpeg`, `image/png`; parameters
    /// and case ignored).
    pub fn named(content_type: &str) -> Option<Image> {
        let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match essence.as_str() {
            "image/jpeg" => Some(Image::Jpeg),
            "image/png" => Some(Image::Png),
            _ => None,
        }
    }

    /// Whether the bytes start as this type's files do.
    pub fn matches(self, bytes: &[u8]) -> bool {
        match self {
            Image::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            Image::Png => is_png(bytes),
        }
    }
}

/// Why a photo is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoRefused {
    /// The declared type is neither JPEG nor PNG.
    Type,
    /// The bytes are not an image of the declared type.
    Content(Image),
    /// No bytes at all.
    Empty,
}

/// Reads a photo as the phone sent it: its declared `Content-Type` must be JPEG or PNG and its
/// first bytes must say the same.
pub fn photo(content_type: &str, bytes: &[u8]) -> Result<Image, PhotoRefused> {
    let image = Image::named(content_type).ok_or(PhotoRefused::Type)?;
    if bytes.is_empty() {
        return Err(PhotoRefused::Empty);
    }
    if !image.matches(bytes) {
        return Err(PhotoRefused::Content(image));
    }
    Ok(image)
}

/// Whether the technician holding the visit may attach photos to it now: from the booking on,
/// and after the visit ended (a phone that was offline sends them late); not once cancelled.
pub fn takes_photos(status: VisitStatus) -> bool {
    !matches!(status, VisitStatus::Scheduled | VisitStatus::Cancelled)
}

/// A check-in this far from the site (metres) is accepted without a reason.
pub fn within_radius(distance_m: f64, radius_m: f64) -> bool {
    distance_m <= radius_m
}

/// PNG files start with these eight bytes.
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A])
}

/// A product model's warranty terms: `months` counted from the asset's acceptance (delivery) or
/// purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub months: u32,
    pub counted_from: WarrantyCountedFrom,
}

/// What is known of an asset's warranty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AssetWarranty {
    /// The asset's own warranty end, if recorded: it wins.
    pub own_end: Option<NaiveDate>,
    /// The warranty terms of the asset's model, if any.
    pub terms: Option<Terms>,
    pub purchase: Option<NaiveDate>,
    pub acceptance: Option<NaiveDate>,
}

/// The last day of an asset's warranty: its own warranty end when it has one; otherwise its
/// model's terms, `months` from the acceptance or purchase date (12 months from 10 March end on
/// 9 March); None when neither gives one (no terms, or the date they count from is missing).
pub fn warranty_end(a: AssetWarranty) -> Option<NaiveDate> {
    if a.own_end.is_some() {
        return a.own_end;
    }
    let t = a.terms?;
    let from = match t.counted_from {
        WarrantyCountedFrom::Acceptance => a.acceptance?,
        WarrantyCountedFrom::Purchase => a.purchase?,
    };
    from.checked_add_months(Months::new(t.months))?.pred_opt()
}

/// Whether work at `at` is under a warranty that ends on `end` (its last day counts). The day is
/// the business calendar's (`tz`), not UTC's: at 00:30 in Shanghai on the day after the
/// warranty's last day, UTC still reads the last day, and the work is billable.
pub fn under_warranty(end: Option<NaiveDate>, at: DateTime<Utc>, tz: Tz) -> bool {
    let today = at.with_timezone(&tz).date_naive();
    end.is_some_and(|w| w >= today)
}

/// What a completed visit was for, as its billing sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Work {
    /// A repair of a ticket, under warranty that day or not (see `under_warranty`).
    Repair { under_warranty: bool },
    /// Planned service: neither free under warranty nor billed (problems found become tickets).
    Inspection,
}

/// The charge the technician reports at completion.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Charge<'a> {
    /// The amount of the visit's approved quote, if there is one.
    pub approved_quote: Option<f64>,
    /// The amount finally charged, if said; absent, the quote's.
    pub charged: Option<f64>,
    /// Why the amount charged differs from the quote.
    pub difference_reason: Option<&'a str>,
}

/// How a completed visit is billed, as stored on the visit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Billing {
    /// For a repair, whether the asset was under warranty that day; None for an inspection.
    pub under_warranty: Option<bool>,
    /// The approved quote's amount, for billable work only.
    pub quote_amount: Option<f64>,
    /// The amount finally charged, for billable work only.
    pub amount_charged: Option<f64>,
}

/// Why billable work cannot be completed as reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BillingRefused {
    /// Out of warranty, and the customer approved no quote beforehand.
    QuoteNotApproved,
    /// The amount charged differs from the approved quote without a reason.
    DifferenceUnexplained { quoted: f64, charged: f64 },
}

/// Amounts closer than half a cent are the same.
fn same_amount(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

/// A repair under warranty is free (nothing quoted or charged is kept). Outside it the work is
/// billable only under a quote the customer approved beforehand (seed 003: "收费标准合理公正，
/// 并提前向客户说明"); the amount finally charged is the quote's unless said otherwise, and a
/// different amount needs a reason. An inspection is neither free nor billed.
pub fn billing(work: Work, charge: Charge) -> Result<Billing, BillingRefused> {
    match work {
        Work::Inspection | Work::Repair { under_warranty: true } => Ok(Billing {
            under_warranty: matches!(work, Work::Repair { .. }).then_some(true),
            quote_amount: None,
            amount_charged: None,
        }),
        Work::Repair { under_warranty: false } => {
            let quoted = charge.approved_quote.ok_or(BillingRefused::QuoteNotApproved)?;
            let charged = charge.charged.unwrap_or(quoted);
            if !same_amount(quoted, charged) && charge.difference_reason.is_none() {
                return Err(BillingRefused::DifferenceUnexplained { quoted, charged });
            }
            Ok(Billing {
                under_warranty: Some(false),
                quote_amount: Some(quoted),
                amount_charged: Some(charged),
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
    fn a_repair_under_warranty_is_free_and_outside_it_billed_under_the_approved_quote() {
        let free = Work::Repair { under_warranty: true };
        let paid = Work::Repair { under_warranty: false };
        let quote = |q: Option<f64>, charged: Option<f64>, reason: Option<&'static str>| Charge {
            approved_quote: q,
            charged,
            difference_reason: reason,
        };
        assert_eq!(
            billing(free, quote(Some(90.0), Some(80.0), None)),
            Ok(Billing {
                under_warranty: Some(true),
                quote_amount: None,
                amount_charged: None
            }),
            "under warranty nothing is quoted or charged"
        );
        assert_eq!(
            billing(paid, quote(None, Some(90.0), None)),
            Err(BillingRefused::QuoteNotApproved)
        );
        assert_eq!(
            billing(paid, quote(Some(90.0), None, None)),
            Ok(Billing {
                under_warranty: Some(false),
                quote_amount: Some(90.0),
                amount_charged: Some(90.0)
            }),
            "the quote is charged when nothing else is said"
        );
        assert!(billing(paid, quote(Some(90.0), Some(90.004), None)).is_ok());
        assert_eq!(
            billing(paid, quote(Some(90.0), Some(120.0), None)),
            Err(BillingRefused::DifferenceUnexplained {
                quoted: 90.0,
                charged: 120.0
            })
        );
        assert_eq!(
            billing(paid, quote(Some(90.0), Some(120.0), Some("a second fuse"))).map(|b| b.amount_charged),
            Ok(Some(120.0))
        );
    }

    #[test]
    fn an_inspection_is_neither_free_nor_billed() {
        let none = Billing {
            under_warranty: None,
            quote_amount: None,
            amount_charged: None,
        };
        assert_eq!(billing(Work::Inspection, Charge::default()), Ok(none));
        let c = Charge {
            approved_quote: Some(5.0),
            ..Charge::default()
        };
        assert_eq!(billing(Work::Inspection, c), Ok(none));
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_assets_own_warranty_end_wins_over_its_models_terms() {
        let terms = Some(Terms {
            months: 12,
            counted_from: WarrantyCountedFrom::Acceptance,
        });
        let a = AssetWarranty {
            own_end: Some(d("2026-01-31")),
            terms,
            purchase: Some(d("2026-01-01")),
            acceptance: Some(d("2026-03-10")),
        };
        assert_eq!(warranty_end(a), Some(d("2026-01-31")));
        let a = AssetWarranty { own_end: None, ..a };
        assert_eq!(warranty_end(a), Some(d("2027-03-09")), "12 months from acceptance");
        let by_purchase = AssetWarranty {
            terms: Some(Terms {
                months: 24,
                counted_from: WarrantyCountedFrom::Purchase,
            }),
            ..a
        };
        assert_eq!(warranty_end(by_purchase), Some(d("2027-12-31")));
        let month_end = AssetWarranty {
            acceptance: Some(d("2026-01-31")),
            terms: Some(Terms {
                months: 1,
                counted_from: WarrantyCountedFrom::Acceptance,
            }),
            ..a
        };
        assert_eq!(
            warranty_end(month_end),
            Some(d("2026-02-27")),
            "to the month's last day, less one"
        );
        assert_eq!(
            warranty_end(AssetWarranty { acceptance: None, ..a }),
            None,
            "no date to count from"
        );
        assert_eq!(warranty_end(AssetWarranty { terms: None, ..a }), None, "no terms");
    }

    #[test]
    fn warranty_is_decided_on_the_business_calendars_date_not_utcs() {
        let shanghai: Tz = "Asia/Shanghai".parse().unwrap();
        let end = Some(d("2026-03-09"));
        // 00:30 on 10 March in Shanghai is still 9 March (16:30) in UTC: the warranty has ended.
        let just_after_midnight: DateTime<Utc> = "2026-03-09T16:30:00Z".parse().unwrap();
        assert_eq!(just_after_midnight.date_naive(), d("2026-03-09"));
        assert!(!under_warranty(end, just_after_midnight, shanghai));
        assert!(
            under_warranty(end, just_after_midnight, chrono_tz::UTC),
            "the UTC date would say otherwise"
        );
        // 23:59 on 9 March in Shanghai: the last day still counts.
        let last_minute: DateTime<Utc> = "2026-03-09T15:59:00Z".parse().unwrap();
        assert!(under_warranty(end, last_minute, shanghai));
        assert!(
            !under_warranty(None, last_minute, shanghai),
            "no warranty known: billable"
        );
    }

    #[test]
    fn only_a_visit_not_started_moves_or_is_cancelled() {
        for s in [Scheduled, Assigned, Accepted, EnRoute] {
            assert!(not_started(s), "{s}");
        }
        for s in [OnSite, Completed, Failed, NeedsRevisit, Cancelled] {
            assert!(!not_started(s), "{s}");
        }
        assert_eq!(after_reschedule(true), Assigned);
        assert_eq!(after_reschedule(false), Scheduled);
    }

    #[test]
    fn an_agreement_is_dated_in_the_recent_past() {
        let now: DateTime<Utc> = "2026-12-03T08:00:00Z".parse().unwrap();
        assert!(agreed_at(now, now).is_ok());
        assert!(
            agreed_at(now + Duration::minutes(5), now).is_ok(),
            "a clock a little fast"
        );
        assert_eq!(
            agreed_at(now + Duration::minutes(6), now).unwrap_err().field,
            "agreed_at"
        );
        assert!(agreed_at(now - Duration::days(30), now).is_ok());
        assert_eq!(
            agreed_at(now - Duration::days(30) - Duration::seconds(1), now)
                .unwrap_err()
                .field,
            "agreed_at"
        );
    }

    #[test]
    fn a_photo_is_a_jpeg_or_png_whose_bytes_say_so() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0];
        assert_eq!(photo("image/jpeg", &jpeg), Ok(Image::Jpeg));
        assert_eq!(photo("IMAGE/PNG; foo=bar", &png), Ok(Image::Png));
        assert_eq!(photo("image/gif", b"GIF89a"), Err(PhotoRefused::Type));
        assert_eq!(photo("application/octet-stream", &jpeg), Err(PhotoRefused::Type));
        assert_eq!(photo("image/png", &jpeg), Err(PhotoRefused::Content(Image::Png)));
        assert_eq!(photo("image/jpeg", &png), Err(PhotoRefused::Content(Image::Jpeg)));
        assert_eq!(photo("image/jpeg", &[]), Err(PhotoRefused::Empty));
        assert_eq!(Image::Jpeg.content_type(), "image/jpeg");
    }

    #[test]
    fn photos_come_from_the_booking_on_and_not_once_cancelled() {
        for s in [Assigned, Accepted, EnRoute, OnSite, Completed, Failed, NeedsRevisit] {
            assert!(takes_photos(s), "{s}");
        }
        assert!(!takes_photos(Scheduled));
        assert!(!takes_photos(Cancelled));
    }
}
