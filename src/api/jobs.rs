//! The scheduled jobs' runs (admins): running one by hand, and the record of claimed slots.

use super::extract::{Json, Query};
use super::run;
use crate::auth::CurrentUser;
use crate::db::{job_runs, Paging};
use crate::error::{AppError, AppResult};
use crate::jobs::JOBS;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{JobRun, JobRunRecord, Page, Problem, RunJobRequest};
use serde::Deserialize;

/// The longest slot key accepted.
const SLOT_MAX: usize = 64;

/// Runs a scheduled job now (admin): in the slot given, only if no run on any node claimed it
/// (to catch up a missed scheduled slot), or else in a slot of its own. The jobs are idempotent
/// scans, so an extra run only does what is due.
#[utoipa::path(post, path = "/api/v1/jobs/{name}/run", tag = "jobs", security(("bearer" = [])),
    params(("name" = String, Path, description = "`sla_scan`, `ping_retention`, `mail_relay`, `revisit_generation`, `inspection_generation` or `report_mailing`")),
    request_body(content = RunJobRequest, description = "may be empty (`{}`)"),
    responses((status = 200, body = JobRun), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn run_job(
    state: web::Data<AppState>,
    user: CurrentUser,
    name: web::Path<String>,
    body: Json<RunJobRequest>,
) -> AppResult<HttpResponse> {
    user.require_admin()?;
    let slot = match body.0.slot {
        Some(slot) => {
            let slot = slot.trim().to_string();
            if slot.is_empty() || slot.len() > SLOT_MAX || slot.chars().any(char::is_control) {
                return Err(AppError::validation(
                    "slot",
                    format!("must be 1 to {SLOT_MAX} printable characters"),
                ));
            }
            slot
        }
        None => format!("manual:{}", uuid::Uuid::new_v4()),
    };
    let out = crate::jobs::run(&state, &name, &slot).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct JobRunQuery {
    /// Only this job's runs.
    pub job: Option<String>,
    /// Only the run of this slot.
    pub slot: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The claimed run slots, newest first (admin): which node-wide slot ran, when, and what it did.
#[utoipa::path(get, path = "/api/v1/jobs/runs", tag = "jobs", security(("bearer" = [])), params(JobRunQuery),
    responses((status = 200, body = Page<JobRunRecord>), (status = 422, body = Problem)))]
pub async fn list_runs(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<JobRunQuery>,
) -> AppResult<HttpResponse> {
    user.require_admin()?;
    let paging = Paging::new(q.limit, q.offset)?;
    let JobRunQuery { job, slot, .. } = q.0;
    if let Some(job) = &job {
        if !JOBS.contains(&job.as_str()) {
            return Err(AppError::validation(
                "job",
                format!("must be one of {}", JOBS.join(", ")),
            ));
        }
    }
    let out = run(&state, move |c, _| {
        Ok(job_runs::list(c, job.as_deref(), slot.as_deref(), paging)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
