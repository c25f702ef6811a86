//! Resolved tickets the customer has not answered: reminded after
//! `FIELDLINE_ACCEPTANCE_REMINDER_DAYS` working days, closed without acceptance after
//! `FIELDLINE_ACCEPTANCE_CLOSE_DAYS`. A scan of what is due: a ticket is reminded once, and a
//! missed tick is caught up by the next.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::service::acceptance;
use crate::startup::AppState;

pub const NAME: &str = "unanswered_resolutions";

/// Returns (resolved tickets looked at, tickets reminded or closed).
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    let id_domain = st.settings.mail.id_domain();
    acceptance::scan_unanswered(conn, st.clock.now(), &st.settings, &id_domain)
}
