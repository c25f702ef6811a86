//! The scheduled jobs' runs (admins): running one by hand, and the record of claimed slots.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::jobs::JOBS;
use crate::service::jobs::{self as service, RunListing};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{JobRun, JobRunRecord, Page, Problem, RunJobRequest};
use serde::Deserialize;

/// Runs a scheduled job now (admin): in the slot given, only if no run on any node claimed it
/// (to catch up a missed scheduled slot), or else in a slot of its own. The jobs are idempotent
/// scans, so an extra run only does what is due.
#[utoipa::path(post, path = "/api/v1/jobs/{name}/run", tag = "jobs", security(("bearer" = [])),
    params(("name" = String, Path, description = "`sla_scan`, `ping_retention`, `mail_relay`, `mail_intake`, `revisit_generation`, `inspection_generation`, `report_mailing`, `unanswered_resolutions` or `personal_data_retention`")),
    request_body(content = RunJobRequest, description = "may be empty (`{}`)"),
    responses((status = 200, body = JobRun), (status = 404, body = Problem), (status = 422, body = Problem),
        (status = 502, body = Problem)))]
pub async fn run_job(
    state: web::Data<AppState>,
    user: CurrentUser,
    name: web::Path<String>,
    body: Json<RunJobRequest>,
) -> AppResult<HttpResponse> {
    let slot = service::slot_to_run(&who(&user, &state), body.0.slot)?;
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
    let JobRunQuery {
        job,
        slot,
        limit,
        offset,
    } = q.0;
    let listing = RunListing {
        job,
        slot,
        limit,
        offset,
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::runs(c, &who, listing, JOBS)).await?;
    Ok(HttpResponse::Ok().json(out))
}
