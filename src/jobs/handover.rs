//! Unacknowledged handovers: each handover nobody acknowledged within its grace alerts, once, the
//! writer's supervisor (every supervisor when none is set). A scan of what is due; a handover
//! that alerted is marked, so a second run or a second node alerts nobody twice.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::startup::AppState;

pub const NAME: &str = "handover_watch";

/// Returns (handovers past their grace examined, alerts made).
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    crate::service::handovers::alert_unacknowledged(conn, st.clock.now(), st.settings.handover_grace)
}
