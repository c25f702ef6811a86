//! Technicians (profiles, skills, duty roster, positions) and visits: creating them from on-site
//! registrations, ranking candidates, assigning without double-booking, and the board.

use super::audit::{self, snapshot, Actor};
use super::schema::{
    duty_shifts, inspections, location_pings, onsite_requests, technician_skills, technicians, tickets, users,
    visit_parts, visits,
};
use super::{sla as calendar, tickets as ticket_store, ts, utc, write, DbConn, Paging};
use crate::domain::dispatch::{self, Job, Params};
use crate::domain::geo::Location;
use crate::domain::sla::WorkingHours;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    BoardEntry, Candidate, Candidates, DayHours, DutyShift, Excluded, InspectionId, LocationPing, OnsiteRequestId,
    OnsiteRequestStatus, Page, Priority, RegionId, Role, Skill, Technician, TicketId, UserId, Visit, VisitId,
    VisitKind, VisitStatus,
};
use serde_json::json;
use std::collections::HashMap;

// ---------------------------------------------------------------- technicians

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
}

fn week_of(json: &str) -> AppResult<Vec<Option<DayHours>>> {
    serde_json::from_str(json).map_err(|e| AppError::internal(format!("stored technician hours: {e}")))
}

fn regions_of(json: &str) -> AppResult<Vec<i64>> {
    serde_json::from_str(json).map_err(|e| AppError::internal(format!("stored technician regions: {e}")))
}

/// Weekly hours as the domain reads them.
fn working_week(week: &[Option<DayHours>]) -> AppResult<[Option<WorkingHours>; 7]> {
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

/// A validated profile.
#[derive(Debug, Clone)]
pub struct TechnicianFields {
    pub home: Location,
    pub daily_capacity: i32,
    pub week: Vec<Option<DayHours>>,
    pub regions: Vec<i64>,
    pub skills: Vec<Skill>,
}

impl TechnicianFields {
    pub fn check(&self) -> AppResult<()> {
        if !(1..=50).contains(&self.daily_capacity) {
            return Err(AppError::validation("daily_capacity", "must be between 1 and 50"));
        }
        if self.week.len() != 7 {
            return Err(AppError::validation("week", "must have seven entries, Monday first"));
        }
        working_week(&self.week)?;
        for (i, s) in self.skills.iter().enumerate() {
            if !(1..=5).contains(&s.level) {
                return Err(AppError::validation(
                    format!("skills[{i}].level"),
                    "must be between 1 and 5",
                ));
            }
            if s.skill.trim().is_empty() || s.skill.len() > 50 {
                return Err(AppError::validation(
                    format!("skills[{i}].skill"),
                    "must be 1 to 50 characters",
                ));
            }
            if self.skills[..i].iter().any(|o| o.skill == s.skill) {
                return Err(AppError::validation(format!("skills[{i}].skill"), "is listed twice"));
            }
        }
        Ok(())
    }
}

fn to_wire(c: &mut DbConn, row: &TechnicianRow) -> AppResult<Technician> {
    let mut one = to_wire_all(c, std::slice::from_ref(row))?;
    one.pop().ok_or_else(|| AppError::not_found("technician", row.user_id))
}

/// The wire form of technicians, their names and skills read in one query each for all of them.
fn to_wire_all(c: &mut DbConn, rows: &[TechnicianRow]) -> AppResult<Vec<Technician>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let names: std::collections::HashMap<i64, String> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::display_name))
        .load(c)?
        .into_iter()
        .collect();
    let mut skills: std::collections::HashMap<i64, Vec<Skill>> = std::collections::HashMap::new();
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
            })
        })
        .collect()
}

fn find(c: &mut DbConn, user_id: i64) -> AppResult<Option<TechnicianRow>> {
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
    let total = query().count().get_result(c)?;
    let rows: Vec<TechnicianRow> = query()
        .order(technicians::user_id)
        .limit(paging.limit)
        .offset(paging.offset)
        .select(TechnicianRow::as_select())
        .load(c)?;
    let items = to_wire_all(c, &rows)?;
    Ok(paging.page(items, total))
}

/// Creates or replaces the profile of a user with the technician role.
pub fn put_technician(c: &mut DbConn, actor: &Actor, user_id: i64, f: TechnicianFields) -> AppResult<Technician> {
    f.check()?;
    write(c, |c| {
        let role: Option<String> = users::table.find(user_id).select(users::role).first(c).optional()?;
        match role {
            None => return Err(AppError::not_found("user", user_id)),
            Some(r) if r != Role::Technician.as_str() => {
                return Err(AppError::validation(
                    "user_id",
                    format!("user {user_id} is not a technician"),
                ))
            }
            _ => {}
        }
        let before = match find(c, user_id)? {
            Some(r) => Some(to_wire(c, &r)?),
            None => None,
        };
        let hours = serde_json::to_string(&f.week).map_err(AppError::internal)?;
        let regions = serde_json::to_string(&f.regions).map_err(AppError::internal)?;
        let n = diesel::update(technicians::table.find(user_id))
            .set((
                technicians::home_lat.eq(f.home.lat()),
                technicians::home_lon.eq(f.home.lon()),
                technicians::daily_capacity.eq(f.daily_capacity),
                technicians::hours_json.eq(&hours),
                technicians::regions_json.eq(&regions),
                technicians::updated_at.eq(ts(actor.at)),
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
                    technicians::created_at.eq(ts(actor.at)),
                    technicians::updated_at.eq(ts(actor.at)),
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
        let out = get_technician(c, user_id)?;
        let action = if before.is_some() { "update" } else { "create" };
        audit::record(
            c,
            actor,
            "technician",
            user_id,
            action,
            before.as_ref().and_then(snapshot),
            snapshot(&out),
        )?;
        Ok(out)
    })
}

pub fn add_duty(
    c: &mut DbConn,
    actor: &Actor,
    user_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    note: Option<String>,
) -> AppResult<DutyShift> {
    if end <= start {
        return Err(AppError::validation("ends_at", "must be after starts_at"));
    }
    if end - start > Duration::days(14) {
        return Err(AppError::validation("ends_at", "a shift lasts at most 14 days"));
    }
    write(c, |c| {
        find(c, user_id)?.ok_or_else(|| AppError::not_found("technician", user_id))?;
        let id: i64 = diesel::insert_into(duty_shifts::table)
            .values((
                duty_shifts::user_id.eq(user_id),
                duty_shifts::starts_at.eq(ts(start)),
                duty_shifts::ends_at.eq(ts(end)),
                duty_shifts::note.eq(note.as_deref()),
                duty_shifts::created_at.eq(ts(actor.at)),
            ))
            .returning(duty_shifts::id)
            .get_result(c)?;
        let out = DutyShift {
            id,
            user_id: UserId(user_id),
            starts_at: start,
            ends_at: end,
            note,
        };
        audit::record(c, actor, "duty_shift", id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

pub fn list_duty(c: &mut DbConn, user_id: i64, from: DateTime<Utc>) -> AppResult<Vec<DutyShift>> {
    find(c, user_id)?.ok_or_else(|| AppError::not_found("technician", user_id))?;
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

/// Stores a batch of positions, inside the caller's transaction (the one that also stores the
/// request's idempotency key); the newest becomes the technician's last known position.
/// Positions are telemetry, kept for the retention period, not audited one by one.
pub fn store_pings(
    c: &mut DbConn,
    user_id: i64,
    pings: &[LocationPing],
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    let tech = find(c, user_id)?.ok_or_else(|| AppError::not_found("technician profile for user", user_id))?;
    let rows: Vec<_> = pings
        .iter()
        .map(|p| {
            (
                location_pings::user_id.eq(user_id),
                location_pings::at.eq(ts(p.at)),
                location_pings::lat.eq(p.latitude),
                location_pings::lon.eq(p.longitude),
                location_pings::accuracy_m.eq(p.accuracy_m),
                location_pings::received_at.eq(ts(now)),
            )
        })
        .collect();
    crate::on_backend!(c, |b| diesel::insert_into(location_pings::table)
        .values(&rows)
        .execute(b))?;
    let newest = pings.iter().max_by_key(|p| p.at);
    let last = tech.last_ping_at.map(utc);
    match newest {
        Some(p) if last.is_none_or(|l| p.at > l) => {
            diesel::update(technicians::table.find(user_id))
                .set((
                    technicians::last_lat.eq(p.latitude),
                    technicians::last_lon.eq(p.longitude),
                    technicians::last_accuracy_m.eq(p.accuracy_m),
                    technicians::last_ping_at.eq(ts(p.at)),
                ))
                .execute(c)?;
            Ok(Some(p.at))
        }
        _ => Ok(last),
    }
}

/// Deletes positions older than the retention period; returns how many.
pub fn prune_pings(c: &mut DbConn, before: DateTime<Utc>) -> AppResult<usize> {
    write(c, |c| {
        Ok(diesel::delete(location_pings::table.filter(location_pings::at.lt(ts(before)))).execute(c)?)
    })
}

// ---------------------------------------------------------------- visits

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = visits)]
pub struct VisitRow {
    pub id: i64,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub onsite_request_id: Option<i64>,
    pub inspection_id: Option<i64>,
    pub site_id: Option<i64>,
    pub region_id: Option<i64>,
    pub window_start: NaiveDateTime,
    pub window_end: NaiveDateTime,
    pub required_skill: Option<String>,
    pub required_level: i32,
    pub technician_id: Option<i64>,
    pub status: String,
    pub version: i32,
    pub accepted_at: Option<NaiveDateTime>,
    pub en_route_at: Option<NaiveDateTime>,
    pub checked_in_at: Option<NaiveDateTime>,
    pub checkin_lat: Option<f64>,
    pub checkin_lon: Option<f64>,
    pub checkin_distance_m: Option<f64>,
    pub checkin_reason: Option<String>,
    pub finished_at: Option<NaiveDateTime>,
    pub outcome_reason: Option<String>,
    pub work_notes: Option<String>,
    pub under_warranty: Option<bool>,
    pub quote_amount: Option<f64>,
    pub time_spent_minutes: Option<i32>,
    pub signoff_name: Option<String>,
    pub signature_png: Option<Vec<u8>>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl VisitRow {
    pub fn status(&self) -> AppResult<VisitStatus> {
        VisitStatus::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("visit {} has unknown status", self.id)))
    }

    pub fn kind(&self) -> AppResult<VisitKind> {
        VisitKind::parse(&self.kind).ok_or_else(|| AppError::internal(format!("visit {} has unknown kind", self.id)))
    }

    pub fn to_wire(&self) -> AppResult<Visit> {
        Ok(Visit {
            id: VisitId(self.id),
            kind: self.kind()?,
            ticket_id: self.ticket_id.map(TicketId),
            onsite_request_id: self.onsite_request_id.map(OnsiteRequestId),
            inspection_id: self.inspection_id.map(InspectionId),
            site_id: self.site_id.map(Into::into),
            region_id: self.region_id.map(RegionId),
            window_start: utc(self.window_start),
            window_end: utc(self.window_end),
            required_skill: self.required_skill.clone(),
            required_level: self.required_level,
            technician_id: self.technician_id.map(UserId),
            status: self.status()?,
            version: self.version,
            accepted_at: self.accepted_at.map(utc),
            en_route_at: self.en_route_at.map(utc),
            checked_in_at: self.checked_in_at.map(utc),
            checkin_distance_m: self.checkin_distance_m,
            checkin_reason: self.checkin_reason.clone(),
            finished_at: self.finished_at.map(utc),
            outcome_reason: self.outcome_reason.clone(),
            work_notes: self.work_notes.clone(),
            under_warranty: self.under_warranty,
            quote_amount: self.quote_amount,
            time_spent_minutes: self.time_spent_minutes,
            signoff_name: self.signoff_name.clone(),
            has_signature: self.signature_png.is_some(),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// A step of a visit on its ticket's timeline; an inspection visit has no ticket (its audit
/// record and its inspection tell instead).
#[allow(clippy::too_many_arguments)]
fn visit_event(
    c: &mut DbConn,
    v: &VisitRow,
    actor: &Actor,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
    reason: Option<&str>,
    data: Option<serde_json::Value>,
) -> QueryResult<()> {
    match v.ticket_id {
        Some(t) => ticket_store::record_event(c, t, actor, kind, from, to, reason, data),
        None => Ok(()),
    }
}

/// A stretch of time: a booked window or a duty shift.
type Span = (DateTime<Utc>, DateTime<Utc>);

/// The statuses in which a visit holds its technician's time.
const BOOKING: &[&str] = &["assigned", "accepted", "en_route", "on_site"];
/// The statuses of a visit still to be done (on the board).
const OPEN_VISIT: &[&str] = &["scheduled", "assigned", "accepted", "en_route", "on_site"];

pub fn get_visit(c: &mut DbConn, id: i64) -> AppResult<VisitRow> {
    visits::table
        .find(id)
        .select(VisitRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("visit", id))
}

/// Turns an open on-site registration into a visit in the agreed window.
pub fn create_visit(
    c: &mut DbConn,
    actor: &Actor,
    request_id: i64,
    skill: Option<String>,
    level: i32,
) -> AppResult<Visit> {
    if !(1..=5).contains(&level) {
        return Err(AppError::validation("required_level", "must be between 1 and 5"));
    }
    write(c, |c| {
        let (ticket_id, start, end, status): (i64, NaiveDateTime, NaiveDateTime, String) = onsite_requests::table
            .find(request_id)
            .select((
                onsite_requests::ticket_id,
                onsite_requests::window_start,
                onsite_requests::window_end,
                onsite_requests::status,
            ))
            .first(c)
            .optional()?
            .ok_or_else(|| {
                AppError::validation(
                    "onsite_request_id",
                    format!("no on-site registration with id {request_id}"),
                )
            })?;
        if status != OnsiteRequestStatus::Open.as_str() {
            return Err(AppError::InvalidTransition(format!(
                "the on-site registration is {status}, not open"
            )));
        }
        let (site_id, region_id): (Option<i64>, Option<i64>) = tickets::table
            .find(ticket_id)
            .select((tickets::site_id, tickets::region_id))
            .first(c)?;
        let row: VisitRow = diesel::insert_into(visits::table)
            .values((
                visits::kind.eq(VisitKind::Repair.as_str()),
                visits::ticket_id.eq(Some(ticket_id)),
                visits::onsite_request_id.eq(Some(request_id)),
                visits::site_id.eq(site_id),
                visits::region_id.eq(region_id),
                visits::window_start.eq(start),
                visits::window_end.eq(end),
                visits::required_skill.eq(skill.as_deref()),
                visits::required_level.eq(level),
                visits::status.eq(VisitStatus::Scheduled.as_str()),
                visits::created_by.eq(actor.id.map_or(0, |u| u.0)),
                visits::created_at.eq(ts(actor.at)),
                visits::updated_at.eq(ts(actor.at)),
            ))
            .returning(visits::all_columns)
            .get_result(c)?;
        diesel::update(onsite_requests::table.find(request_id))
            .set((
                onsite_requests::status.eq(OnsiteRequestStatus::Scheduled.as_str()),
                onsite_requests::updated_at.eq(ts(actor.at)),
            ))
            .execute(c)?;
        let out = row.to_wire()?;
        ticket_store::record_event(
            c,
            ticket_id,
            actor,
            "visit_created",
            None,
            Some(&row.id.to_string()),
            None,
            snapshot(&out),
        )?;
        audit::record(c, actor, "visit", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

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
struct WorkDue {
    /// The ticket's number; None for an inspection.
    number: Option<String>,
    priority: Priority,
    /// The ticket's arrival due time (or its resolution due time when it has none); for an
    /// inspection, the end of its due date.
    due: DateTime<Utc>,
    flagged: bool,
}

/// The work of a visit from its ticket's columns, or for an inspection from its due date.
fn work_due(
    cal: &crate::domain::sla::Calendar,
    ticket: Option<TicketDue>,
    inspection_due: Option<chrono::NaiveDate>,
) -> AppResult<WorkDue> {
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
fn work_of(c: &mut DbConn, cal: &crate::domain::sla::Calendar, v: &VisitRow) -> AppResult<WorkDue> {
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
fn day_bounds(cal: &crate::domain::sla::Calendar, day: chrono::NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    (cal.day_start(day), cal.day_start(day + Duration::days(1)))
}

/// The first search radius around the site; it doubles until the best are known. Small, so that
/// where technicians are dense the search reads the few it needs (at 10,000 technicians a city,
/// a 10 km start read about a thousand for every ranking); where they are sparse the extra
/// rounds each read few rows.
const FIRST_RADIUS_KM: f64 = 2.5;

/// Ranks the technicians for the visit (see `domain::dispatch::rank`) and returns the best
/// `limit`, with the reasons of the nearest `limit` who cannot go.
///
/// Only technicians near the site are read: those whose home or last position lies within a
/// radius, doubled until the ranking is settled (`domain::dispatch::settled`: nobody farther
/// away could rank among the best), or until the whole earth is searched.
pub fn candidates(
    c: &mut DbConn,
    visit_id: i64,
    now: DateTime<Utc>,
    params: Params,
    limit: usize,
) -> AppResult<Candidates> {
    let v = get_visit(c, visit_id)?;
    let site = match v.site_id {
        Some(s) => {
            let (lat, lon): (f64, f64) = super::schema::sites::table
                .find(s)
                .select((super::schema::sites::latitude, super::schema::sites::longitude))
                .first(c)?;
            Location::parse(lat, lon).map_err(|e| AppError::internal(format!("site {s}: {e}")))?
        }
        None => return Err(AppError::InvalidTransition("the visit has no site to travel to".into())),
    };
    let cal = calendar::calendar(c)?;
    let due = work_of(c, &cal, &v)?.due;
    let (start, end) = (utc(v.window_start), utc(v.window_end));
    let job = Job {
        site,
        region_id: v.region_id,
        window_start: start,
        window_end: end,
        skill: v.required_skill.clone().map(|s| (s, v.required_level)),
        due: Some(due),
    };
    let day = cal.local_date(start);
    let (day_start, day_end) = day_bounds(&cal, day);
    let around = Around {
        visit_id: v.id,
        start: day_start.min(start),
        end: day_end.max(end),
    };
    let mut radius = FIRST_RADIUS_KM;
    let (ranked, excluded, names, searched) = loop {
        let area = crate::domain::geo::around(&site, radius);
        let (techs, names) = nearby(c, area, &around, &cal, (start, end), (day_start, day_end))?;
        let (ranked, excluded) = dispatch::rank(&job, &techs, now, params);
        if area.is_none() || dispatch::settled(&job, &ranked, limit, radius, now, params) {
            break (ranked, excluded, names, area.map(|_| radius));
        }
        radius *= 2.0;
    };
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    Ok(Candidates {
        visit_id: VisitId(v.id),
        searched_km: searched,
        candidates: ranked
            .into_iter()
            .take(limit)
            .map(|r| Candidate {
                technician_id: UserId(r.technician_id),
                display_name: name(r.technician_id),
                distance_km: (r.distance_km * 100.0).round() / 100.0,
                eta_minutes: r.eta_minutes.round(),
                from_ping: r.from_ping,
                visits_that_day: r.visits_that_day,
                sla_slack_minutes: r.sla_slack_minutes.map(f64::round),
                score: (r.score * 10.0).round() / 10.0,
                reasons: r.reasons,
            })
            .collect(),
        excluded: excluded
            .into_iter()
            .take(limit)
            .map(|(id, e)| Excluded {
                technician_id: UserId(id),
                display_name: name(id),
                reason: e.to_string(),
            })
            .collect(),
    })
}

/// The bookings that matter for one ranking: those of other visits overlapping the window's day.
struct Around {
    visit_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
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

/// The active technicians whose home or last position is in the area (everyone when None), as
/// the ranking needs them, and their names.
fn nearby(
    c: &mut DbConn,
    searched: Option<crate::domain::geo::BBox>,
    around: &Around,
    cal: &crate::domain::sla::Calendar,
    (start, end): Span,
    (day_start, day_end): Span,
) -> AppResult<(Vec<dispatch::Technician>, HashMap<i64, String>)> {
    // Everywhere is the widest box: one shape of query, prepared once per connection.
    let b = searched.unwrap_or(crate::domain::geo::BBox {
        min_lat: -90.0,
        min_lon: -180.0,
        max_lat: 90.0,
        max_lon: 180.0,
    });
    // The technicians table alone, so that the position indexes serve the area whatever the
    // statistics say; the other reads take their technicians from the same area.
    let area = || {
        technicians::table.filter(
            technicians::home_lat
                .between(b.min_lat, b.max_lat)
                .and(technicians::home_lon.between(b.min_lon, b.max_lon))
                .or(technicians::last_lat
                    .between(b.min_lat, b.max_lat)
                    .and(technicians::last_lon.between(b.min_lon, b.max_lon))),
        )
    };
    let in_area = || area().select(technicians::user_id);
    let rows: Vec<RankingRow> = area().select(RankingRow::as_select()).load(c)?;
    let names: HashMap<i64, String> = users::table
        .filter(users::id.eq_any(in_area()))
        .filter(users::active.eq(true))
        .filter(users::role.eq(Role::Technician.as_str()))
        .select((users::id, users::display_name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect();
    // Grouped once by technician, so ranking many technicians stays linear.
    let mut skills_of: HashMap<i64, Vec<(String, i32)>> = HashMap::new();
    let skills: Vec<(i64, String, i32)> = technician_skills::table
        .filter(technician_skills::user_id.eq_any(in_area()))
        .select((
            technician_skills::user_id,
            technician_skills::skill,
            technician_skills::level,
        ))
        .load(c)?;
    for (user, skill, level) in skills {
        skills_of.entry(user).or_default().push((skill, level));
    }
    // By technician and window only (the status is checked here), so the technician's index
    // serves it whatever the statistics say.
    let mut booked_of: HashMap<i64, Vec<Span>> = HashMap::new();
    let bookings: Vec<(i64, String, NaiveDateTime, NaiveDateTime)> = visits::table
        .filter(visits::technician_id.eq_any(area().select(technicians::user_id.nullable())))
        .filter(visits::window_start.lt(ts(around.end)))
        .filter(visits::window_end.gt(ts(around.start)))
        .filter(visits::id.ne(around.visit_id))
        .select((
            visits::technician_id.assume_not_null(),
            visits::status,
            visits::window_start,
            visits::window_end,
        ))
        .load(c)?;
    for (user, _, s, e) in bookings.into_iter().filter(|b| BOOKING.contains(&b.1.as_str())) {
        booked_of.entry(user).or_default().push((utc(s), utc(e)));
    }
    let mut duty_of: HashMap<i64, Vec<Span>> = HashMap::new();
    let duty: Vec<(i64, NaiveDateTime, NaiveDateTime)> = duty_shifts::table
        .filter(duty_shifts::user_id.eq_any(in_area()))
        .filter(duty_shifts::starts_at.le(ts(start)))
        .filter(duty_shifts::ends_at.ge(ts(end)))
        .select((duty_shifts::user_id, duty_shifts::starts_at, duty_shifts::ends_at))
        .load(c)?;
    for (user, s, e) in duty {
        duty_of.entry(user).or_default().push((utc(s), utc(e)));
    }
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

/// Books a technician for the visit. The technician's row is locked first and their bookings
/// checked inside the same transaction, so two dispatchers booking the same technician into
/// overlapping windows at once end with one booking and one 409.
pub fn assign(
    c: &mut DbConn,
    actor: &Actor,
    visit_id: i64,
    technician: i64,
    reason: Option<String>,
) -> AppResult<Visit> {
    write(c, |c| {
        super::lock_technician(c, technician)?;
        find(c, technician)?
            .ok_or_else(|| AppError::validation("technician_id", format!("no technician with id {technician}")))?;
        let active: bool = users::table.find(technician).select(users::active).first(c)?;
        if !active {
            return Err(AppError::validation(
                "technician_id",
                format!("technician {technician} is disabled"),
            ));
        }
        let before = get_visit(c, visit_id)?;
        let status = before.status()?;
        if !matches!(status, VisitStatus::Scheduled | VisitStatus::Assigned) {
            return Err(AppError::InvalidTransition(format!(
                "a visit that is {status} cannot be reassigned"
            )));
        }
        let clash: Option<i64> = visits::table
            .filter(visits::technician_id.eq(technician))
            .filter(visits::status.eq_any(BOOKING))
            .filter(visits::id.ne(visit_id))
            .filter(visits::window_start.lt(before.window_end))
            .filter(visits::window_end.gt(before.window_start))
            .select(visits::id)
            .first(c)
            .optional()?;
        if let Some(other) = clash {
            return Err(AppError::Conflict(format!(
                "technician {technician} is already booked in that window (visit {other})"
            )));
        }
        let n = diesel::update(
            visits::table
                .filter(visits::id.eq(visit_id))
                .filter(visits::version.eq(before.version)),
        )
        .set((
            visits::technician_id.eq(Some(technician)),
            visits::status.eq(VisitStatus::Assigned.as_str()),
            visits::version.eq(before.version + 1),
            visits::updated_at.eq(ts(actor.at)),
        ))
        .execute(c)?;
        if n == 0 {
            return Err(AppError::Conflict(
                "the visit was changed meanwhile; reload it and try again".into(),
            ));
        }
        let after = get_visit(c, visit_id)?.to_wire()?;
        let kind = if before.technician_id.is_some() {
            "visit_reassigned"
        } else {
            "visit_assigned"
        };
        let from = before.technician_id.map(|t| t.to_string());
        let data = json!({"visit_id": visit_id});
        visit_event(
            c,
            &before,
            actor,
            kind,
            from.as_deref(),
            Some(&technician.to_string()),
            reason.as_deref(),
            Some(data),
        )?;
        super::notifications::notify(
            c,
            &[technician],
            before.ticket_id,
            "visit_assigned",
            &format!("Visit {visit_id} was assigned to you"),
            actor.at,
        )?;
        audit::record(
            c,
            actor,
            "visit",
            visit_id,
            kind,
            snapshot(&before.to_wire()?),
            snapshot(&after),
        )?;
        Ok(after)
    })
}

/// Takes the technician off a visit that has not started; it goes back to the queue.
pub fn unassign(c: &mut DbConn, actor: &Actor, visit_id: i64, reason: String) -> AppResult<Visit> {
    write(c, |c| {
        let before = get_visit(c, visit_id)?;
        if before.status()? != VisitStatus::Assigned {
            return Err(AppError::InvalidTransition(format!(
                "only an assigned visit can be unassigned; this one is {}",
                before.status
            )));
        }
        diesel::update(visits::table.find(visit_id))
            .set((
                visits::technician_id.eq(None::<i64>),
                visits::status.eq(VisitStatus::Scheduled.as_str()),
                visits::version.eq(before.version + 1),
                visits::updated_at.eq(ts(actor.at)),
            ))
            .execute(c)?;
        let after = get_visit(c, visit_id)?.to_wire()?;
        let from = before.technician_id.map(|t| t.to_string());
        visit_event(
            c,
            &before,
            actor,
            "visit_unassigned",
            from.as_deref(),
            None,
            Some(&reason),
            Some(json!({"visit_id": visit_id})),
        )?;
        audit::record(
            c,
            actor,
            "visit",
            visit_id,
            "unassign",
            snapshot(&before.to_wire()?),
            snapshot(&after),
        )?;
        Ok(after)
    })
}

/// Open visits of a local day (optionally one region): unassigned first, then by window.
pub fn board(c: &mut DbConn, day: chrono::NaiveDate, region: Option<i64>) -> AppResult<Vec<BoardEntry>> {
    let cal = calendar::calendar(c)?;
    let (open, close) = day_bounds(&cal, day);
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
    let rows: Vec<(VisitRow, Option<TicketDue>, Option<chrono::NaiveDate>)> = q
        .order((visits::technician_id.is_not_null(), visits::window_start, visits::id))
        .select((
            VisitRow::as_select(),
            ticket_due_columns().nullable(),
            inspections::due_on.nullable(),
        ))
        .load(c)?;
    rows.into_iter()
        .map(|(v, t, i)| {
            let w = work_due(&cal, t, i)?;
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

// ---------------------------------------------------------------- the technician's phone

/// The technician's own visits, soonest window first.
pub fn technician_visits(
    c: &mut DbConn,
    tech: i64,
    status: Option<VisitStatus>,
    paging: Paging,
) -> AppResult<Page<Visit>> {
    let query = || {
        let mut q = visits::table.filter(visits::technician_id.eq(tech)).into_boxed();
        if let Some(s) = status {
            q = q.filter(visits::status.eq(s.as_str()));
        }
        q
    };
    let total = query().count().get_result(c)?;
    let rows: Vec<VisitRow> = query()
        .order((visits::window_start, visits::id))
        .limit(paging.limit)
        .offset(paging.offset)
        .select(VisitRow::as_select())
        .load(c)?;
    let items = rows.iter().map(VisitRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

/// One of the technician's visits; anyone else's is "not found".
pub fn own_visit(c: &mut DbConn, tech: i64, id: i64) -> AppResult<VisitRow> {
    let v = get_visit(c, id)?;
    if v.technician_id != Some(tech) {
        return Err(AppError::not_found("visit", id));
    }
    Ok(v)
}

/// A visit with what the job needs: the site, and the ticket's details (contact, asset, warranty)
/// or, for an inspection, the plan's name, notes and the assets to inspect.
pub fn visit_detail(c: &mut DbConn, tech: i64, id: i64) -> AppResult<fieldline_mobile_api::VisitDetail> {
    use super::schema::{assets, sites};
    let v = own_visit(c, tech, id)?;
    let site: Option<(String, String, f64, f64)> = match v.site_id {
        Some(s) => Some(
            sites::table
                .find(s)
                .select((sites::name, sites::address, sites::latitude, sites::longitude))
                .first(c)?,
        ),
        None => None,
    };
    let parts: Vec<(String, i32)> = visit_parts::table
        .filter(visit_parts::visit_id.eq(id))
        .order(visit_parts::id)
        .select((visit_parts::part_number, visit_parts::quantity))
        .load(c)?;
    let mut detail = fieldline_mobile_api::VisitDetail {
        visit: v.to_wire()?,
        ticket_number: None,
        title: String::new(),
        description: String::new(),
        priority: crate::domain::inspection::BOARD_PRIORITY,
        site_name: site.as_ref().map(|s| s.0.clone()),
        site_address: site.as_ref().map(|s| s.1.clone()),
        site_latitude: site.as_ref().map(|s| s.2),
        site_longitude: site.as_ref().map(|s| s.3),
        contact_name: None,
        contact_phone: None,
        product_model: None,
        serial_number: None,
        warranty_end: None,
        parts: parts
            .into_iter()
            .map(|(part_number, quantity)| fieldline_mobile_api::PartUsed { part_number, quantity })
            .collect(),
        assets: Vec::new(),
    };
    match (v.ticket_id, v.inspection_id) {
        (Some(ticket_id), _) => {
            let t = ticket_store::get(c, ticket_id)?;
            detail.warranty_end = match t.asset_id {
                Some(a) => assets::table.find(a).select(assets::warranty_end).first(c)?,
                None => None,
            };
            detail.priority =
                Priority::parse(&t.priority).ok_or_else(|| AppError::internal("stored priority is unknown"))?;
            detail.ticket_number = Some(t.number);
            detail.title = t.title;
            detail.description = t.description;
            detail.contact_name = t.contact_name;
            detail.contact_phone = t.contact_phone;
            detail.product_model = t.product_model;
            detail.serial_number = t.serial_number;
        }
        (None, Some(inspection)) => {
            let brief = super::inspections::visit_brief(c, inspection)?;
            detail.title = brief.title;
            detail.description = brief.description;
            detail.assets = brief.assets;
        }
        (None, None) => {
            return Err(AppError::internal(format!(
                "visit {id} has neither a ticket nor an inspection"
            )))
        }
    }
    Ok(detail)
}

/// What a step carries, after validation.
#[derive(Debug, Clone)]
pub enum StepData {
    Accept,
    Decline {
        reason: String,
    },
    EnRoute,
    CheckIn {
        at: Location,
        reason: Option<String>,
    },
    Complete {
        work_notes: String,
        parts: Vec<fieldline_mobile_api::PartUsed>,
        time_spent_minutes: i32,
        quote_amount: Option<f64>,
        signoff_name: String,
        signature_png: Vec<u8>,
    },
    Fail {
        reason: String,
        needs_revisit: bool,
    },
}

impl StepData {
    fn step(&self) -> crate::domain::visit::Step {
        use crate::domain::visit::Step;
        match self {
            StepData::Accept => Step::Accept,
            StepData::Decline { .. } => Step::Decline,
            StepData::EnRoute => Step::EnRoute,
            StepData::CheckIn { .. } => Step::CheckIn,
            StepData::Complete { .. } => Step::Complete,
            StepData::Fail { needs_revisit, .. } => Step::Fail {
                needs_revisit: *needs_revisit,
            },
        }
    }
}

/// One step of the technician's visit, inside the caller's transaction. `expected_version` is the
/// version the phone last saw (`If-Match`); an older one gets the current visit back (412).
pub fn visit_step(
    c: &mut DbConn,
    actor: &Actor,
    tech: i64,
    id: i64,
    expected_version: i32,
    data: StepData,
    settings: &crate::config::Settings,
) -> AppResult<Visit> {
    let (checkin_radius_m, step_interval) = (settings.checkin_radius_m, settings.escalation_step());
    let before = own_visit(c, tech, id)?;
    if before.version != expected_version {
        return Err(AppError::PreconditionFailed {
            current: serde_json::to_value(before.to_wire()?).map_err(AppError::internal)?,
        });
    }
    let status = before.status()?;
    let step = data.step();
    let next = crate::domain::visit::next(status, step)
        .ok_or_else(|| AppError::InvalidTransition(format!("a visit that is {status} cannot {}", step.name())))?;
    let now = ts(actor.at);
    let claimed = diesel::update(
        visits::table
            .filter(visits::id.eq(id))
            .filter(visits::version.eq(before.version)),
    )
    .set((
        visits::status.eq(next.as_str()),
        visits::version.eq(before.version + 1),
        visits::updated_at.eq(now),
    ))
    .execute(c)?;
    if claimed == 0 {
        let current = get_visit(c, id)?.to_wire()?;
        return Err(AppError::PreconditionFailed {
            current: serde_json::to_value(current).map_err(AppError::internal)?,
        });
    }
    let target = visits::table.find(id);
    let (kind, reason): (&str, Option<String>) = match data {
        StepData::Accept => {
            diesel::update(target)
                .set(visits::accepted_at.eq(Some(now)))
                .execute(c)?;
            ("visit_accepted", None)
        }
        StepData::Decline { reason } => {
            diesel::update(target)
                .set((
                    visits::technician_id.eq(None::<i64>),
                    visits::accepted_at.eq(None::<NaiveDateTime>),
                    visits::outcome_reason.eq(&reason),
                ))
                .execute(c)?;
            let dispatchers: Vec<i64> = users::table
                .filter(users::role.eq(Role::Dispatcher.as_str()))
                .filter(users::active.eq(true))
                .select(users::id)
                .load(c)?;
            let msg = format!("Visit {id} was declined and needs a technician: {reason}");
            super::notifications::notify(c, &dispatchers, before.ticket_id, "visit_declined", &msg, actor.at)?;
            ("visit_declined", Some(reason))
        }
        StepData::EnRoute => {
            diesel::update(target)
                .set(visits::en_route_at.eq(Some(now)))
                .execute(c)?;
            ("visit_en_route", None)
        }
        StepData::CheckIn { at, reason } => {
            let site = before
                .site_id
                .ok_or_else(|| AppError::InvalidTransition("the visit has no site".into()))?;
            let (lat, lon): (f64, f64) = super::schema::sites::table
                .find(site)
                .select((super::schema::sites::latitude, super::schema::sites::longitude))
                .first(c)?;
            let site_at = Location::parse(lat, lon).map_err(|e| AppError::internal(format!("site {site}: {e}")))?;
            let distance = dispatch::distance_km(&at, &site_at) * 1000.0;
            if !crate::domain::visit::within_radius(distance, checkin_radius_m) && reason.is_none() {
                return Err(AppError::validation(
                    "reason",
                    format!("the phone is {distance:.0} m from the site (the limit is {checkin_radius_m:.0} m): give a reason"),
                ));
            }
            diesel::update(target)
                .set((
                    visits::checked_in_at.eq(Some(now)),
                    visits::checkin_lat.eq(Some(at.lat())),
                    visits::checkin_lon.eq(Some(at.lon())),
                    visits::checkin_distance_m.eq(Some((distance * 10.0).round() / 10.0)),
                    visits::checkin_reason.eq(reason.as_deref()),
                ))
                .execute(c)?;
            // The technician's arrival stops the ticket's arrival clock.
            if let Some(ticket_id) = before.ticket_id {
                let t = ticket_store::get(c, ticket_id)?;
                if t.arrived_at.is_none()
                    && t.ladder_tier == fieldline_mobile_api::LadderTier::Onsite.as_str()
                    && t.status()?.is_open()
                {
                    ticket_store::change_in_tx(
                        c,
                        actor,
                        None,
                        ticket_id,
                        ticket_store::Change::Arrived { at: actor.at },
                        step_interval,
                    )?;
                }
            }
            ("visit_checked_in", reason)
        }
        StepData::Complete {
            work_notes,
            parts,
            time_spent_minutes,
            quote_amount,
            signoff_name,
            signature_png,
        } => {
            use super::schema::assets;
            // A repair is free under the asset's warranty and billable at the quote told beforehand
            // outside it; an inspection is planned service, neither (problems found become tickets).
            let under_warranty = match before.ticket_id {
                Some(ticket_id) => {
                    let t = ticket_store::get(c, ticket_id)?;
                    let warranty_end: Option<chrono::NaiveDate> = match t.asset_id {
                        Some(a) => assets::table.find(a).select(assets::warranty_end).first(c)?,
                        None => None,
                    };
                    let under_warranty = warranty_end.is_some_and(|w| w >= actor.at.date_naive());
                    if !under_warranty && quote_amount.is_none() {
                        return Err(AppError::validation(
                            "quote_amount",
                            "the asset is out of warranty: give the price the customer was told",
                        ));
                    }
                    Some(under_warranty)
                }
                None => None,
            };
            diesel::update(target)
                .set((
                    visits::finished_at.eq(Some(now)),
                    visits::work_notes.eq(Some(&work_notes)),
                    visits::under_warranty.eq(under_warranty),
                    visits::quote_amount.eq(if under_warranty == Some(false) {
                        quote_amount
                    } else {
                        None
                    }),
                    visits::time_spent_minutes.eq(Some(time_spent_minutes)),
                    visits::signoff_name.eq(Some(&signoff_name)),
                    visits::signature_png.eq(Some(&signature_png)),
                ))
                .execute(c)?;
            for p in &parts {
                diesel::insert_into(visit_parts::table)
                    .values((
                        visit_parts::visit_id.eq(id),
                        visit_parts::part_number.eq(&p.part_number),
                        visit_parts::quantity.eq(p.quantity),
                    ))
                    .execute(c)?;
            }
            ("visit_completed", None)
        }
        StepData::Fail { reason, needs_revisit } => {
            diesel::update(target)
                .set((visits::finished_at.eq(Some(now)), visits::outcome_reason.eq(&reason)))
                .execute(c)?;
            if let Some(request) = before.onsite_request_id.filter(|_| needs_revisit) {
                // The on-site registration goes back to dispatch for another visit.
                diesel::update(onsite_requests::table.find(request))
                    .set((
                        onsite_requests::status.eq(OnsiteRequestStatus::Open.as_str()),
                        onsite_requests::updated_at.eq(now),
                    ))
                    .execute(c)?;
            }
            (
                if needs_revisit {
                    "visit_needs_revisit"
                } else {
                    "visit_failed"
                },
                Some(reason),
            )
        }
    };
    if let Some(inspection) = before.inspection_id {
        super::inspections::after_visit_step(c, actor, inspection, &before, step)?;
    }
    let after = get_visit(c, id)?.to_wire()?;
    visit_event(
        c,
        &before,
        actor,
        kind,
        Some(status.as_str()),
        Some(next.as_str()),
        reason.as_deref(),
        Some(json!({"visit_id": id})),
    )?;
    audit::record(
        c,
        actor,
        "visit",
        id,
        step.name(),
        snapshot(&before.to_wire()?),
        snapshot(&after),
    )?;
    Ok(after)
}
