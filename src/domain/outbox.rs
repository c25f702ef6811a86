//! The outbox's rules: when a failed e-mail is tried again, when it is given up, and how many
//! e-mails one customer may be sent in an hour.
//!
//! **Urgent messages.** A time-critical message (a sign-in link, the technician on the way, a
//! visit moved or cancelled on its own day) is never held back by the per-customer bound: it
//! would be useless an hour late. It still counts toward the bound once sent, like any message
//! to the customer, so ordinary messages wait behind it: the bound limits what the customer
//! receives, and urgent messages cannot be used to slip ordinary ones past it.

use chrono::{DateTime, Duration, Utc};

/// The wait after the first failed attempt; it doubles with every further failure.
pub const FIRST_RETRY_MINUTES: i64 = 1;
/// The longest wait between two attempts.
pub const MAX_RETRY_MINUTES: i64 = 60;

/// The wait after the `attempts`-th failed attempt (1 for the first): 1 minute, 2, 4, 8, ...
/// at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
    let minutes = FIRST_RETRY_MINUTES.saturating_mul(1i64 << doublings);
    Duration::minutes(minutes.min(MAX_RETRY_MINUTES))
}

/// What becomes of a message whose attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time.
    Retry(DateTime<Utc>),
    /// Give up: it was the last attempt allowed.
    Dead,
}

/// After `attempts` failed attempts in all (this one included), with at most `max_attempts`
/// allowed: the next attempt's time, or dead.
pub fn after_failure(attempts: i32, max_attempts: u32, now: DateTime<Utc>) -> AfterFailure {
    if i64::from(attempts) >= i64::from(max_attempts) {
        AfterFailure::Dead
    } else {
        AfterFailure::Retry(now + backoff(attempts))
    }
}

/// The window the per-customer bound counts in.
pub fn rate_window() -> Duration {
    Duration::hours(1)
}

/// Whether one more e-mail to a customer may go now, given the times of the customer's e-mails
/// sent (or being sent) lately and the bound per hour (a sliding hour): `None` when it may, or
/// the moment the window has room again. The excess waits; it is never dropped.
pub fn rate_wait(recent: &[DateTime<Utc>], per_hour: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let window = rate_window();
    let mut inside: Vec<DateTime<Utc>> = recent.iter().copied().filter(|t| *t > now - window).collect();
    let limit = per_hour as usize;
    if limit == 0 {
        return Some(now + window); // nothing may go (the settings refuse a bound of 0)
    }
    if inside.len() < limit {
        return None;
    }
    inside.sort();
    // Room for one more once all but `limit - 1` of these have left the window, that is when
    // the `(n - limit)`-th oldest is an hour old.
    let oldest_to_leave = inside[inside.len() - limit];
    Some((oldest_to_leave + window).max(now))
}

/// `rate_wait` for a message that may be `urgent`: an urgent one is never held back (see the
/// module's doc); an ordinary one waits for room in the hour.
pub fn wait_for(urgent: bool, recent: &[DateTime<Utc>], per_hour: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if urgent {
        None
    } else {
        rate_wait(recent, per_hour, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn backoff_doubles_from_a_minute_up_to_an_hour() {
        let minutes: Vec<i64> = (1..=9).map(|n| backoff(n).num_minutes()).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff(0).num_minutes(), 1, "a nonsense count still waits");
        assert_eq!(backoff(i32::MAX).num_minutes(), 60, "no overflow");
    }

    #[test]
    fn a_message_dies_at_the_last_attempt() {
        let now = t("2026-11-20T08:00:00Z");
        assert_eq!(after_failure(1, 8, now), AfterFailure::Retry(t("2026-11-20T08:01:00Z")));
        assert_eq!(after_failure(3, 8, now), AfterFailure::Retry(t("2026-11-20T08:04:00Z")));
        assert_eq!(after_failure(7, 8, now), AfterFailure::Retry(t("2026-11-20T09:00:00Z")));
        assert_eq!(after_failure(8, 8, now), AfterFailure::Dead);
        assert_eq!(after_failure(1, 1, now), AfterFailure::Dead);
    }

    #[test]
    fn the_rate_bound_counts_a_sliding_hour() {
        let now = t("2026-11-20T10:00:00Z");
        let sent = [
            t("2026-11-20T08:30:00Z"), // outside the window
            t("2026-11-20T09:10:00Z"),
            t("2026-11-20T09:20:00Z"),
            t("2026-11-20T09:40:00Z"),
        ];
        assert_eq!(rate_wait(&sent, 4, now), None, "three in the window, four allowed");
        assert_eq!(
            rate_wait(&sent, 3, now),
            Some(t("2026-11-20T10:10:00Z")),
            "full: room again when the oldest leaves"
        );
        assert_eq!(
            rate_wait(&sent, 2, now),
            Some(t("2026-11-20T10:20:00Z")),
            "two over: room when the two oldest have left"
        );
        assert_eq!(rate_wait(&[], 1, now), None);
    }

    #[test]
    fn an_e_mail_exactly_an_hour_old_has_left_the_window() {
        let now = t("2026-11-20T10:00:00Z");
        assert_eq!(rate_wait(&[t("2026-11-20T09:00:00Z")], 1, now), None);
        assert_eq!(
            rate_wait(&[t("2026-11-20T09:00:01Z")], 1, now),
            Some(t("2026-11-20T10:00:01Z"))
        );
    }

    #[test]
    fn urgent_messages_pass_a_full_hour_and_still_count_toward_it() {
        let now = t("2026-11-20T10:00:00Z");
        let mut sent = vec![t("2026-11-20T09:30:00Z"), t("2026-11-20T09:40:00Z")];
        assert_eq!(wait_for(true, &sent, 2, now), None, "urgent: not held back");
        assert_eq!(
            wait_for(false, &sent, 2, now),
            Some(t("2026-11-20T10:30:00Z")),
            "ordinary: waits"
        );
        // The urgent one, sent now, counts: the ordinary one waits longer.
        sent.push(now);
        assert_eq!(wait_for(false, &sent, 2, now), Some(t("2026-11-20T10:40:00Z")));
        assert_eq!(wait_for(false, &[], 2, now), None);
    }
}
