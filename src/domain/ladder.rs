//! The service ladder: a ticket climbs hotline -> remote -> on-site, and lives through
//! new -> in progress (<-> waiting on customer) -> resolved -> closed, or back to reopened when
//! the customer does not accept the result. A ticket opened by mistake is cancelled before it
//! is resolved: a state of its own, not a closure. Pure rules; the caller records what they decide.
//!
//! The vocabulary (tiers, statuses) is the wire enums of `fieldline_mobile_api`: plain data.

use fieldline_mobile_api::{LadderTier, TicketStatus};

/// What the ladder needs to know of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub tier: LadderTier,
    pub status: TicketStatus,
    /// The customer's authorization for remote access is on record.
    pub remote_authorized: bool,
}

/// Something a person asks of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Start (or restart) work: the first response.
    Start,
    /// Stop the clock while the customer owes an answer.
    WaitOnCustomer,
    /// The customer answered; the clock runs again.
    Resume,
    /// Climb to a higher tier. Skipping a tier needs a reason.
    Escalate { to: LadderTier, reason: Option<&'a str> },
    /// The work is done; the customer is asked to accept.
    Resolve,
    /// The customer's verdict on a resolved ticket.
    Accept { satisfied: bool },
    /// The ticket was opened by mistake (a duplicate, withdrawn by the customer): it ends
    /// without a result, before it is resolved.
    Cancel,
}

impl Action<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::WaitOnCustomer => "wait_on_customer",
            Action::Resume => "resume",
            Action::Escalate { .. } => "escalate",
            Action::Resolve => "resolve",
            Action::Accept { .. } => "accept",
            Action::Cancel => "cancel",
        }
    }
}

/// Where the ticket stands after an allowed action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Next {
    pub tier: LadderTier,
    pub status: TicketStatus,
    /// The escalation skipped the remote tier.
    pub skipped_tier: bool,
    /// The SLA clock stops (true) or starts again (false) with this action; None = unchanged.
    pub pause: Option<bool>,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The action is not allowed in the ticket's status.
    NotNow { action: &'static str, status: TicketStatus },
    /// Escalation goes up only.
    NotUpward { from: LadderTier, to: LadderTier },
    /// Skipping a tier without saying why.
    ReasonRequired,
    /// Remote work needs the customer's recorded authorization.
    AuthorizationRequired,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotNow { action, status } => write!(f, "a ticket that is {status} cannot {action}"),
            Refusal::NotUpward { from, to } => write!(f, "a ticket escalates upward only, not from {from} to {to}"),
            Refusal::ReasonRequired => f.write_str("skipping a tier needs a reason"),
            Refusal::AuthorizationRequired => {
                f.write_str("remote service needs the customer's authorization on record first")
            }
        }
    }
}

/// Decides an action. Closed and cancelled tickets accept nothing; a resolved ticket only a
/// verdict.
pub fn apply(state: &State, action: &Action) -> Result<Next, Refusal> {
    use TicketStatus::*;
    let stay = |status| Next {
        tier: state.tier,
        status,
        skipped_tier: false,
        pause: None,
    };
    let not_now = || Refusal::NotNow {
        action: action.name(),
        status: state.status,
    };
    match (*action, state.status) {
        (_, Closed | Cancelled) => Err(not_now()),
        (Action::Start, New | Reopened) => Ok(stay(InProgress)),
        (Action::WaitOnCustomer, New | InProgress | Reopened) => Ok(Next {
            pause: Some(true),
            ..stay(WaitingOnCustomer)
        }),
        (Action::Resume, WaitingOnCustomer) => Ok(Next {
            pause: Some(false),
            ..stay(InProgress)
        }),
        (Action::Escalate { to, reason }, New | InProgress | Reopened | WaitingOnCustomer) => {
            if to.rank() <= state.tier.rank() {
                return Err(Refusal::NotUpward { from: state.tier, to });
            }
            let skipped = to.rank() - state.tier.rank() > 1;
            if skipped && reason.map(str::trim).unwrap_or("").is_empty() {
                return Err(Refusal::ReasonRequired);
            }
            if to == LadderTier::Remote && !state.remote_authorized {
                return Err(Refusal::AuthorizationRequired);
            }
            let resume = (state.status == WaitingOnCustomer).then_some(false);
            Ok(Next {
                tier: to,
                status: InProgress,
                skipped_tier: skipped,
                pause: resume,
            })
        }
        (Action::Resolve, New | InProgress | Reopened | WaitingOnCustomer) => {
            let resume = (state.status == WaitingOnCustomer).then_some(false);
            Ok(Next {
                pause: resume,
                ..stay(Resolved)
            })
        }
        (Action::Cancel, New | InProgress | Reopened | WaitingOnCustomer) => Ok(stay(Cancelled)),
        (Action::Accept { satisfied: true }, Resolved) => Ok(stay(Closed)),
        (Action::Accept { satisfied: false }, Resolved) => Ok(stay(Reopened)),
        _ => Err(not_now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LadderTier::*;
    use TicketStatus::*;

    fn st(tier: LadderTier, status: TicketStatus) -> State {
        State {
            tier,
            status,
            remote_authorized: false,
        }
    }

    #[test]
    fn a_ticket_climbs_the_ladder_and_closes_on_acceptance() {
        let mut s = st(Hotline, New);
        let n = apply(&s, &Action::Start).unwrap();
        assert_eq!((n.tier, n.status), (Hotline, InProgress));
        s.status = n.status;
        assert_eq!(
            apply(
                &s,
                &Action::Escalate {
                    to: Remote,
                    reason: None
                }
            ),
            Err(Refusal::AuthorizationRequired)
        );
        s.remote_authorized = true;
        let n = apply(
            &s,
            &Action::Escalate {
                to: Remote,
                reason: None,
            },
        )
        .unwrap();
        assert_eq!((n.tier, n.status, n.skipped_tier), (Remote, InProgress, false));
        s.tier = n.tier;
        let n = apply(
            &s,
            &Action::Escalate {
                to: Onsite,
                reason: None,
            },
        )
        .unwrap();
        s.tier = n.tier;
        let n = apply(&s, &Action::Resolve).unwrap();
        assert_eq!(n.status, Resolved);
        s.status = n.status;
        assert_eq!(apply(&s, &Action::Accept { satisfied: true }).unwrap().status, Closed);
    }

    #[test]
    fn an_unsatisfied_customer_reopens_the_ticket() {
        let s = st(Onsite, Resolved);
        let n = apply(&s, &Action::Accept { satisfied: false }).unwrap();
        assert_eq!(n.status, Reopened);
        let s = st(Onsite, Reopened);
        assert_eq!(apply(&s, &Action::Start).unwrap().status, InProgress);
        assert_eq!(apply(&s, &Action::Resolve).unwrap().status, Resolved);
    }

    #[test]
    fn skipping_a_tier_needs_a_reason() {
        let s = st(Hotline, InProgress);
        assert_eq!(
            apply(
                &s,
                &Action::Escalate {
                    to: Onsite,
                    reason: None
                }
            ),
            Err(Refusal::ReasonRequired)
        );
        assert_eq!(
            apply(
                &s,
                &Action::Escalate {
                    to: Onsite,
                    reason: Some("  ")
                }
            ),
            Err(Refusal::ReasonRequired)
        );
        let n = apply(
            &s,
            &Action::Escalate {
                to: Onsite,
                reason: Some("the power supply is burnt"),
            },
        )
        .unwrap();
        assert!(n.skipped_tier);
        assert_eq!(n.tier, Onsite);
    }

    #[test]
    fn escalation_goes_up_only() {
        let s = State {
            tier: Remote,
            status: InProgress,
            remote_authorized: true,
        };
        assert!(matches!(
            apply(
                &s,
                &Action::Escalate {
                    to: Hotline,
                    reason: Some("x")
                }
            ),
            Err(Refusal::NotUpward { .. })
        ));
        assert!(matches!(
            apply(
                &s,
                &Action::Escalate {
                    to: Remote,
                    reason: Some("x")
                }
            ),
            Err(Refusal::NotUpward { .. })
        ));
    }

    #[test]
    fn waiting_pauses_and_resuming_restarts_the_clock() {
        let s = st(Hotline, InProgress);
        let n = apply(&s, &Action::WaitOnCustomer).unwrap();
        assert_eq!((n.status, n.pause), (WaitingOnCustomer, Some(true)));
        let s = st(Hotline, WaitingOnCustomer);
        assert_eq!(apply(&s, &Action::Resume).unwrap().pause, Some(false));
        // Escalating or resolving a waiting ticket starts the clock again.
        assert_eq!(apply(&s, &Action::Resolve).unwrap().pause, Some(false));
        let s = State {
            remote_authorized: true,
            ..s
        };
        assert_eq!(
            apply(
                &s,
                &Action::Escalate {
                    to: Remote,
                    reason: None
                }
            )
            .unwrap()
            .pause,
            Some(false)
        );
    }

    #[test]
    fn a_ticket_opened_by_mistake_is_cancelled_before_it_is_resolved() {
        for status in [New, InProgress, WaitingOnCustomer, Reopened] {
            let n = apply(&st(Remote, status), &Action::Cancel).unwrap();
            assert_eq!((n.tier, n.status), (Remote, Cancelled), "{status}");
        }
        assert!(!Cancelled.is_open() && !Closed.is_open() && Resolved.is_open());
    }

    #[test]
    fn illegal_transitions_are_refused() {
        let refused = [
            (New, Action::Resume),
            (InProgress, Action::Start),
            (InProgress, Action::Accept { satisfied: true }),
            (WaitingOnCustomer, Action::WaitOnCustomer),
            (Resolved, Action::Start),
            (Resolved, Action::Resolve),
            (
                Resolved,
                Action::Escalate {
                    to: Onsite,
                    reason: Some("x"),
                },
            ),
            (Closed, Action::Start),
            (Closed, Action::Accept { satisfied: false }),
            (Closed, Action::Cancel),
            (Resolved, Action::Cancel),
            (Cancelled, Action::Cancel),
            (Cancelled, Action::Start),
            (Cancelled, Action::Resolve),
            (
                Closed,
                Action::Escalate {
                    to: Onsite,
                    reason: Some("x"),
                },
            ),
        ];
        for (status, action) in refused {
            let s = State {
                tier: Hotline,
                status,
                remote_authorized: true,
            };
            assert!(
                matches!(apply(&s, &action), Err(Refusal::NotNow { .. })),
                "{status} {action:?}"
            );
        }
    }

    #[test]
    fn every_status_and_action_has_an_answer() {
        // Exhaustive: no combination panics, closed accepts nothing.
        for &tier in LadderTier::ALL {
            for &status in TicketStatus::ALL {
                for action in [
                    Action::Start,
                    Action::WaitOnCustomer,
                    Action::Resume,
                    Action::Escalate {
                        to: Onsite,
                        reason: Some("r"),
                    },
                    Action::Escalate {
                        to: Remote,
                        reason: None,
                    },
                    Action::Resolve,
                    Action::Accept { satisfied: true },
                    Action::Accept { satisfied: false },
                    Action::Cancel,
                ] {
                    let r = apply(
                        &State {
                            tier,
                            status,
                            remote_authorized: true,
                        },
                        &action,
                    );
                    if matches!(status, Closed | Cancelled) {
                        assert!(r.is_err());
                    }
                    if let Ok(n) = r {
                        assert!(n.tier.rank() >= tier.rank());
                    }
                }
            }
        }
    }
}
