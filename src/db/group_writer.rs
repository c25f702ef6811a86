//! Writes that arrive while one transaction is being written wait together and share the next
//! one (a group commit). It is for the writes that come in bursts and cost mostly their
//! transaction: technicians' positions, sent by phones all day, and ticket registrations. On
//! SQLite, which has one writer at a time, a group also holds the write lock once instead of once
//! per request, and its pages are written to the log once.
//!
//! One thread owns the writing. Each write is still its own unit: it runs under a savepoint of
//! the group's transaction, so one that fails (a check that refuses, a reused idempotency key)
//! undoes only its own changes and gets its own error. Each caller waits for the commit of its
//! group before it is answered, so nothing acknowledged is lost; if the commit fails, every write
//! of the group is answered that it was not stored.
//!
//! On SQLite the log (WAL) is checkpointed by a second thread with a connection of its own, at
//! most every `CHECKPOINT_PAUSE` while groups are committed: a commit that checkpointed, as
//! SQLite's commits do once the log passes 1,000 pages, would hold every waiting write while it
//! copies pages into the file and syncs it (a third of the writer's time under positions).

use super::{in_transaction, write, DbConn, Pool};
use crate::error::{AppError, AppResult};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Writes in one transaction, at most.
const GROUP: usize = 64;
/// Writes waiting for the writer, at most; callers wait beyond that.
const QUEUE: usize = 1024;
/// The least time between two checkpoints of the SQLite log.
const CHECKPOINT_PAUSE: Duration = Duration::from_millis(100);

/// One caller's write, to run on the writer's connection inside the group's transaction; it
/// gives back what answers the caller once the transaction has ended.
type Job = Box<dyn FnOnce(&mut DbConn) -> Reply + Send>;
/// Answers a caller: `None` when the group committed, else why it did not.
type Reply = Box<dyn FnOnce(Option<&AppError>) + Send>;

/// The handle writes are sent through; cloned into every worker.
#[derive(Debug, Clone)]
pub struct GroupWriter {
    queue: mpsc::Sender<Job>,
}

/// How a write is committed.
#[derive(Debug, Clone, Copy)]
pub enum Commit<'a> {
    /// In a transaction of its own on the caller's connection (jobs, the command line, benches).
    Alone,
    /// In the group writer's next transaction (requests that come in bursts).
    Grouped(&'a GroupWriter),
}

impl Commit<'_> {
    /// Runs `f` in a transaction as this says, from a blocking thread. Inside a transaction of
    /// the caller's it is a savepoint of that one, whatever this says.
    pub fn write<T, F>(self, c: &mut DbConn, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        match self {
            Commit::Grouped(w) if !in_transaction(c) => w.write_blocking(f),
            _ => write(c, f),
        }
    }
}

/// The answer to a write that was not stored: its group failed, or the writer could not take it.
fn not_stored() -> AppError {
    AppError::Unavailable("the change could not be stored; send it again".into())
}

impl GroupWriter {
    /// Starts the writing thread and the checkpointing one on `pool`, which should be their own
    /// (`db::open_for_writer`: the callers may hold every connection of the main pool while they
    /// wait); both stop when the last handle is dropped. `groups` counts the transactions
    /// written (a metric).
    pub fn start(pool: Pool, groups: prometheus::IntCounter) -> std::io::Result<GroupWriter> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let (wrote, written) = std_mpsc::sync_channel(1);
        let checkpoints = pool.clone();
        std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || checkpoint(checkpoints, written))?;
        std::thread::Builder::new()
            .name("group-writer".into())
            .spawn(move || run(pool, rx, groups, wrote))?;
        Ok(GroupWriter { queue: tx })
    }

    /// Runs `f` in the next group's transaction and answers once that has committed.
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let (job, answer) = job(f);
        self.queue.send(job).await.map_err(|_| not_stored())?;
        answer.await.map_err(|_| not_stored())?
    }

    /// `write` from a blocking thread (never from the async threads, which it would block).
    pub fn write_blocking<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let (job, answer) = job(f);
        self.queue.blocking_send(job).map_err(|_| not_stored())?;
        answer.blocking_recv().map_err(|_| not_stored())?
    }
}

/// The job that runs `f` under a savepoint, and where its answer will come.
fn job<T, F>(f: F) -> (Job, oneshot::Receiver<AppResult<T>>)
where
    F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    let job: Job = Box::new(move |c| {
        // Inside the group's transaction: a savepoint.
        let own = c.transaction(f);
        Box::new(move |failed| {
            let answer = match (own, failed) {
                (Err(e), _) => Err(e),
                (Ok(v), None) => Ok(v),
                (Ok(_), Some(_)) => Err(not_stored()),
            };
            let _ = tx.send(answer);
        })
    });
    (job, rx)
}

fn run(pool: Pool, mut rx: mpsc::Receiver<Job>, groups: prometheus::IntCounter, wrote: std_mpsc::SyncSender<()>) {
    while let Some(first) = rx.blocking_recv() {
        let mut group = vec![first];
        while group.len() < GROUP {
            match rx.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        let mut replies = Vec::with_capacity(group.len());
        // A write that panics fails its group, not the thread: every write of the group is
        // answered that it was not stored (those not run, and the one that panicked, when their
        // answer's sender is dropped); the connection, left inside a transaction, is discarded
        // by the pool.
        let ended = catch_unwind(AssertUnwindSafe(|| -> AppResult<bool> {
            let mut c = pool.get()?;
            write(&mut c, |c| -> AppResult<()> {
                for job in group.drain(..) {
                    replies.push(job(c));
                }
                Ok(())
            })?;
            Ok(matches!(*c, DbConn::Sqlite(_)))
        }));
        let failed = match ended {
            Ok(Ok(sqlite)) => {
                groups.inc();
                if sqlite {
                    // Full when a checkpoint is already due: this group's pages go with it.
                    let _ = wrote.try_send(());
                }
                None
            }
            Ok(Err(e)) => Some(e),
            Err(_) => Some(AppError::internal("a write of the group panicked")),
        };
        if let Some(e) = &failed {
            tracing::error!(error = %e, writes = replies.len(), "a group of writes was not committed");
        }
        for reply in replies {
            reply(failed.as_ref());
        }
    }
}

/// Checkpoints the SQLite log after groups were committed, at most every `CHECKPOINT_PAUSE`
/// (PASSIVE: it copies what no reader still needs and never waits for the writer or readers).
/// It stops with the writing thread.
fn checkpoint(pool: Pool, written: std_mpsc::Receiver<()>) {
    while written.recv().is_ok() {
        let done = pool
            .get()
            .map_err(AppError::from)
            .and_then(|mut c| Ok(c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")?));
        if let Err(e) = done {
            tracing::warn!(error = %e, "the log could not be checkpointed; trying again after the next group");
        }
        std::thread::sleep(CHECKPOINT_PAUSE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }

    fn insert(c: &mut DbConn, id: i64) -> AppResult<i64> {
        diesel::sql_query("INSERT INTO t (id) VALUES ($1)")
            .bind::<BigInt, _>(id)
            .execute(c)?;
        Ok(id)
    }

    /// A write of `id` held until `release` is sent, so that the writes sent meanwhile form the
    /// next group; returns once it runs.
    fn held(writer: &GroupWriter, id: i64) -> (std::sync::mpsc::Sender<()>, std::thread::JoinHandle<AppResult<i64>>) {
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, running) = std::sync::mpsc::channel::<()>();
        let w = writer.clone();
        let thread = std::thread::spawn(move || {
            w.write_blocking(move |c| {
                started.send(()).expect("the test waits");
                hold.recv().expect("released");
                insert(c, id)
            })
        });
        running.recv().unwrap();
        (release, thread)
    }

    /// Sends a write and returns the thread that waits for its answer.
    fn send(
        writer: &GroupWriter,
        f: impl FnOnce(&mut DbConn) -> AppResult<i64> + Send + 'static,
    ) -> std::thread::JoinHandle<AppResult<i64>> {
        let w = writer.clone();
        std::thread::spawn(move || w.write_blocking(f))
    }

    #[test]
    fn each_write_of_a_group_stands_or_falls_alone_and_a_failed_group_stores_nothing() {
        let path = std::env::temp_dir().join(format!("group-writer-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let url = format!("sqlite://{}", path.display());
        let pool = crate::db::open_for_writer(&url).unwrap();
        pool.get()
            .unwrap()
            .batch_execute("CREATE TABLE t (id BIGINT PRIMARY KEY)")
            .unwrap();
        let groups = prometheus::IntCounter::new("groups", "groups").unwrap();
        let writer = GroupWriter::start(pool.clone(), groups.clone()).unwrap();
        let queued = |n: usize| {
            // The writes sent while the held one runs wait in the queue.
            while writer.queue.max_capacity() - writer.queue.capacity() < n {
                std::thread::yield_now();
            }
        };

        // A group of three: the one that fails is undone, the two others are stored.
        let (release, first) = held(&writer, 0);
        let a = send(&writer, |c| insert(c, 1));
        let b = send(&writer, |c| {
            insert(c, 2)?;
            Err(AppError::validation("id", "refused after its insert"))
        });
        let c3 = send(&writer, |c| insert(c, 3));
        queued(3);
        release.send(()).unwrap();
        assert_eq!(first.join().unwrap().unwrap(), 0);
        assert_eq!(a.join().unwrap().unwrap(), 1);
        assert!(matches!(b.join().unwrap(), Err(AppError::Validation { .. })));
        assert_eq!(c3.join().unwrap().unwrap(), 3);
        assert_eq!(groups.get(), 2, "the held write alone, then the three together");

        // A group in which one write panics: none of it is stored, every caller is told so,
        // and the writer goes on.
        let (release, first) = held(&writer, 10);
        let d = send(&writer, |c| insert(c, 4));
        let e = send(&writer, |_| panic!("a bug in a write"));
        let f = send(&writer, |c| insert(c, 6));
        queued(3);
        release.send(()).unwrap();
        assert_eq!(first.join().unwrap().unwrap(), 10);
        for refused in [d, e, f] {
            assert!(matches!(refused.join().unwrap(), Err(AppError::Unavailable(_))));
        }
        assert_eq!(writer.write_blocking(|c| insert(c, 7)).unwrap(), 7);

        let mut c = pool.get().unwrap();
        let ids: Vec<i64> = diesel::sql_query("SELECT id FROM t ORDER BY id")
            .load::<Row>(&mut *c)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, [0, 1, 3, 7, 10]);
        drop(c);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn the_log_is_checkpointed_beside_the_writer_and_not_by_its_commits() {
        #[derive(QueryableByName)]
        struct Pages {
            #[diesel(sql_type = BigInt)]
            wal_autocheckpoint: i64,
        }
        let path = std::env::temp_dir().join(format!("group-writer-log-{}.db", std::process::id()));
        for f in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{f}", path.display()));
        }
        let url = format!("sqlite://{}", path.display());
        let pool = crate::db::open_for_writer(&url).unwrap();
        let mut c = pool.get().unwrap();
        let pages: Pages = diesel::sql_query("PRAGMA wal_autocheckpoint")
            .get_result(&mut *c)
            .unwrap();
        assert_eq!(pages.wal_autocheckpoint, 0, "the writer's commits leave the log alone");
        c.batch_execute("CREATE TABLE t (id BIGINT PRIMARY KEY)").unwrap();
        drop(c);
        // Everything written so far is in the log; the file holds its first page only.
        let size = || std::fs::metadata(&path).unwrap().len();
        let before = size();

        let groups = prometheus::IntCounter::new("groups", "groups").unwrap();
        let writer = GroupWriter::start(pool, groups).unwrap();
        for id in 0..100 {
            assert_eq!(writer.write_blocking(move |c| insert(c, id)).unwrap(), id);
        }
        // Nothing else checkpoints while the pool is open: the file grows only when the
        // checkpointing thread copies the log's pages into it.
        let waited = std::time::Instant::now();
        while size() <= before {
            assert!(
                waited.elapsed() < Duration::from_secs(60),
                "the log was never checkpointed"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(writer);
        for f in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{f}", path.display()));
        }
    }
}
