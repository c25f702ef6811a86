//! The board of a day's open visits, and what dispatch shows of the work each visit is for: its
//! ticket's number, priority and due time, or its inspection's due date.

use super::visits::{VisitRow, OPEN_VISIT};
use crate::db::schema::{inspections, tickets, visits};
use crate::db::{ts, utc, DbConn};
use crate::domain::sla::Calendar;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{BoardEntry, Priority};

/// What a visit needs of its ticket: number, priority, due times and the dispatch flag.
type TicketDue = (String, String, Option<NaiveDateTime>, NaiveDateTime, bool);

fn ticket_due_columns() -> (
    tickets::number,
    tickets::priority,
    tickets::arrival_due_at,
    tickets::resolution_due_at,
    tickets::flagged_for_dispatch,
) {
    (
        tickets::number,
        tickets::priority,
        tickets::arrival_due_at,
        tickets::resolution_due_at,
        tickets::flagged_for_dispatch,
    )
}

/// What dispatch shows of the work a visit is for.
pub struct WorkDue {
    /// The ticket's number; None for an inspection.
    pub number: Option<String>,
    pub priority: Priority,
    /// The ticket's arrival due time (or its resolution due time when it has none); for an
    /// inspection, the end of its due date.
    pub due: DateTime<Utc>,
    pub flagged: bool,
}

/// The work of a visit from its ticket's columns, or for an inspection from its due date.
fn work_due(cal: &Calendar, ticket: Option<TicketDue>, inspection_due: Option<NaiveDate>) -> AppResult<WorkDue> {
    match (ticket, inspection_due) {
        (Some((number, priority, arrival, resolution, flagged)), _) => Ok(WorkDue {
            number: Some(number),
            priority: Priority::parse(&priority).ok_or_else(|| AppError::internal("stored priority is unknown"))?,
            due: utc(arrival.unwrap_or(resolution)),
            flagged,
        }),
        (None, Some(day)) => Ok(WorkDue {
            number: None,
            priority: crate::domain::inspection::BOARD_PRIORITY,
            due: day_bounds(cal, day).1,
            flagged: false,
        }),
        (None, None) => Err(AppError::internal("a visit has neither a ticket nor an inspection")),
    }
}

/// The work of one visit.
pub fn work_of(c: &mut DbConn, cal: &Calendar, v: &VisitRow) -> AppResult<WorkDue> {
    let ticket = match v.ticket_id {
        Some(t) => Some(tickets::table.find(t).select(ticket_due_columns()).first(c)?),
        None => None,
    };
    let inspection_due = match v.inspection_id {
        Some(i) => Some(inspections::table.find(i).select(inspections::due_on).first(c)?),
        None => None,
    };
    work_due(cal, ticket, inspection_due)
}

/// The start and end of a local day of the calendar.
pub fn day_bounds(cal: &Calendar, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    (cal.day_start(day), cal.day_start(day + Duration::days(1)))
}

/// Open visits of a local day (optionally one region): unassigned first, then by window.
pub fn board(c: &mut DbConn, cal: &Calendar, day: NaiveDate, region: Option<i64>) -> AppResult<Vec<BoardEntry>> {
    let (open, close) = day_bounds(cal, day);
    let mut q = visits::table
        .left_join(tickets::table)
        .left_join(inspections::table.on(visits::inspection_id.eq(inspections::id.nullable())))
        .filter(visits::window_start.ge(ts(open)))
        .filter(visits::window_start.lt(ts(close)))
        .filter(visits::status.eq_any(OPEN_VISIT))
        .into_boxed();
    if let Some(r) = region {
        q = q.filter(visits::region_id.eq(r));
    }
    let rows: Vec<(VisitRow, Option<TicketDue>, Option<NaiveDate>)> = q
        .order((visits::technician_id.is_not_null(), visits::window_start, visits::id))
        .select((
            VisitRow::as_select(),
            ticket_due_columns().nullable(),
            inspections::due_on.nullable(),
        ))
        .load(c)?;
    rows.into_iter()
        .map(|(v, t, i)| {
            let w = work_due(cal, t, i)?;
            Ok(BoardEntry {
                visit: v.to_wire()?,
                ticket_number: w.number,
                priority: w.priority,
                sla_due_at: w.due,
                flagged_for_dispatch: w.flagged,
            })
        })
        .collect()
}
