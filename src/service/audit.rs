//! The audit trail as admins read it.

use super::Who;
use crate::db::audit::{self as store, AuditFilter};
use crate::db::{DbConn, Paging};
use crate::error::AppResult;
use crate::policy::admin::Act;
use crate::policy::{self, Action};
use fieldline_mobile_api::{AuditEvent, Page};

/// What the trail is asked for: its filters and the page.
#[derive(Debug, Default)]
pub struct AuditListing {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Every recorded change, newest first.
pub fn list(c: &mut DbConn, who: &Who, l: AuditListing) -> AppResult<Page<AuditEvent>> {
    policy::require(&who.caller, Action::Admin(Act::ReadAudit))?;
    let paging = Paging::new(l.limit, l.offset)?;
    let filter = AuditFilter {
        entity: l.entity,
        entity_id: l.entity_id,
        actor_id: l.actor_id,
    };
    store::list(c, &filter, paging)
}
