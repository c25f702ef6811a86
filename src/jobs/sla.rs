//! The SLA breach scan: tickets past a due time get their breach recorded and their alert steps
//! taken (owner, supervisors, managers; on-site tickets flagged to dispatch), each step once.

use crate::db::{tickets, DbConn};
use crate::error::AppResult;
use crate::startup::AppState;

pub const NAME: &str = "sla_scan";

/// Returns (tickets examined, breaches and steps taken).
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    tickets::scan(conn, st.clock.now(), st.settings.escalation_step())
}
