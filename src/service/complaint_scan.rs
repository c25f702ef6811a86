//! The complaint part of the SLA breach scan: a level past its limit with no resolution stated
//! climbs once to the next level (its handlers told); at appeal the miss is recorded and alerted.

use super::complaints::{climb, handlers, wire_of};
use crate::db::audit::{self, snapshot, Actor};
use crate::db::complaints as store;
use crate::db::tickets as tickets_store;
use crate::db::tickets::events::{self, NewEvent};
use crate::db::{notifications, utc, write, DbConn};
use crate::domain::complaint::{self as rules, Breach};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use fieldline_mobile_api::ComplaintEntry;
use serde_json::json;

/// Complaints whose level passed its limit without a resolution: the miss is recorded, the
/// complaint climbs once to the next level (its handlers told), and at appeal the managers and
/// the owner are alerted. Each complaint its own transaction; a level is handled once. Returns
/// (complaints examined, actions taken).
pub fn scan(c: &mut DbConn, now: DateTime<Utc>) -> AppResult<(i64, i64)> {
    let due = store::past_limit(c, now)?;
    let mut actions = 0;
    for &id in &due {
        match scan_one(c, id, now) {
            Ok(n) => actions += n,
            Err(e) => {
                tracing::warn!(ticket = id, error = %e, "complaint scan skipped a complaint; the next run retries it")
            }
        }
    }
    Ok((due.len() as i64, actions))
}

fn scan_one(c: &mut DbConn, id: i64, now: DateTime<Utc>) -> AppResult<i64> {
    let actor = Actor::system(now);
    write(c, |c| {
        let row = store::get(c, id)?;
        let level = row.level()?;
        let step = store::step_at(c, id, level)?;
        let t = tickets_store::get(c, id)?;
        if !t.status()?.is_open() {
            // A cancelled complaint ticket: its level no longer runs.
            store::set_breached(c, step.id, now, true)?;
            return Ok(0);
        }
        let decision = rules::breach(level, row.state()?, utc(step.due_at), step.breached_at.is_some(), now);
        let data = json!({"level": level, "due_at": utc(step.due_at)});
        match decision {
            Breach::Nothing => return Ok(0),
            Breach::Climb(up) => {
                store::set_breached(c, step.id, now, true)?;
                let e = NewEvent::new(id, &actor, "complaint_limit_missed").from_to(Some(level.as_str()), None);
                events::add(c, e.data(data))?;
                climb(c, &actor, &t, level, up, ComplaintEntry::Limit)?;
            }
            Breach::Alert => {
                store::set_breached(c, step.id, now, false)?;
                let e = NewEvent::new(id, &actor, "complaint_limit_missed").from_to(Some(level.as_str()), None);
                let mut people = handlers(c, level, t.owner_id)?;
                events::add(
                    c,
                    e.data(json!({"level": level, "due_at": utc(step.due_at), "recipients": people})),
                )?;
                if !people.contains(&t.owner_id) {
                    people.push(t.owner_id);
                }
                let msg = format!(
                    "Complaint {} is past the appeal's time limit without a resolution",
                    t.number
                );
                notifications::notify(c, &people, id, "complaint_limit_missed", &msg, now)?;
            }
        }
        let after = {
            let now_row = store::get(c, id)?;
            wire_of(c, &now_row, &t)?
        };
        audit::record(c, &actor, "complaint", id, "limit_missed", None, snapshot(&after))?;
        Ok(1)
    })
}
