//! What ranking technicians for a visit reads: the active technicians near the site, with their
//! skills, bookings around the visit's day, duty shifts and weekly hours.

use super::technicians::{regions_of, week_of, working_week};
use super::visits::BOOKING;
use crate::db::schema::{duty_shifts, technician_skills, technicians, users, visits};
use crate::db::{in_ring, ts, utc, DbConn};
use crate::domain::dispatch;
use crate::domain::geo::{BBox, Location};
use crate::domain::sla::{Calendar, WorkingHours};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
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
        .filter(in_ring("technicians.user_id", ring))
        .select(RankingRow::as_select())
        .load(c)?;
    let names: HashMap<i64, String> = users::table
        .filter(in_ring("users.id", ring))
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
        .filter(in_ring("technician_skills.user_id", ring))
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
        .filter(in_ring("visits.technician_id", ring))
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
        .filter(in_ring("duty_shifts.user_id", ring))
        .filter(duty_shifts::starts_at.le(ts(start)))
        .filter(duty_shifts::ends_at.ge(ts(end)))
        .select((duty_shifts::user_id, duty_shifts::starts_at, duty_shifts::ends_at))
        .load(c)?;
    for (user, s, e) in duty {
        duty_of.entry(user).or_default().push((utc(s), utc(e)));
    }
    Ok(duty_of)
}
