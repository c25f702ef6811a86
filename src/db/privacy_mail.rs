//! The personal data of a contact in e-mails and files: the e-mails sent to them (`outbox`) and
//! those they sent (`inbound_messages`), the files that came with them or that they added through the
//! portal (`ticket_attachments`), and their portal sign-in links (`portal_links`). The queries of
//! the export, the erasure and the retention in `service::privacy_mail`; the generic ones (ids
//! of a table by a key, texts, replacing a text) are in `db::privacy`.

use super::privacy::stored;
use super::schema::{audit_events, inbound_messages, outbox, outbox_attachments, portal_links, ticket_attachments};
use super::{ts, utc, DbConn};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    InboundMessageId, InboundOutcome, MailKind, OutboxMessageId, OutboxStatus, PersonalEmail, PersonalInboundEmail,
    PersonalPortalLink, TicketAttachment, TicketAttachmentId, TicketId,
};

/// The e-mails `ids`, with their text.
pub fn emails_of(c: &mut DbConn, ids: &[i64]) -> AppResult<Vec<PersonalEmail>> {
    type Row = (
        i64,
        String,
        Option<i64>,
        String,
        String,
        String,
        String,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
    );
    let rows: Vec<Row> = outbox::table
        .filter(outbox::id.eq_any(ids))
        .order(outbox::id)
        .select((
            outbox::id,
            outbox::kind,
            outbox::ticket_id,
            outbox::recipients_json,
            outbox::subject,
            outbox::body_text,
            outbox::status,
            outbox::created_at,
            outbox::sent_at,
        ))
        .load(c)?;
    rows.into_iter()
        .map(|r| {
            Ok(PersonalEmail {
                id: OutboxMessageId(r.0),
                kind: stored("mail kind", &r.1, MailKind::parse)?,
                ticket_id: r.2.map(TicketId),
                recipients: serde_json::from_str(&r.3)
                    .map_err(|e| AppError::internal(format!("outbox {} recipients: {e}", r.0)))?,
                subject: r.4,
                body_text: r.5,
                status: stored("outbox status", &r.6, OutboxStatus::parse)?,
                created_at: utc(r.7),
                sent_at: r.8.map(utc),
            })
        })
        .collect()
}

/// Records an e-mail's recipients after an erasure and, when `cancel`, that it will not be sent;
/// when `drop_text`, its text and attachments are replaced by `mark` (it was for them alone).
pub fn set_email_erased(
    c: &mut DbConn,
    id: i64,
    recipients: &[String],
    cancel: bool,
    drop_text: Option<&str>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let recipients_json = serde_json::to_string(recipients).map_err(AppError::internal)?;
    diesel::update(outbox::table.find(id))
        .set((
            outbox::recipients_json.eq(&recipients_json),
            outbox::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    if cancel {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq(OutboxStatus::Cancelled.as_str()),
                outbox::lease_token.eq(None::<String>),
                outbox::lease_until.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(c)?;
    }
    if let Some(mark) = drop_text {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::subject.eq(mark),
                outbox::body_text.eq(mark),
                outbox::body_html.eq(None::<String>),
            ))
            .execute(c)?;
        diesel::delete(outbox_attachments::table.filter(outbox_attachments::outbox_id.eq(id))).execute(c)?;
    }
    Ok(())
}

/// Who sent a received e-mail: its id, sender's address and name, and the contact it is linked to.
#[derive(Debug, Clone, Queryable)]
pub struct Sender {
    pub id: i64,
    pub from_address: String,
    pub from_name: Option<String>,
    pub contact_id: Option<i64>,
}

/// The senders of the received e-mails `ids`.
pub fn senders(c: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Sender>> {
    inbound_messages::table
        .filter(inbound_messages::id.eq_any(ids))
        .order(inbound_messages::id)
        .select((
            inbound_messages::id,
            inbound_messages::from_address,
            inbound_messages::from_name,
            inbound_messages::contact_id,
        ))
        .load(c)
}

/// The senders' addresses and names of a ticket's received e-mails (the values retention looks
/// for beside the ticket's contact fields).
pub fn senders_of_ticket(c: &mut DbConn, ticket: i64) -> QueryResult<Vec<String>> {
    let rows: Vec<(String, Option<String>)> = inbound_messages::table
        .filter(inbound_messages::ticket_id.eq(ticket))
        .select((inbound_messages::from_address, inbound_messages::from_name))
        .load(c)?;
    Ok(rows.into_iter().flat_map(|(a, n)| [Some(a), n]).flatten().collect())
}

/// The files a contact added through the portal (by the audit trail, which names them as the
/// actor of each upload).
pub fn uploads_by_contact(c: &mut DbConn, contact: i64) -> QueryResult<Vec<i64>> {
    audit_events::table
        .filter(audit_events::entity.eq("ticket_attachment"))
        .filter(audit_events::action.eq("create"))
        .filter(audit_events::actor_contact_id.eq(contact))
        .order(audit_events::entity_id)
        .select(audit_events::entity_id)
        .load(c)
}

/// A file's origin: its id, the received e-mail it came with, and the staff member who added it.
pub type FileOrigin = (i64, Option<i64>, Option<i64>);

/// The origins of the files `ids`.
pub fn file_origins(c: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<FileOrigin>> {
    ticket_attachments::table
        .filter(ticket_attachments::id.eq_any(ids))
        .order(ticket_attachments::id)
        .select((
            ticket_attachments::id,
            ticket_attachments::inbound_message_id,
            ticket_attachments::created_by,
        ))
        .load(c)
}

/// The files `ids`, as listed (without their bytes).
pub fn files_of(c: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<TicketAttachment>> {
    type Row = (
        i64,
        Option<i64>,
        Option<i64>,
        String,
        String,
        i64,
        chrono::NaiveDateTime,
    );
    let rows: Vec<Row> = ticket_attachments::table
        .filter(ticket_attachments::id.eq_any(ids))
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
        .map(|r| TicketAttachment {
            id: TicketAttachmentId(r.0),
            ticket_id: r.1.map(TicketId),
            inbound_message_id: r.2.map(InboundMessageId),
            filename: r.3,
            content_type: r.4,
            size_bytes: r.5,
            created_at: utc(r.6),
        })
        .collect())
}

/// The received e-mails `ids`, with their text and their files' names.
pub fn inbound_of(c: &mut DbConn, ids: &[i64]) -> AppResult<Vec<PersonalInboundEmail>> {
    type Row = (
        i64,
        Option<i64>,
        String,
        Option<String>,
        String,
        String,
        chrono::NaiveDateTime,
        String,
    );
    let rows: Vec<Row> = inbound_messages::table
        .filter(inbound_messages::id.eq_any(ids))
        .order(inbound_messages::id)
        .select((
            inbound_messages::id,
            inbound_messages::ticket_id,
            inbound_messages::from_address,
            inbound_messages::from_name,
            inbound_messages::subject,
            inbound_messages::body_text,
            inbound_messages::received_at,
            inbound_messages::outcome,
        ))
        .load(c)?;
    let names: Vec<(Option<i64>, String)> = ticket_attachments::table
        .filter(ticket_attachments::inbound_message_id.eq_any(ids))
        .order(ticket_attachments::id)
        .select((ticket_attachments::inbound_message_id, ticket_attachments::filename))
        .load(c)?;
    rows.into_iter()
        .map(|r| {
            Ok(PersonalInboundEmail {
                id: InboundMessageId(r.0),
                ticket_id: r.1.map(TicketId),
                from_address: r.2,
                from_name: r.3,
                subject: r.4,
                body_text: r.5,
                received_at: utc(r.6),
                outcome: InboundOutcome::parse(&r.7)
                    .ok_or_else(|| AppError::internal(format!("stored inbound outcome `{}` is unknown", r.7)))?,
                attachments: names
                    .iter()
                    .filter(|(m, _)| *m == Some(r.0))
                    .map(|(_, n)| n.clone())
                    .collect(),
            })
        })
        .collect()
}

/// A contact's portal sign-in links and the sessions they opened, oldest first.
pub fn portal_links_of(c: &mut DbConn, contact: i64) -> QueryResult<Vec<PersonalPortalLink>> {
    let rows: Vec<super::portal::LinkRow> = portal_links::table
        .filter(portal_links::contact_id.eq(contact))
        .order(portal_links::id)
        .select(super::portal::LinkRow::as_select())
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|r| PersonalPortalLink {
            id: r.id,
            email: r.email,
            issued_at: utc(r.issued_at),
            expires_at: utc(r.expires_at),
            used_at: r.used_at.map(utc),
            session_expires_at: r.session_expires_at.map(utc),
            ended_at: r.ended_at.map(utc),
        })
        .collect())
}

/// Clears a received e-mail's sender, subject and text (each becomes `mark`, the sender's name
/// goes); its Message-ID, threading, times and outcome stay (a message read again is still
/// known). False when it was cleared before.
pub fn clear_inbound(c: &mut DbConn, id: i64, mark: &str) -> QueryResult<bool> {
    let n = diesel::update(
        inbound_messages::table.find(id).filter(
            inbound_messages::from_address
                .ne(mark)
                .or(inbound_messages::subject.ne(mark))
                .or(inbound_messages::body_text.ne(mark))
                .or(inbound_messages::from_name.is_not_null()),
        ),
    )
    .set((
        inbound_messages::from_address.eq(mark),
        inbound_messages::from_name.eq(None::<String>),
        inbound_messages::subject.eq(mark),
        inbound_messages::body_text.eq(mark),
    ))
    .execute(c)?;
    Ok(n == 1)
}

/// Clears a file: its name becomes `mark` and its content nothing (the row stays, so the ticket's
/// list and timeline still show that a file was there). False when it was cleared before.
pub fn clear_file(c: &mut DbConn, id: i64, mark: &str) -> QueryResult<bool> {
    let n = diesel::update(
        ticket_attachments::table
            .find(id)
            .filter(ticket_attachments::filename.ne(mark).or(ticket_attachments::size.ne(0))),
    )
    .set((
        ticket_attachments::filename.eq(mark),
        ticket_attachments::size.eq(0),
        ticket_attachments::content.eq(Vec::<u8>::new()),
    ))
    .execute(c)?;
    Ok(n == 1)
}
