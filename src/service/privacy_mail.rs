//! The share of e-mail intake and the customer portal in a contact's personal data
//! (docs/privacy.md): the e-mails they sent, the files that came with them or that they added
//! through the portal, and the audit events they made there. `service::privacy` brings them into
//! reach of the export and the erasure, and clears them here, with their copies on the timeline
//! and in the audit trail; the retention of a closed ticket clears all its received e-mails and
//! customers' files.
//!
//! A received e-mail keeps its Message-ID (a message read again must still be known), its
//! threading, times and outcome; its sender, subject and text become `[erased]`. A file keeps
//! its row (the ticket shows that one was there) with its name `[erased]` and no content.

use super::privacy::{Mode, Scope};
use crate::db::privacy::{self as store};
use crate::db::privacy_mail::{self as mail};
use crate::db::DbConn;
use crate::domain::privacy::{blank_keys, Identifiers, ERASED};
use crate::error::AppResult;
use fieldline_mobile_api::TicketAttachment;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

/// The keys of a received e-mail's copies (its timeline entry's data, its audit snapshots)
/// whose values are the sender's or written by them.
const MESSAGE_KEYS: &[&str] = &[
    "from",
    "from_name",
    "from_address",
    "subject",
    "excerpt",
    "text",
    "filename",
];

/// The key of a file's copies that is the sender's: its name.
const FILE_KEYS: &[&str] = &["filename"];

/// Brings into reach what e-mail intake and the portal hold of the contact: the e-mails linked
/// to them or sent from one of their addresses (as they are and were), the files of those
/// e-mails and the files they added through the portal, and the audit events they made there.
pub(super) fn reach_contact(c: &mut DbConn, s: &mut Scope, contact: i64, ids: &Identifiers) -> AppResult<()> {
    s.contact = Some(contact);
    s.add(
        "inbound_messages",
        store::ids_where(c, "inbound_messages", "contact_id", &[contact])?,
    );
    for address in ids.values().iter().filter(|v| v.contains('@')) {
        let found = store::ids_containing(c, "inbound_messages", "from_address", address)?;
        // A longer address holding theirs (`xqian@…`) is someone else's.
        let theirs = mail::senders(c, &found)?
            .into_iter()
            .filter(|m| ids.occur_in(&m.from_address))
            .map(|m| m.id);
        s.add("inbound_messages", theirs);
    }
    let messages = s.ids("inbound_messages");
    s.add(
        "ticket_attachments",
        store::ids_where(c, "ticket_attachments", "inbound_message_id", &messages)?,
    );
    s.add("ticket_attachments", mail::uploads_by_contact(c, contact)?);
    s.add(
        "audit_events",
        store::ids_where(c, "audit_events", "actor_contact_id", &[contact])?,
    );
    Ok(())
}

/// The files a contact added through the portal.
pub(super) fn uploads_of(c: &mut DbConn, contact: i64) -> AppResult<Vec<TicketAttachment>> {
    let ids = mail::uploads_by_contact(c, contact)?;
    Ok(mail::files_of(c, &ids)?)
}

/// The received e-mails and files in reach that are cleared: for an erasure, the e-mails linked
/// to the contact or from one of their addresses or names, their files and the contact's portal
/// uploads; for the retention, every e-mail of the ticket and every file a customer sent.
fn theirs(c: &mut DbConn, scope: &Scope, ids: &Identifiers, mode: Mode) -> AppResult<(Vec<i64>, Vec<i64>)> {
    let messages: Vec<i64> = mail::senders(c, &scope.ids("inbound_messages"))?
        .into_iter()
        .filter(|m| {
            mode == Mode::Retain
                || (m.contact_id.is_some() && m.contact_id == scope.contact)
                || ids.occur_in(&m.from_address)
                || m.from_name.as_deref().is_some_and(|n| ids.occur_in(n))
        })
        .map(|m| m.id)
        .collect();
    let uploads: HashSet<i64> = match scope.contact {
        Some(k) => mail::uploads_by_contact(c, k)?.into_iter().collect(),
        None => HashSet::new(),
    };
    let files = mail::file_origins(c, &scope.ids("ticket_attachments"))?
        .into_iter()
        .filter(|(id, message, by)| match mode {
            Mode::Retain => by.is_none(),
            Mode::Erase => message.is_some_and(|m| messages.contains(&m)) || uploads.contains(id),
        })
        .map(|(id, _, _)| id)
        .collect();
    Ok((messages, files))
}

/// Blanks `keys` in the JSON `column` of the rows `rows` of `table`; records the rows changed.
fn blank_in(
    c: &mut DbConn,
    (table, column): (&'static str, &str),
    rows: &[i64],
    keys: &[&str],
    changed: &mut BTreeSet<(&'static str, i64)>,
) -> AppResult<()> {
    for (id, text) in store::texts(c, table, column, rows)? {
        if let Some(new) = blank_keys(&text, keys) {
            store::set_text(c, table, column, id, Some(&new))?;
            changed.insert((table, id));
        }
    }
    Ok(())
}

/// Clears the received e-mails and files that are theirs (see [`theirs`]), and their copies:
/// the subject, excerpt and sender on the timeline entry of each e-mail, a file's name on its
/// timeline entry, and the same in the audit events about them. Records the rows changed.
pub(super) fn clear(
    c: &mut DbConn,
    scope: &Scope,
    ids: &Identifiers,
    mode: Mode,
    changed: &mut BTreeSet<(&'static str, i64)>,
) -> AppResult<()> {
    let (messages, files) = theirs(c, scope, ids, mode)?;
    for id in &messages {
        if mail::clear_inbound(c, *id, ERASED)? {
            changed.insert(("inbound_messages", *id));
        }
    }
    for id in &files {
        if mail::clear_file(c, *id, ERASED)? {
            changed.insert(("ticket_attachments", *id));
        }
    }
    if messages.is_empty() && files.is_empty() {
        return Ok(());
    }
    let (mut by_message, mut by_file) = (Vec::new(), Vec::new());
    for (id, text) in store::texts(c, "ticket_events", "data_json", &scope.ids("ticket_events"))? {
        let Ok(data) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let names = |key: &str, set: &[i64]| data.get(key).and_then(Value::as_i64).is_some_and(|v| set.contains(&v));
        if names("inbound_message_id", &messages) {
            by_message.push(id);
        } else if names("attachment_id", &files) {
            by_file.push(id);
        }
    }
    blank_in(c, ("ticket_events", "data_json"), &by_message, MESSAGE_KEYS, changed)?;
    blank_in(c, ("ticket_events", "data_json"), &by_file, FILE_KEYS, changed)?;
    let events = store::audit_ids(c, "inbound_message", &messages)?;
    let file_events = store::audit_ids(c, "ticket_attachment", &files)?;
    for column in ["before_json", "after_json"] {
        blank_in(c, ("audit_events", column), &events, MESSAGE_KEYS, changed)?;
        blank_in(c, ("audit_events", column), &file_events, FILE_KEYS, changed)?;
    }
    Ok(())
}
