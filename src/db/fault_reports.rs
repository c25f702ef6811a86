//! Fault analysis reports: their rows and actions, the report as the API shows it, the list,
//! and the writes of the workflow (insert, edits, the review's fields, version claims). The
//! workflow itself, who may take which step and the e-mail are the service's.

pub mod lookups;

use super::schema::{customers, fault_report_actions, fault_reports, tickets as tickets_t};
use super::{ts, utc, DbConn, Paging};
use crate::domain::fault_report::{Action, Entry, Impact, Owner};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    ContactId, CustomerId, FaultImpact, FaultReport, FaultReportAction, FaultReportId, FaultReportRecipient,
    FaultReportStatus as Status, FaultTimelineEntry, MajorFaultId, OutboxMessageId, Page, TicketId, UserId,
};
use std::collections::HashMap;

/// The kind of a report's corrective actions.
pub const CORRECTIVE: &str = "corrective";
/// The kind of a report's preventive actions.
pub const PREVENTIVE: &str = "preventive";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fault_reports)]
pub struct ReportRow {
    pub id: i64,
    pub ticket_id: i64,
    pub customer_id: i64,
    pub major_fault_id: Option<i64>,
    pub revision: i32,
    pub previous_id: Option<i64>,
    pub status: String,
    pub author_id: i64,
    pub created_by: i64,
    pub impact_description: String,
    pub customers_affected: i32,
    pub sites_affected: i32,
    pub assets_affected: i32,
    pub downtime_minutes: i32,
    pub timeline_json: String,
    pub root_cause: String,
    pub contact_ids_json: String,
    pub submitted_at: Option<NaiveDateTime>,
    pub reviewer_id: Option<i64>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub review_comments: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub sent_by: Option<i64>,
    pub recipients_json: Option<String>,
    pub outbox_id: Option<i64>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn stored<T: serde::de::DeserializeOwned>(id: i64, what: &str, json: &str) -> AppResult<T> {
    serde_json::from_str(json).map_err(|e| AppError::internal(format!("fault report {id} {what}: {e}")))
}

pub fn to_json<T: serde::Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(AppError::internal)
}

impl ReportRow {
    pub fn status(&self) -> AppResult<Status> {
        Status::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("fault report {} has unknown status", self.id)))
    }

    pub fn timeline(&self) -> AppResult<Vec<FaultTimelineEntry>> {
        stored(self.id, "timeline", &self.timeline_json)
    }

    pub fn contact_ids(&self) -> AppResult<Vec<i64>> {
        stored(self.id, "contacts", &self.contact_ids_json)
    }

    pub fn recipients(&self) -> AppResult<Vec<FaultReportRecipient>> {
        match &self.recipients_json {
            Some(j) => stored(self.id, "recipients", j),
            None => Ok(Vec::new()),
        }
    }

    pub fn impact(&self) -> Impact {
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
pub struct ActionRow {
    pub report_id: i64,
    pub kind: String,
    pub description: String,
    pub owner_user_id: Option<i64>,
    pub owner_name: Option<String>,
    pub due_date: NaiveDate,
}

impl ActionRow {
    pub fn to_wire(&self) -> FaultReportAction {
        FaultReportAction {
            description: self.description.clone(),
            owner_user_id: self.owner_user_id.map(UserId),
            owner_name: self.owner_name.clone(),
            due_date: self.due_date,
        }
    }

    pub fn to_domain(&self) -> Action {
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

/// A report by id.
pub fn row(c: &mut DbConn, id: i64) -> AppResult<ReportRow> {
    fault_reports::table
        .find(id)
        .select(ReportRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("fault report", id))
}

/// 412 with the report as it is now.
pub fn stale(c: &mut DbConn, r: &ReportRow) -> AppError {
    match wire(c, r).and_then(|w| serde_json::to_value(w).map_err(AppError::internal)) {
        Ok(current) => AppError::PreconditionFailed { current },
        Err(e) => e,
    }
}

/// Refuses (412) a change made from another version than the report's.
pub fn check_version(c: &mut DbConn, r: &ReportRow, expected: Option<i32>) -> AppResult<()> {
    match expected {
        Some(v) if v != r.version => Err(stale(c, r)),
        _ => Ok(()),
    }
}

/// Claims the report for a change: bumps its version if nobody changed it since it was read.
pub fn claim(c: &mut DbConn, r: &ReportRow, status: Status, at: DateTime<Utc>) -> AppResult<()> {
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

/// The ticket's latest report: (id, revision).
pub fn latest_of_ticket(c: &mut DbConn, ticket_id: i64) -> AppResult<Option<(i64, i32)>> {
    Ok(fault_reports::table
        .filter(fault_reports::ticket_id.eq(ticket_id))
        .order(fault_reports::revision.desc())
        .select((fault_reports::id, fault_reports::revision))
        .first(c)
        .optional()?)
}

/// The revision that corrects a report, if there is one: (id, revision).
pub fn correction_of(c: &mut DbConn, id: i64) -> AppResult<Option<(i64, i32)>> {
    Ok(fault_reports::table
        .filter(fault_reports::previous_id.eq(id))
        .select((fault_reports::id, fault_reports::revision))
        .first(c)
        .optional()?)
}

/// A new report (a first draft or a revision), with its content.
#[derive(Debug)]
pub struct NewReport<'a> {
    pub ticket_id: i64,
    pub customer_id: i64,
    pub major_fault_id: Option<i64>,
    pub revision: i32,
    pub previous_id: Option<i64>,
    pub status: Status,
    pub author_id: i64,
    pub created_by: i64,
    pub impact: &'a Impact,
    pub timeline_json: &'a str,
    pub root_cause: &'a str,
    pub contact_ids_json: &'a str,
    pub at: DateTime<Utc>,
}

/// Inserts a report at version 1; returns its id.
pub fn insert(c: &mut DbConn, n: &NewReport<'_>) -> AppResult<i64> {
    let now = ts(n.at);
    Ok(diesel::insert_into(fault_reports::table)
        .values((
            fault_reports::ticket_id.eq(n.ticket_id),
            fault_reports::customer_id.eq(n.customer_id),
            fault_reports::major_fault_id.eq(n.major_fault_id),
            fault_reports::revision.eq(n.revision),
            fault_reports::previous_id.eq(n.previous_id),
            fault_reports::status.eq(n.status.as_str()),
            fault_reports::author_id.eq(n.author_id),
            fault_reports::created_by.eq(n.created_by),
            fault_reports::impact_description.eq(&n.impact.description),
            fault_reports::customers_affected.eq(n.impact.customers_affected),
            fault_reports::sites_affected.eq(n.impact.sites_affected),
            fault_reports::assets_affected.eq(n.impact.assets_affected),
            fault_reports::downtime_minutes.eq(n.impact.downtime_minutes),
            fault_reports::timeline_json.eq(n.timeline_json),
            fault_reports::root_cause.eq(n.root_cause),
            fault_reports::contact_ids_json.eq(n.contact_ids_json),
            fault_reports::version.eq(1),
            fault_reports::created_at.eq(now),
            fault_reports::updated_at.eq(now),
        ))
        .returning(fault_reports::id)
        .get_result(c)?)
}

/// What an edit writes; `None` leaves a part as it is.
#[derive(Debug, Default)]
pub struct Changes<'a> {
    pub impact: Option<&'a Impact>,
    pub timeline: Option<&'a [Entry]>,
    pub root_cause: Option<&'a str>,
    pub contact_ids: Option<&'a [i64]>,
    pub author_id: Option<i64>,
}

/// Writes an edit's parts (after the report was claimed).
pub fn apply(c: &mut DbConn, id: i64, ch: &Changes<'_>) -> AppResult<()> {
    let target = fault_reports::table.find(id);
    if let Some(i) = ch.impact {
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
    if let Some(t) = ch.timeline {
        diesel::update(target)
            .set(fault_reports::timeline_json.eq(entries_json(t)?))
            .execute(c)?;
    }
    if let Some(rc) = ch.root_cause {
        diesel::update(target)
            .set(fault_reports::root_cause.eq(rc))
            .execute(c)?;
    }
    if let Some(ids) = ch.contact_ids {
        diesel::update(target)
            .set(fault_reports::contact_ids_json.eq(to_json(&ids)?))
            .execute(c)?;
    }
    if let Some(a) = ch.author_id {
        diesel::update(target).set(fault_reports::author_id.eq(a)).execute(c)?;
    }
    Ok(())
}

/// Records when the report was submitted.
pub fn set_submitted(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(fault_reports::table.find(id))
        .set(fault_reports::submitted_at.eq(Some(ts(at))))
        .execute(c)?;
    Ok(())
}

/// Records a review (approved when `approved`, returned otherwise).
pub fn set_reviewed(
    c: &mut DbConn,
    id: i64,
    reviewer: i64,
    at: DateTime<Utc>,
    comments: &Option<String>,
    approved: bool,
) -> AppResult<()> {
    let now = ts(at);
    diesel::update(fault_reports::table.find(id))
        .set((
            fault_reports::reviewer_id.eq(Some(reviewer)),
            fault_reports::reviewed_at.eq(Some(now)),
            fault_reports::review_comments.eq(comments),
            fault_reports::approved_at.eq(if approved { Some(now) } else { None }),
        ))
        .execute(c)?;
    Ok(())
}

/// Records when, by whom and to whom the report was sent, and its outbox message.
pub fn set_sent(
    c: &mut DbConn,
    id: i64,
    at: DateTime<Utc>,
    by: i64,
    recipients: &[FaultReportRecipient],
    outbox_id: OutboxMessageId,
) -> AppResult<()> {
    diesel::update(fault_reports::table.find(id))
        .set((
            fault_reports::sent_at.eq(Some(ts(at))),
            fault_reports::sent_by.eq(Some(by)),
            fault_reports::recipients_json.eq(Some(to_json(&recipients)?)),
            fault_reports::outbox_id.eq(Some(outbox_id.0)),
        ))
        .execute(c)?;
    Ok(())
}

/// Replaces the report's actions of one kind.
pub fn replace_actions(c: &mut DbConn, report_id: i64, kind: &str, list: &[Action]) -> AppResult<()> {
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

/// The actions of the reports, by report, kind and position.
pub fn actions_of(c: &mut DbConn, report_ids: &[i64]) -> AppResult<Vec<ActionRow>> {
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

/// A timeline as stored.
pub fn entries_json(entries: &[Entry]) -> AppResult<String> {
    let wire: Vec<FaultTimelineEntry> = entries
        .iter()
        .map(|e| FaultTimelineEntry {
            at: e.at,
            text: e.text.clone(),
        })
        .collect();
    to_json(&wire)
}

// ---------------------------------------------------------------- reading

/// The report as the API shows it.
pub fn wire(c: &mut DbConn, r: &ReportRow) -> AppResult<FaultReport> {
    wires(c, std::slice::from_ref(r))?
        .pop()
        .ok_or_else(|| AppError::internal("a fault report went missing"))
}

pub fn wires(c: &mut DbConn, rows: &[ReportRow]) -> AppResult<Vec<FaultReport>> {
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
    let people: Vec<i64> = rows
        .iter()
        .flat_map(|r| [Some(r.author_id), r.reviewer_id, r.sent_by])
        .flatten()
        .collect();
    let names = crate::db::users::display_names(c, &people)?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("user {id}"));
    let mut actions: HashMap<(i64, String), Vec<FaultReportAction>> = HashMap::new();
    for a in actions_of(c, &ids)? {
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
                author_name: name(r.author_id),
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
                reviewer_name: r.reviewer_id.map(name),
                reviewed_at: r.reviewed_at.map(utc),
                review_comments: r.review_comments.clone(),
                approved_at: r.approved_at.map(utc),
                sent_at: r.sent_at.map(utc),
                sent_by: r.sent_by.map(UserId),
                sent_by_name: r.sent_by.map(name),
                recipients: r.recipients()?,
                outbox_id: r.outbox_id.map(OutboxMessageId),
                version: r.version,
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
            })
        })
        .collect()
}

/// The reports a list may show.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    All,
    /// Those this user authors.
    AuthoredBy(i64),
    /// Those of the customers this user is the account manager of.
    ManagedBy(i64),
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub ticket_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub status: Option<Status>,
}

/// Reports within the scope, newest first.
pub fn list(c: &mut DbConn, scope: Scope, f: &Filter, paging: Paging) -> AppResult<Page<FaultReport>> {
    let query = || {
        let mut q = fault_reports::table.into_boxed();
        match scope {
            Scope::AuthoredBy(u) => q = q.filter(fault_reports::author_id.eq(u)),
            Scope::ManagedBy(u) => {
                q = q.filter(
                    fault_reports::customer_id.eq_any(
                        customers::table
                            .filter(customers::account_manager_id.eq(u))
                            .select(customers::id),
                    ),
                )
            }
            Scope::All => {}
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
    let (rows, total): (Vec<ReportRow>, i64) = paging.load(c, query, |q| {
        q.order(fault_reports::id.desc()).select(ReportRow::as_select())
    })?;
    let items = wires(c, &rows)?;
    Ok(paging.page(items, total))
}
