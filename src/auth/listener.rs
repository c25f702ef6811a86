//! The node's listener for changes to users' token states (PostgreSQL only): a thread of its own
//! with a connection of its own that `LISTEN`s on `CHANNEL` (a trigger on `users` notifies it
//! with the user's id when their token version, active flag or role changes, or they are
//! deleted) and tells the node's `TokenCache` to forget that user.
//!
//! How it waits: diesel's `PgConnection::notifications_iter` only returns what has arrived (it
//! does not block), so the thread checks every `POLL` (one non-blocking read of the socket; a few
//! dozen system calls a second). That bounds the delay before another node sees a change by
//! `POLL` plus the time the notification takes to arrive, and keeps one PostgreSQL client with
//! one way of reading the database URL (libpq's: TLS, keepalives and every other parameter work
//! the same as for the pool) instead of adding a second client library for this one connection.
//!
//! A closed connection shows at the next check. One that stops answering without closing does
//! not, so every `HEARTBEAT` the thread asks the server for `SELECT 1` and then renews the cache's
//! lease for `LEASE`: if the answers stop, the lease runs out and the node reads the database at
//! every request until the thread listens again.

use super::cache::TokenCache;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// The notification channel the trigger on `users` notifies.
pub const CHANNEL: &str = "fieldline_token_state";
/// The `application_name` of the listener's connection (to find it in `pg_stat_activity`).
pub const APPLICATION_NAME: &str = "fieldline token listener";
const POLL: Duration = Duration::from_millis(10);
const HEARTBEAT: Duration = Duration::from_secs(2);
const LEASE: Duration = Duration::from_secs(5);
const RETRY: Duration = Duration::from_secs(1);

/// Starts the listener thread for a PostgreSQL URL. It stops when the cache is dropped.
pub fn start(url: &str, cache: &Arc<TokenCache>) -> std::io::Result<()> {
    let url = url.to_string();
    let cache = Arc::downgrade(cache);
    std::thread::Builder::new()
        .name("token-listener".into())
        .spawn(move || run(&url, &cache))
        .map(|_| ())
}

fn run(url: &str, cache: &Weak<TokenCache>) {
    loop {
        match listen(url, cache) {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %e, "token-state listener lost; access tokens are checked against the database until it listens again");
                match cache.upgrade() {
                    Some(c) => c.not_listening(),
                    None => return,
                }
                std::thread::sleep(RETRY);
            }
        }
    }
}

/// Listens until the cache is dropped (`Ok`) or the connection fails (`Err`).
fn listen(url: &str, cache: &Weak<TokenCache>) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = PgConnection::establish(url)?;
    conn.batch_execute(&format!(
        "SET application_name = '{APPLICATION_NAME}'; LISTEN {CHANNEL}"
    ))?;
    let Some(c) = cache.upgrade() else { return Ok(()) };
    // From here on every change is notified: start from empty.
    c.listening(Instant::now() + LEASE);
    drop(c);
    tracing::info!("token-state listener listens");
    let mut beat = Instant::now();
    loop {
        std::thread::sleep(POLL);
        let Some(c) = cache.upgrade() else { return Ok(()) };
        drain(&mut conn, &c)?;
        if beat.elapsed() >= HEARTBEAT {
            conn.batch_execute("SELECT 1")?;
            // Notifications that came with the answer are handled before the lease is renewed.
            drain(&mut conn, &c)?;
            c.renew(Instant::now() + LEASE);
            beat = Instant::now();
        }
    }
}

/// Forgets the user of each notification that has arrived.
fn drain(conn: &mut PgConnection, cache: &TokenCache) -> diesel::QueryResult<()> {
    for n in conn.notifications_iter() {
        let n = n?;
        match n.payload.parse::<i64>() {
            Ok(id) => cache.forget(id),
            Err(_) => cache.forget_all(),
        }
    }
    Ok(())
}
