//! The scheduled jobs as admins use them: which slot a run by hand claims, and the record of
//! the claimed slots. (The runs themselves are in `jobs`, which calls the services.)

use super::Who;
use crate::db::{job_runs, DbConn, Paging};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::admin::Act;
use crate::policy::{self, Action};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{JobRunRecord, Page};

/// The longest slot key accepted.
const SLOT_MAX: usize = 64;

/// The slot a run by hand claims: the one asked for (to catch up a missed scheduled slot), or
/// else a slot of its own.
pub fn slot_to_run(who: &Who, slot: Option<String>) -> AppResult<String> {
    policy::require(&who.caller, Action::Admin(Act::RunJobs))?;
    match slot {
        // A line of text, as the document says of it (`format = "text"`, at most 64 characters).
        Some(slot) => Ok(validate::text("slot", &slot, SLOT_MAX)?),
        None => Ok(format!("manual:{}", uuid::Uuid::new_v4())),
    }
}

/// What the record of runs is asked for: a job, a slot, the page.
#[derive(Debug, Default)]
pub struct RunListing {
    pub job: Option<String>,
    pub slot: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The claimed run slots, newest first; `jobs` are the names a job filter may take.
pub fn runs(c: &mut DbConn, who: &Who, l: RunListing, jobs: &[&str]) -> AppResult<Page<JobRunRecord>> {
    policy::require(&who.caller, Action::Admin(Act::ReadJobRuns))?;
    let paging = Paging::new(l.limit, l.offset)?;
    if let Some(job) = &l.job {
        if !jobs.contains(&job.as_str()) {
            return Err(AppError::validation(
                "job",
                format!("must be one of {}", jobs.join(", ")),
            ));
        }
    }
    Ok(job_runs::list(c, l.job.as_deref(), l.slot.as_deref(), paging)?)
}

/// Claims a job's run slot at `at`: the run's id, or None when another run (on this node or
/// another) has claimed the slot.
pub fn claim_slot(c: &mut DbConn, job: &str, slot: &str, at: DateTime<Utc>) -> AppResult<Option<i64>> {
    Ok(job_runs::claim(c, job, slot, at)?)
}

/// Records the end of a run with what it examined and the actions it took.
pub fn finish_run(c: &mut DbConn, run_id: i64, at: DateTime<Utc>, examined: i64, actions: i64) -> AppResult<()> {
    Ok(job_runs::finish(c, run_id, at, examined, actions)?)
}

/// Forgets the runs that started before `before`; returns how many.
pub fn prune_runs(c: &mut DbConn, before: DateTime<Utc>) -> AppResult<usize> {
    Ok(job_runs::prune(c, before)?)
}

/// Each job's latest run start, on any node.
pub fn last_started(c: &mut DbConn) -> AppResult<Vec<(String, DateTime<Utc>)>> {
    Ok(job_runs::last_started(c)?)
}
