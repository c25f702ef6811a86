//! "Now", asked of a clock so that rules about time can be tested on a fake one.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Default)]
pub enum Clock {
    #[default]
    System,
    /// A clock that stands still until it is set or advanced (tests, demos).
    Fake(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    pub fn fake(at: DateTime<Utc>) -> Clock {
        Clock::Fake(Arc::new(Mutex::new(at)))
    }

    /// Now, to the microsecond (what both databases store).
    pub fn now(&self) -> DateTime<Utc> {
        let t = match self {
            Clock::System => Utc::now(),
            Clock::Fake(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        };
        t.trunc_subsecs(6)
    }

    /// Sets a fake clock; a system clock ignores it.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Clock::Fake(t) = self {
            *t.lock().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }

    /// Moves a fake clock forward; a system clock ignores it.
    pub fn advance(&self, by: Duration) {
        if let Clock::Fake(t) = self {
            let mut g = t.lock().unwrap_or_else(|e| e.into_inner());
            *g += by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_clock_moves_only_when_told() {
        let start = DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z").unwrap().to_utc();
        let c = Clock::fake(start);
        assert_eq!(c.now(), start);
        c.advance(Duration::minutes(5));
        assert_eq!(c.now(), start + Duration::minutes(5));
    }
}
