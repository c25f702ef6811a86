//! The read replica: reports and exports read a streaming replica of the PostgreSQL primary
//! (`FIELDLINE_REPLICA_URL`) while it is at most `FIELDLINE_REPLICA_MAX_LAG_SECONDS` behind,
//! and the primary when it is further behind, not streaming or down. Everything else (every list
//! and every object, so nobody misses their own write) reads the primary.

use super::{BackendKind, DbConn, Manager, PooledConn};
use diesel::prelude::*;
use diesel::r2d2;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a replica that did not answer is left alone before it is tried again.
const BACKOFF: Duration = Duration::from_secs(5);

pub struct Replica {
    pool: super::Pool,
    max_lag_seconds: f64,
    /// Until when the replica is not tried (it failed to answer).
    resting_until: Mutex<Option<Instant>>,
}

/// Why a read went to the primary, or that it went to the replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Replica,
    /// No replica answered: down, or tried again only after a pause.
    PrimaryReplicaDown,
    /// The replica answered but is further behind than allowed, or not streaming.
    PrimaryReplicaBehind,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Replica => "replica",
            Source::PrimaryReplicaDown => "primary_replica_down",
            Source::PrimaryReplicaBehind => "primary_replica_behind",
        }
    }
}

#[derive(QueryableByName)]
struct Lag {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    lag_seconds: Option<f64>,
}

/// How far behind the server is, in seconds: 0 on a primary (a replica promoted), 0 on a replica
/// that has replayed all it received while streaming, else the age of the last transaction it
/// replayed; NULL when it is not streaming (it cannot know what it misses).
const LAG_SQL: &str = "SELECT CASE \
    WHEN NOT pg_is_in_recovery() THEN 0.0::float8 \
    WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN NULL \
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0::float8 \
    ELSE EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))::float8 END AS lag_seconds";

impl Replica {
    /// A pool on the replica; it does not connect until the first read, so a replica that is
    /// down does not stop the node from starting.
    pub fn new(url: &str, size: u32, max_lag_seconds: u32) -> Replica {
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(0))
            // A replica that does not give a connection at once is taken for down: the primary
            // answers instead, without making the user wait.
            .connection_timeout(Duration::from_millis(300))
            .test_on_check_out(true)
            .build_unchecked(Manager {
                url: url.to_string(),
                kind: BackendKind::Postgres,
            });
        Replica {
            pool,
            max_lag_seconds: f64::from(max_lag_seconds),
            resting_until: Mutex::new(None),
        }
    }

    /// A connection to the replica when it is close enough behind, else why not.
    pub fn fresh(&self) -> Result<PooledConn, Source> {
        {
            let resting = self.resting_until.lock().unwrap_or_else(|e| e.into_inner());
            if resting.is_some_and(|until| Instant::now() < until) {
                return Err(Source::PrimaryReplicaDown);
            }
        }
        let checked = self.pool.get().map_err(|e| e.to_string()).and_then(|mut c| {
            let lag: Lag = diesel::sql_query(LAG_SQL)
                .get_result(&mut *c as &mut DbConn)
                .map_err(|e| e.to_string())?;
            Ok((c, lag.lag_seconds))
        });
        match checked {
            Err(e) => {
                tracing::warn!(error = %e, "the read replica does not answer; reading the primary");
                self.rest();
                Err(Source::PrimaryReplicaDown)
            }
            Ok((c, Some(lag))) if lag <= self.max_lag_seconds => Ok(c),
            Ok((_, lag)) => {
                tracing::info!(lag_seconds = ?lag, "the read replica is behind; reading the primary");
                Err(Source::PrimaryReplicaBehind)
            }
        }
    }

    /// Leaves the replica alone for a while (it failed to answer).
    pub fn rest(&self) {
        *self.resting_until.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now() + BACKOFF);
    }
}
