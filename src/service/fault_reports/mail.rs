//! Sending a report: who it goes to (the customer's account manager and the chosen contacts),
//! the e-mail rendered from the report (text and HTML parts, the report attached as an HTML
//! document), queued in the outbox in the step's transaction.

use super::Who;
use crate::db::fault_reports::{self as store, lookups, ReportRow};
use crate::db::major_faults::display_name;
use crate::db::outbox::OutboxMail;
use crate::db::tickets::TicketRow;
use crate::db::{customers, users, utc, DbConn};
use crate::domain::language::{self, by_language, Language};
use crate::error::{AppError, AppResult};
use crate::mail::{self, templates};
use crate::service::outbox;
use fieldline_mobile_api::{
    ContactId, FaultReportMailMessage, FaultReportRecipient, FaultReportStatus as Status, MailKind, OutboxMessageId,
    UserId,
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
    let mut recipients = recipients(c, r)?;
    store::claim(c, r, to, who.at)?;
    let outbox_id = queue_report_mails(c, who, r, ticket, &mut recipients, id_domain)?;
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
                language: users::mail_languages(c, &[am])?.get(&am).copied(),
                outbox_id: None,
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
    let contacts = super::content::check_contacts(c, r.customer_id, &r.contact_ids()?)?;
    let ids: Vec<i64> = contacts.iter().map(|k| k.0).collect();
    let languages = customers::contact_languages(c, &ids)?;
    for (id, name, email) in contacts {
        if !out.iter().any(|o| o.email.eq_ignore_ascii_case(&email)) {
            out.push(FaultReportRecipient {
                name,
                email,
                contact_id: Some(ContactId(id)),
                user_id: None,
                language: Some(languages.get(&id).copied().unwrap_or_default()),
                outbox_id: None,
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
fn action_lines(c: &mut DbConn, r: &ReportRow, lang: Language) -> AppResult<[Vec<templates::ActionLine>; 2]> {
    let actions = store::actions_of(c, &[r.id])?;
    let owners: Vec<i64> = actions.iter().filter_map(|a| a.owner_user_id).collect();
    let owner_names = crate::db::users::display_names(c, &owners)?;
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
                due_date: language::date(a.due_date, lang),
            })
            .collect()
    };
    Ok([lines(store::CORRECTIVE), lines(store::PREVENTIVE)])
}

/// The report as the e-mail's template reads it, in `lang`.
fn view(
    c: &mut DbConn,
    who: &Who,
    r: &ReportRow,
    ticket: &TicketRow,
    to: &[FaultReportRecipient],
    lang: Language,
) -> AppResult<templates::FaultReportView> {
    let tz = crate::db::sla::calendar(c)?.tz;
    let customer_name = lookups::customer_name(c, r.customer_id)?;
    let site = lookups::site_line(c, ticket.site_id)?;
    let major_fault = match r.major_fault_id {
        Some(_) => lookups::major_fault_of(c, r.ticket_id)?.map(|f| templates::MajorFaultLine {
            location: f.location,
            occurred_at: language::datetime(utc(f.occurred_at), tz, lang),
            ended_at: f.ended_at.map(|e| language::datetime(utc(e), tz, lang)),
        }),
        None => None,
    };
    let [corrective, preventive] = action_lines(c, r, lang)?;
    let timeline = r
        .timeline()?
        .into_iter()
        .map(|e| templates::TimelineLine {
            at: language::datetime_bare(e.at, tz, lang),
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
        approved_at: r.approved_at.map(|t| language::datetime(utc(t), tz, lang)),
        issued_at: Some(language::datetime(who.at, tz, lang)),
        impact_description: r.impact_description.clone(),
        customers_affected: r.customers_affected,
        sites_affected: r.sites_affected,
        assets_affected: r.assets_affected,
        downtime: language::duration(r.downtime_minutes.into(), lang),
        timeline,
        time_zone: tz.name().to_string(),
        root_cause: r.root_cause.clone(),
        corrective,
        preventive,
        recipients: to.iter().map(|p| format!("{} <{}>", p.name, p.email)).collect(),
        sender: display_name(c, Some(who.caller.id.0))?,
    })
}

/// One message of the report's e-mail: its language, the addresses of its readers, and what it
/// says.
struct Message {
    lang: Language,
    addresses: Vec<String>,
    rendered: templates::RenderedReport,
}

/// The report's e-mail, one message per language its recipients read (Chinese for those
/// without a choice): text and HTML parts, and the report as an HTML document. Each recipient
/// is marked with the language of their message. The send and its preview both use this.
fn render(
    c: &mut DbConn,
    who: &Who,
    r: &ReportRow,
    ticket: &TicketRow,
    to: &mut [FaultReportRecipient],
) -> AppResult<Vec<Message>> {
    for p in to.iter_mut() {
        p.language = Some(p.language.unwrap_or_default());
    }
    let groups = by_language(
        to.iter()
            .map(|p| (p.email.clone(), p.language.unwrap_or_default()))
            .collect(),
    );
    let mut out = Vec::with_capacity(groups.len());
    for (lang, addresses) in groups {
        let view = view(c, who, r, ticket, to, lang)?;
        let rendered = templates::fault_report(&view, lang)
            .map_err(|e| AppError::internal(format!("fault report template: {e}")))?;
        out.push(Message {
            lang,
            addresses,
            rendered,
        });
    }
    Ok(out)
}

/// The e-mail the send would write now, rendered by the same code, without writing anything:
/// per message its language, recipients, subject, text and HTML parts and attachment's name.
pub(super) fn preview(
    c: &mut DbConn,
    who: &Who,
    r: &ReportRow,
    ticket: &TicketRow,
) -> AppResult<Vec<FaultReportMailMessage>> {
    let mut to = recipients(c, r)?;
    let messages = render(c, who, r, ticket, &mut to)?;
    Ok(messages
        .into_iter()
        .map(|m| FaultReportMailMessage {
            language: m.lang,
            recipients: to.iter().filter(|p| p.language == Some(m.lang)).cloned().collect(),
            subject: m.rendered.subject,
            text: m.rendered.text,
            html: m.rendered.html,
            attachment: m.rendered.filename,
        })
        .collect())
}

/// Writes the report's e-mails to the outbox (see `render`). Each recipient is marked with the
/// message they were sent; returns the first message.
fn queue_report_mails(
    c: &mut DbConn,
    who: &Who,
    r: &ReportRow,
    ticket: &TicketRow,
    to: &mut [FaultReportRecipient],
    id_domain: &str,
) -> AppResult<OutboxMessageId> {
    let mut first = None;
    for m in render(c, who, r, ticket, to)? {
        let lang = m.lang;
        let id = queue_report_mail(c, who, r, m, id_domain)?;
        for p in to.iter_mut().filter(|p| p.language == Some(lang)) {
            p.outbox_id = Some(id);
        }
        first.get_or_insert(id);
    }
    first.ok_or_else(|| AppError::internal("a fault report without recipients"))
}

/// Writes one message of the report to the outbox.
fn queue_report_mail(
    c: &mut DbConn,
    who: &Who,
    r: &ReportRow,
    m: Message,
    id_domain: &str,
) -> AppResult<OutboxMessageId> {
    let rendered = m.rendered;
    let document = mail::Attachment::new(
        "attachment",
        &rendered.filename,
        "text/html; charset=utf-8",
        rendered.document.into_bytes(),
    )?;
    let mail = OutboxMail::new(
        id_domain,
        MailKind::FaultReport,
        m.addresses,
        rendered.subject,
        rendered.text,
    )
    .html(rendered.html)
    .customer(r.customer_id)
    .ticket(r.ticket_id)
    .attach(document);
    outbox::enqueue(c, &who.actor(), mail)
}
