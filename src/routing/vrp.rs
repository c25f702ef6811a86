//! The adapter to `vrp-pragmatic`: a [`Problem`] becomes a pragmatic problem built in process
//! (one routing matrix, locations by index, times as RFC 3339 instants counted from a fixed
//! origin), vrp-core's solver searches it within the [`Budget`] on a pool of its own threads,
//! and the pragmatic solution is read back into [`Route`]s and [`Unassigned`] jobs.
//!
//! Breaks are the solver's optional breaks without a place (taken where the technician is),
//! starting inside their window; a break that does not intersect the working day is skipped.
//! A vehicle whose day ends wherever its last job is (`end: None`) leaves at the shift's start
//! and its tour is limited to the shift's length, so the shift's end holds there too.

use super::{Budget, Objective, Problem, Reason, Route, Solution, SolveError, Stop, StopKind, Unassigned};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::io::BufWriter;
use std::sync::Arc;
use vrp_pragmatic::core::models::GoalContext;
use vrp_pragmatic::core::models::Problem as CoreProblem;
use vrp_pragmatic::core::prelude::{DefaultRandom, Environment, Float, Solver, VrpConfigBuilder};
use vrp_pragmatic::core::rosomaxa::evolution::TelemetryMode;
use vrp_pragmatic::core::rosomaxa::termination::Termination;
use vrp_pragmatic::core::rosomaxa::termination::{CompositeTermination, MaxGeneration, MaxTime};
use vrp_pragmatic::core::rosomaxa::utils::{Parallelism, ThreadPool, TimeQuota};
use vrp_pragmatic::core::solver::RefinementContext;
use vrp_pragmatic::format::problem as api;
use vrp_pragmatic::format::solution as sol;
use vrp_pragmatic::format::Location;

/// Seconds from the Unix epoch to the origin of the problem's times, 2000-01-01T00:00:00Z.
const ORIGIN: i64 = 946_684_800;
/// The one routing profile.
const PROFILE: &str = "car";
/// The load limit of a vehicle without a capacity.
const NO_CAPACITY: i32 = i32::MAX / 4;

/// Solves the problem within the budget.
///
/// An invalid problem (a place out of the matrix, a duplicate id, a pin to an unknown vehicle,
/// a window ending before it starts, no thread) is a [`SolveError`]; a job that cannot be placed
/// is an [`Unassigned`] with its [`Reason`].
pub fn solve(problem: &Problem, budget: &Budget) -> Result<Solution, SolveError> {
    validate(problem, budget)?;
    if problem.jobs.is_empty() {
        return Ok(Solution {
            routes: vec![],
            unassigned: vec![],
            metres: 0,
            travel_seconds: 0,
        });
    }
    if problem.vehicles.is_empty() {
        let unassigned = problem
            .jobs
            .iter()
            .map(|job| Unassigned {
                job_id: job.id.clone(),
                reason: Reason::Other("no vehicle".into()),
            })
            .collect();
        return Ok(Solution {
            routes: vec![],
            unassigned,
            metres: 0,
            travel_seconds: 0,
        });
    }

    let (api_problem, matrix) = build(problem);
    let budget = *budget;
    let outcome = std::panic::catch_unwind(move || {
        let pool = ThreadPool::new(budget.threads);
        pool.execute(move || run(api_problem, matrix, &budget))
    });
    let pragmatic = match outcome {
        Ok(result) => result?,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown failure".into());
            return Err(SolveError(format!("the solver failed: {what}")));
        }
    };
    read_back(problem, &pragmatic)
}

fn validate(problem: &Problem, budget: &Budget) -> Result<(), SolveError> {
    let err = |msg: String| Err(SolveError(msg));
    let m = &problem.matrix;
    let cells = m.size.checked_mul(m.size).unwrap_or(usize::MAX);
    if m.seconds.len() != cells || m.metres.len() != cells {
        return err(format!(
            "the matrix of {} places needs {cells} cells, it has {} seconds and {} metres",
            m.size,
            m.seconds.len(),
            m.metres.len()
        ));
    }
    if m.seconds.iter().chain(&m.metres).any(|v| *v < 0) {
        return err("the matrix has a negative travel".into());
    }
    if budget.threads == 0 {
        return err("the budget needs at least one thread".into());
    }
    let window_ok = |w: &(i64, i64)| w.0 <= w.1 && w.0 >= -ORIGIN;
    let mut vehicle_ids = HashSet::new();
    for v in &problem.vehicles {
        if !vehicle_ids.insert(v.id.as_str()) {
            return err(format!("vehicle {} is listed twice", v.id));
        }
        for place in std::iter::once(v.start).chain(v.end) {
            if place >= m.size {
                return err(format!(
                    "vehicle {}: place {place} is outside the matrix of {}",
                    v.id, m.size
                ));
            }
        }
        if !window_ok(&v.shift) {
            return err(format!("vehicle {}: the shift ends before it starts", v.id));
        }
        if v.breaks.iter().any(|b| !window_ok(&b.window) || b.duration < 0) {
            return err(format!("vehicle {}: a break's window ends before it starts", v.id));
        }
        if v.capacity.is_some_and(|c| c < 0) {
            return err(format!("vehicle {}: a negative capacity", v.id));
        }
    }
    let mut job_ids = HashSet::new();
    for j in &problem.jobs {
        if !job_ids.insert(j.id.as_str()) {
            return err(format!("job {} is listed twice", j.id));
        }
        if j.location >= m.size {
            return err(format!(
                "job {}: place {} is outside the matrix of {}",
                j.id, j.location, m.size
            ));
        }
        if j.duration < 0 || j.demand < 0 {
            return err(format!("job {}: a negative duration or demand", j.id));
        }
        if !j.windows.iter().all(window_ok) {
            return err(format!("job {}: a window ends before it starts", j.id));
        }
        if let Some(pin) = &j.pinned_to {
            if !vehicle_ids.contains(pin.as_str()) {
                return err(format!("job {} is pinned to an unknown vehicle {pin}", j.id));
            }
        }
    }
    Ok(())
}

fn time(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(ORIGIN + seconds, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn seconds(text: &str) -> Result<i64, SolveError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp() - ORIGIN)
        .map_err(|e| SolveError(format!("the solver answered an unreadable time {text}: {e}")))
}

fn place(index: usize) -> Location {
    Location::Reference { index }
}

/// The pragmatic problem and its routing matrix.
fn build(problem: &Problem) -> (api::Problem, api::Matrix) {
    let any_capacity = problem.vehicles.iter().any(|v| v.capacity.is_some());
    let jobs = problem
        .jobs
        .iter()
        .map(|job| {
            // A load is a delivery from the start place (the solver allows no demand on a
            // service); without capacities a job is a plain service.
            let task = api::JobTask {
                places: vec![api::JobPlace {
                    location: place(job.location),
                    duration: job.duration as Float,
                    times: (!job.windows.is_empty())
                        .then(|| job.windows.iter().map(|w| vec![time(w.0), time(w.1)]).collect()),
                    tag: None,
                }],
                demand: any_capacity.then(|| vec![job.demand]),
                order: None,
            };
            let (deliveries, services) = if any_capacity {
                (Some(vec![task]), None)
            } else {
                (None, Some(vec![task]))
            };
            api::Job {
                id: job.id.clone(),
                pickups: None,
                deliveries,
                replacements: None,
                services,
                skills: (!job.skills.is_empty()).then(|| api::JobSkills {
                    all_of: Some(job.skills.clone()),
                    one_of: None,
                    none_of: None,
                }),
                value: None,
                group: None,
                compatibility: None,
            }
        })
        .collect();

    let mut pins: Vec<(String, Vec<String>)> = vec![];
    for job in &problem.jobs {
        if let Some(vehicle) = &job.pinned_to {
            match pins.iter_mut().find(|(v, _)| v == vehicle) {
                Some((_, jobs)) => jobs.push(job.id.clone()),
                None => pins.push((vehicle.clone(), vec![job.id.clone()])),
            }
        }
    }
    let relations = pins
        .into_iter()
        .map(|(vehicle_id, jobs)| api::Relation {
            type_field: api::RelationType::Any,
            jobs,
            vehicle_id,
            shift_index: None,
        })
        .collect::<Vec<_>>();

    let vehicles = problem
        .vehicles
        .iter()
        .map(|v| {
            let open_end = v.end.is_none();
            let breaks = v
                .breaks
                .iter()
                .map(|b| api::VehicleBreak::Optional {
                    time: api::VehicleOptionalBreakTime::TimeWindow(vec![time(b.window.0), time(b.window.1)]),
                    places: vec![api::VehicleOptionalBreakPlace {
                        duration: b.duration as Float,
                        location: None,
                        tag: None,
                    }],
                    policy: Some(api::VehicleOptionalBreakPolicy::SkipIfNoIntersection),
                })
                .collect::<Vec<_>>();
            let limits = (open_end || v.max_jobs.is_some()).then(|| api::VehicleLimits {
                max_distance: None,
                max_duration: open_end.then(|| (v.shift.1 - v.shift.0) as Float),
                tour_size: v.max_jobs,
            });
            api::VehicleType {
                type_id: v.id.clone(),
                vehicle_ids: vec![v.id.clone()],
                profile: api::VehicleProfile {
                    matrix: PROFILE.into(),
                    scale: None,
                },
                costs: api::VehicleCosts {
                    fixed: None,
                    distance: 1.,
                    time: 0.,
                },
                shifts: vec![api::VehicleShift {
                    start: api::ShiftStart {
                        earliest: time(v.shift.0),
                        latest: open_end.then(|| time(v.shift.0)),
                        location: place(v.start),
                    },
                    end: v.end.map(|end| api::ShiftEnd {
                        earliest: None,
                        latest: time(v.shift.1),
                        location: place(end),
                    }),
                    breaks: (!breaks.is_empty()).then_some(breaks),
                    reloads: None,
                    recharges: None,
                }],
                capacity: vec![v.capacity.unwrap_or(NO_CAPACITY)],
                skills: (!v.skills.is_empty()).then(|| v.skills.clone()),
                limits,
            }
        })
        .collect();

    let objectives = match problem.objective {
        Objective::Distance => vec![
            api::Objective::MinimizeUnassigned { breaks: None },
            api::Objective::MinimizeDistance,
        ],
        Objective::ServiceDay => vec![
            api::Objective::MinimizeUnassigned { breaks: None },
            api::Objective::MinimizeDistance,
            api::Objective::BalanceActivities,
        ],
    };
    // The solver's "distance" is what it minimises: metres, or travel seconds for a service day.
    let distances = match problem.objective {
        Objective::Distance => problem.matrix.metres.clone(),
        Objective::ServiceDay => problem.matrix.seconds.clone(),
    };
    let matrix = api::Matrix {
        profile: Some(PROFILE.into()),
        timestamp: None,
        travel_times: problem.matrix.seconds.clone(),
        distances,
        error_codes: None,
    };
    let api_problem = api::Problem {
        plan: api::Plan {
            jobs,
            relations: (!relations.is_empty()).then_some(relations),
            clustering: None,
        },
        fleet: api::Fleet {
            vehicles,
            profiles: vec![api::MatrixProfile {
                name: PROFILE.into(),
                speed: None,
            }],
            resources: None,
        },
        objectives: Some(objectives),
    };
    (api_problem, matrix)
}

/// Reads, configures and solves on the current (the dedicated) thread pool.
fn run(api_problem: api::Problem, matrix: api::Matrix, budget: &Budget) -> Result<sol::Solution, SolveError> {
    use vrp_pragmatic::format::problem::PragmaticProblem;

    let core: CoreProblem = (api_problem, vec![matrix])
        .read_pragmatic()
        .map_err(|e| SolveError(format!("the problem is not valid for the solver: {e}")))?;
    let core = Arc::new(core);

    let max_secs = budget.max_time.as_secs_f64().max(0.001);
    let logger: vrp_pragmatic::core::prelude::InfoLogger =
        Arc::new(|msg: &str| tracing::trace!(target: "fieldline::routing", "{msg}"));
    let environment = Arc::new(Environment::new(
        Arc::new(DefaultRandom::default()),
        Some(Arc::new(TimeQuota::new(max_secs as Float))),
        Parallelism::new_with_cpus(budget.threads),
        logger,
        false,
    ));

    let mut config = VrpConfigBuilder::new(core.clone())
        .set_environment(environment)
        .set_telemetry_mode(TelemetryMode::None)
        .prebuild()
        .and_then(|builder| {
            builder
                .with_max_time(Some(max_secs.ceil() as usize))
                .with_max_generations(budget.max_generations)
                .build()
        })
        .map_err(|e| SolveError(format!("the solver could not be configured: {e}")))?;
    let mut terminations: Vec<Box<dyn Termination<Context = RefinementContext, Objective = GoalContext>>> =
        vec![Box::new(MaxTime::new(max_secs as Float))];
    if let Some(generations) = budget.max_generations {
        terminations.push(Box::new(MaxGeneration::new(generations)));
    }
    config.termination = Box::new(CompositeTermination::new(terminations));

    let solution = Solver::new(core.clone(), config)
        .solve()
        .map_err(|e| SolveError(format!("the solver found no solution: {e}")))?;

    let mut buffer = BufWriter::new(Vec::new());
    sol::write_pragmatic(&core, &solution, sol::PragmaticOutputType::OnlyPragmatic, &mut buffer)
        .map_err(|e| SolveError(format!("the solution could not be written: {e}")))?;
    let bytes = buffer.into_inner().map_err(|e| SolveError(e.to_string()))?;
    sol::deserialize_solution(std::io::BufReader::new(bytes.as_slice()))
        .map_err(|e| SolveError(format!("the solution could not be read: {e}")))
}

fn reason(code: &str, description: &str) -> Reason {
    match code {
        "SKILL_CONSTRAINT" => Reason::Skill,
        "TIME_WINDOW_CONSTRAINT" => Reason::TimeWindow,
        "CAPACITY_CONSTRAINT" | "TOUR_SIZE_CONSTRAINT" => Reason::Capacity,
        "MAX_DURATION_CONSTRAINT" | "BREAK_CONSTRAINT" => Reason::Shift,
        "LOCKING_CONSTRAINT" => Reason::Pinned,
        _ => Reason::Other(description.to_string()),
    }
}

/// Maps the pragmatic solution back: stops with arrival, start of service and departure, and
/// metres and travel seconds walked along each route in the problem's own matrix.
fn read_back(problem: &Problem, solution: &sol::Solution) -> Result<Solution, SolveError> {
    let jobs: HashMap<&str, usize> = problem.jobs.iter().map(|j| (j.id.as_str(), j.location)).collect();
    let vehicles: HashMap<&str, &super::Vehicle> = problem.vehicles.iter().map(|v| (v.id.as_str(), v)).collect();
    let m = &problem.matrix;

    let mut routes = Vec::with_capacity(solution.tours.len());
    for tour in &solution.tours {
        let vehicle = vehicles
            .get(tour.vehicle_id.as_str())
            .ok_or_else(|| SolveError(format!("the solver answered an unknown vehicle {}", tour.vehicle_id)))?;
        let mut stops = vec![];
        let mut departure = None;
        let mut arrival = None;
        for stop in &tour.stops {
            let schedule = stop.schedule();
            let mut previous_end = seconds(&schedule.arrival)?;
            for activity in stop.activities() {
                let (start, end) = match &activity.time {
                    Some(t) => (seconds(&t.start)?, seconds(&t.end)?),
                    None => (seconds(&schedule.arrival)?, seconds(&schedule.departure)?),
                };
                let kind = match activity.activity_type.as_str() {
                    "departure" => {
                        departure = Some(seconds(&schedule.departure)?);
                        continue;
                    }
                    "arrival" => {
                        arrival = Some(seconds(&schedule.arrival)?);
                        continue;
                    }
                    "break" => StopKind::Break,
                    _ => StopKind::Job,
                };
                let job_id = (kind == StopKind::Job).then(|| activity.job_id.clone());
                stops.push(Stop {
                    kind,
                    job_id,
                    arrival: previous_end.min(start),
                    start,
                    departure: end,
                });
                previous_end = end;
            }
        }
        let departure = departure.unwrap_or_else(|| stops.first().map_or(vehicle.shift.0, |s| s.arrival));
        let arrival = arrival.unwrap_or_else(|| stops.last().map_or(departure, |s| s.departure));

        let mut places = vec![vehicle.start];
        for stop in stops.iter().filter(|s| s.kind == StopKind::Job) {
            let id = stop.job_id.as_deref().unwrap_or_default();
            let at = jobs
                .get(id)
                .ok_or_else(|| SolveError(format!("the solver answered an unknown job {id}")))?;
            places.push(*at);
        }
        places.extend(vehicle.end);
        let (metres, travel_seconds) = places.windows(2).fold((0, 0), |(d, t), leg| {
            (d + m.metres(leg[0], leg[1]), t + m.seconds(leg[0], leg[1]))
        });

        routes.push(Route {
            vehicle_id: tour.vehicle_id.clone(),
            departure,
            stops,
            arrival,
            metres,
            travel_seconds,
        });
    }
    routes.sort_by_key(|r| problem.vehicles.iter().position(|v| v.id == r.vehicle_id));

    let mut unassigned = vec![];
    for job in solution.unassigned.iter().flatten() {
        if !jobs.contains_key(job.job_id.as_str()) {
            tracing::debug!(target: "fieldline::routing", job = %job.job_id, "a break was not placed");
            continue;
        }
        let reason = job
            .reasons
            .first()
            .map_or(Reason::Other("no reason given".into()), |r| {
                reason(&r.code, &r.description)
            });
        unassigned.push(Unassigned {
            job_id: job.job_id.clone(),
            reason,
        });
    }

    Ok(Solution {
        metres: routes.iter().map(|r| r.metres).sum(),
        travel_seconds: routes.iter().map(|r| r.travel_seconds).sum(),
        routes,
        unassigned,
    })
}
