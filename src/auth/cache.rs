//! The node's cache of users' token states (token version, active, role), for PostgreSQL, where
//! reading them on every request is a network round trip. A change to a user reaches every node
//! as a PostgreSQL notification (a trigger on `users`, delivered at commit) that the node's
//! listener (`super::listener`) turns into `forget`; a change made on this node is forgotten here
//! as soon as its transaction has committed, before the answer leaves.
//!
//! The cache is served only while the listener holds a lease: it takes one when `LISTEN` is
//! active and renews it after each check that its connection still answers. Without a lease
//! (never started, as on SQLite; connection lost; checks late) every request reads the database,
//! and nothing read then is kept; a new lease starts from an empty cache, since notifications may
//! have been missed in between.
//!
//! The race: a request misses, reads the database, and meanwhile a change commits and its
//! notification is handled before the request stores what it read, which would keep the old
//! state for good. So every notification, loss and new lease moves a generation on, and a read
//! is stored only if the generation it started at is still the current one.

use crate::db::users::TokenState;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// At most this many users are kept; when full, the cache starts over (a miss costs one read).
pub const CAPACITY: usize = 50_000;

#[derive(Debug, Default)]
pub struct TokenCache {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    generation: u64,
    /// Until when the cache may be served; `None` when the listener is not listening.
    lease: Option<Instant>,
    entries: HashMap<i64, TokenState>,
}

impl Inner {
    fn serving(&self, now: Instant) -> bool {
        self.lease.is_some_and(|until| now < until)
    }

    fn start_over(&mut self) {
        self.generation += 1;
        self.entries.clear();
    }
}

/// What a request that missed takes along to its read of the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

impl TokenCache {
    pub fn new() -> TokenCache {
        TokenCache::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The user's state if the cache is served and holds it; otherwise, when the cache is
    /// served, the ticket under which the state read from the database may be stored.
    pub fn get(&self, id: i64) -> Result<TokenState, Option<Ticket>> {
        let inner = self.lock();
        if !inner.serving(Instant::now()) {
            return Err(None);
        }
        match inner.entries.get(&id) {
            Some(state) => Ok(state.clone()),
            None => Err(Some(Ticket(inner.generation))),
        }
    }

    /// Stores a state read under `ticket`, unless anything was forgotten since the ticket was
    /// taken or the cache is not served now.
    pub fn put(&self, id: i64, ticket: Ticket, state: TokenState) {
        let mut inner = self.lock();
        if ticket.0 != inner.generation || !inner.serving(Instant::now()) {
            return;
        }
        if inner.entries.len() >= CAPACITY && !inner.entries.contains_key(&id) {
            inner.entries.clear();
        }
        inner.entries.insert(id, state);
    }

    /// The user's state changed (or may have): drop it, and let no read begun before be stored.
    pub fn forget(&self, id: i64) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.remove(&id);
    }

    /// Anything may have changed (a notification that could not be read): drop everything.
    pub fn forget_all(&self) {
        self.lock().start_over();
    }

    /// The listener listens (anew): serve the cache, from empty, until `until`.
    pub fn listening(&self, until: Instant) {
        let mut inner = self.lock();
        inner.start_over();
        inner.lease = Some(until);
    }

    /// The listener's connection still answers: serve until `until`. If the lease ran out in
    /// the meantime, requests read the database then and stored nothing, but notifications may
    /// have been missed too: start from empty.
    pub fn renew(&self, until: Instant) {
        let mut inner = self.lock();
        if !inner.serving(Instant::now()) {
            inner.start_over();
        }
        inner.lease = Some(until);
    }

    /// The listener stopped listening: stop serving and drop everything.
    pub fn not_listening(&self) {
        let mut inner = self.lock();
        inner.start_over();
        inner.lease = None;
    }

    /// Whether the cache is served now.
    pub fn serving(&self) -> bool {
        self.lock().serving(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn state(version: i64) -> TokenState {
        TokenState {
            token_version: version,
            active: true,
            role: "agent".into(),
            grants: String::new(),
        }
    }

    fn later() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    fn served() -> TokenCache {
        let c = TokenCache::new();
        c.listening(later());
        c
    }

    #[test]
    fn a_read_is_stored_and_served_until_its_user_is_forgotten() {
        let c = served();
        let ticket = c.get(7).unwrap_err().expect("a ticket while served");
        c.put(7, ticket, state(1));
        assert_eq!(c.get(7).unwrap().token_version, 1);
        c.forget(7);
        assert!(c.get(7).is_err());
    }

    #[test]
    fn a_read_begun_before_a_notification_is_not_stored() {
        let c = served();
        let ticket = c.get(7).unwrap_err().unwrap();
        // The change commits and its notification is handled while the request reads.
        c.forget(7);
        c.put(7, ticket, state(1));
        assert!(c.get(7).is_err(), "the old state must not be kept");
        // Any user's notification counts, and so does a new lease or a loss.
        for interrupt in 0..3 {
            let ticket = c.get(7).unwrap_err().unwrap();
            match interrupt {
                0 => c.forget(8),
                1 => c.forget_all(),
                _ => c.listening(later()),
            }
            c.put(7, ticket, state(1));
            assert!(c.get(7).is_err());
        }
        let ticket = c.get(7).unwrap_err().unwrap();
        c.put(7, ticket, state(2));
        assert_eq!(c.get(7).unwrap().token_version, 2);
    }

    #[test]
    fn without_a_listener_nothing_is_served_or_stored() {
        let c = TokenCache::new();
        assert_eq!(c.get(7), Err(None));
        let c = served();
        let ticket = c.get(7).unwrap_err().unwrap();
        c.put(7, ticket, state(1));
        c.not_listening();
        assert_eq!(c.get(7), Err(None), "a lost listener may have missed a change");
        c.put(7, ticket, state(1));
        c.listening(later());
        assert!(c.get(7).unwrap_err().is_some(), "a new lease starts from empty");
    }

    #[test]
    fn a_lease_that_ran_out_is_not_served_and_its_renewal_starts_from_empty() {
        let c = served();
        let ticket = c.get(7).unwrap_err().unwrap();
        c.put(7, ticket, state(1));
        c.renew(Instant::now());
        assert_eq!(c.get(7), Err(None));
        c.renew(later());
        assert!(c.get(7).unwrap_err().is_some());
        // Renewed in time, it keeps what it holds.
        let ticket = c.get(7).unwrap_err().unwrap();
        c.put(7, ticket, state(1));
        c.renew(later());
        assert!(c.get(7).is_ok());
    }

    #[test]
    fn a_full_cache_starts_over() {
        let c = served();
        for id in 0..CAPACITY as i64 {
            let ticket = c.get(id).unwrap_err().unwrap();
            c.put(id, ticket, state(1));
        }
        let ticket = c.get(-1).unwrap_err().unwrap();
        c.put(-1, ticket, state(1));
        assert!(c.get(-1).is_ok());
        assert!(c.get(0).is_err());
        assert_eq!(c.lock().entries.len(), 1);
    }
}
