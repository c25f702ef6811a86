//! The pool: how connections of each backend are opened and set up.

use super::{backend_of, sqlite_path, BackendKind, DbConn, DbSetupError, Pool};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, CustomizeConnection, ManageConnection};
use std::time::Duration;

/// Opens connections of the backend the URL names (never by trial, since SQLite accepts any string).
#[derive(Debug, Clone)]
pub struct Manager {
    pub(super) url: String,
    pub(super) kind: BackendKind,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match self.kind {
            BackendKind::Postgres => PgConnection::establish(&self.url)
                .map(DbConn::Pg)
                .map_err(r2d2::Error::ConnectionError),
            BackendKind::Sqlite => SqliteConnection::establish(sqlite_path(&self.url))
                .map(DbConn::Sqlite)
                .map_err(r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

/// Sets each new SQLite connection up: busy timeout first, then WAL, NORMAL sync, foreign keys,
/// its page cache, temporary storage in memory and the process's memory for SQLite; and whether
/// its commits checkpoint the log (SQLite's default, once it passes 1,000 pages) or leave that to
/// a thread of its own (the group writer's connections, `group_writer`).
#[derive(Debug)]
struct Pragmas {
    checkpoints: bool,
}

impl CustomizeConnection<DbConn, r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        if let DbConn::Sqlite(c) = conn {
            for pragma in [
                "PRAGMA busy_timeout = 10000",
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = NORMAL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA cache_size = -16000",
                // Statement journals (the savepoint each write of a group runs under) in memory:
                // on disk, each of them spilled to a temporary file once past 64 KiB, a tenth of
                // the group writer's time in registrations (docs/benchmarks.md).
                "PRAGMA temp_store = MEMORY",
                // The whole process's SQLite memory, every connection's page cache together (a
                // soft limit: near it, caches reuse their pages rather than take more). Without
                // it eight connections could hold 16 MB each of a large file; with it the mixed
                // load run's peak stays about 150 MiB at N = 10,000 (docs/benchmarks.md, "Memory").
                "PRAGMA soft_heap_limit = 50331648",
            ] {
                c.batch_execute(pragma).map_err(r2d2::Error::QueryError)?;
            }
            if !self.checkpoints {
                c.batch_execute("PRAGMA wal_autocheckpoint = 0")
                    .map_err(r2d2::Error::QueryError)?;
            }
        }
        Ok(())
    }
}

/// Builds a pool of `size` connections for a URL (creating the SQLite file's folder), each opened.
pub fn open(url: &str, size: u32) -> Result<Pool, DbSetupError> {
    open_with(url, size, size, Pragmas { checkpoints: true })
}

/// The group writer's pool (`group_writer`): two connections of its own, one for its writes and
/// one for its checkpoints, opened at its first (on PostgreSQL, which checkpoints by itself,
/// never). On SQLite their commits do not checkpoint the log, so the writing thread never waits
/// for a checkpoint (copying pages into the file and syncing it).
pub fn open_for_writer(url: &str) -> Result<Pool, DbSetupError> {
    open_with(url, 2, 1, Pragmas { checkpoints: false })
}

/// A pool of at most `size` connections, `idle` of them kept open.
fn open_with(url: &str, size: u32, idle: u32, pragmas: Pragmas) -> Result<Pool, DbSetupError> {
    let kind = backend_of(url);
    if kind == BackendKind::Sqlite {
        let path = std::path::Path::new(sqlite_path(url));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| DbSetupError::Folder(dir.display().to_string(), e))?;
        }
    }
    let pool = r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(idle))
        .connection_timeout(Duration::from_secs(10))
        // A PostgreSQL connection can be dropped by the server (a restart, an idle timeout): it is
        // tried (`SELECT 1`) before each use, so that a dead one is replaced instead of failing a
        // request. A SQLite connection is an open file that nothing outside the process closes.
        .test_on_check_out(kind == BackendKind::Postgres)
        .connection_customizer(Box::new(pragmas))
        .build(Manager {
            url: url.to_string(),
            kind,
        })?;
    Ok(pool)
}
