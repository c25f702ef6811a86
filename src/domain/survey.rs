//! Satisfaction surveys after a ticket is closed: what an answer holds, and when a survey link
//! may still be used.
//!
//! A ticket has at most one answer: a score from 1 (very dissatisfied) to 5 (very satisfied)
//! and an optional comment, given by the customer through the link in the closing e-mail or told
//! to an agent on the satisfaction revisit's call (the same scale and comment as a revisit's
//! outcome). A link is used once: after that, or once the ticket's survey is answered another
//! way, or after it expired, it is refused.

use super::validate;
use super::Invalid;
use chrono::{DateTime, Utc};

/// Scores from 1 (very dissatisfied) to 5 (very satisfied): a survey answer's and a revisit
/// call's alike.
pub const SCORE_MIN: i32 = 1;
pub const SCORE_MAX: i32 = 5;
/// The longest comment of an answer or a revisit's outcome.
pub const COMMENT_MAX: usize = 2000;

/// A checked answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub score: i32,
    pub comment: Option<String>,
}

impl Answer {
    pub fn parse(score: i32, comment: Option<&str>) -> Result<Answer, Invalid> {
        Ok(Answer {
            score: self::score(score)?,
            comment: validate::optional(comment, |c| validate::multiline("comment", c, COMMENT_MAX))?,
        })
    }
}

/// A satisfaction score: 1 to 5.
pub fn score(s: i32) -> Result<i32, Invalid> {
    if (SCORE_MIN..=SCORE_MAX).contains(&s) {
        Ok(s)
    } else {
        Err(Invalid::new(
            "score",
            format!("must be between {SCORE_MIN} and {SCORE_MAX}"),
        ))
    }
}

/// Why a survey link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The customer already answered through it.
    Used,
    /// The ticket's survey was answered another way (on the revisit call).
    Answered,
    /// Its time is over.
    Expired,
}

impl Refusal {
    pub fn explain(self) -> &'static str {
        match self {
            Refusal::Used => "this survey was already answered through this link; thank you",
            Refusal::Answered => "this ticket's survey was already answered; thank you",
            Refusal::Expired => "this survey link has expired",
        }
    }
}

/// Whether a link may be used at `now`. Used and answered come before expired: a customer who
/// answered learns that their answer is in.
pub fn check_link(now: DateTime<Utc>, expires_at: DateTime<Utc>, used: bool, answered: bool) -> Result<(), Refusal> {
    if used {
        Err(Refusal::Used)
    } else if answered {
        Err(Refusal::Answered)
    } else if now >= expires_at {
        Err(Refusal::Expired)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn an_answer_is_a_score_from_1_to_5_and_an_optional_comment() {
        for bad in [0, 6, -1, i32::MAX] {
            assert_eq!(Answer::parse(bad, None).unwrap_err().field, "score");
        }
        let a = Answer::parse(5, Some("  Quick and friendly.\r\nThanks!  ")).unwrap();
        assert_eq!(a.score, 5);
        assert_eq!(a.comment.as_deref(), Some("Quick and friendly.\nThanks!"));
        assert_eq!(Answer::parse(1, Some("   ")).unwrap().comment, None);
        let long = "x".repeat(COMMENT_MAX + 1);
        assert_eq!(Answer::parse(3, Some(&long)).unwrap_err().field, "comment");
        assert_eq!(Answer::parse(3, Some("a\u{0}b")).unwrap_err().field, "comment");
    }

    #[test]
    fn a_link_works_once_before_it_expires_and_while_unanswered() {
        let now: DateTime<Utc> = "2026-11-20T08:50:00Z".parse().unwrap();
        let expires = now + Duration::days(14);
        assert_eq!(check_link(now, expires, false, false), Ok(()));
        assert_eq!(
            check_link(expires - Duration::seconds(1), expires, false, false),
            Ok(())
        );
        assert_eq!(check_link(expires, expires, false, false), Err(Refusal::Expired));
        assert_eq!(check_link(now, expires, false, true), Err(Refusal::Answered));
        assert_eq!(check_link(now, expires, true, true), Err(Refusal::Used));
        assert_eq!(
            check_link(expires + Duration::days(1), expires, true, true),
            Err(Refusal::Used),
            "a customer who answered is told so, even late"
        );
    }
}
