//! Inspection generation: each active plan's inspections, and their visits for dispatch, once
//! they are due within the horizon. A scan of what is due, so a missed tick does no harm, a run
//! after downtime catches up, and a second run creates nothing twice.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::service::inspection_generation;
use crate::startup::AppState;

pub const NAME: &str = "inspection_generation";

/// Returns (plans examined, inspections created).
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    let s = &st.settings.inspections;
    inspection_generation::generate(conn, st.clock.now(), s.horizon_days, s.visit_length())
}
