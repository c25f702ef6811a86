//! Resolved tickets the customer has not answered (`domain::acceptance` decides when): brought
//! back to the customer once — the owner notified to call, the contact e-mailed how to accept or
//! object — and later closed without acceptance, counted apart. Each ticket in a transaction of
//! its own, written only if nobody changed it meanwhile, by the service itself.

use super::surveys::contact_address;
use super::tickets_changes::{end_onsite_work, refresh_next_check};
use crate::config::Settings;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::outbox::OutboxMail;
use crate::db::tickets::events::{self, NewEvent};
use crate::db::tickets::{self as store, TicketRow};
use crate::db::{customers, notifications, sla as sla_policy, ts, users, utc, write, DbConn};
use crate::domain::acceptance::{self, Unanswered};
use crate::domain::language;
use crate::domain::sla::Calendar;
use crate::error::{AppError, AppResult};
use crate::mail::templates;
use crate::service::outbox;
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{MailKind, TicketStatus};

/// The most resolved tickets one run looks at (the oldest first); the next run goes on.
const BATCH: i64 = 1000;

/// Reminds or closes the resolved tickets that are due; returns (tickets looked at, tickets
/// reminded or closed).
pub fn scan_unanswered(
    c: &mut DbConn,
    now: DateTime<Utc>,
    settings: &Settings,
    id_domain: &str,
) -> AppResult<(i64, i64)> {
    let days = (settings.acceptance_reminder_days, settings.acceptance_close_days);
    if days == (0, 0) {
        return Ok((0, 0));
    }
    let cal = sla_policy::calendar(c)?;
    let resolved = store::resolved_oldest_first(c, BATCH)?;
    let mut acted = 0;
    for (id, resolved_at, reminded_at) in &resolved {
        let due = acceptance::unanswered(&cal, utc(*resolved_at), reminded_at.is_some(), now, days);
        let done = match due {
            Unanswered::Wait => false,
            Unanswered::Remind => write(c, |c| remind(c, *id, now, &cal, settings, id_domain))?,
            Unanswered::Close => write(c, |c| close(c, *id, now, settings))?,
        };
        acted += i64::from(done);
    }
    Ok((resolved.len() as i64, acted))
}

/// The ticket as it is now, if it still waits for the customer's answer.
fn still_resolved(c: &mut DbConn, id: i64) -> AppResult<Option<TicketRow>> {
    let row = store::get(c, id)?;
    Ok((row.status()? == TicketStatus::Resolved).then_some(row))
}

/// Brings the ticket back to the customer: the owner is notified to call, the contact e-mailed.
fn remind(
    c: &mut DbConn,
    id: i64,
    now: DateTime<Utc>,
    cal: &Calendar,
    settings: &Settings,
    id_domain: &str,
) -> AppResult<bool> {
    let Some(before) = still_resolved(c, id)? else {
        return Ok(false);
    };
    if before.acceptance_reminded_at.is_some() {
        return Ok(false);
    }
    let actor = Actor::system(now);
    let mut row = before.clone();
    row.acceptance_reminded_at = Some(ts(now));
    store::save(c, &before, &mut row, now)?;
    let reason = format!(
        "the customer has not answered in {} working days",
        settings.acceptance_reminder_days
    );
    events::add(
        c,
        NewEvent::new(id, &actor, "acceptance_reminded").reason(Some(&reason)),
    )?;
    let msg = format!(
        "Ticket {} was resolved and the customer has not answered: call them for their acceptance",
        row.number
    );
    notifications::notify(c, &[row.owner_id], id, "acceptance_reminder", &msg, now)?;
    if let Some(address) = contact_address(c, &actor, &row, MailKind::AcceptanceReminder)? {
        let resolved_at = row
            .resolved_at
            .map(utc)
            .ok_or_else(|| AppError::internal("a resolved ticket without its resolution time"))?;
        let closes_on = acceptance::due_day(cal, resolved_at, settings.acceptance_close_days);
        let lang = customers::contact_language(c, row.contact_id)?;
        let rendered = templates::acceptance_reminder(
            &templates::AcceptanceReminder {
                ticket_number: row.number.clone(),
                ticket_title: row.title.clone(),
                contact_name: row.contact_name.clone(),
                owner_name: users::get(c, row.owner_id)?.display_name,
                resolved_at: language::datetime(resolved_at, cal.tz, lang),
                closes_on: language::date_in(closes_on, cal.tz, lang),
            },
            lang,
        )
        .map_err(|e| AppError::internal(format!("acceptance reminder template: {e}")))?;
        let mail = OutboxMail::new(
            id_domain,
            MailKind::AcceptanceReminder,
            vec![address],
            rendered.subject,
            rendered.text,
        )
        .html(rendered.html)
        .customer(row.customer_id)
        .ticket(id);
        outbox::enqueue(c, &actor, mail)?;
    }
    let (before, after) = (snapshot(&before.to_wire()?), snapshot(&row.to_wire()?));
    audit::record(c, &actor, "ticket", id, "acceptance_reminder", before, after)?;
    Ok(true)
}

/// Closes the ticket without the customer's acceptance; its on-site work not yet started ends.
fn close(c: &mut DbConn, id: i64, now: DateTime<Utc>, settings: &Settings) -> AppResult<bool> {
    let Some(before) = still_resolved(c, id)? else {
        return Ok(false);
    };
    let actor = Actor::system(now);
    let mut row = before.clone();
    row.status = TicketStatus::Closed.as_str().into();
    row.closed_at = Some(ts(now));
    row.closed_without_answer = true;
    refresh_next_check(&mut row, settings.escalation_step())?;
    store::save(c, &before, &mut row, now)?;
    let reason = format!(
        "the customer did not answer in {} working days",
        settings.acceptance_close_days
    );
    let e = NewEvent::new(id, &actor, "closed_without_answer").from_to(Some(&before.status), Some(&row.status));
    events::add(c, e.reason(Some(&reason)))?;
    end_onsite_work(c, id, &actor, "the ticket was closed without an answer")?;
    let msg = format!(
        "Ticket {} was closed without the customer's answer ({reason})",
        row.number
    );
    notifications::notify(c, &[row.owner_id], id, "closed_without_answer", &msg, now)?;
    let (before, after) = (snapshot(&before.to_wire()?), snapshot(&row.to_wire()?));
    audit::record(c, &actor, "ticket", id, "close_without_answer", before, after)?;
    Ok(true)
}
