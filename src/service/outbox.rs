//! The e-mail outbox's workflow: admins list the messages and put dead ones back in the queue;
//! the relay (`jobs::mail`) records each attempt's outcome, with its audit event, and a message
//! given up is told to the admins in their inbox.

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::outbox::{self as store, Failure, OutboxFilter};
use crate::db::{write, DbConn, Paging};
use crate::domain::outbox::{self as rules, AfterFailure};
use crate::error::{AppError, AppResult};
use crate::policy::admin::{Act, DEAD_MAIL_AUDIENCE};
use crate::policy::{self, Action};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{OutboxMessage, OutboxStatus, Page};

/// What the outbox list is asked for: its filters and the page.
#[derive(Debug, Default)]
pub struct OutboxListing {
    pub status: Option<OutboxStatus>,
    pub ticket_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The messages, newest first (without bodies and attachment bytes).
pub fn list(c: &mut DbConn, who: &Who, l: OutboxListing) -> AppResult<Page<OutboxMessage>> {
    policy::require(&who.caller, Action::Admin(Act::ReadOutbox))?;
    let paging = Paging::new(l.limit, l.offset)?;
    let filter = OutboxFilter {
        status: l.status,
        ticket_id: l.ticket_id,
    };
    store::list(c, &filter, paging)
}

/// Puts a dead message back in the queue: pending, due now, with its attempts reset to 0 so it
/// gets the full number of attempts again; the last error stays until the next attempt. Only a
/// dead message can be retried.
pub fn retry(c: &mut DbConn, who: &Who, id: i64) -> AppResult<OutboxMessage> {
    policy::require(&who.caller, Action::Admin(Act::RetryMail))?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get(c, id)?;
        if before.status != OutboxStatus::Dead {
            return Err(AppError::InvalidTransition(format!(
                "only a dead message can be retried; this one is {}",
                before.status
            )));
        }
        store::requeue(c, id, actor.at)?;
        let after = store::get(c, id)?;
        audit::record(
            c,
            &actor,
            "outbox_message",
            id,
            "retry",
            snapshot(&before),
            snapshot(&after),
        )?;
        Ok(after)
    })
}

/// Records a message sent by the holder of its lease. False when the lease was lost (it ran
/// out and another relay took the message over): nothing is changed then.
pub fn mark_sent(c: &mut DbConn, id: i64, lease_token: &str, at: DateTime<Utc>) -> AppResult<bool> {
    let actor = Actor::system(at);
    write(c, |c| {
        let before = store::get(c, id)?;
        if !store::set_sent(c, id, lease_token, at)? {
            return Ok(false);
        }
        let after = store::get(c, id)?;
        audit::record(
            c,
            &actor,
            "outbox_message",
            id,
            "sent",
            snapshot(&before),
            snapshot(&after),
        )?;
        Ok(true)
    })
}

/// A failed attempt as the relay reports it.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub id: i64,
    pub lease_token: &'a str,
    pub at: DateTime<Utc>,
    pub error: &'a str,
    pub max_attempts: u32,
    /// The message can never be sent (a refused address): it is given up at once.
    pub hopeless: bool,
}

/// Records a failed attempt by the holder of the lease: the error, one more attempt, and the
/// next attempt's time (backoff), or dead after the last allowed attempt or when the message
/// can never be sent. Returns the new status; None when the lease was lost.
pub fn mark_failed(c: &mut DbConn, a: &Attempt) -> AppResult<Option<OutboxStatus>> {
    let actor = Actor::system(a.at);
    let error: String = a.error.chars().take(store::ERROR_MAX).collect();
    write(c, |c| {
        let Some(held) = store::held(c, a.id, a.lease_token)? else {
            return Ok(None);
        };
        let before = store::get(c, a.id)?;
        let attempts = held.attempts.saturating_add(1);
        let next = if a.hopeless {
            AfterFailure::Dead
        } else {
            rules::after_failure(attempts, a.max_attempts, a.at)
        };
        let (status, next_attempt_at) = match next {
            AfterFailure::Retry(when) => (OutboxStatus::Pending, when),
            AfterFailure::Dead => (OutboxStatus::Dead, a.at),
        };
        let failure = Failure {
            status,
            attempts,
            next_attempt_at,
            error: &error,
            at: a.at,
        };
        store::set_failed(c, a.id, &failure)?;
        let after = store::get(c, a.id)?;
        let action = if status == OutboxStatus::Dead {
            // Nobody else would notice: the admins hear of it in their inbox.
            let admins = crate::db::tickets::active_users_with(c, DEAD_MAIL_AUDIENCE)?;
            let msg = format!(
                "The e-mail \"{}\" to {} could not be sent after {attempts} attempt(s): {error}",
                held.subject,
                held.recipients.join(", ")
            );
            crate::db::notifications::notify(c, &admins, held.ticket_id, "mail_dead", &msg, a.at)?;
            "dead"
        } else {
            "send_failed"
        };
        audit::record(
            c,
            &actor,
            "outbox_message",
            a.id,
            action,
            snapshot(&before),
            snapshot(&after),
        )?;
        Ok(Some(status))
    })
}
