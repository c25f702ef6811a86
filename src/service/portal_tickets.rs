//! What a customer's contact reads in the portal: the customer's tickets with what each awaits
//! from the customer, one ticket with its customer-visible timeline, quotes and visits, the
//! upcoming visits, the sites and assets. Every object is checked against the contact's
//! customer (`policy::portal`): another customer's answers "not found".
//!
//! The timeline shows only the kinds of event meant for the customer (`CUSTOMER_KINDS`):
//! internal notes, handoffs, assignments, SLA alerts and breaches, due-time changes and the
//! mail log are left out; a staff member is named by display name, the service itself as the
//! service team (no name), and only the customer's own words are shown as notes.

use crate::db::dispatch::visits::VisitRow;
use crate::db::quotes::{self as quote_store, QuoteRow};
use crate::db::tickets::lists::{self, TicketFilter, TicketSort, Total};
use crate::db::tickets::{self as store, events, TicketRow};
use crate::db::{customers, portal as portal_store, surveys, users, DbConn, Paging};
use crate::error::{AppError, AppResult};
use crate::policy::portal::{self as policy, Act, Contact};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    LadderTier, Page, PortalAsset, PortalAwaiting, PortalEvent, PortalQuote, PortalSite, PortalTicket,
    PortalTicketDetail, PortalVisit, QuoteStatus, SiteId, Ticket, TicketEvent, TicketId, TicketStatus, VisitId,
    VisitStatus,
};
use std::collections::HashMap;

/// The timeline's kinds of event a customer sees.
pub const CUSTOMER_KINDS: &[&str] = &[
    "registered",
    "started",
    "waiting",
    "resumed",
    "escalated",
    "authorization",
    "onsite_requested",
    "visit_created",
    "visit_assigned",
    "visit_reassigned",
    "visit_rescheduled",
    "visit_cancelled",
    "visit_en_route",
    "visit_checked_in",
    "visit_completed",
    "visit_failed",
    "visit_needs_revisit",
    "visit_declined_by_customer",
    "quote_made",
    "quote_approved",
    "quote_declined",
    "arrived",
    "resolved",
    "accepted",
    "reopened",
    "cancelled",
    "closed_without_answer",
    "customer_contact",
    "survey_answered",
    "file_added",
];

/// The kinds whose reason is the customer's own words, shown as the entry's note.
const CUSTOMER_WORDS: &[&str] = &["accepted", "reopened", "quote_declined", "customer_contact"];

/// The visits a customer sees as still to come or under way.
pub const UPCOMING: &[VisitStatus] = &[
    VisitStatus::Scheduled,
    VisitStatus::Assigned,
    VisitStatus::Accepted,
    VisitStatus::EnRoute,
    VisitStatus::OnSite,
];

/// The most upcoming visits listed.
const UPCOMING_MAX: i64 = 200;

/// The ticket, if the contact may take `act` on it; another customer's is "not found".
pub fn ticket_of(c: &mut DbConn, who: &Contact, id: i64, act: Act) -> AppResult<TicketRow> {
    let row = store::get(c, id)?;
    policy::check(who, act, Some(row.customer_id), || AppError::not_found("ticket", id))?;
    Ok(row)
}

/// What the ticket waits for from the customer, given whether it has a proposed quote and
/// whether its survey is answered.
pub fn awaiting(t: &Ticket, proposed_quote: bool, survey_answered: bool) -> Vec<PortalAwaiting> {
    let mut out = Vec::new();
    let open = t.status.is_open() && t.status != TicketStatus::Resolved;
    if open && !t.remote_authorized && t.ladder_tier != LadderTier::Onsite {
        out.push(PortalAwaiting::RemoteAuthorization);
    }
    if proposed_quote && t.status.is_open() {
        out.push(PortalAwaiting::QuoteAnswer);
    }
    if t.status == TicketStatus::Resolved {
        out.push(PortalAwaiting::Acceptance);
    }
    if t.status == TicketStatus::Closed && !t.closed_without_answer && !survey_answered {
        out.push(PortalAwaiting::Survey);
    }
    out
}

fn portal_ticket(t: Ticket, awaiting: Vec<PortalAwaiting>) -> PortalTicket {
    PortalTicket {
        id: t.id,
        number: t.number,
        title: t.title,
        status: t.status,
        kind: t.kind,
        ladder_tier: t.ladder_tier,
        site_id: t.site_id,
        site_name: t.site_name,
        asset_id: t.asset_id,
        product_model: t.product_model,
        serial_number: t.serial_number,
        opened_at: t.opened_at,
        updated_at: t.updated_at,
        remote_authorized: t.remote_authorized,
        awaiting,
    }
}

/// The tickets with what each awaits, in one lookup per kind for the batch.
fn with_awaiting(c: &mut DbConn, ts: Vec<Ticket>) -> AppResult<Vec<PortalTicket>> {
    let ids: Vec<i64> = ts.iter().map(|t| t.id.0).collect();
    let quoted = portal_store::with_proposed_quotes(c, &ids)?;
    let answered = portal_store::with_surveys(c, &ids)?;
    Ok(ts
        .into_iter()
        .map(|t| {
            let a = awaiting(&t, quoted.contains(&t.id.0), answered.contains(&t.id.0));
            portal_ticket(t, a)
        })
        .collect())
}

/// The customer's tickets, newest first; only the open ones with `open`.
pub fn list(
    c: &mut DbConn,
    who: &Contact,
    open: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<PortalTicket>> {
    let paging = Paging::new(limit, offset)?;
    let filter = TicketFilter {
        customer_id: Some(who.customer_id),
        open,
        ..TicketFilter::default()
    };
    let page = lists::list(c, &filter, TicketSort::Opened, paging, Total::Exact)?;
    let items = crate::service::tickets::named_all(c, page.items)?;
    let items = with_awaiting(c, items)?;
    Ok(Page {
        items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
        total_capped: page.total_capped,
    })
}

/// One ticket as the customer sees it.
pub fn summary(c: &mut DbConn, row: &TicketRow) -> AppResult<PortalTicket> {
    let t = crate::service::tickets::named(c, row.to_wire()?)?;
    Ok(with_awaiting(c, vec![t])?.remove(0))
}

/// One ticket with its customer-visible timeline, quotes and visits.
pub fn detail(c: &mut DbConn, who: &Contact, id: i64) -> AppResult<PortalTicketDetail> {
    let row = ticket_of(c, who, id, Act::ReadTickets)?;
    detail_of(c, &row)
}

/// The detail of a ticket the caller checked.
pub fn detail_of(c: &mut DbConn, row: &TicketRow) -> AppResult<PortalTicketDetail> {
    let visits = portal_store::ticket_visits(c, row.id)?;
    let quotes = portal_store::ticket_quotes(c, row.id)?;
    let timeline = timeline(c, row.id, &visits)?;
    let survey_score = match surveys::of_ticket(c, row.id)? {
        Some(s) => Some(surveys::get(c, s)?.score),
        None => None,
    };
    Ok(PortalTicketDetail {
        ticket: summary(c, row)?,
        description: row.description.clone(),
        timeline,
        quotes: quotes
            .iter()
            .map(|q| portal_quote(c, q, row.status()?.is_open()))
            .collect::<AppResult<_>>()?,
        visits: portal_visits(c, &visits)?,
        survey_score,
    })
}

/// The ticket's events meant for the customer, oldest first.
fn timeline(c: &mut DbConn, id: i64, visits: &[VisitRow]) -> AppResult<Vec<PortalEvent>> {
    let all: Vec<TicketEvent> = events::timeline(c, id)?
        .into_iter()
        .filter(|e| CUSTOMER_KINDS.contains(&e.kind.as_str()))
        .collect();
    let mut contacts: HashMap<i64, String> = HashMap::new();
    for e in &all {
        if let Some(k) = contact_of_event(e) {
            if let std::collections::hash_map::Entry::Vacant(v) = contacts.entry(k) {
                if let Ok(row) = customers::get_contact(c, k) {
                    v.insert(row.name);
                }
            }
        }
    }
    let windows: HashMap<i64, (DateTime<Utc>, DateTime<Utc>)> = visits
        .iter()
        .map(|v| (v.id, (crate::db::utc(v.window_start), crate::db::utc(v.window_end))))
        .collect();
    Ok(all
        .into_iter()
        .map(|e| {
            let by = match contact_of_event(&e) {
                Some(k) => contacts.get(&k).cloned(),
                None => e.actor_name.clone(),
            };
            let window = event_window(&e, &windows);
            PortalEvent {
                at: e.at,
                note: note_of(&e),
                kind: e.kind,
                by,
                from: e.from,
                to: e.to,
                window_start: window.map(|w| w.0),
                window_end: window.map(|w| w.1),
            }
        })
        .collect())
}

/// The entry's note: the customer's own words, or the name of the file the contact added.
fn note_of(e: &TicketEvent) -> Option<String> {
    if e.kind == "file_added" {
        let name = e.data.as_ref()?.get("filename")?.as_str()?;
        return Some(name.to_string());
    }
    CUSTOMER_WORDS
        .contains(&e.kind.as_str())
        .then(|| e.reason.clone())
        .flatten()
}

/// The contact who made the event through the portal, if one did.
fn contact_of_event(e: &TicketEvent) -> Option<i64> {
    e.data.as_ref()?.get("contact_id")?.as_i64()
}

/// A visit entry's window: its own (an on-site registration's), else its visit's now.
fn event_window(
    e: &TicketEvent,
    windows: &HashMap<i64, (DateTime<Utc>, DateTime<Utc>)>,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let data = e.data.as_ref()?;
    let read = |k: &str| data.get(k)?.as_str()?.parse::<DateTime<Utc>>().ok();
    if let (Some(s), Some(t)) = (read("window_start"), read("window_end")) {
        return Some((s, t));
    }
    windows.get(&data.get("visit_id")?.as_i64()?).copied()
}

/// A quote as the customer sees it; `ticket_open` says whether it can still be answered.
fn portal_quote(c: &mut DbConn, q: &QuoteRow, ticket_open: bool) -> AppResult<PortalQuote> {
    let status = q.status()?;
    Ok(PortalQuote {
        id: fieldline_mobile_api::QuoteId(q.id),
        ticket_id: TicketId(q.ticket_id.unwrap_or_default()),
        visit_id: VisitId(q.visit_id),
        status,
        items: quote_store::items(c, q.id)?,
        amount: q.amount,
        currency: q.currency.clone(),
        made_at: crate::db::utc(q.made_at),
        answered_by: q.answered_by.clone(),
        answered_at: q.answered_at.map(crate::db::utc),
        decline_reason: q.decline_reason.clone(),
        awaiting_answer: status == QuoteStatus::Proposed && ticket_open,
    })
}

/// One quote of the customer's tickets; another customer's is "not found".
pub fn quote(c: &mut DbConn, who: &Contact, id: i64) -> AppResult<(QuoteRow, TicketRow)> {
    let nf = || AppError::not_found("quote", id);
    let q = quote_store::get(c, id).map_err(|e| if matches!(e, AppError::NotFound(_)) { nf() } else { e })?;
    let ticket = match q.ticket_id {
        Some(t) => store::get(c, t)?,
        None => return Err(nf()),
    };
    policy::check(who, Act::AnswerQuote, Some(ticket.customer_id), nf)?;
    Ok((q, ticket))
}

/// One quote as the customer sees it.
pub fn quote_view(c: &mut DbConn, who: &Contact, id: i64) -> AppResult<PortalQuote> {
    let (q, t) = quote(c, who, id)?;
    portal_quote(c, &q, t.status()?.is_open())
}

/// Visits as the customer sees them: ticket numbers, site names, technicians' names.
fn portal_visits(c: &mut DbConn, vs: &[VisitRow]) -> AppResult<Vec<PortalVisit>> {
    let techs: Vec<i64> = vs.iter().filter_map(|v| v.technician_id).collect();
    let tickets: Vec<i64> = vs.iter().filter_map(|v| v.ticket_id).collect();
    let site_ids: Vec<i64> = vs.iter().filter_map(|v| v.site_id).collect();
    let names = users::display_names(c, &techs)?;
    let numbers = portal_store::ticket_numbers(c, &tickets)?;
    let sites = portal_store::site_names(c, &site_ids)?;
    vs.iter()
        .map(|v| {
            Ok(PortalVisit {
                id: VisitId(v.id),
                ticket_id: v.ticket_id.map(TicketId),
                ticket_number: v.ticket_id.and_then(|t| numbers.get(&t).cloned()),
                site_id: v.site_id.map(SiteId),
                site_name: v.site_id.and_then(|s| sites.get(&s).cloned()),
                status: v.status()?,
                window_start: crate::db::utc(v.window_start),
                window_end: crate::db::utc(v.window_end),
                technician_name: v.technician_id.and_then(|t| names.get(&t).cloned()),
            })
        })
        .collect()
}

/// The customer's visits still to come or under way, soonest first.
pub fn upcoming_visits(c: &mut DbConn, who: &Contact, now: DateTime<Utc>) -> AppResult<Vec<PortalVisit>> {
    let statuses: Vec<&str> = UPCOMING.iter().map(|s| s.as_str()).collect();
    let vs = portal_store::upcoming_visits(c, who.customer_id, &statuses, now, UPCOMING_MAX)?;
    portal_visits(c, &vs)
}

/// One visit of the customer's; another customer's is "not found".
pub fn visit(c: &mut DbConn, who: &Contact, id: i64) -> AppResult<PortalVisit> {
    let nf = || AppError::not_found("visit", id);
    let (v, customer) = portal_store::visit_customer(c, id)?.ok_or_else(nf)?;
    policy::check(who, Act::ReadVisits, customer, nf)?;
    Ok(portal_visits(c, &[v])?.remove(0))
}

/// The customer's sites with their assets.
pub fn sites(c: &mut DbConn, who: &Contact) -> AppResult<Vec<PortalSite>> {
    Ok(portal_store::sites_with_assets(c, who.customer_id)?
        .into_iter()
        .map(|((id, name, address), assets)| PortalSite {
            id: SiteId(id),
            name,
            address,
            assets: assets
                .into_iter()
                .map(|(id, model, serial_number)| PortalAsset {
                    id: fieldline_mobile_api::AssetId(id),
                    model,
                    serial_number,
                })
                .collect(),
        })
        .collect())
}

/// One site of the customer's; another customer's is "not found".
pub fn site(c: &mut DbConn, who: &Contact, id: i64) -> AppResult<PortalSite> {
    let nf = || AppError::not_found("site", id);
    let customer = portal_store::site_customer(c, id)?;
    policy::check(who, Act::ReadSites, customer, nf)?;
    sites(c, who)?.into_iter().find(|s| s.id.0 == id).ok_or_else(nf)
}
