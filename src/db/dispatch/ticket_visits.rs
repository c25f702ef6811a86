//! A ticket's visits as its page lists them: newest first, with their technicians' names.

use super::visits::VisitRow;
use crate::db::schema::visits;
use crate::db::{DbConn, Paging};
use crate::error::AppResult;
use diesel::prelude::*;
use fieldline_mobile_api::{Page, Visit};

/// The visits of a ticket, newest first; only those of `technician` when given.
pub fn ticket_visits(
    c: &mut DbConn,
    ticket_id: i64,
    technician: Option<i64>,
    paging: Paging,
) -> AppResult<Page<Visit>> {
    let query = || {
        let mut q = visits::table.filter(visits::ticket_id.eq(ticket_id)).into_boxed();
        if let Some(t) = technician {
            q = q.filter(visits::technician_id.eq(t));
        }
        q
    };
    let (rows, total): (Vec<VisitRow>, i64) = paging.load(c, query, |q| {
        q.order((visits::created_at.desc(), visits::id.desc()))
            .select(VisitRow::as_select())
    })?;
    let items = rows.iter().map(VisitRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

/// Fills in the visits' technicians' display names, read in one query for all of them.
pub fn name_technicians(c: &mut DbConn, visits: &mut [Visit]) -> AppResult<()> {
    let ids: Vec<i64> = visits.iter().filter_map(|v| v.technician_id.map(|t| t.0)).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let names = crate::db::users::display_names(c, &ids)?;
    for v in visits {
        v.technician_name = v.technician_id.and_then(|t| names.get(&t.0).cloned());
    }
    Ok(())
}
