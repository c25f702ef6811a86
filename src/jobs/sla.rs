//! The SLA breach scan as a job: the service does the work.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::startup::AppState;

pub const NAME: &str = "sla_scan";

/// Returns (tickets examined, breaches and steps taken).
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    crate::service::sla_scan::scan(conn, st.clock.now(), st.settings.escalation_step())
}
