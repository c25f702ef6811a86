//! Position history retention: technicians' positions older than the configured number of days
//! are deleted (their last known position stays on their profile).

use crate::db::{dispatch, DbConn};
use crate::error::AppResult;
use crate::AppState;

pub const NAME: &str = "ping_retention";

/// Returns (positions deleted, positions deleted): every deletion is the job's one action.
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    let before = st.clock.now() - chrono::Duration::days(i64::from(st.settings.ping_retention_days));
    let n = dispatch::prune_pings(conn, before)? as i64;
    Ok((n, n))
}
