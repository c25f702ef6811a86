//! A visit's life on the technician's phone: assigned -> accepted (or declined, back to
//! dispatch) -> en route -> on site -> completed, failed, or needing another visit. Pure.

use fieldline_mobile_api::VisitStatus;

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

/// A check-in this far from the site (metres) is accepted without a reason.
pub fn within_radius(distance_m: f64, radius_m: f64) -> bool {
    distance_m <= radius_m
}

/// PNG files start with these eight bytes.
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A])
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
    fn radius_and_png() {
        assert!(within_radius(499.9, 500.0));
        assert!(!within_radius(500.1, 500.0));
        assert!(is_png(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]));
        assert!(!is_png(b"GIF89a"));
    }
}
