//! Retention of personal data: closed tickets past the configured period have their contact's
//! name, phone number and e-mail address cleared, and replaced wherever they were copied.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::service::privacy;
use crate::startup::AppState;

pub const NAME: &str = "personal_data_retention";

/// Returns (closed tickets looked at, tickets anonymised).
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    privacy::expire_closed_tickets(conn, st.clock.now(), st.settings.closed_ticket_personal_days)
}
