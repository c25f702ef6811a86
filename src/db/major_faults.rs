//! Major faults: their rows, the fault as the API shows it (with the notices sent about it),
//! the list, and the writes (the mark, plan updates, the end), plus who is on the notices'
//! list. The notices themselves and who may act are the service's.

use super::outbox;
use super::schema::{customers, major_faults, tickets as tickets_t, users};
use super::{ts, utc, DbConn, Paging};
use crate::domain::major_fault::{self as rules, Details};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    CustomerId, MailKind, MajorFault, MajorFaultId, MajorFaultNotice, Page, Role, TicketId, UserId,
};
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = major_faults)]
pub struct FaultRow {
    pub id: i64,
    pub ticket_id: i64,
    pub occurred_at: NaiveDateTime,
    pub location: String,
    pub symptoms: String,
    pub handling_plan: String,
    pub reason: Option<String>,
    pub extra_recipients_json: String,
    pub reported_by: i64,
    pub reported_at: NaiveDateTime,
    pub updates: i32,
    pub ended_at: Option<NaiveDateTime>,
    pub ended_by: Option<i64>,
    pub end_summary: Option<String>,
    pub version: i32,
}

impl FaultRow {
    pub fn extra_recipients(&self) -> AppResult<Vec<String>> {
        serde_json::from_str(&self.extra_recipients_json)
            .map_err(|e| AppError::internal(format!("major fault {} recipients: {e}", self.id)))
    }
}

/// The ticket's major fault, if it is one.
pub fn fault_of_ticket(c: &mut DbConn, ticket_id: i64) -> AppResult<Option<FaultRow>> {
    Ok(major_faults::table
        .filter(major_faults::ticket_id.eq(ticket_id))
        .select(FaultRow::as_select())
        .first(c)
        .optional()?)
}

/// A major fault by id.
pub fn get_row(c: &mut DbConn, id: i64) -> AppResult<FaultRow> {
    major_faults::table
        .find(id)
        .select(FaultRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("major fault", id))
}

/// A major fault as reported.
#[derive(Debug)]
pub struct NewFault<'a> {
    pub ticket_id: i64,
    pub details: &'a Details,
    pub reason: &'a Option<String>,
    /// The further addresses, as stored (a JSON list).
    pub extra_recipients_json: &'a str,
    pub reported_by: i64,
    pub at: DateTime<Utc>,
}

/// Inserts a major fault at version 1; returns its id.
pub fn insert(c: &mut DbConn, n: &NewFault<'_>) -> AppResult<i64> {
    let now = ts(n.at);
    Ok(diesel::insert_into(major_faults::table)
        .values((
            major_faults::ticket_id.eq(n.ticket_id),
            major_faults::occurred_at.eq(ts(n.details.occurred_at)),
            major_faults::location.eq(&n.details.location),
            major_faults::symptoms.eq(&n.details.symptoms),
            major_faults::handling_plan.eq(&n.details.handling_plan),
            major_faults::reason.eq(n.reason),
            major_faults::extra_recipients_json.eq(n.extra_recipients_json),
            major_faults::reported_by.eq(n.reported_by),
            major_faults::reported_at.eq(now),
            major_faults::updates.eq(0),
            major_faults::version.eq(1),
            major_faults::updated_at.eq(now),
        ))
        .returning(major_faults::id)
        .get_result(c)?)
}

fn changed_meanwhile(n: usize) -> AppResult<()> {
    if n == 0 {
        return Err(AppError::Conflict(
            "the major fault was changed meanwhile; reload it and try again".into(),
        ));
    }
    Ok(())
}

/// A new handling plan, if nobody changed the fault since `f` was read (409 otherwise).
pub fn set_plan(c: &mut DbConn, f: &FaultRow, handling_plan: &str, at: DateTime<Utc>) -> AppResult<()> {
    let n = diesel::update(
        major_faults::table
            .filter(major_faults::id.eq(f.id))
            .filter(major_faults::version.eq(f.version)),
    )
    .set((
        major_faults::handling_plan.eq(handling_plan),
        major_faults::updates.eq(f.updates + 1),
        major_faults::version.eq(f.version + 1),
        major_faults::updated_at.eq(ts(at)),
    ))
    .execute(c)?;
    changed_meanwhile(n)
}

/// The fault's end, if nobody changed the fault since `f` was read (409 otherwise).
pub fn set_end(
    c: &mut DbConn,
    f: &FaultRow,
    (ended_at, ended_by): (DateTime<Utc>, i64),
    summary: &Option<String>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let n = diesel::update(
        major_faults::table
            .filter(major_faults::id.eq(f.id))
            .filter(major_faults::version.eq(f.version)),
    )
    .set((
        major_faults::ended_at.eq(Some(ts(ended_at))),
        major_faults::ended_by.eq(Some(ended_by)),
        major_faults::end_summary.eq(summary),
        major_faults::version.eq(f.version + 1),
        major_faults::updated_at.eq(ts(at)),
    ))
    .execute(c)?;
    changed_meanwhile(n)
}

/// The active users of a role with their stored addresses, by id.
pub fn active_with_role(c: &mut DbConn, role: Role) -> AppResult<Vec<(i64, Option<String>)>> {
    Ok(users::table
        .filter(users::role.eq(role.as_str()))
        .filter(users::active.eq(true))
        .order(users::id)
        .select((users::id, users::email))
        .load(c)?)
}

/// An active user with their stored address.
pub fn active_user(c: &mut DbConn, id: i64) -> AppResult<Option<(i64, Option<String>)>> {
    Ok(users::table
        .find(id)
        .filter(users::active.eq(true))
        .select((users::id, users::email))
        .first(c)
        .optional()?)
}

/// The customer's name and account manager.
pub fn customer_of(c: &mut DbConn, customer_id: i64) -> AppResult<(String, Option<i64>)> {
    Ok(customers::table
        .find(customer_id)
        .select((customers::name, customers::account_manager_id))
        .first(c)?)
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

// ---------------------------------------------------------------- reading

/// The major fault as the API shows it (`now` for the elapsed minutes of an open one).
pub fn wire(c: &mut DbConn, f: &FaultRow, now: DateTime<Utc>) -> AppResult<MajorFault> {
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
    let people: Vec<i64> = rows
        .iter()
        .flat_map(|r| [Some(r.reported_by), r.ended_by])
        .flatten()
        .collect();
    let names = super::users::display_names(c, &people)?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("user {id}"));
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
                reported_by_name: name(r.reported_by),
                reported_at: utc(r.reported_at),
                updates: r.updates,
                ended_at: ended,
                ended_by: r.ended_by.map(UserId),
                ended_by_name: r.ended_by.map(name),
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
    let (rows, total): (Vec<FaultRow>, i64) = paging.load(c, query, |q| {
        q.order((
            major_faults::ended_at.is_not_null(),
            major_faults::occurred_at.asc(),
            major_faults::id.asc(),
        ))
        .select(FaultRow::as_select())
    })?;
    let items = wires(c, &rows, now)?;
    Ok(paging.page(items, total))
}
