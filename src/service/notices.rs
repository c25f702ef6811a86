//! Notices to the customer, written to the outbox inside the transaction of the change that
//! causes them (`domain::notice` says which, when, and which are urgent): the acknowledgement
//! at registration, a visit booked, moved or cancelled (with its calendar invitation), the
//! technician on the way, and the request resolved (with the acceptance link); and each
//! customer's switches, set by its account manager or an admin.
//!
//! A notice goes to the ticket's contact e-mail address, in the contact's language. A ticket
//! without a usable address, or a customer who switched the notice off, gets nothing, silently:
//! the change itself goes on (these notices are courtesy, not part of the ticket's record).

use super::Who;
use crate::config::Settings;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::customers as customer_store;
use crate::db::dispatch::visits as visit_store;
use crate::db::notices as store;
use crate::db::outbox::OutboxMail;
use crate::db::tickets::{self as ticket_store, TicketRow};
use crate::db::{sla, utc, write, DbConn};
use crate::domain::inbound_mail::references_after;
use crate::domain::language::{self, Language};
use crate::domain::notice::{self as rules, Notice, Switches};
use crate::error::{AppError, AppResult};
use crate::mail::ics::{self, Invitation, Method};
use crate::mail::templates::{self, CustomerEvent, CustomerNotice};
use crate::mail::{self, Attachment};
use crate::policy::customers::Act;
use crate::policy::{self, Action, Facts};
use crate::service::outbox;
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{Channel, CustomerNotices, SetCustomerNotices};

/// The address of the page where the customer accepts (or rejects) a resolved ticket's result:
/// the portal's ticket page. The one place that knows it.
pub fn acceptance_link(public_url: &str, ticket_id: i64) -> String {
    format!("{}/portal/#/tickets/{ticket_id}", public_url.trim_end_matches('/'))
}

/// Where a notice about the ticket goes: the contact's address and language; None without a
/// usable address.
fn recipient(c: &mut DbConn, ticket: &TicketRow) -> AppResult<Option<(String, Language)>> {
    let Some(Ok(address)) = ticket.contact_email.as_deref().map(mail::parse_address) else {
        return Ok(None);
    };
    Ok(Some((address, customer_store::contact_language(c, ticket.contact_id)?)))
}

/// Renders a notice in the recipient's language: what it says and what it carries.
type Build = Box<dyn FnOnce(&mut DbConn, Language) -> AppResult<(CustomerNotice, Option<Attachment>)>>;

/// A notice ready to be written.
struct Draft {
    notice: Notice,
    urgent: bool,
    build: Build,
    /// The customer's message it answers: `In-Reply-To` and `References`.
    thread: Option<(String, Vec<String>)>,
}

/// The customer's e-mail a notice answers: its Message-ID and its own `References`.
#[derive(Debug, Clone, Copy)]
pub struct Answering<'a> {
    pub message_id: &'a str,
    pub references: &'a [String],
}

/// `References` carries at most this many Message-IDs (as a staff reply's).
const REFERENCES_MAX: usize = 20;

/// Writes the notice about the ticket to the outbox, unless the customer switched it off or
/// the ticket has no contact address.
fn send(c: &mut DbConn, actor: &Actor, ticket: &TicketRow, d: Draft, settings: &Settings) -> AppResult<()> {
    if !store::switches(c, ticket.customer_id)?.allows(d.notice) {
        return Ok(());
    }
    let Some((address, lang)) = recipient(c, ticket)? else {
        return Ok(());
    };
    let (content, attachment) = (d.build)(c, lang)?;
    let rendered = templates::customer_notice(&content, lang)
        .map_err(|e| AppError::internal(format!("customer notice template: {e}")))?;
    let mut m = OutboxMail::new(
        &settings.mail.id_domain(),
        d.notice.kind(),
        vec![address],
        rendered.subject,
        rendered.text,
    )
    .html(rendered.html)
    .customer(ticket.customer_id)
    .ticket(ticket.id);
    if let Some(a) = attachment {
        m = m.attach(a);
    }
    if d.urgent {
        m = m.urgent();
    }
    if let Some((parent, references)) = d.thread {
        m = m.in_reply_to(parent, references);
    }
    outbox::enqueue(c, actor, m)?;
    Ok(())
}

fn notice_for(ticket: &TicketRow, event: CustomerEvent) -> CustomerNotice {
    CustomerNotice {
        event,
        ticket_number: ticket.number.clone(),
        ticket_title: ticket.title.clone(),
        contact_name: ticket.contact_name.clone(),
        received_at: None,
        window: None,
        previous_window: None,
        site: None,
        technician: None,
        resolved_at: None,
        link: None,
    }
}

// ---------------------------------------------------------------- the ticket's notices

/// The acknowledgement with the ticket number, in the registration's transaction: for a
/// request the customer made (`domain::notice::acknowledges`).
pub fn acknowledge(c: &mut DbConn, actor: &Actor, ticket_id: i64, settings: &Settings) -> AppResult<()> {
    acknowledge_answering(c, actor, ticket_id, settings, None)
}

/// The acknowledgement of a request that came by e-mail, threaded on the customer's message
/// (`In-Reply-To` its Message-ID, `References` its chain and it), so that it shows beside the
/// message in the customer's mail program and an answer to it comes back to the ticket.
pub fn acknowledge_answering(
    c: &mut DbConn,
    actor: &Actor,
    ticket_id: i64,
    settings: &Settings,
    answering: Option<Answering>,
) -> AppResult<()> {
    let ticket = ticket_store::get(c, ticket_id)?;
    if !Channel::parse(&ticket.channel).is_some_and(rules::acknowledges) {
        return Ok(());
    }
    let tz = sla::calendar(c)?.tz;
    let t = ticket.clone();
    let draft = Draft {
        notice: Notice::Acknowledgement,
        urgent: false,
        build: Box::new(move |_, lang| {
            let mut n = notice_for(&t, CustomerEvent::Acknowledged);
            n.received_at = Some(language::datetime(utc(t.opened_at), tz, lang));
            Ok((n, None))
        }),
        thread: answering.map(|a| {
            let parent = a.message_id.to_string();
            let references = references_after(a.references, &parent, REFERENCES_MAX);
            (parent, references)
        }),
    };
    send(c, actor, &ticket, draft, settings)
}

/// The request resolved, with the link to accept the result, in the transaction that resolved
/// it (call it only when the ticket stays resolved, waiting for the customer's answer).
pub fn resolved(c: &mut DbConn, actor: &Actor, ticket_id: i64, settings: &Settings) -> AppResult<()> {
    let ticket = ticket_store::get(c, ticket_id)?;
    let tz = sla::calendar(c)?.tz;
    let (t, link) = (ticket.clone(), acceptance_link(&settings.public_url, ticket.id));
    let at = ticket.resolved_at.map_or(actor.at, utc);
    let draft = Draft {
        notice: Notice::Resolved,
        urgent: false,
        build: Box::new(move |_, lang| {
            let mut n = notice_for(&t, CustomerEvent::Resolved);
            n.resolved_at = Some(language::datetime(at, tz, lang));
            n.link = Some(link);
            Ok((n, None))
        }),
        thread: None,
    };
    send(c, actor, &ticket, draft, settings)
}

// ---------------------------------------------------------------- a visit's notices

/// What happened to a visit that the customer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitChange {
    /// A technician was booked (or another one).
    Booked,
    /// The window moved; it was this before.
    Moved {
        from: (DateTime<Utc>, DateTime<Utc>),
    },
    Cancelled,
    /// The technician set off.
    OnTheWay,
}

impl VisitChange {
    fn notice(self) -> Notice {
        match self {
            VisitChange::Booked => Notice::VisitBooked,
            VisitChange::Moved { .. } => Notice::VisitMoved,
            VisitChange::Cancelled => Notice::VisitCancelled,
            VisitChange::OnTheWay => Notice::OnTheWay,
        }
    }

    fn event(self) -> CustomerEvent {
        match self {
            VisitChange::Booked => CustomerEvent::VisitBooked,
            VisitChange::Moved { .. } => CustomerEvent::VisitMoved,
            VisitChange::Cancelled => CustomerEvent::VisitCancelled,
            VisitChange::OnTheWay => CustomerEvent::OnTheWay,
        }
    }
}

/// Tells the customer of a change to a repair visit (as it is after the change), in the
/// change's transaction; an inspection visit has no ticket and no notice.
pub fn visit(c: &mut DbConn, actor: &Actor, visit_id: i64, change: VisitChange, settings: &Settings) -> AppResult<()> {
    let v = visit_store::get_visit(c, visit_id)?;
    let Some(ticket_id) = v.ticket_id else {
        return Ok(());
    };
    let ticket = ticket_store::get(c, ticket_id)?;
    let tz = sla::calendar(c)?.tz;
    let (start, end) = (utc(v.window_start), utc(v.window_end));
    let mut starts = vec![start];
    if let VisitChange::Moved { from } = change {
        starts.push(from.0);
    }
    let notice = change.notice();
    let urgent = rules::urgent(notice, &starts, actor.at, tz);
    let technician = match v.technician_id {
        Some(t) => crate::db::users::display_names(c, &[t])?.remove(&t),
        None => None,
    };
    let site = match v.site_id {
        Some(s) => store::site_place(c, s)?.map(|(name, address)| format!("{name}, {address}")),
        None => None,
    };
    let (t, id_domain, organizer) = (ticket.clone(), settings.mail.id_domain(), organizer(settings));
    let (stamp, contact) = (actor.at, ticket.contact_email.clone().unwrap_or_default());
    let draft = Draft {
        notice,
        urgent,
        build: Box::new(move |c, lang| {
            let mut n = notice_for(&t, change.event());
            n.window = Some(language::window(start, end, tz, lang));
            if let VisitChange::Moved { from } = change {
                n.previous_window = Some(language::window(from.0, from.1, tz, lang));
            }
            n.site = site.clone();
            n.technician = technician.clone();
            if !notice.has_invitation() {
                return Ok((n, None));
            }
            let invitation = Invitation {
                method: match change {
                    VisitChange::Cancelled => Method::Cancel,
                    _ => Method::Request,
                },
                visit_id: v.id,
                id_domain,
                sequence: store::next_invitation_sequence(c, v.id)?,
                start,
                end,
                stamp,
                summary: invitation_summary(&t, lang),
                description: invitation_description(&n, lang),
                location: site,
                organizer,
                attendee: (t.contact_name.clone(), mail::parse_address(&contact).unwrap_or(contact)),
                language: lang.as_str().to_string(),
            };
            let a = Attachment::new(
                "invitation",
                ics::FILENAME,
                &ics::content_type(invitation.method),
                ics::render(&invitation).into_bytes(),
            )?;
            Ok((n, Some(a)))
        }),
        thread: None,
    };
    send(c, actor, &ticket, draft, settings)
}

/// The service's sender, as the invitation's organizer: its name and address.
fn organizer(settings: &Settings) -> (Option<String>, String) {
    match settings.mail.from.parse::<lettre::message::Mailbox>() {
        Ok(m) => (m.name, m.email.to_string()),
        Err(_) => (None, settings.mail.from.clone()),
    }
}

fn invitation_summary(t: &TicketRow, lang: Language) -> String {
    match lang {
        Language::En => format!("On-site visit {}: {}", t.number, t.title),
        Language::Zh => format!("上门服务 {}：{}", t.number, t.title),
    }
}

fn invitation_description(n: &CustomerNotice, lang: Language) -> String {
    let window = n.window.as_deref().unwrap_or("");
    let mut lines = match lang {
        Language::En => vec![
            format!("Request {} - {}", n.ticket_number, n.ticket_title),
            format!("When: {window}"),
        ],
        Language::Zh => vec![
            format!("服务请求 {} - {}", n.ticket_number, n.ticket_title),
            format!("时间：{window}"),
        ],
    };
    if let Some(tech) = &n.technician {
        lines.push(match lang {
            Language::En => format!("Technician: {tech}"),
            Language::Zh => format!("工程师：{tech}"),
        });
    }
    lines.join("\n")
}

// ---------------------------------------------------------------- the switches

fn switches_of(b: &SetCustomerNotices) -> Switches {
    Switches {
        acknowledgement: b.acknowledgement,
        visit_changes: b.visit_changes,
        on_the_way: b.on_the_way,
        resolved: b.resolved,
    }
}

/// The customer's notice switches (for whoever may read customers).
pub fn get(c: &mut DbConn, who: &Who, customer: i64) -> AppResult<CustomerNotices> {
    policy::require(&who.caller, Action::Customers(Act::ReadCustomers))?;
    customer_store::get(c, customer)?;
    Ok(store::get(c, customer)?)
}

/// Sets the customer's notice switches: its account manager or an admin. Audited.
pub fn set(c: &mut DbConn, who: &Who, customer: i64, b: SetCustomerNotices) -> AppResult<CustomerNotices> {
    let actor = who.actor();
    write(c, |c| {
        crate::db::lock_customer(c, customer)?;
        let row = customer_store::get(c, customer)?;
        let facts = Facts {
            account_manager: row.account_manager_id,
            ..Facts::default()
        };
        if !policy::allows(&who.caller, Action::Customers(Act::SetNotices), &facts) {
            return Err(policy::forbidden(who.caller.role));
        }
        let before = store::get(c, customer)?;
        store::set(c, customer, &switches_of(&b), actor.id.map(|u| u.0), actor.at)?;
        let after = store::get(c, customer)?;
        audit::record(
            c,
            &actor,
            "customer_notices",
            customer,
            "update",
            snapshot(&before),
            snapshot(&after),
        )?;
        Ok(after)
    })
}
