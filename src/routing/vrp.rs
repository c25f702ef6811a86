//! The adapter to `vrp-pragmatic`: a [`Problem`] becomes a pragmatic problem built in process
//! (one routing matrix, locations by index, times as RFC 3339 instants counted from a fixed
//! origin), vrp-core's solver searches it within the [`Budget`] on a pool of its own threads,
//! and the pragmatic solution is read back into [`Route`]s and [`Unassigned`] jobs.
//!
//! Breaks are the solver's optional breaks without a place (taken where the technician is),
//! starting inside their window; a skipped break weighs more than an unassigned job, so the search
//! skips one only when the day does not reach its window. (The first solution alone, all that a
//! budget spent before the search gets, may still lack a break.) A vehicle's `max_jobs` is a
//! constraint of the adapter's own ([`JobLimit`]), as the solver's tour size counts breaks.
//! A vehicle whose day ends wherever its last job is (`end: None`) leaves at the shift's start
//! and its tour is limited to the shift's length, so the shift's end holds there too.

use super::{Budget, Objective, Problem, Reason, Route, Solution, SolveError, Stop, StopKind, Unassigned};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::io::BufWriter;
use std::sync::Arc;
use vrp_pragmatic::core::construction::heuristics::MoveContext;
use vrp_pragmatic::core::models::problem::{Job as CoreJob, VehicleIdDimension};
use vrp_pragmatic::core::models::GoalContext;
use vrp_pragmatic::core::models::Problem as CoreProblem;
use vrp_pragmatic::core::models::{ConstraintViolation, FeatureConstraint, ViolationCode};
use vrp_pragmatic::core::prelude::{DefaultRandom, Environment, Float, InfoLogger, Solver, VrpConfigBuilder};
use vrp_pragmatic::core::rosomaxa::evolution::TelemetryMode;
use vrp_pragmatic::core::rosomaxa::get_default_selection_size;
use vrp_pragmatic::core::rosomaxa::population::RosomaxaConfig;
use vrp_pragmatic::core::rosomaxa::termination::Termination;
use vrp_pragmatic::core::rosomaxa::termination::{CompositeTermination, MaxGeneration, MaxTime};
use vrp_pragmatic::core::rosomaxa::utils::{Parallelism, ThreadPool};
use vrp_pragmatic::core::rosomaxa::HeuristicContext;
use vrp_pragmatic::core::solver::{GreedyPopulation, RefinementContext, RosomaxaPopulation, TargetPopulation};
use vrp_pragmatic::format::problem as api;
use vrp_pragmatic::format::solution as sol;
use vrp_pragmatic::format::{JobTypeDimension, Location};

/// Seconds from the Unix epoch to the origin of the problem's times, 2000-01-01T00:00:00Z.
const ORIGIN: i64 = 946_684_800;
/// The one routing profile.
const PROFILE: &str = "car";
/// The population explores for a share of the budget, then turns to improving its best
/// (rosomaxa's default: explore 90 %). The search keeps at least this many seconds, or the
/// default 10 %, for improving: a 5 s budget explores 30 %, 30 s about the default
/// (docs/benchmarks.md, "Day routes: the Solomon VRPTW instances").
const IMPROVING_SECS: f64 = 3.5;

fn exploration_ratio(budget_secs: f64) -> Float {
    (1.0 - (IMPROVING_SECS / budget_secs).max(0.1)).clamp(0.0, 0.9) as Float
}

/// Ends the search by the budget, but not before a first solution is built. vrp-core checks the
/// budget before building each initial solution, the first included: when the budget has passed
/// while the problem was being prepared (a busy machine, a short budget), it builds none and its
/// first generation starts from an empty solution, which a local-search operator may leave empty,
/// every job unassigned. Until a solution exists this says "not yet, nothing spent", so the first
/// initial solution is always built.
struct AfterFirstSolution(Box<dyn Termination<Context = RefinementContext, Objective = GoalContext>>);

impl Termination for AfterFirstSolution {
    type Context = RefinementContext;
    type Objective = GoalContext;

    fn is_termination(&self, context: &mut RefinementContext) -> bool {
        let built = context.ranked().next().is_some();
        built && self.0.is_termination(context)
    }

    fn estimate(&self, context: &RefinementContext) -> Float {
        if context.ranked().next().is_some() {
            self.0.estimate(context)
        } else {
            0.0
        }
    }
}

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
    let limits = problem
        .vehicles
        .iter()
        .filter_map(|v| Some((v.id.clone(), v.max_jobs?)))
        .collect();
    let budget = *budget;
    let outcome = std::panic::catch_unwind(move || {
        let pool = ThreadPool::new(budget.threads);
        pool.execute(move || run(api_problem, matrix, limits, &budget))
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
    let cells = m.size.saturating_mul(m.size);
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

/// The places the problem uses, in order: the solver wants a matrix of exactly those.
struct Places {
    index: HashMap<usize, usize>,
    used: Vec<usize>,
}

impl Places {
    fn of(problem: &Problem) -> Self {
        let mut used: Vec<usize> = problem
            .vehicles
            .iter()
            .flat_map(|v| std::iter::once(v.start).chain(v.end))
            .chain(problem.jobs.iter().map(|j| j.location))
            .collect();
        used.sort_unstable();
        used.dedup();
        let index = used.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        Places { index, used }
    }

    fn at(&self, place: usize) -> Location {
        Location::Reference {
            index: self.index[&place],
        }
    }

    /// The rows and columns of the used places, row-major.
    fn matrix(&self, size: usize, cells: &[i64]) -> Vec<i64> {
        self.used
            .iter()
            .flat_map(|from| self.used.iter().map(move |to| cells[from * size + to]))
            .collect()
    }
}

/// The skill of a vehicle that the jobs pinned to it require. A pin is not a solver relation:
/// vrp-core puts a relation's jobs into their vehicle's route before it starts, and a search that
/// took such a job out could leave it unassigned ("locking") although its vehicle stood idle (seen
/// on a loaded machine: a pinned visit unplaced beside an empty route). A skill keeps the job to its
/// vehicle and lets the search place it like any other.
fn pin_skill(vehicle: &str) -> String {
    format!("pin:{vehicle}")
}

/// The pragmatic problem and its routing matrix.
fn build(problem: &Problem) -> (api::Problem, api::Matrix) {
    let places = Places::of(problem);
    let any_capacity = problem.vehicles.iter().any(|v| v.capacity.is_some());
    let jobs = problem
        .jobs
        .iter()
        .map(|job| {
            // A load is a delivery from the start place (the solver allows no demand on a
            // service); without capacities a job is a plain service.
            let task = api::JobTask {
                places: vec![api::JobPlace {
                    location: places.at(job.location),
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
                skills: {
                    // A pin is a skill only its vehicle has (`pin_skill`).
                    let mut skills = job.skills.clone();
                    skills.extend(job.pinned_to.as_deref().map(pin_skill));
                    (!skills.is_empty()).then_some(api::JobSkills {
                        all_of: Some(skills),
                        one_of: None,
                        none_of: None,
                    })
                },
                value: None,
                group: None,
                compatibility: None,
            }
        })
        .collect();

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
                    policy: None,
                })
                .collect::<Vec<_>>();
            let limits = open_end.then(|| api::VehicleLimits {
                max_distance: None,
                max_duration: open_end.then(|| (v.shift.1 - v.shift.0) as Float),
                // The solver's own tour size counts a break as a job: see [`JobLimit`].
                tour_size: None,
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
                        location: places.at(v.start),
                    },
                    end: v.end.map(|end| api::ShiftEnd {
                        earliest: None,
                        latest: time(v.shift.1),
                        location: places.at(end),
                    }),
                    breaks: (!breaks.is_empty()).then_some(breaks),
                    reloads: None,
                    recharges: None,
                }],
                capacity: vec![v.capacity.unwrap_or(NO_CAPACITY)],
                skills: Some(v.skills.iter().cloned().chain([pin_skill(&v.id)]).collect()),
                limits,
            }
        })
        .collect();

    let objectives = match problem.objective {
        Objective::Distance => vec![
            api::Objective::MinimizeUnassigned { breaks: Some(2.) },
            api::Objective::MinimizeDistance,
        ],
        Objective::ServiceDay => vec![
            // A skipped break weighs more than a job, so no break is traded for a job.
            api::Objective::MinimizeUnassigned { breaks: Some(2.) },
            api::Objective::MinimizeDistance,
            api::Objective::BalanceActivities,
        ],
    };
    // The solver's "distance" is what it minimises: metres, or travel seconds for a service day.
    let m = &problem.matrix;
    let distances = match problem.objective {
        Objective::Distance => places.matrix(m.size, &m.metres),
        Objective::ServiceDay => places.matrix(m.size, &m.seconds),
    };
    let matrix = api::Matrix {
        profile: Some(PROFILE.into()),
        timestamp: None,
        travel_times: places.matrix(m.size, &m.seconds),
        distances,
        error_codes: None,
    };
    let api_problem = api::Problem {
        plan: api::Plan {
            jobs,
            relations: None,
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
fn run(
    api_problem: api::Problem,
    matrix: api::Matrix,
    limits: HashMap<String, usize>,
    budget: &Budget,
) -> Result<sol::Solution, SolveError> {
    use vrp_pragmatic::format::problem::PragmaticProblem;

    let core: CoreProblem = (api_problem, vec![matrix])
        .read_pragmatic()
        .map_err(|e| SolveError(format!("the problem is not valid for the solver: {e}")))?;
    let core = Arc::new(if limits.is_empty() {
        core
    } else {
        let limit: Arc<dyn FeatureConstraint> = Arc::new(JobLimit { limits });
        let goal = core
            .goal
            .with_constraints(core.goal.constraints().chain(std::iter::once(limit)));
        CoreProblem {
            goal: Arc::new(goal),
            ..core
        }
    });

    let max_secs = budget.max_time.as_secs_f64().max(0.001);
    let logger: InfoLogger = Arc::new(|msg: &str| tracing::trace!(target: "fieldline::routing", "{msg}"));
    let environment = Arc::new(Environment::new(
        Arc::new(DefaultRandom::default()),
        // No quota: an insertion under way is never cut short, so every job ends routed or
        // unassigned for a reason of its own even when the machine is busy (a quota stops the
        // construction of the first solutions midway and leaves jobs out for want of time). The
        // search itself stops at the budget, between generations (the terminations below).
        None,
        // The number of solutions searched side by side in a generation (at most 8).
        Parallelism::new_with_cpus(budget.threads),
        logger,
        false,
    ));

    let selection = get_default_selection_size(environment.as_ref());
    let population: TargetPopulation = if selection <= 1 {
        Box::new(GreedyPopulation::new(core.goal.clone(), 1, None))
    } else {
        let mut rosomaxa = RosomaxaConfig::new_with_defaults(selection);
        rosomaxa.exploration_ratio = exploration_ratio(max_secs);
        Box::new(
            RosomaxaPopulation::new(core.goal.clone(), environment.clone(), rosomaxa)
                .map_err(|e| SolveError(format!("the solver could not be configured: {e}")))?,
        )
    };
    let mut config = VrpConfigBuilder::new(core.clone())
        .set_environment(environment.clone())
        .set_telemetry_mode(TelemetryMode::None)
        .prebuild()
        .and_then(|builder| {
            builder
                .with_context(RefinementContext::new(
                    core.clone(),
                    population,
                    TelemetryMode::None,
                    environment,
                ))
                .with_max_time(Some(max_secs.ceil() as usize))
                .with_max_generations(budget.max_generations)
                .build()
        })
        .map_err(|e| SolveError(format!("the solver could not be configured: {e}")))?;
    // The builder's time limit is in whole seconds; the budget's own is exact.
    let mut terminations: Vec<Box<dyn Termination<Context = RefinementContext, Objective = GoalContext>>> =
        vec![Box::new(MaxTime::new(max_secs as Float))];
    if let Some(generations) = budget.max_generations {
        terminations.push(Box::new(MaxGeneration::new(generations)));
    }
    config.termination = Box::new(AfterFirstSolution(Box::new(CompositeTermination::new(terminations))));

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

/// At most so many jobs per vehicle (by id), breaks not counted.
struct JobLimit {
    limits: HashMap<String, usize>,
}

/// The solver's code of a tour size violation (read back as `TOUR_SIZE_CONSTRAINT`).
const TOUR_SIZE_CODE: ViolationCode = ViolationCode(10);

fn is_break(job: &CoreJob) -> bool {
    job.dimens().get_job_type().is_some_and(|t| t == "break")
}

impl FeatureConstraint for JobLimit {
    fn evaluate(&self, move_ctx: &MoveContext<'_>) -> Option<ConstraintViolation> {
        let MoveContext::Route { route_ctx, job, .. } = move_ctx else {
            return None;
        };
        let route = route_ctx.route();
        let limit = route
            .actor
            .vehicle
            .dimens
            .get_vehicle_id()
            .and_then(|id| self.limits.get(id))?;
        if is_break(job) {
            return None;
        }
        let jobs = route.tour.jobs().filter(|j| !is_break(j)).count();
        if jobs + 1 > *limit {
            ConstraintViolation::fail(TOUR_SIZE_CODE)
        } else {
            None
        }
    }

    fn merge(&self, source: CoreJob, _candidate: CoreJob) -> Result<CoreJob, ViolationCode> {
        Ok(source)
    }
}

fn reason(code: &str, description: &str) -> Reason {
    match code {
        "SKILL_CONSTRAINT" => Reason::Skill,
        "TIME_WINDOW_CONSTRAINT" => Reason::TimeWindow,
        "CAPACITY_CONSTRAINT" | "TOUR_SIZE_CONSTRAINT" => Reason::Capacity,
        "MAX_DURATION_CONSTRAINT" | "BREAK_CONSTRAINT" => Reason::Shift,
        _ => Reason::Other(description.to_string()),
    }
}

/// The reason of a job left out, from the reasons the solver gives per vehicle: a vehicle without
/// the job's skills (or region) says nothing of why those with them could not take it, so the
/// most common other reason wins; only when every vehicle lacks the skills is it the skill.
fn main_reason(reasons: impl Iterator<Item = Reason>) -> Reason {
    let mut counted: Vec<(Reason, usize)> = Vec::new();
    for r in reasons {
        match counted.iter_mut().find(|(x, _)| *x == r) {
            Some((_, n)) => *n += 1,
            None => counted.push((r, 1)),
        }
    }
    let other = counted
        .iter()
        .filter(|(r, _)| *r != Reason::Skill)
        .max_by_key(|(_, n)| *n)
        .map(|(r, _)| r.clone());
    match other {
        Some(r) => r,
        None if counted.is_empty() => Reason::Other("no reason given".into()),
        None => Reason::Skill,
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
        let reason = main_reason(job.reasons.iter().map(|r| reason(&r.code, &r.description)));
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

#[cfg(test)]
mod tests {
    use super::super::{Break, Job, Matrix, Vehicle};
    use super::*;
    use std::time::Duration;

    const HOUR: i64 = 3600;

    /// Places on a plane (km); metres are the straight line, seconds at 10 m/s.
    fn matrix(points: &[(f64, f64)]) -> Matrix {
        let mut metres = vec![];
        for a in points {
            for b in points {
                metres.push((((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt() * 1000.).round() as i64);
            }
        }
        Matrix {
            size: points.len(),
            seconds: metres.iter().map(|m| m / 10).collect(),
            metres,
        }
    }

    fn vehicle(id: &str, skills: &[&str]) -> Vehicle {
        Vehicle {
            id: id.into(),
            start: 0,
            end: Some(0),
            shift: (8 * HOUR, 17 * HOUR),
            breaks: vec![],
            skills: skills.iter().map(|s| s.to_string()).collect(),
            capacity: None,
            max_jobs: None,
        }
    }

    fn job(id: &str, location: usize) -> Job {
        Job {
            id: id.into(),
            location,
            duration: 1800,
            windows: vec![],
            demand: 0,
            skills: vec![],
            pinned_to: None,
        }
    }

    /// A depot and eight places around it, 2 to 6 km away.
    fn places() -> Vec<(f64, f64)> {
        vec![
            (0., 0.),
            (2., 0.),
            (3., 1.),
            (0., 4.),
            (-2., 3.),
            (-5., -1.),
            (1., -6.),
            (4., -3.),
            (6., 2.),
        ]
    }

    /// 200 generations, whatever the machine's load: the time limit is far enough not to cut a
    /// busy machine's search shorter than a quiet one's.
    fn budget() -> Budget {
        Budget {
            max_time: Duration::from_secs(60),
            max_generations: Some(200),
            threads: 1,
        }
    }

    /// Walks every route against the matrix and the problem's rules; returns the job ids routed.
    fn check(problem: &Problem, solution: &Solution) {
        let m = &problem.matrix;
        let mut seen = HashMap::new();
        for route in &solution.routes {
            let v = problem
                .vehicles
                .iter()
                .find(|v| v.id == route.vehicle_id)
                .expect("a known vehicle");
            assert!(route.departure >= v.shift.0, "{}: leaves before the shift", v.id);
            let (mut at, mut time) = (v.start, route.departure);
            let (mut jobs, mut breaks, mut load, mut metres) = (0, 0, 0, 0);
            for stop in &route.stops {
                match stop.kind {
                    StopKind::Job => {
                        let id = stop.job_id.clone().expect("a job id");
                        let j = problem.jobs.iter().find(|j| j.id == id).expect("a known job");
                        *seen.entry(id.clone()).or_insert(0) += 1;
                        assert_eq!(stop.arrival, time + m.seconds(at, j.location), "{id}: arrival");
                        metres += m.metres(at, j.location);
                        assert!(j.skills.iter().all(|s| v.skills.contains(s)), "{id}: a skill");
                        if let Some(pin) = &j.pinned_to {
                            assert_eq!(pin, &v.id, "{id}: pinned elsewhere");
                        }
                        assert!(
                            j.windows.is_empty()
                                || j.windows
                                    .iter()
                                    .any(|w| stop.arrival <= w.1 && stop.start >= w.0 && stop.start <= w.1),
                            "{id}: outside its windows"
                        );
                        assert!(stop.start >= stop.arrival, "{id}: starts before arriving");
                        assert_eq!(stop.departure, stop.start + j.duration, "{id}: departure");
                        at = j.location;
                        jobs += 1;
                        load += j.demand;
                    }
                    StopKind::Break => {
                        assert!(stop.job_id.is_none());
                        assert_eq!(stop.arrival, time, "a break is taken where the technician is");
                        assert!(
                            v.breaks.iter().any(|b| stop.start >= b.window.0
                                && stop.start <= b.window.1
                                && stop.departure == stop.start + b.duration),
                            "{}: a break outside its window: {stop:?}",
                            v.id
                        );
                        breaks += 1;
                    }
                }
                time = stop.departure;
            }
            match v.end {
                Some(end) => {
                    assert_eq!(route.arrival, time + m.seconds(at, end), "{}: arrival at the end", v.id);
                    metres += m.metres(at, end);
                }
                None => assert_eq!(route.arrival, time),
            }
            assert!(route.arrival <= v.shift.1, "{}: ends after the shift", v.id);
            assert!(breaks <= v.breaks.len());
            // A day reaching past a break's window has taken it (one break per vehicle here); the
            // solver measures an open day to the arrival at its last job.
            let reach = match v.end {
                Some(_) => route.arrival,
                None => route
                    .stops
                    .iter()
                    .rev()
                    .find(|s| s.kind == StopKind::Job)
                    .map_or(0, |s| s.arrival),
            };
            if v.breaks.len() == 1 && reach > v.breaks[0].window.1 {
                assert_eq!(breaks, 1, "{}: no break in a day over its window", v.id);
            }
            assert!(v.max_jobs.is_none_or(|n| jobs <= n), "{}: {jobs} jobs", v.id);
            assert!(v.capacity.is_none_or(|c| load <= c), "{}: overloaded", v.id);
            assert_eq!(route.metres, metres, "{}: metres", v.id);
        }
        for u in &solution.unassigned {
            *seen.entry(u.job_id.clone()).or_insert(0) += 1;
        }
        for j in &problem.jobs {
            assert_eq!(seen.get(&j.id), Some(&1), "{} routed or unassigned exactly once", j.id);
        }
        assert_eq!(seen.len(), problem.jobs.len());
        assert_eq!(solution.metres, solution.routes.iter().map(|r| r.metres).sum::<i64>());
    }

    fn day() -> Problem {
        let mut jobs: Vec<Job> = (1..=8).map(|i| job(&format!("j{i}"), i)).collect();
        jobs[0].windows = vec![(9 * HOUR, 10 * HOUR)];
        jobs[1].windows = vec![(8 * HOUR, 9 * HOUR), (14 * HOUR, 15 * HOUR)];
        jobs[2].skills = vec!["gas".into()];
        jobs[3].skills = vec!["gas".into(), "electric".into()];
        jobs[4].pinned_to = Some("b".into());
        jobs[4].windows = vec![(13 * HOUR, 14 * HOUR)];
        jobs[5].windows = vec![(13 * HOUR, 16 * HOUR)];
        let mut a = vehicle("a", &["gas", "electric"]);
        a.breaks = vec![Break {
            window: (12 * HOUR, 13 * HOUR),
            duration: 1800,
        }];
        let mut b = vehicle("b", &["gas"]);
        b.shift = (9 * HOUR, 15 * HOUR);
        b.end = None;
        b.breaks = vec![Break {
            window: (11 * HOUR, 12 * HOUR),
            duration: 1200,
        }];
        Problem {
            matrix: matrix(&places()),
            vehicles: vec![a, b],
            jobs,
            objective: Objective::ServiceDay,
        }
    }

    #[test]
    fn a_day_keeps_skills_shifts_breaks_windows_and_pins() {
        let problem = day();
        let solution = solve(&problem, &budget()).unwrap();
        check(&problem, &solution);
        assert!(solution.unassigned.is_empty(), "{:?}", solution.unassigned);
        let b = solution
            .routes
            .iter()
            .find(|r| r.vehicle_id == "b")
            .expect("b works: j5 is pinned to it");
        assert!(b.stops.iter().any(|s| s.job_id.as_deref() == Some("j5")));
        let a = solution
            .routes
            .iter()
            .find(|r| r.vehicle_id == "a")
            .expect("a works: j4 needs electric");
        assert!(a.stops.iter().any(|s| s.job_id.as_deref() == Some("j4")));
    }

    #[test]
    fn a_budget_spent_before_the_search_starts_still_gives_a_solution() {
        // On a busy machine the budget can pass while the problem is being prepared; the search
        // still builds its first solution instead of returning every job unassigned.
        let problem = day();
        let tiny = Budget {
            max_time: Duration::from_micros(1),
            max_generations: None,
            threads: 1,
        };
        let solution = solve(&problem, &tiny).unwrap();
        assert!(solution.unassigned.is_empty(), "{:?}", solution.unassigned);
        let routed = solution
            .routes
            .iter()
            .flat_map(|r| r.stops.iter().filter_map(|s| s.job_id.clone()))
            .count();
        assert_eq!(routed, problem.jobs.len());
    }

    #[test]
    fn a_day_over_lunch_takes_the_break_inside_its_window() {
        let mut problem = day();
        problem.vehicles.truncate(1);
        problem.jobs.truncate(3);
        problem.jobs[0].windows = vec![(10 * HOUR, 11 * HOUR)];
        problem.jobs[1].windows = vec![(14 * HOUR, 15 * HOUR)];
        problem.jobs[2].skills.clear();
        let solution = solve(&problem, &budget()).unwrap();
        check(&problem, &solution);
        assert!(solution.unassigned.is_empty(), "{:?}", solution.unassigned);
        let breaks: Vec<_> = solution.routes[0]
            .stops
            .iter()
            .filter(|s| s.kind == StopKind::Break)
            .collect();
        assert_eq!(breaks.len(), 1, "{:?}", solution.routes[0]);
        assert!((12 * HOUR..=13 * HOUR).contains(&breaks[0].start));
        assert_eq!(breaks[0].departure - breaks[0].start, 1800);
    }

    #[test]
    fn the_distance_objective_keeps_capacities() {
        let mut problem = day();
        problem.objective = Objective::Distance;
        for (i, j) in problem.jobs.iter_mut().enumerate() {
            j.demand = 1 + i as i32 % 3;
        }
        problem.vehicles[0].capacity = Some(6);
        problem.vehicles[1].capacity = Some(6);
        let solution = solve(&problem, &budget()).unwrap();
        check(&problem, &solution);
        assert!(
            solution.unassigned.iter().all(|u| u.reason == Reason::Capacity),
            "{:?}",
            solution.unassigned
        );
    }

    #[test]
    fn a_missing_skill_leaves_the_job_unassigned_for_the_skill() {
        let mut problem = day();
        problem.jobs[6].skills = vec!["roofing".into()];
        let solution = solve(&problem, &budget()).unwrap();
        check(&problem, &solution);
        assert_eq!(
            solution.unassigned,
            vec![Unassigned {
                job_id: "j7".into(),
                reason: Reason::Skill
            }]
        );
    }

    #[test]
    fn a_window_nobody_reaches_leaves_the_job_unassigned_for_time() {
        let mut problem = day();
        // Place 8 is 6.3 km (632 s) from the depot; the shifts start at 8:00 and 9:00.
        problem.jobs[7].windows = vec![(7 * HOUR, 8 * HOUR + 300)];
        let solution = solve(&problem, &budget()).unwrap();
        check(&problem, &solution);
        assert_eq!(solution.unassigned.len(), 1, "{:?}", solution.unassigned);
        assert_eq!(solution.unassigned[0].job_id, "j8");
        assert!(
            matches!(solution.unassigned[0].reason, Reason::TimeWindow | Reason::Shift),
            "{:?}",
            solution.unassigned[0]
        );
    }

    #[test]
    fn max_jobs_caps_every_route() {
        let mut problem = day();
        for v in &mut problem.vehicles {
            v.max_jobs = Some(2);
        }
        let solution = solve(&problem, &budget()).unwrap();
        check(&problem, &solution);
        let routed: usize = solution
            .routes
            .iter()
            .map(|r| r.stops.iter().filter(|s| s.kind == StopKind::Job).count())
            .sum();
        assert_eq!(routed, 4);
        assert_eq!(solution.unassigned.len(), 4);
        assert!(
            solution.unassigned.iter().any(|u| u.reason == Reason::Capacity),
            "{:?}",
            solution.unassigned
        );
    }

    #[test]
    fn short_budgets_turn_to_improving_earlier() {
        assert!((exploration_ratio(5.0) - 0.3).abs() < 1e-9);
        assert!((exploration_ratio(30.0) - (1.0 - 3.5 / 30.0)).abs() < 1e-9);
        assert_eq!(exploration_ratio(300.0), 0.9);
        assert_eq!(exploration_ratio(1.0), 0.0);
    }

    #[test]
    fn an_invalid_problem_is_an_error_not_a_panic() {
        let mut problem = day();
        problem.jobs[0].location = 99;
        let err = solve(&problem, &budget()).unwrap_err();
        assert!(err.0.contains("j1") && err.0.contains("99"), "{err}");

        let mut problem = day();
        problem.jobs[0].pinned_to = Some("nobody".into());
        assert!(solve(&problem, &budget()).unwrap_err().0.contains("nobody"));

        let mut problem = day();
        problem.matrix.seconds.pop();
        assert!(solve(&problem, &budget()).is_err());

        let problem = day();
        assert!(solve(&problem, &Budget { threads: 0, ..budget() }).is_err());
    }

    #[test]
    fn no_jobs_or_no_vehicles_need_no_search() {
        let mut problem = day();
        problem.jobs.clear();
        let solution = solve(&problem, &budget()).unwrap();
        assert!(solution.routes.is_empty() && solution.unassigned.is_empty());

        let mut problem = day();
        problem.vehicles.clear();
        for j in &mut problem.jobs {
            j.pinned_to = None;
        }
        let solution = solve(&problem, &budget()).unwrap();
        assert_eq!(solution.unassigned.len(), 8);
    }

    #[test]
    fn a_job_left_out_takes_the_reason_of_the_vehicles_that_hold_its_skills() {
        let r = |v: &[Reason]| main_reason(v.iter().cloned());
        assert_eq!(
            r(&[Reason::Skill, Reason::Skill, Reason::TimeWindow]),
            Reason::TimeWindow
        );
        assert_eq!(
            r(&[Reason::Capacity, Reason::Skill, Reason::TimeWindow, Reason::Capacity]),
            Reason::Capacity
        );
        assert_eq!(r(&[Reason::Skill, Reason::Skill]), Reason::Skill);
        assert!(matches!(r(&[]), Reason::Other(_)));
    }
}
