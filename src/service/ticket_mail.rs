//! A ticket's e-mail: the files that came with it (listed and downloaded by whoever may read
//! the ticket), and a staff reply to the ticket's contact, threaded on the conversation so the
//! customer's answer comes back to the same ticket.

use super::tickets::Change;
use super::Who;
use crate::config::Settings;
use crate::db::customers as customer_store;
use crate::db::inbound as store;
use crate::db::outbox::OutboxMail;
use crate::db::tickets::events::{self, NewEvent};
use crate::db::tickets::{self as tickets_store};
use crate::db::{write, DbConn};
use crate::domain::inbound_mail as rules;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::tickets::{self as policy, Act};
use crate::policy::Action;
use fieldline_mobile_api::{Language, MailKind, NewTicketReply, TicketAttachment, TicketReply};
use serde_json::json;

/// The longest reply, in characters.
const REPLY_MAX: usize = 20_000;
/// `References` carries at most this many Message-IDs.
const REFERENCES_MAX: usize = 20;

/// The ticket's files, oldest first.
pub fn attachments(c: &mut DbConn, who: &Who, ticket: i64) -> AppResult<Vec<TicketAttachment>> {
    super::tickets::get(c, who, ticket)?;
    store::attachments_of_ticket(c, ticket)
}

/// One file of the ticket: its name, type and bytes.
pub fn download(c: &mut DbConn, who: &Who, ticket: i64, id: i64) -> AppResult<(String, String, Vec<u8>)> {
    super::tickets::get(c, who, ticket)?;
    store::attachment_content(c, ticket, id)
}

/// Writes a reply to the ticket's contact into the outbox: its own Message-ID, `In-Reply-To`
/// and `References` to the last message of the conversation, the ticket number in the subject,
/// the footer in the contact's language; recorded on the timeline. On an open ticket not yet
/// responded to, the reply is its response (`responded_at`, the response breach when late: as
/// the first ladder step), audited as the ticket's `respond` with a new version.
pub fn reply(c: &mut DbConn, who: &Who, ticket: i64, b: NewTicketReply, settings: &Settings) -> AppResult<TicketReply> {
    let text = validate::multiline("text", &b.text, REPLY_MAX)?;
    let actor = who.actor();
    write(c, |c| {
        let t = tickets_store::get(c, ticket)?;
        let facts = super::tickets::facts_for(c, &who.caller, t.id, t.owner_id, t.assignee_id)?;
        policy::check_change(&who.caller, Action::Tickets(Act::Reply), &facts, || {
            AppError::not_found("ticket", ticket)
        })?;
        let contact = match t.contact_id {
            Some(id) => Some(customer_store::get_contact(c, id)?),
            None => None,
        };
        let address = contact
            .as_ref()
            .and_then(|ct| ct.email.clone())
            .or_else(|| t.contact_email.clone())
            .filter(|a| !a.trim().is_empty())
            .ok_or_else(|| AppError::validation("contact_id", "the ticket's contact has no e-mail address"))?;
        let lang = contact
            .as_ref()
            .and_then(|ct| Language::parse(&ct.language))
            .unwrap_or_default();
        let last = store::last_of_conversation(c, ticket)?;
        let base = last.as_ref().map_or(t.title.as_str(), |(_, _, s)| s.as_str());
        let subject = rules::excerpt(&rules::reply_subject(base, &t.number), 400);
        let body = rules::reply_body(&text, &t.number, lang);
        let mut mail = OutboxMail::new(
            &settings.mail.id_domain(),
            MailKind::TicketReply,
            vec![address.clone()],
            &subject,
            body,
        )
        .customer(t.customer_id)
        .ticket(ticket);
        if let Some((parent, refs, _)) = &last {
            mail = mail.in_reply_to(parent.clone(), rules::references_after(refs, parent, REFERENCES_MAX));
        }
        let (message_id, in_reply_to, references) = (
            mail.message_id.clone(),
            mail.in_reply_to.clone(),
            mail.references.clone(),
        );
        let outbox_id = super::outbox::enqueue(c, &actor, mail)?;
        let data = json!({
            "outbox_id": outbox_id.0, "message_id": message_id, "to": address, "subject": subject,
            "excerpt": rules::excerpt(&text, 500),
        });
        events::add(c, NewEvent::new(ticket, &actor, "mail_replied").data(data))?;
        // A reply answers the customer: the ticket's response when it has none yet.
        if t.responded_at.is_none() && t.status()?.is_open() {
            let step = settings.escalation_step();
            super::tickets::change_in_tx(c, &actor, None, ticket, Change::Respond, step)?;
        }
        Ok(TicketReply {
            outbox_id,
            message_id,
            to: address,
            subject,
            in_reply_to,
            references,
        })
    })
}
