//! Scheduled jobs. Each is an idempotent scan of what is due, and each run first claims its slot
//! in `job_runs`, so two nodes sharing a database never run the same slot twice and a missed tick
//! is caught up by the next one.

pub mod acceptance;
pub mod chases;
pub mod handover;
pub mod inspections;
pub mod intake;
pub mod mail;
pub mod pings;
pub mod privacy;
pub mod quality;
pub mod reports;
pub mod revisits;
pub mod sla;

use crate::config::Settings;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::service;
use crate::startup::{blocking, AppState};
use actix_web::web;
use chrono::{DateTime, Utc};
use croner::parser::{CronParser, Seconds};
use croner::Cron;
use fieldline_mobile_api::{JobHealth, JobRun};
use std::sync::Arc;
use tokio_cron_scheduler::{Job, JobScheduler};

/// What a job does when its slot is claimed.
#[derive(Clone, Copy)]
enum Work {
    /// A scan of what is due, on a pooled connection off the async threads; returns (rows
    /// looked at, actions taken).
    Scan(fn(&mut DbConn, &AppState) -> AppResult<(i64, i64)>),
    /// The outbox relay, which sends outside any transaction and manages its connections.
    Relay,
    /// E-mail intake, which talks to the IMAP servers outside any transaction.
    Intake,
}

/// A job: its name, what it does, and its schedule (the setting's variable and its value).
struct Definition {
    name: &'static str,
    work: Work,
    variable: &'static str,
    cron: fn(&Settings) -> &str,
}

/// Every job, once: the list of names, the runs and the schedules are read from here.
const DEFINITIONS: &[Definition] = &[
    Definition {
        name: sla::NAME,
        work: Work::Scan(sla::run),
        variable: "FIELDLINE_SLA_SCAN_CRON",
        cron: |s| &s.sla_scan_cron,
    },
    Definition {
        name: pings::NAME,
        work: Work::Scan(pings::run),
        variable: "FIELDLINE_PING_RETENTION_CRON",
        cron: |s| &s.ping_retention_cron,
    },
    Definition {
        name: mail::NAME,
        work: Work::Relay,
        variable: "FIELDLINE_MAIL_RELAY_CRON",
        cron: |s| &s.mail.relay_cron,
    },
    Definition {
        name: intake::NAME,
        work: Work::Intake,
        variable: "FIELDLINE_MAIL_INTAKE_CRON",
        cron: |s| &s.intake.cron,
    },
    Definition {
        name: revisits::NAME,
        work: Work::Scan(revisits::run),
        variable: "FIELDLINE_REVISIT_GENERATION_CRON",
        cron: |s| &s.revisits.generation_cron,
    },
    Definition {
        name: inspections::NAME,
        work: Work::Scan(inspections::run),
        variable: "FIELDLINE_INSPECTION_GENERATION_CRON",
        cron: |s| &s.inspections.generation_cron,
    },
    Definition {
        name: reports::NAME,
        work: Work::Scan(reports::run),
        variable: "FIELDLINE_REPORT_MAILING_CRON",
        cron: |s| &s.report_mailing_cron,
    },
    Definition {
        name: acceptance::NAME,
        work: Work::Scan(acceptance::run),
        variable: "FIELDLINE_UNANSWERED_RESOLUTIONS_CRON",
        cron: |s| &s.unanswered_resolutions_cron,
    },
    Definition {
        name: privacy::NAME,
        work: Work::Scan(privacy::run),
        variable: "FIELDLINE_PERSONAL_DATA_RETENTION_CRON",
        cron: |s| &s.personal_data_retention_cron,
    },
    Definition {
        name: chases::NAME,
        work: Work::Scan(chases::run),
        variable: "FIELDLINE_CHASE_CLIMB_CRON",
        cron: |s| &s.chase_climb_cron,
    },
    Definition {
        name: quality::NAME,
        work: Work::Scan(quality::run),
        variable: "FIELDLINE_QUALITY_SAMPLE_CRON",
        cron: |s| &s.quality_sample_cron,
    },
    Definition {
        name: handover::NAME,
        work: Work::Scan(handover::run),
        variable: "FIELDLINE_HANDOVER_WATCH_CRON",
        cron: |s| &s.handover_watch_cron,
    },
];

const fn names() -> [&'static str; DEFINITIONS.len()] {
    let mut out = [""; DEFINITIONS.len()];
    let mut i = 0;
    while i < DEFINITIONS.len() {
        out[i] = DEFINITIONS[i].name;
        i += 1;
    }
    out
}

/// The jobs there are, by name.
pub const JOBS: &[&str] = &names();

/// Claims the slot and, if it was free, runs the job.
pub async fn run(state: &web::Data<AppState>, job: &str, slot: &str) -> AppResult<JobRun> {
    let Some(def) = DEFINITIONS.iter().find(|d| d.name == job) else {
        return Err(AppError::NotFound(format!(
            "no job named `{job}`; the jobs are {}",
            JOBS.join(", ")
        )));
    };
    let job = def.name;
    let started = std::time::Instant::now();
    let slot_key = slot.to_string();
    let claimed = blocking(state, move |c, st| {
        service::jobs::claim_slot(c, job, &slot_key, st.clock.now())
    })
    .await?;
    let Some(run_id) = claimed else {
        state.metrics.observe_job(job, "skipped", started.elapsed());
        return Ok(JobRun {
            job: job.into(),
            slot: slot.into(),
            ran: false,
            examined: 0,
            actions: 0,
        });
    };
    let outcome = match def.work {
        Work::Scan(scan) => blocking(state, scan).await,
        Work::Relay => mail::run(state).await,
        Work::Intake => intake::run(state).await,
    };
    let (examined, actions) = outcome.inspect_err(|_| state.metrics.observe_job(job, "failed", started.elapsed()))?;
    state.metrics.observe_job(job, "ran", started.elapsed());
    blocking(state, move |c, st| {
        service::jobs::finish_run(c, run_id, st.clock.now(), examined, actions)
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
fn schedules(settings: &Settings) -> Vec<(&'static str, &'static str, String)> {
    DEFINITIONS
        .iter()
        .map(|d| (d.name, d.variable, (d.cron)(settings).to_string()))
        .collect()
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

/// How long after a scheduled time a job may still be running late before it counts as stale.
const STALE_GRACE: chrono::Duration = chrono::Duration::minutes(5);
/// A run may start a moment before its scheduled time (a timer firing early).
const EARLY: chrono::Duration = chrono::Duration::minutes(1);

/// Every job against its schedule at `now`, given each job's latest run start: a scheduled
/// job is stale when the schedule's latest time before `now - STALE_GRACE` had no run at or
/// after it (on any node). A job switched off is never stale.
pub fn health(settings: &Settings, last_started: &[(String, DateTime<Utc>)], now: DateTime<Utc>) -> Vec<JobHealth> {
    schedules(settings)
        .into_iter()
        .map(|(name, _, expr)| {
            let last = last_started.iter().find(|(j, _)| j == name).map(|(_, t)| *t);
            let due = parse_cron(&expr)
                .ok()
                .filter(|_| !expr.is_empty())
                .and_then(|c| c.find_previous_occurrence(&(now - STALE_GRACE), true).ok());
            JobHealth {
                job: name.to_string(),
                stale: due.is_some_and(|due| last.is_none_or(|t| t < due - EARLY)),
                schedule: expr,
                last_started_at: last,
            }
        })
        .collect()
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
    fn every_job_is_listed_once_with_a_schedule() {
        let settings = Settings::default();
        let scheduled: Vec<&str> = schedules(&settings).iter().map(|s| s.0).collect();
        assert_eq!(scheduled, JOBS);
        for (i, a) in JOBS.iter().enumerate() {
            assert!(!JOBS[i + 1..].contains(a), "{a} is listed twice");
        }
    }

    #[test]
    fn a_job_without_a_run_since_its_last_scheduled_time_is_stale() {
        let settings = Settings {
            report_mailing_cron: "0 0 6 * * *".into(),
            ..Settings::default()
        };
        let find = |h: Vec<JobHealth>| h.into_iter().find(|j| j.job == reports::NAME).unwrap();
        let ran = vec![(reports::NAME.to_string(), at("2026-03-02T06:00:02Z"))];
        // The day's run happened: fine until the next 06:00 plus the grace period.
        assert!(!find(health(&settings, &ran, at("2026-03-03T06:04:00Z"))).stale);
        assert!(find(health(&settings, &ran, at("2026-03-03T06:06:00Z"))).stale);
        // Never ran at all: stale.
        assert!(find(health(&settings, &[], at("2026-03-03T06:06:00Z"))).stale);
        // A job switched off is never stale.
        let off = Settings {
            report_mailing_cron: String::new(),
            ..Settings::default()
        };
        assert!(!find(health(&off, &[], at("2026-03-03T06:06:00Z"))).stale);
    }

    #[test]
    fn a_bad_cron_string_is_refused() {
        assert!(parse_cron("every night").is_err());
        assert!(parse_cron("0 2 * * *").is_err(), "the seconds field is required");
    }
}
