//! The time a visit holds its technician: the planned stretch (arrival to departure) when a day
//! plan booked it, otherwise its whole window; the clash check of every booking, and a plan's
//! booking of a visit.

use super::visits::{VisitRow, BOOKING};
use crate::db::schema::visits;
use crate::db::{ts, DbConn};
use crate::error::AppResult;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Timestamp};
use fieldline_mobile_api::VisitStatus;

/// When a visit starts holding its technician (portable SQL).
pub fn held_from() -> SqlLiteral<Timestamp> {
    sql::<Timestamp>("COALESCE(visits.planned_arrival_at, visits.window_start)")
}

/// Another visit of the technician's than those in `but` that holds their time in the stretch,
/// if any.
pub fn clash(
    c: &mut DbConn,
    technician: i64,
    but: &[i64],
    (start, end): (NaiveDateTime, NaiveDateTime),
) -> AppResult<Option<i64>> {
    let overlaps = sql::<Bool>("COALESCE(visits.planned_arrival_at, visits.window_start) < ")
        .bind::<Timestamp, _>(end)
        .sql(" AND COALESCE(visits.planned_departure_at, visits.window_end) > ")
        .bind::<Timestamp, _>(start);
    Ok(visits::table
        .filter(visits::technician_id.eq(technician))
        .filter(visits::status.eq_any(BOOKING))
        .filter(visits::id.ne_all(but))
        .filter(overlaps)
        .select(visits::id)
        .first(c)
        .optional()?)
}

/// A plan's booking of one visit.
pub struct Planned {
    pub technician: i64,
    pub status: VisitStatus,
    pub arrival: DateTime<Utc>,
    pub departure: DateTime<Utc>,
    pub position: i32,
    pub plan_id: i64,
    pub at: DateTime<Utc>,
}

/// Books the visit as the plan has it if its version is still the one read; returns whether it
/// was.
pub fn book_planned(c: &mut DbConn, visit: &VisitRow, p: &Planned) -> AppResult<bool> {
    let n = diesel::update(
        visits::table
            .filter(visits::id.eq(visit.id))
            .filter(visits::version.eq(visit.version)),
    )
    .set((
        visits::technician_id.eq(Some(p.technician)),
        visits::status.eq(p.status.as_str()),
        visits::planned_arrival_at.eq(Some(ts(p.arrival))),
        visits::planned_departure_at.eq(Some(ts(p.departure))),
        visits::route_position.eq(Some(p.position)),
        visits::day_plan_id.eq(Some(p.plan_id)),
        visits::version.eq(visit.version + 1),
        visits::updated_at.eq(ts(p.at)),
    ))
    .execute(c)?;
    Ok(n > 0)
}
