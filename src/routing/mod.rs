//! Routes for a day: the model of a routing problem (places, travel between them, technicians
//! with shifts, breaks, skills and capacities, visits with windows and durations), the travel
//! model that fills its matrix, and the solver adapter that hands it to `vrp-pragmatic`.
//!
//! This layer knows nothing of the database, the policy or HTTP: the service gathers a day's
//! visits and technicians into a [`Problem`], and reads the [`Solution`] back into a plan. The
//! Solomon benchmark (`examples/solomon.rs`) goes through the same [`solve`].
//!
//! Times are whole seconds from an origin the caller chooses (a plan takes the start of its
//! local day; Solomon takes its own time unit scaled); distances are whole metres (or scaled
//! Solomon units).

pub mod travel;
mod vrp;

pub use vrp::solve;

use std::time::Duration;

/// Travel between every pair of places, row-major: `seconds[from * n + to]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub size: usize,
    pub seconds: Vec<i64>,
    pub metres: Vec<i64>,
}

impl Matrix {
    pub fn seconds(&self, from: usize, to: usize) -> i64 {
        self.seconds[from * self.size + to]
    }

    pub fn metres(&self, from: usize, to: usize) -> i64 {
        self.metres[from * self.size + to]
    }
}

/// What the solver minimises, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// Every job placed where at all possible, then the least total distance (the Solomon
    /// benchmarks' distance-only objective).
    Distance,
    /// Every visit placed where at all possible (windows and shifts are hard), then the least
    /// total travel time, then balance of work between technicians.
    ServiceDay,
}

/// A break a technician takes somewhere along the route: it starts inside `window` and lasts
/// `duration` seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub window: (i64, i64),
    pub duration: i64,
}

/// One technician (a vehicle).
#[derive(Debug, Clone, PartialEq)]
pub struct Vehicle {
    pub id: String,
    /// Where the day starts, and where it ends (`None`: wherever the last job is).
    pub start: usize,
    pub end: Option<usize>,
    /// The earliest start and the latest end of the day.
    pub shift: (i64, i64),
    pub breaks: Vec<Break>,
    /// Skills held; a job needing a skill goes only to a vehicle holding it.
    pub skills: Vec<String>,
    /// Load carried (Solomon); `None` for no capacity limit.
    pub capacity: Option<i32>,
    /// At most this many jobs (a technician's daily capacity).
    pub max_jobs: Option<usize>,
}

/// One job (a visit).
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub location: usize,
    /// Seconds on site.
    pub duration: i64,
    /// The arrival must fall inside one of these (service may start later than arrival after
    /// waiting); empty for any time.
    pub windows: Vec<(i64, i64)>,
    /// Load taken (Solomon); 0 when there is no capacity.
    pub demand: i32,
    /// Every one of these skills is needed.
    pub skills: Vec<String>,
    /// Kept with this vehicle (the order is free).
    pub pinned_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub matrix: Matrix,
    pub vehicles: Vec<Vehicle>,
    pub jobs: Vec<Job>,
    pub objective: Objective,
}

/// How long and on how many threads the solver may search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub max_time: Duration,
    /// Stop earlier after this many generations (`None`: only the time limit).
    pub max_generations: Option<usize>,
    /// Solver threads (at least 1); the rest of the machine stays with the API.
    pub threads: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopKind {
    Job,
    Break,
}

/// One stop of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    pub kind: StopKind,
    /// The job's id (`None` for a break).
    pub job_id: Option<String>,
    /// Arrival, the start of service (after any wait for the window) and departure.
    pub arrival: i64,
    pub start: i64,
    pub departure: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub vehicle_id: String,
    /// Leaving the start place.
    pub departure: i64,
    pub stops: Vec<Stop>,
    /// Arrival at the end place (or the last stop's departure when the route ends there).
    pub arrival: i64,
    pub metres: i64,
    pub travel_seconds: i64,
}

/// Why a job could not be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// No vehicle holds the skills.
    Skill,
    /// No vehicle can arrive inside a window (travel, shift and other jobs considered).
    TimeWindow,
    /// No vehicle has the load capacity or the job count left.
    Capacity,
    /// It cannot fit into any shift (the shift's end, a break).
    Shift,
    /// Anything else, in the solver's words.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unassigned {
    pub job_id: String,
    pub reason: Reason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    pub routes: Vec<Route>,
    pub unassigned: Vec<Unassigned>,
    pub metres: i64,
    pub travel_seconds: i64,
}

/// Why a problem could not be solved at all (an invalid problem; never a job that does not fit,
/// which is an [`Unassigned`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SolveError(pub String);
