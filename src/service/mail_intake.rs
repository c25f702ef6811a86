//! E-mail in (docs/rules/mail-intake.md): each message read from a mailbox is stored once with
//! what became of it — a ticket for a known contact, a reply on its ticket's timeline, a row in
//! the intake queue for an unknown sender, or ignored automatic mail — in one transaction with
//! its ticket, attachments, timeline, notifications and audit. The intake queue's agents turn a
//! queued message into a ticket or discard it with a reason.

use super::notices::Answering;
use super::tickets_registration::{self as registration, Link, Registration};
use super::Who;
use crate::config::Settings;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::inbound::{self as store, Handled, NewInbound};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::tickets::{self as tickets_store};
use crate::db::{notifications, users, write, DbConn, Paging};
use crate::domain::inbound_mail::{self as rules, Part};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::mail::inbound::{self as mime, Inbound};
use crate::policy::tickets::{self as ticket_policy, Act};
use crate::policy::{self, Action};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    Channel, ConvertIntake, DiscardIntake, InboundMessage, InboundOutcome, NewContact, NewCustomer, Page, Priority,
    RefusedPart, RequestKind, Ticket,
};
use serde_json::json;

/// The most open tickets of a contact listed to the owner of a new e-mail ticket.
const OPEN_LISTED: i64 = 10;
/// A ticket's description from an e-mail, at most (characters).
const DESCRIPTION_MAX: usize = 10_000;

/// A message as fetched from a mailbox.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub mailbox: String,
    /// The login of the mailbox's ticket owner.
    pub owner: String,
    pub uidvalidity: u32,
    pub uid: u32,
    /// IMAP INTERNALDATE.
    pub received_at: DateTime<Utc>,
    pub raw: Vec<u8>,
}

/// What storing a fetched message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Its Message-ID was stored before (read again after a crash between commit and flag).
    Duplicate,
    New(InboundOutcome),
}

/// What the rules decided before anything is written.
enum Decision {
    Ignored(&'static str),
    Reply(i64),
    Ticket { contact: i64, customer: i64, owner: i64 },
    Intake(Option<String>),
}

/// Text without control characters other than line breaks and tabs.
fn clean_text(t: &str) -> String {
    t.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn decide(c: &mut DbConn, settings: &Settings, f: &Fetched, m: &Inbound) -> AppResult<Decision> {
    let own = settings.mail.id_domain();
    let own_address = settings
        .mail
        .from
        .parse::<lettre::message::Mailbox>()
        .map(|mb| mb.email.to_string())
        .unwrap_or_default();
    if let Some(why) = rules::loop_reason(&m.headers, &own, &own_address) {
        return Ok(Decision::Ignored(why.as_str()));
    }
    if let Some(t) = store::ticket_of_thread(c, &rules::thread_ids(&m.headers))? {
        return Ok(Decision::Reply(t));
    }
    if let Some(number) = rules::ticket_number_in(&m.headers.subject) {
        if let Some(t) = store::ticket_by_number(c, &number)? {
            return Ok(Decision::Reply(t));
        }
    }
    let known = store::contacts_by_email(c, &m.headers.from)?;
    let Some(&(contact, customer)) = known.first() else {
        return Ok(Decision::Intake(None));
    };
    if known.iter().any(|(_, cu)| *cu != customer) {
        return Ok(Decision::Intake(Some(
            "the address is a contact of several customers".into(),
        )));
    }
    let owner = users::by_username(c, &f.owner)?.filter(|u| u.active && u.role().is_ok_and(ticket_policy::may_own));
    match owner {
        Some(u) => Ok(Decision::Ticket {
            contact,
            customer,
            owner: u.id,
        }),
        None => Ok(Decision::Intake(Some(format!(
            "the mailbox's owner `{}` cannot own tickets",
            f.owner
        )))),
    }
}

/// The attachments kept and the parts refused, by the configured bounds.
fn bound(settings: &Settings, m: &Inbound) -> (Vec<usize>, Vec<RefusedPart>) {
    let parts: Vec<Part> = m
        .attachments
        .iter()
        .map(|a| Part {
            filename: a.filename.clone(),
            size: a.content.len(),
        })
        .collect();
    let verdicts = rules::bound_parts(
        &parts,
        settings.intake.attachment_max_bytes,
        settings.intake.attachments_max,
    );
    let mut kept = Vec::new();
    let mut refused = Vec::new();
    for (i, v) in verdicts.into_iter().enumerate() {
        match v {
            None => kept.push(i),
            Some(why) => refused.push(RefusedPart {
                filename: parts[i].filename.clone(),
                size_bytes: parts[i].size as i64,
                reason: why.as_str().into(),
            }),
        }
    }
    (kept, refused)
}

/// The title of a ticket opened from a message: its subject, else the start of its text.
fn title_of(m: &Inbound) -> String {
    let s = clean_text(&m.headers.subject);
    let s = s.trim();
    let base = if s.is_empty() {
        m.text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string()
    } else {
        s.to_string()
    };
    let base = if base.is_empty() {
        format!("E-mail from {}", m.headers.from)
    } else {
        base
    };
    rules::excerpt(&base, 190)
}

fn description_of(m: &Inbound) -> String {
    let t = rules::excerpt(&clean_text(&m.text), DESCRIPTION_MAX - 1);
    if t.is_empty() {
        "(empty message)".into()
    } else {
        t
    }
}

/// The timeline entry of a message on its ticket.
fn mail_event(
    c: &mut DbConn,
    actor: &Actor,
    ticket: i64,
    id: i64,
    m: &Inbound,
    extra: serde_json::Value,
) -> AppResult<()> {
    let mut data = json!({
        "inbound_message_id": id, "from": m.headers.from, "from_name": m.from_name,
        "subject": m.headers.subject, "excerpt": rules::excerpt(&m.text, 500),
    });
    if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    events::add(c, NewEvent::new(ticket, actor, "mail_received").data(data))?;
    Ok(())
}

/// Records the message on its ticket's timeline and tells the ticket's owner; `open` lists the
/// contact's other open tickets when the message opened a new one.
fn tell(
    c: &mut DbConn,
    actor: &Actor,
    (ticket, id): (i64, i64),
    m: &Inbound,
    open: Option<&[(i64, String, String)]>,
    mut extra: serde_json::Value,
    subject: &str,
) -> AppResult<()> {
    let open_json: Vec<_> = open
        .unwrap_or(&[])
        .iter()
        .map(|(id, number, title)| json!({"id": id, "number": number, "title": title}))
        .collect();
    extra["open_tickets"] = json!(open_json);
    mail_event(c, actor, ticket, id, m, extra)?;
    let t = tickets_store::get(c, ticket)?;
    let from = &m.headers.from;
    let msg = match open {
        None => format!("E-mail from {from} on ticket {}: {subject}", t.number),
        Some([]) => format!("New e-mail ticket {} from {from}: {subject}", t.number),
        Some(o) => format!(
            "New e-mail ticket {} from {from}: {subject} (the contact's open tickets: {})",
            t.number,
            o.iter().map(|(_, n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    notifications::notify(c, &[t.owner_id], ticket, "mail_received", &msg, actor.at)?;
    Ok(())
}

/// Registers the ticket a known contact's message opens, on the e-mail channel, its clock
/// started at the message's arrival; the contact's newest open ticket is named beside it (its
/// owner told), and all of them are returned for the new ticket's owner.
fn open_ticket(
    c: &mut DbConn,
    settings: &Settings,
    actor: &Actor,
    f: &Fetched,
    m: &Inbound,
    (contact, customer, owner): (i64, i64, i64),
) -> AppResult<(i64, Vec<store::OpenTicket>)> {
    let open = store::open_tickets_of_contact(c, contact, OPEN_LISTED)?;
    let reg = Registration {
        customer_id: customer,
        contact_id: Some(contact),
        site_id: None,
        asset_id: None,
        channel: Channel::Email,
        kind: RequestKind::Fault,
        priority: Priority::P3,
        title: title_of(m),
        description: description_of(m),
        received_at: f.received_at,
        link: open.first().map_or(Link::Unchecked, |(id, _, _)| Link::Related(*id)),
    };
    let t = registration::register_owned_in_tx(c, actor, owner, &reg, settings.escalation_step())?;
    let answering = m
        .headers
        .message_id
        .as_deref()
        .filter(|id| id.len() > 2 && id.len() <= 500)
        .map(|id| Answering {
            message_id: id,
            references: &m.headers.references,
        });
    super::notices::acknowledge_answering(c, actor, t.id.0, settings, answering)?;
    Ok((t.id.0, open))
}

/// Stores one fetched message and does what it calls for, in one transaction. A Message-ID
/// stored before is skipped.
pub fn receive(c: &mut DbConn, settings: &Settings, f: &Fetched, now: DateTime<Utc>) -> AppResult<Stored> {
    let m = mime::parse(&f.raw).unwrap_or_else(|| Inbound {
        headers: Default::default(),
        from_name: None,
        date: None,
        text: String::new(),
        attachments: Vec::new(),
    });
    let message_id = m
        .headers
        .message_id
        .clone()
        .filter(|id| id.len() > 2 && id.len() <= 500)
        .unwrap_or_else(|| mime::synthetic_message_id(&f.mailbox, f.uidvalidity, f.uid, &settings.mail.id_domain()));
    let actor = Actor::system(now);
    write(c, |c| {
        if store::seen(c, &message_id)? {
            return Ok(Stored::Duplicate);
        }
        let decision = decide(c, settings, f, &m)?;
        let (kept, refused) = bound(settings, &m);
        let subject = rules::excerpt(&clean_text(&m.headers.subject), 500);
        let text = clean_text(&m.text);
        let mut row = NewInbound {
            message_id: &message_id,
            mailbox: &f.mailbox,
            uidvalidity: f.uidvalidity,
            uid: f.uid,
            from_address: &m.headers.from,
            from_name: m.from_name.as_deref(),
            subject: &subject,
            in_reply_to: (!m.headers.in_reply_to.is_empty()).then(|| m.headers.in_reply_to.join(" ")),
            references: (!m.headers.references.is_empty()).then(|| m.headers.references.join(" ")),
            received_at: f.received_at,
            sent_at: m.date,
            body_text: &text,
            raw_size: f.raw.len() as i64,
            outcome: InboundOutcome::Intake,
            reason: None,
            ticket_id: None,
            customer_id: None,
            contact_id: None,
            refused: &refused,
            at: now,
        };
        let reason_text;
        let outcome = match decision {
            Decision::Ignored(why) => {
                row.outcome = InboundOutcome::Ignored;
                row.reason = Some(why);
                let id = store::insert(c, &row)?;
                audit::record(
                    c,
                    &actor,
                    "inbound_message",
                    id,
                    "ignore",
                    None,
                    Some(json!({"reason": why})),
                )?;
                return Ok(Stored::New(InboundOutcome::Ignored));
            }
            Decision::Intake(why) => {
                reason_text = why;
                row.reason = reason_text.as_deref();
                None
            }
            Decision::Reply(ticket) => {
                row.outcome = InboundOutcome::Reply;
                row.ticket_id = Some(ticket);
                Some((ticket, None))
            }
            Decision::Ticket {
                contact,
                customer,
                owner,
            } => {
                let (ticket, open) = open_ticket(c, settings, &actor, f, &m, (contact, customer, owner))?;
                row.outcome = InboundOutcome::Ticket;
                row.ticket_id = Some(ticket);
                row.customer_id = Some(customer);
                row.contact_id = Some(contact);
                Some((ticket, Some(open)))
            }
        };
        let id = store::insert(c, &row)?;
        for i in &kept {
            store::insert_attachment(c, row.ticket_id, id, &m.attachments[*i], now)?;
        }
        audit::record(
            c,
            &actor,
            "inbound_message",
            id,
            "receive",
            None,
            Some(json!({"outcome": row.outcome})),
        )?;
        if let Some((ticket, open)) = outcome {
            let extra = json!({"attachments": kept.len(), "refused": refused});
            tell(c, &actor, (ticket, id), &m, open.as_deref(), extra, &subject)?;
        }
        Ok(Stored::New(row.outcome))
    })
}

// ------------------------------------------------------------------ the intake queue

/// The messages read, newest first: those of one outcome (the queue is `intake`), or all.
pub fn list(
    c: &mut DbConn,
    who: &Who,
    outcome: Option<InboundOutcome>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<InboundMessage>> {
    policy::require(&who.caller, Action::Tickets(Act::Intake))?;
    let paging = Paging::new(limit, offset)?;
    store::list(c, outcome, paging)
}

/// One message with its text and attachments.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<InboundMessage> {
    policy::require(&who.caller, Action::Tickets(Act::Intake))?;
    store::get(c, id)
}

fn queued(c: &mut DbConn, id: i64) -> AppResult<store::InboundRow> {
    let r = store::row(c, id)?;
    if r.outcome()? != InboundOutcome::Intake {
        return Err(AppError::InvalidTransition(format!(
            "the message is no longer in the intake queue (it is {})",
            r.outcome
        )));
    }
    Ok(r)
}

/// The customer of a conversion: the one named, or a new one made now.
fn customer_of(c: &mut DbConn, who: &Who, b: &ConvertIntake) -> AppResult<i64> {
    match (b.customer_id, &b.new_customer) {
        (Some(id), None) => Ok(id.0),
        (None, Some(n)) => {
            let made = super::customers::create(
                c,
                who,
                NewCustomer {
                    name: n.name.clone(),
                    tier: n.tier,
                    account_manager_id: None,
                },
            )?;
            Ok(made.id.0)
        }
        (Some(_), Some(_)) => Err(AppError::validation(
            "new_customer",
            "give `customer_id` or `new_customer`, not both",
        )),
        (None, None) => Err(AppError::validation(
            "customer_id",
            "name the customer or give `new_customer`",
        )),
    }
}

/// Turns a queued message into a ticket owned by the agent, its clock started at the message's
/// arrival; its attachments go with it.
pub fn convert(c: &mut DbConn, who: &Who, id: i64, b: ConvertIntake, settings: &Settings) -> AppResult<InboundMessage> {
    policy::require(&who.caller, Action::Tickets(Act::Intake))?;
    policy::require(&who.caller, Action::Tickets(Act::Register))?;
    let title = validate::optional(b.title.as_deref(), |v| validate::text("title", v, 200))?;
    let actor = who.actor();
    write(c, |c| {
        let r = queued(c, id)?;
        let customer = customer_of(c, who, &b)?;
        let contact = match (b.contact_id, b.add_contact) {
            (Some(ct), _) => Some(ct.0),
            (None, true) => {
                let name = r.from_name.clone().unwrap_or_else(|| r.from_address.clone());
                let made = super::customers::add_contact(
                    c,
                    who,
                    customer,
                    NewContact {
                        name: rules::excerpt(&name, 190),
                        phone: None,
                        email: Some(r.from_address.clone()),
                        language: Default::default(),
                    },
                )?;
                Some(made.id.0)
            }
            (None, false) => None,
        };
        let subject = r.subject.trim();
        let reg = Registration {
            customer_id: customer,
            contact_id: contact,
            site_id: None,
            asset_id: None,
            channel: Channel::Email,
            kind: b.kind.unwrap_or(RequestKind::Fault),
            priority: b.priority.unwrap_or(Priority::P3),
            title: title.clone().unwrap_or_else(|| {
                if subject.is_empty() {
                    format!("E-mail from {}", r.from_address)
                } else {
                    rules::excerpt(subject, 190)
                }
            }),
            description: if r.body_text.trim().is_empty() {
                "(empty message)".into()
            } else {
                rules::excerpt(&r.body_text, DESCRIPTION_MAX - 1)
            },
            received_at: crate::db::utc(r.received_at),
            link: Link::Unchecked,
        };
        let t: Ticket = registration::register_in_tx(c, &actor, &reg, settings.escalation_step())?;
        // Threaded on the customer's message, unless it had no Message-ID of its own.
        let references = r.references();
        let answering = (!r.message_id.ends_with(".invalid>")).then(|| Answering {
            message_id: &r.message_id,
            references: &references,
        });
        super::notices::acknowledge_answering(c, &actor, t.id.0, settings, answering)?;
        let handled = Handled {
            outcome: InboundOutcome::Ticket,
            reason: None,
            ticket_id: Some(t.id.0),
            customer_id: Some(customer),
            contact_id: contact,
            by: who.caller.id.0,
            at: who.at,
        };
        if !store::handle(c, id, &handled)? {
            return Err(AppError::Conflict("another agent handled the message first".into()));
        }
        store::attach_to_ticket(c, id, t.id.0)?;
        let data = json!({
            "inbound_message_id": id, "from": r.from_address, "from_name": r.from_name, "subject": r.subject,
            "excerpt": rules::excerpt(&r.body_text, 500), "converted": true,
        });
        events::add(c, NewEvent::new(t.id.0, &actor, "mail_received").data(data))?;
        let after = store::get(c, id)?;
        audit::record(c, &actor, "inbound_message", id, "convert", None, snapshot(&after))?;
        Ok(after)
    })
}

/// Takes a queued message out of the queue without a ticket, with the reason.
pub fn discard(c: &mut DbConn, who: &Who, id: i64, b: DiscardIntake) -> AppResult<InboundMessage> {
    policy::require(&who.caller, Action::Tickets(Act::Intake))?;
    let reason = validate::text("reason", &b.reason, 2000)?;
    let actor = who.actor();
    write(c, |c| {
        queued(c, id)?;
        let handled = Handled {
            outcome: InboundOutcome::Discarded,
            reason: Some(&reason),
            ticket_id: None,
            customer_id: None,
            contact_id: None,
            by: who.caller.id.0,
            at: who.at,
        };
        if !store::handle(c, id, &handled)? {
            return Err(AppError::Conflict("another agent handled the message first".into()));
        }
        let after = store::get(c, id)?;
        audit::record(c, &actor, "inbound_message", id, "discard", None, snapshot(&after))?;
        Ok(after)
    })
}
