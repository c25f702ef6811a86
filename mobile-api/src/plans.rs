//! Day plans: every technician's route for a day, proposed by the solver, reviewed and applied
//! by a dispatcher.

use crate::ids::*;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

wire_enum!(
    /// Where a plan stands: the solver is at work (`planning`), it is ready to review (`ready`),
    /// it could not be made (`failed`), its bookings were made (`applied`), or a change since it
    /// was made refused its application (`stale`: plan again).
    DayPlanStatus {
        Planning => "planning",
        Ready => "ready",
        Failed => "failed",
        Applied => "applied",
        Stale => "stale",
    }
);

wire_enum!(
    /// Where a technician's route starts: at home, at the phone's last position (today, when it
    /// is fresh), or at the site of the visit they are on or driving to (which the plan keeps).
    RouteStart {
        Home => "home",
        Position => "position",
        Visit => "visit",
    }
);

wire_enum!(
    /// Why a plan could not place a visit: no technician on duty has the skill at the level
    /// needed (in the visit's region) (`skill`); nobody can arrive inside the agreed window
    /// (`window`); those who could go have no visit left that day (`capacity`); it fits into
    /// nobody's working hours or duty shift, breaks included (`shift`); it is pinned to a
    /// technician who cannot take it (`pinned`); nobody is on duty that day (`no_technician`);
    /// anything else, such as a visit without a site (`other`).
    UnplacedReason {
        Skill => "skill",
        Window => "window",
        Capacity => "capacity",
        Shift => "shift",
        Pinned => "pinned",
        NoTechnician => "no_technician",
        Other => "other",
    }
);

wire_enum!(
    /// A stop of a route: a visit, or the technician's break.
    StopKind {
        Visit => "visit",
        Break => "break",
    }
);

/// A technician's lunch break: taken some time between `from` and `until` (local `HH:MM`), for
/// `minutes` (0: no break).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LunchBreak {
    #[cfg_attr(feature = "openapi", schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub from: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub until: String,
    /// 0-180, and no longer than from `from` to `until`.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 180))]
    pub minutes: i32,
}

impl Default for LunchBreak {
    fn default() -> Self {
        LunchBreak {
            from: "11:30".into(),
            until: "13:30".into(),
            minutes: 45,
        }
    }
}

/// Asks for a plan of a local day. The solver works off the request; the answer is the plan in
/// `planning`, to be read again until it is `ready` (or `failed`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDayPlan {
    /// Today or later (business calendar), at most 30 days ahead.
    pub day: NaiveDate,
    /// Only this region's visits (and the technicians who serve it); all regions when absent.
    #[serde(default)]
    pub region_id: Option<RegionId>,
    /// Assigned visits kept with their technician (the order is still planned).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    pub pinned: Vec<VisitId>,
    /// Visits left out of the plan (they keep what they have).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    pub excluded: Vec<VisitId>,
    /// The solver's time, 1-120 seconds (default from the settings).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 120))]
    pub budget_seconds: Option<i32>,
}

/// A plan's head: what it covers, where it stands and its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayPlanSummary {
    pub id: DayPlanId,
    pub day: NaiveDate,
    pub region_id: Option<RegionId>,
    pub region_name: Option<String>,
    pub status: DayPlanStatus,
    pub budget_seconds: i32,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed or was refused as stale.
    pub error: Option<String>,
    pub applied_by_name: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub visits_planned: i32,
    pub visits_unplaced: i32,
    pub technicians_used: i32,
    /// Total driving, all routes.
    pub travel_minutes: i64,
    pub km: f64,
}

/// One stop of a route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanStop {
    /// 1, 2, ... along the route (breaks included).
    pub position: i32,
    pub kind: StopKind,
    pub visit_id: Option<VisitId>,
    pub ticket_number: Option<String>,
    pub customer_name: Option<String>,
    pub site_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub window_start: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
    /// The ticket's arrival (or resolution) due time, or the inspection's due day's end.
    pub due_at: Option<DateTime<Utc>>,
    /// Kept with this technician by the dispatcher (or because they accepted it).
    pub pinned: bool,
    pub arrival_at: DateTime<Utc>,
    /// Arrival, or the window's start after a wait.
    pub start_at: DateTime<Utc>,
    pub departure_at: DateTime<Utc>,
}

/// One technician's route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRoute {
    pub technician_id: UserId,
    pub technician_name: String,
    pub starts_from: RouteStart,
    pub start_latitude: f64,
    pub start_longitude: f64,
    pub departure_at: DateTime<Utc>,
    pub return_at: DateTime<Utc>,
    pub km: f64,
    pub travel_minutes: i64,
    pub stops: Vec<PlanStop>,
}

/// A visit the plan could not place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanUnplaced {
    pub visit_id: VisitId,
    pub ticket_number: Option<String>,
    pub customer_name: Option<String>,
    pub site_name: Option<String>,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub reason: UnplacedReason,
}

/// A plan with its routes and the visits it could not place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayPlan {
    pub plan: DayPlanSummary,
    pub pinned: Vec<VisitId>,
    pub excluded: Vec<VisitId>,
    pub routes: Vec<PlanRoute>,
    pub unplaced: Vec<PlanUnplaced>,
}
