//! Major faults: marking a ticket (with the notice's details), handling-plan updates and the
//! fault's end. Each write, in one transaction, changes the fault, records the ticket's timeline
//! event and the audit event, puts the notice e-mail in the outbox and the people notified in
//! their inbox.
//!
//! Who is notified: the customer's account manager and every active user with the `manager`
//! role (the department managers), by e-mail when they have an address and in their inbox, plus
//! the fault's `extra_recipients` by e-mail. The list is the user records themselves: an admin
//! manages it by giving managers their role and e-mail address.

use super::audit::{self, snapshot, Actor};
use super::outbox::{self, OutboxMail};
use super::schema::{customers, major_faults, sites, tickets as tickets_t, users};
use super::tickets::{self, Change, TicketRow};
use super::{ts, utc, write, DbConn, Paging};
use crate::domain::major_fault::{self as rules, Details};
use crate::error::{AppError, AppResult};
use crate::mail::{self, templates};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    CustomerId, MailKind, MajorFault, MajorFaultId, MajorFaultNotice, Page, Role, TicketId, UserId,
};
use serde_json::json;
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = major_faults)]
struct FaultRow {
    id: i64,
    ticket_id: i64,
    occurred_at: NaiveDateTime,
    location: String,
    symptoms: String,
    handling_plan: String,
    reason: Option<String>,
    extra_recipients_json: String,
    reported_by: i64,
    reported_at: NaiveDateTime,
    updates: i32,
    ended_at: Option<NaiveDateTime>,
    ended_by: Option<i64>,
    end_summary: Option<String>,
    version: i32,
}

impl FaultRow {
    fn extra_recipients(&self) -> AppResult<Vec<String>> {
        serde_json::from_str(&self.extra_recipients_json)
            .map_err(|e| AppError::internal(format!("major fault {} recipients: {e}", self.id)))
    }
}

/// A major fault as reported, after validation.
#[derive(Debug, Clone)]
pub struct Declaration {
    pub details: Details,
    pub reason: Option<String>,
    /// Checked addresses (`mail::parse_recipients`).
    pub extra_recipients: Vec<String>,
}

/// What the notices need from the settings.
#[derive(Debug, Clone)]
pub struct NoticeSettings {
    /// The right-hand side of Message-IDs.
    pub id_domain: String,
}

fn fault_of_ticket(c: &mut DbConn, ticket_id: i64) -> AppResult<Option<FaultRow>> {
    Ok(major_faults::table
        .filter(major_faults::ticket_id.eq(ticket_id))
        .select(FaultRow::as_select())
        .first(c)
        .optional()?)
}

/// The ticket, if the user may act on its major fault (the rule of marking one: anyone in the
/// office; a technician only on a ticket they own or work, and other tickets are "not found").
fn ticket_for(c: &mut DbConn, actor: &Actor, role: Role, ticket_id: i64) -> AppResult<TicketRow> {
    let user = actor
        .id
        .ok_or_else(|| AppError::internal("a major fault needs a user"))?
        .0;
    let row = tickets::get(c, ticket_id)?;
    let involved = row.owner_id == user || row.assignee_id == Some(user);
    if role == Role::Technician && !involved {
        return Err(AppError::not_found("ticket", ticket_id));
    }
    let probe = Change::MajorFault {
        reason: None,
        details: None,
    };
    if !tickets::may(role, user, &row, &probe) {
        return Err(AppError::Forbidden(format!(
            "the {role} role may not do this to a ticket it does not own"
        )));
    }
    Ok(row)
}

fn open_fault(c: &mut DbConn, ticket: &TicketRow) -> AppResult<FaultRow> {
    let fault = fault_of_ticket(c, ticket.id)?
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
    actor: &Actor,
    role: Role,
    ticket_id: i64,
    d: Declaration,
    notices: &NoticeSettings,
    step_interval: Duration,
) -> AppResult<MajorFault> {
    let user = actor
        .id
        .ok_or_else(|| AppError::internal("a major fault needs a user"))?
        .0;
    write(c, |c| {
        let details = json!({
            "occurred_at": d.details.occurred_at, "location": d.details.location,
            "symptoms": d.details.symptoms, "handling_plan": d.details.handling_plan,
            "extra_recipients": d.extra_recipients,
        });
        // Checks who may, that the ticket is open and not a major fault yet; flips the flag
        // with its timeline event and audit record.
        tickets::change_in_tx(
            c,
            actor,
            Some(role),
            ticket_id,
            Change::MajorFault {
                reason: d.reason.clone(),
                details: Some(details),
            },
            step_interval,
        )?;
        let extra = serde_json::to_string(&d.extra_recipients).map_err(AppError::internal)?;
        let now = ts(actor.at);
        let id: i64 = diesel::insert_into(major_faults::table)
            .values((
                major_faults::ticket_id.eq(ticket_id),
                major_faults::occurred_at.eq(ts(d.details.occurred_at)),
                major_faults::location.eq(&d.details.location),
                major_faults::symptoms.eq(&d.details.symptoms),
                major_faults::handling_plan.eq(&d.details.handling_plan),
                major_faults::reason.eq(&d.reason),
                major_faults::extra_recipients_json.eq(&extra),
                major_faults::reported_by.eq(user),
                major_faults::reported_at.eq(now),
                major_faults::updates.eq(0),
                major_faults::version.eq(1),
                major_faults::updated_at.eq(now),
            ))
            .returning(major_faults::id)
            .get_result(c)?;
        let fault = get_row(c, id)?;
        let after = wire(c, &fault, actor.at)?;
        audit::record(c, actor, "major_fault", id, "create", None, snapshot(&after))?;
        send_notice(c, actor, &fault, templates::MajorFaultEvent::Opened, None, notices)?;
        wire(c, &fault, actor.at)
    })
}

/// A new handling plan for an open major fault: recorded, and a follow-up notice sent.
pub fn progress(
    c: &mut DbConn,
    actor: &Actor,
    role: Role,
    ticket_id: i64,
    handling_plan: String,
    note: Option<String>,
    notices: &NoticeSettings,
) -> AppResult<MajorFault> {
    write(c, |c| {
        let ticket = ticket_for(c, actor, role, ticket_id)?;
        let before_row = open_fault(c, &ticket)?;
        let before = wire(c, &before_row, actor.at)?;
        let n = diesel::update(
            major_faults::table
                .filter(major_faults::id.eq(before_row.id))
                .filter(major_faults::version.eq(before_row.version)),
        )
        .set((
            major_faults::handling_plan.eq(&handling_plan),
            major_faults::updates.eq(before_row.updates + 1),
            major_faults::version.eq(before_row.version + 1),
            major_faults::updated_at.eq(ts(actor.at)),
        ))
        .execute(c)?;
        if n == 0 {
            return Err(AppError::Conflict(
                "the major fault was changed meanwhile; reload it and try again".into(),
            ));
        }
        let fault = get_row(c, before_row.id)?;
        tickets::record_event(
            c,
            ticket_id,
            actor,
            "major_fault_updated",
            None,
            Some(&fault.updates.to_string()),
            note.as_deref(),
            Some(json!({"handling_plan": handling_plan, "previous_plan": before_row.handling_plan})),
        )?;
        let after = wire(c, &fault, actor.at)?;
        audit::record(
            c,
            actor,
            "major_fault",
            fault.id,
            "update",
            snapshot(&before),
            snapshot(&after),
        )?;
        let event = templates::MajorFaultEvent::Updated(fault.updates);
        send_notice(c, actor, &fault, event, note.as_deref(), notices)?;
        wire(c, &fault, actor.at)
    })
}

/// The end of a major fault: recorded, and the closing notice sent.
pub fn end(
    c: &mut DbConn,
    actor: &Actor,
    role: Role,
    ticket_id: i64,
    ended_at: DateTime<Utc>,
    summary: Option<String>,
    notices: &NoticeSettings,
) -> AppResult<MajorFault> {
    let user = actor
        .id
        .ok_or_else(|| AppError::internal("a major fault needs a user"))?
        .0;
    write(c, |c| {
        let ticket = ticket_for(c, actor, role, ticket_id)?;
        let before_row = open_fault(c, &ticket)?;
        rules::check_end(utc(before_row.occurred_at), ended_at, actor.at)?;
        let before = wire(c, &before_row, actor.at)?;
        let n = diesel::update(
            major_faults::table
                .filter(major_faults::id.eq(before_row.id))
                .filter(major_faults::version.eq(before_row.version)),
        )
        .set((
            major_faults::ended_at.eq(Some(ts(ended_at))),
            major_faults::ended_by.eq(Some(user)),
            major_faults::end_summary.eq(&summary),
            major_faults::version.eq(before_row.version + 1),
            major_faults::updated_at.eq(ts(actor.at)),
        ))
        .execute(c)?;
        if n == 0 {
            return Err(AppError::Conflict(
                "the major fault was changed meanwhile; reload it and try again".into(),
            ));
        }
        let fault = get_row(c, before_row.id)?;
        let minutes = rules::elapsed_minutes(utc(fault.occurred_at), Some(ended_at), actor.at);
        tickets::record_event(
            c,
            ticket_id,
            actor,
            "major_fault_ended",
            None,
            Some(&ended_at.to_rfc3339()),
            summary.as_deref(),
            Some(json!({"ended_at": ended_at, "lasted_minutes": minutes})),
        )?;
        let after = wire(c, &fault, actor.at)?;
        audit::record(
            c,
            actor,
            "major_fault",
            fault.id,
            "end",
            snapshot(&before),
            snapshot(&after),
        )?;
        send_notice(c, actor, &fault, templates::MajorFaultEvent::Ended, None, notices)?;
        wire(c, &fault, actor.at)
    })
}

fn get_row(c: &mut DbConn, id: i64) -> AppResult<FaultRow> {
    major_faults::table
        .find(id)
        .select(FaultRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("major fault", id))
}

/// Who hears of a major fault: (addresses, users for the inbox).
fn audience(c: &mut DbConn, account_manager: Option<i64>, extra: &[String]) -> AppResult<(Vec<String>, Vec<i64>)> {
    let mut people: Vec<(i64, Option<String>)> = users::table
        .filter(users::role.eq(Role::Manager.as_str()))
        .filter(users::active.eq(true))
        .order(users::id)
        .select((users::id, users::email))
        .load(c)?;
    if let Some(am) = account_manager {
        let found: Option<(i64, Option<String>)> = users::table
            .find(am)
            .filter(users::active.eq(true))
            .select((users::id, users::email))
            .first(c)
            .optional()?;
        if let Some(p) = found {
            people.insert(0, p);
        }
    }
    let mut seen = std::collections::HashSet::new();
    people.retain(|p| seen.insert(p.0));
    let mut addresses: Vec<String> = Vec::new();
    let mut push = |a: String| {
        if !addresses.iter().any(|x| x.eq_ignore_ascii_case(&a)) {
            addresses.push(a);
        }
    };
    for (id, email) in &people {
        match email.as_deref().map(mail::parse_address) {
            Some(Ok(a)) => push(a),
            Some(Err(why)) => tracing::warn!(user = id, %why, "a major fault notice skips a stored address"),
            None => {}
        }
    }
    for a in extra {
        push(a.clone());
    }
    Ok((addresses, people.into_iter().map(|p| p.0).collect()))
}

/// A user's display name (`Fieldline` for the service itself).
pub(crate) fn display_name(c: &mut DbConn, id: Option<i64>) -> AppResult<String> {
    Ok(match id {
        Some(id) => users::table
            .find(id)
            .select(users::display_name)
            .first::<String>(c)
            .optional()?
            .unwrap_or_else(|| format!("user {id}")),
        None => "Fieldline".into(),
    })
}

/// A time as the business reads it: in the calendar's zone.
pub(crate) fn local(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    format!("{} ({})", t.with_timezone(&tz).format("%Y-%m-%d %H:%M"), tz.name())
}

/// Writes the notice to the outbox (when anyone has an address) and the inbox entries.
fn send_notice(
    c: &mut DbConn,
    actor: &Actor,
    fault: &FaultRow,
    event: templates::MajorFaultEvent,
    note: Option<&str>,
    settings: &NoticeSettings,
) -> AppResult<()> {
    let ticket = tickets::get(c, fault.ticket_id)?;
    let (customer_name, account_manager): (String, Option<i64>) = customers::table
        .find(ticket.customer_id)
        .select((customers::name, customers::account_manager_id))
        .first(c)?;
    let site = match ticket.site_id {
        Some(s) => sites::table
            .find(s)
            .select((sites::name, sites::address))
            .first::<(String, String)>(c)
            .optional()?
            .map(|(n, a)| format!("{n}, {a}")),
        None => None,
    };
    let tz = super::sla::calendar(c)?.tz;
    let occurred = utc(fault.occurred_at);
    let ended = fault.ended_at.map(utc);
    let minutes = rules::elapsed_minutes(occurred, ended, actor.at);
    let rendered = templates::major_fault(&templates::MajorFaultNotice {
        event,
        ticket_number: ticket.number.clone(),
        ticket_title: ticket.title.clone(),
        customer_name: customer_name.clone(),
        site,
        location: fault.location.clone(),
        occurred_at: local(occurred, tz),
        ended_at: ended.map(|e| local(e, tz)),
        duration: rules::duration_words(minutes),
        reported_by: display_name(c, Some(fault.reported_by))?,
        reason: fault.reason.clone(),
        symptoms: fault.symptoms.clone(),
        handling_plan: fault.handling_plan.clone(),
        note: note.map(str::to_string),
        end_summary: fault.end_summary.clone(),
        sender: display_name(c, actor.id.map(|u| u.0))?,
    })
    .map_err(|e| AppError::internal(format!("major fault template: {e}")))?;
    let kind = match event {
        templates::MajorFaultEvent::Opened => MailKind::MajorFaultNotice,
        templates::MajorFaultEvent::Updated(_) => MailKind::MajorFaultUpdate,
        templates::MajorFaultEvent::Ended => MailKind::MajorFaultEnd,
    };
    let (addresses, inbox) = audience(c, account_manager, &fault.extra_recipients()?)?;
    super::notifications::notify(c, &inbox, ticket.id, "major_fault", &rendered.subject, actor.at)?;
    if addresses.is_empty() {
        tracing::warn!(ticket = %ticket.number, "nobody with an e-mail address to send the major fault notice to");
        tickets::record_event(
            c,
            ticket.id,
            actor,
            "mail_skipped",
            None,
            Some(kind.as_str()),
            Some("nobody with an e-mail address to notify"),
            None,
        )?;
        return Ok(());
    }
    let mail = OutboxMail::new(&settings.id_domain, kind, addresses, rendered.subject, rendered.text)
        .html(rendered.html)
        .customer(ticket.customer_id)
        .ticket(ticket.id);
    outbox::enqueue(c, actor, mail)?;
    Ok(())
}

// ---------------------------------------------------------------- reading

fn wire(c: &mut DbConn, f: &FaultRow, now: DateTime<Utc>) -> AppResult<MajorFault> {
    wires(c, std::slice::from_ref(f), now)?
        .pop()
        .ok_or_else(|| AppError::internal("a major fault went missing"))
}

const NOTICE_KINDS: &[MailKind] = &[
    MailKind::MajorFaultNotice,
    MailKind::MajorFaultUpdate,
    MailKind::MajorFaultEnd,
];

fn wires(c: &mut DbConn, rows: &[FaultRow], now: DateTime<Utc>) -> AppResult<Vec<MajorFault>> {
    let ticket_ids: Vec<i64> = rows.iter().map(|r| r.ticket_id).collect();
    let heads: Vec<(i64, String, i64, String)> = tickets_t::table
        .inner_join(customers::table)
        .filter(tickets_t::id.eq_any(&ticket_ids))
        .select((tickets_t::id, tickets_t::number, customers::id, customers::name))
        .load(c)?;
    let heads: HashMap<i64, (String, i64, String)> =
        heads.into_iter().map(|(id, n, cu, name)| (id, (n, cu, name))).collect();
    let mut notices: HashMap<i64, Vec<MajorFaultNotice>> = HashMap::new();
    for m in outbox::for_tickets(c, &ticket_ids, NOTICE_KINDS)? {
        if let Some(t) = m.ticket_id {
            notices.entry(t.0).or_default().push(MajorFaultNotice {
                outbox_id: m.id,
                kind: m.kind,
                recipients: m.recipients,
                status: m.status,
                created_at: m.created_at,
                sent_at: m.sent_at,
            });
        }
    }
    rows.iter()
        .map(|r| {
            let (number, customer_id, customer_name) = heads
                .get(&r.ticket_id)
                .cloned()
                .ok_or_else(|| AppError::internal(format!("major fault {} has no ticket", r.id)))?;
            let occurred = utc(r.occurred_at);
            let ended = r.ended_at.map(utc);
            Ok(MajorFault {
                id: MajorFaultId(r.id),
                ticket_id: TicketId(r.ticket_id),
                ticket_number: number,
                customer_id: CustomerId(customer_id),
                customer_name,
                occurred_at: occurred,
                location: r.location.clone(),
                symptoms: r.symptoms.clone(),
                handling_plan: r.handling_plan.clone(),
                reason: r.reason.clone(),
                extra_recipients: r.extra_recipients()?,
                reported_by: UserId(r.reported_by),
                reported_at: utc(r.reported_at),
                updates: r.updates,
                ended_at: ended,
                ended_by: r.ended_by.map(UserId),
                end_summary: r.end_summary.clone(),
                open: ended.is_none(),
                elapsed_minutes: rules::elapsed_minutes(occurred, ended, now),
                notices: notices.remove(&r.ticket_id).unwrap_or_default(),
            })
        })
        .collect()
}

/// The major fault of a ticket (the caller checks that the user may see the ticket).
pub fn of_ticket(c: &mut DbConn, ticket_id: i64, now: DateTime<Utc>) -> AppResult<MajorFault> {
    let row = fault_of_ticket(c, ticket_id)?
        .ok_or_else(|| AppError::NotFound(format!("ticket {ticket_id} is not a major fault")))?;
    wire(c, &row, now)
}

/// Major faults, open ones first, each group longest-running first.
pub fn list(c: &mut DbConn, open: Option<bool>, paging: Paging, now: DateTime<Utc>) -> AppResult<Page<MajorFault>> {
    let query = || {
        let mut q = major_faults::table.into_boxed();
        match open {
            Some(true) => q = q.filter(major_faults::ended_at.is_null()),
            Some(false) => q = q.filter(major_faults::ended_at.is_not_null()),
            None => {}
        }
        q
    };
    let total = query().count().get_result(c)?;
    let rows: Vec<FaultRow> = query()
        .order((
            major_faults::ended_at.is_not_null(),
            major_faults::occurred_at.asc(),
            major_faults::id.asc(),
        ))
        .limit(paging.limit)
        .offset(paging.offset)
        .select(FaultRow::as_select())
        .load(c)?;
    let items = wires(c, &rows, now)?;
    Ok(paging.page(items, total))
}
