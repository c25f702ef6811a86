//! Technicians' positions from the phone: the stored pings and the last known position on the
//! profile.

use super::technicians::find;
use crate::db::schema::{location_pings, technicians};
use crate::db::{ts, utc, DbConn};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::LocationPing;

/// Stores a batch of positions, inside the caller's transaction (the one that also stores the
/// request's idempotency key); the newest becomes the technician's last known position.
/// Positions are telemetry, kept for the retention period, not audited one by one.
pub fn store_pings(
    c: &mut DbConn,
    user_id: i64,
    pings: &[LocationPing],
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    let tech = find(c, user_id)?.ok_or_else(|| AppError::not_found("technician profile for user", user_id))?;
    let rows: Vec<_> = pings
        .iter()
        .map(|p| {
            (
                location_pings::user_id.eq(user_id),
                location_pings::at.eq(ts(p.at)),
                location_pings::lat.eq(p.latitude),
                location_pings::lon.eq(p.longitude),
                location_pings::accuracy_m.eq(p.accuracy_m),
                location_pings::received_at.eq(ts(now)),
            )
        })
        .collect();
    crate::on_backend!(c, |b| diesel::insert_into(location_pings::table)
        .values(&rows)
        .execute(b))?;
    let newest = pings.iter().max_by_key(|p| p.at);
    let last = tech.last_ping_at.map(utc);
    match newest {
        Some(p) if last.is_none_or(|l| p.at > l) => {
            diesel::update(technicians::table.find(user_id))
                .set((
                    technicians::last_lat.eq(p.latitude),
                    technicians::last_lon.eq(p.longitude),
                    technicians::last_accuracy_m.eq(p.accuracy_m),
                    technicians::last_ping_at.eq(ts(p.at)),
                ))
                .execute(c)?;
            Ok(Some(p.at))
        }
        _ => Ok(last),
    }
}

/// Deletes positions older than `before`; returns how many.
pub fn prune_pings(c: &mut DbConn, before: DateTime<Utc>) -> AppResult<usize> {
    Ok(diesel::delete(location_pings::table.filter(location_pings::at.lt(ts(before)))).execute(c)?)
}
