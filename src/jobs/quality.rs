//! The monthly quality review sample: draws last month's handled tickets of each agent into the
//! reviewers' queue. Drawing a month twice adds nothing, so a second run or node, or a run
//! after downtime, does no harm.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::startup::AppState;

pub const NAME: &str = "quality_sample";

/// Returns (agents with handled tickets last month, tickets drawn).
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    crate::service::quality::scheduled_draw(conn, st.clock.now())
}
