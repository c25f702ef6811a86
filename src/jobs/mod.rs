//! Scheduled jobs. Each is an idempotent scan of what is due, and each run first claims its slot
//! in `job_runs`, so two nodes sharing a database never run the same slot twice and a missed tick
//! is caught up by the next one.

pub mod pings;
pub mod sla;

use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};
use crate::AppState;
use actix_web::web;
use fieldline_mobile_api::JobRun;
use tokio_cron_scheduler::{Job, JobScheduler};

/// The jobs there are, by name.
pub const JOBS: &[&str] = &[sla::NAME, pings::NAME];

/// Claims the slot and, if it was free, runs the job.
pub fn run(conn: &mut DbConn, st: &AppState, job: &str, slot: &str) -> AppResult<JobRun> {
    if !JOBS.contains(&job) {
        return Err(AppError::NotFound(format!(
            "no job named `{job}`; the jobs are {}",
            JOBS.join(", ")
        )));
    }
    let now = st.clock.now();
    let Some(run_id) = db::claim_job_slot(conn, job, slot, now)? else {
        return Ok(JobRun {
            job: job.into(),
            slot: slot.into(),
            ran: false,
            examined: 0,
            actions: 0,
        });
    };
    let (examined, actions) = match job {
        sla::NAME => sla::run(conn, st)?,
        pings::NAME => pings::run(conn, st)?,
        _ => unreachable!("checked above"),
    };
    db::finish_job_run(conn, run_id, st.clock.now(), examined, actions)?;
    Ok(JobRun {
        job: job.into(),
        slot: slot.into(),
        ran: true,
        examined,
        actions,
    })
}

/// Starts the scheduler with the jobs whose cron string is set; None when none is.
pub async fn start(state: web::Data<AppState>) -> anyhow::Result<Option<JobScheduler>> {
    let crons = [
        (
            sla::NAME,
            "FIELDLINE_SLA_SCAN_CRON",
            state.settings.sla_scan_cron.clone(),
        ),
        (
            pings::NAME,
            "FIELDLINE_PING_RETENTION_CRON",
            state.settings.ping_retention_cron.clone(),
        ),
    ];
    if crons.iter().all(|(_, _, cron)| cron.is_empty()) {
        return Ok(None);
    }
    let scheduler = JobScheduler::new().await?;
    for (name, var, cron) in crons {
        if cron.is_empty() {
            continue;
        }
        let st = state.clone();
        let job = Job::new_async(cron.as_str(), move |_, _| {
            let st = st.clone();
            Box::pin(async move {
                // The slot is the tick's wall-clock second: every node firing this tick claims the same one.
                let slot = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string();
                let res = crate::telemetry::spawn_blocking_with_span(move || -> AppResult<JobRun> {
                    let mut conn = st.pool.get()?;
                    run(&mut conn, &st, name, &slot)
                })
                .await;
                match res {
                    Ok(Ok(r)) if r.ran => {
                        tracing::info!(job = %r.job, slot = %r.slot, examined = r.examined, actions = r.actions, "job ran")
                    }
                    Ok(Ok(r)) => tracing::debug!(job = %r.job, slot = %r.slot, "slot already taken"),
                    Ok(Err(e)) => tracing::error!(job = name, error = %e, "job failed"),
                    Err(e) => tracing::error!(job = name, error = %e, "job panicked"),
                }
            })
        })
        .map_err(|e| anyhow::anyhow!("{var} `{cron}`: {e}"))?;
        scheduler.add(job).await?;
    }
    scheduler.start().await?;
    Ok(Some(scheduler))
}
