//! A user's inbox: the alerts the ticket workflows leave (SLA alerts, handoffs, assignments,
//! dispatch flags), listed and marked read by their addressee alone.

use super::Who;
use crate::db::{notifications as store, DbConn, Paging};
use crate::error::AppResult;
use crate::policy::tickets::Act;
use crate::policy::{self, Action};
use fieldline_mobile_api::{Notification, Page};

/// The caller's notifications, newest first.
pub fn list(c: &mut DbConn, who: &Who, unread_only: bool, paging: Paging) -> AppResult<Page<Notification>> {
    policy::require(&who.caller, Action::Tickets(Act::Notifications))?;
    store::list(c, who.caller.id.0, unread_only, paging)
}

/// Marks one of the caller's notifications read (another's is not found).
pub fn read(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Notification> {
    policy::require(&who.caller, Action::Tickets(Act::Notifications))?;
    store::mark_read(c, who.caller.id.0, id, who.at)
}
