//! A revisit's outcome: what a call must record, when it opens a ticket, and what that ticket says.
//!
//! The customer was reached or not. When reached, the satisfaction score (1 to 5) is required;
//! when not reached there is no score. A comment is optional either way. The outcome is
//! *unsatisfied* — and opens a ticket on the service ladder — when the customer scored 2 or less,
//! or whenever the agent ticks `follow_up_needed` (also for a customer who could not be reached:
//! someone must then follow up).

use super::survey::{self, COMMENT_MAX, SCORE_MAX};
use super::validate;
use super::Invalid;
use fieldline_mobile_api::Priority;

/// A score at or below this is unsatisfied.
pub const UNSATISFIED_MAX_SCORE: i32 = 2;
/// The priority of a ticket opened from a revisit.
pub const TICKET_PRIORITY: Priority = Priority::P3;

/// A checked outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub reached: bool,
    /// Set exactly when reached.
    pub score: Option<i32>,
    pub comment: Option<String>,
    pub follow_up_needed: bool,
}

impl Outcome {
    pub fn parse(
        reached: bool,
        score: Option<i32>,
        comment: Option<&str>,
        follow_up_needed: bool,
    ) -> Result<Outcome, Invalid> {
        let score = match (reached, score) {
            (true, None) => return Err(Invalid::new("score", "give the customer's score (1 to 5)")),
            (true, Some(s)) => Some(survey::score(s)?),
            (false, Some(_)) => return Err(Invalid::new("score", "only a customer who was reached gives a score")),
            (_, s) => s,
        };
        let comment = validate::optional(comment, |c| validate::multiline("comment", c, COMMENT_MAX))?;
        Ok(Outcome {
            reached,
            score,
            comment,
            follow_up_needed,
        })
    }

    /// Whether the customer scored low.
    pub fn dissatisfied(&self) -> bool {
        self.score.is_some_and(|s| s <= UNSATISFIED_MAX_SCORE)
    }

    /// Whether the outcome opens a ticket.
    pub fn opens_ticket(&self) -> bool {
        self.dissatisfied() || self.follow_up_needed
    }

    /// The title of the ticket it opens.
    pub fn ticket_title(&self) -> String {
        match self.score {
            Some(s) if self.dissatisfied() => format!("Revisit: customer dissatisfied (score {s} of {SCORE_MAX})"),
            _ if !self.reached => "Revisit: customer not reached, follow-up needed".into(),
            _ => "Revisit: follow-up needed".into(),
        }
    }

    /// The description of the ticket it opens: what the revisit was about and what was said.
    pub fn ticket_description(&self, about: &str) -> String {
        let mut d = format!("Opened from {about}.");
        match self.score {
            Some(s) => d.push_str(&format!(" The customer gave {s} of {SCORE_MAX}.")),
            None => d.push_str(" The customer could not be reached."),
        }
        if self.follow_up_needed {
            d.push_str(" The agent asked for a follow-up.");
        }
        if let Some(c) = &self.comment {
            d.push_str("\n\n");
            d.push_str(c);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reached_customer_gives_a_score_from_1_to_5() {
        assert_eq!(Outcome::parse(true, None, None, false).unwrap_err().field, "score");
        assert_eq!(Outcome::parse(true, Some(0), None, false).unwrap_err().field, "score");
        assert_eq!(Outcome::parse(true, Some(6), None, false).unwrap_err().field, "score");
        assert_eq!(Outcome::parse(false, Some(3), None, false).unwrap_err().field, "score");
        let o = Outcome::parse(true, Some(5), Some("  All good  "), false).unwrap();
        assert_eq!(o.comment.as_deref(), Some("All good"));
        assert!(!o.opens_ticket());
        let o = Outcome::parse(false, None, Some("no answer"), false).unwrap();
        assert!(!o.opens_ticket(), "not reached alone waits for the next revisit");
        assert_eq!(
            Outcome::parse(true, Some(4), Some(&"x".repeat(COMMENT_MAX + 1)), false)
                .unwrap_err()
                .field,
            "comment"
        );
        assert_eq!(Outcome::parse(true, Some(4), Some("   "), false).unwrap().comment, None);
    }

    #[test]
    fn a_low_score_or_a_follow_up_opens_a_ticket() {
        for (score, opens) in [(1, true), (2, true), (3, false), (4, false), (5, false)] {
            let o = Outcome::parse(true, Some(score), None, false).unwrap();
            assert_eq!(o.opens_ticket(), opens, "score {score}");
        }
        let o = Outcome::parse(true, Some(4), Some("wants training"), true).unwrap();
        assert!(o.opens_ticket());
        assert_eq!(o.ticket_title(), "Revisit: follow-up needed");
        let o = Outcome::parse(false, None, None, true).unwrap();
        assert!(o.opens_ticket());
        assert_eq!(o.ticket_title(), "Revisit: customer not reached, follow-up needed");
        let o = Outcome::parse(true, Some(2), Some("The UPS still beeps."), false).unwrap();
        assert_eq!(o.ticket_title(), "Revisit: customer dissatisfied (score 2 of 5)");
        let d = o.ticket_description("revisit 7 (periodic, due 2026-12-01)");
        assert!(d.starts_with("Opened from revisit 7 (periodic, due 2026-12-01). The customer gave 2 of 5."));
        assert!(d.ends_with("\n\nThe UPS still beeps."));
    }
}
