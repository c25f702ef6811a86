//! Personal data of customer contacts (the personal information law): an admin exports
//! everything held about one contact, or erases it; closed tickets' copies of their contact's
//! data are anonymised when the retention period has passed. docs/privacy.md lists where the
//! data is held and what each of these does to it.
//!
//! Both work the same way: find the rows in reach (the contact's tickets and what hangs off
//! them, the e-mails to their address, the audit events about all of these), find the values
//! that identify the person (`domain::privacy::Identifiers`), and replace them. The audit trail
//! keeps every event, with the values replaced in its payloads, and gains one event saying what
//! was done, without the data.

use super::privacy_mail as mail;
use super::Who;
use crate::db::audit::{self, Actor};
use crate::db::customers::{self as contacts, ContactRow};
use crate::db::privacy::{self as store, Kind, BY_TICKET, PLACES};
use crate::db::privacy_mail as mail_store;
use crate::db::{write, DbConn};
use crate::domain::privacy::{erased_contact_name, Identifiers, ERASED};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::customers::Act;
use crate::policy::{self, Action};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{
    ContactErasure, ContactId, ErasureCounts, ErasureReceipt, OutboxStatus, PersonalDataExport, PersonalMention,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The longest reason an erasure may give.
pub const REASON_MAX: usize = 1000;

/// Closed tickets anonymised in one run of the retention job at most; the next run goes on.
pub const RETENTION_BATCH: usize = 5_000;

/// The tables exported as such (not as mentions): the e-mails, survey answers and links.
const EXPORTED_WHOLE: &[&str] = &["outbox", "surveys", "survey_links", "inbound_messages"];

/// The audit trail's entity of the rows of each table in reach.
const AUDITED: &[(&str, &str)] = &[
    ("ticket", "tickets"),
    ("outbox_message", "outbox"),
    ("survey_link", "survey_links"),
    ("survey", "surveys"),
    ("visit", "visits"),
    ("quote", "quotes"),
    ("revisit", "revisits"),
    ("fault_report", "fault_reports"),
    ("major_fault", "major_faults"),
    ("inbound_message", "inbound_messages"),
    ("ticket_attachment", "ticket_attachments"),
];

/// The rows in reach, by table of `PLACES`, and the contact whose they are (for an erasure or
/// an export; none for the retention of a closed ticket).
#[derive(Debug, Default)]
pub(super) struct Scope {
    rows: BTreeMap<&'static str, BTreeSet<i64>>,
    pub(super) contact: Option<i64>,
}

impl Scope {
    pub(super) fn add(&mut self, table: &'static str, ids: impl IntoIterator<Item = i64>) {
        self.rows.entry(table).or_default().extend(ids);
    }

    pub(super) fn ids(&self, table: &str) -> Vec<i64> {
        self.rows
            .get(table)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// How far a search goes beyond the tickets: for a contact's erasure or export, also every
/// e-mail, survey link, major fault notice, cached answer and audit event holding their
/// address or phone number, the fault reports sent to them, the e-mails they sent, the files they
/// added, and their own audit events (and those they made in the portal); for the retention of a closed ticket, the ticket and what hangs off it only (the contact lives on).
enum Reach<'a> {
    Contact(&'a ContactRow),
    Tickets,
}

/// The rows in reach of `tickets` (and of the contact, identified by `ids`).
fn scope(c: &mut DbConn, tickets: &[i64], reach: &Reach, ids: &Identifiers) -> AppResult<Scope> {
    let mut s = Scope::default();
    s.add("tickets", tickets.iter().copied());
    for table in BY_TICKET {
        s.add(table, store::ids_where(c, table, "ticket_id", tickets)?);
    }
    if let Reach::Contact(k) = reach {
        for needle in [k.email.as_deref(), k.phone.as_deref()].into_iter().flatten() {
            for (table, column) in [
                ("outbox", "recipients_json"),
                ("survey_links", "recipient"),
                ("major_faults", "extra_recipients_json"),
                ("idempotency_keys", "response_body"),
                ("audit_events", "before_json"),
                ("audit_events", "after_json"),
            ] {
                s.add(table, store::ids_containing(c, table, column, needle)?);
            }
        }
        s.add("fault_reports", store::reports_naming_contact(c, k.customer_id, k.id)?);
        s.add("audit_events", store::audit_ids(c, "contact", &[k.id])?);
        mail::reach_contact(c, &mut s, k.id, ids)?;
    }
    let reports = s.ids("fault_reports");
    s.add(
        "fault_report_actions",
        store::ids_where(c, "fault_report_actions", "report_id", &reports)?,
    );
    for (entity, table) in AUDITED {
        let ids = s.ids(table);
        s.add("audit_events", store::audit_ids(c, entity, &ids)?);
    }
    Ok(s)
}

/// Whether a contact was erased (its fields are what the erasure left).
fn is_erased(k: &ContactRow) -> bool {
    k.name == erased_contact_name(k.id) && k.phone.is_none() && k.email.is_none()
}

/// The values that identify a contact: theirs now, those copied onto their tickets, and those
/// they had before a change (from their audit events).
fn contact_identifiers(c: &mut DbConn, k: &ContactRow, tickets: &[i64]) -> AppResult<Identifiers> {
    let mut values: Vec<String> = Vec::new();
    if !is_erased(k) {
        values.push(k.name.clone());
    }
    values.extend(k.phone.clone());
    values.extend(k.email.clone());
    for t in store::tickets_of(c, tickets)? {
        values.extend([t.contact_name, t.contact_phone, t.contact_email].into_iter().flatten());
    }
    let events = store::audit_ids(c, "contact", &[k.id])?;
    for column in ["before_json", "after_json"] {
        for (_, text) in store::texts(c, "audit_events", column, &events)? {
            let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            for key in ["name", "phone", "email"] {
                if let Some(Value::String(v)) = doc.get(key) {
                    values.push(v.clone());
                }
            }
        }
    }
    values.retain(|v| v != &erased_contact_name(k.id));
    Ok(Identifiers::new(values))
}

/// The texts in reach that name the person.
fn mentions(c: &mut DbConn, scope: &Scope, ids: &Identifiers) -> AppResult<Vec<PersonalMention>> {
    let mut out = Vec::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for place in PLACES.iter().filter(|p| !EXPORTED_WHOLE.contains(&p.table)) {
        let rows = scope.ids(place.table);
        for (column, _) in place.columns {
            for (id, text) in store::texts(c, place.table, column, &rows)? {
                if ids.occur_in(&text) {
                    out.push(PersonalMention {
                        record: place.table.into(),
                        id,
                        field: (*column).into(),
                        text,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Everything held about a contact.
pub fn export(c: &mut DbConn, who: &Who, contact_id: i64) -> AppResult<PersonalDataExport> {
    policy::require(&who.caller, Action::Customers(Act::ExportPersonalData))?;
    let actor = who.actor();
    write(c, |c| {
        let k = contacts::get_contact(c, contact_id)?;
        let tickets = store::contact_tickets(c, k.id, k.customer_id, k.phone.as_deref(), k.email.as_deref())?;
        let ids = contact_identifiers(c, &k, &tickets)?;
        let scope = scope(c, &tickets, &Reach::Contact(&k), &ids)?;
        let out = PersonalDataExport {
            generated_at: who.at,
            contact: k.to_wire(),
            erased: is_erased(&k),
            tickets: store::tickets_of(c, &tickets)?,
            surveys: store::surveys_of(c, &scope.ids("surveys"))?,
            survey_links: store::survey_links_of(c, &scope.ids("survey_links"))?,
            emails: mail_store::emails_of(c, &scope.ids("outbox"))?,
            inbound_emails: mail_store::inbound_of(c, &scope.ids("inbound_messages"))?,
            uploads: mail::uploads_of(c, k.id)?,
            portal_links: mail_store::portal_links_of(c, k.id)?,
            mentions: mentions(c, &scope, &ids)?,
        };
        // Who read a person's data is recorded, without the data.
        let trail = json!({"tickets": out.tickets.len(), "emails": out.emails.len(),
            "inbound_emails": out.inbound_emails.len(), "uploads": out.uploads.len(), "mentions": out.mentions.len()});
        audit::record(c, &actor, "contact", k.id, "personal_data_exported", None, Some(trail))?;
        Ok(out)
    })
}

/// What a scrub does beyond replacing the values: an erasure also removes the survey answers'
/// comments (the contact's own words); the retention replaces only the values in them. Both
/// clear the e-mails received and the customers' files in reach: an erasure those of the
/// contact, the retention all of a closed ticket's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Erase,
    Retain,
}

/// Replaces the person's data in the rows in reach; returns what it changed.
fn scrub(c: &mut DbConn, scope: &Scope, ids: &Identifiers, mode: Mode, at: DateTime<Utc>) -> AppResult<ErasureCounts> {
    let mut counts = ErasureCounts {
        tickets: store::clear_ticket_contacts(c, &scope.ids("tickets"), at)? as i64,
        ..ErasureCounts::default()
    };
    if mode == Mode::Erase {
        counts.surveys = store::clear_survey_comments(c, &scope.ids("surveys"))? as i64;
    }
    let mut changed: BTreeSet<(&str, i64)> = BTreeSet::new();
    mail::clear(c, scope, ids, mode, &mut changed)?;
    if ids.is_empty() {
        tally(&changed, &mut counts);
        return Ok(counts);
    }
    for mail in mail_store::emails_of(c, &scope.ids("outbox"))? {
        let (theirs, others): (Vec<String>, Vec<String>) =
            mail.recipients.iter().cloned().partition(|r| ids.occur_in(r));
        if theirs.is_empty() {
            continue;
        }
        let id = mail.id.0;
        let pending = mail.status == OutboxStatus::Pending;
        let (recipients, cancel, drop_text) = match (pending, others.is_empty()) {
            // Still to send to others: it goes to them only.
            (true, false) => (others, false, false),
            // Still to send to them alone: it is not sent.
            (true, true) => (vec![ERASED.to_string()], true, true),
            // Sent or given up: the fact stays, their address (and a text for them alone) goes.
            (false, alone) => {
                let list = mail
                    .recipients
                    .iter()
                    .map(|r| if ids.occur_in(r) { ERASED.to_string() } else { r.clone() })
                    .collect();
                (list, false, alone)
            }
        };
        mail_store::set_email_erased(c, id, &recipients, cancel, drop_text.then_some(ERASED), at)?;
        counts.emails_cancelled += i64::from(cancel);
        changed.insert(("outbox", id));
    }
    let signed: Vec<i64> = store::texts(c, "visits", "signoff_name", &scope.ids("visits"))?
        .into_iter()
        .filter(|(_, name)| ids.occur_in(name))
        .map(|(id, _)| id)
        .collect();
    store::drop_signatures(c, &signed)?;
    for place in PLACES {
        let rows = scope.ids(place.table);
        for (column, kind) in place.columns {
            for (id, text) in store::texts(c, place.table, column, &rows)? {
                let new = match kind {
                    Kind::Json => ids.scrub_json(&text),
                    Kind::Text => ids.scrub(&text),
                };
                if let Some(new) = new {
                    store::set_text(c, place.table, column, id, Some(&new))?;
                    changed.insert((place.table, id));
                }
            }
        }
    }
    tally(&changed, &mut counts);
    Ok(counts)
}

/// Counts the rows changed, by kind.
fn tally(changed: &BTreeSet<(&str, i64)>, counts: &mut ErasureCounts) {
    for (table, _) in changed {
        match *table {
            "outbox" => counts.emails += 1,
            "survey_links" => counts.survey_links += 1,
            "inbound_messages" => counts.inbound_emails += 1,
            "ticket_attachments" => counts.attachments += 1,
            "audit_events" => counts.audit_events += 1,
            _ => counts.other_records += 1,
        }
    }
}

/// Erases a contact's personal data: their name, phone number and e-mail address are replaced
/// on the contact, cleared on their tickets, replaced wherever else they are held (e-mails and
/// their addresses, survey links, the timeline, visits' sign-offs, fault reports, notifications,
/// the audit trail's payloads), survey comments are removed, e-mails still waiting for them
/// alone are cancelled, the e-mails they sent and the files they sent or added are cleared, and
/// their portal sign-in links deleted. One audit event records the reason and the counts. A contact already
/// erased is refused (409).
pub fn erase(c: &mut DbConn, who: &Who, contact_id: i64, body: ContactErasure) -> AppResult<ErasureReceipt> {
    policy::require(&who.caller, Action::Customers(Act::ErasePersonalData))?;
    let reason = validate::multiline("reason", &body.reason, REASON_MAX)?;
    let actor = who.actor();
    write(c, |c| {
        let k = contacts::get_contact(c, contact_id)?;
        if is_erased(&k) {
            return Err(AppError::Conflict(format!("contact {contact_id} is already erased")));
        }
        let tickets = store::contact_tickets(c, k.id, k.customer_id, k.phone.as_deref(), k.email.as_deref())?;
        let ids = contact_identifiers(c, &k, &tickets)?;
        let scope = scope(c, &tickets, &Reach::Contact(&k), &ids)?;
        let mut counts = scrub(c, &scope, &ids, Mode::Erase, actor.at)?;
        counts.portal_links = store::set_contact_erased(c, k.id, &erased_contact_name(k.id), actor.at)? as i64;
        // The reason is kept, without the contact's data should it name them.
        let reason = ids.scrub(&reason).unwrap_or(reason);
        let trail = json!({"reason": reason, "counts": counts});
        audit::record(c, &actor, "contact", k.id, "erase", None, Some(trail))?;
        Ok(ErasureReceipt {
            contact_id: ContactId(k.id),
            erased_at: actor.at,
            counts,
        })
    })
}

/// The retention of closed tickets' personal data: each ticket closed more than `days` days
/// before `now` that still holds its contact's name, phone number or e-mail address has them
/// cleared, and replaced wherever they were copied from it (its e-mails, survey links,
/// timeline, visits, the audit trail), the e-mails received on it and the customers' files
/// cleared, each ticket in a transaction of its own with an audit
/// event. `days` 0 keeps them. Returns (tickets looked at, tickets anonymised).
pub fn expire_closed_tickets(c: &mut DbConn, now: DateTime<Utc>, days: u32) -> AppResult<(i64, i64)> {
    if days == 0 {
        return Ok((0, 0));
    }
    let cutoff = now - Duration::days(i64::from(days));
    let actor = Actor::system(now);
    let (mut examined, mut anonymised) = (0i64, 0i64);
    while (examined as usize) < RETENTION_BATCH {
        let due = store::closed_tickets_with_contact(c, cutoff, ERASED, 200)?;
        if due.is_empty() {
            break;
        }
        for (ticket, name, phone, email) in due {
            examined += 1;
            write(c, |c| {
                let mut values: Vec<String> = [name, phone, email].into_iter().flatten().collect();
                values.extend(mail_store::senders_of_ticket(c, ticket)?);
                let ids = Identifiers::new(values);
                let scope = scope(c, &[ticket], &Reach::Tickets, &ids)?;
                let counts = scrub(c, &scope, &ids, Mode::Retain, now)?;
                let trail = json!({"retention_days": days, "counts": counts});
                audit::record(c, &actor, "ticket", ticket, "personal_data_expired", None, Some(trail))?;
                Ok::<_, AppError>(())
            })?;
            anonymised += 1;
        }
    }
    Ok((examined, anonymised))
}
