//! Making a day plan: what the day holds (the open visits, the technicians on duty with their
//! starts, breaks, skills and what they already hold) becomes a routing problem; the solver's
//! routes become the plan's routes, stops and unplaced visits. The rules are in
//! `domain::day_plan`; the solver in `routing`.

use crate::config::PlanSettings;
use crate::db::day_plans::{self as store, PlanRow, PlanSite, PlanTechnician, RouteRow, StopRow, UnplacedRow};
use crate::db::dispatch::board::{board, day_bounds};
use crate::db::dispatch::technicians::{regions_of, week_of, working_week};
use crate::db::dispatch::visits::VisitRow;
use crate::db::{sla as calendar, ts, utc, DbConn};
use crate::domain::day_plan::{self as rules, Span};
use crate::domain::geo::Location;
use crate::error::{AppError, AppResult};
use crate::routing::travel::{Estimate, Place, TravelModel};
use crate::routing::{self, Break, Budget, Job, Objective, Problem, Reason, StopKind, Vehicle};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use fieldline_mobile_api::{RegionClass, RouteStart, UnplacedReason, Visit, VisitStatus};
use std::collections::{HashMap, HashSet};

/// A ping older than this does not place a technician; they start from home.
const FRESH_PING_MINUTES: i64 = 30;

/// What a plan is made from, read in one go; the solver then runs without a connection.
pub struct Inputs {
    origin: DateTime<Utc>,
    problem: Problem,
    /// Per vehicle: where it starts.
    starts: Vec<(i64, RouteStart, Location)>,
    /// Versions of the visits the plan places.
    versions: HashMap<i64, i32>,
    /// Visits left unplaced before solving (no site, no technician at all).
    unplaced: Vec<(i64, UnplacedReason)>,
}

/// A visit that the plan places.
struct PlanJob {
    visit: Visit,
    due: DateTime<Utc>,
    pinned: bool,
}

fn secs(origin: DateTime<Utc>, t: DateTime<Utc>) -> i64 {
    (t - origin).num_seconds().max(0)
}

fn place(sites: &HashMap<i64, PlanSite>, site: Option<i64>) -> Option<Place> {
    let s = sites.get(&site?)?;
    Some(Place {
        at: Location::parse(s.lat, s.lon).ok()?,
        class: s.class.as_deref().and_then(RegionClass::parse),
    })
}

fn lunch(row: &crate::db::dispatch::technicians::TechnicianRow) -> (NaiveTime, NaiveTime, i64) {
    let t = |v: &str, d: u32| {
        NaiveTime::parse_from_str(v, "%H:%M").unwrap_or(NaiveTime::from_hms_opt(d, 0, 0).unwrap_or_default())
    };
    (
        t(&row.lunch_from, 11),
        t(&row.lunch_until, 13),
        row.lunch_minutes.into(),
    )
}

/// Reads what the plan of `plan` needs, at `now`.
pub fn inputs(c: &mut DbConn, plan: &PlanRow, now: DateTime<Utc>, settings: &PlanSettings) -> AppResult<Inputs> {
    let cal = calendar::calendar(c)?;
    let (origin, day_end) = day_bounds(&cal, plan.day);
    let ids = |json: &str| -> AppResult<HashSet<i64>> {
        serde_json::from_str::<Vec<i64>>(json)
            .map(|v| v.into_iter().collect())
            .map_err(|e| AppError::internal(format!("stored plan ids: {e}")))
    };
    let (pinned, excluded) = (ids(&plan.pinned_json)?, ids(&plan.excluded_json)?);
    let mut jobs = Vec::new();
    let mut unplaced = Vec::new();
    for e in board(c, &cal, plan.day, plan.region_id)? {
        let id = e.visit.id.0;
        let open = matches!(
            e.visit.status,
            VisitStatus::Scheduled | VisitStatus::Assigned | VisitStatus::Accepted
        );
        if excluded.contains(&id) || !open {
            continue;
        }
        let pinned =
            e.visit.technician_id.is_some() && (pinned.contains(&id) || e.visit.status == VisitStatus::Accepted);
        jobs.push(PlanJob {
            visit: e.visit,
            due: e.sla_due_at,
            pinned,
        });
    }
    let in_plan: HashSet<i64> = jobs.iter().map(|j| j.visit.id.0).collect();
    let held: Vec<VisitRow> = store::held_that_day(c, (ts(origin), ts(day_end)))?
        .into_iter()
        .filter(|v| !in_plan.contains(&v.id))
        .collect();
    let mut site_ids: Vec<i64> = jobs.iter().filter_map(|j| j.visit.site_id.map(|s| s.0)).collect();
    site_ids.extend(held.iter().filter_map(|v| v.site_id));
    let sites = store::sites_of(c, &site_ids)?;
    let technicians = store::technicians(c, (ts(origin), ts(day_end)), crate::policy::dispatch::TECHNICIAN)?;
    let regions: Vec<i64> = {
        let mut r: Vec<i64> = jobs.iter().filter_map(|j| j.visit.region_id.map(|r| r.0)).collect();
        r.sort_unstable();
        r.dedup();
        r
    };
    let day = Day {
        cal: &cal,
        plan,
        origin,
        now,
        settings,
        regions: &regions,
        sites: &sites,
    };
    let mut b = Builder::default();
    for t in &technicians {
        let mine: Vec<&VisitRow> = held.iter().filter(|v| v.technician_id == Some(t.row.user_id)).collect();
        day.vehicle(&mut b, t, &mine)?;
    }
    let vehicles: HashSet<String> = b.vehicles.iter().map(|v| v.id.clone()).collect();
    let mut versions = HashMap::new();
    for j in &jobs {
        let id = j.visit.id.0;
        let Some(at) = place(&sites, j.visit.site_id.map(|s| s.0)) else {
            unplaced.push((id, UnplacedReason::Other));
            continue;
        };
        if b.vehicles.is_empty() {
            unplaced.push((id, UnplacedReason::NoTechnician));
            continue;
        }
        let window = rules::arrival_window((j.visit.window_start, j.visit.window_end), Some(j.due));
        let mut skills: Vec<String> = j
            .visit
            .required_skill
            .iter()
            .map(|s| rules::skill_tag(s, j.visit.required_level))
            .collect();
        skills.extend(j.visit.region_id.map(|r| rules::region_tag(r.0)));
        let pinned_to = j.visit.technician_id.filter(|_| j.pinned).map(|t| t.0.to_string());
        if pinned_to.as_ref().is_some_and(|t| !vehicles.contains(t)) {
            unplaced.push((id, UnplacedReason::Pinned));
            continue;
        }
        let location = b.place(at);
        b.jobs.push(Job {
            id: format!("v{id}"),
            location,
            duration: i64::from(settings.visit_minutes) * 60,
            windows: vec![(secs(origin, window.0), secs(origin, window.1))],
            demand: 0,
            skills,
            pinned_to,
        });
        versions.insert(id, j.visit.version);
    }
    let travel = Estimate {
        road_factor: settings.road_factor,
        urban_kmh: settings.urban_kmh,
        rural_kmh: settings.rural_kmh,
    };
    Ok(Inputs {
        origin,
        problem: Problem {
            matrix: travel.matrix(&b.places),
            vehicles: b.vehicles,
            jobs: b.jobs,
            objective: Objective::ServiceDay,
        },
        starts: b.starts,
        versions,
        unplaced,
    })
}

/// The places, vehicles and jobs of a problem being built.
#[derive(Default)]
struct Builder {
    places: Vec<Place>,
    vehicles: Vec<Vehicle>,
    jobs: Vec<Job>,
    starts: Vec<(i64, RouteStart, Location)>,
}

impl Builder {
    fn place(&mut self, p: Place) -> usize {
        self.places.push(p);
        self.places.len() - 1
    }
}

/// The day being planned.
struct Day<'a> {
    cal: &'a crate::domain::sla::Calendar,
    plan: &'a PlanRow,
    origin: DateTime<Utc>,
    now: DateTime<Utc>,
    settings: &'a PlanSettings,
    regions: &'a [i64],
    sites: &'a HashMap<i64, PlanSite>,
}

impl Day<'_> {
    /// Adds the technician as a vehicle if they work that day (in the plan's region): their
    /// stretch, start, break, tags and capacity, and the visits they hold outside the plan as
    /// jobs pinned to them at their held times.
    fn vehicle(&self, b: &mut Builder, t: &PlanTechnician, held: &[&VisitRow]) -> AppResult<()> {
        let serves = regions_of(&t.row.regions_json)?;
        if let Some(r) = self.plan.region_id {
            if !serves.is_empty() && !serves.contains(&r) {
                return Ok(());
            }
        }
        let week = working_week(&week_of(&t.row.hours_json)?)?;
        let duty: Vec<Span> = t.duty.iter().map(|(s, e)| (utc(*s), utc(*e))).collect();
        let Some((mut start, end)) = rules::working_stretch(&week, self.cal, &duty, self.plan.day, self.now) else {
            return Ok(());
        };
        let home = Location::parse(t.row.home_lat, t.row.home_lon)
            .map_err(|e| AppError::internal(format!("technician {}: {e}", t.row.user_id)))?;
        let visit_length = Duration::minutes(self.settings.visit_minutes.into());
        let mut from = (RouteStart::Home, home);
        let started = held
            .iter()
            .find(|v| matches!(v.status.as_str(), "en_route" | "on_site"));
        if let Some(v) = started {
            // The visit under way is kept: the route starts at its site when it should end.
            if let Some(p) = place(self.sites, v.site_id) {
                from = (RouteStart::Visit, p.at);
                let began = v.checked_in_at.map(utc).unwrap_or(self.now);
                start = start.max(began + visit_length).max(self.now);
            }
        } else if let (Some(lat), Some(lon), Some(at)) = (t.row.last_lat, t.row.last_lon, t.row.last_ping_at) {
            let fresh = self.now - utc(at) <= Duration::minutes(FRESH_PING_MINUTES);
            if fresh && self.cal.local_date(self.now) == self.plan.day {
                if let Ok(l) = Location::parse(lat, lon) {
                    from = (RouteStart::Position, l);
                }
            }
        }
        if start >= end {
            return Ok(());
        }
        let id = t.row.user_id.to_string();
        let busy = held
            .iter()
            .filter(|v| !matches!(v.status.as_str(), "assigned" | "accepted"))
            .count();
        let mut max_jobs = rules::visits_left(t.row.daily_capacity, busy);
        for v in held
            .iter()
            .filter(|v| matches!(v.status.as_str(), "assigned" | "accepted"))
        {
            let Some(p) = place(self.sites, v.site_id) else {
                continue;
            };
            let from_t = utc(v.planned_arrival_at.unwrap_or(v.window_start));
            let to_t = utc(v.planned_departure_at.unwrap_or(v.window_end));
            let location = b.place(p);
            b.jobs.push(Job {
                id: format!("h{}", v.id),
                location,
                duration: (to_t - from_t).num_seconds().max(0),
                windows: vec![(secs(self.origin, from_t), secs(self.origin, from_t))],
                demand: 0,
                skills: Vec::new(),
                pinned_to: Some(id.clone()),
            });
            max_jobs += 1;
        }
        let breaks = rules::lunch_window(self.cal, self.plan.day, lunch(&t.row), (start, end))
            .map(|((a, z), length)| Break {
                window: (secs(self.origin, a), secs(self.origin, z)),
                duration: length.num_seconds(),
            })
            .into_iter()
            .collect();
        let mut skills = rules::skill_tags(&t.skills);
        skills.extend(rules::region_tags(&serves, self.regions));
        let start_place = b.place(Place {
            at: from.1,
            class: None,
        });
        let end_place = b.place(Place { at: home, class: None });
        b.vehicles.push(Vehicle {
            id,
            start: start_place,
            end: Some(end_place),
            shift: (secs(self.origin, start), secs(self.origin, end)),
            breaks,
            skills,
            capacity: None,
            max_jobs: Some(max_jobs),
        });
        b.starts.push((t.row.user_id, from.0, from.1));
        Ok(())
    }
}

/// The plan's rows from the solver's answer.
pub struct Rows {
    pub routes: Vec<RouteRow>,
    pub stops: Vec<StopRow>,
    pub unplaced: Vec<UnplacedRow>,
}

fn reason(r: &Reason) -> UnplacedReason {
    match r {
        Reason::Skill => UnplacedReason::Skill,
        Reason::TimeWindow => UnplacedReason::Window,
        Reason::Capacity => UnplacedReason::Capacity,
        Reason::Shift => UnplacedReason::Shift,
        Reason::Other(_) => UnplacedReason::Other,
    }
}

/// Solves the inputs within the budget (off any connection) and turns the routes into rows.
pub fn solve(plan_id: i64, inputs: &Inputs, budget: Budget) -> AppResult<Rows> {
    let origin = inputs.origin;
    let at = |s: i64| ts(origin + Duration::seconds(s));
    let mut rows = Rows {
        routes: Vec::new(),
        stops: Vec::new(),
        unplaced: inputs
            .unplaced
            .iter()
            .map(|(v, r)| UnplacedRow {
                plan_id,
                visit_id: *v,
                reason: r.as_str().into(),
            })
            .collect(),
    };
    if inputs.problem.jobs.is_empty() || inputs.problem.vehicles.is_empty() {
        return Ok(rows);
    }
    let solution =
        routing::solve(&inputs.problem, &budget).map_err(|e| AppError::internal(format!("the solver: {e}")))?;
    let visit_of = |id: &str| id.strip_prefix('v').and_then(|n| n.parse::<i64>().ok());
    for route in &solution.routes {
        let Ok(tech) = route.vehicle_id.parse::<i64>() else {
            continue;
        };
        let Some((_, from, start)) = inputs.starts.iter().find(|s| s.0 == tech) else {
            continue;
        };
        let (mut position, mut visits) = (0, 0);
        for stop in &route.stops {
            let visit = match stop.kind {
                StopKind::Break => None,
                StopKind::Job => match stop.job_id.as_deref().and_then(visit_of) {
                    Some(v) => Some(v),
                    None => continue,
                },
            };
            position += 1;
            visits += usize::from(visit.is_some());
            rows.stops.push(StopRow {
                plan_id,
                technician_id: tech,
                position,
                visit_id: visit,
                visit_version: visit.and_then(|v| inputs.versions.get(&v).copied()),
                arrival_at: at(stop.arrival),
                start_at: at(stop.start),
                departure_at: at(stop.departure),
            });
        }
        if visits == 0 {
            // Only a break (or what the technician holds anyway): nothing to book.
            rows.stops
                .retain(|s| !(s.plan_id == plan_id && s.technician_id == tech));
            continue;
        }
        rows.routes.push(RouteRow {
            plan_id,
            technician_id: tech,
            starts_from: from.as_str().into(),
            start_lat: start.lat(),
            start_lon: start.lon(),
            departure_at: at(route.departure),
            return_at: at(route.arrival),
            metres: route.metres,
            travel_seconds: route.travel_seconds,
        });
    }
    rows.unplaced.extend(solution.unassigned.iter().filter_map(|u| {
        Some(UnplacedRow {
            plan_id,
            visit_id: visit_of(&u.job_id)?,
            reason: reason(&u.reason).as_str().into(),
        })
    }));
    Ok(rows)
}
