//! Retention: technicians' positions older than the configured number of days are deleted (their
//! last known position stays on their profile), and so are the records of scheduled job runs
//! older than theirs (the relay alone claims thousands of slots a day).

use crate::db::DbConn;
use crate::error::AppResult;
use crate::service::jobs::prune_runs;
use crate::service::technicians;
use crate::startup::AppState;
use chrono::Duration;

pub const NAME: &str = "ping_retention";

/// Returns (rows deleted, rows deleted): every deletion is the job's one action.
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    let now = st.clock.now();
    let pings = technicians::prune_positions(conn, now - Duration::days(i64::from(st.settings.ping_retention_days)))?;
    let runs = prune_runs(
        conn,
        now - Duration::days(i64::from(st.settings.job_run_retention_days)),
    )?;
    let n = (pings + runs) as i64;
    Ok((n, n))
}
