//! The database: one connection type over SQLite and PostgreSQL, the pool, the embedded
//! migrations, and the one place where backend-specific SQL lives.

pub mod audit;
pub mod complaints;
pub mod customers;
pub mod day_plans;
pub mod dispatch;
pub mod fault_reports;
pub mod group_writer;
pub mod handovers;
pub mod idempotency;
pub mod imports;
pub mod inbound;
pub mod inspection_visits;
pub mod inspections;
pub mod job_runs;
pub mod knowledge;
pub mod knowledge_search;
pub mod major_faults;
pub mod notices;
pub mod notifications;
pub mod org;
pub mod outbox;
mod paging;
pub mod pings;
mod pool;
pub mod portal;
pub mod privacy;
pub mod privacy_mail;
pub mod quality;
pub mod quality_reviews;
pub mod quotes;
pub mod regions;
pub mod replica;
pub mod reports;
pub mod revisit_files;
pub mod revisits;
pub mod roster;
pub mod roster_swaps;
pub mod schema;
pub mod sites;
pub mod sla;
pub mod supervision;
pub mod surveys;
pub mod tickets;
pub mod users;
pub mod warranty_terms;

use crate::domain::geo::BBox;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::query_builder::AstPass;
use diesel::r2d2;
use diesel::sql_types::Double;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use paging::Paging;
pub use pool::{open, open_for_writer, Manager};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend. Queries written against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Postgres,
    Sqlite,
}

/// Runs a query on the connection's own backend. For what diesel's multi-backend cannot express
/// but both backends run the same way (a multi-row insert); and for the queries every request
/// runs (a ticket's row, its names, the calendar, the registration's inserts): through the
/// multi-backend connection a query's SQL text is rendered again on each pass over it (checking
/// it may be cached, collecting its binds), where the backend's own connection finds its prepared
/// statement by the query's type. Written once, here.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

/// Which backend a URL names: `postgres://` / `postgresql://` is PostgreSQL, anything else is a
/// SQLite file (`sqlite://path`, `sqlite:path` or a plain path).
pub fn backend_of(url: &str) -> BackendKind {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        BackendKind::Postgres
    } else {
        BackendKind::Sqlite
    }
}

/// The SQLite file path a URL names.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the folder for the SQLite file {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("cannot open the database: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("migrations failed: {0}")]
    Migrations(String),
    #[error("the start-up lock: {0}")]
    Lock(#[from] diesel::result::Error),
}

/// Builds the pool for a URL (creating the SQLite file's folder) and runs pending migrations.
pub fn connect(url: &str, size: u32) -> Result<Pool, DbSetupError> {
    let pool = open(url, size)?;
    let mut conn = pool.get()?;
    one_node_at_a_time(&mut conn, migrate)?;
    Ok(pool)
}

/// The key of the PostgreSQL advisory lock nodes take for their start-up work.
const START_UP_LOCK: i64 = 0x6669_656c_646c;

/// Runs `f` while no other node starting on the same PostgreSQL database runs its own start-up
/// work (migrations, the first admin, the default SLA policies): a session advisory lock, so
/// nodes started at once do not migrate or create the first admin together. A SQLite file's
/// writers are one at a time already.
pub fn one_node_at_a_time<T, E>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::sql_types::BigInt;
    if conn.kind() == BackendKind::Sqlite {
        return f(conn);
    }
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(START_UP_LOCK)
        .execute(conn)?;
    let done = f(conn);
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(START_UP_LOCK)
        .execute(conn)?;
    done
}

/// Runs the pending migrations of the connection's backend.
pub fn migrate(conn: &mut DbConn) -> Result<(), DbSetupError> {
    let res = match conn {
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    };
    res.map_err(|e| DbSetupError::Migrations(e.to_string()))
}

impl DbConn {
    pub fn kind(&self) -> BackendKind {
        match self {
            DbConn::Pg(_) => BackendKind::Postgres,
            DbConn::Sqlite(_) => BackendKind::Sqlite,
        }
    }
}

static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in a write transaction: `BEGIN IMMEDIATE` on SQLite (so the write lock is taken up
/// front and waits for the busy timeout instead of failing on upgrade), a plain transaction on
/// PostgreSQL. Rolls back when `f` fails. A write inside a write is a savepoint of the outer one
/// (an import writes each row so): its failure undoes only its own changes.
pub fn write<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Pg(_) => conn.transaction(f),
        DbConn::Sqlite(inner) => {
            // SQLite has one writer at a time. Writers of this process queue on a mutex and wake
            // as soon as it is free, instead of polling the file lock with SQLite's sleeping busy
            // handler (which adds up to 100 ms per retry under load). Other processes on the same
            // file still wait through the busy timeout.
            // Inside a write this thread holds the lock already: a savepoint, without waiting for itself.
            if AnsiTransactionManager::transaction_manager_status_mut(inner)
                .transaction_depth()
                .ok()
                .flatten()
                .is_some()
            {
                return conn.transaction(f);
            }
            let _turn = SQLITE_WRITER.lock().unwrap_or_else(|e| e.into_inner());
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            let result = f(conn);
            end(conn, result)
        }
    }
}

/// Runs `f`, which only reads, on one snapshot of the database: several statements see the same
/// state even while others write (`BEGIN` on SQLite, whose first read fixes the snapshot;
/// `REPEATABLE READ, READ ONLY` on PostgreSQL). Inside a transaction it is the caller's.
pub fn read_snapshot<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    if in_transaction(conn) {
        return f(conn);
    }
    match conn {
        DbConn::Pg(p) => {
            AnsiTransactionManager::begin_transaction_sql(p, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?
        }
        DbConn::Sqlite(s) => AnsiTransactionManager::begin_transaction_sql(s, "BEGIN")?,
    }
    let result = f(conn);
    end(conn, result)
}

/// Ends the transaction begun for `result`: commits it, or rolls it back when `result` failed.
fn end<T, E>(conn: &mut DbConn, result: Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match result {
        Ok(v) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(v)
        }
        Err(e) => {
            <DbConn as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// The current UTC time as stored in `Timestamp` columns.
pub fn ts(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    t.naive_utc()
}

/// A stored `Timestamp` read back as UTC.
pub fn utc(t: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    t.and_utc()
}

diesel::define_sql_function! {
    /// `lower(text)`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

diesel::define_sql_function! {
    /// `length(blob)`: the size in bytes, the same on both backends.
    fn length(x: diesel::sql_types::Binary) -> diesel::sql_types::Integer;
}

/// Whether the connection is inside a transaction (for functions that must run in their
/// caller's transaction).
pub fn in_transaction(conn: &mut DbConn) -> bool {
    on_backend!(conn, |c| AnsiTransactionManager::transaction_manager_status_mut(c)
        .transaction_depth()
        .ok()
        .flatten()
        .is_some())
}

/// The escape character of `like_pattern`.
pub fn escape_like() -> char {
    '\\'
}

/// A case-insensitive "contains" pattern for `lower(column) LIKE pattern`, with `%` and `_`
/// in the search text taken literally.
pub fn like_pattern(text: &str) -> String {
    let escaped: String = text
        .trim()
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// The next ticket number of a year, allocated inside the caller's transaction (an upsert, so
/// two registrations never get the same number).
pub fn next_ticket_number(conn: &mut DbConn, year: i32) -> QueryResult<i64> {
    use schema::ticket_counters::dsl as tc;
    // Through the backend's own connection, so the statement is prepared once, not per ticket.
    crate::on_backend!(conn, |b| diesel::insert_into(tc::ticket_counters)
        .values((tc::year.eq(year), tc::last_number.eq(1_i64)))
        .on_conflict(tc::year)
        .do_update()
        .set(tc::last_number.eq(tc::last_number + 1_i64))
        .returning(tc::last_number)
        .get_result(b))
}

/// `column IN (the technicians whose home or last position lies in the box `area` but in
/// neither of them in the box `read`)`, through the backend's spatial index: SQLite's R*Tree
/// `technician_spots` (two points a technician: id twice the user id for the home base, one more
/// for the last position) or PostgreSQL's GiST indexes on `point(lon, lat)` of the two. The
/// boxes are bound, never written into the SQL, so each statement is prepared once a connection
/// (diesel's `sql` literals are prepared afresh every time).
pub fn in_ring(column: &'static str, (area, read): (BBox, BBox)) -> InRing {
    InRing { column, area, read }
}

/// The filter `in_ring` makes.
#[derive(Debug, Clone, Copy)]
pub struct InRing {
    column: &'static str,
    area: BBox,
    read: BBox,
}

impl diesel::expression::Expression for InRing {
    type SqlType = diesel::sql_types::Bool;
}

impl<QS> diesel::expression::AppearsOnTable<QS> for InRing {}

impl<QS> diesel::expression::SelectableExpression<QS> for InRing {}

impl<GB> diesel::expression::ValidGrouping<GB> for InRing {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl diesel::query_builder::QueryId for InRing {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::QueryFragment<MultiBackend> for InRing {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for InRing {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        fn within<'b>(out: &mut AstPass<'_, 'b, diesel::pg::Pg>, point: &str, b: &'b BBox) -> QueryResult<()> {
            out.push_sql(point);
            out.push_sql(" <@ box(point(");
            out.push_bind_param::<Double, _>(&b.min_lon)?;
            out.push_sql(", ");
            out.push_bind_param::<Double, _>(&b.min_lat)?;
            out.push_sql("), point(");
            out.push_bind_param::<Double, _>(&b.max_lon)?;
            out.push_sql(", ");
            out.push_bind_param::<Double, _>(&b.max_lat)?;
            out.push_sql("))");
            Ok(())
        }
        out.push_sql(self.column);
        for (sql, b) in [(" IN (", &self.area), (" EXCEPT ", &self.read)] {
            out.push_sql(sql);
            out.push_sql("SELECT user_id FROM technicians WHERE ");
            within(&mut out, "point(home_lon, home_lat)", b)?;
            out.push_sql(" OR ");
            within(&mut out, "point(last_lon, last_lat)", b)?;
        }
        out.push_sql(")");
        Ok(())
    }
}

impl diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for InRing {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        out.push_sql(self.column);
        for (sql, b) in [(" IN (", &self.area), (" EXCEPT ", &self.read)] {
            out.push_sql(sql);
            out.push_sql("SELECT id >> 1 FROM technician_spots WHERE min_lat <= ");
            out.push_bind_param::<Double, _>(&b.max_lat)?;
            out.push_sql(" AND max_lat >= ");
            out.push_bind_param::<Double, _>(&b.min_lat)?;
            out.push_sql(" AND min_lon <= ");
            out.push_bind_param::<Double, _>(&b.max_lon)?;
            out.push_sql(" AND max_lon >= ");
            out.push_bind_param::<Double, _>(&b.min_lon)?;
        }
        out.push_sql(")");
        Ok(())
    }
}

/// Holds a technician's row until the transaction ends, so two dispatchers booking the same
/// technician at once are served one after the other (SQLite's write transactions already are).
pub fn lock_technician(conn: &mut DbConn, user_id: i64) -> QueryResult<()> {
    use diesel::sql_types::BigInt;
    if let DbConn::Pg(_) = conn {
        diesel::sql_query("SELECT user_id FROM technicians WHERE user_id = $1 FOR UPDATE")
            .bind::<BigInt, _>(user_id)
            .execute(conn)?;
    }
    Ok(())
}

/// Holds a customer's row until the transaction ends, so two writers of what belongs to it
/// (its notice switches) are served one after the other (SQLite's write transactions already are).
pub fn lock_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<()> {
    use diesel::sql_types::BigInt;
    if let DbConn::Pg(_) = conn {
        diesel::sql_query("SELECT id FROM customers WHERE id = $1 FOR UPDATE")
            .bind::<BigInt, _>(customer_id)
            .execute(conn)?;
    }
    Ok(())
}

/// Holds a visit's row until the transaction ends, so that what is counted about it (its
/// photos) is counted by one writer at a time (SQLite's write transactions already are).
pub fn lock_visit(conn: &mut DbConn, visit_id: i64) -> QueryResult<()> {
    use diesel::sql_types::BigInt;
    if let DbConn::Pg(_) = conn {
        diesel::sql_query("SELECT id FROM visits WHERE id = $1 FOR UPDATE")
            .bind::<BigInt, _>(visit_id)
            .execute(conn)?;
    }
    Ok(())
}

/// Serialises the relays' claims on the outbox until the transaction ends, so the per-customer
/// bound is counted by one relay at a time across nodes (an advisory lock on PostgreSQL;
/// SQLite's write transactions already are one at a time). Rows are claimed with a lease, so
/// this is for the count, not for exclusivity.
pub fn lock_outbox_claims(conn: &mut DbConn) -> QueryResult<()> {
    /// The advisory lock's key: "outbox" in ASCII.
    const OUTBOX_CLAIM_LOCK: i64 = 0x6f75_7462_6f78;
    use diesel::sql_types::BigInt;
    if let DbConn::Pg(_) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(OUTBOX_CLAIM_LOCK)
            .execute(conn)?;
    }
    Ok(())
}

/// An index that no primary key or unique constraint stands behind: its table, its name and the
/// statement that makes it.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct SecondaryIndex {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub definition: String,
}

/// The secondary indexes of the schema, by table and name: those a bulk load may drop and make
/// again.
pub fn secondary_indexes(conn: &mut DbConn) -> QueryResult<Vec<SecondaryIndex>> {
    let sql = match conn {
        DbConn::Pg(_) => {
            "SELECT t.relname::text AS table_name, i.relname::text AS name, \
                    pg_get_indexdef(i.oid) AS definition \
             FROM pg_index x \
             JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = current_schema() \
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid) \
             ORDER BY 1, 2"
        }
        // Constraints' indexes (`sqlite_autoindex_*`) have no statement.
        DbConn::Sqlite(_) => {
            "SELECT tbl_name AS table_name, name, sql AS definition FROM sqlite_master \
             WHERE type = 'index' AND sql IS NOT NULL ORDER BY 1, 2"
        }
    };
    diesel::sql_query(sql).load(conn)
}

/// Drops a secondary index (its name as the catalogue gives it).
pub fn drop_index(conn: &mut DbConn, index: &SecondaryIndex) -> QueryResult<()> {
    conn.batch_execute(&format!("DROP INDEX \"{}\"", index.name.replace('"', "\"\"")))
}

/// Makes a secondary index again from the statement the catalogue gave.
pub fn create_index(conn: &mut DbConn, index: &SecondaryIndex) -> QueryResult<()> {
    conn.batch_execute(&index.definition)
}
