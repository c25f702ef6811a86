//! Day plans: the plan, its routes, stops and unplaced visits, and what planning reads of the
//! day's technicians and sites.

use crate::db::dispatch::technicians::TechnicianRow;
use crate::db::dispatch::visits::{VisitRow, BOOKING};
use crate::db::schema::{
    customers, day_plan_routes, day_plan_stops, day_plan_unplaced, day_plans, duty_shifts, service_regions, sites,
    technician_skills, technicians, tickets, users, visits,
};
use crate::db::{ts, DbConn, Paging};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{DayPlanStatus, Page, Role};
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = day_plans)]
pub struct PlanRow {
    pub id: i64,
    pub day: NaiveDate,
    pub region_id: Option<i64>,
    pub status: String,
    pub budget_seconds: i32,
    pub pinned_json: String,
    pub excluded_json: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub error: Option<String>,
    pub applied_by: Option<i64>,
    pub applied_at: Option<NaiveDateTime>,
    pub visits_planned: i32,
    pub visits_unplaced: i32,
    pub technicians_used: i32,
    pub travel_seconds: i64,
    pub metres: i64,
}

impl PlanRow {
    pub fn status(&self) -> AppResult<DayPlanStatus> {
        DayPlanStatus::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("day plan {} has unknown status", self.id)))
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = day_plan_routes)]
pub struct RouteRow {
    pub plan_id: i64,
    pub technician_id: i64,
    pub starts_from: String,
    pub start_lat: f64,
    pub start_lon: f64,
    pub departure_at: NaiveDateTime,
    pub return_at: NaiveDateTime,
    pub metres: i64,
    pub travel_seconds: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = day_plan_stops)]
pub struct StopRow {
    pub plan_id: i64,
    pub technician_id: i64,
    pub position: i32,
    pub visit_id: Option<i64>,
    pub visit_version: Option<i32>,
    pub arrival_at: NaiveDateTime,
    pub start_at: NaiveDateTime,
    pub departure_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = day_plan_unplaced)]
pub struct UnplacedRow {
    pub plan_id: i64,
    pub visit_id: i64,
    pub reason: String,
}

/// A plan asked for.
pub struct NewPlan<'a> {
    pub day: NaiveDate,
    pub region_id: Option<i64>,
    pub budget_seconds: i32,
    pub pinned: &'a [i64],
    pub excluded: &'a [i64],
    pub by: i64,
    pub at: DateTime<Utc>,
}

pub fn insert(c: &mut DbConn, p: &NewPlan) -> AppResult<i64> {
    let json = |ids: &[i64]| serde_json::to_string(ids).map_err(AppError::internal);
    Ok(diesel::insert_into(day_plans::table)
        .values((
            day_plans::day.eq(p.day),
            day_plans::region_id.eq(p.region_id),
            day_plans::status.eq(DayPlanStatus::Planning.as_str()),
            day_plans::budget_seconds.eq(p.budget_seconds),
            day_plans::pinned_json.eq(json(p.pinned)?),
            day_plans::excluded_json.eq(json(p.excluded)?),
            day_plans::created_by.eq(p.by),
            day_plans::created_at.eq(ts(p.at)),
        ))
        .returning(day_plans::id)
        .get_result(c)?)
}

pub fn get(c: &mut DbConn, id: i64) -> AppResult<PlanRow> {
    day_plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("day plan", id))
}

/// Plans, newest first, of one day or all.
pub fn list(c: &mut DbConn, day: Option<NaiveDate>, paging: Paging) -> AppResult<Page<PlanRow>> {
    let query = || {
        let mut q = day_plans::table.into_boxed();
        if let Some(d) = day {
            q = q.filter(day_plans::day.eq(d));
        }
        q
    };
    let (rows, total) = paging.load(c, query, |q| q.order(day_plans::id.desc()).select(PlanRow::as_select()))?;
    Ok(paging.page(rows, total))
}

/// The solver's result: the routes, stops and unplaced visits, and the plan's figures.
pub struct Solved<'a> {
    pub routes: &'a [RouteRow],
    pub stops: &'a [StopRow],
    pub unplaced: &'a [UnplacedRow],
    pub at: DateTime<Utc>,
}

/// Stores the result of a plan still being made; returns whether it was (a plan is solved once).
pub fn save_result(c: &mut DbConn, id: i64, r: &Solved) -> AppResult<bool> {
    let visits = r.stops.iter().filter(|s| s.visit_id.is_some()).count() as i32;
    let n = diesel::update(
        day_plans::table
            .find(id)
            .filter(day_plans::status.eq(DayPlanStatus::Planning.as_str())),
    )
    .set((
        day_plans::status.eq(DayPlanStatus::Ready.as_str()),
        day_plans::finished_at.eq(Some(ts(r.at))),
        day_plans::visits_planned.eq(visits),
        day_plans::visits_unplaced.eq(r.unplaced.len() as i32),
        day_plans::technicians_used.eq(r.routes.len() as i32),
        day_plans::travel_seconds.eq(r.routes.iter().map(|x| x.travel_seconds).sum::<i64>()),
        day_plans::metres.eq(r.routes.iter().map(|x| x.metres).sum::<i64>()),
    ))
    .execute(c)?;
    if n == 0 {
        return Ok(false);
    }
    // Chunks keep each statement under SQLite's limit of bound parameters.
    for chunk in r.routes.chunks(200) {
        crate::on_backend!(c, |b| diesel::insert_into(day_plan_routes::table)
            .values(chunk)
            .execute(b))?;
    }
    for chunk in r.stops.chunks(200) {
        crate::on_backend!(c, |b| diesel::insert_into(day_plan_stops::table)
            .values(chunk)
            .execute(b))?;
    }
    for chunk in r.unplaced.chunks(200) {
        crate::on_backend!(c, |b| diesel::insert_into(day_plan_unplaced::table)
            .values(chunk)
            .execute(b))?;
    }
    Ok(true)
}

/// Moves a plan from `from` to `to` (with a reason, and who applied it); returns whether it was
/// still in `from`.
pub fn set_status(
    c: &mut DbConn,
    id: i64,
    (from, to): (DayPlanStatus, DayPlanStatus),
    error: Option<&str>,
    (by, at): (Option<i64>, DateTime<Utc>),
) -> AppResult<bool> {
    let applied = to == DayPlanStatus::Applied;
    let n = diesel::update(day_plans::table.find(id).filter(day_plans::status.eq(from.as_str())))
        .set((
            day_plans::status.eq(to.as_str()),
            day_plans::error.eq(error),
            day_plans::applied_by.eq(by.filter(|_| applied)),
            day_plans::applied_at.eq(applied.then(|| ts(at))),
            day_plans::finished_at.eq(Some(ts(at))),
        ))
        .execute(c)?;
    Ok(n > 0)
}

pub fn routes(c: &mut DbConn, id: i64) -> AppResult<Vec<RouteRow>> {
    Ok(day_plan_routes::table
        .filter(day_plan_routes::plan_id.eq(id))
        .order(day_plan_routes::technician_id)
        .select(RouteRow::as_select())
        .load(c)?)
}

pub fn stops(c: &mut DbConn, id: i64) -> AppResult<Vec<StopRow>> {
    Ok(day_plan_stops::table
        .filter(day_plan_stops::plan_id.eq(id))
        .order((day_plan_stops::technician_id, day_plan_stops::position))
        .select(StopRow::as_select())
        .load(c)?)
}

pub fn unplaced(c: &mut DbConn, id: i64) -> AppResult<Vec<UnplacedRow>> {
    Ok(day_plan_unplaced::table
        .filter(day_plan_unplaced::plan_id.eq(id))
        .order(day_plan_unplaced::visit_id)
        .select(UnplacedRow::as_select())
        .load(c)?)
}

/// Display names of users.
pub fn names(c: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect())
}

/// A site as a plan shows and travels to it.
#[derive(Debug, Clone, Queryable)]
pub struct PlanSite {
    pub id: i64,
    pub name: String,
    pub customer_name: String,
    pub lat: f64,
    pub lon: f64,
    /// The class of the site's region, if it lies in one.
    pub class: Option<String>,
}

pub fn sites_of(c: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, PlanSite>> {
    let rows: Vec<PlanSite> = sites::table
        .inner_join(customers::table)
        .left_join(service_regions::table.on(sites::region_id.eq(service_regions::id.nullable())))
        .filter(sites::id.eq_any(ids))
        .select((
            sites::id,
            sites::name,
            customers::name,
            sites::latitude,
            sites::longitude,
            service_regions::class.nullable(),
        ))
        .load(c)?;
    Ok(rows.into_iter().map(|s| (s.id, s)).collect())
}

/// A visit with its ticket's number and SLA due time.
pub type VisitWithTicket = (VisitRow, Option<String>, Option<NaiveDateTime>);

/// A ticket's number, arrival due time and resolution due time.
type TicketDues = (String, Option<NaiveDateTime>, NaiveDateTime);

/// Visits with their ticket's number and SLA due time (arrival, else resolution), by id.
pub fn visits_with_tickets(c: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, VisitWithTicket>> {
    let rows: Vec<(VisitRow, Option<TicketDues>)> = visits::table
        .left_join(tickets::table)
        .filter(visits::id.eq_any(ids))
        .select((
            VisitRow::as_select(),
            (tickets::number, tickets::arrival_due_at, tickets::resolution_due_at).nullable(),
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(v, t)| {
            let (number, due) = match t {
                Some((n, arrival, resolution)) => (Some(n), Some(arrival.unwrap_or(resolution))),
                None => (None, None),
            };
            (v.id, (v, number, due))
        })
        .collect())
}

/// What planning reads of one technician.
pub struct PlanTechnician {
    pub row: TechnicianRow,
    pub name: String,
    pub skills: Vec<(String, i32)>,
    pub duty: Vec<(NaiveDateTime, NaiveDateTime)>,
}

/// The active users of `role` with a technician profile, their skills and the duty shifts
/// overlapping the day.
pub fn technicians(
    c: &mut DbConn,
    (start, end): (NaiveDateTime, NaiveDateTime),
    role: Role,
) -> AppResult<Vec<PlanTechnician>> {
    let rows: Vec<(TechnicianRow, String)> = technicians::table
        .inner_join(users::table)
        .filter(users::active.eq(true))
        .filter(users::role.eq(role.as_str()))
        .order(technicians::user_id)
        .select((TechnicianRow::as_select(), users::display_name))
        .load(c)?;
    let mut skills: HashMap<i64, Vec<(String, i32)>> = HashMap::new();
    for (u, s, l) in technician_skills::table
        .select((
            technician_skills::user_id,
            technician_skills::skill,
            technician_skills::level,
        ))
        .load::<(i64, String, i32)>(c)?
    {
        skills.entry(u).or_default().push((s, l));
    }
    let mut duty: HashMap<i64, Vec<(NaiveDateTime, NaiveDateTime)>> = HashMap::new();
    for (u, s, e) in duty_shifts::table
        .filter(duty_shifts::starts_at.lt(end))
        .filter(duty_shifts::ends_at.gt(start))
        .select((duty_shifts::user_id, duty_shifts::starts_at, duty_shifts::ends_at))
        .load::<(i64, NaiveDateTime, NaiveDateTime)>(c)?
    {
        duty.entry(u).or_default().push((s, e));
    }
    Ok(rows
        .into_iter()
        .map(|(row, name)| PlanTechnician {
            skills: skills.remove(&row.user_id).unwrap_or_default(),
            duty: duty.remove(&row.user_id).unwrap_or_default(),
            row,
            name,
        })
        .collect())
}

/// The visits of the day that technicians hold or have done (not cancelled, not scheduled):
/// what a plan must work around.
pub fn held_that_day(c: &mut DbConn, (start, end): (NaiveDateTime, NaiveDateTime)) -> AppResult<Vec<VisitRow>> {
    let mut done: Vec<&str> = BOOKING.to_vec();
    done.extend(["completed", "failed", "needs_revisit"]);
    Ok(visits::table
        .filter(visits::technician_id.is_not_null())
        .filter(visits::window_start.lt(end))
        .filter(visits::window_end.gt(start))
        .filter(visits::status.eq_any(done))
        .select(VisitRow::as_select())
        .load(c)?)
}
