//! What a report holds, checked against the ticket and the users: its author, its actions'
//! owners and due dates, its contacts; the first draft's impact and handling timeline; the
//! completeness a submission needs.

use super::Who;
use crate::db::fault_reports::{self as store, lookups, ReportRow};
use crate::db::tickets::{self, TicketRow};
use crate::db::{utc, DbConn};
use crate::domain::fault_report::{self as rules, Action, ActionInput, Entry, Impact, Owner};
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::policy::fault_reports as policy;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// An active user who may write reports (a supervisor or a technician).
pub(super) fn check_author(c: &mut DbConn, id: i64) -> AppResult<()> {
    let Some((role, active)) = lookups::role_of(c, id)? else {
        return Err(AppError::validation("author_id", format!("no user with id {id}")));
    };
    if !active {
        return Err(AppError::validation("author_id", format!("user {id} is disabled")));
    }
    match policy::author_role(&role) {
        Some((_, true)) => Ok(()),
        Some((r, false)) => Err(AppError::validation(
            "author_id",
            format!("a {r} cannot author a fault report: name a supervisor or a technician"),
        )),
        None => Err(AppError::internal(format!("user {id} has unknown role"))),
    }
}

/// The local calendar day of a moment.
fn local_day(t: DateTime<Utc>, tz: chrono_tz::Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The day the ticket was opened and today, in the business calendar's zone.
pub(super) fn days(c: &mut DbConn, ticket: &TicketRow, who: &Who) -> AppResult<(NaiveDate, NaiveDate)> {
    let tz = crate::db::sla::calendar(c)?.tz;
    Ok((local_day(utc(ticket.opened_at), tz), local_day(who.at, tz)))
}

/// Checks a list of actions against the ticket (due dates) and the users (owners).
pub(super) fn check_actions(
    c: &mut DbConn,
    field: &str,
    given: Vec<ActionInput>,
    opened_on: NaiveDate,
    today: NaiveDate,
) -> AppResult<Vec<Action>> {
    let list = rules::actions(field, given, opened_on, today)?;
    let ids: Vec<i64> = list
        .iter()
        .filter_map(|a| match a.owner {
            Owner::User(u) => Some(u),
            Owner::Name(_) => None,
        })
        .collect();
    let active = lookups::active_among(c, &ids)?;
    for (i, a) in list.iter().enumerate() {
        if let Owner::User(u) = a.owner {
            if !active.contains(&u) {
                return Err(AppError::validation(
                    format!("{field}[{i}].owner_user_id"),
                    format!("no active user with id {u}"),
                ));
            }
        }
    }
    Ok(list)
}

/// A contact's checked address, or why it cannot receive the report (naming `field`).
fn contact_address(field: &str, id: i64, name: &str, email: Option<&str>) -> AppResult<String> {
    let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else {
        return Err(AppError::validation(
            field,
            format!("contact {id} ({name}) has no e-mail address"),
        ));
    };
    mail::parse_address(email).map_err(|why| AppError::validation(field, format!("contact {id} ({name}): {why}")))
}

/// The customer's contacts as chosen: each a contact of the customer with an e-mail address.
/// Returns (id, name, address), duplicates dropped.
pub(super) fn check_contacts(c: &mut DbConn, customer_id: i64, ids: &[i64]) -> AppResult<Vec<(i64, String, String)>> {
    if ids.len() > rules::CONTACTS_MAX {
        return Err(AppError::validation(
            "contact_ids",
            format!("at most {} contacts", rules::CONTACTS_MAX),
        ));
    }
    let found = lookups::contacts_by_id(c, ids)?;
    let mut out: Vec<(i64, String, String)> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let field = format!("contact_ids[{i}]");
        let (name, email) = match found.get(id) {
            Some((cu, name, email)) if *cu == customer_id => (name, email),
            _ => {
                return Err(AppError::validation(
                    field,
                    format!("the ticket's customer has no contact with id {id}"),
                ))
            }
        };
        let address = contact_address(&field, *id, name, email.as_deref())?;
        if !out.iter().any(|(seen, _, _)| seen == id) {
            out.push((*id, name.clone(), address));
        }
    }
    Ok(out)
}

/// What a report must hold before it goes for review (422 naming the first gap).
pub(super) fn check_complete(c: &mut DbConn, r: &ReportRow) -> AppResult<()> {
    let actions = store::actions_of(c, &[r.id])?;
    let of = |kind: &str| -> Vec<Action> {
        actions
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.to_domain())
            .collect()
    };
    let timeline: Vec<Entry> = r
        .timeline()?
        .into_iter()
        .map(|e| Entry { at: e.at, text: e.text })
        .collect();
    rules::check_complete(&rules::Content {
        impact: &r.impact(),
        timeline: &timeline,
        root_cause: &r.root_cause,
        corrective: &of(store::CORRECTIVE),
        preventive: &of(store::PREVENTIVE),
    })?;
    Ok(())
}

/// The first draft's impact: what the major fault (or the ticket) says, one customer, the
/// ticket's site and asset, the downtime as far as it is known.
pub(super) fn first_impact(ticket: &TicketRow, fault: Option<&lookups::MajorFaultFacts>) -> Impact {
    let description = match fault {
        Some(f) => format!("{}\n\nLocation: {}", f.symptoms, f.location),
        None => format!("{}\n\n{}", ticket.title, ticket.description),
    };
    let downtime = rules::downtime_minutes(
        fault.map(|f| (utc(f.occurred_at), f.ended_at.map(utc))),
        utc(ticket.opened_at),
        ticket.resolved_at.map(utc),
        ticket.closed_at.map(utc),
    )
    .unwrap_or(0);
    let description: String = description.chars().take(rules::IMPACT_DESCRIPTION_MAX).collect();
    Impact {
        description: description.trim().to_string(),
        customers_affected: 1,
        sites_affected: i32::from(ticket.site_id.is_some()),
        assets_affected: i32::from(ticket.asset_id.is_some()),
        downtime_minutes: downtime,
    }
}

/// How the fault was handled, as the ticket recorded it: its events, with what its visits add
/// (who went, where, what they did).
pub(super) fn handling_timeline(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<Entry>> {
    let events = tickets::timeline(c, ticket_id)?;
    let visit_rows = lookups::visits_of(c, ticket_id)?;
    let mut people: Vec<i64> = events.iter().filter_map(|e| e.actor_id.map(|u| u.0)).collect();
    people.extend(visit_rows.iter().filter_map(|v| v.1));
    let names = crate::db::users::display_names(c, &people)?;
    let site_ids: Vec<i64> = visit_rows.iter().filter_map(|v| v.2).collect();
    let site_names = lookups::site_names(c, &site_ids)?;
    let visits: HashMap<i64, &lookups::VisitFacts> = visit_rows.iter().map(|v| (v.0, v)).collect();
    let mut out = Vec::new();
    for e in &events {
        let visit = e
            .data
            .as_ref()
            .and_then(|d| d.get("visit_id"))
            .and_then(|v| v.as_i64())
            .and_then(|id| visits.get(&id))
            .map(|v| rules::VisitFacts {
                technician: v.1.and_then(|t| names.get(&t)).map(String::as_str),
                site: v.2.and_then(|s| site_names.get(&s)).map(String::as_str),
                work_notes: v.3.as_deref(),
                outcome_reason: v.4.as_deref(),
            });
        let facts = rules::EventFacts {
            kind: &e.kind,
            from: e.from.as_deref(),
            to: e.to.as_deref(),
            reason: e.reason.as_deref(),
            actor: e.actor_id.and_then(|u| names.get(&u.0)).map(String::as_str),
            visit,
        };
        if let Some(text) = rules::describe(&facts) {
            out.push(Entry { at: e.at, text });
        }
        if out.len() == rules::TIMELINE_MAX {
            break;
        }
    }
    Ok(out)
}
