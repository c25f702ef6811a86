//! The SLA breach scan as a job: the service does the work.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::startup::AppState;

pub const NAME: &str = "sla_scan";

/// Returns (tickets and complaints examined, breaches, steps and climbs taken): the tickets'
/// clocks, then the complaint levels past their limit.
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    let now = st.clock.now();
    let (examined, actions) = crate::service::sla_scan::scan(conn, now, st.settings.escalation_step())?;
    let (complaints, climbs) = crate::service::complaints::scan(conn, now)?;
    Ok((examined + complaints, actions + climbs))
}
