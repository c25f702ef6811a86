//! Report mailing: the weekly service summary (the previous ISO week, from Monday on) and the
//! monthly service supervision report (the previous month, from the 1st on), e-mailed as HTML to
//! every active manager and, for their customers, to each account manager. A scan of what is
//! owed: a report sent is recorded with its outbox row, so a second run or node sends nothing
//! twice, and a run after downtime sends the periods missed meanwhile.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::service::reports::{self, MailingSettings};
use crate::startup::AppState;

pub const NAME: &str = "report_mailing";

/// Returns (recipient-periods examined, reports queued).
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    let settings = MailingSettings {
        id_domain: st.settings.mail.id_domain(),
    };
    reports::mail_due(conn, st.clock.now(), &settings)
}
