//! The complaint ladder's time limits of each customer tier: the shipped defaults until an admin
//! sets a tier's, and the due time of a level reached now (working time on the business calendar).

use super::Who;
use crate::db::audit::{self, snapshot};
use crate::db::complaints as store;
use crate::db::{sla as sla_store, utc, write, DbConn};
use crate::domain::complaint::{self as rules, Limits};
use crate::error::AppResult;
use crate::policy::complaints::{self as policy, Act};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{ComplaintLevel, ComplaintLimits, ComplaintLimitsInput, Tier};
use std::collections::HashMap;

/// A tier's limits: stored, or the shipped defaults.
pub fn limits_for(c: &mut DbConn, tier: Tier) -> AppResult<Limits> {
    Ok(store::limits_of(c, tier)?
        .map(|r| r.limits())
        .unwrap_or_else(|| rules::default_limits(tier)))
}

fn limits_wire(tier: Tier, l: Limits, updated: Option<DateTime<Utc>>) -> ComplaintLimits {
    ComplaintLimits {
        customer_tier: tier,
        complaint_minutes: l.complaint,
        escalated_minutes: l.escalated,
        appeal_minutes: l.appeal,
        updated_at: updated,
    }
}

/// Every tier's limits, in tier order (staff read them with the SLA policies).
pub fn list_limits(c: &mut DbConn, who: &Who) -> AppResult<Vec<ComplaintLimits>> {
    policy::require(&who.caller, Act::Read)?;
    let stored: HashMap<String, store::LimitsRow> = store::all_limits(c)?
        .into_iter()
        .map(|r| (r.customer_tier.clone(), r))
        .collect();
    Ok(Tier::ALL
        .iter()
        .map(|&t| match stored.get(t.as_str()) {
            Some(r) => limits_wire(t, r.limits(), Some(utc(r.updated_at))),
            None => limits_wire(t, rules::default_limits(t), None),
        })
        .collect())
}

/// Sets a tier's limits (admin); complaints reaching a level afterwards use them.
pub fn put_limits(c: &mut DbConn, who: &Who, tier: Tier, b: ComplaintLimitsInput) -> AppResult<ComplaintLimits> {
    policy::require(&who.caller, Act::EditLimits)?;
    let l = Limits {
        complaint: b.complaint_minutes,
        escalated: b.escalated_minutes,
        appeal: b.appeal_minutes,
    };
    l.check()?;
    let actor = who.actor();
    write(c, |c| {
        let before = limits_for(c, tier)?;
        let row = store::put_limits(c, tier, &l, actor.at)?;
        let out = limits_wire(tier, row.limits(), Some(utc(row.updated_at)));
        audit::record(
            c,
            &actor,
            "complaint_limits",
            Tier::ALL.iter().position(|t| *t == tier).unwrap_or(0) as i64,
            "update",
            snapshot(&limits_wire(tier, before, None)),
            snapshot(&out),
        )?;
        Ok(out)
    })
}

/// The due time of a level starting at `start`, on the business calendar.
pub(super) fn due_of(
    c: &mut DbConn,
    tier: Tier,
    level: ComplaintLevel,
    start: DateTime<Utc>,
) -> AppResult<DateTime<Utc>> {
    let minutes = limits_for(c, tier)?.of(level);
    let cal = sla_store::calendar(c)?;
    Ok(cal.add_business(start, Duration::minutes(i64::from(minutes))))
}
