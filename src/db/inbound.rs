//! E-mail intake's rows: the messages read from the mailboxes (`inbound_messages`) and the files
//! that came with them (`ticket_attachments`), and the look-ups the intake rules need (a
//! thread's ticket, a contact by address, a ticket's conversation).

use super::schema::{contacts, inbound_messages, outbox, ticket_attachments, tickets};
use super::{lower, ts, utc, DbConn, Paging};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    ContactId, CustomerId, InboundMessage, InboundMessageId, InboundOutcome, MailKind, Page, RefusedPart,
    TicketAttachment, TicketAttachmentId, TicketId, UserId,
};

/// A message to store, as the intake service decided it.
#[derive(Debug, Clone)]
pub struct NewInbound<'a> {
    pub message_id: &'a str,
    pub mailbox: &'a str,
    pub uidvalidity: u32,
    pub uid: u32,
    pub from_address: &'a str,
    pub from_name: Option<&'a str>,
    pub subject: &'a str,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub received_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub body_text: &'a str,
    pub raw_size: i64,
    pub outcome: InboundOutcome,
    pub reason: Option<&'a str>,
    pub ticket_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub refused: &'a [RefusedPart],
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inbound_messages)]
pub struct InboundRow {
    pub id: i64,
    pub message_id: String,
    pub mailbox: String,
    pub from_address: String,
    pub from_name: Option<String>,
    pub subject: String,
    pub in_reply_to: Option<String>,
    pub thread_references: Option<String>,
    pub received_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub body_text: String,
    pub raw_size: i64,
    pub outcome: String,
    pub reason: Option<String>,
    pub ticket_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub refused_json: Option<String>,
    pub handled_by: Option<i64>,
    pub handled_at: Option<NaiveDateTime>,
}

impl InboundRow {
    pub fn outcome(&self) -> AppResult<InboundOutcome> {
        InboundOutcome::parse(&self.outcome)
            .ok_or_else(|| AppError::internal(format!("stored inbound outcome `{}` is unknown", self.outcome)))
    }

    fn to_wire(&self, attachments: Vec<TicketAttachment>, with_text: bool) -> AppResult<InboundMessage> {
        let refused: Vec<RefusedPart> = match &self.refused_json {
            Some(j) => serde_json::from_str(j).map_err(AppError::internal)?,
            None => Vec::new(),
        };
        Ok(InboundMessage {
            id: InboundMessageId(self.id),
            message_id: self.message_id.clone(),
            mailbox: self.mailbox.clone(),
            from_address: self.from_address.clone(),
            from_name: self.from_name.clone(),
            subject: self.subject.clone(),
            received_at: utc(self.received_at),
            sent_at: self.sent_at.map(utc),
            outcome: self.outcome()?,
            reason: self.reason.clone(),
            ticket_id: self.ticket_id.map(TicketId),
            customer_id: self.customer_id.map(CustomerId),
            contact_id: self.contact_id.map(ContactId),
            excerpt: crate::domain::inbound_mail::excerpt(&self.body_text, 200),
            text: with_text.then(|| self.body_text.clone()),
            raw_size: self.raw_size,
            attachments,
            refused,
            handled_by: self.handled_by.map(UserId),
            handled_at: self.handled_at.map(utc),
        })
    }

    /// The references a message answering this one carries before this one's id.
    pub fn references(&self) -> Vec<String> {
        split_ids(self.thread_references.as_deref())
    }
}

/// Space-separated Message-IDs as a list.
pub fn split_ids(v: Option<&str>) -> Vec<String> {
    v.unwrap_or("").split_whitespace().map(str::to_string).collect()
}

/// Whether a message with this Message-ID was stored before.
pub fn seen(c: &mut DbConn, message_id: &str) -> QueryResult<bool> {
    let n: i64 = inbound_messages::table
        .filter(inbound_messages::message_id.eq(message_id))
        .count()
        .get_result(c)?;
    Ok(n > 0)
}

/// Stores a message; returns its id.
pub fn insert(c: &mut DbConn, m: &NewInbound) -> AppResult<i64> {
    let refused = if m.refused.is_empty() {
        None
    } else {
        Some(serde_json::to_string(m.refused).map_err(AppError::internal)?)
    };
    Ok(diesel::insert_into(inbound_messages::table)
        .values((
            inbound_messages::message_id.eq(m.message_id),
            inbound_messages::mailbox.eq(m.mailbox),
            inbound_messages::uidvalidity.eq(i64::from(m.uidvalidity)),
            inbound_messages::uid.eq(i64::from(m.uid)),
            inbound_messages::from_address.eq(m.from_address),
            inbound_messages::from_name.eq(m.from_name),
            inbound_messages::subject.eq(m.subject),
            inbound_messages::in_reply_to.eq(&m.in_reply_to),
            inbound_messages::thread_references.eq(&m.references),
            inbound_messages::received_at.eq(ts(m.received_at)),
            inbound_messages::sent_at.eq(m.sent_at.map(ts)),
            inbound_messages::body_text.eq(m.body_text),
            inbound_messages::raw_size.eq(m.raw_size),
            inbound_messages::outcome.eq(m.outcome.as_str()),
            inbound_messages::reason.eq(m.reason),
            inbound_messages::ticket_id.eq(m.ticket_id),
            inbound_messages::customer_id.eq(m.customer_id),
            inbound_messages::contact_id.eq(m.contact_id),
            inbound_messages::refused_json.eq(refused),
            inbound_messages::created_at.eq(ts(m.at)),
        ))
        .returning(inbound_messages::id)
        .get_result(c)?)
}

pub fn row(c: &mut DbConn, id: i64) -> AppResult<InboundRow> {
    inbound_messages::table
        .find(id)
        .select(InboundRow::as_select())
        .get_result(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("inbound message", id))
}

/// One message with its text and attachments.
pub fn get(c: &mut DbConn, id: i64) -> AppResult<InboundMessage> {
    let r = row(c, id)?;
    let atts = attachments_where(c, None, Some(&[id]))?;
    r.to_wire(atts, true)
}

/// The messages of an outcome (or all), newest first, without their text.
pub fn list(c: &mut DbConn, outcome: Option<InboundOutcome>, paging: Paging) -> AppResult<Page<InboundMessage>> {
    let query = || {
        let mut q = inbound_messages::table.into_boxed();
        if let Some(o) = outcome {
            q = q.filter(inbound_messages::outcome.eq(o.as_str()));
        }
        q
    };
    let (rows, total): (Vec<InboundRow>, i64) = paging.load(c, query, |q| {
        q.order(inbound_messages::id.desc()).select(InboundRow::as_select())
    })?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let atts = attachments_where(c, None, Some(&ids))?;
    let items = rows
        .iter()
        .map(|r| {
            let mine = atts
                .iter()
                .filter(|a| a.inbound_message_id == Some(InboundMessageId(r.id)))
                .cloned()
                .collect();
            r.to_wire(mine, false)
        })
        .collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

/// The messages of a ticket, oldest first, with their text.
pub fn of_ticket(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<InboundRow>> {
    Ok(inbound_messages::table
        .filter(inbound_messages::ticket_id.eq(ticket_id))
        .order((inbound_messages::received_at, inbound_messages::id))
        .select(InboundRow::as_select())
        .load(c)?)
}

/// What an agent decided about an intake message.
#[derive(Debug, Clone)]
pub struct Handled<'a> {
    pub outcome: InboundOutcome,
    pub reason: Option<&'a str>,
    pub ticket_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// Records an agent's decision on a message still in the intake queue; false when it no longer
/// is (another agent was first).
pub fn handle(c: &mut DbConn, id: i64, h: &Handled) -> QueryResult<bool> {
    let n = diesel::update(
        inbound_messages::table
            .find(id)
            .filter(inbound_messages::outcome.eq(InboundOutcome::Intake.as_str())),
    )
    .set((
        inbound_messages::outcome.eq(h.outcome.as_str()),
        inbound_messages::reason.eq(h.reason),
        inbound_messages::ticket_id.eq(h.ticket_id),
        inbound_messages::customer_id.eq(h.customer_id),
        inbound_messages::contact_id.eq(h.contact_id),
        inbound_messages::handled_by.eq(h.by),
        inbound_messages::handled_at.eq(ts(h.at)),
    ))
    .execute(c)?;
    Ok(n == 1)
}

// ------------------------------------------------------------------ attachments

/// Stores one attachment of a message (and its ticket, when it has one).
pub fn insert_attachment(
    c: &mut DbConn,
    ticket_id: Option<i64>,
    message_id: i64,
    part: &crate::mail::inbound::InboundPart,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(ticket_attachments::table)
        .values((
            ticket_attachments::ticket_id.eq(ticket_id),
            ticket_attachments::inbound_message_id.eq(message_id),
            ticket_attachments::filename.eq(&part.filename),
            ticket_attachments::content_type.eq(&part.content_type),
            ticket_attachments::size.eq(part.content.len() as i64),
            ticket_attachments::content.eq(&part.content),
            ticket_attachments::created_at.eq(ts(at)),
        ))
        .execute(c)?;
    Ok(())
}

/// A file added to a ticket directly (not from an e-mail): through the portal by the
/// customer's contact (`created_by` None) or by a staff member.
pub struct NewUpload<'a> {
    pub ticket_id: i64,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
    pub created_by: Option<i64>,
    pub at: DateTime<Utc>,
}

/// Stores a file added to a ticket directly; gives it as listed.
pub fn insert_upload(c: &mut DbConn, u: &NewUpload) -> QueryResult<TicketAttachment> {
    let id: i64 = diesel::insert_into(ticket_attachments::table)
        .values((
            ticket_attachments::ticket_id.eq(u.ticket_id),
            ticket_attachments::filename.eq(u.filename),
            ticket_attachments::content_type.eq(u.content_type),
            ticket_attachments::size.eq(u.content.len() as i64),
            ticket_attachments::content.eq(u.content),
            ticket_attachments::created_at.eq(ts(u.at)),
            ticket_attachments::created_by.eq(u.created_by),
        ))
        .returning(ticket_attachments::id)
        .get_result(c)?;
    Ok(TicketAttachment {
        id: TicketAttachmentId(id),
        ticket_id: Some(TicketId(u.ticket_id)),
        inbound_message_id: None,
        filename: u.filename.to_string(),
        content_type: u.content_type.to_string(),
        size_bytes: u.content.len() as i64,
        created_at: utc(ts(u.at)),
    })
}

/// How many files were added to the ticket directly (not from e-mails).
pub fn uploads_of_ticket(c: &mut DbConn, ticket_id: i64) -> QueryResult<i64> {
    ticket_attachments::table
        .filter(ticket_attachments::ticket_id.eq(ticket_id))
        .filter(ticket_attachments::inbound_message_id.is_null())
        .count()
        .get_result(c)
}

/// Gives a message's attachments to the ticket it became.
pub fn attach_to_ticket(c: &mut DbConn, message_id: i64, ticket_id: i64) -> QueryResult<()> {
    diesel::update(ticket_attachments::table.filter(ticket_attachments::inbound_message_id.eq(message_id)))
        .set(ticket_attachments::ticket_id.eq(ticket_id))
        .execute(c)?;
    Ok(())
}

type AttRow = (i64, Option<i64>, Option<i64>, String, String, i64, NaiveDateTime);

fn attachments_where(
    c: &mut DbConn,
    ticket: Option<i64>,
    messages: Option<&[i64]>,
) -> AppResult<Vec<TicketAttachment>> {
    let mut q = ticket_attachments::table.into_boxed();
    if let Some(t) = ticket {
        q = q.filter(ticket_attachments::ticket_id.eq(t));
    }
    if let Some(m) = messages {
        q = q.filter(ticket_attachments::inbound_message_id.eq_any(m.to_vec()));
    }
    let rows: Vec<AttRow> = q
        .order(ticket_attachments::id)
        .select((
            ticket_attachments::id,
            ticket_attachments::ticket_id,
            ticket_attachments::inbound_message_id,
            ticket_attachments::filename,
            ticket_attachments::content_type,
            ticket_attachments::size,
            ticket_attachments::created_at,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(id, t, m, filename, content_type, size, at)| TicketAttachment {
            id: TicketAttachmentId(id),
            ticket_id: t.map(TicketId),
            inbound_message_id: m.map(InboundMessageId),
            filename,
            content_type,
            size_bytes: size,
            created_at: utc(at),
        })
        .collect())
}

/// A ticket's files, oldest first.
pub fn attachments_of_ticket(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<TicketAttachment>> {
    attachments_where(c, Some(ticket_id), None)
}

/// One file of a ticket: its name, type and bytes.
pub fn attachment_content(c: &mut DbConn, ticket_id: i64, id: i64) -> AppResult<(String, String, Vec<u8>)> {
    ticket_attachments::table
        .find(id)
        .filter(ticket_attachments::ticket_id.eq(ticket_id))
        .select((
            ticket_attachments::filename,
            ticket_attachments::content_type,
            ticket_attachments::content,
        ))
        .get_result(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("attachment", id))
}

// ------------------------------------------------------------------ look-ups of the rules

/// The ticket a thread belongs to: of a message the service sent (the outbox) or received
/// (a message that joined or opened a ticket) among these Message-IDs.
pub fn ticket_of_thread(c: &mut DbConn, ids: &[String]) -> QueryResult<Option<i64>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let sent: Vec<(String, Option<i64>)> = outbox::table
        .filter(outbox::message_id.eq_any(ids))
        .filter(outbox::ticket_id.is_not_null())
        .select((outbox::message_id, outbox::ticket_id))
        .load(c)?;
    let received: Vec<(String, Option<i64>)> = inbound_messages::table
        .filter(inbound_messages::message_id.eq_any(ids))
        .filter(inbound_messages::ticket_id.is_not_null())
        .select((inbound_messages::message_id, inbound_messages::ticket_id))
        .load(c)?;
    // The first id named (In-Reply-To) wins.
    Ok(ids.iter().find_map(|id| {
        sent.iter()
            .chain(received.iter())
            .find(|(m, _)| m == id)
            .and_then(|(_, t)| *t)
    }))
}

/// A ticket by its number: its id.
pub fn ticket_by_number(c: &mut DbConn, number: &str) -> QueryResult<Option<i64>> {
    tickets::table
        .filter(tickets::number.eq(number))
        .select(tickets::id)
        .get_result(c)
        .optional()
}

/// The contacts with this address (case-insensitive): (contact, customer), oldest first.
pub fn contacts_by_email(c: &mut DbConn, address: &str) -> QueryResult<Vec<(i64, i64)>> {
    contacts::table
        .filter(contacts::email.is_not_null())
        .filter(lower(contacts::email.assume_not_null()).eq(address.to_lowercase()))
        .order(contacts::id)
        .select((contacts::id, contacts::customer_id))
        .load(c)
}

/// An open ticket as the owner is shown it: id, number, title.
pub type OpenTicket = (i64, String, String);

/// A contact's open tickets, newest first.
pub fn open_tickets_of_contact(c: &mut DbConn, contact_id: i64, limit: i64) -> QueryResult<Vec<OpenTicket>> {
    tickets::table
        .filter(tickets::contact_id.eq(contact_id))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "tickets.status NOT IN ('closed', 'cancelled')",
        ))
        .order(tickets::id.desc())
        .limit(limit)
        .select((tickets::id, tickets::number, tickets::title))
        .load(c)
}

/// The last message of a ticket's conversation, received or sent as a reply (by when it was
/// stored or written here, one clock for both): its Message-ID, the references before it, and
/// its subject.
pub fn last_of_conversation(c: &mut DbConn, ticket_id: i64) -> QueryResult<Option<(String, Vec<String>, String)>> {
    let received: Option<(String, Option<String>, String, NaiveDateTime)> = inbound_messages::table
        .filter(inbound_messages::ticket_id.eq(ticket_id))
        .order((inbound_messages::created_at.desc(), inbound_messages::id.desc()))
        .select((
            inbound_messages::message_id,
            inbound_messages::thread_references,
            inbound_messages::subject,
            inbound_messages::created_at,
        ))
        .limit(1)
        .load(c)?
        .pop();
    let sent: Option<(String, Option<String>, String, NaiveDateTime)> = outbox::table
        .filter(outbox::ticket_id.eq(ticket_id))
        .filter(outbox::kind.eq(MailKind::TicketReply.as_str()))
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .select((
            outbox::message_id,
            outbox::thread_references,
            outbox::subject,
            outbox::created_at,
        ))
        .limit(1)
        .load(c)?
        .pop();
    let last = match (received, sent) {
        (Some(r), Some(s)) => Some(if s.3 >= r.3 { s } else { r }),
        (r, s) => r.or(s),
    };
    Ok(last.map(|(id, refs, subject, _)| (id, split_ids(refs.as_deref()), subject)))
}
