//! Technicians' positions, written in groups (`db::group_writer`): phones send them all day,
//! and one transaction per request would spend most of its time committing. Each request runs
//! under its own savepoint, with its idempotency key stored beside its positions, so one refused
//! request (an unknown technician, a reused key) does not touch the others, and a replay gets the
//! first answer back.

use super::dispatch::positions;
use super::group_writer::GroupWriter;
use super::{idempotency, write, DbConn};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{LocationPing, PingReceipt};

/// One request's positions, as checked by the handler.
#[derive(Debug)]
pub struct PingRequest {
    pub user: i64,
    pub idempotency_key: String,
    pub request_hash: String,
    pub pings: Vec<LocationPing>,
    pub now: DateTime<Utc>,
}

type Answer = AppResult<(u16, String)>;

/// Stores the request's positions (or finds its first answer) in the writer's next group and
/// answers once that has committed.
pub async fn store(writer: &GroupWriter, request: PingRequest) -> Answer {
    writer.write(move |c| one(c, &request)).await
}

/// Stores one request's positions in a transaction of its own, without the writing thread (for
/// the demo's data, written before any service runs).
pub fn store_now(c: &mut DbConn, r: &PingRequest) -> Answer {
    write(c, |c| one(c, r))
}

fn one(c: &mut DbConn, r: &PingRequest) -> Answer {
    idempotency::answer_once(c, r.user, &r.idempotency_key, &r.request_hash, r.now, |c| {
        let last = positions::store_pings(c, r.user, &r.pings, r.now)?;
        serde_json::to_string(&PingReceipt {
            stored: r.pings.len(),
            last_ping_at: last,
        })
        .map_err(AppError::internal)
    })
}
