//! Day plans: a dispatcher asks for the routes of a day (a region, or all), the solver makes
//! them off the request threads (a bounded number of planner threads on each node, each solver
//! on a bounded number of threads), the dispatcher reviews the stored proposal — pinning or
//! leaving out visits and planning again — and applies it: every booking in one transaction,
//! under the no-double-booking guarantee, or none when anything changed since the plan was made.

use super::day_plan_solving as solving;
use super::Who;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::day_plans::{self as store, NewPlan, PlanRow, Solved, StopRow};
use crate::db::dispatch::bookings::{self, Planned};
use crate::db::dispatch::visits::{self as visit_store, VisitRow};
use crate::db::{sla as calendar, utc, write, DbConn, Paging, Pool};
use crate::error::{AppError, AppResult};
use crate::policy::dispatch::{self as policy, Act};
use crate::routing::Budget;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use fieldline_mobile_api::{
    DayPlan, DayPlanId, DayPlanStatus, DayPlanSummary, NewDayPlan, Page, PlanRoute, PlanStop, PlanUnplaced, RegionId,
    RouteStart, StopKind, UnplacedReason, UserId, VisitId, VisitStatus,
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::sync::{mpsc, Arc, Mutex};

/// A plan still `planning` this long after its budget ran out was cut short (its node stopped).
const LOST_AFTER_MINUTES: i64 = 10;

/// The planner threads of this node: plans wait in a queue for one of `workers` threads.
pub struct Planner {
    queue: Mutex<mpsc::Sender<i64>>,
}

impl Planner {
    pub fn start(pool: Pool, settings: Settings, clock: Clock) -> Planner {
        let (tx, rx) = mpsc::channel::<i64>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..settings.plans.workers {
            let (rx, pool, settings, clock) = (rx.clone(), pool.clone(), settings.clone(), clock.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("planner-{i}"))
                .spawn(move || loop {
                    let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(id) = next else { return };
                    run(&pool, id, &settings, &clock);
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "a planner thread could not start");
            }
        }
        Planner { queue: Mutex::new(tx) }
    }

    fn submit(&self, plan_id: i64) {
        let sent = self.queue.lock().unwrap_or_else(|e| e.into_inner()).send(plan_id);
        if sent.is_err() {
            tracing::error!(plan_id, "no planner thread takes plans");
        }
    }
}

/// Makes one plan: reads the day, solves without holding a connection, stores the routes; a
/// failure is stored as the plan's error.
fn run(pool: &Pool, id: i64, settings: &Settings, clock: &Clock) {
    let made = (|| -> AppResult<()> {
        let plan = store::get(&mut *pool.get()?, id)?;
        let inputs = solving::inputs(&mut *pool.get()?, &plan, clock.now(), &settings.plans)?;
        let budget = Budget {
            max_time: std::time::Duration::from_secs(plan.budget_seconds.max(1) as u64),
            max_generations: None,
            threads: settings.plans.solver_threads,
        };
        let rows = solving::solve(id, &inputs, budget)?;
        let at = clock.now();
        write(&mut *pool.get()?, |c| {
            let solved = Solved {
                routes: &rows.routes,
                stops: &rows.stops,
                unplaced: &rows.unplaced,
                at,
            };
            if store::save_result(c, id, &solved)? {
                let figures = json!({"routes": rows.routes.len(), "unplaced": rows.unplaced.len()});
                audit::record(c, &Actor::system(at), "day_plan", id, "solved", None, Some(figures))?;
            }
            Ok(())
        })
    })();
    if let Err(e) = made {
        tracing::warn!(plan_id = id, error = %e, "a day plan failed");
        let at = clock.now();
        let failed = pool.get().map_err(AppError::from).and_then(|mut c| {
            let why = "the plan could not be made; see the server log";
            store::set_status(
                &mut c,
                id,
                (DayPlanStatus::Planning, DayPlanStatus::Failed),
                Some(why),
                (None, at),
            )
        });
        if let Err(e) = failed {
            tracing::error!(plan_id = id, error = %e, "a failed day plan could not be marked");
        }
    }
}

/// Checks the request and stores the plan as `planning`; the caller hands its id to the planner.
pub fn create(c: &mut DbConn, who: &Who, b: NewDayPlan, settings: &Settings) -> AppResult<DayPlan> {
    policy::require(&who.caller, Act::MakePlan)?;
    let cal = calendar::calendar(c)?;
    let today = cal.local_date(who.at);
    if b.day < today || b.day > today + Duration::days(30) {
        return Err(AppError::validation("day", "must be today or up to 30 days ahead"));
    }
    let budget = b.budget_seconds.unwrap_or(settings.plans.budget_seconds as i32);
    if !(1..=120).contains(&budget) {
        return Err(AppError::validation("budget_seconds", "must be between 1 and 120"));
    }
    for (field, ids) in [("pinned", &b.pinned), ("excluded", &b.excluded)] {
        if ids.len() > 1000 {
            return Err(AppError::validation(field, "at most 1000 visits"));
        }
    }
    if let Some(v) = b.pinned.iter().find(|v| b.excluded.contains(v)) {
        return Err(AppError::validation("excluded", format!("visit {v} is also pinned")));
    }
    let ids = |v: &[VisitId]| v.iter().map(|x| x.0).collect::<Vec<i64>>();
    let (pinned, excluded) = (ids(&b.pinned), ids(&b.excluded));
    let actor = who.actor();
    let id = write(c, |c| {
        if let Some(r) = b.region_id {
            crate::db::regions::get(c, r.0)?;
        }
        let id = store::insert(
            c,
            &NewPlan {
                day: b.day,
                region_id: b.region_id.map(|r| r.0),
                budget_seconds: budget,
                pinned: &pinned,
                excluded: &excluded,
                by: who.caller.id.0,
                at: who.at,
            },
        )?;
        audit::record(c, &actor, "day_plan", id, "create", None, snapshot(&b))?;
        Ok::<_, AppError>(id)
    })?;
    get_plan(c, id, who.at)
}

/// Hands a stored plan to this node's planner.
pub fn submit(planner: &Planner, plan: &DayPlan) {
    planner.submit(plan.plan.id.0);
}

/// Plans of a day (or all), newest first.
pub fn list(
    c: &mut DbConn,
    who: &Who,
    day: Option<NaiveDate>,
    (limit, offset): (Option<i64>, Option<i64>),
) -> AppResult<Page<DayPlanSummary>> {
    policy::require(&who.caller, Act::ReadPlans)?;
    let paging = Paging::new(limit, offset)?;
    let page = store::list(c, day, paging)?;
    let items = summaries(c, &page.items, who.at)?;
    Ok(Page {
        items,
        total: page.total,
        limit: page.limit,
        offset: page.offset,
        total_capped: page.total_capped,
    })
}

/// One plan with its routes and unplaced visits.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<DayPlan> {
    policy::require(&who.caller, Act::ReadPlans)?;
    get_plan(c, id, who.at)
}

fn summaries(c: &mut DbConn, rows: &[PlanRow], now: DateTime<Utc>) -> AppResult<Vec<DayPlanSummary>> {
    let mut people: Vec<i64> = rows.iter().map(|r| r.created_by).collect();
    people.extend(rows.iter().filter_map(|r| r.applied_by));
    let names = store::names(c, &people)?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    rows.iter()
        .map(|r| {
            let mut status = r.status()?;
            let mut error = r.error.clone();
            let lost =
                utc(r.created_at) + Duration::seconds(r.budget_seconds.into()) + Duration::minutes(LOST_AFTER_MINUTES);
            if status == DayPlanStatus::Planning && now > lost {
                status = DayPlanStatus::Failed;
                error = Some("the planner stopped before the plan was made; plan again".into());
            }
            Ok(DayPlanSummary {
                id: DayPlanId(r.id),
                day: r.day,
                region_id: r.region_id.map(RegionId),
                region_name: match r.region_id {
                    Some(g) => Some(crate::db::regions::get(c, g)?.name),
                    None => None,
                },
                status,
                budget_seconds: r.budget_seconds,
                created_by_name: name(r.created_by),
                created_at: utc(r.created_at),
                finished_at: r.finished_at.map(utc),
                error,
                applied_by_name: r.applied_by.map(name),
                applied_at: r.applied_at.map(utc),
                visits_planned: r.visits_planned,
                visits_unplaced: r.visits_unplaced,
                technicians_used: r.technicians_used,
                travel_minutes: (r.travel_seconds + 30) / 60,
                km: (r.metres as f64 / 100.0).round() / 10.0,
            })
        })
        .collect()
}

fn get_plan(c: &mut DbConn, id: i64, now: DateTime<Utc>) -> AppResult<DayPlan> {
    let row = store::get(c, id)?;
    let plan = summaries(c, std::slice::from_ref(&row), now)?.remove(0);
    let (routes, stops, unplaced) = (store::routes(c, id)?, store::stops(c, id)?, store::unplaced(c, id)?);
    let mut visit_ids: Vec<i64> = stops.iter().filter_map(|s| s.visit_id).collect();
    visit_ids.extend(unplaced.iter().map(|u| u.visit_id));
    let visits = store::visits_with_tickets(c, &visit_ids)?;
    let site_ids: Vec<i64> = visits.values().filter_map(|v| v.0.site_id).collect();
    let sites = store::sites_of(c, &site_ids)?;
    let names = store::names(c, &routes.iter().map(|r| r.technician_id).collect::<Vec<_>>())?;
    let ids = |json: &str| serde_json::from_str::<Vec<i64>>(json).unwrap_or_default();
    let pinned = ids(&row.pinned_json);
    let stop = |s: &StopRow| {
        let v = s.visit_id.and_then(|v| visits.get(&v));
        let site = v.and_then(|v| v.0.site_id).and_then(|x| sites.get(&x));
        PlanStop {
            position: s.position,
            kind: if s.visit_id.is_some() {
                StopKind::Visit
            } else {
                StopKind::Break
            },
            visit_id: s.visit_id.map(VisitId),
            ticket_number: v.and_then(|v| v.1.clone()),
            customer_name: site.map(|x| x.customer_name.clone()),
            site_name: site.map(|x| x.name.clone()),
            latitude: site.map(|x| x.lat),
            longitude: site.map(|x| x.lon),
            window_start: v.map(|v| utc(v.0.window_start)),
            window_end: v.map(|v| utc(v.0.window_end)),
            due_at: v.and_then(|v| v.2).map(utc),
            pinned: s.visit_id.is_some_and(|x| pinned.contains(&x))
                || v.is_some_and(|v| v.0.status == VisitStatus::Accepted.as_str()),
            arrival_at: utc(s.arrival_at),
            start_at: utc(s.start_at),
            departure_at: utc(s.departure_at),
        }
    };
    let mut by_tech: BTreeMap<i64, Vec<PlanStop>> = BTreeMap::new();
    for s in &stops {
        by_tech.entry(s.technician_id).or_default().push(stop(s));
    }
    Ok(DayPlan {
        plan,
        pinned: pinned.iter().copied().map(VisitId).collect(),
        excluded: ids(&row.excluded_json).into_iter().map(VisitId).collect(),
        routes: routes
            .iter()
            .map(|r| {
                Ok(PlanRoute {
                    technician_id: UserId(r.technician_id),
                    technician_name: names.get(&r.technician_id).cloned().unwrap_or_default(),
                    starts_from: RouteStart::parse(&r.starts_from)
                        .ok_or_else(|| AppError::internal("stored route start is unknown"))?,
                    start_latitude: r.start_lat,
                    start_longitude: r.start_lon,
                    departure_at: utc(r.departure_at),
                    return_at: utc(r.return_at),
                    km: (r.metres as f64 / 100.0).round() / 10.0,
                    travel_minutes: (r.travel_seconds + 30) / 60,
                    stops: by_tech.remove(&r.technician_id).unwrap_or_default(),
                })
            })
            .collect::<AppResult<_>>()?,
        unplaced: unplaced
            .iter()
            .filter_map(|u| {
                let v = visits.get(&u.visit_id)?;
                let site = v.0.site_id.and_then(|x| sites.get(&x));
                Some(PlanUnplaced {
                    visit_id: VisitId(u.visit_id),
                    ticket_number: v.1.clone(),
                    customer_name: site.map(|x| x.customer_name.clone()),
                    site_name: site.map(|x| x.name.clone()),
                    window_start: utc(v.0.window_start),
                    window_end: utc(v.0.window_end),
                    reason: UnplacedReason::parse(&u.reason).unwrap_or(UnplacedReason::Other),
                })
            })
            .collect(),
    })
}

/// Applies a ready plan: books every planned visit to its technician at its planned stretch and
/// place in the route, and takes the technician off the assigned visits it could not place
/// (unless pinned) — all in one transaction. A visit changed since the plan was made, or a
/// planned stretch that now clashes with a booking outside the plan, refuses the whole plan (409)
/// and marks it stale.
pub fn apply(c: &mut DbConn, who: &Who, id: i64, settings: &Settings) -> AppResult<DayPlan> {
    policy::require(&who.caller, Act::ApplyPlan)?;
    let actor = who.actor();
    let applied = write(c, |c| apply_in(c, &actor, id, settings));
    match applied {
        Ok(()) => get_plan(c, id, who.at),
        Err(AppError::Conflict(why)) if why.starts_with(STALE) => {
            write(c, |c| {
                let moved = (DayPlanStatus::Ready, DayPlanStatus::Stale);
                if store::set_status(c, id, moved, Some(&why), (None, who.at))? {
                    audit::record(c, &actor, "day_plan", id, "stale", None, Some(json!({"why": why})))?;
                }
                Ok::<_, AppError>(())
            })?;
            Err(AppError::Conflict(why))
        }
        Err(e) => Err(e),
    }
}

/// The start of every refusal of a stale plan.
const STALE: &str = "the plan is stale";

fn stale(why: String) -> AppError {
    AppError::Conflict(format!("{STALE}: {why}; plan again"))
}

fn apply_in(c: &mut DbConn, actor: &Actor, id: i64, settings: &Settings) -> AppResult<()> {
    let plan = store::get(c, id)?;
    match plan.status()? {
        DayPlanStatus::Ready => {}
        s => return Err(AppError::Conflict(format!("a plan that is {s} cannot be applied"))),
    }
    let stops: Vec<StopRow> = store::stops(c, id)?
        .into_iter()
        .filter(|s| s.visit_id.is_some())
        .collect();
    // The assigned visits it could not place go back to the queue, unless pinned to their
    // technician by the dispatcher.
    let pinned: Vec<i64> = serde_json::from_str(&plan.pinned_json).unwrap_or_default();
    let released: Vec<i64> = store::unplaced(c, id)?
        .iter()
        .map(|u| u.visit_id)
        .filter(|v| !pinned.contains(v))
        .collect();
    let mut techs: Vec<i64> = stops.iter().map(|s| s.technician_id).collect();
    techs.sort_unstable();
    techs.dedup();
    for t in &techs {
        crate::db::lock_technician(c, *t)?;
    }
    let mut involved: Vec<i64> = stops.iter().filter_map(|s| s.visit_id).collect();
    involved.extend(&released);
    let mut before: HashMap<i64, VisitRow> = HashMap::new();
    for s in &stops {
        let v = visit_store::get_visit(c, s.visit_id.unwrap_or_default())?;
        if Some(v.version) != s.visit_version {
            return Err(stale(format!("visit {} was changed after the plan was made", v.id)));
        }
        let status = v.status()?;
        let own = v.technician_id == Some(s.technician_id);
        let movable = matches!(status, VisitStatus::Scheduled | VisitStatus::Assigned)
            || (status == VisitStatus::Accepted && own);
        if !movable {
            return Err(stale(format!("visit {} is {status} now", v.id)));
        }
        if let Some(other) = bookings::clash(c, s.technician_id, &involved, (s.arrival_at, s.departure_at))? {
            return Err(stale(format!(
                "technician {} was booked meanwhile (visit {other})",
                s.technician_id
            )));
        }
        before.insert(v.id, v);
    }
    for v in released {
        let row = visit_store::get_visit(c, v)?;
        if row.status()? == VisitStatus::Assigned {
            visit_store::unbook(c, &row, actor.at)?;
            let from = row.technician_id.map(|t| t.to_string());
            super::visits::visit_event(
                c,
                &row,
                actor,
                "visit_unassigned",
                (from.as_deref(), None),
                Some("the day plan could not place it"),
            )?;
            audit::record(c, actor, "visit", v, "unassign", snapshot(&row.to_wire()?), None)?;
        }
    }
    for s in &stops {
        book(c, actor, &before[&s.visit_id.unwrap_or_default()], s, id, settings)?;
    }
    let tz = calendar::calendar(c)?.tz;
    for t in techs {
        let mine: Vec<&StopRow> = stops.iter().filter(|s| s.technician_id == t).collect();
        let first = mine.iter().map(|s| s.arrival_at).min().map(utc);
        let message = format!(
            "Your route for {}: {} visits, the first at {}",
            plan.day,
            mine.len(),
            first
                .map(|f| f.with_timezone(&tz).format("%H:%M").to_string())
                .unwrap_or_default()
        );
        crate::db::notifications::notify(c, &[t], None, "route_planned", &message, actor.at)?;
    }
    if !store::set_status(
        c,
        id,
        (DayPlanStatus::Ready, DayPlanStatus::Applied),
        None,
        (actor.id.map(|u| u.0), actor.at),
    )? {
        return Err(AppError::Conflict("the plan was applied or changed meanwhile".into()));
    }
    audit::record(
        c,
        actor,
        "day_plan",
        id,
        "apply",
        None,
        Some(json!({"visits": stops.len()})),
    )?;
    Ok(())
}

/// Books one stop of the plan: its technician, planned stretch and place in the route.
fn book(c: &mut DbConn, actor: &Actor, v: &VisitRow, s: &StopRow, plan_id: i64, settings: &Settings) -> AppResult<()> {
    let status = match v.status()? {
        VisitStatus::Accepted => VisitStatus::Accepted,
        _ => VisitStatus::Assigned,
    };
    let planned = Planned {
        technician: s.technician_id,
        status,
        arrival: utc(s.arrival_at),
        departure: utc(s.departure_at),
        position: s.position,
        plan_id,
        at: actor.at,
    };
    if !bookings::book_planned(c, v, &planned)? {
        return Err(stale(format!("visit {} was changed while the plan was applied", v.id)));
    }
    let after = visit_store::get_visit(c, v.id)?.to_wire()?;
    if v.technician_id != Some(s.technician_id) {
        let kind = if v.technician_id.is_some() {
            "visit_reassigned"
        } else {
            "visit_assigned"
        };
        let (from, to) = (v.technician_id.map(|t| t.to_string()), s.technician_id.to_string());
        let why = format!("day plan {plan_id}");
        super::visits::visit_event(c, v, actor, kind, (from.as_deref(), Some(&to)), Some(&why))?;
        super::notices::visit(c, actor, v.id, super::notices::VisitChange::Booked, settings)?;
    }
    audit::record(
        c,
        actor,
        "visit",
        v.id,
        "plan",
        snapshot(&v.to_wire()?),
        snapshot(&after),
    )?;
    Ok(())
}
