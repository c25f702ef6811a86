//! Running a scheduled job by hand (admins).

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{JobRun, Problem};

/// Runs a scheduled job now (admin), in a slot of its own. The jobs are idempotent scans, so an
/// extra run only does what is due.
#[utoipa::path(post, path = "/api/v1/jobs/{name}/run", tag = "jobs", security(("bearer" = [])),
    params(("name" = String, Path, description = "`sla_scan`, `ping_retention`, `mail_relay`, `revisit_generation` or `report_mailing`")),
    responses((status = 200, body = JobRun), (status = 404, body = Problem)))]
pub async fn run_job(
    state: web::Data<AppState>,
    user: CurrentUser,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    user.require_admin()?;
    let slot = format!("manual:{}", uuid::Uuid::new_v4());
    let out = crate::jobs::run(&state, &name, &slot).await?;
    Ok(HttpResponse::Ok().json(out))
}
