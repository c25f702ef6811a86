//! Sending a report: who it goes to (the customer's account manager and the chosen contacts),
//! the e-mail rendered from the report (text and HTML parts, the report attached as an HTML
//! document), queued in the outbox in the step's transaction.

use super::Who;
use crate::db::fault_reports::{self as store, lookups, ReportRow};
use crate::db::major_faults::{display_name, local};
use crate::db::outbox::OutboxMail;
use crate::db::tickets::TicketRow;
use crate::db::{utc, DbConn};
use crate::domain::major_fault::duration_words;
use crate::error::{AppError, AppResult};
use crate::mail::{self, templates};
use crate::service::outbox;
use fieldline_mobile_api::{
    ContactId, FaultReportRecipient, FaultReportStatus as Status, MailKind, OutboxMessageId, UserId,
};

/// The send step's writes: refused when a revision corrects the report; otherwise the report is
/// claimed, its e-mail queued, and when and to whom it went recorded.
pub(super) fn send_by_mail(
    c: &mut DbConn,
    who: &Who,
    r: &ReportRow,
    ticket: &TicketRow,
    to: Status,
    id_domain: &str,
) -> AppResult<()> {
    if let Some((_, n)) = store::correction_of(c, r.id)? {
        return Err(AppError::InvalidTransition(format!(
            "revision {n} corrects this report; send that one"
        )));
    }
    let recipients = recipients(c, r)?;
    store::claim(c, r, to, who.at)?;
    let outbox_id = queue_report_mail(c, who, r, ticket, &recipients, id_domain)?;
    store::set_sent(c, r.id, who.at, who.caller.id.0, &recipients, outbox_id)
}

/// Who the report goes to: the customer's account manager (when they are active and have an
/// address) and the chosen contacts, each of whom must have an e-mail address.
fn recipients(c: &mut DbConn, r: &ReportRow) -> AppResult<Vec<FaultReportRecipient>> {
    let mut out: Vec<FaultReportRecipient> = Vec::new();
    if let Some(am) = lookups::account_manager_of(c, r.customer_id)? {
        let found = lookups::active_user_address(c, am)?;
        match found.map(|(name, email)| (name, email.as_deref().map(mail::parse_address))) {
            Some((name, Some(Ok(email)))) => out.push(FaultReportRecipient {
                name,
                email,
                contact_id: None,
                user_id: Some(UserId(am)),
            }),
            Some((_, Some(Err(why)))) => {
                tracing::warn!(user = am, %why, "the account manager's address cannot receive the fault report")
            }
            _ => tracing::warn!(
                user = am,
                "the account manager has no address (or is disabled); the fault report goes to the contacts only"
            ),
        }
    }
    for (id, name, email) in super::content::check_contacts(c, r.customer_id, &r.contact_ids()?)? {
        if !out.iter().any(|o| o.email.eq_ignore_ascii_case(&email)) {
            out.push(FaultReportRecipient {
                name,
                email,
                contact_id: Some(ContactId(id)),
                user_id: None,
            });
        }
    }
    if out.is_empty() {
        return Err(AppError::validation(
            "contact_ids",
            "nobody to send the report to: the customer's account manager has no e-mail address; choose contacts",
        ));
    }
    Ok(out)
}

/// The report's actions of one kind as the e-mail lists them.
fn action_lines(c: &mut DbConn, r: &ReportRow) -> AppResult<[Vec<templates::ActionLine>; 2]> {
    let actions = store::actions_of(c, &[r.id])?;
    let owners: Vec<i64> = actions.iter().filter_map(|a| a.owner_user_id).collect();
    let owner_names = lookups::names_of(c, &owners)?;
    let lines = |kind: &str| -> Vec<templates::ActionLine> {
        actions
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| templates::ActionLine {
                description: a.description.clone(),
                owner: match (a.owner_user_id, &a.owner_name) {
                    (Some(u), _) => owner_names.get(&u).cloned().unwrap_or_else(|| format!("user {u}")),
                    (None, n) => n.clone().unwrap_or_default(),
                },
                due_date: a.due_date.to_string(),
            })
            .collect()
    };
    Ok([lines(store::CORRECTIVE), lines(store::PREVENTIVE)])
}

/// The report as the e-mail's template reads it.
fn view(
    c: &mut DbConn,
    who: &Who,
    r: &ReportRow,
    ticket: &TicketRow,
    to: &[FaultReportRecipient],
) -> AppResult<templates::FaultReportView> {
    let tz = crate::db::sla::calendar(c)?.tz;
    let customer_name = lookups::customer_name(c, r.customer_id)?;
    let site = lookups::site_line(c, ticket.site_id)?;
    let major_fault = match r.major_fault_id {
        Some(_) => lookups::major_fault_of(c, r.ticket_id)?.map(|f| templates::MajorFaultLine {
            location: f.location,
            occurred_at: local(utc(f.occurred_at), tz),
            ended_at: f.ended_at.map(|e| local(utc(e), tz)),
        }),
        None => None,
    };
    let [corrective, preventive] = action_lines(c, r)?;
    let timeline = r
        .timeline()?
        .into_iter()
        .map(|e| templates::TimelineLine {
            at: e.at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
            text: e.text,
        })
        .collect();
    Ok(templates::FaultReportView {
        ticket_number: ticket.number.clone(),
        ticket_title: ticket.title.clone(),
        customer_name,
        site,
        major_fault,
        revision: r.revision,
        author: display_name(c, Some(r.author_id))?,
        reviewer: match r.reviewer_id {
            Some(id) => Some(display_name(c, Some(id))?),
            None => None,
        },
        approved_at: r.approved_at.map(|t| local(utc(t), tz)),
        issued_at: Some(local(who.at, tz)),
        impact_description: r.impact_description.clone(),
        customers_affected: r.customers_affected,
        sites_affected: r.sites_affected,
        assets_affected: r.assets_affected,
        downtime: duration_words(r.downtime_minutes.into()),
        timeline,
        time_zone: tz.name().to_string(),
        root_cause: r.root_cause.clone(),
        corrective,
        preventive,
        recipients: to.iter().map(|p| format!("{} <{}>", p.name, p.email)).collect(),
        sender: display_name(c, Some(who.caller.id.0))?,
    })
}

/// Writes the report's e-mail to the outbox: text and HTML parts, and the report as an HTML
/// document attached.
fn queue_report_mail(
    c: &mut DbConn,
    who: &Who,
    r: &ReportRow,
    ticket: &TicketRow,
    to: &[FaultReportRecipient],
    id_domain: &str,
) -> AppResult<OutboxMessageId> {
    let view = view(c, who, r, ticket, to)?;
    let rendered =
        templates::fault_report(&view).map_err(|e| AppError::internal(format!("fault report template: {e}")))?;
    let document = mail::Attachment::new(
        "attachment",
        &rendered.filename,
        "text/html; charset=utf-8",
        rendered.document.into_bytes(),
    )?;
    let addresses = to.iter().map(|p| p.email.clone()).collect();
    let mail = OutboxMail::new(
        id_domain,
        MailKind::FaultReport,
        addresses,
        rendered.subject,
        rendered.text,
    )
    .html(rendered.html)
    .customer(r.customer_id)
    .ticket(r.ticket_id)
    .attach(document);
    outbox::enqueue(c, &who.actor(), mail)
}
