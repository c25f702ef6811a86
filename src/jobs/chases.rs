//! Unanswered chases: each chase past its due time without an answer climbs once to the holder's
//! supervisor (every supervisor when none is set). A scan of what is due; a chase that climbed is
//! marked, so a second run or a second node climbs nothing twice.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::startup::AppState;

pub const NAME: &str = "chase_climb";

/// Returns (chases past due examined, chases climbed).
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    crate::service::supervision::climb_overdue(conn, st.clock.now())
}
