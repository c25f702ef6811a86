//! The files of a customer's tickets in the portal: the contact adds a file to a ticket of
//! their customer (a photo of the fault, a log, a document) and lists and downloads the
//! ticket's files (those that came by e-mail too). Stored in `ticket_attachments` like the
//! e-mail's, so the staff see them in the ticket's list of files.
//!
//! An upload is bounded as an e-mail's attachments are (`FIELDLINE_MAIL_INTAKE_ATTACHMENT_MAX_BYTES`
//! per file, `FIELDLINE_MAIL_INTAKE_ATTACHMENTS_MAX` files added to one ticket outside e-mail),
//! taken while the ticket is open, written with its timeline entry (`file_added`, which the
//! customer sees) and its audit event, both naming the contact.

use super::portal_actions::Asker;
use super::portal_tickets as reads;
use crate::config::Settings;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::inbound::{self as store, NewUpload};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::{write, DbConn};
use crate::domain::{validate, Invalid};
use crate::error::{AppError, AppResult};
use crate::mail::inbound::safe_filename;
use crate::policy::portal::{Act, Contact};
use fieldline_mobile_api::{ProblemReason, TicketAttachment};
use serde_json::json;

/// A file the contact sends: its name, its type (as sent) and its bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The field a refused file is named by.
pub const FILE_FIELD: &str = "file";

/// Adds the contact's file to a ticket of their customer's; 404 for another customer's ticket,
/// 409 once the ticket is closed or cancelled, 413 for a file over the size bound and 422 for
/// an empty file, a bad name or one file too many.
pub fn upload(c: &mut DbConn, who: Asker, ticket: i64, u: Upload, settings: &Settings) -> AppResult<TicketAttachment> {
    let name = validate::text("filename", &u.filename, 200)?;
    let filename = safe_filename(Some(&name), 1);
    let max_bytes = settings.intake.attachment_max_bytes;
    if u.bytes.len() > max_bytes {
        return Err(AppError::FileTooLarge {
            field: FILE_FIELD.into(),
            max: max_bytes,
        });
    }
    if u.bytes.is_empty() {
        return Err(Invalid::required(FILE_FIELD).into());
    }
    let actor = Actor::contact(who.contact.id, who.at);
    write(c, |c| {
        let row = reads::ticket_of(c, &who.contact, ticket, Act::Attach)?;
        if !row.status()?.is_open() {
            return Err(AppError::InvalidTransition(format!(
                "ticket {} is {}: files go with an open request",
                row.number, row.status
            )));
        }
        let max = settings.intake.attachments_max;
        if store::uploads_of_ticket(c, ticket)? >= max as i64 {
            return Err(
                AppError::validation(FILE_FIELD, format!("a request takes at most {max} files"))
                    .because(ProblemReason::TooLong, json!({"max": max})),
            );
        }
        let att = store::insert_upload(
            c,
            &NewUpload {
                ticket_id: ticket,
                filename: &filename,
                content_type: &u.content_type,
                content: &u.bytes,
                created_by: None,
                at: who.at,
            },
        )?;
        let data = json!({"attachment_id": att.id.0, "filename": att.filename, "size_bytes": att.size_bytes});
        events::add(c, NewEvent::new(ticket, &actor, "file_added").data(data))?;
        audit::record(c, &actor, "ticket_attachment", att.id.0, "create", None, snapshot(&att))?;
        Ok(att)
    })
}

/// The files of a ticket of the contact's customer, oldest first.
pub fn list(c: &mut DbConn, who: &Contact, ticket: i64) -> AppResult<Vec<TicketAttachment>> {
    reads::ticket_of(c, who, ticket, Act::ReadTickets)?;
    store::attachments_of_ticket(c, ticket)
}

/// One file of a ticket of the contact's customer: its name, type and bytes.
pub fn download(c: &mut DbConn, who: &Contact, ticket: i64, id: i64) -> AppResult<(String, String, Vec<u8>)> {
    reads::ticket_of(c, who, ticket, Act::ReadTickets)?;
    store::attachment_content(c, ticket, id)
}
