//! The e-mail outbox's workflow: admins list the messages and put dead ones back in the queue;
//! the relay (`jobs::mail`) records each attempt's outcome, with its audit event, and a message
//! given up is told to the admins in their inbox.

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::outbox::{self as store, Failure, OutboxFilter, OutboxMail};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::{in_transaction, lock_outbox_claims, write, DbConn, Paging};
use crate::domain::outbox::{self as rules, AfterFailure};
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::policy::admin::{Act, DEAD_MAIL_AUDIENCE};
use crate::policy::{self, Action};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{OutboxMessage, OutboxMessageId, OutboxStatus, Page};
use serde_json::json;

/// Writes a message to the outbox. Call it INSIDE the transaction of the change that causes
/// the message (it opens none of its own), so the message exists exactly when the change does.
/// Records the audit event and, for a message about a ticket, a `mail_queued` timeline event.
/// The relay sends it from `actor.at` on.
pub fn enqueue(c: &mut DbConn, actor: &Actor, m: OutboxMail) -> AppResult<OutboxMessageId> {
    if !in_transaction(c) {
        return Err(AppError::internal(
            "outbox::enqueue must run inside the caller's transaction",
        ));
    }
    if m.to.is_empty() {
        return Err(AppError::validation("recipients", "give at least one address"));
    }
    let to = mail::parse_recipients("recipients", &m.to)?;
    let subject = m.subject.trim();
    if subject.is_empty() || subject.chars().any(char::is_control) {
        return Err(AppError::validation("subject", "must be one line of text"));
    }
    if m.attachments.iter().map(|a| a.content.len()).sum::<usize>() > store::ATTACHMENTS_MAX_BYTES {
        return Err(AppError::validation(
            "attachments",
            format!("at most {} MiB together", store::ATTACHMENTS_MAX_BYTES / (1024 * 1024)),
        ));
    }
    if !m.message_id.starts_with('<') || !m.message_id.ends_with('>') || !m.message_id.contains('@') {
        return Err(AppError::internal(format!("`{}` is not a Message-ID", m.message_id)));
    }
    let recipients_json = serde_json::to_string(&to).map_err(AppError::internal)?;
    let id = store::insert(c, actor, &m, subject, &recipients_json)?;
    let out = store::get(c, id)?;
    audit::record(c, actor, "outbox_message", id, "create", None, snapshot(&out))?;
    if let Some(ticket) = m.ticket_id {
        events::add(
            c,
            NewEvent {
                ticket_id: ticket,
                actor,
                kind: "mail_queued",
                from: None,
                to: Some(m.kind.as_str()),
                reason: None,
                data: Some(json!({"outbox_id": id, "message_id": m.message_id, "recipients": to, "subject": subject})),
            },
        )?;
    }
    Ok(OutboxMessageId(id))
}

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

/// Sends a pending message at the relay's next round instead of after its backoff wait (the
/// mail server was fixed): its next attempt becomes now; its attempts are kept. Audited. Only a
/// pending message that no relay is sending at this moment can be sent now.
pub fn send_now(c: &mut DbConn, who: &Who, id: i64) -> AppResult<OutboxMessage> {
    policy::require(&who.caller, Action::Admin(Act::SendMailNow))?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get(c, id)?;
        if before.status != OutboxStatus::Pending {
            return Err(AppError::InvalidTransition(format!(
                "only a pending message can be sent now; this one is {}",
                before.status
            )));
        }
        if !store::due_now(c, id, actor.at)? {
            return Err(AppError::Conflict(
                "the message is being sent right now; see its status in a moment".into(),
            ));
        }
        let after = store::get(c, id)?;
        audit::record(
            c,
            &actor,
            "outbox_message",
            id,
            "send_now",
            snapshot(&before),
            snapshot(&after),
        )?;
        Ok(after)
    })
}

/// The outbox's backlog (pending, the oldest pending one's age, dead), for the operators.
pub fn backlog(c: &mut DbConn) -> AppResult<store::Backlog> {
    Ok(store::backlog(c)?)
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

/// Leases up to `batch` due messages (pending, next attempt due, no live lease) to the relay
/// until `now + lease`, urgent ones first, then oldest due first. A message about a customer who
/// already had `per_customer_per_hour` messages sent (or being sent) within the last hour is not
/// leased: its next attempt moves to when the hour has room again, without counting an attempt.
/// An urgent message is never held back, but counts toward the hour (`domain::outbox::wait_for`).
/// Claims are serialised across relays (`db::lock_outbox_claims`), so the bound holds with
/// several nodes too. Leases and deferrals are the relay's bookkeeping and are not audited.
pub fn claim(
    c: &mut DbConn,
    now: DateTime<Utc>,
    batch: i64,
    per_customer_per_hour: u32,
    lease: chrono::Duration,
) -> AppResult<store::Claim> {
    write(c, |c| {
        lock_outbox_claims(c)?;
        let due = store::due(c, now, batch)?;
        if due.is_empty() {
            return Ok(store::Claim::default());
        }
        let mut customers: Vec<i64> = due.iter().filter_map(|r| r.customer_id).collect();
        customers.sort_unstable();
        customers.dedup();
        let mut recent = store::recent_sends(c, &customers, now)?;
        let mut take: Vec<i64> = Vec::new();
        let mut deferred = 0;
        for d in &due {
            let id = d.id;
            if let Some(cu) = d.customer_id {
                let times = recent.entry(cu).or_default();
                if let Some(wait_until) = rules::wait_for(d.urgent, times, per_customer_per_hour, now) {
                    store::defer(c, id, wait_until, now)?;
                    deferred += 1;
                    continue;
                }
                times.push(now);
            }
            take.push(id);
        }
        let token = uuid::Uuid::new_v4().to_string();
        let claimed = store::lease(c, &take, &token, now + lease, now)?;
        Ok(store::Claim { claimed, deferred })
    })
}

/// Gives leases back unused (the relay stopped before sending these), without an attempt.
pub fn release(c: &mut DbConn, ids: &[i64], lease_token: &str) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    write(c, |c| Ok(store::release(c, ids, lease_token)?))
}
