//! The run slots of the scheduled jobs: a run first claims its `(job, slot)` key, unique across
//! every node sharing the database, then records how it ended.

use super::schema::job_runs;
use super::{ts, utc, DbConn, Paging};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};
use fieldline_mobile_api::{JobRunRecord, Page};

/// Claims a job's run slot: the run's id, or None when a run (on any node) already claimed it.
pub fn claim(conn: &mut DbConn, job: &str, slot: &str, at: DateTime<Utc>) -> QueryResult<Option<i64>> {
    let res = diesel::insert_into(job_runs::table)
        .values((
            job_runs::job.eq(job),
            job_runs::slot.eq(slot),
            job_runs::started_at.eq(ts(at)),
        ))
        .returning(job_runs::id)
        .get_result::<i64>(conn);
    match res {
        Ok(id) => Ok(Some(id)),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Records how a claimed run ended.
pub fn finish(conn: &mut DbConn, id: i64, at: DateTime<Utc>, examined: i64, actions: i64) -> QueryResult<()> {
    diesel::update(job_runs::table.find(id))
        .set((
            job_runs::finished_at.eq(ts(at)),
            job_runs::examined.eq(examined),
            job_runs::actions.eq(actions),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = job_runs)]
struct Row {
    id: i64,
    job: String,
    slot: String,
    started_at: NaiveDateTime,
    finished_at: Option<NaiveDateTime>,
    examined: i64,
    actions: i64,
}

/// Claimed runs, newest first, optionally of one job or one slot.
pub fn list(
    conn: &mut DbConn,
    job: Option<&str>,
    slot: Option<&str>,
    paging: Paging,
) -> QueryResult<Page<JobRunRecord>> {
    let filtered = || {
        let mut q = job_runs::table.into_boxed();
        if let Some(job) = job {
            q = q.filter(job_runs::job.eq(job.to_string()));
        }
        if let Some(slot) = slot {
            q = q.filter(job_runs::slot.eq(slot.to_string()));
        }
        q
    };
    let (rows, total): (Vec<Row>, i64) = paging.load(conn, filtered, |q| {
        q.order(job_runs::id.desc()).select(Row::as_select())
    })?;
    let items = rows
        .into_iter()
        .map(|r| JobRunRecord {
            id: r.id,
            job: r.job,
            slot: r.slot,
            started_at: utc(r.started_at),
            finished_at: r.finished_at.map(utc),
            examined: r.examined,
            actions: r.actions,
        })
        .collect();
    Ok(paging.page(items, total))
}

/// Deletes the records of runs started before `before`; their slots are long past.
pub fn prune(conn: &mut DbConn, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(job_runs::table.filter(job_runs::started_at.lt(ts(before)))).execute(conn)
}

/// Each job's latest run start (jobs that never ran are missing).
pub fn last_started(conn: &mut DbConn) -> QueryResult<Vec<(String, DateTime<Utc>)>> {
    let rows: Vec<(String, Option<NaiveDateTime>)> = job_runs::table
        .group_by(job_runs::job)
        .select((job_runs::job, diesel::dsl::max(job_runs::started_at)))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(j, t)| t.map(|t| (j, utc(t)))).collect())
}
