//! Scheduled jobs. Each is an idempotent scan of what is due, and each run first claims its slot
//! in `job_runs`, so two nodes sharing a database never run the same slot twice and a missed tick
//! is caught up by the next one.

pub mod mail;
pub mod pings;
pub mod reports;
pub mod revisits;
pub mod sla;

use crate::db;
use crate::error::{AppError, AppResult};
use crate::{blocking, AppState};
use actix_web::web;
use fieldline_mobile_api::JobRun;
use tokio_cron_scheduler::{Job, JobScheduler};

/// The jobs there are, by name.
pub const JOBS: &[&str] = &[sla::NAME, pings::NAME, mail::NAME, revisits::NAME, reports::NAME];

/// Claims the slot and, if it was free, runs the job.
pub async fn run(state: &web::Data<AppState>, job: &str, slot: &str) -> AppResult<JobRun> {
    let Some(&job) = JOBS.iter().find(|j| **j == job) else {
        return Err(AppError::NotFound(format!(
            "no job named `{job}`; the jobs are {}",
            JOBS.join(", ")
        )));
    };
    let slot_key = slot.to_string();
    let claimed = blocking(state, move |c, st| {
        Ok(db::claim_job_slot(c, job, &slot_key, st.clock.now())?)
    })
    .await?;
    let Some(run_id) = claimed else {
        return Ok(JobRun {
            job: job.into(),
            slot: slot.into(),
            ran: false,
            examined: 0,
            actions: 0,
        });
    };
    let (examined, actions) = match job {
        sla::NAME => blocking(state, sla::run).await?,
        pings::NAME => blocking(state, pings::run).await?,
        mail::NAME => mail::run(state).await?,
        revisits::NAME => blocking(state, revisits::run).await?,
        reports::NAME => blocking(state, reports::run).await?,
        _ => unreachable!("checked above"),
    };
    blocking(state, move |c, st| {
        Ok(db::finish_job_run(c, run_id, st.clock.now(), examined, actions)?)
    })
    .await?;
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
        (
            mail::NAME,
            "FIELDLINE_MAIL_RELAY_CRON",
            state.settings.mail.relay_cron.clone(),
        ),
        (
            revisits::NAME,
            "FIELDLINE_REVISIT_GENERATION_CRON",
            state.settings.revisits.generation_cron.clone(),
        ),
        (
            reports::NAME,
            "FIELDLINE_REPORT_MAILING_CRON",
            state.settings.report_mailing_cron.clone(),
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
                match run(&st, name, &slot).await {
                    Ok(r) if r.ran && r.examined + r.actions > 0 => {
                        tracing::info!(job = %r.job, slot = %r.slot, examined = r.examined, actions = r.actions, "job ran")
                    }
                    // The relay runs every few seconds: an idle run is not worth a line at info.
                    Ok(r) if r.ran => tracing::debug!(job = %r.job, slot = %r.slot, "job ran; nothing was due"),
                    Ok(r) => tracing::debug!(job = %r.job, slot = %r.slot, "slot already taken"),
                    Err(e) => tracing::error!(job = name, error = %e, "job failed"),
                }
            })
        })
        .map_err(|e| anyhow::anyhow!("{var} `{cron}`: {e}"))?;
        scheduler.add(job).await?;
    }
    scheduler.start().await?;
    Ok(Some(scheduler))
}
