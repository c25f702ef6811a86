//! What ranking technicians for a visit reads: the active technicians near the site, with their
//! skills, bookings around the visit's day, duty shifts and weekly hours.

use super::technicians::{regions_of, week_of, working_week};
use super::visits::BOOKING;
use crate::db::schema::{duty_shifts, technician_skills, technicians, users, visits};
use crate::db::{ts, utc, DbConn};
use crate::domain::dispatch;
use crate::domain::geo::{BBox, Location};
use crate::domain::sla::{Calendar, WorkingHours};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::backend::Backend;
use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{Bool, Double, HasSqlType};
use fieldline_mobile_api::Role;
use std::collections::HashMap;

/// A stretch of time: a booked window or a duty shift.
pub type Span = (DateTime<Utc>, DateTime<Utc>);

/// What one ranking reads around its visit.
pub struct Around {
    /// The visit being ranked for (its own booking does not count).
    pub visit_id: i64,
    /// Bookings overlapping this stretch (the window's day) are read.
    pub bookings: Span,
    /// The visit's window: duty shifts covering it are read.
    pub window: Span,
    /// The window's local day: bookings starting in it count towards the day's load.
    pub day: Span,
    /// The role of the users who are ranked.
    pub role: Role,
}

/// What the ranking reads of a technician's row.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = technicians)]
struct RankingRow {
    user_id: i64,
    home_lat: f64,
    home_lon: f64,
    daily_capacity: i32,
    hours_json: String,
    regions_json: String,
    last_lat: Option<f64>,
    last_lon: Option<f64>,
    last_ping_at: Option<NaiveDateTime>,
}

/// Everywhere: the widest box.
const EVERYWHERE: BBox = BBox {
    min_lat: -90.0,
    min_lon: -180.0,
    max_lat: 90.0,
    max_lon: 180.0,
};

/// A box nothing lies in: what the first round has read before it.
const NOWHERE: BBox = BBox {
    min_lat: 91.0,
    min_lon: 181.0,
    max_lat: 91.0,
    max_lon: 181.0,
};

/// `column IN (the technicians whose home or last position lies in the area but in neither of
/// them in what was read before)`, through the backend's spatial index: SQLite's R*Tree
/// `technician_spots` (two points a technician: id twice the user id for the home base, one
/// more for the last position) or PostgreSQL's GiST indexes on `point(lon, lat)` of the two.
/// The boxes are bound, never written into the SQL, so each statement is prepared once a
/// connection (diesel's `sql` literals are prepared afresh every time).
#[derive(Debug, Clone, Copy)]
struct InRing {
    column: &'static str,
    pg: bool,
    area: BBox,
    read: BBox,
}

fn in_ring(c: &DbConn, column: &'static str, (area, read): (BBox, BBox)) -> InRing {
    InRing {
        column,
        pg: matches!(c, DbConn::Pg(_)),
        area,
        read,
    }
}

impl Expression for InRing {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for InRing {}

impl<QS> SelectableExpression<QS> for InRing {}

impl<GB> ValidGrouping<GB> for InRing {
    type IsAggregate = is_aggregate::Never;
}

impl QueryId for InRing {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB> QueryFragment<DB> for InRing
where
    DB: Backend + HasSqlType<Double>,
    f64: ToSql<Double, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.column);
        out.push_sql(" IN (");
        for (i, b) in [&self.area, &self.read].into_iter().enumerate() {
            out.push_sql(if i == 0 { "" } else { " EXCEPT " });
            // Each piece of SQL and the bound coordinate after it.
            let (home, last) = (
                "SELECT user_id FROM technicians WHERE point(home_lon, home_lat) <@ box(point(",
                ")) OR point(last_lon, last_lat) <@ box(point(",
            );
            let pieces: Vec<(&str, &f64)> = if self.pg {
                [home, last]
                    .into_iter()
                    .flat_map(|p| {
                        [
                            (p, &b.min_lon),
                            (", ", &b.min_lat),
                            ("), point(", &b.max_lon),
                            (", ", &b.max_lat),
                        ]
                    })
                    .collect()
            } else {
                vec![
                    ("SELECT id >> 1 FROM technician_spots WHERE min_lat <= ", &b.max_lat),
                    (" AND max_lat >= ", &b.min_lat),
                    (" AND min_lon <= ", &b.max_lon),
                    (" AND max_lon >= ", &b.min_lon),
                ]
            };
            for (sql, value) in pieces {
                out.push_sql(sql);
                out.push_bind_param::<Double, _>(value)?;
            }
            out.push_sql(if self.pg { "))" } else { "" });
        }
        out.push_sql(")");
        Ok(())
    }
}

/// The active technicians whose home or last position is in the area (everyone when None) but
/// in neither of them in what an earlier round read (nothing when None), as the ranking needs
/// them, and their names. The rounds of one ranking read in one snapshot (`db::read_snapshot`), so
/// that nobody is read twice or missed for having moved between them.
pub fn nearby(
    c: &mut DbConn,
    area: Option<BBox>,
    read: Option<BBox>,
    around: &Around,
    cal: &Calendar,
) -> AppResult<(Vec<dispatch::Technician>, HashMap<i64, String>)> {
    // Everywhere and nowhere are boxes too: one shape of query, prepared once per connection.
    let ring = (area.unwrap_or(EVERYWHERE), read.unwrap_or(NOWHERE));
    let rows: Vec<RankingRow> = technicians::table
        .filter(in_ring(c, "technicians.user_id", ring))
        .select(RankingRow::as_select())
        .load(c)?;
    let names: HashMap<i64, String> = users::table
        .filter(in_ring(c, "users.id", ring))
        .filter(users::active.eq(true))
        .filter(users::role.eq(around.role.as_str()))
        .select((users::id, users::display_name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect();
    let mut skills_of = skills_in(c, ring)?;
    let mut booked_of = bookings_in(c, ring, around)?;
    let mut duty_of = duty_in(c, ring, around.window)?;
    let (start, end) = around.window;
    let (day_start, day_end) = around.day;
    let mut techs = Vec::with_capacity(rows.len());
    // Most technicians share a handful of weekly timetables: each is read once.
    let mut weeks: HashMap<&str, [Option<WorkingHours>; 7]> = HashMap::new();
    for r in rows.iter().filter(|r| names.contains_key(&r.user_id)) {
        let week = match weeks.get(r.hours_json.as_str()) {
            Some(w) => *w,
            None => *weeks
                .entry(&r.hours_json)
                .or_insert(working_week(&week_of(&r.hours_json)?)?),
        };
        let shifts = duty_of.remove(&r.user_id).unwrap_or_default();
        let booked = booked_of.remove(&r.user_id).unwrap_or_default();
        let that_day = booked.iter().filter(|b| b.0 >= day_start && b.0 < day_end).count() as i32;
        let home = Location::parse(r.home_lat, r.home_lon)
            .map_err(|e| AppError::internal(format!("technician {}: {e}", r.user_id)))?;
        let last_ping = match (r.last_lat, r.last_lon, r.last_ping_at) {
            (Some(lat), Some(lon), Some(at)) => Location::parse(lat, lon).ok().map(|l| (l, utc(at))),
            _ => None,
        };
        techs.push(dispatch::Technician {
            id: r.user_id,
            skills: skills_of.remove(&r.user_id).unwrap_or_default(),
            home,
            last_ping,
            available: dispatch::available(&week, cal, &shifts, start, end),
            regions: regions_of(&r.regions_json)?,
            booked,
            visits_that_day: that_day,
            daily_capacity: r.daily_capacity,
        });
    }
    Ok((techs, names))
}

/// The skills of the area's technicians, grouped once by technician, so ranking many
/// technicians stays linear.
fn skills_in(c: &mut DbConn, ring: (BBox, BBox)) -> AppResult<HashMap<i64, Vec<(String, i32)>>> {
    let mut skills_of: HashMap<i64, Vec<(String, i32)>> = HashMap::new();
    let skills: Vec<(i64, String, i32)> = technician_skills::table
        .filter(in_ring(c, "technician_skills.user_id", ring))
        .select((
            technician_skills::user_id,
            technician_skills::skill,
            technician_skills::level,
        ))
        .load(c)?;
    for (user, skill, level) in skills {
        skills_of.entry(user).or_default().push((skill, level));
    }
    Ok(skills_of)
}

/// The windows the area's technicians are booked for around the visit's day.
fn bookings_in(c: &mut DbConn, ring: (BBox, BBox), around: &Around) -> AppResult<HashMap<i64, Vec<Span>>> {
    // By technician and window only (the status is checked here), so the technician's index
    // serves it whatever the statistics say.
    let mut booked_of: HashMap<i64, Vec<Span>> = HashMap::new();
    type Booking = (
        i64,
        String,
        NaiveDateTime,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let bookings: Vec<Booking> = visits::table
        .filter(in_ring(c, "visits.technician_id", ring))
        .filter(visits::window_start.lt(ts(around.bookings.1)))
        .filter(visits::window_end.gt(ts(around.bookings.0)))
        .filter(visits::id.ne(around.visit_id))
        .select((
            visits::technician_id.assume_not_null(),
            visits::status,
            visits::window_start,
            visits::window_end,
            visits::planned_arrival_at,
            visits::planned_departure_at,
        ))
        .load(c)?;
    // A visit a day plan booked holds its planned stretch; any other its window.
    for (user, _, s, e, ps, pe) in bookings.into_iter().filter(|b| BOOKING.contains(&b.1.as_str())) {
        booked_of
            .entry(user)
            .or_default()
            .push((utc(ps.unwrap_or(s)), utc(pe.unwrap_or(e))));
    }
    Ok(booked_of)
}

/// The duty shifts of the area's technicians that cover the whole window.
fn duty_in(c: &mut DbConn, ring: (BBox, BBox), (start, end): Span) -> AppResult<HashMap<i64, Vec<Span>>> {
    let mut duty_of: HashMap<i64, Vec<Span>> = HashMap::new();
    let duty: Vec<(i64, NaiveDateTime, NaiveDateTime)> = duty_shifts::table
        .filter(in_ring(c, "duty_shifts.user_id", ring))
        .filter(duty_shifts::starts_at.le(ts(start)))
        .filter(duty_shifts::ends_at.ge(ts(end)))
        .select((duty_shifts::user_id, duty_shifts::starts_at, duty_shifts::ends_at))
        .load(c)?;
    for (user, s, e) in duty {
        duty_of.entry(user).or_default().push((utc(s), utc(e)));
    }
    Ok(duty_of)
}
