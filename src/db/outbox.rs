//! The e-mail outbox. A message is a row written by `service::outbox::enqueue` inside the transaction of the
//! change that causes it, so it exists exactly when the change does. The relay (`jobs::mail`)
//! claims due rows with a lease in a short transaction, sends them outside any transaction,
//! and records the outcome: sent, or a failed attempt with its error and the next attempt's
//! time (exponential backoff), or dead after the last attempt. Admins list the messages and
//! retry dead ones.
//!
//! This module holds the rows and their queries; writing a message, the relay's bookkeeping of
//! outcomes and the admins' retry, with their audit events and notices, are in `service::outbox`.

use super::audit::Actor;
use super::schema::{outbox, outbox_attachments};
use super::{length, ts, utc, DbConn, Paging};
use crate::domain::outbox as rules;
use crate::error::{AppError, AppResult};
use crate::mail::{self, Attachment, Outgoing};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    CustomerId, MailKind, OutboxAttachment, OutboxMessage, OutboxMessageId, OutboxStatus, Page, TicketId,
};
use std::collections::HashMap;

/// Errors kept on a message are cut to this many characters.
pub const ERROR_MAX: usize = 1000;
/// The attachments of one message, together, at most (mail servers refuse larger messages).
pub const ATTACHMENTS_MAX_BYTES: usize = 10 * 1024 * 1024;

/// An e-mail to send, as the code that causes it writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    /// `<uuid@domain>`; `OutboxMail::new` makes one.
    pub message_id: String,
    pub kind: MailKind,
    /// The customer it is about: the per-customer hourly bound counts it.
    pub customer_id: Option<i64>,
    /// The ticket it is about: its timeline records the message.
    pub ticket_id: Option<i64>,
    /// Addresses, checked with `mail::parse_recipients` when they come from a user.
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
    /// The Message-ID this one answers (`In-Reply-To`), for a reply threaded on a conversation.
    pub in_reply_to: Option<String>,
    /// The conversation's Message-IDs before this one (`References`), oldest first.
    pub references: Vec<String>,
    /// Time-critical: not held back by the per-customer hourly bound (`domain::outbox`).
    pub urgent: bool,
}

impl OutboxMail {
    /// A message with a new Message-ID on `id_domain` (`settings.mail.id_domain()`).
    pub fn new(
        id_domain: &str,
        kind: MailKind,
        to: Vec<String>,
        subject: impl Into<String>,
        text: impl Into<String>,
    ) -> OutboxMail {
        OutboxMail {
            message_id: mail::new_message_id(id_domain),
            kind,
            customer_id: None,
            ticket_id: None,
            to,
            subject: subject.into(),
            text: text.into(),
            html: None,
            attachments: Vec::new(),
            urgent: false,
            in_reply_to: None,
            references: Vec::new(),
        }
    }

    /// Threads the message on a conversation: the message it answers and the chain before it.
    pub fn in_reply_to(mut self, parent: impl Into<String>, references: Vec<String>) -> Self {
        self.in_reply_to = Some(parent.into());
        self.references = references;
        self
    }

    /// Marks the message time-critical: the per-customer hourly bound does not hold it back.
    pub fn urgent(mut self) -> Self {
        self.urgent = true;
        self
    }

    pub fn html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }

    pub fn customer(mut self, id: i64) -> Self {
        self.customer_id = Some(id);
        self
    }

    pub fn ticket(mut self, id: i64) -> Self {
        self.ticket_id = Some(id);
        self
    }

    pub fn attach(mut self, a: Attachment) -> Self {
        self.attachments.push(a);
        self
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct Row {
    id: i64,
    message_id: String,
    kind: String,
    customer_id: Option<i64>,
    ticket_id: Option<i64>,
    recipients_json: String,
    subject: String,
    body_text: String,
    body_html: Option<String>,
    status: String,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    last_error: Option<String>,
    lease_token: Option<String>,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
    in_reply_to: Option<String>,
    thread_references: Option<String>,
    urgent: bool,
}

fn stored<T>(what: &str, v: &str, f: fn(&str) -> Option<T>) -> AppResult<T> {
    f(v).ok_or_else(|| AppError::internal(format!("stored outbox {what} `{v}` is unknown")))
}

impl Row {
    fn recipients(&self) -> AppResult<Vec<String>> {
        serde_json::from_str(&self.recipients_json)
            .map_err(|e| AppError::internal(format!("outbox {} recipients: {e}", self.id)))
    }

    fn status(&self) -> AppResult<OutboxStatus> {
        stored("status", &self.status, OutboxStatus::parse)
    }

    fn to_wire(&self, attachments: Vec<OutboxAttachment>) -> AppResult<OutboxMessage> {
        Ok(OutboxMessage {
            id: OutboxMessageId(self.id),
            message_id: self.message_id.clone(),
            kind: stored("kind", &self.kind, MailKind::parse)?,
            customer_id: self.customer_id.map(CustomerId),
            ticket_id: self.ticket_id.map(TicketId),
            recipients: self.recipients()?,
            subject: self.subject.clone(),
            status: self.status()?,
            attempts: self.attempts,
            next_attempt_at: utc(self.next_attempt_at),
            last_error: self.last_error.clone(),
            has_html: self.body_html.is_some(),
            attachments,
            created_at: utc(self.created_at),
            sent_at: self.sent_at.map(utc),
            urgent: self.urgent,
        })
    }
}

/// Stores a message checked by the outbox service (`service::outbox::enqueue`) and its
/// attachments, pending from `actor.at` on; returns its id.
pub fn insert(c: &mut DbConn, actor: &Actor, m: &OutboxMail, subject: &str, recipients_json: &str) -> QueryResult<i64> {
    let now = ts(actor.at);
    let id: i64 = diesel::insert_into(outbox::table)
        .values((
            outbox::message_id.eq(&m.message_id),
            outbox::kind.eq(m.kind.as_str()),
            outbox::customer_id.eq(m.customer_id),
            outbox::ticket_id.eq(m.ticket_id),
            outbox::recipients_json.eq(recipients_json),
            outbox::subject.eq(subject),
            outbox::body_text.eq(&m.text),
            outbox::body_html.eq(&m.html),
            outbox::status.eq(OutboxStatus::Pending.as_str()),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_by.eq(actor.id.map(|u| u.0)),
            outbox::created_at.eq(now),
            outbox::updated_at.eq(now),
            outbox::in_reply_to.eq(&m.in_reply_to),
            outbox::thread_references.eq((!m.references.is_empty()).then(|| m.references.join(" "))),
            outbox::urgent.eq(m.urgent),
        ))
        .returning(outbox::id)
        .get_result(c)?;
    for (i, a) in m.attachments.iter().enumerate() {
        diesel::insert_into(outbox_attachments::table)
            .values((
                outbox_attachments::outbox_id.eq(id),
                outbox_attachments::position.eq(i as i32),
                outbox_attachments::filename.eq(&a.filename),
                outbox_attachments::content_type.eq(&a.content_type),
                outbox_attachments::content.eq(&a.content),
            ))
            .execute(c)?;
    }
    Ok(id)
}

fn attachment_infos(c: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, Vec<OutboxAttachment>>> {
    let rows: Vec<(i64, String, String, i32)> = outbox_attachments::table
        .filter(outbox_attachments::outbox_id.eq_any(ids))
        .order((outbox_attachments::outbox_id, outbox_attachments::position))
        .select((
            outbox_attachments::outbox_id,
            outbox_attachments::filename,
            outbox_attachments::content_type,
            length(outbox_attachments::content),
        ))
        .load(c)?;
    let mut out: HashMap<i64, Vec<OutboxAttachment>> = HashMap::new();
    for (id, filename, content_type, size) in rows {
        out.entry(id).or_default().push(OutboxAttachment {
            filename,
            content_type,
            size_bytes: size.into(),
        });
    }
    Ok(out)
}

fn row(c: &mut DbConn, id: i64) -> AppResult<Row> {
    outbox::table
        .find(id)
        .select(Row::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("outbox message", id))
}

/// One message (without its bodies and attachment bytes).
pub fn get(c: &mut DbConn, id: i64) -> AppResult<OutboxMessage> {
    let r = row(c, id)?;
    let mut atts = attachment_infos(c, &[id])?;
    r.to_wire(atts.remove(&id).unwrap_or_default())
}

#[derive(Debug, Default, Clone)]
pub struct OutboxFilter {
    pub status: Option<OutboxStatus>,
    pub ticket_id: Option<i64>,
}

/// The messages, newest first.
pub fn list(c: &mut DbConn, f: &OutboxFilter, paging: Paging) -> AppResult<Page<OutboxMessage>> {
    let query = || {
        let mut q = outbox::table.into_boxed();
        if let Some(s) = f.status {
            q = q.filter(outbox::status.eq(s.as_str()));
        }
        if let Some(t) = f.ticket_id {
            q = q.filter(outbox::ticket_id.eq(t));
        }
        q
    };
    let (rows, total): (Vec<Row>, i64) =
        paging.load(c, query, |q| q.order(outbox::id.desc()).select(Row::as_select()))?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut atts = attachment_infos(c, &ids)?;
    let items = rows
        .iter()
        .map(|r| r.to_wire(atts.remove(&r.id).unwrap_or_default()))
        .collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

/// The messages about some tickets, of some kinds, oldest first.
pub fn for_tickets(c: &mut DbConn, ticket_ids: &[i64], kinds: &[MailKind]) -> AppResult<Vec<OutboxMessage>> {
    if ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let rows: Vec<Row> = outbox::table
        .filter(outbox::ticket_id.eq_any(ticket_ids))
        .filter(outbox::kind.eq_any(kinds))
        .order(outbox::id)
        .select(Row::as_select())
        .load(c)?;
    rows.iter().map(|r| r.to_wire(Vec::new())).collect()
}

/// Makes a message pending again, due at `at`, with no attempts and no lease (the last error
/// stays until the next attempt).
pub fn requeue(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    let now = ts(at);
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Pending.as_str()),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::lease_token.eq(None::<String>),
            outbox::lease_until.eq(None::<NaiveDateTime>),
            outbox::updated_at.eq(now),
        ))
        .execute(c)?;
    Ok(())
}

/// Makes a pending message due at `at` (its backoff wait is cut short), if no relay holds a
/// live lease on it. False when the message is not pending or is being sent.
pub fn due_now(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> QueryResult<bool> {
    let now = ts(at);
    let n = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(OutboxStatus::Pending.as_str()))
            .filter(outbox::lease_until.is_null().or(outbox::lease_until.le(now))),
    )
    .set((outbox::next_attempt_at.eq(now), outbox::updated_at.eq(now)))
    .execute(c)?;
    Ok(n == 1)
}

/// The outbox's backlog: pending messages, when the oldest of them was written, and dead ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    pub pending: i64,
    pub oldest_pending: Option<DateTime<Utc>>,
    pub dead: i64,
}

pub fn backlog(c: &mut DbConn) -> QueryResult<Backlog> {
    let pending = || outbox::table.filter(outbox::status.eq(OutboxStatus::Pending.as_str()));
    let count: i64 = pending().count().get_result(c)?;
    let oldest: Option<NaiveDateTime> = pending().select(diesel::dsl::min(outbox::created_at)).get_result(c)?;
    let dead: i64 = outbox::table
        .filter(outbox::status.eq(OutboxStatus::Dead.as_str()))
        .count()
        .get_result(c)?;
    Ok(Backlog {
        pending: count,
        oldest_pending: oldest.map(utc),
        dead,
    })
}

// ---------------------------------------------------------------- the relay

/// A message the relay holds the lease of.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub lease_token: String,
    pub lease_until: DateTime<Utc>,
    pub mail: Outgoing,
}

#[derive(Debug, Default)]
pub struct Claim {
    pub claimed: Vec<Claimed>,
    /// Due messages held back by the per-customer bound (moved to when it has room again).
    pub deferred: i64,
}

/// When each of these customers' messages were sent within the rate window, and a send now for
/// each message another relay holds the lease of (it is being sent right now).
pub fn recent_sends(
    c: &mut DbConn,
    customers: &[i64],
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, Vec<DateTime<Utc>>>> {
    let mut recent: HashMap<i64, Vec<DateTime<Utc>>> = HashMap::new();
    if customers.is_empty() {
        return Ok(recent);
    }
    let since = ts(now - rules::rate_window());
    let sent: Vec<(Option<i64>, Option<NaiveDateTime>)> = outbox::table
        .filter(outbox::customer_id.eq_any(customers))
        .filter(outbox::status.eq(OutboxStatus::Sent.as_str()))
        .filter(outbox::sent_at.gt(since))
        .select((outbox::customer_id, outbox::sent_at))
        .load(c)?;
    for (customer, at) in sent {
        if let (Some(cu), Some(at)) = (customer, at) {
            recent.entry(cu).or_default().push(utc(at));
        }
    }
    // Messages another relay is sending right now count as sent now.
    let in_flight: Vec<Option<i64>> = outbox::table
        .filter(outbox::customer_id.eq_any(customers))
        .filter(outbox::status.eq(OutboxStatus::Pending.as_str()))
        .filter(outbox::lease_until.gt(ts(now)))
        .select(outbox::customer_id)
        .load(c)?;
    for cu in in_flight.into_iter().flatten() {
        recent.entry(cu).or_default().push(now);
    }
    Ok(recent)
}

/// The attachments of these messages, with their bytes, in order.
fn attachments_of(c: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, Vec<Attachment>>> {
    let files: Vec<(i64, String, String, Vec<u8>)> = outbox_attachments::table
        .filter(outbox_attachments::outbox_id.eq_any(ids))
        .order((outbox_attachments::outbox_id, outbox_attachments::position))
        .select((
            outbox_attachments::outbox_id,
            outbox_attachments::filename,
            outbox_attachments::content_type,
            outbox_attachments::content,
        ))
        .load(c)?;
    let mut by_message: HashMap<i64, Vec<Attachment>> = HashMap::new();
    for (id, filename, content_type, content) in files {
        by_message.entry(id).or_default().push(Attachment {
            filename,
            content_type,
            content,
        });
    }
    Ok(by_message)
}

/// A due message as the claim weighs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub urgent: bool,
}

/// The due messages (pending, next attempt due, no live lease), urgent ones first, then oldest
/// due first.
pub fn due(c: &mut DbConn, now: DateTime<Utc>, batch: i64) -> QueryResult<Vec<Due>> {
    let rows: Vec<(i64, Option<i64>, bool)> = outbox::table
        .filter(outbox::status.eq(OutboxStatus::Pending.as_str()))
        .filter(outbox::next_attempt_at.le(ts(now)))
        .filter(outbox::lease_until.is_null().or(outbox::lease_until.le(ts(now))))
        .order((outbox::urgent.desc(), outbox::next_attempt_at, outbox::id))
        .limit(batch)
        .select((outbox::id, outbox::customer_id, outbox::urgent))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(id, customer_id, urgent)| Due {
            id,
            customer_id,
            urgent,
        })
        .collect())
}

/// Moves a message's next attempt to `until` without counting an attempt.
pub fn defer(c: &mut DbConn, id: i64, until: DateTime<Utc>, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((outbox::next_attempt_at.eq(ts(until)), outbox::updated_at.eq(ts(now))))
        .execute(c)?;
    Ok(())
}

/// Leases these messages, those still pending without a live lease, under `token` until `until`;
/// returns them as the relay sends them, oldest due first.
pub fn lease(
    c: &mut DbConn,
    ids: &[i64],
    token: &str,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Claimed>> {
    if !ids.is_empty() {
        diesel::update(
            outbox::table
                .filter(outbox::id.eq_any(ids))
                .filter(outbox::status.eq(OutboxStatus::Pending.as_str()))
                .filter(outbox::lease_until.is_null().or(outbox::lease_until.le(ts(now)))),
        )
        .set((outbox::lease_token.eq(token), outbox::lease_until.eq(ts(until))))
        .execute(c)?;
    }
    let rows: Vec<Row> = outbox::table
        .filter(outbox::lease_token.eq(token))
        .order((outbox::next_attempt_at, outbox::id))
        .select(Row::as_select())
        .load(c)?;
    let leased: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut by_message = attachments_of(c, &leased)?;
    rows.into_iter()
        .map(|r| {
            Ok(Claimed {
                id: r.id,
                lease_token: token.to_string(),
                lease_until: until,
                mail: Outgoing {
                    to: r.recipients()?,
                    message_id: r.message_id,
                    subject: r.subject,
                    text: r.body_text,
                    html: r.body_html,
                    attachments: by_message.remove(&r.id).unwrap_or_default(),
                    date: now,
                    references: r
                        .thread_references
                        .as_deref()
                        .map(|v| v.split_whitespace().map(str::to_string).collect())
                        .unwrap_or_default(),
                    in_reply_to: r.in_reply_to,
                },
            })
        })
        .collect()
}

/// Marks a pending message sent if `lease_token` still holds its lease; false when the lease
/// was lost (nothing is changed then).
pub fn set_sent(c: &mut DbConn, id: i64, lease_token: &str, at: DateTime<Utc>) -> AppResult<bool> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::lease_token.eq(lease_token))
            .filter(outbox::status.eq(OutboxStatus::Pending.as_str())),
    )
    .set((
        outbox::status.eq(OutboxStatus::Sent.as_str()),
        outbox::sent_at.eq(ts(at)),
        outbox::lease_token.eq(None::<String>),
        outbox::lease_until.eq(None::<NaiveDateTime>),
        outbox::updated_at.eq(ts(at)),
    ))
    .execute(c)?;
    Ok(n > 0)
}

/// A pending message whose lease a relay holds, as the outcome of an attempt needs it.
#[derive(Debug, Clone)]
pub struct Held {
    pub attempts: i32,
    pub subject: String,
    pub recipients: Vec<String>,
    pub ticket_id: Option<i64>,
}

/// The message if it is pending and `lease_token` holds its lease; None when the lease was lost.
pub fn held(c: &mut DbConn, id: i64, lease_token: &str) -> AppResult<Option<Held>> {
    let r = row(c, id)?;
    if r.lease_token.as_deref() != Some(lease_token) || r.status()? != OutboxStatus::Pending {
        return Ok(None);
    }
    Ok(Some(Held {
        attempts: r.attempts,
        recipients: r.recipients()?,
        subject: r.subject,
        ticket_id: r.ticket_id,
    }))
}

/// What a failed attempt leaves on a message.
#[derive(Debug, Clone)]
pub struct Failure<'a> {
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub error: &'a str,
    pub at: DateTime<Utc>,
}

/// Records a failed attempt and gives the lease up.
pub fn set_failed(c: &mut DbConn, id: i64, f: &Failure) -> AppResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(f.status.as_str()),
            outbox::attempts.eq(f.attempts),
            outbox::next_attempt_at.eq(ts(f.next_attempt_at)),
            outbox::last_error.eq(f.error),
            outbox::lease_token.eq(None::<String>),
            outbox::lease_until.eq(None::<NaiveDateTime>),
            outbox::updated_at.eq(ts(f.at)),
        ))
        .execute(c)?;
    Ok(())
}

/// Gives leases back unused (the relay stopped before sending these), without an attempt.
pub fn release(c: &mut DbConn, ids: &[i64], lease_token: &str) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::lease_token.eq(lease_token)),
    )
    .set((
        outbox::lease_token.eq(None::<String>),
        outbox::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(c)?;
    Ok(())
}
