//! Technicians' profiles (home base, hours, capacity, regions, skills) and their duty roster.

use crate::db::schema::{duty_shifts, technician_skills, technicians, users};
use crate::db::{ts, utc, DbConn, Paging};
use crate::domain::geo::Location;
use crate::domain::sla::WorkingHours;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{DayHours, DutyShift, LunchBreak, Page, RegionId, Skill, Technician, UserId};
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = technicians)]
pub struct TechnicianRow {
    pub user_id: i64,
    pub home_lat: f64,
    pub home_lon: f64,
    pub daily_capacity: i32,
    pub hours_json: String,
    pub regions_json: String,
    pub last_lat: Option<f64>,
    pub last_lon: Option<f64>,
    pub last_accuracy_m: Option<f64>,
    pub last_ping_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub lunch_from: String,
    pub lunch_until: String,
    pub lunch_minutes: i32,
}

/// The stored weekly hours.
pub fn week_of(json: &str) -> AppResult<Vec<Option<DayHours>>> {
    serde_json::from_str(json).map_err(|e| AppError::internal(format!("stored technician hours: {e}")))
}

/// The stored regions.
pub fn regions_of(json: &str) -> AppResult<Vec<i64>> {
    serde_json::from_str(json).map_err(|e| AppError::internal(format!("stored technician regions: {e}")))
}

/// Weekly hours as the domain reads them.
pub fn working_week(week: &[Option<DayHours>]) -> AppResult<[Option<WorkingHours>; 7]> {
    let mut out = [None; 7];
    for (i, d) in week.iter().enumerate().take(7) {
        if let Some(h) = d {
            let parse = |v: &str| chrono::NaiveTime::parse_from_str(v, "%H:%M");
            let (Ok(start), Ok(end)) = (parse(&h.start), parse(&h.end)) else {
                return Err(AppError::validation(format!("week[{i}]"), "times are HH:MM"));
            };
            out[i] = Some(
                WorkingHours::new(start, end)
                    .ok_or_else(|| AppError::validation(format!("week[{i}]"), "must end after it starts"))?,
            );
        }
    }
    Ok(out)
}

/// A profile as stored (validated by the caller).
#[derive(Debug, Clone)]
pub struct TechnicianFields {
    pub home: Location,
    pub daily_capacity: i32,
    pub week: Vec<Option<DayHours>>,
    pub regions: Vec<i64>,
    pub skills: Vec<Skill>,
    pub lunch: LunchBreak,
}

pub fn to_wire(c: &mut DbConn, row: &TechnicianRow) -> AppResult<Technician> {
    let mut one = to_wire_all(c, std::slice::from_ref(row))?;
    one.pop().ok_or_else(|| AppError::not_found("technician", row.user_id))
}

/// The wire form of technicians, their names and skills read in one query each for all of them.
fn to_wire_all(c: &mut DbConn, rows: &[TechnicianRow]) -> AppResult<Vec<Technician>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let names = crate::db::users::display_names(c, &ids)?;
    let mut skills: HashMap<i64, Vec<Skill>> = HashMap::new();
    let all: Vec<(i64, String, i32)> = technician_skills::table
        .filter(technician_skills::user_id.eq_any(&ids))
        .order((technician_skills::user_id, technician_skills::skill))
        .select((
            technician_skills::user_id,
            technician_skills::skill,
            technician_skills::level,
        ))
        .load(c)?;
    for (user, skill, level) in all {
        skills.entry(user).or_default().push(Skill { skill, level });
    }
    rows.iter()
        .map(|row| {
            Ok(Technician {
                user_id: UserId(row.user_id),
                display_name: names
                    .get(&row.user_id)
                    .cloned()
                    .ok_or_else(|| AppError::not_found("user", row.user_id))?,
                home_latitude: row.home_lat,
                home_longitude: row.home_lon,
                daily_capacity: row.daily_capacity,
                week: week_of(&row.hours_json)?,
                regions: regions_of(&row.regions_json)?.into_iter().map(RegionId).collect(),
                skills: skills.remove(&row.user_id).unwrap_or_default(),
                last_latitude: row.last_lat,
                last_longitude: row.last_lon,
                last_accuracy_m: row.last_accuracy_m,
                last_ping_at: row.last_ping_at.map(utc),
                updated_at: utc(row.updated_at),
                lunch_break: LunchBreak {
                    from: row.lunch_from.clone(),
                    until: row.lunch_until.clone(),
                    minutes: row.lunch_minutes,
                },
            })
        })
        .collect()
}

/// The technician's row, if they have a profile.
pub fn find(c: &mut DbConn, user_id: i64) -> AppResult<Option<TechnicianRow>> {
    Ok(technicians::table
        .find(user_id)
        .select(TechnicianRow::as_select())
        .first(c)
        .optional()?)
}

pub fn get_technician(c: &mut DbConn, user_id: i64) -> AppResult<Technician> {
    let row = find(c, user_id)?.ok_or_else(|| AppError::not_found("technician", user_id))?;
    to_wire(c, &row)
}

/// The profile as it is, if there is one.
pub fn find_wire(c: &mut DbConn, user_id: i64) -> AppResult<Option<Technician>> {
    match find(c, user_id)? {
        Some(r) => Ok(Some(to_wire(c, &r)?)),
        None => Ok(None),
    }
}

pub fn list_technicians(c: &mut DbConn, skill: Option<&str>, paging: Paging) -> AppResult<Page<Technician>> {
    let query = || {
        let mut q = technicians::table.into_boxed();
        if let Some(s) = skill {
            q = q.filter(
                technicians::user_id.eq_any(
                    technician_skills::table
                        .filter(technician_skills::skill.eq(s.to_string()))
                        .select(technician_skills::user_id),
                ),
            );
        }
        q
    };
    let (rows, total): (Vec<TechnicianRow>, i64) = paging.load(c, query, |q| {
        q.order(technicians::user_id).select(TechnicianRow::as_select())
    })?;
    let items = to_wire_all(c, &rows)?;
    Ok(paging.page(items, total))
}

/// The stored role of a user, if the user exists.
pub fn user_role(c: &mut DbConn, user_id: i64) -> AppResult<Option<String>> {
    Ok(users::table.find(user_id).select(users::role).first(c).optional()?)
}

/// Whether the user's account is active.
pub fn is_active(c: &mut DbConn, user_id: i64) -> AppResult<bool> {
    Ok(users::table.find(user_id).select(users::active).first(c)?)
}

/// The active users of a role.
pub fn active_users_of_role(c: &mut DbConn, role: fieldline_mobile_api::Role) -> AppResult<Vec<i64>> {
    Ok(users::table
        .filter(users::role.eq(role.as_str()))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(c)?)
}

/// Writes the profile (creating it when the user has none yet) and replaces the skills.
pub fn save_profile(c: &mut DbConn, user_id: i64, f: &TechnicianFields, at: DateTime<Utc>) -> AppResult<()> {
    let hours = serde_json::to_string(&f.week).map_err(AppError::internal)?;
    let regions = serde_json::to_string(&f.regions).map_err(AppError::internal)?;
    let n = diesel::update(technicians::table.find(user_id))
        .set((
            technicians::home_lat.eq(f.home.lat()),
            technicians::home_lon.eq(f.home.lon()),
            technicians::daily_capacity.eq(f.daily_capacity),
            technicians::hours_json.eq(&hours),
            technicians::regions_json.eq(&regions),
            technicians::updated_at.eq(ts(at)),
            technicians::lunch_from.eq(&f.lunch.from),
            technicians::lunch_until.eq(&f.lunch.until),
            technicians::lunch_minutes.eq(f.lunch.minutes),
        ))
        .execute(c)?;
    if n == 0 {
        diesel::insert_into(technicians::table)
            .values((
                technicians::user_id.eq(user_id),
                technicians::home_lat.eq(f.home.lat()),
                technicians::home_lon.eq(f.home.lon()),
                technicians::daily_capacity.eq(f.daily_capacity),
                technicians::hours_json.eq(&hours),
                technicians::regions_json.eq(&regions),
                technicians::created_at.eq(ts(at)),
                technicians::updated_at.eq(ts(at)),
                technicians::lunch_from.eq(&f.lunch.from),
                technicians::lunch_until.eq(&f.lunch.until),
                technicians::lunch_minutes.eq(f.lunch.minutes),
            ))
            .execute(c)?;
    }
    diesel::delete(technician_skills::table.filter(technician_skills::user_id.eq(user_id))).execute(c)?;
    for s in &f.skills {
        diesel::insert_into(technician_skills::table)
            .values((
                technician_skills::user_id.eq(user_id),
                technician_skills::skill.eq(s.skill.trim()),
                technician_skills::level.eq(s.level),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// Stores a shift; returns its id.
pub fn insert_duty(
    c: &mut DbConn,
    user_id: i64,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    note: Option<&str>,
    at: DateTime<Utc>,
) -> AppResult<i64> {
    Ok(diesel::insert_into(duty_shifts::table)
        .values((
            duty_shifts::user_id.eq(user_id),
            duty_shifts::starts_at.eq(ts(start)),
            duty_shifts::ends_at.eq(ts(end)),
            duty_shifts::note.eq(note),
            duty_shifts::created_at.eq(ts(at)),
        ))
        .returning(duty_shifts::id)
        .get_result(c)?)
}

/// The technician's shifts ending after `from`, earliest first.
pub fn list_duty(c: &mut DbConn, user_id: i64, from: DateTime<Utc>) -> AppResult<Vec<DutyShift>> {
    let rows: Vec<(i64, NaiveDateTime, NaiveDateTime, Option<String>)> = duty_shifts::table
        .filter(duty_shifts::user_id.eq(user_id))
        .filter(duty_shifts::ends_at.gt(ts(from)))
        .order(duty_shifts::starts_at)
        .select((
            duty_shifts::id,
            duty_shifts::starts_at,
            duty_shifts::ends_at,
            duty_shifts::note,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(id, s, e, note)| DutyShift {
            id,
            user_id: UserId(user_id),
            starts_at: utc(s),
            ends_at: utc(e),
            note,
        })
        .collect())
}
