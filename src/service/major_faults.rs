//! Major faults: mark a ticket one, give it a new handling plan, end it; read one and list
//! them. Each write, in one transaction, changes the fault, records the ticket's timeline event
//! and the audit event, puts the notice e-mail in the outbox and the people notified in their
//! inbox.
//!
//! Who is notified: the customer's account manager and every active department manager, by
//! e-mail when they have an address and in their inbox, plus the fault's `extra_recipients` by
//! e-mail. The list is the user records themselves: an admin manages it by giving managers
//! their role and e-mail address.

use super::tickets::Change;
use super::Who;
use crate::config::Settings;
use crate::db::audit::{self, snapshot};
use crate::db::fault_reports::lookups::site_line;
use crate::db::major_faults::{self as store, display_name, FaultRow, NewFault};
use crate::db::outbox::OutboxMail;
use crate::db::tickets::events::{self, NewEvent};
use crate::db::tickets::{self, TicketRow};
use crate::db::{notifications, users, utc, write, DbConn, Paging};
use crate::domain::language::{self, by_language, Language};
use crate::domain::major_fault::{self as rules, Details};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::mail::{self, templates};
use crate::policy::fault_reports::{self as policy, Act, MAJOR_FAULT_MANAGERS};
use crate::service::outbox;
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{EndMajorFault, MailKind, MajorFault, MajorFaultProgress, NewMajorFault, Page};
use serde_json::json;

/// The entity name of major faults in the audit trail.
const ENTITY: &str = "major_fault";

fn long_text(field: &str, v: Option<&str>, max: usize) -> AppResult<Option<String>> {
    Ok(validate::optional(v, |t| validate::multiline(field, t, max))?)
}

/// The ticket, if the caller may take `act` on its major fault.
fn ticket_for(c: &mut DbConn, who: &Who, act: Act, ticket_id: i64) -> AppResult<TicketRow> {
    let row = tickets::get(c, ticket_id)?;
    policy::major_fault(&who.caller, act, ticket_id, row.owner_id, row.assignee_id)?;
    Ok(row)
}

fn open_fault(c: &mut DbConn, ticket: &TicketRow) -> AppResult<FaultRow> {
    let fault = store::fault_of_ticket(c, ticket.id)?
        .ok_or_else(|| AppError::NotFound(format!("ticket {} is not a major fault", ticket.number)))?;
    if fault.ended_at.is_some() {
        return Err(AppError::InvalidTransition(format!(
            "the major fault of ticket {} has ended",
            ticket.number
        )));
    }
    Ok(fault)
}

/// Marks the ticket a major fault and sends the notice, in one transaction.
pub fn declare(
    c: &mut DbConn,
    who: &Who,
    ticket_id: i64,
    body: NewMajorFault,
    settings: &Settings,
) -> AppResult<MajorFault> {
    let b = body;
    let details = Details::parse(b.occurred_at, &b.location, &b.symptoms, &b.handling_plan, who.at)?;
    if b.extra_recipients.len() > rules::EXTRA_RECIPIENTS_MAX {
        return Err(AppError::validation(
            "extra_recipients",
            format!("at most {} addresses", rules::EXTRA_RECIPIENTS_MAX),
        ));
    }
    let reason = validate::optional(b.reason.as_deref(), |v| validate::text("reason", v, rules::REASON_MAX))?;
    let extra_recipients = mail::parse_recipients("extra_recipients", &b.extra_recipients)?;
    let actor = who.actor();
    write(c, |c| {
        ticket_for(c, who, Act::DeclareMajorFault, ticket_id)?;
        let facts = json!({
            "occurred_at": details.occurred_at, "location": details.location,
            "symptoms": details.symptoms, "handling_plan": details.handling_plan,
            "extra_recipients": extra_recipients,
        });
        // Checks that the ticket is open and not a major fault yet; flips the flag with its
        // timeline event and audit record.
        super::tickets::change_in_tx(
            c,
            &actor,
            Some(who.caller.role),
            ticket_id,
            Change::MajorFault {
                reason: reason.clone(),
                details: Some(facts),
            },
            settings.escalation_step(),
        )?;
        let extra = serde_json::to_string(&extra_recipients).map_err(AppError::internal)?;
        let id = store::insert(
            c,
            &NewFault {
                ticket_id,
                details: &details,
                reason: &reason,
                extra_recipients_json: &extra,
                reported_by: who.caller.id.0,
                at: who.at,
            },
        )?;
        let fault = store::get_row(c, id)?;
        let after = store::wire(c, &fault, who.at)?;
        audit::record(c, &actor, ENTITY, id, "create", None, snapshot(&after))?;
        let notice = Notice {
            event: templates::MajorFaultEvent::Opened,
            note: None,
        };
        queue_notice(c, who, &fault, notice, &settings.mail.id_domain())?;
        store::wire(c, &fault, who.at)
    })
}

/// A new handling plan for an open major fault: recorded, and a follow-up notice sent.
pub fn progress(
    c: &mut DbConn,
    who: &Who,
    ticket_id: i64,
    body: MajorFaultProgress,
    settings: &Settings,
) -> AppResult<MajorFault> {
    let plan = validate::multiline("handling_plan", &body.handling_plan, rules::PLAN_MAX)?;
    let note = long_text("note", body.note.as_deref(), rules::NOTE_MAX)?;
    let actor = who.actor();
    write(c, |c| {
        let ticket = ticket_for(c, who, Act::UpdateMajorFault, ticket_id)?;
        let before_row = open_fault(c, &ticket)?;
        let before = store::wire(c, &before_row, who.at)?;
        store::set_plan(c, &before_row, &plan, who.at)?;
        let fault = store::get_row(c, before_row.id)?;
        events::add(
            c,
            NewEvent {
                ticket_id,
                actor: &actor,
                kind: "major_fault_updated",
                from: None,
                to: Some(&fault.updates.to_string()),
                reason: note.as_deref(),
                data: Some(json!({"handling_plan": plan, "previous_plan": before_row.handling_plan})),
            },
        )?;
        let after = store::wire(c, &fault, who.at)?;
        audit::record(
            c,
            &actor,
            ENTITY,
            fault.id,
            "update",
            snapshot(&before),
            snapshot(&after),
        )?;
        let notice = Notice {
            event: templates::MajorFaultEvent::Updated(fault.updates),
            note: note.as_deref(),
        };
        queue_notice(c, who, &fault, notice, &settings.mail.id_domain())?;
        store::wire(c, &fault, who.at)
    })
}

/// The end of a major fault (`ended_at`, default now): recorded, and the closing notice sent.
pub fn end(
    c: &mut DbConn,
    who: &Who,
    ticket_id: i64,
    body: EndMajorFault,
    settings: &Settings,
) -> AppResult<MajorFault> {
    let ended_at = body.ended_at.unwrap_or(who.at);
    let summary = long_text("summary", body.summary.as_deref(), rules::NOTE_MAX)?;
    let actor = who.actor();
    write(c, |c| {
        let ticket = ticket_for(c, who, Act::EndMajorFault, ticket_id)?;
        let before_row = open_fault(c, &ticket)?;
        rules::check_end(utc(before_row.occurred_at), ended_at, who.at)?;
        let before = store::wire(c, &before_row, who.at)?;
        store::set_end(c, &before_row, (ended_at, who.caller.id.0), &summary, who.at)?;
        let fault = store::get_row(c, before_row.id)?;
        let minutes = rules::elapsed_minutes(utc(fault.occurred_at), Some(ended_at), who.at);
        events::add(
            c,
            NewEvent {
                ticket_id,
                actor: &actor,
                kind: "major_fault_ended",
                from: None,
                to: Some(&ended_at.to_rfc3339()),
                reason: summary.as_deref(),
                data: Some(json!({"ended_at": ended_at, "lasted_minutes": minutes})),
            },
        )?;
        let after = store::wire(c, &fault, who.at)?;
        audit::record(c, &actor, ENTITY, fault.id, "end", snapshot(&before), snapshot(&after))?;
        let notice = Notice {
            event: templates::MajorFaultEvent::Ended,
            note: None,
        };
        queue_notice(c, who, &fault, notice, &settings.mail.id_domain())?;
        store::wire(c, &fault, who.at)
    })
}

/// The ticket's major fault, with the notices sent about it.
pub fn get(c: &mut DbConn, who: &Who, ticket_id: i64) -> AppResult<MajorFault> {
    ticket_for(c, who, Act::ReadMajorFault, ticket_id)?;
    store::of_ticket(c, ticket_id, who.at)
}

/// Major faults, open ones first (`open`: only open or only ended ones), each group
/// longest-running first.
pub fn list(
    c: &mut DbConn,
    who: &Who,
    open: Option<bool>,
    (limit, offset): (Option<i64>, Option<i64>),
) -> AppResult<Page<MajorFault>> {
    policy::list_major_faults(&who.caller)?;
    let paging = Paging::new(limit, offset)?;
    store::list(c, open, paging, who.at)
}

// ---------------------------------------------------------------- the notices

/// What a notice tells.
struct Notice<'a> {
    event: templates::MajorFaultEvent,
    note: Option<&'a str>,
}

/// An e-mail address and the language its reader reads.
type Addressee = (String, Language);

/// Who hears of a major fault: (addresses with the language each reads, users for the inbox).
/// Staff read their own language (Chinese when they chose none); the extra addresses, which
/// are nobody's in particular, Chinese.
fn audience(c: &mut DbConn, account_manager: Option<i64>, extra: &[String]) -> AppResult<(Vec<Addressee>, Vec<i64>)> {
    let mut people = store::active_with_role(c, MAJOR_FAULT_MANAGERS)?;
    if let Some(am) = account_manager {
        if let Some(p) = store::active_user(c, am)? {
            people.insert(0, p);
        }
    }
    let mut seen = std::collections::HashSet::new();
    people.retain(|p| seen.insert(p.0));
    let ids: Vec<i64> = people.iter().map(|p| p.0).collect();
    let languages = users::mail_languages(c, &ids)?;
    let mut addresses: Vec<Addressee> = Vec::new();
    let mut push = |a: String, l: Language| {
        if !addresses.iter().any(|(x, _)| x.eq_ignore_ascii_case(&a)) {
            addresses.push((a, l));
        }
    };
    for (id, email) in &people {
        match email.as_deref().map(mail::parse_address) {
            Some(Ok(a)) => push(a, languages.get(id).copied().unwrap_or_default()),
            Some(Err(why)) => tracing::warn!(user = id, %why, "a major fault notice skips a stored address"),
            None => {}
        }
    }
    for a in extra {
        push(a.clone(), Language::default());
    }
    Ok((addresses, ids))
}

/// The notice rendered from the fault and its ticket, in `lang`.
fn render(
    c: &mut DbConn,
    who: &Who,
    fault: &FaultRow,
    ticket: &TicketRow,
    customer_name: &str,
    notice: &Notice<'_>,
    lang: Language,
) -> AppResult<templates::Rendered> {
    let site = site_line(c, ticket.site_id)?;
    let tz = crate::db::sla::calendar(c)?.tz;
    let occurred = utc(fault.occurred_at);
    let ended: Option<DateTime<Utc>> = fault.ended_at.map(utc);
    let minutes = rules::elapsed_minutes(occurred, ended, who.at);
    templates::major_fault(
        &templates::MajorFaultNotice {
            event: notice.event,
            ticket_number: ticket.number.clone(),
            ticket_title: ticket.title.clone(),
            customer_name: customer_name.to_string(),
            site,
            location: fault.location.clone(),
            occurred_at: language::datetime(occurred, tz, lang),
            ended_at: ended.map(|e| language::datetime(e, tz, lang)),
            duration: language::duration(minutes, lang),
            reported_by: display_name(c, Some(fault.reported_by))?,
            reason: fault.reason.clone(),
            symptoms: fault.symptoms.clone(),
            handling_plan: fault.handling_plan.clone(),
            note: notice.note.map(str::to_string),
            end_summary: fault.end_summary.clone(),
            sender: display_name(c, Some(who.caller.id.0))?,
        },
        lang,
    )
    .map_err(|e| AppError::internal(format!("major fault template: {e}")))
}

/// Writes the notice to the outbox (when anyone has an address), one message per language its
/// recipients read, and the inbox entries.
fn queue_notice(c: &mut DbConn, who: &Who, fault: &FaultRow, notice: Notice<'_>, id_domain: &str) -> AppResult<()> {
    let actor = who.actor();
    let ticket = tickets::get(c, fault.ticket_id)?;
    let (customer_name, account_manager) = store::customer_of(c, ticket.customer_id)?;
    let kind = match notice.event {
        templates::MajorFaultEvent::Opened => MailKind::MajorFaultNotice,
        templates::MajorFaultEvent::Updated(_) => MailKind::MajorFaultUpdate,
        templates::MajorFaultEvent::Ended => MailKind::MajorFaultEnd,
    };
    let (addresses, inbox) = audience(c, account_manager, &fault.extra_recipients()?)?;
    // The inbox entry is the API's text (English); the console shows it.
    let inbox_text = render(c, who, fault, &ticket, &customer_name, &notice, Language::En)?.subject;
    notifications::notify(c, &inbox, ticket.id, "major_fault", &inbox_text, who.at)?;
    if addresses.is_empty() {
        tracing::warn!(ticket = %ticket.number, "nobody with an e-mail address to send the major fault notice to");
        events::add(
            c,
            NewEvent {
                ticket_id: ticket.id,
                actor: &actor,
                kind: "mail_skipped",
                from: None,
                to: Some(kind.as_str()),
                reason: Some("nobody with an e-mail address to notify"),
                data: None,
            },
        )?;
        return Ok(());
    }
    for (lang, to) in by_language(addresses) {
        let rendered = render(c, who, fault, &ticket, &customer_name, &notice, lang)?;
        let mail = OutboxMail::new(id_domain, kind, to, rendered.subject, rendered.text)
            .html(rendered.html)
            .customer(ticket.customer_id)
            .ticket(ticket.id);
        outbox::enqueue(c, &actor, mail)?;
    }
    Ok(())
}
