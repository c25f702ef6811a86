//! The shift handover log, its linked tickets, the desk's equipment checks and the internal
//! customer their failed checks open tickets for.

use super::schema::{customers, equipment_checks, handover_tickets, handovers, major_faults, tickets};
use super::{escape_like, like_pattern, lower, ts, DbConn, Paging};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::TicketStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = handovers)]
pub struct HandoverRow {
    pub id: i64,
    pub day: NaiveDate,
    pub shift_id: i64,
    pub written_by: i64,
    pub equipment: String,
    pub problems: String,
    pub notices: String,
    pub staff_changes: String,
    pub written_at: chrono::NaiveDateTime,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_at: Option<chrono::NaiveDateTime>,
    pub alerted_at: Option<chrono::NaiveDateTime>,
}

/// The four texts of a new handover, validated.
#[derive(Debug, Clone)]
pub struct HandoverTexts {
    pub equipment: String,
    pub problems: String,
    pub notices: String,
    pub staff_changes: String,
}

pub fn insert(
    c: &mut DbConn,
    day: NaiveDate,
    shift: i64,
    by: i64,
    t: &HandoverTexts,
    at: DateTime<Utc>,
) -> QueryResult<HandoverRow> {
    diesel::insert_into(handovers::table)
        .values((
            handovers::day.eq(day),
            handovers::shift_id.eq(shift),
            handovers::written_by.eq(by),
            handovers::equipment.eq(&t.equipment),
            handovers::problems.eq(&t.problems),
            handovers::notices.eq(&t.notices),
            handovers::staff_changes.eq(&t.staff_changes),
            handovers::written_at.eq(ts(at)),
        ))
        .returning(handovers::all_columns)
        .get_result(c)
}

pub fn find(c: &mut DbConn, id: i64) -> QueryResult<Option<HandoverRow>> {
    handovers::table
        .find(id)
        .select(HandoverRow::as_select())
        .get_result(c)
        .optional()
}

pub fn get(c: &mut DbConn, id: i64) -> AppResult<HandoverRow> {
    find(c, id)?.ok_or_else(|| AppError::not_found("handover", id))
}

/// The handover of one shift of one day, if written.
pub fn of_shift(c: &mut DbConn, day: NaiveDate, shift: i64) -> QueryResult<Option<HandoverRow>> {
    handovers::table
        .filter(handovers::day.eq(day))
        .filter(handovers::shift_id.eq(shift))
        .select(HandoverRow::as_select())
        .get_result(c)
        .optional()
}

pub fn link_ticket(c: &mut DbConn, handover: i64, ticket: i64, note: &str) -> QueryResult<usize> {
    diesel::insert_into(handover_tickets::table)
        .values((
            handover_tickets::handover_id.eq(handover),
            handover_tickets::ticket_id.eq(ticket),
            handover_tickets::note.eq(note),
        ))
        .execute(c)
}

/// A linked ticket of a handover: (handover, ticket, number, title, note).
pub type LinkedTicket = (i64, i64, String, String, String);

/// The linked tickets of handovers, by ticket number.
pub fn linked(c: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<LinkedTicket>> {
    handover_tickets::table
        .inner_join(tickets::table)
        .filter(handover_tickets::handover_id.eq_any(ids))
        .order((handover_tickets::handover_id, tickets::number))
        .select((
            handover_tickets::handover_id,
            tickets::id,
            tickets::number,
            tickets::title,
            handover_tickets::note,
        ))
        .load(c)
}

/// Marks a handover acknowledged, unless it is already; returns the rows changed.
pub fn acknowledge(c: &mut DbConn, id: i64, by: i64, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(handovers::table.find(id).filter(handovers::acknowledged_at.is_null()))
        .set((handovers::acknowledged_by.eq(by), handovers::acknowledged_at.eq(ts(at))))
        .execute(c)
}

/// The handovers written at or before `cutoff` that nobody acknowledged and that alerted nobody
/// yet, oldest first.
pub fn due_to_alert(c: &mut DbConn, cutoff: DateTime<Utc>) -> QueryResult<Vec<HandoverRow>> {
    handovers::table
        .filter(handovers::acknowledged_at.is_null())
        .filter(handovers::alerted_at.is_null())
        .filter(handovers::written_at.le(ts(cutoff)))
        .order(handovers::id)
        .select(HandoverRow::as_select())
        .load(c)
}

/// Claims a handover's alert: 1 when this caller marks it, 0 when it was acknowledged or alerted
/// meanwhile.
pub fn claim_alert(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        handovers::table
            .find(id)
            .filter(handovers::acknowledged_at.is_null())
            .filter(handovers::alerted_at.is_null()),
    )
    .set(handovers::alerted_at.eq(ts(at)))
    .execute(c)
}

/// The search of the log: days `from..=to`, one shift, a text in any of the four texts.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub shift_id: Option<i64>,
    pub q: Option<String>,
}

/// One page of the log, newest day first.
pub fn search(c: &mut DbConn, f: &LogFilter, paging: Paging) -> QueryResult<(Vec<HandoverRow>, i64)> {
    let query = || {
        let mut q = handovers::table.into_boxed();
        if let Some(from) = f.from {
            q = q.filter(handovers::day.ge(from));
        }
        if let Some(to) = f.to {
            q = q.filter(handovers::day.le(to));
        }
        if let Some(s) = f.shift_id {
            q = q.filter(handovers::shift_id.eq(s));
        }
        if let Some(text) = &f.q {
            let p = like_pattern(text);
            q = q.filter(
                lower(handovers::equipment)
                    .like(p.clone())
                    .escape(escape_like())
                    .or(lower(handovers::problems).like(p.clone()).escape(escape_like()))
                    .or(lower(handovers::notices).like(p.clone()).escape(escape_like()))
                    .or(lower(handovers::staff_changes).like(p).escape(escape_like())),
            );
        }
        q
    };
    paging.load(c, query, |q| {
        q.order((
            handovers::day.desc(),
            handovers::written_at.desc(),
            handovers::id.desc(),
        ))
        .select(HandoverRow::as_select())
    })
}

/// The latest handovers that carry notices, newest first.
pub fn latest_with_notices(c: &mut DbConn, before: Option<i64>, limit: i64) -> QueryResult<Vec<HandoverRow>> {
    let mut q = handovers::table.filter(handovers::notices.ne("")).into_boxed();
    if let Some(b) = before {
        q = q.filter(handovers::id.ne(b));
    }
    q.order((handovers::written_at.desc(), handovers::id.desc()))
        .limit(limit)
        .select(HandoverRow::as_select())
        .load(c)
}

// ---------------------------------------------------------------- prefill

/// An open ticket as a handover's prefill shows it.
#[derive(Debug, Clone, Queryable)]
pub struct OpenTicket {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub status: String,
    pub owner_id: i64,
    pub breached: bool,
}

/// The open tickets owned by `owners`, or every open ticket of the hotline tier when `owners` is
/// `None`; oldest first, at most `limit`.
pub fn open_tickets(c: &mut DbConn, owners: Option<&[i64]>, limit: i64) -> QueryResult<Vec<OpenTicket>> {
    let closed = [TicketStatus::Closed.as_str(), TicketStatus::Cancelled.as_str()];
    let mut q = tickets::table.filter(tickets::status.ne_all(closed)).into_boxed();
    q = match owners {
        Some(ids) => q.filter(tickets::owner_id.eq_any(ids.to_vec())),
        None => q.filter(tickets::ladder_tier.eq("hotline")),
    };
    q.order((tickets::opened_at, tickets::id))
        .limit(limit)
        .select((
            tickets::id,
            tickets::number,
            tickets::title,
            tickets::status,
            tickets::owner_id,
            tickets::breached,
        ))
        .load(c)
}

/// The open major faults: (fault, ticket, number, title, location, occurred), oldest first.
pub type OpenFault = (i64, i64, String, String, String, chrono::NaiveDateTime);

pub fn open_major_faults(c: &mut DbConn) -> QueryResult<Vec<OpenFault>> {
    major_faults::table
        .inner_join(tickets::table)
        .filter(major_faults::ended_at.is_null())
        .order((major_faults::occurred_at, major_faults::id))
        .select((
            major_faults::id,
            tickets::id,
            tickets::number,
            tickets::title,
            major_faults::location,
            major_faults::occurred_at,
        ))
        .load(c)
}

/// The numbers and titles of tickets, by id.
pub fn ticket_titles(c: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, String, String)>> {
    tickets::table
        .filter(tickets::id.eq_any(ids))
        .select((tickets::id, tickets::number, tickets::title))
        .load(c)
}

// ---------------------------------------------------------------- equipment checks

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = equipment_checks)]
pub struct CheckRow {
    pub id: i64,
    pub checked_at: chrono::NaiveDateTime,
    pub checked_by: i64,
    pub equipment: String,
    pub result: String,
    pub note: String,
    pub ticket_id: Option<i64>,
}

pub fn insert_check(
    c: &mut DbConn,
    by: i64,
    equipment: &str,
    result: &str,
    note: &str,
    at: DateTime<Utc>,
) -> QueryResult<CheckRow> {
    diesel::insert_into(equipment_checks::table)
        .values((
            equipment_checks::checked_at.eq(ts(at)),
            equipment_checks::checked_by.eq(by),
            equipment_checks::equipment.eq(equipment),
            equipment_checks::result.eq(result),
            equipment_checks::note.eq(note),
        ))
        .returning(equipment_checks::all_columns)
        .get_result(c)
}

pub fn set_check_ticket(c: &mut DbConn, id: i64, ticket: i64) -> QueryResult<CheckRow> {
    diesel::update(equipment_checks::table.find(id))
        .set(equipment_checks::ticket_id.eq(ticket))
        .returning(equipment_checks::all_columns)
        .get_result(c)
}

/// One page of the checks made in `[from, to)`, newest first.
pub fn checks_between(
    c: &mut DbConn,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    paging: Paging,
) -> QueryResult<(Vec<CheckRow>, i64)> {
    let (from, to) = (ts(from), ts(to));
    let query = || {
        equipment_checks::table
            .filter(equipment_checks::checked_at.ge(from))
            .filter(equipment_checks::checked_at.lt(to))
            .into_boxed()
    };
    paging.load(c, query, |q| {
        q.order((equipment_checks::checked_at.desc(), equipment_checks::id.desc()))
            .select(CheckRow::as_select())
    })
}

/// The first check made in `[from, to)`, if any.
pub fn first_check_between(c: &mut DbConn, from: DateTime<Utc>, to: DateTime<Utc>) -> QueryResult<Option<CheckRow>> {
    equipment_checks::table
        .filter(equipment_checks::checked_at.ge(ts(from)))
        .filter(equipment_checks::checked_at.lt(ts(to)))
        .order((equipment_checks::checked_at, equipment_checks::id))
        .select(CheckRow::as_select())
        .get_results(c)
        .map(|rows| rows.into_iter().next())
}

// ---------------------------------------------------------------- the internal customer

/// The internal customer (the service department itself), if created.
pub fn internal_customer(c: &mut DbConn) -> QueryResult<Option<i64>> {
    customers::table
        .filter(customers::internal.eq(true))
        .order(customers::id)
        .select(customers::id)
        .get_results(c)
        .map(|ids| ids.into_iter().next())
}

/// Marks a customer internal.
pub fn mark_internal(c: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(customers::table.find(id))
        .set(customers::internal.eq(true))
        .execute(c)
}
