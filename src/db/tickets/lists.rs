//! The ticket list: its filter, sort and count.

use super::TicketRow;
use crate::db::schema::tickets;
use crate::db::{ts, DbConn, Paging};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{LadderTier, Page, RequestKind, Ticket, TicketStatus};

#[derive(Debug, Default, Clone)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    /// Only tickets that are not closed.
    pub open: Option<bool>,
    pub tier: Option<LadderTier>,
    pub kind: Option<RequestKind>,
    pub owner_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub region_id: Option<i64>,
    pub breached: Option<bool>,
    pub major_fault: Option<bool>,
    /// Resolution due before this moment.
    pub due_before: Option<DateTime<Utc>>,
    /// true: open tickets whose promised callback is not made yet; false: the others.
    pub callback_due: Option<bool>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketSort {
    /// Resolution due time, soonest first.
    #[default]
    Due,
    /// Newest first.
    Opened,
    /// The promised callback's due time, soonest first (tickets without one last).
    Callback,
}

/// `status NOT IN ('closed', 'cancelled')`, written into the statement rather than bound. The partial indexes of
/// the open tickets (`WHERE status NOT IN ('closed', 'cancelled')`) then prove the condition when the statement is
/// prepared, so a list or count reads their entries alone; with a bound value the database
/// must read each entry's row to check the status again (at 1,000,000 tickets, 78 ms instead of
/// 2 ms to count the open ones on SQLite).
fn open_tickets() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql("tickets.status NOT IN ('closed', 'cancelled')")
}

/// `tickets.<column> = '<value>'` for a column of a few skewed values (the status, the tier),
/// the value written into the statement (one of the service's own names, never the caller's
/// text). PostgreSQL then keeps a plan per value: with the value bound, the statement cached on
/// the connection may after five runs get a generic plan made without it, and for the 10,001st
/// ticket `in_progress` (a list's count cap) that plan read the table from its start
/// (docs/benchmarks.md).
fn ticket_is(column: &'static str, value: &'static str) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql(&format!("tickets.{column} = '{value}'"))
}

/// How a ticket list counts its matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// Up to this many (`FIELDLINE_LIST_COUNT_CAP`): past it the page says `total_capped`, so a
    /// list's cost does not grow with the years of tickets behind it.
    UpTo(i64),
    /// Every match, however many.
    Exact,
}

pub fn list(
    c: &mut DbConn,
    f: &TicketFilter,
    sort: TicketSort,
    paging: Paging,
    count: Total,
) -> AppResult<Page<Ticket>> {
    let query = || {
        let mut q = tickets::table.into_boxed();
        if let Some(s) = f.status {
            q = q.filter(ticket_is("status", s.as_str()));
        }
        match f.open {
            Some(true) => q = q.filter(open_tickets()),
            Some(false) => {
                q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "tickets.status IN ('closed', 'cancelled')",
                ))
            }
            None => {}
        }
        if let Some(t) = f.tier {
            q = q.filter(ticket_is("ladder_tier", t.as_str()));
        }
        if let Some(k) = f.kind {
            q = q.filter(ticket_is("kind", k.as_str()));
        }
        if let Some(o) = f.owner_id {
            q = q.filter(tickets::owner_id.eq(o));
        }
        if let Some(a) = f.assignee_id {
            q = q.filter(tickets::assignee_id.eq(a));
        }
        if let Some(cu) = f.customer_id {
            q = q.filter(tickets::customer_id.eq(cu));
        }
        if let Some(r) = f.region_id {
            q = q.filter(tickets::region_id.eq(r));
        }
        if let Some(b) = f.breached {
            q = q.filter(tickets::breached.eq(b));
        }
        if let Some(m) = f.major_fault {
            q = q.filter(tickets::major_fault.eq(m));
        }
        if let Some(d) = f.due_before {
            q = q.filter(tickets::resolution_due_at.lt(ts(d)));
        }
        match f.callback_due {
            Some(true) => {
                q = q
                    .filter(open_tickets())
                    .filter(tickets::callback_due_at.is_not_null())
                    .filter(tickets::callback_done_at.is_null())
            }
            Some(false) => {
                q = q.filter(
                    tickets::callback_due_at
                        .is_null()
                        .or(tickets::callback_done_at.is_not_null())
                        .or(diesel::dsl::sql::<diesel::sql_types::Bool>(
                            "tickets.status IN ('closed', 'cancelled')",
                        )),
                )
            }
            None => {}
        }
        q
    };
    // Whether a match lies past the cap: reads at most cap + 1 matches, not all of them.
    let capped = match count {
        Total::UpTo(cap) => query()
            .select(tickets::id)
            .offset(cap)
            .limit(1)
            .first::<i64>(c)
            .optional()?
            .map(|_| cap),
        Total::Exact => None,
    };
    let total = match capped {
        Some(cap) => cap,
        None => query().count().get_result(c)?,
    };
    let q = match sort {
        TicketSort::Due => query().order((tickets::resolution_due_at.asc(), tickets::id.asc())),
        TicketSort::Opened => query().order((tickets::opened_at.desc(), tickets::id.desc())),
        // NULLs sort last ascending on PostgreSQL and first on SQLite: order by their absence first.
        TicketSort::Callback => query().order((
            tickets::callback_due_at.is_null().asc(),
            tickets::callback_due_at.asc(),
            tickets::id.asc(),
        )),
    };
    let rows: Vec<TicketRow> = q
        .limit(paging.limit)
        .offset(paging.offset)
        .select(TicketRow::as_select())
        .load(c)?;
    let items = rows.iter().map(TicketRow::to_wire).collect::<AppResult<_>>()?;
    Ok(Page {
        total_capped: capped.is_some(),
        ..paging.page(items, total)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_filter_names_the_closed_and_cancelled_statuses_as_the_wire_does() {
        let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&open_tickets()).to_string();
        assert!(
            sql.contains(&format!(
                "NOT IN ('{}', '{}')",
                TicketStatus::Closed.as_str(),
                TicketStatus::Cancelled.as_str()
            )),
            "{sql}"
        );
    }
}
