//! Fault analysis reports: the first draft (prefilled from the ticket, its major fault and its
//! visits), edits with optimistic concurrency, the review steps, sending through the outbox, and
//! corrected revisions. Each write runs in one transaction with its audit event; each step of
//! the workflow also records a ticket event (the ticket's timeline tells the report's story).
//!
//! Who reads what: supervisors (and admins) every report; an account manager the reports of the
//! customers they manage; a technician the reports they author. Anyone else is refused (403),
//! and a report outside what the caller may read is "not found".

use super::audit::{self, snapshot, Actor};
use super::major_faults::{display_name, local};
use super::outbox::{self, OutboxMail};
use super::schema::{
    contacts, customers, fault_report_actions, fault_reports, major_faults, sites, tickets as tickets_t, users, visits,
};
use super::tickets::{self, TicketRow};
use super::{ts, utc, write, DbConn, Paging};
use crate::domain::fault_report::{self as rules, Action, ActionInput, Entry, Impact, Owner, Refusal, Step};
use crate::domain::major_fault::duration_words;
use crate::error::{AppError, AppResult};
use crate::mail::{self, templates};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    ContactId, CustomerId, FaultImpact, FaultReport, FaultReportAction, FaultReportId, FaultReportRecipient,
    FaultReportStatus as Status, FaultTimelineEntry, MailKind, MajorFaultId, OutboxMessageId, Page, Role, TicketId,
    UserId,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// The entity name of reports in the audit trail.
const ENTITY: &str = "fault_report";
const CORRECTIVE: &str = "corrective";
const PREVENTIVE: &str = "preventive";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fault_reports)]
struct ReportRow {
    id: i64,
    ticket_id: i64,
    customer_id: i64,
    major_fault_id: Option<i64>,
    revision: i32,
    previous_id: Option<i64>,
    status: String,
    author_id: i64,
    created_by: i64,
    impact_description: String,
    customers_affected: i32,
    sites_affected: i32,
    assets_affected: i32,
    downtime_minutes: i32,
    timeline_json: String,
    root_cause: String,
    contact_ids_json: String,
    submitted_at: Option<NaiveDateTime>,
    reviewer_id: Option<i64>,
    reviewed_at: Option<NaiveDateTime>,
    review_comments: Option<String>,
    approved_at: Option<NaiveDateTime>,
    sent_at: Option<NaiveDateTime>,
    sent_by: Option<i64>,
    recipients_json: Option<String>,
    outbox_id: Option<i64>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn stored<T: serde::de::DeserializeOwned>(id: i64, what: &str, json: &str) -> AppResult<T> {
    serde_json::from_str(json).map_err(|e| AppError::internal(format!("fault report {id} {what}: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(AppError::internal)
}

impl ReportRow {
    fn status(&self) -> AppResult<Status> {
        Status::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("fault report {} has unknown status", self.id)))
    }

    fn timeline(&self) -> AppResult<Vec<FaultTimelineEntry>> {
        stored(self.id, "timeline", &self.timeline_json)
    }

    fn contact_ids(&self) -> AppResult<Vec<i64>> {
        stored(self.id, "contacts", &self.contact_ids_json)
    }

    fn recipients(&self) -> AppResult<Vec<FaultReportRecipient>> {
        match &self.recipients_json {
            Some(j) => stored(self.id, "recipients", j),
            None => Ok(Vec::new()),
        }
    }

    fn impact(&self) -> Impact {
        Impact {
            description: self.impact_description.clone(),
            customers_affected: self.customers_affected,
            sites_affected: self.sites_affected,
            assets_affected: self.assets_affected,
            downtime_minutes: self.downtime_minutes,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fault_report_actions)]
struct ActionRow {
    report_id: i64,
    kind: String,
    description: String,
    owner_user_id: Option<i64>,
    owner_name: Option<String>,
    due_date: NaiveDate,
}

impl ActionRow {
    fn to_wire(&self) -> FaultReportAction {
        FaultReportAction {
            description: self.description.clone(),
            owner_user_id: self.owner_user_id.map(UserId),
            owner_name: self.owner_name.clone(),
            due_date: self.due_date,
        }
    }

    fn to_domain(&self) -> Action {
        Action {
            description: self.description.clone(),
            owner: match (self.owner_user_id, &self.owner_name) {
                (Some(u), _) => Owner::User(u),
                (None, name) => Owner::Name(name.clone().unwrap_or_default()),
            },
            due_date: self.due_date,
        }
    }
}

/// Who is asking.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub id: i64,
    pub role: Role,
}

/// The roles that read reports at all (each within its own reach).
pub fn reads_reports(role: Role) -> bool {
    matches!(
        role,
        Role::Supervisor | Role::Admin | Role::AccountManager | Role::Technician
    )
}

/// What an edit changes; `None` leaves a part as it is. Text and the timeline were checked by
/// the caller; actions, contacts and the author are checked here against the ticket.
#[derive(Debug, Default)]
pub struct Edit {
    pub impact: Option<Impact>,
    pub timeline: Option<Vec<Entry>>,
    pub root_cause: Option<String>,
    pub corrective: Option<Vec<ActionInput>>,
    pub preventive: Option<Vec<ActionInput>>,
    pub contact_ids: Option<Vec<i64>>,
    pub author_id: Option<i64>,
}

/// What the e-mail needs from the settings.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The right-hand side of Message-IDs.
    pub id_domain: String,
}

fn refusal(r: Refusal) -> AppError {
    if r.is_permission() {
        AppError::Forbidden(r.to_string())
    } else {
        AppError::InvalidTransition(r.to_string())
    }
}

fn user_of(actor: &Actor) -> AppResult<i64> {
    Ok(actor
        .id
        .ok_or_else(|| AppError::internal("a fault report change needs a user"))?
        .0)
}

fn row(c: &mut DbConn, id: i64) -> AppResult<ReportRow> {
    fault_reports::table
        .find(id)
        .select(ReportRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("fault report", id))
}

/// Refuses a report the viewer may not read: "not found" for one outside their reach.
fn check_visible(c: &mut DbConn, v: Viewer, r: &ReportRow) -> AppResult<()> {
    let visible = match v.role {
        Role::Supervisor | Role::Admin => true,
        Role::Technician => r.author_id == v.id,
        Role::AccountManager => {
            let manager: Option<i64> = customers::table
                .find(r.customer_id)
                .select(customers::account_manager_id)
                .first(c)?;
            manager == Some(v.id)
        }
        role => {
            return Err(AppError::Forbidden(format!(
                "the {role} role may not read fault analysis reports"
            )))
        }
    };
    if visible {
        Ok(())
    } else {
        Err(AppError::not_found("fault report", r.id))
    }
}

/// The report, if the viewer may read it and take the step.
fn for_step(c: &mut DbConn, v: Viewer, id: i64, step: Step) -> AppResult<ReportRow> {
    let r = row(c, id)?;
    check_visible(c, v, &r)?;
    rules::may(v.role, v.id, r.author_id, step).map_err(refusal)?;
    Ok(r)
}

/// 412 with the report as it is now.
fn stale(c: &mut DbConn, r: &ReportRow) -> AppError {
    match wire(c, r).and_then(|w| serde_json::to_value(w).map_err(AppError::internal)) {
        Ok(current) => AppError::PreconditionFailed { current },
        Err(e) => e,
    }
}

fn check_version(c: &mut DbConn, r: &ReportRow, expected: Option<i32>) -> AppResult<()> {
    match expected {
        Some(v) if v != r.version => Err(stale(c, r)),
        _ => Ok(()),
    }
}

/// Claims the report for a change: bumps its version if nobody changed it since it was read.
fn claim(c: &mut DbConn, r: &ReportRow, status: Status, at: DateTime<Utc>) -> AppResult<()> {
    let n = diesel::update(
        fault_reports::table
            .filter(fault_reports::id.eq(r.id))
            .filter(fault_reports::version.eq(r.version)),
    )
    .set((
        fault_reports::status.eq(status.as_str()),
        fault_reports::version.eq(r.version + 1),
        fault_reports::updated_at.eq(ts(at)),
    ))
    .execute(c)?;
    if n == 0 {
        let now = row(c, r.id)?;
        return Err(stale(c, &now));
    }
    Ok(())
}

/// An active user who may write reports (a supervisor or a technician).
fn check_author(c: &mut DbConn, id: i64) -> AppResult<()> {
    let found: Option<(String, bool)> = users::table
        .find(id)
        .select((users::role, users::active))
        .first(c)
        .optional()?;
    let Some((role, active)) = found else {
        return Err(AppError::validation("author_id", format!("no user with id {id}")));
    };
    if !active {
        return Err(AppError::validation("author_id", format!("user {id} is disabled")));
    }
    match Role::parse(&role) {
        Some(r) if rules::may_author(r) => Ok(()),
        Some(r) => Err(AppError::validation(
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

/// Checks a list of actions against the ticket (due dates) and the users (owners).
fn check_actions(
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
    let active: HashSet<i64> = users::table
        .filter(users::id.eq_any(&ids))
        .filter(users::active.eq(true))
        .select(users::id)
        .load::<i64>(c)?
        .into_iter()
        .collect();
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
fn check_contacts(c: &mut DbConn, customer_id: i64, ids: &[i64]) -> AppResult<Vec<(i64, String, String)>> {
    if ids.len() > rules::CONTACTS_MAX {
        return Err(AppError::validation(
            "contact_ids",
            format!("at most {} contacts", rules::CONTACTS_MAX),
        ));
    }
    let found: HashMap<i64, (i64, String, Option<String>)> = contacts::table
        .filter(contacts::id.eq_any(ids))
        .select((contacts::id, contacts::customer_id, contacts::name, contacts::email))
        .load::<(i64, i64, String, Option<String>)>(c)?
        .into_iter()
        .map(|(id, cu, name, email)| (id, (cu, name, email)))
        .collect();
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

fn insert_actions(c: &mut DbConn, report_id: i64, kind: &str, list: &[Action]) -> AppResult<()> {
    diesel::delete(
        fault_report_actions::table
            .filter(fault_report_actions::report_id.eq(report_id))
            .filter(fault_report_actions::kind.eq(kind)),
    )
    .execute(c)?;
    for (i, a) in list.iter().enumerate() {
        let (user, name) = match &a.owner {
            Owner::User(u) => (Some(*u), None),
            Owner::Name(n) => (None, Some(n.as_str())),
        };
        diesel::insert_into(fault_report_actions::table)
            .values((
                fault_report_actions::report_id.eq(report_id),
                fault_report_actions::kind.eq(kind),
                fault_report_actions::position.eq(i as i32),
                fault_report_actions::description.eq(&a.description),
                fault_report_actions::owner_user_id.eq(user),
                fault_report_actions::owner_name.eq(name),
                fault_report_actions::due_date.eq(a.due_date),
            ))
            .execute(c)?;
    }
    Ok(())
}

fn action_rows(c: &mut DbConn, report_ids: &[i64]) -> AppResult<Vec<ActionRow>> {
    Ok(fault_report_actions::table
        .filter(fault_report_actions::report_id.eq_any(report_ids))
        .order((
            fault_report_actions::report_id,
            fault_report_actions::kind,
            fault_report_actions::position,
        ))
        .select(ActionRow::as_select())
        .load(c)?)
}

fn entries_json(entries: &[Entry]) -> AppResult<String> {
    let wire: Vec<FaultTimelineEntry> = entries
        .iter()
        .map(|e| FaultTimelineEntry {
            at: e.at,
            text: e.text.clone(),
        })
        .collect();
    to_json(&wire)
}

/// A ticket event of the report's workflow.
fn event(
    c: &mut DbConn,
    actor: &Actor,
    r: &ReportRow,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
    reason: Option<&str>,
) -> AppResult<()> {
    tickets::record_event(
        c,
        r.ticket_id,
        actor,
        kind,
        from,
        to,
        reason,
        Some(json!({"fault_report_id": r.id, "revision": r.revision})),
    )?;
    Ok(())
}

// ---------------------------------------------------------------- the first draft

struct MajorFaultFacts {
    id: i64,
    occurred_at: NaiveDateTime,
    ended_at: Option<NaiveDateTime>,
    location: String,
    symptoms: String,
}

fn major_fault_of(c: &mut DbConn, ticket_id: i64) -> AppResult<Option<MajorFaultFacts>> {
    let found: Option<(i64, NaiveDateTime, Option<NaiveDateTime>, String, String)> = major_faults::table
        .filter(major_faults::ticket_id.eq(ticket_id))
        .select((
            major_faults::id,
            major_faults::occurred_at,
            major_faults::ended_at,
            major_faults::location,
            major_faults::symptoms,
        ))
        .first(c)
        .optional()?;
    Ok(
        found.map(|(id, occurred_at, ended_at, location, symptoms)| MajorFaultFacts {
            id,
            occurred_at,
            ended_at,
            location,
            symptoms,
        }),
    )
}

fn names_of(c: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect())
}

/// How the fault was handled, as the ticket recorded it: its events, with what its visits add
/// (who went, where, what they did).
fn handling_timeline(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<Entry>> {
    let events = tickets::timeline(c, ticket_id)?;
    type VisitFacts = (i64, Option<i64>, Option<i64>, Option<String>, Option<String>);
    let visit_rows: Vec<VisitFacts> = visits::table
        .filter(visits::ticket_id.eq(ticket_id))
        .select((
            visits::id,
            visits::technician_id,
            visits::site_id,
            visits::work_notes,
            visits::outcome_reason,
        ))
        .load(c)?;
    let mut people: Vec<i64> = events.iter().filter_map(|e| e.actor_id.map(|u| u.0)).collect();
    people.extend(visit_rows.iter().filter_map(|v| v.1));
    let names = names_of(c, &people)?;
    let site_ids: Vec<i64> = visit_rows.iter().filter_map(|v| v.2).collect();
    let site_names: HashMap<i64, String> = sites::table
        .filter(sites::id.eq_any(&site_ids))
        .select((sites::id, sites::name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect();
    let visits: HashMap<i64, &VisitFacts> = visit_rows.iter().map(|v| (v.0, v)).collect();
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

/// Starts the report of a ticket whose fault is over, prefilled from the ticket, its major
/// fault and its visits. One report per ticket; corrections are revisions of it.
pub fn create(c: &mut DbConn, actor: &Actor, ticket_id: i64, author_id: Option<i64>) -> AppResult<FaultReport> {
    let user = user_of(actor)?;
    write(c, |c| {
        let ticket = tickets::get(c, ticket_id)?;
        let existing: Option<(i64, i32)> = fault_reports::table
            .filter(fault_reports::ticket_id.eq(ticket_id))
            .order(fault_reports::revision.desc())
            .select((fault_reports::id, fault_reports::revision))
            .first(c)
            .optional()?;
        if let Some((id, revision)) = existing {
            return Err(AppError::Conflict(format!(
                "ticket {} already has a fault analysis report (id {id}, revision {revision}); \
                 correct it with a new revision",
                ticket.number
            )));
        }
        let fault = major_fault_of(c, ticket_id)?;
        rules::may_report(ticket.status()?, fault.as_ref().map(|f| f.ended_at.is_some()))
            .map_err(AppError::InvalidTransition)?;
        let author = author_id.unwrap_or(user);
        check_author(c, author)?;
        let description = match &fault {
            Some(f) => format!("{}\n\nLocation: {}", f.symptoms, f.location),
            None => format!("{}\n\n{}", ticket.title, ticket.description),
        };
        let downtime = rules::downtime_minutes(
            fault.as_ref().map(|f| (utc(f.occurred_at), f.ended_at.map(utc))),
            utc(ticket.opened_at),
            ticket.resolved_at.map(utc),
            ticket.closed_at.map(utc),
        )
        .unwrap_or(0);
        let description: String = description.chars().take(rules::IMPACT_DESCRIPTION_MAX).collect();
        let timeline = handling_timeline(c, ticket_id)?;
        let now = ts(actor.at);
        let id: i64 = diesel::insert_into(fault_reports::table)
            .values((
                fault_reports::ticket_id.eq(ticket_id),
                fault_reports::customer_id.eq(ticket.customer_id),
                fault_reports::major_fault_id.eq(fault.as_ref().map(|f| f.id)),
                fault_reports::revision.eq(1),
                fault_reports::status.eq(rules::INITIAL.as_str()),
                fault_reports::author_id.eq(author),
                fault_reports::created_by.eq(user),
                fault_reports::impact_description.eq(description.trim()),
                fault_reports::customers_affected.eq(1),
                fault_reports::sites_affected.eq(i32::from(ticket.site_id.is_some())),
                fault_reports::assets_affected.eq(i32::from(ticket.asset_id.is_some())),
                fault_reports::downtime_minutes.eq(downtime),
                fault_reports::timeline_json.eq(entries_json(&timeline)?),
                fault_reports::root_cause.eq(""),
                fault_reports::contact_ids_json.eq("[]"),
                fault_reports::version.eq(1),
                fault_reports::created_at.eq(now),
                fault_reports::updated_at.eq(now),
            ))
            .returning(fault_reports::id)
            .get_result(c)?;
        let r = row(c, id)?;
        let out = wire(c, &r)?;
        audit::record(c, actor, ENTITY, id, "create", None, snapshot(&out))?;
        event(
            c,
            actor,
            &r,
            "fault_report_drafted",
            None,
            Some(Status::Draft.as_str()),
            None,
        )?;
        if author != user {
            let msg = format!(
                "You were named the author of the fault analysis report on ticket {}",
                ticket.number
            );
            super::notifications::notify(c, &[author], ticket_id, "fault_report_author", &msg, actor.at)?;
        }
        Ok(out)
    })
}

// ---------------------------------------------------------------- edits

/// Changes a draft or returned report. `expected_version` is the version the editor read
/// (`If-Match`): an older one gets 412 with the report as it is now.
pub fn update(
    c: &mut DbConn,
    actor: &Actor,
    v: Viewer,
    id: i64,
    expected_version: i32,
    edit: Edit,
) -> AppResult<FaultReport> {
    write(c, |c| {
        let before = for_step(c, v, id, Step::Edit)?;
        check_version(c, &before, Some(expected_version))?;
        let status = before.status()?;
        rules::next(status, Step::Edit).map_err(refusal)?;
        if edit.author_id.is_some_and(|a| a != before.author_id) && !rules::is_lead(v.role) {
            return Err(AppError::Forbidden("only a supervisor names a report's author".into()));
        }
        let before_wire = wire(c, &before)?;
        let ticket = tickets::get(c, before.ticket_id)?;
        let tz = super::sla::calendar(c)?.tz;
        let (opened_on, today) = (local_day(utc(ticket.opened_at), tz), local_day(actor.at, tz));
        let corrective = match edit.corrective {
            Some(list) => Some(check_actions(c, "corrective_actions", list, opened_on, today)?),
            None => None,
        };
        let preventive = match edit.preventive {
            Some(list) => Some(check_actions(c, "preventive_actions", list, opened_on, today)?),
            None => None,
        };
        let contact_ids = match edit.contact_ids {
            Some(ids) => Some(
                check_contacts(c, before.customer_id, &ids)?
                    .into_iter()
                    .map(|(id, _, _)| id)
                    .collect::<Vec<i64>>(),
            ),
            None => None,
        };
        if let Some(a) = edit.author_id.filter(|a| *a != before.author_id) {
            check_author(c, a)?;
        }
        claim(c, &before, status, actor.at)?;
        let target = fault_reports::table.find(id);
        if let Some(i) = &edit.impact {
            diesel::update(target)
                .set((
                    fault_reports::impact_description.eq(&i.description),
                    fault_reports::customers_affected.eq(i.customers_affected),
                    fault_reports::sites_affected.eq(i.sites_affected),
                    fault_reports::assets_affected.eq(i.assets_affected),
                    fault_reports::downtime_minutes.eq(i.downtime_minutes),
                ))
                .execute(c)?;
        }
        if let Some(t) = &edit.timeline {
            diesel::update(target)
                .set(fault_reports::timeline_json.eq(entries_json(t)?))
                .execute(c)?;
        }
        if let Some(rc) = &edit.root_cause {
            diesel::update(target)
                .set(fault_reports::root_cause.eq(rc))
                .execute(c)?;
        }
        if let Some(ids) = &contact_ids {
            diesel::update(target)
                .set(fault_reports::contact_ids_json.eq(to_json(ids)?))
                .execute(c)?;
        }
        if let Some(a) = edit.author_id {
            diesel::update(target).set(fault_reports::author_id.eq(a)).execute(c)?;
        }
        if let Some(list) = &corrective {
            insert_actions(c, id, CORRECTIVE, list)?;
        }
        if let Some(list) = &preventive {
            insert_actions(c, id, PREVENTIVE, list)?;
        }
        let after = row(c, id)?;
        let out = wire(c, &after)?;
        audit::record(c, actor, ENTITY, id, "update", snapshot(&before_wire), snapshot(&out))?;
        if after.author_id != before.author_id {
            event(
                c,
                actor,
                &after,
                "fault_report_author",
                Some(&before.author_id.to_string()),
                Some(&after.author_id.to_string()),
                None,
            )?;
            let msg = format!(
                "You were named the author of the fault analysis report on ticket {}",
                ticket.number
            );
            super::notifications::notify(c, &[after.author_id], ticket.id, "fault_report_author", &msg, actor.at)?;
        }
        Ok(out)
    })
}

// ---------------------------------------------------------------- the review

/// A step of the review: submit (the report must be complete), approve or return (a reviewer
/// other than the author; returning needs comments), send (by e-mail, through the outbox, in
/// this transaction). `expected_version`, when given (`If-Match`), must be the current one.
#[allow(clippy::too_many_arguments)]
pub fn review(
    c: &mut DbConn,
    actor: &Actor,
    v: Viewer,
    id: i64,
    expected_version: Option<i32>,
    step: Step,
    comments: Option<String>,
    settings: &MailSettings,
) -> AppResult<FaultReport> {
    if matches!(step, Step::Edit | Step::Revise) {
        return Err(AppError::internal("edits and revisions are not review steps"));
    }
    write(c, |c| {
        let before = for_step(c, v, id, step)?;
        check_version(c, &before, expected_version)?;
        let status = before.status()?;
        let to = rules::next(status, step).map_err(refusal)?;
        let before_wire = wire(c, &before)?;
        let now = ts(actor.at);
        let target = fault_reports::table.find(id);
        let ticket = tickets::get(c, before.ticket_id)?;
        match step {
            Step::Submit => {
                let actions = action_rows(c, &[id])?;
                let of = |kind: &str| -> Vec<Action> {
                    actions
                        .iter()
                        .filter(|a| a.kind == kind)
                        .map(ActionRow::to_domain)
                        .collect()
                };
                let timeline: Vec<Entry> = before
                    .timeline()?
                    .into_iter()
                    .map(|e| Entry { at: e.at, text: e.text })
                    .collect();
                rules::check_complete(&rules::Content {
                    impact: &before.impact(),
                    timeline: &timeline,
                    root_cause: &before.root_cause,
                    corrective: &of(CORRECTIVE),
                    preventive: &of(PREVENTIVE),
                })?;
                claim(c, &before, to, actor.at)?;
                diesel::update(target)
                    .set(fault_reports::submitted_at.eq(Some(now)))
                    .execute(c)?;
            }
            Step::Approve | Step::Return => {
                claim(c, &before, to, actor.at)?;
                diesel::update(target)
                    .set((
                        fault_reports::reviewer_id.eq(Some(v.id)),
                        fault_reports::reviewed_at.eq(Some(now)),
                        fault_reports::review_comments.eq(&comments),
                        fault_reports::approved_at.eq(if step == Step::Approve { Some(now) } else { None }),
                    ))
                    .execute(c)?;
            }
            Step::Send => {
                let superseded: Option<i32> = fault_reports::table
                    .filter(fault_reports::previous_id.eq(id))
                    .select(fault_reports::revision)
                    .first(c)
                    .optional()?;
                if let Some(n) = superseded {
                    return Err(AppError::InvalidTransition(format!(
                        "revision {n} corrects this report; send that one"
                    )));
                }
                let recipients = recipients(c, &before)?;
                claim(c, &before, to, actor.at)?;
                let outbox_id = send(c, actor, &before, &ticket, &recipients, settings)?;
                diesel::update(target)
                    .set((
                        fault_reports::sent_at.eq(Some(now)),
                        fault_reports::sent_by.eq(Some(v.id)),
                        fault_reports::recipients_json.eq(Some(to_json(&recipients)?)),
                        fault_reports::outbox_id.eq(Some(outbox_id.0)),
                    ))
                    .execute(c)?;
            }
            Step::Edit | Step::Revise => {
                return Err(AppError::internal("edits and revisions are not review steps"));
            }
        }
        let after = row(c, id)?;
        let out = wire(c, &after)?;
        audit::record(
            c,
            actor,
            ENTITY,
            id,
            step.name(),
            snapshot(&before_wire),
            snapshot(&out),
        )?;
        let kind = match step {
            Step::Submit => "fault_report_submitted",
            Step::Approve => "fault_report_approved",
            Step::Return => "fault_report_returned",
            _ => "fault_report_sent",
        };
        event(
            c,
            actor,
            &after,
            kind,
            Some(status.as_str()),
            Some(to.as_str()),
            comments.as_deref(),
        )?;
        notify(c, actor, &after, &ticket, step, comments.as_deref())?;
        Ok(out)
    })
}

/// Tells the people the step concerns: the supervisors that a report waits for review, the
/// author that it was returned or approved.
fn notify(
    c: &mut DbConn,
    actor: &Actor,
    r: &ReportRow,
    ticket: &TicketRow,
    step: Step,
    comments: Option<&str>,
) -> AppResult<()> {
    let me = actor.id.map(|u| u.0);
    let (people, kind, msg) = match step {
        Step::Submit => {
            let mut people = tickets::active_users_with(c, Role::Supervisor)?;
            people.retain(|p| *p != r.author_id);
            let msg = format!("The fault analysis report on ticket {} waits for review", ticket.number);
            (people, "fault_report_submitted", msg)
        }
        Step::Return => {
            let msg = format!(
                "The fault analysis report on ticket {} was returned: {}",
                ticket.number,
                comments.unwrap_or("see the report")
            );
            (vec![r.author_id], "fault_report_returned", msg)
        }
        Step::Approve => {
            let msg = format!("The fault analysis report on ticket {} was approved", ticket.number);
            (vec![r.author_id], "fault_report_approved", msg)
        }
        _ => return Ok(()),
    };
    let people: Vec<i64> = people.into_iter().filter(|p| Some(*p) != me).collect();
    let msg: String = msg.chars().take(500).collect();
    super::notifications::notify(c, &people, ticket.id, kind, &msg, actor.at)?;
    Ok(())
}

/// Who the report goes to: the customer's account manager (when they are active and have an
/// address) and the chosen contacts, each of whom must have an e-mail address.
fn recipients(c: &mut DbConn, r: &ReportRow) -> AppResult<Vec<FaultReportRecipient>> {
    let mut out: Vec<FaultReportRecipient> = Vec::new();
    let manager: Option<i64> = customers::table
        .find(r.customer_id)
        .select(customers::account_manager_id)
        .first(c)?;
    if let Some(am) = manager {
        let found: Option<(String, Option<String>)> = users::table
            .find(am)
            .filter(users::active.eq(true))
            .select((users::display_name, users::email))
            .first(c)
            .optional()?;
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
    for (id, name, email) in check_contacts(c, r.customer_id, &r.contact_ids()?)? {
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

/// Writes the report's e-mail to the outbox: text and HTML parts, and the report as an HTML
/// document attached.
fn send(
    c: &mut DbConn,
    actor: &Actor,
    r: &ReportRow,
    ticket: &TicketRow,
    to: &[FaultReportRecipient],
    settings: &MailSettings,
) -> AppResult<OutboxMessageId> {
    let tz = super::sla::calendar(c)?.tz;
    let customer_name: String = customers::table.find(r.customer_id).select(customers::name).first(c)?;
    let site = match ticket.site_id {
        Some(s) => sites::table
            .find(s)
            .select((sites::name, sites::address))
            .first::<(String, String)>(c)
            .optional()?
            .map(|(n, a)| format!("{n}, {a}")),
        None => None,
    };
    let major_fault = match r.major_fault_id {
        Some(_) => major_fault_of(c, r.ticket_id)?.map(|f| templates::MajorFaultLine {
            location: f.location,
            occurred_at: local(utc(f.occurred_at), tz),
            ended_at: f.ended_at.map(|e| local(utc(e), tz)),
        }),
        None => None,
    };
    let actions = action_rows(c, &[r.id])?;
    let owners: Vec<i64> = actions.iter().filter_map(|a| a.owner_user_id).collect();
    let owner_names = names_of(c, &owners)?;
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
    let timeline = r
        .timeline()?
        .into_iter()
        .map(|e| templates::TimelineLine {
            at: e.at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
            text: e.text,
        })
        .collect();
    let view = templates::FaultReportView {
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
        issued_at: Some(local(actor.at, tz)),
        impact_description: r.impact_description.clone(),
        customers_affected: r.customers_affected,
        sites_affected: r.sites_affected,
        assets_affected: r.assets_affected,
        downtime: duration_words(r.downtime_minutes.into()),
        timeline,
        time_zone: tz.name().to_string(),
        root_cause: r.root_cause.clone(),
        corrective: lines(CORRECTIVE),
        preventive: lines(PREVENTIVE),
        recipients: to.iter().map(|p| format!("{} <{}>", p.name, p.email)).collect(),
        sender: display_name(c, actor.id.map(|u| u.0))?,
    };
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
        &settings.id_domain,
        MailKind::FaultReport,
        addresses,
        rendered.subject,
        rendered.text,
    )
    .html(rendered.html)
    .customer(r.customer_id)
    .ticket(r.ticket_id)
    .attach(document);
    outbox::enqueue(c, actor, mail)
}

// ---------------------------------------------------------------- revisions

/// Starts revision n+1 of an approved or sent report: a draft copying its content, linked to
/// it. The report it corrects stays as it was; only the latest revision can be corrected.
pub fn revise(
    c: &mut DbConn,
    actor: &Actor,
    v: Viewer,
    id: i64,
    author_id: Option<i64>,
    reason: Option<String>,
) -> AppResult<FaultReport> {
    let user = user_of(actor)?;
    write(c, |c| {
        let before = for_step(c, v, id, Step::Revise)?;
        rules::next(before.status()?, Step::Revise).map_err(refusal)?;
        let corrected: Option<(i64, i32)> = fault_reports::table
            .filter(fault_reports::previous_id.eq(id))
            .select((fault_reports::id, fault_reports::revision))
            .first(c)
            .optional()?;
        if let Some((next, n)) = corrected {
            return Err(AppError::Conflict(format!(
                "revision {n} (id {next}) already corrects this report; correct that one"
            )));
        }
        let author = author_id.unwrap_or(before.author_id);
        check_author(c, author)?;
        let now = ts(actor.at);
        let new_id: i64 = diesel::insert_into(fault_reports::table)
            .values((
                fault_reports::ticket_id.eq(before.ticket_id),
                fault_reports::customer_id.eq(before.customer_id),
                fault_reports::major_fault_id.eq(before.major_fault_id),
                fault_reports::revision.eq(before.revision + 1),
                fault_reports::previous_id.eq(Some(id)),
                fault_reports::status.eq(rules::INITIAL.as_str()),
                fault_reports::author_id.eq(author),
                fault_reports::created_by.eq(user),
                fault_reports::impact_description.eq(&before.impact_description),
                fault_reports::customers_affected.eq(before.customers_affected),
                fault_reports::sites_affected.eq(before.sites_affected),
                fault_reports::assets_affected.eq(before.assets_affected),
                fault_reports::downtime_minutes.eq(before.downtime_minutes),
                fault_reports::timeline_json.eq(&before.timeline_json),
                fault_reports::root_cause.eq(&before.root_cause),
                fault_reports::contact_ids_json.eq(&before.contact_ids_json),
                fault_reports::version.eq(1),
                fault_reports::created_at.eq(now),
                fault_reports::updated_at.eq(now),
            ))
            .returning(fault_reports::id)
            .get_result(c)?;
        let actions = action_rows(c, &[id])?;
        for kind in [CORRECTIVE, PREVENTIVE] {
            let list: Vec<Action> = actions
                .iter()
                .filter(|a| a.kind == kind)
                .map(ActionRow::to_domain)
                .collect();
            insert_actions(c, new_id, kind, &list)?;
        }
        let r = row(c, new_id)?;
        let out = wire(c, &r)?;
        audit::record(c, actor, ENTITY, new_id, "revise", None, snapshot(&out))?;
        event(
            c,
            actor,
            &r,
            "fault_report_revised",
            Some(&before.revision.to_string()),
            Some(&r.revision.to_string()),
            reason.as_deref(),
        )?;
        if author != user {
            let number: String = tickets_t::table.find(r.ticket_id).select(tickets_t::number).first(c)?;
            let msg = format!(
                "You were named the author of revision {} of the fault analysis report on ticket {number}",
                r.revision
            );
            super::notifications::notify(c, &[author], r.ticket_id, "fault_report_author", &msg, actor.at)?;
        }
        Ok(out)
    })
}

// ---------------------------------------------------------------- reading

fn wire(c: &mut DbConn, r: &ReportRow) -> AppResult<FaultReport> {
    wires(c, std::slice::from_ref(r))?
        .pop()
        .ok_or_else(|| AppError::internal("a fault report went missing"))
}

fn wires(c: &mut DbConn, rows: &[ReportRow]) -> AppResult<Vec<FaultReport>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let ticket_ids: Vec<i64> = rows.iter().map(|r| r.ticket_id).collect();
    let customer_ids: Vec<i64> = rows.iter().map(|r| r.customer_id).collect();
    let heads: HashMap<i64, (String, String)> = tickets_t::table
        .filter(tickets_t::id.eq_any(&ticket_ids))
        .select((tickets_t::id, tickets_t::number, tickets_t::title))
        .load::<(i64, String, String)>(c)?
        .into_iter()
        .map(|(id, n, t)| (id, (n, t)))
        .collect();
    let customer_names: HashMap<i64, String> = customers::table
        .filter(customers::id.eq_any(&customer_ids))
        .select((customers::id, customers::name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect();
    let nexts: HashMap<i64, i64> = fault_reports::table
        .filter(fault_reports::previous_id.eq_any(&ids))
        .select((fault_reports::previous_id, fault_reports::id))
        .load::<(Option<i64>, i64)>(c)?
        .into_iter()
        .filter_map(|(p, id)| p.map(|p| (p, id)))
        .collect();
    let mut actions: HashMap<(i64, String), Vec<FaultReportAction>> = HashMap::new();
    for a in action_rows(c, &ids)? {
        actions
            .entry((a.report_id, a.kind.clone()))
            .or_default()
            .push(a.to_wire());
    }
    rows.iter()
        .map(|r| {
            let (number, title) = heads
                .get(&r.ticket_id)
                .cloned()
                .ok_or_else(|| AppError::internal(format!("fault report {} has no ticket", r.id)))?;
            Ok(FaultReport {
                id: FaultReportId(r.id),
                ticket_id: TicketId(r.ticket_id),
                ticket_number: number,
                ticket_title: title,
                customer_id: CustomerId(r.customer_id),
                customer_name: customer_names.get(&r.customer_id).cloned().unwrap_or_default(),
                major_fault_id: r.major_fault_id.map(MajorFaultId),
                revision: r.revision,
                previous_id: r.previous_id.map(FaultReportId),
                next_id: nexts.get(&r.id).copied().map(FaultReportId),
                status: r.status()?,
                author_id: UserId(r.author_id),
                created_by: UserId(r.created_by),
                impact: FaultImpact {
                    description: r.impact_description.clone(),
                    customers_affected: r.customers_affected,
                    sites_affected: r.sites_affected,
                    assets_affected: r.assets_affected,
                    downtime_minutes: r.downtime_minutes,
                },
                timeline: r.timeline()?,
                root_cause: r.root_cause.clone(),
                corrective_actions: actions.remove(&(r.id, CORRECTIVE.to_string())).unwrap_or_default(),
                preventive_actions: actions.remove(&(r.id, PREVENTIVE.to_string())).unwrap_or_default(),
                contact_ids: r.contact_ids()?.into_iter().map(ContactId).collect(),
                submitted_at: r.submitted_at.map(utc),
                reviewer_id: r.reviewer_id.map(UserId),
                reviewed_at: r.reviewed_at.map(utc),
                review_comments: r.review_comments.clone(),
                approved_at: r.approved_at.map(utc),
                sent_at: r.sent_at.map(utc),
                sent_by: r.sent_by.map(UserId),
                recipients: r.recipients()?,
                outbox_id: r.outbox_id.map(OutboxMessageId),
                version: r.version,
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
            })
        })
        .collect()
}

/// One report, if the viewer may read it.
pub fn get(c: &mut DbConn, v: Viewer, id: i64) -> AppResult<FaultReport> {
    let r = row(c, id)?;
    check_visible(c, v, &r)?;
    wire(c, &r)
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub ticket_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub status: Option<Status>,
}

/// Reports the viewer may read, newest first.
pub fn list(c: &mut DbConn, v: Viewer, f: &Filter, paging: Paging) -> AppResult<Page<FaultReport>> {
    if !reads_reports(v.role) {
        return Err(AppError::Forbidden(format!(
            "the {} role may not read fault analysis reports",
            v.role
        )));
    }
    let query = || {
        let mut q = fault_reports::table.into_boxed();
        match v.role {
            Role::Technician => q = q.filter(fault_reports::author_id.eq(v.id)),
            Role::AccountManager => {
                q = q.filter(
                    fault_reports::customer_id.eq_any(
                        customers::table
                            .filter(customers::account_manager_id.eq(v.id))
                            .select(customers::id),
                    ),
                )
            }
            _ => {}
        }
        if let Some(t) = f.ticket_id {
            q = q.filter(fault_reports::ticket_id.eq(t));
        }
        if let Some(cu) = f.customer_id {
            q = q.filter(fault_reports::customer_id.eq(cu));
        }
        if let Some(s) = f.status {
            q = q.filter(fault_reports::status.eq(s.as_str()));
        }
        q
    };
    let total = query().count().get_result(c)?;
    let rows: Vec<ReportRow> = query()
        .order(fault_reports::id.desc())
        .limit(paging.limit)
        .offset(paging.offset)
        .select(ReportRow::as_select())
        .load(c)?;
    let items = wires(c, &rows)?;
    Ok(paging.page(items, total))
}
