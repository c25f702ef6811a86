//! Scheduled jobs. Each is an idempotent scan of what is due, and each run first claims its slot
//! in `job_runs`, so two nodes sharing a database never run the same slot twice and a missed tick
//! is caught up by the next one.

pub mod inspections;
pub mod mail;
pub mod pings;
pub mod reports;
pub mod revisits;
pub mod sla;

use crate::db;
use crate::error::{AppError, AppResult};
use crate::startup::{blocking, AppState};
use actix_web::web;
use chrono::{DateTime, Utc};
use croner::parser::{CronParser, Seconds};
use croner::Cron;
use fieldline_mobile_api::JobRun;
use std::sync::Arc;
use tokio_cron_scheduler::{Job, JobScheduler};

/// The jobs there are, by name.
pub const JOBS: &[&str] = &[
    sla::NAME,
    pings::NAME,
    mail::NAME,
    revisits::NAME,
    inspections::NAME,
    reports::NAME,
];

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
        Ok(db::job_runs::claim(c, job, &slot_key, st.clock.now())?)
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
        inspections::NAME => blocking(state, inspections::run).await?,
        reports::NAME => blocking(state, reports::run).await?,
        _ => unreachable!("checked above"),
    };
    blocking(state, move |c, st| {
        Ok(db::job_runs::finish(c, run_id, st.clock.now(), examined, actions)?)
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

/// A job's schedule from the settings: its name, the setting's variable and the cron string.
fn schedules(settings: &crate::config::Settings) -> Vec<(&'static str, &'static str, String)> {
    vec![
        (sla::NAME, "FIELDLINE_SLA_SCAN_CRON", settings.sla_scan_cron.clone()),
        (
            pings::NAME,
            "FIELDLINE_PING_RETENTION_CRON",
            settings.ping_retention_cron.clone(),
        ),
        (
            mail::NAME,
            "FIELDLINE_MAIL_RELAY_CRON",
            settings.mail.relay_cron.clone(),
        ),
        (
            revisits::NAME,
            "FIELDLINE_REVISIT_GENERATION_CRON",
            settings.revisits.generation_cron.clone(),
        ),
        (
            inspections::NAME,
            "FIELDLINE_INSPECTION_GENERATION_CRON",
            settings.inspections.generation_cron.clone(),
        ),
        (
            reports::NAME,
            "FIELDLINE_REPORT_MAILING_CRON",
            settings.report_mailing_cron.clone(),
        ),
    ]
}

/// Parses a cron string as the scheduler does (a seconds field first, UTC).
fn parse_cron(expr: &str) -> Result<Cron, croner::errors::CronError> {
    CronParser::builder()
        .seconds(Seconds::Required)
        .dom_and_dow(true)
        .build()
        .parse(expr)
}

/// A slot key: the scheduled time it stands for, in UTC.
fn slot_key(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The slot of a tick that fired at `at`: the scheduled time nearest to it, so nodes whose
/// timers fire a moment apart (or a moment early) claim the same slot.
fn tick_slot(cron: &Cron, at: DateTime<Utc>) -> Option<String> {
    let before = cron.find_previous_occurrence(&at, true).ok();
    let after = cron.find_next_occurrence(&at, true).ok();
    let nearest = match (before, after) {
        (Some(b), Some(a)) => Some(if at - b <= a - at { b } else { a }),
        (b, a) => b.or(a),
    };
    nearest.map(slot_key)
}

/// The slot a node starting at `at` catches up: the last scheduled time at or before it. When
/// the service was down at that time nobody claimed it, and the run does what was missed (the
/// jobs scan for what is due, so one run covers every missed tick); when it ran, the claim fails.
fn last_slot(cron: &Cron, at: DateTime<Utc>) -> Option<String> {
    cron.find_previous_occurrence(&at, true).ok().map(slot_key)
}

/// Logs how a scheduled run went.
fn report(name: &str, out: AppResult<JobRun>) {
    match out {
        Ok(r) if r.ran && r.examined + r.actions > 0 => {
            tracing::info!(job = %r.job, slot = %r.slot, examined = r.examined, actions = r.actions, "job ran")
        }
        // The relay runs every few seconds: an idle run is not worth a line at info.
        Ok(r) if r.ran => tracing::debug!(job = %r.job, slot = %r.slot, "job ran; nothing was due"),
        Ok(r) => tracing::debug!(job = %r.job, slot = %r.slot, "slot already taken"),
        Err(e) => tracing::error!(job = name, error = %e, "job failed"),
    }
}

/// Starts the scheduler with the jobs whose cron string is set (None when none is), and in the
/// background catches up each one's last scheduled slot that no node ran.
pub async fn start(state: web::Data<AppState>) -> anyhow::Result<Option<JobScheduler>> {
    let mut jobs = Vec::new();
    for (name, var, expr) in schedules(&state.settings) {
        if expr.is_empty() {
            continue;
        }
        let cron = parse_cron(&expr).map_err(|e| anyhow::anyhow!("{var} `{expr}`: {e}"))?;
        jobs.push((name, var, expr, Arc::new(cron)));
    }
    if jobs.is_empty() {
        return Ok(None);
    }
    let scheduler = JobScheduler::new().await?;
    for (name, var, expr, cron) in &jobs {
        let (st, cron, name) = (state.clone(), cron.clone(), *name);
        let job = Job::new_async(expr.as_str(), move |_, _| {
            let (st, cron) = (st.clone(), cron.clone());
            Box::pin(async move {
                if let Some(slot) = tick_slot(&cron, st.clock.now()) {
                    report(name, run(&st, name, &slot).await);
                }
            })
        })
        .map_err(|e| anyhow::anyhow!("{var} `{expr}`: {e}"))?;
        scheduler.add(job).await?;
    }
    scheduler.start().await?;
    tokio::spawn(async move {
        for (name, _, _, cron) in jobs {
            if let Some(slot) = last_slot(&cron, state.clock.now()) {
                report(name, run(&state, name, &slot).await);
            }
        }
    });
    Ok(Some(scheduler))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_tick_takes_the_nearest_scheduled_time() {
        let every_ten = parse_cron("*/10 * * * * *").unwrap();
        assert_eq!(
            tick_slot(&every_ten, at("2026-03-02T02:00:00Z")).unwrap(),
            "2026-03-02T02:00:00"
        );
        // Late by a moment, or early by one: the same slot.
        assert_eq!(
            tick_slot(&every_ten, at("2026-03-02T02:00:03.9Z")).unwrap(),
            "2026-03-02T02:00:00"
        );
        assert_eq!(
            tick_slot(&every_ten, at("2026-03-02T01:59:59.8Z")).unwrap(),
            "2026-03-02T02:00:00"
        );
    }

    #[test]
    fn a_start_catches_up_the_last_scheduled_time() {
        let nightly = parse_cron("0 0 2 * * *").unwrap();
        assert_eq!(
            last_slot(&nightly, at("2026-03-02T09:30:00Z")).unwrap(),
            "2026-03-02T02:00:00"
        );
        assert_eq!(
            last_slot(&nightly, at("2026-03-02T01:59:00Z")).unwrap(),
            "2026-03-01T02:00:00"
        );
        assert_eq!(
            last_slot(&nightly, at("2026-03-02T02:00:00Z")).unwrap(),
            "2026-03-02T02:00:00"
        );
    }

    #[test]
    fn a_bad_cron_string_is_refused() {
        assert!(parse_cron("every night").is_err());
        assert!(parse_cron("0 2 * * *").is_err(), "the seconds field is required");
    }
}
