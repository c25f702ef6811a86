//! Location pings are written in groups: the batches that arrive while one transaction is being
//! written wait together and share the next one (a group commit). Phones send positions all day;
//! one transaction per request would spend most of its time committing.
//!
//! One thread owns the writing. Each request is still its own unit: it runs under a savepoint,
//! with its idempotency key stored beside its positions, so one refused request (an unknown
//! technician, a reused key) does not touch the others, and a replay gets the first answer back.
//! Each waits for the commit of its group before it is answered, so nothing acknowledged is lost.

use super::dispatch::positions;
use super::{idempotency, write, DbConn, Pool};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::Connection;
use fieldline_mobile_api::{LocationPing, PingReceipt};
use tokio::sync::{mpsc, oneshot};

/// Requests written in one transaction, at most.
const GROUP: usize = 64;
/// Requests waiting for the writer, at most; senders wait beyond that.
const QUEUE: usize = 1024;

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

/// The handle requests are sent through; cloned into every worker.
#[derive(Debug, Clone)]
pub struct PingWriter {
    queue: mpsc::Sender<(PingRequest, oneshot::Sender<Answer>)>,
}

impl PingWriter {
    /// Starts the writing thread; it stops when the last handle is dropped.
    /// `batches` counts the transactions written (a metric).
    pub fn start(pool: Pool, batches: prometheus::IntCounter) -> std::io::Result<PingWriter> {
        let (tx, rx) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("ping-writer".into())
            .spawn(move || run(pool, rx, batches))?;
        Ok(PingWriter { queue: tx })
    }

    /// Stores the request's positions (or finds its first answer) and answers once committed.
    pub async fn store(&self, request: PingRequest) -> Answer {
        let (tx, rx) = oneshot::channel();
        self.queue
            .send((request, tx))
            .await
            .map_err(|_| AppError::Unavailable("the position writer has stopped".into()))?;
        rx.await
            .map_err(|_| AppError::Unavailable("the position writer has stopped".into()))?
    }
}

fn run(pool: Pool, mut rx: mpsc::Receiver<(PingRequest, oneshot::Sender<Answer>)>, batches: prometheus::IntCounter) {
    while let Some(first) = rx.blocking_recv() {
        let mut group = vec![first];
        while group.len() < GROUP {
            match rx.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        let answers = pool
            .get()
            .map_err(AppError::from)
            .and_then(|mut c| write_group(&mut c, &group));
        match answers {
            Ok(answers) => {
                batches.inc();
                for ((_, reply), answer) in group.into_iter().zip(answers) {
                    let _ = reply.send(answer);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, requests = group.len(), "a group of positions was not stored");
                for (_, reply) in group {
                    let _ = reply.send(Err(AppError::Unavailable(
                        "the positions could not be stored; send them again".into(),
                    )));
                }
            }
        }
    }
}

/// One transaction for the group; each request under its own savepoint.
fn write_group(c: &mut DbConn, group: &[(PingRequest, oneshot::Sender<Answer>)]) -> AppResult<Vec<Answer>> {
    write(c, |c| {
        Ok(group.iter().map(|(r, _)| c.transaction(|c| one(c, r))).collect())
    })
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
